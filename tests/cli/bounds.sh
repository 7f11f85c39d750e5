#!/usr/bin/env bash
# Issue 13's bounds: every number a user could not mean is refused at load
# with one line naming the file and the JSON path (run specs, study specs)
# or the option (command line), exit 2. Each case edits one value of a
# shipped spec, so that the error can only come from that value.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
good=experiments/specs/first-etcd-down.json
chaos=experiments/specs/chaos.json
queueing=experiments/specs/queueing.json

# edit SPEC NAME PYTHON: writes $out/NAME.json, SPEC with the Python
# statement applied to its document d.
edit() {
	python3 - "$1" "$out/$2.json" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
}

# bad CMD NAME PATH [GREP]: `selsim CMD $out/NAME.json` exits 2 with one
# line "FILE: PATH: ..." on stderr (and GREP in it).
bad() {
	local cmd=$1 name=$2 path=$3 rc opts=()
	[ "$cmd" = validate ] || opts=(-o "$out/res-$name")
	set +e
	"$selsim" "$cmd" "$out/$name.json" "${opts[@]}" \
		> "$out/$name.out" 2> "$out/$name.err"; rc=$?
	set -e
	if [ "$rc" -ne 2 ] || [ "$(wc -l < "$out/$name.err")" -ne 1 ] ||
	   ! grep -qF "$out/$name.json: $path: " "$out/$name.err" ||
	   { [ -n "${4:-}" ] && ! grep -qF -- "$4" "$out/$name.err"; }; then
		echo "FAIL $name: rc=$rc, want 2 and '$path' ${4:-}" >&2
		cat "$out/$name.err" >&2
		exit 1
	fi
}
badv() { bad validate "$@"; }

