#!/usr/bin/env bash
# The packages as Debian's and Fedora's own checkers see them: lintian on the .deb and rpmlint on the .rpm
# fail this test on any error (the remaining warnings, and the overridden or filtered errors, are each
# explained in packaging/README.md), and the files the checkers cannot judge are checked here: the
# copyright file names every bundled jar and the Java runtime, the man page is there, /usr/bin/enginex-agent
# belongs to the package, the unit's systemd-analyze security exposure is 2.0 or lower, and the session
# part's user unit restarts with a growing pause and never gives up.
#   packaging/src/it/package-lint.sh DIR   (DIR: packaging/target/packages/<version>)
set -euo pipefail
# grep -q in a pipeline quits at its first match; with pipefail, a producer still writing then dies of
# SIGPIPE and fails the pipeline at random. has reads all of its input.
has() { grep "$@" >/dev/null; }
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: package-lint.sh packaging/target/packages/VERSION}
fail() { echo "FAIL: $*" >&2; exit 1; }
deb=$(ls "$dir"/*.deb 2>/dev/null | head -n1 || true)
rpm_file=$(ls "$dir"/*.rpm 2>/dev/null | head -n1 || true)
strict=false
[ "${CI:-}" = true ] && strict=true
need() { # TOOL DEBIAN-PACKAGE
  command -v "$1" >/dev/null && return 0
  $strict && fail "$1 is missing; apt-get install $2 (scripts/test-prereqs.sh does)"
  echo "note: $1 not found; skipping its check (apt-get install $2)" >&2
  return 1
}

if [ -n "$deb" ] && need lintian lintian; then
  echo "==> lintian $(basename "$deb")"
  # --fail-on error: an error fails; warnings are printed for the reader. Root runs are what CI does.
  lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' \
    | tee "$dir/lintian.txt" || true
  lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian reports an error on $(basename "$deb") (above)"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  dpkg-deb -x "$deb" "$work"
  copyright=$work/usr/share/doc/enginex-agent/copyright
  [ -f "$copyright" ] || fail "no copyright file"
  for jar in "$work"/opt/enginex-agent/lib/app/lib/*.jar; do
    name=$(basename "$jar")
    case "$name" in enginex-*) continue ;; esac
    grep -q "^Files: .*/$name\$" "$copyright" || fail "the copyright file does not name $name"
  done
  grep -q '^Files: opt/enginex-agent/lib/runtime/\*' "$copyright" || fail "the copyright file does not cover the Java runtime"
  grep -q 'Classpath-exception' "$copyright" || fail "the runtime's licence is missing"
  [ -f "$work/usr/share/man/man1/enginex-agent.1.gz" ] || fail "no man page enginex-agent(1)"
  zcat "$work/usr/share/man/man1/enginex-agent.1.gz" | has '^\.SS deregister' || fail "the man page lacks the commands' help"
  [ "$(readlink "$work/usr/bin/enginex-agent")" = /opt/enginex-agent/bin/enginex-agent ] \
    || fail "/usr/bin/enginex-agent is not in the package"
  dpkg-deb -f "$deb" Depends | has 'libc6' || fail "no dependency on libc6"
  # The user session part's unit never gives up: refused (the service not up yet) means retry with back-off.
  session_unit=$work/usr/lib/systemd/user/enginex-agent-session.service
  [ -f "$session_unit" ] || fail "no user unit for the session part"
  for line in Restart=on-failure StartLimitIntervalSec=0 RestartSec=30s RestartSteps=5 RestartMaxDelaySec=15min; do
    has -x "$line" "$session_unit" || fail "the session part's unit lacks $line (a refused session part must retry)"
  done
  unit=$(find "$work" -name 'enginex-agent-enginex-agent.service' | head -n1)
  if command -v systemd-analyze >/dev/null; then
    # Offline here (the booted test, systemd-it.sh, checks the running unit too).
    cp "$unit" "$work/enginex-agent.service"
    score=$(systemd-analyze security --offline=yes --no-pager "$work/enginex-agent.service" 2>/dev/null \
      | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
    echo "systemd-analyze security (offline): exposure $score"
    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || fail "the unit's exposure is ${score:-unknown}, above 2.0"
  fi
fi
if [ -n "$rpm_file" ] && need rpmlint rpmlint; then
  echo "==> rpmlint $(basename "$rpm_file")"
  rpmlint -c "$here/../../rpmlint.toml" "$rpm_file" 2>&1 | tee "$dir/rpmlint.txt" \
    || fail "rpmlint reports an error on $(basename "$rpm_file") (above)"
  rpm -qp --qf '[%{FILENAMES}\n]' "$rpm_file" 2>/dev/null | has -x /usr/bin/enginex-agent \
    || fail "/usr/bin/enginex-agent is not in the rpm"
  rpm -qp --changelog "$rpm_file" 2>/dev/null | has . || fail "the rpm has no changelog"
fi
[ -n "$deb$rpm_file" ] || fail "no package in $dir"
echo "PASS: lintian and rpmlint report no error"
