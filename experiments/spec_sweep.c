/*
 * "sweep": the axes, crossed as a grid, and the one decoder of a grid
 * point into per-axis value indices (spec_point_indices()) that every
 * reader of the grid uses; the checks made at every grid point.
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *param_list(struct ctx *c)
{
	GString *s = g_string_new(NULL);
	const struct spec_const *k;
	size_t i;

	for (i = 0; (k = spec_const_at(i)) != NULL; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", k->name);
	return jin_keep(&c->in, g_string_free(s, FALSE));
}

bool spec__axis_applies(const struct spec_axis *a, const char *name)
{
	return !a->policy || !strcmp(a->policy, name);
}

/* The first keys a world axis may start with. */
static const char *const world_axis_roots[] = {
	"deadline", "network", "servers", "failures", "random_failures",
	"topology", NULL
};

/* The world keys whose values are words, not durations: an axis on a
 * path ending with one takes an array of strings ("topology.
 * server_address": ["ip", "name"]), each its own label. */
static const char *const world_string_keys[] = { "server_address", NULL };

static bool string_axis(const struct spec_axis *a)
{
	const char *last = strrchr(a->key, '.');

	return a->world && jin_in_list(world_string_keys,
				       last ? last + 1 : a->key);
}

/* What axis @a (key @key) sets: a path of the world, a parameter of one
 * policy ("k3s.dial_timeout"), or of every policy that has it. */
static gboolean axis_target(struct ctx *c, const char *key,
			    struct spec_axis *a)
{
	const char *dot = strchr(key, '.');
	char *root = g_strndup(key, strcspn(key, ".["));
	gboolean ok = TRUE;

	a->key = g_strdup(key);
	if (jin_in_list(world_axis_roots, root)) {
		a->world = true;
	} else if (dot && strcmp(root, "backoff") && strcmp(root, "outlier") &&
		   strcmp(root, "retry_budget")) {
		a->policy = g_strdup(root);
		ok = spec__check_policy(c, a->policy);
		a->name = g_strdup(dot + 1);
	} else {
		a->name = g_strdup(key);	/* for every policy that has it */
	}
	g_free(root);
	return ok;
}

/* The slot of a policy axis: its type comes from the first policy that
 * has the parameter, and on which it has an effect. */
static gboolean axis_slot(struct ctx *c, struct spec_axis *a,
			  struct param_slot *sl)
{
	bool found = false;
	size_t p;

	for (p = 0; p < c->s->n_policies && !found; p++) {
		struct spec_policy *sp = &c->s->policies[p];
		struct policy_params tmp = sp->params;
		struct k3s_params ktmp = sp->k3s;

		if (a->policy && strcmp(a->policy, sp->ops->name))
			continue;
		found = spec__param_slot(sp->ops, &tmp, &ktmp, a->name, sl) &&
			spec__param_effective(sp->ops, a->name) &&
			(strncmp(a->name, "outlier.", 8) ||
			 sp->params.outlier.enabled) &&
			(strncmp(a->name, "retry_budget.", 13) ||
			 sp->params.budget.enabled);
	}
	if (!found && (spec__is_retry_param(a->name) ||
		       !strncmp(a->name, "outlier.", 8)))
		return jin_fail(&c->in, "%s has no effect on %s (backoff and "
				"retry_budget need a policy that retries "
				"failed passes: %s; outlier.* and "
				"retry_budget.* need outlier_ejection or "
				"retry_budget set true in params)",
				jin_quote(&c->in, a->name), a->policy ?
				a->policy : "any policy of this spec",
				spec__retrying_policies(c));
	if (!found)
		return jin_fail(&c->in, "unknown parameter %s (a sweep key is "
				"PARAM or POLICY.PARAM, with a parameter of a "
				"policy the spec runs, e.g. %s; or a path to a "
				"duration of the world starting with %s)",
				jin_quote(&c->in, a->name), param_list(c),
				jin_join(&c->in, world_axis_roots));
	if (sl->kind)
		return jin_fail(&c->in, "the backoff strategy cannot be swept "
				"(sweep its fields, e.g. backoff.base, or list "
				"one policy per strategy)");
	a->param = spec_const_find(a->name);
	a->numeric = sl->type != PARAM_DURATION;
	return TRUE;
}

