/*
 * The "tune" section of a run spec (tune_spec.h): parsed with json_in.h,
 * its parameters resolved as "sweep" keys are (spec_resolve_param()), its
 * metrics checked against the cell that output.h writes.
 */
#include "tune_spec.h"
#include "json_in.h"
#include "output.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A spec file larger than this is refused (spec.c's limit). */
#define MAX_FILE_SIZE (64 << 20)

static const char *const tune_keys[] = {
	"policies", "parameters", "objective", "constraints", "budget",
	"grid", "validation", NULL
};
static const char *const param_keys[] = { "min", "max", "log", NULL };
static const char *const objective_keys[] = { "metric", "goal", NULL };
static const char *const goals[] = { "minimize", "maximize", NULL };
static const char *const constraint_keys[] = { "metric", "min", "max", NULL };
static const char *const budget_keys[] = {
	"candidates", "scenarios", "block", "keep", "refine", NULL
};
static const char *const validation_keys[] = {
	"seed", "scenarios", "blocks", NULL
};

double tune_metric(const cJSON *cell, const char *path, double deadline_s)
{
	gchar **steps = g_strsplit(path, ".", -1);
	const cJSON *at = cell;
	size_t i;

	for (i = 0; steps[i] && at; i++)
		at = cJSON_IsObject(at)
		     ? cJSON_GetObjectItemCaseSensitive(at, steps[i]) : NULL;
	g_strfreev(steps);
	if (cJSON_IsNumber(at))
		return at->valuedouble;
	return cJSON_IsNull(at) ? deadline_s : NAN;
}

/* The numeric paths of @o (a cell) into @g, for messages. */
static void metric_paths(GString *g, const cJSON *o, const char *prefix)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, o) {
		char *p = *prefix ? g_strdup_printf("%s.%s", prefix, e->string)
				  : g_strdup(e->string);

		if (cJSON_IsObject(e) && strcmp(e->string, "params"))
			metric_paths(g, e, p);
		else if (cJSON_IsNumber(e) || cJSON_IsNull(e))
			g_string_append_printf(g, "%s%s", g->len ? ", " : "",
					       p);
		g_free(p);
	}
}

/* The cell results.json writes, with empty figures: what a metric path is
 * checked against. Caller frees with cJSON_Delete(). */
static cJSON *empty_cell(const struct spec *s)
{
	struct spec one = *s;
	struct cell_acc acc;
	struct out_cell c = { 0 };
	cJSON *root, *cell;
	char *text;

	one.n_axes = 0;
	one.axes = NULL;
	cell_acc_init(&acc, 1);
	cell_acc_summarise(&acc, &c.sum);
	c.policy = s->policies[0].ops->name;
	text = output_json_string(&one, &c, 1, NULL);
	root = cJSON_Parse(text);
	g_free(text);
	cell_acc_release(&acc);
	SIM_ASSERT(root);
	cell = cJSON_DetachItemFromArray(
		cJSON_GetObjectItemCaseSensitive(root, "results"), 0);
	cJSON_Delete(root);
	return cell;
}

/* A metric path at the walk's place: a string naming a number of a cell. */
static gboolean get_metric(struct jin *j, const cJSON *v, const cJSON *cell,
			   char **out)
{
	const char *str;
	GString *g;

	if (!jin_get_string(j, v, &str))
		return FALSE;
	if (!isnan(tune_metric(cell, str, 1)))
		return (*out = g_strdup(str)), TRUE;
	g = g_string_new(NULL);
	metric_paths(g, cell, "");
	return jin_fail(j, "%s is not a number of a results.json cell "
			"(valid: %s)", jin_quote(j, str),
			jin_keep(j, g_string_free(g, FALSE)));
}

/* "k3s, article": the spec's policies (scratch). */
static const char *tuned_names(struct jin *j, const struct spec *s)
{
	GString *g = g_string_new(NULL);
	size_t i;

	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "",
				       s->policies[i].ops->name);
	return jin_keep(j, g_string_free(g, FALSE));
}

