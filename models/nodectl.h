/*
 * The controller-manager's node lifecycle controller (layer 8 of models/,
 * on client; used only with world_config.failover): it watches every
 * agent's node lease and marks a node NotReady (Ready=Unknown) when the
 * lease was last renewed more than node_monitor_grace_period ago, checked
 * every node_monitor_period; the node is Ready again at its next renewal
 * (K3S-MODEL.md section 7, V).
 *
 * One controller-manager leads: world_config.kcm_leader, by default the
 * first running server with an apiserver, at the start of the run. When its process stops, a candidate
 * takes over after kcm_retry_period (the lease is released); when its host
 * vanishes, after kcm_lease_duration (the lease must expire). A new
 * leader resets every node's probe time to now. What it costs: a leader
 * cut off by a partition or an AZ outage keeps leading here.
 *
 * Owns: each node's last renewal as the controller saw it, its state
 * (Ready or NotReady), the leader and the monitor loop.
 * Fills the run record's fo_notready and fo_notready_time, for the
 * NotReady spells that begin while the node is counted
 * (nodectl__counted()), up to their end or the moment it no longer is.
 * Calls: frame.h, net.h, node.h.
 */
#ifndef MODELS_NODECTL_H
#define MODELS_NODECTL_H

#include "frame.h"

void nodectl__init(struct world *w);
void nodectl__release(struct world *w);
/* A run starts: no lease known, no leader. With failover, the leader is
 * chosen and the monitor loop starts. */
void nodectl__reset(struct world *w);
/* @node's lease was renewed now (a lease update answered OK). */
void nodectl__renewed(struct world *w, int node);
/* Whether the controller holds @node Ready (true before its first
 * renewal: it has no lease yet). */
bool nodectl__ready(const struct world *w, int node);
/* @node's process or host changed: a leader that went away is replaced;
 * its NotReady time stops counting if it is no longer counted. */
void nodectl__server_changed(struct world *w, int node);
/* Reachability changed (an AZ outage began or ended): NotReady time of
 * nodes no longer counted stops counting. */
void nodectl__reach_changed(struct world *w);
/* @node's join is Ready (after a restart). */
void nodectl__joined(struct world *w, int node);
/*
 * Whether the failover figures count @node now: no failure acts on the
 * node itself. A node is out from the moment its process stops (a stop,
 * a restart, a fatal exit), its host goes down or its own AZ is lost,
 * until that failure is over (its process runs again and its join is
 * Ready, its host and AZ are up) and then its lease is renewed or a grace
 * period (node_monitor_grace_period) passes, whichever first: the join
 * figures measure a restart, and a node in a lost AZ, or with a lease
 * stale from its own restart, is NotReady by right. NotReady time counts
 * only while the node is counted: a NotReady spell that begins while it
 * is out counts from the end of that grace period if it lasts so long.
 */
bool nodectl__counted(const struct world *w, int node);
/* The run ends now: NotReady time still open is counted up to now. */
void nodectl__finish(struct world *w);

#endif
