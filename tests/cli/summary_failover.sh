#!/usr/bin/env bash
# Failover figures in summary mode (--summary-stats; stats_failover.h):
# server-crash gives byte-identical results for --threads 1, --threads 2,
# three shards merged and a journal of one shard's chunks resumed; its time-back quantiles and CDF are within the
# stated relative error of the exact run's, its counts and NotReady
# node-seconds equal, and its paired NotReady interval (CLT from integer
# sums) the exact run's normal interval up to rounding; the failover plots
# are drawn from it.
source "$(dirname "$0")/resume_common.bash"
spec=$root/experiments/specs/server-crash.json
m=130	# 3 chunks a cell (RUNNER_CHUNK = 64): every shard of 3 has one
pol=k3s,k3s-shuffle
"$selsim" run "$spec" --scenarios $m --policies $pol --summary-stats \
	--threads 1 -o s1 --quiet >/dev/null
"$selsim" run "$spec" --scenarios $m --policies $pol --summary-stats \
	--threads 2 -o s2 --quiet --no-plots >/dev/null
"$selsim" run "$spec" --scenarios $m --policies $pol --threads 2 -o e \
	--quiet --no-plots >/dev/null
for i in 0 1 2; do
	"$selsim" run "$spec" --scenarios $m --policies $pol --summary-stats \
		--threads $((i % 2 + 1)) --shard $i/3 -o part$i --quiet \
		2>/dev/null
done
mkdir merged
(cd merged && "$selsim" merge ../part1 ../part2 ../part0 -o res --quiet \
	--no-plots >/dev/null)
cmp s1/results.json s2/results.json || fail "--threads 1 vs 2"
cmp s1/results.json merged/res/results.json || fail "one run vs 3 shards"
cmp s1/results.csv merged/res/results.csv || fail "csv: one run vs 3 shards"
# a journal with only shard 0's chunks, under a whole run's header (shard
# 0 of 1): --resume runs the rest and writes one run's bytes
mkdir some
some_journal part0/run.journal some/run.journal 1
"$selsim" run --resume some --threads 2 --quiet --no-plots >/dev/null
cmp s1/results.json some/results.json || fail "one run vs resumed"
for p in failover-cdf failover-notready failover-success; do
	[ -s s1/plots/$p.dat ] || fail "no plots/$p.dat"
	if command -v gnuplot >/dev/null; then
		[ -s s1/plots/$p.svg ] || fail "no plots/$p.svg"
	fi
done

python3 - s1/results.json e/results.json <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
e = json.load(open(sys.argv[2]))
assert s["statistics"]["mode"] == "summary"
rel = s["statistics"]["quantile_relative_error"]
for cs, ce in zip(s["results"], e["results"]):
    fs, fe = cs["failover"], ce["failover"]
    for k in ("success", "affected", "back"):
        assert fs[k] == fe[k], (k, fs[k], fe[k])
    for k in ("notready_per_scenario", "failed_renewals_per_scenario",
              "requests_per_failover", "dials_per_failover"):
        assert fs[k] == fe[k], (k, fs[k], fe[k])
    assert math.isclose(fs["notready_node_s_per_scenario"],
                        fe["notready_node_s_per_scenario"], rel_tol=1e-12)
    ts, te = fs["time_back_s"], fe["time_back_s"]
    assert math.isclose(ts["mean"], te["mean"], rel_tol=1e-9), (ts, te)
    pairs = [(ts[k], te[k]) for k in ("p50", "p90", "p99")]
    pairs += list(zip(fs["time_back_cdf_s"], fe["time_back_cdf_s"]))
    assert len(fs["time_back_cdf_s"]) == 101
    for a, b in pairs:
        if b is None:
            assert a is None
        else:
            assert abs(a - b) <= rel * b * 1.000001, (a, b)
    # the per-cell interval from sums equals the one from the scenarios
    # (float per scenario there): to 1e-5 of its width
    lo, hi = fs["notready_node_s_ci95"]
    elo, ehi = fe["notready_node_s_ci95"]
    assert abs(lo - elo) <= 1e-5 * (ehi - elo) + 1e-6, (lo, elo)
    assert abs(hi - ehi) <= 1e-5 * (ehi - elo) + 1e-6, (hi, ehi)
    assert fs["grace_period_s"] == fe["grace_period_s"] == 50
    if "vs_baseline" in cs:
        vs, ve = (c["vs_baseline"]["failover"] for c in (cs, ce))
        assert vs["scenarios"] == ve["scenarios"]
        for k in ("success_rate", "notready_node_s", "time_back_mean_s"):
            a, b = vs[k], ve[k]
            w = b["ci95"][1] - b["ci95"][0]
            assert abs(a["diff"] - b["diff"]) <= 1e-4 * max(w, 1e-3), (k, a, b)
            for x, y in zip(a["ci95"], b["ci95"]):
                assert abs(x - y) <= 1e-3 * max(w, 1e-3), (k, a, b)
            assert a["significant"] == b["significant"], (k, a, b)
PY
echo ok
