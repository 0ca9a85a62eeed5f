#!/usr/bin/env bash
# Runs the macOS pkg's postinstall on Linux under a fake root, with stand-ins for the agent and for
# macOS's defaults(1), and checks the config it writes: an MDM profile wins over enginex-agent.conf
# beside the .pkg, which wins over what agent.conf held; the file is mode 600; the daemon is
# (re)registered with that config. Also checks both scripts' shell syntax.
#   packaging/src/it/macos-scripts-it.sh [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$here/target/macos-scripts-it}
rm -rf "$work" && mkdir -p "$work/root/Applications/enginex-agent.app/Contents/MacOS" "$work/bin" "$work/pkg" \
  "$work/root/Library/Managed Preferences" "$work/root/Library/Application Support/EngineX Agent"
for script in preinstall postinstall; do sh -n "$here/src/macos/$script"; done
cat > "$work/root/Applications/enginex-agent.app/Contents/MacOS/enginex-agent" <<STUB
#!/bin/sh
echo "\$*" >> "$work/agent-calls"
STUB
chmod +x "$work/root/Applications/enginex-agent.app/Contents/MacOS/enginex-agent"
# defaults read DOMAIN KEY, reading the stand-in profile's "Key=value" lines.
cat > "$work/bin/defaults" <<'STUB'
#!/bin/sh
[ "$1" = read ] || exit 1
sed -n "s/^$3=//p" "$2.plist" | grep . || exit 1
STUB
chmod +x "$work/bin/defaults"
conf="$work/root/Library/Application Support/EngineX Agent/agent.conf"
printf '# by hand\nserver = https://old.example\nroot = /Users/Shared\n' > "$conf"
printf 'server = https://beside.example\ntoken = exr_beside\npin = AA:BB \n' > "$work/pkg/enginex-agent.conf"
printf 'RegistrationToken=exr_from_mdm\n' > "$work/root/Library/Managed Preferences/io.enginex.agent.plist"

PATH="$work/bin:$PATH" ENGINEX_TEST_ROOT="$work/root" sh "$here/src/macos/postinstall" "$work/pkg/enginex-agent.pkg" / /

expected=$'# by hand\nroot = /Users/Shared\nserver = https://beside.example\ntoken = exr_from_mdm\npin = AA:BB'
fail=0
[ "$(cat "$conf")" = "$expected" ] && echo "ok   MDM profile, then the file beside the .pkg, then the existing config" \
  || { echo "FAIL agent.conf is:"; cat "$conf"; echo "expected:"; echo "$expected"; fail=1; }
[ "$(stat -c %a "$conf")" = 600 ] && echo "ok   agent.conf is mode 600" || { echo "FAIL agent.conf mode $(stat -c %a "$conf")"; fail=1; }
grep -q "^service install --config $work/root/Library/Application Support/EngineX Agent/agent.conf --state-dir " "$work/agent-calls" \
  && echo "ok   the LaunchDaemon is registered with that config" || { echo "FAIL agent calls:"; cat "$work/agent-calls"; fail=1; }
! grep -q exr_ "$work/agent-calls" && echo "ok   the token is on no command line" || { echo "FAIL token on a command line"; fail=1; }

# Without any source the existing file is left as it was.
rm -f "$work/root/Library/Managed Preferences/io.enginex.agent.plist" "$work/pkg/enginex-agent.conf"
before=$(cat "$conf")
PATH="$work/bin:$PATH" ENGINEX_TEST_ROOT="$work/root" sh "$here/src/macos/postinstall" "$work/pkg/enginex-agent.pkg" / /
[ "$(cat "$conf")" = "$before" ] && echo "ok   no source: agent.conf unchanged" || { echo "FAIL agent.conf changed"; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "macOS pkg scripts check passed"
