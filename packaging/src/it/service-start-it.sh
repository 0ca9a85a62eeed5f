#!/usr/bin/env bash
# The systemd unit's start script (src/linux/enginex-agent-service) under a fake root, with a stand-in for the
# package's java: the packaged agent's jar runs unless the installer chose self-update and the agent has a
# current version of its own, which then runs instead; both on the package's runtime with the launcher's JVM
# options and the CDS archive in the state directory; the update root is pinned when /etc/enginex-agent/update-root.json is there; the unit's own
# arguments are passed on. Also checks the script's shell syntax.
#   packaging/src/it/service-start-it.sh [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$here/target/service-start-it}
script=$here/src/linux/enginex-agent-service
sh -n "$script"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work/opt/bin" "$work/opt/lib/runtime/bin" "$work/opt/lib/app" "$work/etc" "$work/state"
printf '#!/bin/sh\necho "launcher $*"\n' > "$work/opt/bin/enginex-agent"
printf '#!/bin/sh\necho "java $*"\n' > "$work/opt/lib/runtime/bin/java"
chmod +x "$work/opt/bin/enginex-agent" "$work/opt/lib/runtime/bin/java"
printf '[Application]\napp.classpath=$APPDIR/enginex-agent.jar\n\n[JavaOptions]\njava-options=-Xmx96m\njava-options=--enable-native-access=ALL-UNNAMED\njava-options=-Dapp.dir=$APPDIR\n' \
  > "$work/opt/lib/app/enginex-agent.cfg"
start() {
  ENGINEX_AGENT_PREFIX="$work/opt" ENGINEX_AGENT_ETC="$work/etc" ENGINEX_AGENT_STATE="$work/state" \
    sh "$script" --ui-dir /run/enginex-agent
}
expect() { # WHAT GOT WANT
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
  echo "ok: $1"
}
base="run --config $work/etc/agent.conf --state-dir $work/state --ui-dir /run/enginex-agent"
jvm="java -Xmx96m --enable-native-access=ALL-UNNAMED -Dapp.dir=$work/opt/lib/app -XX:SharedArchiveFile=$work/state/agent.jsa -XX:+AutoCreateSharedArchive -Djpackage.app-path=$work/opt/bin/enginex-agent"
packaged="$jvm -jar $work/opt/lib/app/enginex-agent.jar $base"

expect "no agent.conf: the packaged agent" "$(start)" "$packaged"

printf 'server = https://hub.example\n' > "$work/etc/agent.conf"
printf '{"signed":{"_type":"root"}}' > "$work/etc/update-root.json"
expect "a placed update root is pinned" "$(start)" "$jvm -jar $work/opt/lib/app/enginex-agent.jar $base --update-root $work/etc/update-root.json"
rm "$work/etc/update-root.json"

mkdir -p "$work/state/releases/versions/1.1.0"
touch "$work/state/releases/versions/1.1.0/enginex-agent.jar"
ln -s versions/1.1.0 "$work/state/releases/current"
expect "managed by default: a current version is not run" "$(start)" "$packaged"

printf 'server = https://hub.example\nupdate-mode = managed\n' > "$work/etc/agent.conf"
expect "update-mode = managed" "$(start)" "$packaged"

printf 'server = https://hub.example\n Update-Mode = self \n' > "$work/etc/agent.conf"
expect "update-mode = self: the current version on the package's runtime" "$(start)" \
  "$jvm -jar $work/state/releases/current/enginex-agent.jar $base"

rm "$work/state/releases/current"
expect "update-mode = self before the agent made its release home: the packaged agent" "$(start)" "$packaged"
echo "service-start-it: all checks passed"
