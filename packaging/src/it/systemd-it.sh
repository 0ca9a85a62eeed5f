#!/usr/bin/env bash
# The proof that the .deb is what an IT admin needs, in a Debian that really boots with systemd
# (systemd-nspawn --boot on a cached debootstrap root, sharing the host's network):
#   1. image build: the .deb installs with a pre-seeded agent.conf where systemd is NOT running
#      (the maintainer scripts must not fail there) and leaves the unit enabled;
#   2. boot: the agent starts by itself, enrols silently with the hub running on this host, deletes the
#      token from agent.conf, and runs a dispatched job;
#   3. reboot: back online as the same agent, no one touching it; a job runs;
#   4. upgrade to a newer package (systemd running): same identity and config, service back, a job runs;
#   5. purge (with ENGINEX_AGENT_DEREGISTER=1: the hub shows the agent deregistered): no files, account,
#      unit or symlink left behind.
#   6. the .rpm next to OLD.deb, on the same root: offline install, boot, enrol, job, erase keeps /lib and /opt.
# Usage: packaging/src/it/systemd-it.sh OLD.deb NEW.deb   (root; systemd-nspawn; server/target/engine.jar)
# Run through: ./mvnw -pl packaging -Ppackages verify (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
old_deb=$(readlink -f "$1") new_deb=$(readlink -f "$2")
[ "$(id -u)" = 0 ] || { echo "error: needs root (systemd-nspawn)" >&2; exit 1; }
command -v systemd-nspawn >/dev/null || { echo "error: apt-get install systemd-container debootstrap" >&2; exit 1; }
cache_root=$("$here/debian-root.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/enginex-systemd-it.XXXXXX")
root=$work/root
port=$((20000 + RANDOM % 20000))
machine=enginex-it-$$
nspawn_pid="" hub_pid=""
log() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  set +e
  stop_container
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
engine() { java -jar "$repo/server/target/engine.jar" "$@" --data-dir "$work/hub"; }

# Runs a command inside the booted container (all its namespaces).
inside() { nsenter --target "$(container_pid)" --mount --uts --ipc --net --pid -- "$@"; }
container_pid() { pgrep -P "$nspawn_pid" | head -n1; }
boot() {
  systemd-nspawn --boot --register=no --keep-unit --quiet --machine "$machine" -D "$root" \
    > "$work/console.log" 2>&1 &
  nspawn_pid=$!
  local deadline=$((SECONDS + 60))
  until [ -n "$(container_pid 2>/dev/null)" ] && \
        state=$(inside systemctl is-system-running 2>/dev/null; true) && \
        { [ "$state" = running ] || [ "$state" = degraded ]; }; do
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/console.log"; fail "container did not boot"; }
    [ $SECONDS -lt $deadline ] || { cat "$work/console.log"; fail "boot did not finish within 60 s"; }
    sleep 0.5
  done
  [ "$state" = running ] || inside systemctl --failed --no-pager
}
stop_container() {
  [ -n "$nspawn_pid" ] || return 0
  if kill -0 "$nspawn_pid" 2>/dev/null; then
    inside systemctl poweroff 2>/dev/null || kill "$nspawn_pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$nspawn_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -9 "$nspawn_pid" 2>/dev/null || true
  fi
  wait "$nspawn_pid" 2>/dev/null || true
  nspawn_pid=""
}
field() { sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n1; }
wait_connected() { # the agent's status file says connected
  local deadline=$((SECONDS + 60))
  local pid
  until pid=$(inside systemctl show enginex-agent -p MainPID --value 2>/dev/null) && [ "${pid:-0}" != 0 ] && \
        inside cat /var/lib/enginex-agent/status.json 2>/dev/null | tr -d ' \n' | grep -q "\"state\":\"connected\".*\"pid\":$pid,"; do
    if [ $SECONDS -ge $deadline ]; then
      inside systemctl status enginex-agent --no-pager || true
      # -u takes the unit's real name, not its alias enginex-agent.service (which shows "No entries").
      inside journalctl -u enginex-agent-enginex-agent --no-pager -n 40 || true
      fail "the agent did not connect within 60 s"
    fi
    sleep 0.5
  done
}
agent_id() { inside cat /var/lib/enginex-agent/identity.json | field agentId; }
dispatch() { engine jobs run --tenant it --agent "$1" --tool sys.info --timeout 30s > "$work/job.out" || { cat "$work/job.out"; fail "job on $1 failed"; }; }

