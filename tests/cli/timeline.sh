#!/usr/bin/env bash
# `selsim trace --plot`: the timeline pairs a failure's end with its begin
# by the failure id of the trace (the TSV's sixth column), so a 10 s
# partition is drawn from 0 s to 10 s, not to the end of the trace.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cat > "$out/part.json" <<'JSON'
{ "name": "partition-10s", "seed": 1, "scenarios": 1, "deadline": "2m",
  "policies": ["k3s"],
  "topology": {
    "azs": { "a": "region-1", "b": "region-1" },
    "nodes": [
      { "name": "etcd-1", "role": "etcd", "az": "a" },
      { "name": "cp-1", "role": "control-plane", "az": "a", "server": "etcd-1" },
      { "name": "agent-1", "role": "agent", "az": "b", "server": "etcd-1" }
    ]
  },
  "failures": [
    { "at": "0s", "partition": "agent-1", "duration": "10s" },
    { "at": "30s", "restart": "cp-1" }
  ]
}
JSON
"$selsim" trace "$out/part.json" --format tsv --plot "$out/tl" > "$out/trace.tsv"

# the TSV: six columns, the failure id on failure lines, -1 elsewhere
grep -q '^# columns: time_s, kind, node, peer, text, failure' "$out/trace.tsv"
awk -F'\t' '!/^#/ && NF != 6 { print "not 6 columns: " $0; exit 1 }' "$out/trace.tsv"
grep -qP '^0\.000000000\tfailure\t-\t-\tfailure: partition 0 begins: .*\t0$' "$out/trace.tsv"
grep -qP '^10\.000000000\tfailure_end\t-\t-\tfailure ends: partition 0 heals\t0$' "$out/trace.tsv"
grep -qP '^30\.000000000\tfailure\tcp-1\t-\tfailure: restart cp-1\t1$' "$out/trace.tsv"
grep -qP '\tdial\t.*\t-1$' "$out/trace.tsv"

# the timeline's data: the partition spans 0 s to 10 s (the trace goes on
# to at least 30 s)
python3 - "$out/tl.dat" <<'PY'
import sys
blocks = open(sys.argv[1]).read().split("\n\n\n")
glob = [l for l in blocks[2].splitlines() if l and not l.startswith("#")]
assert len(glob) == 1, glob
t0, t1 = (float(x) for x in glob[0].split()[:2])
assert (t0, t1) == (0.0, 10.0), glob
assert "partition 0 begins" in glob[0], glob
PY
if command -v gnuplot > /dev/null; then
  grep -q '</svg>' "$out/tl.svg"
fi
echo "timeline CLI ok"
