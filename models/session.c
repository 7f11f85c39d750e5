/* What a Ready agent holds: connections, request loops (session.h). */
#include "session.h"
#include "call.h"
#include "client.h"
#include "endpoints.h"
#include "lb.h"
#include "net.h"
#include "node.h"
#include "nodectl.h"
#include "server.h"

/* The connections an agent holds, one per client. */
enum { HC_KUBELET, HC_PROXY, HC_AGENT, HC_N };
static const char *const hc_names[HC_N] = {
	"kubelet", "kube-proxy", "k3s agent"
};

/* The request loops, each on one connection. */
enum { RQ_LEASE, RQ_STATUS, RQ_PROXY_WATCH, RQ_AGENT_WATCH, RQ_N };
static const int rq_conn[RQ_N] = { HC_KUBELET, HC_KUBELET, HC_PROXY,
				   HC_AGENT };
static const endpoint rq_ep[RQ_N] = { EP_LEASE, EP_NODE_STATUS, EP_WATCH,
				      EP_WATCH };

/* K3s's kubelet: maxUpdateRetries (component-helpers lease/controller.go:
 * 42-44). */
#define LEASE_UPDATE_TRIES 5

enum hstate {
	H_NONE,			/* no connection */
	H_DIALING,		/* the LB's dial pass */
	H_TLS,			/* connected through the LB, TLS under way */
	H_OPEN,
};

struct held {
	int state;		/* enum hstate */
	int server;		/* dialed or connected */
	uint32_t gen;		/* bumped at every close: stale events */
	uint32_t srv_inc;	/* the server's incarnation when opened */
	bool counted;		/* open in the LB's connection count */
	struct lb_pass pass;
	int passes;		/* failed passes */
	int pass_dials;
	sim_time rtt;
	sim_time dial_started;
	result res;		/* the pending dial's outcome */
	sim_timer timer;	/* dial outcome, TLS, next pass */
	sim_time last_frame;	/* HTTP/2 health check: last frame read */
	bool pinging;		/* its ping is unanswered */
	sim_timer idle;
};

struct req {
	bool pending;
	bool sent;
	bool watching;		/* a watch: listed, now held open */
	uint32_t seq;		/* bumped when it ends: late answers */
	sim_time started;
	sim_time timeout;	/* 0: none */
	int server;		/* where it was sent */
	sim_timer timer;	/* its timeout while pending, else the next
				 * round */
};

struct agent {
	bool on;		/* its clients run */
	struct held h[HC_N];
	struct req r[RQ_N];
	int lease_tries;	/* updates failed this round */
	bool lease_get;		/* the lease request is an ensure GET */
	bool ensuring;		/* backing off between GETs */
	bool after_ensure;	/* the updates after a successful GET */
	sim_time backoff;
	sim_time last_renewal;
	int cut_from;		/* the server the failure cut it from */
	bool cut_open;		/* a failure cut it off; not back yet */
	sim_time cut_at;	/* when */
	bool back_before;	/* back from an earlier cut (the record's
				 * fo_back before this one) */
};

struct sessions {
	struct agent *a;	/* per node */
};

static void held_close_hook(struct world *w, int node, int kind, int server);

void session__init(struct world *w)
{
	w->sessions = g_new0(struct sessions, 1);
	w->sessions->a = g_new0(struct agent, w->n);
	lb__set_held_close(w, held_close_hook);
}

void session__release(struct world *w)
{
	if (!w->sessions)
		return;
	g_free(w->sessions->a);
	g_free(w->sessions);
	w->sessions = NULL;
}

/* ---- event arguments: (node, slot, generation) ---- */

static uint64_t arg3(int node, int slot, uint32_t gen)
{
	return ((uint64_t)gen << 32) | ((uint64_t)slot << 16) | (uint32_t)node;
}

static struct agent *agent_of(struct world *w, uint64_t arg, int *node,
			      int *slot)
{
	*node = (int)(arg & 0xffff);
	*slot = (int)((arg >> 16) & 0xffff);
	return &w->sessions->a[*node];
}

static struct held *held_of(struct world *w, uint64_t arg, int *node,
			    int *slot)
{
	struct agent *a = agent_of(w, arg, node, slot);
	struct held *h = &a->h[*slot];

	return a->on && h->gen == (uint32_t)(arg >> 32) ? h : NULL;
}

