/*
 * The client's side of a call (layer 7 of models/): a request or a plain
 * dial from a node, through one of its load balancers (dialing servers in
 * the policy's order, pass after pass) or directly, then TLS, the trip to
 * the server and back, the client timeout and hedging.
 *
 * A request takes the TLS round trips and half an RTT to arrive, is
 * queued and served by the server (server.c), and its answer takes half
 * an RTT back, if the path still holds; else the client times out. Each
 * call ends with done(RES_OK / RES_REFUSED / RES_TIMEOUT) once, unless the
 * client restarted since. What it costs: a server that dies while a SYN is
 * in flight is noticed by the next dial, not this one.
 *
 * Owns: no state of its own; it drives the calls (call.h) it starts.
 * client__init() registers the hooks lower layers call up through
 * (server__set_leave, lb__set_hooks).
 * Calls: frame.h, call.h, net.h, node.h, server.h, lb.h.
 */
#ifndef MODELS_CLIENT_H
#define MODELS_CLIENT_H

#include "frame.h"
#include "call.h"

/* Registers the client's hooks with the server and LB layers (set-up). */
void client__init(struct world *w);

/*
 * Sends a request from @node to @ep: through the node's LB @lb (dialing
 * servers in the LB's order) or, with lb < 0, directly to @server. Ends
 * with done(RES_OK / RES_REFUSED / RES_TIMEOUT) once, at the latest at
 * @timeout after now (0: no client timeout). @quiet calls (health
 * checkers) are left out of the run record and the trace.
 */
void client__request(struct world *w, int node, int lb, int server,
		    endpoint ep, sim_time timeout, bool quiet,
		    call_done_fn done, uint64_t tag);

/*
 * A request from an etcd client that connects with WithBlock and a
 * DialTimeout (K3s store.NewRemoteStore, K3S-MODEL 6.1): through @node's
 * LB @lb, the connection (dial pass and TLS) must be up within
 * @connect_timeout, then the request has @timeout from that instant. A
 * client that gives up connecting leaves the LB dialing on (K3s's LB
 * ignores its client).
 */
void client__request_blocking(struct world *w, int node, int lb,
			      endpoint ep, sim_time connect_timeout,
			      sim_time timeout, call_done_fn done,
			      uint64_t tag);

/* A plain connection attempt (tunnels, no request): done(RES_*). */
void client__dial(struct world *w, int node, int server, port p,
		 sim_time timeout, bool quiet, call_done_fn done,
		 uint64_t tag);

/*
 * A request on a connection @node already holds to @server (HTTP/2,
 * session.c): no dial and no TLS; it travels half of the connection's
 * @rtt, is served and comes back as client__request()'s do. Quiet: left
 * out of the run record and the trace (the caller counts and tells).
 * With @timeout 0 a request whose answer is lost ends at once with
 * RES_TIMEOUT: the caller, which cannot know it yet, ignores that.
 */
void client__send(struct world *w, int node, int server, sim_time rtt,
		 endpoint ep, sim_time timeout, call_done_fn done,
		 uint64_t tag);

/* Closes the connections of @node's LB @lb to @server (the LB asked): the
 * client hears of each reset from an event at the same time. */
void client__close_conns(struct world *w, int node, int lb, int server);

#endif
