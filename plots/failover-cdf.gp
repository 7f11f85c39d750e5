# selsim: CDF of the affected agents' time back after a failure (from the
# failure to the first kubelet request answered after it), one line
# per cell, log time axis, the node-monitor grace period(s) as dashed
# vertical lines: an agent right of a grace line went NotReady unless a
# lease renewal got through another way.
#
#   gnuplot -e "data='DIR/plots/failover-cdf.dat'; out='DIR/plots/failover-cdf'" plots/failover-cdf.gp
#
# Writes out.'.svg' (and out.'.png' when gnuplot has pngcairo).
# Optional: plot_title; graces (grace periods in seconds, '40 50');
# blocks (which data blocks to draw, '0 1 2'; default all), colors and
# dashes (a linetype and a dash type per drawn block; default 1, 2, 3 ...
# and solid).
#
# data: one block per cell, two blank lines apart, each starting with a
# header line whose first field is the cell's label; columns: quantile
# (0-1), time_back_s, back_pct (%), policy (1-based).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'

if (!exists("blocks")) {
	stats data using 2 nooutput
	blocks = ''
	do for [i = 0:STATS_blocks - 1] { blocks = blocks . sprintf(' %d', i) }
}
if (!exists("colors")) {
	colors = ''
	do for [k = 1:words(blocks)] { colors = colors . sprintf(' %d', k) }
}
if (!exists("dashes")) {
	dashes = ''
	do for [k = 1:words(blocks)] { dashes = dashes . ' 1' }
}
if (!exists("graces")) { graces = '' }
if (!exists("plot_title")) { plot_title = 'Time back after the failure' }

set title plot_title
set logscale x 10
set format x '%g'
set mxtics 10
# 1-2-5 tics: a range within one decade or two still reads
set xtics ('0.001' 0.001, '0.002' 0.002, '0.005' 0.005, '0.01' 0.01, '0.02' 0.02, '0.05' 0.05, '0.1' 0.1, '0.2' 0.2, '0.5' 0.5, '1' 1, '2' 2, '5' 5, '10' 10, '20' 20, '50' 50, '100' 100, '200' 200, '500' 500, '1000' 1000, '2000' 2000, '5000' 5000)
set xlabel 'time back, failure to the first kubelet request answered after it (s, log scale)'
set ylabel 'affected agents back (%)'
set yrange [0:105]
set ytics 0, 20, 100
set key inside left top vertical
# The x axis reaches past the largest grace period, so its line shows
# even when every agent was back within seconds.
stats data using 2 nooutput name 'T'
xmax = T_max
do for [k = 1:words(graces)] { xmax = (real(word(graces, k)) > xmax ? real(word(graces, k)) : xmax) }
set xrange [*:xmax * 1.5]
do for [k = 1:words(graces)] {
	g = real(word(graces, k))
	set arrow k from g, graph 0 to g, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' front
	set label k sprintf('grace %gs', g) at g, graph 0 left offset 0.5, 1 + 1.2 * (k - 1) textcolor rgb '#555555' front
}

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot for [k = 1:words(blocks)] data index int(word(blocks, k)) \
		using 2:3 with lines lt int(word(colors, k)) dt int(word(dashes, k)) \
		title columnheader(1)
	unset output
}
