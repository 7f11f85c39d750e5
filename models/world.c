/*
 * The world: set-up and reset per scenario, the run,
 * and the notify step that tells the other modules, in a fixed order, that
 * something changed (layer 10 of models/, the top; world.h has the order).
 *
 * Every node starts Ready at time 0 (it joined before the scenario), with
 * its host and process up, unless the spec says "up": false. A node that
 * is Ready at time 0 runs no load balancer until it restarts: nothing in
 * the scenario dials through it before then; with failover, agents do
 * (session.h) and the run goes on to the deadline. The failure timeline
 * (timeline.h) decides what happens when.
 *
 * Owns: the world itself (the frame's context and streams) and the order
 * in which a change reaches the modules.
 * Calls: every other model file (it is the top).
 */
#include "frame.h"
#include "call.h"
#include "net.h"
#include "node.h"
#include "etcd.h"
#include "server.h"
#include "lb.h"
#include "client.h"
#include "apietcd.h"
#include "nodectl.h"
#include "endpoints.h"
#include "session.h"
#include "join.h"
#include "timeline.h"

#include <string.h>

/* ---- the notify step ---- */

/* Something about @node changed (host, process): etcd re-evaluates, then
 * the tunnels to it notice. Only etcd members matter to etcd: control-
 * plane and agent restarts differ between policies and must not move
 * elections. */
static void node_changed(struct world *w, int node)
{
	if (role_has_etcd(w->cfg->nodes[node].role))
		etcd__changed(w);
	lb__server_changed(w, node);
}

/*
 * The one place a change fans out, in a fixed order. Lower modules reach
 * it through frame__notify().
 */
static void notify(struct world *w, world_change what, int node)
{
	int i;

	switch (what) {
	case CHANGE_STARTED:
		node_changed(w, node);
		join__started(w, node);
		break;
	case CHANGE_STOPPED:
		session__stopped(w, node);
		join__stopped(w, node);
		server__stopped(w, node);
		node_changed(w, node);
		session__changed(w, node);
		nodectl__server_changed(w, node);
		apietcd__changed(w, node);
		endpoints__changed(w, node);
		break;
	case CHANGE_HOST:
		node_changed(w, node);
		session__changed(w, node);
		nodectl__server_changed(w, node);
		apietcd__changed(w, node);
		endpoints__changed(w, node);
		break;
	case CHANGE_REACH:
		etcd__changed(w);
		for (i = 0; i < w->n; i++)
			lb__server_changed(w, i);
		session__changed(w, -1);
		apietcd__changed(w, -1);
		endpoints__changed(w, -1);
		nodectl__reach_changed(w);
		break;
	case CHANGE_ETCD:
		join__etcd_changed(w);
		endpoints__etcd_changed(w);
		break;
	case CHANGE_READY:
		timeline__ready(w, node);
		session__ready(w, node);
		apietcd__changed(w, node);
		endpoints__changed(w, node);
		nodectl__joined(w, node);
		break;
	}
}

/* ---- set-up ---- */

void world_set_tie_reverse(struct world *w, bool reverse)
{
	sim_set_tie_reverse(w->sim, reverse);
}

struct world *world_new(const struct world_config *cfg,
			const struct policy_ops *ops,
			const struct policy_params *params,
			const struct k3s_params *k3s)
{
	struct world *w = g_new0(struct world, 1);
	int i;

	SIM_ASSERT(cfg->n_nodes > 0 && cfg->n_nodes <= CONFIG_MAX_NODES);
	w->cfg = cfg;
	w->ops = ops;
	w->pp = params;
	w->kp = k3s;
	w->sim = sim_new();
	w->n = (int)cfg->n_nodes;
	w->notify = notify;
	w->rng = g_new0(struct streams, cfg->n_nodes);
	w->alias = g_new0(char *, cfg->n_nodes + 1);
	for (i = 0; i < w->n; i++)
		w->alias[i] = g_strdup_printf("%s (name)", cfg->nodes[i].name);
	for (i = 0; i < w->n; i++) {
		struct streams *r = &w->rng[i];

		r->latency = gsl_rng_alloc(gsl_rng_taus2);
		r->service = gsl_rng_alloc(gsl_rng_taus2);
		r->join = gsl_rng_alloc(gsl_rng_taus2);
		r->policy = gsl_rng_alloc(gsl_rng_taus2);
		r->loss = gsl_rng_alloc(gsl_rng_taus2);
	}
	call__pool_init(w);
	net__init(w, timeline__max_slots(cfg));
	node__init(w);
	etcd__init(w);
	server__init(w);
	lb__init(w);
	client__init(w);
	apietcd__init(w);
	nodectl__init(w);
	endpoints__init(w);
	session__init(w);
	join__init(w);
	timeline__init(w);
	return w;
}

