/*
 * models/dist: every kind's draws against its closed form, the parameter
 * checks, and the order of the arguments handed to GSL.
 *
 * Each kind draws N values from its own stream (seed 1, purpose
 * SIM_RNG_TEST, the kind as entity: the run is deterministic) and compares
 * - the sample mean with the closed-form mean, within 5 standard errors
 *   (s / sqrt(N));
 * - the sample variance with the closed-form variance, within 5 standard
 *   errors of a variance, sqrt((m4 - s^4) / N), m4 being the sample's
 *   fourth central moment;
 * - where the median has a closed form, the fraction of draws below it
 *   with 1/2, within 5 * 0.5 / sqrt(N);
 * - the lowest draw with the bottom of the support.
 * A correct sampler misses one of these bounds with a probability of about
 * 6e-7 per check with a fresh seed. The closed forms are written here from
 * the textbook definitions, not taken from dist.c; dist_mean() must agree
 * with them.
 *
 * GSL's argument orders are easy to get wrong: gsl_ran_gamma(r, shape,
 * scale), gsl_ran_lognormal(r, zeta = ln median, sigma), gsl_ran_pareto(r,
 * shape, minimum) but gsl_ran_weibull(r, scale, shape). The parameters below
 * are chosen so that swapping any of the four moves a checked figure by
 * tens of standard errors or more (the comment on each case says which).
 */
#include "models/dist.h"
#include "sim/rng.h"
#include "test.h"

#include <glib.h>

#define N_DRAWS 200000
#define N_SE 5.0

/* Mean and variance of N(mu, sigma) truncated to [0, inf), as
 * DIST_NORMAL redraws negative values. */
static void truncated_normal(double mu, double sigma, double *mean,
			     double *var)
{
	double alpha = -mu / sigma;
	double phi = exp(-alpha * alpha / 2) / sqrt(2 * G_PI);
	double tail = 0.5 * erfc(alpha / sqrt(2));	/* P(X >= 0) */
	double lambda = phi / tail;

	*mean = mu + sigma * lambda;
	*var = sigma * sigma * (1 + alpha * lambda - lambda * lambda);
}

struct moment_case {
	const char *what;
	struct dist d;
	double mean, var;	/* closed form */
	double median;		/* closed form, or NAN when there is none */
	double low;		/* the bottom of the support */
};

/* Draws N_DRAWS values of @c->d and checks them against @c. */
static void check_moments(const struct moment_case *c)
{
	double *x = g_new(double, N_DRAWS);
	gsl_rng *r = sim_rng_new(1, 0, SIM_RNG_TEST, (uint64_t)c->d.kind);
	double sum = 0, m2 = 0, m4 = 0, mean, var, se_mean, se_var, lowest;
	size_t below = 0;
	int i;

	printf("    %s\n", c->what);
	for (i = 0; i < N_DRAWS; i++) {
		x[i] = dist_sample(&c->d, r);
		sum += x[i];
	}
	mean = sum / N_DRAWS;
	lowest = x[0];
	for (i = 0; i < N_DRAWS; i++) {
		double dev = x[i] - mean;

		m2 += dev * dev;
		m4 += dev * dev * dev * dev;
		if (x[i] < lowest)
			lowest = x[i];
		if (x[i] < c->median)
			below++;
	}
	var = m2 / (N_DRAWS - 1);
	m4 /= N_DRAWS;
	se_mean = sqrt(var / N_DRAWS);
	se_var = sqrt(fmax(m4 - var * var, 0) / N_DRAWS);

	/* the analytic mean of the module is the closed form */
	ASSERT_NEAR(dist_mean(&c->d), c->mean, 1e-12 * fabs(c->mean));
	/* 1e-12 relative: room for rounding when every draw is equal */
	ASSERT_NEAR(mean, c->mean, N_SE * se_mean + 1e-12 * fabs(c->mean));
	ASSERT_NEAR(var, c->var, N_SE * se_var + 1e-12 * c->mean * c->mean);
	if (!isnan(c->median))
		ASSERT_NEAR((double)below / N_DRAWS, 0.5,
			    N_SE * 0.5 / sqrt(N_DRAWS));
	ASSERT(lowest >= c->low);
	gsl_rng_free(r);
	g_free(x);
}

static struct dist dist2(dist_kind kind, double a, double b)
{
	struct dist d = { .kind = kind, .p = { a, b } };

	return d;
}

