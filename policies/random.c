/*
 * Random: every pass tries the servers in a fresh uniformly random order
 * (Envoy's RANDOM load balancer, random_lb.cc peekOrChoose: the healthy
 * hosts, or every host in panic, then hosts_to_use[random() % size]; here
 * the whole pass is one random permutation, so a failed server is not
 * tried twice in a pass). The permutation is gsl_ran_shuffle()
 * (Fisher-Yates) drawn from the LB's own stream: the same seed and the
 * same list give the same passes.
 *
 * Health (own "health_filter", default true, as Envoy's RANDOM): the pool
 * is the servers that are up (lb_table.h's rule: down after a failed dial
 * or health check, up after any success), shuffled, then the down ones,
 * shuffled; in Envoy's panic (fewer than own "panic_threshold" % up,
 * lb__panic()) the pool is every server. Each shuffle draws only for two
 * entries or more, so with every server up the draws are those of one
 * shuffle of the list. No backoff, one pass per request.
 */
#include "addr_list.h"
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_randist.h>

/* Indices in random_own[] and policy_params.own[]. */
enum {
	RANDOM_HEALTH_FILTER,
	RANDOM_PANIC,
	RANDOM_N_OWN
};

static const struct own_param random_own[] = {
	[RANDOM_HEALTH_FILTER] = {
		.name = "health_filter",
		.type = PARAM_BOOL,
		.def = 1,
		.min = 0,
		.max = 1,
		.help = "draw among servers that are up first (Envoy RANDOM, "
			"random_lb.cc: healthy hosts unless in panic)",
	},
	[RANDOM_PANIC] = LB_PANIC_OWN(""),
	{ .name = NULL },
};

struct random_lb {
	struct lb_table t;	/* first: the shared methods take the LB; its
				 * conns stay 0 */
};

static void *random_lb_new(const struct lb_env *env)
{
	struct random_lb *lb = g_new0(struct random_lb, 1);

	SIM_ASSERT(env && env->params && env->rng);
	lb__check_own(random_own, env->params);
	lb__table_init(&lb->t, env);
	return lb;
}

/* a[0..n) in a uniformly random order (n >= 0). */
static void random_shuffle(gsl_rng *r, int *a, int n)
{
	int i;

	/* gsl_ran_shuffle()'s Fisher-Yates, the same draws and swaps, on
	 * ints rather than through its byte-wise swap of any size: the
	 * same orders, at a fraction of the cost */
	for (i = n - 1; i > 0; i--) {
		int j = (int)gsl_rng_uniform_int(r, (unsigned long)i + 1);
		int t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/* The snapshot: the up servers shuffled, then the down ones shuffled (or
 * every server shuffled without health_filter or in panic). */
static void random_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct random_lb *lb = opaque;
	const struct policy_params *p = lb->t.env.params;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];
	int n_pool, n_rest, c, m = 0;

	if (p->own[RANDOM_HEALTH_FILTER]) {
		lb__table_split(&lb->t, pool, &n_pool, rest, &n_rest,
				p->own[RANDOM_PANIC]);
	} else {
		for (c = 0; c < lb->t.addrs.n; c++)
			pool[c] = c;
		n_pool = lb->t.addrs.n;
		n_rest = 0;
	}
	for (c = 0; c < n_pool; c++)
		pass->order[m++] = lb->t.addrs.id[pool[c]];
	random_shuffle(lb->t.env.rng, pass->order, m);
	for (c = 0; c < n_rest; c++)
		pass->order[m + c] = lb->t.addrs.id[rest[c]];
	random_shuffle(lb->t.env.rng, pass->order + m, n_rest);
	lb_addrs_pass_start(pass, m + n_rest);
}

/* A uniformly random order per pass, healthy servers first. */
const struct policy_ops policy_random = {
	.name = "random",
	.summary = "random (Envoy RANDOM): each pass a uniformly random "
		   "permutation (Fisher-Yates) of the up servers, then of the "
		   "down ones; Envoy's panic threshold; one pass",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = random_lb_new,
	.lb_free = lb__free,
	.set_servers = lb__set_servers,
	.dial_begin = random_dial_begin,
	.dial_next = lb__dial_next,
	.record = lb__record,
	.state_name = lb__state_name,
	.own = random_own,
	.default_backoff = BACKOFF_NONE,
};
