/* The K3s join flows (join.h). */
#include "join.h"
#include "call.h"
#include "client.h"
#include "etcd.h"
#include "lb.h"
#include "node.h"

enum step {
	ST_NONE,
	ST_AGENT_TOKEN,
	ST_AGENT_CONFIG,
	ST_CP_CACERTS,
	ST_CP_DBINFO,
	ST_CP_CONFIG,
	ST_CP_BOOTSTRAP,
	ST_CP_BOOTSTRAP_HTTP,
	ST_CP_HEALTH,
	ST_ETCD_CACERTS,
	ST_ETCD_MEMBER,
	ST_ETCD_WAIT,
	ST_ETCD_CATCHUP,
	/* process start-up and readiness (start-up phases) */
	ST_STARTING,		/* phase "process", then the role's flow */
	ST_ETCD_HTTP_BOOTSTRAP,	/* row 6.9: a member first asks --server */
	ST_ETCD_START,		/* phase "etcd": the member starts */
	ST_API_START,		/* phase "apiserver" */
	ST_AGENT_APISERVERS,	/* row 6.5: WaitForAPIServers */
	ST_KUBELET,		/* phase "kubelet", then Ready */
};

struct flow {
	int id;
	int step;		/* enum step */
	sim_timer timer;	/* the flow's pending retry or wait */
	sim_time phase[STARTUP_N];	/* this start's start-up phases */
	sim_timer sync_timer;	/* the etcd LB's member sync (6.3) */
	const endpoint *gets;	/* the step's GET sequence, or NULL */
	int n_gets;
	int get;		/* the GET of it in flight */
	int gets_lb;		/* through this LB, or -1: --server */
};

struct joins {
	struct flow *f;		/* per node */
};

void join__init(struct world *w)
{
	int i;

	w->joins = g_new0(struct joins, 1);
	w->joins->f = g_new0(struct flow, w->n);
	for (i = 0; i < w->n; i++)
		w->joins->f[i].id = i;
}

void join__release(struct world *w)
{
	if (!w->joins)
		return;
	g_free(w->joins->f);
	g_free(w->joins);
	w->joins = NULL;
}

void join__reset(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		w->joins->f[i].step = ST_NONE;
		w->joins->f[i].timer = SIM_TIMER_NONE;
		w->joins->f[i].sync_timer = SIM_TIMER_NONE;
		w->joins->f[i].gets = NULL;
	}
}

static bool legacy(const struct world *w)
{
	return w->ops->flow == JOIN_FLOW_LEGACY;
}

static const struct node_config *cfg_of(const struct world *w,
					const struct flow *f)
{
	return &w->cfg->nodes[f->id];
}

/* ---- flow plumbing ---- */

static uint64_t flow_arg(const struct world *w, const struct flow *f)
{
	return ((uint64_t)node__inc(w, f->id) << 32) | (uint32_t)f->id;
}

/* The flow of a flow event, or NULL when its node has restarted since. */
static struct flow *flow_of(struct world *w, uint64_t arg)
{
	int id = (int)(uint32_t)arg;

	return node__live(w, id, (uint32_t)(arg >> 32)) ? &w->joins->f[id]
						       : NULL;
}

static void run_step(struct world *w, struct flow *f);

static void step_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct flow *f = flow_of(w, arg);

	(void)s;
	if (f) {
		f->timer = SIM_TIMER_NONE;
		run_step(w, f);
	}
}

static void go(struct world *w, struct flow *f, int step, sim_time delay)
{
	f->step = step;
	if (delay == 0) {
		run_step(w, f);
		return;
	}
	f->timer = sim_after(w->sim, delay, step_event, w, flow_arg(w, f));
}

static void become_ready(struct world *w, struct flow *f)
{
	int k;

	node__set_ready(w, f->id);
	f->step = ST_NONE;
	sim_cancel(w->sim, f->sync_timer);
	f->sync_timer = SIM_TIMER_NONE;
	WTRACE(w, TRACE_READY, f->id, -1, "%s: Ready", frame__name(w, f->id));
	/* without failover a Ready node dials no more in this model: its
	 * load balancers and their health checks would run idle, so they
	 * stop (a restart makes new ones, as K3s keeps no health state
	 * across restarts); with it they run on for session.c */
	for (k = 0; k < LB_N && !w->cfg->failover; k++)
		lb__stop(w, f->id, (lb_kind)k);
	frame__notify(w, CHANGE_READY, f->id);
}

