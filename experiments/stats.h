/*
 * Statistics per cell (one grid point x one policy): the run records of its
 * scenarios are accumulated in a struct cell_acc, then summarised into a
 * struct cell_summary of plain numbers that the output writers print.
 *
 * Every sum is an integer, and the join times are sorted before anything is
 * computed from them, so a summary depends only on the multiset of records
 * added: the order of cell_acc_add() and cell_acc_merge() calls (which
 * thread ran what) cannot change a single bit of the output.
 *
 * The accumulator also keeps each scenario's own figures, in the order
 * added, for the paired comparisons against a baseline cell
 * (stats_paired.h). That order is the pairing: the runner adds records in
 * scenario order within a chunk and merges chunks in scenario order, so
 * entry k is scenario k under every policy.
 *
 * Censoring. A counted node (one that should join) that is not Ready by
 * the deadline D is not dropped: every join-time figure is over all
 * counted nodes, such a node counting as +infinity ("not joined by the
 * deadline"). A quantile that falls among them (its type-7 interpolation
 * touches one) is +INFINITY, printed "> deadline"; the mean is replaced by
 * the restricted mean, the mean of min(join time, D), where a node not
 * joined counts D. The figures over joined nodes only (conditional on
 * joining) are kept apart, named joined_*.
 */
#ifndef EXPERIMENTS_STATS_H
#define EXPERIMENTS_STATS_H

#include "models/record.h"
#include "stats_failover.h"
#include "sim/time.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The normal quantile for a two-sided 95% interval. */
#define STATS_Z95 1.959963984540054

/* Points of the join-time CDF kept per cell: quantiles 0, 0.01 ... 1. */
#define STATS_CDF_POINTS 101

/*
 * The Wilson score interval for @k successes in @n trials at normal
 * quantile @z, written to *@lo and *@hi and clamped to [0, 1]; k = 0 gives
 * lo = 0 and k = n gives hi = 1 exactly. n = 0 gives [0, 1]. k > n is a
 * bug.
 */
void stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);

/*
 * The @q quantile (0 <= q <= 1) of @n values sorted in ascending order,
 * interpolated as GSL's gsl_stats_quantile_from_sorted_data does (Hyndman
 * and Fan type 7, R's default). n = 0 gives NAN. @sorted is borrowed.
 */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

/*
 * The censored @q quantile, type 7, of @n values of which the @r smallest
 * are @sorted (ascending) and the other n - r are +infinity (not joined by
 * the deadline): h = (n - 1) q, lo = floor(h); the result is
 * sorted[lo] + (h - lo)(sorted[lo + 1] - sorted[lo]) when both order
 * statistics it uses are finite, sorted[lo] when h is whole, else
 * +INFINITY. n = 0 gives NAN. r > n is a bug.
 */
double stats_quantile_censored(const double *sorted, size_t r, size_t n,
			       double q);

/*
 * The same quantile of the values capped at @cap (min(x, cap); +infinity
 * becomes @cap): finite whenever n > 0. Every finite value must be at most
 * @cap. The paired differences compare these (stats_paired.h).
 */
double stats_quantile_capped(const double *sorted, size_t r, size_t n,
			     double q, double cap);

/*
 * One scenario of a cell, as the paired bootstrap needs it: 8 bytes. Its
 * join times are the next n_ready entries of cell_acc.scen_join_s after
 * those of the scenarios before it: no offset is stored, since the only
 * reader (the bootstrap) walks the scenarios in order anyway. What that
 * costs: finding scenario k's join times alone takes a pass over k
 * entries.
 */
struct cell_acc_scenario {
	uint32_t n_ready;	/* counted nodes Ready by the deadline: its
				 * join times in scen_join_s */
	uint16_t n_counted;	/* nodes that should have joined */
	bool success;		/* run_record.success */
};

