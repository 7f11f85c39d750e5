/*
 * What a world is made of: the topology, the network, the servers and the
 * failure timeline, as the spec describes them once it has been validated.
 * Nodes, AZs and regions are referred to by index; names are kept for
 * output. Everything here is plain data owned by the config; the spec
 * loader (experiments/spec.c) fills it, world_new() reads it.
 */
#ifndef MODELS_CONFIG_H
#define MODELS_CONFIG_H

#include "dist.h"
#include "sim/time.h"

#include <stdbool.h>
#include <stddef.h>

/* The most servers one load balancer tracks (a K3s cluster has 3 to 7). */
#define CONFIG_MAX_SERVERS 64
/* The most nodes in a world. */
#define CONFIG_MAX_NODES 1024

typedef enum {
	ROLE_ETCD,		/* etcd-only server (--disable-apiserver ...) */
	ROLE_CONTROL_PLANE,	/* control-plane-only server (--disable-etcd) */
	ROLE_SERVER,		/* server with etcd and control plane */
	ROLE_AGENT,		/* agent */
	ROLE_N
} node_role;

extern const char *const node_role_names[ROLE_N];	/* "etcd", ... */

/* What a node's --server names (K3S-MODEL 6.6): the same host string as
 * that member's client URL (an IP: the default server is then promoted in
 * place when the member list comes), or a name that never matches a
 * member URL (a DNS name or a virtual IP: the default stays STANDBY and
 * gets no health check). The default is SERVER_ADDR_IP, as today's
 * shipped setups (K3s docs: --server https://<ip>:6443). */
typedef enum {
	SERVER_ADDR_IP,
	SERVER_ADDR_NAME,
	SERVER_ADDR_N
} server_address;

extern const char *const server_address_names[SERVER_ADDR_N + 1]; /* "ip",
								  * "name", NULL */

static inline bool role_has_etcd(node_role r)
{
	return r == ROLE_ETCD || r == ROLE_SERVER;
}

static inline bool role_has_apiserver(node_role r)
{
	return r == ROLE_CONTROL_PLANE || r == ROLE_SERVER;
}

static inline bool role_is_server(node_role r)
{
	return r != ROLE_AGENT;
}

/*
 * Process start-up and readiness (README "Process start-up"): the time a
 * real k3s process takes besides the protocol, drawn once per phase at
 * every (re)start of a node from that node's own stream, whether its role
 * uses the phase or not. Defaults and their sources: startup_phase_info.
 */
typedef enum {
	STARTUP_PROCESS,	/* (re)start -> first dial: binary, config,
				 * certificates, LB listeners (every role) */
	STARTUP_ETCD,		/* etcd member start: WAL replay, backend
				 * open, raft start (etcd, server) */
	STARTUP_APISERVER,	/* etcd ready -> apiserver serving
				 * (control-plane, server) */
	STARTUP_KUBELET,	/* containerd, kubelet, registration ->
				 * node Ready (agent, control-plane, server) */
	STARTUP_N
} startup_phase;

struct startup_config {
	struct dist phase[STARTUP_N];
};

/* Each phase's spec key, default (as text), and where the default comes
 * from: a public source, or "selsim assumption: ..." */
struct startup_phase_info {
	const char *name;	/* "process" */
	const char *roles;	/* "every role" */
	const char *what;	/* one line */
	const char *source;	/* sources or "selsim assumption" */
};

extern const struct startup_phase_info startup_phase_info[STARTUP_N];

/* Sets every phase of @s to its default (world_config_init does). */
void startup_config_default(struct startup_config *s);

struct node_config {
	char *name;
	node_role role;
	int az;			/* index into config.azs */
	int server;		/* --server: a node index, -1 when none */
	server_address server_address;	/* how --server names it (ip) */
	int *cache;		/* cached address list (server node indices);
				 * default every server but the node itself */
	size_t n_cache;
	bool ca_on_disk;	/* CA certificate kept from an earlier life
				 * (default true; false for a first join) */
	bool up;		/* running and Ready at time 0 (default true) */
	bool has_rtt;		/* rtt overrides the link class for links to
				 * and from this node */
	struct dist rtt;
	bool startup_set[STARTUP_N];	/* the node overrides this phase */
	struct startup_config startup;	/* ... with this distribution */
};

struct az_config {
	char *name;
	int region;		/* index into config.regions */
};

typedef enum {
	LINK_SAME_AZ,
	LINK_CROSS_AZ,
	LINK_CROSS_REGION,
	LINK_N_CLASSES
} link_class;

extern const char *const link_class_names[LINK_N_CLASSES]; /* "same_az" ... */

struct network_config {
	struct dist rtt[LINK_N_CLASSES];	/* round-trip time per class */
	double loss;		/* probability that a SYN is lost (default 0) */
	int tls_round_trips;	/* TLS handshake round trips (default 2) */
	sim_time syn_retry;	/* first SYN retransmission (default 1s),
				 * doubling after each loss as Linux does */
};

