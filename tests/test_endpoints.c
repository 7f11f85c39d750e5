/*
 * The `kubernetes` EndpointSlice and the agents' watch of it
 * (models/endpoints.c; K3S-MODEL.md section 7): 3 servers and a few
 * agents Ready at the start, every agent's connections (its watch too) on
 * server-1, its --server. Every expected time is derived from the K3s
 * constants (k3s_params_default) and the constant RTT and service time of
 * the spec, never copied from a run.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"
#include "traced.h"

#include <string.h>

#define T_FAIL (120 * SIM_S)	/* the failures' "at" */
/* RTTs (1 ms each), TLS and service times (1 ms each) on top of the
 * formulas: a few requests' worth */
#define SLACK (100 * SIM_MS)

/* A spec of 3 servers and @n agents; @failures is the "failures" array's
 * body, @params the "params" object's body. Caller frees. */
static char *spec_with(int n, const char *failures, const char *params,
		       const char *deadline)
{
	GString *g = traced_spec_head(deadline, "\"k3s\"", params);

	traced_spec_agents(g, n);
	return traced_spec_end(g, failures);
}

static char *spec_of(int n, const char *failures, const char *deadline)
{
	return spec_with(n, failures, "", deadline);
}

static void run(const char *json, struct traced *r)
{
	traced_run("test.json", json, NULL, 0, r);
}

/* The last event before @to of @node holding @needle. */
static const struct event *find_last(const struct traced *r, int node,
				  sim_time to, const char *needle)
{
	const struct event *last = NULL;
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		if (e->t < to && e->node == node && strstr(e->text, needle))
			last = e;
	}
	return last;
}

/*
 * server-3's last lease renewal before T_FAIL (in @renew) and its removal
 * from the slice, which comes within [t_last + ttl, t_last + ttl +
 * interval]: the next reconciler run after the lease expires.
 */
static const struct event *slice_drop(const struct traced *r,
				      const struct event **renew)
{
	const struct event *gone;

	*renew = find_last(r, 2, T_FAIL + 1, "endpoint lease renewed");
	ASSERT(*renew != NULL);
	gone = find(r, -1, T_FAIL, 4 * SIM_MIN,
		    "server-3 removed from the kubernetes EndpointSlice");
	ASSERT(gone != NULL);
	ASSERT_GE(gone->t, (*renew)->t + r->kp.endpoint_lease_ttl);
	ASSERT_LE(gone->t, (*renew)->t + r->kp.endpoint_lease_ttl +
		  r->kp.endpoint_reconcile_interval);
	return gone;
}

/*
 * server-3 (not the etcd leader: server-1, the first member, leads)
 * crashes at T. Its lease was last renewed at t_last <= T and expires at
 * t_last + ttl; the next reconciler run of server-1 or server-2 after that
 * (at most one interval later) removes it from the slice. The agents'
 * watches are on server-1, which stays up: each LB drops server-3 (tunnel
 * cancelled) within
 *   [t_last + ttl + debounce, t_last + ttl + interval + debounce + SLACK]
 * long before the tunnel's read deadline would (55-60 s).
 */
static void test_unaffected(void)
{
	struct traced r;
	char *json = spec_of(6, "{ \"at\": \"120s\", \"crash\": "
			     "\"server-3\" }", "4m");
	const struct event *renew, *e;
	sim_time lo, hi;
	size_t i;

	run(json, &r);
	/* no election: server-3 did not lead */
	ASSERT(find(&r, -1, T_FAIL, 4 * SIM_MIN, "etcd: leader") == NULL);
	slice_drop(&r, &renew);
	ASSERT_GT(renew->t, T_FAIL - r.kp.endpoint_reconcile_interval);
	lo = renew->t + r.kp.endpoint_lease_ttl + r.kp.endpointslice_debounce;
	hi = lo + r.kp.endpoint_reconcile_interval + SLACK;
	for (i = 3; i < r.rec.n_nodes; i++) {
		e = find(&r, (int)i, T_FAIL, 4 * SIM_MIN,
			 "tunnel to server-3 cancelled");
		ASSERT(e != NULL);
		ASSERT_GE(e->t, lo);
		ASSERT_LE(e->t, hi);
		/* the slice, not the tunnel, told it first */
		ASSERT(find(&r, (int)i, T_FAIL, e->t,
			    "server-3 ACTIVE -> FAILED") == NULL);
		ASSERT(find(&r, (int)i, T_FAIL, e->t,
			    "no ping for") == NULL);
		/* nobody was cut off */
		ASSERT(!r.rec.nodes[i].fo_affected);
	}
	traced_release(&r);
	g_free(json);
}

