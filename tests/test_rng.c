/* RNG streams: reproducible, independent of each other, well mixed. */
#include "sim/rng.h"
#include "test.h"

#include <gsl/gsl_randist.h>

#define DRAWS 64

static void draw(gsl_rng *r, unsigned long *out)
{
	int i;

	for (i = 0; i < DRAWS; i++)
		out[i] = gsl_rng_get(r);
}

static void test_same_seed_same_draws(void)
{
	unsigned long a[DRAWS], b[DRAWS];
	gsl_rng *x = sim_rng_new(1, 7, SIM_RNG_LATENCY, 3);
	gsl_rng *y = sim_rng_new(1, 7, SIM_RNG_LATENCY, 3);

	draw(x, a);
	draw(y, b);
	ASSERT(memcmp(a, b, sizeof(a)) == 0);
	/* re-seeding in place gives the same stream again */
	sim_rng_seed(x, 1, 7, SIM_RNG_LATENCY, 3);
	draw(x, b);
	ASSERT(memcmp(a, b, sizeof(a)) == 0);
	gsl_rng_free(x);
	gsl_rng_free(y);
}

/* Each of the four inputs changes the stream. */
static void test_inputs_matter(void)
{
	static const uint64_t keys[][4] = {
		{ 1, 7, SIM_RNG_LATENCY, 3 },
		{ 2, 7, SIM_RNG_LATENCY, 3 },
		{ 1, 8, SIM_RNG_LATENCY, 3 },
		{ 1, 7, SIM_RNG_FAILURE, 3 },
		{ 1, 7, SIM_RNG_LATENCY, 4 },
		{ 0, 0, 0, 0 },
	};
	size_t n = sizeof(keys) / sizeof(keys[0]), i, j;
	unsigned long d[6][DRAWS];

	for (i = 0; i < n; i++) {
		gsl_rng *r = sim_rng_new(keys[i][0], keys[i][1],
					 (uint32_t)keys[i][2], keys[i][3]);
		draw(r, d[i]);
		gsl_rng_free(r);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ASSERT(memcmp(d[i], d[j], sizeof(d[i])) != 0);
}

/*
 * Interleaving draws from a new stream between another stream's draws does
 * not change that stream's draws: streams share no state.
 */
static void test_new_stream_does_not_shift_others(void)
{
	unsigned long alone[DRAWS], mixed[DRAWS];
	gsl_rng *a = sim_rng_new(42, 0, SIM_RNG_SERVICE, 1);
	gsl_rng *b, *c;
	int i;

	draw(a, alone);
	gsl_rng_free(a);

	b = sim_rng_new(42, 0, SIM_RNG_SERVICE, 1);
	c = sim_rng_new(42, 0, SIM_RNG_SERVICE, 2);	/* "a new entity" */
	for (i = 0; i < DRAWS; i++) {
		gsl_rng_get(c);
		mixed[i] = gsl_rng_get(b);
		gsl_rng_get(c);
	}
	ASSERT(memcmp(alone, mixed, sizeof(alone)) == 0);
	gsl_rng_free(b);
	gsl_rng_free(c);
}

/* Pinned values: a change to the derivation would change every result
 * file, so it must be deliberate. */
static void test_pinned(void)
{
	gsl_rng *r = sim_rng_new(1, 0, SIM_RNG_TEST, 0);

	ASSERT_EQ(sim_mix64(0), UINT64_C(0xe220a8397b1dcdaf));
	ASSERT_EQ(gsl_rng_get(r), 1279709777UL);
	ASSERT_EQ(sim_rng_key(1, 0, SIM_RNG_TEST, 0),
		  sim_mix64(sim_mix64(sim_mix64(sim_mix64(1)) ^ SIM_RNG_TEST)));
	gsl_rng_free(r);
}

/* Neighbouring scenario indices give uncorrelated uniforms. */
static void test_neighbours_uncorrelated(void)
{
	enum { N = 20000 };
	double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0, corr;
	int i;

	for (i = 0; i < N; i++) {
		gsl_rng *a = sim_rng_new(5, (uint64_t)i, SIM_RNG_FAILURE, 0);
		gsl_rng *b = sim_rng_new(5, (uint64_t)i + 1, SIM_RNG_FAILURE, 0);
		double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);

		sx += x;
		sy += y;
		sxy += x * y;
		sxx += x * x;
		syy += y * y;
		gsl_rng_free(a);
		gsl_rng_free(b);
	}
	corr = (sxy - sx * sy / N) /
	       sqrt((sxx - sx * sx / N) * (syy - sy * sy / N));
	/* |r| < 4 standard errors (1/sqrt(N)) */
	ASSERT_NEAR(corr, 0.0, 4.0 / sqrt(N));
	ASSERT_NEAR(sx / N, 0.5, 4.0 * sqrt(1.0 / 12 / N));
}

int main(void)
{
	TEST_RUN(test_same_seed_same_draws);
	TEST_RUN(test_inputs_matter);
	TEST_RUN(test_new_stream_does_not_shift_others);
	TEST_RUN(test_pinned);
	TEST_RUN(test_neighbours_uncorrelated);
	return 0;
}
