/*
 * The K3s join flows of K3S-MODEL.md section 2, the load balancers each
 * node runs (section 1: the policy decides, this file drives it), and the
 * health checkers that feed them.
 *
 * Flows, by role:
 *  - agent: token validation (GET /cacerts through the supervisor LB,
 *    retried every token_retry), then the config fetch (through the LB,
 *    retried every uniform [config_retry_min, config_retry_max)); Ready.
 *    After the token, the agent lists the apiservers and sets its LB's
 *    address list to them (the 5 s poll, taken once).
 *  - control-plane-only server, post-fix (policy flow JOIN_FLOW_POSTFIX):
 *    CA from disk or GET /cacerts from --server (fatal); etcd LB with
 *    --server as default and the cached address list; GET /db/info from
 *    --server (failure only warns); bootstrap data from etcd through the
 *    etcd LB, else GET /v1-k3s/server-bootstrap from --server (fatal);
 *    then the etcd health test through the LB, retried every
 *    etcd_health_retry; Ready.
 *  - control-plane-only server, legacy (JOIN_FLOW_LEGACY): /cacerts,
 *    /db/info and the bootstrap all from --server, each fatal.
 *  - etcd-only server, and a server with both roles: CA from disk (else
 *    GET /cacerts from --server, fatal); a member rejoins from its local
 *    datastore, a new one asks --server to add it (every etcd_join_retry,
 *    each try bounded by etcd_join_timeout; it needs quorum); Ready once
 *    the member serves (quorum and a leader), one heartbeat after it can.
 * A fatal error ends the process; systemd starts it again after
 * restart_delay, forever. Only the address list survives a restart.
 *
 * Health checks feeding the LB every health_check_interval:
 *  - supervisor LB: the per-server tunnel: unknown until its first dial,
 *    OK while connected, failed after a disconnect; reconnects after
 *    tunnel_reconnect. A stopped process is noticed at once (reset), a
 *    vanished host after tcp_keepalive.
 *  - etcd LB: GET /ping with etcd_ping_timeout, every uniform
 *    [etcd_ping_min, etcd_ping_max), the first at once.
 */
#include "world_internal.h"

#include <string.h>

enum step {
	ST_NONE,
	ST_AGENT_TOKEN,
	ST_AGENT_CONFIG,
	ST_CP_CACERTS,
	ST_CP_DBINFO,
	ST_CP_BOOTSTRAP,
	ST_CP_BOOTSTRAP_HTTP,
	ST_CP_HEALTH,
	ST_ETCD_CACERTS,
	ST_ETCD_MEMBER,
	ST_ETCD_WAIT,
	ST_ETCD_CATCHUP,
};

static bool legacy(const struct world *w)
{
	return w->ops->flow == JOIN_FLOW_LEGACY;
}

/* ---- what a server serves ---- */

bool join__serves(const struct world *w, int server, endpoint ep)
{
	const struct wnode *s = &w->nodes[server];
	node_role r = s->cfg->role;

	if (!s->proc_up)
		return false;
	switch (ep) {
	case EP_CACERTS:
		return role_is_server(r) && s->ca_on_disk;
	case EP_CONFIG:
		return role_is_server(r) && s->phase == PHASE_READY;
	case EP_DBINFO:
		return role_has_etcd(r) && s->phase == PHASE_READY;
	case EP_SERVER_BOOTSTRAP:
		if (!role_is_server(r) || s->phase != PHASE_READY)
			return false;
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_ETCD_BOOTSTRAP:
	case EP_ETCD_HEALTH:
		return etcd__serving(w, server);
	case EP_PING:
		return role_has_etcd(r);
	case EP_MEMBER_ADD:
		/* the server adds the member through etcd: quorum */
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_N:
		break;
	}
	return false;
}

/* ---- flow plumbing ---- */

static uint64_t node_arg(const struct wnode *n)
{
	return ((uint64_t)n->inc << 32) | (uint32_t)n->id;
}

/* The node of a flow event, or NULL when it has restarted since. */
static struct wnode *node_of(struct world *w, uint64_t arg)
{
	struct wnode *n = &w->nodes[(uint32_t)arg];

	return n->inc == (uint32_t)(arg >> 32) && n->proc_up ? n : NULL;
}

static void run_step(struct world *w, struct wnode *n);

