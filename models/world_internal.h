/*
 * The world's insides, shared by the files of models/: world.c (set-up,
 * run, failures), network.c (dials, requests, server queues), etcd.c
 * (quorum and elections), join.c (the K3s join flows, load balancers and
 * their health checks). Nothing outside models/ includes this.
 */
#ifndef MODELS_WORLD_INTERNAL_H
#define MODELS_WORLD_INTERNAL_H

#include "world.h"
#include "policies/outlier.h"
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
	EP_N
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

/* Per-server health as a checker last saw it (tunnel or /ping). */
typedef enum {
	HEALTH_UNKNOWN,
	HEALTH_OK,
	HEALTH_FAILED,
} health;

typedef enum {
	PHASE_DOWN,		/* process not running */
	PHASE_JOINING,		/* running its join flow */
	PHASE_READY,
} phase;

struct world;
struct op;

/* Called when an operation ends, unless the node has restarted since. */
typedef void (*op_done_fn)(struct world *w, struct op *op, result r);

/* An asynchronous request: an optional LB dial pass, then TLS and the
 * request, bounded by a client timeout. Pooled; found by index and
 * generation from event arguments. */
struct op {
	uint32_t index;		/* in the pool */
	uint32_t gen;		/* bumped when freed: stale events see it */
	bool in_use;
	result res;		/* the outcome its pending event delivers */
	int node;		/* the client */
	uint32_t inc;		/* the client's incarnation at the start */
	int lb;			/* lb_kind, or -1 for a direct dial */
	int server;		/* the server being dialed or asked */
	endpoint ep;
	port port;
	struct lb_pass pass;	/* the LB's cursor */
	sim_time started;
	sim_time dial_started;	/* the current dial */
	sim_time rtt;		/* of the current connection */
	sim_time waited;	/* dial timeouts already counted as waiting */
	sim_time sent;		/* when the request left (connection made) */
	sim_time service;	/* its service time at the server */
	int queue;		/* requests waiting there when it was served */
	int passes;		/* dial passes that failed */
	int pass_dials;		/* dials in the current pass */
	uint32_t partner;	/* hedging: the other op of the pair, by
				 * index, and its generation (0: none) */
	uint32_t partner_gen;
	sim_timer hedge_timer;	/* when to send the hedge */
	sim_time timeout;	/* client timeout; 0 for none */
	sim_timer client_timer;
	sim_timer dial_timer;	/* a pending dial outcome */
	bool abandoned;		/* the client gave up; dialing goes on to
				 * report outcomes (K3s ignores the context) */
	bool connected;		/* counted as an open LB connection */
	bool quiet;		/* a health checker's: not in the run record */
	bool at_server;		/* queued or in service at the server */
	uint32_t srv_inc;	/* the server's incarnation when it took it */
	op_done_fn done;
	uint64_t tag;		/* the caller's */
};

/* A pending request at a server. */
struct queued {
	uint32_t op;
	uint32_t gen;
};

struct lb {
	struct world *w;	/* back pointers for the policy's callbacks */
	int node;
	int kind;		/* lb_kind */
	void *state;		/* the policy's; NULL when not running */
	struct lb_env env;
	int servers[CONFIG_MAX_SERVERS];	/* the address list */
	int n_servers;
	int default_server;	/* --server, or -1 */
	sim_timer health_timer;	/* the LB's health-check loop */
	struct retry_budget budget;	/* passes after the first spend it */
	struct outlier outlier;		/* when params->outlier.enabled */
	int checked[CONFIG_MAX_SERVERS];	/* servers with a checker */
	health check[CONFIG_MAX_SERVERS];	/* their latest result */
	sim_timer check_timer[CONFIG_MAX_SERVERS];
	bool check_busy[CONFIG_MAX_SERVERS];	/* a dial or ping in flight */
	int n_checked;
};

struct wnode {
	int id;
	const struct node_config *cfg;
	bool host_up;
	bool proc_up;
	bool ca_on_disk;
	phase phase;
	uint32_t inc;		/* incarnation: bumped at every process
				 * start and stop */
	sim_time started;	/* the (re)start a join is measured from */
	bool join_open;		/* a counted join has not ended yet */
	int step;		/* join-flow step (join.c) */
	sim_timer flow_timer;	/* the flow's pending retry or wait */
	double slow;		/* service-time factor (1 = normal) */
	double loss;		/* SYN loss to and from this node */
	int n_slow, n_loss;	/* slow and loss failures in force: they may
				 * overlap, and the last to end restores */
	int n_down;		/* timed crashes in force: the host boots when
				 * the last one ends */
	int n_stopped;		/* timed stops in force */
	struct lb lbs[LB_N];
	int saved[LB_N][CONFIG_MAX_SERVERS];	/* the address lists kept
						 * across restarts */
	int n_saved[LB_N];
	gsl_rng *rng_latency;	/* RTTs of this node's connections */
	gsl_rng *rng_service;	/* service times at this node */
	gsl_rng *rng_join;	/* this node's join-flow jitter */
	gsl_rng *rng_policy;	/* its LBs' own randomness */
	gsl_rng *rng_loss;	/* SYN losses of its dials */
	/* the server side */
	int busy;		/* requests in service */
	GQueue *waiting;	/* struct queued *, FIFO */
};

struct partition {
	bool active;
	bool one_way;
	guint8 *side;		/* per node: 1 in nodes, 2 in peers, 0 */
};

