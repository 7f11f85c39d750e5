/*
 * The network at message level (DESIGN.md): what a dial and a request
 * experience, and the servers' request queues.
 *
 * A dial from A to B is decided when the SYN leaves:
 *  - B's host down, A and B partitioned, or an AZ outage between them: no
 *    answer; the dial fails when its timeout fires (a black hole is slow);
 *  - B's host up but nothing listening on the port: refused after one RTT;
 *  - otherwise connected after one RTT, each lost SYN adding the Linux
 *    retransmission delay (1 s, 2 s, 4 s ...).
 * What it costs: a server that dies while a SYN is in flight is noticed by
 * the next dial, not this one.
 *
 * A request then takes the TLS round trips and half an RTT to arrive,
 * waits in the server's FIFO queue (finite capacity) for one of its
 * workers, is served for a service-time draw (times the gray-failure
 * factor), and its answer takes half an RTT back. The server answers with
 * an error when it cannot serve the endpoint (join__serves), so failing
 * retries still load it.
 *
 * One-way partitions block TCP both ways (a SYN or its SYN-ACK is lost), so
 * for dials they act as symmetric ones.
 */
#include "world_internal.h"

#include <math.h>

const char *const endpoint_names[EP_N] = {
	[EP_CACERTS] = "/cacerts",
	[EP_CONFIG] = "agent config",
	[EP_DBINFO] = "/db/info",
	[EP_SERVER_BOOTSTRAP] = "/v1-k3s/server-bootstrap",
	[EP_ETCD_BOOTSTRAP] = "etcd bootstrap read",
	[EP_ETCD_HEALTH] = "etcd health",
	[EP_PING] = "etcd /ping",
	[EP_MEMBER_ADD] = "etcd member add",
};

static const char *const result_names[] = {
	[RES_OK] = "ok", [RES_REFUSED] = "refused", [RES_TIMEOUT] = "timed out",
};

bool net__reachable(const struct world *w, int a, int b)
{
	const struct wnode *na = &w->nodes[a], *nb = &w->nodes[b];
	size_t f;

	if (!na->host_up || !nb->host_up)
		return false;
	if (na->cfg->az != nb->cfg->az &&
	    (w->az_out[na->cfg->az] || w->az_out[nb->cfg->az]))
		return false;
	for (f = 0; f < w->n_tl; f++) {
		const struct partition *p = &w->parts[f];

		if (p->active && p->side[a] && p->side[b] &&
		    p->side[a] != p->side[b])
			return false;
	}
	return true;
}

bool net__listening(const struct world *w, int b, port p)
{
	const struct wnode *nb = &w->nodes[b];

	if (!nb->proc_up)
		return false;
	return p == PORT_ETCD ? role_has_etcd(nb->cfg->role)
			      : role_is_server(nb->cfg->role);
}

sim_time net__rtt(struct world *w, int a, int b)
{
	const struct node_config *ca = w->nodes[a].cfg, *cb = w->nodes[b].cfg;
	const struct dist *d;
	sim_time t;

	if (cb->has_rtt)
		d = &cb->rtt;
	else if (ca->has_rtt)
		d = &ca->rtt;
	else
		d = &w->cfg->network.rtt[world_config_link_class(w->cfg, a, b)];
	t = dist_sample_time(d, w->nodes[a].rng_latency);
	return t > 0 ? t : 1;
}

/* ---- the op pool ---- */

struct op *op__new(struct world *w, int node, op_done_fn done, uint64_t tag)
{
	struct op *op;
	uint32_t gen = 0;

	if (w->free_ops->len) {
		uint32_t i = g_array_index(w->free_ops, uint32_t,
					   w->free_ops->len - 1);

		g_array_set_size(w->free_ops, w->free_ops->len - 1);
		op = g_ptr_array_index(w->ops_pool, i);
		gen = op->gen;
	} else {
		op = g_new(struct op, 1);
		op->index = w->ops_pool->len;
		g_ptr_array_add(w->ops_pool, op);
	}
	*op = (struct op){
		.index = op->index,
		.gen = gen + 1,
		.in_use = true,
		.node = node,
		.inc = w->nodes[node].inc,
		.lb = -1,
		.server = -1,
		.started = sim_now(w->sim),
		.done = done,
		.tag = tag,
	};
	return op;
}

