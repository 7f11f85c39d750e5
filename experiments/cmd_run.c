/* `selsim run` and `selsim trace`. */
#include "commands.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "timeline.h"
#include "runner.h"
#include "spec.h"
#include "models/world.h"
#include "sim/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

gboolean cli_parse(GOptionContext *ctx, int *argc, char ***argv,
		   const char *cmd)
{
	GError *err = NULL;
	gboolean ok = g_option_context_parse(ctx, argc, argv, &err);

	g_option_context_free(ctx);
	if (!ok) {
		fprintf(stderr, "selsim %s: %s\n", cmd, err->message);
		g_error_free(err);
	}
	return ok;
}

int cli_fail(const char *cmd, GError *err)
{
	int rc = err->domain == SIM_ERROR && err->code == SIM_ERROR_INPUT ? 2
									  : 1;

	/* input messages already start with the file name */
	if (rc == 2)
		fprintf(stderr, "%s\n", err->message);
	else
		fprintf(stderr, "selsim %s: %s\n", cmd, err->message);
	g_error_free(err);
	return rc;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "selsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see selsim %s --help)\n", cmd);
	return 2;
}

/* Loads the spec and applies the overrides every command shares. */
static int load(const char *cmd, const char *path, gint64 seed,
		gint64 scenarios, const char *policies, struct spec *s)
{
	GError *err = NULL;

	if (!spec_load(path, s, &err)) {
		/* an unreadable spec is bad input too: the message names the
		 * file either way */
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return 2;
	}
	if (seed >= 0)
		s->seed = (uint64_t)seed;
	if (scenarios > 0)
		s->scenarios = (int)scenarios;
	if (policies && !spec_select_policies(s, policies, &err)) {
		spec_release(s);
		return cli_fail(cmd, err);
	}
	return 0;
}

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

/* --tie-order: "fifo" (the default) or "reverse" (events at the same
 * instant last scheduled first: the engine's debugging switch). 0, or 2
 * after a usage error. */
static int tie_order(const char *cmd, const char *v, bool *reverse)
{
	*reverse = v && !strcmp(v, "reverse");
	if (v && strcmp(v, "fifo") && strcmp(v, "reverse"))
		return usage_error(cmd, "--tie-order: unknown order '%s' "
				   "(known: fifo, reverse)", v);
	return 0;
}

#define TIE_ORDER_ENTRY(var) \
	{ "tie-order", 0, 0, G_OPTION_ARG_STRING, &(var), \
	  "Events at the same instant: fifo (default) or reverse, a " \
	  "debugging switch: a result that changes with it depends on a tie", \
	  "ORDER" }

