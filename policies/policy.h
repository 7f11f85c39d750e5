/*
 * The policy interface: how a client-side load balancer picks a server.
 *
 * A policy is a bundle (DESIGN.md): a server-selection state machine behind
 * struct policy_ops, its parameters, and, for the K3s variants, which
 * version of the join flow runs, declared as data (policy_ops.flow) that the
 * join-flow model reads.
 *
 * A load balancer (LB) instance serves one node for one purpose (the
 * supervisor, apiserver or etcd proxy of K3S-MODEL.md section 1). It sees
 * only server ids, outcomes and times: never the network or the failures.
 * The model drives it:
 *
 *   set_servers()            the address list changed
 *   dial_begin(), dial_next() a dial: which servers to try, in what order;
 *                            the model dials each and reports with record()
 *   record(HEALTH, ...)      the health-check loop, every health interval
 *   conn_open/conn_close     connections opened and closed through it
 *
 * and the LB may ask the model to close connections (lb_env.close_conns).
 *
 * This header is the documented API for policies built as plug-ins.
 */
#ifndef POLICIES_POLICY_H
#define POLICIES_POLICY_H

#include "backoff.h"
#include "sim/engine.h"
#include "sim/time.h"

#include <gmodule.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

#define LB_MAX_SERVERS 64	/* = CONFIG_MAX_SERVERS */

struct policy_ops;

/* ---- parameters ---- */

/* The most parameters of its own a policy may declare. */
#define POLICY_MAX_OWN 12

/* Outlier ejection (Envoy's outlier detection), an option any policy can
 * enable: a server with `consecutive` failed dials in a row is skipped
 * for min(base_ejection x its multiplier, max_ejection_time); ejections
 * are reviewed every `interval`; at most max_percent of the servers are
 * ejected at once (outlier.h). */
struct outlier_cfg {
	bool enabled;		/* default false */
	int consecutive;	/* 5 */
	sim_time interval;	/* 10s */
	sim_time base_ejection;	/* 30s */
	double max_percent;	/* 10 */
	sim_time max_ejection_time; /* 300s (Envoy: 10 x base default) */
};

/*
 * The K3s constants a policy reads (K3S-MODEL.md): the LB's dial timeout
 * (pick-first's default, the default connect timeout of every policy) and
 * the k3s LB's PREFERRED -> HEALTHY period. The other K3s constants (the
 * join flows' timeouts, the health checkers, etcd, systemd) belong to the
 * model (models/k3s_params.h): they are no part of the plug-in ABI.
 * Defaults are the K3s values; the spec overrides them per policy
 * ("params": {"k3s": {"dial_timeout": "5s"}}) and sweeps them.
 */
struct policy_params {
	sim_time dial_timeout;		/* LB dial timeout: 10s */
	sim_time preferred_to_healthy;	/* PREFERRED -> HEALTHY after: 1m */

	/* Not K3s constants: the settings of other policies. */
	double own[POLICY_MAX_OWN];	/* ops->own[i]'s value (durations in
					 * seconds); policy_params_for() sets
					 * the defaults */
	struct backoff_cfg backoff;	/* between failed passes, for a policy
					 * whose ops have pass_delay */
	struct retry_budget_cfg {
		bool enabled;		/* default false */
		double max_tokens;	/* 10 */
		double refund;		/* 0.1 per success */
	} budget;			/* bounds the passes after the first */
	struct outlier_cfg outlier;
};

typedef enum {
	PARAM_DURATION,		/* a sim_time; in a spec a duration string */
	PARAM_NUMBER,		/* a double */
	PARAM_INT,		/* a whole number (held as a double in own[]) */
	PARAM_BOOL,		/* true or false (held as 0 or 1) */
} param_type;

/* A parameter a policy declares for itself (policy_ops.own). Its value
 * lives in policy_params.own[i], at the descriptor's index. */
struct own_param {
	const char *name;	/* spec key: "choice_count" */
	param_type type;
	double def;		/* default (seconds for a duration) */
	double min, max;	/* valid range, inclusive */
	const char *help;	/* one line, with its source */
};

/* Which group a settable name belongs to. A family other than the K3s
 * constants and the own parameters has one name that switches it on (its
 * toggle) or names its strategy, and fields named "<family>.<field>". */
