/*
 * Plots and the report (plot.h). Three parts: reading results.json into
 * plain cells, planning the plots (each a data file, a gnuplot script and
 * the variables it is run with) and running gnuplot, and writing the
 * report. The timeline of `selsim trace` comes last.
 */
#include "output.h"
#include "plot.h"
#include "spec.h"
#include "models/config.h"
#include "models/dist.h"
#include "policies/policy.h"
#include "sim/error.h"
#include "sim/time.h"

#include <cjson/cJSON.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The join-time CDF in results.json: quantiles 0, 0.01 ... 1. */
#define CDF_POINTS 101

/* How many cells the CDF, success and load plots draw before they fall
 * back to the cells of the first grid point (every cell stays in
 * results.csv): a plot with fifty lines informs no one. The CDF tells grid
 * points apart by colour for one policy (one of 10 colours), by dash type
 * for several (one of 4 that read apart). */
#define MAX_COLORS 10
#define MAX_DASHES 4
#define MAX_CDF_CELLS 16
#define MAX_BARS 24

/* The most paired comparisons the report spells out. */
#define MAX_COMPARISONS 60

/* ---- files ---- */

static gboolean write_gstring(const char *path, const GString *g,
			      GError **error)
{
	return output_write_atomic(path, g->str, g->len, error);
}

static gboolean make_dir(const char *path, GError **error)
{
	if (g_mkdir_with_parents(path, 0755) == 0)
		return TRUE;
	g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path,
		    g_strerror(errno));
	return FALSE;
}

/* ---- numbers and strings for data files ---- */

/* The shortest of %.15g, %.16g, %.17g that reads back to @v, in the C
 * locale; NaN when @v is not finite. Appended after a space unless it
 * starts a line (as are dat_int() and dat_str()). */
static void dat_num(GString *g, double v)
{
	static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	size_t i;

	if (g->len && g->str[g->len - 1] != '\n')
		g_string_append_c(g, ' ');
	if (!isfinite(v)) {
		g_string_append(g, "NaN");
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(fmts); i++) {
		g_ascii_formatd(buf, sizeof(buf), fmts[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	g_string_append(g, buf);
}

static void dat_int(GString *g, long long v)
{
	if (g->len && g->str[g->len - 1] != '\n')
		g_string_append_c(g, ' ');
	g_string_append_printf(g, "%lld", v);
}

/* A double-quoted label: gnuplot reads it as one column. Data files have
 * no escapes, so a double quote inside becomes a single one. */
static void dat_str(GString *g, const char *s)
{
	if (g->len && g->str[g->len - 1] != '\n')
		g_string_append_c(g, ' ');
	g_string_append_c(g, '"');
	for (; *s; s++)
		g_string_append_c(g, *s == '"' ? '\'' : *s == '\n' ? ' ' : *s);
	g_string_append_c(g, '"');
}

/* A gnuplot single-quoted string: a quote inside is doubled. */
static void gp_str(GString *g, const char *s)
{
	g_string_append_c(g, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			g_string_append_c(g, '\'');
		if (*s != '\n')
			g_string_append_c(g, *s);
	}
	g_string_append_c(g, '\'');
}

/* @s made safe for a file name: letters, digits, '.', '_' and '-'. */
static char *file_safe(const char *s)
{
	char *out = g_strdup(s);
	char *p;

	for (p = out; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '_';
	return out;
}

/* ---- results.json ---- */

struct cell {
	const char *policy;	/* borrowed from the JSON tree */
	size_t pol;		/* index into results.policies */
	size_t grid;		/* grid point, in order of first appearance */
	const char **axis_val;	/* per axis: the value as written ("2s") */
	double *axis_s;		/* per axis: the value in seconds */
	double scenarios;
	double count;		/* successful scenarios */
	double rate, lo, hi;	/* success rate and its 95% interval */
	double mean, p50, p90, p99, max;	/* join time, s */
	double cdf[CDF_POINTS];	/* join-time quantiles; NaN when none */
	double dials, failed_dials, timeout_wait, requests, fatal;
	double counted, ready;	/* nodes; NaN when absent */
	const cJSON *vs;	/* "vs_baseline", or NULL */
};

/* The distinct values of one axis, ascending. */
struct axis {
	const char *key;	/* "k3s.dial_timeout" */
	const char **val;	/* as written */
	double *s;		/* seconds */
	size_t n;
};

struct results {
	char *file;		/* DIR/results.json */
	char *text;		/* its contents */
	cJSON *root;
	const char *version, *spec, *spec_file, *baseline, *command;
	char *seed;		/* digits, exactly as written */
	double scenarios;
	double deadline_s;	/* NaN when absent */
	struct axis *axes;
	size_t n_axes;
	const char **policies;	/* in order of first appearance */
	size_t n_policies;
	size_t n_grid;		/* distinct grid points */
	struct cell *cells;
	size_t n_cells;
};

/* Reads JSON values at a path, keeping the first error. */
struct jreader {
	const char *file;
	GError **error;
	bool failed;
};

static void jfail(struct jreader *r, const char *path, const char *key,
		  const char *what)
{
	if (r->failed)
		return;
	r->failed = true;
	g_set_error(r->error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s%s%s: %s",
		    r->file, path, *path && key ? "." : "", key ? key : "",
		    what);
}

/* @obj[@key]: NULL (and an error unless @optional) when absent. */
static const cJSON *jget(struct jreader *r, const cJSON *obj,
			 const char *path, const char *key, bool optional)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

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
		jfail(r, path, key, "expected a number or null");
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
		jfail(r, path, key, "expected a string or null");
		return NULL;
	}
	return v->valuestring;
}

static const cJSON *jobj(struct jreader *r, const cJSON *obj,
			 const char *path, const char *key, bool optional)
{
	const cJSON *v = jget(r, obj, path, key, optional);

	if (v && !cJSON_IsObject(v)) {
		jfail(r, path, key, "expected an object");
		return NULL;
	}
	return v;
}

/* The digits of the top-level "seed" as written: cJSON keeps a double,
 * which rounds seeds past 2^53. */
static char *raw_seed(const char *text, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "seed");
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void results_release(struct results *r)
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

/* One cell of "results"; @path is "results[i]". */
static void read_cell(struct jreader *jr, struct results *r, const cJSON *o,
		      const char *path, struct cell *c)
{
	const cJSON *params, *success, *join, *dials, *nodes, *cdf, *ci;
	char *sub;
	size_t a, i;

	for (i = 0; i < CDF_POINTS; i++)
		c->cdf[i] = NAN;
	c->policy = jstr(jr, o, path, "policy", false);
	if (!c->policy && !jr->failed)
		jfail(jr, path, "policy", "expected a policy name");
	c->scenarios = jnum(jr, o, path, "scenarios", true);

	params = jobj(jr, o, path, "params", r->n_axes == 0);
	c->axis_val = g_new0(const char *, r->n_axes + 1);
	c->axis_s = g_new0(double, r->n_axes + 1);
	sub = g_strconcat(path, ".params", NULL);
	for (a = 0; a < r->n_axes && params; a++) {
		cJSON *num = cJSON_GetObjectItemCaseSensitive(params,
							      r->axes[a].key);
		sim_time t;

		if (cJSON_IsNumber(num)) {
			/* a numeric axis ("p2c.choice_count"): its label is
			 * the number as text; the document is ours to edit */
			char label[32];
			double x = num->valuedouble;

			g_snprintf(label, sizeof(label), "%g", x);
			cJSON_ReplaceItemInObjectCaseSensitive(
				(cJSON *)params, r->axes[a].key,
				cJSON_CreateString(label));
			c->axis_val[a] = jstr(jr, params, sub, r->axes[a].key,
					      false);
			c->axis_s[a] = x;
			continue;
		}
		c->axis_val[a] = jstr(jr, params, sub, r->axes[a].key, false);
		if (jr->failed)
			break;
		if (!c->axis_val[a] ||
		    !sim_time_parse(c->axis_val[a], &t, NULL)) {
			jfail(jr, sub, r->axes[a].key,
			      "expected a duration such as \"2s\" or a number");
			break;
		}
		c->axis_s[a] = sim_time_to_s(t);
	}
	g_free(sub);

	success = jobj(jr, o, path, "success", false);
	if (success) {
		sub = g_strconcat(path, ".success", NULL);
		c->count = jnum(jr, success, sub, "count", false);
		c->rate = jnum(jr, success, sub, "rate", false);
		ci = jget(jr, success, sub, "ci95", false);
		c->lo = c->hi = NAN;
		if (ci && (!cJSON_IsArray(ci) || cJSON_GetArraySize(ci) != 2))
			jfail(jr, sub, "ci95", "expected [lo, hi]");
		else if (ci) {
			const cJSON *lo = cJSON_GetArrayItem(ci, 0);
			const cJSON *hi = cJSON_GetArrayItem(ci, 1);

			c->lo = cJSON_IsNumber(lo) ? lo->valuedouble : NAN;
			c->hi = cJSON_IsNumber(hi) ? hi->valuedouble : NAN;
		}
		g_free(sub);
	}
	join = jobj(jr, o, path, "join_time_s", false);
	if (join) {
		sub = g_strconcat(path, ".join_time_s", NULL);
		c->mean = jnum(jr, join, sub, "mean", false);
		c->p50 = jnum(jr, join, sub, "p50", false);
		c->p90 = jnum(jr, join, sub, "p90", false);
		c->p99 = jnum(jr, join, sub, "p99", false);
		c->max = jnum(jr, join, sub, "max", false);
		g_free(sub);
	}
	cdf = jget(jr, o, path, "join_time_cdf_s", true);
	if (cdf && !cJSON_IsNull(cdf)) {
		if (!cJSON_IsArray(cdf) ||
		    cJSON_GetArraySize(cdf) != CDF_POINTS) {
			jfail(jr, path, "join_time_cdf_s",
			      "expected 101 quantiles (0, 0.01 ... 1)");
		} else {
			for (i = 0; i < CDF_POINTS; i++) {
				const cJSON *v = cJSON_GetArrayItem(cdf, (int)i);

				c->cdf[i] = cJSON_IsNumber(v) ? v->valuedouble
							      : NAN;
			}
		}
	}
	dials = jobj(jr, o, path, "dials_per_join", false);
	c->dials = NAN;
	if (dials) {
		sub = g_strconcat(path, ".dials_per_join", NULL);
		c->dials = jnum(jr, dials, sub, "mean", false);
		g_free(sub);
	}
	c->failed_dials = jnum(jr, o, path, "failed_dials_per_join", true);
	c->timeout_wait = jnum(jr, o, path, "timeout_wait_s_per_join", true);
	c->requests = jnum(jr, o, path, "requests_per_join", true);
	c->fatal = jnum(jr, o, path, "fatal_restarts_per_scenario", true);
	nodes = jobj(jr, o, path, "nodes", true);
	c->counted = c->ready = NAN;
	if (nodes) {
		sub = g_strconcat(path, ".nodes", NULL);
		c->counted = jnum(jr, nodes, sub, "counted", true);
		c->ready = jnum(jr, nodes, sub, "ready", true);
		g_free(sub);
	}
	c->vs = jobj(jr, o, path, "vs_baseline", true);
}

/*
 * Loads @dir/results.json. A missing, unreadable or malformed file is
 * SIM_ERROR_INPUT ("DIR/results.json: ...").
 */
static gboolean results_load(const char *dir, struct results *r,
			     GError **error)
{
	struct jreader jr = { NULL, error, false };
	const cJSON *axes, *cells, *v;
	GHashTable *grid, *pols;
	GError *err = NULL;
	size_t i, a;

	memset(r, 0, sizeof(*r));
	r->file = g_build_filename(dir, "results.json", NULL);
	jr.file = r->file;
	if (!g_file_get_contents(r->file, &r->text, NULL, &err)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s",
			    r->file,
			    g_error_matches(err, G_FILE_ERROR,
					    G_FILE_ERROR_NOENT) ?
			    "no such file (not a results folder?)" :
			    err->message);
		g_error_free(err);
		results_release(r);
		return FALSE;
	}
	r->root = cJSON_Parse(r->text);
	if (!r->root || !cJSON_IsObject(r->root)) {
		const char *at = cJSON_GetErrorPtr();

		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: not a JSON object%s%.20s%s", r->file,
			    at && r->root == NULL ? " (bad JSON near '" : "",
			    at && r->root == NULL ? at : "",
			    at && r->root == NULL ? "')" : "");
		results_release(r);
		return FALSE;
	}
	r->version = jstr(&jr, r->root, "", "selsim_version", true);
	r->spec = jstr(&jr, r->root, "", "spec", false);
	r->spec_file = jstr(&jr, r->root, "", "spec_file", true);
	r->baseline = jstr(&jr, r->root, "", "baseline", true);
	r->command = jstr(&jr, r->root, "", "command", true);
	r->scenarios = jnum(&jr, r->root, "", "scenarios", false);
	r->deadline_s = jnum(&jr, r->root, "", "deadline_s", true);
	if (!jr.failed && !cJSON_IsNumber(cJSON_GetObjectItem(r->root, "seed")))
		jfail(&jr, "", "seed", "expected a number");
	r->seed = raw_seed(r->text, r->root);

	axes = jget(&jr, r->root, "", "axes", true);
	if (axes && !cJSON_IsArray(axes))
		jfail(&jr, "", "axes", "expected an array of sweep keys");
	r->n_axes = axes && cJSON_IsArray(axes) ?
		(size_t)cJSON_GetArraySize(axes) : 0;
	r->axes = g_new0(struct axis, r->n_axes + 1);
	for (a = 0; a < r->n_axes && !jr.failed; a++) {
		v = cJSON_GetArrayItem(axes, (int)a);
		if (!cJSON_IsString(v)) {
			char *p = g_strdup_printf("axes[%zu]", a);

			jfail(&jr, p, NULL, "expected a sweep key");
			g_free(p);
		}
		r->axes[a].key = cJSON_IsString(v) ? v->valuestring : "";
	}

	cells = jget(&jr, r->root, "", "results", false);
	if (cells && !cJSON_IsArray(cells))
		jfail(&jr, "", "results", "expected an array of cells");
	if (jr.failed) {
		results_release(r);
		return FALSE;
	}
	r->n_cells = (size_t)cJSON_GetArraySize(cells);
	r->cells = g_new0(struct cell, r->n_cells + 1);
	r->policies = g_new0(const char *, r->n_cells + 1);
	grid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	pols = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < r->n_cells && !jr.failed; i++) {
		struct cell *c = &r->cells[i];
		char *path = g_strdup_printf("results[%zu]", i);
		GString *key = g_string_new(NULL);
		gpointer idx;

		v = cJSON_GetArrayItem(cells, (int)i);
		if (!cJSON_IsObject(v))
			jfail(&jr, path, NULL, "expected an object");
		else
			read_cell(&jr, r, v, path, c);
		g_free(path);
		if (jr.failed) {
			g_string_free(key, TRUE);
			break;
		}
		if (g_hash_table_lookup_extended(pols, c->policy, NULL, &idx)) {
			c->pol = GPOINTER_TO_SIZE(idx);
		} else {
			c->pol = r->n_policies;
			r->policies[r->n_policies++] = c->policy;
			g_hash_table_insert(pols, (gpointer)c->policy,
					    GSIZE_TO_POINTER(c->pol));
		}
		for (a = 0; a < r->n_axes; a++)
			g_string_append_printf(key, "%s\x1f", c->axis_val[a]);
		if (g_hash_table_lookup_extended(grid, key->str, NULL, &idx)) {
			c->grid = GPOINTER_TO_SIZE(idx);
			g_string_free(key, TRUE);
		} else {
			c->grid = r->n_grid++;
			g_hash_table_insert(grid, g_string_free(key, FALSE),
					    GSIZE_TO_POINTER(c->grid));
		}
	}
	g_hash_table_destroy(grid);
	g_hash_table_destroy(pols);
	if (!jr.failed && r->n_cells == 0)
		jfail(&jr, "", "results", "no cells");
	if (jr.failed) {
		results_release(r);
		return FALSE;
	}

	/* The distinct values of each axis, ascending. */
	for (a = 0; a < r->n_axes; a++) {
		struct axis *ax = &r->axes[a];
		size_t n = 0, k;

		ax->s = g_new(double, r->n_cells);
		for (i = 0; i < r->n_cells; i++)
			ax->s[i] = r->cells[i].axis_s[a];
		qsort(ax->s, r->n_cells, sizeof(double), cmp_double);
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
	return TRUE;
}

