# The set-up that tests/cli/resume.sh and summary_resume.sh share (sourced,
# from the repository root, with selsim's path as $1; not a test itself:
# CTest runs tests/cli/*.sh). Sets selsim, spec (az-outage) and small
# (first-etcd-down), makes a scratch folder $out (removed on exit) and
# enters it; fail and same for the checks.
set -euo pipefail
selsim=$(realpath "$1")
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