/* Value @i (@v) of a numeric axis. */
static gboolean axis_number(struct ctx *c, const cJSON *v,
			    struct spec_axis *a, const struct param_slot *sl,
			    size_t i)
{
	double x;
	bool b = false;
	size_t j;

	if (sl->type == PARAM_BOOL) {
		if (!jin_get_bool(&c->in, v, &b))
			return FALSE;
		x = b;
	} else if (sl->type == PARAM_INT) {
		if (!jin_get_int(&c->in, v, sl->min, sl->max, &x))
			return FALSE;
	} else {
		if (!jin_get_number(&c->in, v, &x))
			return FALSE;
		if (x < sl->min || x > sl->max)
			return jin_fail(&c->in, "%s is out of range (valid: %g "
					"to %g)", jin_show(&c->in, v), sl->min,
					sl->max);
	}
	a->numbers[i] = x;
	for (j = 0; j < i; j++)
		if (a->numbers[j] == x)
			return jin_fail(&c->in, "%s is listed twice",
					jin_show(&c->in, v));
	return TRUE;
}

/* Value @i (@v) of a duration axis, of a policy or of the world. */
static gboolean axis_duration(struct ctx *c, const cJSON *v,
			      struct spec_axis *a, const struct param_slot *sl,
			      size_t i)
{
	sim_time *t = &a->values[i];
	size_t j;

	/* a world value may be 0 ("at": "0s"); the world's own checks run
	 * on it at load */
	if (!(a->world || sl->min <= 0 ? jin_get_duration(&c->in, v, t)
	      : jin_get_positive_duration(&c->in, v, t)))
		return FALSE;
	if (!a->world && (sim_time_to_s(*t) < sl->min ||
			  sim_time_to_s(*t) > sl->max))
		return jin_fail(&c->in, "%s is out of range (valid: %g s to "
				"%g s)", jin_show(&c->in, v), sl->min, sl->max);
	for (j = 0; j < i; j++)
		if (a->values[j] == *t)
			return jin_fail(&c->in, "%s is listed twice (as "
					"sweep.%s[%zu])", jin_show(&c->in, v),
					a->key, j);
	return TRUE;
}

/* A named world axis: an object of named JSON values, each put whole at
 * the axis's path ("failures": {"crash": [...], "gray": [...]}). */
static gboolean parse_named_axis(struct ctx *c, const cJSON *e,
				 struct spec_axis *a)
{
	const cJSON *v;
	size_t i = 0, n = (size_t)cJSON_GetArraySize(e);

	if (n == 0)
		return jin_fail(&c->in, "no values (give at least one name)");
	a->numeric = true;
	a->values = g_new0(sim_time, n);
	a->numbers = g_new0(double, n);
	a->labels = g_new0(char *, n + 1);
	a->json = g_new0(char *, n + 1);
	cJSON_ArrayForEach(v, e) {
		char *text = cJSON_PrintUnformatted(v);

		a->numbers[i] = (double)i;
		a->labels[i] = g_strdup(v->string);
		a->json[i] = g_strdup(text);
		cJSON_free(text);
		a->n_values = ++i;
	}
	return TRUE;
}

/* A world axis of words: an array of distinct strings, each put at the
 * path as is and labelled by itself (a named axis, numbers[i] = i); the
 * world's own checks run on each at load. */
static gboolean parse_string_axis(struct ctx *c, const cJSON *e,
				  struct spec_axis *a)
{
	const cJSON *v;
	size_t i = 0, j, m, n;