/* "k3s" or "k3s, dial_timeout=2s, ...". Caller frees with g_free(). */
static char *cell_label(const struct results *r, const struct cell *c)
{
	GString *g = g_string_new(c->policy);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, ", %s=%s", r->axes[a].key,
				       c->axis_val[a]);
	return g_string_free(g, FALSE);
}

/* "dial_timeout=2s, health_check_interval=1s" for grid point of @c. */
static char *grid_label(const struct results *r, const struct cell *c,
			const char *sep)
{
	GString *g = g_string_new(NULL);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, "%s%s=%s", a ? sep : "",
				       r->axes[a].key, c->axis_val[a]);
	return g_string_free(g, FALSE);
}

/* The values only: "2s, 1s". */
static char *grid_values(const struct results *r, const struct cell *c)
{
	GString *g = g_string_new(NULL);
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		g_string_append_printf(g, "%s%s", a ? ", " : "",
				       c->axis_val[a]);
	return g_string_free(g, FALSE);
}

/* How the CDF plot tells the cells apart. */
typedef enum {
	CDF_BY_POLICY,		/* no sweep: a colour per policy */
	CDF_BY_POINT,		/* one policy: a colour per grid point */
	CDF_POLICY_AND_POINT,	/* colour: the policy, dashes: the point */
	CDF_FIRST_POINT,	/* too many: the first grid point only */
} cdf_mode;

static cdf_mode cdf_mode_of(const struct results *r)
{
	if (r->n_grid <= 1)
		return CDF_BY_POLICY;
	if (r->n_policies == 1 && r->n_grid <= MAX_COLORS)
		return CDF_BY_POINT;
	if (r->n_grid <= MAX_DASHES && r->n_cells <= MAX_CDF_CELLS)
		return CDF_POLICY_AND_POINT;
	return CDF_FIRST_POINT;
}

/* Whether the success and load bars show every cell (else those of the
 * first grid point). */
static bool bars_all(const struct results *r)
{
	return r->n_cells <= MAX_BARS;
}

/* Whether the bars are grouped by grid point (a sweep, every cell). */
static bool bars_grouped(const struct results *r)
{
	return r->n_grid > 1 && bars_all(r);
}

/* ---- the plan: which plots, from which data ---- */

struct job {
	char *name;		/* DIR/plots/NAME.svg, .png */
	const char *script;	/* in the scripts folder: "cdf.gp" */
	char *data_name;	/* DIR/plots/DATA_NAME: "cdf.dat" */
	GString *data;		/* its contents; NULL when an earlier job
				 * writes the same file */
	GString *vars;		/* gnuplot assignments: "deadline=600; " */
	char *title;		/* the figure's title */
	char *caption;		/* what it shows, in a sentence or two */
};

static void job_free(gpointer p)
{
	struct job *j = p;

	g_free(j->name);
	g_free(j->data_name);
	if (j->data)
		g_string_free(j->data, TRUE);
	g_string_free(j->vars, TRUE);
	g_free(j->title);
	g_free(j->caption);
	g_free(j);
}

static struct job *job_new(GPtrArray *plan, const char *name,
			   const char *script, const char *data_name,
			   bool owns_data)
{
	struct job *j = g_new0(struct job, 1);

	j->name = g_strdup(name);
	j->script = script;
	j->data_name = g_strdup(data_name);
	j->data = owns_data ? g_string_new(NULL) : NULL;
	j->vars = g_string_new(NULL);
	g_ptr_array_add(plan, j);
	return j;
}

static void var_str(struct job *j, const char *name, const char *value)
{
	g_string_append_printf(j->vars, "%s=", name);
	gp_str(j->vars, value);
	g_string_append(j->vars, "; ");
}

static void var_num(struct job *j, const char *name, double value)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append_printf(j->vars, "%s=%s; ", name,
			       g_ascii_formatd(buf, sizeof(buf), "%.17g",
					       value));
}

/* The header every data file starts with. */
static void dat_header(GString *g, const struct results *r, const char *what,
		       const char *columns, bool partial)
{
	g_string_append_printf(g, "# selsim %s, from %s\n", what, r->file);
	g_string_append_printf(g, "# spec %s, %.0f scenarios per cell, seed %s\n",
			       r->spec, r->scenarios, r->seed ? r->seed : "?");
	if (partial)
		g_string_append(g, "# only the cells of the first grid point "
				   "(every cell is in results.csv)\n");
	g_string_append_printf(g, "# columns: %s\n", columns);
}

/* "Join time: first-etcd-down (200 scenarios per policy)"; when only
 * the first grid point is drawn (@partial), which one. */
static char *title_for(const struct results *r, const char *what,
		       bool partial)
{
	char *g, *t;

	if (!partial)
		return g_strdup_printf("%s: %s (%.0f scenarios per %s)", what,
				       r->spec, r->scenarios,
				       r->n_grid > 1 ? "cell" : "policy");
	g = grid_label(r, &r->cells[0], ", ");
	t = g_strdup_printf("%s: %s (%.0f scenarios per cell), at %s", what,
			    r->spec, r->scenarios, g);
	g_free(g);
	return t;
}

/* A suffix for captions when only the first grid point is drawn. */
static char *drawn_note(const struct results *r, bool partial)
{
	char *g, *s;

	if (!partial)
		return g_strdup("");
	g = grid_label(r, &r->cells[0], ", ");
	s = g_strdup_printf(" Drawn at the first grid point (%s); every cell "
			    "is in results.csv.", g);
	g_free(g);
	return s;
}

/* For a sweep: a legend entry per policy (colour) and per grid point
 * (dash type) rather than one per line. */
static void cdf_legend(struct job *j, const struct results *r)
{
	GString *pol = g_string_new(NULL), *grid = g_string_new(NULL);
	size_t i, g = 0;

	for (i = 0; i < r->n_policies; i++)
		g_string_append_printf(pol, "%s\"%s\"", i ? " " : "",
				       r->policies[i]);
	for (i = 0; i < r->n_cells; i++) {
		char *label;

		if (r->cells[i].grid != g)
			continue;
		label = grid_label(r, &r->cells[i], ", ");
		g_string_append_printf(grid, "%s\"%s\"", g ? " " : "", label);
		g_free(label);
		g++;
	}
	var_str(j, "legend_colors", pol->str);
	var_str(j, "legend_dashes", grid->str);
	g_string_free(pol, TRUE);
	g_string_free(grid, TRUE);
}

