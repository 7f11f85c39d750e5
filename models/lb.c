/* Load balancers: the policy driver and its health checkers (lb.h). */
#include "lb.h"
#include "net.h"
#include "node.h"
#include "server.h"
#include "policies/outlier.h"

#include <string.h>

/* Per-server health as a checker last saw it (tunnel or /ping). */
typedef enum {
	HEALTH_UNKNOWN,
	HEALTH_OK,
	HEALTH_FAILED,
} health;

struct lb {
	struct world *w;	/* back pointers for the policy's callbacks */
	int node;
	int kind;		/* lb_kind */
	void *state;		/* the policy's; NULL when not running */
	struct lb_env env;
	int servers[CONFIG_MAX_SERVERS];	/* the address list */
	int n_servers;
	int saved[CONFIG_MAX_SERVERS];	/* the list kept across restarts */
	int n_saved;
	int default_server;	/* --server, or -1 */
	sim_timer health_timer;	/* the LB's health-check loop */
	struct retry_budget budget;	/* passes after the first spend it */
	struct outlier outlier;		/* when params->outlier.enabled */
	int checked[CONFIG_MAX_SERVERS];	/* servers with a checker */
	health check[CONFIG_MAX_SERVERS];	/* their latest result */
	bool fresh[CONFIG_MAX_SERVERS];	/* etcd LB: a /ping result the
					 * health loop has not read yet */
	sim_timer check_timer[CONFIG_MAX_SERVERS];
	bool check_busy[CONFIG_MAX_SERVERS];	/* a dial or ping in flight */
	sim_time check_since[CONFIG_MAX_SERVERS]; /* a tunnel: connected at */
	bool cancelled[CONFIG_MAX_SERVERS];	/* lb__cancel_check() */
	uint32_t check_gen[CONFIG_MAX_SERVERS];	/* bumped at a cancel */
	int n_checked;
	bool checks_on;		/* checkers run (the etcd LB's only once
				 * lb__attach_checks(), K3S-MODEL 6.3) */
};

struct lbs {
	struct lb *lb;		/* n x LB_N */
	struct lb_hooks hooks;
	lb_close_fn held_close[2]; /* session.c's, apietcd.c's, or NULL */
};

static struct lb *get(struct world *w, int node, int kind)
{
	return &w->lbs->lb[node * LB_N + kind];
}

void lb__init(struct world *w)
{
	w->lbs = g_new0(struct lbs, 1);
	w->lbs->lb = g_new0(struct lb, (size_t)w->n * LB_N);
}

void lb__release(struct world *w)
{
	if (!w->lbs)
		return;
	lb__cleanup(w);
	g_free(w->lbs->lb);
	g_free(w->lbs);
	w->lbs = NULL;
}

void lb__set_hooks(struct world *w, const struct lb_hooks *hooks)
{
	w->lbs->hooks = *hooks;
}

void lb__set_held_close(struct world *w, lb_close_fn fn)
{
	int k = w->lbs->held_close[0] != NULL;

	SIM_ASSERT(w->lbs->held_close[k] == NULL);
	w->lbs->held_close[k] = fn;
}

void lb__reset(struct world *w)
{
	int id;

	for (id = 0; id < w->n; id++) {
		const struct node_config *c = &w->cfg->nodes[id];
		struct lb *sup = get(w, id, LB_SUPERVISOR);
		struct lb *etcd = get(w, id, LB_ETCD);
		size_t i;

		sup->n_saved = etcd->n_saved = 0;
		for (i = 0; i < c->n_cache; i++) {
			int s = c->cache[i];
			node_role r = w->cfg->nodes[s].role;

			if (s == id)
				continue;
			if (role_has_apiserver(r) &&
			    sup->n_saved < CONFIG_MAX_SERVERS)
				sup->saved[sup->n_saved++] = s;
			if (role_has_etcd(r) && etcd->n_saved < CONFIG_MAX_SERVERS)
				etcd->saved[etcd->n_saved++] = s;
		}
	}
}

void lb__cleanup(struct world *w)
{
	int k;

	for (k = 0; k < w->n * LB_N; k++) {
		struct lb *lb = &w->lbs->lb[k];

		if (lb->state) {
			policy_lb_free(w->ops, lb->state);
			if (w->pp->outlier.enabled)
				outlier_release(&lb->outlier);
		}
		lb->state = NULL;
	}
}

