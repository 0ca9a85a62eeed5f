#!/usr/bin/env bash
# The proof that the .deb is what an IT admin needs, in a Debian that really boots with systemd
# (systemd-nspawn --boot on a cached debootstrap root, sharing the host's network):
#   1. image build: the .deb installs with a pre-seeded agent.conf where systemd is NOT running
#      (the maintainer scripts must not fail there) and leaves the unit enabled;
#   2. boot: the agent starts by itself, enrols silently with the hub running on this host, deletes the
#      token from agent.conf, and runs a dispatched job; the running unit's systemd-analyze security
#      exposure is 2.0 or lower, and every built-in tool works under that hardening (a machine policy
#      that allows them all, a writable shared folder through a drop-in, exec, http.request);
#   2c. per-user install without administrator rights: carol (lingering) installs her own systemd user
#      unit from the launcher image (enginex-agent service install --per-user; refused as root and without
#      a user manager); her agent enrols, its state and config hers alone, and runs a job as carol;
#   3. reboot: back online as the same agent, no one touching it, mapping the class archive it wrote when
#      it stopped; a job runs; carol's agent is back too, then uninstall --per-user removes it;
#   4. upgrade to a newer package (systemd running): same identity and config, service back, a job runs;
#   4b. self-update through the hub's TUF repository (update-mode = self, the root pinned): the packaged
#      version 1 adopts itself, updates to 2 (a SIGKILL after the download, before the switch; another
#      after the switch, before the health check passed: each time systemd starts a working version),
#      then 3 fails its health check and the agent rolls back to 2 by itself, refuses 3 and reports why;
#      the hub's API shows the failure and the channel halted;
#   5. purge (with ENGINEX_AGENT_DEREGISTER=1: the hub shows the agent deregistered): no files, account,
#      unit or symlink left behind.
#   6. the .rpm next to OLD.deb, on the same root: offline install, boot, enrol, job, erase keeps /lib and /opt.
#   7. the hub's apt repository: engine packages publish OLD.deb (and the .rpm), the key and the hub's
#      certificate fetched from /downloads/ over HTTPS (the key's fingerprint as engine packages key shows
#      it); on a fresh Debian the Ansible role (packaging/deploy/ansible, the real ansible-playbook on the
#      machine) in check mode, then for real: agent.conf before the package, the repository and its key,
#      the package, the agent online and a job run; a second run changes nothing, a new setting restarts it; then the real dnf reads the
#      hub's dnf repository (signed repomd.xml) and the rpm it points at is signed with the hub's key.
# Usage: packaging/src/it/systemd-it.sh OLD.deb NEW.deb   (root; systemd-nspawn; server/target/engine.jar)
#   ENGINEX_IT_ONLY=update runs steps 1, 2 and 4b only (while working on self-update); ENGINEX_IT_ONLY=fleet
#   steps 1, 2, 2c, 3 and 7 (the per-user install and the Ansible role); unset, everything runs.
# Run through: ./mvnw -pl packaging -Ppackages verify (see README).
set -euo pipefail
# grep -q in a pipeline quits at its first match; with pipefail, a producer still writing then dies of
# SIGPIPE and fails the pipeline at random. has reads all of its input.
has() { grep "$@" >/dev/null; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
old_deb=$(readlink -f "$1") new_deb=$(readlink -f "$2")
[ "$(id -u)" = 0 ] || { echo "error: needs root (systemd-nspawn)" >&2; exit 1; }
command -v systemd-nspawn >/dev/null || { echo "error: apt-get install systemd-container debootstrap" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq is missing (the self-update step reads JSON with it); apt-get install jq" >&2; exit 1; }
cache_root=$("$here/debian-root.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/enginex-systemd-it.XXXXXX")
root=$work/root
port=$((20000 + RANDOM % 20000))
machine=enginex-it-$$
nspawn_pid="" hub_pid="" web_pid="" hold_pid=""
only=${ENGINEX_IT_ONLY:-}
case "$only" in ""|update|fleet) ;; *) echo "error: ENGINEX_IT_ONLY is 'update', 'fleet' or unset, not '$only'" >&2; exit 1 ;; esac
# Whether step $1 runs: all of them by default; with ENGINEX_IT_ONLY=update the self-update steps, with
# ENGINEX_IT_ONLY=fleet the per-user install, the reboot and the Ansible role.
step() { [ -z "$only" ] || [ "$1" = "$only" ]; }
log() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  set +e
  [ -n "$hold_pid" ] && kill "$hold_pid" 2>/dev/null && wait "$hold_pid" 2>/dev/null
  stop_container
  [ -n "$hub_pid" ] && kill -CONT "$hub_pid" 2>/dev/null # a test that froze the hub and failed
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
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
        inside cat /var/lib/enginex-agent/status.json 2>/dev/null | tr -d ' \n' | has "\"state\":\"connected\".*\"pid\":$pid,"; do
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

