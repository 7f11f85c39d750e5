# selsim: a failover sweep: NotReady node-seconds per scenario against the
# swept setting, a colour per policy and a dash pattern per value of the
# other axes (e.g. the grace period), with the 95% interval as error bars.
#
#   gnuplot -e "data='DIR/plots/failover-sweep.dat'; out='DIR/plots/failover-sweep'; xname='http2_read_idle_timeout'" plots/failover-sweep.gp
#
# Optional: plot_title; xname (the swept parameter, for the axis label);
# colors and dashes (a linetype and a dash type per block; default 1, 2,
# 3 ... and solid).
#
# data: one block per line, two blank lines apart, each starting with a
# header line whose first field is its label; columns: value_s, value (as
# written in the spec), notready_node_s, ci95_lo, ci95_hi, policy
# (1-based), dash (1-based).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'NotReady node-seconds' }
if (!exists("xname")) { xname = 'parameter' }
stats data using 1 nooutput
nblocks = STATS_blocks
if (!exists("colors")) {
	colors = ''
	do for [k = 1:nblocks] { colors = colors . sprintf(' %d', k) }
}
if (!exists("dashes")) {
	dashes = ''
	do for [k = 1:nblocks] { dashes = dashes . ' 1' }
}
xlo = STATS_min
xhi = STATS_max

set title plot_title
set xlabel xname
set ylabel 'NotReady node-seconds per scenario'
set yrange [0:*]
set format x '%g'
set xrange [xlo - (xhi - xlo) * 0.05 - 0.001:xhi + (xhi - xlo) * 0.05 + 0.001]
set xtics scale 0.6
# many lines (11 policies x 2 grace periods): the key goes under the plot,
# four to a row, so that it does not squeeze the plot into a corner
if (nblocks > 8) {
	set key outside below center horizontal maxcols 4 maxrows 6 width -3 font ",9" samplen 1.5
} else {
	set key outside right top
}

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data index 0 using 1:(NaN):xtic(2) with points ps 0 notitle, \
	     for [i = 0:nblocks - 1] data index i using 1:3:4:5 with yerrorlines lt int(word(colors, i + 1)) dt int(word(dashes, i + 1)) title columnheader(1)
	unset output
}
