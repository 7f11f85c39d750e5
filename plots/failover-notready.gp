# selsim: NotReady node-seconds per scenario per cell, bars with their 95%
# interval (left), and the mean paired difference to the baseline with its
# 95% interval (right); cells of a sweep are grouped by grid point.
#
#   gnuplot -e "data='DIR/plots/failover-notready.dat'; out='DIR/plots/failover-notready'" plots/failover-notready.gp
#
# Optional: plot_title; xname (what the tics name); tic_rotate (1: slanted
# x tics); policies ('k3s k3s-legacy': a legend entry per policy, for
# grouped bars whose tics name the grid points).
#
# data: one row per cell; columns: x (bar position), label, policy
# (1-based), notready_node_s, ci95_lo, ci95_hi, diff_vs_baseline, diff_lo,
# diff_hi (NaN for the baseline), tic (the x tic label, "" for none).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'NotReady node-seconds' }
if (!exists("policies")) { policies = '' }

stats data using 1 nooutput
xpad = (STATS_max - STATS_min < 2 ? 1.5 - (STATS_max - STATS_min) / 2 : 0.7)
xmin = STATS_min - xpad
xmax = STATS_max + xpad

set xrange [xmin:xmax]
set xtics scale 0 rotate by 45 right
if (exists("xname")) { set xlabel xname }
set grid noxtics ytics
set boxwidth 0.75

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	set multiplot layout 1, 2 title plot_title font ',13' margins 0.1, 0.98, 0.2, 0.86 spacing 0.1
	set title 'per scenario, 95% interval' font ',11'
	set ylabel 'NotReady node-seconds per scenario'
	set yrange [0:*]
	unset key
	plot data using 1:4:3:xtic(10) with boxes lc variable notitle, \
	     '' using 1:5:(0):(column(6) - column(5)) with vectors heads size screen 0.008, 90 lc rgb ink lw 1.2 notitle
	set title 'paired difference to the baseline, 95% interval' font ',11'
	set ylabel 'NotReady node-s per scenario, minus baseline'
	set yrange [*:*]
	set xzeroaxis lt -1 lc rgb ink
	unset xlabel
	if (words(policies) > 0) { set key top right } else { unset key }
	plot data using 1:8:(0):(column(9) - column(8)) with vectors heads size screen 0.008, 90 lc rgb ink lw 1.2 notitle, \
	     '' using 1:7:3:xtic(10) with points lc variable pt 5 ps 1.1 notitle, \
	     for [k = 1:words(policies)] keyentry with boxes lt k title word(policies, k)
	unset xzeroaxis
	unset multiplot
	unset output
}
