#!/usr/bin/env bash
# Coverage of the shipped queueing study's batch-means intervals (issue 17):
# experiments/specs/queueing.json's setup (its servers, service time and
# per-utilisation request counts) at rho 0.9 and 0.95, the "random" policy
# only (20 independent M/M/1 queues: mean time in system S / (1 - rho),
# 10 s and 20 s for S = 1 s), run with seeds 1..K. Prints, per rho, how
# many 95% intervals (mean_s +- mean_ci95_half_s) hold the analytic mean,
# with a Wilson 95% interval for that coverage. Not in CTest: one seed
# takes ~35 s of CPU.
#
#   tests/bench/queueing_coverage.sh [SELSIM] [K]
set -euo pipefail
cd "$(dirname "$0")/../.."
selsim=${1:-build/selsim}
k=${2:-20}
spec=experiments/specs/queueing.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for seed in $(seq 1 "$k"); do
	python3 - "$spec" "$out/spec.json" "$seed" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
keep = [i for i, u in enumerate(s["utilisation"]) if u in (0.9, 0.95)]
s["utilisation"] = [s["utilisation"][i] for i in keep]
s["requests"] = [s["requests"][i] for i in keep]
s["policies"] = ["random"]
s["seed"] = int(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"))
PY
	"$selsim" study "$out/spec.json" -o "$out/r$seed" --no-plots -q
	echo "seed $seed done" >&2
done

python3 - "$out" "$k" <<'PY'
import json, math, sys
out, k = sys.argv[1], int(sys.argv[2])
z = 1.959963984540054
def wilson(x, n):
    p = x / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, c - h), min(1.0, c + h)
hits, lag_bad = {}, {}
for seed in range(1, k + 1):
    r = json.load(open(f"{out}/r{seed}/results.json"))
    for c in r["results"]:
        rho = c["utilisation"]
        exact = 1.0 / (1.0 - rho)      # S / (1 - rho), S = 1 s
        inside = abs(c["mean_s"] - exact) <= c["mean_ci95_half_s"]
        hits[rho] = hits.get(rho, 0) + inside
        lag_bad[rho] = lag_bad.get(rho, 0) + (not c["batches_uncorrelated"])
for rho in sorted(hits):
    lo, hi = wilson(hits[rho], k)
    print(f"rho {rho}: {hits[rho]}/{k} intervals cover {1 / (1 - rho):g} s "
          f"= {100 * hits[rho] / k:.1f}% (Wilson 95% [{100 * lo:.1f}, "
          f"{100 * hi:.1f}]); batches flagged correlated: {lag_bad[rho]}")
PY
