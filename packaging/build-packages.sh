#!/usr/bin/env bash
# Builds the agent's Linux packages: a jlink'ed runtime with only the modules jdeps finds in the agent
# and its libraries, the application image around it (jpackage --type app-image: the native launcher),
# then a .deb (dpkg-deb) and an .rpm (rpmbuild) of one staged tree: the image in /opt/enginex-agent with
# its ELF files stripped, the systemd unit, /usr/bin/enginex-agent, the man page enginex-agent(1) made by
# help2man from the CLI's own --help, the copyright file generated from the build's dependency list
# (agent/target/bom.json) and the changelog (packaging/changelog). Also man pages of the hub's CLI,
# engine(1), in target/man. packaging/README.md says what lintian and rpmlint still report and why.
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
[ -f "$agent/enginex-agent.jar" ] && [ -f "$agent/bom.json" ] \
  || { echo "error: $agent/enginex-agent.jar or bom.json is missing; build it: ./mvnw -pl agent -am package" >&2; exit 1; }
engine_jar=$repo/server/target/engine.jar
[ -f "$engine_jar" ] || { echo "error: $engine_jar is missing (for engine(1)); build it: ./mvnw -pl server -am package" >&2; exit 1; }
command -v help2man >/dev/null || { echo "error: help2man is missing (the man pages); apt-get install help2man" >&2; exit 1; }
command -v jpackage >/dev/null || { echo "error: jpackage is missing; use a full JDK 21+ (source scripts/jdk.sh)" >&2; exit 1; }

rm -rf "$target/input" "$target/runtime" "$target/jpackage-tmp" "$target/app-image" "$target/stage" \
  "$target/rpmbuild" "$target/man" "$target/packages/$version"
mkdir -p "$target/input/lib" "$target/packages/$version"
cp "$agent/enginex-agent.jar" "$target/input/"
cp "$agent"/lib/*.jar "$target/input/lib/"
# JNA stays: on Linux the agent signals a command's whole process group with kill(-pgid) through it
# (agent/exec/PosixSignals), and the Windows service host uses it too. A package without it failed at
# start with NoClassDefFoundError (caught by the systemd boot test).
# Its jar carries a native library for each of 27 platforms; only this one's is kept (1.9 -> 0.3 MB).
python3 - "$target/input/lib"/jna-*.jar "linux-$(uname -m | sed -e 's/^x86_64$/x86-64/' -e 's/^i.86$/x86/')" <<'PY'
import os, re, sys, zipfile
jar, keep = sys.argv[1], sys.argv[2]
native = re.compile(r"com/sun/jna/([^/]+)/[^/]*jnidispatch[^/]*$")
with zipfile.ZipFile(jar) as src, zipfile.ZipFile(jar + ".new", "w", zipfile.ZIP_DEFLATED) as dst:
    kept = 0
    for item in src.infolist():
        m = native.match(item.filename)
        if m and m.group(1) != keep:
            continue
        kept += bool(m)
        dst.writestr(item, src.read(item.filename))
    if kept != 1:
        sys.exit(f"error: {jar} has no native library for {keep}; JNA would not load")
os.replace(jar + ".new", jar)
PY

# Only the modules the agent uses (jdeps over the jar and every library).
modules=$(jdeps --multi-release "$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')" \
  --ignore-missing-deps --print-module-deps --class-path "$target/input/lib/*" \
  "$target/input/enginex-agent.jar" "$target/input"/lib/*.jar 2>/dev/null | tail -n1)
# java.desktop comes only from optional (requires static) java.beans use in Jackson, which Jackson
# skips when it is absent; it is the largest module, so it is left out (java.xml, which it brought in
# transitively, is kept). The systemd test runs register, run and jobs on this runtime.
modules=$(printf '%s' "$modules" | tr ',' '\n' | grep -vx java.desktop | tr '\n' ',')java.xml
echo "==> jlink runtime with: $modules"
# Not compressed by jlink: the packages' own compression (xz) does far better on the plain module image
# (lib/modules: 17.2 MB zipped by jlink, 8.0 MB as xz of the plain 41.6 MB file; .deb 34.5 -> 25 MB), and
# jlink is faster. The installed image is larger (55 -> 78 MB). docs/BENCHMARKS.md.
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-0 --output "$target/runtime"

# Small idle footprint: one GC thread, C1 only, small heap and code cache (see docs/BENCHMARKS.md).
java_options=(--java-options "-XX:+UseSerialGC" --java-options "-Xms8m" --java-options "-Xmx96m"
  --java-options "-XX:TieredStopAtLevel=1" --java-options "-XX:ReservedCodeCacheSize=24m"
  --java-options "-Xss512k" --java-options "-XX:MaxMetaspaceSize=96m"
  # JNA loads native code; the launcher does not read the jar manifest's Enable-Native-Access, so without
  # this every start logged a restricted-method warning.
  --java-options "--enable-native-access=ALL-UNNAMED")
echo "==> jpackage --type app-image ($version)"
jpackage --type app-image --name enginex-agent --app-version "$version" --vendor "EngineX" \
  --input "$target/input" --main-jar enginex-agent.jar --main-class io.enginex.edge.agent.cli.AgentCommand \
  --runtime-image "$target/runtime" "${java_options[@]}" --temp "$target/jpackage-tmp" --dest "$target/app-image"
image=$target/app-image/enginex-agent
# A desktop icon (the agent is a service) and jpackage's marker of its own images (the launcher reads only
# lib/app/enginex-agent.cfg).
rm -f "$image/lib/enginex-agent.png" "$image/lib/app/.jpackage.xml"

# Every ELF file stripped (jlink and jpackage keep the symbol tables: libjvm.so alone is ~29 MB with them).
command -v strip >/dev/null || { echo "error: strip is missing; apt-get install binutils" >&2; exit 1; }
while IFS= read -r -d '' f; do
  if [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then strip --strip-unneeded "$f"; fi
done < <(find "$image" -type f -print0)

# The copyright file must name every jar that is bundled: one missing from the dependency list fails here.
python3 "$here/package-docs.py" copyright "$agent/bom.json" "$image/lib/runtime" > "$target/copyright"
for jar in "$image"/lib/app/lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in enginex-*) continue ;; esac
  grep -q "^Files: .*/$name\$" "$target/copyright" \
    || { echo "error: $name is bundled but not in agent/target/bom.json's components; rebuild the agent" >&2; exit 1; }
