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
#include "models/contention.h"
#include "models/queueing.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define STUDY_MAX_SERIES 16
#define STUDY_MAX_POINTS 64

struct series {
	char *label;		/* as plotted: "p2c (choice_count=20)" */
	const struct policy_ops *ops;	/* queueing */
	char *own_name;		/* queueing: one own parameter, or NULL */
	double own_value;
	backoff_kind kind;	/* contention */
};

struct study {
	const char *file;
	char *name;
	char *description;
	bool queueing;		/* else contention */
	uint64_t seed;
	struct series series[STUDY_MAX_SERIES];
	int n_series;
	double x[STUDY_MAX_POINTS];	/* utilisations, or client counts */
	int n_x;
	/* queueing */
	uint64_t requests;
	uint64_t requests_at[STUDY_MAX_POINTS];	/* per utilisation: a
						 * "requests" array, else
						 * requests throughout */
	int servers, workers;
	struct dist service;
	/* contention */
	int runs;
	sim_time base, cap, net_mean, net_sd;
	bool has_base, has_cap, has_net;
};

static gboolean bad(GError **error, const char *file, const char *path,
		    const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static gboolean bad(GError **error, const char *file, const char *path,
		    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s%s%s", file,
		    path, *path ? ": " : "", msg);
	g_free(msg);
	return FALSE;
}

static gboolean check_keys(const struct study *st, const cJSON *o,
			   const char *path, const char *const *keys,
			   GError **error)
{
	const cJSON *e;
	size_t i;

	if (!cJSON_IsObject(o))
		return bad(error, st->file, path, "expected an object");
	for (e = o->child; e; e = e->next) {
		for (i = 0; keys[i] && strcmp(keys[i], e->string); i++)
			;
		if (!keys[i]) {
			GString *v = g_string_new(NULL);
			gboolean r;

			for (i = 0; keys[i]; i++)
				g_string_append_printf(v, "%s%s", i ? ", " : "",
						       keys[i]);
			r = bad(error, st->file, path, "unknown key '%s' "
				"(valid: %s)", e->string, v->str);
			g_string_free(v, TRUE);
			return r;
		}
	}
	return TRUE;
}

static gboolean get_count(const struct study *st, const cJSON *o,
			  const char *key, double lo, double hi, double *out,
			  GError **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		return TRUE;	/* keep the default */
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < lo || v->valuedouble > hi)
		return bad(error, st->file, key, "expected a whole number "
			   "from %g to %g", lo, hi);
	*out = v->valuedouble;
	return TRUE;
}

static gboolean get_dur(const struct study *st, const cJSON *o,
			const char *key, const char *path, sim_time *out,
			bool *set, GError **error)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	GError *err = NULL;

	if (!v)
		return TRUE;
	if (cJSON_IsNumber(v) ? !sim_time_from_seconds(v->valuedouble, out, &err)
	    : !cJSON_IsString(v) ? (bad(error, st->file, path, "expected a "
					"duration such as \"5ms\""), TRUE)
	    : !sim_time_parse(v->valuestring, out, &err)) {
		gboolean r = bad(error, st->file, path, "%s", err->message);

		g_error_free(err);
		return r;
	}
	if (error && *error)
		return FALSE;
	if (set)
		*set = true;
	return TRUE;
}

