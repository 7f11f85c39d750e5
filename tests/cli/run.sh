#!/usr/bin/env bash
# `selsim run` and `selsim trace` end to end: the files of the results
# contract, the same bytes for any --threads, --format, bad input.
set -euo pipefail
selsim=$1
spec=experiments/specs/first-etcd-down.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$selsim" run "$spec" --scenarios 200 --threads 1 -o "$out/t1" --quiet > "$out/table.txt"
"$selsim" run "$spec" --scenarios 200 --threads 2 -o "$out/t2" --quiet > /dev/null
cmp "$out/t1/results.json" "$out/t2/results.json"
cmp "$out/t1/results.csv" "$out/t2/results.csv"
grep -q '^k3s ' "$out/table.txt"
grep -q '^k3s-legacy ' "$out/table.txt"

# the contract fields, and the headline figures of the shipped experiment
python3 - "$out/t1/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("selsim_version", "spec", "seed", "scenarios", "results"):
    assert k in r, k
cells = {c["policy"]: c for c in r["results"]}
assert set(cells) == {"k3s", "k3s-legacy", "k3s-shuffle"}, cells.keys()
for c in cells.values():
    for k in ("count", "rate", "ci95"):
        assert k in c["success"], k
    for k in ("mean", "p50", "p90", "p99", "max"):
        assert k in c["join_time_s"], k
    assert "mean" in c["dials_per_join"]
    assert c["scenarios"] == 200
assert cells["k3s"]["success"]["rate"] == 1.0
assert cells["k3s-legacy"]["success"]["rate"] == 0.0
PY

# --format json prints the same document; csv has a row per cell
"$selsim" run "$spec" --scenarios 20 --format json -o "$out/j" --quiet > "$out/stdout.json"
cmp "$out/stdout.json" "$out/j/results.json"
"$selsim" run "$spec" --scenarios 20 --format csv --policies k3s -o "$out/c" --quiet > "$out/stdout.csv"
[ "$(wc -l < "$out/stdout.csv")" -eq 2 ]

# bad usage and bad input: exit 2, one line, no results folder
set +e
"$selsim" run "$spec" --format xml -o "$out/bad" 2> "$out/err"; rc=$?
[ "$rc" -eq 2 ] || { echo "format: rc $rc"; exit 1; }
grep -q "unknown format 'xml'" "$out/err"
"$selsim" run "$spec" --policies k3s,nope -o "$out/bad" 2> "$out/err"; rc=$?
[ "$rc" -eq 2 ] || { echo "policies: rc $rc"; exit 1; }
grep -q "nope" "$out/err"
[ ! -e "$out/bad" ]
"$selsim" run "$out/missing.json" 2> "$out/err"; rc=$?
[ "$rc" -eq 2 ] || { echo "missing: rc $rc"; exit 1; }
set -e

# trace: the story of one scenario ends with every node Ready under k3s,
# and never for the control-plane servers under k3s-legacy
"$selsim" trace "$spec" --scenario 3 --policy k3s > "$out/trace.txt"
grep -q "agent-1: Ready" "$out/trace.txt"
grep -q "every node that restarted is Ready" "$out/trace.txt"
"$selsim" trace "$spec" --scenario 3 --policy k3s-legacy > "$out/trace2.txt"
grep -q "fatal: /cacerts from --server failed" "$out/trace2.txt"
grep -q "FAILOVER FAILED" "$out/trace2.txt"
echo "run CLI ok"
