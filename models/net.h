/*
 * The network (layer 2 of models/): which hosts are up, AZ outages,
 * partitions and SYN loss, and from them whether two nodes reach each
 * other, the RTT of a new connection and how long its SYNs take.
 *
 * A dial from A to B is decided when the SYN leaves (client.c puts the
 * pieces together):
 *  - B's host down, A and B partitioned, or an AZ outage between them: no
 *    answer; the dial fails when its timeout fires (a black hole is slow);
 *  - B's host up but nothing listening on the port: refused after one RTT;
 *  - otherwise connected after one RTT, each lost SYN adding the Linux
 *    retransmission delay (1 s, 2 s, 4 s ...).
 * One-way partitions block TCP both ways (a SYN or its SYN-ACK is lost), so
 * for dials they act as symmetric ones.
 *
 * Owns: host_up, SYN loss per node, AZ outage counts, partition sides.
 * The failure timeline (world.c) changes them; it then tells the others.
 * Calls: frame.h only.
 */
#ifndef MODELS_NET_H
#define MODELS_NET_H

#include "frame.h"

/* @max_parts: timeline slots that may hold a partition. */
void net__init(struct world *w, size_t max_parts);
void net__release(struct world *w);
/* A run starts: every host up, no loss, no outage; @n_slots timeline
 * slots in use, no partition active. */
void net__reset(struct world *w, size_t n_slots);

void net__set_host(struct world *w, int node, bool up);
void net__set_loss(struct world *w, int node, double loss);
/* An outage of AZ @az begins (+1) or ends (-1); returns those in force. */
int net__az_outage(struct world *w, int az, int delta);
/* Timeline slot @f is partition @fc: which side each node is on. */
void net__partition_sides(struct world *w, size_t f,
			 const struct failure_config *fc);
void net__partition_set(struct world *w, size_t f, bool active);

/* The network's state. Written by net.c only; others read it through
 * the accessors below (inline: they sit on every dial's and answer's
 * path). */
struct partition {
	bool active;
	bool one_way;
	guint8 *side;		/* per node: 1 in nodes, 2 in peers, 0 */
};

struct net {
	bool *host_up;		/* per node */
	double *loss;		/* per node: SYN loss to and from it */
	int *az_out;		/* per AZ: outages in force (they overlap) */
	struct partition *parts; /* per timeline slot (only partitions) */
	size_t max_parts;
	size_t n_slots;		/* slots in use this run */
};

static inline bool net__host_up(const struct world *w, int node)
{
	return w->net->host_up[node];
}

/* Whether an outage of @node's own AZ is in force. */
static inline bool net__az_down(const struct world *w, int node)
{
	return w->net->az_out[w->cfg->nodes[node].az] > 0;
}

/* Whether packets can flow between @a and @b now (both hosts up, no
 * partition, no AZ outage between them). */
static inline bool net__reachable(const struct world *w, int a, int b)
{
	const struct net *t = w->net;
	int az_a = w->cfg->nodes[a].az, az_b = w->cfg->nodes[b].az;
	size_t f;

	if (!t->host_up[a] || !t->host_up[b])
		return false;
	if (az_a != az_b && (t->az_out[az_a] || t->az_out[az_b]))
		return false;
	for (f = 0; f < t->n_slots; f++) {
		const struct partition *p = &t->parts[f];

		if (p->active && p->side[a] && p->side[b] &&
		    p->side[a] != p->side[b])
			return false;
	}
	return true;
}

/* A draw of the RTT of a new connection from @a to @b (from @a's latency
 * stream). */
sim_time net__rtt(struct world *w, int a, int b);
/* The SYN retransmission delay of a dial from @a to @b that gets through
 * after @rtt, drawing its losses from @a's loss stream; -1 when the SYNs
 * are still lost at @timeout. */
sim_time net__syn_delay(struct world *w, int a, int b, sim_time rtt,
		       sim_time timeout);

#endif