static void test_constant(void)
{
	struct moment_case c = { "constant(3)", dist_constant(3), 3, 0, NAN, 3 };

	check_moments(&c);
}

static void test_uniform(void)
{
	struct moment_case c = { "uniform(1, 3)", dist2(DIST_UNIFORM, 1, 3),
				 2, 4.0 / 12, 2, 1 };

	check_moments(&c);
}

/* Far from zero the truncation is invisible (5 sigma); at mean 0 it is a
 * half-normal; at mean 1, sigma 2 a third of the raw draws are redrawn. */
static void test_normal(void)
{
	static const double params[][2] = { { 10, 2 }, { 0, 1 }, { 1, 2 } };
	static const char *const what[] = { "normal(10, 2)", "normal(0, 1)",
					    "normal(1, 2)" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(params); i++) {
		struct moment_case c = { what[i], dist2(DIST_NORMAL,
				params[i][0], params[i][1]), 0, 0, NAN, 0 };

		truncated_normal(params[i][0], params[i][1], &c.mean, &c.var);
		check_moments(&c);
	}
}

/* median 2, sigma 0.5: mean 2.27. Swapped (zeta = 0.5, sigma = ln 2) the
 * mean would be 2.10, over 40 standard errors off, and 61% of the draws
 * would fall below the median. */
static void test_lognormal(void)
{
	const double m = 2, s = 0.5;
	struct moment_case c = { "lognormal(median 2, sigma 0.5)",
				 dist2(DIST_LOGNORMAL, m, s),
				 m * exp(s * s / 2),
				 (exp(s * s) - 1) * m * m * exp(s * s), m, 0 };

	check_moments(&c);
}

/* shape 2, scale 3: mean 6, variance k theta^2 = 18. Swapped the mean
 * stays 6 but the variance is 12, over 100 standard errors away. */
static void test_gamma(void)
{
	struct moment_case c = { "gamma(shape 2, scale 3)",
				 dist2(DIST_GAMMA, 2, 3), 6, 18, NAN, 0 };

	check_moments(&c);
}

/* shape 2, scale 3: mean 3 Gamma(1.5) = 2.66. Swapped (shape 3, scale 2)
 * the mean would be 2 Gamma(4/3) = 1.79, some 600 standard errors off. */
static void test_weibull(void)
{
	const double k = 2, lambda = 3;
	const double g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);
	struct moment_case c = { "weibull(shape 2, scale 3)",
				 dist2(DIST_WEIBULL, k, lambda), lambda * g1,
				 lambda * lambda * (g2 - g1 * g1),
				 lambda * pow(log(2), 1 / k), 0 };

	check_moments(&c);
}

/* shape 5 (a finite fourth moment, so the variance's standard error is
 * meaningful), minimum 2: mean 2.5. Swapped (shape 2, minimum 5) the mean
 * would be 10 and every draw >= 5. */
static void test_pareto(void)
{
	const double a = 5, xm = 2;
	struct moment_case c = { "pareto(shape 5, minimum 2)",
				 dist2(DIST_PARETO, a, xm), a * xm / (a - 1),
				 xm * xm * a / ((a - 1) * (a - 1) * (a - 2)),
				 xm * pow(2, 1 / a), xm };

	check_moments(&c);
}

static void test_exponential(void)
{
	struct moment_case c = { "exponential(mean 0.5)",
				 dist2(DIST_EXPONENTIAL, 0.5, 0), 0.5, 0.25,
				 0.5 * log(2), 0 };

	check_moments(&c);
}

static void test_empirical(void)
{
	static const double samples[] = { 1, 2, 4, 8 };
	struct moment_case c = { "empirical(1, 2, 4, 8)",
				 { .kind = DIST_EMPIRICAL }, 3.75,
				 (1 + 4 + 16 + 64) / 4.0 - 3.75 * 3.75, NAN, 1 };
	gsl_rng *r = sim_rng_new(1, 1, SIM_RNG_TEST, DIST_EMPIRICAL);
	int counts[9] = { 0 };
	int i;

	c.d.samples = g_memdup2(samples, sizeof(samples));
	c.d.n_samples = G_N_ELEMENTS(samples);
	check_moments(&c);
	/* nothing but the listed values, each about a quarter of the time */
	for (i = 0; i < N_DRAWS; i++) {
		double x = dist_sample(&c.d, r);

		ASSERT(x == 1 || x == 2 || x == 4 || x == 8);
		counts[(int)x]++;
	}
	for (i = 1; i <= 8; i *= 2)
		ASSERT_NEAR(counts[i] / (double)N_DRAWS, 0.25,
			    N_SE * sqrt(0.25 * 0.75 / N_DRAWS));
	gsl_rng_free(r);
	dist_release(&c.d);
	ASSERT(c.d.samples == NULL && c.d.n_samples == 0);
}

