/*
 * The older K3s load balancer (<= v1.31.3, before PR #11329; K3S-MODEL.md
 * section 2, last paragraph): a shuffled list, round-robin from the
 * current server, and a boolean health check per server.
 *
 * The list is the member list, sorted by id and then shuffled with the
 * LB's own stream on every update that changes it (K3s sorts the addresses
 * before rand.Shuffle, so the order given does not matter), with the
 * default server appended last when the member list lacks it. An update
 * that leaves the set unchanged does nothing, as in K3s: the model may
 * pass the same list every poll without reshuffling. After a change the
 * current server is the first of the new list, as K3s sets it.
 *
 * A dial starts at the current server and goes round the list once,
 * skipping servers whose health check is false; then once more ignoring
 * health; then fails. A successful dial makes its server current. The
 * default server, while appended only as the default, counts as unhealthy
 * whatever its checks say: K3s replaces its health check with one that
 * always fails "so that it is only used if all other endpoints are
 * unavailable" (servers.go).
 *
 * Connections closed, as K3s does: to a server removed from the list; to a
 * server whose health check turns from true to false; to a server whose
 * dial fails in the first pass (not in the second, where K3s leaves them
 * alone: record() has no pass, so each server remembers which pass last
 * handed it out); and to the appended default whenever a health check
 * finds some other server healthy (K3s does this once per health-check
 * loop; we do it per healthy result, which closes the same connections at
 * most a loop earlier). Callbacks come last in each call and no index is held across
 * one, so a re-entrant conn_close() is safe.
 */
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <stdbool.h>
#include <stdlib.h>

struct shuffle_server {
	int id;			/* the server id */
	bool healthy;		/* its last health check; true until one fails */
	int conns;		/* connections open through this LB */
	bool second_pass;	/* last handed out by a pass ignoring health */
};

struct shuffle_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct shuffle_server srv[LB_MAX_SERVERS];	/* in dial order */
	int n;			/* entries in srv */
	int default_id;		/* the --server id, or -1 */
	bool default_appended;	/* srv[n - 1] is the default, not a member */
	int current;		/* index in srv where the next dial starts */
};

static int shuffle_find(const struct shuffle_lb *lb, int id)
{
	int i;

	for (i = 0; i < lb->n; i++)
		if (lb->srv[i].id == id)
			return i;
	return -1;
}

/* Whether srv[@i] is the default, there only because it is the default. */
static bool shuffle_is_appended(const struct shuffle_lb *lb, int i)
{
	return lb->default_appended && i == lb->n - 1;
}

/* The health a dial's first pass sees. */
static bool shuffle_healthy(const struct shuffle_lb *lb, int i)
{
	return lb->srv[i].healthy && !shuffle_is_appended(lb, i);
}

static void shuffle_close(struct shuffle_lb *lb, int id)
{
	if (lb->env.close_conns)
		lb->env.close_conns(lb->env.model, id);
}

static void *shuffle_lb_new(const struct lb_env *env)
{
	struct shuffle_lb *lb = g_new0(struct shuffle_lb, 1);

	SIM_ASSERT(env && env->rng);
	lb->env = *env;
	lb->default_id = -1;
	return lb;
}

static void shuffle_lb_free(void *lb)
{
	g_free(lb);
}


static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool has_id(const int *ids, size_t n, int id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_int) != NULL;
}

/* Whether the members (the list less an appended default) are @ids, @n
 * sorted ids. */
static bool shuffle_same_members(const struct shuffle_lb *lb, const int *ids,
				 size_t n)
{
	int members = lb->n - (lb->default_appended ? 1 : 0), i;

	if ((size_t)members != n)
		return false;
	for (i = 0; i < members; i++)
		if (!has_id(ids, n, lb->srv[i].id))
			return false;
	return true;
}

/*
 * As K3s SetDefault(): an old default that was only appended leaves the
 * list (its connections closed); the new one, unless a member, is
 * appended last.
 */
static void shuffle_set_default(void *opaque, int server)
{
	struct shuffle_lb *lb = opaque;
	int close_id = -1;

	if (server == lb->default_id)
		return;
	if (lb->default_appended) {
		struct shuffle_server *old = &lb->srv[--lb->n];

		if (old->conns > 0)
			close_id = old->id;
		lb->default_appended = false;
	}
	lb->default_id = server;
	if (server >= 0 && shuffle_find(lb, server) < 0) {
		SIM_ASSERT(lb->n < LB_MAX_SERVERS);
		lb->srv[lb->n++] = (struct shuffle_server){
			.id = server, .healthy = true,
		};
		lb->default_appended = true;
	}
	if (lb->current >= lb->n)
		lb->current = 0;
	if (close_id >= 0)
		shuffle_close(lb, close_id);
}

/*
 * As K3s setServers(): an empty list or the same set of members changes
 * nothing; otherwise the members are sorted, shuffled and the default
 * appended unless a member. Kept servers keep health and connections,
 * new ones start healthy; members dropped have their connections closed
 * (the default too, though it stays appended); the current server is the
 * first of the new list.
 */