void op__free(struct world *w, struct op *op)
{
	SIM_ASSERT(op->in_use);
	sim_cancel(w->sim, op->client_timer);
	op->in_use = false;
	op->gen++;
	g_array_append_val(w->free_ops, op->index);
}

struct op *op__from_arg(struct world *w, uint64_t arg)
{
	uint32_t i = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
	struct op *op;

	SIM_ASSERT(i < w->ops_pool->len);
	op = g_ptr_array_index(w->ops_pool, i);
	return op->in_use && op->gen == gen ? op : NULL;
}

/* The client still runs the incarnation that started @op. */
static bool op_live(const struct world *w, const struct op *op)
{
	return w->nodes[op->node].inc == op->inc &&
	       w->nodes[op->node].proc_up;
}

static struct lb *op_lb(struct world *w, const struct op *op)
{
	return op->lb >= 0 && op_live(w, op) ? &w->nodes[op->node].lbs[op->lb]
					      : NULL;
}

static void close_conn(struct world *w, struct op *op)
{
	struct lb *lb;

	if (!op->connected)
		return;
	op->connected = false;
	lb = op_lb(w, op);
	if (lb && lb->state)
		policy_conn_close(w->ops, lb->state, op->server);
}

/* Ends @op for its client (once) and frees it unless an event of its own
 * is still due (then that event frees it). */
/* The other op of a hedged pair, or NULL. */
static struct op *partner_of(struct world *w, const struct op *op)
{
	struct op *p;

	if (!op->partner_gen)
		return NULL;
	p = g_ptr_array_index(w->ops_pool, op->partner);
	return p->in_use && p->gen == op->partner_gen ? p : NULL;
}

static void finish(struct world *w, struct op *op, result r, bool free_now)
{
	struct op *p = partner_of(w, op);

	if (!op->abandoned && r != RES_OK && p && !p->abandoned) {
		/* one of a hedged pair failed: the other may still answer */
		op->abandoned = true;
		sim_cancel(w->sim, op->client_timer);
		op->client_timer = SIM_TIMER_NONE;
		sim_cancel(w->sim, op->hedge_timer);
		op->hedge_timer = SIM_TIMER_NONE;
		op->partner_gen = p->partner_gen = 0;
		if (free_now) {
			close_conn(w, op);
			op__free(w, op);
		}
		return;
	}
	if (!op->abandoned) {
		op->abandoned = true;
		sim_cancel(w->sim, op->client_timer);
		op->client_timer = SIM_TIMER_NONE;
		sim_cancel(w->sim, op->hedge_timer);
		op->hedge_timer = SIM_TIMER_NONE;
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
				op__free(w, p);
		}
		if (op_live(w, op)) {
			if (!op->quiet)
				WTRACE(w, r == RES_OK ? TRACE_ANSWER : TRACE_ANSWER_FAILED, op->node, op->server, "%s: %s from %s: %s",
			       world__name(w, op->node), endpoint_names[op->ep],
			       op->server >= 0 ? world__name(w, op->server) : "-",
			       result_names[r]);
			op->done(w, op, r);
		}
	}
	if (free_now) {
		close_conn(w, op);
		op__free(w, op);
	}
}

/* ---- dials ---- */

/* The policy's next server, past those outlier ejection has ejected (an
 * option any policy can enable: it wraps the policy, which never knows). */
static int lb_next(struct world *w, struct lb *lb, struct lb_pass *pass,
		   bool fresh)
{
	int s = w->ops->dial_next(lb->state, pass);
	int skipped = 0;

	while (s >= 0 && w->pp->outlier.enabled &&
	       outlier_ejected(&lb->outlier, s)) {
		skipped++;
		s = w->ops->dial_next(lb->state, pass);
	}
	if (s < 0 && skipped > 0 && fresh) {
		/* every server is ejected: ignore ejection for this pass, as
		 * Envoy does below its panic threshold */
		w->ops->dial_begin(lb->state, pass);
		s = w->ops->dial_next(lb->state, pass);
	}
	return s;
}

static void dial_outcome(sim *s, void *ctx, uint64_t arg);
static void start_dial(struct world *w, struct op *op, int server);

/* An op has one pending event at a time; its outcome waits in op->res. */
static void schedule_dial(struct world *w, struct op *op, sim_time delay,
			  result r)
{
	op->res = r;
	op->dial_timer = sim_after(w->sim, delay, dial_outcome, w,
				   op__arg(op));
}

