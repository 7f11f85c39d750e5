#!/usr/bin/env bash
# The optional MPI build: `mpirun -n 3 selsim run` writes the very results
# one process writes, on 1 or 2 threads, exact and --summary-stats. Skipped (and says so) when selsim
# is built without MPI or mpirun is absent.
set -euo pipefail
selsim=$(realpath "$1")
spec=$(realpath experiments/specs/az-outage.json)
if ! grep -q '(MPI)' <<< "$("$selsim" --version)"; then
	echo "skipped: selsim is built without MPI (CMake found none)"
	exit 0
fi
if ! command -v mpirun >/dev/null; then
	echo "skipped: no mpirun on PATH"
	exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$out"
mkdir t1 t2 mpi
# one process, twice; then three ranks (Open MPI's own allocations are
# not ours: no leak check under ASan there)
args=(run "$spec" --scenarios 300 -o res --quiet)
(cd t1 && "$selsim" "${args[@]}" --threads 1 >/dev/null)
(cd t2 && "$selsim" "${args[@]}" --threads 2 --no-plots >/dev/null)
(cd mpi && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	mpirun --oversubscribe --allow-run-as-root -n 3 \
	"$selsim" "${args[@]}" --threads 1 > stdout)
grep -q "wrote res/results.json" mpi/stdout
for f in results.json results.csv; do
	cmp t1/res/$f t2/res/$f
	cmp t1/res/$f mpi/res/$f
done
# the whole folder: plots and report too
(cd t1/res && find . -type f | sort) > a
(cd mpi/res && find . -type f | sort) > b
cmp a b
while read -r f; do cmp "t1/res/$f" "mpi/res/$f"; done < a
# summary mode (--summary-stats): the ranks' partials carry summaries
# (it refuses failover specs: az-outage.json without its "failover")
mkdir s1 smpi
sed '/"failover": true,/d' "$spec" > nofo.json
args=(run "$out/nofo.json" --scenarios 300 -o res --quiet)
(cd s1 && "$selsim" "${args[@]}" --summary-stats --threads 2 --no-plots \
	>/dev/null)
(cd smpi && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	mpirun --oversubscribe --allow-run-as-root -n 3 \
	"$selsim" "${args[@]}" --summary-stats --threads 1 --no-plots >/dev/null)
grep -q '"summary"' s1/res/results.json
for f in results.json results.csv; do cmp s1/res/$f smpi/res/$f; done
echo ok
