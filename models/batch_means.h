/*
 * The confidence interval of the mean of one long, autocorrelated run (the
 * response times of the queueing workload, in arrival order): a warm-up
 * found from the data, then non-overlapping batch means, batches made long
 * enough that their means are uncorrelated.
 *
 * Warm-up: MSER-5 (White 1997; White, Cobb and Spratt 2000). The run is cut
 * into m = n / 5 blocks of 5 and their means Z_j taken; for each candidate
 * cut d (in blocks, 0 <= d <= m / 2) MSER(d) = sum over j >= d of
 * (Z_j - mean of Z_d..)^2 / (m - d)^2, the squared standard error of the
 * remaining mean; the warm-up is 5 d for the d that minimises it (the
 * first such d). Cutting more than half the run is not allowed: the rule
 * is known to pick spurious cuts near the end.
 *
 * Batches: start from BATCH_MEANS_START batches (or as many as there are
 * observations, if fewer) and double the batch size (halving the count)
 * while the lag-1 autocorrelation r1 of the batch means is significant at
 * the one-sided 5% level, r1 > 1.645 / sqrt(k) (under independence r1 is
 * about normal with variance 1 / k), down to BATCH_MEANS_MIN batches. Then
 * the batch size is doubled once more (the "one more doubling" guard of
 * Fishman's LBATCH rule: a correlation just under the test's threshold
 * would still narrow the interval), unless that goes below the minimum.
 * The interval is mean +- t(0.975, k - 1) sd(batch means) / sqrt(k); the
 * observations left over after k whole batches count in the mean but in
 * no batch. If the count reaches the minimum with r1 still significant,
 * the result says so (uncorrelated false): the run is too short for an
 * honest interval.
 */
#ifndef MODELS_BATCH_MEANS_H
#define MODELS_BATCH_MEANS_H

#include <stdbool.h>
#include <stdint.h>

/* Batches to start from: 20 x 2^6, so that halving ends at exactly
 * BATCH_MEANS_MIN. */
#define BATCH_MEANS_START 1280
/* The fewest batches: below 20 the t quantile and sd grow too noisy. */
#define BATCH_MEANS_MIN 20

struct batch_means {
	uint64_t warmup;	/* observations dropped at the start
				 * (MSER-5), a multiple of 5 */
	uint64_t kept;		/* observations after the warm-up */
	double mean;		/* their mean */
	double half_width;	/* 95% half-width of the mean */
	uint64_t batches;	/* k, the batches used */
	uint64_t batch_size;	/* observations per batch */
	double lag1;		/* r1 of the batch means used */
	bool uncorrelated;	/* r1 passed the test before reaching
				 * BATCH_MEANS_MIN batches */
};

/* The MSER-5 warm-up of the @n observations @x, in observations (a
 * multiple of 5, at most n / 2). n < 10 gives 0. @x is borrowed. */
uint64_t batch_means_mser5(const double *x, uint64_t n);

/* The lag-1 autocorrelation of the @k values @m: sum (m_i - mean)
 * (m_{i+1} - mean) / sum (m_i - mean)^2; 0 when k < 2 or every value is
 * the same. */
double batch_means_lag1(const double *m, uint64_t k);

/*
 * The whole method (the top of this file) on the @n observations @x, in
 * the order they were observed, into @out. n >= 2 * BATCH_MEANS_MIN
 * (a bug otherwise). Allocates BATCH_MEANS_START doubles at most; @x is
 * borrowed and not changed. Deterministic.
 */
void batch_means_run(const double *x, uint64_t n, struct batch_means *out);

/*
 * batch_means_run() on @n integer observations @x (>= 0, each below 2^53
 * for an exact MSER-5; nanoseconds, say) read as x / @unit (> 0): the
 * mean and each batch mean are the exact 128-bit integer sum divided
 * once, so they depend on no order of summation; MSER-5's block means
 * and the rest are as there. Results may differ from
 * batch_means_run() on the converted doubles in the last bits.
 */
void batch_means_run_int(const int64_t *x, uint64_t n, double unit,
			 struct batch_means *out);

#endif