/* ---- the policy's callbacks ---- */

static void lb_close_conns(void *model, int server)
{
	struct lb *lb = model;

	lb->w->lbs->hooks.close_conns(lb->w, lb->node, lb->kind, server);
	if (lb->w->lbs->held_close[0])
		lb->w->lbs->held_close[0](lb->w, lb->node, lb->kind, server);
	if (lb->w->lbs->held_close[1])
		lb->w->lbs->held_close[1](lb->w, lb->node, lb->kind, server);
}

static void lb_on_state(void *model, int server, const char *from,
			const char *to)
{
	struct lb *lb = model;

	WTRACE(lb->w, TRACE_STATE, lb->node, frame__host(lb->w, server),
	       "%s: %s LB: %s %s -> %s",
	       frame__name(lb->w, lb->node),
	       lb->kind == LB_ETCD ? "etcd" : "supervisor",
	       frame__name(lb->w, server), from, to);
}

/* ---- health checkers ---- */

static bool in_list(const int *list, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == x)
			return true;
	return false;
}

/* Adds a checker for @server. An alias id (a named --server) gets none:
 * K3s attaches no check to a STANDBY default (K3S-MODEL 6.6), and no
 * member list names the alias. */
static void revive_checked(struct lb *lb, int server);

static void add_checked(struct lb *lb, int server)
{
	if (server >= 0 && server < lb->w->n &&
	    in_list(lb->checked, lb->n_checked, server))
		revive_checked(lb, server);
	if (server < 0 || server >= lb->w->n ||
	    in_list(lb->checked, lb->n_checked, server) ||
	    lb->n_checked == CONFIG_MAX_SERVERS)
		return;
	lb->cancelled[lb->n_checked] = false;
	lb->checked[lb->n_checked] = server;
	lb->check[lb->n_checked] = HEALTH_UNKNOWN;
	lb->fresh[lb->n_checked] = false;
	lb->check_timer[lb->n_checked] = SIM_TIMER_NONE;
	lb->check_busy[lb->n_checked] = false;
	lb->n_checked++;
}

static uint64_t check_tag(const struct lb *lb, int i)
{
	return ((uint64_t)lb->check_gen[i] << 32) |
	       ((uint64_t)lb->kind << 16) | (uint64_t)i;
}

static struct lb *check_lb(struct world *w, struct call *c, int *i)
{
	struct lb *lb = get(w, c->node, (int)((c->tag >> 16) & 0xff));

	*i = (int)(c->tag & 0xffff);
	/* a cancelled checker's dial or ping ends unheard */
	if (lb->state && *i < lb->n_checked &&
	    (lb->cancelled[*i] ||
	     lb->check_gen[*i] != (uint32_t)(c->tag >> 32)))
		return NULL;
	return lb->state ? lb : NULL;
}

static void checker_due(sim *s, void *ctx, uint64_t arg);

/*
 * How long a connected tunnel to checked server @i takes to notice that
 * its server went silent now, in joins and after Ready alike (K3S-MODEL
 * 6.13 and 7): remotedialer pings every tunnel_ping_interval since it
 * connected, each resetting a read deadline of tunnel_ping_wait (V:
 * session.go:171-210, wsconn.go:79-98), so the deadline is the last
 * ping's time plus the wait: 55-60 s with the defaults.
 */
static sim_time silent_delay(struct world *w, const struct lb *lb, int i)
{
	sim_time iv = w->kp->tunnel_ping_interval;
	sim_time up = sim_now(w->sim) - lb->check_since[i];

	return w->kp->tunnel_ping_wait - (iv > 0 ? up % iv : 0);
}

static void set_check(struct world *w, struct lb *lb, int i, health h)
{
	if (lb->check[i] != h)
		WTRACE(w, TRACE_HEALTH, lb->node, lb->checked[i],
		       "%s: %s %s: %s", frame__name(w, lb->node),
		       lb->kind == LB_ETCD ? "etcd /ping of" : "tunnel to",
		       frame__name(w, lb->checked[i]),
		       h == HEALTH_OK ? (lb->kind == LB_ETCD ? "ok" : "connected")
				      : "failed");
	lb->check[i] = h;
	lb->fresh[i] = true;
}

