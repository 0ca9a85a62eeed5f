#!/usr/bin/env bash
# Builds the agent's Linux packages: a jlink'ed runtime with only the modules jdeps finds in the agent
# and its libraries, then a .deb (when dpkg-deb exists) and an .rpm (when rpmbuild exists) with jpackage,
# using this module's own systemd unit, maintainer scripts and RPM spec (src/linux, via --resource-dir).
#   packaging/build-packages.sh [VERSION [TYPES]]   VERSION defaults to the Maven version without -SNAPSHOT;
#                                                  TYPES "deb rpm" (default: those whose tools exist; under
#                                                  CI=true, or with TYPES given, a missing tool is an error)
# Needs agent/target/enginex-agent.jar and agent/target/lib (./mvnw -pl agent package). Output:
# packaging/target/packages/. Called by the Maven profile "packages" (on unless -DskipPackages).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
version=${1:-}
types=${2:-deb rpm}
# In CI (and when the caller names the types) every package must be built: a missing tool is an error,
# so a green build never hides a package that was silently not made.
strict=false
if [ "${CI:-}" = "true" ] || [ -n "${2:-}" ]; then strict=true; fi
require_tool() { # TOOL PACKAGE-TYPE DEBIAN-PACKAGE
  command -v "$1" >/dev/null && return 0
  if $strict; then
    echo "error: $1 is missing, so the .$2 cannot be built; install it (Debian: apt-get install $3) or pass TYPES without $2" >&2
    exit 1
  fi
  echo "note: $1 not found; skipping the .$2 (install $3 to build it)" >&2
  return 1
}
if [ -z "$version" ]; then
  version=$(sed -n 's:.*<version>\([0-9][^<]*\)</version>.*:\1:p' "$repo/pom.xml" | head -n1)
  version=${version%-SNAPSHOT}
fi
agent=$repo/agent/target
target=$here/target
[ -f "$agent/enginex-agent.jar" ] || { echo "error: $agent/enginex-agent.jar is missing; build it: ./mvnw -pl agent package" >&2; exit 1; }
command -v jpackage >/dev/null || { echo "error: jpackage is missing; use a full JDK 21+ (source scripts/jdk.sh)" >&2; exit 1; }

rm -rf "$target/input" "$target/runtime" "$target/jpackage-tmp" "$target/packages/$version"
mkdir -p "$target/input/lib" "$target/packages/$version"
cp "$agent/enginex-agent.jar" "$target/input/"
cp "$agent"/lib/*.jar "$target/input/lib/"
# JNA stays: on Linux the agent signals a command's whole process group with kill(-pgid) through it
# (agent/exec/PosixSignals), and the Windows service host uses it too. A package without it failed at
# start with NoClassDefFoundError (caught by the systemd boot test).

# Only the modules the agent uses (jdeps over the jar and every library).
modules=$(jdeps --multi-release "$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')" \
  --ignore-missing-deps --print-module-deps --class-path "$target/input/lib/*" \
  "$target/input/enginex-agent.jar" "$target/input"/lib/*.jar 2>/dev/null | tail -n1)
# java.desktop comes only from optional (requires static) java.beans use in Jackson, which Jackson
# skips when it is absent; it is the largest module, so it is left out (java.xml, which it brought in
# transitively, is kept). The systemd test runs register, run and jobs on this runtime.
modules=$(printf '%s' "$modules" | tr ',' '\n' | grep -vx java.desktop | tr '\n' ',')java.xml
echo "==> jlink runtime with: $modules"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-9 --output "$target/runtime"
# jlink keeps the symbol tables of the native libraries (libjvm.so alone is ~29 MB unstripped).
if command -v strip >/dev/null; then
  find "$target/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
fi

# Small idle footprint: one GC thread, C1 only, small heap and code cache (see docs/BENCHMARKS.md).
java_options=(--java-options "-XX:+UseSerialGC" --java-options "-Xms8m" --java-options "-Xmx96m"
  --java-options "-XX:TieredStopAtLevel=1" --java-options "-XX:ReservedCodeCacheSize=24m"
  --java-options "-Xss512k" --java-options "-XX:MaxMetaspaceSize=96m")
common=(--name enginex-agent --app-version "$version" --vendor "EngineX"
  --description "EngineX Edge agent: connects this machine to an EngineX hub and runs local tools in a sandbox."
  --input "$target/input" --main-jar enginex-agent.jar --main-class io.enginex.edge.agent.cli.AgentCommand
  --runtime-image "$target/runtime" --resource-dir "$here/src/linux" --launcher-as-service --install-dir /opt
  --linux-package-name enginex-agent --linux-app-category admin "${java_options[@]}"
  --dest "$target/packages/$version")

built=()
if [[ " $types " == *" deb "* ]] && require_tool dpkg-deb deb dpkg; then
  echo "==> jpackage --type deb ($version)"
  jpackage --type deb --temp "$target/jpackage-tmp/deb" --linux-deb-maintainer support@enginex.invalid "${common[@]}"
  built+=(deb)
fi
if [[ " $types " == *" rpm "* ]] && require_tool rpmbuild rpm rpm; then
  echo "==> jpackage --type rpm ($version)"
  jpackage --type rpm --temp "$target/jpackage-tmp/rpm" --linux-rpm-license-type Proprietary "${common[@]}"
  built+=(rpm)
fi
[ ${#built[@]} -gt 0 ] || echo "note: neither dpkg-deb nor rpmbuild found; no package built" >&2
du -sh "$target/runtime" | sed 's/^/runtime: /'
ls -l "$target/packages/$version"
