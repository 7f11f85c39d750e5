/* The client's side of a call: dials, passes, answers, timeouts, hedging
 * (client.h). */
#include "client.h"
#include "lb.h"
#include "net.h"
#include "node.h"
#include "server.h"

/*
 * Ties broken on purpose (sim/engine.h classes; README "Simultaneous
 * events"):
 *  - network results (dial outcomes, arrivals, answers, resets) are
 *    SIM_CLASS_NET and run before timers (client timeouts, backoffs,
 *    hedges, pass starts) at the same instant;
 *  - a pass through an LB starts LB_ACCEPT_DELAY after the request, as
 *    K3s's LB dials only once it has accepted the client's loopback
 *    connection: with a client timeout equal to the LB's dial timeout
 *    (http_timeout = dial_timeout = 10 s) the client gives up first, and
 *    the LB's dial outcome comes a after it;
 *  - a direct dial bounded by the client timeout ends at that same
 *    instant: its outcome (NET) runs first and ends the call with the
 *    timeout the client timer would have given.
 */

/* The client still runs the incarnation that started @c. */
static bool live(const struct world *w, const struct call *c)
{
	return node__live(w, c->node, c->inc);
}

/* @c's running LB while its client lives, else NULL. */
static struct lb *lb_of_call(struct world *w, const struct call *c)
{
	return c->lb >= 0 && live(w, c) ? lb__of(w, c->node, c->lb) : NULL;
}

static void close_conn(struct world *w, struct call *c)
{
	struct lb *lb;

	if (!c->connected)
		return;
	c->connected = false;
	lb = lb_of_call(w, c);
	if (lb)
		lb__conn_closed(w, lb, c->server);
}

/* Ends @c for its client (once) and frees it unless an event of its own
 * is still due (then that event frees it). */
static void finish(struct world *w, struct call *c, result r, bool free_now)
{
	struct call *p = call__partner(w, c);

	if (!c->abandoned && r != RES_OK && p && !p->abandoned &&
	    c->ep != EP_CACERTS_PROBE) {
		/* one of a hedged pair failed: the other may still answer
		 * (a probe's failed TLS check is the answer it expects) */
		c->abandoned = true;
		sim_cancel(w->sim, c->client_timer);
		c->client_timer = SIM_TIMER_NONE;
		sim_cancel(w->sim, c->hedge_timer);
		c->hedge_timer = SIM_TIMER_NONE;
		c->partner_gen = p->partner_gen = 0;
		if (free_now) {
			close_conn(w, c);
			call__free(w, c);
		}
		return;
	}
	if (!c->abandoned) {
		c->abandoned = true;
		sim_cancel(w->sim, c->client_timer);
		c->client_timer = SIM_TIMER_NONE;
		sim_cancel(w->sim, c->hedge_timer);
		c->hedge_timer = SIM_TIMER_NONE;
		/* the first answer of a hedged pair wins: the other is
		 * dropped (its pending event frees it, or it goes now) */
		if (p && !p->abandoned) {
			p->abandoned = true;
			sim_cancel(w->sim, p->client_timer);
			p->client_timer = SIM_TIMER_NONE;
			sim_cancel(w->sim, p->hedge_timer);
			p->hedge_timer = SIM_TIMER_NONE;
			close_conn(w, p);
			if (p->dial_timer == SIM_TIMER_NONE && !p->at_server)
				call__free(w, p);
		}
		if (live(w, c)) {
			if (!c->quiet)
				WTRACE(w, r == RES_OK ? TRACE_ANSWER
						      : TRACE_ANSWER_FAILED,
				       c->node, c->host, "%s: %s from %s: %s",
				       frame__name(w, c->node),
				       endpoint_names[c->ep],
				       c->server >= 0
					       ? frame__name(w, c->server) : "-",
				       result_names[r]);
			c->done(w, c, r);
		}
	}
	if (free_now) {
		close_conn(w, c);
		call__free(w, c);
	}
}

/* ---- dials ---- */

static void dial_outcome(sim *s, void *ctx, uint64_t arg);