/* ---- the flows ---- */

static void flow_done(struct world *w, struct call *c, result r);
static void member_serves(struct world *w, struct flow *f);
static void startup_step(struct world *w, struct flow *f);
static void startup_done(struct world *w, struct flow *f, bool ok);

static void request(struct world *w, struct flow *f, int lb, endpoint ep,
		    sim_time timeout)
{
	client__request(w, f->id, lb, lb < 0 ? cfg_of(w, f)->server : -1, ep,
		       timeout, false, flow_done, (uint64_t)f->step);
}

static sim_time config_retry(struct world *w, struct flow *f)
{
	sim_time lo = w->kp->config_retry_min, hi = w->kp->config_retry_max;

	return lo + (sim_time)(gsl_rng_uniform(w->rng[f->id].join) *
			       (double)(hi - lo));
}

/*
 * GET sequences: K3s's HTTP client keeps no connection alive
 * (clientaccess/token.go:284-290), so each GET is a new connection, a new
 * LB pass (K3S-MODEL 6.15). /cacerts is up to 3 GETs (getCACerts,
 * token.go:412-438, 6.10): with the system CAs (expected to fail, its
 * error ignored), insecure, then validating. The agent's config fetch
 * (agent/config/config.go:439-760) validates the token again, then GETs
 * /v1-k3s/config and five certificates (client-ca, server-ca,
 * serving-kubelet, client-kubelet, client-kube-proxy), modelled as six
 * config GETs. The pre-fix server (k3s-legacy, 6.11) validated the token
 * twice (bootstrap.go:113, 429-441 at the parent of 53fcadc02), then
 * GET /config, each fatal.
 */
static const endpoint gets_cacerts[] = {
	EP_CACERTS_PROBE, EP_CACERTS, EP_CACERTS,
};
static const endpoint gets_agent_config[] = {
	EP_CACERTS_PROBE, EP_CACERTS, EP_CACERTS,
	EP_CONFIG, EP_CONFIG, EP_CONFIG, EP_CONFIG, EP_CONFIG, EP_CONFIG,
};
static const endpoint gets_legacy[] = {
	EP_CACERTS_PROBE, EP_CACERTS, EP_CACERTS,
	EP_CACERTS_PROBE, EP_CACERTS, EP_CACERTS, EP_CONFIG,
};


static void get_next(struct world *w, struct flow *f)
{
	client__request(w, f->id, f->gets_lb,
			f->gets_lb < 0 ? cfg_of(w, f)->server : -1,
			f->gets[f->get], w->kp->http_timeout, false, flow_done,
			(uint64_t)f->step);
}

static void get_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct flow *f = flow_of(w, arg);

	(void)s;
	if (f && f->gets) {
		f->timer = SIM_TIMER_NONE;
		get_next(w, f);
	}
}

/* Starts the step's GETs @seq (@n of them) through @lb (-1: --server),
 * each with the 10 s client. */
static void gets(struct world *w, struct flow *f, int lb, const endpoint *seq,
		 int n)
{
	f->gets = seq;
	f->n_gets = n;
	f->get = 0;
	f->gets_lb = lb;
	get_next(w, f);
}

/* One GET of the step's sequence ended with @ok: sends the next and
 * returns true, or returns false when the sequence is over (@ok then
 * tells its outcome). A probe's outcome does not count. */
static bool gets_go_on(struct world *w, struct flow *f, endpoint ep, bool ok)
{
	if (!f->gets)
		return false;
	if ((ok || ep == EP_CACERTS_PROBE) && f->get + 1 < f->n_gets) {
		f->get++;
		f->timer = sim_after(w->sim, K3S_GET_GAP, get_event, w,
				     flow_arg(w, f));
		return true;
	}
	f->gets = NULL;
	return false;
}

/* Members and apiservers, for address lists: nodes of the role other than
 * @self, in topology order. The etcd list holds members only: K3s
 * ClientURLs() leaves learners (a first-joining node before its member
 * add) out (etcd.go:1483-1505, K3S-MODEL 6.14); the join server it puts
 * first loses its place in the LB's set (6.6). */
