/*
 * Finagle's power of two choices with the peak-EWMA load metric
 * (finagle-core com.twitter.finagle.loadbalancer: PeakEwma.scala for the
 * metric, P2C.scala for the pick; Balancers.p2cPeakEwma, decayTime 10 s).
 *
 * The metric, per server: a latency EWMA "sensitive to peaks", decaying
 * with time constant tau = own "decay_time". On an answer with latency s
 * at time t, the previous sample at t0:
 *
 *     w = exp(-(t - t0) / tau)
 *     ewma = s > ewma ? s : ewma * w + s * (1 - w)
 *
 * so a slower answer raises it at once and faster ones bring it down
 * slowly. The cost of a server, read at time now, is
 *
 *     cost = ewma * exp(-(now - t0) / tau) * (outstanding + 1)
 *
 * the EWMA decayed towards zero for the time since its last sample, as
 * Finagle's get() does by observing a zero sample, so that a server that
 * was slow once and then left alone is tried again. Outstanding requests
 * are this client's open connections through the LB.
 *
 * A server without a sample: with own "default_latency" 0 (the default)
 * it follows Finagle: cost 0 while idle, so it is probed at once, and
 * Penalty + outstanding while a request is pending (Penalty =
 * Long.MaxValue >> 16 ns, about 39 hours), so that it gets one request at
 * a time until its first answer. With default_latency > 0 it follows
 * tower's PeakEwma (used by linkerd2-proxy): a new server's estimate
 * starts at default_latency when it joins the list and decays from then
 * like any sample.
 *
 * The pick: two distinct servers drawn uniformly, the cheaper first (ties:
 * the first drawn, as P2C.scala's "<="); then a fallback as in p2c.c. The
 * draws, in this exact order (the tests replay them): the pool is the up
 * servers in list order (every server when none is up); Fisher-Yates from
 * the front, for i = 0 to n - 2, j = i + gsl_rng_uniform_int(rng, n - i);
 * the first two entries are the candidates; the rest of the pool follows
 * in its shuffled order, then the down servers, shuffled the same way.
 * A server is down when its last dial or health check failed, up after
 * any success (Finagle prefers the healthier of its two candidates and
 * retries picks that land on closed nodes; drawing among up servers only
 * is the same preference, made before the draw).
 *
 * Where we differ from Finagle, on purpose:
 *  - Reads do not change state. Finagle's get() stores the decayed cost
 *    and moves its timestamp, so the weight of the next sample runs from
 *    the last read, not the last sample, and the peak test compares with
 *    the cost as last read. We decay on read without storing it, so the
 *    EWMA follows the update rule above exactly and the order of reads
 *    never matters; what it costs: a sample just below the stored EWMA
 *    but above its decayed value blends in here, where Finagle would take
 *    it as a new peak.
 *  - Samples are every answer's latency (fb->latency, errors included, as
 *    Finagle's end() runs on every response); a failed dial gives none.
 */
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* Indices in peak_own[] and policy_params.own[]. */
enum {
	PEAK_DECAY_TIME,
	PEAK_DEFAULT_LATENCY,
	PEAK_N_OWN
};

static const struct own_param peak_own[] = {
	[PEAK_DECAY_TIME] = {
		.name = "decay_time",
		.type = PARAM_DURATION,
		.def = 10.0,
		.min = 1e-6,
		.max = 1e6,
		.help = "time constant of the latency EWMA's decay "
			"(Finagle p2cPeakEwma decayTime, default 10s)",
	},
	[PEAK_DEFAULT_LATENCY] = {
		.name = "default_latency",
		.type = PARAM_DURATION,
		.def = 0.0,
		.min = 0.0,
		.max = 1e6,
		.help = "estimate for a server with no answer yet; 0: Finagle's "
			"rule (free while idle, a penalty while pending), "
			">0: tower/linkerd's default RTT",
	},
	{ .name = NULL },
};

/* Finagle's Penalty, in nanoseconds: Long.MaxValue >> 16. */
#define PEAK_PENALTY ((double)(INT64_MAX >> 16))

struct peak_server {
	int id;			/* the server id */
	int conns;		/* outstanding requests through this LB */
	bool down;		/* its last dial or health check failed */
	bool known;		/* ewma holds a value (a sample or the default) */
	double ewma;		/* peak EWMA of latency, ns, as of stamp */
	sim_time stamp;		/* time of the last sample (or of joining) */
};

struct peak_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct peak_server srv[LB_MAX_SERVERS];	/* in list order */
	int n;			/* entries in srv */
	double tau;		/* decay_time, ns */
	double default_ns;	/* default_latency, ns; 0: Finagle's rule */
};

static int peak_find(const struct peak_lb *lb, int id)
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
static void peak_check_own(const struct policy_params *p)
{
	int i;

	for (i = 0; i < PEAK_N_OWN; i++)
		SIM_ASSERT(p->own[i] >= peak_own[i].min &&
			   p->own[i] <= peak_own[i].max);
}

static void *peak_lb_new(const struct lb_env *env)
{
	struct peak_lb *lb = g_new0(struct peak_lb, 1);

	SIM_ASSERT(env && env->rng && env->params && env->sim);
	peak_check_own(env->params);
	lb->env = *env;
	lb->tau = env->params->own[PEAK_DECAY_TIME] * (double)SIM_S;
	lb->default_ns = env->params->own[PEAK_DEFAULT_LATENCY] * (double)SIM_S;
	return lb;
}

static void peak_lb_free(void *lb)
{
	g_free(lb);
}