static gboolean parse_queueing(struct study *st, const cJSON *root,
			       GError **error)
{
	static const char *const keys[] = {
		"name", "description", "workload", "seed", "requests",
		"servers", "workers", "service_time", "utilisation",
		"policies", NULL };
	const cJSON *v, *e;
	double x;
	int i = 0;

	if (!check_keys(st, root, "", keys, error))
		return FALSE;
	st->requests = 200000;
	st->servers = st->workers = 1;
	st->service = (struct dist){ .kind = DIST_EXPONENTIAL, .p = { 1, 0 } };
	x = (double)st->requests;
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "requests")) &&
	    !get_count(st, root, "requests", 1000, 1e9, &x, error))
		return FALSE;
	st->requests = (uint64_t)x;
	x = st->servers;
	if (!get_count(st, root, "servers", 1, LB_MAX_SERVERS, &x, error))
		return FALSE;
	st->servers = (int)x;
	x = st->workers;
	if (!get_count(st, root, "workers", 1, 1000, &x, error))
		return FALSE;
	st->workers = (int)x;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "service_time")) &&
	    !spec_parse_dist(st->file, "service_time", v, &st->service, error))
		return FALSE;
	if (!(dist_mean(&st->service) > 0))
		return bad(error, st->file, "service_time", "the mean must be "
			   "above 0");
	v = cJSON_GetObjectItemCaseSensitive(root, "utilisation");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
	    cJSON_GetArraySize(v) > STUDY_MAX_POINTS)
		return bad(error, st->file, "utilisation", "expected an array "
			   "of 1 to %d numbers in (0, 1)", STUDY_MAX_POINTS);
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsNumber(e) || !(e->valuedouble > 0) ||
		    !(e->valuedouble < 1)) {
			char path[32];

			g_snprintf(path, sizeof(path), "utilisation[%d]", st->n_x);
			return bad(error, st->file, path, "expected a number in "
				   "(0, 1): the load per worker");
		}
		st->x[st->n_x++] = e->valuedouble;
	}
	for (i = 0; i < st->n_x; i++)
		st->requests_at[i] = st->requests;
	/* "requests": one count per utilisation, so that heavier loads,
	 * whose runs stay correlated longer, run longer */
	v = cJSON_GetObjectItemCaseSensitive(root, "requests");
	if (cJSON_IsArray(v)) {
		if (cJSON_GetArraySize(v) != st->n_x)
			return bad(error, st->file, "requests", "expected a "
				   "whole number, or an array of one per "
				   "utilisation (%d)", st->n_x);
		i = 0;
		cJSON_ArrayForEach(e, v) {
			char path[32];

			g_snprintf(path, sizeof(path), "requests[%d]", i);
			if (!cJSON_IsNumber(e) ||
			    e->valuedouble != floor(e->valuedouble) ||
			    e->valuedouble < 1000 || e->valuedouble > 1e9)
				return bad(error, st->file, path, "expected a "
					   "whole number from 1000 to 1e+09");
			st->requests_at[i++] = (uint64_t)e->valuedouble;
		}
	}
	i = 0;	/* counts the policies below */
	v = cJSON_GetObjectItemCaseSensitive(root, "policies");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
	    cJSON_GetArraySize(v) > STUDY_MAX_SERIES)
		return bad(error, st->file, "policies", "expected an array of 1 "
			   "to %d policies (a name, or {\"policy\": NAME, "
			   "\"label\": TEXT, OWN_PARAM: NUMBER})",
			   STUDY_MAX_SERIES);
	cJSON_ArrayForEach(e, v) {
		struct series *sr = &st->series[i];
		char path[48];
		const char *name = NULL, *label = NULL;
		const cJSON *p;

		g_snprintf(path, sizeof(path), "policies[%d]", i);
		if (cJSON_IsString(e)) {
			name = e->valuestring;
		} else if (cJSON_IsObject(e)) {
			for (p = e->child; p; p = p->next) {
				if (!strcmp(p->string, "policy") &&
				    cJSON_IsString(p))
					name = p->valuestring;
				else if (!strcmp(p->string, "label") &&
					 cJSON_IsString(p))
					label = p->valuestring;
				else if (cJSON_IsNumber(p) && !sr->own_name) {
					sr->own_name = g_strdup(p->string);
					sr->own_value = p->valuedouble;
				} else {
					return bad(error, st->file, path,
						   "unexpected '%s' (a policy "
						   "takes \"policy\", \"label\" "
						   "and one own parameter)",
						   p->string);
				}
			}
		}
		if (!name || !(sr->ops = policy_find(name))) {
			char *known = policy_names();
			gboolean r = bad(error, st->file, path, "unknown policy "
					 "'%s' (known: %s)", name ? name : "",
					 known);

			g_free(known);
			return r;
		}
		if (sr->own_name) {
			int k = policy_own_find(sr->ops, sr->own_name);

			if (k < 0 || sr->own_value < sr->ops->own[k].min ||
			    sr->own_value > sr->ops->own[k].max)
				return bad(error, st->file, path, "'%s' is not a "
					   "parameter of %s, or %g is out of "
					   "its range (see selsim list)",
					   sr->own_name, name, sr->own_value);
		}
		sr->label = label ? g_strdup(label)
			  : sr->own_name ? g_strdup_printf("%s (%s=%g)", name,
							   sr->own_name,
							   sr->own_value)
			  : g_strdup(name);
		st->n_series = ++i;
	}
	return TRUE;
}