static struct req *req_of(struct world *w, uint64_t arg, int *node, int *rq)
{
	struct agent *a = agent_of(w, arg, node, rq);
	struct req *r = &a->r[*rq];

	return a->on && r->seq == (uint32_t)(arg >> 32) ? r : NULL;
}

static sim_time draw(struct world *w, int node, sim_time span)
{
	return (sim_time)(gsl_rng_uniform(w->rng[node].join) * (double)span);
}

static struct node_record *rec_of(struct world *w, int node)
{
	return &w->rec->nodes[node];
}

/* ---- connections ---- */

static void req_end(struct world *w, int node, int rq, result res);
static void req_send(struct world *w, int node, int rq);

static void h_close(struct world *w, int node, int slot, const char *why)
{
	struct agent *a = &w->sessions->a[node];
	struct held *h = &a->h[slot];
	struct lb *lb;
	int rq;

	if (h->state == H_NONE)
		return;
	if (h->counted && (lb = lb__of(w, node, LB_SUPERVISOR)) != NULL)
		lb__conn_closed(w, lb, h->server);
	h->counted = false;
	sim_cancel(w->sim, h->timer);
	sim_cancel(w->sim, h->idle);
	h->timer = h->idle = SIM_TIMER_NONE;
	h->state = H_NONE;
	h->gen++;
	WTRACE(w, TRACE_CONN, node, h->server, "%s: %s connection to %s "
	       "closed: %s", frame__name(w, node), hc_names[slot],
	       frame__name(w, h->server), why);
	/* its requests fail at once; a watch re-lists later */
	for (rq = 0; rq < RQ_N; rq++) {
		if (rq_conn[rq] != slot)
			continue;
		if (a->r[rq].watching) {
			a->r[rq].watching = false;
			if (rq == RQ_AGENT_WATCH)
				endpoints__unwatched(w, node);
			req_end(w, node, rq, RES_REFUSED);
		} else if (a->r[rq].pending) {
			req_end(w, node, rq, RES_REFUSED);
		}
	}
}

static void h_idle(sim *s, void *ctx, uint64_t arg);

static void h_open_done(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot, rq;
	struct held *h = held_of(w, arg, &node, &slot);

	(void)s;
	if (!h || h->state != H_TLS)
		return;
	h->timer = SIM_TIMER_NONE;
	h->state = H_OPEN;
	h->srv_inc = node__inc(w, h->server);
	h->last_frame = sim_now(w->sim);
	h->pinging = false;
	h->idle = sim_after(w->sim, w->kp->http2_read_idle_timeout, h_idle, w,
			    arg3(node, slot, h->gen));
	WTRACE(w, TRACE_CONN, node, h->server, "%s: %s connected to %s",
	       frame__name(w, node), hc_names[slot],
	       frame__name(w, h->server));
	for (rq = 0; rq < RQ_N; rq++)
		if (rq_conn[rq] == slot && w->sessions->a[node].r[rq].pending &&
		    !w->sessions->a[node].r[rq].sent)
			req_send(w, node, rq);
}

static void h_dial_outcome(sim *s, void *ctx, uint64_t arg);
static void h_pass_event(sim *s, void *ctx, uint64_t arg);

static void h_start_dial(struct world *w, int node, int slot, int server)
{
	struct held *h = &w->sessions->a[node].h[slot];
	struct lb *lb = lb__of(w, node, LB_SUPERVISOR);
	sim_time timeout = lb__connect_timeout(w, lb, server), delay;
	uint64_t arg = arg3(node, slot, h->gen);

	h->server = server;
	h->dial_started = sim_now(w->sim);
	h->pass_dials++;
	if (w->rec->fo_happened && nodectl__counted(w, node))
		rec_of(w, node)->fo_dials++;
	WTRACE(w, TRACE_DIAL, node, server, "%s: %s: dial %s (supervisor LB)",
	       frame__name(w, node), hc_names[slot], frame__name(w, server));
	if (!net__reachable(w, node, server)) {
		h->res = RES_TIMEOUT;
		delay = timeout;
	} else {
		h->rtt = net__rtt(w, node, server);
		if (!server__listening(w, server, PORT_SUPERVISOR)) {
			h->res = RES_REFUSED;
			delay = h->rtt;
		} else {
			delay = net__syn_delay(w, node, server, h->rtt, timeout);
			h->res = delay < 0 ? RES_TIMEOUT : RES_OK;
			delay = delay < 0 ? timeout : delay + h->rtt;
		}
	}
	h->timer = sim_after(w->sim, delay, h_dial_outcome, w, arg);
}