/* "policies": names of the spec's policies. */
static gboolean parse_policies(struct jin *j, const cJSON *tune,
			       const struct spec *s, struct tune_spec *t)
{
	const cJSON *v, *e;
	size_t m, n, i = 0, k;

	if (!(v = jin_enter(j, tune, "policies", &m))) {
		t->n_policies = s->n_policies;
		t->policies = g_new(size_t, s->n_policies);
		for (i = 0; i < s->n_policies; i++)
			t->policies[i] = i;
		return TRUE;
	}
	if (!jin_get_array(j, v, 1, s->n_policies, "policies", &n))
		return FALSE;
	t->policies = g_new(size_t, n);
	cJSON_ArrayForEach(e, v) {
		size_t mi = jin_push_index(j, i);
		const char *name;
		int p;

		if (!jin_get_string(j, e, &name))
			return FALSE;
		if ((p = spec_policy_index(s, name)) < 0)
			return jin_fail(j, "%s is not a policy of this spec "
					"(valid: %s)", jin_quote(j, name),
					tuned_names(j, s));
		for (k = 0; k < t->n_policies; k++)
			if (t->policies[k] == (size_t)p)
				return jin_fail(j, "%s is listed twice",
						jin_quote(j, name));
		t->policies[t->n_policies++] = (size_t)p;
		jin_pop(j, mi);
		i++;
	}
	jin_pop(j, m);
	return TRUE;
}

/* A bound "min" or "max" of parameter @p, in its unit. */
static gboolean param_bound(struct jin *j, const cJSON *o, const char *key,
			    const struct tune_param *p, double *out)
{
	const cJSON *v;
	size_t m;
	sim_time t;

	if (!(v = jin_require(j, o, key, p->duration ? "a duration" :
			      "a number", &m)))
		return FALSE;
	if (p->duration) {
		if (!jin_get_duration(j, v, &t))
			return FALSE;
		*out = sim_time_to_s(t);
	} else if (!jin_get_number(j, v, out)) {
		return FALSE;
	}
	jin_pop(j, m);
	return TRUE;
}

/* One entry of "parameters": KEY: {"min", "max", "log"}. */
static gboolean parse_param(struct jin *j, const cJSON *e,
			    const struct spec *s, struct tune_param *p)
{
	param_type type;
	double vmin, vmax;

	if (!spec_resolve_param(s, j, e->string, &p->axis, &type, &vmin,
				&vmax))
		return FALSE;
	if (type == PARAM_BOOL)
		return jin_fail(j, "a yes/no parameter is not searched (list "
				"one policy per value instead)");
	p->duration = type == PARAM_DURATION;
	p->integer = type == PARAM_INT;
	p->axis.n_values = 1;
	p->axis.values = g_new0(sim_time, 1);
	p->axis.numbers = g_new0(double, 1);
	if (!jin_check_object(j, e, param_keys) ||
	    !param_bound(j, e, "min", p, &p->lo) ||
	    !param_bound(j, e, "max", p, &p->hi) ||
	    !jin_opt_bool(j, e, "log", &p->log))
		return FALSE;
	if (p->lo >= p->hi)
		return jin_fail(j, "min (%g) is not below max (%g)", p->lo,
				p->hi);
	if (p->log && p->lo <= 0)
		return jin_fail(j, "a log scale needs min > 0 (got %g)", p->lo);
	if (p->lo < vmin || p->hi > vmax)
		return jin_fail(j, "the range %g to %g leaves the parameter's "
				"valid range (%g to %g%s)", p->lo, p->hi, vmin,
				vmax, p->duration ? " s" : "");
	return TRUE;
}

static gboolean parse_params(struct jin *j, const cJSON *tune,
			     const struct spec *s, struct tune_spec *t)
{
	const cJSON *v, *e;
	size_t m, k, i;

	if (!(v = jin_require(j, tune, "parameters", "{\"PARAM\": {\"min\": "
			      "..., \"max\": ...}, ...}", &m)) ||
	    !jin_check_object(j, v, NULL))
		return FALSE;
	if (!v->child)
		return jin_fail(j, "no parameter (give at least one)");
	if (cJSON_GetArraySize(v) > TUNE_MAX_PARAMS)
		return jin_fail(j, "more than %d parameters", TUNE_MAX_PARAMS);
	for (e = v->child; e; e = e->next) {
		size_t mk = jin_push_key(j, e->string);

		if (!parse_param(j, e, s, &t->params[t->n_params++]))
			return FALSE;
		jin_pop(j, mk);
	}
	jin_pop(j, m);
	for (k = 0; k < t->n_policies; k++) {
		bool any = false;

		for (i = 0; i < t->n_params; i++)
			any = any || tune_param_applies(t, i, s,
							t->policies[k]);
		if (!any)
			return jin_fail(j, "parameters: none applies to policy "
					"'%s' (drop it from tune.policies)",
					s->policies[t->policies[k]].ops->name);
	}
	return TRUE;
}

