/*
 * Failover after join (models/session.c, nodectl.c; K3S-MODEL.md section
 * 7): 3 servers and a few agents Ready at the start, every agent's
 * connections on server-1 (its --server); server-1 stops or crashes at T.
 * Every expected time is derived from the K3s constants
 * (k3s_params_default) and the constant RTT and service time of the
 * spec, never copied from a run.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"
#include "traced.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#define T_FAIL (120 * SIM_S)	/* the failure's "at" */
#define RTT SIM_MS		/* every link (constant) */
#define SERVICE SIM_MS		/* every request (constant) */
/* slack for RTTs, TLS and service times on top of the formulas: a few
 * requests' worth (each RTT + SERVICE) and queueing behind them */
#define SLACK (100 * SIM_MS)

/* A spec of 3 servers and @n agents; @failures is the "failures" array's
 * body, @params the "params" object's body (may be empty). Caller frees. */
static char *failover_spec(int n, const char *failures, const char *params,
			   const char *deadline)
{
	GString *g = traced_spec_head(deadline, "\"k3s\", \"pick-first\"",
				      params);

	traced_spec_agents(g, n);
	return traced_spec_end(g, failures);
}

static void run(const char *json, const char *policy, bool traced,
		struct traced *r)
{
	traced_run_with("test.json", json, policy, 0, traced, false, r);
}

/* A stop: EOF after half an RTT, the next kubelet request redials (server-1
 * refuses, server-2 answers). Back within the longest gap between kubelet
 * requests (node status or lease period plus jitter) plus EOF and the
 * dials; nobody NotReady. */
static void test_stop(void)
{
	struct k3s_params kp;
	struct traced r;
	char *json = failover_spec(6, "{ \"at\": \"120s\", \"stop\": "
				   "\"server-1\" }", "", "4m");
	sim_time gap, bound;
	size_t i;

	k3s_params_default(&kp);
	gap = MAX(kp.node_status_interval, kp.lease_renew_interval) +
	      kp.lease_renew_jitter;
	/* EOF (RTT/2), then a refused dial (RTT), a dial (RTT), TLS
	 * (2 RTT), the request (RTT + SERVICE) */
	bound = gap + RTT / 2 + 5 * RTT + SERVICE + SLACK;
	run(json, "k3s", false, &r);
	ASSERT(r.rec.fo_happened);
	ASSERT_EQ(r.rec.fo_at, T_FAIL);
	for (i = 3; i < r.rec.n_nodes; i++) {
		const struct node_record *n = &r.rec.nodes[i];

		ASSERT(n->fo_affected);
		ASSERT(n->fo_back);
		ASSERT_GT(n->fo_back_time, RTT / 2);
		ASSERT_LE(n->fo_back_time, bound);
		ASSERT_EQ(n->fo_notready, 0);
		ASSERT_EQ(n->fo_cut_at, T_FAIL);
	}
	traced_release(&r);
	g_free(json);
}

/*
 * A crash: nothing answers. Each connection notices when its HTTP/2 ping
 * goes unanswered (read idle + ping timeout after its last frame, which
 * came at or before T) or when the tunnel's read deadline passes (at most
 * tunnel_ping_wait after T); the first dial after that still goes to
 * server-1, ACTIVE, and fails after the dial timeout; then server-1 is
 * FAILED, its connections closed, and the kubelet's next try lands on
 * another server.
 */
