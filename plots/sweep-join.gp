# selsim: a sweep over one parameter: p99 join time against it (solid,
# with points), p50 dashed, a line per policy.
#
#   gnuplot -e "data='DIR/plots/sweep.dat'; out='DIR/plots/sweep-join'; xname='dial_timeout'" plots/sweep-join.gp
#
# Optional: plot_title; xname; logx (1: log x scale).
#
# data: sweep.dat, as for sweep-success.gp.

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Join time' }
if (!exists("xname")) { xname = 'parameter' }
stats data using 1 nooutput
nblocks = STATS_blocks
xlo = STATS_min
xhi = STATS_max

set title plot_title
set xlabel xname.(exists("logx") && logx ? ' (log scale)' : '')
set ylabel 'join time, (re)start to Ready (s)'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set format x '%g'
if (exists("logx") && logx) {
	set logscale x 10
	set xrange [xlo / 1.25:xhi * 1.25]
} else {
	set xrange [xlo - (xhi - xlo) * 0.05 - 0.001:xhi + (xhi - xlo) * 0.05 + 0.001]
}
# Tics at the swept values, as the spec writes them.
set xtics scale 0.6
set key outside right top

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data index 0 using 1:(NaN):xtic(2) with points ps 0 notitle, \
	     for [i = 0:nblocks - 1] data index i using 1:7 with linespoints lt (i + 1) title columnheader(1), \
	     for [i = 0:nblocks - 1] data index i using 1:6 with lines lt (i + 1) dt 2 lw 1.2 notitle, \
	     keyentry with lines lc rgb ink lw 2 title 'p99', \
	     keyentry with lines lc rgb ink lw 1.2 dt 2 title 'p50'
	unset output
}