/* Degenerate parameters draw the obvious value. */
static void test_degenerate(void)
{
	gsl_rng *r = sim_rng_new(1, 2, SIM_RNG_TEST, 0);
	struct dist zero_mean = dist2(DIST_EXPONENTIAL, 0, 0);
	struct dist no_spread = dist2(DIST_NORMAL, 1.5, 0);
	struct dist no_sigma = dist2(DIST_LOGNORMAL, 2, 0);
	struct dist flat = dist2(DIST_UNIFORM, 4, 4);
	int i;

	for (i = 0; i < 100; i++) {
		ASSERT(dist_sample(&zero_mean, r) == 0);
		ASSERT(dist_sample(&no_spread, r) == 1.5);
		ASSERT_NEAR(dist_sample(&no_sigma, r), 2, 1e-12);
		ASSERT(dist_sample(&flat, r) == 4);
	}
	ASSERT(dist_mean(&no_spread) == 1.5);
	/* a Pareto's mean is infinite for shape <= 1 */
	ASSERT(isinf(dist_mean(&(struct dist){ .kind = DIST_PARETO,
					       .p = { 1, 2 } })));
	ASSERT(isinf(dist_mean(&(struct dist){ .kind = DIST_PARETO,
					       .p = { 0.5, 2 } })));
	gsl_rng_free(r);
}

/* Draws of a duration: seconds to whole nanoseconds, never negative,
 * saturating at SIM_TIME_MAX. */
static void test_sample_time(void)
{
	gsl_rng *r = sim_rng_new(1, 3, SIM_RNG_TEST, 0);
	struct dist quarter = dist_constant(0.25);
	struct dist tiny = dist_constant(1.4e-9);
	struct dist huge = dist_constant(1e10);
	struct dist zero = dist_constant(0);

	ASSERT_EQ(dist_sample_time(&quarter, r), 250 * SIM_MS);
	ASSERT_EQ(dist_sample_time(&tiny, r), 1);
	ASSERT_EQ(dist_sample_time(&huge, r), SIM_TIME_MAX);
	ASSERT_EQ(dist_sample_time(&zero, r), 0);
	gsl_rng_free(r);
}

struct check_case {
	dist_kind kind;
	double a, b;
	const char *error;	/* NULL: valid */
};

/* Every message of dist_check(), and a valid neighbour of each. */
static void test_check(void)
{
	static const struct check_case cases[] = {
		{ DIST_CONSTANT, -1, 0, "value must be >= 0" },
		{ DIST_CONSTANT, 0, 0, NULL },
		{ DIST_UNIFORM, -1, 1, "min must be >= 0" },
		{ DIST_UNIFORM, 2, 1, "max must be >= min" },
		{ DIST_UNIFORM, 1, 1, NULL },
		{ DIST_NORMAL, -1, 1, "mean must be >= 0" },
		{ DIST_NORMAL, 1, -1, "stddev must be >= 0" },
		{ DIST_NORMAL, 0, 0, NULL },
		{ DIST_NORMAL, 0, 1, NULL },
		{ DIST_LOGNORMAL, 0, 1, "median must be > 0" },
		{ DIST_LOGNORMAL, 1, -0.1, "sigma must be >= 0" },
		{ DIST_LOGNORMAL, 1, 0, NULL },
		{ DIST_GAMMA, 0, 1, "shape must be > 0" },
		{ DIST_GAMMA, 1, 0, "scale must be > 0" },
		{ DIST_GAMMA, 0.5, 0.5, NULL },
		{ DIST_WEIBULL, -1, 1, "shape must be > 0" },
		{ DIST_WEIBULL, 1, -1, "scale must be > 0" },
		{ DIST_WEIBULL, 0.5, 0.5, NULL },
		{ DIST_PARETO, 0, 1, "shape must be > 0" },
		{ DIST_PARETO, 1, 0, "scale must be > 0" },
		{ DIST_PARETO, 0.5, 0.5, NULL },
		{ DIST_EXPONENTIAL, -1, 0, "mean must be >= 0" },
		{ DIST_EXPONENTIAL, 0, 0, NULL },
		{ DIST_N_KINDS, 1, 1, "unknown distribution" },
	};
	size_t i;
	int k;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct check_case *c = &cases[i];
		struct dist d = dist2(c->kind, c->a, c->b);
		const char *got = dist_check(&d);

		if (c->error) {
			ASSERT_STR_EQ(got, c->error);
		} else if (got) {
			TEST_FAIL("case %zu: %s(%g, %g) rejected: %s", i,
				  dist_kinds[c->kind].name, c->a, c->b, got);
		}
	}
	/* a parameter that is not finite, for every kind */
	for (k = 0; k < DIST_N_KINDS; k++) {
		struct dist d = dist2(k, NAN, 1);

		ASSERT_STR_EQ(dist_check(&d), "parameters must be finite");
		d = dist2(k, 1, INFINITY);
		ASSERT_STR_EQ(dist_check(&d), "parameters must be finite");
	}
}

