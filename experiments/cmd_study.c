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
 * Writes DIR/results.json, DIR/results.csv and, unless --no-plots, the
 * plots in DIR/plots (their data in study.dat, drawn by
 * plots/study-lines.gp through gnuplot.h, which quotes the study's name
 * and every other string), and prints a table. A bad spec is one
 * line naming the file and JSON path, and exit 2.
 */
#include "commands.h"
#include "fmt.h"
#include "gnuplot.h"
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
	double f[11];
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
					.requests = st->requests_at[j],
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
						     qr.p99, qr.utilisation,
						     (double)q.requests,
						     (double)qr.warmup,
						     (double)qr.batches,
						     qr.lag1,
						     qr.uncorrelated } };
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

/* @o[@key] = @v, exact (fmt_json_number()). */
static void put_num(cJSON *o, const char *key, double v)
{
	cJSON_AddItemToObject(o, key, fmt_json_number(v));
}

/* One cell of results.json: series @i at x index @j. */
static cJSON *json_cell(const struct study *st, const struct row *w, int i,
			int j)
{
	static const char *const q_keys[] = {
		"lambda", "mean_s", "mean_ci95_half_s", "p50_s", "p99_s",
		"measured_utilisation", "requests", "warmup_requests",
		"batches", "batch_lag1",
	};
	cJSON *o = cJSON_CreateObject();
	size_t k;

	if (st->queueing) {
		cJSON_AddStringToObject(o, "policy", st->series[i].label);
		put_num(o, "utilisation", st->x[j]);
		for (k = 0; k < G_N_ELEMENTS(q_keys); k++)
			put_num(o, q_keys[k], w->f[k]);
		cJSON_AddBoolToObject(o, "batches_uncorrelated",
				      w->f[10] != 0);
	} else {
		cJSON_AddStringToObject(o, "strategy", st->series[i].label);
		put_num(o, "clients", st->x[j]);
		put_num(o, "runs", st->runs);
		put_num(o, "calls_mean", w->f[0]);
		put_num(o, "time_ms_mean", w->f[1]);
	}
	return o;
}

static char *results_json(const struct study *st, const struct row *rows)
{
	cJSON *root = cJSON_CreateObject(), *res = cJSON_CreateArray();
	char *out, seed[24];
	int i, j;

	cJSON_AddStringToObject(root, "selsim_version", SELSIM_VERSION);
	cJSON_AddStringToObject(root, "spec", st->name);
	cJSON_AddStringToObject(root, "spec_file", st->file);
	cJSON_AddStringToObject(root, "workload",
				st->queueing ? "queueing" : "contention");
	g_snprintf(seed, sizeof(seed), "%" G_GUINT64_FORMAT, (guint64)st->seed);
	cJSON_AddRawToObject(root, "seed", seed);
	for (i = 0; i < st->n_series; i++)
		for (j = 0; j < st->n_x; j++)
			cJSON_AddItemToArray(res, json_cell(st,
					     &rows[i * st->n_x + j], i, j));
	cJSON_AddItemToObject(root, "results", res);
	out = fmt_json_text(root);
	cJSON_Delete(root);
	return out;
}

static char *results_csv(const struct study *st, const struct row *rows)
{
	GString *g = g_string_new(st->queueing
		? "policy,utilisation,lambda,mean_s,mean_ci95_half_s,p50_s,"
		  "p99_s,measured_utilisation,requests,warmup_requests,"
		  "batches,batch_lag1,batches_uncorrelated\n"
		: "strategy,clients,runs,calls_mean,time_ms_mean\n");
	int i, j, k;

	for (i = 0; i < st->n_series; i++) {
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];

			g_string_append_printf(g, "\"%s\"", st->series[i].label);
			fmt_csv_num(g, st->x[j]);
			if (!st->queueing)
				fmt_csv_num(g, st->runs);
			for (k = 0; k < (st->queueing ? 10 : 2); k++)
				fmt_csv_num(g, w->f[k]);
			if (st->queueing)
				g_string_append(g, w->f[10] != 0 ? ",true"
								 : ",false");
			g_string_append_c(g, '\n');
		}
	}
	return g_string_free(g, FALSE);
}