static int role_list(const struct world *w, int self, bool etcd, int *out)
{
	int i, k = 0;

	for (i = 0; i < w->n && k < CONFIG_MAX_SERVERS; i++) {
		node_role r = w->cfg->nodes[i].role;

		if (i != self && (etcd ? role_has_etcd(r) &&
					 etcd__is_member(w, i)
				       : role_has_apiserver(r)))
			out[k++] = i;
	}
	return k;
}

/*
 * The etcd LB's member sync (cluster.go:156, managed.go:113-135, K3S-MODEL
 * 6.3): M = etcd_member_sync after /db/info ended, then M after each try
 * ends, a MemberList through the etcd LB (no deadline); an answer gives
 * the LB the members and attaches the /ping checks.
 */
static void member_sync(sim *s, void *ctx, uint64_t arg);

static void arm_sync(struct world *w, struct flow *f)
{
	sim_cancel(w->sim, f->sync_timer);
	f->sync_timer = sim_after(w->sim, w->kp->etcd_member_sync, member_sync,
				  w, flow_arg(w, f));
}

static void synced(struct world *w, struct call *c, result r)
{
	struct flow *f = &w->joins->f[c->node];
	int list[CONFIG_MAX_SERVERS], k;

	if (!lb__of(w, f->id, LB_ETCD))
		return;		/* Ready since: the LB stopped */
	if (r == RES_OK) {
		k = role_list(w, f->id, true, list);
		lb__set_list(w, f->id, LB_ETCD, list, k);
		lb__attach_checks(w, f->id, LB_ETCD);
	}
	arm_sync(w, f);
}

static void member_sync(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct flow *f = flow_of(w, arg);

	(void)s;
	if (!f)
		return;
	f->sync_timer = SIM_TIMER_NONE;
	if (lb__of(w, f->id, LB_ETCD))
		client__request(w, f->id, LB_ETCD, -1, EP_MEMBER_LIST, 0, true,
				synced, 0);
}

static void etcd_catchup(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct flow *f = flow_of(w, arg);

	(void)s;
	if (!f || f->step != ST_ETCD_CATCHUP)
		return;
	f->timer = SIM_TIMER_NONE;
	if (etcd__serving(w, f->id))
		member_serves(w, f);
	else
		f->step = ST_ETCD_WAIT;
}