/* A pass failed: another after the policy's delay, else the LB closes
 * the client's connection (K3s: "all servers failed"). */
static void h_pass_failed(struct world *w, int node, int slot)
{
	struct held *h = &w->sessions->a[node].h[slot];
	struct lb *lb = lb__of(w, node, LB_SUPERVISOR);
	sim_time d = lb ? lb__pass_delay(w, lb, ++h->passes) : -1;

	if (d >= 0 && !(d == 0 && h->pass_dials == 0) &&
	    lb__retry_spend(w, lb)) {
		h->pass_dials = 0;
		h->timer = sim_after(w->sim, d, h_pass_event, w,
				     arg3(node, slot, h->gen));
		return;
	}
	h_close(w, node, slot, "every server failed its dial");
}

static void h_new_pass(struct world *w, int node, int slot)
{
	struct held *h = &w->sessions->a[node].h[slot];
	struct lb *lb = lb__of(w, node, LB_SUPERVISOR);
	int first = lb ? lb__first(w, lb, &h->pass) : -1;

	if (first >= 0)
		h_start_dial(w, node, slot, first);
	else if (lb)
		h_pass_failed(w, node, slot);
	else
		h_close(w, node, slot, "no load balancer");
}

static void h_pass_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot;
	struct held *h = held_of(w, arg, &node, &slot);

	(void)s;
	if (!h)
		return;
	h->timer = SIM_TIMER_NONE;
	h_new_pass(w, node, slot);
}

static void h_dial_outcome(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot, next = -1;
	struct held *h = held_of(w, arg, &node, &slot);
	struct lb *lb;
	bool ok;

	(void)s;
	if (!h)
		return;
	h->timer = SIM_TIMER_NONE;
	ok = h->res == RES_OK;
	WTRACE(w, ok ? TRACE_DIAL_OK : h->res == RES_REFUSED
	       ? TRACE_DIAL_REFUSED : TRACE_DIAL_TIMEOUT, node, h->server,
	       "%s: %s: dial %s %s", frame__name(w, node), hc_names[slot],
	       frame__name(w, h->server), result_names[h->res]);
	if (ok) {
		/* counted before the LB records it: its closes (an ACTIVE
		 * contest) reach this connection as events */
		h->counted = true;
		h->state = H_TLS;
	}
	lb = lb__of(w, node, LB_SUPERVISOR);
	if (lb) {
		lb__dialed(w, lb, h->server, ok, true);
		if (!ok && (lb = lb__of(w, node, LB_SUPERVISOR)) != NULL)
			lb__dial_failed(w, lb, h->server,
					sim_now(w->sim) - h->dial_started);
	}
	if (ok) {
		h->timer = sim_after(w->sim,
			(sim_time)w->cfg->network.tls_round_trips * h->rtt,
			h_open_done, w, arg);
		return;
	}
	lb = lb__of(w, node, LB_SUPERVISOR);
	if (lb)
		next = lb__next(w, lb, &h->pass);
	if (next >= 0)
		h_start_dial(w, node, slot, next);
	else
		h_pass_failed(w, node, slot);
}

static void h_open(struct world *w, int node, int slot)
{
	struct held *h = &w->sessions->a[node].h[slot];

	h->state = H_DIALING;
	h->passes = h->pass_dials = 0;
	h->counted = false;
	h_new_pass(w, node, slot);
}

/* The client-go HTTP/2 health check (apimachinery pkg/util/net/http.go:
 * 147-192): nothing read for read_idle sends a ping; no answer within
 * ping_timeout closes the connection. */
