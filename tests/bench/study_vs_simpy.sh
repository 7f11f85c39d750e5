#!/usr/bin/env bash
# `selsim study` against its SimPy 2 peer (tests/bench/simpy_dispatch.py),
# measured in one run (issue 14): the same dispatch model, Poisson requests
# at utilisation RHO to 20 single-worker servers with exponential service
# (mean 1 s), the "random" policy, REQUESTS requests for both. Prints the
# CPU seconds (user + sys, from /usr/bin/time: the machines are shared, so
# wall time says more about the neighbours) and requests per CPU second of
# each, and the ratio selsim / SimPy. CPU time still grows with the load
# (a busy sibling core slows both sides, not always alike: SimPy's CPU
# time for 1M requests ranged from 9.6 to 13.8 s on 2 shared cores), so
# it prints the cores and the load average before and after: compare
# ratios measured under like loads. Needs python3-simpy (make deps with
# the test packages installs it). Not in CTest.
#
#   tests/bench/study_vs_simpy.sh [SELSIM] [REQUESTS] [RHO]
set -euo pipefail
cd "$(dirname "$0")/../.."
selsim=${1:-build/selsim}
n=${2:-1000000}
rho=${3:-0.9}
/usr/bin/python3 -c 'import SimPy.Simulation' 2>/dev/null || {
	echo "SimPy 2 missing: apt-get install python3-simpy" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 - experiments/specs/queueing.json "$out/spec.json" "$n" "$rho" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["utilisation"] = [float(sys.argv[4])]
s["requests"] = [int(sys.argv[3])]
s["policies"] = ["random"]
json.dump(s, open(sys.argv[2], "w"))
PY
load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
/usr/bin/time -f "%U %S %e" -o "$out/selsim.time" \
	"$selsim" study "$out/spec.json" -o "$out/r" --no-plots -q
/usr/bin/time -f "%U %S %e" -o "$out/simpy.time" \
	/usr/bin/python3 tests/bench/simpy_dispatch.py "$n" "$rho" 20 1 \
	> "$out/simpy.txt"
load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
python3 - "$out" "$n" "$(nproc)" "$load0" "$load1" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
print(f"machine: {sys.argv[3]} cores; load average (1, 5, 15 min) "
      f"before {sys.argv[4]}, after {sys.argv[5]}")
def cpu(name):
    u, s, w = (float(v) for v in open(f"{out}/{name}.time").read().split())
    return u + s, w
r = json.load(open(f"{out}/r/results.json"))["results"][0]
sc, sw = cpu("selsim")
pc, pw = cpu("simpy")
print(f"selsim study: {n} requests, cpu_s={sc:.2f} wall_s={sw:.2f} "
      f"requests_per_cpu_s={n / sc:.0f} mean_s={r['mean_s']:.4f} "
      f"p99_s={r['p99_s']:.4f}")
print(open(f"{out}/simpy.txt").read().strip())
print(f"simpy peer:   {n} requests, cpu_s={pc:.2f} wall_s={pw:.2f} "
      f"requests_per_cpu_s={n / pc:.0f}")
print(f"ratio (SimPy CPU time / selsim CPU time): {pc / sc:.1f}")
PY