static void test_crash(void)
{
	struct k3s_params kp;
	struct policy_params pp;
	struct traced r;
	char *json = failover_spec(6, "{ \"at\": \"120s\", \"crash\": "
				   "\"server-1\" }", "", "4m");
	sim_time h2, detect;
	int i;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	h2 = kp.http2_read_idle_timeout + kp.http2_ping_timeout;
	detect = MIN(h2, kp.tunnel_ping_wait);
	run(json, "k3s", true, &r);
	ASSERT_EQ(r.rec.fo_at, T_FAIL);
	for (i = 3; i < (int)r.rec.n_nodes; i++) {
		const struct node_record *n = &r.rec.nodes[i];
		const struct event *close, *dial, *failed, *kdial;
		sim_time end;

		ASSERT(n->fo_affected);
		ASSERT(n->fo_back);
		/* the first connection closed by its HTTP/2 ping */
		close = find(&r, i, T_FAIL, SIM_TIME_MAX,
			     "HTTP/2 ping unanswered");
		ASSERT(close != NULL);
		ASSERT_LE(close->t, T_FAIL + detect);
		/* no connection can notice before a ping timeout */
		ASSERT_GE(close->t, T_FAIL + kp.http2_ping_timeout);
		/* then one dial to server-1, still ACTIVE: the kubelet's
		 * retry at once, or a watch's re-list after watch_retry */
		dial = find(&r, i, close->t, SIM_TIME_MAX,
			    "dial server-1 (supervisor LB)");
		ASSERT(dial != NULL);
		ASSERT(dial->t == close->t ||
		       dial->t == close->t + kp.watch_retry);
		failed = find(&r, i, T_FAIL, SIM_TIME_MAX,
			      "server-1 ACTIVE -> FAILED");
		ASSERT(failed != NULL);
		ASSERT_EQ(failed->t, dial->t + pp.dial_timeout);
		/* and the API is back through another server, one dial and
		 * TLS and a request later; a kubelet dial pass that began
		 * while server-1 was still ACTIVE pays its own dial timeout
		 * (K3s dials from a snapshot of the list) */
		kdial = find(&r, i, T_FAIL, SIM_TIME_MAX,
			     "kubelet: dial server-1");
		end = failed->t;
		if (kdial && kdial->t < failed->t)
			end = MAX(end, kdial->t + pp.dial_timeout);
		ASSERT_GE(n->fo_back_time, failed->t - T_FAIL);
		ASSERT_LE(n->fo_back_time, end - T_FAIL + SLACK);
		ASSERT_LE(n->fo_back_time, detect + kp.watch_retry +
			  pp.dial_timeout + SLACK);
	}
	traced_release(&r);
	g_free(json);
}

/* With HTTP/2 detection later than the tunnel's read deadline (a ping
 * timeout beyond tunnel_ping_wait: an idle watch may ping just after T),
 * the tunnel notices first (55-60 s after T), the health loop marks
 * server-1 FAILED within one check interval and closes its connections:
 * no dial timeout to pay. */
static void test_crash_tunnel_first(void)
{
	struct k3s_params kp;
	struct traced r;
	char *json = failover_spec(6, "{ \"at\": \"120s\", \"crash\": "
				   "\"server-1\" }", "\"k3s\": { "
				   "\"http2_ping_timeout\": \"120s\" }",
				   "4m");
	size_t i;

	k3s_params_default(&kp);
	ASSERT_GT(120 * SIM_S, kp.tunnel_ping_wait);
	run(json, "k3s", false, &r);
	for (i = 3; i < r.rec.n_nodes; i++) {
		const struct node_record *n = &r.rec.nodes[i];

		ASSERT(n->fo_back);
		ASSERT_GE(n->fo_back_time, kp.tunnel_ping_wait -
			  kp.tunnel_ping_interval);
		ASSERT_LE(n->fo_back_time, kp.tunnel_ping_wait +
			  kp.health_check_interval + SLACK);
	}
	traced_release(&r);
	g_free(json);
}

/* A grace period shorter than the earliest a crash can be got over (a
 * ping timeout and a dial timeout after T), plus one monitor period to
 * notice it: every affected agent goes NotReady once, and is Ready again
 * at its next renewal. One longer than the latest (detection, the
 * watch's re-list, the dial timeout, and the renewal period that had
 * begun before T): nobody does. */