struct etcd {
	int leader;		/* node id, or -1 */
	sim_timer election;	/* a pending election */
	int *members;		/* nodes with etcd, in topology order */
	int n_members;
	bool *member;		/* per node: in the cluster now (a node
				 * joining for the first time is not, until
				 * its member add succeeds) */
	int size;		/* members in the cluster: quorum is a
				 * majority of these */
};

struct world {
	const struct world_config *cfg;
	const struct policy_ops *ops;
	const struct policy_params *pp;
	sim *sim;
	struct wnode *nodes;
	int n;
	GPtrArray *ops_pool;	/* struct op *, owned: addresses stay put
				 * while callbacks start new ops */
	GArray *free_ops;	/* uint32 indices */
	struct etcd etcd;
	int *az_out;		/* per AZ: outages in force (they overlap) */
	const struct failure_config **tl; /* this scenario's timeline: the
					   * fixed failures, then the drawn */
	size_t n_tl;
	size_t max_tl;		/* room in tl and the arrays below */
	struct failure_config *drawn;	/* CONFIG_MAX_RANDOM_FAILURES */
	int *drawn_node;	/* the target of each drawn failure */
	int *drawn_group;	/* AZ partitions: n nodes per drawn failure */
	gsl_rng *rng_scenario;	/* draws the random failures */
	struct partition *parts;	/* one per failure (only partitions) */
	sim_time *fail_duration;	/* drawn per failure */
	sim_time **fail_intervals;	/* rolling restarts: drawn per step */
	int *roll_wait;		/* rolling restart waiting for node k-1 to
				 * be Ready: k; else 0 */
	gsl_rng *rng_failure;
	gsl_rng *rng_election;
	int joining;		/* nodes in PHASE_JOINING with an open join */
	int pending_actions;	/* failure actions still to come that can
				 * start a join (and rolling restarts
				 * waiting for Ready) */
	struct run_record *rec;
	world_trace_fn trace;
	void *trace_ctx;
	int trace_failure;	/* the timeline entry being acted on, or -1:
				 * the failure id of trace events */
};

/* ---- world.c ---- */
void world__trace(struct world *w, trace_kind kind, int node, int peer,
		  const char *fmt, ...) G_GNUC_PRINTF(5, 6);
#define WTRACE(w, kind, node, peer, ...) \
	do { \
		if (G_UNLIKELY((w)->trace != NULL)) \
			world__trace((w), (kind), (node), (peer), __VA_ARGS__); \
	} while (0)
const char *world__name(const struct world *w, int node);
void world__check_settled(struct world *w);
/* @node became Ready (rolling restarts may go on). */
void world__ready(struct world *w, int node);
/* Something about @node changed (up, down, reachability): tell the
 * checkers and etcd. */
void world__node_changed(struct world *w, int node);

/* ---- network.c ---- */
/* Whether packets can flow between @a and @b now (both hosts up, no
 * partition, no AZ outage between them). */
bool net__reachable(const struct world *w, int a, int b);
/* Whether @b accepts connections on @p now (process up, port open). */
bool net__listening(const struct world *w, int b, port p);
sim_time net__rtt(struct world *w, int a, int b);

struct op *op__new(struct world *w, int node, op_done_fn done, uint64_t tag);
void op__free(struct world *w, struct op *op);
static inline uint64_t op__arg(const struct op *op)
{
	return ((uint64_t)op->gen << 32) | op->index;
}
struct op *op__from_arg(struct world *w, uint64_t arg);

/*
 * Sends a request from @node to @ep: through the node's LB @lb (dialing
 * servers in the LB's order) or, with lb < 0, directly to @server. Ends
 * with done(RES_OK / RES_REFUSED / RES_TIMEOUT) once, at the latest at
 * @timeout after now (0: no client timeout).
 */
void net__request(struct world *w, int node, int lb, int server, endpoint ep,
		  sim_time timeout, bool quiet, op_done_fn done, uint64_t tag);

/* A plain connection attempt (tunnels, no request): done(RES_*).
 * @quiet ops (health checkers) are left out of the run record. */
void net__dial(struct world *w, int node, int server, port p,
	       sim_time timeout, bool quiet, op_done_fn done, uint64_t tag);

/* Drops the requests waiting at @node (its process stopped). */
void net__server_stopped(struct world *w, int node);

/* Closes connections of @node's LB @lb to @server (the LB asked). */
void net__close_conns(struct world *w, int node, int lb, int server);

/* ---- etcd.c ---- */
void etcd__init(struct world *w);
void etcd__reset(struct world *w);
void etcd__release(struct world *w);
/* Re-evaluates the leader after a change. */
void etcd__changed(struct world *w);
/* Whether member @node can serve quorum reads and writes now. */
bool etcd__serving(const struct world *w, int node);
bool etcd__has_leader(const struct world *w);
/* A new member joined (its member add succeeded). */
void etcd__add_member(struct world *w, int node);
bool etcd__is_member(const struct world *w, int node);

/* ---- join.c ---- */
void join__start(struct world *w, int node);	/* the process starts */
void join__stop(struct world *w, int node);	/* the process stops */
/* etcd's leader changed: etcd-only servers waiting for quorum re-check. */
void join__etcd_changed(struct world *w);
/* @server went up, down, or changed reachability: checkers react. */
void join__server_changed(struct world *w, int server);
bool join__serves(const struct world *w, int server, endpoint ep);

#endif