/* A call has one pending event at a time; its outcome waits in c->res. */
static void schedule_dial(struct world *w, struct call *c, sim_time delay,
			  result r)
{
	c->res = r;
	c->dial_timer = sim_after_class(w->sim, delay, SIM_CLASS_NET,
					dial_outcome, w, call__arg(c));
}

static void hedge(sim *s, void *ctx, uint64_t arg);

static void start_dial(struct world *w, struct call *c, int server)
{
	struct lb *lb = lb_of_call(w, c);
	sim_time timeout = lb ? lb__connect_timeout(w, lb, server)
		: (c->timeout ? c->timeout : w->pp->dial_timeout);
	sim_time delay;
	int host = frame__host(w, server);

	c->server = server;
	c->host = host;
	c->dial_started = sim_now(w->sim);
	c->pass_dials++;
	if (lb && c->ep != EP_N && !c->partner_gen) {
		/* Happy Eyeballs: each new dial re-arms the timer */
		sim_time st = lb__dial_stagger(w, lb);

		if (st >= 0) {
			sim_cancel(w->sim, c->hedge_timer);
			c->hedge_timer = sim_after(w->sim, st, hedge, w,
						   call__arg(c));
		}
	}
	if (!c->quiet)
		w->rec->nodes[c->node].dials++;
	if (!c->quiet)
		WTRACE(w, TRACE_DIAL, c->node, host, "%s: dial %s%s (%s)",
		       frame__name(w, c->node), frame__name(w, server),
		       c->port == PORT_ETCD ? ":2379" : "",
		       c->lb == LB_ETCD ? "etcd LB" :
		       c->lb == LB_SUPERVISOR ? "supervisor LB" : "direct");
	if (!net__reachable(w, c->node, host)) {
		schedule_dial(w, c, timeout, RES_TIMEOUT);
		return;
	}
	c->rtt = net__rtt(w, c->node, host);
	if (!server__listening(w, host, c->port)) {
		schedule_dial(w, c, c->rtt, RES_REFUSED);
		return;
	}
	delay = net__syn_delay(w, c->node, host, c->rtt, timeout);
	if (delay < 0)
		schedule_dial(w, c, timeout, RES_TIMEOUT);
	else
		schedule_dial(w, c, delay + c->rtt, RES_OK);
}

static void arrive(sim *s, void *ctx, uint64_t arg);
static void new_pass(sim *s, void *ctx, uint64_t arg);

/*
 * A dial pass failed: a policy with pass_delay may start another after a
 * backoff, if the retry budget (when enabled) has a token. Returns whether
 * it will.
 */
static bool new_pass_later(struct world *w, struct call *c, struct lb *lb)
{
	sim_time d = lb__pass_delay(w, lb, ++c->passes);

	/* a pass that dialed nobody, again at once, would never end */
	if (d < 0 || (d == 0 && c->pass_dials == 0))
		return false;
	c->pass_dials = 0;
	if (!lb__retry_spend(w, lb)) {
		if (!c->quiet)
			WTRACE(w, TRACE_NOTE, c->node, -1, "%s: retry budget "
			       "spent: no pass %d", frame__name(w, c->node),
			       c->passes + 1);
		return false;
	}
	if (!c->quiet)
		WTRACE(w, TRACE_NOTE, c->node, -1, "%s: pass %d failed; "
		       "another in %.3fs", frame__name(w, c->node), c->passes,
		       sim_time_to_s(d));
	c->dial_timer = sim_after(w->sim, d, new_pass, w, call__arg(c));
	return true;
}

/*
 * The start of a dial pass, which @arg's timer began (new_pass(),
 * pass_start()): NULL when the call is gone, or was abandoned or lost its
 * LB (then finished here, refused); else the call, with its LB in *@lb and
 * the pass's first server in *@first (-1: none to dial).
 */
static struct call *pass_open(struct world *w, uint64_t arg, struct lb **lb,
			      int *first)
{
	struct call *c = call__from_arg(w, arg);

	if (!c)
		return NULL;
	c->dial_timer = SIM_TIMER_NONE;
	*lb = lb_of_call(w, c);
	if (c->abandoned || !*lb) {
		finish(w, c, RES_REFUSED, true);
		return NULL;
	}
	c->pass_started = sim_now(w->sim);
	*first = lb__first(w, *lb, &c->pass);
	return c;
}

