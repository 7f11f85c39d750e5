#!/usr/bin/env bash
# `selsim study`: the shipped validation specs run, write their results and
# plots; bad specs exit 2 with one line naming the file and JSON path.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$selsim" study experiments/specs/jitter-study.json -o "$out/js" -q
python3 - "$out/js/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["workload"] == "contention"
calls = {(c["strategy"], c["clients"]): c["calls_mean"] for c in r["results"]}
# the study's findings, at 190 clients
assert calls[("full", 190)] * 1.5 < calls[("exponential", 190)]
assert calls[("decorrelated", 190)] * 1.5 < calls[("exponential", 190)]
assert calls[("none", 190)] > calls[("exponential", 190)]
PY
[ "$(wc -l < "$out/js/results.csv")" -eq $((1 + 5 * 10)) ]
if command -v gnuplot > /dev/null; then
  grep -q '</svg>' "$out/js/plots/calls.svg"
  grep -q '</svg>' "$out/js/plots/time.svg"
fi

# queueing, small: random over one server is M/M/1 (mean 1/(mu - lambda))
cat > "$out/q.json" <<'JSON'
{ "name": "q", "workload": "queueing", "requests": 100000, "servers": 1,
  "service_time": { "dist": "exponential", "mean": "1s" },
  "utilisation": [0.5], "policies": ["random"] }
JSON
"$selsim" study "$out/q.json" -o "$out/q" -q --no-plots
python3 - "$out/q/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert abs(r["mean_s"] - 2.0) < 3 * r["mean_ci95_half_s"] + 0.02, r
PY

# the table and CSV show the batch means' setup: requests, warm-up, batches,
# lag-1; a run too short for uncorrelated batches (2,000 requests at rho
# 0.95, where the queue relaxes over ~(1/(1 - 0.95))^2 = 400 services) is
# flagged with "!" and a footnote
cat > "$out/q2.json" <<'JSON'
{ "name": "q2", "workload": "queueing", "requests": [100000, 2000],
  "servers": 1, "service_time": { "dist": "exponential", "mean": "1s" },
  "utilisation": [0.5, 0.95], "policies": ["random"] }
JSON
"$selsim" study "$out/q2.json" -o "$out/q2" --no-plots > "$out/q2.txt"
head -1 "$out/q2.txt" | grep -q 'requests *warm-up *batches *lag-1'
python3 - "$out/q2/results.json" "$out/q2/results.csv" "$out/q2.txt" <<'PY'
import csv, json, sys
res = json.load(open(sys.argv[1]))["results"]
rows = list(csv.DictReader(open(sys.argv[2])))
table = open(sys.argv[3]).read().splitlines()
assert len(rows) == len(res) == 2
for c, row in zip(res, rows):
    for k in ("requests", "warmup_requests", "batches", "batch_lag1"):
        assert float(row[k]) == c[k], (k, row[k], c[k])
    assert row["batches_uncorrelated"] == str(c["batches_uncorrelated"]).lower()
    line = [l for l in table if l.split()[1:2] == ["%.2f" % c["utilisation"]]][0]
    assert line.split()[6] == "%d" % c["requests"], line
    assert line.endswith(" !") == (not c["batches_uncorrelated"]), line
assert res[0]["requests"] == 100000
bad = sum(not c["batches_uncorrelated"] for c in res)
if bad:
    assert any(l.startswith("! %d row" % bad) for l in table), table
else:
    assert not any(l.startswith("! ") for l in table), table
PY

# --no-plots: results only, no plots folder
[ -e "$out/q/results.json" ] && [ -e "$out/q/results.csv" ]
[ ! -e "$out/q/plots" ] || { echo "--no-plots made $out/q/plots"; exit 1; }

# A study's name goes into gnuplot's -e argument quoted: a name with both
# quotes and a gnuplot command runs, plots, and runs nothing else.
if command -v gnuplot > /dev/null; then
  pwned_before=$(stat -c %Y /tmp/pwned 2>/dev/null || echo none)
  # the name of the issue, the same aimed at a file of ours, and one whose
  # quote would close a single-quoted string (it ran the command before)
  for k in 0 1 2; do
    python3 - "$out/evil.json" "$out/pwned" "$k" <<'PY'
import json, sys
names = ['Marc\'s "study"; system "touch /tmp/pwned"',
         'Marc\'s "study"; system "touch %s"' % sys.argv[2],
         "x'; system \"touch %s\"; y='" % sys.argv[2]]
json.dump({"name": names[int(sys.argv[3])],
           "workload": "contention", "runs": 2, "clients": [2, 4],
           "strategies": ["full", "none"]}, open(sys.argv[1], "w"))
PY
    rm -rf "$out/evil"
    "$selsim" study "$out/evil.json" -o "$out/evil" -q
    grep -q '</svg>' "$out/evil/plots/calls.svg"
    grep -q '</svg>' "$out/evil/plots/time.svg"
    python3 - "$out/evil/results.json" "$out/evil.json" <<'PY'
import json, sys
assert json.load(open(sys.argv[1]))["spec"] == json.load(open(sys.argv[2]))["name"]
PY
  done
  [ ! -e "$out/pwned" ] || { echo "the study's name ran a command"; exit 1; }
  [ "$(stat -c %Y /tmp/pwned 2>/dev/null || echo none)" = "$pwned_before" ] ||
    { echo "the study's name touched /tmp/pwned"; exit 1; }
fi

# bad input
check_bad() {
  set +e
  "$selsim" study "$1" -o "$out/bad" -q 2> "$out/err"; rc=$?
  set -e
  [ "$rc" -eq 2 ] || { echo "rc $rc for $1"; cat "$out/err"; exit 1; }
  [ "$(wc -l < "$out/err")" -eq 1 ]
  grep -q "$2" "$out/err" || { echo "expected '$2' in: $(cat "$out/err")"; exit 1; }
}
echo '{ "name": "x", "workload": "queue" }' > "$out/b1.json"
check_bad "$out/b1.json" 'workload: expected "queueing" or "contention"'
echo '{ "name": "x", "workload": "queueing", "utilisation": [1.2], "policies": ["random"] }' > "$out/b2.json"
check_bad "$out/b2.json" "utilisation\[0\]: expected a number in (0, 1)"
echo '{ "name": "x", "workload": "contention", "clients": [10], "strategies": ["fulll"] }' > "$out/b3.json"
check_bad "$out/b3.json" "strategies\[0\]: unknown backoff 'fulll'"
echo '{ "name": "x", "workload": "queueing", "utilisation": [0.5], "policies": ["rr"] }' > "$out/b4.json"
check_bad "$out/b4.json" "policies\[0\]: unknown policy 'rr'"
echo '{ "name": "x", "workload": "queueing", "utilisation": [0.5], "policies": ["random"], "extra": 1 }' > "$out/b5.json"
check_bad "$out/b5.json" "unknown key 'extra'"
check_bad "$out/missing.json" "cannot read"
[ ! -e "$out/bad" ]
echo "study CLI ok"
