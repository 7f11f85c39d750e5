/*
 * Nodes as processes (layer 3 of models/): whether k3s runs on a node,
 * its incarnation, its phase, the CA on its disk, fatal exits and the
 * systemd restarts after them.
 *
 * Starting or stopping the process changes only what this file owns; it
 * then calls frame__notify(CHANGE_STARTED / CHANGE_STOPPED) and the world
 * tells the others (the join flow, the load balancers, the server's queue,
 * etcd, the health checkers), in its fixed order.
 *
 * Owns: proc_up, inc (bumped at every start and stop, so events of an
 * older incarnation see it), phase, ca_on_disk, etcd_up and api_up (set
 * by the join flow's start-up phases).
 * Calls: frame.h, net.h (is the host up).
 */
#ifndef MODELS_NODE_H
#define MODELS_NODE_H

#include "frame.h"

typedef enum {
	PHASE_DOWN,		/* process not running */
	PHASE_JOINING,		/* running its join flow */
	PHASE_READY,
} phase;

void node__init(struct world *w);
void node__release(struct world *w);
/* A run starts: each node as its config says (up and Ready, or down). */
void node__reset(struct world *w);

/* A node's process. Written by node.c only; others read it through the
 * accessors below (inline: they sit on every dial's path). */
struct node {
	bool proc_up;
	bool ca_on_disk;
	phase phase;
	uint32_t inc;
	bool graceful;		/* its last stop was graceful (a stop or a
				 * restart, SIGTERM), not a fatal exit */
	bool etcd_up;		/* its embedded etcd member has started
				 * (start-up phase "etcd" done) */
	bool api_up;		/* its apiserver serves (phase "apiserver"
				 * done) */
};

struct nodes {
	struct node *n;		/* per node */
};

static inline bool node__running(const struct world *w, int node)
{
	return w->nodes->n[node].proc_up;
}

static inline uint32_t node__inc(const struct world *w, int node)
{
	return w->nodes->n[node].inc;
}

/* The process that was incarnation @inc still runs. */
static inline bool node__live(const struct world *w, int node, uint32_t inc)
{
	const struct node *n = &w->nodes->n[node];

	return n->inc == inc && n->proc_up;
}

/* The process's last stop was graceful: etcd, embedded in it, hands its
 * leadership over first (K3S-MODEL 6.16); a fatal exit (os.Exit) does
 * not. */
static inline bool node__stopped_gracefully(const struct world *w, int node)
{
	return w->nodes->n[node].graceful;
}

/* The process's etcd member runs: it counts for quorum and listens on
 * 2379. Only nodes whose role has etcd. */
static inline bool node__etcd_up(const struct world *w, int node)
{
	return w->nodes->n[node].proc_up && w->nodes->n[node].etcd_up;
}

/* The process's apiserver serves (roles with an apiserver). */
static inline bool node__api_up(const struct world *w, int node)
{
	return w->nodes->n[node].proc_up && w->nodes->n[node].api_up;
}

static inline phase node__phase(const struct world *w, int node)
{
	return w->nodes->n[node].phase;
}

bool node__ca_on_disk(const struct world *w, int node);
void node__set_ca_on_disk(struct world *w, int node);
/* The start-up phases of the join flow: the etcd member started, the
 * apiserver serves (both cleared at every start and stop). */
void node__set_etcd_up(struct world *w, int node);
void node__set_api_up(struct world *w, int node);
/* The join flow ended: the node is Ready. */
void node__set_ready(struct world *w, int node);

/* The process starts (the host must be up, the process down). */
void node__start(struct world *w, int node);
/* The process stops, if it runs; the incarnation changes either way. */
void node__stop(struct world *w, int node);
/* A fatal error: the process exits and systemd starts it again after
 * restart_delay, unless it was stopped or started since. */
void node__fatal(struct world *w, int node, const char *why);

#endif
