#!/usr/bin/env bash
# `selsim run --summary-stats` (bounded-memory statistics, stats.h): the
# same bytes for any --threads, the methods named in results.json and the
# table, figures within the stated error of the exact run's, and exact
# runs' files without any of it.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# summary mode refuses failover specs: az-outage.json without its "failover"
spec=$out/az-outage.json
sed '/"failover": true,/d' experiments/specs/az-outage.json > "$spec"

"$selsim" run "$spec" --scenarios 300 --summary-stats --threads 1 \
	-o "$out/s1" --quiet --no-plots > "$out/table.txt"
"$selsim" run "$spec" --scenarios 300 --summary-stats --threads 2 \
	-o "$out/s2" --quiet --no-plots > /dev/null
"$selsim" run "$spec" --scenarios 300 --threads 2 -o "$out/e" --quiet \
	--no-plots > /dev/null
cmp "$out/s1/results.json" "$out/s2/results.json"
cmp "$out/s1/results.csv" "$out/s2/results.csv"
grep -q 'summary statistics' "$out/table.txt"
grep -q 'CLT (delta method)' "$out/table.txt"

python3 - "$out/s1/results.json" "$out/e/results.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
e = json.load(open(sys.argv[2]))
assert s["statistics"]["mode"] == "summary", s.get("statistics")
rel = s["statistics"]["quantile_relative_error"]
assert rel == 2 ** -10, rel
assert "statistics" not in e
for cs, ce in zip(s["results"], e["results"]):
    assert cs["policy"] == ce["policy"]
    assert cs["success"] == ce["success"], (cs["success"], ce["success"])
    js, je = cs["join_time_s"], ce["join_time_s"]
    assert js["ci95_method"] == "order-statistic"
    assert "ci95_method" not in je
    for k in ("p50", "p90", "p99"):
        if je[k] is None:
            assert js[k] is None, k
        else:
            assert abs(js[k] - je[k]) <= rel * je[k] * 1.000001, (k, js[k], je[k])
    assert math.isclose(js["restricted_mean"], je["restricted_mean"], rel_tol=1e-9)
    assert js["max"] == je["max"]
    if "vs_baseline" in cs:
        m = cs["vs_baseline"]["metrics"]
        assert m["success_rate"]["method"] == "tango-score"
        assert m["join_time_mean_s"]["method"] == "clt-delta"
        assert m["join_time_p99_s"]["method"] == "order-statistic-bonferroni"
        assert m["join_time_p99_s"]["p_value"] is None
        me = ce["vs_baseline"]["metrics"]
        assert m["success_rate"] == me["success_rate"] or \
            m["success_rate"]["ci95"] == me["success_rate"]["ci95"]
        # the CLT and bootstrap intervals of the same mean difference
        # agree roughly: each end within a third of the bootstrap's width
        lo, hi = m["join_time_mean_s"]["ci95"]
        blo, bhi = me["join_time_mean_s"]["ci95"]
        w = bhi - blo
        assert abs(lo - blo) <= w / 3 and abs(hi - bhi) <= w / 3, (lo, hi, blo, bhi)
PY
echo ok
