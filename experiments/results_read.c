/*
 * The results.json reader (results_read.h). The JSON is read through the
 * small getters of the first section (jnum, jstr, jobj, jget, jfail),
 * which keep the first error with its path and word it through json_in
 * (the one JSON-reading toolkit); the rest only calls them.
 */
#include "results_read.h"
#include "fmt.h"
#include "json_in.h"
#include "sim/error.h"
#include "sim/time.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON getters: a value at a path, keeping the first error ----
 *
 * The reader goes on after a problem (every getter returns a neutral
 * value) and reports the first one, through json_in so that its message
 * has the form and the escaping of every other input error:
 * "FILE: PATH.KEY: what is wrong". */

struct jreader {
	struct jin j;		/* messages; its path is set per error */
	bool failed;
};

/* Points the reader's path at @path.@key (@key may be NULL). */
static void jat(struct jreader *r, const char *path, const char *key)
{
	g_string_assign(r->j.path, path);
	if (key)
		jin_push_key(&r->j, key);
}

static void jfail(struct jreader *r, const char *path, const char *key,
		  const char *what)
{
	if (r->failed)
		return;
	r->failed = true;
	jat(r, path, key);
	jin_fail(&r->j, "%s", what);
}

/* A type error through json_in ("expected WANT, got TYPE (VALUE)"). */
static void jwrong(struct jreader *r, const cJSON *v, const char *path,
		   const char *key, const char *want)
{
	if (r->failed)
		return;
	r->failed = true;
	jat(r, path, key);
	jin_wrong_type(&r->j, v, want);
}

/* @obj[@key]: NULL (and an error unless @optional) when absent. */
static const cJSON *jget(struct jreader *r, const cJSON *obj,
			 const char *path, const char *key, bool optional)
{
	const cJSON *v = jin_member(obj, key);

	if (!v && !optional)
		jfail(r, path, key, "missing");
	return v;
}

/* A number, NaN for null (or when absent and @optional). */
static double jnum(struct jreader *r, const cJSON *obj, const char *path,
		   const char *key, bool optional)
{
	const cJSON *v = jget(r, obj, path, key, optional);

	if (!v || cJSON_IsNull(v))
		return NAN;
	if (!cJSON_IsNumber(v)) {
		jwrong(r, v, path, key, "a number or null");
		return NAN;
	}
	return v->valuedouble;
}

/* A string, NULL for null (or when absent and @optional). */
static const char *jstr(struct jreader *r, const cJSON *obj, const char *path,
			const char *key, bool optional)
{
	const cJSON *v = jget(r, obj, path, key, optional);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		jwrong(r, v, path, key, "a string or null");
		return NULL;
	}
	return v->valuestring;
}

static const cJSON *jobj(struct jreader *r, const cJSON *obj,
			 const char *path, const char *key, bool optional)
{
	const cJSON *v = jget(r, obj, path, key, optional);

	if (v && !cJSON_IsObject(v)) {
		jwrong(r, v, path, key, "an object");
		return NULL;
	}
	return v;
}

/* Item @i of array @arr as a number, NaN when it is not one. */
static double jitem_num(const cJSON *arr, int i)
{
	const cJSON *v = cJSON_GetArrayItem(arr, i);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* @obj[@key] as [lo, hi] into @lo and @hi (NaN for non-numbers); absent
 * leaves them NaN, anything else is an error. */
static void jpair(struct jreader *r, const cJSON *obj, const char *path,
		  const char *key, bool optional, double *lo, double *hi)
{
	const cJSON *ci = jget(r, obj, path, key, optional);

	*lo = *hi = NAN;
	if (!ci)
		return;
	if (!cJSON_IsArray(ci) || cJSON_GetArraySize(ci) != 2) {
		jfail(r, path, key, "expected [lo, hi]");
		return;
	}
	*lo = jitem_num(ci, 0);
	*hi = jitem_num(ci, 1);
}

/* ---- one cell ---- */

/* A numeric axis value ("p2c.choice_count": 20): its label is the number
 * as text, put in the document in place of the number (the document is
 * ours to edit), so that the label is borrowed like the others. */
static const char *numeric_axis(const cJSON *params, const char *key,
				double *x)
{
	const cJSON *num = jin_member(params, key);
	char label[32];

	*x = num->valuedouble;
	g_snprintf(label, sizeof(label), "%g", *x);
	cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)params, key,
					       cJSON_CreateString(label));
	return jin_member(params, key)->valuestring;
}

