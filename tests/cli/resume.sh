#!/usr/bin/env bash
# Checkpoints, resume and shards end to end (experiments/journal.h):
# a run stopped by SIGINT, by two SIGTERMs or by SIGKILL at a random moment
# and resumed (on another thread count) writes the same bytes as a run
# never stopped; a journal cut in its last record resumes to the same
# bytes, cut in its header it is refused with exit 2; three
# shards merged write the very folder one run writes; what does not match
# is refused with exit 2.
source "$(dirname "$0")/resume_common.bash"

# ---- interrupted at a random moment, then resumed ----
# scenarios of one policy: about 0.3 s on 2 quiet cores (seconds under
# ASan; az-outage runs its failover model too, about 9,000 events a
# scenario), so that a signal within 0.3 s of the journal's start usually
# lands mid-run (a run that ends first is checked as it is)
n=600
run=(--scenarios $n --policies k3s --quiet --no-plots)
"$selsim" run "$spec" "${run[@]}" --threads 2 -o ref >/dev/null

# stop: starts a run into $1 on $2 threads, waits for its journal, sends
# the signals $3... at a random moment of the next 0.3 s; prints the exit
# code (0 when the run was done before the signal).
stop() {
	local dir=$1 threads=$2 pid rc=0
	shift 2
	"$selsim" run "$spec" "${run[@]}" --threads "$threads" -o "$dir" \
		>/dev/null 2>"$dir.err" &
	pid=$!
	while [ ! -s "$dir/run.journal" ] && kill -0 $pid 2>/dev/null; do
		sleep 0.05
	done
	sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
	for sig in "$@"; do
		kill -s "$sig" $pid 2>/dev/null || true
	done
	wait $pid || rc=$?
	echo $rc
}

# A signal that lands after the run wrote its results and removed its
# journal (between that and the exit) leaves nothing to resume: the
# results are then whole, and `same` checks them as they are.
rc=$(stop int 2 INT)
[ "$rc" = 130 ] && [ ! -e int/run.journal ] && rc=0
case $rc in
130) grep -q "resume with: selsim run --resume 'int'" int.err ||
	fail "SIGINT: no resume command: $(cat int.err)"
	# what does not match the journal is refused, naming the difference
	rc=0
	"$selsim" run --resume int --seed 7 --quiet 2>err >/dev/null || rc=$?
	[ $rc = 2 ] && grep -q "seed: 1 in the journal, 7 here" err ||
		fail "another seed: exit $rc: $(cat err)"
	rc=0
	"$selsim" run --resume int --policies k3s,k3s-legacy --quiet 2>err \
		>/dev/null || rc=$?
	[ $rc = 2 ] && grep -q "policies:" err || fail "other policies: $rc"
	rc=0
	"$selsim" run "$spec" "${run[@]}" -o int 2>err >/dev/null || rc=$?
	[ $rc = 2 ] && grep -q "continue it with --resume int" err ||
		fail "a fresh run over a journal: exit $rc"
	"$selsim" run --resume int --threads 1 --quiet --no-plots >/dev/null ;;
0) echo "note: the run ended before SIGINT" ;;
*) fail "SIGINT: exit $rc, expected 130: $(cat int.err)" ;;
esac
same ref int

rc=$(stop term 2 TERM TERM)	# the second one ends it at once
[ "$rc" = 143 ] || [ "$rc" = 0 ] || fail "SIGTERM x2: exit $rc"
[ ! -e term/run.journal ] ||
	"$selsim" run --resume term --threads 1 --quiet --no-plots >/dev/null
same ref term

rc=$(stop kill 1 KILL)
[ "$rc" = 137 ] || [ "$rc" = 0 ] || fail "SIGKILL: exit $rc"
[ ! -e kill/run.journal ] ||
	"$selsim" run "$spec" "${run[@]}" --resume kill --threads 2 >/dev/null
same ref kill
rc=0
"$selsim" run --resume nowhere --quiet 2>err >/dev/null || rc=$?
[ $rc = 2 ] && grep -q "nowhere/run.journal" err || fail "no journal: exit $rc"
echo "interrupts: ${SECONDS}s"

