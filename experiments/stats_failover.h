/*
 * Failover figures per cell (world_config.failover experiments), kept
 * beside the join figures of stats.h: from each run record's fo_ fields,
 * accumulated in a struct fo_acc (inside cell_acc) and summarised into a
 * struct fo_summary (inside cell_summary); the paired differences to the
 * baseline cell go into a struct fo_paired (inside stats_paired).
 *
 * The record counts an agent only while no failure acts on the agent
 * itself (models/nodectl.h nodectl__counted()); a counted agent is
 * "affected" when a failure cuts its kubelet off: its kubelet's
 * connection was open to a server the failure stopped or made
 * unreachable from it (models/session.h). A scenario's failover succeeds
 * when no counted agent went NotReady and every affected agent got a
 * kubelet request begun after each cut answered by the deadline. Scenarios in which no failure cut a counted kubelet off count
 * in neither the successes nor the trials.
 *
 * Like stats.h: sums are integers and back times sorted before use, so a
 * summary depends only on the multiset of records; per-scenario figures
 * are kept in order for the pairing.
 */
#ifndef EXPERIMENTS_STATS_FAILOVER_H
#define EXPERIMENTS_STATS_FAILOVER_H

#include "models/record.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Points of the time-back CDF per cell: quantiles 0, 0.01 ... 1 (as
 * STATS_CDF_POINTS for the join times). */
#define FO_CDF_POINTS 101

/* The definition, in the one sentence README and the report use. */
#define FO_AFFECTED_DEFINITION \
	"the figures count an agent except while a failure acts on the " \
	"agent itself (from its own process stop, restart or host crash, or " \
	"the loss of its AZ, until that is over, its join is Ready again " \
	"and it has renewed its lease or a grace period has passed); a " \
	"counted agent is affected when a failure cuts its kubelet off (its " \
	"kubelet's connection was open to a server the failure stopped or " \
	"made unreachable from it), and its time back is the longest, over " \
	"such cuts, from the failure to the answer of its first kubelet " \
	"request begun after it (from another server, or the same one " \
	"restarted or reachable again)"

/* One scenario, for the paired differences. */
struct fo_scenario {
	bool happened;		/* a failure cut some kubelet off */
	bool success;
	float notready_s;	/* NotReady node-seconds */
	float back_mean_s;	/* mean over affected agents of the time
				 * back, one not back counting the rest of
				 * the run */
};

struct fo_acc {
	bool enabled;		/* some record had run_record.failover */
	uint64_t scenarios;	/* failover scenarios added */
	uint64_t happened;	/* of which a failure cut kubelets off */
	uint64_t successes;	/* of those, failovers that succeeded */
	uint64_t affected;	/* affected agents, over all scenarios */
	uint64_t back;		/* of which back by the deadline */
	GArray *back_s;		/* double: time back of each, seconds */
	uint64_t notready;	/* NotReady transitions */
	sim_time notready_time;	/* NotReady node-time */
	uint64_t failed_renewals;
	uint64_t requests;	/* held connections' requests after it */
	uint64_t dials;		/* ... and their dials */
	GArray *scen;		/* struct fo_scenario, in the order added */
	/* Summary mode (stats.h; fo_acc_init_summary()): back_s and scen
	 * stay empty; sc_ns holds only the scenarios added, for the chunk's
	 * pairing (fo_acc_pair_chunk()), then is dropped. */
	bool summary;
	uint64_t *hist;		/* n_hist counts of back times, ns, in
				 * stats_summary.c's log buckets; NULL
				 * until an agent is back; owned */
	size_t n_hist;
	sim_time back_ns_min, back_ns_max; /* valid when back > 0 */
	unsigned __int128 back_ns_sum;	/* the back agents' times, ns */
	unsigned __int128 notready_ns_sq; /* sum over scenarios of their
					   * NotReady node-time (ns) squared */
	GArray *sc_ns;		/* struct fo_scenario_ns; owned */
	struct fo_pair {	/* paired sums against the baseline: the
				 * chunks' fo_acc_pair_chunk() */
		uint64_t n, better, worse;	/* success: d = +1, -1 */
		bool overflow;
		unsigned __int128 na, nb, na2, nb2, nanb; /* NotReady ns */
		unsigned __int128 ma, mb, ma2, mb2, mamb; /* mean back ns */
	} pair;
};