static void new_pass(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct lb *lb;
	int first;
	struct call *c = pass_open(w, arg, &lb, &first);

	(void)s;
	if (!c)
		return;
	if (first >= 0)
		start_dial(w, c, first);
	else if (!new_pass_later(w, c, lb))
		finish(w, c, RES_REFUSED, true);
}

/* Happy Eyeballs: @c connected first; its timer stops and a partner
 * still dialing is dropped (its pending event frees it). */
static void stagger_won(struct world *w, struct call *c)
{
	struct call *p = call__partner(w, c);

	sim_cancel(w->sim, c->hedge_timer);
	c->hedge_timer = SIM_TIMER_NONE;
	if (!p || p->abandoned || p->connected)
		return;
	p->abandoned = true;
	sim_cancel(w->sim, p->client_timer);
	p->client_timer = SIM_TIMER_NONE;
	sim_cancel(w->sim, p->hedge_timer);
	p->hedge_timer = SIM_TIMER_NONE;
	c->partner_gen = p->partner_gen = 0;
}

/* The pass's deadline (K3S-MODEL 6.12) has passed: it ends after this
 * failed dial. */
static bool pass_spent(struct world *w, const struct call *c)
{
	sim_time d = lb__pass_deadline(w);

	return d > 0 && sim_now(w->sim) - c->pass_started >= d;
}

static void dial_outcome(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);
	result r;
	struct lb *lb;
	struct node_record *nr;

	(void)s;
	if (!c)
		return;
	c->dial_timer = SIM_TIMER_NONE;
	r = c->res;
	nr = &w->rec->nodes[c->node];
	if (r != RES_OK && !c->quiet)
		nr->failed_dials++;
	if (r == RES_TIMEOUT && !c->quiet && !c->abandoned) {
		/* time the client spent on a black hole, even when the pass
		 * goes on to a server that answers */
		sim_time t = sim_now(w->sim) - c->dial_started;

		nr->timeout_wait += t;
		c->waited += t;
	}
	/* a direct dial its client gave up on ends unseen (an LB's dial
	 * goes on, and its outcome matters to the LB) */
	if (!c->quiet && !(c->abandoned && c->lb < 0))
		WTRACE(w, r == RES_OK ? TRACE_DIAL_OK : r == RES_REFUSED
		       ? TRACE_DIAL_REFUSED : TRACE_DIAL_TIMEOUT, c->node,
		       c->host, "%s: dial %s %s", frame__name(w, c->node),
		       frame__name(w, c->server), result_names[r]);
	lb = lb_of_call(w, c);
	if (lb) {
		/* a request's connection counts as open from here (the
		 * policy may close it from inside lb__dialed) */
		if (r == RES_OK && c->ep != EP_N)
			c->connected = true;
		lb__dialed(w, lb, c->server, r == RES_OK, c->ep != EP_N);
		lb = lb_of_call(w, c);
		if (lb && r != RES_OK && c->ep != EP_N)
			lb__dial_failed(w, lb, c->server,
					sim_now(w->sim) - c->dial_started);
	}
	if (!live(w, c)) {
		call__free(w, c);
		return;
	}
	if (r != RES_OK) {
		int next = -1;

		lb = lb_of_call(w, c);	/* the policy may have run callbacks */
		if (lb && !pass_spent(w, c))
			next = c->abandoned && !lb__ignores_cancel(w)
			       ? -1 : lb__next(w, lb, &c->pass);
		if (next >= 0) {
			start_dial(w, c, next);
			return;
		}
		if (lb && !c->abandoned && new_pass_later(w, c, lb))
			return;
		finish(w, c, r, true);
		return;
	}
	/* connected */
	if (c->ep == EP_N) {		/* a plain dial: done */
		finish(w, c, RES_OK, true);
		return;
	}
	if (c->abandoned) {
		close_conn(w, c);
		call__free(w, c);
		return;
	}
	c->sent = sim_now(w->sim);
	lb = lb_of_call(w, c);
	if (lb && lb__dial_stagger(w, lb) >= 0)
		stagger_won(w, c);
	c->dial_timer = sim_after_class(w->sim,
		(sim_time)w->cfg->network.tls_round_trips * c->rtt + c->rtt / 2,
		SIM_CLASS_NET, arrive, w, call__arg(c));
}

