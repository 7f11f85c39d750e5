#!/usr/bin/env bash
# valgrind memcheck on a short run of one shipped experiment or study
# (CTest label "valgrind", tests/valgrind/valgrind.cmake):
#
#   memcheck.sh SELSIM SPEC.json
#
# A run spec: `selsim run --scenarios 2 --threads 2`, then `selsim report`
# on its folder. A study spec (a "workload" key): `selsim study` on a copy
# cut to its smallest size (1000 requests at two loads; 2 runs of two
# client counts). Any memcheck error, or a leak that is definitely or
# indirectly lost, fails. GLib keeps the thread pool's idle threads for
# reuse: their stacks are "possibly lost" at exit, not counted. Without
# valgrind the test is skipped (exit 77, CTest's SKIP_RETURN_CODE).
set -euo pipefail
selsim=$1
spec=$2
if ! command -v valgrind > /dev/null; then
	echo "valgrind not found: skipped (Debian: apt-get install valgrind;" \
	     "make test installs it)"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$@"
}

if grep -q '"workload"' "$spec"; then
	python3 - "$spec" "$out/small.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d["workload"] == "queueing":
    d["requests"] = 1000
    d["utilisation"] = d["utilisation"][:1] + d["utilisation"][-1:]
else:
    d["runs"] = 2
    d["clients"] = {"from": 10, "to": 30, "step": 20}
json.dump(d, open(sys.argv[2], "w"))
PY
	vg "$selsim" study "$out/small.json" -q -o "$out/res" > /dev/null
	[ -s "$out/res/results.json" ] || [ -n "$(ls "$out/res")" ]
else
	vg "$selsim" run "$spec" --scenarios 2 --threads 2 -q --no-plots \
		-o "$out/res" > /dev/null
	[ -s "$out/res/results.json" ]
	vg "$selsim" report "$out/res" > /dev/null
	[ -s "$out/res/report.md" ]
fi
echo "memcheck clean: $spec"
