#!/usr/bin/env bash
# Four ways to run one spec, one answer (issue 14): SPEC at SCENARIOS per
# cell run as one process on 1 thread, as three shards (`--shard I/3`, one
# thread each, one after another) merged by `selsim merge`, as one process
# on 2 threads, and under `mpirun -n 3` (when selsim is built with MPI and
# mpirun is on PATH; otherwise said and left out). Each way's results.json
# and results.csv must equal the first's byte for byte. Above 1,000,000
# scenarios a cell the run is in summary mode on its own (bounded-memory
# statistics, experiments/stats.h); below it, exact; pass --summary-stats
# among OPTIONS to force summary mode at any size. Prints, per way, CPU
# seconds (user + system, the shards' and the ranks' summed), wall seconds
# and peak resident set (the largest process's), then "identical" or the
# first difference (exit 1). The runs are kept in OUT (default a temporary
# folder, removed at the end).
#
# Large sizes take long: az-outage costs about a millisecond of CPU per
# scenario and policy here, so 1,000,001 scenarios of two policies are
# about half an hour of CPU a way.
#
#   tests/bench/identity.sh SELSIM SPEC SCENARIOS [OUT] [-- OPTIONS...]
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 SELSIM SPEC SCENARIOS [OUT] [-- OPTIONS...]" >&2; exit 2; }
selsim=$(realpath "$1")
spec=$(realpath "$2")
n=$3
shift 3
keep=0
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	out=$(realpath -m "$1")
	keep=1
	shift
else
	out=$(mktemp -d)
fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
opts=("$@")
mkdir -p "$out"
[ $keep = 1 ] || trap 'rm -rf "$out"' EXIT
cd "$out"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# timed NAME CMD...: runs CMD under /usr/bin/time into NAME.time
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%U %S %e %M' -o "$name.time" "$@"
}
# row WAY FILES...: sums CPU, takes the longest wall and largest RSS
row() {
	local way=$1
	shift
	cat "$@" | awk -v w="$way" '{ c += $1 + $2; if ($3 > e) e = $3;
		if ($4 > m) m = $4 }
		END { printf "%-22s %10.1f %10.1f %10.1f\n", w, c, e, m / 1024 }'
}
base=(run "$spec" --scenarios "$n" --quiet --no-plots "${opts[@]}")
rm -rf t1 t2 part0 part1 part2 merged mpi ./*.time
printf '%-22s %10s %10s %10s\n' way "CPU s" "wall s" "peak MB"
timed t1 "$selsim" "${base[@]}" --threads 1 -o t1 >/dev/null
row "threads 1" t1.time
for i in 0 1 2; do
	timed "part$i" "$selsim" "${base[@]}" --threads 1 --shard "$i/3" \
		-o "part$i" >/dev/null 2>&1
done
timed merge "$selsim" merge part2 part0 part1 -o merged --quiet --no-plots \
	>/dev/null
row "3 shards + merge" part0.time part1.time part2.time merge.time
timed t2 "$selsim" "${base[@]}" --threads 2 -o t2 >/dev/null
row "threads 2" t2.time
ways="t2 merged"
if grep -q '(MPI)' <<< "$("$selsim" --version)" &&
   command -v mpirun >/dev/null; then
	mpirun --oversubscribe --allow-run-as-root -n 3 \
		/usr/bin/time -f '%U %S %e %M' -o /dev/stdout \
		"$selsim" "${base[@]}" --threads 1 -o mpi 2>/dev/null |
		grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' > mpi.time || true
	row "mpirun -n 3" mpi.time
	ways="$ways mpi"
else
	echo "mpirun -n 3: left out (no MPI build or no mpirun)"
fi
rc=0
for w in $ways; do
	for f in results.json results.csv; do
		if ! cmp "t1/$f" "$w/$f"; then
			rc=1
		fi
	done
done
mode=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1])).get("statistics", {}).get("mode", "exact"))' t1/results.json)
if [ $rc = 0 ]; then
	echo "identical: results.json and results.csv of threads 1, $ways ($mode statistics, $n scenarios a cell)"
fi
exit $rc