static void step_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct wnode *n = node_of(w, arg);

	(void)s;
	if (n) {
		n->flow_timer = SIM_TIMER_NONE;
		run_step(w, n);
	}
}

static void go(struct world *w, struct wnode *n, int step, sim_time delay)
{
	n->step = step;
	if (delay == 0) {
		run_step(w, n);
		return;
	}
	n->flow_timer = sim_after(w->sim, delay, step_event, w, node_arg(n));
}

static void lb_stop(struct world *w, struct lb *lb);

static void become_ready(struct world *w, struct wnode *n)
{
	struct node_record *r = &w->rec->nodes[n->id];
	int k;

	n->phase = PHASE_READY;
	n->step = ST_NONE;
	WTRACE(w, TRACE_READY, n->id, -1, "%s: Ready", world__name(w, n->id));
	/* a Ready node dials no more in this model: its load balancers and
	 * their health checks would run idle, so they stop (a restart makes
	 * new ones, as K3s keeps no health state across restarts) */
	for (k = 0; k < LB_N; k++)
		lb_stop(w, &n->lbs[k]);
	if (n->join_open) {
		n->join_open = false;
		w->joining--;
		r->ready = true;
		r->join_time = sim_now(w->sim) - n->started;
	}
	world__ready(w, n->id);
	world__check_settled(w);
}

static void systemd_start(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct wnode *n = &w->nodes[(uint32_t)arg];

	(void)s;
	/* a stop or crash since then bumped the incarnation: no restart */
	if (n->inc != (uint32_t)(arg >> 32) || n->proc_up || !n->host_up)
		return;
	WTRACE(w, TRACE_NOTE, n->id, -1, "%s: systemd restarts k3s", world__name(w, n->id));
	join__start(w, n->id);
}

static void fatal(struct world *w, struct wnode *n, const char *why)
{
	WTRACE(w, TRACE_FATAL, n->id, -1, "%s: fatal: %s; the process exits", world__name(w, n->id),
	       why);
	w->rec->nodes[n->id].fatal_restarts++;
	join__stop(w, n->id);
	sim_after(w->sim, w->pp->restart_delay, systemd_start, w, node_arg(n));
}

/* ---- load balancers ---- */

static void lb_close_conns(void *model, int server)
{
	struct lb *lb = model;

	net__close_conns(lb->w, lb->node, lb->kind, server);
}

static void lb_on_state(void *model, int server, const char *from,
			const char *to)
{
	struct lb *lb = model;

	WTRACE(lb->w, TRACE_STATE, lb->node, server, "%s: %s LB: %s %s -> %s", world__name(lb->w, lb->node),
	       lb->kind == LB_ETCD ? "etcd" : "supervisor",
	       world__name(lb->w, server), from, to);
}

static bool in_list(const int *list, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == x)
			return true;
	return false;
}

static void add_checked(struct lb *lb, int server)
{
	if (server < 0 || in_list(lb->checked, lb->n_checked, server) ||
	    lb->n_checked == CONFIG_MAX_SERVERS)
		return;
	lb->checked[lb->n_checked] = server;
	lb->check[lb->n_checked] = HEALTH_UNKNOWN;
	lb->check_timer[lb->n_checked] = SIM_TIMER_NONE;
	lb->check_busy[lb->n_checked] = false;
	lb->n_checked++;
}

static void start_checker(struct world *w, struct lb *lb, int i);

/* Gives the policy the address list (plus the default server when it has
 * no notion of one) and checks every server it may dial. */
static void lb_set_list(struct world *w, struct lb *lb, const int *list, int n)
{
	int buf[CONFIG_MAX_SERVERS + 1];
	int i, k = 0, before = lb->n_checked;

	for (i = 0; i < n && k < CONFIG_MAX_SERVERS; i++)
		if (!in_list(buf, k, list[i]))
			buf[k++] = list[i];
	memcpy(lb->servers, buf, (size_t)k * sizeof(int));
	lb->n_servers = k;
	/* the address list is what survives a restart (K3s writes it to a
	 * JSON file) */
	memcpy(w->nodes[lb->node].saved[lb->kind], buf, (size_t)k * sizeof(int));
	w->nodes[lb->node].n_saved[lb->kind] = k;
	if (!w->ops->set_default && lb->default_server >= 0 &&
	    !in_list(buf, k, lb->default_server))
		buf[k++] = lb->default_server;
	w->ops->set_servers(lb->state, buf, (size_t)k);
	if (w->pp->outlier.enabled)
		outlier_set_servers(&lb->outlier, buf, (size_t)k);
	for (i = 0; i < k; i++)
		add_checked(lb, buf[i]);
	for (i = before; i < lb->n_checked; i++)
		start_checker(w, lb, i);
}

