/* Nodes as processes: start, stop, fatal exits, systemd (node.h). */
#include "node.h"
#include "net.h"

void node__init(struct world *w)
{
	w->nodes = g_new0(struct nodes, 1);
	w->nodes->n = g_new0(struct node, w->n);
}

void node__release(struct world *w)
{
	if (!w->nodes)
		return;
	g_free(w->nodes->n);
	g_free(w->nodes);
	w->nodes = NULL;
}

void node__reset(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct node *n = &w->nodes->n[i];
		const struct node_config *c = &w->cfg->nodes[i];

		n->proc_up = c->up;
		n->ca_on_disk = c->ca_on_disk;
		n->phase = c->up ? PHASE_READY : PHASE_DOWN;
		n->inc = 0;
		n->etcd_up = n->api_up = c->up;
	}
}

bool node__ca_on_disk(const struct world *w, int node)
{
	return w->nodes->n[node].ca_on_disk;
}

void node__set_ca_on_disk(struct world *w, int node)
{
	w->nodes->n[node].ca_on_disk = true;
}

void node__set_etcd_up(struct world *w, int node)
{
	w->nodes->n[node].etcd_up = true;
}

void node__set_api_up(struct world *w, int node)
{
	w->nodes->n[node].api_up = true;
}

void node__set_ready(struct world *w, int node)
{
	w->nodes->n[node].phase = PHASE_READY;
}

void node__start(struct world *w, int id)
{
	struct node *n = &w->nodes->n[id];

	SIM_ASSERT(!n->proc_up && net__host_up(w, id));
	n->proc_up = true;
	n->inc++;
	n->phase = PHASE_JOINING;
	n->etcd_up = n->api_up = false;
	WTRACE(w, TRACE_START, id, -1, "%s: k3s starts (%s)",
	       frame__name(w, id), node_role_names[w->cfg->nodes[id].role]);
	frame__notify(w, CHANGE_STARTED, id);
}

static void stop_proc(struct world *w, int id, bool graceful)
{
	struct node *n = &w->nodes->n[id];

	n->graceful = graceful;
	n->inc++;
	if (!n->proc_up)
		return;
	n->proc_up = false;
	n->etcd_up = n->api_up = false;
	n->phase = PHASE_DOWN;
	frame__notify(w, CHANGE_STOPPED, id);
}

void node__stop(struct world *w, int id)
{
	stop_proc(w, id, true);
}

static void systemd_start(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int id = (int)(uint32_t)arg;
	struct node *n = &w->nodes->n[id];

	(void)s;
	/* a stop or crash since then bumped the incarnation: no restart */
	if (n->inc != (uint32_t)(arg >> 32) || n->proc_up ||
	    !net__host_up(w, id))
		return;
	WTRACE(w, TRACE_NOTE, id, -1, "%s: systemd restarts k3s",
	       frame__name(w, id));
	node__start(w, id);
}

void node__fatal(struct world *w, int id, const char *why)
{
	WTRACE(w, TRACE_FATAL, id, -1, "%s: fatal: %s; the process exits",
	       frame__name(w, id), why);
	w->rec->nodes[id].fatal_restarts++;
	stop_proc(w, id, false);
	sim_after(w->sim, w->kp->restart_delay, systemd_start, w,
		  ((uint64_t)w->nodes->n[id].inc << 32) | (uint32_t)id);
}