int run_main(int argc, char **argv)
{
	gchar *outdir = NULL, *policies = NULL, *format = NULL, *ties = NULL;
	gint64 seed = -1, scenarios = 0;
	gint threads = 0;
	gboolean quiet = FALSE, no_plots = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
		  "Experiment seed (default: the spec's)", "N" },
		{ "scenarios", 0, 0, G_OPTION_ARG_INT64, &scenarios,
		  "Scenarios per cell (default: the spec's)", "N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &threads,
		  "Worker threads (default: the number of processors)", "N" },
		{ "policies", 0, 0, G_OPTION_ARG_STRING, &policies,
		  "Run only these policies, in this order", "A,B" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "What to print: table (default), json or csv; the files "
		  "are always written", "FMT" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		  "No progress line", NULL },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots,
		  "Write the data only: no plots, no report", NULL },
		TIE_ORDER_ENTRY(ties),
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SPEC.json - run an experiment");
	GError *err = NULL;
	struct spec s;
	struct runner_opts opts;
	struct runner_result res;
	struct out_cell *cells;
	char *cmdline, *json_path, *csv_path;
	int rc = 0;
	size_t c;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "run"))
		return 2;
	if (argc != 2) {
		rc = usage_error("run", "%s", argc < 2 ? "expected SPEC.json"
						       : "one spec at a time");
		goto out;
	}
	if (format && strcmp(format, "table") && strcmp(format, "json") &&
	    strcmp(format, "csv")) {
		rc = usage_error("run", "--format: unknown format '%s' "
				 "(known: table, json, csv)", format);
		goto out;
	}
	if (threads < 0 || seed < -1 || scenarios < 0 || scenarios > 100000000) {
		rc = usage_error("run", "%s", "--threads, --seed and --scenarios "
				 "take counts (scenarios at most 100000000)");
		goto out;
	}
	rc = tie_order("run", ties, &opts.tie_reverse);
	if (rc)
		goto out;
	rc = load("run", argv[1], seed, scenarios, policies, &s);
	if (rc)
		goto out;
	opts.threads = threads ? threads : (int)g_get_num_processors();
	opts.progress = !quiet && isatty(STDERR_FILENO);
	runner_run(&s, &opts, &res);

	cells = g_new0(struct out_cell, res.n_cells);
	for (c = 0; c < res.n_cells; c++) {
		cells[c].policy = s.policies[res.cells[c].policy].ops->name;
		cells[c].params = &res.cells[c].params;
		cells[c].grid = s.n_axes ? res.cells[c].grid : NULL;
		cells[c].grid_x = s.n_axes ? res.cells[c].grid_x : NULL;
		cells[c].sum = res.cells[c].sum;
		cells[c].vs = res.cells[c].has_vs ? &res.cells[c].vs : NULL;
		cells[c].baseline = s.baseline;
	}
	cmdline = reproduce_command(&s);
	if (!outdir)
		outdir = g_build_filename("results", s.name, NULL);
	json_path = g_build_filename(outdir, "results.json", NULL);
	csv_path = g_build_filename(outdir, "results.csv", NULL);
	if (g_mkdir_with_parents(outdir, 0755) != 0) {
		fprintf(stderr, "selsim run: %s: %s\n", outdir, g_strerror(errno));
		rc = 1;
	} else if (!output_write_json(json_path, &s, cells, res.n_cells,
				      cmdline, &err) ||
		   !output_write_csv(csv_path, &s, cells, res.n_cells,
				     cmdline, &err)) {
		rc = cli_fail("run", err);
	}
	if (rc == 0 && !no_plots) {
		bool missing = false;

		/* without gnuplot the report still has the figures in words */
		if (!plot_results(outdir, &missing, &err) ||
		    !report_write(outdir, &err))
			rc = cli_fail("run", err);
		else if (missing)
			fprintf(stderr, "selsim: gnuplot not found; wrote the "
				"plot data to %s/plots but no pictures\n", outdir);
	}
	if (!format || !strcmp(format, "table")) {
		output_print_table(stdout, &s, cells, res.n_cells);
		if (rc == 0)
			printf("\n%" G_GUINT64_FORMAT " scenarios x %zu cells in "
			       "%.2fs (%.0f events/s); wrote %s and %s\n",
			       (uint64_t)s.scenarios, res.n_cells, res.wall_s,
			       res.wall_s > 0 ? (double)res.events / res.wall_s
					      : 0, json_path, csv_path);
		if (rc == 0 && !no_plots)
			printf("plots in %s/plots; report: %s/report.html\n",
			       outdir, outdir);
	} else if (!strcmp(format, "json")) {
		output_print_json(stdout, &s, cells, res.n_cells, cmdline);
	} else {
		output_print_csv(stdout, &s, cells, res.n_cells, cmdline);
	}
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "selsim run: standard output: %s\n",
			g_strerror(errno));
		rc = 1;
	}
	g_free(json_path);
	g_free(csv_path);
	g_free(cmdline);
	g_free(cells);
	runner_result_release(&res);
	spec_release(&s);
out:
	g_free(outdir);
	g_free(policies);
	g_free(format);
	g_free(ties);
	return rc;
}

struct trace_out {
	const struct world_config *cfg;
	bool tsv;
	FILE *data;		/* --plot: the TSV for the timeline, or NULL */
};

/* The TSV's column header, a comment line. */
static const char trace_tsv_columns[] =
	"# columns: time_s, kind, node, peer, text, failure (the failure's "
	"index in the scenario's timeline, -1 for none)";

static const char *name_or_dash(const struct world_config *c, int node)
{
	return node >= 0 ? c->nodes[node].name : "-";
}

static void print_event(void *ctx, const struct trace_event *ev)
{
	const struct trace_out *o = ctx;

	if (o->data)
		fprintf(o->data, "%.9f\t%s\t%s\t%s\t%s\t%d\n",
			sim_time_to_s(ev->t), trace_kind_names[ev->kind],
			name_or_dash(o->cfg, ev->node),
			name_or_dash(o->cfg, ev->peer), ev->text, ev->failure);
	if (o->tsv)
		printf("%.9f\t%s\t%s\t%s\t%s\t%d\n", sim_time_to_s(ev->t),
		       trace_kind_names[ev->kind], name_or_dash(o->cfg, ev->node),
		       name_or_dash(o->cfg, ev->peer), ev->text, ev->failure);
	else
		printf("%12.6fs  %s\n", sim_time_to_s(ev->t), ev->text);
}

