/*
 * Paired comparisons of a cell against its baseline cell at the same grid
 * point: scenario k ran under both policies with the same random numbers,
 * so differences are taken scenario by scenario (struct cell_acc keeps
 * each scenario's figures in scenario order; see stats.h).
 *
 * Every figure uses the censored definitions of stats.h: a counted node
 * not Ready by the deadline D counts as not joined (+infinity) and, where
 * a difference needs a number, as D:
 *  - success rate: the difference of the two rates, with Tango's (1998)
 *    score interval for a difference of paired proportions, and the score
 *    test (McNemar's) p-value;
 *  - join_mean_s: the difference of the restricted means (mean of
 *    min(join time, D) over counted nodes);
 *  - join_p50_s, join_p99_s: the difference of the type-7 quantiles of
 *    min(join time, D), flagged (enum stats_bound) when either side's own
 *    quantile is beyond the deadline, since the true difference is then
 *    only bounded;
 * each join difference with the 95% percentile interval of a paired
 * bootstrap (scenarios resampled with replacement, the same draws for both
 * sides) and a bootstrap p-value: twice the smaller of the fractions of
 * resampled differences <= 0 and >= 0, capped at 1 (the inversion of the
 * percentile interval: the interval at level 1 - p just reaches 0).
 *
 * Multiple comparisons: stats_holm() adjusts a family of p-values (Holm's
 * step-down method); the runner takes every comparison of a run as the
 * family.
 */
#ifndef EXPERIMENTS_STATS_PAIRED_H
#define EXPERIMENTS_STATS_PAIRED_H

#include "stats.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default number of bootstrap resamples (stats_paired_bootstrap()). */
#define STATS_BOOTSTRAP_RESAMPLES 10000
/* The fewest resamples the work cap may leave. */
#define STATS_BOOTSTRAP_MIN_RESAMPLES 2000
/* The work cap: about this many value operations per bootstrap (some
 * seconds); only runs of about 10^5 scenarios or more reach it. */
#define STATS_BOOTSTRAP_WORK 2e10
/* A p99 difference resting on fewer counted nodes than this beyond the
 * p99 of either side is flagged (struct stats_paired.tail_warning): its
 * percentile interval covers less than it claims. */
#define STATS_TAIL_MIN 50
/* The family-wise level of stats_holm()'s significance. */
#define STATS_ALPHA 0.05

/* What a difference of censored quantiles says about the true one. */
enum stats_bound {
	STATS_EXACT = 0,	/* neither side beyond the deadline */
	STATS_AT_LEAST,		/* the cell's quantile is beyond the deadline,
				 * the baseline's not: the true difference is
				 * at least diff */
	STATS_AT_MOST,		/* the baseline's is beyond, the cell's not:
				 * at most diff */
	STATS_BOTH_BEYOND,	/* both beyond: unknown (diff compares the
				 * capped values only) */
};

/* The name of @b as results.json writes it: "exact", "at_least",
 * "at_most", "both_beyond_deadline". Static storage. */
const char *stats_bound_name(enum stats_bound b);

/* A difference between a cell and its baseline, with its interval. */
struct stats_diff {
	double diff;		/* metric(cell) - metric(baseline) on all
				 * scenarios; NAN when either side has no
				 * value (no scenario, no counted node) */
	double ci95[2];		/* the 95% interval (Tango's for the success
				 * rate, else the 2.5 and 97.5 percentiles,
				 * type 7, of the resampled differences);
				 * NAN as diff is, or when no resample gave
				 * a value */
	bool significant;	/* the interval excludes 0 */
	double p_value;		/* two-sided, see the top; NAN with no
				 * interval */
	double p_holm;		/* Holm-adjusted over the family
				 * (stats_holm()); NAN until set */
	bool significant_holm;	/* p_holm < STATS_ALPHA */
	enum stats_bound bound;	/* quantiles: see enum stats_bound */
};

/* A cell against its baseline, paired by scenario. */
struct stats_paired {
	struct stats_diff success_rate;	/* a fraction: -0.1 is 10 points
					 * fewer successes; Tango interval */
	struct stats_diff join_mean_s;	/* restricted means, seconds */
	struct stats_diff join_p50_s;	/* quantiles of min(join, D), s */
	struct stats_diff join_p99_s;
	unsigned resamples;		/* resamples drawn (after the cap) */
	uint64_t discordant_better;	/* scenarios the cell succeeded in
					 * and the baseline failed */
	uint64_t discordant_worse;	/* the baseline succeeded, the cell
					 * failed */
	uint64_t tail_n;		/* counted nodes beyond the p99 rank,
					 * the fewer of the two sides */
	bool tail_warning;		/* tail_n < STATS_TAIL_MIN */
	struct fo_paired fo;		/* failover (stats_failover.h) */
};

