#!/usr/bin/env bash
# Plots and the report, end to end: `selsim run` draws the plots and writes
# report.html and report.md at the end; gnuplot draws valid SVG for every
# shipped experiment; without gnuplot the data is still written; a headless
# Chromium shows every plot of report.html.
#
# Needs gnuplot and chromium (make test installs both); SELSIM_NO_BROWSER=1
# skips the browser checks where there is no browser to be had.
set -euo pipefail
selsim=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if ! "$selsim" report --help > /dev/null 2>&1; then
  echo "report CLI not wired yet: skipped"
  exit 0
fi
command -v gnuplot > /dev/null || { echo "gnuplot is missing (make test installs it)"; exit 1; }

spec=experiments/specs/first-etcd-down.json
"$selsim" run "$spec" --scenarios 100 -o "$out/run" -q > /dev/null
for f in results.json results.csv report.html report.md plots/redraw.sh \
         plots/cdf.dat plots/success.dat plots/load.dat \
         plots/cdf.svg plots/success.svg plots/load.svg; do
  [ -s "$out/run/$f" ] || { echo "missing or empty: $f"; exit 1; }
done

# The censored figures, checked against results.json: a quantile beyond
# the deadline reads "> deadline", the CDF block stops at
# join_time_cdf_beyond_deadline_from, the comparisons state their count
# and methods, and no policy with a higher restricted mean is called faster.
python3 - "$out/run" <<'PY'
import json, os, re, sys
d = sys.argv[1]
r = json.load(open(os.path.join(d, "results.json")))
md = open(os.path.join(d, "report.md")).read()
dat = open(os.path.join(d, "plots", "cdf.dat")).read().split("\n\n\n")
blocks = {b.strip().splitlines()[0].split('"')[1]: b.strip().splitlines()[1:]
          for b in dat[1:]}
assert "restricted mean (mean of min(join time, deadline))" in md
n = r["comparisons"]
assert "with %d comparisons at 95%%, about %.3g starred" % (n, n / 20) in md, n
assert "Tango's score interval" in md
assert "with %d resamples" % r["results"][1]["vs_baseline"]["resamples"] in md
seen_beyond = False
for c in r["results"]:
    row = [l for l in md.splitlines() if l.startswith("| %s | " % c["policy"])][0]
    cols = [x.strip() for x in row.split("|")[1:-1]]
    for i, q in enumerate(("p50", "p90", "p99", "max")):
        beyond = c["join_time_s"]["beyond_deadline"][q]
        assert (cols[3 + i] == "> deadline") == beyond, (row, q)
        seen_beyond |= beyond
    frm = c["join_time_cdf_beyond_deadline_from"]
    if frm is None:
        frm = 101
    assert len(blocks.get(c["policy"], [])) == frm, (c["policy"], frm)
    vs = c.get("vs_baseline")
    if vs and vs["metrics"]["join_time_mean_s"]["diff"] > 0:
        assert not re.search(re.escape(c["policy"]) +
                             r" joins [^.]* faster in restricted mean", md)
assert seen_beyond, "first-etcd-down no longer has a policy beyond the deadline"
PY

# Every SVG is XML; report.html parses, inlines every plot and holds the
# reproduce command; nothing in it points outside the page.
python3 - "$out/run" <<'PY'
import glob, json, os, sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

d = sys.argv[1]
svgs = sorted(glob.glob(os.path.join(d, "plots", "*.svg")))
assert svgs, "no SVG"
for s in svgs:
    root = ET.parse(s).getroot()
    assert root.tag.endswith("svg"), s

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.figures, self.svgs, self.text = [], 0, 0, []
        self.urls = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "plot" in (a.get("class") or ""):
            self.figures += 1
        if tag == "svg":
            self.svgs += 1
        for k, v in attrs:
            if k in ("src", "href") and v and "://" in v:
                self.urls.append(v)
    def handle_data(self, data):
        self.text.append(data)