static void schedule_check(struct world *w, struct lb *lb, int i,
			   sim_time delay)
{
	sim_cancel(w->sim, lb->check_timer[i]);
	lb->check_timer[i] = sim_after(w->sim, delay, checker_due, lb,
				       (uint64_t)i);
}

static void checked_done(struct world *w, struct call *c, result r)
{
	int i;
	struct lb *lb = check_lb(w, c, &i);

	if (!lb)
		return;
	lb->check_busy[i] = false;
	if (lb->kind == LB_ETCD) {
		sim_time lo = w->kp->etcd_ping_min, hi = w->kp->etcd_ping_max;

		set_check(w, lb, i, r == RES_OK ? HEALTH_OK : HEALTH_FAILED);
		schedule_check(w, lb, i, lo + (sim_time)(gsl_rng_uniform(
				w->rng[lb->node].join) * (double)(hi - lo)));
	} else if (r == RES_OK) {
		int server = lb->checked[i];

		set_check(w, lb, i, HEALTH_OK);	/* connected: watch it */
		lb->check_since[i] = sim_now(w->sim);
		/* the dial was decided when its SYN left: a server that went
		 * away since is noticed as lb__server_changed() would */
		if (!net__reachable(w, lb->node, server))
			schedule_check(w, lb, i, silent_delay(w, lb, i));
		else if (!server__listening(w, server, PORT_SUPERVISOR)) {
			set_check(w, lb, i, HEALTH_FAILED);
			schedule_check(w, lb, i, w->kp->tunnel_reconnect);
		}
	} else {
		set_check(w, lb, i, HEALTH_FAILED);
		schedule_check(w, lb, i, w->kp->tunnel_reconnect);
	}
}

/* Starts a tunnel dial or a ping for checked server @i. */
static void start_checker(struct world *w, struct lb *lb, int i)
{
	int server = lb->checked[i];

	if (lb->check_busy[i] || !lb->checks_on || lb->cancelled[i])
		return;
	lb->check_busy[i] = true;
	lb->check_timer[i] = SIM_TIMER_NONE;
	if (lb->kind == LB_ETCD)
		w->lbs->hooks.request(w, lb->node, -1, server, EP_PING,
				      w->kp->etcd_ping_timeout, true,
				      checked_done, check_tag(lb, i));
	else	/* the websocket dialer has no timeout: the kernel's SYN
		 * retries end it (tunnel.go:373, row 6.13) */
		w->lbs->hooks.dial(w, lb->node, server, PORT_SUPERVISOR,
				   w->kp->tcp_syn_timeout, true, checked_done,
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
		    server__listening(w, server, PORT_SUPERVISOR))
			return;
		/* (told in failover stories; the join traces stay as
		 * they were) */
		if (w->cfg->failover)
			WTRACE(w, TRACE_CONN, lb->node, server, "%s: tunnel to "
			       "%s: no ping for %.0fs: remotedialer read "
			       "deadline", frame__name(w, lb->node),
			       frame__name(w, server),
			       sim_time_to_s(w->kp->tunnel_ping_wait));
		set_check(w, lb, i, HEALTH_FAILED);
		schedule_check(w, lb, i, w->kp->tunnel_reconnect);
		return;
	}
	start_checker(w, lb, i);
}

void lb__server_changed(struct world *w, int server)
{
	int n, i;

	/* connected tunnels to @server notice: a reset at once when the
	 * process is gone but the host answers, else at the remotedialer
	 * ping read deadline (rows 6.13, 7: silent_delay()) */
	for (n = 0; n < w->n; n++) {
		struct lb *lb = get(w, n, LB_SUPERVISOR);

		if (!lb->state || !node__running(w, n))
			continue;
		for (i = 0; i < lb->n_checked; i++) {
			if (lb->checked[i] != server ||
			    lb->check[i] != HEALTH_OK)
				continue;
			if (!net__reachable(w, n, server)) {
				if (lb->check_timer[i] == SIM_TIMER_NONE)
					schedule_check(w, lb, i,
						       silent_delay(w, lb, i));
			} else if (!server__listening(w, server, PORT_SUPERVISOR)) {
				if (w->cfg->failover)
					WTRACE(w, TRACE_CONN, n, server,
					       "%s: tunnel to %s: reset (its "
					       "server stopped)",
					       frame__name(w, n),
					       frame__name(w, server));
				set_check(w, lb, i, HEALTH_FAILED);
				schedule_check(w, lb, i, w->kp->tunnel_reconnect);
			}
		}
	}
}