static void test_grace(void)
{
	struct k3s_params kp;
	struct policy_params pp;
	struct traced r;
	char params[160], *json;
	sim_time early, late;
	size_t i;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	early = kp.http2_ping_timeout + pp.dial_timeout;
	late = MIN(kp.http2_read_idle_timeout + kp.http2_ping_timeout,
		   kp.tunnel_ping_wait) + kp.watch_retry + pp.dial_timeout +
	       kp.lease_renew_interval + kp.lease_renew_jitter + SLACK;

	g_snprintf(params, sizeof(params), "\"k3s\": { "
		   "\"node_monitor_grace_period\": \"%.3fs\" }",
		   sim_time_to_s(early - kp.node_monitor_period - SIM_S));
	json = failover_spec(6, "{ \"at\": \"120s\", \"crash\": "
			     "\"server-1\" }", params, "4m");
	run(json, "k3s", false, &r);
	for (i = 3; i < r.rec.n_nodes; i++) {
		ASSERT_EQ(r.rec.nodes[i].fo_notready, 1);
		ASSERT_GT(r.rec.nodes[i].fo_notready_time, 0);
	}
	traced_release(&r);
	g_free(json);

	g_snprintf(params, sizeof(params), "\"k3s\": { "
		   "\"node_monitor_grace_period\": \"%.3fs\" }",
		   sim_time_to_s(late));
	json = failover_spec(6, "{ \"at\": \"120s\", \"crash\": "
			     "\"server-1\" }", params, "4m");
	run(json, "k3s", false, &r);
	for (i = 3; i < r.rec.n_nodes; i++)
		ASSERT_EQ(r.rec.nodes[i].fo_notready, 0);
	traced_release(&r);
	g_free(json);
}

/* No fail-back: server-1 is back 30 s after its stop, but no connection
 * moves to it (a server returns FAILED -> RECOVERING -> PREFERRED, below
 * the ACTIVE one that every new dial takes). */
static void test_no_failback(void)
{
	struct traced r;
	char *json = failover_spec(6, "{ \"at\": \"120s\", \"stop\": "
				   "\"server-1\", \"duration\": \"30s\" }", "",
				   "5m");
	size_t i;

	run(json, "k3s", true, &r);
	for (i = 3; i < r.rec.n_nodes; i++) {
		ASSERT(r.rec.nodes[i].fo_back);
		ASSERT(find(&r, (int)i, T_FAIL, SIM_TIME_MAX,
			    "connected to server-1") == NULL);
		/* the LB does see it again */
		ASSERT(find(&r, (int)i, T_FAIL + 30 * SIM_S,
			    SIM_TIME_MAX,
			    "server-1 RECOVERING -> PREFERRED") != NULL);
	}
	traced_release(&r);
	g_free(json);
}

/* Without failover nothing of this runs: the same spec without the key
 * keeps agents idle (no failover figures, the run stops at once). */
static void test_off(void)
{
	struct traced r;
	char *json = failover_spec(3, "{ \"at\": \"120s\", \"stop\": "
				   "\"server-1\" }", "", "4m");
	char *p = strstr(json, "\"failover\": true, ");

	memmove(p, p + strlen("\"failover\": true, "),
		strlen(p + strlen("\"failover\": true, ")) + 1);
	run(json, "k3s", false, &r);
	ASSERT(!r.rec.failover);
	ASSERT(!r.rec.fo_happened);
	ASSERT_LT(r.rec.events, 100);
	traced_release(&r);
	g_free(json);
}

/* Events at the same instant (the health loop's whole seconds, the
 * controller-manager's ticks, the failure at 120 s) in either order give
 * the same failover figures. */
static void test_tie_order(void)
{
	static const char *const fails[] = {
		"{ \"at\": \"120s\", \"crash\": \"server-1\" }",
		"{ \"at\": \"120s\", \"stop\": \"server-1\", "
		"\"duration\": \"30s\" }",
	};
	size_t f, i;

	for (f = 0; f < G_N_ELEMENTS(fails); f++) {
		char *json = failover_spec(12, fails[f], "", "4m");
		struct traced a, b;

		traced_run_with("test.json", json, "k3s", 0, false, false, &a);
		traced_run_with("test.json", json, "k3s", 0, false, true, &b);
		for (i = 0; i < a.rec.n_nodes; i++) {
			ASSERT_EQ(a.rec.nodes[i].fo_back,
				  b.rec.nodes[i].fo_back);
			ASSERT_EQ(a.rec.nodes[i].fo_back_time,
				  b.rec.nodes[i].fo_back_time);
			ASSERT_EQ(a.rec.nodes[i].fo_notready,
				  b.rec.nodes[i].fo_notready);
			ASSERT_EQ(a.rec.nodes[i].fo_notready_time,
				  b.rec.nodes[i].fo_notready_time);
		}
		traced_release(&a);
		traced_release(&b);
		g_free(json);
	}
}

