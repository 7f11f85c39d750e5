/*
 * The world: one K3s cluster under one failure scenario, run by the engine
 * with one policy's load balancers in every node.
 *
 * A world is made once per (config, policy, parameters) and run many times,
 * once per scenario: world_run() resets it, seeds every stream from
 * (seed, scenario, purpose, entity), plays the failure timeline and the
 * join flows until every node that should join is Ready, nothing else is
 * due, or the deadline, and fills a run record. Failure schedules and link
 * latencies come from streams that do not depend on the policy, so every
 * policy faces the same scenario.
 *
 * Inside, each piece of state has one owner and files call only downward.
 * The layers, bottom up (each file's private header says what it owns and
 * what it may call; tests/model_layers.sh checks the objects against this
 * order):
 *
 *   dist, config    distributions and the world's configuration (data)
 *   k3s_params      the K3s constants the model reads (data)
 *   frame           the shared context: config, engine, trace, streams,
 *                   the notify hook, the words (endpoints, ports, ...)
 *   call            calls in flight (today's requests) and their pool
 *   net             hosts, AZ outages, partitions, SYN loss, RTTs
 *   node            processes: start, stop, fatal exits, systemd
 *   etcd            membership, quorum, elections
 *   server          ports, what a server serves, its queue and workers
 *   lb              load balancers: the only driver of the policy, and
 *                   their health checkers
 *   client          a call's life: dial passes, TLS, answers, timeouts,
 *                   hedging
 *   apietcd         after Ready: a control-plane-only apiserver's etcd
 *                   connection through its etcd LB
 *   nodectl         after Ready: the controller-manager's NotReady
 *   endpoints       after Ready: the apiservers' endpoint leases, the
 *                   `kubernetes` EndpointSlice and the agents' watch of it
 *   session         after Ready: an agent's held connections, lease
 *                   renewals, watches, and how a break is noticed
 *   join            the K3s join flows
 *   timeline        the failures of the scenario, drawn and played; the
 *                   counted joins and when the run may stop
 *   world           set-up, the run, and the one notify step that tells
 *                   the others, in a fixed order, that something changed
 *
 * Where a lower file must make a higher one react, it calls
 * frame__notify() (the world fans out) or a hook the higher file
 * registered at set-up (server__set_leave, lb__set_hooks); it never names a
 * higher file's function. queueing and contention (the study models) sit
 * beside them on dist, config and batch_means (the batch-means estimator
 * of the queueing study).
 */
#ifndef MODELS_WORLD_H
#define MODELS_WORLD_H

#include "config.h"
#include "k3s_params.h"
#include "record.h"
#include "policies/policy.h"

#include <stdint.h>

struct world;

/*
 * A world for @cfg run with @ops, @params and the K3s constants @k3s. All
 * four are borrowed and must outlive the world. Free with world_free().
 */
struct world *world_new(const struct world_config *cfg,
			const struct policy_ops *ops,
			const struct policy_params *params,
			const struct k3s_params *k3s);

void world_free(struct world *w);

/* The engine's debugging switch (sim_set_tie_reverse()): events at the
 * same instant run last scheduled first. Off by default. */
void world_set_tie_reverse(struct world *w, bool reverse);

/*
 * Runs scenario @scenario of the experiment seeded @seed and fills @rec,
 * whose nodes array must hold cfg->n_nodes entries (see
 * run_record_init()). The same arguments give the same record.
 */
void world_run(struct world *w, uint64_t seed, uint64_t scenario,
	       struct run_record *rec);

/* What a trace event tells. */
typedef enum {
	TRACE_FAILURE,		/* a failure of the timeline begins */
	TRACE_FAILURE_END,	/* its duration is over */
	TRACE_START,		/* k3s starts on a node */
	TRACE_FATAL,		/* a fatal error: the process exits */
	TRACE_READY,		/* the node is Ready */
	TRACE_DIAL,		/* node dials peer */
	TRACE_DIAL_OK,		/* ... connected */
	TRACE_DIAL_REFUSED,	/* ... refused */
	TRACE_DIAL_TIMEOUT,	/* ... timed out */
	TRACE_REQUEST,		/* a join-flow request starts */
	TRACE_ANSWER,		/* ... and succeeds (peer answered) */
	TRACE_ANSWER_FAILED,	/* ... or fails */
	TRACE_STATE,		/* node's LB changed peer's state */
	TRACE_HEALTH,		/* a health checker's result changed */
	TRACE_ETCD,		/* leader lost or elected (node: the leader) */
	TRACE_NOTE,		/* anything else worth a line */
	TRACE_CONN,		/* after Ready: a held connection opens,
				 * breaks (and how it was noticed) */
	TRACE_LEASE,		/* a lease renewal late or failed */
	TRACE_NODE,		/* the controller-manager: NotReady, Ready */
	TRACE_N_KINDS
} trace_kind;

extern const char *const trace_kind_names[TRACE_N_KINDS]; /* "dial_ok" */

struct trace_event {
	sim_time t;
	trace_kind kind;
	int node;		/* the node it concerns, or -1 */
	int peer;		/* the other node (server dialed), or -1 */
	int failure; /* the failure's index in the scenario's timeline, or -1 */
	const char *text;	/* the line, in words; borrowed */
};

/*
 * A trace sink: called with each event of the story of a run (dials,
 * outcomes, state changes, failures, Ready), in time order. NULL turns
 * tracing off (the default); nothing is formatted while it is off.
 * A traced run goes on until the last failure of the timeline, even past
 * the moment its outcome is settled (an untraced run stops there), so
 * its record's end and event count can be larger; every node's figures
 * are the same.
 */
typedef void (*world_trace_fn)(void *ctx, const struct trace_event *ev);
void world_set_trace(struct world *w, world_trace_fn fn, void *ctx);

/* Allocates @rec for @n_nodes nodes; release with run_record_release(). */
void run_record_init(struct run_record *rec, size_t n_nodes);
void run_record_release(struct run_record *rec);

#endif
