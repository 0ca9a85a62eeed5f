#!/usr/bin/env bash
# Prints one line per module of a ./test run and a closing "N passed, N failed, N skipped" line; exits 1
# when a test failed or a module did not build. Reads the JUnit reports the run wrote (those newer than
# MARKER, so reports of earlier runs are not counted) and the Maven reactor summaries in the LOGs, one per
# Maven run in the order they ran: a module's status is the one of the last run that built it.
#   scripts/test-summary.sh MARKER LOG...
set -uo pipefail
cd "$(dirname "$0")/.."
marker=$1
shift
total_pass=0 total_fail=0 total_skip=0 broken=0

plain=$(mktemp -d)
trap 'rm -rf "$plain"' EXIT
plain_logs=()
for log in "$@"; do
  plain_logs+=("$plain/${#plain_logs[@]}.log")
  sed 's/\x1b\[[0-9;]*m//g' "$log" > "${plain_logs[-1]}"
done

name_of() { sed -n 's:^  <name>\(.*\)</name>.*:\1:p' "$1/pom.xml" | head -n1; }

log_of() { # MODULE-NAME: the last of the logs whose Maven run built the module (none: not built)
  local found="" log
  for log in "${plain_logs[@]}"; do
    grep -q "^\[INFO\] Building $1 " "$log" && found=$log
  done
  printf '%s' "$found"
}

status_of() { # MODULE-NAME LOG: SUCCESS, FAILURE or SKIPPED, from LOG's reactor summary (or, building one module, the result)
  local status
  status=$(sed -n "s/^\[INFO\] $1 [ .]*\(SUCCESS\|FAILURE\|SKIPPED\).*/\1/p" "$2" | tail -n1)
  [ -n "$status" ] || status=$(sed -n 's/^\[\(INFO\|ERROR\)\] BUILD \(SUCCESS\|FAILURE\)$/\2/p' "$2" | tail -n1)
  printf '%s' "${status:-FAILURE}"
}

echo
echo "==> Summary"
for module in $(sed -n 's:^ *<module>\(.*\)</module>.*:\1:p' pom.xml); do
  name=$(name_of "$module")
  # Only the modules this run built (./test -pl agent builds one).
  log=$(log_of "$name")
  [ -n "$log" ] || continue
  tests=0 failed=0 skipped=0 failures=()
  while IFS= read -r report; do
    head=$(head -c 4096 "$report" | tr '\n' ' ' | grep -o '<testsuite [^>]*>' | head -n1)
    attr() { printf '%s' "$head" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    t=$(attr tests) f=$(attr failures) e=$(attr errors) s=$(attr skipped)
    tests=$((tests + ${t:-0})) skipped=$((skipped + ${s:-0}))
    if [ $((${f:-0} + ${e:-0})) -gt 0 ]; then
      failed=$((failed + ${f:-0} + ${e:-0}))
      failures+=("$(basename "$report" .xml | sed 's/^TEST-//')")
    fi
  done < <(find "$module/target/surefire-reports" "$module/target/failsafe-reports" -name 'TEST-*.xml' \
             -newer "$marker" 2>/dev/null | sort)
  status=$(status_of "$name" "$log")
  [ "$failed" -eq 0 ] || status=FAILED
  passed=$((tests - failed - skipped))
  total_pass=$((total_pass + passed)) total_fail=$((total_fail + failed)) total_skip=$((total_skip + skipped))
  line=$(printf '%-10s %-8s %5d passed, %d failed, %d skipped' "$module" "$status" "$passed" "$failed" "$skipped")
  [ ${#failures[@]} -eq 0 ] || line="$line — failing: ${failures[*]}"
  echo "$line"
  if [ "$failed" -gt 0 ] || [ "$status" = FAILURE ]; then broken=1; fi
done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit "$broken"