/*
 * server-1 (the etcd leader) crashes at T: a new leader, elected at t_e,
 * refreshes the leases still held to t_e + election_timeout + ttl, so
 * server-1 leaves the slice within one interval after that. The agents'
 * watches were held to server-1: none drops it before its k3s-agent
 * connection has moved to another server and listed there (then it waits
 * the debounce).
 */
static void test_affected(void)
{
	struct traced r;
	char *json = spec_of(6, "{ \"at\": \"120s\", \"crash\": "
			     "\"server-1\" }", "5m");
	const struct event *elected, *gone, *e, *moved;
	sim_time exp;
	size_t i;

	run(json, &r);
	elected = find(&r, -1, T_FAIL, 5 * SIM_MIN, "elected leader");
	ASSERT(elected != NULL);
	exp = elected->t + r.kp.election_timeout + r.kp.endpoint_lease_ttl;
	gone = find(&r, -1, T_FAIL, 5 * SIM_MIN,
		    "server-1 removed from the kubernetes EndpointSlice");
	ASSERT(gone != NULL);
	ASSERT_GE(gone->t, exp);
	ASSERT_LE(gone->t, exp + r.kp.endpoint_reconcile_interval);
	for (i = 3; i < r.rec.n_nodes; i++) {
		e = find(&r, (int)i, T_FAIL, 5 * SIM_MIN,
			 "tunnel to server-1 cancelled");
		if (!e)
			continue;	/* its tunnel failed first: no list */
		moved = find(&r, (int)i, T_FAIL, e->t,
			     "k3s agent connected to server-");
		ASSERT(moved != NULL);
		ASSERT(strstr(moved->text, "server-1") == NULL);
		ASSERT_GE(e->t, MAX(moved->t, gone->t) +
			  r.kp.endpointslice_debounce);
	}
	traced_release(&r);
	g_free(json);
}

/*
 * server-3 crashes at T and its host returns 60 s later (k3s restarts:
 * a join, then Ready). The slice drops it (as in test_unaffected), then
 * its reconciler's first run adds it back: each agent's LB lists it again
 * and dials a new tunnel to it; no connection moves to it (no fail-back:
 * every agent's connections stay on server-1).
 */
static void test_return(void)
{
	struct traced r;
	char *json = spec_of(6, "{ \"at\": \"120s\", \"crash\": "
			     "\"server-3\", \"duration\": \"60s\" }", "5m");
	const struct event *gone, *back, *e;
	size_t i;

	run(json, &r);
	gone = find(&r, -1, T_FAIL, 5 * SIM_MIN,
		    "server-3 removed from the kubernetes EndpointSlice");
	ASSERT(gone != NULL);
	back = find(&r, -1, gone->t, 5 * SIM_MIN,
		    "server-3 added to the kubernetes EndpointSlice");
	ASSERT(back != NULL);
	ASSERT_GE(back->t, T_FAIL + 60 * SIM_S);
	for (i = 3; i < r.rec.n_nodes; i++) {
		e = find(&r, (int)i, back->t, 5 * SIM_MIN,
			 "EndpointSlice settled");
		ASSERT(e != NULL);
		ASSERT_GE(e->t, back->t + r.kp.endpointslice_debounce);
		ASSERT_LE(e->t, back->t + r.kp.endpointslice_debounce + SLACK);
		ASSERT(find(&r, (int)i, e->t, 5 * SIM_MIN,
			    "tunnel to server-3: connected") != NULL);
		ASSERT(find(&r, (int)i, T_FAIL, 5 * SIM_MIN,
			    "connection to server-1 closed") == NULL);
	}
	traced_release(&r);
	g_free(json);
}

/* The constants are the spec's: a longer TTL moves the removal by as
 * much. */
static void test_ttl_param(void)
{
	struct traced r;
	/* "params" of the k3s policy: a 40 s TTL */
	char *p = spec_with(3, "{ \"at\": \"120s\", \"crash\": "
			    "\"server-3\" }", "\"k3s\": { "
			    "\"endpoint_lease_ttl\": \"40s\" }", "4m");
	const struct event *renew;

	run(p, &r);
	ASSERT_EQ(r.kp.endpoint_lease_ttl, 40 * SIM_S);
	/* the drop moves with the TTL: within [t_last + 40 s, + interval] */
	slice_drop(&r, &renew);
	traced_release(&r);
	g_free(p);
}

