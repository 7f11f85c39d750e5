# selsim study: one line per series against a swept x (utilisation, or the
# number of clients), as in the studies it reproduces.
#
#   gnuplot -e "data='DIR/plots/NAME.dat'; out='DIR/plots/NAME'; \
#               plot_title='...'; xname='...'; yname='...'; ycol=3; \
#               nseries=5" plots/study-lines.gp
#
# Optional: logy (1: log scale y).
# data: one block per series, two blank lines apart, each starting with a
# header line whose first field is the series' name; columns: x, then the
# figures (ycol picks the one drawn).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = '' }
if (!exists("xname")) { xname = 'x' }
if (!exists("yname")) { yname = 'y' }
if (!exists("ycol")) { ycol = 2 }

set title plot_title
set xlabel xname
set ylabel yname
set grid ytics xtics ls 100
set key outside right top
if (exists("logy") && logy) { set logscale y 10 } else { set yrange [0:*] }

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	plot for [i = 0:nseries - 1] data index i using 1:ycol with linespoints lt (i + 1) title columnheader(1)
	unset output
}