static void start_dial(struct world *w, struct op *op, int server)
{
	struct wnode *c = &w->nodes[op->node];
	const struct network_config *net = &w->cfg->network;
	struct lb *olb = op_lb(w, op);
	sim_time timeout = olb && olb->state
		? policy_connect_timeout(w->ops, olb->state, server, w->pp)
		: (op->timeout ? op->timeout : w->pp->dial_timeout);
	double loss;
	sim_time delay = 0, backoff = net->syn_retry;

	op->server = server;
	op->dial_started = sim_now(w->sim);
	op->pass_dials++;
	if (!op->quiet)
		w->rec->nodes[op->node].dials++;
	if (!op->quiet)
		WTRACE(w, TRACE_DIAL, op->node, server, "%s: dial %s%s (%s)", world__name(w, op->node),
	       world__name(w, server), op->port == PORT_ETCD ? ":2379" : "",
	       op->lb == LB_ETCD ? "etcd LB" :
	       op->lb == LB_SUPERVISOR ? "supervisor LB" : "direct");
	if (!net__reachable(w, op->node, server)) {
		schedule_dial(w, op, timeout, RES_TIMEOUT);
		return;
	}
	op->rtt = net__rtt(w, op->node, server);
	if (!net__listening(w, server, op->port)) {
		schedule_dial(w, op, op->rtt, RES_REFUSED);
		return;
	}
	loss = MAX(net->loss, MAX(c->loss, w->nodes[server].loss));
	while (loss > 0 && gsl_rng_uniform(c->rng_loss) < loss) {
		delay += backoff;
		backoff *= 2;
		if (delay + op->rtt >= timeout) {
			schedule_dial(w, op, timeout, RES_TIMEOUT);
			return;
		}
	}
	schedule_dial(w, op, delay + op->rtt, RES_OK);
}

static void arrive(sim *s, void *ctx, uint64_t arg);
static void new_pass(sim *s, void *ctx, uint64_t arg);
static void hedge(sim *s, void *ctx, uint64_t arg);

/*
 * A dial pass failed: a policy with pass_delay may start another after a
 * backoff, if the retry budget (when enabled) has a token. Returns whether
 * it will.
 */
static bool new_pass_later(struct world *w, struct op *op, struct lb *lb)
{
	sim_time d = policy_pass_delay(w->ops, lb->state, ++op->passes);

	/* a pass that dialed nobody, again at once, would never end */
	if (d < 0 || (d == 0 && op->pass_dials == 0))
		return false;
	op->pass_dials = 0;
	if (w->pp->budget.enabled && !retry_budget_try_spend(&lb->budget)) {
		if (!op->quiet)
			WTRACE(w, TRACE_NOTE, op->node, -1, "%s: retry budget "
			       "spent: no pass %d", world__name(w, op->node),
			       op->passes + 1);
		return false;
	}
	if (!op->quiet)
		WTRACE(w, TRACE_NOTE, op->node, -1, "%s: pass %d failed; "
		       "another in %.3fs", world__name(w, op->node), op->passes,
		       sim_time_to_s(d));
	op->dial_timer = sim_after(w->sim, d, new_pass, w, op__arg(op));
	return true;
}

static void new_pass(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	struct lb *lb;
	int first;

	(void)s;
	if (!op)
		return;
	op->dial_timer = SIM_TIMER_NONE;
	lb = op_lb(w, op);
	if (op->abandoned || !lb || !lb->state) {
		finish(w, op, RES_REFUSED, true);
		return;
	}
	w->ops->dial_begin(lb->state, &op->pass);
	first = lb_next(w, lb, &op->pass, true);
	if (first >= 0)
		start_dial(w, op, first);
	else if (!new_pass_later(w, op, lb))
		finish(w, op, RES_REFUSED, true);
}