/* The rank of name @label of axis @a among the cells read before @c (in
 * r->cells), in order of first appearance. */
static double label_rank(const struct results *r,
			 const struct results_cell *c, size_t a,
			 const char *label)
{
	size_t i, n = (size_t)(c - r->cells);
	double next = 0;

	for (i = 0; i < n; i++) {
		if (!strcmp(r->cells[i].axis_val[a], label))
			return r->cells[i].axis_s[a];
		next = MAX(next, r->cells[i].axis_s[a] + 1);
	}
	return next;
}

static void read_params(struct jreader *jr, const struct results *r,
			const cJSON *o, const char *path,
			struct results_cell *c)
{
	const cJSON *params = jobj(jr, o, path, "params", r->n_axes == 0);
	char *sub = g_strconcat(path, ".params", NULL);
	size_t a;

	c->axis_val = g_new0(const char *, r->n_axes + 1);
	c->axis_s = g_new0(double, r->n_axes + 1);
	for (a = 0; a < r->n_axes && params && !jr->failed; a++) {
		const char *key = r->axes[a].key;
		sim_time t;

		if (cJSON_IsNumber(jin_member(params,
								    key))) {
			c->axis_val[a] = numeric_axis(params, key,
						      &c->axis_s[a]);
			continue;
		}
		c->axis_val[a] = jstr(jr, params, sub, key, false);
		if (jr->failed)
			break;
		if (c->axis_val[a] && !sim_time_parse(c->axis_val[a], &t, NULL)
		    && (!strncmp(key, "failures", 8) ||
			!strncmp(key, "topology.", 9))) {
			/* a named world axis, or one of words
			 * (topology.server_address): its names in order of
			 * first appearance */
			c->axis_s[a] = label_rank(r, c, a, c->axis_val[a]);
			continue;
		}
		if (!c->axis_val[a] ||
		    !sim_time_parse(c->axis_val[a], &t, NULL)) {
			jfail(jr, sub, key, "expected a duration such as "
			      "\"2s\" or a number");
			break;
		}
		c->axis_s[a] = sim_time_to_s(t);
	}
	g_free(sub);
}

/* join_time_s.beyond_deadline: which quantiles are beyond it. */
static void read_beyond(const cJSON *b, struct results_cell *c)
{
	c->beyond_p50 = cJSON_IsTrue(jin_member(b, "p50"));
	c->beyond_p90 = cJSON_IsTrue(jin_member(b, "p90"));
	c->beyond_p99 = cJSON_IsTrue(jin_member(b, "p99"));
	c->beyond_max = cJSON_IsTrue(jin_member(b, "max"));
}

/* join_time_joined_s: the figures over the nodes that joined. */
static void read_joined(struct jreader *jr, const cJSON *o, const char *path,
			struct results_cell *c)
{
	const cJSON *j = jobj(jr, o, path, "join_time_joined_s", true);
	char *sub = g_strconcat(path, ".join_time_joined_s", NULL);

	c->joined_mean = jnum(jr, j, sub, "mean", true);
	c->joined_p50 = jnum(jr, j, sub, "p50", true);
	c->joined_p90 = jnum(jr, j, sub, "p90", true);
	c->joined_p99 = jnum(jr, j, sub, "p99", true);
	c->joined_max = jnum(jr, j, sub, "max", true);
	g_free(sub);
}

/* The failover figures the plots draw (output.c json_failover_more()):
 * each optional, as older files lack them. */