static gboolean parse_objective(struct jin *j, const cJSON *tune,
				const cJSON *cell, struct tune_spec *t)
{
	const cJSON *v, *w;
	size_t m, mm;
	int goal = 0;

	if (!(v = jin_require(j, tune, "objective", "{\"metric\": PATH, "
			      "\"goal\": \"minimize\"}", &m)) ||
	    !jin_check_object(j, v, objective_keys))
		return FALSE;
	if (!(w = jin_require(j, v, "metric", "a path in a results.json cell, "
			      "e.g. join_time_s.p99", &mm)) ||
	    !get_metric(j, w, cell, &t->objective))
		return FALSE;
	jin_pop(j, mm);
	if ((w = jin_enter(j, v, "goal", &mm))) {
		if (!jin_get_choice(j, w, goals, &goal))
			return FALSE;
		jin_pop(j, mm);
	}
	t->maximize = goal == 1;
	jin_pop(j, m);
	return TRUE;
}

static gboolean parse_constraint(struct jin *j, const cJSON *e,
				 const cJSON *cell, struct tune_constraint *c)
{
	const cJSON *w;
	size_t m;

	c->min = -INFINITY;
	c->max = INFINITY;
	if (!jin_check_object(j, e, constraint_keys) ||
	    !(w = jin_require(j, e, "metric", "a path in a results.json cell",
			      &m)) ||
	    !get_metric(j, w, cell, &c->metric))
		return FALSE;
	jin_pop(j, m);
	if ((w = jin_enter(j, e, "min", &m))) {
		if (!jin_get_number(j, w, &c->min))
			return FALSE;
		jin_pop(j, m);
	}
	if ((w = jin_enter(j, e, "max", &m))) {
		if (!jin_get_number(j, w, &c->max))
			return FALSE;
		jin_pop(j, m);
	}
	if (isinf(c->min) && isinf(c->max))
		return jin_fail(j, "no bound (give min, max or both)");
	if (c->min > c->max)
		return jin_fail(j, "min (%g) is above max (%g)", c->min,
				c->max);
	return TRUE;
}

static gboolean parse_constraints(struct jin *j, const cJSON *tune,
				  const cJSON *cell, struct tune_spec *t)
{
	const cJSON *v, *e;
	size_t m, n, i = 0;

	if (!(v = jin_enter(j, tune, "constraints", &m)))
		return TRUE;
	if (!jin_get_array(j, v, 0, 32, "constraints", &n))
		return FALSE;
	t->constraints = g_new0(struct tune_constraint, n ? n : 1);
	cJSON_ArrayForEach(e, v) {
		size_t mi = jin_push_index(j, i++);

		if (!parse_constraint(j, e, cell,
				      &t->constraints[t->n_constraints++]))
			return FALSE;
		jin_pop(j, mi);
	}
	jin_pop(j, m);
	return TRUE;
}

/* "budget.scenarios": growing counts, each a whole number of blocks. */
static gboolean parse_rungs(struct jin *j, const cJSON *b,
			    struct tune_spec *t)
{
	const cJSON *v, *e;
	size_t m, n, i = 0;
	double x;

	if (!(v = jin_enter(j, b, "scenarios", &m)))
		return TRUE;
	if (!jin_get_array(j, v, 1, TUNE_MAX_RUNGS, "scenario counts", &n))
		return FALSE;
	cJSON_ArrayForEach(e, v) {
		size_t mi = jin_push_index(j, i);

		if (!jin_get_int(j, e, 1, 1e7, &x))
			return FALSE;
		if ((int)x % t->block)
			return jin_fail(j, "%g is not a whole number of "
					"blocks of %d scenarios (budget.block)",
					x, t->block);
		if (i && (int)x <= t->rungs[i - 1])
			return jin_fail(j, "%g does not grow (the previous "
					"count is %d)", x, t->rungs[i - 1]);
		t->rungs[i++] = (int)x;
		jin_pop(j, mi);
	}
	t->n_rungs = n;
	jin_pop(j, m);
	return TRUE;
}

