#!/bin/sh
# Removes the EngineX agent from a Mac (pkg installs have no uninstaller of their own):
#   sudo uninstall.sh [--deregister] [--remove-state]
# --deregister tells the hub first (enginex-agent deregister); --remove-state deletes identity, state,
# config and logs, else they stay for a reinstall that reconnects as the same agent. Stops and removes
# the LaunchDaemon, the session LaunchAgent (in the GUI domains of the users logged in now too) and the
# status LaunchAgent, the app, and the package receipt. Also for MDM scripts.
# ENGINEX_TEST_ROOT prefixes every path (packaging/src/it/macos-scripts-it.sh runs this on Linux).
set -u
deregister=0 remove_state=0
for arg in "$@"; do
  case "$arg" in
    --deregister) deregister=1 ;;
    --remove-state) remove_state=1 ;;
    *) echo "usage: sudo $0 [--deregister] [--remove-state]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "error: run as root (sudo $0)" >&2; exit 1; }
root=${ENGINEX_TEST_ROOT:-}
app="$root/Applications/enginex-agent.app/Contents/MacOS/enginex-agent"
base="$root/Library/Application Support/EngineX Agent"
if [ -x "$app" ]; then
  "$app" service uninstall || true
  if [ "$deregister" = 1 ]; then
    "$app" deregister --state-dir "$base/state" || echo "warning: could not deregister at the hub; revoke the agent there" >&2
  fi
  if [ "$remove_state" = 1 ]; then
    "$app" service remove-state --config "$base/agent.conf" --state-dir "$base/state" || true
  fi
else
  launchctl bootout system/io.enginex.agent 2>/dev/null || true
  rm -f "$root/Library/LaunchDaemons/io.enginex.agent.plist"
fi
# Also when the app is gone or older than the session part: stop it for the users logged in now (each
# has a loginwindow of their own), then remove the LaunchAgents and the session socket's folder.
for uid in $(ps -axo uid=,comm= | awk '$1 != 0 && $2 ~ /(^|\/)loginwindow$/ { print $1 }' | sort -u); do
  launchctl bootout "gui/$uid/io.enginex.agent.session" 2>/dev/null || true
done
rm -f "$root/Library/LaunchAgents/io.enginex.agent.session.plist" "$root/Library/LaunchAgents/io.enginex.agent.ui.plist"
rm -rf "$base/run"
rm -rf "$root/Applications/enginex-agent.app"
if [ "$remove_state" = 1 ]; then
  rm -rf "$base" "$root/Library/Logs/EngineX"
fi
for receipt in $(pkgutil --pkgs | grep -i enginex); do pkgutil --forget "$receipt" >/dev/null || true; done
echo "EngineX agent removed$( [ "$remove_state" = 1 ] && echo ", with its state" || echo "; state kept in $base")"