static void h_idle(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot;
	struct held *h = held_of(w, arg, &node, &slot);
	sim_time now = sim_now(w->sim), idle = w->kp->http2_read_idle_timeout;

	(void)s;
	if (!h || h->state != H_OPEN)
		return;
	h->idle = SIM_TIMER_NONE;
	if (h->pinging) {
		char why[96];

		g_snprintf(why, sizeof(why), "HTTP/2 ping unanswered for %.0fs "
			   "(nothing read for %.0fs)",
			   sim_time_to_s(w->kp->http2_ping_timeout),
			   sim_time_to_s(now - h->last_frame));
		h_close(w, node, slot, why);
		return;
	}
	if (now - h->last_frame < idle) {
		h->idle = sim_after(w->sim, h->last_frame + idle - now, h_idle,
				    w, arg);
		return;
	}
	if (net__reachable(w, node, h->server) &&
	    node__live(w, h->server, h->srv_inc)) {
		h->last_frame = now + h->rtt;	/* its pong */
		h->idle = sim_after(w->sim, h->rtt + idle, h_idle, w, arg);
		return;
	}
	if (net__reachable(w, node, h->server)) {
		h_close(w, node, slot, "reset (its server restarted)");
		return;
	}
	h->pinging = true;
	WTRACE(w, TRACE_CONN, node, h->server, "%s: %s connection to %s: "
	       "nothing read for %.0fs: HTTP/2 ping", frame__name(w, node),
	       hc_names[slot], frame__name(w, h->server),
	       sim_time_to_s(now - h->last_frame));
	h->idle = sim_after(w->sim, w->kp->http2_ping_timeout, h_idle, w, arg);
}

static void h_close_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot;
	struct held *h = held_of(w, arg, &node, &slot);

	(void)s;
	if (h)
		h_close(w, node, slot, "closed by its LB");
}

/* The policy closed @node's connections to @server (K3s closeAll when a
 * server FAILED, or the ACTIVE contest): the client hears it from an
 * event at the same time. */
static void held_close_hook(struct world *w, int node, int kind, int server)
{
	struct agent *a = &w->sessions->a[node];
	int slot;

	if (kind != LB_SUPERVISOR || !a->on)
		return;
	for (slot = 0; slot < HC_N; slot++) {
		struct held *h = &a->h[slot];

		if (h->counted && h->server == server)
			sim_after(w->sim, 0, h_close_event, w,
				  arg3(node, slot, h->gen));
	}
}

/* ---- requests ---- */

static void req_done(struct world *w, struct call *c, result res);
static void req_timeout(sim *s, void *ctx, uint64_t arg);

static void req_send(struct world *w, int node, int rq)
{
	struct agent *a = &w->sessions->a[node];
	struct req *r = &a->r[rq];
	struct held *h = &a->h[rq_conn[rq]];
	sim_time left = r->timeout ? r->started + r->timeout - sim_now(w->sim)
				   : 0;

	if (h->state == H_NONE) {
		h_open(w, node, rq_conn[rq]);
		return;
	}
	if (h->state != H_OPEN || (r->timeout && left <= 0))
		return;		/* waits for it, or its timer ends it */
	r->sent = true;
	r->server = h->server;
	if (w->rec->fo_happened && nodectl__counted(w, node))
		rec_of(w, node)->fo_requests++;
	client__send(w, node, h->server, h->rtt, rq_ep[rq], left, req_done,
		     arg3(node, rq, r->seq));
}

static void req_start(struct world *w, int node, int rq, sim_time timeout)
{
	struct req *r = &w->sessions->a[node].r[rq];

	sim_cancel(w->sim, r->timer);
	r->timer = SIM_TIMER_NONE;
	r->pending = true;
	r->sent = false;
	r->seq++;
	r->started = sim_now(w->sim);
	r->timeout = timeout;
	if (timeout > 0)
		r->timer = sim_after(w->sim, timeout, req_timeout, w,
				     arg3(node, rq, r->seq));
	req_send(w, node, rq);
}

static void req_timeout(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, rq;
	struct req *r = req_of(w, arg, &node, &rq);

	(void)s;
	if (!r || !r->pending)
		return;
	r->timer = SIM_TIMER_NONE;
	req_end(w, node, rq, RES_TIMEOUT);
}

static void req_done(struct world *w, struct call *c, result res)
{
	int node, rq;
	struct req *r = req_of(w, c->tag, &node, &rq);
	struct held *h;

	if (!r || !r->pending)
		return;
	h = &w->sessions->a[node].h[rq_conn[rq]];
	if (res == RES_TIMEOUT) {
		/* without a timeout of its own the client cannot know the
		 * answer is lost: it waits for the health check */
		if (r->timeout > 0)
			req_end(w, node, rq, res);
		return;
	}
	if (h->state == H_OPEN && h->server == c->server)
		h->last_frame = sim_now(w->sim);
	if (res != RES_OK && !server__listening(w, c->server, PORT_SUPERVISOR) &&
	    h->state == H_OPEN && h->server == c->server) {
		h_close(w, node, rq_conn[rq], "reset (its server stopped)");
		return;
	}
	req_end(w, node, rq, res);
}

/* ---- the loops ---- */

