/* The `kubernetes` EndpointSlice and the agents' watch (endpoints.h). */
#include "endpoints.h"
#include "etcd.h"
#include "lb.h"
#include "net.h"
#include "node.h"
#include "server.h"

struct watcher {
	int server;		/* the watch is held to it, or -1 */
	sim_time rtt;
	uint32_t seen;		/* the slice version last delivered */
	int list[CONFIG_MAX_SERVERS];	/* ... and its servers */
	int n_list;
	uint32_t gen;		/* bumped when the watch ends */
	sim_timer debounce;
};

struct endpoints {
	sim_time *expiry;	/* per node: its endpoint lease, or -1 */
	sim_timer *tick;	/* per node: its reconciler's next run */
	bool *in_slice;		/* per node */
	uint32_t version;	/* bumped at each slice change */
	int leader;		/* etcd's, as last seen */
	sim_time leaderless;	/* since when there is none, or -1 */
	struct watcher *wt;	/* per node (agents) */
	gsl_rng *rng;		/* the reconcilers' phases at time 0 */
};

void endpoints__init(struct world *w)
{
	struct endpoints *e = g_new0(struct endpoints, 1);

	e->expiry = g_new0(sim_time, w->n);
	e->tick = g_new0(sim_timer, w->n);
	e->in_slice = g_new0(bool, w->n);
	e->wt = g_new0(struct watcher, w->n);
	e->rng = gsl_rng_alloc(gsl_rng_taus2);
	w->endpoints = e;
}

void endpoints__release(struct world *w)
{
	struct endpoints *e = w->endpoints;

	if (!e)
		return;
	g_free(e->expiry);
	g_free(e->tick);
	g_free(e->in_slice);
	g_free(e->wt);
	gsl_rng_free(e->rng);
	g_free(e);
	w->endpoints = NULL;
}

static bool has_api(const struct world *w, int node)
{
	return role_has_apiserver(w->cfg->nodes[node].role);
}

/* ---- the agents' side ---- */

static uint64_t warg(int agent, uint32_t gen)
{
	return ((uint64_t)gen << 32) | (uint32_t)agent;
}

static bool same_set(const int *a, int na, const int *b, int nb)
{
	int i, j;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return false;
	}
	return true;
}

static bool in(const int *a, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] == x)
			return true;
	return false;
}

/* The debounce is over: the LB gets the list last seen (tunnel.go:
 * 472-515; setAddresses returns at once when the set is the same). */
static void settled(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int agent = (int)(arg & 0xffffffff);
	struct watcher *wt = &w->endpoints->wt[agent];
	int cur[CONFIG_MAX_SERVERS], n, i;

	(void)s;
	if (wt->gen != (uint32_t)(arg >> 32))
		return;
	wt->debounce = SIM_TIMER_NONE;
	if (!lb__of(w, agent, LB_SUPERVISOR) || wt->n_list == 0)
		return;
	n = lb__list(w, agent, LB_SUPERVISOR, cur);
	if (same_set(cur, n, wt->list, wt->n_list))
		return;
	WTRACE(w, TRACE_NOTE, agent, -1, "%s: EndpointSlice settled: "
	       "supervisor LB list of %d server%s (was %d)",
	       frame__name(w, agent), wt->n_list,
	       wt->n_list == 1 ? "" : "s", n);
	lb__set_list(w, agent, LB_SUPERVISOR, wt->list, wt->n_list);
	for (i = 0; i < n; i++)
		if (!in(wt->list, wt->n_list, cur[i]))
			lb__cancel_check(w, agent, LB_SUPERVISOR, cur[i]);
}

/* An event with the slice reaches @agent now: the debounce restarts. */
static void delivered(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct endpoints *e = w->endpoints;
	int agent = (int)(arg & 0xffffffff), i;
	struct watcher *wt = &e->wt[agent];

	(void)s;
	if (wt->gen != (uint32_t)(arg >> 32))
		return;
	wt->n_list = 0;
	for (i = 0; i < w->n; i++)
		if (e->in_slice[i] && wt->n_list < CONFIG_MAX_SERVERS)
			wt->list[wt->n_list++] = i;
	sim_cancel(w->sim, wt->debounce);
	wt->debounce = sim_after(w->sim, w->kp->endpointslice_debounce,
				 settled, w, arg);
}

/* Whether the watch held to @server can carry an event to @agent now. */
static bool can_deliver(const struct world *w, int agent, int server)
{
	return node__running(w, agent) && net__reachable(w, agent, server) &&
	       node__api_up(w, server) && server__datastore(w, server);
}

/* Sends the current slice to every watch that has not seen it and can
 * get it now; it arrives half an RTT later. */
static void deliver(struct world *w)
{
	struct endpoints *e = w->endpoints;
	int a;

	for (a = 0; a < w->n; a++) {
		struct watcher *wt = &e->wt[a];

		if (wt->server < 0 || wt->seen == e->version ||
		    !can_deliver(w, a, wt->server))
			continue;
		wt->seen = e->version;
		sim_after(w->sim, wt->rtt / 2, delivered, w, warg(a, wt->gen));
	}
}

void endpoints__watching(struct world *w, int agent, int server,
			 sim_time rtt)
{
	struct watcher *wt = &w->endpoints->wt[agent];

	if (!w->cfg->failover)
		return;
	wt->gen++;
	wt->server = server;
	wt->rtt = rtt;
	/* the list answered: it is an event of its own (the informer's
	 * replace), with the slice as it is now */
	wt->seen = w->endpoints->version;
	delivered(w->sim, w, warg(agent, wt->gen));
}

