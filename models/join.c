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
};

struct flow {
	int id;
	int step;		/* enum step */
	sim_timer timer;	/* the flow's pending retry or wait */
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

static void etcd_catchup(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct flow *f = flow_of(w, arg);

	(void)s;
	if (!f || f->step != ST_ETCD_CATCHUP)
		return;
	f->timer = SIM_TIMER_NONE;
	if (etcd__serving(w, f->id))
		become_ready(w, f);
	else
		f->step = ST_ETCD_WAIT;
}

static void run_step(struct world *w, struct flow *f)
{
	const struct k3s_params *pp = w->kp;
	int server = cfg_of(w, f)->server;

	switch (f->step) {
	case ST_AGENT_TOKEN:
		request(w, f, LB_SUPERVISOR, EP_CACERTS, pp->http_timeout);
		break;
	case ST_AGENT_CONFIG:
		request(w, f, LB_SUPERVISOR, EP_CONFIG, pp->http_timeout);
		break;
	case ST_CP_CACERTS:
		if (node__ca_on_disk(w, f->id) && !legacy(w)) {
			go(w, f, ST_CP_DBINFO, 0);
			break;
		}
		request(w, f, -1, EP_CACERTS, pp->http_timeout);
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
		if (legacy(w))
			go(w, f, ST_CP_BOOTSTRAP_HTTP, 0);
		else
			request(w, f, LB_ETCD, EP_ETCD_BOOTSTRAP,
				pp->etcd_bootstrap_timeout);
		break;
	case ST_CP_BOOTSTRAP_HTTP:
		request(w, f, -1, EP_SERVER_BOOTSTRAP,
			pp->server_bootstrap_timeout);
		break;
	case ST_CP_HEALTH:
		/* each try is bounded by the retry period */
		request(w, f, LB_ETCD, EP_ETCD_HEALTH, pp->etcd_health_retry);
		break;
	case ST_ETCD_CACERTS:
		if (node__ca_on_disk(w, f->id) || server < 0) {
			go(w, f, etcd__is_member(w, f->id) ? ST_ETCD_WAIT
							  : ST_ETCD_MEMBER, 0);
			break;
		}
		request(w, f, -1, EP_CACERTS, pp->http_timeout);
		break;
	case ST_ETCD_MEMBER:
		/* joining for the first time: ask --server to add us */
		if (server < 0) {
			etcd__add_member(w, f->id);
			go(w, f, ST_ETCD_WAIT, 0);
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
		SIM_BUG("node %d: no flow step %d", f->id, f->step);
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
	switch (f->step) {
	case ST_AGENT_TOKEN:
		if (!ok) {
			go(w, f, ST_AGENT_TOKEN, w->kp->token_retry);
			break;
		}
		k = role_list(w, f->id, false, apis);
		lb__set_list(w, f->id, LB_SUPERVISOR, apis, k);
		go(w, f, ST_AGENT_CONFIG, 0);
		break;
	case ST_AGENT_CONFIG:
		if (ok)
			become_ready(w, f);
		else
			go(w, f, ST_AGENT_CONFIG, config_retry(w, f));
		break;
	case ST_CP_CACERTS:
		if (!ok) {
			node__fatal(w, f->id, "/cacerts from --server failed");
			break;
		}
		node__set_ca_on_disk(w, f->id);
		go(w, f, ST_CP_DBINFO, 0);
		break;
	case ST_CP_DBINFO:
		if (ok) {
			k = role_list(w, f->id, true, apis);
			lb__set_list(w, f->id, LB_ETCD, apis, k);
		} else if (legacy(w)) {
			node__fatal(w, f->id, "/db/info from --server failed");
			break;
		} else {
			WTRACE(w, TRACE_NOTE, f->id, -1, "%s: warning: /db/info "
			       "from --server failed", frame__name(w, f->id));
		}
		go(w, f, legacy(w) ? ST_CP_BOOTSTRAP : ST_CP_CONFIG, 0);
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
			go(w, f, ST_CP_HEALTH, 0);
		else
			node__fatal(w, f->id, "bootstrap data from --server failed");
		break;
	case ST_CP_HEALTH:
		if (ok)
			become_ready(w, f);
		else
			go(w, f, ST_CP_HEALTH, w->kp->etcd_health_retry);
		break;
	case ST_ETCD_CACERTS:
		if (!ok) {
			node__fatal(w, f->id, "/cacerts from --server failed");
			break;
		}
		node__set_ca_on_disk(w, f->id);
		go(w, f, etcd__is_member(w, f->id) ? ST_ETCD_WAIT
						  : ST_ETCD_MEMBER, 0);
		break;
	case ST_ETCD_MEMBER:
		if (ok) {
			etcd__add_member(w, f->id);
			go(w, f, ST_ETCD_WAIT, 0);
		} else {
			go(w, f, ST_ETCD_MEMBER, w->kp->etcd_join_retry);
		}
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

void join__started(struct world *w, int id)
{
	struct flow *f = &w->joins->f[id];

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

void join__stopped(struct world *w, int id)
{
	struct flow *f = &w->joins->f[id];
	int k;

	f->step = ST_NONE;
	sim_cancel(w->sim, f->timer);
	f->timer = SIM_TIMER_NONE;
	for (k = 0; k < LB_N; k++)
		lb__stop(w, id, (lb_kind)k);
}
