/*
 * `selsim study SPEC.json [-o DIR] [--no-plots] [--quiet]`: the validation
 * workloads, run from a spec like the experiments are:
 *
 *  - "workload": "queueing": Poisson requests to N servers of c workers,
 *    a policy picking the server per request (models/queueing.c), at each
 *    utilisation listed; response time per policy and utilisation;
 *  - "workload": "contention": the AWS "Exponential Backoff And Jitter"
 *    study (models/contention.c): N clients, one optimistic write each,
 *    for each backoff strategy and client count; mean calls and time of
 *    the last completion over the runs.
 *
 * Writes DIR/results.json, DIR/results.csv and the plots in DIR/plots
 * (gnuplot, plots/study-lines.gp), and prints a table. A bad spec is one
 * line naming the file and JSON path, and exit 2.
 */
#include "commands.h"
#include "output.h"
#include "spec.h"
#include "study_spec.h"
#include "models/contention.h"
#include "models/queueing.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One figure of the table: series i at x index j. */
struct row {
	double f[6];
};

/* Runs everything; rows[i * n_x + j]. */
static gboolean study_run(const struct study *st, struct row *rows,
			  GError **error)
{
	int i, j, r;

	for (i = 0; i < st->n_series; i++) {
		for (j = 0; j < st->n_x; j++) {
			struct row *w = &rows[i * st->n_x + j];

			if (st->queueing) {
				struct queueing_cfg q = {
					.servers = st->servers,
					.workers = st->workers,
					.lambda = st->x[j] * st->servers *
						  st->workers /
						  dist_mean(&st->service),
					.service = st->service,
					.requests = st->requests,
					.seed = st->seed,
					.ops = st->series[i].ops,
					.own_name = st->series[i].own_name,
					.own_value = st->series[i].own_value,
				};
				struct queueing_result qr;

				if (!queueing_run(&q, &qr, error))
					return FALSE;
				*w = (struct row){ { q.lambda, qr.mean,
						     qr.half_width, qr.p50,
						     qr.p99, qr.utilisation } };
				continue;
			}
			double calls = 0, t = 0;

			for (r = 0; r < st->runs; r++) {
				struct contention_cfg c;
				struct contention_result cr;

				contention_cfg_init(&c, st->series[i].kind,
						    (int)st->x[j]);
				if (st->has_base)
					c.backoff.base = st->base;
				if (st->has_cap)
					c.backoff.cap = st->cap;
				if (st->has_net) {
					c.net_mean = st->net_mean;
					c.net_sd = st->net_sd;
				}
				c.seed = st->seed;
				c.run = (uint64_t)r;
				if (!contention_run(&c, &cr, error))
					return FALSE;
				calls += (double)cr.calls;
				t += sim_time_to_s(cr.last_done) * 1e3;
			}
			*w = (struct row){ { calls / st->runs, t / st->runs } };
		}
	}
	return TRUE;
}

static char *results_json(const struct study *st, const struct row *rows)
{
	cJSON *root = cJSON_CreateObject(), *res = cJSON_CreateArray();
	char *text, *out;
	int i, j;

	cJSON_AddStringToObject(root, "selsim_version", SELSIM_VERSION);
	cJSON_AddStringToObject(root, "spec", st->name);
	cJSON_AddStringToObject(root, "spec_file", st->file);
	cJSON_AddStringToObject(root, "workload",
				st->queueing ? "queueing" : "contention");
	cJSON_AddNumberToObject(root, "seed", (double)st->seed);
	for (i = 0; i < st->n_series; i++) {
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];
			cJSON *o = cJSON_CreateObject();

			if (st->queueing) {
				cJSON_AddStringToObject(o, "policy",
							st->series[i].label);
				cJSON_AddNumberToObject(o, "utilisation", st->x[j]);
				cJSON_AddNumberToObject(o, "lambda", w->f[0]);
				cJSON_AddNumberToObject(o, "mean_s", w->f[1]);
				cJSON_AddNumberToObject(o, "mean_ci95_half_s",
							w->f[2]);
				cJSON_AddNumberToObject(o, "p50_s", w->f[3]);
				cJSON_AddNumberToObject(o, "p99_s", w->f[4]);
				cJSON_AddNumberToObject(o, "measured_utilisation",
							w->f[5]);
			} else {
				cJSON_AddStringToObject(o, "strategy",
							st->series[i].label);
				cJSON_AddNumberToObject(o, "clients", st->x[j]);
				cJSON_AddNumberToObject(o, "runs", st->runs);
				cJSON_AddNumberToObject(o, "calls_mean", w->f[0]);
				cJSON_AddNumberToObject(o, "time_ms_mean", w->f[1]);
			}
			cJSON_AddItemToArray(res, o);
		}
	}
	cJSON_AddItemToObject(root, "results", res);
	text = cJSON_Print(root);
	out = g_strconcat(text, "\n", NULL);
	cJSON_free(text);
	cJSON_Delete(root);
	return out;
}

