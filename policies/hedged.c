/*
 * Hedged requests (Dean and Barroso, "The Tail at Scale", CACM 56(2),
 * 2013): "defer sending a secondary request until the first request has
 * been outstanding for more than the 95th-percentile expected latency for
 * this class of requests". This file supplies the delay and the order;
 * the model sends the second request to the next server of the pass and
 * keeps the first answer.
 *
 * The delay (hedge_delay()):
 *  - own "hedge_delay" > 0: that fixed delay;
 *  - otherwise the own "hedge_percentile" (95 by default) of the latencies
 *    of the last HEDGE_WINDOW successful answers through this LB, by the
 *    nearest-rank method: the smallest sample with at least p% of the
 *    window at or below it, sorted[ceil(p/100 x n) - 1] (rank at least
 *    1); p x n / 100 is taken 1e-9 short of the next whole number, so
 *    that 95% of 20 is rank 19, not 20 by a rounding error;
 *  - before HEDGE_MIN_SAMPLES answers, own "hedge_initial" (10 ms).
 * Error answers (fb->ok false) are left out: the percentile is that of the
 * answers the hedge tries to beat. The window is a ring (arrival order)
 * plus the same samples kept sorted: an answer costs a binary search and
 * a memmove of at most 8 KB, and a delay costs one read.
 *
 * The order (dial_begin()): round-robin, as gRPC's round_robin picker:
 * the servers that are up, in list order, rotated by one more position at
 * every pass, starting at a random position (one draw,
 * gsl_rng_uniform_int(rng, number up), at the first pass with a server
 * up) so that clients do not march in step; then the servers that are
 * down, in list order. A server is down when its last dial or health
 * check failed, up after any success; in Envoy's panic (fewer than
 * own "panic_threshold" % up: selsim's choice, the paper keeps no health)
 * every server is rotated. A pass is one request (or one retry pass), so
 * the hedge goes to the server after the first one in the rotation.
 *
 * The hedge timer starts when the request is issued (tower
 * hedge/delay.rs: the delay's sleep starts in call()), so a request stuck
 * on a black-holed dial is hedged too. The hedge takes the next server of
 * the primary's pass, which moves the primary's cursor past it. tower
 * does not hedge before min_data_points answers (hedge_initial here) and
 * returns the first completion even when it is an error; here a failed
 * copy waits for its partner.
 *
 * Not modelled: the paper's limits on extra load (hedging only a share
 * of requests, cancelling the slower copy at the server).
 */
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define HEDGE_WINDOW 1000	/* latencies kept for the percentile */
#define HEDGE_MIN_SAMPLES 20	/* fewer: use hedge_initial */

/* Indices in hedged_own[] and policy_params.own[]. */
enum {
	HEDGED_DELAY,
	HEDGED_PERCENTILE,
	HEDGED_INITIAL,
	HEDGED_PANIC,
	HEDGED_N_OWN
};

static const struct own_param hedged_own[] = {
	[HEDGED_DELAY] = {
		.name = "hedge_delay",
		.type = PARAM_DURATION,
		.def = 0.0,
		.min = 0.0,
		.max = 1e6,
		.help = "fixed delay before the second request; 0: use "
			"hedge_percentile (Dean & Barroso, The Tail at Scale)",
	},
	[HEDGED_PERCENTILE] = {
		.name = "hedge_percentile",
		.type = PARAM_NUMBER,
		.def = 95.0,
		.min = 0.0,
		.max = 100.0,
		.help = "hedge after this percentile of the last 1000 answer "
			"latencies (The Tail at Scale: the 95th)",
	},
	[HEDGED_INITIAL] = {
		.name = "hedge_initial",
		.type = PARAM_DURATION,
		.def = 0.010,
		.min = 0.0,
		.max = 1e6,
		.help = "delay before 20 latencies are known (selsim's choice; "
			"the paper assumes a known distribution)",
	},
	[HEDGED_PANIC] = LB_PANIC_OWN("; selsim's choice: the paper "
				      "keeps no health"),
	{ .name = NULL },
};