static void dial_outcome(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	result r;
	struct lb *lb;
	struct node_record *nr;

	(void)s;
	if (!op)
		return;
	op->dial_timer = SIM_TIMER_NONE;
	r = op->res;
	nr = &w->rec->nodes[op->node];
	if (r != RES_OK && !op->quiet)
		nr->failed_dials++;
	if (r == RES_TIMEOUT && !op->quiet && !op->abandoned) {
		/* time the client spent on a black hole, even when the pass
		 * goes on to a server that answers */
		sim_time t = sim_now(w->sim) - op->dial_started;

		nr->timeout_wait += t;
		op->waited += t;
	}
	if (!op->quiet)
		WTRACE(w, r == RES_OK ? TRACE_DIAL_OK : r == RES_REFUSED ? TRACE_DIAL_REFUSED : TRACE_DIAL_TIMEOUT, op->node, op->server, "%s: dial %s %s", world__name(w, op->node),
		       world__name(w, op->server), result_names[r]);
	lb = op_lb(w, op);
	if (lb && lb->state) {
		/* K3s counts the new connection before it records the
		 * success, so an ACTIVE contest compares it too */
		if (r == RES_OK && op->ep != EP_N) {
			op->connected = true;
			policy_conn_open(w->ops, lb->state, op->server);
		}
		w->ops->record(lb->state, op->server, LB_CHECK_DIAL,
			       r == RES_OK ? LB_OK : LB_FAILED);
		/* outlier ejection counts failed dials here and answers in
		 * respond(): a connection alone is no success (Envoy counts
		 * responses) */
		if (w->pp->outlier.enabled && lb->state && r != RES_OK)
			outlier_record(&lb->outlier, op->server, false);
	}
	if (!op_live(w, op)) {
		op__free(w, op);
		return;
	}
	if (r != RES_OK) {
		int next = -1;

		lb = op_lb(w, op);	/* record() may have run callbacks */
		if (lb && lb->state)
			next = op->abandoned && !w->ops->dial_ignores_cancel
			       ? -1 : lb_next(w, lb, &op->pass, false);
		if (next >= 0) {
			start_dial(w, op, next);
			return;
		}
		if (lb && lb->state && !op->abandoned && new_pass_later(w, op, lb))
			return;
		finish(w, op, r, true);
		return;
	}
	/* connected */
	if (op->ep == EP_N) {		/* a plain dial: done */
		finish(w, op, RES_OK, true);
		return;
	}
	if (op->abandoned) {
		close_conn(w, op);
		op__free(w, op);
		return;
	}
	op->sent = sim_now(w->sim);
	lb = op_lb(w, op);
	if (lb && lb->state && !op->partner_gen &&
	    op->hedge_timer == SIM_TIMER_NONE) {
		sim_time h = policy_hedge_delay(w->ops, lb->state);

		if (h >= 0)
			op->hedge_timer = sim_after(w->sim, h, hedge, w,
						    op__arg(op));
	}
	op->dial_timer = sim_after(w->sim,
		(sim_time)w->cfg->network.tls_round_trips * op->rtt + op->rtt / 2,
		arrive, w, op__arg(op));
}

/* ---- requests at the server ---- */

static void served(sim *s, void *ctx, uint64_t arg);
static void respond(sim *s, void *ctx, uint64_t arg);

static void start_service(struct world *w, int server, struct op *op)
{
	struct wnode *sv = &w->nodes[server];
	double t = dist_sample(&w->cfg->servers.service_time, sv->rng_service);
	sim_time d = (sim_time)llround(t * sv->slow * 1e9);

	sv->busy++;
	op->at_server = true;
	op->service = d > 0 ? d : 0;
	sim_after(w->sim, d > 0 ? d : 0, served, w, op__arg(op));
}

/* Sends the answer back: it arrives after half an RTT if the path holds. */
static void send_answer(struct world *w, struct op *op, result r)
{
	op->at_server = false;
	if (!net__reachable(w, op->node, op->server)) {
		/* lost: the client times out */
		if (op->abandoned || !op_live(w, op) || op->timeout == 0) {
			finish(w, op, RES_TIMEOUT, true);
		} else {
			op->dial_timer = SIM_TIMER_NONE; /* waits for its timer */
		}
		return;
	}
	op->res = r;
	op->dial_timer = sim_after(w->sim, op->rtt / 2, respond, w,
				   op__arg(op));
}

