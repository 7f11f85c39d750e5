/*
 * Plots and the report, drawn from a results folder (DIR/results.json, the
 * contract of DESIGN.md "Results file") and from `selsim trace` output.
 *
 * The data behind every plot is written to a plain text file beside it
 * (whitespace-separated columns, quoted labels, NaN for no data, a #
 * header naming the columns) and drawn by a gnuplot script of plots/;
 * DIR/plots/redraw.sh holds the exact gnuplot commands, so a user can
 * restyle a plot by editing a script or the data and running it again.
 *
 * The scripts are found in $SELSIM_PLOTS_DIR when that is set, else in the
 * folder named by the SELSIM_PLOTS_DIR compile definition, else in the
 * plots/ folder of the source tree this file was compiled from.
 *
 * Errors: a missing or malformed results.json (or trace file) is
 * SIM_ERROR_INPUT with a one-line message that starts with the file name
 * (and names the JSON path); a file that cannot be written is
 * SIM_ERROR_IO ("PATH: reason"); gnuplot failing is SIM_ERROR_INTERNAL
 * with its first line of complaint. Every file is written to a temporary
 * name and renamed, so a reader never sees half of one.
 */
#ifndef EXPERIMENTS_PLOT_H
#define EXPERIMENTS_PLOT_H

#include <glib.h>
#include <stdbool.h>

/*
 * Reads @dir/results.json, writes the data files of every plot that fits
 * the results to @dir/plots/ (cdf.dat, success.dat, load.dat; with a sweep
 * over one parameter sweep.dat; over two, heatmap-POLICY.dat per policy),
 * then runs gnuplot on each, giving @dir/plots/NAME.svg and, when gnuplot
 * has the pngcairo terminal, NAME.png.
 *
 * When gnuplot is not installed, writes the data files only, sets
 * *@gnuplot_missing (when not NULL) to true and returns TRUE: the caller
 * says so in one line. Otherwise sets it to false.
 */
gboolean plot_results(const char *dir, bool *gnuplot_missing,
		      GError **error);

/*
 * Writes @dir/report.html (one self-contained page: the plots of
 * @dir/plots inlined as SVG, the style inline, no external URL: it can be
 * read offline and mailed) and @dir/report.md (the same text, linking
 * plots/NAME.svg): the spec in words (read from the results' spec_file
 * when it can still be loaded), the headline table, the plots, the paired
 * comparisons with the baseline in sentences (when results.json has them)
 * and the command that reproduces the results.
 *
 * Draws nothing: it includes the plots that plot_results() left in
 * @dir/plots and says which are missing.
 */
gboolean report_write(const char *dir, GError **error);

/*
 * The timeline of one scenario from @tsv, the output of `selsim trace
 * --format tsv` (a file): writes @out_prefix.dat and draws
 * @out_prefix.svg (and .png). A row per node, failures as shaded spans,
 * joins from (re)start to Ready, dials as marks coloured by outcome,
 * Ready as a dot. @gnuplot_missing as for plot_results().
 */
gboolean plot_trace(const char *tsv, const char *out_prefix,
		    bool *gnuplot_missing, GError **error);

#endif
