/*
 * The server table the load-aware policies share (p2c.c, peak_ewma.c,
 * c3.c, hedged.c): the address list in list order, each server with its
 * open connections and a "down" flag, and the methods that only read or
 * keep that table. Internal to policies/: not part of the plug-in API
 * (policy.h), and its functions carry the lb__ prefix of internal helpers.
 *
 * A policy using it puts a struct lb_table first in its LB struct, so
 * that a pointer to the LB is a pointer to its table: the methods below
 * that take a `void *lb` go straight into the policy's ops
 * (.dial_next = lb__dial_next ...). What a policy keeps per server beyond
 * the table (an EWMA ...) lives in its own array, in the same list order,
 * rearranged by lb_addrs_remap() with the mapping lb__table_set_servers()
 * gives. The address list itself is a struct lb_addrs (addr_list.h).
 *
 * The "down" rule: a server is down when the last outcome reported for
 * it, a dial or a health check, was a failure, and up again after any
 * success; new servers start up, with no connection. Its state names are
 * "HEALTHY" (up) and "UNHEALTHY" (down).
 */
#ifndef POLICIES_LB_TABLE_H
#define POLICIES_LB_TABLE_H

#include "addr_list.h"
#include "policy.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

struct lb_server {
	int conns;		/* outstanding requests through this LB */
	bool down;		/* its last dial or health check failed */
};

struct lb_table {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct lb_addrs addrs;	/* the address list: the ids */
	struct lb_server srv[LB_MAX_SERVERS];	/* as addrs, in list order */
	int n_down;		/* entries of srv that are down */
};

/*
 * Asserts that every own parameter of a policy lies in its declared
 * range: @own is the policy's NULL-terminated descriptor array, @p the
 * LB's parameters. Values out of range are a bug of the caller:
 * policy_params_for() sets the defaults and the spec loader checks what a
 * user sets.
 */
void lb__check_own(const struct own_param *own, const struct policy_params *p);

/* Copies @env into @t, with an empty address list. */
void lb__table_init(struct lb_table *t, const struct lb_env *env);

/* The index in t->srv of server @id, or -1 when not in the list. */
int lb__table_find(const struct lb_table *t, int id);

/*
 * Replaces the address list with @servers (@n ids, n <= LB_MAX_SERVERS,
 * each >= 0): kept servers keep their counts and down flag, new ones
 * start up and idle. When @from is not NULL, from[k] is set to the old
 * index of the k-th new entry, or -1 for a new server (for
 * lb_addrs_remap()).
 */
void lb__table_set_servers(struct lb_table *t, const int *servers, size_t n,
			   int *from);

/* Envoy's default healthy_panic_threshold, in percent (round_robin,
 * random and least_request config.cc: 50) and its overprovisioning factor
 * (upstream_impl.h: 140, in percent). */
#define LB_PANIC_DEFAULT 50.0
#define LB_OVERPROVISIONING 140

/* The own parameter "panic_threshold" every health-keeping policy
 * declares; @why ends its help line. */
#define LB_PANIC_OWN(why) { \
	.name = "panic_threshold", \
	.type = PARAM_NUMBER, \
	.def = LB_PANIC_DEFAULT, \
	.min = 0.0, \
	.max = 100.0, \
	.help = "below this % of servers up, use every server (Envoy " \
		"healthy_panic_threshold, default 50)" why, \
}

/*
 * Envoy's panic rule (load_balancer_impl.cc: the healthy availability is
 * min(100, 140 x healthy / total) in whole percent; below 100 the set is
 * in panic when 100 x healthy / total < @threshold, strictly): whether a
 * pass over @n servers of which @healthy are up uses every server.
 * FALSE for n = 0.
 */
bool lb__panic(int healthy, int n, double threshold);

/*
 * Splits the list for a pass: @pool gets the indices of the up servers,
 * @rest those of the down ones, both in list order, with their counts in
 * *@n_pool and *@n_rest. In panic (lb__panic() with @threshold) the pool
 * is every server and the rest is empty. With threshold 0 and no server
 * up both are empty (Envoy: no healthy host, no panic). Each array holds
 * LB_MAX_SERVERS entries.
 */
void lb__table_split(const struct lb_table *t, int *pool, int *n_pool,
		     int *rest, int *n_rest, double threshold);

/*
 * Round-robin over @pool (Envoy round_robin_lb.h, gRPC endpointsharding):
 * pool[(*next + c) % n_pool] for c = 0.., then @rest in its order; the
 * first call draws *next uniformly from the LB's stream (gRPC randIntN,
 * Envoy's random seed), *started records it; *next advances by one.
 */
void lb__rr_order(struct lb_table *t, struct lb_pass *pass, const int *pool,
		  int n_pool, const int *rest, int n_rest, bool *started,
		  unsigned long *next);

/*
 * Fisher-Yates from the front: for i = 0 to n - 2,
 * j = i + gsl_rng_uniform_int(@r, n - i), swap a[i] and a[j]. No draw for
 * fewer than two entries. The tests replay this exact sequence of draws.
 */
void lb__shuffle(gsl_rng *r, int *a, int n);

/*
 * Fills @pass with the snapshot of a ranked pick: pool[best] first, the
 * rest of @pool in its order, then @rest shuffled by lb__shuffle() with
 * t->env.rng (so its draws come after any the caller made) in that order.
 * @pool and @rest hold indices in t->srv, as lb__table_split() gives;
 * @best is ignored when n_pool is 0. @rest is shuffled in place.
 */
void lb__table_order_best(struct lb_table *t, struct lb_pass *pass,
			  const int *pool, int n_pool, int best, int *rest,
			  int n_rest);

/* ---- ops methods: @lb is an LB whose first member is a struct lb_table */

/* lb_free: frees the LB with g_free(); the policy allocates nothing else. */
void lb__free(void *lb);

/* set_servers: lb__table_set_servers() for a policy that keeps nothing
 * per server beyond the table. */
void lb__set_servers(void *lb, const int *servers, size_t n);

/* dial_next: the snapshot in order, skipping servers removed since; then
 * -1. */
int lb__dial_next(void *lb, struct lb_pass *pass);

/* record: any success brings a server up, any failure takes it down
 * (@kind does not matter); LB_UNKNOWN and ids not in the list change
 * nothing. A change is reported to env.on_state, when set, last: it may
 * read the LB. */
void lb__record(void *lb, int server, lb_check kind, lb_result r);

/* conn_open / conn_close: counts the server's outstanding requests (never
 * below 0); ids not in the list are ignored. */
void lb__conn_open(void *lb, int server);
void lb__conn_close(void *lb, int server);

/* state_name: "HEALTHY" (up) or "UNHEALTHY" (down); NULL when not in the
 * list. Static strings. */
const char *lb__state_name(void *lb, int server);

#endif