static void run_step(struct world *w, struct flow *f)
{
	const struct k3s_params *pp = w->kp;
	int server = cfg_of(w, f)->server;

	switch (f->step) {
	case ST_AGENT_TOKEN:
		/* agent/run.go:346-358: the token loop validates with
		 * /cacerts (6.10), each GET a new LB pass (6.15) */
		gets(w, f, LB_SUPERVISOR, gets_cacerts,
		     G_N_ELEMENTS(gets_cacerts));
		break;
	case ST_AGENT_CONFIG:
		gets(w, f, LB_SUPERVISOR, gets_agent_config,
		     G_N_ELEMENTS(gets_agent_config));
		break;
	case ST_CP_CACERTS:
		if (legacy(w)) {
			gets(w, f, -1, gets_legacy, G_N_ELEMENTS(gets_legacy));
			break;
		}
		if (node__ca_on_disk(w, f->id)) {
			go(w, f, ST_CP_DBINFO, 0);
			break;
		}
		gets(w, f, -1, gets_cacerts, G_N_ELEMENTS(gets_cacerts));
		break;
	case ST_CP_DBINFO:
		request(w, f, -1, EP_DBINFO, pp->http_timeout);
		break;
	case ST_CP_CONFIG:
		/* K3s compareConfig() (cluster/bootstrap.go:487-526,
		 * K3S-MODEL 6.2): the token check needs no GET with the CA
		 * on disk (it is, past ST_CP_CACERTS); then GET
		 * /v1-k3s/config from --server with the 10 s client */
		request(w, f, -1, EP_CONFIG, pp->http_timeout);
		break;
	case ST_CP_BOOTSTRAP:
		/* getBootstrapData (cluster/storage.go:259-265, K3S-MODEL
		 * 6.1): the etcd client connects through the etcd LB with
		 * WithBlock within 5 s, then its Get has 10 s */
		client__request_blocking(w, f->id, LB_ETCD, EP_ETCD_BOOTSTRAP,
					 pp->etcd_dial_timeout,
					 pp->etcd_bootstrap_timeout, flow_done,
					 (uint64_t)f->step);
		break;
	case ST_CP_BOOTSTRAP_HTTP:
		/* the pre-fix httpBootstrap used the default 10 s client
		 * (bootstrap.go:393-394 at the parent of 53fcadc02, 6.11) */
		request(w, f, -1, EP_SERVER_BOOTSTRAP,
			legacy(w) ? pp->http_timeout
				  : pp->server_bootstrap_timeout);
		break;
	case ST_CP_HEALTH:
		/* K3s executor.ETCD() test loop (embed.go:368-381, row
		 * 6.8): each Status call up to etcd_status_timeout
		 * (etcd.go:63, 1450), the next try etcd_health_retry after
		 * a failure (flow_done) */
		request(w, f, LB_ETCD, EP_ETCD_HEALTH, pp->etcd_status_timeout);
		break;
	case ST_ETCD_CACERTS:
		if (node__ca_on_disk(w, f->id) || server < 0) {
			go(w, f, etcd__is_member(w, f->id) ? ST_ETCD_HTTP_BOOTSTRAP
							  : ST_ETCD_MEMBER, 0);
			break;
		}
		gets(w, f, -1, gets_cacerts, G_N_ELEMENTS(gets_cacerts));
		break;
	case ST_ETCD_MEMBER:
		/* joining for the first time: ask --server to add us */
		if (server < 0) {	/* added as its etcd starts */
			go(w, f, ST_ETCD_START, f->phase[STARTUP_ETCD]);
			break;
		}
		request(w, f, -1, EP_MEMBER_ADD, pp->etcd_join_timeout);
		break;
	case ST_ETCD_WAIT:
		/* rejoined from the local datastore; Ready one heartbeat
		 * after the member can serve */
		if (etcd__serving(w, f->id)) {
			f->step = ST_ETCD_CATCHUP;
			f->timer = sim_after(w->sim, pp->heartbeat,
					     etcd_catchup, w, flow_arg(w, f));
		}
		break;
	default:
		startup_step(w, f);
	}
}

