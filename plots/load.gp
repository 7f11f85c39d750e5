# selsim: server load amplification per cell: requests each (re)started
# node sent to the servers before it was Ready, and the dials (TCP
# connections attempted) behind them, failed ones shaded dark.
#
#   gnuplot -e "data='DIR/plots/load.dat'; out='DIR/plots/load'" plots/load.gp
#
# Optional: plot_title; xname (what the tics name); value_labels (1: values over the bars; default
# while there are at most 10); tic_rotate (1: slanted x tics, for many
# groups); policies (a legend entry per policy, for grouped
# bars whose tics name the grid points).
#
# data: one row per cell; columns: x (bar position), label, policy
# (1-based), requests_per_join, dials_per_join, failed_dials_per_join,
# fatal_restarts_per_scenario, tic (the x tic label, "" for none).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Server load per join' }
if (!exists("policies")) { policies = '' }

stats data using 1 nooutput
# A lone bar or two keep a bar's width, not the whole plot's.
xpad = (STATS_max - STATS_min < 2 ? 1.5 - (STATS_max - STATS_min) / 2 : 0.7)
# Values written over the bars while they fit.
if (!exists("value_labels")) { value_labels = (STATS_records <= 10 ? 1 : 0) }
xmin = STATS_min - xpad
xmax = STATS_max + xpad
stats data using 4 nooutput name 'R'
stats data using 5 nooutput name 'D'
# Room above the tallest bar for its label; a flat zero still gets an axis.
rtop = (R_max > 0 ? R_max * 1.18 : 1)
dtop = (D_max > 0 ? D_max * 1.18 : 1)

set xrange [xmin:xmax]
set xtics scale 0
if (exists("tic_rotate") && tic_rotate) { set xtics rotate by 45 right }
if (exists("xname")) { set xlabel xname }
set grid noxtics ytics
set boxwidth 0.75
set yrange [0:*]

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	set multiplot layout 1, 2 title plot_title font ',13' margins 0.1, 0.98, 0.11, 0.86 spacing 0.1
	set title 'requests per join' font ',11'
	set ylabel 'requests to servers per join'
	set yrange [0:rtop]
	unset key
	plot data using 1:4:3:xtic(8) with boxes lc variable notitle, \
	     for [k = 1:value_labels] data using 1:4:(sprintf('%.3g', column(4))) with labels center offset 0, 0.7 textcolor rgb ink notitle
	set title 'dials per join (dark: failed)' font ',11'
	set ylabel 'TCP dials per join'
	set yrange [0:dtop]
	if (words(policies) > 0) { set key top right } else { unset key }
	plot data using 1:5:3:xtic(8) with boxes lc variable fs solid 0.35 notitle, \
	     '' using 1:6:3 with boxes lc variable fs solid 0.95 notitle, \
	     for [k = 1:value_labels] data using 1:5:(sprintf('%.3g', column(5))) with labels center offset 0, 0.7 textcolor rgb ink notitle, \
	     for [k = 1:words(policies)] keyentry with boxes lt k title word(policies, k)
	unset multiplot
	unset output
}