static void health_loop(sim *s, void *ctx, uint64_t arg)
{
	struct lb *lb = ctx;
	struct world *w = lb->w;
	int i;

	(void)s;
	(void)arg;
	lb->health_timer = sim_after(w->sim, w->kp->health_check_interval,
				     health_loop, lb, 0);
	for (i = 0; i < lb->n_checked && lb->state; i++) {
		health h = lb->check[i];

		if (lb->cancelled[i])
			continue;
		/* K3s's etcd check returns the last /ping status and resets
		 * it to Unknown (etcdproxy.go:100-105, K3S-MODEL 6.4): one
		 * ping counts once; a tunnel's status stays (tunnel.go) */
		if (lb->kind == LB_ETCD) {
			if (!lb->fresh[i])
				continue;
			lb->fresh[i] = false;
		}
		if (h != HEALTH_UNKNOWN)
			policy_record(w->ops, lb->state, lb->checked[i],
				      LB_CHECK_HEALTH,
				      h == HEALTH_OK ? LB_OK : LB_FAILED);
	}
}

/* ---- lifecycle and address lists ---- */

/* Gives the policy the address list (plus the default server when it has
 * no notion of one) and checks every server it may dial. */
static void set_list(struct world *w, struct lb *lb, const int *list, int n)
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
	memcpy(lb->saved, buf, (size_t)k * sizeof(int));
	lb->n_saved = k;
	if (!w->ops->set_default && lb->default_server >= 0 &&
	    !in_list(buf, k, lb->default_server))
		buf[k++] = lb->default_server;
	policy_set_servers(w->ops, lb->state, buf, (size_t)k);
	if (w->pp->outlier.enabled)
		outlier_set_servers(&lb->outlier, buf, (size_t)k);
	for (i = 0; i < k; i++)
		add_checked(lb, buf[i]);
	for (i = before; i < lb->n_checked && lb->checks_on; i++)
		start_checker(w, lb, i);
}

void lb__set_list(struct world *w, int node, lb_kind kind, const int *list,
		 int n)
{
	set_list(w, get(w, node, kind), list, n);
}

void lb__attach_checks(struct world *w, int node, lb_kind kind)
{
	struct lb *lb = get(w, node, kind);
	int i;

	if (!lb->state || lb->checks_on)
		return;
	lb->checks_on = true;
	/* K3s etcdproxy Update() checks the addresses it is given, and
	 * the agent opens one tunnel per apiserver of its list
	 * (tunnel.go:441-448): a default server outside the list stays
	 * unchecked */
	for (i = 0; i < lb->n_checked; i++)
		if (in_list(lb->servers, lb->n_servers, lb->checked[i]))
			start_checker(w, lb, i);
}

void lb__start(struct world *w, int node, lb_kind kind)
{
	struct lb *lb = get(w, node, kind);
	int saved[CONFIG_MAX_SERVERS];
	int n_saved = lb->n_saved;

	memcpy(saved, lb->saved, (size_t)n_saved * sizeof(int));
	lb->w = w;
	lb->node = node;
	lb->kind = kind;
	lb->n_checked = 0;
	lb->n_servers = 0;
	/* an agent's tunnels, its supervisor LB's only health source,
	 * start only once it has the apiserver list (row 6.5); the etcd
	 * LB's /ping checks only after /db/info or the member sync (6.3) */
	lb->checks_on = kind != LB_SUPERVISOR && kind != LB_ETCD;
	lb->default_server = w->cfg->nodes[node].server;
	/* --server as a name: an alias id of its own, never a member's id,
	 * so the default is not promoted in place (K3S-MODEL 6.6) */
	if (lb->default_server >= 0 &&
	    w->cfg->nodes[node].server_address == SERVER_ADDR_NAME)
		lb->default_server = frame__alias(w, lb->default_server);
	lb->env = (struct lb_env){
		.sim = w->sim,
		.params = w->pp,
		.rng = w->rng[node].policy,
		.close_conns = lb_close_conns,
		.model = lb,
		.on_state = w->trace ? lb_on_state : NULL,
	};
	lb->state = policy_lb_new(w->ops, &lb->env);
	if (w->pp->outlier.enabled)
		outlier_init(&lb->outlier, &w->pp->outlier, w->sim);
	if (w->pp->budget.enabled &&
	    !retry_budget_init(&lb->budget, w->pp->budget.max_tokens,
			       w->pp->budget.refund, NULL))
		SIM_BUG("a retry budget the spec loader accepted is invalid");
	policy_set_default(w->ops, lb->state, lb->default_server);
	if (w->ops->set_default)
		add_checked(lb, lb->default_server);
	set_list(w, lb, saved, n_saved);
	if (w->ops->set_default && lb->checks_on && lb->n_checked > 0 &&
	    lb->checked[0] == lb->default_server)
		start_checker(w, lb, 0);
	lb->health_timer = sim_after(w->sim, w->kp->health_check_interval,
				     health_loop, lb, 0);
}

