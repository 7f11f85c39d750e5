/*
 * The report of a results folder: DIR/report.html and DIR/report.md.
 *
 * Errors: a missing or malformed results.json is SIM_ERROR_INPUT
 * (results_read.h); a file that cannot be written is SIM_ERROR_IO
 * ("PATH: reason"). Both files are written to a temporary name and
 * renamed.
 */
#ifndef EXPERIMENTS_REPORT_H
#define EXPERIMENTS_REPORT_H

#include <glib.h>

/*
 * Writes @dir/report.html (one self-contained page: the plots of
 * @dir/plots inlined as SVG, the style inline, no external URL: it can be
 * read offline and mailed) and @dir/report.md (the same text, linking
 * plots/NAME.svg): the spec in words (read from the results' spec_file
 * when it can still be loaded), the headline table, the plots, the paired
 * comparisons with the baseline in sentences (when results.json has them)
 * and the command that reproduces the results.
 *
 * Draws nothing: it includes the plots that plot_results() (plot.h) left
 * in @dir/plots and says which are missing.
 */
gboolean report_write(const char *dir, GError **error);

#endif
