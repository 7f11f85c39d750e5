/* The apiserver's etcd connection on a control-plane-only server
 * (apietcd.h). */
#include "apietcd.h"
#include "lb.h"
#include "net.h"
#include "node.h"
#include "server.h"

#include <math.h>

/* grpc-go backoff.DefaultConfig: Multiplier 1.6, MaxDelay 120 s. */
#define GRPC_BACKOFF_MULT 1.6
#define GRPC_BACKOFF_MAX (120 * SIM_S)

enum { C_NONE, C_DIALING, C_TLS, C_OPEN };

struct conn {
	bool on;		/* followed: a Ready control-plane-only server */
	int state;
	int member;		/* dialed or connected */
	uint32_t gen;		/* bumped at every close: stale events */
	bool counted;		/* open in the LB's connection count */
	struct lb_pass pass;
	int fails;		/* failed passes in a row */
	result res;		/* the pending dial's outcome */
	sim_time rtt, dial_started;
	sim_timer timer;	/* dial outcome, TLS, next pass */
	sim_timer deadline;	/* gRPC's connect deadline */
	sim_timer keepalive;	/* its silent member's keepalive ping */
};

struct apietcd {
	struct conn *c;		/* per node */
	gsl_rng *rng;		/* the etcd LBs' health phases at time 0 */
};

static void held_close_hook(struct world *w, int node, int kind, int server);

void apietcd__init(struct world *w)
{
	w->apietcd = g_new0(struct apietcd, 1);
	w->apietcd->c = g_new0(struct conn, w->n);
	w->apietcd->rng = gsl_rng_alloc(gsl_rng_taus2);
	lb__set_held_close(w, held_close_hook);
}

void apietcd__release(struct world *w)
{
	if (!w->apietcd)
		return;
	g_free(w->apietcd->c);
	gsl_rng_free(w->apietcd->rng);
	g_free(w->apietcd);
	w->apietcd = NULL;
}

static uint64_t cx_arg(int node, uint32_t gen)
{
	return ((uint64_t)gen << 32) | (uint32_t)node;
}

static struct conn *conn_of(struct world *w, uint64_t arg, int *node)
{
	struct conn *c;

	*node = (int)(arg & 0xffffffff);
	c = &w->apietcd->c[*node];
	return c->on && c->gen == (uint32_t)(arg >> 32) ? c : NULL;
}

static void stop_timers(struct world *w, struct conn *c)
{
	sim_cancel(w->sim, c->timer);
	sim_cancel(w->sim, c->deadline);
	sim_cancel(w->sim, c->keepalive);
	c->timer = c->deadline = c->keepalive = SIM_TIMER_NONE;
}

static void dial_pass(struct world *w, int node);

/* Ends the connection (or the attempt); gRPC dials again at once. */
static void c_close(struct world *w, int node, const char *why)
{
	struct conn *c = &w->apietcd->c[node];
	struct lb *lb = lb__of(w, node, LB_ETCD);

	if (c->counted && lb)
		lb__conn_closed(w, lb, c->member);
	c->counted = false;
	stop_timers(w, c);
	WTRACE(w, TRACE_CONN, node, c->member, "%s: apiserver's etcd "
	       "connection to %s closed: %s", frame__name(w, node),
	       frame__name(w, c->member), why);
	c->state = C_NONE;
	c->gen++;
	c->fails = 0;
	server__set_etcd_conn(w, node, -1);
	dial_pass(w, node);
}

static void close_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);

	(void)s;
	if (c && c->state != C_NONE && c->state != C_DIALING)
		c_close(w, node, "closed by its etcd LB");
}

static void held_close_hook(struct world *w, int node, int kind, int server)
{
	struct conn *c = &w->apietcd->c[node];

	if (kind == LB_ETCD && c->on && c->counted && c->member == server)
		sim_after(w->sim, 0, close_event, w, cx_arg(node, c->gen));
}

/* Whether its member answers on it. */
static bool member_live(const struct world *w, int node, int m)
{
	return node__running(w, m) && node__etcd_up(w, m) &&
	       net__reachable(w, node, m);
}

static void keepalive_due(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);
	char why[80];

	(void)s;
	if (!c)
		return;
	c->keepalive = SIM_TIMER_NONE;
	if (member_live(w, node, c->member))
		return;		/* it answered again in time */
	g_snprintf(why, sizeof(why), "gRPC keepalive ping unanswered for "
		   "%.0fs", sim_time_to_s(w->kp->apiserver_etcd_keepalive_timeout));
	c_close(w, node, why);
}