static void read_failover_more(struct jreader *jr, const cJSON *f,
			       const char *sub, struct results_cell *c)
{
	const cJSON *cdf = jget(jr, f, sub, "time_back_cdf_s", true);
	double from = jnum(jr, f, sub, "time_back_cdf_beyond_deadline_from",
			   true);
	size_t i;

	c->fo_notready_lo = c->fo_notready_hi = NAN;
	jpair(jr, f, sub, "notready_node_s_ci95", true, &c->fo_notready_lo,
	      &c->fo_notready_hi);
	c->fo_grace_s = jnum(jr, f, sub, "grace_period_s", true);
	c->fo_cdf_beyond_from = isfinite(from) && from >= 0 &&
		from < RESULTS_CDF_POINTS ? (int)from : RESULTS_CDF_POINTS;
	for (i = 0; i < RESULTS_CDF_POINTS; i++)
		c->fo_cdf[i] = NAN;
	if (!cdf || cJSON_IsNull(cdf))
		return;
	if (!cJSON_IsArray(cdf) ||
	    cJSON_GetArraySize(cdf) != RESULTS_CDF_POINTS) {
		jfail(jr, sub, "time_back_cdf_s",
		      "not an array of " G_STRINGIFY(RESULTS_CDF_POINTS)
		      " numbers");
		return;
	}
	for (i = 0; i < RESULTS_CDF_POINTS; i++)
		c->fo_cdf[i] = jitem_num(cdf, i);
}

/* "failover" and "vs_baseline.failover", when present. */
static void read_failover(struct jreader *jr, const cJSON *o,
			  const char *path, struct results_cell *c)
{
	const cJSON *f = jobj(jr, o, path, "failover", true);
	const cJSON *vs = jobj(jr, o, path, "vs_baseline", true), *x;
	char *sub = g_strconcat(path, ".failover", NULL), *sub2;

	c->has_fo = f != NULL;
	c->fo_vs_notready_s = c->fo_vs_lo = c->fo_vs_hi = NAN;
	c->fo_rate = c->fo_lo = c->fo_hi = NAN;
	if (!f) {
		g_free(sub);
		return;
	}
	x = jobj(jr, f, sub, "success", false);
	sub2 = g_strconcat(sub, ".success", NULL);
	if (x) {
		const cJSON *ci = jget(jr, x, sub2, "ci95", false);

		c->fo_trials = jnum(jr, x, sub2, "trials", false);
		c->fo_rate = jnum(jr, x, sub2, "rate", false);
		if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2) {
			c->fo_lo = jitem_num(ci, 0);
			c->fo_hi = jitem_num(ci, 1);
		}
	}
	g_free(sub2);
	c->fo_affected = jnum(jr, f, sub, "affected", false);
	c->fo_back = jnum(jr, f, sub, "back", false);
	x = jobj(jr, f, sub, "time_back_s", false);
	sub2 = g_strconcat(sub, ".time_back_s", NULL);
	c->fo_back_mean = jnum(jr, x, sub2, "mean", true);
	c->fo_back_p50 = jnum(jr, x, sub2, "p50", true);
	c->fo_back_p90 = jnum(jr, x, sub2, "p90", true);
	c->fo_back_p99 = jnum(jr, x, sub2, "p99", true);
	g_free(sub2);
	c->fo_notready = jnum(jr, f, sub, "notready_per_scenario", true);
	c->fo_notready_s = jnum(jr, f, sub, "notready_node_s_per_scenario",
				true);
	c->fo_renewals = jnum(jr, f, sub, "failed_renewals_per_scenario",
			      true);
	c->fo_requests = jnum(jr, f, sub, "requests_per_failover", true);
	c->fo_dials = jnum(jr, f, sub, "dials_per_failover", true);
	read_failover_more(jr, f, sub, c);
	g_free(sub);
	if (vs && (x = jin_member(vs, "failover")) != NULL &&
	    (x = jin_member(x, "notready_node_s")) != NULL) {
		const cJSON *d = jin_member(x, "diff");
		const cJSON *ci = jin_member(x, "ci95");

		c->fo_vs_notready_s = cJSON_IsNumber(d) ? d->valuedouble : NAN;
		if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2) {
			c->fo_vs_lo = jitem_num(ci, 0);
			c->fo_vs_hi = jitem_num(ci, 1);
		}
	}
}