/* The data of the plots: a block per series, its label first. */
static char *plot_data(const struct study *st, const struct row *rows)
{
	GString *g = g_string_new(NULL);
	char *name = g_strdelimit(g_strdup(st->name), "\r\n", ' ');
	int i, j;

	g_string_append_printf(g, "# %s: one block per %s; columns: %s\n",
		name, st->queueing ? "policy" : "strategy",
		st->queueing ? "utilisation, mean_s, ci95_half_s, p50_s, p99_s"
			     : "clients, calls_mean, time_ms_mean");
	for (i = 0; i < st->n_series; i++) {
		g_string_append(g, i ? "\n\n" : "");
		gnuplot_dat_str(g, st->series[i].label);
		g_string_append_c(g, '\n');
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];

			gnuplot_dat_num(g, st->x[j]);
			if (st->queueing) {
				gnuplot_dat_num(g, w->f[1]);
				gnuplot_dat_num(g, w->f[2]);
				gnuplot_dat_num(g, w->f[3]);
				gnuplot_dat_num(g, w->f[4]);
			} else {
				gnuplot_dat_num(g, w->f[0]);
				gnuplot_dat_num(g, w->f[1]);
			}
			g_string_append_c(g, '\n');
		}
	}
	g_free(name);
	return g_string_free(g, FALSE);
}

/* One plot of plots/study-lines.gp: what it draws. */
struct study_plot {
	const char *out;	/* plots/OUT.svg */
	const char *xname, *yname;
	int ycol;		/* the column of study.dat drawn */
	bool logy;
};

/* Draws @p from PLOTS/study.dat with @gnuplot, run in @plots. */
static gboolean draw(const char *gnuplot, const char *plots,
		     const struct study *st, const struct study_plot *p,
		     GError **error)
{
	GString *vars = g_string_new(NULL);
	char *title = g_strdup_printf("%s (seed %" G_GUINT64_FORMAT ")",
				      st->name, st->seed);
	struct gnuplot_job job = { .cwd = plots, .script = "study-lines.gp",
				   .data = "study.dat", .out = p->out };
	gboolean ok;

	gnuplot_var_str(vars, "plot_title", title);
	gnuplot_var_str(vars, "xname", p->xname);
	gnuplot_var_str(vars, "yname", p->yname);
	gnuplot_var_num(vars, "ycol", p->ycol);
	gnuplot_var_num(vars, "nseries", st->n_series);
	gnuplot_var_num(vars, "logy", p->logy);
	job.vars = vars->str;
	ok = gnuplot_run(gnuplot, &job, error);
	g_string_free(vars, TRUE);
	g_free(title);
	return ok;
}

/* Writes DIR/plots/study.dat and draws the study's plots (when gnuplot
 * is installed; else says so on standard error). */
static gboolean study_plots(const struct study *st, const struct row *rows,
			    const char *plots, GError **error)
{
	static const struct study_plot queueing[] = {
		{ "response", "utilisation per worker",
		  "mean time in system (s)", 2, true },
	}, contention[] = {
		{ "calls", "clients", "calls (writes sent)", 2, false },
		{ "time", "clients", "time of the last completion (ms)", 3,
		  false },
	};
	const struct study_plot *p = st->queueing ? queueing : contention;
	size_t i, n = st->queueing ? G_N_ELEMENTS(queueing)
				   : G_N_ELEMENTS(contention);
	char *dat = plot_data(st, rows);
	char *p_dat = g_build_filename(plots, "study.dat", NULL);
	char *gnuplot = NULL;
	gboolean ok;

	if (g_mkdir_with_parents(plots, 0755) != 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", plots,
			    g_strerror(errno));
		ok = FALSE;
	} else {
		ok = output_write_atomic(p_dat, dat, strlen(dat), error);
	}
	if (ok && !(gnuplot = gnuplot_find()))
		fprintf(stderr, "selsim: gnuplot not found; wrote the plot "
			"data to %s but no pictures\n", p_dat);
	for (i = 0; ok && gnuplot && i < n; i++)
		ok = draw(gnuplot, plots, st, &p[i], error);
	g_free(gnuplot);
	g_free(p_dat);
	g_free(dat);
	return ok;
}

