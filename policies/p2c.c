/*
 * Power of two choices on outstanding requests: Envoy's least_request load
 * balancer with choice_count candidates (Envoy
 * source/extensions/load_balancing_policies/least_request,
 * LeastRequestLoadBalancer::unweightedHostPick; the idea is Mitzenmacher's,
 * "The Power of Two Choices in Randomized Load Balancing", 1996/2001).
 *
 * A dial pass, drawn with the LB's own stream in this exact order (the
 * tests replay it with a twin generator):
 *
 *  1. The pool is the servers that are up, in list order; the others
 *     (down: see below) wait at the end. In Envoy's panic (fewer than
 *     panic_threshold % up, see below) the pool is every server.
 *  2. The pool is shuffled by Fisher-Yates from the front: for i = 0 to
 *     n - 2, j = i + gsl_rng_uniform_int(rng, n - i), swap pool[i] and
 *     pool[j]. Its first k = min(choice_count, n) entries are k distinct
 *     servers drawn uniformly, in draw order.
 *  3. The candidate with the fewest outstanding requests goes first (ties:
 *     the first drawn, as Envoy's strict "<"); the rest of the pool follows
 *     in its shuffled order, a uniformly random fallback order.
 *  4. The down servers follow, shuffled the same way (no draw when there
 *     are fewer than two).
 *
 * Outstanding requests are this client's: connections open through this LB
 * (conn_open/conn_close), which the model keeps open for a request's life,
 * as Envoy counts rq_active per host.
 *
 * Where we differ from Envoy, on purpose:
 *  - Envoy draws its choice_count hosts with replacement (random() % size
 *    each time), so it may compare a host with itself; we draw distinct
 *    servers, so that choice_count >= the number of servers is a full scan
 *    that always finds the least loaded (what Envoy's FULL_SCAN selection
 *    method is for).
 *  - Envoy picks one host per request and relies on active health checking
 *    to keep dead hosts out of the draw; a dial here is a pass over every
 *    server. A server is down when the last outcome reported for it, a dial
 *    or a health check, was a failure, and up again after any success: the
 *    health checks the model runs stand for Envoy's active health checking
 *    (with thresholds of one), and a failed dial takes a server out of the
 *    draw at once: selsim's choice (without outlier detection a connect
 *    failure changes no health in Envoy). New servers start up.
 *  - Envoy's panic threshold (own "panic_threshold", 50 by default, with
 *    the overprovisioning factor 140: lb__panic() in lb_table.h): below
 *    it the pool is every server.
 *
 * Servers removed from the list are forgotten with their counts; the LB
 * closes no connection itself.
 */
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* Indices in p2c_own[] and policy_params.own[]. */
enum {
	P2C_CHOICE_COUNT,
	P2C_PANIC,
	P2C_N_OWN
};

static const struct own_param p2c_own[] = {
	[P2C_CHOICE_COUNT] = {
		.name = "choice_count",
		.type = PARAM_INT,
		.def = 2,
		.min = 1,
		.max = LB_MAX_SERVERS,
		.help = "servers drawn per pick, the least loaded wins "
			"(Envoy least_request choice_count, default 2)",
	},
	[P2C_PANIC] = LB_PANIC_OWN(""),
	{ .name = NULL },
};

struct p2c_lb {
	struct lb_table t;	/* first: the shared methods take the LB */
	int choice_count;	/* own "choice_count" */
	double panic;		/* own "panic_threshold" */
};

static void *p2c_lb_new(const struct lb_env *env)
{
	struct p2c_lb *lb = g_new0(struct p2c_lb, 1);

	SIM_ASSERT(env && env->rng && env->params);
	lb__check_own(p2c_own, env->params);
	lb__table_init(&lb->t, env);
	lb->choice_count = (int)env->params->own[P2C_CHOICE_COUNT];
	lb->panic = env->params->own[P2C_PANIC];
	return lb;
}

/* The snapshot: the best of choice_count distinct up servers, the other
 * up servers in random order, then the down ones in random order. */
static void p2c_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct p2c_lb *lb = opaque;
	const struct lb_server *srv = lb->t.srv;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];	/* indices in srv */
	int n_pool, n_rest, k, best, c;

	lb__table_split(&lb->t, pool, &n_pool, rest, &n_rest, lb->panic);
	lb__shuffle(lb->t.env.rng, pool, n_pool);
	k = MIN(lb->choice_count, n_pool);
	best = 0;
	for (c = 1; c < k; c++)
		if (srv[pool[c]].conns < srv[pool[best]].conns)
			best = c;
	lb__table_order_best(&lb->t, pass, pool, n_pool, best, rest, n_rest);
}

/* Envoy's least_request: the least loaded of choice_count random servers. */
const struct policy_ops policy_p2c = {
	.name = "p2c",
	.summary = "power of d choices on outstanding requests "
		   "(Envoy least_request, choice_count 2); failed servers last "
		   "(a failed dial marks one down: selsim's choice); Envoy's "
		   "panic threshold; distinct draws",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = p2c_lb_new,
	.lb_free = lb__free,
	.set_servers = lb__set_servers,	/* kept servers keep their
					 * counts and health */
	.dial_begin = p2c_dial_begin,
	.dial_next = lb__dial_next,
	.record = lb__record,
	.conn_open = lb__conn_open,
	.conn_close = lb__conn_close,
	.state_name = lb__state_name,
	.own = p2c_own,
};
