# selsim: failover success rate per cell, bars with the 95% Wilson
# interval as error bars; cells of a sweep are grouped by grid point.
#
#   gnuplot -e "data='DIR/plots/success.dat'; out='DIR/plots/success'" plots/success.gp
#
# Optional: plot_title; ylabel (the y axis label: the failover plot
# names its own success); xname (what the tics name); value_labels (1: values over the bars; default
# while there are at most 10); tic_rotate (1: slanted x tics, for many
# groups); policies ('k3s k3s-legacy': a legend entry per
# policy, for grouped bars whose tics name the grid points).
#
# data: one row per cell; columns: x (bar position), label, policy
# (1-based), rate_pct, ci95_lo_pct, ci95_hi_pct, count, scenarios, tic
# (the x tic label, "" for none).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Join success' }

stats data using 1 nooutput
# A lone bar or two keep a bar's width, not the whole plot's.
xpad = (STATS_max - STATS_min < 2 ? 1.5 - (STATS_max - STATS_min) / 2 : 0.7)
# Values written over the bars while they fit.
if (!exists("value_labels")) { value_labels = (STATS_records <= 10 ? 1 : 0) }
xmin = STATS_min - xpad
xmax = STATS_max + xpad

set title plot_title
if (!exists("ylabel")) { ylabel = 'scenarios where every node rejoined (%)' }
set ylabel ylabel
set yrange [0:119]
set ytics 0, 20, 100
set xrange [xmin:xmax]
set xtics scale 0
if (exists("tic_rotate") && tic_rotate) { set xtics rotate by 45 right }
if (exists("xname")) { set xlabel xname }
set grid noxtics ytics
set boxwidth 0.75
if (!exists("policies")) { policies = '' }
if (words(policies) > 0) { set key top right horizontal } else { unset key }

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data using 1:4:3:xtic(9) with boxes lc variable notitle, \
	     '' using 1:5:(0):(column(6) - column(5)) with vectors heads size screen 0.008, 90 lc rgb ink lw 1.2 notitle, \
	     for [k = 1:value_labels] data using 1:(column(6) + 2):(sprintf("%.1f%%\n[%.1f, %.1f]", column(4), column(5), column(6))) with labels center offset 0, 1.1 textcolor rgb ink notitle, \
	     for [k = 1:words(policies)] keyentry with boxes lt k title word(policies, k)
	unset output
}
