/*
 * Distributions in a spec: a duration, or {"dist": KIND, PARAM: VALUE, ...}
 * with the kinds of models/dist.h, and durations and distributions in words
 * for messages and --explain.
 */
#include "fmt.h"
#include "spec_internal.h"
#include "sim/error.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- distributions ---- */

static const char *dist_kind_list(struct jin *j)
{
	const char *names[DIST_N_KINDS + 1];
	int k;

	for (k = 0; k < DIST_N_KINDS; k++)
		names[k] = dist_kinds[k].name;
	names[k] = NULL;
	return jin_join(j, names);
}

/* "median, sigma" */
static const char *dist_param_list(struct jin *j,
				   const struct dist_kind_info *k)
{
	const char *names[3] = { k->param[0], k->param[1], NULL };

	return jin_join(j, names);
}

static int dist_param_index(const struct dist_kind_info *k, const char *name)
{
	int i;

	for (i = 0; i < 2 && k->param[i]; i++)
		if (!strcmp(k->param[i], name))
			return i;
	return -1;
}

static gboolean parse_samples(struct jin *j, const cJSON *v, struct dist *d)
{
	const cJSON *e;
	size_t i = 0, m;

	if (!cJSON_IsArray(v))
		return jin_wrong_type(j, v, "an array of durations");
	d->n_samples = (size_t)cJSON_GetArraySize(v);
	if (d->n_samples == 0)
		return jin_fail(j, "no samples (at least one duration is "
				"required)");
	d->samples = g_new(double, d->n_samples);
	cJSON_ArrayForEach(e, v) {
		m = jin_push_index(j, i);
		if (!jin_get_seconds(j, e, &d->samples[i]))
			return FALSE;
		jin_pop(j, m);
		i++;
	}
	qsort(d->samples, d->n_samples, sizeof(double), fmt_cmp_double);
	return TRUE;
}

/* The fields of a distribution object, into @d (which owns what it got
 * even on failure). */
static gboolean parse_dist_object(struct jin *j, const cJSON *v,
				  struct dist *d)
{
	const struct dist_kind_info *k;
	const cJSON *item;
	const char *kind, *why;
	size_t m;
	int ki, i;

	if (!jin_check_object(j, v, NULL))
		return FALSE;
	item = jin_member(v, "dist");
	if (!item)
		return jin_missing(j, "dist", jin_keep(j, g_strdup_printf(
			"a distribution is {\"dist\": KIND, ...}, KIND one "
			"of %s", dist_kind_list(j))));
	m = jin_push_key(j, "dist");
	if (!jin_get_string(j, item, &kind))
		return FALSE;
	ki = dist_kind_find(kind);
	if (ki < 0)
		return jin_fail(j, "unknown distribution %s (known: %s)",
				jin_quote(j, kind), dist_kind_list(j));
	jin_pop(j, m);
	k = &dist_kinds[ki];
	d->kind = (dist_kind)ki;

	for (item = v->child; item; item = item->next)
		if (strcmp(item->string, "dist") &&
		    dist_param_index(k, item->string) < 0)
			return jin_fail(j, "unknown key %s for a %s "
					"distribution (valid: dist, %s)",
					jin_quote(j, item->string), k->name,
					dist_param_list(j, k));
	for (i = 0; i < 2 && k->param[i]; i++) {
		gboolean ok;

		item = jin_member(v, k->param[i]);
		if (!item)
			return jin_missing(j, k->param[i], jin_keep(j,
				g_strdup_printf("a %s distribution takes %s",
						k->name,
						dist_param_list(j, k))));
		m = jin_push_key(j, k->param[i]);
		if (d->kind == DIST_EMPIRICAL)
			ok = parse_samples(j, item, d);
		else if (k->param_is_duration[i])
			ok = jin_get_seconds(j, item, &d->p[i]);
		else
			ok = jin_get_number(j, item, &d->p[i]);
		if (!ok)
			return FALSE;
		jin_pop(j, m);
	}

	why = dist_check(d);
	if (why) {
		/* point the path at the parameter the message starts with */
		for (i = 0; i < 2 && k->param[i]; i++) {
			size_t n = strlen(k->param[i]);

			if (!strncmp(why, k->param[i], n) && why[n] == ' ') {
				jin_push_key(j, k->param[i]);
				break;
			}
		}
		return jin_fail(j, "%s (got %s)", why,
				jin_keep(j, dist_describe(d, true)));
	}
	return TRUE;
}

/* ---- ranges (issue 13): draws a user could mean ---- */

/* A distribution's tail is where one draw in SPEC_DIST_TAIL_P lands. */
#define SPEC_DIST_TAIL_P 1e-9
/* The shapes of gamma, Weibull and Pareto, where the tail is computed
 * without trouble: below 0.01 almost every draw is 0 or beyond any
 * ceiling, above 1e6 the distribution is a constant. */
#define SPEC_SHAPE_MIN 0.01
#define SPEC_SHAPE_MAX 1e6

/* The value that one draw in SPEC_DIST_TAIL_P exceeds (inf when it does
 * not fit a double). @d has passed dist_check(). */
static double dist_tail(const struct dist *d)
{
	const double a = d->p[0], b = d->p[1], p = SPEC_DIST_TAIL_P;
	double z = gsl_cdf_ugaussian_Qinv(p);

	switch (d->kind) {
	case DIST_CONSTANT:
		return a;
	case DIST_UNIFORM:
		return b;
	case DIST_NORMAL:
		return a + z * b;
	case DIST_LOGNORMAL:
		return a * exp(z * b);
	case DIST_GAMMA:
		return gsl_cdf_gamma_Qinv(p, a, b);
	case DIST_WEIBULL:
		return b * pow(-log(p), 1 / a);
	case DIST_PARETO:
		return b * pow(p, -1 / a);
	case DIST_EXPONENTIAL:
		return -a * log(p);
	case DIST_EMPIRICAL:
		return d->samples[d->n_samples - 1];	/* sorted */
	case DIST_N_KINDS:
		break;
	}
	SIM_BUG("unknown distribution kind %d", (int)d->kind);
}