static void plan_cdf(GPtrArray *plan, const struct results *r)
{
	struct job *j = job_new(plan, "cdf", "cdf.gp", "cdf.dat", true);
	GString *colors = g_string_new(NULL), *dashes = g_string_new(NULL);
	cdf_mode mode = cdf_mode_of(r);
	bool partial = mode == CDF_FIRST_POINT;
	char *note = drawn_note(r, partial);
	size_t i, k, drawn = 0, shown = 0;

	dat_header(j->data, r, "join-time CDF per cell",
		   "quantile (0-1, of the nodes that became Ready), "
		   "join_time_s (that quantile of their join times), "
		   "ready_pct (quantile x nodes Ready / nodes (re)started, "
		   "%), policy (1-based); one block per cell, two blank lines "
		   "apart, each starting with a header line whose first field "
		   "is the cell's label", partial);
	for (i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		double share = isfinite(c->counted) && c->counted > 0 &&
			isfinite(c->ready) ? c->ready / c->counted : 1.0;
		char *label;
		bool any = false;

		if (partial && c->grid != 0)
			continue;
		shown++;
		for (k = 0; k < CDF_POINTS; k++)
			any = any || isfinite(c->cdf[k]);
		if (!any)
			continue;	/* no node joined: nothing to draw */
		label = mode == CDF_BY_POINT ? grid_label(r, c, ", ") :
			mode == CDF_POLICY_AND_POINT ? cell_label(r, c) :
			g_strdup(c->policy);
		g_string_append(j->data, "\n\n");
		dat_str(j->data, label);
		g_string_append(j->data, " join_time_s ready_pct policy\n");
		g_free(label);
		for (k = 0; k < CDF_POINTS; k++) {
			double q = (double)k / (CDF_POINTS - 1);

			dat_num(j->data, q);
			dat_num(j->data, c->cdf[k]);
			dat_num(j->data, 100.0 * q * share);
			dat_int(j->data, (long long)c->pol + 1);
			g_string_append_c(j->data, '\n');
		}
		g_string_append_printf(colors, " %zu", mode == CDF_BY_POINT ?
				       c->grid + 1 : c->pol + 1);
		g_string_append_printf(dashes, " %zu",
				       mode == CDF_POLICY_AND_POINT ?
				       c->grid + 1 : 1);
		drawn++;
	}
	if (drawn == 0) {
		/* Nothing joined anywhere: a CDF of nothing is no plot. */
		g_ptr_array_remove(plan, j);
	} else {
		GString *blocks = g_string_new(NULL);

		for (k = 0; k < drawn; k++)
			g_string_append_printf(blocks, " %zu", k);
		j->title = title_for(r, "Join time", partial);
		j->caption = g_strdup_printf(
			"Share of the nodes that (re)started that were Ready "
			"within a given time (log scale), %s; a line that "
			"stops short of 100%% stops at the share that joined "
			"before the deadline%s.%s%s",
			mode == CDF_BY_POINT ? "a line per grid point" :
			mode == CDF_POLICY_AND_POINT ?
			"a colour per policy, a dash pattern per grid point" :
			"a line per policy",
			isfinite(r->deadline_s) ? " (dashed)" : "", note,
			drawn < shown ? " Cells where no node joined have no "
					"line." : "");
		var_str(j, "plot_title", j->title);
		var_str(j, "blocks", blocks->str);
		var_str(j, "colors", colors->str);
		var_str(j, "dashes", dashes->str);
		if (mode == CDF_POLICY_AND_POINT)
			cdf_legend(j, r);
		if (isfinite(r->deadline_s)) {
			char buf[SIM_TIME_FMT_LEN];
			sim_time t;

			var_num(j, "deadline", r->deadline_s);
			if (sim_time_from_seconds(r->deadline_s, &t, NULL))
				var_str(j, "deadline_label",
					sim_time_format(t, buf));
		}
		g_string_free(blocks, TRUE);
	}
	g_string_free(colors, TRUE);
	g_string_free(dashes, TRUE);
	g_free(note);
}

/* Bar positions: one bar per drawn cell; with a sweep, grouped by grid
 * point with a gap between groups, the tic under the middle bar. */
static double bar_x(const struct results *r, const struct cell *c,
		    size_t order)
{
	if (!bars_grouped(r))
		return (double)order;
	return (double)(c->grid * (r->n_policies + 1) + c->pol);
}

static char *bar_tic(const struct results *r, const struct cell *c)
{
	if (!bars_grouped(r))
		return g_strdup(c->policy);
	if (c->pol != (r->n_policies - 1) / 2)
		return g_strdup("");
	return grid_values(r, c);
}

static void bar_vars(struct job *j, const struct results *r)
{
	GString *p;
	size_t i;

	if (!bars_grouped(r))
		return;
	if (r->n_grid > 6)	/* long tics side by side would overlap */
		var_num(j, "tic_rotate", 1);
	p = g_string_new(NULL);
	for (i = 0; i < r->n_axes; i++)
		g_string_append_printf(p, "%s%s", i ? ", " : "",
				       r->axes[i].key);
	var_str(j, "xname", p->str);
	g_string_free(p, TRUE);
	p = g_string_new(NULL);
	for (i = 0; i < r->n_policies; i++)
		g_string_append_printf(p, "%s\"%s\"", i ? " " : "",
				       r->policies[i]);
	var_str(j, "policies", p->str);
	g_string_free(p, TRUE);
}

/* Whether any cell has a number (not NaN) in the double at @offset. */
static bool any_finite(const struct results *r, size_t offset)
{
	size_t i;

	for (i = 0; i < r->n_cells; i++)
		if (isfinite(*(const double *)((const char *)&r->cells[i] +
					       offset)))
			return true;
	return false;
}

static void plan_bars(GPtrArray *plan, const struct results *r)
{
	struct job *s = job_new(plan, "success", "success.gp", "success.dat",
				true);
	struct job *l = job_new(plan, "load", "load.gp", "load.dat", true);
	bool partial = !bars_all(r);
	char *note = drawn_note(r, partial), *axes_note;
	size_t i, order = 0;

	axes_note = bars_grouped(r) ?
		g_strdup_printf(" Bars are grouped by grid point (%s).",
				r->n_axes == 1 ? r->axes[0].key : "the swept "
				"values, in the order of the axes") :
		g_strdup("");
	dat_header(s->data, r, "failover success per cell",
		   "x (bar position), label, policy (1-based), rate_pct, "
		   "ci95_lo_pct, ci95_hi_pct (95% Wilson interval), count, "
		   "scenarios, tic (x tic label)", partial);
	dat_header(l->data, r, "server load per cell",
		   "x (bar position), label, policy (1-based), "
		   "requests_per_join, dials_per_join, failed_dials_per_join, "
		   "fatal_restarts_per_scenario, tic (x tic label)", partial);
	for (i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		char *label, *tic;
		double x;

		if (partial && c->grid != 0)
			continue;
		label = cell_label(r, c);
		tic = bar_tic(r, c);
		x = bar_x(r, c, order++);

		dat_num(s->data, x);
		dat_str(s->data, label);
		dat_int(s->data, (long long)c->pol + 1);
		dat_num(s->data, 100.0 * c->rate);
		dat_num(s->data, 100.0 * c->lo);
		dat_num(s->data, 100.0 * c->hi);
		dat_num(s->data, c->count);
		dat_num(s->data, c->scenarios);
		dat_str(s->data, tic);
		g_string_append_c(s->data, '\n');

		dat_num(l->data, x);
		dat_str(l->data, label);
		dat_int(l->data, (long long)c->pol + 1);
		dat_num(l->data, c->requests);
		dat_num(l->data, c->dials);
		dat_num(l->data, c->failed_dials);
		dat_num(l->data, c->fatal);
		dat_str(l->data, tic);
		g_string_append_c(l->data, '\n');
		g_free(label);
		g_free(tic);
	}
	s->title = title_for(r, "Failover success", partial);
	s->caption = g_strdup_printf(
		"Share of scenarios in which every node that (re)started was "
		"Ready by the deadline, with its 95%% Wilson interval.%s%s",
		axes_note, note);
	var_str(s, "plot_title", s->title);
	bar_vars(s, r);
	l->title = title_for(r, "Server load per join", partial);
	l->caption = g_strdup_printf(
		"Load amplification: requests the servers received per join "
		"(per node that became Ready; left) and TCP dials behind them "
		"(right; the dark part failed: refused or timed out).%s%s",
		axes_note, note);
	var_str(l, "plot_title", l->title);
	bar_vars(l, r);
	g_free(axes_note);
	g_free(note);
	/* no node joined anywhere: there is no load per join to draw */
	if (!any_finite(r, offsetof(struct cell, requests)))
		g_ptr_array_remove(plan, l);
}

/* The policy an axis key applies to ("k3s" for "k3s.dial_timeout"), or
 * NULL when it applies to every policy. Caller frees with g_free(). */
static char *axis_policy(const char *key)
{
	const char *dot = strrchr(key, '.');

	return dot ? g_strndup(key, (size_t)(dot - key)) : NULL;
}

/* The cell of policy @p at the grid point whose axis values are @vals
 * (seconds; one per axis), or NULL. */
static const struct cell *find_cell(const struct results *r, size_t p,
				    const double *vals)
{
	size_t i, a;

	for (i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];

		if (c->pol != p)
			continue;
		for (a = 0; a < r->n_axes; a++)
			if (c->axis_s[a] != vals[a])
				break;
		if (a == r->n_axes)
			return c;
	}
	return NULL;
}

static void plan_sweep1(GPtrArray *plan, const struct results *r)
{
	const struct axis *ax = &r->axes[0];
	struct job *s = job_new(plan, "sweep-success", "sweep-success.gp",
				"sweep.dat", true);
	struct job *j = job_new(plan, "sweep-join", "sweep-join.gp",
				"sweep.dat", false);
	char *only = axis_policy(ax->key), *note;
	size_t p, k;

	dat_header(s->data, r, "sweep over one parameter",
		   "value_s, value (as in the spec), rate_pct, ci95_lo_pct, "
		   "ci95_hi_pct, join_p50_s, join_p99_s, join_mean_s, policy "
		   "(1-based); one block per policy, two blank lines apart, "
		   "each starting with a header line whose first field is "
		   "the policy", false);
	for (p = 0; p < r->n_policies; p++) {
		g_string_append(s->data, "\n\n");
		dat_str(s->data, r->policies[p]);
		g_string_append(s->data, " value rate_pct ci95_lo_pct "
			       "ci95_hi_pct join_p50_s join_p99_s join_mean_s "
			       "policy\n");
		for (k = 0; k < ax->n; k++) {
			const struct cell *c = find_cell(r, p, &ax->s[k]);

			if (!c)
				continue;
			dat_num(s->data, ax->s[k]);
			dat_str(s->data, ax->val[k]);
			dat_num(s->data, 100.0 * c->rate);
			dat_num(s->data, 100.0 * c->lo);
			dat_num(s->data, 100.0 * c->hi);
			dat_num(s->data, c->p50);
			dat_num(s->data, c->p99);
			dat_num(s->data, c->mean);
			dat_int(s->data, (long long)p + 1);
			g_string_append_c(s->data, '\n');
		}
	}
	note = only ? g_strdup_printf(" %s applies to %s only; the other "
				      "policies' runs do not change along it.",
				      ax->key, only)
		    : g_strdup("");
	s->title = g_strdup_printf("Failover success against %s: %s", ax->key,
				   r->spec);
	s->caption = g_strdup_printf("Share of scenarios in which every node "
				     "rejoined, a line per policy, with 95%% "
				     "intervals.%s", note);
	j->title = g_strdup_printf("Join time against %s: %s", ax->key,
				   r->spec);
	j->caption = g_strdup_printf("p99 (solid) and p50 (dashed) join time "
				     "of the nodes that became Ready, a line "
				     "per policy.%s", note);
	var_str(s, "plot_title", s->title);
	var_str(j, "plot_title", j->title);
	var_str(s, "xname", ax->key);
	var_str(j, "xname", ax->key);
	if (ax->n > 1 && ax->s[0] > 0 && ax->s[ax->n - 1] / ax->s[0] >= 10) {
		var_num(s, "logx", 1);
		var_num(j, "logx", 1);
	}
	g_free(note);
	g_free(only);
	/* no node joined at any point: no join times to draw */
	if (!any_finite(r, offsetof(struct cell, p99)))
		g_ptr_array_remove(plan, j);
}

