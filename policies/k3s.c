/*
 * The current K3s client-side load balancer (K3S-MODEL.md section 1; K3s
 * pkg/agent/loadbalancer/servers.go after PR #11329): a state machine per
 * server and a list kept sorted best first.
 *
 * The list is a plain array of at most LB_MAX_SERVERS entries, re-sorted by
 * insertion sort after a list change or a state change, as K3s does; a
 * connection opened or closed changes the counts but not the order until
 * the next sort (K3S-MODEL 6.7). Sorting is by state, best first, then
 * by open connections, most first; remaining ties keep their previous
 * order: the insertion sort is stable, as Go's slices.SortFunc is for
 * n <= 12 (pdqsort runs insertion sort below 13 elements). Above 12 Go's
 * pdqsort is unstable and selsim stays stable: a documented deviation.
 *
 * The order among ties therefore comes from how servers enter the list
 * (K3S-MODEL 6.6): the default server is set first (New() calls
 * setDefaultAddress, loadbalancer.go:88) and, when the address list holds
 * it, is promoted in place (servers.go:57-61); the other additions are
 * appended in Go map order (range over a set, servers.go:56-65), random at
 * every call: here a shuffle drawn from the LB's own stream (the node's
 * policy stream, so scenarios stay paired across policies). Removals keep
 * the order of the others (slices.DeleteFunc).
 * What the plain array costs: O(n) look-ups by id and an O(n^2) worst-case
 * sort, nothing at n <= 64, where the list is almost always sorted already.
 *
 * Re-entrancy. close_conns() asks the model to close connections, and the
 * model answers with conn_close() at once, which changes counts under our
 * feet; on_state() may read the LB too. So a
 * change is made in two steps: first every state change is applied to the
 * array and queued with the connection closes it causes (a struct
 * k3s_batch), without any callback; then the list is sorted and the
 * callbacks run from the batch, which holds server ids only, never indices
 * or pointers into the array. Each close is re-checked by id just before it
 * is requested, since an earlier callback may have closed it already.
 *
 * k3s and k3s-legacy run this same balancer; only their join flow differs.
 */
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Server states, in increasing order of preference (servers.go values). */
enum k3s_state {
	K3S_INVALID,		/* being removed: never dialed */
	K3S_FAILED,		/* failed a dial or, once up, a health check */
	K3S_STANDBY,		/* the default server while not in the list */
	K3S_UNCHECKED,		/* just added, not checked yet */
	K3S_RECOVERING,		/* one success since it was failed or new */
	K3S_HEALTHY,		/* the normal state */
	K3S_PREFERRED,		/* recently recovered: preferred for a while */
	K3S_ACTIVE,		/* the server connections go to */
};

static const char *const k3s_state_names[] = {
	[K3S_INVALID] = "INVALID",
	[K3S_FAILED] = "FAILED",
	[K3S_STANDBY] = "STANDBY",
	[K3S_UNCHECKED] = "UNCHECKED",
	[K3S_RECOVERING] = "RECOVERING",
	[K3S_HEALTHY] = "HEALTHY",
	[K3S_PREFERRED] = "PREFERRED",
	[K3S_ACTIVE] = "ACTIVE",
};

struct k3s_server {
	int id;			/* the server id */
	enum k3s_state state;	/* where it is in the state machine */
	int conns;		/* connections open through this LB */
	sim_time since;		/* time of its last transition */
};

struct k3s_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct k3s_server srv[LB_MAX_SERVERS];	/* sorted best first */
	int n;			/* entries in srv */
	int default_id;		/* the --server id, or -1 */
};

/* A bound on the changes one call can make: every server changes or
 * closes once, and as many again may be removed. */
#define K3S_BATCH (2 * LB_MAX_SERVERS)

struct k3s_change {
	int id;			/* the server that changed */
	enum k3s_state from;	/* its state before */
	enum k3s_state to;	/* and after */
};

/* The callbacks one call owes the model, made once the list is sorted. */
struct k3s_batch {
	struct k3s_change change[K3S_BATCH];	/* for on_state, in order */
	int n_change;		/* entries in change */
	int close[K3S_BATCH];	/* ids to close_conns, in order */
	int n_close;		/* entries in close */
};

static int k3s_find(const struct k3s_lb *lb, int id)
{
	int i;

	for (i = 0; i < lb->n; i++)
		if (lb->srv[i].id == id)
			return i;
	return -1;
}

/* Whether @a goes strictly before @b: better state, then more
 * connections (K3s compareServers); equal keys keep their order. */
static bool k3s_before(const struct k3s_server *a, const struct k3s_server *b)
{
	if (a->state != b->state)
		return a->state > b->state;
	return a->conns > b->conns;
}