static void arrive(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	struct wnode *sv;

	(void)s;
	if (!op)
		return;
	op->dial_timer = SIM_TIMER_NONE;
	if (op->abandoned || !op_live(w, op)) {
		close_conn(w, op);
		op__free(w, op);
		return;
	}
	sv = &w->nodes[op->server];
	if (!net__reachable(w, op->node, op->server)) {
		op->at_server = false;	/* lost on the way: the timer ends it */
		if (op->timeout == 0)
			finish(w, op, RES_TIMEOUT, true);
		return;
	}
	if (!net__listening(w, op->server, op->port)) {
		send_answer(w, op, RES_REFUSED);	/* RST */
		return;
	}
	if (!op->quiet)
		w->rec->nodes[op->node].requests++;
	op->srv_inc = sv->inc;
	if (sv->busy < w->cfg->servers.workers) {
		start_service(w, op->server, op);
	} else if ((int)g_queue_get_length(sv->waiting) < w->cfg->servers.queue) {
		struct queued *q = g_new(struct queued, 1);

		q->op = op->index;
		q->gen = op->gen;
		op->at_server = true;
		g_queue_push_tail(sv->waiting, q);
	} else {
		send_answer(w, op, RES_REFUSED);	/* 503: queue full */
	}
}

static void next_waiting(struct world *w, int server)
{
	struct wnode *sv = &w->nodes[server];
	struct queued *q;

	while (sv->busy < w->cfg->servers.workers &&
	       (q = g_queue_pop_head(sv->waiting)) != NULL) {
		struct op *op = g_ptr_array_index(w->ops_pool, q->op);

		SIM_ASSERT(op->in_use && op->gen == q->gen);
		g_free(q);
		start_service(w, server, op);
	}
}

static void served(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	int server;
	result r;

	(void)s;
	SIM_ASSERT(op != NULL);
	server = op->server;
	w->nodes[server].busy--;
	op->queue = (int)g_queue_get_length(w->nodes[server].waiting);
	if (op->srv_inc != w->nodes[server].inc ||
	    !net__listening(w, server, op->port))
		r = RES_REFUSED;	/* the process died meanwhile: RST */
	else
		r = join__serves(w, server, op->ep) ? RES_OK : RES_REFUSED;
	if (op->abandoned || !op_live(w, op)) {
		op->at_server = false;
		close_conn(w, op);
		op__free(w, op);
	} else {
		send_answer(w, op, r);
	}
	next_waiting(w, server);
}

static void client_timeout(sim *s, void *ctx, uint64_t arg);

static void respond(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	struct lb *lb;

	(void)s;
	if (!op)
		return;
	op->dial_timer = SIM_TIMER_NONE;
	lb = op_lb(w, op);
	if (lb && lb->state && !op->abandoned) {
		struct lb_feedback fb = {
			.latency = sim_now(w->sim) - op->sent,
			.service = op->service,
			.queue = op->queue,
			.ok = op->res == RES_OK,
		};

		close_conn(w, op);	/* observed once the connection ends */
		policy_observe(w->ops, lb->state, op->server, &fb);
		/* an error answer counts as a failure, as Envoy counts 5xx */
		if (w->pp->outlier.enabled)
			outlier_record(&lb->outlier, op->server, fb.ok);
		if (op->res == RES_OK && w->pp->budget.enabled)
			retry_budget_refund(&lb->budget);
	}
	finish(w, op, op->res, true);
}

/* No answer after the hedging delay: a second request goes to the next
 * server of the pass; the first answer wins. */
static void hedge(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	struct op *h;
	struct lb *lb;
	int next;

	(void)s;
	if (!op)
		return;
	op->hedge_timer = SIM_TIMER_NONE;
	lb = op_lb(w, op);
	if (op->abandoned || !lb || !lb->state)
		return;
	h = op__new(w, op->node, op->done, op->tag);
	h->lb = op->lb;
	h->ep = op->ep;
	h->port = op->port;
	h->quiet = op->quiet;
	h->pass = op->pass;
	h->started = op->started;
	h->timeout = op->timeout;
	next = lb_next(w, lb, &h->pass, false);
	if (next < 0) {
		op__free(w, h);
		return;
	}
	op->partner = h->index;
	op->partner_gen = h->gen;
	h->partner = op->index;
	h->partner_gen = op->gen;
	if (h->timeout > 0)
		h->client_timer = sim_after(w->sim,
			MAX(0, h->started + h->timeout - sim_now(w->sim)),
			client_timeout, w, op__arg(h));
	if (!h->quiet)
		WTRACE(w, TRACE_NOTE, h->node, next, "%s: no answer from %s "
		       "yet: hedging to %s", world__name(w, h->node),
		       world__name(w, op->server), world__name(w, next));
	start_dial(w, h, next);
}