static void next_round(sim *s, void *ctx, uint64_t arg);

static void later(struct world *w, int node, int rq, sim_time delay)
{
	struct req *r = &w->sessions->a[node].r[rq];

	r->timer = sim_after(w->sim, delay, next_round, w,
			     arg3(node, rq, r->seq));
}

static void lease_update(struct world *w, int node)
{
	w->sessions->a[node].lease_get = false;
	req_start(w, node, RQ_LEASE, w->kp->lease_request_timeout);
}

static void lease_get(struct world *w, int node)
{
	w->sessions->a[node].lease_get = true;
	req_start(w, node, RQ_LEASE, w->kp->lease_request_timeout);
}

static sim_time renew_period(struct world *w, int node)
{
	return w->kp->lease_renew_interval +
	       draw(w, node, w->kp->lease_renew_jitter);
}

/* component-helpers lease/controller.go sync(): up to 5 updates; then
 * backoffEnsureLease (GETs, backing off) and up to 5 updates again; then
 * the next period. */
static void lease_result(struct world *w, int node, result res, int server)
{
	struct agent *a = &w->sessions->a[node];
	sim_time now = sim_now(w->sim);

	if (res != RES_OK) {
		if (nodectl__counted(w, node))
			rec_of(w, node)->fo_failed_renewals++;
		WTRACE(w, TRACE_LEASE, node, server, "%s: lease %s %s (%s); "
		       "last renewal %.1fs ago", frame__name(w, node),
		       a->lease_get ? "GET" : "update",
		       server >= 0 ? "failed" : "failed before a connection",
		       result_names[res],
		       sim_time_to_s(now - a->last_renewal));
	}
	if (a->lease_get) {
		if (res == RES_OK) {
			a->ensuring = false;
			a->after_ensure = true;
			a->lease_tries = 0;
			lease_update(w, node);
			return;
		}
		a->backoff = MIN(2 * a->backoff, w->kp->lease_backoff_max);
		later(w, node, RQ_LEASE, a->backoff);
		return;
	}
	if (res == RES_OK) {
		if (now - a->last_renewal > 2 * w->kp->lease_renew_interval)
			WTRACE(w, TRACE_LEASE, node, server, "%s: lease renewed "
			       "through %s, %.1fs after the last renewal",
			       frame__name(w, node), frame__name(w, server),
			       sim_time_to_s(now - a->last_renewal));
		a->last_renewal = now;
		a->after_ensure = false;
		nodectl__renewed(w, node);
		later(w, node, RQ_LEASE, renew_period(w, node));
		return;
	}
	if (++a->lease_tries < LEASE_UPDATE_TRIES) {
		lease_update(w, node);
		return;
	}
	if (a->after_ensure) {
		a->after_ensure = false;
		later(w, node, RQ_LEASE, renew_period(w, node));
		return;
	}
	a->ensuring = true;
	a->backoff = w->kp->lease_backoff_initial;
	lease_get(w, node);
}

static void lease_sync(struct world *w, int node)
{
	struct agent *a = &w->sessions->a[node];

	a->lease_tries = 0;
	a->ensuring = a->after_ensure = false;
	lease_update(w, node);
}

static void status_start(struct world *w, int node)
{
	req_start(w, node, RQ_STATUS, w->kp->lease_request_timeout);
}

static void next_round(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, rq;
	struct req *r = req_of(w, arg, &node, &rq);

	(void)s;
	if (!r || r->pending)
		return;
	r->timer = SIM_TIMER_NONE;
	switch (rq) {
	case RQ_LEASE:
		if (w->sessions->a[node].ensuring)
			lease_get(w, node);
		else
			lease_sync(w, node);
		break;
	case RQ_STATUS:
		status_start(w, node);
		break;
	default:
		req_start(w, node, rq, 0);	/* a watch re-lists */
		break;
	}
}

/* The first kubelet request begun after a cut and answered: back (from
 * another server, or from the cut one restarted or reachable again); the
 * record keeps the longest time back. */