# 4b. Self-update through the hub's TUF repository, restarting through systemd, with real kills at the
# switch's steps (docs/UPDATE.md, "One update, step by step"). The agent must be connected as $1.
api() { curl -fsS --cacert "$work/hub/tls/hub-cert.pem" -H "Authorization: Bearer $(cat "$work/hub/admin.key")" \
  "https://127.0.0.1:$port/api/v1/tenants/it/$1"; }
# await DESCRIPTION SECONDS COMMAND…: polls COMMAND until it succeeds (the journal's tail when it does not).
await() {
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      inside journalctl -u enginex-agent-enginex-agent --no-pager -n 60 || true
      cat "${releases_home:-/nonexistent}/update-state.json" "$work/hold.out" 2>/dev/null || true
      fail "$what (not within the time given)"
    fi
    sleep 0.2
  done
}
# A release archive as the updater installs it: the built agent jar with Implementation-Version set to
# VERSION (what the agent reports) and its lib/, named for linux-x64.
release_archive() {
  local version=$1 staging=$work/releases/staging-$1
  mkdir -p "$staging"
  cp -r "$repo/agent/target/lib" "$staging/lib"
  python3 - "$repo/agent/target/enginex-agent.jar" "$staging/enginex-agent.jar" "$version" <<'PY'
import re, sys, zipfile
src, dst, version = sys.argv[1:]
with zipfile.ZipFile(src) as jar, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
    for item in jar.infolist():
        data = jar.read(item)
        if item.filename == "META-INF/MANIFEST.MF":
            text = re.sub(r"^Implementation-Version: .*\r?\n", "", data.decode(), flags=re.M)
            data = text.rstrip("\r\n").encode() + f"\r\nImplementation-Version: {version}\r\n\r\n".encode()
        out.writestr(item, data)
PY
  tar -C "$staging" -cf - . | gzip -1 > "$work/releases/enginex-agent-$version-linux-x64.tar.gz"
  echo "$work/releases/enginex-agent-$version-linux-x64.tar.gz"
}
self_update() {
  local id=$1 t0=$SECONDS
  releases_home=$root/var/lib/enginex-agent/releases
  local v1 v2=0.2.0 v3=0.3.0
  v1=$(api "agents/$id" | jq -r .agentVersion)
  log "4b. self-update: $v1 (the package) → $v2 → $v3 (fails its health check) → back to $v2, through systemd"
  engine release keys init --offline "$work/offline-root" > /dev/null || fail "engine release keys init failed"
  mkdir -p "$work/releases"
  local r2 r3
  r2=$(release_archive "$v2") && r3=$(release_archive "$v3") || fail "cannot build the release archives"
  # The installer's choice (docs/UPDATE.md, "Installs"): the repository's root pinned, update-mode = self.
  install -m 644 "$work/hub/updates/metadata/1.root.json" "$root/etc/enginex-agent/update-root.json"
  echo "update-mode = self" >> "$root/etc/enginex-agent/agent.conf"
  # A job that runs until the agent dies holds a staged switch (it waits for no job to run); a command
  # runs in a shared folder.
  install -d -m 755 "$root/srv/hold"
  cat > "$root/etc/enginex-agent/policy.json" <<'POLICY'
{"version": 1, "tools": ["sys.info", "exec"], "roots": [{"path": "/srv/hold", "mode": "read"}],
 "commands": [{"name": "hold", "argv": ["/bin/sleep", "600"], "workdir": "/srv/hold", "timeoutSeconds": 900}]}
POLICY
  chmod 644 "$root/etc/enginex-agent/policy.json"
  # The test's own pace, not the unit's: checks every 3 s and a 12 s health window (defaults 6 h and 5 min),
  # 1 s between restarts (10 s) and room for the test's own kills in the start limit (5 in 10 minutes).
  local unit_dir=$root/etc/systemd/system/enginex-agent-enginex-agent.service.d
  mkdir -p "$unit_dir"
  { printf '[Unit]\nStartLimitBurst=30\n[Service]\nRestartSec=1s\nExecStart=\n'
    sed -n 's/^ExecStart=\(.*\)$/ExecStart=\1 --update-every 3s --health-window 12s/p' \
      "$repo/packaging/src/linux/enginex-agent-enginex-agent.service"; } > "$unit_dir/update-it.conf"
  inside systemctl daemon-reload
  inside systemctl restart enginex-agent
  wait_connected
  current() { basename "$(readlink "$releases_home/current")"; }
  state() { jq -r "$1" "$releases_home/update-state.json"; }
  pending() { [ "$(state '.pending.version // empty')" = "$1" ]; }
  started() { [ "$(state '.pending.starts // 0')" -ge 1 ]; }
  refused() { [ -n "$(state ".refused[\"$1\"] // empty")" ]; }
  # The switch confirmed: nothing on probation, and the agent's audit trail says so (lastResult is the last check's).
  confirmed() { [ "$(state '.pending // empty')" = "" ] &&
    grep -qF "\"event\":\"update.confirmed\",\"version\":\"$1\"" "$root/var/lib/enginex-agent/audit.jsonl"; }
  reported() { api "agents/$id" | jq -e "$1" > /dev/null; }
  halted() { api releases | jq -e ".channels[] | select(.channel == \"stable\") | .halt.active and .halt.version == \"$1\"" > /dev/null; }
  [ "$(current)" = "$v1" ] || fail "the packaged version $v1 was not adopted as the first version: $(ls -l "$releases_home" 2>&1)"

  echo "-- $v2 published; killed (SIGKILL) after its download, before the switch"
  engine jobs run --tenant it --agent "$id" --tool exec --args '{"command":"hold"}' --timeout 900s > "$work/hold.out" 2>&1 &
  hold_pid=$!
  await "the hold job did not start" 30 inside pgrep -u enginex-agent -x sleep > /dev/null
  engine release publish --channel stable --version "$v2" "$r2" > /dev/null || fail "publish $v2 failed"
  await "the agent did not stage $v2 (downloaded, verified, installed beside $v1)" 60 \
    reported ".connected and .update.state == \"staged\" and .update.target == \"$v2\""
  [ "$(current)" = "$v1" ] || fail "current moved before the switch"
  inside systemctl kill -s KILL enginex-agent
  kill "$hold_pid" 2>/dev/null; wait "$hold_pid" 2>/dev/null || true; hold_pid="" # the CLI waiting for the job
  echo "-- killed after the switch to $v2, before its health check passed (the hub frozen)"
  # The agent that systemd starts again runs $v1, finds $v2 again and switches (no job runs now).
  await "the switch to $v2 was not written" 60 pending "$v2"
  kill -STOP "$hub_pid" # the new version cannot get its hello accepted: it is on probation
  await "$v2 did not start from current" 60 started
  [ "$(current)" = "$v2" ] || fail "current is $(current) after the switch to $v2"
  inside systemctl kill -s KILL enginex-agent
  kill -CONT "$hub_pid"
  wait_connected
  await "$v2 was not confirmed after the kill" 60 reported ".connected and .agentVersion == \"$v2\""
  await "the health check of $v2 did not pass" 30 confirmed "$v2"
  [ "$(current)" = "$v2" ] || fail "current is $(current), not $v2"
  inside systemctl show enginex-agent -p NRestarts

  echo "-- $v3 published; it cannot get its hello accepted within its window: rolled back to $v2"
  engine release publish --channel stable --version "$v3" "$r3" > /dev/null || fail "publish $v3 failed"
  await "the switch to $v3 was not written" 60 pending "$v3"
  kill -STOP "$hub_pid"
  await "$v3 was not rolled back by the agent itself" 60 refused "$v3"
  kill -CONT "$hub_pid"
  state ".refused[\"$v3\"]" | has "no hello accepted within 12 s; rolled back to $v2" \
    || fail "the refusal of $v3 does not say why: $(state .refused)"
  wait_connected
  await "the agent is not back on $v2" 60 reported ".connected and .agentVersion == \"$v2\""
  [ "$(current)" = "$v2" ] || fail "current is $(current), not $v2"
  await "the hub does not show why $v3 failed" 30 \
    reported ".update.failure.version == \"$v3\" and (.update.failure.reason | contains(\"no hello accepted\"))"
  api "agents/$id" | jq -c .update
  await "the hub did not halt the rollout of $v3" 40 halted "$v3"
  api releases | jq -c '.channels[] | select(.channel == "stable") | .halt'
  audit=$(cat "$root/var/lib/enginex-agent/audit.jsonl")
  for e in "update.switched\",\"version\":\"$v2" "update.confirmed\",\"version\":\"$v2" "update.switched\",\"version\":\"$v3" "update.rolled_back\",\"version\":\"$v3"; do
    grep -qF "\"event\":\"$e\"" <<< "$audit" || fail "the agent's audit trail lacks $e"
  done
  dispatch "$id"
  # The test's drop-in goes (purge leaves the admin's drop-ins); the agent keeps running $v2.
  rm -rf "$unit_dir" && inside systemctl daemon-reload
  echo "self-update $v1 → $v2 → $v3 rolled back to $v2 in $((SECONDS - t0)) s"
}

rpm_file=$(ls "$(dirname "$old_deb")"/*.rpm 2>/dev/null | head -n1 || true)
if [ "${CI:-}" = "true" ] && { [ -z "$rpm_file" ] || ! command -v rpm >/dev/null; }; then
  fail "CI must test the .rpm too, and ${rpm_file:-no .rpm was built}${rpm_file:+ is there but rpm is missing}; apt-get install rpm"
fi
if step all && [ -n "$rpm_file" ] && command -v rpm >/dev/null; then
  log "0. the .rpm owns no shared directory (/, /lib, /opt, /usr/lib/systemd…), only its own files"
  owned=$(rpm -qp --qf '[%{FILENAMES}\n]' "$rpm_file" 2>/dev/null | grep -vE '^/opt/enginex-agent(/|$)|^/usr/lib/systemd/system/enginex-agent-enginex-agent\.service$|^/usr/lib/systemd/user/enginex-agent-session\.service$|^/etc/xdg/autostart/enginex-agent-session\.desktop$|^/usr/bin/enginex-agent$|^/usr/share/man/man1/enginex-agent\.1\.gz$|^/usr/share/licenses/enginex-agent[^/]*(/copyright)?$' || true)
  [ -z "$owned" ] || fail "the rpm owns: $owned"
  rpm -qp --scripts "$rpm_file" 2>/dev/null | has 'enable --now' && fail "the rpm runs systemctl enable --now"
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
  systemd-nspawn --register=no --keep-unit --quiet -D "$root" dpkg-query -W -f '${Status}\n' enginex-agent | has "install ok installed" \
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
grep -A1 "^Log (journald" "$work/status.txt" | has "enginex-agent" || { cat "$work/status.txt"; fail "status shows no log tail"; }
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
# The user session part's socket, made by the agent in the unit's RuntimeDirectory: every account may
# connect (the kernel's peer credentials decide), and a user not in session-users is told so.
[ "$(inside stat -c '%U %a' /run/enginex-agent)" = "enginex-agent 755" ] \
  || fail "/run/enginex-agent is not the agent's with mode 755: $(inside stat -c '%U %G %a' /run/enginex-agent)"
[ "$(inside stat -c '%U %G %a %F' /run/enginex-agent/session.sock)" = "enginex-agent enginex-agent 666 socket" ] \
  || fail "the session socket is not the agent's with mode 666: $(inside stat -c '%U %G %a %F' /run/enginex-agent/session.sock 2>&1)"
if inside runuser -u alice -- enginex-agent session --once > "$work/session.txt" 2>&1; then fail "a session part of a user not in session-users ran"; fi
grep -q 'session-users' "$work/session.txt" || { cat "$work/session.txt"; fail "the refused session part is not told about session-users"; }
[ -f "$root/etc/xdg/autostart/enginex-agent-session.desktop" ] || fail "no XDG autostart file for the session part"
echo "the session socket is the agent's (mode 666); a user not in session-users is refused with the reason"
if [ "$only" = update ]; then
  self_update "$id1"
  stop_container
  log "PASS (ENGINEX_IT_ONLY=update): install (offline) → enrol → job → self-update → rollback"
  exit 0
fi

if step all; then
  log "2b. the hardened unit: exposure 2.0 or lower, and every built-in tool runs under it"
  unit_name=enginex-agent-enginex-agent.service
  inside systemd-analyze security --no-pager "$unit_name" > "$work/security.txt" 2>&1 || true
  score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$work/security.txt")
  echo "systemd-analyze security $unit_name: exposure ${score:-?}"
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || { cat "$work/security.txt"; fail "exposure ${score:-unknown} is above 2.0"; }
  inside systemctl show "$unit_name" -p SystemCallFilter --value | has . || fail "the running unit has no system call filter"
  # A page for http.request, served on the host (the container shares its network).
  web_port=$((port + 1))
  mkdir -p "$work/www" && echo "hello from the web" > "$work/www/page.txt"
  python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$web_port" > "$work/web.log" 2>&1 &
  web_pid=$!
  inside install -d -m 0750 -o enginex-agent -g enginex-agent /srv/share
  inside sh -c 'echo "quarterly numbers" > /srv/share/report.txt && chown enginex-agent: /srv/share/report.txt'
  cat > "$root/etc/enginex-agent/policy.json" <<POLICY
{"version": 1,
 "roots": [{"path": "/srv/share", "mode": "write"}],
 "tools": ["fs.list", "fs.read", "fs.stat", "fs.search", "fs.write", "fs.mkdir", "fs.move", "fs.delete",
           "sys.info", "sys.ping", "exec", "http.request"],
 "commands": [{"name": "greet", "argv": ["/bin/echo", "hello", "{who}"],
               "params": {"who": {"pattern": "[a-z]+"}}, "workdir": "/srv/share", "timeoutSeconds": 30}],
 "network": ["127.0.0.1:$web_port"]}
POLICY
  chmod 644 "$root/etc/enginex-agent/policy.json"
  # The unit's documented way to let tools write to a shared folder (its comment, packaging/README.md).
  mkdir -p "$root/etc/systemd/system/$unit_name.d"
  printf '[Service]\nReadWritePaths=/srv/share\n' > "$root/etc/systemd/system/$unit_name.d/share.conf"
  inside systemctl daemon-reload
  inside systemctl restart enginex-agent
  wait_connected
  tool() { # TOOL ARGS EXPECTED-IN-RESULT
    engine jobs run --tenant it --agent "$id1" --tool "$1" --args "$2" --timeout 30s --json > "$work/tool.out" 2>&1 \
      || { cat "$work/tool.out"; fail "$1 failed under the hardened unit"; }
    grep -q "$3" "$work/tool.out" || { cat "$work/tool.out"; fail "$1's result lacks $3"; }
    echo "  $1: ok"
  }
  tool sys.info '{}' hostname
  tool sys.ping '{"message":"hi"}' pong
  tool fs.list '{}' report.txt
  tool fs.stat '{"path":"report.txt"}' report.txt
  tool fs.read '{"path":"report.txt"}' quarterly
  tool fs.search '{"name":"*.txt","contains":"numbers"}' report.txt
  tool fs.mkdir '{"path":"out"}' out
  tool fs.write '{"path":"out/new.txt","content":"written under the hardening"}' new.txt
  tool fs.move '{"from":"out/new.txt","to":"out/moved.txt"}' moved.txt
  tool fs.delete '{"path":"out/moved.txt"}' moved.txt
  tool exec '{"command":"greet","params":{"who":"world"}}' 'hello world'
  tool http.request "{\"url\":\"http://127.0.0.1:$web_port/page.txt\"}" 'hello from the web'
  [ "$(inside cat /srv/share/report.txt)" = "quarterly numbers" ] || fail "the shared file changed"
  inside test ! -e /srv/share/out/moved.txt || fail "fs.delete did not delete"
  # The drop-in is the admin's, not the package's (purge leaves it): the test removes its own.
  rm -rf "$root/etc/systemd/system/$unit_name.d"
  inside systemctl daemon-reload
fi

log "2c. per-user install without administrator rights: carol's own systemd user unit, lingering, a job as carol"
t_user=$SECONDS
# The launcher as built (the jpackage image the packages carry), unpacked by carol in her home: no root.
inside useradd -m -s /bin/bash carol
carol_uid=$(inside id -u carol)
cp -a "$repo/packaging/target/app-image/enginex-agent" "$root/home/carol/enginex-agent"
inside chown -R carol:carol /home/carol/enginex-agent
launcher=/home/carol/enginex-agent/bin/enginex-agent
# carol as after an ssh login: her environment, her runtime folder (systemctl --user finds her manager there).
as_carol() { inside runuser -u carol -- env -i HOME=/home/carol USER=carol LOGNAME=carol PATH=/usr/bin:/bin \
  LANG=C.UTF-8 XDG_RUNTIME_DIR="/run/user/$carol_uid" "$@"; }
if inside env -i HOME=/root PATH=/usr/bin:/bin "$launcher" service install --per-user > "$work/per-user.txt" 2>&1; then
  fail "service install --per-user ran as root"; fi
has "not for root" "$work/per-user.txt" || { cat "$work/per-user.txt"; fail "the refusal as root does not say why"; }
if as_carol "$launcher" service install --per-user > "$work/per-user.txt" 2>&1; then
  fail "service install --per-user ran without a user manager"; fi
has "systemd --user is not available" "$work/per-user.txt" \
  || { cat "$work/per-user.txt"; fail "the refusal without systemd --user does not say why"; }
# Lingering (an admin's, or carol's own where polkit lets her): her manager runs without a login, from boot.
inside loginctl enable-linger carol
await "carol's user manager did not start after enable-linger" 30 inside systemctl is-active --quiet "user@$carol_uid.service"
# The machine policy binds her agent too: a command that says whose rights it runs with.
inside install -d -m 700 -o carol -g carol /srv/carol
cat > "$root/etc/enginex-agent/policy.json" <<'POLICY'
{"version": 1, "tools": ["sys.info", "exec"], "roots": [{"path": "/srv/carol", "mode": "read"}],
 "commands": [{"name": "whoami", "argv": ["/usr/bin/id", "-un"], "workdir": "/srv/carol", "timeoutSeconds": 30}]}
POLICY
chmod 644 "$root/etc/enginex-agent/policy.json"
token=$(engine tokens create --tenant it --ttl 10m --json | field token)
printf 'server = https://127.0.0.1:%s\ntoken = %s\npin = %s\n' "$port" "$token" "$pin" \
  | as_carol sh -c 'umask 077 && mkdir -p "$HOME/.config/enginex-agent" && cat > "$HOME/.config/enginex-agent/agent.conf"'
as_carol "$launcher" service install --per-user > "$work/per-user.txt" 2>&1 \
  || { cat "$work/per-user.txt"; fail "service install --per-user failed"; }
cat "$work/per-user.txt"
has "Lingering is on for carol" "$work/per-user.txt" || fail "the install does not say that lingering keeps the agent"
as_carol systemd-analyze --user verify /home/carol/.config/systemd/user/enginex-agent.service \
  || fail "systemd-analyze --user verify rejects the user unit"
carol_state=/home/carol/.local/state/enginex-agent
carol_connected() { # carol's agent's status file says connected, written by the unit's main process
  local pid
  pid=$(as_carol systemctl --user show enginex-agent -p MainPID --value) && [ "${pid:-0}" != 0 ] &&
    inside cat "$carol_state/status.json" | tr -d ' \n' | has "\"state\":\"connected\".*\"pid\":$pid,"
}
await "carol's agent did not enrol and connect" 60 carol_connected
carol_id=$(inside cat "$carol_state/identity.json" | field agentId)
[ -n "$carol_id" ] && [ "$carol_id" != "$id1" ] || fail "carol's agent has no identity of its own: '$carol_id'"
inside grep -q '^token' /home/carol/.config/enginex-agent/agent.conf && fail "the token is still in carol's agent.conf"
[ "$(inside stat -c '%U %a' "$carol_state" /home/carol/.config/enginex-agent/agent.conf | tr '\n' ' ')" = "carol 700 carol 600 " ] \
  || fail "carol's state and config are not hers alone: $(inside stat -c '%n %U %a' "$carol_state" /home/carol/.config/enginex-agent/agent.conf)"
carol_pid=$(as_carol systemctl --user show enginex-agent -p MainPID --value)
[ "$(inside ps -o user= -p "$carol_pid")" = carol ] || fail "carol's agent does not run as carol"
engine jobs run --tenant it --agent "$carol_id" --tool exec --args '{"command":"whoami"}' --timeout 30s --json \
  > "$work/whoami.out" 2>&1 || { cat "$work/whoami.out"; fail "a job on carol's agent failed"; }
has carol "$work/whoami.out" || { cat "$work/whoami.out"; fail "the job did not run as carol"; }
echo "carol's per-user agent $carol_id enrolled and ran a job as carol in $((SECONDS - t_user)) s"

log "3. reboot: back online as the same agent (and carol's per-user agent)"
stop_container
boot
wait_connected
[ "$(agent_id)" = "$id1" ] || fail "identity changed across reboot"
dispatch "$id1"
# The service's class archive: written when the agent stopped at the reboot, mapped by this start.
inside test -s /var/lib/enginex-agent/agent.jsa || fail "the agent wrote no CDS archive when it stopped"
pid=$(inside systemctl show enginex-agent -p MainPID --value)
has agent.jsa < <(inside cat "/proc/$pid/maps") || fail "the agent did not map its CDS archive at start"
echo "idle agent after a job: $(inside grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') (docs/BENCHMARKS.md)"
# carol's per-user agent: her manager started at boot (lingering), and her agent with it.
await "carol's per-user agent is not back after the reboot" 60 carol_connected
[ "$(inside cat "$carol_state/identity.json" | field agentId)" = "$carol_id" ] || fail "carol's agent changed identity"
dispatch "$carol_id"
as_carol "$launcher" service uninstall --per-user || fail "service uninstall --per-user failed"
inside test ! -e /home/carol/.config/systemd/user/enginex-agent.service || fail "the user unit is still there"
if as_carol systemctl --user is-active --quiet enginex-agent; then fail "carol's agent still runs after uninstall"; fi
inside test -s "$carol_state/identity.json" || fail "uninstall --per-user did not keep carol's state"
echo "carol's agent came back after the reboot and was uninstalled (state kept)"

if step all; then
  log "4. upgrade with systemd running: identity and config kept"
  conf_before=$(inside sha256sum /etc/enginex-agent/agent.conf)
  inside dpkg -i /root/new.deb || fail "upgrade failed"
  [ "$(agent_id)" = "$id1" ] || fail "identity changed on upgrade"
  [ "$(inside sha256sum /etc/enginex-agent/agent.conf)" = "$conf_before" ] || fail "agent.conf changed on upgrade"
  inside systemctl is-active --quiet enginex-agent || fail "service not running after upgrade"
  wait_connected
  dispatch "$id1"
  inside dpkg-query -W -f '${Version}\n' enginex-agent

  self_update "$id1"

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
    find /etc/systemd /lib/systemd /usr/lib/systemd /etc/xdg/autostart -name "enginex*" 2>/dev/null;
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
    [ ! -e "$root/etc/xdg/autostart/enginex-agent-session.desktop" ] || fail "rpm -e left the autostart file"
    [ ! -e "$root/etc/systemd/system/multi-user.target.wants/enginex-agent-enginex-agent.service" ] \
      || fail "rpm -e left the unit enabled"
  fi
else
  stop_container
fi
log "7. the hub's apt repository, added by the Ansible role (packaging/deploy/ansible) on a new machine: online, idempotent"
t_step7=$SECONDS
published=("$old_deb")
[ -n "$rpm_file" ] && command -v createrepo_c >/dev/null && published+=("$rpm_file")
java -jar "$repo/server/target/engine.jar" packages publish --data-dir "$work/hub" "${published[@]}" \
  || fail "engine packages publish failed"
fingerprint=$(java -jar "$repo/server/target/engine.jar" packages key --data-dir "$work/hub" | sed -n 's/^Fingerprint: //p')
[ -n "$fingerprint" ] || fail "engine packages key shows no fingerprint"
hub_get() { curl -fsS --cacert "$work/hub/tls/hub-cert.pem" "https://127.0.0.1:$port/downloads/$1" -o "$2"; }
hub_get hub-cert.pem "$work/hub-ca.pem" || fail "the hub serves no /downloads/hub-cert.pem"
cmp -s "$work/hub-ca.pem" "$work/hub/tls/hub-cert.pem" || fail "/downloads/hub-cert.pem is not the hub's certificate"
hub_get enginex-archive-keyring.gpg "$work/keyring.gpg" || fail "no signing key at /downloads/"
install -d -m 700 "$work/gnupg" # a GnuPG home of the test's own (never the caller's ~/.gnupg)
served=$(gpg --homedir "$work/gnupg" --show-keys --with-colons "$work/keyring.gpg" 2>/dev/null | awk -F: '/^fpr:/ { print $10; exit }')
[ "$served" = "$fingerprint" ] || fail "the served key $served is not the hub's $fingerprint"
hub_get SHA256SUMS "$work/SHA256SUMS" && hub_get SHA256SUMS.asc "$work/SHA256SUMS.asc" || fail "no checksums"
gpgv --keyring "$work/keyring.gpg" "$work/SHA256SUMS.asc" "$work/SHA256SUMS" || fail "SHA256SUMS.asc does not verify"
grep -q "$(sha256sum "$old_deb" | cut -d' ' -f1)  $(basename "$old_deb")" "$work/SHA256SUMS" || fail "wrong checksum"
rm -rf "$root" && cp -a "$cache_root/." "$root/" && rm -f "$root/.complete"
# The machine reaches no Debian mirror: the hub's repository, added by the role, is its only source (the
# package's dependencies are in the base).
rm -f "$root/etc/apt/sources.list"
token=$(engine tokens create --tenant it --ttl 10m --json | field token)
# The role from the repository, run by the real ansible-playbook on the booted machine itself (connection
# local, as ansible-pull runs it): a connection to the container over ssh would need an sshd in it and
# chroot/nspawn connections are not in ansible-core. The inventory and variables are an admin's.
cp -a "$repo/packaging/deploy/ansible" "$root/root/ansible"
install -m 644 "$work/hub-ca.pem" "$root/root/ansible/hub-cert.pem"
printf '[enginex_agents]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ansible_become=false\n' \
  > "$root/root/ansible/inventory.ini"
printf 'enginex_hub_url: "https://127.0.0.1:%s"\nenginex_token: "%s"\nenginex_pin: "%s"\nenginex_hub_ca_file: /root/ansible/hub-cert.pem\n' \
  "$port" "$token" "$pin" > "$root/root/ansible/it-vars.yml"
playbook() { # ARGS…: ansible-playbook on the machine, its recap line printed; the whole output in $work/ansible.out
  local t0=$SECONDS
  inside env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
    ansible-playbook -i /root/ansible/inventory.ini /root/ansible/site.yml -e @/root/ansible/it-vars.yml "$@" \
    > "$work/ansible.out" 2>&1 || { cat "$work/ansible.out"; fail "ansible-playbook $* failed"; }
  recap=$(grep -E '^localhost +: ok=' "$work/ansible.out") || { cat "$work/ansible.out"; fail "no play recap"; }
  echo "  ansible-playbook $*: ${recap#localhost*: } ($((SECONDS - t0)) s)"
}
changed() { sed -n 's/.* changed=\([0-9]*\) .*/\1/p' <<< "$recap"; }
boot
t_ansible=$SECONDS
playbook --check --diff
inside test ! -e /etc/enginex-agent/agent.conf || fail "the check-mode run wrote agent.conf"
inside test ! -e /opt/enginex-agent || fail "the check-mode run installed the package"
playbook
[ "$(changed)" -gt 0 ] || fail "the first run changed nothing"
inside apt-cache policy enginex-agent | has "127.0.0.1:$port/downloads/apt stable/main" \
  || { inside apt-cache policy enginex-agent; fail "enginex-agent was not installed from the hub's repository"; }
inside cmp -s /etc/apt/keyrings/enginex-agent.gpg /dev/stdin < "$work/keyring.gpg" \
  || fail "the role's apt keyring is not the hub's key"
wait_connected
dispatch "$(agent_id)"
# Created 0600 by the role before the package; the package lets the agent's group write it (the token).
[ "$(inside stat -c '%U %G %a' /etc/enginex-agent/agent.conf)" = "root enginex-agent 660" ] \
  || fail "agent.conf is not root's, writable by the agent's group only: $(inside stat -c '%U %G %a' /etc/enginex-agent/agent.conf)"
inside grep -q '^token' /etc/enginex-agent/agent.conf && fail "the token is still in agent.conf"
echo "installed by the Ansible role from the hub's signed repository; agent $(agent_id) online"
playbook
[ "$(changed)" = 0 ] || { cat "$work/ansible.out"; fail "the second run changed something (not idempotent)"; }
inside grep -q '^token' /etc/enginex-agent/agent.conf && fail "the second run put the used token back"
# A changed setting: written, the agent restarted by the handler, online again as the same agent.
pid_before=$(inside systemctl show enginex-agent -p MainPID --value)
playbook -e '{"enginex_config": {"session-users": "alice"}}'
[ "$(changed)" -gt 0 ] || fail "a new setting changed nothing"
has 'RUNNING HANDLER \[enginex_agent : Restart enginex-agent\]' "$work/ansible.out" || { cat "$work/ansible.out"; fail "the handler did not restart the agent"; }
inside grep -qx 'session-users = alice' /etc/enginex-agent/agent.conf || fail "the setting is not in agent.conf"
inside grep -q '^token' /etc/enginex-agent/agent.conf && fail "the run with a new setting put the used token back"
[ "$(inside systemctl show enginex-agent -p MainPID --value)" != "$pid_before" ] || fail "the agent was not restarted"
wait_connected
dispatch "$(agent_id)"
# A session user opens the status page over the session channel, as the kernel names them, without the
# group enginex-agent-ui (alice is not in it here): the link may answer her consent requests.
inside useradd -m alice
inside runuser -u alice -- enginex-agent ui --no-browser > "$work/ui-alice.txt" 2>&1 \
  || { cat "$work/ui-alice.txt"; fail "a session user cannot open the status page over the session channel"; }
grep -q 'http://127.0.0.1:[0-9]*/login?code=' "$work/ui-alice.txt" || { cat "$work/ui-alice.txt"; fail "no login link for alice"; }
grep -q '^Note:' "$work/ui-alice.txt" && { cat "$work/ui-alice.txt"; fail "alice's link came from ui.json, not the session channel"; }
inside journalctl -u enginex-agent-enginex-agent --no-pager -o cat | has 'made a status page login link for a session user' \
  || fail "the agent did not log the session channel's login link"
echo "Ansible: check mode, install and enrol, second run changed=0, a setting restarts the agent in $((SECONDS - t_ansible)) s (step 7: $((SECONDS - t_step7)) s)"
stop_container

if step all && [ -n "$rpm_file" ] && command -v dnf >/dev/null && command -v createrepo_c >/dev/null; then
  log "7b. the hub's dnf repository, read by the real dnf: signed metadata, a signed rpm"
  # No RPM distribution boots here: dnf runs on the host against an empty install root, which is enough
  # for it to fetch the repository over HTTPS and check repomd.xml's signature with the served key.
  mkdir -p "$work/dnf/repos"
  printf '[enginex-agent]\nname=EngineX Edge agent\nbaseurl=https://127.0.0.1:%s/downloads/rpm\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=https://127.0.0.1:%s/downloads/enginex-archive-keyring.asc\nsslcacert=%s\nskip_if_unavailable=False\n' \
    "$port" "$port" "$work/hub-ca.pem" > "$work/dnf/repos/enginex-agent.repo"
  dnf_q=(dnf -y -q --installroot="$work/dnf/root" --setopt=reposdir="$work/dnf/repos" --setopt=cachedir="$work/dnf/cache" --releasever=40)
  expected=$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}' "$rpm_file" 2>/dev/null)
  found=$("${dnf_q[@]}" repoquery --qf '%{name}-%{version}-%{release}.%{arch}' enginex-agent 2>"$work/dnf.err") \
    || { cat "$work/dnf.err"; fail "dnf could not read the hub's repository"; }
  [ "$found" = "$expected" ] || fail "dnf found '$found', expected $expected"
  location=$("${dnf_q[@]}" repoquery --location enginex-agent 2>/dev/null)
  curl -fsS --cacert "$work/hub-ca.pem" "$location" -o "$work/from-dnf.rpm" || fail "cannot fetch $location"
  hub_get enginex-archive-keyring.asc "$work/keyring.asc" || fail "no armored key"
  rpm --dbpath "$work/rpmdb" --initdb && rpm --dbpath "$work/rpmdb" --import "$work/keyring.asc"
  rpm --dbpath "$work/rpmdb" -K "$work/from-dnf.rpm" | has 'digests signatures OK' \
    || fail "the served rpm is not signed with the hub's key: $(rpm --dbpath "$work/rpmdb" -K "$work/from-dnf.rpm")"
  echo "dnf read the signed repository; $(basename "$location") is signed with $fingerprint"
fi

if [ "$only" = fleet ]; then
  log "PASS (ENGINEX_IT_ONLY=fleet): install (offline) → enrol → per-user install → reboot → Ansible role: check, install, enrol, idempotent, restart on a new setting"
  exit 0
fi
log "PASS: install (offline) → enrol → job → every tool hardened → reboot → upgrade → self-update and rollback → purge${rpm_file:+; rpm install → enrol → job → erase}; apt install from the hub → online${rpm_file:+; dnf reads the signed repository}"
