/*
 * The `kubernetes` EndpointSlice and the agents' watch of it (layer 8 of
 * models/, beside nodectl; used only with world_config.failover;
 * K3S-MODEL.md section 7).
 *
 * Each running apiserver holds an endpoint lease in the datastore: its
 * endpoint reconciler renews it every endpoint_reconcile_interval with a
 * TTL of endpoint_lease_ttl, then writes the slice as the set of servers
 * whose lease has not expired (V: kubernetes pkg/controlplane/instance.go,
 * reconcilers/lease.go). Renewing and writing need the apiserver's
 * datastore (server__datastore(): its member reaching an etcd leader).
 * Leases expire on the etcd leader only; a new leader refreshes every
 * lease still held to now + election_timeout + TTL (V: etcd
 * server/lease/lessor.go Promote, called with the election timeout; no
 * lease checkpoints). The reconciler starts when the server is Ready (it
 * serves writes from then in selsim) and stops with its process; a stop
 * does not delete the lease (selsim: K3s's shutdown path is not
 * modelled).
 *
 * An agent's k3s-agent watch (session.c's RQ_AGENT_WATCH) sees the slice
 * through its held connection: at its list, and at each change while the
 * server it is held to is up, reachable and reads its datastore (its
 * watch cache is fed by its etcd member). Each event restarts a
 * endpointslice_debounce timer; when it fires the agent's supervisor LB
 * gets the last list seen, if it differs as a set (V: tunnel.go:472-515):
 * a removed server leaves the LB (K3s setAddresses: INVALID, or STANDBY
 * for the default; its connections closed) and its tunnel is cancelled; an
 * added one enters UNCHECKED with a new tunnel (servers.go:38-98).
 *
 * Owns: each apiserver's lease expiry and reconciler timer, the slice and
 * its version, the stream of the reconcilers' phases, each agent's watch (server, RTT, the list last delivered,
 * its debounce timer).
 * Calls: frame.h, net.h, node.h, etcd.h, server.h, lb.h.
 */
#ifndef MODELS_ENDPOINTS_H
#define MODELS_ENDPOINTS_H

#include "frame.h"

void endpoints__init(struct world *w);
void endpoints__release(struct world *w);
/* A run starts: with failover, every apiserver Ready at time 0 holds a
 * lease renewed at a random phase of the interval; the slice lists them. */
void endpoints__reset(struct world *w, uint64_t seed, uint64_t scenario);
/* @node's process, host or readiness changed (-1: reachability): its
 * reconciler starts or stops; watches held to a server that can now
 * deliver get what they missed. */
void endpoints__changed(struct world *w, int node);
/* etcd's leader changed: a new leader refreshes the leases. */
void endpoints__etcd_changed(struct world *w);
/* @agent's watch listed through @server (RTT @rtt) and is held open. */
void endpoints__watching(struct world *w, int agent, int server,
			 sim_time rtt);
/* @agent's watch ended (its connection broke, or its process stopped). */
void endpoints__unwatched(struct world *w, int agent);
/* Whether @server is in the slice now (tests). */
bool endpoints__listed(const struct world *w, int server);

#endif
