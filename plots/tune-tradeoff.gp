# selsim tune: the objective against the load (a constraint's figure such
# as requests_per_join) for the evaluations on the final scenarios; the
# non-dominated ones (no other is better on both) joined and marked.
#
#   gnuplot -e "data='plots/tune-k3s.dat'; out='plots/tune-k3s-tradeoff'; ncol=4; xname='requests_per_join'; yname='join_time_s.p99'" plots/tune-tradeoff.gp
#
# data: as for tune-param.gp.

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Tuning' }
obj = ncol + 1
ld = ncol + 2
fin = ncol + 4
par = ncol + 5
rec = ncol + 6

set title plot_title.': '.yname.' against '.xname
set xlabel xname
set ylabel yname
set key outside right top

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot data using (column(fin) == 1 ? column(ld) : NaN):obj with points lc rgb '#BBBBBB' pt 7 ps 0.6 title 'final scenarios', \
	     data using (column(par) == 1 ? column(ld) : NaN):obj with points lt 1 pt 7 ps 1.2 title 'non-dominated', \
	     data using (column(rec) == 1 ? column(ld) : NaN):obj with points lt 4 pt 9 ps 2 title 'recommended'
	unset output
}
