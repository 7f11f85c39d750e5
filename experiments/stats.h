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
};

/* Sets up an empty accumulator for a cell whose scenarios end at
 * @deadline_s (> 0) seconds; free its contents with cell_acc_release(). */
void cell_acc_init(struct cell_acc *a, double deadline_s);

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
 * results of a shard (experiments/journal.h) hold these. Every field of
 * @a, little-endian, doubles and floats as their IEEE bits, so that
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
};

/*
 * Computes @out from @a. Sorts @a's join times in place (the only change
 * to @a), so it may keep accumulating afterwards.
 */
void cell_acc_summarise(struct cell_acc *a, struct cell_summary *out);

#endif
