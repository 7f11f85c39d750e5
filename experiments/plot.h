/*
 * The plots of a results folder: which plots fit the results (the plan),
 * their data files, and drawing them with gnuplot (gnuplot.h).
 *
 * The data behind every plot is written to a plain text file beside it
 * (whitespace-separated columns, quoted labels, NaN for no data, a #
 * header naming the columns) and drawn by a gnuplot script of plots/;
 * DIR/plots/redraw.sh holds the exact gnuplot commands, so a user can
 * restyle a plot by editing a script or the data and running it again.
 *
 * Errors: a missing or malformed results.json is SIM_ERROR_INPUT
 * (results_read.h); a file that cannot be written is SIM_ERROR_IO
 * ("PATH: reason"); gnuplot failing is SIM_ERROR_INTERNAL with its line of
 * complaint. Every file is written to a temporary name and renamed, so a
 * reader never sees half of one.
 */
#ifndef EXPERIMENTS_PLOT_H
#define EXPERIMENTS_PLOT_H

#include "results_read.h"

#include <glib.h>
#include <stdbool.h>

/* One planned plot. */
struct plot_job {
	char *name;		/* DIR/plots/NAME.svg, .png */
	const char *script;	/* in the scripts folder: "cdf.gp" */
	char *data_name;	/* DIR/plots/DATA_NAME: "cdf.dat" */
	GString *data;		/* its contents; NULL when an earlier job
				 * writes the same file */
	GString *vars;		/* gnuplot assignments: "deadline=600; " */
	char *title;		/* the figure's title */
	char *caption;		/* what it shows, in a sentence or two */
	bool failover;		/* the report shows it in its Failover
				 * section, not among the Plots */
};

/* Every plot that fits @r, in report order: a GPtrArray of struct
 * plot_job *, which frees them. Caller frees with g_ptr_array_unref(). */
GPtrArray *plot_plan_new(const struct results *r);

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

#endif