typedef enum {
	PARAM_FAMILY_K3S,	/* a K3s constant: "dial_timeout" */
	PARAM_FAMILY_OWN,	/* one of the policy's own: "choice_count" */
	PARAM_FAMILY_BACKOFF,	/* "backoff", "backoff.base" ... */
	PARAM_FAMILY_RETRY_BUDGET, /* "retry_budget", "retry_budget.refund" */
	PARAM_FAMILY_OUTLIER,	/* "outlier_ejection", "outlier.interval" */
} param_family;

/* How a row of policy_param_descs finds its slot. */
typedef enum {
	PARAM_ROW_FIELD,	/* the field at offset, of type type */
	PARAM_ROW_BACKOFF_KIND,	/* "backoff": the strategy's name */
	PARAM_ROW_BACKOFF_FIELDS, /* name is a prefix ("backoff."); the
				   * rest names one of backoff_params */
} param_row;

struct param_desc {
	const char *name;	/* spec key: "dial_timeout" */
	param_type type;
	size_t offset;		/* offsetof(struct policy_params, field) */
	const char *source;	/* where the default comes from: "httpproxy.go" */
	const char *help;	/* one line */
	param_family family;	/* its group */
	param_row row;		/* how its slot is found */
	bool toggle;		/* the flag that switches its family on */
	double min, max;	/* valid range (durations in seconds) */
};

/*
 * The one table of every name a spec can set for any policy, the own
 * parameters aside (they are in policy_ops.own): the K3s constants first,
 * policy_n_params of them in the order of struct policy_params, then the
 * backoff, retry-budget and outlier families, policy_n_param_descs rows
 * in all. policy_param_slot() and policy_param_names() read it.
 */
extern const struct param_desc policy_param_descs[];
extern const size_t policy_n_params;
extern const size_t policy_n_param_descs;

/* The K3s defaults, no own parameters, backoff "none", no budget, no
 * outlier ejection. */
void policy_params_default(struct policy_params *p);

/* The defaults for @ops: policy_params_default() plus its own
 * parameters' defaults and its default backoff. */
void policy_params_for(const struct policy_ops *ops, struct policy_params *p);

/* The index of @ops's own parameter @name, or -1. */
int policy_own_find(const struct policy_ops *ops, const char *name);

/*
 * Where a parameter of a policy lives, found by the name a spec uses for
 * it: a K3s constant ("dial_timeout"), one of the policy's own
 * ("choice_count"), the backoff ("backoff" names the strategy,
 * "backoff.base" ... its fields), the retry budget ("retry_budget",
 * "retry_budget.max_tokens", "retry_budget.refund") or outlier ejection
 * ("outlier_ejection", "outlier.consecutive", "outlier.interval",
 * "outlier.base_ejection", "outlier.max_percent"). Exactly one of the
 * pointers is set, by type: a duration in *t (sim_time) or in *x (own
 * parameters, in seconds); a number in *x; an int in *i or *x; a flag in
 * *b or *x (0 or 1). The "backoff" strategy itself is a name: kind is set
 * and the caller resets p->backoff to backoff_cfg_default() of it.
 */
struct param_slot {
	param_type type;
	sim_time *t;
	double *x;
	int *i;
	bool *b;
	backoff_kind *kind;	/* "backoff": the strategy's name */
	double min, max;	/* valid range (durations in seconds) */
	param_family family;	/* which group the name belongs to */
	bool toggle;		/* the name switches its family on
				 * ("retry_budget", "outlier_ejection") */
};

/* Finds @name for @ops inside @p. FALSE when the policy has no such
 * parameter. */
bool policy_param_slot(const struct policy_ops *ops, struct policy_params *p,
		       const char *name, struct param_slot *out);

/* Every name policy_param_slot() knows for @ops, comma-separated; caller
 * frees with g_free(). */
char *policy_param_names(const struct policy_ops *ops);

/* The K3s constant named @name (one of the first policy_n_params rows),
 * or NULL. */
const struct param_desc *policy_param_find(const char *name);

/* The field a descriptor names, inside @p. */
sim_time *policy_param_ref(struct policy_params *p, const struct param_desc *d);

/* ---- the load balancer ---- */

typedef enum {
	LB_CHECK_DIAL,		/* a connection attempt through the LB */
	LB_CHECK_HEALTH,	/* a health-check result */
} lb_check;

typedef enum {
	LB_OK,			/* connected / healthy */
	LB_FAILED,		/* refused, timed out, or unhealthy */
	LB_UNKNOWN,		/* no result yet: changes nothing */
} lb_result;

/* What a request's answer tells a latency-aware policy: the client's
 * view (latency) and what the server piggybacks on its answer (C3). */
