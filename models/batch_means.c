#include "batch_means.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

/* The one-sided 95% normal quantile of the lag-1 test. */
#define Z95_ONE_SIDED 1.6448536269514722

uint64_t batch_means_mser5(const double *x, uint64_t n)
{
	uint64_t m = n / 5, j, d, best = 0;
	double s1 = 0.0, s2 = 0.0, best_v = INFINITY;

	if (n < 10)
		return 0;
	/* suffix sums of the block means z_j, from the end, so that each
	 * cut d is O(1); the sum of squares about the mean as
	 * s2 - s1^2 / c. Each z_j is taken as it is needed (no array of
	 * them: n / 5 doubles to fault in and write, for one read) */
	for (j = m; j-- > 0;) {
		const double *b = x + 5 * j;
		double z = (b[0] + b[1] + b[2] + b[3] + b[4]) / 5.0;

		s1 += z;
		s2 += z * z;
		d = j;
		if (d <= m / 2) {
			double c = (double)(m - d);
			double ss = fmax(0.0, s2 - s1 * s1 / c);
			double v = ss / (c * c);

			/* <=: the first d (the smallest cut) among equals */
			if (v <= best_v) {
				best_v = v;
				best = d;
			}
		}
	}
	return 5 * best;
}

double batch_means_lag1(const double *m, uint64_t k)
{
	double mean, num = 0.0, den = 0.0;
	uint64_t i;

	if (k < 2)
		return 0.0;
	mean = gsl_stats_mean(m, 1, k);
	for (i = 0; i < k; i++) {
		double a = m[i] - mean;

		den += a * a;
		if (i + 1 < k)
			num += a * (m[i + 1] - mean);
	}
	return den > 0.0 ? num / den : 0.0;
}

/*
 * The means of @k batches of @size observations of @x into @bm, each bit
 * for bit what gsl_stats_mean() gives: its recurrence m += (x_i - m) /
 * (i + 1) in long double, rounded to double at the end. The recurrences
 * of four batches run side by side: each is a chain of divisions that
 * waits on the one before, and independent chains overlap (a pass over
 * the run, one batch after the other, cost a seventh of a 1M-request
 * study). Written out, not as a loop over an array, so that the four
 * stay in registers.
 */
static void batch(const double *x, uint64_t k, uint64_t size, double *bm)
{
	uint64_t b, i;

	for (b = 0; b + 4 <= k; b += 4) {
		const double *p0 = x + b * size, *p1 = p0 + size,
			     *p2 = p1 + size, *p3 = p2 + size;
		long double m0 = 0, m1 = 0, m2 = 0, m3 = 0;

		for (i = 0; i < size; i++) {
			long double d = (long double)(i + 1);

			m0 += (p0[i] - m0) / d;
			m1 += (p1[i] - m1) / d;
			m2 += (p2[i] - m2) / d;
			m3 += (p3[i] - m3) / d;
		}
		bm[b] = (double)m0;
		bm[b + 1] = (double)m1;
		bm[b + 2] = (double)m2;
		bm[b + 3] = (double)m3;
	}
	for (; b < k; b++)
		bm[b] = gsl_stats_mean(x + b * size, 1, size);
}

void batch_means_run(const double *x, uint64_t n, struct batch_means *out)
{
	uint64_t warm, kept, k, size;
	const double *y;
	double *bm, r1;
	bool ok = false;

	SIM_ASSERT(n >= 2 * BATCH_MEANS_MIN);
	warm = batch_means_mser5(x, n);
	y = x + warm;
	kept = n - warm;
	/* BATCH_MEANS_MIN times a power of two, so that halving lands on
	 * the minimum */
	k = BATCH_MEANS_MIN;
	while (2 * k <= MIN((uint64_t)BATCH_MEANS_START, kept))
		k *= 2;
	size = kept / k;
	bm = g_new(double, k);
	for (;;) {
		batch(y, k, size, bm);
		r1 = batch_means_lag1(bm, k);
		if (r1 <= Z95_ONE_SIDED / sqrt((double)k)) {
			ok = true;
			break;
		}
		if (k / 2 < BATCH_MEANS_MIN)
			break;
		k /= 2;
		size = kept / k;
	}
	if (ok && k / 2 >= BATCH_MEANS_MIN) {	/* one more doubling */
		k /= 2;
		size = kept / k;
		batch(y, k, size, bm);
		r1 = batch_means_lag1(bm, k);
	}
	*out = (struct batch_means){
		.warmup = warm,
		.kept = kept,
		.mean = gsl_stats_mean(y, 1, kept),
		.half_width = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) *
			      gsl_stats_sd(bm, 1, k) / sqrt((double)k),
		.batches = k,
		.batch_size = size,
		.lag1 = r1,
		.uncorrelated = ok,
	};
	g_free(bm);
}
