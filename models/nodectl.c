/* The controller-manager's node lifecycle controller (nodectl.h). */
#include "nodectl.h"
#include "net.h"
#include "node.h"

struct lease {
	bool known;		/* renewed at least once */
	sim_time probe;		/* last renewal seen (or the leader's reset) */
	bool not_ready;
	sim_time since;		/* NotReady since */
};

struct nodectl {
	struct lease *l;	/* per node */
	int leader;		/* -1 while none leads */
	sim_timer monitor;
	sim_timer election;
};

void nodectl__init(struct world *w)
{
	w->nodectl = g_new0(struct nodectl, 1);
	w->nodectl->l = g_new0(struct lease, w->n);
}

void nodectl__release(struct world *w)
{
	if (!w->nodectl)
		return;
	g_free(w->nodectl->l);
	g_free(w->nodectl);
	w->nodectl = NULL;
}

/* The first running server with an apiserver whose host is up, or -1. */
static int candidate(const struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (role_has_apiserver(w->cfg->nodes[i].role) &&
		    node__running(w, i) && net__host_up(w, i))
			return i;
	return -1;
}

static void mark(struct world *w, int node, bool not_ready)
{
	struct lease *l = &w->nodectl->l[node];
	struct node_record *r = &w->rec->nodes[node];
	sim_time now = sim_now(w->sim);

	if (l->not_ready == not_ready)
		return;
	l->not_ready = not_ready;
	if (not_ready) {
		l->since = now;
		r->fo_notready++;
	} else {
		r->fo_notready_time += now - l->since;
	}
	WTRACE(w, TRACE_NODE, node, w->nodectl->leader, not_ready
	       ? "%s: NotReady (lease %.1fs old)" : "%s: Ready again",
	       frame__name(w, node), sim_time_to_s(now - l->probe));
}

static void monitor(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct nodectl *k = w->nodectl;
	sim_time now = sim_now(w->sim);
	int i;

	(void)s;
	(void)arg;
	k->monitor = sim_after(w->sim, w->kp->node_monitor_period, monitor, w,
			       0);
	if (k->leader < 0)
		return;
	for (i = 0; i < w->n; i++) {
		struct lease *l = &k->l[i];

		/* a node whose own process or host is down is NotReady by
		 * right: the failover figures leave it out */
		if (l->known && !l->not_ready && node__running(w, i) &&
		    net__host_up(w, i) &&
		    now - l->probe > w->kp->node_monitor_grace_period)
			mark(w, i, true);
	}
}

static void elect(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct nodectl *k = w->nodectl;
	int i;

	(void)s;
	(void)arg;
	k->election = SIM_TIMER_NONE;
	k->leader = candidate(w);
	if (k->leader < 0) {
		k->election = sim_after(w->sim, w->kp->kcm_retry_period, elect,
					w, 0);
		return;
	}
	/* a new leader starts every node's grace period afresh */
	for (i = 0; i < w->n; i++)
		k->l[i].probe = sim_now(w->sim);
	WTRACE(w, TRACE_NODE, -1, k->leader, "controller-manager: %s leads; "
	       "every node's lease timer restarts", frame__name(w, k->leader));
}

void nodectl__reset(struct world *w)
{
	struct nodectl *k = w->nodectl;
	int i;

	for (i = 0; i < w->n; i++)
		k->l[i] = (struct lease){ 0 };
	k->leader = -1;
	k->monitor = k->election = SIM_TIMER_NONE;
	if (!w->cfg->failover)
		return;
	k->leader = w->cfg->kcm_leader >= 0 ? w->cfg->kcm_leader : candidate(w);
	/* it has been running: its ticks are in any phase (one draw from
	 * the leader's join stream, at the start of failover runs only) */
	k->monitor = sim_after(w->sim, w->kp->node_monitor_period -
		(sim_time)(gsl_rng_uniform(w->rng[k->leader >= 0 ? k->leader : 0]
					   .join) *
			   (double)w->kp->node_monitor_period),
		monitor, w, 0);
}

void nodectl__renewed(struct world *w, int node)
{
	struct lease *l = &w->nodectl->l[node];

	l->known = true;
	l->probe = sim_now(w->sim);
	mark(w, node, false);
}

bool nodectl__ready(const struct world *w, int node)
{
	return !w->nodectl->l[node].not_ready;
}

void nodectl__server_changed(struct world *w, int node)
{
	struct nodectl *k = w->nodectl;
	sim_time wait;

	if (!w->cfg->failover || node != k->leader ||
	    (node__running(w, node) && net__host_up(w, node)))
		return;
	/* a stopped leader releases its lease; a vanished one lets it
	 * expire */
	wait = net__host_up(w, node) ? w->kp->kcm_retry_period
				     : w->kp->kcm_lease_duration;
	k->leader = -1;
	WTRACE(w, TRACE_NODE, -1, node, "controller-manager: leader %s gone; "
	       "a new one in %.0fs", frame__name(w, node),
	       sim_time_to_s(wait));
	k->election = sim_after(w->sim, wait, elect, w, 0);
}

void nodectl__finish(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct lease *l = &w->nodectl->l[i];

		if (l->not_ready)
			w->rec->nodes[i].fo_notready_time +=
				sim_now(w->sim) - l->since;
	}
}