static void read_success_join(struct jreader *jr, const cJSON *o,
			      const char *path, struct results_cell *c)
{
	const cJSON *success = jobj(jr, o, path, "success", false);
	const cJSON *join = jobj(jr, o, path, "join_time_s", false);
	char *sub;

	c->lo = c->hi = NAN;
	if (success) {
		sub = g_strconcat(path, ".success", NULL);
		c->count = jnum(jr, success, sub, "count", false);
		c->rate = jnum(jr, success, sub, "rate", false);
		jpair(jr, success, sub, "ci95", false, &c->lo, &c->hi);
		g_free(sub);
	}
	if (join) {
		sub = g_strconcat(path, ".join_time_s", NULL);
		c->mean = jnum(jr, join, sub, "mean", false);
		c->p50 = jnum(jr, join, sub, "p50", false);
		c->p90 = jnum(jr, join, sub, "p90", false);
		c->p99 = jnum(jr, join, sub, "p99", false);
		c->max = jnum(jr, join, sub, "max", false);
		read_beyond(jin_member(join, "beyond_deadline"), c);
		g_free(sub);
	}
	read_joined(jr, o, path, c);
	read_failover(jr, o, path, c);
}

static void read_cdf(struct jreader *jr, const cJSON *o, const char *path,
		     struct results_cell *c)
{
	const cJSON *cdf = jget(jr, o, path, "join_time_cdf_s", true);
	int i;

	double from = jnum(jr, o, path, "join_time_cdf_beyond_deadline_from",
			   true);

	for (i = 0; i < RESULTS_CDF_POINTS; i++)
		c->cdf[i] = NAN;
	c->cdf_censored = jin_member(o, "join_time_cdf_beyond_deadline_from")
			  != NULL;
	c->cdf_beyond_from = isfinite(from) && from >= 0 &&
			     from < RESULTS_CDF_POINTS ? (int)from
						      : RESULTS_CDF_POINTS;
	if (!cdf || cJSON_IsNull(cdf))
		return;
	if (!cJSON_IsArray(cdf) ||
	    cJSON_GetArraySize(cdf) != RESULTS_CDF_POINTS) {
		jfail(jr, path, "join_time_cdf_s",
		      "expected 101 quantiles (0, 0.01 ... 1)");
		return;
	}
	for (i = 0; i < RESULTS_CDF_POINTS; i++)
		c->cdf[i] = jitem_num(cdf, i);
}

static void read_counts(struct jreader *jr, const cJSON *o, const char *path,
			struct results_cell *c)
{
	const cJSON *dials = jobj(jr, o, path, "dials_per_join", false);
	const cJSON *nodes = jobj(jr, o, path, "nodes", true);
	char *sub;

	c->dials = c->counted = c->ready = NAN;
	if (dials) {
		sub = g_strconcat(path, ".dials_per_join", NULL);
		c->dials = jnum(jr, dials, sub, "mean", false);
		g_free(sub);
	}
	c->failed_dials = jnum(jr, o, path, "failed_dials_per_join", true);
	c->timeout_wait = jnum(jr, o, path, "timeout_wait_s_per_join", true);
	c->requests = jnum(jr, o, path, "requests_per_join", true);
	c->fatal = jnum(jr, o, path, "fatal_restarts_per_scenario", true);
	if (nodes) {
		sub = g_strconcat(path, ".nodes", NULL);
		c->counted = jnum(jr, nodes, sub, "counted", true);
		c->ready = jnum(jr, nodes, sub, "ready", true);
		g_free(sub);
	}
}

/* A paired metric's "bound"; exact when absent or unknown. */
static enum results_bound read_bound(const cJSON *b)
{
	static const char *const names[] = {
		[RESULTS_BOUND_EXACT] = "exact",
		[RESULTS_BOUND_AT_LEAST] = "at_least",
		[RESULTS_BOUND_AT_MOST] = "at_most",
		[RESULTS_BOUND_BOTH_BEYOND] = "both_beyond_deadline",
	};
	size_t i;

	for (i = 0; cJSON_IsString(b) && i < G_N_ELEMENTS(names); i++)
		if (strcmp(b->valuestring, names[i]) == 0)
			return (enum results_bound)i;
	return RESULTS_BOUND_EXACT;
}

/* One metric of vs_baseline.metrics; lenient: a figure that is not a
 * number is NaN. */
