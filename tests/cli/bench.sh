#!/usr/bin/env bash
# `selsim bench`: one line per size in the documented format; bad options exit 2.
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
echo "bench CLI ok"