static void flow_done(struct world *w, struct call *c, result r)
{
	struct flow *f = &w->joins->f[c->node];
	int apis[CONFIG_MAX_SERVERS], k;
	bool ok = r == RES_OK;

	if ((int)c->tag != f->step)
		SIM_BUG("%s: flow answer for step %d at step %d",
			frame__name(w, f->id), (int)c->tag, f->step);
	if (gets_go_on(w, f, c->ep, ok))
		return;
	switch (f->step) {
	case ST_AGENT_TOKEN:
		if (!ok) {
			go(w, f, ST_AGENT_TOKEN, w->kp->token_retry);
			break;
		}
		/* the apiserver list and the tunnels come after the config
		 * (row 6.5: ST_AGENT_APISERVERS) */
		go(w, f, ST_AGENT_CONFIG, 0);
		break;
	case ST_AGENT_CONFIG:
		if (ok)
			go(w, f, ST_AGENT_APISERVERS, 0);
		else
			go(w, f, ST_AGENT_CONFIG, config_retry(w, f));
		break;
	case ST_CP_CACERTS:
		if (!ok) {
			node__fatal(w, f->id, c->ep == EP_CONFIG
				    ? "config check with --server failed"
				    : "/cacerts from --server failed");
			break;
		}
		node__set_ca_on_disk(w, f->id);
		/* the pre-fix flow: server-bootstrap, then /db/info (6.11) */
		go(w, f, legacy(w) ? ST_CP_BOOTSTRAP_HTTP : ST_CP_DBINFO, 0);
		break;
	case ST_CP_DBINFO:
		if (ok) {
			k = role_list(w, f->id, true, apis);
			lb__set_list(w, f->id, LB_ETCD, apis, k);
			lb__attach_checks(w, f->id, LB_ETCD);
		} else if (legacy(w)) {
			node__fatal(w, f->id, "/db/info from --server failed");
			break;
		} else {
			WTRACE(w, TRACE_NOTE, f->id, -1, "%s: warning: /db/info "
			       "from --server failed", frame__name(w, f->id));
		}
		arm_sync(w, f);
		go(w, f, legacy(w) ? ST_CP_HEALTH : ST_CP_CONFIG, 0);
		break;
	case ST_CP_CONFIG:
		/* a failure only warns (bootstrap.go:523-526) */
		if (!ok)
			WTRACE(w, TRACE_NOTE, f->id, -1, "%s: warning: skipping "
			       "cluster configuration validation",
			       frame__name(w, f->id));
		go(w, f, ST_CP_BOOTSTRAP, 0);
		break;
	case ST_CP_BOOTSTRAP:
		go(w, f, ok ? ST_CP_HEALTH : ST_CP_BOOTSTRAP_HTTP, 0);
		break;
	case ST_CP_BOOTSTRAP_HTTP:
		if (ok)
			go(w, f, legacy(w) ? ST_CP_DBINFO : ST_CP_HEALTH, 0);
		else
			node__fatal(w, f->id, "bootstrap data from --server failed");
		break;
	case ST_CP_HEALTH:
		if (ok)
			go(w, f, ST_API_START, f->phase[STARTUP_APISERVER]);
		else
			go(w, f, ST_CP_HEALTH, w->kp->etcd_health_retry);
		break;
	case ST_ETCD_CACERTS:
		if (!ok) {
			node__fatal(w, f->id, "/cacerts from --server failed");
			break;
		}
		node__set_ca_on_disk(w, f->id);
		go(w, f, etcd__is_member(w, f->id) ? ST_ETCD_HTTP_BOOTSTRAP
						  : ST_ETCD_MEMBER, 0);
		break;
	case ST_ETCD_MEMBER:
		if (ok)		/* added as its etcd starts */
			go(w, f, ST_ETCD_START, f->phase[STARTUP_ETCD]);
		else
			go(w, f, ST_ETCD_MEMBER, w->kp->etcd_join_retry);
		break;
	default:
		startup_done(w, f, ok);
	}
}

/* ---- process start-up and readiness ---- */

/*
 * The start-up phases of this start (config.h startup_phase), one draw
 * per phase from the node's own stream, whether its role uses the phase
 * or not, so that a flow that skips one shifts no later draw.
 */
static void draw_startup(struct world *w, struct flow *f)
{
	int k;

	for (k = 0; k < STARTUP_N; k++) {
		sim_time t = dist_sample_time(
			world_config_startup(w->cfg, f->id, (startup_phase)k),
			w->rng[f->id].join);

		f->phase[k] = t > 0 ? t : 0;
	}
}

static void begin_flow(struct world *w, struct flow *f);

/* A member serves (quorum, a leader, one heartbeat): an etcd-only server
 * is Ready (its kubelet, which needs a remote apiserver, is not
 * modelled); a server starts its apiserver. */
static void member_serves(struct world *w, struct flow *f)
{
	if (role_has_apiserver(cfg_of(w, f)->role))
		go(w, f, ST_API_START, f->phase[STARTUP_APISERVER]);
	else
		become_ready(w, f);
}