static void note_success(struct world *w, int node, int server,
			 sim_time started)
{
	struct node_record *nr = rec_of(w, node);
	struct agent *a = &w->sessions->a[node];
	sim_time t = sim_now(w->sim) - a->cut_at;

	/* The rule for a request begun at the cut's very instant: it counts
	 * as begun after the cut, whichever of the two same-instant events
	 * ran first, as the test compares their instants, never their order
	 * (test_failover.c test_tie_request_at_cut). It is safe to count:
	 * such a request went on the cut connection (open or in TLS, or it
	 * would be no cut), and its answer comes only if the path came back
	 * first (client.c checks it on arrival and on the answer; a closed
	 * connection fails its requests), so an answer shows the agent back. */
	if (!a->cut_open || started < a->cut_at)
		return;
	a->cut_open = false;
	nr->fo_back = true;
	nr->fo_back_time = MAX(nr->fo_back_time, t);
	WTRACE(w, TRACE_CONN, node, server, "%s: API back through %s, %.1fs "
	       "after the failure%s", frame__name(w, node),
	       frame__name(w, server), sim_time_to_s(t),
	       server == a->cut_from ? " (the server it was cut from)" : "");
}

static void req_end(struct world *w, int node, int rq, result res)
{
	struct req *r = &w->sessions->a[node].r[rq];
	int server = r->sent ? r->server : -1;
	bool was_watching = r->watching;

	r->pending = false;
	r->seq++;		/* answers still coming are late */
	sim_cancel(w->sim, r->timer);
	r->timer = SIM_TIMER_NONE;
	if (res == RES_OK && rq_conn[rq] == HC_KUBELET)
		note_success(w, node, server, r->started);
	switch (rq) {
	case RQ_LEASE:
		lease_result(w, node, res, server);
		break;
	case RQ_STATUS:
		later(w, node, rq, w->kp->node_status_interval +
		      draw(w, node, w->kp->lease_renew_jitter));
		break;
	default:
		/* a watch: listed, it stays open until its connection
		 * breaks; then, or when the list failed, it re-lists */
		if (res == RES_OK && !was_watching) {
			r->watching = true;
			/* the k3s agent's watch is of the EndpointSlice */
			if (rq == RQ_AGENT_WATCH)
				endpoints__watching(w, node, server,
					w->sessions->a[node].h[HC_AGENT].rtt);
		} else
			later(w, node, rq, w->kp->watch_retry);
		break;
	}
}

/* ---- lifecycle ---- */

static void start_clients(struct world *w, int node, bool boot)
{
	struct agent *a = &w->sessions->a[node];
	int i;

	for (i = 0; i < HC_N; i++) {
		uint32_t gen = a->h[i].gen + 1;

		a->h[i] = (struct held){ .gen = gen, .server = -1,
			.timer = SIM_TIMER_NONE, .idle = SIM_TIMER_NONE };
	}
	for (i = 0; i < RQ_N; i++) {
		uint32_t seq = a->r[i].seq + 1;

		a->r[i] = (struct req){ .seq = seq, .server = -1,
					.timer = SIM_TIMER_NONE };
	}
	a->on = true;
	a->cut_from = -1;
	a->last_renewal = sim_now(w->sim);
	a->lease_tries = 0;
	a->lease_get = a->ensuring = a->after_ensure = false;
	/* at the start of a run the agent has been running a while: its
	 * periods are in any phase */
	later(w, node, RQ_LEASE, boot ? draw(w, node,
			w->kp->lease_renew_interval) : 0);
	later(w, node, RQ_STATUS, boot ? draw(w, node,
			w->kp->node_status_interval) : 0);
	/* ... and so are its watches' HTTP/2 health checks (the list
	 * starts them; no watch event is modelled) */
	later(w, node, RQ_PROXY_WATCH, boot ? draw(w, node,
			w->kp->http2_read_idle_timeout) : 0);
	later(w, node, RQ_AGENT_WATCH, boot ? draw(w, node,
			w->kp->http2_read_idle_timeout) : 0);
}

void session__reset(struct world *w)
{
	int id;

	for (id = 0; id < w->n; id++)
		w->sessions->a[id].on = w->sessions->a[id].cut_open = false;
	if (!w->cfg->failover)
		return;
	for (id = 0; id < w->n; id++) {
		if (w->cfg->nodes[id].role != ROLE_AGENT ||
		    !node__running(w, id))
			continue;
		/* Ready before the run: it has had its apiserver list and
		 * its tunnels since (K3S-MODEL 6.5) */
		lb__start_settled(w, id, LB_SUPERVISOR);
		/* it has been running: its health loop is in any phase (and
		 * so its ticks do not fall on the failures' whole seconds) */
		lb__health_phase(w, id, LB_SUPERVISOR, w->kp->health_check_interval -
				 draw(w, id, w->kp->health_check_interval));
		start_clients(w, id, true);
	}
}

