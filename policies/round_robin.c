/*
 * Round robin: each new request starts one server further along the
 * address list than the request before it, and its one pass tries every
 * server once, in list order from there (gRPC's round_robin picker and
 * Envoy's ROUND_ROBIN with equal weights, less their health filtering:
 * this policy keeps no health, no backoff and no connection counts).
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
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>

struct rr_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct lb_addrs addrs;	/* the address list, in its order */
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

	SIM_ASSERT(env && env->params);
	lb->env = *env;
	lb->last = -1;
	lb->resume = -1;
	return lb;
}

static void rr_lb_free(void *lb)
{
	g_free(lb);
}

/* Takes the new list; moves the rotation to a kept server when its
 * server left (see the top of the file). */
static void rr_set_servers(void *opaque, const int *servers, size_t n)
{
	struct rr_lb *lb = opaque;
	struct lb_addrs old = lb->addrs;

	lb_addrs_set(&lb->addrs, servers, n, NULL, NULL, NULL);
	if (lb->resume >= 0 && !lb_addrs_has(&lb->addrs, lb->resume))
		lb->resume = rr_first_kept(&old,
					   lb_addrs_find(&old, lb->resume),
					   &lb->addrs);
	if (lb->last >= 0 && !lb_addrs_has(&lb->addrs, lb->last)) {
		lb->resume = rr_first_kept(&old,
					   lb_addrs_find(&old, lb->last) + 1,
					   &lb->addrs);
		lb->last = -1;
	}
}

/* A new request: the list rotated to start one past the previous start. */
static void rr_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct rr_lb *lb = opaque;
	const struct lb_addrs *a = &lb->addrs;
	int start = 0, i, k;

	lb_addrs_pass_start(pass, a->n);
	if (a->n == 0)
		return;
	if (lb->resume >= 0) {
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
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int rr_dial_next(void *opaque, struct lb_pass *pass)
{
	struct rr_lb *lb = opaque;

	return lb_addrs_next(&lb->addrs, pass);
}

/* Outcomes change nothing: round robin does not look at them. */
static void rr_record(void *opaque, int server, lb_check kind, lb_result r)
{
	(void)opaque;
	(void)server;
	(void)kind;
	(void)r;
}

/* Round robin over the address list; one pass per request. */
const struct policy_ops policy_round_robin = {
	.name = "round-robin",
	.summary = "round robin (gRPC round_robin, Envoy ROUND_ROBIN): each "
		   "request starts one server further along the list; one "
		   "pass, no health, no backoff",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = rr_lb_new,
	.lb_free = rr_lb_free,
	.set_servers = rr_set_servers,
	.dial_begin = rr_dial_begin,
	.dial_next = rr_dial_next,
	.record = rr_record,
	.own = NULL,
	.default_backoff = BACKOFF_NONE,
};
