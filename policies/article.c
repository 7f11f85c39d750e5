/*
 * The balancer of the public write-up this project started from
 * (K3S-MODEL.md, "Important"): "a health cache, a latency-ranked priority
 * queue and exponential backoff" for unreachable servers. The K3s code
 * does none of this; the policy exists so that the simulator can show
 * whether the write-up's design would have been better.
 *
 * Per server:
 *  - health: UNKNOWN until a result; HEALTHY after a passed health check
 *    or a connected dial, UNHEALTHY after a failed one;
 *  - a latency estimate: an EWMA of the latency of the answers observe()
 *    reports, est = w * latency + (1 - w) * est with w the own parameter
 *    latency_weight, the first answer taken as it is. Only successful
 *    answers count (an error answer can be fast precisely because the
 *    server is broken). The dial's own round trip is not visible here;
 *  - a backoff (params->backoff, exponential by default, one state per
 *    server): a failed dial puts the server in backoff until now + the
 *    next delay; a connected dial resets it. A passed health check does
 *    not end a backoff: the write-up backs off unreachable servers, and
 *    reachability is what a dial measures.
 *
 * A pass tries every server once, in this order: first the servers not in
 * backoff, HEALTHY before UNKNOWN before UNHEALTHY, then by latency
 * estimate ascending (servers without one last among equals), then by
 * address-list order; then the servers in backoff, the earliest to leave
 * it first, then by list order. Servers in backoff are passed over, not
 * dropped: when every other server has failed they are still worth a try.
 * The order is a snapshot taken by dial_begin().
 *
 * pass_delay() waits until the earliest server leaves backoff (0 when
 * none is in backoff); the client's timeout, which the model enforces,
 * bounds the retries. It gives up only when the list is empty.
 *
 * The list is a plain array in address-list order, so that a stable
 * insertion sort of indices gives the ties their list order; O(n^2) at
 * n <= 64 per pass is nothing.
 */
#include "addr_list.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>

enum article_health {
	ARTICLE_HEALTHY,	/* passed its last check or dial */
	ARTICLE_UNKNOWN,	/* no result yet */
	ARTICLE_UNHEALTHY,	/* failed its last check or dial */
};

static const char *const article_health_names[] = {
	[ARTICLE_HEALTHY] = "HEALTHY",
	[ARTICLE_UNKNOWN] = "UNKNOWN",
	[ARTICLE_UNHEALTHY] = "UNHEALTHY",
};

/* Indices of the own parameters (policy_params.own). */
enum {
	ARTICLE_OWN_LATENCY_WEIGHT,
};

struct article_server {
	enum article_health health;	/* the health cache */
	bool has_latency;	/* an answer has been observed */
	double latency;		/* the EWMA of answer latencies, ns */
	struct backoff bo;	/* unreachable backoff; cfg borrowed from
				 * env.params */
	sim_time retry_at;	/* in backoff while now < retry_at */
};

struct article_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct lb_addrs addrs;	/* the address list */
	struct article_server srv[LB_MAX_SERVERS];	/* as addrs, in list
							 * order */
	double weight;		/* latency_weight */
};

static int article_find(const struct article_lb *lb, int id)
{
	return lb_addrs_find(&lb->addrs, id);
}

static bool article_in_backoff(const struct article_lb *lb,
			       const struct article_server *s)
{
	return sim_now(lb->env.sim) < s->retry_at;
}

/* Whether srv[@a] goes before srv[@b] in a pass (list order aside). */
static bool article_before(const struct article_lb *lb, int a, int b)
{
	const struct article_server *x = &lb->srv[a], *y = &lb->srv[b];
	bool xb = article_in_backoff(lb, x), yb = article_in_backoff(lb, y);

	if (xb != yb)
		return !xb;
	if (xb)
		return x->retry_at < y->retry_at;
	if (x->health != y->health)
		return x->health < y->health;
	if (x->has_latency != y->has_latency)
		return x->has_latency;
	return x->has_latency && x->latency < y->latency;
}

static void *article_lb_new(const struct lb_env *env)
{
	struct article_lb *lb = g_new0(struct article_lb, 1);

	SIM_ASSERT(env && env->sim && env->params);
	lb->env = *env;
	lb->weight = env->params->own[ARTICLE_OWN_LATENCY_WEIGHT];
	SIM_ASSERT(lb->weight >= 0.0 && lb->weight <= 1.0);
	return lb;
}

static void article_lb_free(void *lb)
{
	g_free(lb);
}

/* Takes the new list in its order; kept servers keep health, latency and
 * backoff, new ones start UNKNOWN with neither. */