void net__server_stopped(struct world *w, int node)
{
	struct wnode *sv = &w->nodes[node];
	struct queued *q;

	/* waiting requests get a reset; those in service are answered with
	 * one when their service ends (served() sees the new incarnation) */
	while ((q = g_queue_pop_head(sv->waiting)) != NULL) {
		struct op *op = g_ptr_array_index(w->ops_pool, q->op);

		g_free(q);
		if (op->abandoned || !op_live(w, op)) {
			op->at_server = false;
			close_conn(w, op);
			op__free(w, op);
		} else {
			send_answer(w, op, RES_REFUSED);
		}
	}
}

/* ---- the client's side ---- */

static void client_timeout(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);
	bool idle;

	(void)s;
	if (!op)
		return;
	op->client_timer = SIM_TIMER_NONE;
	/* dial timeouts inside it are counted already; of a hedged pair,
	 * the last one standing counts the wait */
	if (!op->quiet && !partner_of(w, op))
		w->rec->nodes[op->node].timeout_wait +=
			sim_now(w->sim) - op->started - op->waited;
	/* the client closes its connection (through the LB too: the proxy
	 * closes when its client does); an op with no event of its own (its
	 * answer was lost) ends here, others at their next event */
	close_conn(w, op);
	idle = op->dial_timer == SIM_TIMER_NONE && !op->at_server;
	finish(w, op, RES_TIMEOUT, idle);
}

static void begin(struct world *w, struct op *op, sim_time timeout)
{
	op->timeout = timeout;
	if (timeout > 0)
		op->client_timer = sim_after(w->sim, timeout, client_timeout, w,
					     op__arg(op));
	if (op->lb >= 0) {
		struct lb *lb = &w->nodes[op->node].lbs[op->lb];
		int first;

		SIM_ASSERT(lb->state != NULL);
		w->ops->dial_begin(lb->state, &op->pass);
		first = lb_next(w, lb, &op->pass, true);
		if (first < 0) {
			finish(w, op, RES_REFUSED, true);
			return;
		}
		start_dial(w, op, first);
	} else {
		start_dial(w, op, op->server);
	}
}

void net__request(struct world *w, int node, int lb, int server, endpoint ep,
		  sim_time timeout, bool quiet, op_done_fn done, uint64_t tag)
{
	struct op *op = op__new(w, node, done, tag);

	op->quiet = quiet;
	op->lb = lb;
	op->server = server;
	op->ep = ep;
	op->port = (ep == EP_ETCD_BOOTSTRAP || ep == EP_ETCD_HEALTH ||
		    ep == EP_PING) ? PORT_ETCD : PORT_SUPERVISOR;
	if (!quiet)
		WTRACE(w, TRACE_REQUEST, node, server, "%s: request %s via %s", world__name(w, node),
	       endpoint_names[ep],
	       lb == LB_ETCD ? "etcd LB" : lb == LB_SUPERVISOR ? "supervisor LB"
							: world__name(w, server));
	begin(w, op, timeout);
}

void net__dial(struct world *w, int node, int server, port p,
	       sim_time timeout, bool quiet, op_done_fn done, uint64_t tag)
{
	struct op *op = op__new(w, node, done, tag);

	op->quiet = quiet;
	op->server = server;
	op->ep = EP_N;		/* no request */
	op->port = p;
	begin(w, op, timeout);
}

static void reset(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct op *op = op__from_arg(w, arg);

	(void)s;
	if (op && !op->abandoned) {
		/* freed here when no event of its own is due (its answer was
		 * lost and only the client timer, cancelled now, was left) */
		finish(w, op, RES_REFUSED,
		       op->dial_timer == SIM_TIMER_NONE && !op->at_server);
	}
}

void net__close_conns(struct world *w, int node, int lb, int server)
{
	guint i;

	/*
	 * Every open request of this LB to @server loses its connection. The
	 * LB asks from inside its own methods, so the client hears of the
	 * reset from an event at the same time rather than re-entrantly; the
	 * op's own pending event frees it.
	 */
	for (i = 0; i < w->ops_pool->len; i++) {
		struct op *op = g_ptr_array_index(w->ops_pool, i);

		if (!op->in_use || op->node != node || op->lb != lb ||
		    op->server != server || !op->connected ||
		    op->inc != w->nodes[node].inc)
			continue;
		close_conn(w, op);
		sim_after(w->sim, 0, reset, w, op__arg(op));
	}
}