/* ---- at the server and back ---- */

static void respond(sim *s, void *ctx, uint64_t arg);

/* Sends the answer back: it arrives after half an RTT if the path holds. */
static void send_answer(struct world *w, struct call *c, result r)
{
	c->at_server = false;
	if (!net__reachable(w, c->node, c->host)) {
		/* lost: the client times out */
		if (c->abandoned || !live(w, c) || c->timeout == 0)
			finish(w, c, RES_TIMEOUT, true);
		else
			c->dial_timer = SIM_TIMER_NONE; /* waits for its timer */
		return;
	}
	c->res = r;
	c->dial_timer = sim_after_class(w->sim, c->rtt / 2, SIM_CLASS_NET,
					respond, w, call__arg(c));
}

/* The server is done with @c (server.h's leave hook). */
static void leave(struct world *w, struct call *c, result r)
{
	if (c->abandoned || !live(w, c)) {
		c->at_server = false;
		close_conn(w, c);
		call__free(w, c);
	} else {
		send_answer(w, c, r);
	}
}

static bool tls_done(struct world *w, struct call *c);

static void arrive(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);

	(void)s;
	if (!c)
		return;
	c->dial_timer = SIM_TIMER_NONE;
	if (c->abandoned || !live(w, c)) {
		close_conn(w, c);
		call__free(w, c);
		return;
	}
	if (tls_done(w, c))
		return;
	if (!net__reachable(w, c->node, c->host)) {
		c->at_server = false;	/* lost on the way: the timer ends it */
		if (c->timeout == 0)
			finish(w, c, RES_TIMEOUT, true);
		return;
	}
	if (!server__listening(w, c->host, c->port)) {
		send_answer(w, c, RES_REFUSED);	/* RST */
		return;
	}
	if (!c->quiet)
		w->rec->nodes[c->node].requests++;
	if (!server__take(w, c))
		send_answer(w, c, RES_REFUSED);	/* 503: queue full */
}

static void client_timeout(sim *s, void *ctx, uint64_t arg);

/*
 * The connection and its TLS handshake are up (the request is at the
 * server): a blocking connect is done, and the request's own timeout
 * starts now (K3S-MODEL 6.1); a /cacerts probe with the system CAs ends
 * here, its handshake failing to verify the cluster's certificate (6.10).
 * Returns whether @c ended.
 */
static bool tls_done(struct world *w, struct call *c)
{
	if (c->connecting) {
		c->connecting = false;
		sim_cancel(w->sim, c->client_timer);
		c->timeout = c->request_timeout;
		c->client_timer = sim_after(w->sim, c->timeout, client_timeout,
					    w, call__arg(c));
	}
	if (c->ep != EP_CACERTS_PROBE)
		return false;
	finish(w, c, RES_REFUSED, true);
	return true;
}

static void respond(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);
	struct lb *lb;

	(void)s;
	if (!c)
		return;
	c->dial_timer = SIM_TIMER_NONE;
	lb = lb_of_call(w, c);
	if (lb && !c->abandoned) {
		struct lb_feedback fb = {
			.latency = sim_now(w->sim) - c->sent,
			.service = c->service,
			.queue = c->queue,
			.ok = c->res == RES_OK,
			.connect = c->sent - c->dial_started,
		};

		close_conn(w, c);	/* observed once the connection ends */
		lb__answered(w, lb, c->server, &fb);
	}
	finish(w, c, c->res, true);
}

/* No answer after the hedging delay (from the request's start, tower
 * hedge/delay.rs), or no connection after the Happy Eyeballs delay: a
 * second request goes to the next server of the pass; the first answer
 * wins. */
