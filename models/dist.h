/*
 * Probability distributions for durations and other quantities, sampled
 * through GSL. A distribution is data ({"dist": KIND, ...params} in a spec);
 * this module samples it and knows its analytic mean.
 *
 * Every parameter that is a duration is held in seconds (a double) so that
 * one struct serves durations and plain numbers; dist_sample_time() converts
 * a draw to sim_time.
 */
#ifndef MODELS_DIST_H
#define MODELS_DIST_H

#include "sim/time.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
	DIST_CONSTANT,		/* value */
	DIST_UNIFORM,		/* min, max: U[min, max) */
	DIST_NORMAL,		/* mean, stddev; truncated at 0 (redrawn) */
	DIST_LOGNORMAL,		/* median, sigma: exp(N(ln median, sigma)) */
	DIST_GAMMA,		/* shape k, scale theta: mean k*theta */
	DIST_WEIBULL,		/* shape k, scale lambda */
	DIST_PARETO,		/* shape alpha, scale x_m (minimum) */
	DIST_EXPONENTIAL,	/* mean */
	DIST_EMPIRICAL,		/* samples: each drawn with equal probability */
	DIST_N_KINDS
} dist_kind;

struct dist {
	dist_kind kind;
	double p[2];		/* parameters, in the order listed above */
	double *samples;	/* DIST_EMPIRICAL only; owned, sorted */
	size_t n_samples;
};

/* Static facts about each kind, for the spec loader, `selsim list` and
 * `validate --explain`. */
struct dist_kind_info {
	const char *name;		/* as written in a spec: "lognormal" */
	const char *param[2];		/* parameter names, NULL when unused */
	bool param_is_duration[2];	/* whether a duration-valued spec
					 * parameter is a duration (else a
					 * plain number such as sigma) */
	const char *summary;		/* one line */
};

extern const struct dist_kind_info dist_kinds[DIST_N_KINDS];

/* The kind named @name, or -1. */
int dist_kind_find(const char *name);

/* A constant distribution. */
struct dist dist_constant(double value);

/* Frees what @d owns (the samples) and zeroes it. */
void dist_release(struct dist *d);

/* A deep copy of @src into @dst. */
void dist_copy(struct dist *dst, const struct dist *src);

/*
 * Checks the parameters for the kind: returns NULL when valid, else a static
 * string saying what is wrong ("sigma must be > 0").
 */
const char *dist_check(const struct dist *d);

/* One draw, in the distribution's own unit (seconds for durations). */
double dist_sample(const struct dist *d, gsl_rng *r);

/* One draw of a duration, rounded to the nanosecond, never negative. */
sim_time dist_sample_time(const struct dist *d, gsl_rng *r);

/*
 * An exponential duration of mean @mean seconds (> 0), in nanoseconds:
 * -mean ln(1 - U) with U = gsl_rng_uniform(@r), rounded as llround()
 * does. gsl_ran_exponential() is the same transform of the same U but
 * computes -mean log1p(-U); 1 - U is exact (U is a multiple of 2^-32), so
 * the two differ by at most an ulp or so before rounding (about one draw
 * in 10^7 lands 1 ns apart after it), and log() costs a fifth of
 * log1p() here. For the queueing workload's hot loop; the world model
 * keeps dist_sample_time().
 */
sim_time dist_exponential_time(gsl_rng *r, double mean);

/* dist_sample_time(), but an exponential through dist_exponential_time()
 * (one draw of U, as there). */
sim_time dist_sample_time_fast(const struct dist *d, gsl_rng *r);

/* The analytic mean (the sample mean for empirical; INFINITY for a Pareto
 * with alpha <= 1). */
double dist_mean(const struct dist *d);

/* "lognormal(median=250us, sigma=0.3)"; caller frees with g_free(). */
char *dist_describe(const struct dist *d, bool is_duration);

#endif
