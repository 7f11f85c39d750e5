#!/usr/bin/env bash
# `selsim --plugin MODULE.so` end to end: the example plug-in
# (policies/examples/least_recent.c, built next to selsim) is listed, runs
# in a spec beside k3s, and bad modules are input errors (exit 2, one line).
set -euo pipefail
selsim=$1
module="$(cd "$(dirname "$selsim")" && pwd)/libselsim-example-policy.so"
[ -f "$module" ] || { echo "no $module: build selsim-example-policy"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# list, with --plugin before or after the command word
"$selsim" --plugin "$module" list > "$out/list.txt"
grep -q '^  least-recent ' "$out/list.txt"
"$selsim" list --plugin="$module" > "$out/list2.txt"
cmp "$out/list.txt" "$out/list2.txt"
"$selsim" list > "$out/list0.txt"
if grep -q 'least-recent' "$out/list0.txt"; then
	echo "least-recent listed without --plugin"; exit 1
fi

# a spec naming it: the topology of first-etcd-down, k3s beside it
python3 - experiments/specs/first-etcd-down.json "$out/spec.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["name"] = "plugin"
s["policies"] = ["k3s", "least-recent"]
json.dump(s, open(sys.argv[2], "w"), indent=2)
PY
"$selsim" validate --plugin "$module" "$out/spec.json" > /dev/null
"$selsim" run --plugin "$module" "$out/spec.json" --scenarios 50 --no-plots \
	-q -o "$out/r" > /dev/null
python3 - "$out/r/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cells = {c["policy"]: c for c in r["results"]}
assert set(cells) == {"k3s", "least-recent"}, cells.keys()
assert cells["least-recent"]["scenarios"] == 50
assert cells["least-recent"]["success"]["rate"] > 0.5, cells["least-recent"]
PY
"$selsim" trace "$out/spec.json" --plugin "$module" --scenario 1 \
	--policy least-recent > "$out/trace.txt"
grep -q "every node that restarted is Ready" "$out/trace.txt"

# refusals: exit 2 and one line naming the path
refused() {	# WANT ARGS...
	local want=$1 rc
	shift
	set +e
	"$selsim" list "$@" > /dev/null 2> "$out/err"; rc=$?
	set -e
	[ "$rc" -eq 2 ] || { echo "$*: rc $rc"; cat "$out/err"; exit 1; }
	[ "$(wc -l < "$out/err")" -eq 1 ] || { echo "$*:"; cat "$out/err"; exit 1; }
	grep -qF -- "$want" "$out/err" || { echo "$*:"; cat "$out/err"; exit 1; }
}
refused "$out/missing.so: cannot load: " --plugin "$out/missing.so"
for libm in /lib/*-linux-gnu/libm.so.6 /lib64/libm.so.6 /usr/lib/libm.so.6; do
	[ -f "$libm" ] && break
done
refused "$libm: no selsim_policy_register" --plugin "$libm"
refused "$module: policy 'least-recent' is already registered" \
	--plugin "$module" --plugin "$module"
refused "selsim: --plugin needs a PATH" --plugin

# without the plug-in, the spec names an unknown policy
set +e
"$selsim" run "$out/spec.json" --scenarios 5 -q -o "$out/bad" 2> "$out/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "no plugin: rc $rc"; exit 1; }
grep -q "unknown policy 'least-recent'" "$out/err"
[ ! -e "$out/bad" ]
echo "plugin CLI ok"
