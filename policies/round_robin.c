/*
 * Round robin: each new request starts one server further along the
 * address list than the request before it, and its one pass tries every
 * server once, in list order from there (gRPC's round_robin picker and
 * Envoy's ROUND_ROBIN with equal weights). No backoff, no connection
 * counts.
 *
 * The first request of a new LB starts at a random index, one draw
 * gsl_rng_uniform_int(rng, n) from the LB's own stream (gRPC
 * endpointsharding.go randIntN; Envoy round_robin_lb.h seeds its index
 * with random()), own "random_start" (default true; false: index 0).
 *
 * Health (own "health_filter", default true), as both references pick
 * among healthy hosts only: the rotated list is split into the servers
 * that are up, in rotated order, then the down ones (lb_table.h's rule:
 * down after a failed dial or health check, up after any success). In
 * Envoy's panic (fewer than own "panic_threshold" % up, lb__panic()) the
 * rotation is used whole.
 *
 * Deviations that remain: gRPC's round_robin never dials in the request
 * path (each endpoint is a pick_first child that connects eagerly and the
 * picker holds only READY children); here a request dials, so a fresh LB
 * loses one dial timeout to a black-holed server it has no health for
 * yet, with probability 1/n. The rotation is by server id (below), not
 * Envoy's and gRPC's index modulo the current size.
 *
 * The rotation is kept as a server id, not an index, so that it survives
 * list changes: the next request starts after `last`, the id the previous
 * request started at, wherever that server now stands. When `last` leaves
 * the list, the next request starts at `resume`, the first server after it
 * in the old list that is still listed; when none is, at the top. Servers
 * added in between are reached when the rotation gets to them.
 *
 * What the plain array costs: O(n) look-ups by id, nothing at n <= 64.
 */
#include "addr_list.h"
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>

/* Indices in rr_own[] and policy_params.own[]. */
enum {
	RR_RANDOM_START,
	RR_HEALTH_FILTER,
	RR_PANIC,
	RR_N_OWN
};

static const struct own_param rr_own[] = {
	[RR_RANDOM_START] = {
		.name = "random_start",
		.type = PARAM_BOOL,
		.def = 1,
		.min = 0,
		.max = 1,
		.help = "the first request starts at a random index (gRPC "
			"endpointsharding.go randIntN, Envoy round_robin_lb.h)",
	},
	[RR_HEALTH_FILTER] = {
		.name = "health_filter",
		.type = PARAM_BOOL,
		.def = 1,
		.min = 0,
		.max = 1,
		.help = "servers whose last dial or health check failed come "
			"last (gRPC: READY children only; Envoy: healthy hosts)",
	},
	[RR_PANIC] = LB_PANIC_OWN(""),
	{ .name = NULL },
};

struct rr_lb {
	struct lb_table t;	/* first: the shared methods take the LB; its
				 * conns stay 0 */
	bool started;		/* the first pass has been drawn */
	int last;		/* where the previous request started, or -1 */
	int resume;		/* where the next one starts when `last` has
				 * left the list, or -1 */
};

/* The first id of @old from index @start on, cyclically, that is also in
 * @now; -1 when none is. */
static int rr_first_kept(const struct lb_addrs *old, int start,
			 const struct lb_addrs *now)
{
	int k;

	for (k = 0; k < old->n; k++) {
		int id = old->id[(start + k) % old->n];

		if (lb_addrs_has(now, id))
			return id;
	}
	return -1;
}

static void *rr_lb_new(const struct lb_env *env)
{
	struct rr_lb *lb = g_new0(struct rr_lb, 1);

	SIM_ASSERT(env && env->params && env->rng);
	lb__check_own(rr_own, env->params);
	lb__table_init(&lb->t, env);
	lb->last = -1;
	lb->resume = -1;
	return lb;
}

/* Takes the new list; moves the rotation to a kept server when its
 * server left (see the top of the file). */
