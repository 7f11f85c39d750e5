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
 * servers in list order (every server in Envoy's panic, below own
 * "panic_threshold" % up: selsim's choice, Finagle keeps no health
 * threshold); Fisher-Yates from
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
 *  - Samples are every answer's latency, errors included, as Finagle's
 *    end() runs on every response, counted from the dial's start
 *    (fb->connect + fb->latency), and a failed dial gives one of its
 *    duration (PeakEwma.scala:98-110: start() runs before the session
 *    acquisition, end() on its Throw); own "sample_connect" false: from
 *    sent, failed dials none. Finagle's pending count starts before the
 *    connect too; here outstanding requests count from connected.
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

/* Indices in peak_own[] and policy_params.own[]. */
enum {
	PEAK_DECAY_TIME,
	PEAK_DEFAULT_LATENCY,
	PEAK_PANIC,
	PEAK_SAMPLE_CONNECT,
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
	[PEAK_PANIC] = LB_PANIC_OWN("; selsim's choice: Finagle's "
				    "p2cPeakEwma keeps no health"),
	[PEAK_SAMPLE_CONNECT] = {
		.name = "sample_connect",
		.type = PARAM_BOOL,
		.def = 1,
		.min = 0,
		.max = 1,
		.help = "samples run from the dial's start and a failed dial "
			"gives one (Finagle PeakEwma.scala: start() before the "
			"session acquisition); false: answers only, from sent",
	},
	{ .name = NULL },
};

/* Finagle's Penalty, in nanoseconds: Long.MaxValue >> 16. */
#define PEAK_PENALTY ((double)(INT64_MAX >> 16))

/* What peak-EWMA keeps per server, beside the shared table. */
struct peak_est {
	bool known;		/* ewma holds a value (a sample or the default) */
	double ewma;		/* peak EWMA of latency, ns, as of stamp */
	sim_time stamp;		/* time of the last sample (or of joining) */
};

struct peak_lb {
	struct lb_table t;	/* first: the shared methods take the LB */
	struct peak_est est[LB_MAX_SERVERS];	/* as t.srv, in list order */
	double tau;		/* decay_time, ns */
	double default_ns;	/* default_latency, ns; 0: Finagle's rule */
	double panic;		/* own "panic_threshold" */
};

static void *peak_lb_new(const struct lb_env *env)
{
	struct peak_lb *lb = g_new0(struct peak_lb, 1);

	SIM_ASSERT(env && env->rng && env->params && env->sim);
	lb__check_own(peak_own, env->params);
	lb__table_init(&lb->t, env);
	lb->tau = env->params->own[PEAK_DECAY_TIME] * (double)SIM_S;
	lb->default_ns = env->params->own[PEAK_DEFAULT_LATENCY] * (double)SIM_S;
	lb->panic = env->params->own[PEAK_PANIC];
	return lb;
}

/* exp(-(t - t0) / tau), 1 for t <= t0. */
static double peak_weight(const struct peak_lb *lb, sim_time t, sim_time t0)
{
	return t > t0 ? exp(-(double)(t - t0) / lb->tau) : 1.0;
}

/* The cost of server @i (an index in t.srv) now, in ns (see the header). */
static double peak_cost(const struct peak_lb *lb, int i)
{
	const struct peak_est *s = &lb->est[i];
	int conns = lb->t.srv[i].conns;
	sim_time now = sim_now(lb->t.env.sim);

	if (!s->known)
		return conns == 0 ? 0.0 : PEAK_PENALTY + conns;
	return s->ewma * peak_weight(lb, now, s->stamp) * (conns + 1);
}

/* Kept servers keep their counts, health and EWMA; new ones start up,
 * idle, without a sample (or with the default estimate, from now). */
static void peak_set_servers(void *opaque, const int *servers, size_t n)
{
	struct peak_lb *lb = opaque;
	struct peak_est fresh = { .known = false };
	int from[LB_MAX_SERVERS];

	lb__table_set_servers(&lb->t, servers, n, from);
	if (lb->default_ns > 0) {
		fresh.known = true;
		fresh.ewma = lb->default_ns;
		fresh.stamp = sim_now(lb->t.env.sim);
	}
	lb_addrs_remap(lb->est, sizeof(lb->est[0]), from, (int)n, &fresh);
}

/* The snapshot: the cheaper of two distinct up servers, the other up
 * servers in random order, then the down ones in random order. */
static void peak_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct peak_lb *lb = opaque;
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];	/* indices in srv */
	int n_pool, n_rest, best = 0;

	lb__table_split(&lb->t, pool, &n_pool, rest, &n_rest, lb->panic);
	lb__shuffle(lb->t.env.rng, pool, n_pool);
	if (n_pool >= 2 && peak_cost(lb, pool[1]) < peak_cost(lb, pool[0]))
		best = 1;
	lb__table_order_best(&lb->t, pass, pool, n_pool, best, rest, n_rest);
}

/* The peak-EWMA update with the answer's latency (see the header). */
static void peak_observe(void *opaque, int server,
			 const struct lb_feedback *fb)
{
	struct peak_lb *lb = opaque;
	int i = lb__table_find(&lb->t, server);
	struct peak_est *s;
	sim_time now;
	double rtt, w;

	if (i < 0)
		return;
	s = &lb->est[i];
	now = sim_now(lb->t.env.sim);
	if (lb->t.env.params->own[PEAK_SAMPLE_CONNECT])
		rtt = (double)MAX(0, fb->connect) +
		      (double)MAX(0, fb->latency);
	else if (fb->dial_failed)
		return;
	else
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

/* Finagle's p2cPeakEwma: the cheaper of two random servers by peak EWMA. */
const struct policy_ops policy_peak_ewma = {
	.name = "peak-ewma",
	.summary = "power of two choices on peak-EWMA latency x (outstanding "
		   "+ 1) (Finagle p2cPeakEwma, decay 10s), samples from the dial's "
		   "start, failed connects too; failed servers last, panic "
		   "threshold (selsim's); pending from connected, not dial",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = peak_lb_new,
	.lb_free = lb__free,
	.set_servers = peak_set_servers,
	.dial_begin = peak_dial_begin,
	.dial_next = lb__dial_next,
	.record = lb__record,
	.conn_open = lb__conn_open,
	.conn_close = lb__conn_close,
	.state_name = lb__state_name,
	.observe = peak_observe,
	.own = peak_own,
};
