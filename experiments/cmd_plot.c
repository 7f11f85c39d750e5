/* `selsim plot` and `selsim report`: pictures and a report from a results
 * folder (experiments/plot.h). */
#include "commands.h"
#include "plot.h"
#include "report.h"
#include "timeline.h"
#include "sim/error.h"

#include <glib.h>
#include <stdio.h>

/* The one line that says gnuplot is missing. */
static void say_gnuplot_missing(const char *dir)
{
	fprintf(stderr, "selsim: gnuplot not found; wrote the plot data to "
		"%s/plots but no pictures\n", dir);
}

/* Parses the options (cli_parse frees @ctx); returns -1 to go on, else the
 * exit code. */
static int parse(const char *cmd, GOptionContext *ctx, int *argc,
		 char ***argv, const char *usage)
{
	if (!cli_parse(ctx, argc, argv, cmd))
		return 2;
	if (*argc != 2) {
		fprintf(stderr, "selsim %s: %s (usage: %s)\n", cmd,
			*argc < 2 ? "no results folder given"
				  : "one results folder at a time", usage);
		return 2;
	}
	return -1;
}

int plot_main(int argc, char **argv)
{
	gchar *trace = NULL;
	GOptionEntry entries[] = {
		{ "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace,
		  "Draw the timeline of FILE (selsim trace --format tsv) to "
		  "PREFIX.svg/.png instead; the argument is then PREFIX",
		  "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"DIR - draw the plots of a results folder");
	GError *err = NULL;
	bool missing = false;
	int rc;

	g_option_context_set_summary(ctx,
		"Reads DIR/results.json, writes the data behind each plot to\n"
		"DIR/plots/NAME.dat and draws DIR/plots/NAME.svg and .png with\n"
		"gnuplot (the scripts are in plots/; DIR/plots/redraw.sh runs\n"
		"them again). Without gnuplot, writes the data only.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	rc = parse("plot", ctx, &argc, &argv,
		   "selsim plot DIR, or selsim plot --trace FILE PREFIX");
	if (rc >= 0)
		goto out;
	if (trace) {
		if (!timeline_plot(trace, argv[1], &missing, &err)) {
			rc = cli_fail("plot", err);
			goto out;
		}
		if (missing)
			fprintf(stderr, "selsim: gnuplot not found; wrote the "
				"timeline data to %s.dat but no picture\n",
				argv[1]);
		else
			printf("wrote %s.svg\n", argv[1]);
		rc = 0;
		goto out;
	}
	if (!plot_results(argv[1], &missing, &err)) {
		rc = cli_fail("plot", err);
		goto out;
	}
	if (missing)
		say_gnuplot_missing(argv[1]);
	else
		printf("wrote the plots to %s/plots\n", argv[1]);
	rc = 0;
out:
	g_free(trace);
	return rc;
}

int report_main(int argc, char **argv)
{
	gboolean no_plots = FALSE;
	GOptionEntry entries[] = {
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots,
		  "Do not draw the plots first: use those already in DIR/plots",
		  NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"DIR - write DIR/report.html and DIR/report.md");
	GError *err = NULL;
	bool missing = false;
	int rc;

	g_option_context_set_summary(ctx,
		"Draws the plots (as selsim plot does), then writes\n"
		"DIR/report.html, one self-contained page (plots inlined, no\n"
		"network needed), and DIR/report.md: the spec in words, the\n"
		"headline table, the plots, the paired comparisons with the\n"
		"baseline and the command that reproduces the results.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	rc = parse("report", ctx, &argc, &argv, "selsim report DIR");
	if (rc >= 0)
		return rc;
	if (!no_plots && !plot_results(argv[1], &missing, &err))
		return cli_fail("report", err);
	if (missing)
		say_gnuplot_missing(argv[1]);
	if (!report_write(argv[1], &err))
		return cli_fail("report", err);
	printf("wrote %s/report.html and %s/report.md\n", argv[1], argv[1]);
	return 0;
}