static gboolean parse_budget(struct jin *j, const cJSON *tune,
			     struct tune_spec *t)
{
	const cJSON *b;
	size_t m, i;
	double cand = t->candidates, block = t->block, refine = t->refine;

	if (!(b = jin_enter(j, tune, "budget", &m)))
		return TRUE;
	if (!jin_check_object(j, b, budget_keys) ||
	    !jin_opt_int(j, b, "candidates", 2, 4096, &cand) ||
	    !jin_opt_int(j, b, "block", 1, 1e6, &block) ||
	    !jin_opt_int(j, b, "refine", 0, 10000, &refine))
		return FALSE;
	t->candidates = (int)cand;
	t->block = (int)block;
	t->refine = (int)refine;
	for (i = 0; i < t->n_rungs; i++)	/* the defaults, re-blocked */
		t->rungs[i] = (int)(i ? 4 * t->rungs[i - 1] : 2 * t->block);
	if (!parse_rungs(j, b, t))
		return FALSE;
	if (jin_member(b, "keep")) {
		size_t mk = jin_push_key(j, "keep");

		if (!jin_get_number(j, jin_member(b, "keep"), &t->keep))
			return FALSE;
		if (t->keep <= 0 || t->keep >= 1)
			return jin_fail(j, "%g is not a fraction between 0 "
					"and 1 (exclusive)", t->keep);
		jin_pop(j, mk);
	}
	jin_pop(j, m);
	return TRUE;
}

static gboolean parse_validation(struct jin *j, const cJSON *tune,
				 const struct spec *s, struct tune_spec *t)
{
	const cJSON *v;
	size_t m;
	double seed = (double)(s->seed + 1), n = t->validation_scenarios;
	double blocks = t->validation_blocks, grid = t->grid;

	if (!jin_opt_int(j, tune, "grid", 2, 10, &grid))
		return FALSE;
	t->grid = (int)grid;
	if ((v = jin_enter(j, tune, "validation", &m))) {
		if (!jin_check_object(j, v, validation_keys) ||
		    !jin_opt_int(j, v, "seed", 0, JIN_MAX_EXACT_INT, &seed) ||
		    !jin_opt_int(j, v, "scenarios", 2, 1e7, &n) ||
		    !jin_opt_int(j, v, "blocks", 2, 1000, &blocks))
			return FALSE;
		if (seed == (double)s->seed)
			return jin_fail(j, "seed: %g is the search's seed (the "
					"validation needs fresh scenarios)",
					seed);
		if ((int)n % (int)blocks)
			return jin_fail(j, "blocks: %g scenarios do not split "
					"into %g blocks of equal size", n,
					blocks);
		jin_pop(j, m);
	}
	t->validation_seed = (uint64_t)seed;
	t->validation_scenarios = (int)n;
	t->validation_blocks = (int)blocks;
	return TRUE;
}

/* The defaults are selsim's choices, not from a source: 32 design points
 * and 24 Nelder-Mead steps cover four or five parameters; blocks of 8
 * scenarios growing 16, 64, 256 (x4 a rung, half kept) make the racing
 * cost about twice the final rung's runs for the design; 1000 validation
 * scenarios in 20 blocks give intervals of a few percent of the join
 * times; all of it runs in under a minute on 2 cores for the shipped
 * example. */
static void set_defaults(struct tune_spec *t)
{
	t->candidates = 32;
	t->block = 8;
	t->n_rungs = 3;
	t->rungs[0] = 16;
	t->rungs[1] = 64;
	t->rungs[2] = 256;
	t->keep = 0.5;
	t->refine = 24;
	t->grid = 3;
	t->validation_scenarios = 1000;
	t->validation_blocks = 20;
}