static void plan_sweep2(GPtrArray *plan, const struct results *r)
{
	const struct axis *ax = &r->axes[0], *ay = &r->axes[1];
	size_t p, x, y;

	for (p = 0; p < r->n_policies; p++) {
		char *safe = file_safe(r->policies[p]);
		char *name = g_strdup_printf("heatmap-%s", safe);
		char *dat = g_strdup_printf("heatmap-%s.dat", safe);
		struct job *j = job_new(plan, name, "heatmap.gp", dat, true);

		dat_header(j->data, r, "sweep over two parameters",
			   "ix, iy (positions), x, y (values as in the spec), "
			   "rate_pct, join_p99_s; a blank line after each x",
			   false);
		g_string_append_printf(j->data, "# policy %s; x: %s, y: %s\n",
				       r->policies[p], ax->key, ay->key);
		for (x = 0; x < ax->n; x++) {
			for (y = 0; y < ay->n; y++) {
				double vals[2] = { ax->s[x], ay->s[y] };
				const struct cell *c = find_cell(r, p, vals);

				if (!c)
					continue;
				dat_int(j->data, (long long)x);
				dat_int(j->data, (long long)y);
				dat_str(j->data, ax->val[x]);
				dat_str(j->data, ay->val[y]);
				dat_num(j->data, 100.0 * c->rate);
				dat_num(j->data, c->p99);
				g_string_append_c(j->data, '\n');
			}
			g_string_append_c(j->data, '\n');
		}
		j->title = g_strdup_printf("%s over %s and %s: %s",
					   r->policies[p], ax->key, ay->key,
					   r->spec);
		j->caption = g_strdup_printf(
			"Policy %s at every grid point: failover success (%%, "
			"left) and p99 join time (s, right; blank where no "
			"node joined).", r->policies[p]);
		var_str(j, "plot_title", j->title);
		var_str(j, "xname", ax->key);
		var_str(j, "yname", ay->key);
		g_free(safe);
		g_free(name);
		g_free(dat);
	}
}

/* Every plot that fits @r, in report order. */
static GPtrArray *plan_new(const struct results *r)
{
	GPtrArray *plan = g_ptr_array_new_with_free_func(job_free);

	plan_cdf(plan, r);
	plan_bars(plan, r);
	if (r->n_axes == 1)
		plan_sweep1(plan, r);
	else if (r->n_axes == 2)
		plan_sweep2(plan, r);
	return plan;
}

/* ---- gnuplot ---- */

/* The folder of the scripts, ending in '/'. Caller frees with g_free(). */
static char *scripts_dir(void)
{
	const char *env = g_getenv("SELSIM_PLOTS_DIR");
	char *dir, *out;

	if (env && *env) {
		dir = g_strdup(env);
	} else {
#ifdef SELSIM_PLOTS_DIR
		dir = g_strdup(SELSIM_PLOTS_DIR);
#else
		/* experiments/plot.c -> plots/: CMake compiles with full
		 * source paths. */
		char *src = g_path_get_dirname(__FILE__);

		dir = g_build_filename(src, "..", "plots", NULL);
		g_free(src);
#endif
	}
	out = g_canonicalize_filename(dir, NULL);
	g_free(dir);
	dir = out;
	out = g_str_has_suffix(dir, "/") ? g_strdup(dir)
					 : g_strconcat(dir, "/", NULL);
	g_free(dir);
	return out;
}

/* The last line of @text that is not blank, trimmed. Caller frees. */
static char *last_line(const char *text)
{
	char **lines = g_strsplit(text ? text : "", "\n", -1);
	char *out = NULL;
	int i;

	for (i = (int)g_strv_length(lines) - 1; i >= 0 && !out; i--) {
		g_strstrip(lines[i]);
		if (*lines[i])
			out = g_strdup(lines[i]);
	}
	g_strfreev(lines);
	return out ? out : g_strdup("no message");
}

/* The -e argument: "plotsdir='...'; data='...'; out='...'; VARS". */
static char *gp_args(const char *sdir, const char *data, const char *out,
		     const char *vars)
{
	GString *e = g_string_new("plotsdir=");

	gp_str(e, sdir);
	g_string_append(e, "; data=");
	gp_str(e, data);
	g_string_append(e, "; out=");
	gp_str(e, out);
	g_string_append_printf(e, "; %s", vars);
	return g_string_free(e, FALSE);
}

/* One line of redraw.sh: the command that draws @out. */
static void redraw_line(GString *redraw, const char *sdir, const char *script,
			const char *data, const char *out, const char *vars)
{
	char *e = gp_args(sdir, data, out, vars);
	char *path = g_strconcat(sdir, script, NULL);
	char *qe = g_shell_quote(e), *qp = g_shell_quote(path);

	g_string_append_printf(redraw, "gnuplot -e %s %s\n", qe, qp);
	g_free(e);
	g_free(path);
	g_free(qe);
	g_free(qp);
}

/*
 * Runs `gnuplot -e ARGS SCRIPT` in @cwd (gp_args(), with @out.tmp for
 * @out): gnuplot writes OUT.tmp.svg (and .png), renamed to @out.svg
 * (.png) when it succeeds. @data and @out are relative to @cwd.
 */
static gboolean run_gnuplot(const char *gnuplot, const char *cwd,
			    const char *sdir, const char *script,
			    const char *data, const char *out,
			    const char *vars, GError **error)
{
	static const char *const exts[] = { ".svg", ".png" };
	char *script_path = g_strconcat(sdir, script, NULL);
	char *tmp = g_strconcat(out, ".tmp", NULL);
	char *e = gp_args(sdir, data, tmp, vars);
	char *argv[5], *err_text = NULL;
	int status = 0;
	gboolean ok = FALSE;
	GError *sp = NULL;
	size_t i;

	argv[0] = (char *)gnuplot;
	argv[1] = (char *)"-e";
	argv[2] = e;
	argv[3] = script_path;
	argv[4] = NULL;
	if (!g_spawn_sync(cwd, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
			  NULL, NULL, &err_text, &status, &sp)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
			    "gnuplot %s: %s", script_path, sp->message);
		g_error_free(sp);
		goto out;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		char *line = last_line(err_text);

		/* gnuplot's own line names the script: "FILE" line N: ... */
		if (strstr(line, script))
			g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
				    "gnuplot: %s", line);
		else
			g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
				    "gnuplot %s: %s", script_path, line);
		g_free(line);
		for (i = 0; i < G_N_ELEMENTS(exts); i++) {
			char *left = g_strconcat(cwd, "/", tmp, exts[i], NULL);

			unlink(left);
			g_free(left);
		}
		goto out;
	}
	for (i = 0; i < G_N_ELEMENTS(exts); i++) {
		char *from = g_build_filename(cwd, tmp, NULL);
		char *to = g_build_filename(cwd, out, NULL);
		char *from_ext = g_strconcat(from, exts[i], NULL);
		char *to_ext = g_strconcat(to, exts[i], NULL);
		GStatBuf st;
		bool have = g_stat(from_ext, &st) == 0, bad = false;

		if (i == 0 && (!have || st.st_size == 0)) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
				    "gnuplot %s: wrote no picture to %s",
				    script_path, from_ext);
			unlink(from_ext);
			bad = true;
		} else if (have && rename(from_ext, to_ext) != 0) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s",
				    to_ext, g_strerror(errno));
			unlink(from_ext);
			bad = true;
		}
		g_free(from);
		g_free(to);
		g_free(from_ext);
		g_free(to_ext);
		if (bad)
			goto out;
	}
	ok = TRUE;
out:
	g_free(err_text);
	g_free(script_path);
	g_free(tmp);
	g_free(e);
	return ok;
}

gboolean plot_results(const char *dir, bool *gnuplot_missing, GError **error)
{
	struct results r;
	GPtrArray *plan;
	char *plots, *gnuplot, *sdir, *path;
	GString *redraw;
	gboolean ok = TRUE;
	size_t i;

	if (gnuplot_missing)
		*gnuplot_missing = false;
	if (!results_load(dir, &r, error))
		return FALSE;
	plots = g_build_filename(dir, "plots", NULL);
	if (!make_dir(plots, error)) {
		g_free(plots);
		results_release(&r);
		return FALSE;
	}
	plan = plan_new(&r);
	sdir = scripts_dir();
	redraw = g_string_new("#!/bin/sh\n"
			      "# The gnuplot commands that drew these plots. "
			      "Edit a script or a .dat\n"
			      "# file, then run: sh plots/redraw.sh\n"
			      "set -e\ncd \"$(dirname \"$0\")/..\"\n");
	for (i = 0; i < plan->len && ok; i++) {
		struct job *j = g_ptr_array_index(plan, i);
		char *data = g_strconcat("plots/", j->data_name, NULL);
		char *out = g_strconcat("plots/", j->name, NULL);

		redraw_line(redraw, sdir, j->script, data, out, j->vars->str);
		if (j->data) {
			path = g_build_filename(dir, data, NULL);
			ok = write_gstring(path, j->data, error);
			g_free(path);
		}
		g_free(data);
		g_free(out);
	}
	if (ok) {
		path = g_build_filename(plots, "redraw.sh", NULL);
		ok = write_gstring(path, redraw, error);
		g_free(path);
	}
	gnuplot = g_find_program_in_path("gnuplot");
	if (ok && !gnuplot && gnuplot_missing)
		*gnuplot_missing = true;
	for (i = 0; i < plan->len && ok && gnuplot; i++) {
		struct job *j = g_ptr_array_index(plan, i);
		char *data = g_strconcat("plots/", j->data_name, NULL);
		char *out = g_strconcat("plots/", j->name, NULL);

		ok = run_gnuplot(gnuplot, dir, sdir, j->script, data, out,
				 j->vars->str, error);
		g_free(data);
		g_free(out);
	}
	g_string_free(redraw, TRUE);
	g_free(sdir);
	g_free(gnuplot);
	g_ptr_array_unref(plan);
	g_free(plots);
	results_release(&r);
	return ok;
}

/* ---- the report ---- */

/* A number with three significant digits, without an exponent: "0.0146",
 * "2.08", "14.6", "437". */
static char *num3(double v)
{
	double a = fabs(v);

	if (a >= 100 || a == 0)
		return g_strdup_printf("%.0f", v);
	if (a >= 10)
		return g_strdup_printf("%.1f", v);
	if (a >= 1)
		return g_strdup_printf("%.2f", v);
	return g_strdup_printf("%.3g", v);
}

/* The unit for durations of magnitude @ref: s, ms or µs. */
struct unit {
	double scale;
	const char *name;
};

static struct unit unit_for(double ref)
{
	static const struct unit s = { 1, "s" }, ms = { 1e3, "ms" },
				 us = { 1e6, "\xc2\xb5s" };

	ref = fabs(ref);
	if (!isfinite(ref) || ref >= 1 || ref == 0)
		return s;
	return ref >= 1e-3 ? ms : us;
}

/* A duration in seconds in words: "2.08 s", "14.6 ms"; "–" for none.
 * Caller frees with g_free(). */
static char *fmt_dur(double v)
{
	struct unit u = unit_for(v);
	char *n, *out;

	if (!isfinite(v))
		return g_strdup("\xe2\x80\x93");
	n = num3(v * u.scale);
	out = g_strdup_printf("%s %s", n, u.name);
	g_free(n);
	return out;
}

static char *fmt_num(double v)
{
	return isfinite(v) ? num3(v) : g_strdup("\xe2\x80\x93");
}

/* "99.5% [98.1, 100.0]". */
static char *fmt_rate(double rate, double lo, double hi)
{
	if (!isfinite(rate))
		return g_strdup("\xe2\x80\x93");
	return g_strdup_printf("%.1f%% [%.1f, %.1f]", 100 * rate, 100 * lo,
			       100 * hi);
}

/* The report as HTML and Markdown side by side. */
struct doc {
	GString *h;		/* report.html */
	GString *m;		/* report.md */
};

static void h_esc(GString *h, const char *text)
{
	char *e = g_markup_escape_text(text, -1);

	g_string_append(h, e);
	g_free(e);
}

/* Markdown table cells: a '|' would end the cell. */
static void m_cell(GString *m, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			g_string_append_c(m, '\\');
		g_string_append_c(m, *text == '\n' ? ' ' : *text);
	}
}

static void doc_section(struct doc *d, const char *id, const char *title)
{
	g_string_append_printf(d->h, "<section id=\"%s\">\n<h2>", id);
	h_esc(d->h, title);
	g_string_append(d->h, "</h2>\n");
	g_string_append_printf(d->m, "\n## %s\n\n", title);
}

static void doc_section_end(struct doc *d)
{
	g_string_append(d->h, "</section>\n");
}