static void eof_due(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);

	(void)s;
	if (c && c->state != C_NONE && c->state != C_DIALING)
		c_close(w, node, "reset (its member stopped)");
}

/* Its member changed: a stopped one resets it; a silent one is found
 * out by the keepalive (or by the LB first). */
static void check_member(struct world *w, int node)
{
	struct conn *c = &w->apietcd->c[node];
	int m = c->member;

	if (c->state != C_TLS && c->state != C_OPEN)
		return;
	if (net__reachable(w, node, m) && !member_live(w, node, m)) {
		sim_after(w->sim, c->rtt / 2, eof_due, w, cx_arg(node, c->gen));
		return;
	}
	if (!member_live(w, node, m) && c->keepalive == SIM_TIMER_NONE)
		c->keepalive = sim_after(w->sim,
			w->kp->apiserver_etcd_keepalive +
			w->kp->apiserver_etcd_keepalive_timeout,
			keepalive_due, w, cx_arg(node, c->gen));
}

static void open_done(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);

	(void)s;
	if (!c || c->state != C_TLS)
		return;
	c->timer = SIM_TIMER_NONE;
	sim_cancel(w->sim, c->deadline);
	c->deadline = SIM_TIMER_NONE;
	c->state = C_OPEN;
	c->fails = 0;
	WTRACE(w, TRACE_CONN, node, c->member, "%s: apiserver's etcd "
	       "connection open to %s", frame__name(w, node),
	       frame__name(w, c->member));
	server__set_etcd_conn(w, node, c->member);
	check_member(w, node);
}

static void pass_event(sim *s, void *ctx, uint64_t arg);

/* A pass failed (or its deadline passed): again after gRPC's backoff. */
static void pass_failed(struct world *w, int node, const char *why)
{
	struct conn *c = &w->apietcd->c[node];
	double x = (double)w->kp->etcd_grpc_backoff_base *
		   pow(GRPC_BACKOFF_MULT, c->fails++);
	/* capped before the conversion: after ~49 failed passes x passes
	 * 2^63 (and pow() reaches inf), which llround() cannot return */
	sim_time d = x >= (double)GRPC_BACKOFF_MAX ? GRPC_BACKOFF_MAX
		     : (sim_time)llround(x);

	stop_timers(w, c);
	c->gen++;
	c->state = C_DIALING;
	WTRACE(w, TRACE_CONN, node, -1, "%s: apiserver's etcd connection: "
	       "%s; again in %.1fs", frame__name(w, node), why,
	       sim_time_to_s(d));
	c->timer = sim_after(w->sim, d, pass_event, w, cx_arg(node, c->gen));
}

static void dial_outcome(sim *s, void *ctx, uint64_t arg);

static void dial_member(struct world *w, int node, int m)
{
	struct conn *c = &w->apietcd->c[node];
	struct lb *lb = lb__of(w, node, LB_ETCD);
	sim_time timeout = lb__connect_timeout(w, lb, m), delay;

	c->member = m;
	c->dial_started = sim_now(w->sim);
	WTRACE(w, TRACE_DIAL, node, m, "%s: apiserver: dial etcd %s (etcd LB)",
	       frame__name(w, node), frame__name(w, m));
	if (!net__reachable(w, node, m)) {
		c->res = RES_TIMEOUT;
		delay = timeout;
	} else {
		c->rtt = net__rtt(w, node, m);
		if (!server__listening(w, m, PORT_ETCD)) {
			c->res = RES_REFUSED;
			delay = c->rtt;
		} else {
			delay = net__syn_delay(w, node, m, c->rtt, timeout);
			c->res = delay < 0 ? RES_TIMEOUT : RES_OK;
			delay = delay < 0 ? timeout : delay + c->rtt;
		}
	}
	c->timer = sim_after(w->sim, delay, dial_outcome, w,
			     cx_arg(node, c->gen));
}

