/* `selsim run` and `selsim trace`. */
#include "commands.h"
#include "fmt.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "spec.h"
#include "sim/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The command that reproduces these results (no thread count, no output
 * folder: neither changes them). */
static char *reproduce_command(const struct spec *s)
{
	GString *c = g_string_new("selsim run ");
	size_t i;

	char *file = g_shell_quote(s->file);

	g_string_append_printf(c, "%s --seed %" G_GUINT64_FORMAT
			       " --scenarios %d --policies ", file, s->seed,
			       s->scenarios);
	g_free(file);
	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(c, "%s%s", i ? "," : "",
				       s->policies[i].ops->name);
	return g_string_free(c, FALSE);
}

/* What `selsim run` was asked, and what it made. */
struct run_args {
	gchar *outdir, *policies, *format, *ties;
	gint64 seed, scenarios;
	gint threads;
	gboolean quiet, no_plots, summary_stats;
};

/* Parses and checks the options; 0, or the exit code of a usage error. */
static int run_parse(int *argc, char ***argv, struct run_args *a)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &a->seed,
		  "Experiment seed (default: the spec's)", "N" },
		{ "scenarios", 0, 0, G_OPTION_ARG_INT64, &a->scenarios,
		  "Scenarios per cell (default: the spec's)", "N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &a->threads,
		  "Worker threads (default: the number of processors)", "N" },
		{ "policies", 0, 0, G_OPTION_ARG_STRING, &a->policies,
		  "Run only these policies, in this order", "A,B" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &a->format,
		  "What to print: table (default), json or csv; the files "
		  "are always written", "FMT" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet,
		  "No progress line", NULL },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &a->no_plots,
		  "Write the data only: no plots, no report", NULL },
		{ "summary-stats", 0, 0, G_OPTION_ARG_NONE, &a->summary_stats,
		  "Bounded-memory statistics (histogram quantiles within "
		  "0.1%, CLT and order-statistic intervals) at any size; "
		  "above 1000000 scenarios they are on anyway", NULL },
		CLI_TIE_ORDER_ENTRY(a->ties),
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SPEC.json - run an experiment");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, "run"))
		return 2;
	if (*argc != 2)
		return cli_usage_error("run", "%s", *argc < 2 ? "expected SPEC.json"
							 : "one spec at a time");
	if (a->format && strcmp(a->format, "table") &&
	    strcmp(a->format, "json") && strcmp(a->format, "csv"))
		return cli_usage_error("run", "--format: unknown format '%s' "
				   "(known: table, json, csv)", a->format);
	if (a->threads < 0 || a->seed < -1 || a->scenarios < 0 ||
	    a->scenarios > 100000000)
		return cli_usage_error("run", "%s", "--threads, --seed and "
				   "--scenarios take counts (scenarios at "
				   "most 100000000)");
	return 0;
}

/* The writers' view of the runner's cells; caller frees with g_free(). */
static struct out_cell *run_cells(const struct spec *s,
				  const struct runner_result *res)
{
	struct out_cell *cells = g_new0(struct out_cell, res->n_cells);
	size_t c;

	for (c = 0; c < res->n_cells; c++) {
		cells[c].policy = s->policies[res->cells[c].policy].ops->name;
		cells[c].params = &res->cells[c].params;
		cells[c].grid = s->n_axes ? res->cells[c].grid : NULL;
		cells[c].grid_x = s->n_axes ? res->cells[c].grid_x : NULL;
		cells[c].sum = res->cells[c].sum;
		cells[c].vs = res->cells[c].has_vs ? &res->cells[c].vs : NULL;
		cells[c].baseline = s->baseline;
	}
	return cells;
}

/* Writes results.json, results.csv and (unless --no-plots) the plots
 * and the report into a->outdir; 0 or the exit code. */
