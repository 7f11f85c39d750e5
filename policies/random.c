/*
 * Random: every pass tries the servers in a fresh uniformly random order
 * (Envoy's RANDOM load balancer, which picks a host uniformly at random;
 * here the whole pass is one random permutation, so a failed server is
 * not tried twice in a pass). The permutation is gsl_ran_shuffle()
 * (Fisher-Yates) over the address list, drawn from the LB's own stream:
 * the same seed and the same list give the same passes.
 *
 * No health, no backoff, one pass per request.
 */
#include "addr_list.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_randist.h>

struct random_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct lb_addrs addrs;	/* the address list, in its order */
};

static void *random_lb_new(const struct lb_env *env)
{
	struct random_lb *lb = g_new0(struct random_lb, 1);

	SIM_ASSERT(env && env->params && env->rng);
	lb->env = *env;
	return lb;
}

static void random_lb_free(void *lb)
{
	g_free(lb);
}

static void random_set_servers(void *opaque, const int *servers, size_t n)
{
	struct random_lb *lb = opaque;

	lb_addrs_set(&lb->addrs, servers, n, NULL, NULL, NULL);
}

/* The snapshot: the list in list order, then shuffled in place. Draws
 * n - 1 numbers for n >= 2 (gsl_ran_shuffle), none otherwise. */
static void random_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct random_lb *lb = opaque;

	lb_addrs_snapshot(&lb->addrs, pass);
	/* gsl_ran_shuffle() counts down from n - 1 in a size_t: n = 0
	 * would wrap */
	if (pass->n >= 2)
		gsl_ran_shuffle(lb->env.rng, pass->order, (size_t)pass->n,
				sizeof(*pass->order));
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int random_dial_next(void *opaque, struct lb_pass *pass)
{
	struct random_lb *lb = opaque;

	return lb_addrs_next(&lb->addrs, pass);
}

/* Outcomes change nothing. */
static void random_record(void *opaque, int server, lb_check kind,
			  lb_result r)
{
	(void)opaque;
	(void)server;
	(void)kind;
	(void)r;
}

/* A uniformly random order per pass. */
const struct policy_ops policy_random = {
	.name = "random",
	.summary = "random (Envoy RANDOM): each pass a uniformly random "
		   "permutation of the list (Fisher-Yates); one pass, no health",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = random_lb_new,
	.lb_free = random_lb_free,
	.set_servers = random_set_servers,
	.dial_begin = random_dial_begin,
	.dial_next = random_dial_next,
	.record = random_record,
	.own = NULL,
	.default_backoff = BACKOFF_NONE,
};
