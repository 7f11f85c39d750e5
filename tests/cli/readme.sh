#!/usr/bin/env bash
# README.md stays true: its spec example validates and runs, and every
# command it lists is one `selsim` knows.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 - README.md "$out/spec.json" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"```json\n(.*?)```", text, re.S)
assert block, "README has no json example"
open(sys.argv[2], "w").write(block.group(1))
PY
"$selsim" validate "$out/spec.json"
"$selsim" run "$out/spec.json" --scenarios 5 --no-plots -q -o "$out/r" > /dev/null
[ -s "$out/r/results.json" ]

# the commands shown in the README's code blocks
cmds=$(python3 - README.md <<'PY'
import re, sys
text = open(sys.argv[1]).read()
seen = set()
for block in re.findall(r"```(?:sh)?\n(.*?)```", text, re.S):
    for line in block.splitlines():
        m = re.match(r"selsim ([a-z]+)", line.strip())
        if m:
            seen.add(m.group(1))
print(" ".join(sorted(seen)))
PY
)
[ -n "$cmds" ]
for cmd in $cmds; do
  "$selsim" "$cmd" --help > /dev/null || { echo "README shows 'selsim $cmd', which does not exist"; exit 1; }
done
for spec in $(grep -oE '`[a-z-]+\.json`' README.md | tr -d '`' | grep -v '^results' | sort -u); do
  [ -f "experiments/specs/$spec" ] || { echo "README names $spec, not shipped"; exit 1; }
  grep -q '"workload"' "experiments/specs/$spec" && continue	# selsim study specs: tests/cli/study.sh
  "$selsim" validate "experiments/specs/$spec" > /dev/null
done
echo "README ok"
