# selsim: the timeline of one scenario (selsim trace): a row per node;
# failures as shaded spans (red: process or host down, amber: degraded,
# grey across every row: AZ outage or partition), restarts as dark ticks,
# joins as thin blue bars from (re)start to Ready, dials as small marks
# coloured by outcome (a timed-out dial's wait drawn as a red line), Ready
# as a green dot, a fatal exit as a red cross; after a failover, NotReady
# as a purple bar, a broken connection noticed as a black tick, a failed
# lease renewal as an orange tick, the API back (a kubelet request answered) as
# a green triangle, and each failure of one node as a dashed vertical line.
#
#   gnuplot -e "data='PREFIX.dat'; out='PREFIX'" plots/timeline.gp
#
# Optional: plot_title, subtitle; t_end (seconds: where the trace ended);
# has ('1 1 0 1 1 1 0 1 0 0 1': which of data blocks 0-10 hold rows; an
# empty block is skipped; default all).
#
# data, eleven blocks, two blank lines apart:
#   0 rows:     y, "node"                       (row 0 is drawn on top)
#   1 spans:    t0, t1, y, kind (1 down, 2 degraded), "what"
#   2 global:   t0, t1, "what"                  (AZ outage, partition)
#   3 joins:    t0, t1, y, end (1 Ready, 2 fatal, 3 still joining)
#   4 dials:    t0, t1, y, outcome (1 ok, 2 refused, 3 timed out, 0 none)
#   5 ready:    t, y
#   6 fatal:    t, y
#   7 restarts: t, y
#   8 notready: t0, t1, y
#   9 marks:    t, y, kind (1 connection broken, 2 lease failed, 3 API back)
#  10 failures: t, "what"                       (of one node, at the start)

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
# A row keeps 14 pixels at least: 50 agents' rows stay readable.
stats data index 0 using 1 nooutput name 'R'
if (!exists("plot_height")) { plot_height = (R_records > 24 ? 200 + 14 * int(R_records) : 500) }
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Timeline' }
if (!exists("has")) { has = '1 1 1 1 1 1 1 1 1 1 1' }
on(b) = (words(has) > b ? int(word(has, b + 1)) : 0)

stats data index 0 using 1 nooutput name 'R'
nrows = R_records
stats data index 0 using 1 nooutput
if (!exists("t_end")) { t_end = 1 }

c_down = 0xF2B8B5
c_degraded = 0xFBE0A0
c_global = '#C9CCE0'
c_join = '#9EBFE3'
c_ok = 0x59A14F
c_refused = 0xF28E2B
c_timeout = 0xE15759
c_none = 0x999999
dial_color(o) = (o == 1 ? c_ok : o == 2 ? c_refused : o == 3 ? c_timeout : c_none)
c_notready = 0x8E5BB5
c_broken = 0x222222
c_lease = 0xF28E2B
c_back = 0x1B7F3B
mark_color(k) = (k == 1 ? c_broken : k == 2 ? c_lease : c_back)

set title plot_title . (exists("subtitle") ? "\n" . subtitle : '')
set xlabel 'simulated time (s)'
set xrange [0:t_end * 1.02]
set yrange [nrows - 0.5:-0.5]
set ytics scale 0
set grid xtics noytics
set border 1
set key below horizontal maxrows 3 samplen 1.5 width -1 noopaque nobox
set style fill solid 1.0 noborder

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data index 0 using (0):1:ytic(2) with points ps 0 notitle, \
	     for [k = 1:on(2)] data index 2 using (($1 + $2) / 2):((nrows - 1) / 2.0):(($2 - $1) / 2):(nrows / 2.0) with boxxyerror fc rgb c_global fs transparent solid 0.5 notitle, \
	     for [k = 1:on(1)] data index 1 using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.42):($4 == 1 ? c_down : c_degraded) with boxxyerror fc rgb variable notitle, \
	     for [k = 1:on(3)] data index 3 using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.07) with boxxyerror fc rgb c_join notitle, \
	     for [k = 1:on(4)] data index 4 using 1:($3 - 0.22):($2 - $1):(0):(dial_color($4)) with vectors nohead lw 1 lc rgb variable notitle, \
	     for [k = 1:on(4)] data index 4 using 1:($3 - 0.22):(dial_color($4)) with points pt 5 ps 0.35 lc rgb variable notitle, \
	     for [k = 1:on(7)] data index 7 using 1:($2 - 0.42):(0):(0.84) with vectors nohead lw 2.5 lc rgb '#8B1A1A' notitle, \
	     for [k = 1:on(5)] data index 5 using 1:2 with points pt 7 ps 1.1 lc rgb '#1B7F3B' notitle, \
	     for [k = 1:on(6)] data index 6 using 1:2 with points pt 2 ps 1.1 lw 2 lc rgb '#C62828' notitle, \
	     for [k = 1:on(10)] data index 10 using 1:(nrows - 0.5):(0):(-nrows) with vectors nohead dt 2 lw 1.2 lc rgb '#8B1A1A' notitle, \
	     for [k = 1:on(10)] data index 10 using 1:(-0.5):2 with labels left offset 0.3, 0.7 textcolor rgb '#8B1A1A' notitle, \
	     for [k = 1:on(8)] data index 8 using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.2) with boxxyerror fc rgb c_notready notitle, \
	     for [k = 1:on(9)] data index 9 using 1:($2 + 0.05):($3 == 3 ? NaN : 0):(0.3):(mark_color($3)) with vectors nohead lw 1.2 lc rgb variable notitle, \
	     for [k = 1:on(9)] data index 9 using 1:($3 == 3 ? $2 : NaN) with points pt 9 ps 0.9 lc rgb c_back notitle, \
	     for [k = 1:on(2)] data index 2 using 1:(-0.5):3 with labels left offset 0.3, -0.7 textcolor rgb '#444466' notitle, \
	     keyentry with boxes fc rgb c_down title 'down', \
	     keyentry with boxes fc rgb c_degraded title 'degraded', \
	     keyentry with boxes fc rgb c_global title 'AZ out / partition', \
	     keyentry with vectors nohead lw 2.5 lc rgb '#8B1A1A' title 'restart', \
	     keyentry with boxes fc rgb c_join title 'joining', \
	     keyentry with points pt 5 ps 0.6 lc rgb c_ok title 'dial ok', \
	     keyentry with points pt 5 ps 0.6 lc rgb c_refused title 'refused', \
	     keyentry with points pt 5 ps 0.6 lc rgb c_timeout title 'timed out', \
	     keyentry with points pt 7 ps 1.1 lc rgb '#1B7F3B' title 'Ready', \
	     keyentry with points pt 2 ps 1.1 lw 2 lc rgb '#C62828' title 'fatal exit', \
	     keyentry with boxes fc rgb c_notready title 'NotReady', \
	     keyentry with vectors nohead lw 1.2 lc rgb c_broken title 'connection broken', \
	     keyentry with vectors nohead lw 1.2 lc rgb c_lease title 'lease failed', \
	     keyentry with points pt 9 ps 0.9 lc rgb c_back title 'API back'
	unset output
}
