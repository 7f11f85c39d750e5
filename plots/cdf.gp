# selsim: join-time CDF, one line per cell (policy, or policy at a grid
# point), log time axis, the deadline as a dashed vertical line.
#
#   gnuplot -e "data='DIR/plots/cdf.dat'; out='DIR/plots/cdf'" plots/cdf.gp
#
# Writes out.'.svg' (and out.'.png' when gnuplot has pngcairo).
# Optional: deadline (seconds) and deadline_label ('10m'); plot_title;
# blocks (which data blocks to draw, '0 1 2'; default all), colors and
# dashes (a linetype and a dash type per drawn block; default 1, 2, 3 ...
# and solid); legend_colors and legend_dashes (quoted names: a legend of
# one entry per colour and one per dash type, in place of one per line,
# for a sweep: '"k3s" "k3s-legacy"', '"dial_timeout=2s" "dial_timeout=5s"').
#
# data: one block per cell, two blank lines apart, each starting with a
# header line whose first field is the cell's label; columns: quantile
# (0-1), join_time_s, ready_pct (quantile x the share of (re)started nodes
# that were Ready by the deadline, in %), policy (1-based).

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
if (!exists("plot_title")) { plot_title = 'Join time' }

set title plot_title
set logscale x 10
set format x '%g'
set mxtics 10
set xlabel 'join time, (re)start to Ready (s, log scale)'
set ylabel 'nodes Ready (%)'
set yrange [0:105]
set ytics 0, 20, 100
set key outside right top vertical
if (exists("deadline")) {
	if (!exists("deadline_label")) { deadline_label = sprintf('%gs', deadline) }
	set xrange [*:deadline * 2]
	set arrow 1 from deadline, graph 0 to deadline, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' front
	set label 1 'deadline '.deadline_label at deadline, graph 0 right offset -0.6, 1 textcolor rgb '#555555' front
}

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	if (exists("legend_colors")) {
		plot for [k = 1:words(blocks)] data index int(word(blocks, k)) \
			using 2:3 with lines lt int(word(colors, k)) dt int(word(dashes, k)) notitle, \
		     for [k = 1:words(legend_colors)] keyentry with lines lt k title word(legend_colors, k), \
		     for [k = 1:words(legend_dashes)] keyentry with lines lc rgb ink lw 1.5 dt k title word(legend_dashes, k)
	} else {
		plot for [k = 1:words(blocks)] data index int(word(blocks, k)) \
			using 2:3 with lines lt int(word(colors, k)) dt int(word(dashes, k)) \
			title columnheader(1)
	}
	unset output
}