# The shipped specs stay valid.
for f in experiments/specs/*.json; do
	grep -q '"workload"' "$f" || "$selsim" validate "$f" > /dev/null
done

# Distributions whose draws overflow: the issue's lognormal sigma 1e308,
# and every kind with a tail past 100 x the deadline (10m: 1000m).
edit $good sigma 'd["servers"]["service_time"] = {"dist": "lognormal", "median": "2ms", "sigma": 1e308}'
badv sigma servers.service_time.sigma "one draw in 1000000000 is beyond inf s"
edit $good sigma20 'd["network"]["rtt"]["same_az"]["sigma"] = 20'
badv sigma20 network.rtt.same_az.sigma "100 x the deadline, 10m"
edit $good stddev 'd["servers"]["service_time"] = {"dist": "normal", "mean": "1s", "stddev": 1e9}'
badv stddev servers.service_time.stddev
edit $good pareto 'd["servers"]["service_time"] = {"dist": "pareto", "shape": 0.05, "scale": "1ms"}'
badv pareto servers.service_time.shape
edit $good weibull 'd["servers"]["service_time"] = {"dist": "weibull", "shape": 0.05, "scale": "1s"}'
badv weibull servers.service_time.shape
edit $good gamma_shape 'd["servers"]["service_time"] = {"dist": "gamma", "shape": 1e300, "scale": "1ns"}'
badv gamma_shape servers.service_time.shape "is not a number from 0.01 to 1e+06"
edit $good expo 'd["servers"]["service_time"] = {"dist": "exponential", "mean": "100h"}'
badv expo servers.service_time.mean
edit $good uniform 'd["failures"][1]["interval"] = {"dist": "uniform", "min": "1s", "max": "1000h"}'
badv uniform "failures[1].interval.max"
edit $good empirical 'd["network"]["rtt"]["cross_az"] = {"dist": "empirical", "samples": ["1ms", "2000h"]}'
badv empirical "network.rtt.cross_az.samples[1]"

# Durations beyond the deadline by orders of magnitude; the deadline.
edit $good deadline 'd["deadline"] = "1000h"'
badv deadline deadline "is longer than 24h"
edit $good interval 'd["failures"][1]["interval"] = "2000m"'
badv interval "failures[1].interval" "is longer than 16h40m"
edit $good node_rtt 'd["topology"]["nodes"][0]["rtt"] = 1e9'
badv node_rtt "topology.nodes[0].rtt"
edit $good param 'd["params"] = {"k3s": {"dial_timeout": "5000h"}}'
badv param "params.k3s.dial_timeout"

# Factors, rates, counts.
edit $good factor 'd["failures"] = [{"at": "0s", "slow": "etcd-1", "factor": 1e300}]'
badv factor "failures[0].factor" "is not a number from 1 to 1000"
edit $good loss 'd["failures"] = [{"at": "0s", "loss": "etcd-1", "rate": 1.5}]'
badv loss "failures[0].rate"
edit $good netloss 'd["network"]["loss"] = -0.1'
badv netloss network.loss
edit $chaos rfactor 'd["random_failures"]["factor"] = {"dist": "lognormal", "median": 2, "sigma": 50}'
badv rfactor random_failures.factor.sigma
edit $chaos rrate 'd["random_failures"]["rate"] = {"dist": "uniform", "min": 0.1, "max": 7}'
badv rrate random_failures.rate.max "a probability"
edit $chaos rcount 'd["random_failures"]["count"] = 1e300'
badv rcount random_failures.count
edit $chaos rcountd 'd["random_failures"]["count"] = {"dist": "pareto", "shape": 0.1, "scale": 1}'
badv rcountd random_failures.count.shape "a number of failures"
edit $chaos weight 'd["random_failures"]["kinds"] = {"crash": 1e300}'
badv weight random_failures.kinds.crash
edit $good scenarios 'd["scenarios"] = 1e12'
badv scenarios scenarios
edit $good seed 'd["seed"] = 1e300'
badv seed seed
edit $good workers 'd["servers"]["workers"] = 1e300'
badv workers servers.workers

# Study specs: the same distributions, counts.
edit $queueing q_sigma 'd["service_time"] = {"dist": "lognormal", "median": "1s", "sigma": 1e308}'
bad study q_sigma service_time.sigma "11.6 days"
edit $queueing q_requests 'd["requests"] = 1e300'
bad study q_requests requests
edit $queueing q_util 'd["utilisation"] = [0.5, 1e300]'
bad study q_util "utilisation[1]"

# The command line: one line naming the option, exit 2.
badopt() {
	local rc
	set +e
	"$selsim" "$@" > "$out/opt.out" 2> "$out/opt.err"; rc=$?
	set -e
	if [ "$rc" -ne 2 ] || ! grep -q -- "$OPT" "$out/opt.err"; then
		echo "FAIL: selsim $*: rc=$rc, want 2 naming $OPT" >&2
		cat "$out/opt.err" >&2
		exit 1
	fi
}
OPT="--threads: 5000 is not from 0 to 1024" badopt run $good --threads 5000 -o "$out/r"
OPT="--threads: -1 is not from 0 to 1024" badopt run $good --threads -1 -o "$out/r"
OPT="--scenarios: 0 is not from 1 to 100000000" badopt run $good --scenarios 0 -o "$out/r"
OPT="--scenarios: 1000000000 is not from 1" badopt run $good --scenarios 1000000000 -o "$out/r"
OPT="--seed: -1 is not from 0 to 9007199254740991" badopt run $good --seed -1 -o "$out/r"
OPT="--seed: 9007199254740992 is not" badopt run $good --seed 9007199254740992 -o "$out/r"
OPT="--threads" badopt run $good --threads 99999999999 -o "$out/r"
OPT="--scenario: -1 is not from 0" badopt trace $good --scenario -1
OPT="--seed: -5 is not" badopt trace $good --seed -5
OPT="--repeats: 0 is not from 1 to 100" badopt bench --repeats 0
OPT="--events: -1 is not from 0" badopt bench --events -1
[ ! -e "$out/r" ]

# --threads 0 is one per processor, and the help says so.
help=$("$selsim" run --help)
grep -q -- "--threads=N .*0 (the default) is one per processor" <<< "$help"
"$selsim" run $good --threads 0 --scenarios 3 -q --no-plots -o "$out/t0" > /dev/null
[ -s "$out/t0/results.json" ]
echo "bounds: ok"