struct lb_feedback {
	sim_time latency;	/* request sent to answer received */
	sim_time service;	/* the server's service time for it */
	int queue;		/* requests waiting at the server when it
				 * answered */
	bool ok;		/* a success (else an error answer) */
	sim_time connect;	/* dial start to connected (or to the failed
				 * dial's end) */
	bool dial_failed;	/* no answer: the dial failed after
				 * `connect` (latency, service, queue 0,
				 * ok false) */
};

/* What the model gives a new LB. Borrowed: it outlives the LB. */
struct lb_env {
	sim *sim;			/* for sim_now() only */
	const struct policy_params *params;
	gsl_rng *rng;			/* the LB's own stream (shuffles) */
	/* Closes every connection to @server through this LB; the model
	 * answers with conn_close() for each. */
	void (*close_conns)(void *model, int server);
	void *model;
	/* Called on every state change, when set (tracing). */
	void (*on_state)(void *model, int server, const char *from,
			 const char *to);
};

/*
 * One dial pass, kept by the caller. dial_begin() fills order[0..n), the
 * pass's candidates; from then until the next dial_begin(), n is fixed
 * (policy_dial_next() checks it), the set of ids in order[0..n) too, and
 * every id dial_next() names is one of them. The caller reads order only
 * through dial_next(). pos and round are the policy's cursor.
 */
struct lb_pass {
	int order[LB_MAX_SERVERS];	/* the candidates: distinct ids >= 0 */
	int n;				/* entries in order, 0..LB_MAX_SERVERS */
	int pos;			/* policy-defined */
	int round;			/* policy-defined */
};

/* The join flow that runs with a policy: data the join model reads. */
typedef enum {
	JOIN_FLOW_POSTFIX,	/* after PR #11844: fall back through the LB */
	JOIN_FLOW_LEGACY,	/* before: --server only, fatal when it is down */
} join_flow;

struct policy_ops {
	const char *name;	/* as in specs: "k3s" */
	const char *summary;	/* one line for `selsim list` */
	join_flow flow;		/* which join flow runs with this policy */

	/*
	 * Creates an LB with an empty address list and no default server.
	 * Returns an opaque state, never NULL (policy_lb_new() makes NULL a
	 * SIM_BUG), that every other method receives; freed with lb_free().
	 * Required.
	 */
	void *(*lb_new)(const struct lb_env *env);
	void (*lb_free)(void *lb);

	/*
	 * Sets the default server (--server), or -1 for none. Called once,
	 * before set_servers(). Optional: without it the model appends the
	 * default server to every address list it passes (an ordinary
	 * server, last).
	 */
	void (*set_default)(void *lb, int server);

	/*
	 * Replaces the address list with @servers (@n <= LB_MAX_SERVERS
	 * distinct ids >= 0, checked by policy_set_servers(); never
	 * containing the default server unless the member list really holds
	 * it). @servers is borrowed for the call. Servers kept keep their
	 * state (lb_addrs_set() in addr_list.h gives the mapping).
	 * Required.
	 */
	void (*set_servers)(void *lb, const int *servers, size_t n);

	/*
	 * Starts a dial: fills pass->order[0..pass->n) with the candidates
	 * of this pass, distinct ids >= 0, each in the address list or the
	 * default server (the snapshot), and sets pos and round as
	 * dial_next() wants them. policy_dial_begin() checks the count and
	 * that the ids are distinct and >= 0. Required.
	 */
	void (*dial_begin)(void *lb, struct lb_pass *pass);

	/*
	 * The next server to dial in this pass, or -1: the dial fails
	 * ("all servers failed"). The answer is one of
	 * pass->order[0..pass->n) (a server may come again in a later
	 * round), and a server removed from the list since dial_begin() is
	 * skipped (lb_addrs_next() does both for a pass taken in order).
	 * Leaves n alone; may reorder only the entries it has not named
	 * yet (random.c draws its permutation as it goes), never the set
	 * of ids. policy_dial_next() makes any other
	 * answer a SIM_BUG naming the policy. The model dials it, waits for
	 * the outcome and reports it with record(DIAL) before calling
	 * dial_next() again, or stops at the first success. Required.
	 */
	int (*dial_next)(void *lb, struct lb_pass *pass);

	/*
	 * Reports an outcome on @server: a dial or a health check. LB_UNKNOWN
	 * changes nothing. Ids not in the list are ignored. Required.
	 */
	void (*record)(void *lb, int server, lb_check kind, lb_result r);

	/* A connection to @server opened / closed. Optional. */
	void (*conn_open)(void *lb, int server);
	void (*conn_close)(void *lb, int server);

