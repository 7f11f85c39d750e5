/*
 * The etcd cluster (layer 4 of models/): membership, quorum and leader
 * election, at the level the joins need. Members are the nodes with etcd
 * (etcd-only servers and servers with both roles); the cluster size is
 * fixed by the topology.
 *
 * A member is alive when its host and process are up. A leader keeps its
 * role while it is alive and reaches a majority of the members (itself
 * included). When it loses either, followers notice after the election
 * timeout, randomised in [1x, 2x) as etcd does; the election then makes a
 * leader of a random alive member that reaches a majority, if there is
 * one. A leader whose process stops gracefully (a stop or restart, host
 * up) hands its leadership at once to an alive member that reaches a
 * majority (K3S-MODEL 6.16); a crash or a fatal exit does not. When there
 * is none, nothing is scheduled until the next change
 * (a member starting, a partition healing), which starts a new election
 * timeout: this stands for etcd's repeated elections without simulating
 * each failed one.
 *
 * A member serves quorum reads (bootstrap data, health) when a leader
 * exists and the member reaches it.
 *
 * Owns: members, the cluster size, the leader, the pending election and
 * the election stream. After every re-evaluation it calls
 * frame__notify(CHANGE_ETCD) (members waiting for quorum re-check).
 * Calls: frame.h, net.h (reachability, hosts), node.h (processes).
 */
#ifndef MODELS_ETCD_H
#define MODELS_ETCD_H

#include "frame.h"

void etcd__init(struct world *w);
void etcd__release(struct world *w);
/* A run starts: seeds the election stream from (@seed, @scenario) and
 * forms the cluster of time 0 (the first member with a majority leads). */
void etcd__reset(struct world *w, uint64_t seed, uint64_t scenario);
/* Re-evaluates the leader after a change of hosts, processes or
 * reachability. */
void etcd__changed(struct world *w);
/* Whether member @node can serve quorum reads and writes now. */
bool etcd__serving(const struct world *w, int node);
bool etcd__has_leader(const struct world *w);
/* The leader's node id, or -1. */
int etcd__leader(const struct world *w);
/* A new member joined (its member add succeeded). */
void etcd__add_member(struct world *w, int node);
bool etcd__is_member(const struct world *w, int node);

#endif