void endpoints__unwatched(struct world *w, int agent)
{
	struct watcher *wt = &w->endpoints->wt[agent];

	/* a debounce under way still fires (K3s's goroutine is cancelled
	 * only by the next event or the agent's exit) */
	wt->server = -1;
	if (!node__running(w, agent)) {
		wt->gen++;
		sim_cancel(w->sim, wt->debounce);
		wt->debounce = SIM_TIMER_NONE;
	}
}

/* ---- the apiservers' side ---- */

/* The slice as the leases say now: changed -> a new version. */
static void write_slice(struct world *w, int by)
{
	struct endpoints *e = w->endpoints;
	sim_time now = sim_now(w->sim);
	bool changed = false;
	int i;

	for (i = 0; i < w->n; i++) {
		bool live = has_api(w, i) && e->expiry[i] > now;

		if (live == e->in_slice[i])
			continue;
		e->in_slice[i] = live;
		changed = true;
		WTRACE(w, TRACE_NOTE, by, i, "%s: endpoint reconciler: %s %s "
		       "the kubernetes EndpointSlice", frame__name(w, by),
		       frame__name(w, i), live ? "added to" : "removed from");
	}
	if (!changed)
		return;
	e->version++;
	deliver(w);
}

static void reconcile(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct endpoints *e = w->endpoints;
	int node = (int)arg;

	(void)s;
	e->tick[node] = sim_after(w->sim, w->kp->endpoint_reconcile_interval,
				  reconcile, w, arg);
	if (!node__api_up(w, node) || !server__datastore(w, node)) {
		WTRACE(w, TRACE_NOTE, node, -1, "%s: endpoint lease renewal "
		       "fails: no datastore", frame__name(w, node));
		return;
	}
	e->expiry[node] = sim_now(w->sim) + w->kp->endpoint_lease_ttl;
	WTRACE(w, TRACE_NOTE, node, -1, "%s: endpoint lease renewed (TTL "
	       "%.0fs)", frame__name(w, node),
	       sim_time_to_s(w->kp->endpoint_lease_ttl));
	write_slice(w, node);
}

static void start_reconciler(struct world *w, int node, sim_time first)
{
	struct endpoints *e = w->endpoints;

	sim_cancel(w->sim, e->tick[node]);
	e->tick[node] = sim_after(w->sim, first, reconcile, w,
				  (uint64_t)node);
}

void endpoints__reset(struct world *w, uint64_t seed, uint64_t scenario)
{
	struct endpoints *e = w->endpoints;
	sim_time iv = w->kp->endpoint_reconcile_interval;
	int i;

	/* a stream of its own: the joins' draws stay as they were */
	sim_rng_seed(e->rng, seed, scenario, SIM_RNG_ENDPOINTS, 0);
	e->version = 0;
	e->leader = etcd__leader(w);
	e->leaderless = e->leader >= 0 ? -1 : 0;
	for (i = 0; i < w->n; i++) {
		struct watcher *wt = &e->wt[i];

		e->expiry[i] = -1;
		e->in_slice[i] = false;
		e->tick[i] = SIM_TIMER_NONE;
		wt->gen++;
		wt->server = -1;
		wt->seen = 0;
		wt->n_list = 0;
		wt->debounce = SIM_TIMER_NONE;
	}
	if (!w->cfg->failover)
		return;
	for (i = 0; i < w->n; i++) {
		sim_time at;

		if (!has_api(w, i) || !node__running(w, i) ||
		    node__phase(w, i) != PHASE_READY)
			continue;
		/* running a while: its reconciler in any phase, its lease
		 * renewed one interval before its next run */
		at = (sim_time)(gsl_rng_uniform(e->rng) *
				   (double)iv);
		e->expiry[i] = at - iv + w->kp->endpoint_lease_ttl;
		e->in_slice[i] = true;
		start_reconciler(w, i, at);
	}
}

void endpoints__changed(struct world *w, int node)
{
	struct endpoints *e;

	if (!w->cfg->failover)
		return;
	e = w->endpoints;
	if (node >= 0 && has_api(w, node)) {
		if (!node__running(w, node)) {
			sim_cancel(w->sim, e->tick[node]);
			e->tick[node] = SIM_TIMER_NONE;
		} else if (e->tick[node] == SIM_TIMER_NONE &&
			   node__phase(w, node) == PHASE_READY) {
			/* wait.Until: its first run at once */
			start_reconciler(w, node, 0);
		}
	}
	deliver(w);
}

void endpoints__etcd_changed(struct world *w)
{
	struct endpoints *e = w->endpoints;
	int l, i;
	sim_time now, held_at;

	if (!w->cfg->failover)
		return;
	l = etcd__leader(w);
	now = sim_now(w->sim);
	if (l == e->leader)
		return;
	if (l < 0) {
		e->leaderless = now;
	} else {
		/* leases still held when the last leader went (none
		 * expires without one) are refreshed by the new leader */
		held_at = e->leaderless >= 0 ? e->leaderless : now;
		for (i = 0; i < w->n; i++)
			if (e->expiry[i] > held_at)
				e->expiry[i] = now + w->kp->election_timeout +
					       w->kp->endpoint_lease_ttl;
		e->leaderless = -1;
	}
	e->leader = l;
	deliver(w);
}

bool endpoints__listed(const struct world *w, int server)
{
	return w->endpoints->in_slice[server];
}
