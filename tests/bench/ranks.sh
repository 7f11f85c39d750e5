#!/usr/bin/env bash
# Scenarios per second and peak memory against MPI ranks and the scenario
# count (issue 14): SPEC with --summary-stats (the statistics meant for
# large runs: memory per cell independent of the scenario count,
# experiments/stats.h) at each of SIZES scenarios per cell, under
# `mpirun -n K` for each K of RANKS, one thread a rank (the ranks are the
# parallelism). Per rank: its peak resident set (getrusage, via
# /usr/bin/time %M, one file a rank); total: their sum (an upper bound on
# what the ranks held at once). Rate: scenarios x policies per wall second
# of the whole mpirun (start-up and rank 0's merge included). Parallel
# efficiency: rate(K) / (K x rate(1)) at the same size. Sizes above the
# largest one measured, up to MAX (10^8), are extrapolated from the
# measured slope (least squares, wall time and memory linear in the
# scenarios) and marked so. More ranks than cores share them
# (--oversubscribe): such rows are marked, their efficiency is the
# machine's, not MPI's. Without an MPI build or mpirun only K = 1 runs (a
# plain process), and the output says so. A benchmark, not a test: the
# machines are shared, so compare figures from one run.
#
#   tests/bench/ranks.sh [SELSIM] [SPEC] [SIZES] [RANKS] [MAX]
set -euo pipefail
cd "$(dirname "$0")/../.."
selsim=$(realpath "${1:-build/selsim}")
spec=${2:-experiments/specs/first-etcd-down.json}
sizes=${3:-10000 100000}
ranks=${4:-1 2 4}
max=${5:-100000000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cores=$(nproc)
mpi=1
if ! grep -q '(MPI)' <<< "$("$selsim" --version)" ||
   ! command -v mpirun >/dev/null; then
	mpi=0
	ranks=1
fi
# Open MPI's own allocations are not ours (the sanitizer build)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# rank: the command each rank runs, under /usr/bin/time into $1.RANK
cat > "$out/rank.sh" <<'SH'
#!/usr/bin/env bash
f=$1.${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}
shift
exec /usr/bin/time -f "%M %e %U %S" -o "$f" "$@"
SH
chmod +x "$out/rank.sh"

: > "$out/rows"
for k in $ranks; do
	for n in $sizes; do
		rm -rf "$out/r" "$out"/mem.*
		launch=()
		[ "$mpi" = 1 ] && launch=(mpirun --oversubscribe
					  --allow-run-as-root -n "$k")
		t0=$(date +%s.%N)
		"${launch[@]}" "$out/rank.sh" "$out/mem" "$selsim" run "$spec" \
			--scenarios "$n" --summary-stats --threads 1 --quiet \
			--no-plots -o "$out/r" >/dev/null
		t1=$(date +%s.%N)
		cells=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$out/r/results.json")
		mem=$(cat "$out"/mem.* | awk '{ printf "%s%s", s, $1; s = "," }')
		echo "$k $n $cells $t0 $t1 $mem" >> "$out/rows"
		echo "measured ranks=$k n=$n" >&2
	done
done

python3 - "$out/rows" "$spec" "$cores" "$mpi" "$max" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
spec, cores, mpi, top = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
print(f"spec={spec} --summary-stats, 1 thread a rank; this machine has "
      f"{cores} cores: more ranks than that are oversubscribed (marked)")
if mpi != "1":
    print("no MPI build or no mpirun: one process only (ranks=1)")
pts = {}	# ranks -> [(n, wall, rank_mb_max, total_mb)]
cells = {}
for k, n, c, t0, t1, mem in rows:
    kb = [int(x) for x in mem.split(",")]
    pts.setdefault(int(k), []).append(
        (int(n), float(t1) - float(t0), max(kb) / 1024, sum(kb) / 1024))
    cells[int(n)] = int(c)
def line(xs, ys):
    k = len(xs); mx = sum(xs) / k; my = sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0
    return my - b * mx, b
table = {}	# (ranks, n) -> (wall, rank_mb, total_mb, how)
for k, ps in pts.items():
    for n, wall, rmb, tmb in ps:
        table[(k, n)] = (wall, rmb, tmb, "measured")
    if len(ps) < 2:
        continue
    xs = [p[0] for p in ps]
    fit = [line(xs, [p[i] for p in ps]) for i in (1, 2, 3)]
    n = max(xs) * 10
    while n <= top:
        # never below the least measured (a noisy slope may fall)
        table[(k, n)] = tuple(max(a + b * n, min(p[i] for p in ps))
                              for (a, b), i in zip(fit, (1, 2, 3))) + (
            "EXTRAPOLATED from the measured slope",)
        n *= 10
c = max(cells.values())
print(f"{'ranks':>5} {'scenarios':>11} {'wall_s':>9} {'scen/s':>9} "
      f"{'efficiency':>10} {'rank_MB':>8} {'total_MB':>8}  how")
for (k, n) in sorted(table):
    wall, rmb, tmb, how = table[(k, n)]
    rate = n * c / wall
    one = table.get((1, n))
    eff = (f"{rate / (k * n * c / one[0]):>10.2f}" if one
           else f"{'-':>10}")
    over = "  oversubscribed" if k > cores else ""
    print(f"{k:>5} {n:>11} {wall:>9.1f} {rate:>9.0f} {eff} {rmb:>8.1f} "
          f"{tmb:>8.1f}  {how}{over}")
PY