static void health_loop(sim *s, void *ctx, uint64_t arg)
{
	struct lb *lb = ctx;
	struct world *w = lb->w;
	int i;

	(void)s;
	(void)arg;
	lb->health_timer = sim_after(w->sim, w->pp->health_check_interval,
				     health_loop, lb, 0);
	for (i = 0; i < lb->n_checked && lb->state; i++) {
		health h = lb->check[i];

		if (h != HEALTH_UNKNOWN)
			w->ops->record(lb->state, lb->checked[i], LB_CHECK_HEALTH,
				       h == HEALTH_OK ? LB_OK : LB_FAILED);
	}
}

static void lb_start(struct world *w, struct wnode *n, lb_kind kind,
		     const int *list, int n_list)
{
	struct lb *lb = &n->lbs[kind];

	lb->w = w;
	lb->node = n->id;
	lb->kind = kind;
	lb->n_checked = 0;
	lb->n_servers = 0;
	lb->default_server = n->cfg->server;
	lb->env = (struct lb_env){
		.sim = w->sim,
		.params = w->pp,
		.rng = n->rng_policy,
		.close_conns = lb_close_conns,
		.model = lb,
		.on_state = w->trace ? lb_on_state : NULL,
	};
	lb->state = w->ops->lb_new(&lb->env);
	if (w->pp->outlier.enabled)
		outlier_init(&lb->outlier, &w->pp->outlier, w->sim);
	if (w->pp->budget.enabled &&
	    !retry_budget_init(&lb->budget, w->pp->budget.max_tokens,
			       w->pp->budget.refund, NULL))
		SIM_BUG("a retry budget the spec loader accepted is invalid");
	policy_set_default(w->ops, lb->state, lb->default_server);
	if (w->ops->set_default)
		add_checked(lb, lb->default_server);
	lb_set_list(w, lb, list, n_list);
	if (w->ops->set_default)
		start_checker(w, lb, 0);
	lb->health_timer = sim_after(w->sim, w->pp->health_check_interval,
				     health_loop, lb, 0);
}

static void lb_stop(struct world *w, struct lb *lb)
{
	int i;

	if (!lb->state)
		return;
	sim_cancel(w->sim, lb->health_timer);
	for (i = 0; i < lb->n_checked; i++)
		sim_cancel(w->sim, lb->check_timer[i]);
	w->ops->lb_free(lb->state);
	if (w->pp->outlier.enabled)
		outlier_release(&lb->outlier);
	lb->state = NULL;
	lb->n_checked = 0;
}

/* ---- health checkers ---- */

static uint64_t check_tag(const struct lb *lb, int i)
{
	return ((uint64_t)lb->kind << 16) | (uint64_t)i;
}

static struct lb *check_lb(struct world *w, struct op *op, int *i)
{
	struct lb *lb = &w->nodes[op->node].lbs[(op->tag >> 16) & 0xff];

	*i = (int)(op->tag & 0xffff);
	return lb->state ? lb : NULL;
}

static void checker_due(sim *s, void *ctx, uint64_t arg);

static void set_check(struct world *w, struct lb *lb, int i, health h)
{
	if (lb->check[i] != h)
		WTRACE(w, TRACE_HEALTH, lb->node, lb->checked[i], "%s: %s %s: %s", world__name(w, lb->node),
		       lb->kind == LB_ETCD ? "etcd /ping of" : "tunnel to",
		       world__name(w, lb->checked[i]),
		       h == HEALTH_OK ? (lb->kind == LB_ETCD ? "ok" : "connected")
				      : "failed");
	lb->check[i] = h;
}

static void schedule_check(struct world *w, struct lb *lb, int i,
			   sim_time delay)
{
	sim_cancel(w->sim, lb->check_timer[i]);
	lb->check_timer[i] = sim_after(w->sim, delay, checker_due, lb,
				       (uint64_t)i);
}

