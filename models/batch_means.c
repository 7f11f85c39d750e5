#include "batch_means.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

/* The one-sided 95% normal quantile of the lag-1 test. */
#define Z95_ONE_SIDED 1.6448536269514722

/* The observations of a run: doubles (x), or integers (xi) read as
 * xi / unit. */
struct bm_obs {
	const double *x;
	const int64_t *xi;
	double unit;
};

/* The mean of the 5 observations of @o from @i. */
static inline double obs_block5(const struct bm_obs *o, uint64_t i)
{
	if (o->x) {
		const double *b = o->x + i;

		return (b[0] + b[1] + b[2] + b[3] + b[4]) / 5.0;
	} else {
		const int64_t *b = o->xi + i;

		/* exact while the five stay below 2^53 in all */
		return ((double)b[0] + (double)b[1] + (double)b[2] +
			(double)b[3] + (double)b[4]) / 5.0 / o->unit;
	}
}

static uint64_t mser5(const struct bm_obs *o, uint64_t n)
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
		double z = obs_block5(o, 5 * j);

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

uint64_t batch_means_mser5(const double *x, uint64_t n)
{
	const struct bm_obs o = { .x = x, .unit = 1.0 };

	return mser5(&o, n);
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

/*
 * The means of @k batches of @size integer observations of @x into @bm,
 * in units of 1 / @unit: each batch's exact sum (128 bits: no overflow,
 * no rounding, no order), then one division.
 */
static void batch_int(const int64_t *x, uint64_t k, uint64_t size,
		      double unit, double *bm)
{
	uint64_t b, i;

	for (b = 0; b < k; b++) {
		const int64_t *p = x + b * size;
		__int128 sum = 0;

		for (i = 0; i < size; i++)
			sum += p[i];
		bm[b] = (double)sum / (double)size / unit;
	}
}

/* The batch means of @o from observation @from on (batch() or
 * batch_int()). */
static void obs_batch(const struct bm_obs *o, uint64_t from, uint64_t k,
		      uint64_t size, double *bm)
{
	if (o->x)
		batch(o->x + from, k, size, bm);
	else
		batch_int(o->xi + from, k, size, o->unit, bm);
}

/* The mean of @n observations of @o from @from: gsl_stats_mean() of
 * doubles, the exact sum of integers divided once. */
static double obs_mean(const struct bm_obs *o, uint64_t from, uint64_t n)
{
	const int64_t *p = o->xi + from;
	__int128 sum = 0;
	uint64_t i;

	if (o->x)
		return gsl_stats_mean(o->x + from, 1, n);
	for (i = 0; i < n; i++)
		sum += p[i];
	return (double)sum / (double)n / o->unit;
}

static void run(const struct bm_obs *o, uint64_t n, struct batch_means *out)
{
	uint64_t warm, kept, k, size;
	double *bm, r1;
	bool ok = false;

	SIM_ASSERT(n >= 2 * BATCH_MEANS_MIN);
	warm = mser5(o, n);
	kept = n - warm;
	/* BATCH_MEANS_MIN times a power of two, so that halving lands on
	 * the minimum */
	k = BATCH_MEANS_MIN;
	while (2 * k <= MIN((uint64_t)BATCH_MEANS_START, kept))
		k *= 2;
	size = kept / k;
	bm = g_new(double, k);
	for (;;) {
		obs_batch(o, warm, k, size, bm);
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
		obs_batch(o, warm, k, size, bm);
		r1 = batch_means_lag1(bm, k);
	}
	*out = (struct batch_means){
		.warmup = warm,
		.kept = kept,
		.mean = obs_mean(o, warm, kept),
		.half_width = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) *
			      gsl_stats_sd(bm, 1, k) / sqrt((double)k),
		.batches = k,
		.batch_size = size,
		.lag1 = r1,
		.uncorrelated = ok,
	};
	g_free(bm);
}

void batch_means_run(const double *x, uint64_t n, struct batch_means *out)
{
	const struct bm_obs o = { .x = x, .unit = 1.0 };

	run(&o, n, out);
}

void batch_means_run_int(const int64_t *x, uint64_t n, double unit,
			 struct batch_means *out)
{
	const struct bm_obs o = { .xi = x, .unit = unit };

	SIM_ASSERT(unit > 0);
	run(&o, n, out);
}
