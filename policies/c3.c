/*
 * C3's replica ranking (Suresh, Canini, Schmid, Feldmann, "C3: Cutting
 * Tail Latency in Cloud Data Stores via Adaptive Replica Selection", NSDI
 * 2015, section 4.1), the paper's scoring function exactly:
 *
 *     psi_s = R_s - 1/mu_s + (q_hat_s)^b / mu_s,   b = 3
 *     q_hat_s = 1 + os_s * n + q_s
 *
 * with, per server s, as seen by this client:
 *   R_s      the EWMA of the response time (fb->latency: request sent to
 *            answer received);
 *   1/mu_s   the EWMA of the service time the server piggybacks on its
 *            answer (fb->service; mu_s is the service rate);
 *   q_s      the EWMA of the queue size it piggybacks (fb->queue);
 *   os_s     the requests outstanding from this client to s now (its open
 *            connections through this LB), at ranking time;
 *   n        the number of clients, own "clients" (the concurrency
 *            compensation: each client assumes the others have as many
 *            requests outstanding as it has).
 *
 * Every EWMA is ewma = alpha * sample + (1 - alpha) * ewma with alpha =
 * own "ewma_alpha", 0.9 by default: the weight on the new sample, as the
 * authors' Cassandra implementation has it (ScoreTracker.java, ALPHA =
 * 0.9, getEMA(value, previous) = ALPHA * value + (1 - ALPHA) * previous).
 * That implementation starts its EWMAs at 0; ours start at the first
 * sample, so that one answer does not rank a server as 10% faster than it
 * is. (Elasticsearch's adaptive replica selection, which cites C3, uses
 * alpha 0.3.) Every answer feeds the EWMAs, errors included: each carries
 * the server's service time and queue.
 *
 * dial_begin() ranks the servers by psi ascending, a total order: servers
 * without feedback first (they get probed, as the implementation gives an
 * unknown endpoint score 0), then by score; ties by list order. Servers
 * whose last dial or health check failed come after all the others,
 * ranked the same way among themselves, and come back after any success:
 * an unreachable server never answers, so its score would never change
 * and, unknown, it would be dialled first forever; in Envoy's panic
 * (fewer than own "panic_threshold" % up, lb__panic(): selsim's choice,
 * C3 keeps no health) health is ignored. Nothing is random.
 *
 * Not modelled: C3's rate control. The paper pairs the ranking with a
 * per-server sending rate adapted by a cubic function and backpressure
 * (a request waits in a backlog when every replica is over its rate);
 * here every request goes out at once to the best-ranked server.
 */
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <stdbool.h>

/* The paper's exponent of the queue term. */
#define C3_B 3

/* Indices in c3_own[] and policy_params.own[]. */
enum {
	C3_CLIENTS,
	C3_EWMA_ALPHA,
	C3_PANIC,
	C3_N_OWN
};

static const struct own_param c3_own[] = {
	[C3_CLIENTS] = {
		.name = "clients",
		.type = PARAM_INT,
		.def = 1,
		.min = 1,
		.max = 1e6,
		.help = "n, the number of clients, in q_hat = 1 + os x n + q "
			"(C3, NSDI 2015, section 4.1)",
	},
	[C3_EWMA_ALPHA] = {
		.name = "ewma_alpha",
		.type = PARAM_NUMBER,
		.def = 0.9,
		.min = 0.0,
		.max = 1.0,
		.help = "weight of a new sample in the EWMAs of R, 1/mu and q "
			"(C3's Cassandra ScoreTracker, ALPHA = 0.9)",
	},
	[C3_PANIC] = LB_PANIC_OWN("; selsim's choice: C3 keeps no health"),
	{ .name = NULL },
};

/* What C3 keeps per server, beside the shared table (whose conns is
 * os). */
struct c3_est {
	bool known;		/* has had an answer: the EWMAs hold values */
	double r;		/* EWMA of response time, seconds */
	double mu_inv;		/* EWMA of service time, seconds */
	double q;		/* EWMA of queue size */
};

struct c3_lb {
	struct lb_table t;	/* first: the shared methods take the LB */
	struct c3_est est[LB_MAX_SERVERS];	/* as t.srv, in list order */
	double clients;		/* n */
	double alpha;		/* ewma_alpha */
	bool panic;		/* this pass is in Envoy's panic */
};

static void *c3_lb_new(const struct lb_env *env)
{
	struct c3_lb *lb = g_new0(struct c3_lb, 1);

	SIM_ASSERT(env && env->params);
	lb__check_own(c3_own, env->params);
	lb__table_init(&lb->t, env);
	lb->clients = env->params->own[C3_CLIENTS];
	lb->alpha = env->params->own[C3_EWMA_ALPHA];
	return lb;
}