/* 3 etcd-only servers, 2 control-plane-only ones (cp-1's --server is
 * etcd-2, so its etcd LB's default and its apiserver's connection are
 * there; cp-2's is etcd-1) and @n agents on cp-1; @params the k3s
 * policy's params object body. Caller frees. */
static char *cp_spec(int n, const char *failures, const char *params)
{
	GString *g = g_string_new(NULL);
	int i;

	g_string_append_printf(g, "{ \"name\": \"t\", \"scenarios\": 1, "
		"\"deadline\": \"5m\", \"failover\": true, "
		"\"controller_manager\": \"cp-2\", \"policies\": [\"k3s\"], "
		"\"params\": { \"k3s\": { %s } }, "
		"\"network\": { \"rtt\": { \"same_az\": \"1ms\", "
		"\"cross_az\": \"1ms\" } }, "
		"\"servers\": { \"service_time\": \"1ms\" }, "
		"\"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", "
		"\"c\": \"r\" }, \"nodes\": ["
		"{ \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
		"{ \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", "
		"\"server\": \"etcd-1\" },"
		"{ \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", "
		"\"server\": \"etcd-1\" },"
		"{ \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", "
		"\"server\": \"etcd-2\" },"
		"{ \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", "
		"\"server\": \"etcd-1\" }", params);
	for (i = 0; i < n; i++)
		g_string_append_printf(g, ", { \"name\": \"agent-%d\", "
				       "\"role\": \"agent\", \"az\": \"%c\", "
				       "\"server\": \"cp-1\" }", i + 1,
				       "abc"[i % 3]);
	g_string_append_printf(g, "] }, \"failures\": [ %s ] }", failures);
	return g_string_free(g, FALSE);
}

/* No agent's lease request failed with an answer (refused) in [@from,
 * @to): the apiserver's writes wait, they do not fail. */
static void assert_no_refusal(const struct traced *r, sim_time from,
			      sim_time to)
{
	size_t i;

	for (i = 5; i < r->rec.n_nodes; i++)
		ASSERT(find(r, (int)i, from, to, "(refused)") == NULL);
}

/*
 * etcd-2 (not the leader: etcd-1, the first member, leads; quorum stays)
 * crashes at T. cp-1's apiserver connection to it goes silent; its etcd
 * LB pings etcd-2 within etcd_ping_max, the ping fails after
 * etcd_ping_timeout, the next health-loop tick (health_check_interval)
 * makes it FAILED and closes the connection:
 *   t_close in (T, T + etcd_ping_max + etcd_ping_timeout +
 *                  health_check_interval + SLACK]
 * well before the gRPC keepalive (T + 30 s + 10 s); it is open to
 * another member an RTT and the TLS round trips later. cp-2 (on etcd-1)
 * keeps its connection.
 */
static void test_cp_etcd_lb(void)
{
	struct traced r;
	char *json = cp_spec(4, "{ \"at\": \"120s\", \"crash\": \"etcd-2\" }",
			     "");
	const struct event *closed, *open;

	run(json, &r);
	ASSERT(find(&r, -1, T_FAIL, 5 * SIM_MIN, "etcd: leader") == NULL);
	closed = find(&r, 3, T_FAIL, 5 * SIM_MIN, "apiserver's etcd "
		      "connection to etcd-2 closed: closed by its etcd LB");
	ASSERT(closed != NULL);
	ASSERT_LE(closed->t, T_FAIL + r.kp.etcd_ping_max +
		  r.kp.etcd_ping_timeout + r.kp.health_check_interval + SLACK);
	ASSERT_LT(closed->t, T_FAIL + r.kp.apiserver_etcd_keepalive +
		  r.kp.apiserver_etcd_keepalive_timeout);
	open = find(&r, 3, closed->t, 5 * SIM_MIN,
		    "apiserver's etcd connection open to");
	ASSERT(open != NULL);
	ASSERT(strstr(open->text, "etcd-2") == NULL);
	ASSERT_LE(open->t, closed->t + SLACK);
	ASSERT(find(&r, 4, T_FAIL, 5 * SIM_MIN, "etcd connection") == NULL);
	assert_no_refusal(&r, T_FAIL, closed->t);
	traced_release(&r);
	g_free(json);
}