static void doc_h3(struct doc *d, const char *title)
{
	g_string_append(d->h, "<h3>");
	h_esc(d->h, title);
	g_string_append(d->h, "</h3>\n");
	g_string_append_printf(d->m, "\n### %s\n\n", title);
}

/* A paragraph of plain text. */
static void doc_para(struct doc *d, const char *text)
{
	g_string_append(d->h, "<p>");
	h_esc(d->h, text);
	g_string_append(d->h, "</p>\n");
	g_string_append_printf(d->m, "%s\n\n", text);
}

/* A table: @cells holds @rows x @cols strings, the header first; columns
 * whose @numeric[c] is true align right. */
static void doc_table(struct doc *d, char **cells, size_t rows, size_t cols,
		      const bool *numeric)
{
	size_t r, c;

	g_string_append(d->h, "<div class=\"tablewrap\"><table>\n<thead><tr>");
	for (c = 0; c < cols; c++) {
		g_string_append_printf(d->h, "<th%s>",
				       numeric[c] ? " class=\"num\"" : "");
		h_esc(d->h, cells[c]);
		g_string_append(d->h, "</th>");
	}
	g_string_append(d->h, "</tr></thead>\n<tbody>\n");
	for (r = 1; r < rows; r++) {
		g_string_append(d->h, "<tr>");
		for (c = 0; c < cols; c++) {
			g_string_append_printf(d->h, "<td%s>",
					       numeric[c] ? " class=\"num\"" : "");
			h_esc(d->h, cells[r * cols + c]);
			g_string_append(d->h, "</td>");
		}
		g_string_append(d->h, "</tr>\n");
	}
	g_string_append(d->h, "</tbody>\n</table></div>\n");

	for (r = 0; r < rows; r++) {
		g_string_append(d->m, "|");
		for (c = 0; c < cols; c++) {
			g_string_append_c(d->m, ' ');
			m_cell(d->m, cells[r * cols + c]);
			g_string_append(d->m, " |");
		}
		g_string_append_c(d->m, '\n');
		if (r == 0) {
			g_string_append(d->m, "|");
			for (c = 0; c < cols; c++)
				g_string_append(d->m, numeric[c] ? " ---: |"
								 : " --- |");
			g_string_append_c(d->m, '\n');
		}
	}
	g_string_append_c(d->m, '\n');
}

/* A bulleted list of plain-text items. */
static void doc_list(struct doc *d, GPtrArray *items)
{
	size_t i;

	g_string_append(d->h, "<ul>\n");
	for (i = 0; i < items->len; i++) {
		g_string_append(d->h, "<li>");
		h_esc(d->h, g_ptr_array_index(items, i));
		g_string_append(d->h, "</li>\n");
		g_string_append_printf(d->m, "- %s\n",
				       (char *)g_ptr_array_index(items, i));
	}
	g_string_append(d->h, "</ul>\n");
	g_string_append_c(d->m, '\n');
}

static char *dur_text(sim_time t)
{
	char buf[SIM_TIME_FMT_LEN];

	return g_strdup(sim_time_format(t, buf));
}

static const char *link_class_words[LINK_N_CLASSES] = {
	"same AZ", "across AZs", "across regions",
};

/* The topology, network, servers and failures of @s. */
static void report_world(struct doc *d, const struct spec *s)
{
	const struct world_config *w = &s->world;
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	size_t cols = 5, i;
	char **cells = g_new0(char *, (w->n_nodes + 1) * cols);
	static const bool numeric[5] = { false, false, false, false, false };
	GString *azs = g_string_new(NULL);
	char *text;

	for (i = 0; i < w->n_azs; i++)
		g_string_append_printf(azs, "%s%s (%s)", i ? ", " : "",
				       w->azs[i].name,
				       w->regions[w->azs[i].region]);
	text = g_strdup_printf("%zu nodes in %zu AZ%s: %s.", w->n_nodes,
			       w->n_azs, w->n_azs == 1 ? "" : "s", azs->str);
	doc_h3(d, "Topology");
	doc_para(d, text);
	g_free(text);
	g_string_free(azs, TRUE);

	cells[0] = g_strdup("node");
	cells[1] = g_strdup("role");
	cells[2] = g_strdup("AZ");
	cells[3] = g_strdup("--server");
	cells[4] = g_strdup("at time 0");
	for (i = 0; i < w->n_nodes; i++) {
		const struct node_config *n = &w->nodes[i];
		char **row = cells + (i + 1) * cols;

		row[0] = g_strdup(n->name);
		row[1] = g_strdup(node_role_names[n->role]);
		row[2] = g_strdup(w->azs[n->az].name);
		row[3] = g_strdup(n->server >= 0 ? w->nodes[n->server].name
						 : "\xe2\x80\x93");
		row[4] = g_strdup(n->up ? "up and Ready" : "down");
	}
	doc_table(d, cells, w->n_nodes + 1, cols, numeric);
	for (i = 0; i < (w->n_nodes + 1) * cols; i++)
		g_free(cells[i]);
	g_free(cells);

	doc_h3(d, "Network and servers");
	for (i = 0; i < LINK_N_CLASSES; i++) {
		char *rtt = dist_describe(&w->network.rtt[i], true);

		g_ptr_array_add(items, g_strdup_printf("round-trip time %s: %s",
						       link_class_words[i],
						       rtt));
		g_free(rtt);
	}
	{
		char *retry = dur_text(w->network.syn_retry);
		char *svc = dist_describe(&w->servers.service_time, true);

		g_ptr_array_add(items, g_strdup_printf(
			"TLS handshake: %d round trips; SYN loss %g, a lost SYN "
			"retried after %s, then doubling",
			w->network.tls_round_trips, w->network.loss, retry));
		g_ptr_array_add(items, g_strdup_printf(
			"each server serves %d requests at once and queues up "
			"to %d more; service time %s", w->servers.workers,
			w->servers.queue, svc));
		g_free(retry);
		g_free(svc);
	}
	doc_list(d, items);
	g_ptr_array_set_size(items, 0);

	doc_h3(d, "Failures");
	for (i = 0; i < w->n_failures; i++) {
		char *desc = spec_failure_describe(w, &w->failures[i]);
		char *at = dur_text(w->failures[i].at);

		g_ptr_array_add(items, g_strdup_printf("at %s: %s", at, desc));
		g_free(desc);
		g_free(at);
	}
	if (w->random.enabled) {
		const struct random_config *rc = &w->random;
		GString *kinds = g_string_new(NULL);
		char *count = dist_describe(&rc->count, false);
		char *when = dist_describe(&rc->at, true);
		char *dur = rc->has_duration ? dist_describe(&rc->duration, true)
					     : g_strdup("for good");
		int k;

		for (k = 0; k < FAIL_N_KINDS; k++)
			if (rc->weight[k] > 0)
				g_string_append_printf(kinds, "%s%s (weight %g)",
						       kinds->len ? ", " : "",
						       failure_kind_names[k],
						       rc->weight[k]);
		g_ptr_array_add(items, g_strdup_printf(
			"in each scenario, %s random failures (rounded down): "
			"%s; at %s; lasting %s%s", count, kinds->str, when,
			dur, rc->partition_az ? "; a partition cuts an AZ off"
					      : ""));
		g_string_free(kinds, TRUE);
		g_free(count);
		g_free(when);
		g_free(dur);
	}
	if (items->len)
		doc_list(d, items);
	else
		doc_para(d, "None: every node starts up and stays up.");
	g_ptr_array_unref(items);
}

/* The policies as run, with the parameters that differ from K3s's. */
static void report_policies(struct doc *d, const struct results *r,
			    const struct spec *s)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	struct policy_params def;
	size_t p, k;

	policy_params_default(&def);
	doc_h3(d, "Policies");
	for (p = 0; p < r->n_policies; p++) {
		const struct policy_ops *ops = policy_find(r->policies[p]);
		int idx = s ? spec_policy_index(s, r->policies[p]) : -1;
		GString *g = g_string_new(r->policies[p]);

		if (ops && ops->summary)
			g_string_append_printf(g, ": %s", ops->summary);
		if (r->baseline && !strcmp(r->baseline, r->policies[p]))
			g_string_append(g, " (the baseline)");
		if (idx >= 0) {
			struct policy_params pp = s->policies[idx].params;
			size_t changed = 0;

			for (k = 0; k < policy_n_params; k++) {
				const struct param_desc *pd =
					&policy_param_descs[k];
				sim_time v = *policy_param_ref(&pp, pd);
				sim_time dv = *policy_param_ref(&def, pd);
				char a[SIM_TIME_FMT_LEN], b[SIM_TIME_FMT_LEN];

				if (v == dv)
					continue;
				g_string_append_printf(
					g, "%s %s=%s (K3s: %s)",
					changed++ ? "," : ". Parameters:",
					pd->name, sim_time_format(v, a),
					sim_time_format(dv, b));
			}
			if (!changed)
				g_string_append(g, ". Parameters: the K3s "
						   "defaults");
		}
		g_string_append_c(g, '.');
		g_ptr_array_add(items, g_string_free(g, FALSE));
	}
	doc_list(d, items);
	g_ptr_array_unref(items);

	if (r->n_axes) {
		size_t a, i;

		items = g_ptr_array_new_with_free_func(g_free);
		doc_h3(d, "Sweep");
		for (a = 0; a < r->n_axes; a++) {
			GString *g = g_string_new(r->axes[a].key);

			g_string_append(g, " over ");
			for (i = 0; i < r->axes[a].n; i++)
				g_string_append_printf(g, "%s%s", i ? ", " : "",
						       r->axes[a].val[i]);
			g_ptr_array_add(items, g_string_free(g, FALSE));
		}
		g_ptr_array_add(items, g_strdup_printf(
			"crossed as a grid of %zu point%s; every policy runs "
			"at every point", r->n_grid, r->n_grid == 1 ? "" : "s"));
		doc_list(d, items);
		g_ptr_array_unref(items);
	}
}

/* "10m", or "not recorded". Caller frees with g_free(). */
static char *deadline_text(const struct results *r)
{
	sim_time t;

	if (isfinite(r->deadline_s) &&
	    sim_time_from_seconds(r->deadline_s, &t, NULL))
		return dur_text(t);
	return g_strdup("not recorded");
}

/*
 * Loads the spec the results came from. A relative spec_file is relative
 * to the folder selsim ran in, unknown here: first the current folder,
 * then the folders above @dir (results/NAME sits two below the usual
 * one). The first error is the one reported.
 */
static gboolean spec_find_load(const char *spec_file, const char *dir,
			       struct spec *s, GError **error)
{
	char *up;
	int i;

	if (spec_load(spec_file, s, error))
		return TRUE;
	if (g_path_is_absolute(spec_file))
		return FALSE;
	up = g_strdup(dir);
	for (i = 0; i < 4; i++) {
		char *path = g_build_filename(up, spec_file, NULL);
		char *next = g_build_filename(up, "..", NULL);
		gboolean ok = g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
			      spec_load(path, s, NULL);

		g_free(path);
		g_free(up);
		up = next;
		if (ok) {
			g_clear_error(error);
			g_free(up);
			return TRUE;
		}
	}
	g_free(up);
	return FALSE;
}

static void report_spec(struct doc *d, const struct results *r,
			const char *dir)
{
	struct spec s;
	GError *err = NULL;
	bool have = false;
	char *text, *deadline;

	doc_section(d, "experiment", "The experiment");
	if (r->spec_file && spec_find_load(r->spec_file, dir, &s, &err)) {
		have = true;
		if (s.description)
			doc_para(d, s.description);
		if (strcmp(s.name, r->spec)) {
			text = g_strdup_printf("Note: %s now names the spec "
					       "'%s'; these results are of '%s'.",
					       r->spec_file, s.name, r->spec);
			doc_para(d, text);
			g_free(text);
		}
	} else {
		text = g_strdup_printf(
			"The spec file (%s) could not be read, so its topology "
			"and failures are left out: %s", r->spec_file ?
			r->spec_file : "not recorded", err ? err->message :
			"no spec_file in results.json");
		doc_para(d, text);
		g_free(text);
		g_clear_error(&err);
	}
	deadline = deadline_text(r);
	text = g_strdup_printf(
		"%.0f scenarios per %s, seed %s, deadline %s; every policy "
		"faces the same scenarios. Made by selsim %s from %s.",
		r->scenarios, r->n_grid > 1 ? "cell (policy at a grid point)"
					    : "policy",
		r->seed ? r->seed : "?", deadline,
		r->version ? r->version : "(version not recorded)",
		r->spec_file ? r->spec_file : r->spec);
	doc_para(d, text);
	g_free(text);
	g_free(deadline);
	if (have)
		report_world(d, &s);
	report_policies(d, r, have ? &s : NULL);
	if (have)
		spec_release(&s);
	doc_section_end(d);
}