	/* The state of @server as a word ("ACTIVE"), for traces and tests;
	 * NULL when not in the list. Optional. */
	const char *(*state_name)(void *lb, int server);

	/*
	 * A request through this LB to @server was answered (@fb). Called
	 * once per answer, after the connection is closed, and once per
	 * failed dial of a request (fb->dial_failed). Optional: for
	 * policies that rank by latency or load.
	 */
	void (*observe)(void *lb, int server, const struct lb_feedback *fb);

	/*
	 * A dial pass failed (dial_next() returned -1) for the @passes-th
	 * time in this request (1 after the first pass): the delay before
	 * the next pass starts (dial_begin() again), >= 0, or -1 to give up
	 * and fail the request. The client's timeout still bounds the request.
	 * Optional: without it the request fails after one pass (K3s).
	 */
	sim_time (*pass_delay)(void *lb, int passes);

	/*
	 * The timeout of a dial to @server; optional, default
	 * params->dial_timeout (gRPC: max(backoff, min connect timeout)).
	 */
	sim_time (*connect_timeout)(void *lb, int server);

	/*
	 * Hedging: after this long (>= 0) without an answer, a second
	 * request goes to the next server of the pass; the first answer
	 * wins and the other is dropped. -1: no hedge. Optional (no
	 * hedging).
	 */
	sim_time (*hedge_delay)(void *lb);

	/*
	 * Happy Eyeballs (grpc-go pickfirst.go connectionDelayInterval):
	 * when a dial of a request has not connected after this long (>= 0),
	 * the next server of the pass is dialled too, while the first goes
	 * on; the first to connect carries the request, the other is
	 * dropped. Armed again at each new dial; the model races at most two
	 * dials. -1: none. Optional (none).
	 */
	sim_time (*dial_stagger)(void *lb);

	/* Whether a dial pass goes on after the client gave up (K3s's LB
	 * ignores the request's context, K3S-MODEL.md section 1); otherwise
	 * an abandoned request stops dialing. */
	bool dial_ignores_cancel;

	/* A pass ends after a failed dial once this long (> 0) has passed
	 * since it began; 0: no limit. The K3s LB before PR #11329 returned
	 * ctx.Err() after a failed server (loadbalancer.go:199-201 at
	 * 911ee19a9^), the context being tcpproxy's per-connection dial
	 * context of 10 s (K3S-MODEL 6.12). Data, like flow. */
	sim_time pass_deadline;

	/* The policy's own parameters, NULL-terminated by name; optional.
	 * At most POLICY_MAX_OWN. */
	const struct own_param *own;

	/* The backoff a policy with pass_delay uses by default. */
	backoff_kind default_backoff;
};

/* ---- plug-ins ---- */

/*
 * A policy can live in a shared object that `selsim --plugin PATH.so`
 * loads (policies/plugin.h); its policies are then named in specs like
 * built-in ones. policies/examples/least_recent.c is one to copy.
 *
 * The module defines, with SELSIM_POLICY_PLUGIN(array), two symbols:
 *   selsim_policy_api_version  the SELSIM_POLICY_API_VERSION it was built
 *                              against; selsim refuses any other version
 *                              without calling into the module;
 *   selsim_policy_register()   called once with selsim's version; returns
 *                              a NULL-terminated array of ops, borrowed:
 *                              the module stays loaded until exit.
 * Each ops needs a name not already registered, lb_new, lb_free,
 * set_servers, dial_begin, dial_next and record, and at most
 * POLICY_MAX_OWN own parameters; the other methods are optional, as for a
 * built-in policy, and every method keeps the contract written at its
 * slot (the wrappers below make a broken answer a SIM_BUG naming the
 * policy). policies/addr_list.h keeps an address list for you. LBs run on
 * several threads at once: keep no mutable global state.
 *
 * A module may call what this header and the headers it includes declare
 * (sim_now(), SIM_ASSERT, backoff_*() ...: selsim exports its symbols)
 * and GLib and GSL. Make everything else static: a global of the module
 * could collide with one of selsim's. Build it with
 *   cc -shared -fPIC -o my.so my.c -I SELSIM_SOURCE_DIR \
 *      $(pkg-config --cflags glib-2.0 gsl)
 * linking nothing else: the symbols come from the selsim that loads it.
 * The version changes whenever struct policy_ops, struct lb_env, struct
 * lb_pass or struct policy_params change layout, or a method's contract
 * changes. Version 2: the pass contract of dial_begin()/dial_next(),
 * checked by the wrappers, and the address-list helpers (addr_list.h).
 * Version 3: dial_stagger (Happy Eyeballs); the hedge timer starts when
 * the request is issued; struct policy_params keeps only the two K3s
 * constants a policy reads (dial_timeout, preferred_to_healthy), the
 * others moved to the model (models/k3s_params.h).
 * Version 4: pass_deadline.
 * Version 5: dial_next() may reorder the entries of its pass it has not
 * named yet (a permutation drawn as the pass goes); struct lb_addrs
 * (addr_list.h) keeps an index of its ids below 64.
 */