/*
 * Summary mode (stats_summary.c): the statistics of a cell in memory that
 * does not grow with its scenarios, for runs too large to keep every join
 * time. The runner uses it above STATS_EXACT_MAX_SCENARIOS scenarios per
 * cell, or when asked (`selsim run --summary-stats`); below, today's exact
 * samples and figures, bit for bit.
 *
 *  - Join times go into a histogram of integer nanoseconds whose buckets
 *    are exact below 2^STATS_HIST_BITS ns and, above, keep the top
 *    STATS_HIST_BITS significant bits: a bucket's midpoint is within
 *    STATS_HIST_REL_ERROR (2^-10, under 0.1%) of every value in it, so
 *    every quantile and CDF point (type 7 between two order statistics,
 *    each read as its bucket's midpoint) is within that relative error of
 *    the exact one; the smallest and largest are kept exactly.
 *  - Sums are integers (nanoseconds in unsigned __int128): the means are
 *    exact up to the one final division.
 *  - Intervals need no per-scenario storage: order-statistic intervals for
 *    the cell's quantiles (nodes taken as independent: nodes of one
 *    scenario are not, so these intervals are narrower than they claim
 *    when join times cluster by scenario), a CLT interval (delta method)
 *    on the paired difference of restricted means from the pair sums
 *    below, and for a paired quantile difference the conservative
 *    [lo_a - hi_b, hi_a - lo_b] of the two sides' 97.5% order-statistic
 *    intervals (Bonferroni: at least 95%; not paired, no p-value).
 *
 * Everything is counts, integer sums, minima and maxima, so merging is
 * exact and order-free: any split of the scenarios into chunks, threads,
 * shards or ranks gives the same bits. Memory: the histogram, about
 * 2^(STATS_HIST_BITS - 1) x 8 bytes per octave of nanoseconds up to the
 * deadline (130 kB for a 600 s deadline), whatever the scenario count.
 */
#define STATS_EXACT_MAX_SCENARIOS 1000000	/* today's largest runs,
						 * 1M scenarios, stay exact */
#define STATS_HIST_BITS 10
#define STATS_HIST_REL_ERROR (1.0 / (double)(1u << STATS_HIST_BITS))

/*
 * The paired sums of a cell against its baseline over the same scenarios,
 * per scenario k: S = sum over counted nodes of min(join time, D) in ns,
 * W = counted nodes, "a" the cell, "b" the baseline. What the CLT interval
 * of the restricted-mean difference needs: first and second moments.
 */
struct cell_acc_pair {
	bool overflow;			/* a wide sum passed 2^128 (sticky):
					 * no CLT interval then. Far away:
					 * 10^8 scenarios of 1,024 nodes with
					 * a 10-minute deadline reach 2^125 */
	uint64_t n;			/* scenarios paired */
	uint64_t better, worse;		/* discordant: a only, b only */
	unsigned __int128 sa, sb, wa, wb;
	unsigned __int128 sa2, sb2, sasb, sawa, sawb, sbwa, sbwb;
	unsigned __int128 wa2, wb2, wawb;
};

/*
 * The run records of one cell, accumulated. Node sums cover counted nodes
 * only (node_record.counted: those that should join); join times only the
 * counted nodes that became Ready.
 *
 * Memory: 8 bytes per ready node for join_s, plus, for the bootstrap, 8
 * bytes per scenario and 4 per ready node (about 30 bytes a scenario for
 * the six-node experiments): the same order as the join times the
 * quantiles need anyway.
 */
