/*
 * The apiserver's etcd connection on a control-plane-only server (layer
 * after client of models/; used only with world_config.failover;
 * K3S-MODEL.md section 7). On a server with etcd the apiserver uses its
 * local member only (server.c: etcd__serving of itself); on a
 * control-plane-only server it holds one gRPC connection through the
 * node's etcd LB (V: kubernetes storagebackend/factory/etcd3.go:63-69;
 * k3s --disable-etcd points the apiserver at the etcd LB).
 *
 * The connection is dialed through the etcd LB (the policy's pass, each
 * dial with the LB's connect timeout; gRPC gives a pass up after
 * apiserver_etcd_dial_timeout) and held until it breaks:
 *  - its member's process stops (host up): a reset half an RTT later;
 *  - its member goes silent (host down, unreachable): the gRPC keepalive
 *    ping (sent apiserver_etcd_keepalive after the last read, which is
 *    taken as the moment it went silent: the connection is busy) is
 *    unanswered for apiserver_etcd_keepalive_timeout;
 *  - the etcd LB closes it (its /ping check FAILED the member: K3s
 *    closeAll), which with the default /ping period comes first (I).
 * gRPC then dials again at once; after a failed pass it backs off
 * (etcd_grpc_backoff_base, times 1.6 per failure, up to 120 s; grpc-go
 * backoff.DefaultConfig, without its jitter).
 *
 * While it is not open, or open to a member that no longer answers, the
 * apiserver's lease writes wait (server.c etcd_hangs(): the kubelet's
 * 10 s timeout ends them); a member that answers without a leader fails
 * them at once.
 *
 * Owns: each control-plane-only server's connection (state, member,
 * dial pass, timers). Tells server.c the member (server__set_etcd_conn).
 * Calls: frame.h, net.h, node.h, server.h, lb.h; registers
 * lb__set_held_close().
 */
#ifndef MODELS_APIETCD_H
#define MODELS_APIETCD_H

#include "frame.h"

void apietcd__init(struct world *w);
void apietcd__release(struct world *w);
/* A run starts: with failover, every control-plane-only server Ready at
 * time 0 runs its etcd LB (checks attached, in any phase) and dials. */
void apietcd__reset(struct world *w, uint64_t seed, uint64_t scenario);
/* @node's process, host or readiness changed (-1: reachability). */
void apietcd__changed(struct world *w, int node);

#endif