/* The CSV, and the data file of each plot (a block per series). */
static char *results_csv(const struct study *st, const struct row *rows)
{
	GString *g = g_string_new(st->queueing
		? "policy,utilisation,lambda,mean_s,mean_ci95_half_s,p50_s,"
		  "p99_s,measured_utilisation\n"
		: "strategy,clients,runs,calls_mean,time_ms_mean\n");
	int i, j;

	for (i = 0; i < st->n_series; i++) {
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];

			if (st->queueing)
				g_string_append_printf(g, "\"%s\",%.17g,%.17g,"
					"%.17g,%.17g,%.17g,%.17g,%.17g\n",
					st->series[i].label, st->x[j], w->f[0],
					w->f[1], w->f[2], w->f[3], w->f[4],
					w->f[5]);
			else
				g_string_append_printf(g, "\"%s\",%g,%d,%.17g,"
					"%.17g\n", st->series[i].label, st->x[j],
					st->runs, w->f[0], w->f[1]);
		}
	}
	return g_string_free(g, FALSE);
}

static char *plot_data(const struct study *st, const struct row *rows)
{
	GString *g = g_string_new(NULL);
	int i, j;

	g_string_append_printf(g, "# %s: one block per %s; columns: %s\n",
		st->name, st->queueing ? "policy" : "strategy",
		st->queueing ? "utilisation, mean_s, ci95_half_s, p50_s, p99_s"
			     : "clients, calls_mean, time_ms_mean");
	for (i = 0; i < st->n_series; i++) {
		g_string_append_printf(g, "%s\"%s\"\n", i ? "\n\n" : "",
				       st->series[i].label);
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];

			if (st->queueing)
				g_string_append_printf(g, "%g %.9g %.9g %.9g "
					"%.9g\n", st->x[j], w->f[1], w->f[2],
					w->f[3], w->f[4]);
			else
				g_string_append_printf(g, "%g %.9g %.9g\n",
					st->x[j], w->f[0], w->f[1]);
		}
	}
	return g_string_free(g, FALSE);
}

/* Draws one plot with plots/study-lines.gp; FALSE with @error when gnuplot
 * fails. */
static gboolean draw(const struct study *st, const char *dat, const char *out,
		     const char *title, const char *xname, const char *yname,
		     int ycol, bool logy, GError **error)
{
	const char *env = g_getenv("SELSIM_PLOTS_DIR");
	char *script = g_build_filename(env ? env : SELSIM_PLOTS_DIR,
					"study-lines.gp", NULL);
	char *vars = g_strdup_printf("data='%s'; out='%s'; plot_title='%s'; "
				     "xname='%s'; yname='%s'; ycol=%d; "
				     "nseries=%d; logy=%d", dat, out, title,
				     xname, yname, ycol, st->n_series, logy);
	char *argv[] = { (char *)"gnuplot", (char *)"-e", vars, script, NULL };
	char *err_text = NULL;
	gint status = 0;
	gboolean ok;

	ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &err_text, &status, error) &&
	     g_spawn_check_wait_status(status, NULL);
	if (!ok && error && !*error)
		g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL, "gnuplot "
			    "failed on %s: %s", dat, err_text ? err_text : "");
	g_free(err_text);
	g_free(vars);
	g_free(script);
	return ok;
}