struct cell_acc {
	double deadline_s;	/* D: the scenario deadline, seconds, at
				 * which a node not Ready is censored */
	uint64_t scenarios;	/* run records added */
	uint64_t successes;	/* of which run_record.success */
	uint64_t nodes_counted;	/* counted nodes over all scenarios */
	uint64_t nodes_ready;	/* of which Ready by the deadline */
	GArray *join_s;		/* double: join time in seconds of each
				 * ready node; owned */
	uint64_t dials;		/* sum over counted nodes */
	uint64_t failed_dials;	/* sum over counted nodes */
	sim_time timeout_wait;	/* sum over counted nodes; saturates at
				 * SIM_TIME_MAX (292 years) */
	uint64_t requests;	/* sum over counted nodes */
	uint64_t fatal_restarts; /* sum over counted nodes */
	uint64_t events;	/* engine events, all scenarios */
	GArray *scen;		/* struct cell_acc_scenario: one per record,
				 * in the order added (scenario order, as
				 * the runner adds and merges); owned */
	GArray *scen_join_s;	/* float: join time in seconds of each ready
				 * node, scenario after scenario in the
				 * order of scen, nodes in record order;
				 * owned. Float halves the memory; its 24
				 * bits put a join time of 600 s within
				 * 31 us, far below any spread of join
				 * times */
	struct fo_acc fo;	/* failover figures (stats_failover.h) */
	/* Summary mode (see above): in it, join_s and scen_join_s stay
	 * empty, and scen with scen_sum_ns hold only the scenarios given to
	 * cell_acc_add() (a chunk's, for cell_acc_pair_chunk()), not merged
	 * ones. */
	bool summary;
	uint64_t *hist;		/* n_hist bucket counts, NULL until a node
				 * is ready; owned */
	size_t n_hist;
	unsigned __int128 join_ns_sum;	/* ready nodes' join times, ns */
	sim_time join_ns_min, join_ns_max; /* valid when nodes_ready > 0 */
	GArray *scen_sum_ns;	/* uint64_t: each added scenario's S (see
				 * struct cell_acc_pair); owned */
	struct cell_acc_pair pair; /* against the baseline: the runner's
				    * cell_acc_pair_chunk() */
};

/* Sets up an empty accumulator for a cell whose scenarios end at
 * @deadline_s (> 0) seconds; free its contents with cell_acc_release(). */
void cell_acc_init(struct cell_acc *a, double deadline_s);

/* The same in summary mode (see above). */
void cell_acc_init_summary(struct cell_acc *a, double deadline_s);

/* Adds one scenario's record, as the next scenario of @a. @r is borrowed:
 * nothing of it is kept. A record of more than UINT16_MAX nodes is a bug
 * (a world holds at most CONFIG_MAX_NODES). */
void cell_acc_add(struct cell_acc *a, const struct run_record *r);

/* Adds everything in @src to @dst, as if @dst had been given every record
 * @src was, after its own: the scenarios of @src are appended in their
 * order. Both must have the same deadline (a bug otherwise). @src is
 * unchanged and still owns its contents. */
void cell_acc_merge(struct cell_acc *dst, const struct cell_acc *src);

/* Frees what @a owns; it may be initialised again. */
void cell_acc_release(struct cell_acc *a);

/*
 * The serialised accumulator: the checkpoint journal and the partial
 * results of a shard (experiments/journal.h) hold these. A mode word (u32:
 * 0 exact, 1 summary); exact: every field of @a, little-endian, doubles
 * and floats as their IEEE bits; summary: the length (u64) and text of
 * cell_acc_summary_encode(), then the failover figures; so that
 * cell_acc_decode() gives back the same state bit for bit and a resumed
 * or merged run the same results as one run. The one place that knows the
 * layout of struct cell_acc on disk: change both with the struct.
 */
void cell_acc_encode(const struct cell_acc *a, GByteArray *out);

/*
 * Reads one accumulator that cell_acc_encode() wrote, from @len bytes at
 * @buf + *@pos, into @a (which it initialises; release with
 * cell_acc_release()), and advances *@pos past it. Returns false, with
 * @a empty (released) and *@pos unchanged, when the bytes are short or
 * not a consistent accumulator: counts that disagree with the arrays,
 * join times that are negative or not finite, a deadline not > 0. Safe on
 * any bytes (the journal reader is fuzzed).
 */
bool cell_acc_decode(const uint8_t *buf, size_t len, size_t *pos,
		     struct cell_acc *a);

/*
 * A cell's figures. Counts are exact; ratios are NAN when their
 * denominator is 0 (no scenario, no counted or no ready node): the writers
 * print them as JSON null, an empty CSV field, or "-". A censored join
 * figure beyond the deadline is +INFINITY (see the top of this file).
 */