	if (!cJSON_IsArray(e))
		return jin_wrong_type(&c->in, e, "an array of strings");
	n = (size_t)cJSON_GetArraySize(e);
	if (n == 0)
		return jin_fail(&c->in, "no values (give at least one)");
	a->numeric = true;
	a->values = g_new0(sim_time, n);
	a->numbers = g_new0(double, n);
	a->labels = g_new0(char *, n + 1);
	a->json = g_new0(char *, n + 1);
	cJSON_ArrayForEach(v, e) {
		const char *str;
		char *text;

		m = jin_push_index(&c->in, i);
		if (!jin_get_string(&c->in, v, &str))
			return FALSE;
		for (j = 0; j < i; j++)
			if (!strcmp(a->labels[j], str))
				return jin_fail(&c->in, "%s is listed twice",
						jin_show(&c->in, v));
		text = cJSON_PrintUnformatted(v);
		a->numbers[i] = (double)i;
		a->labels[i] = g_strdup(str);
		a->json[i] = g_strdup(text);
		cJSON_free(text);
		a->n_values = ++i;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

static gboolean parse_axis(struct ctx *c, const cJSON *e,
			   struct spec_axis *a)
{
	struct param_slot sl = { 0 };
	const cJSON *v;
	size_t i = 0, m, n;

	if (!axis_target(c, e->string, a) ||
	    (!a->world && !axis_slot(c, a, &sl)))
		return FALSE;
	if (a->world && cJSON_IsObject(e))
		return parse_named_axis(c, e, a);
	if (string_axis(a))
		return parse_string_axis(c, e, a);
	if (!cJSON_IsArray(e))
		return jin_wrong_type(&c->in, e, a->numeric ?
				      "an array of values" :
				      "an array of durations");
	n = (size_t)cJSON_GetArraySize(e);
	if (n == 0)
		return jin_fail(&c->in, "no values (give at least one)");
	a->values = g_new0(sim_time, n);
	if (a->numeric)
		a->numbers = g_new0(double, n);
	cJSON_ArrayForEach(v, e) {
		m = jin_push_index(&c->in, i);
		if (!(a->numeric ? axis_number(c, v, a, &sl, i)
				 : axis_duration(c, v, a, &sl, i)))
			return FALSE;
		a->n_values = ++i;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

gboolean spec__parse_sweep(struct ctx *c, const cJSON *v)
{
	struct spec *s = c->s;
	const cJSON *e;
	size_t i = 0, j, p, m, grid = 1;

	if (!jin_check_object(&c->in, v, NULL))
		return FALSE;
	s->axes = g_new0(struct spec_axis, (size_t)cJSON_GetArraySize(v));
	for (e = v->child; e; e = e->next, i++) {
		struct spec_axis *a = &s->axes[i];

		s->n_axes = i + 1;
		m = jin_push_key(&c->in, e->string);
		if (!parse_axis(c, e, a))
			return FALSE;
		/* two axes may not set one parameter of one policy, nor one
		 * path of the world */
		for (j = 0; j < i; j++) {
			if (a->world && s->axes[j].world &&
			    !strcmp(a->key, s->axes[j].key))
				return jin_fail(&c->in, "sweeps the same path "
						"as 'sweep.%s'",
						s->axes[j].key);
			if (a->world || s->axes[j].world ||
			    strcmp(s->axes[j].name, a->name))
				continue;
			for (p = 0; p < s->n_policies; p++) {
				const char *name = s->policies[p].ops->name;

				if (spec__axis_applies(a, name) &&
				    spec__axis_applies(&s->axes[j], name))
					return jin_fail(&c->in, "sweeps %s "
							"for policy %s, as "
							"'sweep.%s' does (one "
							"axis per parameter)",
							a->name, name,
							s->axes[j].key);
			}
		}
		jin_pop(&c->in, m);
		if (grid > SPEC_MAX_GRID / a->n_values)
			return jin_fail(&c->in, "more than %d grid points "
					"(the axes' value counts multiply)",
					SPEC_MAX_GRID);
		grid *= a->n_values;
	}
	return TRUE;
}

/* The smallest or largest value parameter @d of policy @p can take over
 * the grid. */
static sim_time param_extreme(const struct spec *s, size_t p,
			      const struct spec_const *d, bool largest)
{
	const char *name = s->policies[p].ops->name;
	struct policy_params tmp = s->policies[p].params;
	struct k3s_params ktmp = s->policies[p].k3s;
	sim_time best = *spec_const_ref(d, &tmp, &ktmp);
	size_t i, j;

	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (a->param != d || !spec__axis_applies(a, name))
			continue;
		best = a->values[0];
		for (j = 1; j < a->n_values; j++)
			if (largest ? a->values[j] > best : a->values[j] < best)
				best = a->values[j];
	}
	return best;
}

/* Parameters that bound a uniform draw: min <= max at every grid point. */
gboolean spec__check_param_ranges(struct ctx *c)
{
	static const char *const pairs[][2] = {
		{ "etcd_ping_min", "etcd_ping_max" },
		{ "config_retry_min", "config_retry_max" },
	};
	const struct spec *s = c->s;
	size_t p, i;

	for (p = 0; p < s->n_policies; p++) {
		for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
			const struct spec_const *lo, *hi;
			char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
			sim_time l, h;

			lo = spec_const_find(pairs[i][0]);
			hi = spec_const_find(pairs[i][1]);
			SIM_ASSERT(lo && hi);
			l = param_extreme(s, p, lo, true);
			h = param_extreme(s, p, hi, false);
			if (l <= h)
				continue;
			jin_push_key(&c->in, "params");
			jin_push_key(&c->in, s->policies[p].ops->name);
			return jin_fail(&c->in, "%s (%s) is more than %s (%s) "
					"(a uniform draw needs min <= max at "
					"every grid point)", lo->name,
					sim_time_format(l, b1), hi->name,
					sim_time_format(h, b2));
		}
	}
	return TRUE;
}

/* ---- checks at every grid point ---- */

/* The most grid points x policies whose parameters are checked one by
 * one at load; above it only the first ones are. */
#define SPEC_MAX_CHECKED_POINTS 100000

/* "backoff.jitter=1.5, k3s.dial_timeout=2s": the policy axes' values at
 * @point (scratch). */
static const char *point_words(struct ctx *c, size_t point)
{
	const struct spec *s = c->s;
	size_t *k = g_new(size_t, s->n_axes), i;
	GString *where = g_string_new(NULL);
	char b[SIM_TIME_FMT_LEN];

	spec_point_indices(s, point, k);
	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (a->world)
			continue;
		g_string_append_printf(where, "%s%s=", where->len ? ", " : "",
				       a->key);
		if (a->numeric)
			g_string_append_printf(where, "%g", a->numbers[k[i]]);
		else
			g_string_append(where, sim_time_format(a->values[k[i]],
							       b));
	}
	g_free(k);
	return jin_keep(&c->in, g_string_free(where, FALSE));
}

/* Checks policy @p's parameters at grid point @point. */
static gboolean check_point(struct ctx *c, size_t p, size_t point)
{
	struct policy_params pp;
	struct k3s_params kp;
	GError *err = NULL;
	gboolean ok;

	spec_point_params(c->s, p, point, &pp, &kp);
	if (backoff_cfg_check(&pp.backoff, &err) &&
	    (!pp.budget.enabled || pp.budget.refund <= pp.budget.max_tokens))
		return TRUE;
	/* name the point: "policy 'k3s' at backoff.jitter=1.5" */
	jin_push_key(&c->in, "sweep");
	ok = jin_fail(&c->in, "policy '%s' at %s: %s",
		      c->s->policies[p].ops->name, point_words(c, point),
		      err ? err->message : "retry_budget.refund is more than "
		      "retry_budget.max_tokens");
	g_clear_error(&err);
	return ok;
}

/* Every swept policy parameter must make sense with the others at each
 * grid point (a swept refund above the budget, a swept jitter past its
 * strategy's range). */
gboolean spec__check_sweep_points(struct ctx *c)
{
	const struct spec *s = c->s;
	size_t n = spec_grid_size(s), p, pt;
	bool all = (double)n * (double)s->n_policies <= SPEC_MAX_CHECKED_POINTS;

	if (s->n_axes == 0)
		return TRUE;
	for (pt = 0; pt < (all ? n : MIN(n, (size_t)SPEC_MAX_CHECKED_POINTS));
	     pt++)
		for (p = 0; p < s->n_policies; p++)
			if (!check_point(c, p, pt))
				return FALSE;
	return TRUE;
}

/* ---- the grid ---- */

size_t spec_grid_size(const struct spec *s)
{
	size_t i, n = 1;

	for (i = 0; i < s->n_axes; i++)
		n *= s->axes[i].n_values;
	return n;
}

/* Sets value @k of axis @a in @out, when @ops has the parameter. */
static void set_point_value(const struct policy_ops *ops,
			    struct policy_params *out, struct k3s_params *k3s,
			    const struct spec_axis *a, size_t k)
{
	struct param_slot sl;

	if (!spec__param_slot(ops, out, k3s, a->name, &sl))
		return;		/* a bare axis, and this policy lacks it */
	if (!a->numeric) {
		if (sl.t)
			*sl.t = a->values[k];
		else
			*sl.x = sim_time_to_s(a->values[k]);
	} else if (sl.i) {
		*sl.i = (int)a->numbers[k];
	} else if (sl.b) {
		*sl.b = a->numbers[k] != 0;
	} else {
		*sl.x = a->numbers[k];
	}
}

void spec_point_indices(const struct spec *s, size_t point, size_t *out)
{
	size_t i = s->n_axes;

	SIM_ASSERT(point < spec_grid_size(s));
	/* the last axis varies fastest */
	while (i-- > 0) {
		out[i] = point % s->axes[i].n_values;
		point /= s->axes[i].n_values;
	}
}

void spec_point_params(const struct spec *s, size_t p, size_t point,
		       struct policy_params *out, struct k3s_params *k3s)
{
	const char *name;
	size_t i, *k;

