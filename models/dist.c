#include "dist.h"
#include "sim/error.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct dist_kind_info dist_kinds[DIST_N_KINDS] = {
	[DIST_CONSTANT] = { "constant", { "value", NULL }, { true, false },
			    "always the same value" },
	[DIST_UNIFORM] = { "uniform", { "min", "max" }, { true, true },
			   "uniform on [min, max)" },
	[DIST_NORMAL] = { "normal", { "mean", "stddev" }, { true, true },
			  "normal, truncated at 0 (negative draws are redrawn)" },
	[DIST_LOGNORMAL] = { "lognormal", { "median", "sigma" }, { true, false },
			     "exp(N(ln median, sigma^2)): heavy right tail" },
	[DIST_GAMMA] = { "gamma", { "shape", "scale" }, { false, true },
			 "gamma with shape k and scale theta (mean k*theta)" },
	[DIST_WEIBULL] = { "weibull", { "shape", "scale" }, { false, true },
			   "Weibull with shape k and scale lambda" },
	[DIST_PARETO] = { "pareto", { "shape", "scale" }, { false, true },
			  "Pareto with shape alpha and minimum x_m" },
	[DIST_EXPONENTIAL] = { "exponential", { "mean", NULL }, { true, false },
			       "exponential with the given mean" },
	[DIST_EMPIRICAL] = { "empirical", { "samples", NULL }, { true, false },
			     "one of the listed samples, each equally likely" },
};

int dist_kind_find(const char *name)
{
	int k;

	for (k = 0; k < DIST_N_KINDS; k++)
		if (!strcmp(dist_kinds[k].name, name))
			return k;
	return -1;
}

struct dist dist_constant(double value)
{
	struct dist d = { .kind = DIST_CONSTANT, .p = { value, 0 } };

	return d;
}

void dist_release(struct dist *d)
{
	g_free(d->samples);
	memset(d, 0, sizeof(*d));
}

void dist_copy(struct dist *dst, const struct dist *src)
{
	*dst = *src;
	if (src->samples)
		dst->samples = g_memdup2(src->samples,
					 src->n_samples * sizeof(double));
}

const char *dist_check(const struct dist *d)
{
	const double a = d->p[0], b = d->p[1];

	if (!isfinite(a) || !isfinite(b))
		return "parameters must be finite";
	switch (d->kind) {
	case DIST_CONSTANT:
		return a < 0 ? "value must be >= 0" : NULL;
	case DIST_UNIFORM:
		if (a < 0)
			return "min must be >= 0";
		return b < a ? "max must be >= min" : NULL;
	case DIST_NORMAL:
		if (a < 0)
			return "mean must be >= 0";
		if (b < 0)
			return "stddev must be >= 0";
		/* redrawing below zero must end in a few tries */
		return b > 0 && a / b < -1 ? "mean/stddev too small" : NULL;
	case DIST_LOGNORMAL:
		if (a <= 0)
			return "median must be > 0";
		return b < 0 ? "sigma must be >= 0" : NULL;
	case DIST_GAMMA:
	case DIST_WEIBULL:
	case DIST_PARETO:
		if (a <= 0)
			return "shape must be > 0";
		return b <= 0 ? "scale must be > 0" : NULL;
	case DIST_EXPONENTIAL:
		return a < 0 ? "mean must be >= 0" : NULL;
	case DIST_EMPIRICAL: {
		size_t i;

		if (d->n_samples == 0)
			return "samples must not be empty";
		for (i = 0; i < d->n_samples; i++)
			if (!isfinite(d->samples[i]) || d->samples[i] < 0)
				return "samples must be >= 0";
		return NULL;
	}
	case DIST_N_KINDS:
		break;
	}
	return "unknown distribution";
}