/*
 * Tango's score interval for the difference of paired proportions
 * p1 - p2, from @n pairs of which @b have success under 1 only and @c
 * under 2 only, at normal quantile @z: the set of d in [-1, 1] where
 * |T(d)| <= z, T(d) = (b - c - n d) / sqrt(n (2 q(d) + d (1 - d))), q(d)
 * the constrained maximum-likelihood estimate of the probability of a
 * (0, 1) pair under p1 - p2 = d (Tango 1998, Stat Med 17:891, eq. 3-4).
 * Each end is found by bisection to 1e-12. The estimate (b - c) / n lies
 * inside; with b = c = 0 the interval is [-z^2/(n + z^2), z^2/(n + z^2)],
 * not a point. n = 0 gives [-1, 1]; b + c > n is a bug.
 */
void stats_tango(uint64_t b, uint64_t c, uint64_t n, double z, double *lo,
		 double *hi);

/* The two-sided p-value of Tango's score test of d = 0, which is
 * McNemar's: T(0) = (b - c) / sqrt(b + c); 1 when b + c = 0. */
double stats_tango_p(uint64_t b, uint64_t c);

/*
 * Holm's step-down adjustment of the @m p-values @p into @adj (may be @p):
 * sorted ascending, p_(i) becomes max over j <= i of min(1, (m' - j + 1)
 * p_(j)), m' the number of finite p-values; NAN entries stay NAN and do
 * not count. Ties keep their order. A comparison is significant at
 * family-wise level a when its adjusted p-value is below a.
 */
void stats_holm(const double *p, size_t m, double *adj);

/*
 * The paired comparison of @a against @base, which must hold the same
 * number of scenarios (a bug otherwise), entry k of each being the same
 * scenario, and the same deadline. Each diff is the metric of @a less that
 * of @base over all scenarios; the success rate gets Tango's interval;
 * then each of the resamples draws N scenario indices with replacement
 * from @r, the same indices for both sides (the pairing), and computes the
 * join metrics over the drawn scenarios pooled, a scenario drawn twice
 * counting twice. A resample where a side has no counted node gives no
 * join difference; the interval is taken over the others. Bounds and the
 * tail count are left for stats_paired_point().
 *
 * Join times are the float copies of scen_join_s, so a join diff can
 * differ from the difference of the summaries' double figures by float
 * rounding (under 1e-7 relative); stats_paired_point() replaces them.
 *
 * Work: about (2N + the join times of both sides) value operations per
 * resample (a presorted pool is scanned with per-scenario weights, no
 * sort per resample); when @resamples of them would pass
 * STATS_BOOTSTRAP_WORK, fewer are drawn, but never fewer than
 * STATS_BOOTSTRAP_MIN_RESAMPLES (nor more than asked). @resamples >= 1.
 * The draws depend only on N and @r's state, so two comparisons with the
 * same N from equal streams resample the same scenarios. @a, @base and @r
 * are borrowed; @r is advanced. Allocates O(N + join times) scratch, freed
 * before returning; @a and @base are not changed.
 */
void stats_paired_bootstrap(const struct cell_acc *a,
			    const struct cell_acc *base, unsigned resamples,
			    gsl_rng *r, struct stats_paired *out);

/*
 * The resamples stats_paired_bootstrap() draws when @asked are asked for
 * @n scenarios with @m_a and @m_b join times: @asked, unless that many
 * would pass STATS_BOOTSTRAP_WORK, then as many as fit but at least
 * STATS_BOOTSTRAP_MIN_RESAMPLES (never more than @asked); 0 when n = 0.
 */
unsigned stats_bootstrap_resamples(size_t n, size_t m_a, size_t m_b,
				   unsigned asked);

/*
 * Sets @out's point differences from the summaries @a and @base (doubles:
 * each diff is then exactly the difference of the reported figures, the
 * quantiles' of their _capped values), the bounds of the quantile
 * differences and the p99 tail count. Intervals are kept.
 */
void stats_paired_point(const struct cell_summary *a,
			const struct cell_summary *base,
			struct stats_paired *out);

/*
 * The comparison of a summary-mode cell (stats.h) against its baseline
 * from @a's pair sums (cell_acc_pair_chunk()) and both summaries @sa and
 * @sb: the success rate as stats_paired_bootstrap() does (Tango, from the
 * discordant counts); the restricted-mean difference with a CLT interval
 * (delta method) and its normal p-value; the p50 and p99 differences with
 * the conservative interval of stats.h and no p-value (NAN: outside
 * Holm's family). resamples is 0. The point differences and bounds are
 * left for stats_paired_point(), as after the bootstrap.
 */
void stats_paired_summary(const struct cell_acc *a,
			  const struct cell_summary *sa,
			  const struct cell_summary *sb,
			  struct stats_paired *out);

#endif
