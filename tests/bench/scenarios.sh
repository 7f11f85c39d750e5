#!/usr/bin/env bash
# End-to-end speed: az-outage.json, 10,000 scenarios x every built-in
# policy, with 1 thread and with 2, in one run. Prints scenarios/s, events
# per scenario, events/s (per thread too) and the 2-thread speed-up.
# A benchmark, not a test: these machines are shared, so compare ratios
# measured in one run.
#
#   tests/bench/scenarios.sh [SELSIM] [SCENARIOS] [MAX_THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
selsim=${1:-build/selsim}
n=${2:-10000}
max_threads=${3:-2}
spec=experiments/specs/az-outage.json
policies=$("$selsim" list | awk '/^policies/{p=1;next} /^[a-z]/{p=0} p && NF {print $1}' | paste -sd, -)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the spec with every built-in policy in its "policies"
python3 - "$spec" "$out/spec.json" "$policies" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["policies"] = sys.argv[3].split(",")
json.dump(s, open(sys.argv[2], "w"))
PY
echo "spec=$spec scenarios=$n policies=$policies"
spec_file=$out/spec.json
base=""
t=1
while [ "$t" -le "$max_threads" ]; do
  start=$(date +%s.%N)
  "$selsim" run "$spec_file" --scenarios "$n" --threads "$t" \
    --no-plots -q -o "$out/t$t" --format json > "$out/t$t.json"
  end=$(date +%s.%N)
  python3 - "$out/t$t.json" "$start" "$end" "$t" "$base" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
start, end, threads = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
base = float(sys.argv[5]) if sys.argv[5] else None
wall = end - start
scen = sum(c["scenarios"] for c in r["results"])
events = sum(c["events_per_scenario"] * c["scenarios"] for c in r["results"])
line = ("threads=%d wall_s=%.2f scenarios_per_s=%.0f events_per_scenario=%.0f "
        "events_per_s=%.0f events_per_s_per_thread=%.0f"
        % (threads, wall, scen / wall, events / scen, events / wall,
           events / wall / threads))
if base:
    line += " speedup=%.2f" % (base / wall)
print(line)
open(sys.argv[1] + ".wall", "w").write("%f" % wall)
PY
  [ -n "$base" ] || base=$(cat "$out/t1.json.wall")
  cmp -s "$out/t1/results.json" "$out/t$t/results.json" || { echo "results differ between 1 and $t threads" >&2; exit 1; }
  t=$((t * 2))
done
