#!/usr/bin/env bash
# Scenarios per second and peak memory against the scenario count (issue
# 14): SPEC at each of SIZES scenarios per cell, once as `selsim run`
# chooses (exact samples up to 1,000,000 scenarios, summaries above:
# experiments/stats.h) and once with --summary-stats. Peak memory is the
# process's maximum resident set (getrusage, via /usr/bin/time %M); rates
# are scenarios (x policies) per wall and per CPU second. Sizes not run
# are extrapolated from the measured slope (least squares, time and memory
# linear in the scenarios) and marked so. A benchmark, not a test: the
# machines are shared, so compare figures from one run.
#
#   tests/bench/scale.sh [SELSIM] [SPEC] [SIZES] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
selsim=${1:-build/selsim}
spec=${2:-experiments/specs/first-etcd-down.json}
sizes=${3:-10000 100000 1000000}
threads=${4:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

: > "$out/rows"
for n in $sizes; do
	for mode in auto summary; do
		flag=""
		[ "$mode" = summary ] && flag=--summary-stats
		/usr/bin/time -f "%e %U %S %M" -o "$out/time" \
			"$selsim" run "$spec" --scenarios "$n" --threads "$threads" \
			$flag -q --no-plots -o "$out/r" --format json > "$out/r.json"
		cells=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$out/r.json")
		summ=$(python3 -c 'import json,sys; print("summary" if "statistics" in json.load(open(sys.argv[1])) else "exact")' "$out/r.json")
		echo "$n $mode $summ $cells $(cat "$out/time")" >> "$out/rows"
		echo "measured n=$n mode=$mode" >&2
	done
done

python3 - "$out/rows" "$spec" "$threads" <<'PY'
import sys
EXACT_MAX = 10 ** 6	# STATS_EXACT_MAX_SCENARIOS
rows = [l.split() for l in open(sys.argv[1])]
print(f"spec={sys.argv[2]} threads={sys.argv[3]}")
print(f"{'scenarios':>11} {'mode':>8} {'stats':>7} {'wall_s':>8} {'cpu_s':>8} "
      f"{'scen/s wall':>11} {'scen/s cpu':>10} {'peak_MB':>8}")
fits = {}
for mode in ("auto", "summary"):
    pts = []
    for n, m, st, cells, wall, user, sys_, kb in rows:
        if m != mode:
            continue
        n, cells = int(n), int(cells)
        wall, cpu, mb = float(wall), float(user) + float(sys_), int(kb) / 1024
        pts.append((n, wall, cpu, mb, st))
        print(f"{n:>11} {mode:>8} {st:>7} {wall:>8.2f} {cpu:>8.2f} "
              f"{n * cells / wall:>11.0f} {n * cells / cpu:>10.0f} {mb:>8.1f}")
    fits[mode] = pts
def line(xs, ys):
    k = len(xs); mx = sum(xs) / k; my = sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0
    return my - b * mx, b
big = max(int(r[0]) for r in rows)
for mode, pts in fits.items():
    if len(pts) < 2:
        continue
    # the slope from the measured points of the statistics the size
    # uses: in auto mode exact up to 1e6 scenarios (stats.h), summaries
    # above, so memory comes from the exact or the summary fit
    ca, cb = line([p[0] for p in pts], [p[2] for p in pts])
    wa, wb = line([p[0] for p in pts], [p[1] for p in pts])
    n = big * 10
    while n <= 10 ** 8:
        st = "exact" if mode == "auto" and n <= EXACT_MAX else "summary"
        mp = [p for p in fits["summary" if st == "summary" else mode]
              if p[4] == st]
        if len(mp) >= 2:
            ma, mb = line([p[0] for p in mp], [p[3] for p in mp])
            mem = f"{max(ma + mb * n, 0):>8.1f}"
        else:
            mem = f"{'?':>8}"
        print(f"{n:>11} {mode:>8} {st:>7} {wa + wb * n:>8.0f} "
              f"{ca + cb * n:>8.0f} {'':>11} {'':>10} {mem}"
              "  EXTRAPOLATED from the measured slope")
        n *= 10
sm = fits["summary"]
if sm:
    print(f"summary mode peak memory: {sm[-1][3]:.1f} MB at {sm[-1][0]} "
          f"scenarios vs {sm[0][3]:.1f} MB at {sm[0][0]} "
          f"(ratio {sm[-1][3] / sm[0][3]:.2f})")
PY
