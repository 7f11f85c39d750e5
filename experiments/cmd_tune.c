/*
 * `selsim tune SPEC.json [-o DIR] [--seed N] [--threads N] [--policies
 * A,B] [--no-plots] [--quiet]`: the search of the spec's "tune" section
 * (tune_spec.h) for each policy it names (tune.h), on the simulator
 * (tune_eval.h), its recommendation validated on fresh scenarios, and the
 * outputs of tune_output.h in DIR (default results/NAME-tune).
 */
#include "commands.h"
#include "fmt.h"
#include "spec.h"
#include "tune_output.h"
#include "sim/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct tune_args {
	gchar *outdir, *policies;
	gint64 seed;
	gint threads;
	gboolean quiet, no_plots;
};

static int tune_parse(int *argc, char ***argv, struct tune_args *a)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->outdir,
		  "Output folder (default results/SPEC-NAME-tune)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &a->seed,
		  "The search's seed (default: the spec's)", "N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &a->threads,
		  "Worker threads (default: the number of processors)", "N" },
		{ "policies", 0, 0, G_OPTION_ARG_STRING, &a->policies,
		  "Tune only these of tune.policies (comma-separated)",
		  "A,B" },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &a->no_plots,
		  "Write tune.json and tune.csv only", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet,
		  "No progress lines", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SPEC.json - search the "
						   "spec's \"tune\" section");

	g_option_context_set_summary(ctx,
		"Searches the parameters of the spec's \"tune\" section on\n"
		"common random numbers (a shifted Sobol design raced by\n"
		"successive halving, then Nelder-Mead), validates the best on\n"
		"fresh scenarios against the defaults and the best grid point,\n"
		"and writes tune.json, tune.csv, plots and report.html.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, "tune"))
		return 2;
	if (*argc != 2)
		return cli_usage_error("tune", "%s", *argc < 2
				       ? "no spec given" : "more than one "
				       "spec given");
	if (a->threads < 0 || a->seed < -1)
		return cli_usage_error("tune", "%s", "--threads and --seed "
				       "take counts");
	return 0;
}

static char *tune_command(const struct spec *s)
{
	char *file = g_shell_quote(s->file);
	GString *c = g_string_new(NULL);
	size_t i;

	g_string_append_printf(c, "selsim tune %s --seed %" G_GUINT64_FORMAT
			       " --policies ", file, s->seed);
	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(c, "%s%s", i ? "," : "",
				       s->policies[i].ops->name);
	g_free(file);
	return g_string_free(c, FALSE);
}

/* Tunes policy @p (index into s->policies) into @o. */
static void tune_one(const struct spec *s, const struct tune_spec *t,
		     size_t p, int threads, bool quiet,
		     struct tune_outcome *o)
{
	struct tune_evaluator *e;
	struct tune_problem pb;
	gint64 t0 = g_get_monotonic_time();
	const struct tune_cand *rec, *grid = NULL;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->policy = p;
	for (i = 0; i < t->n_params; i++)
		o->applies[i] = tune_param_applies(t, i, s, p);
	tune_policy_values(s, t, p, o->defaults);
	if (!quiet)
		fprintf(stderr, "selsim tune: %s: searching...\n",
			s->policies[p].ops->name);
	e = tune_evaluator_new(s, t, p, s->seed, t->block, threads);
	tune_evaluator_problem(e, &pb);
	tune_search(t, o->applies, o->defaults, s->seed, &pb, &o->res);
	tune_evaluator_free(e);
	rec = &g_array_index(o->res.cands, struct tune_cand, o->res.best);
	if (o->res.grid_best != SIZE_MAX)
		grid = &g_array_index(o->res.cands, struct tune_cand,
				      o->res.grid_best);
	if (!quiet)
		fprintf(stderr, "selsim tune: %s: validating on %d fresh "
			"scenarios...\n", s->policies[p].ops->name,
			t->validation_scenarios);
	tune_validate(s, t, p, o->defaults, rec->x, grid ? grid->x : NULL,
		      threads, &o->val);
	o->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
}