/* The headline table: a row per cell. */
static void report_table(struct doc *d, const struct results *r)
{
	static const char *const figs[] = {
		"success [95% CI]", "p50", "p90", "p99", "max", "dials/join",
		"requests/join", "fatal restarts/scenario",
	};
	size_t nf = G_N_ELEMENTS(figs), cols = 1 + r->n_axes + nf;
	char **cells = g_new0(char *, (r->n_cells + 1) * cols);
	bool *numeric = g_new0(bool, cols);
	size_t i, a, c;

	doc_section(d, "results", "Results");
	doc_para(d, "Success: the share of scenarios in which every node that "
		    "(re)started was Ready by the deadline, with its 95% "
		    "Wilson interval. Join time: from a node's (re)start to "
		    "Ready, over the nodes that became Ready. Dials, requests "
		    "and fatal restarts are counted over the nodes that "
		    "(re)started.");
	cells[0] = g_strdup("policy");
	for (a = 0; a < r->n_axes; a++)
		cells[1 + a] = g_strdup(r->axes[a].key);
	for (c = 0; c < nf; c++) {
		cells[1 + r->n_axes + c] = g_strdup(figs[c]);
		numeric[1 + r->n_axes + c] = true;
	}
	for (i = 0; i < r->n_cells; i++) {
		const struct cell *cl = &r->cells[i];
		char **row = cells + (i + 1) * cols + 1 + r->n_axes;

		cells[(i + 1) * cols] = g_strdup(cl->policy);
		for (a = 0; a < r->n_axes; a++)
			cells[(i + 1) * cols + 1 + a] =
				g_strdup(cl->axis_val[a]);
		row[0] = fmt_rate(cl->rate, cl->lo, cl->hi);
		row[1] = fmt_dur(cl->p50);
		row[2] = fmt_dur(cl->p90);
		row[3] = fmt_dur(cl->p99);
		row[4] = fmt_dur(cl->max);
		row[5] = fmt_num(cl->dials);
		row[6] = fmt_num(cl->requests);
		row[7] = fmt_num(cl->fatal);
	}
	doc_table(d, cells, r->n_cells + 1, cols, numeric);
	for (i = 0; i < (r->n_cells + 1) * cols; i++)
		g_free(cells[i]);
	g_free(cells);
	g_free(numeric);
	doc_section_end(d);
}

/* One metric of vs_baseline: diff, ci95 and significant. */
struct paired {
	bool present;		/* the metric is there */
	double diff, lo, hi;	/* NaN when it could not be computed */
	bool significant;
};

static struct paired paired_get(const cJSON *metrics, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(metrics, name);
	const cJSON *d, *ci, *sig;
	struct paired p = { false, NAN, NAN, NAN, false };

	if (!cJSON_IsObject(m))
		return p;
	p.present = true;
	d = cJSON_GetObjectItemCaseSensitive(m, "diff");
	ci = cJSON_GetObjectItemCaseSensitive(m, "ci95");
	sig = cJSON_GetObjectItemCaseSensitive(m, "significant");
	if (cJSON_IsNumber(d))
		p.diff = d->valuedouble;
	if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2 &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))) {
		p.lo = cJSON_GetArrayItem(ci, 0)->valuedouble;
		p.hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
	}
	if (cJSON_IsBool(sig))
		p.significant = cJSON_IsTrue(sig);
	else	/* not stated: the interval excludes 0 */
		p.significant = isfinite(p.lo) && (p.lo > 0 || p.hi < 0);
	return p;
}

/* Decimals that give the largest of @a, @b, @c (in @u) two significant
 * digits, as a sentence shows them all: "2.3 s, 95% CI 1.9 to 2.7 s". */
static int decimals_for(double a, double b, double c, struct unit u)
{
	double m = MAX(fabs(a), MAX(isfinite(b) ? fabs(b) : 0,
				    isfinite(c) ? fabs(c) : 0)) * u.scale;
	int d;

	if (!(m > 0))
		return 1;
	d = 1 - (int)floor(log10(m));
	return CLAMP(d, 0, 6);
}

/* @v in @u with @dec decimals, with a sign when @sign ("+1.2", "-0.5"). */
static char *num_in(double v, struct unit u, int dec, bool sign)
{
	return g_strdup_printf(sign ? "%+.*f" : "%.*f", dec, v * u.scale);
}

/* One sentence on join-time metric @p of @pol against @base: "k3s joins
 * 2.3 s faster at p99 than article, 95% CI 1.9 to 2.7 s." Caller frees. */
static char *sentence_time(const char *pol, const char *base,
			   const char *where, struct paired p)
{
	struct unit u;
	char *a, *b, *c, *out;
	int dec;

	if (!isfinite(p.diff))
		return g_strdup_printf("%s and %s cannot be compared %s: no "
				       "node joined under one of them.", pol,
				       base, where);
	u = unit_for(MAX(fabs(p.diff), MAX(isfinite(p.lo) ? fabs(p.lo) : 0,
					   isfinite(p.hi) ? fabs(p.hi) : 0)));
	dec = decimals_for(p.diff, p.lo, p.hi, u);
	if (p.significant && isfinite(p.lo)) {
		bool faster = p.diff < 0;

		/* the magnitude and its interval, in the direction named */
		a = num_in(fabs(p.diff), u, dec, false);
		b = num_in(faster ? -p.hi : p.lo, u, dec, false);
		c = num_in(faster ? -p.lo : p.hi, u, dec, false);
		out = g_strdup_printf("%s joins %s %s %s %s than %s, 95%% CI "
				      "%s to %s %s.", pol, a, u.name,
				      faster ? "faster" : "slower", where,
				      base, b, c, u.name);
	} else {
		a = num_in(p.diff, u, dec, true);
		b = isfinite(p.lo) ? num_in(p.lo, u, dec, false) : g_strdup("?");
		c = isfinite(p.hi) ? num_in(p.hi, u, dec, false) : g_strdup("?");
		out = g_strdup_printf("%s and %s do not differ detectably in "
				      "join time %s: %s %s, 95%% CI %s to %s "
				      "%s.", pol, base, where, a, u.name, b, c,
				      u.name);
	}
	g_free(a);
	g_free(b);
	g_free(c);
	return out;
}

/* The same for the success rate, in percentage points. */
static char *sentence_success(const char *pol, const char *base,
			      struct paired p)
{
	double d = 100 * p.diff, lo = 100 * p.lo, hi = 100 * p.hi;

	if (!isfinite(p.diff))
		return g_strdup_printf("%s and %s cannot be compared in "
				       "success rate.", pol, base);
	if (p.significant && isfinite(p.lo)) {
		bool more = p.diff > 0;

		return g_strdup_printf(
			"%s succeeds in %.1f percentage points %s scenarios "
			"than %s, 95%% CI %.1f to %.1f points.", pol, fabs(d),
			more ? "more" : "fewer", base, more ? lo : -hi,
			more ? hi : -lo);
	}
	return g_strdup_printf("%s and %s do not differ detectably in success "
			       "rate: %+.1f points, 95%% CI %.1f to %.1f.",
			       pol, base, d, lo, hi);
}

/* The paired comparisons with the baseline, in sentences. */
static void report_comparisons(struct doc *d, const struct results *r)
{
	static const struct {
		const char *key, *where;
	} times[] = {
		{ "join_time_p99_s", "at p99" },
		{ "join_time_p50_s", "at p50" },
		{ "join_time_mean_s", "on average" },
	};
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	char *title = g_strdup_printf("Compared with %s", r->baseline ?
				      r->baseline : "the baseline");
	size_t i, k, n = 0, left = 0;

	doc_section(d, "comparisons", title);
	g_free(title);
	for (i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		const cJSON *metrics, *b;
		const char *base;
		GString *g;

		if (!c->vs)
			continue;
		b = cJSON_GetObjectItemCaseSensitive(c->vs, "baseline");
		base = cJSON_IsString(b) ? b->valuestring :
			r->baseline ? r->baseline : "the baseline";
		metrics = cJSON_GetObjectItemCaseSensitive(c->vs, "metrics");
		if (!cJSON_IsObject(metrics))
			continue;
		if (n++ >= MAX_COMPARISONS) {
			left++;
			continue;
		}
		g = g_string_new(NULL);
		if (r->n_axes) {
			char *gl = grid_label(r, c, ", ");

			g_string_append_printf(g, "At %s: ", gl);
			g_free(gl);
		}
		{
			struct paired p = paired_get(metrics, "success_rate");

			if (p.present) {
				char *s = sentence_success(c->policy, base, p);

				g_string_append(g, s);
				g_free(s);
			}
		}
		for (k = 0; k < G_N_ELEMENTS(times); k++) {
			struct paired p = paired_get(metrics, times[k].key);
			char *s;

			if (!p.present)
				continue;
			s = sentence_time(c->policy, base, times[k].where, p);
			g_string_append_printf(g, "%s%s", g->len ? " " : "", s);
			g_free(s);
		}
		g_ptr_array_add(items, g_string_free(g, FALSE));
	}
	if (items->len) {
		doc_para(d, "Differences are paired: each policy against the "
			    "baseline on the same scenarios (this policy minus "
			    "the baseline), with bootstrap 95% intervals. "
			    "\"Not detectably\" means the interval includes "
			    "zero.");
		doc_list(d, items);
		if (left) {
			char *t = g_strdup_printf("%zu more comparisons are "
						  "in results.json.", left);

			doc_para(d, t);
			g_free(t);
		}
	} else {
		doc_para(d, "This results file holds no paired comparisons "
			    "(vs_baseline): run it again with a selsim that "
			    "writes them to compare the policies scenario by "
			    "scenario.");
	}
	g_ptr_array_unref(items);
	doc_section_end(d);
}

/* @svg (a whole gnuplot SVG file) ready to inline in HTML: from "<svg"
 * on, every id prefixed with @prefix (several plots on one page would
 * otherwise share ids such as gpPt0 and clip paths), its <title> set to
 * @title. NULL when it is not an SVG. Caller frees with g_free(). */
static char *svg_inline(const char *svg, const char *prefix,
			const char *title)
{
	static const char *const refs[] = {
		" id='", " id=\"", "href='#", "href=\"#", "url(#",
	};
	const char *p = strstr(svg, "<svg"), *t;
	GString *g;
	size_t k;

	if (!p || !strstr(p, "</svg>"))
		return NULL;
	g = g_string_sized_new(strlen(p) + 1024);
	while (*p) {
		if (!strncmp(p, "<title>", 7) && (t = strstr(p, "</title>"))) {
			g_string_append(g, "<title>");
			h_esc(g, title);
			g_string_append(g, "</title>");
			p = t + strlen("</title>");
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(refs); k++) {
			size_t n = strlen(refs[k]);

			if (!strncmp(p, refs[k], n)) {
				g_string_append_len(g, p, (gssize)n);
				g_string_append(g, prefix);
				p += n;
				break;
			}
		}
		if (k == G_N_ELEMENTS(refs))
			g_string_append_c(g, *p++);
	}
	return g_string_free(g, FALSE);
}