static void checked_done(struct world *w, struct op *op, result r)
{
	int i;
	struct lb *lb = check_lb(w, op, &i);

	if (!lb)
		return;
	lb->check_busy[i] = false;
	if (lb->kind == LB_ETCD) {
		sim_time lo = w->pp->etcd_ping_min, hi = w->pp->etcd_ping_max;

		set_check(w, lb, i, r == RES_OK ? HEALTH_OK : HEALTH_FAILED);
		schedule_check(w, lb, i, lo + (sim_time)(gsl_rng_uniform(
				w->nodes[lb->node].rng_join) * (double)(hi - lo)));
	} else if (r == RES_OK) {
		int server = lb->checked[i];

		set_check(w, lb, i, HEALTH_OK);	/* connected: watch it */
		/* the dial was decided when its SYN left: a server that went
		 * away since is noticed as join__server_changed would */
		if (!net__reachable(w, lb->node, server))
			schedule_check(w, lb, i, w->pp->tcp_keepalive);
		else if (!net__listening(w, server, PORT_SUPERVISOR)) {
			set_check(w, lb, i, HEALTH_FAILED);
			schedule_check(w, lb, i, w->pp->tunnel_reconnect);
		}
	} else {
		set_check(w, lb, i, HEALTH_FAILED);
		schedule_check(w, lb, i, w->pp->tunnel_reconnect);
	}
}

/* Starts a tunnel dial or a ping for checked server @i. */
static void start_checker(struct world *w, struct lb *lb, int i)
{
	int server = lb->checked[i];

	if (lb->check_busy[i])
		return;
	lb->check_busy[i] = true;
	lb->check_timer[i] = SIM_TIMER_NONE;
	if (lb->kind == LB_ETCD)
		net__request(w, lb->node, -1, server, EP_PING,
			     w->pp->etcd_ping_timeout, true, checked_done,
			     check_tag(lb, i));
	else
		net__dial(w, lb->node, server, PORT_SUPERVISOR,
			  w->pp->dial_timeout, true, checked_done,
			  check_tag(lb, i));
}

static void checker_due(sim *s, void *ctx, uint64_t arg)
{
	struct lb *lb = ctx;
	struct world *w = lb->w;
	int i = (int)arg;
	int server = lb->checked[i];

	(void)s;
	lb->check_timer[i] = SIM_TIMER_NONE;
	if (lb->kind == LB_SUPERVISOR && lb->check[i] == HEALTH_OK) {
		/* a keepalive probe of a connected tunnel */
		if (net__reachable(w, lb->node, server) &&
		    net__listening(w, server, PORT_SUPERVISOR))
			return;
		set_check(w, lb, i, HEALTH_FAILED);
		schedule_check(w, lb, i, w->pp->tunnel_reconnect);
		return;
	}
	start_checker(w, lb, i);
}

void join__server_changed(struct world *w, int server)
{
	int n, i;

	/* connected tunnels to @server notice: a reset at once when the
	 * process is gone but the host answers, else at the keepalive */
	for (n = 0; n < w->n; n++) {
		struct lb *lb = &w->nodes[n].lbs[LB_SUPERVISOR];

		if (!lb->state || !w->nodes[n].proc_up)
			continue;
		for (i = 0; i < lb->n_checked; i++) {
			if (lb->checked[i] != server ||
			    lb->check[i] != HEALTH_OK)
				continue;
			if (!net__reachable(w, n, server)) {
				if (lb->check_timer[i] == SIM_TIMER_NONE)
					schedule_check(w, lb, i,
						       w->pp->tcp_keepalive);
			} else if (!net__listening(w, server, PORT_SUPERVISOR)) {
				set_check(w, lb, i, HEALTH_FAILED);
				schedule_check(w, lb, i, w->pp->tunnel_reconnect);
			}
		}
	}
}

/* ---- the flows ---- */

static void flow_done(struct world *w, struct op *op, result r);

static void request(struct world *w, struct wnode *n, int lb, endpoint ep,
		    sim_time timeout)
{
	net__request(w, n->id, lb, lb < 0 ? n->cfg->server : -1, ep, timeout,
		     false, flow_done, (uint64_t)n->step);
}

