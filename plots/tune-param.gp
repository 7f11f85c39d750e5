# selsim tune: the objective against one parameter, every evaluation a
# point (grey: fewer scenarios than the final set; blue: the final set;
# red: the recommendation).
#
#   gnuplot -e "data='plots/tune-k3s.dat'; out='plots/tune-k3s-param0'; xcol=1; ycol=5; ncol=4; xname='dial_timeout'; yname='join_time_s.p99'" plots/tune-param.gp
#
# data: tune-POLICY.dat: ncol parameter columns, then objective, load,
# scenarios, final (0/1), pareto (0/1), recommended (0/1).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Tuning' }
if (!exists("logx")) { logx = 0 }
fin = ncol + 4
rec = ncol + 6

set title plot_title.': '.yname.' against '.xname
set xlabel xname.(logx ? ' (log scale)' : '')
set ylabel yname
set format x '%g'
if (logx) { set logscale x 10 }
set key outside right top

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data using xcol:(column(fin) == 0 ? column(ycol) : NaN) with points lc rgb '#BBBBBB' pt 7 ps 0.6 title 'fewer scenarios', \
	     data using xcol:(column(fin) == 1 ? column(ycol) : NaN) with points lt 1 title 'final scenarios', \
	     data using xcol:(column(rec) == 1 ? column(ycol) : NaN) with points lt 4 pt 9 ps 2 title 'recommended'
	unset output
}