gboolean tune_spec_parse(const char *file, const cJSON *root,
			 const struct spec *s, struct tune_spec *t,
			 GError **error)
{
	const cJSON *tune = jin_member(root, "tune");
	struct jin j;
	cJSON *cell;
	gboolean ok;

	memset(t, 0, sizeof(*t));
	set_defaults(t);
	if (!tune)
		return TRUE;
	t->present = true;
	jin_init(&j, file, "tune", error);
	cell = empty_cell(s);
	ok = jin_check_object(&j, tune, tune_keys) &&
	     parse_policies(&j, tune, s, t) && parse_params(&j, tune, s, t) &&
	     parse_objective(&j, tune, cell, t) &&
	     parse_constraints(&j, tune, cell, t) &&
	     parse_budget(&j, tune, t) && parse_validation(&j, tune, s, t);
	if (ok && s->n_axes)
		ok = jin_fail(&j, "a spec that is tuned has no \"sweep\" (the "
			      "tuner compares with its own grid, tune.grid "
			      "values per parameter)");
	cJSON_Delete(cell);
	jin_release(&j);
	return ok;
}

gboolean tune_spec_load(const char *path, const struct spec *s,
			struct tune_spec *t, GError **error)
{
	char *text = NULL;
	cJSON *root = NULL;
	gboolean ok;

	memset(t, 0, sizeof(*t));
	ok = jin_read_file(path, MAX_FILE_SIZE, "a spec", &text, error) &&
	     jin_parse_text(path, text, &root, error) &&
	     tune_spec_parse(path, root, s, t, error);
	cJSON_Delete(root);
	g_free(text);
	return ok;
}

void tune_spec_release(struct tune_spec *t)
{
	size_t i;

	for (i = 0; i < t->n_params; i++)
		spec_axis_release(&t->params[i].axis);
	for (i = 0; i < t->n_constraints; i++)
		g_free(t->constraints[i].metric);
	g_free(t->constraints);
	g_free(t->policies);
	g_free(t->objective);
	memset(t, 0, sizeof(*t));
}

bool tune_param_applies(const struct tune_spec *t, size_t i,
			const struct spec *s, size_t p)
{
	return spec_param_applies(s, p, &t->params[i].axis);
}

const char *tune_value_text(const struct tune_param *p, double v, char *buf)
{
	if (p->duration)
		return sim_time_format((sim_time)llround(v * 1e9), buf);
	g_snprintf(buf, SIM_TIME_FMT_LEN, "%.6g", v);
	return buf;
}

void tune_spec_explain(const struct tune_spec *t, const struct spec *s,
		       FILE *out)
{
	char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
	size_t i, k;

	if (!t->present)
		return;
	fprintf(out, "tune (selsim tune):\n  policies, each tuned alone:");
	for (k = 0; k < t->n_policies; k++)
		fprintf(out, " %s", s->policies[t->policies[k]].ops->name);
	fprintf(out, "\n  parameters:\n");
	for (i = 0; i < t->n_params; i++) {
		const struct tune_param *p = &t->params[i];

		fprintf(out, "    %-28s %s to %s, %s scale%s\n", p->axis.key,
			tune_value_text(p, p->lo, b1),
			tune_value_text(p, p->hi, b2),
			p->log ? "log" : "linear",
			p->integer ? ", whole numbers" : "");
	}
	fprintf(out, "  objective: %s %s (null = the deadline)\n",
		t->maximize ? "maximize" : "minimize", t->objective);
	for (i = 0; i < t->n_constraints; i++)
		fprintf(out, "  constraint: %g <= %s <= %g\n",
			t->constraints[i].min, t->constraints[i].metric,
			t->constraints[i].max);
	fprintf(out, "  budget: %d candidates (shifted Sobol design; default "
		"32), scenarios", t->candidates);
	for (i = 0; i < t->n_rungs; i++)
		fprintf(out, "%s%d", i ? ", " : " ", t->rungs[i]);
	fprintf(out, " (default 16, 64, 256) in blocks of %d (default 8), "
		"keep %g per rung (default 0.5), %d Nelder-Mead evaluations "
		"(default 24)\n", t->block, t->keep, t->refine);
	fprintf(out, "  grid compared with: %d values per parameter "
		"(default 3)\n", t->grid);
	fprintf(out, "  validation: seed %" G_GUINT64_FORMAT " (default the "
		"spec's seed + 1), %d scenarios (default 1000) in %d blocks "
		"(default 20)\n", t->validation_seed,
		t->validation_scenarios, t->validation_blocks);
}
