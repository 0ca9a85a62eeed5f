#!/usr/bin/env bash
# Measures the packaged agent (the launcher and runtime the .deb/.rpm install, from
# packaging/target/app-image): the packages' sizes, start → online (from exec of `enginex-agent run` until
# its status file says connected, enrolment included) and its resident memory after IDLE seconds
# connected and idle. A hub (server/target/engine.jar) runs on 127.0.0.1 beside it. docs/BENCHMARKS.md.
#   packaging/measure-agent.sh [RUNS [IDLE]]   (defaults: 5 runs, 30 s idle)
#   NMT=1 packaging/measure-agent.sh 1          also where the memory goes: the JVM's native memory
#                                               tracking summary (jcmd of the build JDK) and class counts
#   KEEP=1 …                                    keeps the hub's and agents' logs (prints where)
#   CDS=0 packaging/measure-agent.sh            without the class archives the packaged service uses
#   IMAGE=DIR packaging/measure-agent.sh        another app image (a variant to compare)
#   JAVA_OPTIONS="-Xlog:…" packaging/measure-agent.sh   extra JVM options, appended to the launcher
#                                               configuration of the copy measured (to try an option)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runs=${1:-5} idle=${2:-30}
image=${IMAGE:-$here/target/app-image/enginex-agent}
[ -x "$image/bin/enginex-agent" ] || { echo "error: no $image; run packaging/build-packages.sh" >&2; exit 1; }
engine_jar=$repo/server/target/engine.jar
[ -f "$engine_jar" ] || { echo "error: no $engine_jar; ./mvnw -pl server -am package -DskipTests" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/enginex-measure.XXXXXX")
hub_pid="" agent_pid=""
cleanup() { # (if, not &&: under set -e a failed wait in an && list ended the trap before rm)
  if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
engine() { java -jar "$engine_jar" "$@" --data-dir "$work/hub"; }
field() { sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "packages:"
ls -l "$here"/target/packages/*/ 2>/dev/null | awk '/\.(deb|rpm)$/ { printf "  %-40s %6.1f MB\n", $9, $5 / 1e6 }' \
  || echo "  (none in $here/target/packages: measuring the image only)"
echo "runtime on disk: $(du -sh "$image/lib/runtime" | cut -f1); installed: $(du -sh "$image" | cut -f1)"

# As the packaged service runs it (lib/enginex-agent-service, the packages' postinst): with the runtime's base
# CDS archive and the agent's own class archive, which the first run writes when it stops and the later runs
# map. CDS=0 measures the bare launcher (as `enginex-agent run` typed by hand).
cp -a "$image" "$work/image"
image=$work/image
if [ "${CDS:-1}" != 0 ]; then
  "$image/lib/runtime/bin/java" -XX:+UseSerialGC -Xshare:dump > /dev/null
  JAVA_OPTIONS="${JAVA_OPTIONS:-} -XX:SharedArchiveFile=$work/agent.jsa -XX:+AutoCreateSharedArchive"
  echo "CDS as the service: run 1 writes the agent's archive when it stops, the later runs use it"
fi
# NMT costs a little memory itself: quote plain runs.
if [ -n "${NMT:-}" ]; then JAVA_OPTIONS="${JAVA_OPTIONS:-} -XX:NativeMemoryTracking=summary"; fi
for option in ${JAVA_OPTIONS:-}; do printf 'java-options=%s\n' "$option" >> "$image/lib/app/enginex-agent.cfg"; done
port=$((20000 + RANDOM % 20000))
java -jar "$engine_jar" serve --data-dir "$work/hub" --bind 127.0.0.1 --port "$port" > "$work/hub.log" 2>&1 &
hub_pid=$!
until [ -f "$work/hub/hub.json" ]; do kill -0 "$hub_pid" || { cat "$work/hub.log"; exit 1; }; sleep 0.2; done
pin=$(field fingerprint < "$work/hub/hub.json")
engine tenants create bench > /dev/null

for i in $(seq 1 "$runs"); do
  token=$(engine tokens create --tenant bench --ttl 10m --json | field token)
  mkdir -p "$work/agent-$i"
  printf 'server = https://127.0.0.1:%s\ntoken = %s\npin = %s\n' "$port" "$token" "$pin" > "$work/agent-$i/agent.conf"
  chmod 600 "$work/agent-$i/agent.conf"
  start=$(now_ms)
  "$image/bin/enginex-agent" run --config "$work/agent-$i/agent.conf" --state-dir "$work/agent-$i/state" \
    > "$work/agent-$i/out.log" 2>&1 &
  agent_pid=$!
  until tr -d ' \n' 2>/dev/null < "$work/agent-$i/state/status.json" | grep -q '"state":"connected"'; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$work/agent-$i/out.log"; exit 1; }
    sleep 0.01
  done
  online=$(( $(now_ms) - start ))
  # CPU the agent spent until online (user + system): unlike wall time, barely moved by other load.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$agent_pid/stat")
  sleep "$idle" # idle on purpose: what is measured is the memory of a connected agent doing nothing
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$agent_pid/status")
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$agent_pid/status")
  rss_anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$agent_pid/status")
  printf 'run %d: start -> online %5d ms (CPU %5d ms); idle RSS after %ds %6.1f MiB (anonymous %5.1f MiB); %d threads\n' \
    "$i" "$online" "$cpu" "$idle" "$(echo "$rss / 1024" | bc -l)" "$(echo "$rss_anon / 1024" | bc -l)" "$threads"
  if [ -n "${NMT:-}" ]; then
    jcmd "$agent_pid" VM.native_memory summary scale=MB | grep -E '^(Total|-  *[A-Z])' | sed 's/^/  /'
    jcmd "$agent_pid" PerfCounter.print | sed -n -e 's/^java.cls.loadedClasses=/  classes loaded: /p' \
      -e 's/^java.cls.sharedLoadedClasses=/  of them from the CDS archive: /p' || true
  fi
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""
done
