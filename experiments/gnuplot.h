/*
 * The one gnuplot runner: every picture selsim draws (the plots of a
 * results folder, the timeline of a trace, the plots of `selsim study`)
 * is drawn by a script of plots/ run as
 *
 *     gnuplot -e "plotsdir='...'; data='...'; out='...'; VARS" SCRIPT
 *
 * and every string that goes into that -e argument (paths, titles, axis
 * names, labels) goes through gnuplot_quote(), so a quote or a newline in
 * a study name or a path cannot end the string and inject commands
 * (gnuplot has `system`). Variable names are ours, never the user's.
 *
 * The data files beside the plots (whitespace-separated columns, quoted
 * labels, NaN for no data) are written with gnuplot_dat_*().
 *
 * The scripts are found in $SELSIM_PLOTS_DIR when that is set, else in the
 * folder named by the SELSIM_PLOTS_DIR compile definition, else in the
 * plots/ folder of the source tree this file was compiled from.
 */
#ifndef EXPERIMENTS_GNUPLOT_H
#define EXPERIMENTS_GNUPLOT_H

#include <glib.h>

/* Appends @s to @g as a gnuplot single-quoted string: a quote inside is
 * doubled, a newline dropped (a single-quoted string has no escapes). */
void gnuplot_quote(GString *g, const char *s);

/* Appends "NAME='VALUE'; " (quoted as above) or "NAME=NUMBER; " (the
 * shortest text that reads back) to @vars. @name is a gnuplot identifier
 * chosen by the caller. */
void gnuplot_var_str(GString *vars, const char *name, const char *value);
void gnuplot_var_num(GString *vars, const char *name, double value);

/* Data files: a number (shortest round-trip text; NaN when not finite),
 * an integer, a double-quoted label (a double quote inside becomes a
 * single one, a newline a space). Each is appended after a space unless
 * it starts a line. */
void gnuplot_dat_num(GString *g, double v);
void gnuplot_dat_int(GString *g, long long v);
void gnuplot_dat_str(GString *g, const char *s);

/* The folder of the scripts, ending in '/'. Caller frees with g_free(). */
char *gnuplot_scripts_dir(void);

/* The gnuplot program found in PATH, or NULL when it is not installed.
 * Caller frees with g_free(). */
char *gnuplot_find(void);

/* One job for gnuplot: @script (a file name in the scripts folder) draws
 * @data into @out.svg (and @out.png when gnuplot has pngcairo). @data and
 * @out are relative to @cwd (NULL: the current folder). @vars holds more
 * assignments, built with gnuplot_var_*(). All borrowed. */
struct gnuplot_job {
	const char *cwd;
	const char *script;
	const char *data;
	const char *out;
	const char *vars;
};

/*
 * Runs @gnuplot (from gnuplot_find()) on @job. gnuplot writes OUT.tmp.svg
 * (and .png), renamed to OUT.svg (.png) when it succeeds, so a reader
 * never sees half a picture. gnuplot failing, or writing no SVG, is
 * SIM_ERROR_INTERNAL with its last line of complaint; a failed rename is
 * SIM_ERROR_IO ("PATH: reason"). Leaves no temporary file on failure.
 */
gboolean gnuplot_run(const char *gnuplot, const struct gnuplot_job *job,
		     GError **error);

/* Appends to @sh the shell line that runs @job again (for redraw.sh): the
 * -e argument and the script path quoted for the shell. */
void gnuplot_redraw_line(GString *sh, const struct gnuplot_job *job);

#endif