int trace_main(int argc, char **argv)
{
	gchar *policy = NULL, *format = NULL, *plot = NULL, *ties = NULL;
	bool reverse = false;
	gint64 scenario = 0, seed = -1;
	struct trace_out to = { NULL, false, NULL };
	GOptionEntry entries[] = {
		{ "scenario", 0, 0, G_OPTION_ARG_INT64, &scenario,
		  "Scenario index (default 0)", "K" },
		{ "policy", 0, 0, G_OPTION_ARG_STRING, &policy,
		  "Policy (default: the spec's first)", "P" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
		  "Experiment seed (default: the spec's)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "text (default) or tsv: time_s, kind, node, peer, text, "
		  "failure (its index in the timeline, -1 for none; comment "
		  "lines start with #)", "FMT" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot,
		  "Also write PREFIX.tsv and draw the timeline into "
		  "PREFIX.svg and PREFIX.png", "PREFIX" },
		TIE_ORDER_ENTRY(ties),
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"SPEC.json - the story of one scenario");
	GError *err = NULL;
	struct spec s;
	struct policy_params params;
	struct k3s_params k3s;
	struct world_config point;
	struct world *w;
	struct run_record rec;
	int rc;
	size_t i;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "trace"))
		return 2;
	if (format && strcmp(format, "text") && strcmp(format, "tsv"))
		rc = usage_error("trace", "--format: unknown format '%s' "
				 "(known: text, tsv)", format);
	else if (argc != 2)
		rc = usage_error("trace", "%s", "expected SPEC.json");
	else if (scenario < 0)
		rc = usage_error("trace", "%s", "--scenario must be >= 0");
	else if (tie_order("trace", ties, &reverse))
		rc = 2;
	else
		rc = load("trace", argv[1], seed, 0, policy, &s);
	to.tsv = format && !strcmp(format, "tsv");
	g_free(policy);
	g_free(format);
	g_free(ties);
	if (rc)
		return rc;
	to.cfg = &s.world;
	if (plot) {
		char *tsv = g_strconcat(plot, ".tsv", NULL);

		to.data = fopen(tsv, "w");
		if (!to.data) {
			fprintf(stderr, "selsim trace: %s: %s\n", tsv,
				g_strerror(errno));
			g_free(tsv);
			g_free(plot);
			spec_release(&s);
			return 2;
		}
		fprintf(to.data, "# %s, scenario %" G_GINT64_FORMAT ", seed %"
			G_GUINT64_FORMAT ", policy %s\n", s.name, scenario,
			s.seed, s.policies[0].ops->name);
		fprintf(to.data, "%s\n", trace_tsv_columns);
		g_free(tsv);
	}
	if (s.n_axes)
		fprintf(stderr, "selsim trace: the spec sweeps; tracing its "
			"first grid point\n");
	spec_point_params(&s, 0, 0, &params, &k3s);
	if (spec_has_world_axes(&s) && !spec_point_world(&s, 0, &point, &err))
		SIM_BUG("grid point 0: %s", err->message);	/* checked at load */
	w = world_new(spec_has_world_axes(&s) ? &point : &s.world,
		      s.policies[0].ops, &params, &k3s);
	world_set_tie_reverse(w, reverse);
	world_set_trace(w, print_event, &to);
	run_record_init(&rec, s.world.n_nodes);
	printf("# %s, scenario %" G_GINT64_FORMAT ", seed %" G_GUINT64_FORMAT
	       ", policy %s\n", s.name, scenario, s.seed,
	       s.policies[0].ops->name);
	if (to.tsv)
		printf("%s\n", trace_tsv_columns);
	world_run(w, s.seed, (uint64_t)scenario, &rec);
	printf("# ended at %.6fs after %" G_GUINT64_FORMAT " events: %s\n",
	       sim_time_to_s(rec.end), rec.events,
	       rec.success ? "every node that restarted is Ready"
			   : "FAILOVER FAILED");
	for (i = 0; i < rec.n_nodes; i++) {
		const struct node_record *r = &rec.nodes[i];

		if (!r->counted)
			continue;
		printf("#   %-12s %s", s.world.nodes[i].name,
		       r->ready ? "Ready" : "not Ready");
		if (r->ready)
			printf(" after %.3fs", sim_time_to_s(r->join_time));
		printf(", %u dials (%u failed), %u requests, %u fatal restarts\n",
		       r->dials, r->failed_dials, r->requests,
		       r->fatal_restarts);
	}
	run_record_release(&rec);
	world_free(w);
	if (spec_has_world_axes(&s))
		world_config_release(&point);
	spec_release(&s);
	rc = 0;
	if (to.data) {
		char *tsv = g_strconcat(plot, ".tsv", NULL);
		bool missing = false;

		if (fclose(to.data) != 0) {
			fprintf(stderr, "selsim trace: %s: %s\n", tsv,
				g_strerror(errno));
			rc = 1;
		} else if (!timeline_plot(tsv, plot, &missing, &err)) {
			rc = cli_fail("trace", err);
		} else if (missing) {
			fprintf(stderr, "selsim: gnuplot not found; wrote %s but "
				"no picture\n", tsv);
		}
		g_free(tsv);
	}
	g_free(plot);
	return rc;
}