# ---- a journal cut at every byte of its last record ----
# Two shards of a tiny run (two chunks of one policy: RUNNER_CHUNK = 64
# scenarios and one more) give one chunk record each; python joins them
# into the journal of a whole run (header: shard 0 of 1, summary 0, its
# CRC-32 from zlib, the same polynomial) with both records.
tiny=(--scenarios 65 --policies k3s --quiet --no-plots)
"$selsim" run "$small" "${tiny[@]}" -o tref >/dev/null
"$selsim" run "$small" "${tiny[@]}" --shard 0/2 -o s0 2>/dev/null
"$selsim" run "$small" "${tiny[@]}" --shard 1/2 -o s1 2>/dev/null
python3 - s0/run.journal s1/run.journal whole.journal > offsets <<'PY'
import struct, sys, zlib
def records(path):
    b = open(path, "rb").read()
    assert b[:8] == b"SELSIMJ\n"
    pos, out = 8, []
    while pos < len(b):
        n, crc = struct.unpack_from("<II", b, pos)
        p = b[pos + 8:pos + 8 + n]
        assert zlib.crc32(p) == crc, "CRC-32 differs from zlib's"
        out.append(p)
        pos += 8 + n
    return out
a, b = records(sys.argv[1]), records(sys.argv[2])
head = a[0][:-12] + struct.pack("<III", 0, 1, 0)	# shard 0 of 1, exact
recs = [head, a[1], b[1]]
data = b"SELSIMJ\n"
starts = []
for p in recs:
    starts.append(len(data))
    data += struct.pack("<II", len(p), zlib.crc32(p)) + p
open(sys.argv[3], "wb").write(data)
print(starts[1], starts[2], len(data))	# header end, last record, end
PY
read -r head_end last end < offsets
mkdir cut
# every 13th byte and the last 9 (tests/test_journal.c resumes at every
# byte, in process)
for ((k = last; k <= end; k += k < end - 9 ? 13 : 1)); do
	head -c $k whole.journal > cut/run.journal
	"$selsim" run --resume cut --threads 1 --quiet --no-plots >/dev/null ||
		fail "cut at byte $k of $end: exit $?"
	same tref cut
done
# a flipped byte in the last record: its checksum fails, it runs again
cp whole.journal cut/run.journal
printf '\xff' | dd of=cut/run.journal bs=1 seek=$((end - 3)) conv=notrunc 2>/dev/null
"$selsim" run --resume cut --quiet --no-plots >/dev/null
same tref cut
# cut inside the magic or the header: refused, never a crash
for ((k = 0; k < head_end; k += 7)); do
	head -c $k whole.journal > cut/run.journal
	rc=0
	"$selsim" run --resume cut --quiet --no-plots >/dev/null 2>err || rc=$?
	[ $rc = 2 ] || fail "header cut at byte $k: exit $rc: $(cat err)"
done

echo "cuts: ${SECONDS}s"

# ---- three shards merged: the folder one run writes ----
m=200	# 4 chunks a cell: every one of 3 shards has some
mkdir one merged
(cd one && "$selsim" run "$spec" --scenarios $m --threads 2 -o res --quiet >/dev/null)
for i in 0 1 2; do
	"$selsim" run "$spec" --scenarios $m --threads $((i % 2 + 1)) \
		--shard $i/3 -o part$i --quiet 2>/dev/null
	[ ! -e part$i/results.json ] || fail "a shard wrote results"
done
(cd merged && "$selsim" merge ../part2 ../part0 ../part1 -o res --quiet >/dev/null)
(cd one/res && find . -type f | sort) > one.files
(cd merged/res && find . -type f | sort) > merged.files
cmp one.files merged.files || fail "merge wrote other files"
while read -r f; do
	cmp "one/res/$f" "merged/res/$f" || fail "merged $f differs"
done < one.files

rc=0
"$selsim" merge part0 part1 -o m2 2>err >/dev/null || rc=$?
[ $rc = 2 ] && grep -q "chunks missing" err || fail "a missing shard: exit $rc"
rc=0
"$selsim" merge part0 part1 part1 part2 -o m2 2>err >/dev/null || rc=$?
[ $rc = 2 ] && grep -q "is in both" err || fail "a shard twice: exit $rc"
"$selsim" run "$spec" --scenarios $m --seed 2 --shard 2/3 -o other --quiet 2>/dev/null
rc=0
"$selsim" merge part0 part1 other -o m2 2>err >/dev/null || rc=$?
[ $rc = 2 ] && grep -q "seed: 1 in the journal, 2 here" err ||
	fail "another seed: exit $rc: $(cat err)"
rc=0
"$selsim" run "$spec" --shard 3/3 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "--shard 3/3: exit $rc"
echo ok