rpm_file=$(ls "$(dirname "$old_deb")"/*.rpm 2>/dev/null | head -n1 || true)
if [ "${CI:-}" = "true" ] && { [ -z "$rpm_file" ] || ! command -v rpm >/dev/null; }; then
  fail "CI must test the .rpm too, and ${rpm_file:-no .rpm was built}${rpm_file:+ is there but rpm is missing}; apt-get install rpm"
fi
if [ -n "$rpm_file" ] && command -v rpm >/dev/null; then
  log "0. the .rpm owns no shared directory (/, /lib, /opt, /usr/lib/systemd…)"
  owned=$(rpm -qp --qf '[%{FILENAMES}\n]' "$rpm_file" 2>/dev/null | grep -vE '^/opt/enginex-agent(/|$)|^/usr/lib/systemd/system/enginex-agent-enginex-agent\.service$' || true)
  [ -z "$owned" ] || fail "the rpm owns: $owned"
  rpm -qp --scripts "$rpm_file" 2>/dev/null | grep -q 'enable --now' && fail "the rpm runs systemctl enable --now"
fi

log "hub on 127.0.0.1:$port (host)"
java -jar "$repo/server/target/engine.jar" serve --data-dir "$work/hub" --bind 127.0.0.1 --port "$port" \
  > "$work/hub.out" 2> "$work/hub.log" &
hub_pid=$!
deadline=$((SECONDS + 60))
until [ -f "$work/hub/hub.json" ]; do
  kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.log"; fail "hub did not start"; }
  [ $SECONDS -lt $deadline ] || fail "hub did not start within 60 s"; sleep 0.2
done
pin=$(field fingerprint < "$work/hub/hub.json")
engine tenants create it --name "systemd IT" > /dev/null
token=$(engine tokens create --tenant it --ttl 10m --json | field token)

log "1. image build: dpkg -i with a pre-seeded agent.conf, systemd not running"
cp -a "$cache_root/." "$root/"
rm -f "$root/.complete"
mkdir -p "$root/etc/enginex-agent"
cat > "$root/etc/enginex-agent/agent.conf" <<CONF
# Placed by the admin's tooling before the install.
server = https://127.0.0.1:$port
token = $token
pin = $pin
CONF
chmod 600 "$root/etc/enginex-agent/agent.conf"
cp "$old_deb" "$root/root/old.deb"; cp "$new_deb" "$root/root/new.deb"
systemd-nspawn --register=no --keep-unit --quiet -D "$root" dpkg -i /root/old.deb \
  || fail "dpkg -i failed without a running systemd"
[ -L "$root/etc/systemd/system/multi-user.target.wants/enginex-agent-enginex-agent.service" ] \
  || fail "unit not enabled by the offline install"
[ -f "$root/var/lib/dpkg/info/enginex-agent.list" ] && \
  systemd-nspawn --register=no --keep-unit --quiet -D "$root" dpkg-query -W -f '${Status}\n' enginex-agent | grep -q "install ok installed" \
  || fail "package not fully configured"

log "2. boot: the agent starts, enrols silently, a job runs"
boot
wait_connected
id1=$(agent_id)
[ -n "$id1" ] || fail "no agent id"
inside grep -q '^token' /etc/enginex-agent/agent.conf && fail "the token is still in agent.conf"
inside grep -q '^server' /etc/enginex-agent/agent.conf || fail "agent.conf lost its server line"
[ "$(inside stat -c %U /var/lib/enginex-agent/identity.json)" = enginex-agent ] || fail "identity not owned by enginex-agent"
dispatch "$id1"
inside enginex-agent status --state-dir /var/lib/enginex-agent > "$work/status.txt" || { cat "$work/status.txt"; fail "status says not connected"; }
grep -q "$id1" "$work/status.txt" || fail "status does not name the agent"
grep -A1 "^Log (journald" "$work/status.txt" | grep -q "enginex-agent" || { cat "$work/status.txt"; fail "status shows no log tail"; }
inside systemctl show enginex-agent -p NRestarts -p MainPID -p User
inside enginex-agent doctor --state-dir /var/lib/enginex-agent --config /etc/enginex-agent/agent.conf \
  || fail "doctor reports a failure on a healthy install"
# The person at the machine: a member of enginex-agent-ui gets a login link for the local status
# page; anyone else is told which group to join.
inside useradd -m alice && inside useradd -m bob && inside usermod -aG enginex-agent-ui alice
[ "$(inside stat -c '%G %a' /run/enginex-agent/ui.json)" = "enginex-agent-ui 640" ] \
  || fail "ui.json is not readable by exactly the group enginex-agent-ui: $(inside stat -c '%U %G %a' /run/enginex-agent/ui.json)"
inside runuser -u alice -- enginex-agent ui --no-browser > "$work/ui.txt" 2>&1 || { cat "$work/ui.txt"; fail "a member of enginex-agent-ui cannot open the status page"; }
grep -q 'http://127.0.0.1:' "$work/ui.txt" || { cat "$work/ui.txt"; fail "no login link for the status page"; }
if inside runuser -u bob -- enginex-agent ui --no-browser > "$work/ui-bob.txt" 2>&1; then fail "a non-member got a status page link"; fi
grep -q enginex-agent-ui "$work/ui-bob.txt" || { cat "$work/ui-bob.txt"; fail "the refusal does not name the group to join"; }
echo "agent $id1 enrolled and ran a job; the status page opens for members of enginex-agent-ui only"

log "3. reboot: back online as the same agent"
stop_container
boot
wait_connected
[ "$(agent_id)" = "$id1" ] || fail "identity changed across reboot"
dispatch "$id1"

pid=$(inside systemctl show enginex-agent -p MainPID --value)
echo "idle agent after a job: $(inside grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') (docs/BENCHMARKS.md)"

log "4. upgrade with systemd running: identity and config kept"
conf_before=$(inside sha256sum /etc/enginex-agent/agent.conf)
inside dpkg -i /root/new.deb || fail "upgrade failed"
[ "$(agent_id)" = "$id1" ] || fail "identity changed on upgrade"
[ "$(inside sha256sum /etc/enginex-agent/agent.conf)" = "$conf_before" ] || fail "agent.conf changed on upgrade"
inside systemctl is-active --quiet enginex-agent || fail "service not running after upgrade"
wait_connected
dispatch "$id1"
inside dpkg-query -W -f '${Version}\n' enginex-agent

log "5. stop is clean (exit 143 counts as success), then purge leaves nothing behind"
inside systemctl stop enginex-agent
[ "$(inside systemctl show enginex-agent -p Result --value)" = success ] || fail "stopping the agent is logged as a failure"
# (deregister --help would print the top-level help and succeed even without the command.)
if inside /opt/enginex-agent/bin/enginex-agent --help 2>/dev/null | grep -Eq '^ +deregister( |$)'; then
  # The removal path an admin takes to also remove the agent from the hub (docs/INSTALL.md).
  inside env ENGINEX_AGENT_DEREGISTER=1 dpkg --purge enginex-agent || fail "purge failed"
  engine agents list --tenant it --json > "$work/agents.json"
  python3 - "$work/agents.json" "$id1" <<'PY' || fail "the hub does not show the agent deregistered after purge with ENGINEX_AGENT_DEREGISTER=1"
import json, sys
agents = [a for a in json.load(open(sys.argv[1])) if a["id"] == sys.argv[2]]
sys.exit(0 if not agents or agents[0].get("revokedAt") else 1)
PY
  echo "purge with ENGINEX_AGENT_DEREGISTER=1 deregistered $id1 at the hub"
else
  echo "note: this agent has no deregister command yet; plain purge"
  inside dpkg --purge enginex-agent || fail "purge failed"
fi
left=$(inside sh -c 'ls -d /opt/enginex-agent /var/lib/enginex-agent /etc/enginex-agent /usr/bin/enginex-agent 2>/dev/null;
  find /etc/systemd /lib/systemd /usr/lib/systemd -name "enginex*" 2>/dev/null;
  getent passwd enginex-agent; getent group enginex-agent; getent group enginex-agent-ui' || true)
[ -z "$left" ] || fail "purge left: $left"
[ -L "$root/lib" ] || [ -d "$root/lib" ] || fail "/lib is gone"
stop_container

if [ -n "$rpm_file" ] && command -v rpm >/dev/null; then
  log "6. the .rpm on the same root: offline install (rpm --root), boot, enrol, then rpm -e keeps /lib and /opt"
  token=$(engine tokens create --tenant it --ttl 10m --json | field token)
  install -d -m 755 "$root/etc/enginex-agent"
  printf 'server = https://127.0.0.1:%s\ntoken = %s\npin = %s\n' "$port" "$token" "$pin" > "$root/etc/enginex-agent/agent.conf"
  chmod 600 "$root/etc/enginex-agent/agent.conf"
  rpm --root "$root" --initdb
  rpm --root "$root" -i --nodeps "$rpm_file" || fail "rpm -i failed without a running systemd"
  [ -L "$root/etc/systemd/system/multi-user.target.wants/enginex-agent-enginex-agent.service" ] \
    || fail "the rpm did not enable the unit"
  boot
  wait_connected
  dispatch "$(agent_id)"
  stop_container
  rpm --root "$root" -e enginex-agent || fail "rpm -e failed"
  [ -L "$root/lib" ] || fail "rpm -e removed the /lib symlink"
  [ -d "$root/opt" ] || fail "rpm -e removed /opt"
  [ ! -e "$root/opt/enginex-agent" ] || fail "rpm -e left /opt/enginex-agent"
  [ ! -e "$root/usr/lib/systemd/system/enginex-agent-enginex-agent.service" ] || fail "rpm -e left the unit"
  [ ! -e "$root/etc/systemd/system/multi-user.target.wants/enginex-agent-enginex-agent.service" ] \
    || fail "rpm -e left the unit enabled"
fi
log "PASS: install (offline) → enrol → job → reboot → upgrade → purge${rpm_file:+; rpm install → enrol → job → erase}"