struct cell_summary {
	uint64_t scenarios;	/* scenarios run */
	uint64_t successes;	/* scenarios where every counted node joined */
	double rate;		/* successes / scenarios */
	double ci95[2];		/* 95% Wilson interval of rate; [0, 1] when
				 * no scenario ran */
	uint64_t nodes_counted;	/* nodes that should have joined */
	uint64_t nodes_ready;	/* of which Ready by the deadline */
	double deadline_s;	/* D, seconds */
	/* Over all counted nodes, not joined = beyond the deadline: */
	double join_rmean;	/* restricted mean: mean of min(join time,
				 * D), seconds */
	double join_p50;	/* censored quantiles, type 7: +INFINITY */
	double join_p90;	/* when beyond the deadline */
	double join_p99;
	double join_max;	/* +INFINITY when any node did not join */
	double join_cdf[STATS_CDF_POINTS]; /* join_cdf[i]: the censored
					    * quantile i / (STATS_CDF_POINTS
					    * - 1): the join-time CDF for
					    * plots, +INFINITY above the
					    * fraction joined */
	double join_p50_capped;	/* the quantiles of min(join time, D): */
	double join_p99_capped;	/* what paired differences compare */
	uint64_t tail_beyond_p99; /* counted nodes above the p99's rank:
				   * n - 1 - floor(0.99 (n - 1)) */
	/* Over joined nodes only (conditional on joining by D): */
	double joined_mean;
	double joined_p50;
	double joined_p90;
	double joined_p99;
	double joined_max;
	double dials_per_join;	/* dials of counted nodes / nodes ready */
	double failed_dials_per_join;	/* failed dials / nodes ready */
	double timeout_wait_s_per_join;	/* timeout wait (s) / nodes ready */
	double requests_per_join;	/* requests / nodes ready: server load
					 * amplification */
	double fatal_restarts_per_scenario;
	double events_per_scenario;
	struct fo_summary fo;	/* failover figures (stats_failover.h) */
	/* Summary mode only (summary is false otherwise, these 0): */
	bool summary;		/* made from a summary-mode accumulator */
	double join_p50_ci95[2];	/* order-statistic 95% intervals of */
	double join_p99_ci95[2];	/* the censored quantiles; +INFINITY
					 * beyond the deadline */
	double join_p50_capped_ci[2];	/* 97.5% ones of the capped
					 * quantiles, for the paired */
	double join_p99_capped_ci[2];	/* differences */
};

/*
 * Computes @out from @a. Sorts @a's join times in place (the only change
 * to @a), so it may keep accumulating afterwards.
 */
void cell_acc_summarise(struct cell_acc *a, struct cell_summary *out);

/*
 * Summary mode's own functions (stats_summary.c); cell_acc_add(),
 * cell_acc_merge(), cell_acc_release() and cell_acc_summarise() call them
 * for a summary-mode accumulator.
 */
void cell_acc_summary_add(struct cell_acc *a, const struct run_record *r);
void cell_acc_summary_merge(struct cell_acc *dst, const struct cell_acc *src);
void cell_acc_summary_summarise(const struct cell_acc *a,
				struct cell_summary *out);

/*
 * Pairs the scenarios added to @a (a cell's chunk) with those added to
 * @base (its baseline's chunk over the same scenarios, in the same order):
 * adds their paired sums to a->pair and empties @a's per-scenario lists
 * (@base's stay, for the other policies: cell_acc_drop_scenarios() them
 * after the last). Both summary mode, the same scenario count (a bug otherwise).
 */
void cell_acc_pair_chunk(struct cell_acc *a, struct cell_acc *base);

/* Forgets the per-scenario lists of a summary-mode @a (a baseline chunk
 * that was paired, or one without a comparison). */
void cell_acc_drop_scenarios(struct cell_acc *a);

/*
 * The state of a summary-mode @a (everything but its per-scenario lists,
 * which cell_acc_pair_chunk() empties) as one line of text appended to
 * @out: exact (integers in decimal or hexadecimal, the deadline as a
 * hexadecimal float), so that cell_acc_summary_decode() gives back an
 * accumulator that encodes to the same bytes and summarises to the same
 * figures. Sparse: only non-empty buckets are written.
 */
void cell_acc_summary_encode(const struct cell_acc *a, GString *out);

/* Reads what cell_acc_summary_encode() wrote into @a (set up here; release
 * with cell_acc_release()). FALSE with @error (SIM_ERROR_INPUT, naming what
 * is wrong) on any text it could not have written; @a is then empty. */
gboolean cell_acc_summary_decode(const char *text, struct cell_acc *a,
				 GError **error);

#endif