done
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")

# Man pages from the CLIs' own help: the launcher as installed, and the hub's jar.
mkdir -p "$target/man"
python3 "$here/package-docs.py" man-commands enginex-agent "$image/bin/enginex-agent" > "$target/man/enginex-agent.h2m"
help2man --no-info --no-discard-stderr --section 1 --version-string "$version" \
  --name "EngineX Edge agent: runs an EngineX hub's tool calls on this machine" \
  --include "$target/man/enginex-agent.h2m" --output "$target/man/enginex-agent.1" "$image/bin/enginex-agent"
printf '#!/bin/sh\nexec java -jar "%s" "$@"\n' "$engine_jar" > "$target/man/engine"
chmod 755 "$target/man/engine"
python3 "$here/package-docs.py" man-commands engine "$target/man/engine" > "$target/man/engine.h2m"
help2man --no-info --no-discard-stderr --section 1 --version-string "$version" \
  --name "EngineX Edge hub: serve it, and manage its tenants, tokens, agents and jobs" \
  --include "$target/man/engine.h2m" --output "$target/man/engine.1" "$target/man/engine"
rm "$target/man/engine"

# One staged tree for both packages.
stage=$target/stage/root
install -d -m 755 "$stage/opt" "$stage/usr/bin" "$stage/usr/share/man/man1" "$stage/usr/share/doc/enginex-agent"
cp -a "$image" "$stage/opt/enginex-agent"
# The unit's start script: pins the update root, runs a self-updated version (docs/UPDATE.md).
install -m 755 "$here/src/linux/enginex-agent-service" "$stage/opt/enginex-agent/lib/enginex-agent-service"
ln -s /opt/enginex-agent/bin/enginex-agent "$stage/usr/bin/enginex-agent" # Debian: absolute across top-level dirs
gzip -9n < "$target/man/enginex-agent.1" > "$stage/usr/share/man/man1/enginex-agent.1.gz"
install -m 644 "$target/copyright" "$stage/usr/share/doc/enginex-agent/copyright"
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod u+w,go-w {} + # the JDK's legal notices come read-only
unit=enginex-agent-enginex-agent.service

