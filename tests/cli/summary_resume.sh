#!/usr/bin/env bash
# Summary mode (--summary-stats, stats.h) with the journal (journal.h):
# three shards merged, a journal with some of a grid point's chunks, and a
# run stopped by SIGINT and resumed on another thread count (also after
# the journal was compacted, whose size stays bounded), write the very
# bytes one uninterrupted run writes; a
# partial of the other statistics mode is refused (exit 2).
source "$(dirname "$0")/resume_common.bash"

# ---- three shards merged: the folder one run writes ----
m=300	# 5 chunks a cell (RUNNER_CHUNK = 64): every one of 3 shards has some
mkdir one merged
(cd one && "$selsim" run "$spec" --scenarios $m --summary-stats \
	--threads 2 -o res --quiet >/dev/null)
grep -qE '"mode":[[:space:]]*"summary"' one/res/results.json || fail "not summary mode"
# shards 1 and 2 compact their journals (every 1 and 2 chunk records):
# their partials hold merged records, shard 0's chunk records only
for i in 0 1 2; do
	"$selsim" run "$spec" --scenarios $m --summary-stats \
		--threads $((i % 2 + 1)) --shard $i/3 -o part$i --quiet \
		--journal-compact $((i ? i : 1024)) 2>/dev/null
	[ ! -e part$i/results.json ] || fail "a shard wrote results"
done
# the mode comes from the partials: merge takes no --summary-stats
(cd merged && "$selsim" merge ../part2 ../part0 ../part1 -o res --quiet >/dev/null)
(cd one/res && find . -type f | sort) > one.files
(cd merged/res && find . -type f | sort) > merged.files
cmp one.files merged.files || fail "merge wrote other files"
while read -r f; do
	cmp "one/res/$f" "merged/res/$f" || fail "merged $f differs"
done < one.files
# a journal holding only some of a grid point's chunks (some_journal
# keeps every other record of shard 0's, under a whole run's header: shard
# 0 of 1, summary 1): the resumed run pairs the missing chunks with the baseline's
# (run again when present) and writes the same bytes
mkdir some
some_journal part0/run.journal some/run.journal 2
"$selsim" run --resume some --threads 2 --quiet --no-plots >/dev/null
same one/res some
# an exact shard among summary ones: refused, naming the field
"$selsim" run "$spec" --scenarios $m --shard 2/3 -o exact2 --quiet 2>/dev/null
rc=0
"$selsim" merge part0 part1 exact2 -o m2 2>err >/dev/null || rc=$?
[ $rc = 2 ] && grep -q "summary statistics" err ||
	fail "an exact partial: exit $rc: $(cat err)"
echo "shards: ${SECONDS}s"

# ---- SIGINT at a random moment, then resumed on one thread ----
n=1500	# a few seconds (az-outage with failover), so that the signal lands mid-run
run=(--scenarios $n --summary-stats --quiet --no-plots)
"$selsim" run "$spec" "${run[@]}" --threads 2 -o ref >/dev/null
"$selsim" run "$spec" "${run[@]}" --threads 2 -o int >/dev/null 2>int.err &
pid=$!
while [ ! -s int/run.journal ] && kill -0 $pid 2>/dev/null; do
	sleep 0.05
done
sleep "0.$((RANDOM % 10))"
kill -s INT $pid 2>/dev/null || true
rc=0
wait $pid || rc=$?
case $rc in
130)	# the journal says summary mode: --resume needs no --summary-stats
	"$selsim" run --resume int --threads 1 --quiet --no-plots >/dev/null ;;
0) echo "note: the run ended before SIGINT" ;;
*) fail "SIGINT: exit $rc, expected 130: $(cat int.err)" ;;
esac
same ref int

# ---- compaction (journal.h): bounded journal, SIGINT, resume ----
# --journal-compact 8: after every 8 chunk records the journal becomes its
# header and one merged record per cell (3 policies: 3 cells), so it never
# holds more than 1 + 3 + 8 records after the magic: its size is at most
# magic + header + 3 x the largest merged record + 8 x the largest chunk
# record (the uncompacted journal of 1500 scenarios holds 3 x 24 chunk
# records); checked at every size seen while it ran. The size falling is
# a compaction: SIGINT comes after one, and the resumed run writes the
# bytes of the run never stopped.
"$selsim" run "$spec" "${run[@]}" --threads 2 -o cmp --journal-compact 8 \
	>/dev/null 2>cmp.err &
pid=$!
max=0 last=0 fell=0
while kill -0 $pid 2>/dev/null; do
	size=$(stat -c %s cmp/run.journal 2>/dev/null || echo 0)
	[ "$size" -gt "$max" ] && max=$size
	[ "$size" -lt "$last" ] && [ "$fell" = 0 ] && {
		fell=1
		sleep "0.$((RANDOM % 3))"
		kill -s INT $pid 2>/dev/null || true
	}
	last=$size
	sleep 0.02
done
rc=0
wait $pid || rc=$?
case $rc in
130)	python3 - cmp/run.journal "$max" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
pos, size = 8, {"H": [], "S": [], "C": []}
while pos < len(b):
    n, crc = struct.unpack_from("<II", b, pos)
    size[chr(b[pos + 8])].append(8 + n)
    pos += 8 + n
assert size["S"], "no merged record after a compaction"
assert len(size["S"]) <= 3 and len(size["C"]) < 8, size
top_s = max(size["S"])
top_c = max(size["C"] + size["S"])	# a chunk's record is no larger
bound = 8 + size["H"][0] + 3 * top_s + 8 * top_c
assert int(sys.argv[2]) <= bound, (sys.argv[2], bound)
print(f"journal at most {sys.argv[2]} bytes (bound {bound})")
PY
	"$selsim" run --resume cmp --threads 1 --quiet --no-plots >/dev/null ;;
0) echo "note: the run ended before SIGINT" ;;
*) fail "SIGINT after compaction: exit $rc: $(cat cmp.err)" ;;
esac
same ref cmp
echo ok