struct servers_config {
	int workers;		/* requests served at once per server (4) */
	int queue;		/* requests waiting beyond those; more are
				 * refused (default 1000) */
	struct dist service_time;	/* per request (default exp, mean 2ms) */
};

typedef enum {
	FAIL_STOP,		/* the process stops; its host answers (refused);
				 * with a duration it starts again after it */
	FAIL_START,		/* the process (and, if down, the host) starts */
	FAIL_RESTART,		/* stop then start at once */
	FAIL_CRASH,		/* the host goes down: a black hole */
	FAIL_ROLLING_RESTART,	/* restart nodes one by one */
	FAIL_AZ_OUTAGE,		/* every host of an AZ is unreachable */
	FAIL_PARTITION,		/* traffic between two groups is dropped */
	FAIL_SLOW,		/* a gray failure: service time x factor */
	FAIL_LOSS,		/* SYN loss on links to a node */
	FAIL_N_KINDS
} failure_kind;

/* Spec key of each kind ("stop", "rolling_restart", ...) and a summary. */
extern const char *const failure_kind_names[FAIL_N_KINDS];
extern const char *const failure_kind_summaries[FAIL_N_KINDS];

struct failure_config {
	sim_time at;		/* when it happens */
	failure_kind kind;
	int *nodes;		/* target nodes, in order (rolling restart) */
	size_t n_nodes;
	int az;			/* FAIL_AZ_OUTAGE: the AZ */
	int *peers;		/* FAIL_PARTITION: the other group; NULL means
				 * every node not in nodes */
	size_t n_peers;
	bool one_way;		/* FAIL_PARTITION: drop nodes -> peers only */
	bool has_duration;	/* ends after a duration (else it lasts) */
	struct dist duration;
	struct dist interval;	/* FAIL_ROLLING_RESTART: between nodes */
	bool wait_ready;	/* FAIL_ROLLING_RESTART: the next node waits
				 * until the last is Ready, then the interval */
	double factor;		/* FAIL_SLOW: service-time multiplier */
	double loss;		/* FAIL_LOSS: probability a SYN is lost */
};

/* The most failures drawn for one scenario. */
#define CONFIG_MAX_RANDOM_FAILURES 64

/*
 * Failures drawn at random for each scenario, besides the fixed ones:
 * how many, which kind, where, when and for how long, each from a
 * distribution. Scenario k's draws come from the stream (seed, k,
 * SIM_RNG_SCENARIO), so a scenario replays alone exactly as inside a run,
 * and every policy faces the same draws.
 */
struct random_config {
	bool enabled;
	struct dist count;	/* failures per scenario: a draw rounded down,
				 * at most CONFIG_MAX_RANDOM_FAILURES */
	struct dist at;		/* when each happens (capped at the deadline) */
	double weight[FAIL_N_KINDS];	/* relative odds of each kind; only
					 * stop, restart, crash, az_outage,
					 * partition, slow and loss may be > 0 */
	int *nodes;		/* targets of node failures (all nodes when
				 * the spec gives none) */
	size_t n_nodes;
	int *azs;		/* targets of AZ outages (all AZs) */
	size_t n_azs;
	bool has_duration;	/* else failures last (stopped and crashed
				 * nodes stay down) */
	struct dist duration;	/* how long; a stopped or crashed node
				 * starts again after it */
	struct dist factor;	/* FAIL_SLOW: the multiplier (>= 1) */
	struct dist rate;	/* FAIL_LOSS: the SYN loss probability */
	double one_way;		/* FAIL_PARTITION: probability that it is
				 * one-way */
	bool partition_az;	/* FAIL_PARTITION: isolate a whole AZ (drawn
				 * from azs) from the rest, instead of the
				 * target node from every other node */
};

struct world_config {
	struct az_config *azs;
	size_t n_azs;
	char **regions;
	size_t n_regions;
	struct node_config *nodes;
	size_t n_nodes;
	struct network_config network;
	struct servers_config servers;
	struct failure_config *failures;	/* the fixed timeline */
	size_t n_failures;
	struct random_config random;	/* drawn per scenario */
	sim_time deadline;	/* a scenario ends here at the latest */
	struct startup_config startup;	/* "startup": every node's phases,
					 * unless the node overrides one */
	bool failover;		/* nodes keep running after Ready (K3S-MODEL
				 * section 7): held connections, leases,
				 * the controller-manager; the run goes on
				 * to the deadline (default false) */
	int kcm_leader;		/* failover: the controller-manager leader
				 * at the start (a server with an apiserver);
				 * -1: the first one (default) */
};

/* A config with every default set and no nodes. Release with
 * world_config_release(). */
void world_config_init(struct world_config *c);

/* Frees everything @c owns. */
void world_config_release(struct world_config *c);

/* The node named @name, or -1. */
int world_config_find_node(const struct world_config *c, const char *name);

/* The distribution of start-up phase @k of node @node (its override, or
 * the world's). */
const struct dist *world_config_startup(const struct world_config *c,
					int node, startup_phase k);

/* The class of the link between nodes @a and @b. */
link_class world_config_link_class(const struct world_config *c, int a, int b);

#endif