static void k3s_sort(struct k3s_lb *lb)
{
	int i, j;

	for (i = 1; i < lb->n; i++) {
		struct k3s_server s = lb->srv[i];

		for (j = i; j > 0 && k3s_before(&s, &lb->srv[j - 1]); j--)
			lb->srv[j] = lb->srv[j - 1];
		lb->srv[j] = s;
	}
}

/* Moves srv[@i] to @to, timestamped, and queues the on_state() call. Does
 * not sort, so indices stay valid until k3s_flush(). */
static void k3s_set(struct k3s_lb *lb, struct k3s_batch *b, int i,
		    enum k3s_state to)
{
	struct k3s_server *s = &lb->srv[i];

	if (s->state == to)
		return;
	SIM_ASSERT(b->n_change < K3S_BATCH);
	b->change[b->n_change++] = (struct k3s_change){
		.id = s->id, .from = s->state, .to = to,
	};
	s->state = to;
	s->since = sim_now(lb->env.sim);
}

/* Queues a close_conns() for @id; no-op without connections (closeAll()
 * closes nothing then). */
static void k3s_queue_close(struct k3s_batch *b, int id, int conns)
{
	if (conns <= 0)
		return;
	SIM_ASSERT(b->n_close < K3S_BATCH);
	b->close[b->n_close++] = id;
}

/*
 * Sorts, then makes the batch's callbacks: the state changes first (the
 * list is consistent when on_state() looks at it), then the closes. The
 * model's conn_close() answers may re-enter and re-sort; we read only the
 * batch and look servers up again by id.
 */
static void k3s_flush(struct k3s_lb *lb, struct k3s_batch *b, bool list)
{
	int k;

	/* K3s sorts in setAddresses() and setDefaultAddress() (a list
	 * change, @list) and in recordSuccess()/recordFailure() only after a
	 * state change; never on a connection opened or closed
	 * (servers.go:92, 147, 280, 320; K3S-MODEL 6.7) */
	if (list || b->n_change > 0)
		k3s_sort(lb);
	for (k = 0; k < b->n_change && lb->env.on_state; k++)
		lb->env.on_state(lb->env.model, b->change[k].id,
				 k3s_state_names[b->change[k].from],
				 k3s_state_names[b->change[k].to]);
	for (k = 0; k < b->n_close; k++) {
		int id = b->close[k];
		int i = k3s_find(lb, id);

		/* a server removed from the list had connections when
		 * queued; one still listed may have none left by now */
		if (i >= 0 && lb->srv[i].conns == 0)
			continue;
		if (lb->env.close_conns)
			lb->env.close_conns(lb->env.model, id);
	}
}

/* Appends a new server in @state; the caller sorts. */
static void k3s_add(struct k3s_lb *lb, int id, enum k3s_state state)
{
	SIM_ASSERT(id >= 0);
	SIM_ASSERT(lb->n < LB_MAX_SERVERS);
	lb->srv[lb->n++] = (struct k3s_server){
		.id = id,
		.state = state,
		.since = sim_now(lb->env.sim),
	};
}

/* Removes srv[@i] (K3s marks it INVALID and drops it) and queues the close
 * of its connections. The others keep their order (slices.DeleteFunc). */
static void k3s_remove(struct k3s_lb *lb, struct k3s_batch *b, int i)
{
	k3s_queue_close(b, lb->srv[i].id, lb->srv[i].conns);
	memmove(&lb->srv[i], &lb->srv[i + 1],
		(size_t)(lb->n - i - 1) * sizeof(lb->srv[0]));
	lb->n--;
}

static void *k3s_lb_new(const struct lb_env *env)
{
	struct k3s_lb *lb = g_new0(struct k3s_lb, 1);

	SIM_ASSERT(env && env->sim && env->params && env->rng);
	lb->env = *env;
	lb->default_id = -1;
	return lb;
}

static void k3s_lb_free(void *lb)
{
	g_free(lb);
}

/*
 * As K3s setDefaultAddress(): a previous default that was only kept as
 * the default (STANDBY) leaves the list; the new one is marked as the
 * default, keeping its state if listed, else added as STANDBY.
 */
static void k3s_set_default(void *opaque, int server)
{
	struct k3s_lb *lb = opaque;
	struct k3s_batch b;	/* no initialiser: zeroing its 2 KiB on
				 * every call showed in profiles */
	int i;

	b.n_change = b.n_close = 0;

	if (lb->default_id >= 0 && lb->default_id != server) {
		i = k3s_find(lb, lb->default_id);
		if (i >= 0 && lb->srv[i].state == K3S_STANDBY)
			k3s_remove(lb, &b, i);
	}
	lb->default_id = server;
	if (server >= 0 && k3s_find(lb, server) < 0)
		k3s_add(lb, server, K3S_STANDBY);
	k3s_flush(lb, &b, true);
}