built=()
if [[ " $types " == *" deb "* ]] && require_tool dpkg-deb deb dpkg; then
  echo "==> .deb ($version)"
  deb=$target/stage/deb
  cp -a "$stage" "$deb"
  install -D -m 644 "$here/src/linux/$unit" "$deb/lib/systemd/system/$unit"
  # The user session part: XDG autostart at login, and a user unit for desktops that prefer one.
  install -D -m 644 "$here/src/linux/enginex-agent-session.desktop" "$deb/etc/xdg/autostart/enginex-agent-session.desktop"
  install -D -m 644 "$here/src/linux/enginex-agent-session.service" "$deb/usr/lib/systemd/user/enginex-agent-session.service"
  python3 "$here/package-docs.py" changelog-deb "$here/changelog" "$version" "$date" \
    | gzip -9n > "$deb/usr/share/doc/enginex-agent/changelog.gz"
  install -D -m 644 "$here/src/linux/lintian-overrides" "$deb/usr/share/lintian/overrides/enginex-agent"
  find "$deb" -name '*.so' -exec chmod 644 {} + # Debian: shared objects are not executable
  arch=$(dpkg --print-architecture)
  # The C library version the bundled runtime needs (dpkg-shlibdeps; its own libraries are private).
  depends=libc6
  if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$target/stage/shlibs/debian"
    printf 'Source: enginex-agent\n\nPackage: enginex-agent\nArchitecture: any\n' > "$target/stage/shlibs/debian/control"
    elf=$(find "$deb/opt" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
    # shellcheck disable=SC2086
    depends=$(cd "$target/stage/shlibs" && dpkg-shlibdeps -O --ignore-missing-info -l"$deb/opt/enginex-agent/lib/runtime/lib" \
      -l"$deb/opt/enginex-agent/lib/runtime/lib/server" -l"$deb/opt/enginex-agent/lib" $elf 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  fi
  install -d -m 755 "$deb/DEBIAN"
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends, passwd/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk --exclude=DEBIAN "$deb" | cut -f1)/" "$here/src/linux/control" > "$deb/DEBIAN/control"
  for script in postinst prerm postrm; do install -m 755 "$here/src/linux/$script" "$deb/DEBIAN/$script"; done
  echo /etc/xdg/autostart/enginex-agent-session.desktop > "$deb/DEBIAN/conffiles"
  chmod 644 "$deb/DEBIAN/conffiles"
  (cd "$deb" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$deb/DEBIAN/md5sums"
  chmod 644 "$deb/DEBIAN/md5sums"
  dpkg-deb --root-owner-group -Zxz --build "$deb" "$target/packages/$version/enginex-agent_${version}_$arch.deb" >/dev/null
  built+=(deb)
fi
if [[ " $types " == *" rpm "* ]] && require_tool rpmbuild rpm rpm; then
  echo "==> .rpm ($version)"
  rpmtop=$target/rpmbuild
  mkdir -p "$rpmtop/SOURCES" "$rpmtop/SPECS"
  python3 "$here/package-docs.py" changelog-rpm "$here/changelog" "$version" "$date" > "$rpmtop/changelog"
  sed -e "s/@VERSION@/$version/" "$here/src/linux/enginex-agent.spec" > "$rpmtop/SPECS/enginex-agent.spec"
  cat "$rpmtop/changelog" >> "$rpmtop/SPECS/enginex-agent.spec"
  cp "$here/src/linux/$unit" "$here/src/linux/enginex-agent-session.desktop" "$here/src/linux/enginex-agent-session.service" \
    "$rpmtop/SOURCES/"
  rpmbuild --quiet -bb --target "$(uname -m)" --define "_topdir $rpmtop" --define "_stage $stage" \
    --define "_rpmdir $target/packages/$version" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    "$rpmtop/SPECS/enginex-agent.spec"
  built+=(rpm)
fi
[ ${#built[@]} -gt 0 ] || echo "note: neither dpkg-deb nor rpmbuild found; no package built" >&2
du -sh "$target/runtime" | sed 's/^/runtime: /'
ls -l "$target/packages/$version"
