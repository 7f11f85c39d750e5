/* The controller-manager's node lifecycle controller (nodectl.h). */
#include "nodectl.h"
#include "net.h"
#include "node.h"

struct lease {
	bool known;		/* renewed at least once */
	sim_time probe;		/* last renewal seen (or the leader's reset) */
	bool not_ready;
	bool out;		/* a failure acted on the node itself, and
				 * since it ended its lease has not been
				 * renewed nor a grace period passed */
	sim_timer window;	/* the end of that grace period */
	bool counting;		/* this NotReady counts in the failover
				 * figures (nodectl__counted() when it
				 * began, and still) */
	sim_time since;		/* NotReady (and counting) since */
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

/* A failure acts on @node itself now: its process is down or joining
 * again, its host is down, or its AZ is out. */
static bool hit(const struct world *w, int node)
{
	return !node__running(w, node) || !net__host_up(w, node) ||
	       node__phase(w, node) != PHASE_READY || net__az_down(w, node);
}

bool nodectl__counted(const struct world *w, int node)
{
	return !w->nodectl->l[node].out && !hit(w, node);
}

static void count_in(struct world *w, int node);

static void window_end(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;

	(void)s;
	w->nodectl->l[arg].window = SIM_TIMER_NONE;
	count_in(w, (int)arg);
}

/* @node's process, host or AZ may have changed: while a failure acts on
 * it, it is out and its NotReady time counts no more; once that failure
 * is over it has a grace period to renew its lease (a stale lease after
 * its own restart or outage is NotReady by right), then it counts. */
static void refresh(struct world *w, int node)
{
	struct lease *l = &w->nodectl->l[node];

	if (hit(w, node)) {
		l->out = true;
		sim_cancel(w->sim, l->window);
		l->window = SIM_TIMER_NONE;
		if (l->counting) {
			l->counting = false;
			w->rec->nodes[node].fo_notready_time +=
				sim_now(w->sim) - l->since;
		}
	} else if (l->out && l->window == SIM_TIMER_NONE &&
		   w->cfg->nodes[node].role == ROLE_AGENT) {
		l->window = sim_after(w->sim, w->kp->node_monitor_grace_period,
				      window_end, w, (uint64_t)node);
	}
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
		/* a node a failure acts on itself is NotReady by its own
		 * right: not a failover's doing, to its end */
		l->counting = nodectl__counted(w, node);
		l->since = now;
		r->fo_notready += l->counting;
	} else if (l->counting) {
		l->counting = false;
		r->fo_notready_time += now - l->since;
	}
	WTRACE(w, TRACE_NODE, node, w->nodectl->leader, not_ready
	       ? "%s: NotReady (lease %.1fs old)%s" : "%s: Ready again",
	       frame__name(w, node), sim_time_to_s(now - l->probe),
	       !not_ready || l->counting ? "" : "; not counted: a failure "
	       "acts on the node itself");
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
		k->l[i] = (struct lease){ .window = SIM_TIMER_NONE };
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
	if (l->out && !hit(w, node))
		count_in(w, node);
}

bool nodectl__ready(const struct world *w, int node)
{
	return !w->nodectl->l[node].not_ready;
}

void nodectl__server_changed(struct world *w, int node)
{
	struct nodectl *k = w->nodectl;
	sim_time wait;

	if (!w->cfg->failover)
		return;
	refresh(w, node);
	if (node != k->leader ||
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

/* @node is counted again from now: NotReady still, that counts from now
 * (it could not renew its lease after its own failure ended). */
static void count_in(struct world *w, int node)
{
	struct lease *l = &w->nodectl->l[node];

	sim_cancel(w->sim, l->window);
	l->window = SIM_TIMER_NONE;
	l->out = false;
	if (!l->not_ready || l->counting)
		return;
	l->counting = true;
	l->since = sim_now(w->sim);
	w->rec->nodes[node].fo_notready++;
	WTRACE(w, TRACE_NODE, node, w->nodectl->leader, "%s: still NotReady "
	       "a grace period after its own failure ended: counted from now",
	       frame__name(w, node));
}

void nodectl__joined(struct world *w, int node)
{
	if (w->cfg->failover)
		refresh(w, node);
}

void nodectl__reach_changed(struct world *w)
{
	int i;

	if (!w->cfg->failover)
		return;
	for (i = 0; i < w->n; i++)
		refresh(w, i);
}

void nodectl__finish(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct lease *l = &w->nodectl->l[i];

		if (l->counting)
			w->rec->nodes[i].fo_notready_time +=
				sim_now(w->sim) - l->since;
	}
}