/* The steps of the start-up phases and rows 6.5, 6.9, run by run_step. */
static void startup_step(struct world *w, struct flow *f)
{
	const struct k3s_params *pp = w->kp;

	switch (f->step) {
	case ST_STARTING:
		begin_flow(w, f);
		break;
	case ST_ETCD_HTTP_BOOTSTRAP:
		/* K3s Bootstrap() (cluster/bootstrap.go:58-75, row 6.9): an
		 * initialized member with a join URL first tries
		 * httpBootstrap, GET server-bootstrap from --server (15 s,
		 * bootstrap.go:461); a failure only warns, then it
		 * reconciles from its local datastore */
		if (cfg_of(w, f)->server < 0) {
			go(w, f, ST_ETCD_START, f->phase[STARTUP_ETCD]);
			break;
		}
		request(w, f, -1, EP_SERVER_BOOTSTRAP,
			pp->server_bootstrap_timeout);
		break;
	case ST_ETCD_START:
		/* the member runs: it counts for quorum, 2379 opens. A new
		 * member is counted in the cluster's size from here, not from
		 * its member add: etcd's leader steps down only after an
		 * election timeout without a quorum (check-quorum), longer
		 * than this phase, so the add alone loses no leader */
		node__set_etcd_up(w, f->id);
		WTRACE(w, TRACE_NOTE, f->id, -1, "%s: etcd member started",
		       frame__name(w, f->id));
		f->step = ST_ETCD_WAIT;
		etcd__add_member(w, f->id);	/* no-op for a member */
		etcd__changed(w);
		if (f->step == ST_ETCD_WAIT)
			run_step(w, f);
		break;
	case ST_API_START:
		node__set_api_up(w, f->id);
		WTRACE(w, TRACE_NOTE, f->id, -1, "%s: apiserver serving",
		       frame__name(w, f->id));
		go(w, f, ST_KUBELET, f->phase[STARTUP_KUBELET]);
		break;
	case ST_AGENT_APISERVERS:
		/* K3s WaitForAPIServers (agent/config/config.go:99-125,
		 * row 6.5), polled every apiservers_poll, through the LB */
		request(w, f, LB_SUPERVISOR, EP_APISERVERS, pp->http_timeout);
		break;
	case ST_KUBELET:
		become_ready(w, f);
		break;
	default:
		SIM_BUG("node %d: no flow step %d", f->id, f->step);
	}
}

static void startup_done(struct world *w, struct flow *f, bool ok)
{
	int k, apis[CONFIG_MAX_SERVERS];

	switch (f->step) {
	case ST_ETCD_HTTP_BOOTSTRAP:
		if (!ok)
			WTRACE(w, TRACE_NOTE, f->id, -1, "%s: warning: unable "
			       "to reconcile with remote datastore; using the "
			       "local one", frame__name(w, f->id));
		go(w, f, ST_ETCD_START, f->phase[STARTUP_ETCD]);
		break;
	case ST_AGENT_APISERVERS:
		if (!ok) {
			go(w, f, ST_AGENT_APISERVERS, w->kp->apiservers_poll);
			break;
		}
		/* proxy.Update(addresses) and one tunnel per address
		 * (tunnel.go:160-166, 441-448): the LB's health source */
		k = role_list(w, f->id, false, apis);
		lb__set_list(w, f->id, LB_SUPERVISOR, apis, k);
		lb__attach_checks(w, f->id, LB_SUPERVISOR);
		go(w, f, ST_KUBELET, f->phase[STARTUP_KUBELET]);
		break;
	default:
		SIM_BUG("%s: answer at step %d", frame__name(w, f->id), f->step);
	}
}

void join__etcd_changed(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct flow *f = &w->joins->f[i];

		if (node__running(w, i) && f->step == ST_ETCD_WAIT)
			run_step(w, f);
	}
}

/* The role's flow, once the process has started up (phase "process"). */
static void begin_flow(struct world *w, struct flow *f)
{
	int id = f->id;

	switch (w->cfg->nodes[id].role) {
	case ROLE_AGENT:
		lb__start(w, id, LB_SUPERVISOR);
		go(w, f, ST_AGENT_TOKEN, 0);
		break;
	case ROLE_CONTROL_PLANE:
		lb__start(w, id, LB_ETCD);
		go(w, f, ST_CP_CACERTS, 0);
		break;
	case ROLE_ETCD:
	case ROLE_SERVER:
		go(w, f, ST_ETCD_CACERTS, 0);
		break;
	case ROLE_N:
		SIM_BUG("bad role");
	}
}

void join__started(struct world *w, int id)
{
	struct flow *f = &w->joins->f[id];

	draw_startup(w, f);
	go(w, f, ST_STARTING, f->phase[STARTUP_PROCESS]);
}

void join__stopped(struct world *w, int id)
{
	struct flow *f = &w->joins->f[id];
	int k;

	f->step = ST_NONE;
	sim_cancel(w->sim, f->timer);
	f->timer = SIM_TIMER_NONE;
	sim_cancel(w->sim, f->sync_timer);
	f->sync_timer = SIM_TIMER_NONE;
	f->gets = NULL;
	for (k = 0; k < LB_N; k++)
		lb__stop(w, id, (lb_kind)k);
}
