/*
 * `selsim trace`: the time-ordered story of one scenario, as text or TSV,
 * and with --plot its timeline (commands.h).
 */
#include "commands.h"
#include "spec.h"
#include "timeline.h"
#include "models/world.h"
#include "sim/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* What `selsim trace` was asked. */
struct trace_args {
	gchar *policy, *format, *plot, *ties;
	gint64 scenario, seed;
	bool reverse;		/* --tie-order reverse */
};

/* Parses and checks the options, then loads the spec into @s; 0, or the
 * exit code of a usage error or a bad spec. */
static int trace_parse(int *argc, char ***argv, struct trace_args *a,
		       struct spec *s)
{
	GOptionEntry entries[] = {
		{ "scenario", 0, 0, G_OPTION_ARG_INT64, &a->scenario,
		  "Scenario index (default 0)", "K" },
		{ "policy", 0, 0, G_OPTION_ARG_STRING, &a->policy,
		  "Policy (default: the spec's first)", "P" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &a->seed,
		  "Experiment seed (default: the spec's)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &a->format,
		  "text (default) or tsv: time_s, kind, node, peer, text, "
		  "failure (its index in the timeline, -1 for none; comment "
		  "lines start with #)", "FMT" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &a->plot,
		  "Also write PREFIX.tsv and draw the timeline into "
		  "PREFIX.svg and PREFIX.png", "PREFIX" },
		CLI_TIE_ORDER_ENTRY(a->ties),
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"SPEC.json - the story of one scenario");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, "trace"))
		return 2;
	if (a->format && strcmp(a->format, "text") && strcmp(a->format, "tsv"))
		return cli_usage_error("trace", "--format: unknown format '%s' "
				       "(known: text, tsv)", a->format);
	if (*argc != 2)
		return cli_usage_error("trace", "%s", "expected SPEC.json");
	if (cli_range("trace", "--scenario", a->scenario, 0,
		      CLI_MAX_SCENARIOS - 1) ||
	    (a->seed != CLI_UNSET &&
	     cli_range("trace", "--seed", a->seed, 0, CLI_MAX_SEED)))
		return 2;
	if (cli_tie_order("trace", a->ties, &a->reverse))
		return 2;
	return cli_load_spec("trace", (*argv)[1], a->seed, 0, a->policy, s);
}

/* --plot: opens PREFIX.tsv with its header into to->data; 0 or 2. */
static int trace_open_data(const struct trace_args *a, const struct spec *s,
			   struct trace_out *to)
{
	char *tsv = g_strconcat(a->plot, ".tsv", NULL);

	to->data = fopen(tsv, "w");
	if (!to->data) {
		fprintf(stderr, "selsim trace: %s: %s\n", tsv,
			g_strerror(errno));
		g_free(tsv);
		return 2;
	}
	fprintf(to->data, "# %s, scenario %" G_GINT64_FORMAT ", seed %"
		G_GUINT64_FORMAT ", policy %s\n", s->name, a->scenario,
		s->seed, s->policies[0].ops->name);
	fprintf(to->data, "%s\n", trace_tsv_columns);
	g_free(tsv);
	return 0;
}

/* The closing comment: how the run ended and each counted node's join. */
static void trace_summary(const struct spec *s, const struct run_record *rec)
{
	size_t i;

	printf("# ended at %.6fs after %" G_GUINT64_FORMAT " events: %s\n",
	       sim_time_to_s(rec->end), rec->events,
	       rec->success ? "every node that restarted is Ready"
			    : "FAILOVER FAILED");
	for (i = 0; i < rec->n_nodes; i++) {
		const struct node_record *r = &rec->nodes[i];

		if (!r->counted)
			continue;
		printf("#   %-12s %s", s->world.nodes[i].name,
		       r->ready ? "Ready" : "not Ready");
		if (r->ready)
			printf(" after %.3fs", sim_time_to_s(r->join_time));
		printf(", %u dials (%u failed), %u requests, %u fatal restarts\n",
		       r->dials, r->failed_dials, r->requests,
		       r->fatal_restarts);
	}
}

/* Runs scenario a->scenario of the first grid point, telling its story
 * to @to. */
static void trace_run(const struct trace_args *a, const struct spec *s,
		      struct trace_out *to)
{
	GError *err = NULL;
	struct policy_params params;
	struct k3s_params k3s;
	struct world_config point;
	struct world *w;
	struct run_record rec;
	bool world_axes = spec_has_world_axes(s);

	if (s->n_axes)
		fprintf(stderr, "selsim trace: the spec sweeps; tracing its "
			"first grid point\n");
	spec_point_params(s, 0, 0, &params, &k3s);
	if (world_axes && !spec_point_world(s, 0, &point, &err))
		SIM_BUG("grid point 0: %s", err->message);	/* checked at load */
	w = world_new(world_axes ? &point : &s->world, s->policies[0].ops,
		      &params, &k3s);
	world_set_tie_reverse(w, a->reverse);
	world_set_trace(w, print_event, to);
	run_record_init(&rec, s->world.n_nodes);
	printf("# %s, scenario %" G_GINT64_FORMAT ", seed %" G_GUINT64_FORMAT
	       ", policy %s\n", s->name, a->scenario, s->seed,
	       s->policies[0].ops->name);
	if (to->tsv)
		printf("%s\n", trace_tsv_columns);
	world_run(w, s->seed, (uint64_t)a->scenario, &rec);
	trace_summary(s, &rec);
	run_record_release(&rec);
	world_free(w);
	if (world_axes)
		world_config_release(&point);
}

/* --plot: closes the TSV and draws the timeline; 0 or the exit code. */
static int trace_plot(const struct trace_args *a, struct trace_out *to)
{
	GError *err = NULL;
	char *tsv = g_strconcat(a->plot, ".tsv", NULL);
	bool missing = false;
	int rc = 0;

	if (fclose(to->data) != 0) {
		fprintf(stderr, "selsim trace: %s: %s\n", tsv,
			g_strerror(errno));
		rc = 1;
	} else if (!timeline_plot(tsv, a->plot, &missing, &err)) {
		rc = cli_fail("trace", err);
	} else if (missing) {
		fprintf(stderr, "selsim: gnuplot not found; wrote %s but no "
			"picture\n", tsv);
	}
	g_free(tsv);
	return rc;
}

int trace_main(int argc, char **argv)
{
	struct trace_args a = { .seed = CLI_UNSET };
	struct trace_out to = { NULL, false, NULL };
	struct spec s;
	int rc;

	rc = trace_parse(&argc, &argv, &a, &s);
	if (rc)
		goto out;
	to.tsv = a.format && !strcmp(a.format, "tsv");
	to.cfg = &s.world;
	rc = a.plot ? trace_open_data(&a, &s, &to) : 0;
	if (rc == 0) {
		trace_run(&a, &s, &to);
		if (to.data)
			rc = trace_plot(&a, &to);
	}
	spec_release(&s);
out:
	g_free(a.policy);
	g_free(a.format);
	g_free(a.plot);
	g_free(a.ties);
	return rc;
}
