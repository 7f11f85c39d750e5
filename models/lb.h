/*
 * Load balancers (layer 6 of models/): the only file that drives a
 * policy. Each node runs up to LB_N load balancers (K3S-MODEL.md section
 * 1); the policy decides, this file asks it: address lists and the default
 * server, the health checkers that feed it (tunnels and /ping), dial
 * passes, connection counts, answers, hedging delays, the retry budget
 * and outlier ejection (an option around any policy, which never knows).
 *
 * Health checks feeding the LB every health_check_interval:
 *  - supervisor LB: the per-server tunnel: unknown until its first dial,
 *    OK while connected, failed after a disconnect; reconnects after
 *    tunnel_reconnect. A stopped process is noticed at once (reset), a
 *    vanished host at the remotedialer read deadline (K3S-MODEL 6.13 and
 *    7: the last ping on the tunnel_ping_interval grid since it
 *    connected, plus tunnel_ping_wait: 55-60 s with the defaults), in
 *    joins and after Ready alike; a dial ends at
 *    tcp_syn_timeout. The tunnels start with lb__attach_checks().
 *  - etcd LB: GET /ping with etcd_ping_timeout, every uniform
 *    [etcd_ping_min, etcd_ping_max), the first once the checks are
 *    attached (lb__attach_checks).
 *
 * Owns: every LB's policy state, address list (and the copy that
 * survives restarts), default server, checkers and their results, retry
 * budget and outlier state. Checkers send their dials and pings, and a
 * policy closes connections, through the hooks client.c registered with
 * lb__set_hooks(), the only way up.
 * Calls: frame.h, call.h, net.h, node.h, server.h (is a port open), and
 * the policy through policies/policy.h's wrappers.
 */
#ifndef MODELS_LB_H
#define MODELS_LB_H

#include "frame.h"
#include "call.h"

struct lb;

/* The ways up, registered by client.c at set-up. */
struct lb_hooks {
	/* closes @node's LB @kind's connections to @server (policy asks) */
	void (*close_conns)(struct world *w, int node, int kind, int server);
	/* a request (an etcd /ping) directly to @server */
	void (*request)(struct world *w, int node, int lb, int server,
			endpoint ep, sim_time timeout, bool quiet,
			call_done_fn done, uint64_t tag);
	/* a plain connection attempt (a tunnel) */
	void (*dial)(struct world *w, int node, int server, port p,
		     sim_time timeout, bool quiet, call_done_fn done,
		     uint64_t tag);
};

void lb__init(struct world *w);
void lb__release(struct world *w);
void lb__set_hooks(struct world *w, const struct lb_hooks *hooks);
/* A second way up for closing connections: the long-lived connections
 * session.c (and apietcd.c) hold through an LB hear of the policy's
 * closes here too (set-up; up to two, called in the order registered). */
typedef void (*lb_close_fn)(struct world *w, int node, int kind, int server);
void lb__set_held_close(struct world *w, lb_close_fn fn);
/* A run starts: each node's saved address lists are its cached list
 * from the spec, restricted to what each LB balances (apiservers for an
 * agent's supervisor LB, etcd members for a control-plane server's etcd
 * LB). */
void lb__reset(struct world *w);
/* The run ended: frees every LB still running. */
void lb__cleanup(struct world *w);

/* Starts @node's LB @kind with its saved address list and --server as
 * the default, and its checkers (the etcd LB's: see lb__attach_checks). */
void lb__start(struct world *w, int node, lb_kind kind);
/* Moves the running LB's next health check to @delay from now (0 <
 * @delay): an LB that has run a while checks in any phase (session.c at
 * the start of a failover run). */
void lb__health_phase(struct world *w, int node, lb_kind kind,
		      sim_time delay);
/* Stops it (nothing when not running): K3s keeps no health state across
 * restarts. */
void lb__stop(struct world *w, int node, lb_kind kind);
/* Gives the running LB a new address list (deduplicated); it is saved
 * (K3s writes it to a file) and new servers get a checker. */