/* The tuned policies, or those of @list (comma-separated) among them;
 * SIZE_MAX after printing a usage error. */
static size_t tuned_policies(const struct spec *s, const struct tune_spec *t,
			     const char *list, size_t *out)
{
	gchar **names;
	size_t k, n = 0, i;

	if (!list) {
		for (k = 0; k < t->n_policies; k++)
			out[n++] = t->policies[k];
		return n;
	}
	names = g_strsplit(list, ",", -1);
	for (i = 0; names[i]; i++) {
		for (k = 0; k < t->n_policies; k++)
			if (!strcmp(names[i],
				    s->policies[t->policies[k]].ops->name))
				break;
		if (k == t->n_policies || n == t->n_policies) {
			cli_usage_error("tune", "--policies: '%s' is not one "
					"of the spec's tune.policies", names[i]);
			g_strfreev(names);
			return SIZE_MAX;
		}
		out[n++] = t->policies[k];
	}
	g_strfreev(names);
	return n;
}

static int tune_run(const struct tune_args *a, const struct spec *s,
		    const struct tune_spec *t, const char *outdir)
{
	size_t *pol = g_new(size_t, t->n_policies + 1), n, i;
	struct tune_outcome *o;
	char *cmd = tune_command(s);
	GError *err = NULL;
	bool missing = false;
	int threads = a->threads ? a->threads
				 : (int)g_get_num_processors(), rc = 0;

	n = tuned_policies(s, t, a->policies, pol);
	if (n == SIZE_MAX || n == 0) {
		g_free(pol);
		g_free(cmd);
		return 2;
	}
	o = g_new0(struct tune_outcome, n + 1);
	for (i = 0; i < n; i++)
		tune_one(s, t, pol[i], threads, a->quiet, &o[i]);
	if (g_mkdir_with_parents(outdir, 0755) != 0) {
		fprintf(stderr, "selsim tune: %s: %s\n", outdir,
			g_strerror(errno));
		rc = 1;
	} else if (!tune_write(outdir, s, t, o, n, cmd, a->no_plots, &missing,
			       &err)) {
		rc = cli_fail("tune", err);
	}
	tune_print_table(stdout, s, t, o, n);
	if (rc == 0)
		printf("\nwrote %s/tune.json and tune.csv%s\n", outdir,
		       a->no_plots ? "" : missing ? " (gnuplot not found: no "
		       "plots)" : ", plots and report.html");
	for (i = 0; i < n; i++)
		tune_result_release(&o[i].res);
	g_free(o);
	g_free(pol);
	g_free(cmd);
	return rc;
}

int tune_main(int argc, char **argv)
{
	struct tune_args a = { .seed = -1 };
	struct spec s;
	struct tune_spec t;
	GError *err = NULL;
	char *outdir;
	int rc;

	rc = tune_parse(&argc, &argv, &a);
	if (rc == 0)
		rc = cli_load_spec("tune", argv[1], a.seed, 0, NULL, &s);
	if (rc)
		goto out;
	if (!tune_spec_load(argv[1], &s, &t, &err)) {
		rc = cli_fail("tune", err);
	} else if (!t.present) {
		fprintf(stderr, "%s: no \"tune\" section (selsim tune needs "
			"one: see README.md, \"Tuning\")\n", argv[1]);
		rc = 2;
	} else {
		char *safe = fmt_file_safe(s.name);
		char *name = g_strconcat(safe, "-tune", NULL);

		outdir = a.outdir ? g_strdup(a.outdir)
				  : g_build_filename("results", name, NULL);
		rc = tune_run(&a, &s, &t, outdir);
		g_free(outdir);
		g_free(name);
		g_free(safe);
	}
	tune_spec_release(&t);
	spec_release(&s);
out:
	g_free(a.outdir);
	g_free(a.policies);
	return rc;
}