/* The plots: inlined SVG in the HTML, links in the Markdown. */
static void report_plots(struct doc *d, const struct results *r,
			 const char *dir, GPtrArray *plan)
{
	size_t i, fig = 0;

	doc_section(d, "plots", "Plots");
	for (i = 0; i < plan->len; i++) {
		const struct job *j = g_ptr_array_index(plan, i);
		char *svg_rel = g_strconcat("plots/", j->name, ".svg", NULL);
		char *png_rel = g_strconcat("plots/", j->name, ".png", NULL);
		char *dat_rel = g_strconcat("plots/", j->data_name, NULL);
		char *svg_path = g_build_filename(dir, svg_rel, NULL);
		char *png_path = g_build_filename(dir, png_rel, NULL);
		char *text = NULL, *inl = NULL, *prefix, *title;
		bool png = g_file_test(png_path, G_FILE_TEST_IS_REGULAR);

		prefix = g_strdup_printf("%s-", j->name);
		title = g_strdelimit(g_strdup(j->title), "\n", ' ');
		if (g_file_get_contents(svg_path, &text, NULL, NULL))
			inl = svg_inline(text, prefix, title);
		if (inl) {
			fig++;
			g_string_append_printf(d->h, "<figure class=\"plot\" "
					       "id=\"fig-%s\">\n", j->name);
			g_string_append(d->h, inl);
			g_string_append_printf(d->h, "\n<figcaption><b>Figure "
					       "%zu.</b> ", fig);
			h_esc(d->h, j->caption);
			g_string_append(d->h, " <span class=\"files\">");
			g_string_append_printf(d->h, "<a href=\"%s\">SVG</a>",
					       svg_rel);
			if (png)
				g_string_append_printf(
					d->h, " \xc2\xb7 <a href=\"%s\">PNG</a>",
					png_rel);
			g_string_append_printf(d->h, " \xc2\xb7 data <a href="
					       "\"%s\">%s</a></span>"
					       "</figcaption>\n</figure>\n",
					       dat_rel, dat_rel);
			g_string_append_printf(d->m, "![%s](%s)\n\n*Figure "
					       "%zu.* %s Data: [%s](%s)",
					       title, svg_rel, fig,
					       j->caption, dat_rel, dat_rel);
			if (png)
				g_string_append_printf(d->m, ", PNG: [%s](%s)",
						       png_rel, png_rel);
			g_string_append(d->m, "\n\n");
		} else {
			char *t = g_strdup_printf(
				"%s: not drawn (gnuplot draws it: selsim plot "
				"DIR); its data is in %s.", title, dat_rel);

			g_string_append(d->h, "<p class=\"missing\">");
			h_esc(d->h, t);
			g_string_append(d->h, "</p>\n");
			g_string_append_printf(d->m, "%s\n\n", t);
			g_free(t);
		}
		g_free(text);
		g_free(inl);
		g_free(prefix);
		g_free(title);
		g_free(svg_rel);
		g_free(png_rel);
		g_free(dat_rel);
		g_free(svg_path);
		g_free(png_path);
	}
	if (r->n_axes > 2)
		doc_para(d, "A sweep over more than two parameters has no "
			    "sweep plot: its cells are in results.csv.");
	doc_section_end(d);
}

static void report_reproduce(struct doc *d, const struct results *r)
{
	doc_section(d, "reproduce", "Reproduce");
	if (r->command) {
		doc_para(d, "From the folder the spec path is relative to "
			    "(add -o DIR to choose the results folder; the "
			    "results are the same for any --threads):");
		g_string_append(d->h, "<pre><code class=\"command\">");
		h_esc(d->h, r->command);
		g_string_append(d->h, "</code></pre>\n");
		g_string_append_printf(d->m, "```sh\n%s\n```\n", r->command);
	} else {
		doc_para(d, "The command that made these results was not "
			    "recorded in results.json.");
	}
	doc_section_end(d);
}

static const char report_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Helvetica Neue',Arial,sans-serif;color:#222;background:#fff;"
	"max-width:980px;margin:2em auto;padding:0 1.2em;line-height:1.5}"
	"h1{font-size:1.7em;margin-bottom:.2em}"
	"h2{font-size:1.3em;border-bottom:1px solid #ddd;padding-bottom:.2em;"
	"margin-top:2em}"
	"h3{font-size:1.05em;margin-top:1.4em}"
	".meta{color:#555}"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
	"th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;"
	"white-space:nowrap}"
	"th{background:#f4f5f7}"
	"tbody tr:nth-child(even){background:#fafbfc}"
	".num{text-align:right;font-variant-numeric:tabular-nums}"
	".tablewrap{overflow-x:auto}"
	"figure.plot{margin:1.5em 0;padding:.6em;border:1px solid #e3e3e3;"
	"border-radius:4px}"
	"figure.plot svg{display:block;width:100%;height:auto}"
	"figcaption{font-size:.9em;color:#444;margin-top:.4em}"
	".files{color:#777}"
	".missing{color:#a33}"
	"pre{background:#f4f5f7;padding:.8em;border-radius:4px;"
	"overflow-x:auto}"
	"code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"monospace;font-size:.92em}"
	"footer{margin-top:3em;color:#777;font-size:.85em}";

/* Counts the figures whose SVG has a rendered size, for whoever checks
 * that the page shows its plots (a headless browser in the tests). */
static const char report_js[] =
	"window.addEventListener('load',function(){"
	"var figs=document.querySelectorAll('figure.plot'),shown=0;"
	"for(var i=0;i<figs.length;i++){"
	"var s=figs[i].querySelector('svg');"
	"if(!s)continue;"
	"var b=s.getBoundingClientRect();"
	"if(b.width>0&&b.height>0&&s.querySelector('path,polyline,rect,text'))"
	"shown++;}"
	"document.body.dataset.plotsShown=String(shown);"
	"document.body.dataset.plotsTotal=String(figs.length);"
	"});";

gboolean report_write(const char *dir, GError **error)
{
	struct results r;
	struct doc d;
	GPtrArray *plan;
	char *html_path, *md_path, *deadline;
	gboolean ok;

	if (!results_load(dir, &r, error))
		return FALSE;
	plan = plan_new(&r);
	d.h = g_string_new(NULL);
	d.m = g_string_new(NULL);
	deadline = deadline_text(&r);

	g_string_append(d.h,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		/* Nothing on this page may reach the network. */
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; "
		"script-src 'unsafe-inline'; img-src data:\">\n<title>");
	h_esc(d.h, r.spec);
	g_string_append(d.h, ": selsim report</title>\n<style>");
	g_string_append(d.h, report_css);
	g_string_append(d.h, "</style>\n</head>\n<body>\n<header>\n<h1>");
	h_esc(d.h, r.spec);
	g_string_append(d.h, "</h1>\n<p class=\"meta\">");
	{
		char *meta = g_strdup_printf(
			"selsim %s \xc2\xb7 %.0f scenarios per %s \xc2\xb7 "
			"seed %s \xc2\xb7 deadline %s%s%s",
			r.version ? r.version : "?", r.scenarios,
			r.n_grid > 1 ? "cell" : "policy",
			r.seed ? r.seed : "?", deadline,
			r.baseline ? " \xc2\xb7 baseline " : "",
			r.baseline ? r.baseline : "");

		h_esc(d.h, meta);
		g_string_append_printf(d.m, "# %s\n\n%s\n", r.spec, meta);
		g_free(meta);
	}
	g_string_append(d.h, "</p>\n</header>\n");

	report_spec(&d, &r, dir);
	report_table(&d, &r);
	report_plots(&d, &r, dir, plan);
	report_comparisons(&d, &r);
	report_reproduce(&d, &r);

	g_string_append(d.h, "<footer>Written by <code>selsim report</code> "
			"from results.json in this folder; the data behind "
			"each plot is in plots/, and plots/redraw.sh draws "
			"them again.</footer>\n<script>");
	g_string_append(d.h, report_js);
	g_string_append(d.h, "</script>\n</body>\n</html>\n");

	html_path = g_build_filename(dir, "report.html", NULL);
	md_path = g_build_filename(dir, "report.md", NULL);
	ok = write_gstring(html_path, d.h, error) &&
	     write_gstring(md_path, d.m, error);
	g_free(html_path);
	g_free(md_path);
	g_free(deadline);
	g_string_free(d.h, TRUE);
	g_string_free(d.m, TRUE);
	g_ptr_array_unref(plan);
	results_release(&r);
	return ok;
}

/* ---- the timeline of one scenario ---- */

/* A node of the trace: a row of the timeline. */
struct tl_row {
	char *name;
	bool span_open;		/* a failure of this node is under way */
	double span_t0;
	int span_kind;		/* 1 down, 2 degraded */
	char *span_what;
	bool join_open;		/* started, not yet Ready */
	double join_t0;
};

/* A failure of no one node (AZ outage, partition) under way. */
struct tl_global {
	char *stem;		/* "AZ a", "partition 2" */
	char *what;
	double t0;
};

struct timeline {
	GPtrArray *rows;	/* struct tl_row *, in order of appearance */
	GHashTable *by_name;	/* name -> row index + 1 */
	GHashTable *pending;	/* "node\tpeer" -> GQueue of dial ids */
	GArray *dial_t0, *dial_t1, *dial_row, *dial_out;
	GPtrArray *globals;	/* struct tl_global *, open */
	GString *b[8];		/* the data blocks, see plots/timeline.gp */
	double t_end;
	char *title, *subtitle;
};

static void tl_row_free(gpointer p)
{
	struct tl_row *r = p;

	g_free(r->name);
	g_free(r->span_what);
	g_free(r);
}

static void tl_global_free(gpointer p)
{
	struct tl_global *g = p;

	g_free(g->stem);
	g_free(g->what);
	g_free(g);
}

static void tl_queue_free(gpointer p)
{
	g_queue_free(p);
}

/* The row of @name, added when new; -1 for "-". */
static int tl_row_of(struct timeline *tl, const char *name)
{
	gpointer v;
	struct tl_row *r;

	if (!strcmp(name, "-") || !*name)
		return -1;
	v = g_hash_table_lookup(tl->by_name, name);
	if (v)
		return GPOINTER_TO_INT(v) - 1;
	r = g_new0(struct tl_row, 1);
	r->name = g_strdup(name);
	g_ptr_array_add(tl->rows, r);
	g_hash_table_insert(tl->by_name, r->name,
			    GINT_TO_POINTER((int)tl->rows->len));
	return (int)tl->rows->len - 1;
}

static void tl_close_span(struct timeline *tl, int row, double t)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, row);

	if (!r->span_open)
		return;
	dat_num(tl->b[1], r->span_t0);
	dat_num(tl->b[1], t);
	dat_int(tl->b[1], row);
	dat_int(tl->b[1], r->span_kind);
	dat_str(tl->b[1], r->span_what);
	g_string_append_c(tl->b[1], '\n');
	r->span_open = false;
	g_clear_pointer(&r->span_what, g_free);
}

/* Ends the join of @row: @end 1 Ready, 2 fatal, 3 cut short. */
static void tl_close_join(struct timeline *tl, int row, double t, int end)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, row);

	if (!r->join_open)
		return;
	dat_num(tl->b[3], r->join_t0);
	dat_num(tl->b[3], t);
	dat_int(tl->b[3], row);
	dat_int(tl->b[3], end);
	g_string_append_c(tl->b[3], '\n');
	r->join_open = false;
}

/* "AZ a out" -> "AZ a": the text without its last word. */
static char *tl_stem(const char *what)
{
	const char *sp = strrchr(what, ' ');

	return sp ? g_strndup(what, (size_t)(sp - what)) : g_strdup(what);
}

static void tl_point(GString *g, double t, int row)
{
	dat_num(g, t);
	dat_int(g, row);
	g_string_append_c(g, '\n');
}

/* One trace line: @node is its row (-1 for "-"); dials are matched to
 * their outcome by (@node_name, @peer_name), first in first out. */