#define SELSIM_POLICY_API_VERSION 5

typedef const struct policy_ops *const *(*selsim_policy_register_fn)(
	int api_version);

/* Defines a plug-in's two entry points for @array, a NULL-terminated
 * array of ops pointers. Use it once, at file scope. */
#define SELSIM_POLICY_PLUGIN(array) \
	G_MODULE_EXPORT const int selsim_policy_api_version = \
		SELSIM_POLICY_API_VERSION; \
	G_MODULE_EXPORT const struct policy_ops *const * \
	selsim_policy_register(int api_version); \
	G_MODULE_EXPORT const struct policy_ops *const * \
	selsim_policy_register(int api_version) \
	{ \
		return api_version == SELSIM_POLICY_API_VERSION ? (array) \
								: NULL; \
	}

/* ---- the registry ---- */

/* The policy named @name, built in or from a plug-in, or NULL. */
const struct policy_ops *policy_find(const char *name);

/* The built-in policies, NULL-terminated. To see plug-ins too, iterate
 * with policy_registry_get() (policies/plugin.h). */
extern const struct policy_ops *const policy_registry[];

/* "k3s, k3s-legacy, k3s-shuffle", then the plug-ins' policies: caller
 * frees with g_free(). */
char *policy_names(void);

/*
 * Wrappers that check what the caller passes and what the policy answers,
 * and supply defaults for optional methods (SQLite os.c style). The core
 * calls policies only through them. A broken answer is a SIM_BUG whose
 * message names the policy ("policy 'x': dial_next named server 7, not in
 * its pass"); so is a broken argument.
 */

/* ops->lb_new(); NULL is a bug. Free with policy_lb_free(). */
void *policy_lb_new(const struct policy_ops *ops, const struct lb_env *env);
/* ops->lb_free(); @lb may be NULL (nothing happens). */
void policy_lb_free(const struct policy_ops *ops, void *lb);
/* ops->set_servers() after checking @servers: at most LB_MAX_SERVERS
 * distinct ids >= 0. */
void policy_set_servers(const struct policy_ops *ops, void *lb,
			const int *servers, size_t n);
/* ops->dial_begin(), then checks the pass: n in 0..LB_MAX_SERVERS and
 * order[0..n) distinct ids >= 0. */
void policy_dial_begin(const struct policy_ops *ops, void *lb,
		       struct lb_pass *pass);
/* ops->dial_next(), then checks the answer: -1 or one of
 * pass->order[0..n), with n unchanged. */
int policy_dial_next(const struct policy_ops *ops, void *lb,
		     struct lb_pass *pass);
/* ops->record() after checking @server >= 0 and the enums. */
void policy_record(const struct policy_ops *ops, void *lb, int server,
		   lb_check kind, lb_result r);

void policy_set_default(const struct policy_ops *ops, void *lb, int server);
void policy_conn_open(const struct policy_ops *ops, void *lb, int server);
void policy_conn_close(const struct policy_ops *ops, void *lb, int server);
const char *policy_state_name(const struct policy_ops *ops, void *lb,
			      int server);
void policy_observe(const struct policy_ops *ops, void *lb, int server,
		    const struct lb_feedback *fb);
/* -1 (give up) without pass_delay; an answer below -1 is a bug. */
sim_time policy_pass_delay(const struct policy_ops *ops, void *lb, int passes);
/* params->dial_timeout without connect_timeout (or when it answers <= 0). */
sim_time policy_connect_timeout(const struct policy_ops *ops, void *lb,
				int server, const struct policy_params *p);
/* -1 (no hedging) without hedge_delay; an answer below -1 is a bug. */
sim_time policy_hedge_delay(const struct policy_ops *ops, void *lb);
/* -1 (no stagger) without dial_stagger; an answer below -1 is a bug. */
sim_time policy_dial_stagger(const struct policy_ops *ops, void *lb);

#endif