struct hedged_lb {
	struct lb_table t;	/* first: the shared methods take the LB;
				 * its conns stay 0 (no conn_open) */
	bool started;		/* next has been drawn */
	unsigned long next;	/* round-robin position, mod the pool */
	double panic;		/* own "panic_threshold" */
	sim_time fixed;		/* hedge_delay; 0: the percentile */
	double percentile;	/* hedge_percentile */
	sim_time initial;	/* hedge_initial */
	uint64_t total;		/* answers sampled, ever */
	int n_window;		/* samples in the window: min(total, WINDOW) */
	sim_time ring[HEDGE_WINDOW];	/* sample k at ring[k % WINDOW] */
	sim_time sorted[HEDGE_WINDOW];	/* the window, ascending */
};

static sim_time hedged_seconds(double s)
{
	return (sim_time)llround(s * (double)SIM_S);
}

static void *hedged_lb_new(const struct lb_env *env)
{
	struct hedged_lb *lb = g_new0(struct hedged_lb, 1);

	SIM_ASSERT(env && env->rng && env->params);
	lb__check_own(hedged_own, env->params);
	lb__table_init(&lb->t, env);
	lb->fixed = hedged_seconds(env->params->own[HEDGED_DELAY]);
	lb->percentile = env->params->own[HEDGED_PERCENTILE];
	lb->initial = hedged_seconds(env->params->own[HEDGED_INITIAL]);
	lb->panic = env->params->own[HEDGED_PANIC];
	return lb;
}

/* The snapshot: the up servers rotated, then the down ones. */
static void hedged_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct hedged_lb *lb = opaque;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];	/* indices in srv */
	int n_pool, n_rest;

	lb__table_split(&lb->t, pool, &n_pool, rest, &n_rest, lb->panic);
	lb__rr_order(&lb->t, pass, pool, n_pool, rest, n_rest, &lb->started,
		     &lb->next);
}

/* The first index of sorted[0..n) whose value is >= @v (@upper: > @v). */
static int hedged_bound(const sim_time *sorted, int n, sim_time v, bool upper)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (sorted[mid] < v || (upper && sorted[mid] == v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A successful answer's latency enters the window; the oldest leaves it
 * once the window is full. */
static void hedged_observe(void *opaque, int server,
			   const struct lb_feedback *fb)
{
	struct hedged_lb *lb = opaque;
	size_t slot = (size_t)(lb->total % HEDGE_WINDOW);
	sim_time v = fb->latency > 0 ? fb->latency : 0;
	int at;

	(void)server;
	if (!fb->ok)
		return;
	if (lb->n_window == HEDGE_WINDOW) {
		at = hedged_bound(lb->sorted, lb->n_window, lb->ring[slot],
				  false);
		SIM_ASSERT(at < lb->n_window && lb->sorted[at] == lb->ring[slot]);
		memmove(&lb->sorted[at], &lb->sorted[at + 1],
			(size_t)(lb->n_window - at - 1) * sizeof(sim_time));
		lb->n_window--;
	}
	at = hedged_bound(lb->sorted, lb->n_window, v, true);
	memmove(&lb->sorted[at + 1], &lb->sorted[at],
		(size_t)(lb->n_window - at) * sizeof(sim_time));
	lb->sorted[at] = v;
	lb->n_window++;
	lb->ring[slot] = v;
	lb->total++;
}

/* The fixed delay, the initial one, or the percentile (see the header). */
static sim_time hedged_hedge_delay(void *opaque)
{
	struct hedged_lb *lb = opaque;
	double x;
	int rank;

	if (lb->fixed > 0)
		return lb->fixed;
	if (lb->n_window < HEDGE_MIN_SAMPLES)
		return lb->initial;
	x = lb->percentile / 100.0 * lb->n_window;
	rank = (int)ceil(x - 1e-9);
	rank = CLAMP(rank, 1, lb->n_window);
	return lb->sorted[rank - 1];
}

/* Round-robin with a second request after the latency percentile. */
const struct policy_ops policy_hedged = {
	.name = "hedged",
	.summary = "round-robin with hedged requests after the p95 latency "
		   "(Dean & Barroso, The Tail at Scale, 2013), timer from the "
		   "request's start (tower); a failed copy waits for its "
		   "partner; panic threshold (selsim's)",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = hedged_lb_new,
	.lb_free = lb__free,
	.set_servers = lb__set_servers,	/* kept servers keep their health;
					 * the rotation goes on */
	.dial_begin = hedged_dial_begin,
	.dial_next = lb__dial_next,
	.record = lb__record,
	.state_name = lb__state_name,
	.observe = hedged_observe,
	.hedge_delay = hedged_hedge_delay,
	.own = hedged_own,
};
