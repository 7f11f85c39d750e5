#!/usr/bin/env bash
# model_layers.sh [BUILD_DIR]: shows which model files each models/*.c
# includes and calls, and fails when a file calls (or includes) one of a
# layer above its own or two files call each other. The order is the one
# in models/world.h. Calls are read from the objects (nm): a symbol a
# file uses that another model object defines.
set -uo pipefail
cd "$(dirname "$0")/.."
b=${1:-build}; case $b in /*) ;; *) b=$PWD/$b;; esac
obj=$b/CMakeFiles/models.dir/models
order="dist batch_means config k3s_params frame call net node etcd server lb client apietcd nodectl endpoints session join timeline world"
beside="queueing contention"	# the study models: on dist, batch_means and config only (rank of frame, which they must not call)
rank() {
	local i=0 x
	for x in $order; do [ "$x" = "$1" ] && { echo $i; return; }; i=$((i+1)); done
	case " $beside " in *" $1 "*) rank frame; return;; esac
	echo "?"
}
declare -A defs
for c in models/*.c; do
	m=$(basename "$c" .c)
	for s in $(nm --defined-only -g "$obj/$m.c.o" | awk '{print $3}'); do
		defs[$s]=$m
	done
done
rc=0
declare -A calls
for c in models/*.c; do
	m=$(basename "$c" .c)
	# its .c and its own header; world.h is the public contract (types
	# every layer shares), so including it is no call upward: calls are
	# checked on the objects below
	inc=$(cat "$c" $( [ -f "models/$m.h" ] && echo "models/$m.h") |
	      grep -o '^#include "[a-z_]*\.h"' | sed 's/#include "//; s/\.h"//' |
	      grep -vx -e "$m" -e world -e record | sort -u | paste -sd' ' -)
	used=$(for s in $(nm -u "$obj/$m.c.o" | awk '{print $2}'); do
		d=${defs[$s]:-}; [ -n "$d" ] && [ "$d" != "$m" ] && echo "$d"; done |
	       sort -u | paste -sd' ' -)
	calls[$m]=" $used "
	printf '%-13s includes: %-34s calls: %s\n' "$m.c" "${inc:--}" "${used:--}"
	r=$(rank "$m")
	for d in $inc $used; do
		h=$(rank "$d")
		if [ "$h" = "?" ] || [ "$r" = "?" ] || [ "$h" -ge "$r" ]; then
			echo "  LAYER VIOLATION: $m (layer $r) uses $d (layer $h)"
			rc=1
		fi
	done
done
for a in "${!calls[@]}"; do
	for d in ${calls[$a]}; do
		case "${calls[$d]:-}" in *" $a "*) echo "  LOOP: $a and $d call each other"; rc=1;; esac
	done
done
[ $rc = 0 ] && echo "no model file calls one of its own layer or above; no two call each other"
exit $rc
