#!/usr/bin/env bash
# `selsim bench`: one line per size in the documented format; bad options exit 2;
# tests/bench/ranks.sh prints its table.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$selsim" bench --events 20000 --sizes 10,1000 > "$out/bench.txt"
[ "$(wc -l < "$out/bench.txt")" -eq 2 ]
grep -Eq '^pending=10 engine_events_per_s=[0-9]+ baseline_events_per_s=[0-9]+ ratio=[0-9]+\.[0-9]+$' "$out/bench.txt"
grep -Eq '^pending=1000 ' "$out/bench.txt"

set +e
"$selsim" bench --sizes 10,abc > /dev/null 2> "$out/err.txt"; rc=$?
set -e
[ "$rc" -eq 2 ]
grep -q "'abc' is not a count" "$out/err.txt"

# tests/bench/ranks.sh at a tiny size, so that it does not rot: only that
# it prints its table (no wall-clock figure is checked)
bash tests/bench/ranks.sh "$selsim" experiments/specs/first-etcd-down.json \
	"60 130" "1 2" 1300 > "$out/ranks.txt" 2>/dev/null
grep -q '^ranks   scenarios    wall_s    scen/s efficiency  rank_MB total_MB  how$' "$out/ranks.txt"
grep -Eq '^ +1 +60 .* measured$' "$out/ranks.txt"
grep -Eq '^ +1 +1300 .* EXTRAPOLATED from the measured slope$' "$out/ranks.txt"
if grep -q '(MPI)' <<< "$("$selsim" --version)" && command -v mpirun >/dev/null; then
	grep -Eq '^ +2 +130 +[0-9.]+ +[0-9]+ +[0-9.]+ .* measured$' "$out/ranks.txt"
fi
# tests/bench/identity.sh at a tiny size, so that it does not rot: the
# four ways agree
bash tests/bench/identity.sh "$selsim" experiments/specs/first-etcd-down.json \
	70 "$out/id" -- --policies k3s,k3s-legacy > "$out/id.txt"
grep -q '^identical: .*(exact statistics, 70 scenarios a cell)$' "$out/id.txt"
echo "bench CLI ok"