void lb__start_settled(struct world *w, int node, lb_kind kind)
{
	int list[CONFIG_MAX_SERVERS], i, k;

	for (i = k = 0; i < w->n && k < CONFIG_MAX_SERVERS; i++)
		if (kind == LB_ETCD ? role_has_etcd(w->cfg->nodes[i].role)
				    : role_has_apiserver(w->cfg->nodes[i].role))
			list[k++] = i;
	lb__start(w, node, kind);
	lb__set_list(w, node, kind, list, k);
	lb__attach_checks(w, node, kind);
}

void lb__health_phase(struct world *w, int node, lb_kind kind,
		      sim_time delay)
{
	struct lb *lb = get(w, node, kind);

	if (!lb->state)
		return;
	sim_cancel(w->sim, lb->health_timer);
	lb->health_timer = sim_after(w->sim, delay, health_loop, lb, 0);
}

void lb__stop(struct world *w, int node, lb_kind kind)
{
	struct lb *lb = get(w, node, kind);
	int i;

	if (!lb->state)
		return;
	sim_cancel(w->sim, lb->health_timer);
	for (i = 0; i < lb->n_checked; i++)
		sim_cancel(w->sim, lb->check_timer[i]);
	policy_lb_free(w->ops, lb->state);
	if (w->pp->outlier.enabled)
		outlier_release(&lb->outlier);
	lb->state = NULL;
	lb->n_checked = 0;
}

/* ---- a request's passes ---- */

struct lb *lb__of(struct world *w, int node, int kind)
{
	struct lb *lb;

	if (kind < 0)
		return NULL;
	lb = get(w, node, kind);
	return lb->state ? lb : NULL;
}

/* The policy's own panic_threshold, else Envoy's default 50
 * (healthy_panic_threshold). */
static double panic_threshold(struct world *w)
{
	int i = policy_own_find(w->ops, "panic_threshold");

	return i >= 0 ? w->pp->own[i] : 50.0;
}

/* The policy's next server, past those outlier ejection has ejected (an
 * option any policy can enable: it wraps the policy, which never knows),
 * unless the servers not ejected are below the panic threshold (Envoy
 * load_balancer_impl.cc: ejected hosts are unhealthy, and in panic every
 * host is used). */
static int next_server(struct world *w, struct lb *lb, struct lb_pass *pass,
		       bool fresh)
{
	int s = policy_dial_next(w->ops, lb->state, pass);
	int skipped = 0;
	bool skip = w->pp->outlier.enabled &&
		    !outlier_in_panic(&lb->outlier, panic_threshold(w));

	while (s >= 0 && skip && outlier_ejected(&lb->outlier, s)) {
		skipped++;
		s = policy_dial_next(w->ops, lb->state, pass);
	}
	if (s < 0 && skipped > 0 && fresh) {
		/* every server the pass holds is ejected (threshold 0, or
		 * the policy's pass omits the others): ignore ejection for
		 * this pass rather than fail it */
		policy_dial_begin(w->ops, lb->state, pass);
		s = policy_dial_next(w->ops, lb->state, pass);
	}
	return s;
}

int lb__first(struct world *w, struct lb *lb, struct lb_pass *pass)
{
	policy_dial_begin(w->ops, lb->state, pass);
	return next_server(w, lb, pass, true);
}

int lb__next(struct world *w, struct lb *lb, struct lb_pass *pass)
{
	return next_server(w, lb, pass, false);
}

