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
 * added, for the paired bootstrap against a baseline cell
 * (stats_paired_bootstrap()). That order is the pairing: the runner adds
 * records in scenario order within a chunk and merges chunks in scenario
 * order, so entry k is scenario k under every policy.
 */
#ifndef EXPERIMENTS_STATS_H
#define EXPERIMENTS_STATS_H

#include "models/record.h"
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

/* Default number of bootstrap resamples (stats_paired_bootstrap()). */
#define STATS_BOOTSTRAP_RESAMPLES 1000
/* The fewest resamples the work cap may leave. */
#define STATS_BOOTSTRAP_MIN_RESAMPLES 200
/* The work cap: about this many value operations per bootstrap. */
#define STATS_BOOTSTRAP_WORK 2e8

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
};

/* Sets up an empty accumulator; free its contents with cell_acc_release(). */
void cell_acc_init(struct cell_acc *a);

/* Adds one scenario's record, as the next scenario of @a. @r is borrowed:
 * nothing of it is kept. A record of more than UINT16_MAX nodes is a bug
 * (a world holds at most CONFIG_MAX_NODES). */
void cell_acc_add(struct cell_acc *a, const struct run_record *r);

/* Adds everything in @src to @dst, as if @dst had been given every record
 * @src was, after its own: the scenarios of @src are appended in their
 * order. @src is unchanged and still owns its contents. */
void cell_acc_merge(struct cell_acc *dst, const struct cell_acc *src);

/* Frees what @a owns; it may be initialised again. */
void cell_acc_release(struct cell_acc *a);

/*
 * A cell's figures. Counts are exact; ratios are NAN when their
 * denominator is 0 (no scenario, no ready node): the writers print them as
 * JSON null, an empty CSV field, or "-".
 */
struct cell_summary {
	uint64_t scenarios;	/* scenarios run */
	uint64_t successes;	/* scenarios where every counted node joined */
	double rate;		/* successes / scenarios */
	double ci95[2];		/* 95% Wilson interval of rate; [0, 1] when
				 * no scenario ran */
	uint64_t nodes_counted;	/* nodes that should have joined */
	uint64_t nodes_ready;	/* of which Ready by the deadline */
	double join_mean;	/* join time of ready nodes, seconds */
	double join_p50;	/* quantiles, type 7 */
	double join_p90;
	double join_p99;
	double join_max;
	double join_cdf[STATS_CDF_POINTS]; /* join_cdf[i]: the quantile
					    * i / (STATS_CDF_POINTS - 1) of
					    * the join times (NAN if none):
					    * the join-time CDF for plots */
	double dials_per_join;	/* dials of counted nodes / nodes ready */
	double failed_dials_per_join;	/* failed dials / nodes ready */
	double timeout_wait_s_per_join;	/* timeout wait (s) / nodes ready */
	double requests_per_join;	/* requests / nodes ready: server load
					 * amplification */
	double fatal_restarts_per_scenario;
	double events_per_scenario;
};

/*
 * Computes @out from @a. Sorts @a's join times in place (the only change
 * to @a), so it may keep accumulating afterwards.
 */
void cell_acc_summarise(struct cell_acc *a, struct cell_summary *out);

/* A difference between a cell and its baseline, with its interval. */
struct stats_diff {
	double diff;		/* metric(cell) - metric(baseline) on all
				 * scenarios; NAN when either side has no
				 * value (no scenario, no join time) */
	double ci95[2];		/* 2.5 and 97.5 percentiles (type 7) of the
				 * resampled differences; NAN as diff is,
				 * or when no resample gave a value */
	bool significant;	/* the interval excludes 0 */
};

/* A cell against its baseline, paired by scenario. */
struct stats_paired {
	struct stats_diff success_rate;	/* a fraction: -0.1 is 10 points
					 * fewer successes */
	struct stats_diff join_mean_s;	/* join times pooled over the
					 * scenarios, seconds */
	struct stats_diff join_p50_s;
	struct stats_diff join_p99_s;
	unsigned resamples;		/* resamples drawn (after the cap) */
};

/*
 * The paired bootstrap of @a against @base, which must hold the same
 * number of scenarios (a bug otherwise), entry k of each being the same
 * scenario (see struct cell_acc.scen). Each diff is the metric of @a less
 * that of @base over all scenarios; then each resample draws N scenario
 * indices with replacement from @r, the same indices for both sides (the
 * pairing), and computes both metrics over the drawn scenarios: the
 * success rate, and the mean, p50 and p99 (type 7) of the join times of
 * the drawn scenarios pooled, a scenario drawn twice counting twice. A
 * resample where a side has no join time gives no join difference; the
 * interval is taken over the others.
 *
 * Join times are the float copies of scen_join_s, so a join diff can
 * differ from the difference of the summaries' double figures by float
 * rounding (under 1e-7 relative).
 *
 * Work: about (2N + the join times of both sides) value operations per
 * resample (a presorted pool is scanned with per-scenario weights, no
 * sort per resample); when @resamples of them would pass
 * STATS_BOOTSTRAP_WORK, fewer are drawn, but never fewer than
 * STATS_BOOTSTRAP_MIN_RESAMPLES (nor more than asked). @resamples >= 1.
 * The result depends only on the data, @resamples and the state of @r.
 * @a, @base and @r are borrowed; @r is advanced. Allocates O(N + join
 * times) scratch, freed before returning; @a and @base are not changed.
 */
void stats_paired_bootstrap(const struct cell_acc *a,
			    const struct cell_acc *base, unsigned resamples,
			    gsl_rng *r, struct stats_paired *out);

#endif
