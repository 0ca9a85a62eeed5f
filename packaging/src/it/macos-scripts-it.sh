#!/usr/bin/env bash
# Runs the macOS pkg's postinstall on Linux under a fake root, with stand-ins for the agent and for
# macOS's defaults(1), and checks the config it writes: an MDM profile wins over enginex-agent.conf
# beside the .pkg, which wins over what agent.conf held; the file is mode 600; the daemon is
# (re)registered with that config, by an uninstall then an install, so a second run changes nothing.
# preinstall and uninstall.sh, with stand-ins for launchctl, ps (one user logged in: uid 501) and pkgutil:
# they stop the session LaunchAgent in that user's GUI domain (never root's), and uninstall.sh removes it,
# the socket's folder and the app, keeping state unless --remove-state. Also checks the scripts' syntax.
#   packaging/src/it/macos-scripts-it.sh [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$here/target/macos-scripts-it}
rm -rf "$work" && mkdir -p "$work/root/Applications/enginex-agent.app/Contents/MacOS" "$work/bin" "$work/pkg" \
  "$work/root/Library/Managed Preferences" "$work/root/Library/Application Support/EngineX Agent"
for script in preinstall postinstall uninstall.sh; do sh -n "$here/src/macos/$script"; done
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
# launchctl and pkgutil record their calls; ps shows the login window (root's) and one logged-in user's.
for tool in launchctl pkgutil; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/system-calls"\n' "$tool" "$work" > "$work/bin/$tool"
done
cat > "$work/bin/ps" <<'STUB'
#!/bin/sh
[ "$1" = -axo ] || exit 1
printf '    0 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow\n'
printf '  501 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow\n'
printf '  501 /usr/libexec/loginwindowhelper\n  502 /bin/zsh\n'
STUB
chmod +x "$work/bin/launchctl" "$work/bin/pkgutil" "$work/bin/ps"
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
[ "$(grep -c '^service' "$work/agent-calls")" = 4 ] && [ "$(grep '^service' "$work/agent-calls" | cut -d' ' -f2 | tr '\n' ' ')" = "uninstall install uninstall install " ] \
  && echo "ok   each run uninstalls, then installs (daemon and session LaunchAgent): a second run changes nothing" \
  || { echo "FAIL agent calls:"; cat "$work/agent-calls"; fail=1; }

# preinstall (an upgrade) stops the daemon and the session part of the logged-in user, not root's login window.
rm -f "$work/system-calls"
PATH="$work/bin:$PATH" sh "$here/src/macos/preinstall"
expected=$'launchctl bootout system/io.enginex.agent\nlaunchctl bootout gui/501/io.enginex.agent.session'
[ "$(cat "$work/system-calls")" = "$expected" ] && echo "ok   preinstall stops the daemon and the logged-in user's session part" \
  || { echo "FAIL preinstall ran:"; cat "$work/system-calls"; fail=1; }

# uninstall.sh with the app: the app's service uninstall, then the session part of the logged-in user
# stopped and every LaunchAgent and the socket's folder gone; state kept.
lib="$work/root/Library"
base="$lib/Application Support/EngineX Agent"
mkdir -p "$lib/LaunchAgents" "$lib/LaunchDaemons" "$base/run" "$base/state"
touch "$lib/LaunchAgents/io.enginex.agent.session.plist" "$lib/LaunchAgents/io.enginex.agent.ui.plist" \
  "$lib/LaunchDaemons/io.enginex.agent.plist" "$base/run/session.sock" "$base/state/identity.json"
rm -f "$work/system-calls" "$work/agent-calls"
printf '#!/bin/sh\necho 0\n' > "$work/bin/id" && chmod +x "$work/bin/id"
PATH="$work/bin:$PATH" ENGINEX_TEST_ROOT="$work/root" sh "$here/src/macos/uninstall.sh" > "$work/uninstall.out"
grep -qx "service uninstall" "$work/agent-calls" && grep -qx "launchctl bootout gui/501/io.enginex.agent.session" "$work/system-calls" \
  && ! grep -q "gui/0" "$work/system-calls" \
  && echo "ok   uninstall.sh runs the service uninstall and stops the logged-in user's session part" \
  || { echo "FAIL uninstall.sh ran:"; cat "$work/agent-calls" "$work/system-calls"; fail=1; }
[ ! -e "$lib/LaunchAgents/io.enginex.agent.session.plist" ] && [ ! -e "$lib/LaunchAgents/io.enginex.agent.ui.plist" ] \
  && [ ! -e "$base/run" ] && [ ! -e "$work/root/Applications/enginex-agent.app" ] && [ -e "$base/state/identity.json" ] \
  && echo "ok   uninstall.sh removes both LaunchAgents, the socket's folder and the app, and keeps the state" \
  || { echo "FAIL left after uninstall.sh:"; find "$work/root" | sort; fail=1; }

# uninstall.sh without the app (removed by hand): the same from the script alone; --remove-state takes the rest.
touch "$lib/LaunchAgents/io.enginex.agent.session.plist"
mkdir -p "$base/run" && touch "$base/run/session.sock"
rm -f "$work/system-calls"
PATH="$work/bin:$PATH" ENGINEX_TEST_ROOT="$work/root" sh "$here/src/macos/uninstall.sh" --remove-state > "$work/uninstall.out"
grep -qx "launchctl bootout system/io.enginex.agent" "$work/system-calls" \
  && grep -qx "launchctl bootout gui/501/io.enginex.agent.session" "$work/system-calls" \
  && [ ! -e "$lib/LaunchDaemons/io.enginex.agent.plist" ] && [ ! -e "$lib/LaunchAgents/io.enginex.agent.session.plist" ] \
  && [ ! -e "$base" ] && [ ! -e "$lib/Logs/EngineX" ] \
  && echo "ok   uninstall.sh without the app stops and removes daemon and session part, and with --remove-state the state" \
  || { echo "FAIL uninstall.sh without the app:"; cat "$work/system-calls"; find "$work/root" | sort; fail=1; }

[ "$fail" -eq 0 ] || exit 1
echo "macOS pkg scripts check passed"