static void tl_event(struct timeline *tl, double t, const char *kind,
		     int node, const char *text, const char *node_name,
		     const char *peer_name)
{
	const char *what = text;

	if (g_str_has_prefix(what, "failure ends: "))
		what += strlen("failure ends: ");
	else if (g_str_has_prefix(what, "failure: "))
		what += strlen("failure: ");

	if (!strcmp(kind, "failure") && node >= 0) {
		struct tl_row *r = g_ptr_array_index(tl->rows, node);

		if (g_str_has_prefix(what, "restart ")) {
			tl_close_span(tl, node, t);
			tl_close_join(tl, node, t, 3);
			tl_point(tl->b[7], t, node);
		} else if (g_str_has_prefix(what, "start ")) {
			tl_close_span(tl, node, t);
		} else {
			bool down = g_str_has_prefix(what, "stop ") ||
				    g_str_has_prefix(what, "crash ");

			tl_close_span(tl, node, t);
			if (down)
				tl_close_join(tl, node, t, 3);
			r->span_open = true;
			r->span_t0 = t;
			r->span_kind = down ? 1 : 2;
			r->span_what = g_strdup(what);
		}
	} else if (!strcmp(kind, "failure")) {
		struct tl_global *g = g_new0(struct tl_global, 1);

		g->stem = tl_stem(what);
		g->what = g_strdup(what);
		g->t0 = t;
		g_ptr_array_add(tl->globals, g);
	} else if (!strcmp(kind, "failure_end") && node >= 0) {
		tl_close_span(tl, node, t);
	} else if (!strcmp(kind, "failure_end")) {
		char *stem = tl_stem(what);
		size_t i;

		for (i = 0; i < tl->globals->len; i++) {
			struct tl_global *g = g_ptr_array_index(tl->globals, i);

			if (strcmp(g->stem, stem))
				continue;
			dat_num(tl->b[2], g->t0);
			dat_num(tl->b[2], t);
			dat_str(tl->b[2], g->what);
			g_string_append_c(tl->b[2], '\n');
			g_ptr_array_remove_index(tl->globals, i);
			break;
		}
		g_free(stem);
	} else if (!strcmp(kind, "start") && node >= 0) {
		struct tl_row *r = g_ptr_array_index(tl->rows, node);

		tl_close_join(tl, node, t, 3);
		r->join_open = true;
		r->join_t0 = t;
	} else if (!strcmp(kind, "ready") && node >= 0) {
		tl_close_join(tl, node, t, 1);
		tl_point(tl->b[5], t, node);
	} else if (!strcmp(kind, "fatal") && node >= 0) {
		tl_close_join(tl, node, t, 2);
		tl_point(tl->b[6], t, node);
	} else if (g_str_has_prefix(kind, "dial") && node >= 0) {
		char *key = g_strdup_printf("%s\t%s", node_name, peer_name);
		GQueue *q = g_hash_table_lookup(tl->pending, key);
		guint id;

		if (!strcmp(kind, "dial")) {
			int zero = 0;

			if (!q) {
				q = g_queue_new();
				g_hash_table_insert(tl->pending, key, q);
				key = NULL;
			}
			id = tl->dial_t0->len;
			g_array_append_val(tl->dial_t0, t);
			g_array_append_val(tl->dial_t1, t);
			g_array_append_val(tl->dial_row, node);
			g_array_append_val(tl->dial_out, zero);
			g_queue_push_tail(q, GUINT_TO_POINTER(id + 1));
		} else {
			int out = !strcmp(kind, "dial_ok") ? 1 :
				  !strcmp(kind, "dial_refused") ? 2 :
				  !strcmp(kind, "dial_timeout") ? 3 : 0;
			guint got = q ? GPOINTER_TO_UINT(g_queue_pop_head(q))
				      : 0;

			if (got) {
				g_array_index(tl->dial_t1, double, got - 1) = t;
				g_array_index(tl->dial_out, int, got - 1) = out;
			} else {	/* its dial was not traced: a mark */
				g_array_append_val(tl->dial_t0, t);
				g_array_append_val(tl->dial_t1, t);
				g_array_append_val(tl->dial_row, node);
				g_array_append_val(tl->dial_out, out);
			}
		}
		g_free(key);
	}
}

/* Reads @tsv into @tl. */
static gboolean tl_read(struct timeline *tl, const char *tsv, GError **error)
{
	char *text = NULL, **lines;
	GError *err = NULL;
	size_t i, events = 0;
	gboolean ok = TRUE;

	if (!g_file_get_contents(tsv, &text, NULL, &err)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s", tsv,
			    g_error_matches(err, G_FILE_ERROR,
					    G_FILE_ERROR_NOENT) ?
			    "no such file" : err->message);
		g_error_free(err);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (i = 0; lines[i] && ok; i++) {
		char *line = lines[i], **f;
		char *end;
		double t;

		g_strchomp(line);
		if (!*line)
			continue;
		if (line[0] == '#') {
			const char *c = line + 1 + strspn(line + 1, " ");

			if (g_str_has_prefix(c, "ended at ")) {
				double e = g_ascii_strtod(c + 9, NULL);

				if (isfinite(e))
					tl->t_end = MAX(tl->t_end, e);
				g_free(tl->subtitle);
				tl->subtitle = g_strdup(c);
			} else if (!tl->title && *c && line[1] == ' ' &&
				   c == line + 2) {
				tl->title = g_strdup(c);
			}
			continue;
		}
		f = g_strsplit(line, "\t", 5);
		t = f[0] ? g_ascii_strtod(f[0], &end) : NAN;
		if (g_strv_length(f) < 5 || end == f[0] || *end ||
		    !isfinite(t)) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s:%zu: expected time_s, kind, node, peer "
				    "and text separated by tabs (selsim trace "
				    "--format tsv)", tsv, i + 1);
			ok = FALSE;
		} else {
			int node = tl_row_of(tl, f[2]);

			tl_row_of(tl, f[3]);	/* a peer gets a row too */
			tl_event(tl, t, f[1], node, f[4], f[2], f[3]);
			tl->t_end = MAX(tl->t_end, t);
			events++;
		}
		g_strfreev(f);
	}
	g_strfreev(lines);
	if (ok && (events == 0 || tl->rows->len == 0)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: no trace events naming a node (expected the "
			    "output of selsim trace --format tsv)", tsv);
		ok = FALSE;
	}
	return ok;
}

/* Closes whatever is still open at the end of the trace and writes the
 * data file's text. Caller frees with g_string_free(). */
static GString *tl_finish(struct timeline *tl, const char *tsv)
{
	static const char *const names[8] = {
		"rows: y, node", "spans: t0, t1, y, kind (1 down, 2 "
		"degraded), what", "global: t0, t1, what",
		"joins: t0, t1, y, end (1 Ready, 2 fatal, 3 cut short or "
		"still joining)", "dials: t0, t1, y, outcome (1 ok, 2 "
		"refused, 3 timed out, 0 none)", "ready: t, y", "fatal: t, y",
		"restarts: t, y",
	};
	GString *g = g_string_new(NULL);
	size_t i;

	for (i = 0; i < tl->rows->len; i++) {
		tl_close_span(tl, (int)i, tl->t_end);
		tl_close_join(tl, (int)i, tl->t_end, 3);
		dat_int(tl->b[0], (long long)i);
		dat_str(tl->b[0], ((struct tl_row *)
				   g_ptr_array_index(tl->rows, i))->name);
		g_string_append_c(tl->b[0], '\n');
	}
	for (i = 0; i < tl->globals->len; i++) {
		struct tl_global *gl = g_ptr_array_index(tl->globals, i);

		dat_num(tl->b[2], gl->t0);
		dat_num(tl->b[2], tl->t_end);
		dat_str(tl->b[2], gl->what);
		g_string_append_c(tl->b[2], '\n');
	}
	for (i = 0; i < tl->dial_t0->len; i++) {
		dat_num(tl->b[4], g_array_index(tl->dial_t0, double, i));
		dat_num(tl->b[4], g_array_index(tl->dial_t1, double, i));
		dat_int(tl->b[4], g_array_index(tl->dial_row, int, i));
		dat_int(tl->b[4], g_array_index(tl->dial_out, int, i));
		g_string_append_c(tl->b[4], '\n');
	}
	g_string_append_printf(g, "# selsim timeline of one scenario, from %s\n",
			       tsv);
	if (tl->title)
		g_string_append_printf(g, "# %s\n", tl->title);
	g_string_append(g, "# eight blocks, two blank lines apart (times in "
			   "s; y: the row)\n");
	for (i = 0; i < 8; i++)
		g_string_append_printf(g, "#   %zu %s\n", i, names[i]);
	/* Blocks are counted by their separators, and gnuplot merges the
	 * separators around an empty block: an empty one holds a NaN row
	 * (the scripts skip it: see "has" in plot_trace()). */
	for (i = 0; i < 8; i++)
		g_string_append_printf(g, "%s# %s\n%s", i ? "\n\n" : "",
				       names[i], tl->b[i]->len ? tl->b[i]->str
							       : "NaN NaN\n");
	return g;
}

gboolean plot_trace(const char *tsv, const char *out_prefix,
		    bool *gnuplot_missing, GError **error)
{
	struct timeline tl;
	GString *data = NULL, *vars, *has;
	char *dat_path, *cwd, *base, *dat_rel, *gnuplot = NULL, *sdir;
	gboolean ok;
	size_t i;

	if (gnuplot_missing)
		*gnuplot_missing = false;
	memset(&tl, 0, sizeof(tl));
	tl.rows = g_ptr_array_new_with_free_func(tl_row_free);
	tl.by_name = g_hash_table_new(g_str_hash, g_str_equal);
	tl.pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   tl_queue_free);
	tl.dial_t0 = g_array_new(FALSE, FALSE, sizeof(double));
	tl.dial_t1 = g_array_new(FALSE, FALSE, sizeof(double));
	tl.dial_row = g_array_new(FALSE, FALSE, sizeof(int));
	tl.dial_out = g_array_new(FALSE, FALSE, sizeof(int));
	tl.globals = g_ptr_array_new_with_free_func(tl_global_free);
	for (i = 0; i < 8; i++)
		tl.b[i] = g_string_new(NULL);

	dat_path = g_strconcat(out_prefix, ".dat", NULL);
	cwd = g_path_get_dirname(out_prefix);
	base = g_path_get_basename(out_prefix);
	dat_rel = g_strconcat(base, ".dat", NULL);
	vars = g_string_new(NULL);
	has = g_string_new(NULL);
	ok = tl_read(&tl, tsv, error);
	if (ok) {
		data = tl_finish(&tl, tsv);
		ok = write_gstring(dat_path, data, error);
	}
	if (ok) {
		struct job j = { .vars = vars };

		for (i = 0; i < 8; i++)
			g_string_append_printf(has, "%s%d", i ? " " : "",
					       tl.b[i]->len > 0);
		var_str(&j, "has", has->str);
		var_num(&j, "t_end", tl.t_end > 0 ? tl.t_end : 1);
		var_str(&j, "plot_title", tl.title ? tl.title : "Timeline");
		if (tl.subtitle)
			var_str(&j, "subtitle", tl.subtitle);
		gnuplot = g_find_program_in_path("gnuplot");
		if (!gnuplot && gnuplot_missing)
			*gnuplot_missing = true;
	}
	if (ok && gnuplot) {
		sdir = scripts_dir();
		ok = run_gnuplot(gnuplot, cwd, sdir, "timeline.gp", dat_rel,
				 base, vars->str, error);
		g_free(sdir);
	}
	g_free(gnuplot);
	if (data)
		g_string_free(data, TRUE);
	g_string_free(vars, TRUE);
	g_string_free(has, TRUE);
	g_free(dat_path);
	g_free(cwd);
	g_free(base);
	g_free(dat_rel);
	for (i = 0; i < 8; i++)
		g_string_free(tl.b[i], TRUE);
	g_ptr_array_unref(tl.globals);
	g_array_free(tl.dial_t0, TRUE);
	g_array_free(tl.dial_t1, TRUE);
	g_array_free(tl.dial_row, TRUE);
	g_array_free(tl.dial_out, TRUE);
	g_hash_table_destroy(tl.pending);
	g_hash_table_destroy(tl.by_name);
	g_ptr_array_unref(tl.rows);
	g_free(tl.title);
	g_free(tl.subtitle);
	return ok;
}
