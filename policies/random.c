/*
 * Random: every pass tries the servers in a fresh uniformly random order
 * (Envoy's RANDOM load balancer, random_lb.cc peekOrChoose: the healthy
 * hosts, or every host in panic, then hosts_to_use[random() % size]; here
 * the whole pass is one random permutation, so a failed server is not
 * tried twice in a pass). The permutation is drawn lazily from the LB's
 * own stream, one position at a time as dial_next() asks for it: a
 * Fisher-Yates from the front (lb__shuffle()'s draws, j = i +
 * gsl_rng_uniform_int(r, n - i) for position i of n, no draw for the last
 * one), each swap made only when position i is needed. Every order of
 * the pass is equally likely, as with the whole shuffle drawn up front,
 * but a request that connects at its first dial draws once, not n - 1
 * times. The same seed and the same dials give the same passes; a pass
 * dialled through to its end draws exactly what lb__shuffle() would.
 *
 * Health (own "health_filter", default true, as Envoy's RANDOM): the pool
 * is the servers that are up (lb_table.h's rule: down after a failed dial
 * or health check, up after any success), in random order, then the down
 * ones, in random order; in Envoy's panic (fewer than own
 * "panic_threshold" % up, lb__panic()) the pool is every server. Each part
 * draws only for two entries or more left, so with every server up the
 * draws are those of one shuffle of the list. No backoff, one pass per
 * request.
 */
#include "addr_list.h"
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <string.h>

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

/* The snapshot: the up servers, then the down ones, each in list order
 * (lb__table_split()'s parts, every server without health_filter or in
 * panic); pass->round is where the up ones end. random_dial_next() draws
 * the order. */
static void random_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct random_lb *lb = opaque;
	const struct policy_params *p = lb->t.env.params;
	const struct lb_addrs *a = &lb->t.addrs;
	int rest[LB_MAX_SERVERS];
	int n_pool = 0, n_rest = 0, c;

	if (p->own[RANDOM_HEALTH_FILTER] && lb->t.n_down > 0) {
		/* both parts at once, without a branch on each server */
		for (c = 0; c < a->n; c++) {
			bool down = lb->t.srv[c].down;

			pass->order[n_pool] = a->id[c];
			rest[n_rest] = a->id[c];
			n_pool += !down;
			n_rest += down;
		}
		if (n_rest > 0 && lb__panic(n_pool, a->n,
					    p->own[RANDOM_PANIC])) {
			memcpy(pass->order, a->id, (size_t)a->n * sizeof(int));
			n_pool = a->n;
			n_rest = 0;
		}
		memcpy(pass->order + n_pool, rest, (size_t)n_rest * sizeof(int));
	} else {	/* every server up (no panic), or no filter */
		memcpy(pass->order, a->id, (size_t)a->n * sizeof(int));
		n_pool = a->n;
	}
	lb_addrs_pass_start(pass, n_pool + n_rest);
	pass->round = n_pool;
}

/*
 * The next position of the pass, drawn now: a uniform pick among the
 * entries of its part (up servers before pass->round, down ones after)
 * not yet named, swapped into place. Only order[pos..n), the entries not
 * yet named, is permuted (policy.h allows it). Servers removed from the
 * list since the snapshot are skipped.
 */
static int random_dial_next(void *opaque, struct lb_pass *pass)
{
	struct random_lb *lb = opaque;

	while (pass->pos < pass->n) {
		int i = pass->pos++;
		int end = i < pass->round ? pass->round : pass->n;

		if (end - i > 1) {
			int j = i + (int)gsl_rng_uniform_int(
				lb->t.env.rng, (unsigned long)(end - i));
			int t = pass->order[i];

			pass->order[i] = pass->order[j];
			pass->order[j] = t;
		}
		if (lb_addrs_has(&lb->t.addrs, pass->order[i]))
			return pass->order[i];
	}
	return -1;
}

/* A uniformly random order per pass, healthy servers first. */
const struct policy_ops policy_random = {
	.name = "random",
	.summary = "random (Envoy RANDOM): each pass a uniformly random "
		   "permutation (Fisher-Yates, drawn as dialled) of the up "
		   "servers, then of the down ones; Envoy's panic threshold; "
		   "one pass",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = random_lb_new,
	.lb_free = lb__free,
	.set_servers = lb__set_servers,
	.dial_begin = random_dial_begin,
	.dial_next = random_dial_next,
	.record = lb__record,
	.state_name = lb__state_name,
	.own = random_own,
	.default_backoff = BACKOFF_NONE,
};