/* exp(-(t - t0) / tau), 1 for t <= t0. */
static double peak_weight(const struct peak_lb *lb, sim_time t, sim_time t0)
{
	return t > t0 ? exp(-(double)(t - t0) / lb->tau) : 1.0;
}

/* The cost of srv[@i] now, in ns (see the header). */
static double peak_cost(const struct peak_lb *lb, int i)
{
	const struct peak_server *s = &lb->srv[i];
	sim_time now = sim_now(lb->env.sim);

	if (!s->known)
		return s->conns == 0 ? 0.0 : PEAK_PENALTY + s->conns;
	return s->ewma * peak_weight(lb, now, s->stamp) * (s->conns + 1);
}

/* Kept servers keep their counts, health and EWMA; new ones start up,
 * idle, without a sample (or with the default estimate, from now). */
static void peak_set_servers(void *opaque, const int *servers, size_t n)
{
	struct peak_lb *lb = opaque;
	struct peak_server next[LB_MAX_SERVERS];
	size_t k;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	for (k = 0; k < n; k++) {
		int i = peak_find(lb, servers[k]);

		SIM_ASSERT(servers[k] >= 0);
		if (i >= 0) {
			next[k] = lb->srv[i];
			continue;
		}
		next[k] = (struct peak_server){ .id = servers[k] };
		if (lb->default_ns > 0) {
			next[k].known = true;
			next[k].ewma = lb->default_ns;
			next[k].stamp = sim_now(lb->env.sim);
		}
	}
	for (k = 0; k < n; k++)
		lb->srv[k] = next[k];
	lb->n = (int)n;
}

/* Fisher-Yates from the front: no draw for fewer than two entries. */
static void peak_shuffle(gsl_rng *r, int *a, int n)
{
	int i;

	for (i = 0; i + 1 < n; i++) {
		int j = i + (int)gsl_rng_uniform_int(r, (unsigned long)(n - i));
		int t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/* The snapshot: the cheaper of two distinct up servers, the other up
 * servers in random order, then the down ones in random order. */
static void peak_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct peak_lb *lb = opaque;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];	/* indices in srv */
	int n_pool = 0, n_rest = 0, best = 0, c, m = 0;

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

	peak_shuffle(lb->env.rng, pool, n_pool);
	if (n_pool >= 2 && peak_cost(lb, pool[1]) < peak_cost(lb, pool[0]))
		best = 1;

	if (n_pool > 0)
		pass->order[m++] = lb->srv[pool[best]].id;
	for (c = 0; c < n_pool; c++)
		if (c != best)
			pass->order[m++] = lb->srv[pool[c]].id;
	peak_shuffle(lb->env.rng, rest, n_rest);
	for (c = 0; c < n_rest; c++)
		pass->order[m++] = lb->srv[rest[c]].id;
	pass->n = m;
	pass->pos = 0;
	pass->round = 0;
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int peak_dial_next(void *opaque, struct lb_pass *pass)
{
	struct peak_lb *lb = opaque;

	while (pass->pos < pass->n) {
		int id = pass->order[pass->pos++];

		if (peak_find(lb, id) >= 0)
			return id;
	}
	return -1;
}

/* Any success brings a server up, any failure takes it down. */
static void peak_record(void *opaque, int server, lb_check kind, lb_result r)
{
	struct peak_lb *lb = opaque;
	int i = peak_find(lb, server);
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

static void peak_conn_open(void *opaque, int server)
{
	struct peak_lb *lb = opaque;
	int i = peak_find(lb, server);

	if (i >= 0)
		lb->srv[i].conns++;
}

static void peak_conn_close(void *opaque, int server)
{
	struct peak_lb *lb = opaque;
	int i = peak_find(lb, server);

	if (i >= 0 && lb->srv[i].conns > 0)
		lb->srv[i].conns--;
}

/* The peak-EWMA update with the answer's latency (see the header). */
static void peak_observe(void *opaque, int server,
			 const struct lb_feedback *fb)
{
	struct peak_lb *lb = opaque;
	int i = peak_find(lb, server);
	struct peak_server *s;
	sim_time now;
	double rtt, w;

	if (i < 0)
		return;
	s = &lb->srv[i];
	now = sim_now(lb->env.sim);
	rtt = fb->latency > 0 ? (double)fb->latency : 0.0;
	if (!s->known || rtt > s->ewma) {
		s->ewma = rtt;
	} else {
		w = peak_weight(lb, now, s->stamp);
		s->ewma = s->ewma * w + rtt * (1.0 - w);
	}
	s->known = true;
	s->stamp = now;
}

/* "HEALTHY" (up) or "UNHEALTHY" (down); NULL when not in the list. */
static const char *peak_state_name(void *opaque, int server)
{
	struct peak_lb *lb = opaque;
	int i = peak_find(lb, server);

	if (i < 0)
		return NULL;
	return lb->srv[i].down ? "UNHEALTHY" : "HEALTHY";
}

/* Finagle's p2cPeakEwma: the cheaper of two random servers by peak EWMA. */
const struct policy_ops policy_peak_ewma = {
	.name = "peak-ewma",
	.summary = "power of two choices on peak-EWMA latency x (outstanding "
		   "+ 1) (Finagle p2cPeakEwma, decay 10s); failed servers last",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = peak_lb_new,
	.lb_free = peak_lb_free,
	.set_servers = peak_set_servers,
	.dial_begin = peak_dial_begin,
	.dial_next = peak_dial_next,
	.record = peak_record,
	.conn_open = peak_conn_open,
	.conn_close = peak_conn_close,
	.state_name = peak_state_name,
	.observe = peak_observe,
	.own = peak_own,
};
