/* Servers: ports, endpoints, queues (server.h). */
#include "server.h"
#include "etcd.h"
#include "net.h"
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
	/* per node: the etcd member its apiserver's connection is open to
	 * (apietcd.c tells), -1 for none, ETCD_UNTRACKED when not followed
	 * (joins: any leader will do) */
	int *etcd_conn;
	GArray *hung;		/* struct waiting + its server: lease
				 * writes waiting for that connection */
};

#define ETCD_UNTRACKED (-2)

struct hung_call {
	struct waiting q;
	int server;
};

void server__init(struct world *w)
{
	w->servers = g_new0(struct servers, 1);
	w->servers->s = g_new0(struct server, w->n);
	w->servers->etcd_conn = g_new0(int, w->n);
	w->servers->hung = g_array_new(FALSE, FALSE, sizeof(struct hung_call));
}

void server__release(struct world *w)
{
	int i;

	if (!w->servers)
		return;
	for (i = 0; i < w->n; i++)
		g_free(w->servers->s[i].ring);
	g_free(w->servers->s);
	g_free(w->servers->etcd_conn);
	g_array_free(w->servers->hung, TRUE);
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
		w->servers->etcd_conn[i] = ETCD_UNTRACKED;
	}
	g_array_set_size(w->servers->hung, 0);
}

void server__cleanup(struct world *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		w->servers->s[i].head = w->servers->s[i].len = 0;
	g_array_set_size(w->servers->hung, 0);
}

void server__set_slow(struct world *w, int node, double factor)
{
	w->servers->s[node].slow = factor;
}

/* The supervisor's /v1-k3s/ handlers answer: on a node with an apiserver
 * once it serves (start-up phase "apiserver" over), on an etcd-only
 * server once it is Ready (its supervisor needs its member). */
static bool supervisor_up(const struct world *w, int server)
{
	node_role r = w->cfg->nodes[server].role;

	if (!role_is_server(r))
		return false;
	return role_has_apiserver(r) ? node__api_up(w, server)
				     : node__phase(w, server) == PHASE_READY;
}

/* Whether @server's own datastore read (K3s getBootstrapData) succeeds:
 * its local member on a server with etcd, the cluster through its etcd
 * LB on a control-plane-only server. */
/* Whether the member @server's apiserver holds a connection to answers
 * on it (alive and reachable); a silent one is not known to be dead until
 * apietcd.c closes the connection. */
static bool etcd_conn_live(const struct world *w, int server)
{
	int m = w->servers->etcd_conn[server];

	return m >= 0 && node__running(w, m) && node__etcd_up(w, m) &&
	       net__reachable(w, server, m);
}

/*
 * Whether a write by @server's apiserver waits now: its etcd connection
 * is being re-dialed or is open to a member that no longer answers. The
 * etcd client calls with WaitForReady (clientv3 defaultWaitForReady), so
 * the request waits for a connection, and one sent on a silent
 * connection waits for its answer: the kubelet's own 10 s timeout ends
 * it (I). A member that answers but has no leader fails the write at
 * once (raft drops a proposal without a leader, etcd-io/raft
 * stepFollower/stepCandidate: ErrProposalDropped), as before.
 */
static bool etcd_hangs(const struct world *w, int server)
{
	int m = w->servers->etcd_conn[server];

	return m != ETCD_UNTRACKED && !etcd_conn_live(w, server);
}

static bool datastore_reads(const struct world *w, int server)
{
	int m = w->servers->etcd_conn[server];

	if (role_has_etcd(w->cfg->nodes[server].role))
		return etcd__serving(w, server);
	if (m == ETCD_UNTRACKED)
		return etcd__has_leader(w);
	return m >= 0 && etcd_conn_live(w, server) && etcd__serving(w, m);
}