/* The parameter a tail too far is blamed on: the spread (sigma, stddev)
 * or the shape, unless the other parameter alone is already too large. */
static int tail_param(const struct dist *d, double max)
{
	switch (d->kind) {
	case DIST_NORMAL:
	case DIST_LOGNORMAL:
		return d->p[0] > max ? 0 : 1;
	case DIST_GAMMA:
	case DIST_WEIBULL:
	case DIST_PARETO:
		return d->p[1] > max ? 1 : 0;
	case DIST_UNIFORM:
		return 1;
	default:
		return 0;
	}
}

/* The shape in range, then the tail at most @max; the path is at the
 * distribution's object. */
static gboolean check_dist_range(struct jin *j, const struct dist *d,
				 double max, const char *why, const char *unit)
{
	const struct dist_kind_info *k = &dist_kinds[d->kind];
	double tail;

	if ((d->kind == DIST_GAMMA || d->kind == DIST_WEIBULL ||
	     d->kind == DIST_PARETO) &&
	    (d->p[0] < SPEC_SHAPE_MIN || d->p[0] > SPEC_SHAPE_MAX)) {
		jin_push_key(j, k->param[0]);
		return jin_fail(j, "%g is not a number from %g to %g (a %s "
				"distribution's shape)", d->p[0],
				SPEC_SHAPE_MIN, SPEC_SHAPE_MAX, k->name);
	}
	tail = dist_tail(d);
	if (isfinite(tail) && tail <= max)
		return TRUE;
	if (d->kind != DIST_CONSTANT)
		jin_push_key(j, k->param[tail_param(d, max)]);
	return jin_fail(j, "%s: one draw in %.0f is beyond %g%s (at most "
			"%g%s is valid: %s)", jin_keep(j, dist_describe(d, true)),
			1 / SPEC_DIST_TAIL_P, isfinite(tail) ? tail : HUGE_VAL,
			unit, max, unit, why);
}

gboolean spec_get_dist_in(struct jin *j, const cJSON *v, double max,
			  const char *why, const char *unit, struct dist *out)
{
	struct dist d = { 0 };

	if (!cJSON_IsObject(v)) {
		double x;

		if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
			return spec_get_dist(j, v, out);	/* the message */
		if (!jin_get_seconds(j, v, &x))
			return FALSE;
		if (x > max)
			return jin_fail(j, "%s is beyond %g%s (at most %g%s is "
					"valid: %s)", jin_show(j, v), x, unit,
					max, unit, why);
		dist_release(out);
		*out = dist_constant(x);
		return TRUE;
	}
	if (!parse_dist_object(j, v, &d) ||
	    !check_dist_range(j, &d, max, why, unit)) {
		dist_release(&d);
		return FALSE;
	}
	dist_release(out);
	*out = d;
	return TRUE;
}

gboolean spec_get_dist(struct jin *j, const cJSON *v, struct dist *out)
{
	struct dist d = { 0 };

	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		double x;

		if (!jin_get_seconds(j, v, &x))
			return FALSE;
		dist_release(out);
		*out = dist_constant(x);
		return TRUE;
	}
	if (!cJSON_IsObject(v))
		return jin_wrong_type(j, v, "a duration or a distribution "
				      "({\"dist\": KIND, ...})");
	if (!parse_dist_object(j, v, &d) ||
	    !check_dist_range(j, &d, j->max_s, j->max_why, " s")) {
		dist_release(&d);
		return FALSE;
	}
	dist_release(out);
	*out = d;
	return TRUE;
}

/* A number of seconds as a short duration: "261.6us", "30s", "2.5m". */
void spec__put_seconds(GString *g, double x)
{
	if (!isfinite(x))
		g_string_append(g, "infinite");
	else if (x == 0)
		g_string_append(g, "0s");
	else if (x < 1e-6)
		g_string_append_printf(g, "%.4gns", x * 1e9);
	else if (x < 1e-3)
		g_string_append_printf(g, "%.4gus", x * 1e6);
	else if (x < 1)
		g_string_append_printf(g, "%.4gms", x * 1e3);
	else if (x < 60)
		g_string_append_printf(g, "%.4gs", x);
	else if (x < 3600)
		g_string_append_printf(g, "%.4gm", x / 60);
	else
		g_string_append_printf(g, "%.4gh", x / 3600);
}

/* "30s", or "uniform(min=20s, max=40s) (mean 30s)". */
void spec__put_dist(GString *g, const struct dist *d)
{
	char *desc;

	if (d->kind == DIST_CONSTANT) {
		spec__put_seconds(g, d->p[0]);
		return;
	}
	desc = dist_describe(d, true);
	g_string_append(g, desc);
	g_free(desc);
	g_string_append(g, " (mean ");
	spec__put_seconds(g, dist_mean(d));
	g_string_append_c(g, ')');
}

gboolean spec_parse_dist(const char *file, const char *path, const cJSON *v,
			 struct dist *out, GError **error)
{
	struct jin j;
	gboolean ok;

	jin_init(&j, file, path, error);
	ok = spec_get_dist(&j, v, out);
	jin_release(&j);
	return ok;
}