static struct results_paired read_paired(const cJSON *metrics,
					 const char *name)
{
	const cJSON *m = jin_member(metrics, name);
	const cJSON *d, *ci, *sig, *v;
	struct results_paired p = { .diff = NAN, .lo = NAN, .hi = NAN,
				    .tail_nodes = NAN };

	if (!cJSON_IsObject(m))
		return p;
	p.present = true;
	d = jin_member(m, "diff");
	ci = jin_member(m, "ci95");
	sig = jin_member(m, "significant");
	if (cJSON_IsNumber(d))
		p.diff = d->valuedouble;
	if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2 &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))) {
		p.lo = jitem_num(ci, 0);
		p.hi = jitem_num(ci, 1);
	}
	if (cJSON_IsBool(sig))
		p.significant = cJSON_IsTrue(sig);
	else	/* not stated: the interval excludes 0 */
		p.significant = isfinite(p.lo) && (p.lo > 0 || p.hi < 0);
	p.significant_holm = cJSON_IsTrue(jin_member(m, "significant_holm"));
	v = jin_member(m, "method");
	p.method = cJSON_IsString(v) ? v->valuestring : NULL;
	p.bound = read_bound(jin_member(m, "bound"));
	v = jin_member(m, "tail_nodes");
	if (cJSON_IsNumber(v))
		p.tail_nodes = v->valuedouble;
	p.tail_warning = cJSON_IsTrue(jin_member(m, "tail_warning"));
	return p;
}

static void read_vs(struct jreader *jr, const struct results *r,
		    const cJSON *o, const char *path, struct results_cell *c)
{
	const cJSON *vs = jobj(jr, o, path, "vs_baseline", true);
	const cJSON *b, *metrics;

	if (!vs)
		return;
	metrics = jin_member(vs, "metrics");
	if (!cJSON_IsObject(metrics))
		return;
	b = jin_member(vs, "baseline");
	c->has_vs = true;
	b = jin_member(vs, "resamples");
	c->resamples = cJSON_IsNumber(b) ? b->valuedouble : NAN;
	b = jin_member(vs, "baseline");
	c->vs_baseline = cJSON_IsString(b) ? b->valuestring :
		r->baseline ? r->baseline : "the baseline";
	c->vs_success = read_paired(metrics, "success_rate");
	c->vs_mean = read_paired(metrics, "join_time_mean_s");
	c->vs_p50 = read_paired(metrics, "join_time_p50_s");
	c->vs_p99 = read_paired(metrics, "join_time_p99_s");
}

/* One cell of "results"; @path is "results[i]". */
static void read_cell(struct jreader *jr, const struct results *r,
		      const cJSON *o, const char *path,
		      struct results_cell *c)
{
	c->policy = jstr(jr, o, path, "policy", false);
	if (!c->policy && !jr->failed)
		jfail(jr, path, "policy", "expected a policy name");
	c->scenarios = jnum(jr, o, path, "scenarios", true);
	read_params(jr, r, o, path, c);
	read_success_join(jr, o, path, c);
	read_cdf(jr, o, path, c);
	read_counts(jr, o, path, c);
	read_vs(jr, r, o, path, c);
}

/* ---- the file ---- */

/* The digits of the top-level "seed" as written: cJSON keeps a double,
 * which rounds seeds past 2^53. */
static char *raw_seed(const char *text, const cJSON *root)
{
	const cJSON *v = jin_member(root, "seed");
	const char *p = strstr(text, "\"seed\"");
	size_t n;

	if (!v || !cJSON_IsNumber(v))
		return NULL;
	if (p) {
		p += strlen("\"seed\"");
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		       *p == ':')
			p++;
		n = strspn(p, "0123456789");
		/* the same number, read exactly (not a "seed" elsewhere) */
		if (n > 0 && n < 24 &&
		    g_ascii_strtod(p, NULL) == v->valuedouble)
			return g_strndup(p, n);
	}
	return g_strdup_printf("%.0f", v->valuedouble);
}

void results_release(struct results *r)
{
	size_t i;

	for (i = 0; i < r->n_cells; i++) {
		g_free(r->cells[i].axis_val);
		g_free(r->cells[i].axis_s);
	}
	g_free(r->cells);
	for (i = 0; i < r->n_axes; i++) {
		g_free(r->axes[i].val);
		g_free(r->axes[i].s);
	}
	g_free(r->axes);
	g_free(r->policies);
	g_free(r->seed);
	cJSON_Delete(r->root);
	g_free(r->text);
	g_free(r->file);
	memset(r, 0, sizeof(*r));
}