static void article_set_servers(void *opaque, const int *servers, size_t n)
{
	struct article_lb *lb = opaque;
	struct article_server fresh = { .health = ARTICLE_UNKNOWN };
	int from[LB_MAX_SERVERS];
	size_t k;

	lb_addrs_set(&lb->addrs, servers, n, from, NULL, NULL);
	for (k = 0; k < n; k++)
		if (from[k] < 0) {
			backoff_init(&fresh.bo, &lb->env.params->backoff);
			break;
		}
	lb_addrs_remap(lb->srv, sizeof(lb->srv[0]), from, (int)n, &fresh);
}

/* The snapshot: the ranking of the top of the file, at the time of the
 * call. */
static void article_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct article_lb *lb = opaque;
	int idx[LB_MAX_SERVERS], i, j;

	for (i = 0; i < lb->addrs.n; i++) {
		int x = i;

		/* stable: only a strictly better server moves ahead */
		for (j = i; j > 0 && article_before(lb, x, idx[j - 1]); j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
	for (i = 0; i < lb->addrs.n; i++)
		pass->order[i] = lb->addrs.id[idx[i]];
	lb_addrs_pass_start(pass, lb->addrs.n);
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int article_dial_next(void *opaque, struct lb_pass *pass)
{
	struct article_lb *lb = opaque;

	return lb_addrs_next(&lb->addrs, pass);
}

/* Health checks set the health cache; dials set it too and drive the
 * backoff. LB_UNKNOWN and unknown ids change nothing. */
static void article_record(void *opaque, int server, lb_check kind,
			   lb_result r)
{
	struct article_lb *lb = opaque;
	int i = article_find(lb, server);
	struct article_server *s;

	if (i < 0 || r == LB_UNKNOWN)
		return;
	s = &lb->srv[i];
	s->health = r == LB_OK ? ARTICLE_HEALTHY : ARTICLE_UNHEALTHY;
	if (kind != LB_CHECK_DIAL)
		return;
	if (r == LB_OK) {
		backoff_reset(&s->bo);
		s->retry_at = 0;
	} else {
		s->retry_at = sim_time_add(sim_now(lb->env.sim),
					   backoff_next(&s->bo, lb->env.rng));
	}
}

/* The EWMA of successful answers' latencies. */
static void article_observe(void *opaque, int server,
			    const struct lb_feedback *fb)
{
	struct article_lb *lb = opaque;
	int i = article_find(lb, server);
	struct article_server *s;

	if (i < 0 || !fb->ok)
		return;
	s = &lb->srv[i];
	if (!s->has_latency) {
		s->latency = (double)fb->latency;
		s->has_latency = true;
	} else {
		s->latency = lb->weight * (double)fb->latency +
			     (1.0 - lb->weight) * s->latency;
	}
}

/* Until the earliest server leaves backoff, 0 when none is in it; -1
 * (give up) only with an empty list. */
static sim_time article_pass_delay(void *opaque, int passes)
{
	struct article_lb *lb = opaque;
	sim_time now = sim_now(lb->env.sim), until = SIM_TIME_MAX;
	int i;

	SIM_ASSERT(passes >= 1);
	if (lb->addrs.n == 0)
		return -1;
	for (i = 0; i < lb->addrs.n; i++)
		if (article_in_backoff(lb, &lb->srv[i]) &&
		    lb->srv[i].retry_at < until)
			until = lb->srv[i].retry_at;
	return until == SIM_TIME_MAX ? 0 : until - now;
}

/* "BACKOFF" while in backoff, else the health word. */
static const char *article_state_name(void *opaque, int server)
{
	struct article_lb *lb = opaque;
	int i = article_find(lb, server);

	if (i < 0)
		return NULL;
	if (article_in_backoff(lb, &lb->srv[i]))
		return "BACKOFF";
	return article_health_names[lb->srv[i].health];
}

static const struct own_param article_own[] = {
	[ARTICLE_OWN_LATENCY_WEIGHT] = {
		.name = "latency_weight",
		.type = PARAM_NUMBER,
		.def = 0.3,
		.min = 0.0,
		.max = 1.0,
		.help = "EWMA weight of the newest answer's latency (1: the "
			"last answer only); the write-up names no value, 0.3 "
			"is selsim's",
	},
	{ .name = NULL },
};

/* The write-up's design: health cache, latency ranking, backoff. */
const struct policy_ops policy_article = {
	.name = "article",
	.summary = "the public write-up's LB: health cache, latency-ranked "
		   "order (EWMA), exponential backoff for unreachable servers",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = article_lb_new,
	.lb_free = article_lb_free,
	.set_servers = article_set_servers,
	.dial_begin = article_dial_begin,
	.dial_next = article_dial_next,
	.record = article_record,
	.state_name = article_state_name,
	.observe = article_observe,
	.pass_delay = article_pass_delay,
	.own = article_own,
	.default_backoff = BACKOFF_EXPONENTIAL,
};