sim_time lb__connect_timeout(struct world *w, struct lb *lb, int server)
{
	return policy_connect_timeout(w->ops, lb->state, server, w->pp);
}

sim_time lb__pass_deadline(const struct world *w)
{
	return w->ops->pass_deadline;
}

bool lb__ignores_cancel(const struct world *w)
{
	return w->ops->dial_ignores_cancel;
}

void lb__dialed(struct world *w, struct lb *lb, int server, bool ok,
	       bool conn)
{
	/* K3s counts the new connection before it records the success, so
	 * an ACTIVE contest compares it too */
	if (ok && conn)
		policy_conn_open(w->ops, lb->state, server);
	policy_record(w->ops, lb->state, server, LB_CHECK_DIAL,
		      ok ? LB_OK : LB_FAILED);
	/* outlier ejection counts failed dials here and answers in
	 * lb__answered(): a connection alone is no success (Envoy counts
	 * responses) */
	if (w->pp->outlier.enabled && lb->state && !ok)
		outlier_record(&lb->outlier, server, false);
}

void lb__conn_closed(struct world *w, struct lb *lb, int server)
{
	policy_conn_close(w->ops, lb->state, server);
}

sim_time lb__pass_delay(struct world *w, struct lb *lb, int passes)
{
	return policy_pass_delay(w->ops, lb->state, passes);
}

bool lb__retry_spend(struct world *w, struct lb *lb)
{
	return !w->pp->budget.enabled || retry_budget_try_spend(&lb->budget);
}

void lb__answered(struct world *w, struct lb *lb, int server,
		 const struct lb_feedback *fb)
{
	policy_observe(w->ops, lb->state, server, fb);
	/* an error answer counts as a failure, as Envoy counts 5xx */
	if (w->pp->outlier.enabled)
		outlier_record(&lb->outlier, server, fb->ok);
	if (fb->ok && w->pp->budget.enabled)
		retry_budget_refund(&lb->budget);
}

sim_time lb__hedge_delay(struct world *w, struct lb *lb)
{
	return policy_hedge_delay(w->ops, lb->state);
}

sim_time lb__dial_stagger(struct world *w, struct lb *lb)
{
	return policy_dial_stagger(w->ops, lb->state);
}

void lb__dial_failed(struct world *w, struct lb *lb, int server,
		     sim_time connect)
{
	struct lb_feedback fb = { .connect = connect, .dial_failed = true };

	policy_observe(w->ops, lb->state, server, &fb);
}

/* ---- the list the EndpointSlice gives (endpoints.c) ---- */

int lb__list(struct world *w, int node, lb_kind kind, int *out)
{
	struct lb *lb = get(w, node, kind);

	if (!lb->state)
		return 0;
	memcpy(out, lb->servers, (size_t)lb->n_servers * sizeof(int));
	return lb->n_servers;
}

void lb__cancel_check(struct world *w, int node, lb_kind kind, int server)
{
	struct lb *lb = get(w, node, kind);
	int i;

	if (!lb->state)
		return;
	for (i = 0; i < lb->n_checked; i++) {
		if (lb->checked[i] != server || lb->cancelled[i])
			continue;
		sim_cancel(w->sim, lb->check_timer[i]);
		lb->check_timer[i] = SIM_TIMER_NONE;
		lb->cancelled[i] = true;
		lb->check_gen[i]++;
		lb->check_busy[i] = false;
		lb->check[i] = HEALTH_UNKNOWN;
		lb->fresh[i] = false;
		WTRACE(w, TRACE_HEALTH, node, server, "%s: %s to %s cancelled",
		       frame__name(w, node),
		       kind == LB_ETCD ? "etcd /ping" : "tunnel",
		       frame__name(w, server));
	}
}

/* A cancelled checker of @server listed again: a new one (K3s starts a
 * new tunnel for an added address, tunnel.go:495-502). */
static void revive_checked(struct lb *lb, int server)
{
	int i;

	for (i = 0; i < lb->n_checked; i++) {
		if (lb->checked[i] != server || !lb->cancelled[i])
			continue;
		lb->cancelled[i] = false;
		lb->check[i] = HEALTH_UNKNOWN;
		lb->fresh[i] = false;
		lb->check_busy[i] = false;
		lb->check_timer[i] = SIM_TIMER_NONE;
		start_checker(lb->w, lb, i);
	}
}