/*
 * The same with the LB's /ping out of the way (one ping at the start,
 * the next after the run): the gRPC keepalive closes the connection
 * exactly keepalive + keepalive timeout after the crash (the connection
 * is busy: its last read is the crash). Meanwhile cp-1 serves no lease
 * write: the agents' renewals (every lease_renew_interval plus jitter)
 * time out after lease_request_timeout, none is refused; and its
 * endpoint lease is not renewed. Then the LB's dial timeout to the dead
 * member (still ACTIVE in the etcd LB) before another member.
 */
static void test_cp_keepalive(void)
{
	struct traced r;
	char *json = cp_spec(4, "{ \"at\": \"120s\", \"crash\": \"etcd-2\" }",
			     "\"etcd_ping_min\": \"10m\", "
			     "\"etcd_ping_max\": \"11m\"");
	const struct event *closed, *e;
	sim_time t_c;

	run(json, &r);
	t_c = T_FAIL + r.kp.apiserver_etcd_keepalive +
	      r.kp.apiserver_etcd_keepalive_timeout;
	closed = find(&r, 3, T_FAIL, 5 * SIM_MIN, "apiserver's etcd "
		      "connection to etcd-2 closed: gRPC keepalive");
	ASSERT(closed != NULL);
	ASSERT_EQ(closed->t, t_c);
	/* a renewal was due at least every interval + jitter: 40 s hold
	 * several, each timing out */
	e = find(&r, 5, T_FAIL, t_c, "lease update failed (timed out)");
	ASSERT(e != NULL);
	assert_no_refusal(&r, T_FAIL, t_c);
	ASSERT(find(&r, 3, T_FAIL, t_c, "endpoint lease renewed") == NULL);
	/* gRPC re-dials through the etcd LB at once; etcd-2 is still
	 * ACTIVE there (no ping told it), so the LB dials it first, for
	 * its dial timeout, then FAILED, then another member */
	e = find(&r, 3, t_c, 5 * SIM_MIN, "apiserver's etcd connection "
		 "open to");
	ASSERT(e != NULL);
	ASSERT(strstr(e->text, "etcd-2") == NULL);
	ASSERT_GE(e->t, t_c + r.spec.policies[0].params.dial_timeout);
	ASSERT_LE(e->t, t_c + r.spec.policies[0].params.dial_timeout + SLACK);
	/* the waiting writes go on then: the agents renew */
	ASSERT(find(&r, 5, e->t, e->t + SLACK, "lease renewed through cp-1")
	       != NULL);
	traced_release(&r);
	g_free(json);
}

/*
 * With etcd on the server, the apiserver uses its local member only:
 * server-1 (the leader) is cut off from server-2 and server-3 at T (the
 * agents still reach it). Once its member has lost the leadership
 * (t_l), server-1's lease writes fail at once (no leader: the proposal is
 * dropped), although server-2 and server-3 have a quorum: every agent's
 * next renewal (within lease_renew_interval + lease_renew_jitter) is
 * refused. Its watch cache gets no more events either, so the agents,
 * all watching through server-1, never hear that the slice dropped it.
 */
static void test_local_member(void)
{
	struct traced r;
	char *json = spec_of(3, "{ \"at\": \"120s\", \"partition\": "
			     "\"server-1\", \"from\": [\"server-2\", "
			     "\"server-3\"] }", "4m");
	const struct event *lost, *e;
	size_t i;

	run(json, &r);
	lost = find(&r, -1, T_FAIL, 4 * SIM_MIN, "etcd: leader server-1 lost");
	ASSERT(lost != NULL);
	for (i = 3; i < r.rec.n_nodes; i++) {
		e = find(&r, (int)i, lost->t, 4 * SIM_MIN,
			 "lease update failed (refused)");
		ASSERT(e != NULL);
		ASSERT_LE(e->t, lost->t + r.kp.lease_renew_interval +
			  r.kp.lease_renew_jitter + SLACK);
		ASSERT(find(&r, (int)i, T_FAIL, 4 * SIM_MIN,
			    "EndpointSlice settled") == NULL);
	}
	ASSERT(find(&r, -1, T_FAIL, 4 * SIM_MIN, "server-1 removed from "
		    "the kubernetes EndpointSlice") != NULL);
	traced_release(&r);
	g_free(json);
}

int main(void)
{
	TEST_RUN(test_unaffected);
	TEST_RUN(test_affected);
	TEST_RUN(test_return);
	TEST_RUN(test_ttl_param);
	TEST_RUN(test_cp_etcd_lb);
	TEST_RUN(test_cp_keepalive);
	TEST_RUN(test_local_member);
	return 0;
}