/*
 * As K3s setAddresses(). The address list is every server but a STANDBY
 * default. Added ids start UNCHECKED, appended in a random order (Go map
 * order, K3S-MODEL 6.6: a shuffle from the LB's stream; that order breaks
 * ties later); a STANDBY default that shows up becomes UNCHECKED in place.
 * Kept servers keep state, connections and place. Removed servers leave,
 * their connections closed, the others keeping their order; the default
 * is demoted to STANDBY instead. Additions and removals are list changes
 * the model made, not state changes: only the default's moves reach
 * on_state().
 */
static void k3s_set_servers(void *opaque, const int *servers, size_t n)
{
	struct k3s_lb *lb = opaque;
	struct k3s_batch b;	/* see k3s_set_default */
	bool keep[LB_MAX_SERVERS] = { false };
	int added[LB_MAX_SERVERS];
	size_t k, n_added = 0;
	int i;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	SIM_ASSERT(servers || n == 0);
	b.n_change = b.n_close = 0;

	/* mark who stays, before additions change the indices */
	for (k = 0; k < n; k++) {
		i = k3s_find(lb, servers[k]);
		if (i >= 0)
			keep[i] = true;
	}

	/* removals, from the end so that the shift of k3s_remove() moves
	 * only entries already looked at */
	for (i = lb->n - 1; i >= 0; i--) {
		struct k3s_server *s = &lb->srv[i];

		if (keep[i])
			continue;
		if (s->id == lb->default_id) {
			if (s->state != K3S_STANDBY) {
				k3s_queue_close(&b, s->id, s->conns);
				k3s_set(lb, &b, i, K3S_STANDBY);
			}
			continue;
		}
		k3s_remove(lb, &b, i);
	}

	/* the default coming out of STANDBY, in place; the additions in Go
	 * map order: shuffled (one draw sequence per call with two or more) */
	for (k = 0; k < n; k++) {
		i = k3s_find(lb, servers[k]);
		if (i < 0)
			added[n_added++] = servers[k];
		else if (servers[k] == lb->default_id &&
			 lb->srv[i].state == K3S_STANDBY)
			k3s_set(lb, &b, i, K3S_UNCHECKED);
	}
	if (n_added > 1)
		gsl_ran_shuffle(lb->env.rng, added, n_added, sizeof(int));
	for (k = 0; k < n_added; k++)
		k3s_add(lb, added[k], K3S_UNCHECKED);
	k3s_flush(lb, &b, true);
}

/* The snapshot is the sorted list (FAILED servers last but included). */
static void k3s_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct k3s_lb *lb = opaque;
	int i;

	for (i = 0; i < lb->n; i++)
		pass->order[i] = lb->srv[i].id;
	pass->n = lb->n;
	pass->pos = 0;
	pass->round = 0;
}

/*
 * A server removed since the snapshot is INVALID in K3s: its dial fails at
 * once and records nothing, so it is skipped here. What the id-only
 * snapshot costs: a server removed and added back during one pass is
 * dialed as the new entry, where K3s would skip the old one.
 */
static int k3s_dial_next(void *opaque, struct lb_pass *pass)
{
	struct k3s_lb *lb = opaque;

	while (pass->pos < pass->n) {
		int id = pass->order[pass->pos++];
		int i = k3s_find(lb, id);

		if (i >= 0 && lb->srv[i].state != K3S_INVALID)
			return id;
	}
	return -1;
}

/*
 * K3s recordSuccess(). Becoming ACTIVE closes the connections to every
 * FAILED, STANDBY, RECOVERING and HEALTHY server, and settles a rival
 * ACTIVE one: whoever has more connections stays ACTIVE (ties to the
 * newcomer), the other goes PREFERRED with its connections closed. As in
 * K3s, those closes happen even when the newcomer ends PREFERRED, and even
 * when it was PREFERRED already.
 */