static void test_check_empirical(void)
{
	static const double negative[] = { 1, -1 }, nan_[] = { NAN },
			    good[] = { 0, 1 };
	struct dist d = { .kind = DIST_EMPIRICAL };

	ASSERT_STR_EQ(dist_check(&d), "samples must not be empty");
	d.samples = (double *)negative;
	d.n_samples = G_N_ELEMENTS(negative);
	ASSERT_STR_EQ(dist_check(&d), "samples must be >= 0");
	d.samples = (double *)nan_;
	d.n_samples = G_N_ELEMENTS(nan_);
	ASSERT_STR_EQ(dist_check(&d), "samples must be >= 0");
	d.samples = (double *)good;
	d.n_samples = G_N_ELEMENTS(good);
	ASSERT(dist_check(&d) == NULL);
}

static void test_kind_names(void)
{
	int k;

	for (k = 0; k < DIST_N_KINDS; k++) {
		ASSERT(dist_kinds[k].name && dist_kinds[k].summary);
		ASSERT_EQ(dist_kind_find(dist_kinds[k].name), k);
	}
	ASSERT_EQ(dist_kind_find("lognorml"), -1);
	ASSERT_EQ(dist_kind_find(""), -1);
}

static void test_describe_and_copy(void)
{
	static const double samples[] = { 0.001, 0.002, 0.004 };
	struct dist g = dist2(DIST_GAMMA, 2, 0.25);
	struct dist ln = dist2(DIST_LOGNORMAL, 0.00025, 0.3);
	struct dist e = { .kind = DIST_EMPIRICAL };
	struct dist copy;
	char *s;

	s = dist_describe(&g, false);
	ASSERT_STR_EQ(s, "gamma(shape=2, scale=0.25)");
	g_free(s);
	/* only the duration-valued parameters print as durations */
	s = dist_describe(&g, true);
	ASSERT_STR_EQ(s, "gamma(shape=2, scale=250ms)");
	g_free(s);
	s = dist_describe(&ln, true);
	ASSERT_STR_EQ(s, "lognormal(median=250us, sigma=0.3)");
	g_free(s);

	e.samples = g_memdup2(samples, sizeof(samples));
	e.n_samples = G_N_ELEMENTS(samples);
	s = dist_describe(&e, true);
	ASSERT_STR_EQ(s, "empirical(3 samples)");
	g_free(s);
	/* a copy owns its own samples */
	dist_copy(&copy, &e);
	ASSERT(copy.samples != e.samples);
	ASSERT_EQ(copy.n_samples, 3);
	e.samples[0] = 9;
	ASSERT(copy.samples[0] == 0.001);
	dist_release(&e);
	ASSERT(copy.samples[2] == 0.004);
	dist_release(&copy);
}

int main(void)
{
	TEST_RUN(test_constant);
	TEST_RUN(test_uniform);
	TEST_RUN(test_normal);
	TEST_RUN(test_lognormal);
	TEST_RUN(test_gamma);
	TEST_RUN(test_weibull);
	TEST_RUN(test_pareto);
	TEST_RUN(test_exponential);
	TEST_RUN(test_empirical);
	TEST_RUN(test_degenerate);
	TEST_RUN(test_sample_time);
	TEST_RUN(test_check);
	TEST_RUN(test_check_empirical);
	TEST_RUN(test_kind_names);
	TEST_RUN(test_describe_and_copy);
	return 0;
}
