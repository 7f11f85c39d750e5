/*
 * The K3s join flows of K3S-MODEL.md section 2 (layer 8 of models/): the
 * state machine a node runs from the start of its process to Ready.
 *
 * Flows, by role:
 *  - agent: token validation (GET /cacerts through the supervisor LB,
 *    retried every token_retry), then the config fetch (through the LB,
 *    retried every uniform [config_retry_min, config_retry_max)); Ready.
 *    After the token, the agent lists the apiservers and sets its LB's
 *    address list to them (the 5 s poll, taken once).
 *  - control-plane-only server, post-fix (policy flow JOIN_FLOW_POSTFIX):
 *    CA from disk or GET /cacerts from --server (fatal); etcd LB with
 *    --server as default and the cached address list; GET /db/info from
 *    --server (failure only warns); bootstrap data from etcd through the
 *    etcd LB, else GET /v1-k3s/server-bootstrap from --server (fatal);
 *    then the etcd health test through the LB, retried every
 *    etcd_health_retry; Ready.
 *  - control-plane-only server, legacy (JOIN_FLOW_LEGACY): /cacerts,
 *    /db/info and the bootstrap all from --server, each fatal.
 *  - etcd-only server, and a server with both roles: CA from disk (else
 *    GET /cacerts from --server, fatal); a member rejoins from its local
 *    datastore, a new one asks --server to add it (every etcd_join_retry,
 *    each try bounded by etcd_join_timeout; it needs quorum); Ready once
 *    the member serves (quorum and a leader), one heartbeat after it can.
 * A fatal error ends the process (node__fatal: systemd starts it again
 * after restart_delay, forever). Only the address list survives a
 * restart. A Ready node's load balancers stop: it dials no more in this
 * model, unless world_config.failover (then they run on: session.h).
 *
 * Owns: each node's flow step and its pending retry or wait.
 * Tells the world a node is Ready through frame__notify(CHANGE_READY).
 * Calls: frame.h, call.h, node.h, etcd.h, lb.h, client.h.
 */
#ifndef MODELS_JOIN_H
#define MODELS_JOIN_H

#include "frame.h"

void join__init(struct world *w);
void join__release(struct world *w);
/* A run starts: no flow runs. */
void join__reset(struct world *w);

/* @node's process started: its LBs and its flow start. */
void join__started(struct world *w, int node);
/* @node's process stopped: its flow and its LBs end. */
void join__stopped(struct world *w, int node);
/* etcd's leader or members changed: members waiting for quorum
 * re-check. */
void join__etcd_changed(struct world *w);

#endif