static void rr_set_servers(void *opaque, const int *servers, size_t n)
{
	struct rr_lb *lb = opaque;
	struct lb_addrs old = lb->t.addrs;
	const struct lb_addrs *a = &lb->t.addrs;

	lb__table_set_servers(&lb->t, servers, n, NULL);
	if (lb->resume >= 0 && !lb_addrs_has(a, lb->resume))
		lb->resume = rr_first_kept(&old,
					   lb_addrs_find(&old, lb->resume), a);
	if (lb->last >= 0 && !lb_addrs_has(a, lb->last)) {
		lb->resume = rr_first_kept(&old,
					   lb_addrs_find(&old, lb->last) + 1,
					   a);
		lb->last = -1;
	}
}

/* Moves the up servers of pass->order[0..n) to the front, keeping their
 * order, unless the LB is in panic; with threshold 0 and none up the pass
 * is empty (Envoy: no healthy host). */
static void rr_filter(struct rr_lb *lb, struct lb_pass *pass)
{
	const struct policy_params *p = lb->t.env.params;
	int down[LB_MAX_SERVERS], nd = 0, m = 0, k, up = 0;

	if (!p->own[RR_HEALTH_FILTER])
		return;
	for (k = 0; k < lb->t.addrs.n; k++)
		up += !lb->t.srv[k].down;
	if (lb__panic(up, lb->t.addrs.n, p->own[RR_PANIC]))
		return;
	for (k = 0; k < pass->n; k++) {
		int i = lb__table_find(&lb->t, pass->order[k]);

		if (lb->t.srv[i].down)
			down[nd++] = pass->order[k];
		else
			pass->order[m++] = pass->order[k];
	}
	if (m == 0 && p->own[RR_PANIC] <= 0) {
		lb_addrs_pass_start(pass, 0);
		return;
	}
	for (k = 0; k < nd; k++)
		pass->order[m++] = down[k];
}

/* A new request: the list rotated to start one past the previous start
 * (the first at a random index), then filtered by health. */
static void rr_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct rr_lb *lb = opaque;
	const struct lb_addrs *a = &lb->t.addrs;
	int start = 0, i, k;

	lb_addrs_pass_start(pass, a->n);
	if (a->n == 0)
		return;
	if (!lb->started) {
		lb->started = true;
		if (a->n >= 2 && lb->t.env.params->own[RR_RANDOM_START])
			start = (int)gsl_rng_uniform_int(lb->t.env.rng,
							 (unsigned long)a->n);
	} else if (lb->resume >= 0) {
		start = lb_addrs_find(a, lb->resume);
	} else if (lb->last >= 0) {
		i = lb_addrs_find(a, lb->last);
		start = i < 0 ? 0 : (i + 1) % a->n;
	}
	SIM_ASSERT(start >= 0 && start < a->n);
	for (k = 0; k < a->n; k++)
		pass->order[k] = a->id[(start + k) % a->n];
	lb->last = pass->order[0];
	lb->resume = -1;
	rr_filter(lb, pass);
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int rr_dial_next(void *opaque, struct lb_pass *pass)
{
	struct rr_lb *lb = opaque;

	return lb_addrs_next(&lb->t.addrs, pass);
}

/* Round robin over the address list; one pass per request. */
const struct policy_ops policy_round_robin = {
	.name = "round-robin",
	.summary = "round robin (gRPC round_robin, Envoy ROUND_ROBIN): a "
		   "random first index, each request one server further; "
		   "healthy servers first, Envoy's panic threshold; one pass; "
		   "dials in the request path (gRPC connects eagerly)",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = rr_lb_new,
	.lb_free = lb__free,
	.set_servers = rr_set_servers,
	.dial_begin = rr_dial_begin,
	.dial_next = rr_dial_next,
	.record = lb__record,
	.state_name = lb__state_name,
	.own = rr_own,
	.default_backoff = BACKOFF_NONE,
};