static void shuffle_set_servers(void *opaque, const int *servers, size_t n)
{
	struct shuffle_lb *lb = opaque;
	struct shuffle_server old[LB_MAX_SERVERS];
	int ids[LB_MAX_SERVERS], closed[LB_MAX_SERVERS];
	int n_old = lb->n, n_closed = 0, i, j;
	bool old_appended = lb->default_appended;
	size_t k;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	if (n == 0)
		return;
	for (k = 0; k < n; k++) {
		SIM_ASSERT(servers[k] >= 0);
		ids[k] = servers[k];
	}
	qsort(ids, n, sizeof(*ids), cmp_int);
	if (shuffle_same_members(lb, ids, n))
		return;

	/* the members dropped, before the shuffle unsorts ids */
	for (i = 0; i < n_old; i++) {
		old[i] = lb->srv[i];
		if (old_appended && i == n_old - 1)
			continue;
		if (old[i].conns > 0 && !has_id(ids, n, old[i].id))
			closed[n_closed++] = old[i].id;
	}

	gsl_ran_shuffle(lb->env.rng, ids, n, sizeof(*ids));
	lb->n = 0;
	lb->default_appended = false;
	for (k = 0; k <= n; k++) {
		int id = k < n ? ids[k] : lb->default_id;

		if (k == n) {
			if (id < 0 || shuffle_find(lb, id) >= 0)
				break;
			lb->default_appended = true;
		}
		SIM_ASSERT(lb->n < LB_MAX_SERVERS);
		lb->srv[lb->n] = (struct shuffle_server){
			.id = id, .healthy = true,
		};
		for (j = 0; j < n_old; j++)
			if (old[j].id == id)
				lb->srv[lb->n] = old[j];
		lb->n++;
	}
	lb->current = 0;

	for (i = 0; i < n_closed; i++)
		shuffle_close(lb, closed[i]);
}

/* The snapshot is the list rotated to start at the current server. */
static void shuffle_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct shuffle_lb *lb = opaque;
	int k;

	for (k = 0; k < lb->n; k++)
		pass->order[k] = lb->srv[(lb->current + k) % lb->n].id;
	pass->n = lb->n;
	pass->pos = 0;
	pass->round = 0;
}

/*
 * Round 0 skips servers that are unhealthy now (K3s calls the health check
 * when it reaches a server); round 1 tries every server; then -1. Servers
 * removed since the snapshot are skipped.
 */
static int shuffle_dial_next(void *opaque, struct lb_pass *pass)
{
	struct shuffle_lb *lb = opaque;

	for (;;) {
		int id, i;

		if (pass->pos >= pass->n) {
			if (pass->round > 0 || pass->n == 0)
				return -1;
			pass->round = 1;
			pass->pos = 0;
		}
		id = pass->order[pass->pos++];
		i = shuffle_find(lb, id);
		if (i < 0)
			continue;
		if (pass->round == 0 && !shuffle_healthy(lb, i))
			continue;
		lb->srv[i].second_pass = pass->round > 0;
		return id;
	}
}

static void shuffle_record(void *opaque, int server, lb_check kind,
			   lb_result r)
{
	struct shuffle_lb *lb = opaque;
	int i = shuffle_find(lb, server), close_id = -1;
	struct shuffle_server *s;

	if (i < 0 || r == LB_UNKNOWN)
		return;
	s = &lb->srv[i];
	if (kind == LB_CHECK_DIAL && r == LB_OK) {
		lb->current = i;
		s->healthy = true;
	} else if (kind == LB_CHECK_DIAL) {
		if (!s->second_pass && s->conns > 0)
			close_id = s->id;
		/* nextServer(failed): a failed current server hands
		 * "current" to the next one (servers.go:83-108 at
		 * 911ee19a9^), whether or not the pass goes on */
		if (i == lb->current)
			lb->current = (i + 1) % lb->n;
	} else if (r == LB_OK) {
		s->healthy = true;
		if (lb->default_appended && !shuffle_is_appended(lb, i) &&
		    lb->srv[lb->n - 1].conns > 0)
			close_id = lb->srv[lb->n - 1].id;
	} else {
		if (shuffle_healthy(lb, i) && s->conns > 0)
			close_id = s->id;
		s->healthy = false;
	}
	if (close_id >= 0)
		shuffle_close(lb, close_id);
}

static void shuffle_conn_open(void *opaque, int server)
{
	struct shuffle_lb *lb = opaque;
	int i = shuffle_find(lb, server);

	if (i >= 0)
		lb->srv[i].conns++;
}

static void shuffle_conn_close(void *opaque, int server)
{
	struct shuffle_lb *lb = opaque;
	int i = shuffle_find(lb, server);

	if (i >= 0 && lb->srv[i].conns > 0)
		lb->srv[i].conns--;
}

static const char *shuffle_state_name(void *opaque, int server)
{
	struct shuffle_lb *lb = opaque;
	int i = shuffle_find(lb, server);

	if (i < 0)
		return NULL;
	return shuffle_healthy(lb, i) ? "HEALTHY" : "UNHEALTHY";
}

/* The K3s load balancer up to v1.31.3, with the current join flow. */
const struct policy_ops policy_k3s_shuffle = {
	.name = "k3s-shuffle",
	.summary = "K3s LB before v1.31.4 (shuffled list, round-robin, boolean "
		   "health) with the fixed join flow: isolates the LB change; "
		   "no release shipped this pair",
	.flow = JOIN_FLOW_POSTFIX,
	.dial_ignores_cancel = true,	/* httpproxy.go: context ignored */
	/* tcpproxy DialProxy's default DialTimeout, the context the old
	 * dialContext checked after each failed server (K3S-MODEL 6.12) */
	.pass_deadline = 10 * SIM_S,
	.lb_new = shuffle_lb_new,
	.lb_free = shuffle_lb_free,
	.set_default = shuffle_set_default,
	.set_servers = shuffle_set_servers,
	.dial_begin = shuffle_dial_begin,
	.dial_next = shuffle_dial_next,
	.record = shuffle_record,
	.conn_open = shuffle_conn_open,
	.conn_close = shuffle_conn_close,
	.state_name = shuffle_state_name,
};
