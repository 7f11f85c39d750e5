/* Servers: ports, endpoints, queues (server.h). */
#include "server.h"
#include "etcd.h"
#include "node.h"

#include <math.h>

/* A call waiting at a server, by handle. */
struct waiting {
	uint32_t index;
	uint32_t gen;
};

struct server {
	int busy;		/* calls in service */
	double slow;		/* service-time factor (1 = normal) */
	struct waiting *ring;	/* the queue: cap slots, len from head */
	int cap, head, len;
};

struct servers {
	struct server *s;	/* per node */
	server_leave_fn leave;
};

void server__init(struct world *w)
{
	w->servers = g_new0(struct servers, 1);
	w->servers->s = g_new0(struct server, w->n);
}

void server__release(struct world *w)
{
	int i;

	if (!w->servers)
		return;
	for (i = 0; i < w->n; i++)
		g_free(w->servers->s[i].ring);
	g_free(w->servers->s);
	g_free(w->servers);
	w->servers = NULL;
}

void server__set_leave(struct world *w, server_leave_fn leave)
{
	w->servers->leave = leave;
}

void server__reset(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		w->servers->s[i].busy = 0;
		w->servers->s[i].slow = 1;
		w->servers->s[i].head = w->servers->s[i].len = 0;
	}
}

void server__cleanup(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		w->servers->s[i].head = w->servers->s[i].len = 0;
}

void server__set_slow(struct world *w, int node, double factor)
{
	w->servers->s[node].slow = factor;
}

bool server__serves(const struct world *w, int server, endpoint ep)
{
	node_role r = w->cfg->nodes[server].role;
	bool ready = node__phase(w, server) == PHASE_READY;

	if (!node__running(w, server))
		return false;
	switch (ep) {
	case EP_CACERTS:
		return role_is_server(r) && node__ca_on_disk(w, server);
	case EP_CONFIG:
		return role_is_server(r) && ready;
	case EP_DBINFO:
		return role_has_etcd(r) && ready;
	case EP_SERVER_BOOTSTRAP:
		if (!role_is_server(r) || !ready)
			return false;
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_ETCD_BOOTSTRAP:
	case EP_ETCD_HEALTH:
		return etcd__serving(w, server);
	case EP_PING:
		return role_has_etcd(r);
	case EP_MEMBER_ADD:
		/* the server adds the member through etcd: quorum */
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_LEASE:
		/* a write (and a quorum read): through etcd */
		if (!role_has_apiserver(r) || !ready)
			return false;
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_NODE_STATUS:
	case EP_WATCH:
		/* from the apiserver's watch cache */
		return role_has_apiserver(r) && ready;
	case EP_N:
		break;
	}
	return false;
}

/* ---- the queue ---- */

static void push(struct server *sv, int max, const struct call *c)
{
	if (sv->len == sv->cap) {
		int cap = MIN(MAX(2 * sv->cap, 16), max);
		struct waiting *ring = g_new(struct waiting, cap);
		int i;

		SIM_ASSERT(cap > sv->len);
		for (i = 0; i < sv->len; i++)
			ring[i] = sv->ring[(sv->head + i) % sv->cap];
		g_free(sv->ring);
		sv->ring = ring;
		sv->cap = cap;
		sv->head = 0;
	}
	sv->ring[(sv->head + sv->len) % sv->cap] =
		(struct waiting){ c->index, c->gen };
	sv->len++;
}

static struct call *pop(struct world *w, struct server *sv)
{
	struct waiting q;

	if (sv->len == 0)
		return NULL;
	q = sv->ring[sv->head];
	sv->head = (sv->head + 1) % sv->cap;
	sv->len--;
	return call__get(w, q.index, q.gen);
}

/* ---- service ---- */

static void served(sim *s, void *ctx, uint64_t arg);

static void start_service(struct world *w, int server, struct call *c)
{
	struct server *sv = &w->servers->s[server];
	double t = dist_sample(&w->cfg->servers.service_time,
			       w->rng[server].service);
	sim_time d = (sim_time)llround(t * sv->slow * 1e9);

	sv->busy++;
	c->at_server = true;
	c->service = d > 0 ? d : 0;
	sim_after(w->sim, d > 0 ? d : 0, served, w, call__arg(c));
}

bool server__take(struct world *w, struct call *c)
{
	struct server *sv = &w->servers->s[c->server];

	c->srv_inc = node__inc(w, c->server);
	if (sv->busy < w->cfg->servers.workers) {
		start_service(w, c->server, c);
	} else if (sv->len < w->cfg->servers.queue) {
		c->at_server = true;
		push(sv, w->cfg->servers.queue, c);
	} else {
		return false;
	}
	return true;
}

static void next_waiting(struct world *w, int server)
{
	struct server *sv = &w->servers->s[server];
	struct call *c;

	while (sv->busy < w->cfg->servers.workers &&
	       (c = pop(w, sv)) != NULL)
		start_service(w, server, c);
}

static void served(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct call *c = call__from_arg(w, arg);
	int server;
	result r;

	(void)s;
	SIM_ASSERT(c != NULL);
	server = c->server;
	w->servers->s[server].busy--;
	c->queue = w->servers->s[server].len;
	if (c->srv_inc != node__inc(w, server) ||
	    !server__listening(w, server, c->port))
		r = RES_REFUSED;	/* the process died meanwhile: RST */
	else
		r = server__serves(w, server, c->ep) ? RES_OK : RES_REFUSED;
	w->servers->leave(w, c, r);
	next_waiting(w, server);
}

void server__stopped(struct world *w, int node)
{
	struct server *sv = &w->servers->s[node];
	struct call *c;

	/* waiting calls get a reset; those in service are answered with
	 * one when their service ends (served() sees the new incarnation) */
	while ((c = pop(w, sv)) != NULL)
		w->servers->leave(w, c, RES_REFUSED);
}