static void dial_outcome(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, next = -1;
	struct conn *c = conn_of(w, arg, &node);
	struct lb *lb;
	bool ok;

	(void)s;
	if (!c || c->state != C_DIALING)
		return;
	c->timer = SIM_TIMER_NONE;
	ok = c->res == RES_OK;
	lb = lb__of(w, node, LB_ETCD);
	if (!lb) {
		pass_failed(w, node, "no etcd LB");
		return;
	}
	if (ok) {
		c->counted = true;
		c->state = C_TLS;
	}
	lb__dialed(w, lb, c->member, ok, true);
	if (ok) {
		c->timer = sim_after(w->sim,
			(sim_time)w->cfg->network.tls_round_trips * c->rtt,
			open_done, w, arg);
		return;
	}
	if ((lb = lb__of(w, node, LB_ETCD)) != NULL) {
		lb__dial_failed(w, lb, c->member,
				sim_now(w->sim) - c->dial_started);
		next = lb__next(w, lb, &c->pass);
	}
	if (next >= 0)
		dial_member(w, node, next);
	else
		pass_failed(w, node, "every member failed its dial");
}

static void deadline_due(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);

	(void)s;
	if (!c || c->state != C_DIALING)
		return;
	c->deadline = SIM_TIMER_NONE;
	pass_failed(w, node, "no connection within the dial timeout");
}

static void dial_pass(struct world *w, int node)
{
	struct conn *c = &w->apietcd->c[node];
	struct lb *lb = lb__of(w, node, LB_ETCD);
	int first = lb ? lb__first(w, lb, &c->pass) : -1;

	c->state = C_DIALING;
	c->deadline = sim_after(w->sim, w->kp->apiserver_etcd_dial_timeout,
				deadline_due, w, cx_arg(node, c->gen));
	if (first >= 0)
		dial_member(w, node, first);
	else
		pass_failed(w, node, lb ? "no member to dial" : "no etcd LB");
}

static void pass_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node;
	struct conn *c = conn_of(w, arg, &node);

	(void)s;
	if (!c)
		return;
	c->timer = SIM_TIMER_NONE;
	dial_pass(w, node);
}

/* ---- lifecycle ---- */

static bool followed(const struct world *w, int node)
{
	return w->cfg->nodes[node].role == ROLE_CONTROL_PLANE;
}

static void start(struct world *w, int node)
{
	struct conn *c = &w->apietcd->c[node];
	uint32_t gen = c->gen + 1;

	*c = (struct conn){ .on = true, .gen = gen, .member = -1,
		.timer = SIM_TIMER_NONE, .deadline = SIM_TIMER_NONE,
		.keepalive = SIM_TIMER_NONE };
	server__set_etcd_conn(w, node, -1);
	dial_pass(w, node);
}

void apietcd__reset(struct world *w, uint64_t seed, uint64_t scenario)
{
	int id;

	sim_rng_seed(w->apietcd->rng, seed, scenario, SIM_RNG_APIETCD, 0);
	for (id = 0; id < w->n; id++)
		w->apietcd->c[id].on = false;
	if (!w->cfg->failover)
		return;
	for (id = 0; id < w->n; id++) {
		sim_time iv = w->kp->health_check_interval;

		if (!followed(w, id) || !node__running(w, id) ||
		    node__phase(w, id) != PHASE_READY)
			continue;
		/* Ready a while: its etcd LB has the member list and its
		 * /ping checks (K3S-MODEL 6.3), its loop in any phase */
		lb__start_settled(w, id, LB_ETCD);
		lb__health_phase(w, id, LB_ETCD, iv -
			(sim_time)(gsl_rng_uniform(w->apietcd->rng) *
				   (double)(iv - 1)));
		start(w, id);
	}
}

void apietcd__changed(struct world *w, int node)
{
	int id;

	if (!w->cfg->failover)
		return;
	if (node >= 0 && followed(w, node)) {
		struct conn *c = &w->apietcd->c[node];

		if (!node__running(w, node) && c->on) {
			/* its own process or host went: nothing held */
			stop_timers(w, c);
			c->on = false;
			c->gen++;
			c->state = C_NONE;
			c->counted = false;
		} else if (!c->on && node__running(w, node) &&
			   node__phase(w, node) == PHASE_READY &&
			   lb__of(w, node, LB_ETCD)) {
			start(w, node);
		}
	}
	for (id = 0; id < w->n; id++) {
		struct conn *c = &w->apietcd->c[id];

		if (c->on && (node < 0 || c->member == node))
			check_member(w, id);
	}
}