static sim_time config_retry(struct world *w, struct wnode *n)
{
	sim_time lo = w->pp->config_retry_min, hi = w->pp->config_retry_max;

	return lo + (sim_time)(gsl_rng_uniform(n->rng_join) * (double)(hi - lo));
}

/* Members and apiservers, for address lists: nodes of the role other than
 * @self, in topology order. */
static int role_list(const struct world *w, int self, bool etcd, int *out)
{
	int i, k = 0;

	for (i = 0; i < w->n && k < CONFIG_MAX_SERVERS; i++) {
		node_role r = w->nodes[i].cfg->role;

		if (i != self && (etcd ? role_has_etcd(r) : role_has_apiserver(r)))
			out[k++] = i;
	}
	return k;
}

static void etcd_catchup(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct wnode *n = node_of(w, arg);

	(void)s;
	if (!n || n->step != ST_ETCD_CATCHUP)
		return;
	n->flow_timer = SIM_TIMER_NONE;
	if (etcd__serving(w, n->id))
		become_ready(w, n);
	else
		n->step = ST_ETCD_WAIT;
}

static void run_step(struct world *w, struct wnode *n)
{
	const struct policy_params *pp = w->pp;

	switch (n->step) {
	case ST_AGENT_TOKEN:
		request(w, n, LB_SUPERVISOR, EP_CACERTS, pp->http_timeout);
		break;
	case ST_AGENT_CONFIG:
		request(w, n, LB_SUPERVISOR, EP_CONFIG, pp->http_timeout);
		break;
	case ST_CP_CACERTS:
		if (n->ca_on_disk && !legacy(w)) {
			go(w, n, ST_CP_DBINFO, 0);
			break;
		}
		request(w, n, -1, EP_CACERTS, pp->http_timeout);
		break;
	case ST_CP_DBINFO:
		request(w, n, -1, EP_DBINFO, pp->http_timeout);
		break;
	case ST_CP_BOOTSTRAP:
		if (legacy(w))
			go(w, n, ST_CP_BOOTSTRAP_HTTP, 0);
		else
			request(w, n, LB_ETCD, EP_ETCD_BOOTSTRAP,
				pp->etcd_bootstrap_timeout);
		break;
	case ST_CP_BOOTSTRAP_HTTP:
		request(w, n, -1, EP_SERVER_BOOTSTRAP,
			pp->server_bootstrap_timeout);
		break;
	case ST_CP_HEALTH:
		/* each try is bounded by the retry period */
		request(w, n, LB_ETCD, EP_ETCD_HEALTH, pp->etcd_health_retry);
		break;
	case ST_ETCD_CACERTS:
		if (n->ca_on_disk || n->cfg->server < 0) {
			go(w, n, etcd__is_member(w, n->id) ? ST_ETCD_WAIT
							   : ST_ETCD_MEMBER, 0);
			break;
		}
		request(w, n, -1, EP_CACERTS, pp->http_timeout);
		break;
	case ST_ETCD_MEMBER:
		/* joining for the first time: ask --server to add us */
		if (n->cfg->server < 0) {
			etcd__add_member(w, n->id);
			go(w, n, ST_ETCD_WAIT, 0);
			break;
		}
		request(w, n, -1, EP_MEMBER_ADD, pp->etcd_join_timeout);
		break;
	case ST_ETCD_WAIT:
		/* rejoined from the local datastore; Ready one heartbeat
		 * after the member can serve */
		if (etcd__serving(w, n->id)) {
			n->step = ST_ETCD_CATCHUP;
			n->flow_timer = sim_after(w->sim, pp->heartbeat,
						  etcd_catchup, w, node_arg(n));
		}
		break;
	default:
		SIM_BUG("node %d: no flow step %d", n->id, n->step);
	}
}