/* Ends what a run left behind: load balancers, queues, calls. */
static void cleanup(struct world *w)
{
	lb__cleanup(w);
	server__cleanup(w);
	call__pool_reset(w);
}

void world_free(struct world *w)
{
	int i;

	if (!w)
		return;
	cleanup(w);
	timeline__release(w);
	join__release(w);
	session__release(w);
	endpoints__release(w);
	nodectl__release(w);
	apietcd__release(w);
	lb__release(w);
	server__release(w);
	etcd__release(w);
	node__release(w);
	net__release(w);
	call__pool_release(w);
	for (i = 0; i < w->n; i++) {
		struct streams *r = &w->rng[i];

		gsl_rng_free(r->latency);
		gsl_rng_free(r->service);
		gsl_rng_free(r->join);
		gsl_rng_free(r->policy);
		gsl_rng_free(r->loss);
	}
	g_free(w->rng);
	g_strfreev(w->alias);
	sim_free(w->sim);
	g_free(w);
}

void world_set_trace(struct world *w, world_trace_fn fn, void *ctx)
{
	w->trace = fn;
	w->trace_ctx = ctx;
}

void run_record_init(struct run_record *rec, size_t n_nodes)
{
	memset(rec, 0, sizeof(*rec));
	rec->n_nodes = n_nodes;
	rec->nodes = g_new0(struct node_record, n_nodes);
}

void run_record_release(struct run_record *rec)
{
	g_free(rec->nodes);
	memset(rec, 0, sizeof(*rec));
}

/* ---- a run ---- */

static void seed_streams(struct world *w, uint64_t seed, uint64_t scenario)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct streams *r = &w->rng[i];
		uint64_t e = (uint64_t)i;

		sim_rng_seed(r->latency, seed, scenario, SIM_RNG_LATENCY, e);
		sim_rng_seed(r->service, seed, scenario, SIM_RNG_SERVICE, e);
		sim_rng_seed(r->join, seed, scenario, SIM_RNG_JOIN, e);
		sim_rng_seed(r->policy, seed, scenario, SIM_RNG_POLICY, e);
		sim_rng_seed(r->loss, seed, scenario, SIM_RNG_LOSS, e);
	}
}

void world_run(struct world *w, uint64_t seed, uint64_t scenario,
	       struct run_record *rec)
{
	size_t slots;
	int i;

	SIM_ASSERT(rec->n_nodes == (size_t)w->n);
	sim_reset(w->sim);
	memset(rec->nodes, 0, (size_t)w->n * sizeof(*rec->nodes));
	w->rec = rec;
	seed_streams(w, seed, scenario);
	slots = timeline__draw(w, seed, scenario);
	net__reset(w, slots);
	node__reset(w);
	server__reset(w);
	lb__reset(w);
	join__reset(w);
	etcd__reset(w, seed, scenario);
	rec->failover = w->cfg->failover;
	rec->fo_happened = false;
	rec->fo_at = 0;
	nodectl__reset(w);
	apietcd__reset(w, seed, scenario);
	endpoints__reset(w, seed, scenario);
	session__reset(w);
	/* with failover the run goes on to the deadline */
	if (timeline__start(w) || w->cfg->failover)
		sim_run(w->sim, w->cfg->deadline);
	nodectl__finish(w);
	rec->success = true;
	for (i = 0; i < w->n; i++)
		if (rec->nodes[i].counted && !rec->nodes[i].ready)
			rec->success = false;
	rec->end = sim_now(w->sim);
	rec->events = sim_events_run(w->sim);
	cleanup(w);
	w->rec = NULL;
}
