/* The batch-means interval of one long run (models/batch_means.h): MSER-5,
 * the lag-1 autocorrelation, and the batch sizing. */
#include "models/batch_means.h"
#include "sim/rng.h"
#include "test.h"

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <math.h>

/* By hand: r1 = sum (m_i - mean)(m_i+1 - mean) / sum (m_i - mean)^2. */
static void test_lag1(void)
{
	const double up[] = { 1, 2, 3, 4 };	/* (.75 - .25 + .75) / 5 */
	const double alt[] = { 1, -1, 1, -1 };	/* -3 / 4 */
	const double flat[] = { 2, 2, 2 };

	ASSERT_NEAR(batch_means_lag1(up, 4), 0.25, 1e-15);
	ASSERT_NEAR(batch_means_lag1(alt, 4), -0.75, 1e-15);
	ASSERT(batch_means_lag1(flat, 3) == 0.0);
	ASSERT(batch_means_lag1(up, 1) == 0.0);
}

/*
 * MSER-5 by hand. Blocks of 5 (10, 0, 0, 0): d = 0 leaves mean 2.5 and
 * squares 75 + 3 x 6.25 = 93.75 over 4^2, 5.86; d = 1 leaves (0, 0, 0),
 * 0: the warm-up is one block. A constant run: every d gives 0, the first
 * (no warm-up) is kept. Blocks (9, 1, 5, 5, 5, 5): d = 0: mean 5, squares
 * 32 / 36 = 0.89; d = 1: mean 4.2, squares 10.24 + 4 x 0.64 = 12.8 / 25 =
 * 0.51; d = 2: 0 / 16: two blocks. A cut past half the run is never
 * taken: (0, 0, 0, 9, 9, 9, 9, 9, 9, 9), whose best d = 3 is allowed
 * (m / 2 = 5), against (0 x 7, 9, 9, 9), whose d = 7 is not.
 */
static void test_mser5(void)
{
	double x[60];
	size_t i;

	for (i = 0; i < 20; i++)
		x[i] = i < 5 ? 10.0 : 0.0;
	ASSERT_EQ(batch_means_mser5(x, 20), 5);
	for (i = 0; i < 20; i++)
		x[i] = 3.0;
	ASSERT_EQ(batch_means_mser5(x, 20), 0);
	for (i = 0; i < 30; i++)
		x[i] = i < 5 ? 9.0 : i < 10 ? 1.0 : 5.0;
	ASSERT_EQ(batch_means_mser5(x, 30), 10);
	for (i = 0; i < 50; i++)
		x[i] = i < 15 ? 0.0 : 9.0;
	ASSERT_EQ(batch_means_mser5(x, 50), 15);
	for (i = 0; i < 50; i++)
		x[i] = i < 35 ? 0.0 : 9.0;
	ASSERT(batch_means_mser5(x, 50) <= 25);
	ASSERT_EQ(batch_means_mser5(x, 9), 0);
}

/* Independent normal values: the first count passes, one more doubling
 * halves it, and the interval covers the true mean 0 (a 99.99% check). */
static void test_iid(void)
{
	enum { N = 128000 };
	gsl_rng *g = sim_rng_new(3, 0, SIM_RNG_TEST, 0);
	double *x = g_new(double, N);
	struct batch_means bm;
	size_t i;

	for (i = 0; i < N; i++)
		x[i] = gsl_ran_gaussian(g, 1.0);
	batch_means_run(x, N, &bm);
	printf("    iid: warm-up %" G_GUINT64_FORMAT ", k %" G_GUINT64_FORMAT
	       ", r1 %.3f, mean %.4f +- %.4f\n", bm.warmup, bm.batches,
	       bm.lag1, bm.mean, bm.half_width);
	ASSERT(bm.uncorrelated);
	ASSERT_EQ(bm.batches, BATCH_MEANS_START / 2);
	ASSERT_EQ(bm.batch_size, bm.kept / bm.batches);
	ASSERT_EQ(bm.kept + bm.warmup, N);
	ASSERT(fabs(bm.mean) < 2.0 * bm.half_width);
	/* sd 1 / sqrt(kept): the half-width is near 1.96 / sqrt(N) */
	ASSERT_NEAR(bm.half_width, 1.96 / sqrt((double)N), 0.2 / sqrt((double)N));
	g_free(x);
	gsl_rng_free(g);
}

/* AR(1) with phi = 0.99 (correlation time about 200): the batches grow
 * until their means are uncorrelated; the half-width then reflects the
 * variance of the mean, sigma^2 / (1 - phi)^2 / n, not sigma^2 / n. */
static void test_ar1(void)
{
	enum { N = 400000 };
	gsl_rng *g = sim_rng_new(4, 0, SIM_RNG_TEST, 0);
	double *x = g_new(double, N), v = 0.0, want;
	struct batch_means bm;
	size_t i;

	for (i = 0; i < N; i++) {
		v = 0.99 * v + gsl_ran_gaussian(g, 1.0);
		x[i] = v;
	}
	batch_means_run(x, N, &bm);
	want = 1.96 / 0.01 / sqrt((double)N);
	printf("    AR(1): warm-up %" G_GUINT64_FORMAT ", k %" G_GUINT64_FORMAT
	       ", size %" G_GUINT64_FORMAT ", r1 %.3f, mean %.3f +- %.3f "
	       "(asymptotic %.3f)\n", bm.warmup, bm.batches, bm.batch_size,
	       bm.lag1, bm.mean, bm.half_width, want);
	ASSERT(bm.batches < BATCH_MEANS_START / 2);
	ASSERT(bm.batch_size >= 1000);
	ASSERT(bm.half_width > 0.6 * want && bm.half_width < 1.6 * want);
	g_free(x);
	gsl_rng_free(g);
}

int main(void)
{
	TEST_RUN(test_lag1);
	TEST_RUN(test_mser5);
	TEST_RUN(test_iid);
	TEST_RUN(test_ar1);
	return 0;
}
