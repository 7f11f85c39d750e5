/*
 * Between stats_failover.c and its summary mode, stats_failover_summary.c
 * (which borrows stats_summary.c's histogram: stats_summary_internal.h):
 * not for use elsewhere.
 */
#ifndef EXPERIMENTS_STATS_FAILOVER_INTERNAL_H
#define EXPERIMENTS_STATS_FAILOVER_INTERNAL_H

#include "stats_failover.h"

#include <stddef.h>
#include <stdint.h>

struct bytes_in;

/* One scenario's sums over its nodes, from fo_acc_add()'s one pass,
 * which both modes share. */
struct fo__scen_sums {
	sim_time notready;		/* NotReady node-time */
	uint64_t affected, back;	/* affected agents, of which back */
	unsigned __int128 back_sum;	/* the affected agents' times back,
					 * ns, one not back counting the rest
					 * of the run */
	bool success;			/* the failover happened and
					 * succeeded */
};

/* Summary mode, in fo_acc_add()'s pass: an agent back after @t ns (the
 * histogram and its extremes; the pass counts a->back after). */
void fo__summary_back(struct fo_acc *a, sim_time t);

/* The counts both modes' records begin with, in this order: enabled,
 * scenarios, happened, successes, affected, back, notready,
 * notready_time, failed_renewals, requests, dials. _put writes them,
 * _set takes them from @c (checked by the caller). */
#define FO_N_COUNTS 11
void fo__put_counts(const struct fo_acc *a, GByteArray *out);
void fo__set_counts(struct fo_acc *a, const uint64_t c[FO_N_COUNTS]);

/* The summary-mode halves of fo_acc_add() (the scenario's sums @s, after
 * the pass), _merge(), _encode(), _decode(), _summarise() (the figures
 * not computed the same way in both modes) and fo_paired_compute() (from
 * @cell's paired sums). */
void fo__summary_add(struct fo_acc *a, const struct fo__scen_sums *s);
void fo__summary_merge(struct fo_acc *dst, const struct fo_acc *src);
void fo__summary_encode(const struct fo_acc *a, GByteArray *out);
bool fo__summary_decode(struct bytes_in *in, struct fo_acc *a);
void fo__summary_summarise(const struct fo_acc *a, struct fo_summary *out);
void fo__summary_paired(const struct fo_acc *cell, struct fo_paired *out);

#endif