/*
 * A kubelet request begun at the very instant of its agent's cut, the tie
 * note_success()'s rule settles by instants alone. The tie is built from
 * a first run: server-1 slowed x1000 at T_FAIL (service 1 ms x 1000 = 1 s
 * > lease_request_timeout 500 ms) times every lease update out, and each
 * agent begins its next one in the same event, at a known instant X (its
 * "lease update failed (timed out)"). The same spec with server-1 also
 * crashing, stopping or restarting at X runs as the first up to X, so the
 * retry begins at X and the agent's cut opens at X: both orders of the
 * two events give the same failover figures.
 */
static void test_tie_request_at_cut(void)
{
	static const char *const kinds[] = { "crash", "stop", "restart" };
	const char *slow = "{ \"at\": \"120s\", \"slow\": \"server-1\", "
			   "\"factor\": 1000, \"duration\": \"10m\" }";
	const char *params = "\"k3s\": { \"lease_request_timeout\": "
			     "\"500ms\" }";
	char *json = failover_spec(6, slow, params, "4m");
	const struct event *e;
	struct traced probe;
	sim_time x;
	size_t k, i;
	int node;

	run(json, "k3s", true, &probe);
	e = find(&probe, -1, T_FAIL, SIM_TIME_MAX,
		 "lease update failed (timed out)");
	ASSERT(e != NULL);
	x = e->t;
	node = e->node;
	ASSERT_GE(node, 3);
	ASSERT(!probe.rec.nodes[node].fo_affected);	/* slow: no cut */
	traced_release(&probe);
	g_free(json);
	for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
		char *fails = g_strdup_printf(
			"%s, { \"at\": \"%" PRId64 "ns\", \"%s\": "
			"\"server-1\" }", slow, (int64_t)x, kinds[k]);
		struct traced r[2];
		int o;

		json = failover_spec(6, fails, params, "4m");
		for (o = 0; o < 2; o++) {
			traced_run_with("test.json", json, "k3s", 0, true,
					o == 1, &r[o]);
			/* the tie: the retry begins at X, the cut opens at X */
			ASSERT(find(&r[o], node, x, x + 1, "lease update "
				    "failed (timed out)") != NULL);
			ASSERT(r[o].rec.nodes[node].fo_affected);
			ASSERT_EQ(r[o].rec.nodes[node].fo_cut_at, x);
		}
		for (i = 0; i < r[0].rec.n_nodes; i++) {
			const struct node_record *a = &r[0].rec.nodes[i],
						 *b = &r[1].rec.nodes[i];

			ASSERT_EQ(a->fo_affected, b->fo_affected);
			ASSERT_EQ(a->fo_back, b->fo_back);
			ASSERT_EQ(a->fo_back_time, b->fo_back_time);
			ASSERT_EQ(a->fo_notready, b->fo_notready);
			ASSERT_EQ(a->fo_notready_time, b->fo_notready_time);
		}
		ASSERT_EQ(r[0].rec.fo_happened, r[1].rec.fo_happened);
		traced_release(&r[0]);
		traced_release(&r[1]);
		g_free(json);
		g_free(fails);
	}
}

/* 1,000 agents reconnecting after a crash: seconds, not minutes. */
static void test_thousand(void)
{
	struct traced r;
	char *json = failover_spec(1000, "{ \"at\": \"120s\", \"crash\": "
				   "\"server-1\" }", "", "4m");
	gint64 t0 = g_get_monotonic_time();
	double wall;
	size_t i, back = 0;

	run(json, "k3s", false, &r);
	wall = (double)(g_get_monotonic_time() - t0) / 1e6;
	for (i = 3; i < r.rec.n_nodes; i++)
		back += r.rec.nodes[i].fo_back;
	printf("    1,000 agents: %" G_GUINT64_FORMAT " events in %.2fs, "
	       "%zu back\n", r.rec.events, wall, back);
	ASSERT_EQ(back, 1000);
	ASSERT_LT(wall, 60.0);	/* shared CPUs: generous */
	traced_release(&r);
	g_free(json);
}

int main(void)
{
	TEST_RUN(test_stop);
	TEST_RUN(test_crash);
	TEST_RUN(test_crash_tunnel_first);
	TEST_RUN(test_grace);
	TEST_RUN(test_no_failback);
	TEST_RUN(test_off);
	TEST_RUN(test_tie_order);
	TEST_RUN(test_tie_request_at_cut);
	TEST_RUN(test_thousand);
	return 0;
}