void lb__set_list(struct world *w, int node, lb_kind kind, const int *list,
		 int n);
/* Starts the health checkers of @node's running LB @kind for the servers
 * of its list (nothing when they run). The etcd LB starts without them:
 * K3s attaches the /ping checks only in etcdproxy Update(), after
 * /db/info succeeds or at the member sync (etcdproxy.go:50-65,
 * cluster.go:142-156, K3S-MODEL 6.3); the cached list it loads at start
 * stays unchecked. An agent's supervisor LB starts without them too: its
 * tunnels come with the apiserver list (K3S-MODEL 6.5). Servers outside
 * the list (a default) stay unchecked. */
void lb__attach_checks(struct world *w, int node, lb_kind kind);
/* Starts @node's LB @kind as one that ran a while before a failover run
 * (session.c, apietcd.c at its start): lb__start(), then every server it
 * balances (apiservers for LB_SUPERVISOR, etcd members for LB_ETCD), in
 * node order, as its list (lb__set_list()), then its checkers
 * (lb__attach_checks()). The health loop's phase is the caller's
 * (lb__health_phase()). */
void lb__start_settled(struct world *w, int node, lb_kind kind);
/* @server went up, down, or changed reachability: connected tunnels to
 * it notice (a reset at once, a vanished host at the keepalive). */
void lb__server_changed(struct world *w, int server);

/* Copies the running LB's address list (as last set, without a default
 * kept only as the default) into @out (CONFIG_MAX_SERVERS entries);
 * returns its length, 0 when the LB does not run. */
int lb__list(struct world *w, int node, lb_kind kind, int *out);
/* Cancels the checker of @server (K3s cancels the tunnel of a server
 * the EndpointSlice removed, tunnel.go:504-511): its results no longer
 * reach the policy; lb__set_list() starts a new one if it is listed
 * again. */
void lb__cancel_check(struct world *w, int node, lb_kind kind, int server);

/* ---- for client.c: one request's passes through a running LB ---- */

/* @node's LB @kind if it runs, else NULL. */
struct lb *lb__of(struct world *w, int node, int kind);
/* A new pass: the policy's first server, past ejected ones; -1 for none. */
int lb__first(struct world *w, struct lb *lb, struct lb_pass *pass);
/* The next server of @pass, or -1: the pass failed. */
int lb__next(struct world *w, struct lb *lb, struct lb_pass *pass);
/* The dial timeout toward @server. */
sim_time lb__connect_timeout(struct world *w, struct lb *lb, int server);
/* How long a pass may go on dialing after a failed dial (0: no limit;
 * policy_ops.pass_deadline). */
sim_time lb__pass_deadline(const struct world *w);
/* Whether the policy dials on after its client gave up (K3s). */
bool lb__ignores_cancel(const struct world *w);
/* A dial to @server ended (@ok: connected; @conn: the connection counts
 * as open, for requests). */
void lb__dialed(struct world *w, struct lb *lb, int server, bool ok,
	       bool conn);
void lb__conn_closed(struct world *w, struct lb *lb, int server);
/* The delay before pass @passes + 1 of a request, or -1: give up. */
sim_time lb__pass_delay(struct world *w, struct lb *lb, int passes);
/* Whether the retry budget (when enabled) lets a pass after the first
 * go; spends a token if so. */
bool lb__retry_spend(struct world *w, struct lb *lb);
/* An answer from @server (its connection closed already). */
void lb__answered(struct world *w, struct lb *lb, int server,
		 const struct lb_feedback *fb);
/* A request's dial to @server failed after @connect: the policy hears of
 * it (policy_observe with dial_failed). */
void lb__dial_failed(struct world *w, struct lb *lb, int server,
		     sim_time connect);
/* When to send a hedge, or -1 for none. */
sim_time lb__hedge_delay(struct world *w, struct lb *lb);
/* The Happy Eyeballs delay of a dial, or -1 for none. */
sim_time lb__dial_stagger(struct world *w, struct lb *lb);

#endif
