#!/usr/bin/env bash
# `selsim validate` and `selsim list`: a good spec is ok (exit 0); a bad or
# missing one gives exactly one line on stderr, nothing on stdout, exit 2;
# --explain and list name every parameter.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
good=experiments/specs/first-etcd-down.json

# A good spec.
"$selsim" validate "$good" > "$out/ok.txt"
grep -Eq "^$good: ok \(6 nodes, 2 failures, 3 policies, 1 grid points\)$" "$out/ok.txt"

# A bad spec: one line naming the file and the JSON path, stdout empty.
sed 's/"role": "control-plane"/"role": "controlplane"/' "$good" > "$out/bad.json"
set +e
"$selsim" validate "$out/bad.json" > "$out/bad.out" 2> "$out/bad.err"; rc=$?
set -e
[ "$rc" -eq 2 ]
[ ! -s "$out/bad.out" ]
[ "$(wc -l < "$out/bad.err")" -eq 1 ]
grep -q "^$out/bad.json: topology.nodes\[3\].role: unknown role 'controlplane' (valid: etcd, control-plane, server, agent)$" "$out/bad.err"

# Invalid JSON: line and column.
printf '{\n  "name": "x",\n  "seed": ,\n}\n' > "$out/broken.json"
set +e
"$selsim" validate "$out/broken.json" > "$out/broken.out" 2> "$out/broken.err"; rc=$?
set -e
[ "$rc" -eq 2 ]
[ ! -s "$out/broken.out" ]
grep -q "^$out/broken.json: line 3, column 11: invalid JSON$" "$out/broken.err"

# A missing file is still bad input here.
set +e
"$selsim" validate "$out/missing.json" > "$out/missing.out" 2> "$out/missing.err"; rc=$?
set -e
[ "$rc" -eq 2 ]
[ ! -s "$out/missing.out" ]
grep -q "^$out/missing.json: cannot read: " "$out/missing.err"

# No spec at all, or a bad option: usage errors.
set +e
"$selsim" validate > /dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ]
set +e
"$selsim" validate --no-such-option "$good" > /dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ]

# --explain: every default, every parameter.
"$selsim" validate --explain "$good" > "$out/explain.txt"
for p in dial_timeout health_check_interval etcd_ping_min restart_delay heartbeat; do
	grep -q "$p" "$out/explain.txt"
done
grep -q "rolling restart of etcd-2, etcd-3, cp-1, cp-2, agent-1" "$out/explain.txt"
grep -q "cross_region" "$out/explain.txt"
tail -n 1 "$out/explain.txt" | grep -q ": ok ("

# list: the names a spec may use.
"$selsim" list > "$out/list.txt"
for w in k3s k3s-legacy k3s-shuffle lognormal empirical rolling_restart az_outage dial_timeout http_timeout "K3s commit 469d009fb" "rows 6.1"; do
	grep -q "$w" "$out/list.txt"
done
echo "validate CLI ok"