/* One scenario in summary mode, kept only for its chunk's pairing. */
struct fo_scenario_ns {
	uint64_t notready_ns;	/* NotReady node-time */
	uint64_t back_mean_ns;	/* the fo_scenario's back_mean_s, in whole
				 * ns (rounded down) */
	bool success;
};

void fo_acc_init(struct fo_acc *a);
/* The same in summary mode, for a cell whose runs end at @deadline_ns:
 * memory independent of the scenario count, merges exact and order-free
 * (stats_failover_summary.c). fo_acc_add(), _merge(), _encode(),
 * _decode(), _summarise() and fo_paired_compute() follow the mode. */
void fo_acc_init_summary(struct fo_acc *a, uint64_t deadline_ns);
/* Pairs the scenarios added to @a with @base's (the same scenarios of the
 * baseline), adds the paired sums to @a->pair and drops @a's scenarios;
 * fo_acc_drop_scenarios() drops @base's when every policy is paired. */
void fo_acc_pair_chunk(struct fo_acc *a, const struct fo_acc *base);
void fo_acc_drop_scenarios(struct fo_acc *a);
void fo_acc_add(struct fo_acc *a, const struct run_record *r);
void fo_acc_merge(struct fo_acc *dst, const struct fo_acc *src);
/* Appends @a to @out bit for bit (the journal's chunk records:
 * cell_acc_encode()); fo_acc_decode() reads it back into an initialised
 * @a from @in, false on bytes that are not such an encoding. */
void fo_acc_encode(const struct fo_acc *a, GByteArray *out);
struct bytes_in;
bool fo_acc_decode(struct bytes_in *in, struct fo_acc *a);
void fo_acc_release(struct fo_acc *a);

/* NAN where a denominator is 0; quantiles +INFINITY when they fall
 * among agents not back by the deadline. */
struct fo_summary {
	bool enabled;
	uint64_t happened;	/* failover trials */
	uint64_t successes;
	double rate;		/* successes / happened */
	double ci95[2];		/* Wilson */
	uint64_t affected;
	uint64_t back;
	double back_mean;	/* over agents back, seconds */
	double back_p50;	/* censored, over affected agents */
	double back_p90;
	double back_p99;
	double notready_per_scenario;	/* NotReady transitions */
	double notready_s_per_scenario;	/* NotReady node-seconds */
	double notready_s_ci95[2];	/* its normal 95% interval over the
					 * scenarios (NAN below 2) */
	double failed_renewals_per_scenario;
	double requests_per_failover;	/* per scenario with a failure */
	double dials_per_failover;
	double back_cdf[FO_CDF_POINTS];	/* back_cdf[i]: the censored
					 * quantile i / (FO_CDF_POINTS - 1)
					 * of the affected agents' time back,
					 * +INFINITY above the share back by
					 * the deadline; NAN without any */
	double grace_period_s;	/* the cell's node_monitor_grace_period
				 * (set by the runner: the accumulator
				 * does not know it); NAN when unset */
};

/* Sorts @a's back times in place. */
void fo_acc_summarise(struct fo_acc *a, struct fo_summary *out);

/* A paired difference cell - baseline over the scenarios, with the 95%
 * normal interval of the mean of the per-scenario differences. */
struct fo_diff {
	double diff;
	double ci95[2];
	bool significant;	/* the interval excludes 0 */
};

struct fo_paired {
	bool enabled;
	uint64_t n;		/* scenarios paired */
	struct fo_diff success;	/* per scenario: 1 or 0 (0 without a
				 * failure); a fraction */
	struct fo_diff notready_s;	/* NotReady node-seconds */
	struct fo_diff back_mean_s;	/* mean time back of the affected */
};

/* @cell against @base: the same scenarios in the same order. */
void fo_paired_compute(const struct fo_acc *cell, const struct fo_acc *base,
		       struct fo_paired *out);

#endif