static void hedge(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);
	struct call *h;
	struct lb *lb;
	int next;
	bool stagger;

	(void)s;
	if (!c)
		return;
	c->hedge_timer = SIM_TIMER_NONE;
	lb = lb_of_call(w, c);
	stagger = lb && lb__dial_stagger(w, lb) >= 0;
	if (c->abandoned || !lb || c->partner_gen ||
	    (stagger && c->connected))
		return;
	/* the next server of the primary's pass: its cursor moves past it
	 * (tower hedge/select.rs: the copies do not pick the same server) */
	next = lb__next(w, lb, &c->pass);
	if (next < 0)
		return;
	h = call__new(w, c->node, node__inc(w, c->node), c->done, c->tag);
	h->lb = c->lb;
	h->ep = c->ep;
	h->port = c->port;
	h->quiet = c->quiet;
	h->pass = c->pass;
	h->pass_started = c->pass_started;
	h->started = c->started;
	h->timeout = c->timeout;
	c->partner = h->index;
	c->partner_gen = h->gen;
	h->partner = c->index;
	h->partner_gen = c->gen;
	if (h->timeout > 0)
		h->client_timer = sim_after(w->sim,
			MAX(0, h->started + h->timeout - sim_now(w->sim)),
			client_timeout, w, call__arg(h));
	if (!h->quiet)
		WTRACE(w, TRACE_NOTE, h->node, next, "%s: no %s from %s "
		       "yet: %s to %s", frame__name(w, h->node),
		       stagger ? "connection" : "answer",
		       frame__name(w, c->server),
		       stagger ? "happy eyeballs" : "hedging",
		       frame__name(w, next));
	start_dial(w, h, next);
}

/* ---- the client's side ---- */

static void client_timeout(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);
	bool idle;

	(void)s;
	if (!c)
		return;
	c->client_timer = SIM_TIMER_NONE;
	if (c->connecting && !c->quiet) {
		bool dialing = c->dial_timer != SIM_TIMER_NONE && !c->connected;

		WTRACE(w, TRACE_NOTE, c->node, c->server, "%s: etcd client gave "
		       "up after %gs%s%s%s", frame__name(w, c->node),
		       sim_time_to_s(c->timeout),
		       dialing ? " (etcd LB still dialing " : "",
		       dialing ? frame__name(w, c->server) : "",
		       dialing ? ")" : "");
	}
	/* dial timeouts inside it are counted already; of a hedged pair,
	 * the last one standing counts the wait */
	if (!c->quiet && !call__partner(w, c))
		w->rec->nodes[c->node].timeout_wait +=
			sim_now(w->sim) - c->started - c->waited;
	/* the client closes its connection (through the LB too: the proxy
	 * closes when its client does); a call with no event of its own
	 * (its answer was lost) ends here, others at their next event */
	close_conn(w, c);
	idle = c->dial_timer == SIM_TIMER_NONE && !c->at_server;
	finish(w, c, RES_TIMEOUT, idle);
}

/* The LB accepted the client's connection (LB_ACCEPT_DELAY after the
 * request): its first pass starts. */
static void pass_start(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct lb *lb;
	int first;
	struct call *c = pass_open(w, arg, &lb, &first);

	(void)s;
	if (!c)
		return;
	if (first < 0) {
		finish(w, c, RES_REFUSED, true);
		return;
	}
	if (c->ep != EP_N) {
		/* the hedge timer starts with the request (tower
		 * hedge/delay.rs), not once connected: here, a after it */
		sim_time h = lb__hedge_delay(w, lb);

		if (h >= 0)
			c->hedge_timer = sim_after(w->sim, h, hedge, w,
						   call__arg(c));
	}
	start_dial(w, c, first);
}

static void begin(struct world *w, struct call *c, sim_time timeout)
{
	c->timeout = timeout;
	if (timeout > 0)
		c->client_timer = sim_after(w->sim, timeout, client_timeout, w,
					    call__arg(c));
	if (c->lb >= 0) {
		SIM_ASSERT(lb__of(w, c->node, c->lb) != NULL);
		c->dial_timer = sim_after(w->sim, LB_ACCEPT_DELAY, pass_start, w,
					  call__arg(c));
	} else {
		start_dial(w, c, c->server);
	}
}