double dist_sample(const struct dist *d, gsl_rng *r)
{
	const double a = d->p[0], b = d->p[1];
	double x;
	int tries;

	switch (d->kind) {
	case DIST_CONSTANT:
		return a;
	case DIST_UNIFORM:
		return a + (b - a) * gsl_rng_uniform(r);
	case DIST_NORMAL:
		for (tries = 0; tries < 1000; tries++) {
			x = a + gsl_ran_gaussian_ziggurat(r, b);
			if (x >= 0)
				return x;
		}
		return 0;	/* unreachable for a checked dist */
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(r, log(a), b);
	case DIST_GAMMA:
		return gsl_ran_gamma(r, a, b);
	case DIST_WEIBULL:
		/* GSL's weibull takes (scale, shape) */
		return gsl_ran_weibull(r, b, a);
	case DIST_PARETO:
		/* GSL's pareto takes (shape, minimum) */
		return gsl_ran_pareto(r, a, b);
	case DIST_EXPONENTIAL:
		return a > 0 ? gsl_ran_exponential(r, a) : 0;
	case DIST_EMPIRICAL:
		return d->samples[gsl_rng_uniform_int(r, d->n_samples)];
	case DIST_N_KINDS:
		break;
	}
	SIM_BUG("unknown distribution kind %d", (int)d->kind);
}

sim_time dist_sample_time(const struct dist *d, gsl_rng *r)
{
	double s = dist_sample(d, r) * 1e9;

	if (!(s > 0))
		return 0;
	if (s > 9.2e18)
		return SIM_TIME_MAX;
	return (sim_time)llround(s);
}

sim_time dist_exponential_time(gsl_rng *r, double mean)
{
	double s = -mean * log(1.0 - gsl_rng_uniform(r)) * 1e9;
	sim_time t;

	if (!(s > 0))
		return 0;
	if (s > 9.2e18)
		return SIM_TIME_MAX;
	/* llround() for 0 < s < 2^63: s - trunc(s) is exact */
	t = (sim_time)s;
	return t + (s - (double)t >= 0.5);
}

sim_time dist_sample_time_fast(const struct dist *d, gsl_rng *r)
{
	if (d->kind == DIST_EXPONENTIAL)
		return d->p[0] > 0 ? dist_exponential_time(r, d->p[0]) : 0;
	return dist_sample_time(d, r);
}

double dist_mean(const struct dist *d)
{
	const double a = d->p[0], b = d->p[1];
	double sum = 0;
	size_t i;

	switch (d->kind) {
	case DIST_CONSTANT:
		return a;
	case DIST_UNIFORM:
		return (a + b) / 2;
	case DIST_NORMAL: {
		/* mean of N(a, b) truncated to [0, inf) */
		double alpha, phi, Z;

		if (b == 0)
			return a;
		alpha = -a / b;
		phi = exp(-alpha * alpha / 2) / sqrt(2 * G_PI);
		Z = 0.5 * erfc(alpha / sqrt(2));
		return a + b * phi / Z;
	}
	case DIST_LOGNORMAL:
		return a * exp(b * b / 2);
	case DIST_GAMMA:
		return a * b;
	case DIST_WEIBULL:
		return b * gsl_sf_gamma(1 + 1 / a);
	case DIST_PARETO:
		return a <= 1 ? INFINITY : a * b / (a - 1);
	case DIST_EXPONENTIAL:
		return a;
	case DIST_EMPIRICAL:
		for (i = 0; i < d->n_samples; i++)
			sum += d->samples[i];
		return d->n_samples ? sum / (double)d->n_samples : 0;
	case DIST_N_KINDS:
		break;
	}
	SIM_BUG("unknown distribution kind %d", (int)d->kind);
}

static void put_value(GString *s, double v, bool is_duration)
{
	if (is_duration && v >= 0 && v < 9.2e9) {
		char buf[SIM_TIME_FMT_LEN];

		g_string_append(s, sim_time_format((sim_time)llround(v * 1e9), buf));
	} else {
		g_string_append_printf(s, "%g", v);
	}
}

char *dist_describe(const struct dist *d, bool is_duration)
{
	const struct dist_kind_info *k = &dist_kinds[d->kind];
	GString *s = g_string_new(k->name);
	int i;

	g_string_append_c(s, '(');
	if (d->kind == DIST_EMPIRICAL) {
		g_string_append_printf(s, "%zu samples", d->n_samples);
	} else {
		for (i = 0; i < 2 && k->param[i]; i++) {
			g_string_append_printf(s, "%s%s=", i ? ", " : "",
					       k->param[i]);
			put_value(s, d->p[i],
				  is_duration && k->param_is_duration[i]);
		}
	}
	g_string_append_c(s, ')');
	return g_string_free(s, FALSE);
}