static int run_write(const struct run_args *a, const struct spec *s,
		     const struct out_cell *cells, size_t n,
		     const char *cmdline, const char *json_path,
		     const char *csv_path)
{
	GError *err = NULL;
	bool missing = false;

	if (g_mkdir_with_parents(a->outdir, 0755) != 0) {
		fprintf(stderr, "selsim run: %s: %s\n", a->outdir,
			g_strerror(errno));
		return 1;
	}
	if (!output_write_json(json_path, s, cells, n, cmdline, &err) ||
	    !output_write_csv(csv_path, s, cells, n, cmdline, &err))
		return cli_fail("run", err);
	if (a->no_plots)
		return 0;
	/* without gnuplot the report still has the figures in words */
	if (!plot_results(a->outdir, &missing, &err) ||
	    !report_write(a->outdir, &err))
		return cli_fail("run", err);
	if (missing)
		fprintf(stderr, "selsim: gnuplot not found; wrote the plot data "
			"to %s/plots but no pictures\n", a->outdir);
	return 0;
}

/* Prints what --format asks for; @rc is the exit code so far. */
static int run_print(const struct run_args *a, const struct spec *s,
		     const struct runner_result *res,
		     const struct out_cell *cells, const char *cmdline,
		     const char *json_path, const char *csv_path, int rc)
{
	if (!a->format || !strcmp(a->format, "table")) {
		output_print_table(stdout, s, cells, res->n_cells);
		if (rc == 0)
			printf("\n%" G_GUINT64_FORMAT " scenarios x %zu cells in "
			       "%.2fs (%.0f events/s); wrote %s and %s\n",
			       (uint64_t)s->scenarios, res->n_cells, res->wall_s,
			       res->wall_s > 0 ? (double)res->events / res->wall_s
					       : 0, json_path, csv_path);
		if (rc == 0 && !a->no_plots)
			printf("plots in %s/plots; report: %s/report.html\n",
			       a->outdir, a->outdir);
	} else if (!strcmp(a->format, "json")) {
		output_print_json(stdout, s, cells, res->n_cells, cmdline);
	} else {
		output_print_csv(stdout, s, cells, res->n_cells, cmdline);
	}
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "selsim run: standard output: %s\n",
			g_strerror(errno));
		rc = 1;
	}
	return rc;
}

int run_main(int argc, char **argv)
{
	struct run_args a = { .seed = -1 };
	struct spec s;
	struct runner_opts opts;
	struct runner_result res;
	struct out_cell *cells;
	char *cmdline, *json_path, *csv_path;
	int rc;

	rc = run_parse(&argc, &argv, &a);
	if (rc == 0)
		rc = cli_load_spec("run", argv[1], a.seed, a.scenarios, a.policies, &s);
	if (rc)
		goto out;
	rc = cli_tie_order("run", a.ties, &opts.tie_reverse);
	if (rc) {
		spec_release(&s);
		goto out;
	}
	opts.threads = a.threads ? a.threads : (int)g_get_num_processors();
	opts.progress = !a.quiet && isatty(STDERR_FILENO);
	opts.summary_stats = a.summary_stats;
	runner_run(&s, &opts, &res);

	cells = run_cells(&s, &res);
	cmdline = reproduce_command(&s);
	if (!a.outdir) {
		char *safe = fmt_file_safe(s.name);

		a.outdir = g_build_filename("results", safe, NULL);
		g_free(safe);
	}
	json_path = g_build_filename(a.outdir, "results.json", NULL);
	csv_path = g_build_filename(a.outdir, "results.csv", NULL);
	rc = run_write(&a, &s, cells, res.n_cells, cmdline, json_path,
		       csv_path);
	rc = run_print(&a, &s, &res, cells, cmdline, json_path, csv_path, rc);
	g_free(json_path);
	g_free(csv_path);
	g_free(cmdline);
	g_free(cells);
	runner_result_release(&res);
	spec_release(&s);
out:
	g_free(a.outdir);
	g_free(a.policies);
	g_free(a.format);
	g_free(a.ties);
	return rc;
}
