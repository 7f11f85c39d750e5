#!/usr/bin/env bash
# `selsim tune`: the shipped spec on a small budget writes tune.json,
# tune.csv, the plots and the report's "Recommended settings" with a params
# block that a spec accepts; tune.json is byte-identical for 1 and 2
# threads; a bad "tune" section is one line and exit 2; validate --explain
# prints the section.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
spec=experiments/specs/tune-dial-timeout.json

python3 - "$spec" "$out/small.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["tune"]["budget"] = {"candidates": 6, "scenarios": [8, 16], "block": 8, "refine": 3}
s["tune"]["grid"] = 2
s["tune"]["validation"] = {"seed": 2, "scenarios": 40, "blocks": 4}
json.dump(s, open(sys.argv[2], "w"))
PY
"$selsim" tune "$out/small.json" --threads 1 -q -o "$out/t1" > "$out/t1.txt"
"$selsim" tune "$out/small.json" --threads 2 -q --no-plots -o "$out/t2" > /dev/null
cmp "$out/t1/tune.json" "$out/t2/tune.json"
[ -s "$out/t1/tune.csv" ]
grep -q "^policy article: " "$out/t1.txt"
grep -q "^verdict: " "$out/t1.txt"
grep -q "^## Recommended settings" "$out/t1/report.md"
grep -q "Recommended settings" "$out/t1/report.html"
if command -v gnuplot > /dev/null; then
  [ -s "$out/t1/plots/tune-article-param0.svg" ]
  [ -s "$out/t1/plots/tune-article-tradeoff.svg" ]
  [ -s "$out/t1/plots/tune-article-convergence.svg" ]
fi

# the params block pastes into the spec
python3 - "$out/small.json" "$out/t1/tune.json" "$out/pasted.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
del s["tune"]
s["params"] = {}
for p in t["policies"]:
    s["params"].update(json.loads("{" + p["params_block"] + "}")["params"])
json.dump(s, open(sys.argv[3], "w"))
PY
"$selsim" validate "$out/pasted.json" > /dev/null

# --explain
# (into a file: grep -q leaving a pipe early is SIGPIPE for selsim, a
# failure under pipefail)
"$selsim" validate "$spec" --explain > "$out/explain.txt"
grep -q "^tune (selsim tune):" "$out/explain.txt"

# a bad tune section: one line, exit 2
sed 's/"join_time_s.p99"/"join_time_s.p98"/' "$spec" > "$out/bad.json"
set +e
"$selsim" tune "$out/bad.json" > "$out/bad.out" 2> "$out/bad.err"; rc=$?
set -e
[ "$rc" -eq 2 ]
[ "$(wc -l < "$out/bad.err")" -eq 1 ]
grep -q "^$out/bad.json: tune.objective.metric: 'join_time_s.p98' is not a number of a results.json cell (valid: " "$out/bad.err"

# no tune section
set +e
"$selsim" tune experiments/specs/az-outage.json > /dev/null 2> "$out/none.err"; rc=$?
set -e
[ "$rc" -eq 2 ]
grep -q 'no "tune" section' "$out/none.err"
echo "tune ok"
