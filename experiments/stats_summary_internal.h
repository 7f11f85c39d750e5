/*
 * What stats_summary.c (the join times' histogram) lends
 * stats_failover_summary.c (the failover times back, in the same
 * buckets): not for use elsewhere.
 */
#ifndef EXPERIMENTS_STATS_SUMMARY_INTERNAL_H
#define EXPERIMENTS_STATS_SUMMARY_INTERNAL_H

#include "sim/time.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The log buckets: the bucket of @v ns, and bucket @i's lowest value and
 * width in ns. */
size_t stats__hist_index(uint64_t v);
void stats__hist_bucket(size_t i, uint64_t *lo, uint64_t *width);

/* A histogram of @n values in those buckets, with its exact extremes;
 * borrowed: the view owns nothing. */
struct stats__hist {
	const uint64_t *counts;	/* n_buckets counts; NULL when n == 0 */
	size_t n_buckets;
	uint64_t n;		/* values counted */
	sim_time min, max;	/* ns; valid when n > 0 */
};

/* The value of rank @t (0-based, < @h->n), seconds: the exact extremes at
 * either end, else its bucket's midpoint, or its bucket's lower (@edge <
 * 0) or upper (@edge > 0) end. */
double stats__hist_order_stat(const struct stats__hist *h, uint64_t t,
			      int edge);

/* stats_quantile_censored() and, with @cap >= 0, stats_quantile_capped()
 * (values capped at @cap), the order statistics read from @h; @all
 * values in all, those in @h being the smallest and the rest censored
 * (+INFINITY, or @cap). NAN when @all is 0. */
double stats__hist_quantile(const struct stats__hist *h, uint64_t all,
			    double q, double cap);

/* *@d += @v, setting *@ovf when it wraps. */
static inline void stats__add128(unsigned __int128 *d, unsigned __int128 v,
				 bool *ovf)
{
	*ovf |= __builtin_add_overflow(*d, v, d);
}

#endif
