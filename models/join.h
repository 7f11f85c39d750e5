/*
 * The K3s join flows of K3S-MODEL.md section 2 (layer 8 of models/): the
 * state machine a node runs from the start of its process to Ready.
 *
 * Flows, by role (every GET is a new connection, a new LB pass:
 * K3S-MODEL 6.15; "/cacerts" is up to three GETs, the first with the
 * system CAs and its error ignored: 6.10):
 *  - agent: token validation (GET /cacerts through the supervisor LB,
 *    retried every token_retry), then the config fetch (/cacerts again,
 *    then six config GETs, through the LB; any failure retries the whole
 *    fetch after uniform [config_retry_min, config_retry_max)).
 *    After the config (6.5), the agent lists the apiservers (retried
 *    every apiservers_poll), sets its LB's address list to them, and
 *    only then opens its tunnels.
 *  - control-plane-only server, post-fix (policy flow JOIN_FLOW_POSTFIX):
 *    CA from disk or GET /cacerts from --server (fatal); etcd LB with
 *    --server as default and the cached address list, no health checks
 *    yet (6.3); GET /db/info from --server (failure only warns; success
 *    sets the list and attaches the checks; either way the member sync
 *    runs every etcd_member_sync from then on, attaching them on its
 *    first answer); GET /v1-k3s/config from --server (failure warns,
 *    6.2); bootstrap data from etcd through the etcd LB (the client
 *    connects within etcd_dial_timeout, then etcd_bootstrap_timeout: 6.1),
 *    else GET /v1-k3s/server-bootstrap from --server (fatal); then the
 *    etcd health test through the LB (each try up to
 *    etcd_status_timeout), retried etcd_health_retry after a failure;
 *    Ready.
 *  - control-plane-only server, legacy (JOIN_FLOW_LEGACY, 6.11): /cacerts
 *    twice and GET /config, server-bootstrap (http_timeout), then /db/info,
 *    all from --server, each fatal; then the health test.
 *  - etcd-only server, and a server with both roles: CA from disk (else
 *    GET /cacerts from --server, fatal); a member rejoins from its local
 *    datastore, a new one asks --server to add it (every etcd_join_retry,
 *    each try bounded by etcd_join_timeout; it needs quorum); Ready once
 *    the member serves (quorum and a leader), one heartbeat after it can.
 * Process start-up (config.h startup_phase, drawn once per phase at each
 * start from the node's join stream): "process" before the first step of
 * every role; "etcd" before a member counts for quorum (after, for a
 * restarting member with --server, a GET server-bootstrap from --server
 * whose failure only warns: K3S-MODEL 6.9); "apiserver" after the etcd
 * health test (control-plane) or the member serving (server), after which
 * the node serves /v1-k3s/config and server-bootstrap; "kubelet" before
 * Ready (agent, control-plane, server). An agent lists the apiservers
 * (GET /v1-k3s/apiservers through its LB, every apiservers_poll until it
 * succeeds) and starts its tunnels only after its config (6.5).
 * A fatal error ends the process (node__fatal: systemd starts it again
 * after restart_delay, forever). Only the address list survives a
 * restart. A Ready node's load balancers stop: it dials no more in this
 * model, unless world_config.failover (then they run on: session.h).
 *
 * Owns: each node's flow step, its GET sequence, its pending retry or
 * wait and its etcd LB's member-sync timer.
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
