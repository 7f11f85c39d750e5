/*
 * Servers (layer 5 of models/): the ports a node listens on, what it
 * serves, and its request queue and workers.
 *
 * A request that reaches a server waits in its FIFO queue (finite
 * capacity) for one of its workers, is served for a service-time draw
 * (times the gray-failure factor), and leaves with an answer: an error
 * when the server cannot serve the endpoint now (so failing retries still
 * load it), a reset when its process died meanwhile. The queue is a ring
 * per node that grows by doubling up to the configured capacity: no
 * allocation per request.
 *
 * Owns: each node's workers in use, its queue and its slowness factor.
 * A call leaves the server through the hook client.c registered with
 * server__set_leave(), the only way up.
 * Calls: frame.h, call.h, net.h (reachability), node.h (processes, phase,
 * CA), etcd.h (quorum).
 */
#ifndef MODELS_SERVER_H
#define MODELS_SERVER_H

#include "frame.h"
#include "call.h"
#include "node.h"

/* A call leaves @c's server with @r (served, or reset by a stop). */
typedef void (*server_leave_fn)(struct world *w, struct call *c, result r);

void server__init(struct world *w);
void server__release(struct world *w);
/* Registers where calls go when they leave a server (set-up). */
void server__set_leave(struct world *w, server_leave_fn leave);
/* A run starts: idle, empty queues, normal speed. */
void server__reset(struct world *w);
/* The run ended: drops what is still queued (the calls are freed with
 * the pool). */
void server__cleanup(struct world *w);

/* Whether @node accepts connections on @p now (process up, port open).
 * Inline: it sits on every dial's path. */
static inline bool server__listening(const struct world *w, int node, port p)
{
	node_role r = w->cfg->nodes[node].role;

	if (!node__running(w, node))
		return false;
	/* 2379 opens when the embedded etcd member has started */
	return p == PORT_ETCD ? role_has_etcd(r) && node__etcd_up(w, node)
			      : role_is_server(r);
}
/* Whether @node answers @ep with success now. */
bool server__serves(const struct world *w, int node, endpoint ep);
/* Whether @server's apiserver reaches a datastore that answers now: its
 * local member (which reaches the leader) on a server with etcd, a
 * leader through its etcd LB on a control-plane-only server. */
bool server__datastore(const struct world *w, int server);
/* The etcd member @server's apiserver holds its connection to (-1: none,
 * being dialed), as apietcd.c tells it; from then on a lease write at a
 * control-plane-only @server waits while that connection is not usable
 * (server.c's etcd_hangs()) and those waiting go on when it is. Not
 * called: any etcd leader will do (the joins). */
void server__set_etcd_conn(struct world *w, int server, int member);
/* ... the member told last, -1, or < -1 when never told this run. */
int server__etcd_conn(const struct world *w, int server);
/* The service-time factor of @node (a gray failure; 1 = normal). */
void server__set_slow(struct world *w, int node, double factor);

/*
 * Call @c reached its server (c->server), which listens: it is served now
 * or queued (then c->at_server). Returns false when the queue is full
 * (503): the caller answers it.
 */
bool server__take(struct world *w, struct call *c);
/* @node's process stopped: its waiting calls leave with a reset; those
 * in service leave with one when their service ends. */
void server__stopped(struct world *w, int node);

#endif