/* Writes DIR/results.json and DIR/results.csv (DIR made when missing). */
static gboolean study_write(const struct study *st, const struct row *rows,
			    const char *outdir, GError **error)
{
	char *json = results_json(st, rows), *csv = results_csv(st, rows);
	char *p_json = g_build_filename(outdir, "results.json", NULL);
	char *p_csv = g_build_filename(outdir, "results.csv", NULL);
	gboolean ok;

	if (g_mkdir_with_parents(outdir, 0755) != 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", outdir,
			    g_strerror(errno));
		ok = FALSE;
	} else {
		ok = output_write_atomic(p_json, json, strlen(json), error) &&
		     output_write_atomic(p_csv, csv, strlen(csv), error);
	}
	g_free(json);
	g_free(csv);
	g_free(p_json);
	g_free(p_csv);
	return ok;
}

static void print_table(const struct study *st, const struct row *rows)
{
	int i, j, n_corr = 0;

	if (st->queueing)
		printf("%-28s %6s %10s %10s %10s %10s %10s %9s %7s %6s\n",
		       "policy", "rho", "mean s", "+-95%", "p50 s", "p99 s",
		       "requests", "warm-up", "batches", "lag-1");
	else
		printf("%-14s %7s %12s %12s\n", "strategy", "clients",
		       "calls", "time ms");
	for (i = 0; i < st->n_series; i++) {
		for (j = 0; j < st->n_x; j++) {
			const struct row *w = &rows[i * st->n_x + j];

			if (!st->queueing) {
				printf("%-14s %7.0f %12.1f %12.1f\n",
				       st->series[i].label, st->x[j], w->f[0],
				       w->f[1]);
				continue;
			}
			printf("%-28s %6.2f %10.4f %10.4f %10.4f %10.4f "
			       "%10.0f %9.0f %7.0f %6.3f%s\n",
			       st->series[i].label, st->x[j], w->f[1],
			       w->f[2], w->f[3], w->f[4], w->f[6], w->f[7],
			       w->f[8], w->f[9], w->f[10] != 0 ? "" : " !");
			n_corr += w->f[10] == 0;
		}
	}
	if (st->queueing)
		printf("\n+-95%%: batch means after an MSER-5 warm-up; lag-1: "
		       "correlation of successive batch means.\n");
	if (n_corr)
		printf("! %d row%s: batch means still correlated at lag 1 "
		       "(the interval may be too narrow; run more requests)."
		       "\n", n_corr, n_corr == 1 ? "" : "s");
}

/* Runs the study of @spec_file and writes its results: the exit code. */
static int study_do(const char *spec_file, const char *outdir_opt,
		    bool no_plots, bool quiet)
{
	GError *err = NULL;
	struct study st;
	struct row *rows;
	char *outdir, *plots;
	int rc = 0;

	if (!study_load(spec_file, &st, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		study_release(&st);
		return 2;
	}
	rows = g_new0(struct row, (size_t)(st.n_series * st.n_x));
	if (!study_run(&st, rows, &err)) {
		fprintf(stderr, "selsim study: %s\n", err->message);
		g_error_free(err);
		g_free(rows);
		study_release(&st);
		return 1;
	}
	if (outdir_opt) {
		outdir = g_strdup(outdir_opt);
	} else {
		char *safe = fmt_file_safe(st.name);

		outdir = g_build_filename("results", safe, NULL);
		g_free(safe);
	}
	plots = g_build_filename(outdir, "plots", NULL);
	if (!study_write(&st, rows, outdir, &err) ||
	    (!no_plots && !study_plots(&st, rows, plots, &err))) {
		fprintf(stderr, "selsim study: %s\n", err->message);
		g_clear_error(&err);
		rc = 1;
	}
	if (!quiet) {
		print_table(&st, rows);
		if (rc == 0 && no_plots)
			printf("\nwrote %s/results.json and %s/results.csv\n",
			       outdir, outdir);
		else if (rc == 0)
			printf("\nwrote %s/results.json, %s/results.csv and "
			       "%s\n", outdir, outdir, plots);
	}
	g_free(plots);
	g_free(outdir);
	g_free(rows);
	study_release(&st);
	return rc;
}

int study_main(int argc, char **argv)
{
	gchar *outdir = NULL;
	gboolean no_plots = FALSE, quiet = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots,
		  "Write the data only (no plots folder)", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		  "No table on standard output", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"SPEC.json - run a validation workload (queueing, contention)");
	int rc;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "study"))
		return 2;
	if (argc != 2) {
		fprintf(stderr, "selsim study: expected SPEC.json (see selsim "
			"study --help)\n");
		g_free(outdir);
		return 2;
	}
	rc = study_do(argv[1], outdir, no_plots, quiet);
	g_free(outdir);
	return rc;
}
