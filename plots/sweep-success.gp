# selsim: a sweep over one parameter: failover success against it, a line
# per policy, with the 95% interval as error bars.
#
#   gnuplot -e "data='DIR/plots/sweep.dat'; out='DIR/plots/sweep-success'; xname='dial_timeout'" plots/sweep-success.gp
#
# Optional: plot_title; xname (the parameter, for the axis label); logx
# (1: log scale, for values spanning a decade or more).
#
# data: one block per policy, two blank lines apart, each starting with a
# header line whose first field is the policy; columns: value_s,
# value (as written in the spec), rate_pct, ci95_lo_pct, ci95_hi_pct,
# join_p50_s, join_p99_s, join_mean_s, policy (1-based).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Join success' }
if (!exists("xname")) { xname = 'parameter' }
stats data using 1 nooutput
nblocks = STATS_blocks
xlo = STATS_min
xhi = STATS_max

set title plot_title
set xlabel xname.(exists("logx") && logx ? ' (log scale)' : '')
set ylabel 'scenarios where every node rejoined (%)'
set yrange [0:105]
set ytics 0, 20, 100
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
	     for [i = 0:nblocks - 1] data index i using 1:3:4:5 with yerrorlines lt (i + 1) title columnheader(1)
	unset output
}