/* psi of server @i (an index in t.srv) now, in seconds (see the header);
 * known servers only. */
static double c3_score(const struct c3_lb *lb, int i)
{
	const struct c3_est *s = &lb->est[i];
	double q_hat = 1.0 + lb->t.srv[i].conns * lb->clients + s->q;
	double cube = 1.0;
	int k;

	for (k = 0; k < C3_B; k++)
		cube *= q_hat;
	return s->r - s->mu_inv + cube * s->mu_inv;
}

/* Kept servers keep their counts, health and EWMAs; new ones start up,
 * idle, unknown. */
static void c3_set_servers(void *opaque, const int *servers, size_t n)
{
	struct c3_lb *lb = opaque;
	static const struct c3_est fresh = { .known = false };
	int from[LB_MAX_SERVERS];

	lb__table_set_servers(&lb->t, servers, n, from);
	lb_addrs_remap(lb->est, sizeof(lb->est[0]), from, (int)n, &fresh);
}

/* Whether server @a ranks before server @b (indices in t.srv): up before
 * down, unknown before known, lower score, then list order. A total
 * order. */
static bool c3_before(const struct c3_lb *lb, const double *score, int a,
		      int b)
{
	const struct c3_est *x = &lb->est[a], *y = &lb->est[b];
	bool x_down = lb->t.srv[a].down, y_down = lb->t.srv[b].down;

	if (x_down != y_down && !lb->panic)
		return !x_down;
	if (x->known != y->known)
		return !x->known;
	if (x->known && score[a] != score[b])
		return score[a] < score[b];
	return a < b;
}

/* The snapshot: every server, ranked (insertion sort: n <= 64). */
static void c3_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct c3_lb *lb = opaque;
	double score[LB_MAX_SERVERS];
	int idx[LB_MAX_SERVERS], i, j, up = 0;

	for (i = 0; i < lb->t.addrs.n; i++)
		up += !lb->t.srv[i].down;
	lb->panic = lb__panic(up, lb->t.addrs.n,
			      lb->t.env.params->own[C3_PANIC]);
	for (i = 0; i < lb->t.addrs.n; i++) {
		score[i] = lb->est[i].known ? c3_score(lb, i) : 0.0;
		for (j = i; j > 0 && c3_before(lb, score, i, idx[j - 1]); j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	for (i = 0; i < lb->t.addrs.n; i++)
		pass->order[i] = lb->t.addrs.id[idx[i]];
	lb_addrs_pass_start(pass, lb->t.addrs.n);
}

static double c3_ewma(double alpha, double sample, double prev)
{
	return alpha * sample + (1.0 - alpha) * prev;
}

/* The EWMAs take the answer's latency, service time and queue; the first
 * answer sets them. */
static void c3_observe(void *opaque, int server, const struct lb_feedback *fb)
{
	struct c3_lb *lb = opaque;
	int i = lb__table_find(&lb->t, server);
	struct c3_est *s;
	double r, mu_inv, q;

	if (fb->dial_failed)	/* nothing piggybacked */
		return;
	if (i < 0)
		return;
	s = &lb->est[i];
	r = sim_time_to_s(fb->latency > 0 ? fb->latency : 0);
	mu_inv = sim_time_to_s(fb->service > 0 ? fb->service : 0);
	q = fb->queue > 0 ? fb->queue : 0;
	if (!s->known) {
		s->r = r;
		s->mu_inv = mu_inv;
		s->q = q;
		s->known = true;
		return;
	}
	s->r = c3_ewma(lb->alpha, r, s->r);
	s->mu_inv = c3_ewma(lb->alpha, mu_inv, s->mu_inv);
	s->q = c3_ewma(lb->alpha, q, s->q);
}

/* C3's replica ranking, without its rate control. */
const struct policy_ops policy_c3 = {
	.name = "c3",
	.summary = "C3 replica ranking (NSDI 2015): R - 1/mu + (1 + os n + "
		   "q)^3 / mu ascending; no rate control; failed servers last, "
		   "panic threshold (selsim's); unknown servers tie in list "
		   "order",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = c3_lb_new,
	.lb_free = lb__free,
	.set_servers = c3_set_servers,
	.dial_begin = c3_dial_begin,
	.dial_next = lb__dial_next,
	.record = lb__record,
	.conn_open = lb__conn_open,
	.conn_close = lb__conn_close,
	.state_name = lb__state_name,
	.observe = c3_observe,
	.own = c3_own,
};
