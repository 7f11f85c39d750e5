/*
 * Statistics per cell (one grid point x one policy): the run records of its
 * scenarios are accumulated in a struct cell_acc, then summarised into a
 * struct cell_summary of plain numbers that the output writers print.
 *
 * Every sum is an integer, and the join times are sorted before anything is
 * computed from them, so a summary depends only on the multiset of records
 * added: the order of cell_acc_add() and cell_acc_merge() calls (which
 * thread ran what) cannot change a single bit of the output.
 */
#ifndef EXPERIMENTS_STATS_H
#define EXPERIMENTS_STATS_H

#include "models/record.h"
#include "sim/time.h"

#include <glib.h>
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
 * The run records of one cell, accumulated. Node sums cover counted nodes
 * only (node_record.counted: those that should join); join times only the
 * counted nodes that became Ready.
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
};

/* Sets up an empty accumulator; free its contents with cell_acc_release(). */
void cell_acc_init(struct cell_acc *a);

/* Adds one scenario's record. @r is borrowed: nothing of it is kept. */
void cell_acc_add(struct cell_acc *a, const struct run_record *r);

/* Adds everything in @src to @dst, as if @dst had been given every record
 * @src was. @src is unchanged and still owns its contents. */
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

#endif
