# selsim: a sweep over two parameters, for one policy: failover success
# (left) and p99 join time (right) at every grid point, as heatmaps with
# the value written in each cell.
#
#   gnuplot -e "data='DIR/plots/heatmap-k3s.dat'; out='DIR/plots/heatmap-k3s'; xname='dial_timeout'; yname='health_check_interval'" plots/heatmap.gp
#
# Optional: plot_title; xname, yname (the parameters, for axis labels).
#
# data: one row per grid point, a blank line after each x value; columns:
# ix, iy (0-based positions), x, y (values as written in the spec),
# rate_pct, join_p99_s (NaN when no node joined).

if (!exists("plotsdir")) {
	plotsdir = ''
	do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { plotsdir = ARG0[1:i] } }
}
load plotsdir.'style.gp'
if (!exists("plot_title")) { plot_title = 'Success and p99 join time' }
if (!exists("xname")) { xname = 'first parameter' }
if (!exists("yname")) { yname = 'second parameter' }

stats data using 1 nooutput name 'X'
stats data using 2 nooutput name 'Y'
stats data using 6 nooutput name 'P'
# no node joined (a failover experiment): no valid value, no stats
if (!exists("P_records")) { P_records = 0; P_max = 0 }
pmax = (P_records > 0 && P_max > 0 ? P_max : 1)

set xrange [X_min - 0.5:X_max + 0.5]
set yrange [Y_min - 0.5:Y_max + 0.5]
set xtics scale 0
set ytics scale 0
unset grid
set border 0
set xlabel xname
set ylabel yname
set style fill solid 1.0 noborder
# viridis
set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21908C', 0.75 '#5DC963', 1 '#FDE725')
unset key
# Dark text on the bright end of the palette (frac near 1), light text
# on the dark end.
ink_on(frac) = (frac > 0.55 ? 0x222222 : 0xFFFFFF)
# Seconds with three significant digits: 0.0123, 2.06, 12.6, 143.
fmt_s(v) = (abs(v) < 1 ? sprintf('%.3g', v) : abs(v) < 10 ? sprintf('%.2f', v) : abs(v) < 100 ? sprintf('%.1f', v) : sprintf('%.0f', v))
# Two panels placed by hand: room for each colour box and its tics.
left1 = 0.11; right1 = 0.40
left2 = 0.60; right2 = 0.89

do for [fmt in formats] {
	if (fmt eq 'svg') { eval svg_terminal } else { eval png_terminal }
	eval after_terminal
	set output out.'.'.fmt
	set multiplot title plot_title font ',13'
	set tmargin screen 0.84
	set bmargin screen 0.16
	set lmargin screen left1
	set rmargin screen right1
	set colorbox user origin screen right1 + 0.015, screen 0.16 size screen 0.02, screen 0.68
	set title 'failover success (%, bright: better)' font ',11'
	set palette positive
	set cbrange [0:100]
	plot data using 1:2:(0.5):(0.5):5 with boxxyerror fc palette notitle, \
	     '' using 1:2:(sprintf('%.1f', column(5))):(ink_on(column(5) / 100.0)) with labels textcolor rgb variable notitle, \
	     '' using 1:2:xtic(3) with points ps 0 notitle, \
	     '' using 1:2:ytic(4) with points ps 0 notitle
	set lmargin screen left2
	set rmargin screen right2
	set colorbox user origin screen right2 + 0.015, screen 0.16 size screen 0.02, screen 0.68
	set title 'p99 join time (s, bright: faster)' font ',11'
	set palette negative
	set cbrange [0:pmax]
	plot data using 1:2:(0.5):(0.5):6 with boxxyerror fc palette notitle, \
	     '' using 1:2:(fmt_s(column(6))):(ink_on(1 - column(6) / pmax)) with labels textcolor rgb variable notitle, \
	     '' using 1:2:(valid(6) ? '' : 'none') with labels textcolor rgb ink notitle, \
	     '' using 1:2:xtic(3) with points ps 0 notitle, \
	     '' using 1:2:ytic(4) with points ps 0 notitle
	unset multiplot
	unset output
}