	SIM_ASSERT(p < s->n_policies && point < spec_grid_size(s));
	name = s->policies[p].ops->name;
	*out = s->policies[p].params;
	*k3s = s->policies[p].k3s;
	k = g_new(size_t, s->n_axes + 1);
	spec_point_indices(s, point, k);
	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (!a->world && spec__axis_applies(a, name))
			set_point_value(s->policies[p].ops, out, k3s, a,
					k[i]);
	}
	g_free(k);
}

/* ---- the tuner's parameters (spec.h) ---- */

gboolean spec_resolve_param(const struct spec *s, struct jin *j,
			    const char *key, struct spec_axis *a,
			    param_type *type, double *min, double *max)
{
	struct ctx c = { .in = *j, .s = (struct spec *)s };
	struct param_slot sl = { 0 };

	if (!axis_target(&c, key, a))
		return FALSE;
	if (a->world)
		return jin_fail(j, "%s is a path of the world, not a "
				"parameter: the tuner searches policy "
				"parameters and K3s constants (%s)",
				jin_quote(j, key), param_list(&c));
	if (!axis_slot(&c, a, &sl))
		return FALSE;
	*type = sl.type;
	*min = sl.min;
	*max = sl.max;
	return TRUE;
}

bool spec_param_applies(const struct spec *s, size_t p,
			const struct spec_axis *a)
{
	const struct spec_policy *sp = &s->policies[p];
	struct policy_params tmp = sp->params;
	struct k3s_params ktmp = sp->k3s;
	struct param_slot sl;

	return !a->world && spec__axis_applies(a, sp->ops->name) &&
	       spec__param_slot(sp->ops, &tmp, &ktmp, a->name, &sl) &&
	       spec__param_effective(sp->ops, a->name);
}