/* The largest results.json read: far above any run's (a million cells
 * would be about 1 GiB, past SPEC_MAX_GRID's memory anyway). */
#define RESULTS_MAX_BYTES ((size_t)1 << 30)

/* The document is an object. */
static gboolean check_object(struct results *r, GError **error)
{
	if (cJSON_IsObject(r->root))
		return TRUE;
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
		    "%s: expected an object, got %s", r->file,
		    jin_type_of(r->root));
	return FALSE;
}

/* Reads and parses the file into r->text and r->root, with json_in's
 * messages (a missing file says where selsim looked). */
static gboolean read_document(struct results *r, GError **error)
{
	cJSON *root;

	if (!g_file_test(r->file, G_FILE_TEST_EXISTS)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: no such file (not a results folder?)",
			    r->file);
		return FALSE;
	}
	if (!jin_read_file(r->file, RESULTS_MAX_BYTES, "a results file",
			   &r->text, error) ||
	    !jin_parse_text(r->file, r->text, &root, error))
		return FALSE;
	r->root = root;
	return check_object(r, error);
}

/* The top level: everything but the cells. */
static void read_top(struct jreader *jr, struct results *r)
{
	const cJSON *axes, *v;
	size_t a;

	r->version = jstr(jr, r->root, "", "selsim_version", true);
	r->spec = jstr(jr, r->root, "", "spec", false);
	r->spec_file = jstr(jr, r->root, "", "spec_file", true);
	r->baseline = jstr(jr, r->root, "", "baseline", true);
	r->command = jstr(jr, r->root, "", "command", true);
	r->scenarios = jnum(jr, r->root, "", "scenarios", false);
	r->deadline_s = jnum(jr, r->root, "", "deadline_s", true);
	r->comparisons = jnum(jr, r->root, "", "comparisons", true);
	r->alpha = jnum(jr, r->root, "", "alpha", true);
	if (!jr->failed &&
	    !cJSON_IsNumber(cJSON_GetObjectItem(r->root, "seed")))
		jfail(jr, "", "seed", "expected a number");
	r->seed = raw_seed(r->text, r->root);

	axes = jget(jr, r->root, "", "axes", true);
	if (axes && !cJSON_IsArray(axes))
		jfail(jr, "", "axes", "expected an array of sweep keys");
	r->n_axes = axes && cJSON_IsArray(axes) ?
		(size_t)cJSON_GetArraySize(axes) : 0;
	r->axes = g_new0(struct results_axis, r->n_axes + 1);
	for (a = 0; a < r->n_axes && !jr->failed; a++) {
		v = cJSON_GetArrayItem(axes, (int)a);
		if (!cJSON_IsString(v)) {
			char *p = g_strdup_printf("axes[%zu]", a);

			jfail(jr, p, NULL, "expected a sweep key");
			g_free(p);
		}
		r->axes[a].key = cJSON_IsString(v) ? v->valuestring : "";
	}
}

/* The index of @key in @seen; when new, @key is added with index *@next
 * (which counts up) and belongs to the table from then on. */
static size_t index_of(GHashTable *seen, char *key, size_t *next)
{
	gpointer idx;

	if (g_hash_table_lookup_extended(seen, key, NULL, &idx))
		return GPOINTER_TO_SIZE(idx);
	g_hash_table_insert(seen, key, GSIZE_TO_POINTER(*next));
	return (*next)++;
}

/* Numbers the policies and grid points in order of first appearance. */
static void index_cell(struct results *r, struct results_cell *c,
		       GHashTable *pols, GHashTable *grid)
{
	GString *key = g_string_new(NULL);
	size_t a, before = r->n_grid, pol_before = r->n_policies;

	c->pol = index_of(pols, (char *)c->policy, &r->n_policies);
	if (r->n_policies > pol_before)
		r->policies[c->pol] = c->policy;
	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(key, "%s\x1f", c->axis_val[a]);
	c->grid = index_of(grid, key->str, &r->n_grid);
	g_string_free(key, r->n_grid == before);
}