static void k3s_success(struct k3s_lb *lb, struct k3s_batch *b, int i,
			lb_check kind)
{
	struct k3s_server *x = &lb->srv[i];
	enum k3s_state to = x->state;
	int j;

	switch (x->state) {
	case K3S_FAILED:
	case K3S_UNCHECKED:
		to = K3S_RECOVERING;
		break;
	case K3S_RECOVERING:
		if (kind == LB_CHECK_HEALTH)
			to = x->conns > 0 ? K3S_ACTIVE : K3S_PREFERRED;
		break;
	case K3S_HEALTHY:
		if (kind == LB_CHECK_DIAL)
			to = K3S_ACTIVE;
		break;
	case K3S_PREFERRED:
		/* strictly more than the period, as K3s's Sub() > Minute */
		if (kind == LB_CHECK_DIAL)
			to = K3S_ACTIVE;
		else if (sim_now(lb->env.sim) - x->since >
			 lb->env.params->preferred_to_healthy)
			to = K3S_HEALTHY;
		break;
	case K3S_INVALID:
	case K3S_STANDBY:
	case K3S_ACTIVE:
		break;
	}
	if (to == x->state)
		return;

	if (to == K3S_ACTIVE) {
		for (j = 0; j < lb->n; j++) {
			struct k3s_server *y = &lb->srv[j];

			if (j == i)
				continue;
			switch (y->state) {
			case K3S_FAILED:
			case K3S_STANDBY:
			case K3S_RECOVERING:
			case K3S_HEALTHY:
				k3s_queue_close(b, y->id, y->conns);
				break;
			case K3S_ACTIVE:
				if (y->conns > x->conns) {
					to = K3S_PREFERRED;
					k3s_queue_close(b, x->id, x->conns);
				} else {
					k3s_set(lb, b, j, K3S_PREFERRED);
					k3s_queue_close(b, y->id, y->conns);
				}
				break;
			default:
				break;
			}
		}
	}
	k3s_set(lb, b, i, to);
}

/* K3s recordFailure(). */
static void k3s_failure(struct k3s_lb *lb, struct k3s_batch *b, int i,
			lb_check kind)
{
	struct k3s_server *x = &lb->srv[i];

	switch (x->state) {
	case K3S_UNCHECKED:
	case K3S_RECOVERING:
		/* a failed health check leaves it where it is */
		if (kind == LB_CHECK_DIAL)
			k3s_set(lb, b, i, K3S_FAILED);
		break;
	case K3S_HEALTHY:
	case K3S_PREFERRED:
	case K3S_ACTIVE:
		k3s_queue_close(b, x->id, x->conns);
		k3s_set(lb, b, i, K3S_FAILED);
		break;
	case K3S_INVALID:
	case K3S_STANDBY:
	case K3S_FAILED:
		break;
	}
}

static void k3s_record(void *opaque, int server, lb_check kind, lb_result r)
{
	struct k3s_lb *lb = opaque;
	struct k3s_batch b;	/* see k3s_set_default */
	int i = k3s_find(lb, server);

	if (i < 0 || r == LB_UNKNOWN)
		return;
	b.n_change = b.n_close = 0;
	if (r == LB_OK)
		k3s_success(lb, &b, i, kind);
	else
		k3s_failure(lb, &b, i, kind);
	k3s_flush(lb, &b, false);
}

static void k3s_conn_open(void *opaque, int server)
{
	struct k3s_lb *lb = opaque;
	int i = k3s_find(lb, server);

	if (i < 0)
		return;
	lb->srv[i].conns++;	/* no re-sort (K3S-MODEL 6.7) */
}

static void k3s_conn_close(void *opaque, int server)
{
	struct k3s_lb *lb = opaque;
	int i = k3s_find(lb, server);

	if (i < 0 || lb->srv[i].conns == 0)
		return;
	lb->srv[i].conns--;	/* no re-sort (K3S-MODEL 6.7) */
}

static const char *k3s_state_name(void *opaque, int server)
{
	struct k3s_lb *lb = opaque;
	int i = k3s_find(lb, server);

	return i < 0 ? NULL : k3s_state_names[lb->srv[i].state];
}

#define K3S_LB_METHODS \
	.lb_new = k3s_lb_new, \
	.lb_free = k3s_lb_free, \
	.set_default = k3s_set_default, \
	.set_servers = k3s_set_servers, \
	.dial_begin = k3s_dial_begin, \
	.dial_next = k3s_dial_next, \
	.record = k3s_record, \
	.conn_open = k3s_conn_open, \
	.conn_close = k3s_conn_close, \
	.state_name = k3s_state_name

/* The K3s load balancer with the join flow after PR #11844. */
const struct policy_ops policy_k3s = {
	.name = "k3s",
	.summary = "K3s production LB: server states, sorted list; "
		   "join falls back through the LB",
	.flow = JOIN_FLOW_POSTFIX,
	.dial_ignores_cancel = true,	/* httpproxy.go: context ignored */
	K3S_LB_METHODS,
};

/* The same load balancer with the join flow before PR #11844. */
const struct policy_ops policy_k3s_legacy = {
	.name = "k3s-legacy",
	.summary = "the k3s LB with the join flow before PR #11844: "
		   "--server only, fatal when it is down",
	.flow = JOIN_FLOW_LEGACY,
	.dial_ignores_cancel = true,	/* httpproxy.go: context ignored */
	K3S_LB_METHODS,
};