void session__ready(struct world *w, int node)
{
	if (w->cfg->failover && w->cfg->nodes[node].role == ROLE_AGENT &&
	    lb__of(w, node, LB_SUPERVISOR))
		start_clients(w, node, false);
}

static void drop_cut(struct world *w, int node);

void session__stopped(struct world *w, int node)
{
	struct agent *a = &w->sessions->a[node];
	struct lb *lb = lb__of(w, node, LB_SUPERVISOR);
	int i;

	if (!a->on)
		return;
	drop_cut(w, node);
	a->on = false;
	endpoints__unwatched(w, node);
	for (i = 0; i < HC_N; i++) {
		struct held *h = &a->h[i];

		if (h->counted && lb)
			lb__conn_closed(w, lb, h->server);
		sim_cancel(w->sim, h->timer);
		sim_cancel(w->sim, h->idle);
		h->counted = false;
		h->state = H_NONE;
		h->gen++;
	}
	for (i = 0; i < RQ_N; i++) {
		sim_cancel(w->sim, a->r[i].timer);
		a->r[i].pending = a->r[i].watching = false;
		a->r[i].seq++;
	}
}

static void h_eof(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int node, slot;
	struct held *h = held_of(w, arg, &node, &slot);

	(void)s;
	if (h)
		h_close(w, node, slot, "EOF (its server stopped)");
}

/* Whether @node's connection @h is open to a server it cannot use now
 * (a dial under way is the reconnect, not a cut). */
static bool cut(const struct world *w, int node, const struct held *h)
{
	return (h->state == H_TLS || h->state == H_OPEN) && h->server >= 0 &&
	       (!net__reachable(w, node, h->server) ||
		!server__listening(w, h->server, PORT_SUPERVISOR));
}

/* @node's open cut no longer counts (a failure acts on the node itself:
 * nodectl__counted()): it leaves the affected unless an earlier cut of
 * it ended. */
static void drop_cut(struct world *w, int node)
{
	struct agent *a = &w->sessions->a[node];
	struct node_record *nr = rec_of(w, node);

	if (!a->cut_open)
		return;
	a->cut_open = false;
	nr->fo_back = a->back_before;
	nr->fo_affected = a->back_before;
	WTRACE(w, TRACE_NOTE, node, -1, "%s: a failure acts on it: its open "
	       "cut leaves the failover figures", frame__name(w, node));
}

/* A change cut counted agents' kubelets off: each of them is affected
 * from now (unless a cut of it is already open); the first such cut of
 * the run is the failover's start. */
static void note_cuts(struct world *w)
{
	int id, n = 0;

	for (id = 0; id < w->n; id++) {
		struct agent *a = &w->sessions->a[id];
		struct node_record *nr = rec_of(w, id);

		if (!a->on)
			continue;
		if (!nodectl__counted(w, id)) {
			drop_cut(w, id);
			continue;
		}
		if (a->cut_open || !cut(w, id, &a->h[HC_KUBELET]))
			continue;
		n++;
		a->cut_open = true;
		a->cut_at = sim_now(w->sim);
		a->cut_from = a->h[HC_KUBELET].server;
		a->back_before = nr->fo_back;
		nr->fo_affected = true;
		nr->fo_back = false;
		nr->fo_cut_at = a->cut_at;
	}
	if (n == 0)
		return;
	if (!w->rec->fo_happened) {
		w->rec->fo_happened = true;
		w->rec->fo_at = sim_now(w->sim);
	}
	WTRACE(w, TRACE_NOTE, -1, -1, "failover: %d agent%s' kubelet cut off",
	       n, n == 1 ? "" : "s");
}

void session__changed(struct world *w, int server)
{
	int id, slot;

	if (!w->cfg->failover)
		return;
	if (server >= 0) {
		/* a stopped process on a host that answers: EOF */
		for (id = 0; id < w->n; id++) {
			struct agent *a = &w->sessions->a[id];

			for (slot = 0; slot < HC_N && a->on; slot++) {
				struct held *h = &a->h[slot];

				if ((h->state == H_TLS || h->state == H_OPEN) &&
				    h->server == server &&
				    net__reachable(w, id, server) &&
				    !server__listening(w, server,
						       PORT_SUPERVISOR))
					sim_after(w->sim, h->rtt / 2, h_eof, w,
						  arg3(id, slot, h->gen));
			}
		}
	}
	note_cuts(w);
}