static gboolean parse_contention(struct study *st, const cJSON *root,
				 GError **error)
{
	static const char *const keys[] = {
		"name", "description", "workload", "seed", "runs", "clients",
		"strategies", "backoff", "network", NULL };
	static const char *const bkeys[] = { "base", "cap", NULL };
	static const char *const nkeys[] = { "mean", "sd", NULL };
	const cJSON *v, *e;
	double x = 100;
	int i = 0;

	if (!check_keys(st, root, "", keys, error))
		return FALSE;
	if (!get_count(st, root, "runs", 1, 100000, &x, error))
		return FALSE;
	st->runs = (int)x;
	v = cJSON_GetObjectItemCaseSensitive(root, "clients");
	if (cJSON_IsObject(v)) {
		static const char *const ckeys[] = { "from", "to", "step", NULL };
		double from = 10, to = 190, step = 20, n;

		if (!check_keys(st, v, "clients", ckeys, error) ||
		    !get_count(st, v, "from", 1, 100000, &from, error) ||
		    !get_count(st, v, "to", 1, 100000, &to, error) ||
		    !get_count(st, v, "step", 1, 100000, &step, error))
			return FALSE;
		for (n = from; n <= to && st->n_x < STUDY_MAX_POINTS; n += step)
			st->x[st->n_x++] = n;
	} else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 &&
		   cJSON_GetArraySize(v) <= STUDY_MAX_POINTS) {
		cJSON_ArrayForEach(e, v) {
			if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
			    e->valuedouble != floor(e->valuedouble))
				return bad(error, st->file, "clients", "expected "
					   "whole numbers >= 1");
			st->x[st->n_x++] = e->valuedouble;
		}
	} else {
		return bad(error, st->file, "clients", "expected {\"from\": N, "
			   "\"to\": N, \"step\": N} or an array of 1 to %d "
			   "counts", STUDY_MAX_POINTS);
	}
	if (st->n_x == 0)
		return bad(error, st->file, "clients", "no client count");
	v = cJSON_GetObjectItemCaseSensitive(root, "strategies");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
	    cJSON_GetArraySize(v) > STUDY_MAX_SERIES)
		return bad(error, st->file, "strategies", "expected an array "
			   "of backoff names (%s)", backoff_names());
	cJSON_ArrayForEach(e, v) {
		char path[48];
		GError *err = NULL;
		int k = cJSON_IsString(e) ? backoff_find(e->valuestring, &err)
					  : -1;

		g_snprintf(path, sizeof(path), "strategies[%d]", i);
		if (k < 0) {
			gboolean r = bad(error, st->file, path, "%s", err ?
					 err->message : "expected a backoff name");

			g_clear_error(&err);
			return r;
		}
		st->series[i].kind = (backoff_kind)k;
		st->series[i].label = g_strdup(e->valuestring);
		st->n_series = ++i;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "backoff")) &&
	    (!check_keys(st, v, "backoff", bkeys, error) ||
	     !get_dur(st, v, "base", "backoff.base", &st->base, &st->has_base,
		      error) ||
	     !get_dur(st, v, "cap", "backoff.cap", &st->cap, &st->has_cap,
		      error)))
		return FALSE;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "network")) &&
	    (!check_keys(st, v, "network", nkeys, error) ||
	     !get_dur(st, v, "mean", "network.mean", &st->net_mean,
		      &st->has_net, error) ||
	     !get_dur(st, v, "sd", "network.sd", &st->net_sd, &st->has_net,
		      error)))
		return FALSE;
	return TRUE;
}

static gboolean study_load(const char *path, struct study *st, GError **error)
{
	char *text = NULL;
	cJSON *root;
	const cJSON *v;
	GError *err = NULL;
	gboolean ok = FALSE;

	memset(st, 0, sizeof(*st));
	st->file = path;
	st->seed = 1;
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: cannot "
			    "read: %s", path, err->message);
		g_error_free(err);
		return FALSE;
	}
	root = cJSON_Parse(text);
	g_free(text);
	if (!root)
		return bad(error, path, "", "invalid JSON");
	v = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (!cJSON_IsString(v) || !*v->valuestring) {
		bad(error, path, "name", "expected the study's name");
		goto out;
	}
	st->name = g_strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(root, "description");
	st->description = g_strdup(cJSON_IsString(v) ? v->valuestring : "");
	v = cJSON_GetObjectItemCaseSensitive(root, "seed");
	if (v && (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		  v->valuedouble != floor(v->valuedouble))) {
		bad(error, path, "seed", "expected a whole number >= 0");
		goto out;
	}
	if (v)
		st->seed = (uint64_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(root, "workload");
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, "queueing") &&
				   strcmp(v->valuestring, "contention"))) {
		bad(error, path, "workload", "expected \"queueing\" or "
		    "\"contention\" (a K3s experiment runs with selsim run)");
		goto out;
	}
	st->queueing = !strcmp(v->valuestring, "queueing");
	ok = st->queueing ? parse_queueing(st, root, error)
			  : parse_contention(st, root, error);
out:
	cJSON_Delete(root);
	return ok;
}

static void study_release(struct study *st)
{
	int i;

	for (i = 0; i < st->n_series; i++) {
		g_free(st->series[i].label);
		g_free(st->series[i].own_name);
	}
	g_free(st->name);
	g_free(st->description);
	dist_release(&st->service);
}

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
				cJSON_AddNumberToObject(o, "requests", w->f[6]);
				cJSON_AddNumberToObject(o, "warmup_requests",
							w->f[7]);
				cJSON_AddNumberToObject(o, "batches", w->f[8]);
				cJSON_AddNumberToObject(o, "batch_lag1", w->f[9]);
				cJSON_AddBoolToObject(o, "batches_uncorrelated",
						      w->f[10] != 0);
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