void client__request(struct world *w, int node, int lb, int server,
		    endpoint ep, sim_time timeout, bool quiet,
		    call_done_fn done, uint64_t tag)
{
	struct call *c = call__new(w, node, node__inc(w, node), done, tag);

	c->quiet = quiet;
	c->lb = lb;
	c->server = server;
	c->host = server >= 0 ? frame__host(w, server) : -1;
	c->ep = ep;
	c->port = (ep == EP_ETCD_BOOTSTRAP || ep == EP_ETCD_HEALTH ||
		   ep == EP_PING || ep == EP_MEMBER_LIST) ? PORT_ETCD : PORT_SUPERVISOR;
	if (!quiet)
		WTRACE(w, TRACE_REQUEST, node, server, "%s: request %s via %s",
		       frame__name(w, node), endpoint_names[ep],
		       lb == LB_ETCD ? "etcd LB" :
		       lb == LB_SUPERVISOR ? "supervisor LB"
					   : frame__name(w, server));
	begin(w, c, timeout);
}

void client__request_blocking(struct world *w, int node, int lb,
			      endpoint ep, sim_time connect_timeout,
			      sim_time timeout, call_done_fn done,
			      uint64_t tag)
{
	struct call *c = call__new(w, node, node__inc(w, node), done, tag);

	SIM_ASSERT(lb >= 0 && connect_timeout > 0 && timeout > 0);
	c->lb = lb;
	c->server = -1;
	c->ep = ep;
	c->port = PORT_ETCD;
	c->connecting = true;
	c->request_timeout = timeout;
	WTRACE(w, TRACE_REQUEST, node, -1, "%s: request %s via %s (etcd "
	       "client: connect within %gs)", frame__name(w, node),
	       endpoint_names[ep], lb == LB_ETCD ? "etcd LB" : "supervisor LB",
	       sim_time_to_s(connect_timeout));
	begin(w, c, connect_timeout);
}

void client__dial(struct world *w, int node, int server, port p,
		 sim_time timeout, bool quiet, call_done_fn done,
		 uint64_t tag)
{
	struct call *c = call__new(w, node, node__inc(w, node), done, tag);

	c->quiet = quiet;
	c->server = server;
	c->host = frame__host(w, server);
	c->ep = EP_N;		/* no request */
	c->port = p;
	begin(w, c, timeout);
}

void client__send(struct world *w, int node, int server, sim_time rtt,
		 endpoint ep, sim_time timeout, call_done_fn done,
		 uint64_t tag)
{
	struct call *c = call__new(w, node, node__inc(w, node), done, tag);

	c->quiet = true;
	c->server = server;
	c->host = frame__host(w, server);
	c->ep = ep;
	c->port = PORT_SUPERVISOR;
	c->rtt = rtt;
	c->sent = c->dial_started = sim_now(w->sim);
	c->timeout = timeout;
	if (timeout > 0)
		c->client_timer = sim_after(w->sim, timeout, client_timeout, w,
					    call__arg(c));
	c->dial_timer = sim_after(w->sim, rtt / 2, arrive, w, call__arg(c));
}

static void reset(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);

	(void)s;
	if (c && !c->abandoned) {
		/* freed here when no event of its own is due (its answer was
		 * lost and only the client timer, cancelled now, was left) */
		finish(w, c, RES_REFUSED,
		       c->dial_timer == SIM_TIMER_NONE && !c->at_server);
	}
}

void client__close_conns(struct world *w, int node, int lb, int server)
{
	uint32_t i = 0;
	struct call *c;

	/*
	 * Every open request of this LB to @server loses its connection. The
	 * LB asks from inside its own methods, so the client hears of the
	 * reset from an event at the same time rather than re-entrantly; the
	 * call's own pending event frees it.
	 */
	while ((c = call__next_in_use(w, &i)) != NULL) {
		if (c->node != node || c->lb != lb || c->server != server ||
		    !c->connected || c->inc != node__inc(w, node))
			continue;
		close_conn(w, c);
		sim_after_class(w->sim, 0, SIM_CLASS_NET, reset, w,
				call__arg(c));
	}
}

void client__init(struct world *w)
{
	static const struct lb_hooks hooks = {
		.close_conns = client__close_conns,
		.request = client__request,
		.dial = client__dial,
	};

	server__set_leave(w, leave);
	lb__set_hooks(w, &hooks);
}
