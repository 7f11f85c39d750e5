/* The network: reachability, RTTs and SYN loss (net.h). */
#include "net.h"

#include <string.h>

void net__init(struct world *w, size_t max_parts)
{
	struct net *t = g_new0(struct net, 1);
	size_t f;

	t->host_up = g_new0(bool, w->n);
	t->loss = g_new0(double, w->n);
	t->az_out = g_new0(int, w->cfg->n_azs);
	t->parts = g_new0(struct partition, max_parts);
	t->max_parts = max_parts;
	for (f = 0; f < max_parts; f++)
		t->parts[f].side = g_new0(guint8, w->n);
	w->net = t;
}

void net__release(struct world *w)
{
	struct net *t = w->net;
	size_t f;

	if (!t)
		return;
	for (f = 0; f < t->max_parts; f++)
		g_free(t->parts[f].side);
	g_free(t->parts);
	g_free(t->az_out);
	g_free(t->loss);
	g_free(t->host_up);
	g_free(t);
	w->net = NULL;
}

void net__reset(struct world *w, size_t n_slots)
{
	struct net *t = w->net;
	size_t f;
	int i;

	SIM_ASSERT(n_slots <= t->max_parts);
	for (i = 0; i < w->n; i++) {
		t->host_up[i] = true;
		t->loss[i] = 0;
	}
	memset(t->az_out, 0, w->cfg->n_azs * sizeof(int));
	t->n_slots = n_slots;
	for (f = 0; f < n_slots; f++)
		t->parts[f].active = false;
}

void net__set_host(struct world *w, int node, bool up)
{
	w->net->host_up[node] = up;
}

void net__set_loss(struct world *w, int node, double loss)
{
	w->net->loss[node] = loss;
}

int net__az_outage(struct world *w, int az, int delta)
{
	w->net->az_out[az] += delta;
	SIM_ASSERT(w->net->az_out[az] >= 0);
	return w->net->az_out[az];
}

void net__partition_sides(struct world *w, size_t f,
			 const struct failure_config *fc)
{
	guint8 *side = w->net->parts[f].side;
	size_t k;
	int i;

	for (i = 0; i < w->n; i++)
		side[i] = fc->peers ? 0 : 2;
	for (k = 0; k < fc->n_nodes; k++)
		side[fc->nodes[k]] = 1;
	for (k = 0; k < fc->n_peers; k++)
		side[fc->peers[k]] = 2;
	w->net->parts[f].one_way = fc->one_way;
}

void net__partition_set(struct world *w, size_t f, bool active)
{
	w->net->parts[f].active = active;
}

sim_time net__rtt(struct world *w, int a, int b)
{
	const struct node_config *ca = &w->cfg->nodes[a];
	const struct node_config *cb = &w->cfg->nodes[b];
	const struct dist *d;
	sim_time t;

	if (cb->has_rtt)
		d = &cb->rtt;
	else if (ca->has_rtt)
		d = &ca->rtt;
	else
		d = &w->cfg->network.rtt[world_config_link_class(w->cfg, a, b)];
	t = dist_sample_time(d, w->rng[a].latency);
	return t > 0 ? t : 1;
}

sim_time net__syn_delay(struct world *w, int a, int b, sim_time rtt,
		       sim_time timeout)
{
	const struct network_config *net = &w->cfg->network;
	double loss = MAX(net->loss, MAX(w->net->loss[a], w->net->loss[b]));
	sim_time delay = 0, backoff = net->syn_retry;

	while (loss > 0 && gsl_rng_uniform(w->rng[a].loss) < loss) {
		delay += backoff;
		backoff *= 2;
		if (delay + rtt >= timeout)
			return -1;
	}
	return delay;
}