static void read_cells(struct jreader *jr, struct results *r)
{
	const cJSON *cells = jget(jr, r->root, "", "results", false);
	GHashTable *grid, *pols;
	size_t i;

	if (cells && !cJSON_IsArray(cells))
		jfail(jr, "", "results", "expected an array of cells");
	if (jr->failed)
		return;
	r->n_cells = (size_t)cJSON_GetArraySize(cells);
	r->cells = g_new0(struct results_cell, r->n_cells + 1);
	r->policies = g_new0(const char *, r->n_cells + 1);
	grid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	pols = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < r->n_cells && !jr->failed; i++) {
		const cJSON *v = cJSON_GetArrayItem(cells, (int)i);
		char *path = g_strdup_printf("results[%zu]", i);

		if (!cJSON_IsObject(v))
			jfail(jr, path, NULL, "expected an object");
		else
			read_cell(jr, r, v, path, &r->cells[i]);
		g_free(path);
		if (!jr->failed)
			index_cell(r, &r->cells[i], pols, grid);
	}
	g_hash_table_destroy(grid);
	g_hash_table_destroy(pols);
	if (!jr->failed && r->n_cells == 0)
		jfail(jr, "", "results", "no cells");
}

/* The distinct values of each axis, ascending. */
static void sort_axes(struct results *r)
{
	size_t a, i, k;

	for (a = 0; a < r->n_axes; a++) {
		struct results_axis *ax = &r->axes[a];
		size_t n = 0;

		ax->s = g_new(double, r->n_cells);
		for (i = 0; i < r->n_cells; i++)
			ax->s[i] = r->cells[i].axis_s[a];
		qsort(ax->s, r->n_cells, sizeof(double), fmt_cmp_double);
		for (i = 0; i < r->n_cells; i++)
			if (i == 0 || ax->s[i] != ax->s[n - 1])
				ax->s[n++] = ax->s[i];
		ax->n = n;
		ax->val = g_new0(const char *, n);
		for (i = 0; i < r->n_cells; i++)
			for (k = 0; k < n; k++)
				if (ax->s[k] == r->cells[i].axis_s[a] &&
				    !ax->val[k])
					ax->val[k] = r->cells[i].axis_val[a];
	}
}

/* Reads the document in r->text (r->root parsed) into @r. */
static gboolean read_results(struct results *r, GError **error)
{
	struct jreader jr = { .failed = false };
	gboolean ok;

	jin_init(&jr.j, r->file, NULL, error);
	read_top(&jr, r);
	read_cells(&jr, r);
	ok = !jr.failed;
	jin_release(&jr.j);
	if (!ok) {
		results_release(r);
		return FALSE;
	}
	sort_axes(r);
	return TRUE;
}

gboolean results_load(const char *dir, struct results *r, GError **error)
{
	memset(r, 0, sizeof(*r));
	r->file = g_build_filename(dir, "results.json", NULL);
	if (!read_document(r, error)) {
		results_release(r);
		return FALSE;
	}
	return read_results(r, error);
}

gboolean results_parse(const char *file, const char *text,
		       struct results *r, GError **error)
{
	memset(r, 0, sizeof(*r));
	r->file = g_strdup(file);
	r->text = g_strdup(text);
	if (!jin_parse_text(r->file, r->text, &r->root, error) ||
	    !check_object(r, error)) {
		results_release(r);
		return FALSE;
	}
	return read_results(r, error);
}

/* ---- labels ---- */

char *results_cell_label(const struct results *r,
			 const struct results_cell *c)
{
	GString *g = g_string_new(c->policy);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, ", %s=%s", r->axes[a].key,
				       c->axis_val[a]);
	return g_string_free(g, FALSE);
}

char *results_grid_label(const struct results *r,
			 const struct results_cell *c, const char *sep)
{
	GString *g = g_string_new(NULL);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, "%s%s=%s", a ? sep : "",
				       r->axes[a].key, c->axis_val[a]);
	return g_string_free(g, FALSE);
}

char *results_grid_values(const struct results *r,
			  const struct results_cell *c)
{
	GString *g = g_string_new(NULL);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, "%s%s", a ? ", " : "",
				       c->axis_val[a]);
	return g_string_free(g, FALSE);
}
