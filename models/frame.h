/*
 * The frame every model file shares (layer 0 of models/; the layer order is
 * in world.h): the world's read-only context (config, policy, parameters,
 * engine), the run record being filled, the trace, each node's random
 * streams, the notify hook, and the words the modules speak (endpoints,
 * ports, LB kinds, outcomes).
 *
 * It owns no model state: each module keeps its own behind one of the
 * opaque pointers of struct world, defines it in its own .c file and is
 * the only file that touches it. A lower module that must tell a higher
 * one that something changed calls frame__notify(): the world, which set
 * the hook up, fans the change out in a fixed order.
 *
 * Calls: sim/ and policies/policy.h only.
 */
#ifndef MODELS_FRAME_H
#define MODELS_FRAME_H

#include "world.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <glib.h>
#include <gsl/gsl_rng.h>

/* What a request asks a server for. */
typedef enum {
	EP_CACERTS,		/* GET /cacerts (supervisor) */
	EP_CONFIG,		/* agent configuration (supervisor) */
	EP_DBINFO,		/* GET /db/info: the etcd member list */
	EP_SERVER_BOOTSTRAP,	/* GET /v1-k3s/server-bootstrap */
	EP_ETCD_BOOTSTRAP,	/* bootstrap data read from etcd */
	EP_ETCD_HEALTH,		/* etcd health test */
	EP_PING,		/* etcd /ping */
	EP_MEMBER_ADD,		/* a new etcd member asks to join */
	EP_APISERVERS,		/* GET /v1-k3s/apiservers (supervisor) */
	EP_CACERTS_PROBE,	/* GET /cacerts with the system CAs: ends
				 * when TLS fails to verify (K3S-MODEL 6.10) */
	EP_MEMBER_LIST,		/* etcd MemberList (the etcd LB's sync) */
	EP_LEASE,		/* kubelet node lease GET or update (a write:
				 * needs etcd) */
	EP_NODE_STATUS,		/* kubelet node status (served from cache) */
	EP_WATCH,		/* a watch's list and re-watch */
	EP_N			/* no request: a plain dial */
} endpoint;

extern const char *const endpoint_names[EP_N];

/* The ports a server listens on; a dial to a closed port is refused. */
typedef enum {
	PORT_SUPERVISOR,	/* 6443 on every server */
	PORT_ETCD,		/* 2379 on etcd members */
} port;

/* The load balancers a node runs (K3S-MODEL.md section 1). */
typedef enum {
	LB_SUPERVISOR,		/* agents: supervisor/apiserver proxy */
	LB_ETCD,		/* control-plane-only servers: etcd proxy */
	LB_N
} lb_kind;

/* Outcome of a dial or request. */
typedef enum {
	RES_OK,
	RES_REFUSED,		/* a fast failure: RST or an error reply */
	RES_TIMEOUT,		/* no answer before the timeout */
} result;

extern const char *const result_names[3];	/* "ok", "refused", ... */

/* What changed, for frame__notify(). */
typedef enum {
	CHANGE_STARTED,		/* node's process started (node.c) */
	CHANGE_STOPPED,		/* node's process stopped (node.c) */
	CHANGE_ETCD,		/* etcd's leader or members changed (etcd.c);
				 * node is -1 */
	CHANGE_READY,		/* node is Ready (join.c) */
	CHANGE_HOST,		/* node's host went up or down (timeline.c) */
	CHANGE_REACH,		/* an AZ outage or a partition began or
				 * ended (timeline.c); node is -1 */
} world_change;

/* A node's random streams: each is drawn from by the one module named. */
struct streams {
	gsl_rng *latency;	/* net.c: RTTs of this node's connections */
	gsl_rng *service;	/* server.c: service times at this node */
	gsl_rng *join;		/* join.c: flow jitter; lb.c: /ping periods
				 * of this node's etcd LB (one stream, as
				 * before the split) */
	gsl_rng *policy;	/* lb.c: its LBs' own randomness */
	gsl_rng *loss;		/* net.c: SYN losses of its dials */
};

struct world {
	const struct world_config *cfg;	/* borrowed */
	const struct policy_ops *ops;	/* borrowed; called by lb.c only */
	const struct policy_params *pp;	/* borrowed */
	const struct k3s_params *kp;	/* borrowed: the K3s constants */
	sim *sim;
	int n;				/* nodes */
	struct streams *rng;		/* per node, seeded by world.c */
	char **alias;			/* per node i: the name alias id n + i
					 * prints as, "etcd-1 (name)" (world.c) */
	struct run_record *rec;		/* the run's, while it runs */
	world_trace_fn trace;
	void *trace_ctx;
	/* set by world.c: fans a change out to the modules, in a fixed
	 * order */
	void (*notify)(struct world *w, world_change what, int node);
	/* module state, each defined and touched by one file only */
	struct call_pool *calls;	/* call.c */
	struct net *net;		/* net.c */
	struct nodes *nodes;		/* node.c */
	struct etcd *etcd;		/* etcd.c */
	struct servers *servers;	/* server.c */
	struct lbs *lbs;		/* lb.c */
	struct joins *joins;		/* join.c */
	struct timeline *tl;		/* timeline.c */
	struct nodectl *nodectl;	/* nodectl.c */
	struct sessions *sessions;	/* session.c */
	struct endpoints *endpoints;	/* endpoints.c */
	struct apietcd *apietcd;	/* apietcd.c */
};

/* Traces one event (use WTRACE: it formats nothing when tracing is off).
 * @failure: the failure's index in the timeline, or -1. */
void frame__trace(struct world *w, trace_kind kind, int node, int peer,
		 int failure, const char *fmt, ...) G_GNUC_PRINTF(6, 7);
#define WTRACE(w, kind, node, peer, ...) \
	do { \
		if (G_UNLIKELY((w)->trace != NULL)) \
			frame__trace((w), (kind), (node), (peer), -1, \
				    __VA_ARGS__); \
	} while (0)
/* The same for a failure of the timeline: TRACE_FAILURE, _END. */
#define WTRACE_FAILURE(w, kind, failure, node, ...) \
	do { \
		if (G_UNLIKELY((w)->trace != NULL)) \
			frame__trace((w), (kind), (node), -1, (int)(failure), \
				    __VA_ARGS__); \
	} while (0)

/* The node's name from the config, "-" for -1, "etcd-1 (name)" for an
 * alias id; borrowed. */
const char *frame__name(const struct world *w, int node);

/*
 * Alias ids (K3S-MODEL 6.6): a --server given as a name ("server_address":
 * "name") is a server id of its own, n + the node, that resolves to the
 * node's host but never equals a member's id, so a load balancer keeps it
 * as a separate (STANDBY) entry. frame__host() maps any server id to the
 * node it reaches; frame__alias() gives node @node's alias id.
 */
static inline int frame__host(const struct world *w, int id)
{
	return id >= w->n ? id - w->n : id;
}

static inline int frame__alias(const struct world *w, int node)
{
	return w->n + node;
}

static inline void frame__notify(struct world *w, world_change what, int node)
{
	w->notify(w, what, node);
}

#endif
