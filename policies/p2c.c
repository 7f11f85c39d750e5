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
 *     (down: see below) wait at the end. When no server is up the pool is
 *     every server, as Envoy's panic mode spreads load over all hosts.
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
 *    draw at once, the way a connect failure would before Envoy's next
 *    check. New servers start up.
 *  - Envoy's panic threshold (50% healthy by default) is not modelled: the
 *    pool is every server only when none is up.
 *
 * Servers removed from the list are forgotten with their counts; the LB
 * closes no connection itself.
 */
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* Indices in p2c_own[] and policy_params.own[]. */
enum {
	P2C_CHOICE_COUNT,
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
	{ .name = NULL },
};

struct p2c_server {
	int id;			/* the server id */
	int conns;		/* outstanding requests through this LB */
	bool down;		/* its last dial or health check failed */
};

struct p2c_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct p2c_server srv[LB_MAX_SERVERS];	/* in list order */
	int n;			/* entries in srv */
	int choice_count;	/* own "choice_count" */
};

static int p2c_find(const struct p2c_lb *lb, int id)
{
	int i;

	for (i = 0; i < lb->n; i++)
		if (lb->srv[i].id == id)
			return i;
	return -1;
}

/* Own parameters out of their declared range are a bug of the caller:
 * policy_params_for() sets the defaults and the spec loader checks what
 * a user sets. */
static void p2c_check_own(const struct policy_params *p)
{
	int i;

	for (i = 0; i < P2C_N_OWN; i++)
		SIM_ASSERT(p->own[i] >= p2c_own[i].min &&
			   p->own[i] <= p2c_own[i].max);
}

static void *p2c_lb_new(const struct lb_env *env)
{
	struct p2c_lb *lb = g_new0(struct p2c_lb, 1);

	SIM_ASSERT(env && env->rng && env->params);
	p2c_check_own(env->params);
	lb->env = *env;
	lb->choice_count = (int)env->params->own[P2C_CHOICE_COUNT];
	return lb;
}

static void p2c_lb_free(void *lb)
{
	g_free(lb);
}

/* Kept servers keep their counts and health; new ones start up, idle. */
static void p2c_set_servers(void *opaque, const int *servers, size_t n)
{
	struct p2c_lb *lb = opaque;
	struct p2c_server next[LB_MAX_SERVERS];
	size_t k;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	for (k = 0; k < n; k++) {
		int i = p2c_find(lb, servers[k]);

		SIM_ASSERT(servers[k] >= 0);
		next[k] = i >= 0 ? lb->srv[i]
				 : (struct p2c_server){ .id = servers[k] };
	}
	for (k = 0; k < n; k++)
		lb->srv[k] = next[k];
	lb->n = (int)n;
}

/* Fisher-Yates from the front, as the header describes: no draw for
 * fewer than two entries. */
static void p2c_shuffle(gsl_rng *r, int *a, int n)
{
	int i;

	for (i = 0; i + 1 < n; i++) {
		int j = i + (int)gsl_rng_uniform_int(r, (unsigned long)(n - i));
		int t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/* The snapshot: the best of choice_count distinct up servers, the other
 * up servers in random order, then the down ones in random order. */
static void p2c_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct p2c_lb *lb = opaque;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];	/* indices in srv */
	int n_pool = 0, n_rest = 0, k, best, c, m = 0;

	for (c = 0; c < lb->n; c++) {
		if (lb->srv[c].down)
			rest[n_rest++] = c;
		else
			pool[n_pool++] = c;
	}
	if (n_pool == 0) {
		for (c = 0; c < n_rest; c++)
			pool[c] = rest[c];
		n_pool = n_rest;
		n_rest = 0;
	}

	p2c_shuffle(lb->env.rng, pool, n_pool);
	k = MIN(lb->choice_count, n_pool);
	best = 0;
	for (c = 1; c < k; c++)
		if (lb->srv[pool[c]].conns < lb->srv[pool[best]].conns)
			best = c;

	if (n_pool > 0)
		pass->order[m++] = lb->srv[pool[best]].id;
	for (c = 0; c < n_pool; c++)
		if (c != best)
			pass->order[m++] = lb->srv[pool[c]].id;
	p2c_shuffle(lb->env.rng, rest, n_rest);
	for (c = 0; c < n_rest; c++)
		pass->order[m++] = lb->srv[rest[c]].id;
	pass->n = m;
	pass->pos = 0;
	pass->round = 0;
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int p2c_dial_next(void *opaque, struct lb_pass *pass)
{
	struct p2c_lb *lb = opaque;

	while (pass->pos < pass->n) {
		int id = pass->order[pass->pos++];

		if (p2c_find(lb, id) >= 0)
			return id;
	}
	return -1;
}

/* Any success brings a server up, any failure takes it down. */
static void p2c_record(void *opaque, int server, lb_check kind, lb_result r)
{
	struct p2c_lb *lb = opaque;
	int i = p2c_find(lb, server);
	bool down;

	(void)kind;
	if (i < 0 || r == LB_UNKNOWN)
		return;
	down = r == LB_FAILED;
	if (lb->srv[i].down == down)
		return;
	lb->srv[i].down = down;
	if (lb->env.on_state)	/* last: it may read the LB */
		lb->env.on_state(lb->env.model, server,
				 down ? "HEALTHY" : "UNHEALTHY",
				 down ? "UNHEALTHY" : "HEALTHY");
}

static void p2c_conn_open(void *opaque, int server)
{
	struct p2c_lb *lb = opaque;
	int i = p2c_find(lb, server);

	if (i >= 0)
		lb->srv[i].conns++;
}

static void p2c_conn_close(void *opaque, int server)
{
	struct p2c_lb *lb = opaque;
	int i = p2c_find(lb, server);

	if (i >= 0 && lb->srv[i].conns > 0)
		lb->srv[i].conns--;
}

/* "HEALTHY" (up) or "UNHEALTHY" (down); NULL when not in the list. */
static const char *p2c_state_name(void *opaque, int server)
{
	struct p2c_lb *lb = opaque;
	int i = p2c_find(lb, server);

	if (i < 0)
		return NULL;
	return lb->srv[i].down ? "UNHEALTHY" : "HEALTHY";
}

/* Envoy's least_request: the least loaded of choice_count random servers. */
const struct policy_ops policy_p2c = {
	.name = "p2c",
	.summary = "power of d choices on outstanding requests "
		   "(Envoy least_request, choice_count 2); failed servers last",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = p2c_lb_new,
	.lb_free = p2c_lb_free,
	.set_servers = p2c_set_servers,
	.dial_begin = p2c_dial_begin,
	.dial_next = p2c_dial_next,
	.record = p2c_record,
	.conn_open = p2c_conn_open,
	.conn_close = p2c_conn_close,
	.state_name = p2c_state_name,
	.own = p2c_own,
};