bool server__datastore(const struct world *w, int server)
{
	return datastore_reads(w, server);
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
	case EP_APISERVERS:
		return supervisor_up(w, server);
	case EP_DBINFO:
		return role_has_etcd(r) && ready;
	case EP_SERVER_BOOTSTRAP:
		/* K3s serveBootstrap() answers from disk when its datastore
		 * read fails (cluster/bootstrap.go:440-455, row 6.17): the
		 * answer is late (start_service), never refused */
		return supervisor_up(w, server);
	case EP_ETCD_BOOTSTRAP:
	case EP_ETCD_HEALTH:
		return etcd__serving(w, server);
	case EP_PING:
		return role_has_etcd(r);
	case EP_CACERTS_PROBE:
		/* never reaches a handler: TLS fails at the client */
		return role_is_server(r);
	case EP_MEMBER_LIST:
		/* linearizable: needs quorum */
		return etcd__serving(w, server);
	case EP_MEMBER_ADD:
		/* the server adds the member through etcd: quorum */
		return role_has_etcd(r) ? etcd__serving(w, server)
					: etcd__has_leader(w);
	case EP_LEASE:
		/* a write (and a quorum read): through etcd */
		if (!role_has_apiserver(r) || !ready)
			return false;
		return datastore_reads(w, server);
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

	/*
	 * Row 6.17 (selsim's own finding from K3s serveBootstrap(),
	 * cluster/bootstrap.go:440-455; not yet in K3S-MODEL.md section 6):
	 * GET server-bootstrap first reads the datastore; when that read
	 * fails (no quorum: its Get gives up after etcd_bootstrap_timeout)
	 * the server answers from its disk. The answer comes that much
	 * later; selsim keeps a worker busy meanwhile (K3s's goroutine
	 * holds no worker: a cost only under a crowd of such GETs).
	 */
	if (c->ep == EP_SERVER_BOOTSTRAP && !datastore_reads(w, server)) {
		WTRACE(w, TRACE_NOTE, server, c->node, "%s: datastore read "
		       "for %s's server-bootstrap fails: answering from disk "
		       "after the read gives up", frame__name(w, server),
		       frame__name(w, c->node));
		d += w->kp->etcd_bootstrap_timeout;
	}

	sv->busy++;
	c->at_server = true;
	c->service = d > 0 ? d : 0;
	sim_after_class(w->sim, d > 0 ? d : 0, SIM_CLASS_NET, served, w,
			call__arg(c));
}

bool server__take(struct world *w, struct call *c)
{
	struct server *sv = &w->servers->s[c->host];

	c->srv_inc = node__inc(w, c->host);
	if (sv->busy < w->cfg->servers.workers) {
		start_service(w, c->host, c);
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
	server = c->host;
	w->servers->s[server].busy--;
	c->queue = w->servers->s[server].len;
	if (c->srv_inc != node__inc(w, server) ||
	    !server__listening(w, server, c->port)) {
		r = RES_REFUSED;	/* the process died meanwhile: RST */
	} else if (c->ep == EP_LEASE && etcd_hangs(w, server)) {
		/* the write waits for the apiserver's etcd connection */
		struct hung_call h = { { c->index, c->gen }, server };

		g_array_append_val(w->servers->hung, h);
		next_waiting(w, server);
		return;
	} else {
		r = server__serves(w, server, c->ep) ? RES_OK : RES_REFUSED;
	}
	w->servers->leave(w, c, r);
	next_waiting(w, server);
}

/* The writes waiting at @server go on: answered now (a reset when its
 * process stopped, @stopped), unless they must wait still. */
static void hung_go_on(struct world *w, int server, bool stopped)
{
	GArray *hung = w->servers->hung;
	guint i = 0;

	while (i < hung->len) {
		struct hung_call h = g_array_index(hung, struct hung_call, i);
		struct call *c;

		if (h.server != server ||
		    (!stopped && etcd_hangs(w, server))) {
			i++;
			continue;
		}
		g_array_remove_index(hung, i);	/* keeps the order */
		c = call__get(w, h.q.index, h.q.gen);
		if (c)
			w->servers->leave(w, c, !stopped &&
					  server__serves(w, server, c->ep)
					  ? RES_OK : RES_REFUSED);
	}
}

void server__set_etcd_conn(struct world *w, int server, int member)
{
	w->servers->etcd_conn[server] = member;
	hung_go_on(w, server, false);
}

int server__etcd_conn(const struct world *w, int server)
{
	return w->servers->etcd_conn[server];
}

void server__stopped(struct world *w, int node)
{
	struct server *sv = &w->servers->s[node];
	struct call *c;

	/* waiting calls get a reset; those in service are answered with
	 * one when their service ends (served() sees the new incarnation) */
	while ((c = pop(w, sv)) != NULL)
		w->servers->leave(w, c, RES_REFUSED);
	hung_go_on(w, node, true);
	if (w->servers->etcd_conn[node] != ETCD_UNTRACKED)
		w->servers->etcd_conn[node] = -1;
}
