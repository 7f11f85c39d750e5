/*
 * What a Ready agent holds (layer 9 of models/, used only with
 * world_config.failover; K3S-MODEL.md section 7): long-lived HTTP/2
 * connections through its supervisor LB and the periodic requests on
 * them, and how it notices that one broke.
 *
 * Connections, each dialed through the LB when a request needs one (as
 * client-go dials lazily) and held until it breaks:
 *  - kubelet: the node lease (renewed every lease_renew_interval plus up
 *    to lease_renew_jitter; each request lease_request_timeout; up to 5
 *    updates at once, then GETs backing off from lease_backoff_initial,
 *    doubling to lease_backoff_max, then 5 updates again; component-
 *    helpers lease/controller.go) and the node status (a GET every
 *    node_status_interval);
 *  - kube-proxy and the k3s agent: one watch each (a list, then the
 *    watch held open; re-listed watch_retry after it breaks).
 * A connection breaks when: the server's process stops (EOF half an RTT
 * later, or a reset answer); the LB closes it (the policy's closeAll when
 * the server FAILED, or the ACTIVE contest); the client-go HTTP/2 health
 * check finds nothing read for http2_read_idle_timeout and its ping
 * unanswered for http2_ping_timeout; or a dial pass fails. Its requests
 * then fail at once. A silent server otherwise only times requests out.
 * Nothing moves back to a recovered server: a connection changes server
 * only when it breaks.
 *
 * It fills the run record's failover fields for agents the figures count
 * (nodectl__counted()): which agents a failure cut off (their kubelet
 * connection was open to a server the failure stopped or made
 * unreachable; every failure can cut an agent not already cut), the
 * longest time from such a cut to the answer of a kubelet request begun
 * after it, failed lease requests, requests and dials after the first
 * cut. A cut still open when a failure acts on the agent itself leaves
 * the figures.
 *
 * Owns: each agent's held connections and request loops.
 * Calls: frame.h, call.h, net.h, node.h, server.h, lb.h, client.h,
 * nodectl.h, endpoints.h; registers lb__set_held_close().
 */
#ifndef MODELS_SESSION_H
#define MODELS_SESSION_H

#include "frame.h"

void session__init(struct world *w);
void session__release(struct world *w);
/* A run starts: nothing held. With failover, every agent up at time 0 is
 * Ready: its LB starts with every apiserver in its list and its
 * connections are held from the start. */
void session__reset(struct world *w);
/* @node (an agent) is Ready after a join: its clients start. */
void session__ready(struct world *w, int node);
/* @node's process stopped: its own clients end. */
void session__stopped(struct world *w, int node);
/* @server's process or host changed, or reachability did (server -1):
 * connections to a stopped process see EOF; counted agents whose kubelet
 * it cuts off are affected from now. */
void session__changed(struct world *w, int server);
#endif
