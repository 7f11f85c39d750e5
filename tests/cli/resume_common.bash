# The set-up that tests/cli/resume.sh, summary_resume.sh and
# summary_failover.sh share (sourced, from the repository root, with
# selsim's path as $1; not a test itself: CTest runs tests/cli/*.sh). Sets
# selsim, root (the repository), spec (az-outage) and small
# (first-etcd-down), makes a scratch folder $out (removed on exit) and
# enters it; fail, same and some_journal for the checks.
set -euo pipefail
selsim=$(realpath "$1")
root=$PWD
spec=$(realpath experiments/specs/az-outage.json)
small=$(realpath experiments/specs/first-etcd-down.json)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$out"

fail() { echo "FAIL: $*" >&2; exit 1; }
same() {	# the results of two folders, byte for byte
	cmp "$1/results.json" "$2/results.json" || fail "$1 vs $2: results.json"
	cmp "$1/results.csv" "$2/results.csv" || fail "$1 vs $2: results.csv"
	[ ! -e "$2/run.journal" ] || fail "$2: the journal outlived the results"
}
# some_journal SRC DST STEP: the journal of a run stopped with only some
# of its chunks: SRC's (a shard's) chunk records, every STEP-th from the
# first, under a whole run's header (shard 0 of 1) into DST.
some_journal() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
step = int(sys.argv[3])
assert b[:8] == b"SELSIMJ\n"
pos, recs = 8, []
while pos < len(b):
    n, crc = struct.unpack_from("<II", b, pos)
    recs.append(b[pos + 8:pos + 8 + n])
    pos += 8 + n
assert len(recs) > 2 * step, len(recs)
head = recs[0][:-12] + struct.pack("<III", 0, 1, 1)
data = b"SELSIMJ\n"
for p in [head] + recs[1::step]:
    data += struct.pack("<II", len(p), zlib.crc32(p)) + p
open(sys.argv[2], "wb").write(data)
PY
}