static void flow_done(struct world *w, struct op *op, result r)
{
	struct wnode *n = &w->nodes[op->node];
	int apis[CONFIG_MAX_SERVERS], k;
	bool ok = r == RES_OK;

	if ((int)op->tag != n->step)
		SIM_BUG("%s: flow answer for step %d at step %d",
			world__name(w, n->id), (int)op->tag, n->step);
	switch (n->step) {
	case ST_AGENT_TOKEN:
		if (!ok) {
			go(w, n, ST_AGENT_TOKEN, w->pp->token_retry);
			break;
		}
		k = role_list(w, n->id, false, apis);
		lb_set_list(w, &n->lbs[LB_SUPERVISOR], apis, k);
		go(w, n, ST_AGENT_CONFIG, 0);
		break;
	case ST_AGENT_CONFIG:
		if (ok)
			become_ready(w, n);
		else
			go(w, n, ST_AGENT_CONFIG, config_retry(w, n));
		break;
	case ST_CP_CACERTS:
		if (!ok) {
			fatal(w, n, "/cacerts from --server failed");
			break;
		}
		n->ca_on_disk = true;
		go(w, n, ST_CP_DBINFO, 0);
		break;
	case ST_CP_DBINFO:
		if (ok) {
			k = role_list(w, n->id, true, apis);
			lb_set_list(w, &n->lbs[LB_ETCD], apis, k);
		} else if (legacy(w)) {
			fatal(w, n, "/db/info from --server failed");
			break;
		} else {
			WTRACE(w, TRACE_NOTE, n->id, -1, "%s: warning: /db/info from --server failed",
			       world__name(w, n->id));
		}
		go(w, n, ST_CP_BOOTSTRAP, 0);
		break;
	case ST_CP_BOOTSTRAP:
		go(w, n, ok ? ST_CP_HEALTH : ST_CP_BOOTSTRAP_HTTP, 0);
		break;
	case ST_CP_BOOTSTRAP_HTTP:
		if (ok)
			go(w, n, ST_CP_HEALTH, 0);
		else
			fatal(w, n, "bootstrap data from --server failed");
		break;
	case ST_CP_HEALTH:
		if (ok)
			become_ready(w, n);
		else
			go(w, n, ST_CP_HEALTH, w->pp->etcd_health_retry);
		break;
	case ST_ETCD_CACERTS:
		if (!ok) {
			fatal(w, n, "/cacerts from --server failed");
			break;
		}
		n->ca_on_disk = true;
		go(w, n, etcd__is_member(w, n->id) ? ST_ETCD_WAIT
						   : ST_ETCD_MEMBER, 0);
		break;
	case ST_ETCD_MEMBER:
		if (ok) {
			etcd__add_member(w, n->id);
			go(w, n, ST_ETCD_WAIT, 0);
		} else {
			go(w, n, ST_ETCD_MEMBER, w->pp->etcd_join_retry);
		}
		break;
	default:
		SIM_BUG("%s: answer at step %d", world__name(w, n->id), n->step);
	}
}

void join__etcd_changed(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct wnode *n = &w->nodes[i];

		if (n->proc_up && n->step == ST_ETCD_WAIT)
			run_step(w, n);
	}
}

void join__start(struct world *w, int id)
{
	struct wnode *n = &w->nodes[id];

	SIM_ASSERT(!n->proc_up && n->host_up);
	n->proc_up = true;
	n->inc++;
	n->phase = PHASE_JOINING;
	WTRACE(w, TRACE_START, id, -1, "%s: k3s starts (%s)", world__name(w, id),
	       node_role_names[n->cfg->role]);
	world__node_changed(w, id);
	switch (n->cfg->role) {
	case ROLE_AGENT:
		lb_start(w, n, LB_SUPERVISOR, n->saved[LB_SUPERVISOR],
			 n->n_saved[LB_SUPERVISOR]);
		go(w, n, ST_AGENT_TOKEN, 0);
		break;
	case ROLE_CONTROL_PLANE:
		lb_start(w, n, LB_ETCD, n->saved[LB_ETCD], n->n_saved[LB_ETCD]);
		go(w, n, ST_CP_CACERTS, 0);
		break;
	case ROLE_ETCD:
	case ROLE_SERVER:
		go(w, n, ST_ETCD_CACERTS, 0);
		break;
	case ROLE_N:
		SIM_BUG("bad role");
	}
}

void join__stop(struct world *w, int id)
{
	struct wnode *n = &w->nodes[id];
	int k;

	n->inc++;
	if (!n->proc_up)
		return;
	n->proc_up = false;
	n->phase = PHASE_DOWN;
	n->step = ST_NONE;
	sim_cancel(w->sim, n->flow_timer);
	n->flow_timer = SIM_TIMER_NONE;
	for (k = 0; k < LB_N; k++)
		lb_stop(w, &n->lbs[k]);
	net__server_stopped(w, id);
	world__node_changed(w, id);
}
