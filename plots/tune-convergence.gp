# selsim tune: the best feasible objective so far against the scenario
# runs spent (each rung's and each Nelder-Mead step's best, on its own
# scenarios).
#
#   gnuplot -e "data='plots/tune-k3s-conv.dat'; out='plots/tune-k3s-convergence'; yname='join_time_s.p99'" plots/tune-convergence.gp
#
# data: tune-POLICY-conv.dat: evaluations, scenario runs, best.

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Tuning' }

set title plot_title.': convergence'
set xlabel 'scenario runs spent'
set ylabel 'best '.yname.' so far'
set key off

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data using 2:3 with linespoints lt 1
	unset output
}