int study_main(int argc, char **argv)
{
	gchar *outdir = NULL;
	gboolean no_plots = FALSE, quiet = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots,
		  "Write the data only", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		  "No table on standard output", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"SPEC.json - run a validation workload (queueing, contention)");
	GError *err = NULL;
	struct study st;
	struct row *rows;
	char *json, *csv, *dat, *p_json, *p_csv, *p_dat, *plots;
	int rc = 0, i, j;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "study"))
		return 2;
	if (argc != 2) {
		fprintf(stderr, "selsim study: expected SPEC.json (see selsim "
			"study --help)\n");
		g_free(outdir);
		return 2;
	}
	if (!study_load(argv[1], &st, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		study_release(&st);
		g_free(outdir);
		return 2;
	}
	rows = g_new0(struct row, (size_t)(st.n_series * st.n_x));
	if (!study_run(&st, rows, &err)) {
		fprintf(stderr, "selsim study: %s\n", err->message);
		g_error_free(err);
		g_free(rows);
		study_release(&st);
		g_free(outdir);
		return 1;
	}
	if (!outdir)
		outdir = g_build_filename("results", st.name, NULL);
	plots = g_build_filename(outdir, "plots", NULL);
	json = results_json(&st, rows);
	csv = results_csv(&st, rows);
	dat = plot_data(&st, rows);
	p_json = g_build_filename(outdir, "results.json", NULL);
	p_csv = g_build_filename(outdir, "results.csv", NULL);
	p_dat = g_build_filename(plots, "study.dat", NULL);
	if (g_mkdir_with_parents(plots, 0755) != 0) {
		fprintf(stderr, "selsim study: %s: %s\n", plots,
			g_strerror(errno));
		rc = 1;
	} else if (!output_write_atomic(p_json, json, strlen(json), &err) ||
		   !output_write_atomic(p_csv, csv, strlen(csv), &err) ||
		   !output_write_atomic(p_dat, dat, strlen(dat), &err)) {
		fprintf(stderr, "selsim study: %s\n", err->message);
		g_clear_error(&err);
		rc = 1;
	}
	if (rc == 0 && !no_plots) {
		char *o1 = g_build_filename(plots, st.queueing ? "response"
						  : "calls", NULL);
		char *o2 = g_build_filename(plots, "time", NULL);
		char *title = g_strdup_printf("%s (seed %" G_GUINT64_FORMAT ")",
					      st.name, st.seed);
		char *gnuplot = g_find_program_in_path("gnuplot");

		if (!gnuplot)
			fprintf(stderr, "selsim: gnuplot not found; wrote the "
				"plot data to %s but no pictures\n", p_dat);
		else if (st.queueing
			 ? !draw(&st, p_dat, o1, title, "utilisation per worker",
				 "mean time in system (s)", 2, true, &err)
			 : (!draw(&st, p_dat, o1, title, "clients",
				  "calls (writes sent)", 2, false, &err) ||
			    !draw(&st, p_dat, o2, title, "clients",
				  "time of the last completion (ms)", 3, false,
				  &err))) {
			fprintf(stderr, "selsim study: %s\n", err->message);
			g_clear_error(&err);
			rc = 1;
		}
		g_free(gnuplot);
		g_free(o1);
		g_free(o2);
		g_free(title);
	}
	if (!quiet) {
		if (st.queueing)
			printf("%-28s %6s %10s %10s %10s %10s\n", "policy",
			       "rho", "mean s", "+-95%", "p50 s", "p99 s");
		else
			printf("%-14s %7s %12s %12s\n", "strategy", "clients",
			       "calls", "time ms");
		for (i = 0; i < st.n_series; i++) {
			for (j = 0; j < st.n_x; j++) {
				const struct row *w = &rows[i * st.n_x + j];

				if (st.queueing)
					printf("%-28s %6.2f %10.4f %10.4f "
					       "%10.4f %10.4f\n",
					       st.series[i].label, st.x[j],
					       w->f[1], w->f[2], w->f[3],
					       w->f[4]);
				else
					printf("%-14s %7.0f %12.1f %12.1f\n",
					       st.series[i].label, st.x[j],
					       w->f[0], w->f[1]);
			}
		}
		if (rc == 0)
			printf("\nwrote %s, %s and %s\n", p_json, p_csv, plots);
	}
	g_free(json);
	g_free(csv);
	g_free(dat);
	g_free(p_json);
	g_free(p_csv);
	g_free(p_dat);
	g_free(plots);
	g_free(rows);
	study_release(&st);
	g_free(outdir);
	return rc;
}
