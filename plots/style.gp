# selsim: the look every plot shares. Loaded by the other scripts in this
# folder (load plotsdir.'style.gp'); edit it to restyle them all.
#
# Sets:
#   formats           'svg png' (png when gnuplot has the pngcairo
#                     terminal), unless the caller set it
#   svg_terminal, png_terminal
#                     the commands that select each terminal (eval them)
#   linetypes 1-10    one colour per policy, in the order of results.json
#   grid, border, key, tics

if (!exists("formats")) {
	formats = 'svg' . (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? ' png' : '')
}
# The PNG is the SVG at twice the size: sharp on a high-density screen.
# plot_height: the SVG's height in pixels (500 unless the caller set it:
# the timeline grows with its rows).
if (!exists("plot_height")) { plot_height = 500 }
svg_terminal = sprintf("set terminal svg size 800,%d dynamic enhanced font 'sans,11' background rgb 'white'", plot_height)
png_terminal = sprintf("set terminal pngcairo size 1600,%d enhanced font 'sans,11' fontscale 2 linewidth 2 pointscale 2 background rgb 'white'", 2 * plot_height)
# Names, parameter keys and durations are not enhanced-text markup
# ("dial_timeout" would lose its underscore to a subscript).
after_terminal = "set termoption noenhanced"

# Colours: Tableau 10, distinct for the common kinds of colour blindness
# in the first four.
set linetype 1 lc rgb '#4E79A7' lw 2 pt 7 ps 0.8
set linetype 2 lc rgb '#F28E2B' lw 2 pt 5 ps 0.8
set linetype 3 lc rgb '#59A14F' lw 2 pt 9 ps 0.9
set linetype 4 lc rgb '#E15759' lw 2 pt 13 ps 0.9
set linetype 5 lc rgb '#B07AA1' lw 2 pt 11 ps 0.9
set linetype 6 lc rgb '#76B7B2' lw 2 pt 7 ps 0.8
set linetype 7 lc rgb '#EDC948' lw 2 pt 5 ps 0.8
set linetype 8 lc rgb '#FF9DA7' lw 2 pt 9 ps 0.9
set linetype 9 lc rgb '#9C755F' lw 2 pt 13 ps 0.9
set linetype 10 lc rgb '#BAB0AC' lw 2 pt 11 ps 0.9
set linetype cycle 10

ink = '#333333'
faint = '#DDDDDD'
set border 3 lc rgb ink lw 1
set tics nomirror out scale 0.6 textcolor rgb ink
set style line 100 lc rgb faint lw 1 dt solid
set grid back ls 100, ls 100
set key textcolor rgb ink box lc rgb faint opaque samplen 2.5 spacing 1.2
set title textcolor rgb ink font ',13'
set xlabel textcolor rgb ink
set ylabel textcolor rgb ink
set datafile missing 'NaN'
set style fill solid 0.85 noborder