html = open(os.path.join(d, "report.html"), encoding="utf-8").read()
p = Page()
p.feed(html)
p.close()
r = json.load(open(os.path.join(d, "results.json")))
assert p.figures == len(svgs) == p.svgs, (p.figures, len(svgs), p.svgs)
assert r["command"] in "".join(p.text), "reproduce command missing"
assert not p.urls, p.urls
assert "<link" not in html and "@import" not in html
md = open(os.path.join(d, "report.md"), encoding="utf-8").read()
for s in svgs:
    assert "plots/" + os.path.basename(s) in md, s
assert r["command"] in md
assert "K3s commit 469d009fb" in md, "K3s commit missing"
PY

# gnuplot draws every shipped experiment without an error.
for s in experiments/specs/*.json; do
  grep -q '"workload"' "$s" && continue	# selsim study specs (tests/cli/study.sh)
  name=$(basename "$s" .json)
  "$selsim" run "$s" --scenarios 10 --no-plots -o "$out/spec-$name" -q > /dev/null
  "$selsim" plot "$out/spec-$name" > /dev/null
  for svg in "$out/spec-$name"/plots/*.svg; do
    python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg"
  done
  "$selsim" report "$out/spec-$name" --no-plots > /dev/null
  [ -s "$out/spec-$name/report.html" ]
done

# --no-plots: the data, no plots, no report.
"$selsim" run "$spec" --scenarios 10 --no-plots -o "$out/np" -q > /dev/null
[ -s "$out/np/results.json" ] && [ ! -e "$out/np/plots" ]

# No gnuplot: one line says so, the data is still written.
PATH=/nonexistent "$selsim" run "$spec" --scenarios 10 -o "$out/nogp" -q \
  > /dev/null 2> "$out/err"
[ "$(wc -l < "$out/err")" -eq 1 ] || { cat "$out/err"; exit 1; }
grep -q "gnuplot not found" "$out/err"
[ -s "$out/nogp/results.json" ] && [ -s "$out/nogp/plots/cdf.dat" ]
[ ! -e "$out/nogp/plots/cdf.svg" ]

# Bad input: exit 2, one line naming the file.
set +e
"$selsim" report "$out/missing" 2> "$out/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "report of a missing folder: rc $rc"; exit 1; }
[ "$(wc -l < "$out/err")" -eq 1 ] && grep -q "results.json" "$out/err"

# The timeline of one scenario.
"$selsim" trace "$spec" --scenario 3 --policy k3s --format tsv > "$out/trace.tsv"
"$selsim" plot --trace "$out/trace.tsv" "$out/timeline" > /dev/null
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$out/timeline.svg"
if grep -q -- "--plot" <<< "$("$selsim" trace --help 2>&1)"; then
  "$selsim" trace "$spec" --scenario 3 --policy k3s --plot "$out/tl2" > /dev/null
  [ -s "$out/tl2.svg" ]
fi

# A browser shows every plot: the page's script counts the figures whose
# SVG has a rendered size.
if ! command -v chromium > /dev/null; then
  if [ "${SELSIM_NO_BROWSER:-0}" = 1 ]; then
    echo "report CLI ok (browser checks skipped: SELSIM_NO_BROWSER=1)"
    exit 0
  fi
  echo "chromium is missing (make test installs it; SELSIM_NO_BROWSER=1 skips this)"
  exit 1
fi
browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d "$out/chrome.XXXXXX")" \
    --virtual-time-budget=5000 "$@" "file://$out/run/report.html" 2> "$out/chrome.err"
}
browse --dump-dom > "$out/dom.html"
figures=$(grep -o '<figure class="plot"' "$out/run/report.html" | wc -l)
shown=$(grep -o 'data-plots-shown="[0-9]*"' "$out/dom.html" | grep -o '[0-9]*' || true)
[ "$figures" -gt 0 ] || { echo "no figures in report.html"; exit 1; }
[ "$shown" = "$figures" ] || { echo "browser shows ${shown:-no} plots of $figures"; exit 1; }
browse --screenshot="$out/shot.png" --window-size=1280,2000 > /dev/null
[ -s "$out/shot.png" ] && [ "$(head -c 4 "$out/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ]
echo "report CLI ok"
