/*
 * Failover figures when an AZ is lost (models/session.c, nodectl.c;
 * stats_failover.h says whom they count): 3 servers, one per AZ, and
 * agents in every AZ, Ready at the start; AZ a (server-1's) is lost at T
 * for longer than the run. Every expected time is derived from the K3s
 * constants (k3s_params_default) and the spec's constant RTT and service
 * time, never copied from a run.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"
#include "traced.h"

#include <string.h>

#define T_FAIL (120 * SIM_S)	/* the outage's "at" */
#define DEADLINE (240 * SIM_S)
/* a few requests' worth of RTTs (1 ms), TLS and service (1 ms) on top of
 * the formulas */
#define SLACK (100 * SIM_MS)

/* The agents: name, AZ, --server (the LB's first server, so where its
 * kubelet connects). */
static const char *const agents[][3] = {
	{ "agent-a1", "a", "server-1" },	/* inside the lost AZ */
	{ "agent-b1", "b", "server-1" },	/* outside, on server-1 */
	{ "agent-c1", "c", "server-1" },
	{ "agent-b2", "b", "server-2" },	/* outside, on a survivor */
	{ "agent-c2", "c", "server-3" },
	{ "agent-b3", "b", "server-1" },	/* on server-1, restarted */
};
enum { A1 = 3, B1, C1, B2, C2, B3 };	/* node indices (3 servers first) */

/* The spec: @failures is the "failures" array's body, @params the
 * "params" object's body. Caller frees. */
static char *az_spec(const char *failures, const char *params)
{
	char deadline[32];
	GString *g;
	size_t i;

	g_snprintf(deadline, sizeof(deadline), "%.0fs",
		   sim_time_to_s(DEADLINE));
	g = traced_spec_head(deadline, "\"k3s\"", params);
	for (i = 0; i < G_N_ELEMENTS(agents); i++)
		g_string_append_printf(g, ", { \"name\": \"%s\", \"role\": "
				       "\"agent\", \"az\": \"%s\", \"server\": "
				       "\"%s\" }", agents[i][0], agents[i][1],
				       agents[i][2]);
	return traced_spec_end(g, failures);
}

/* The outage, and agent-b3 restarted 20 s into it. */
#define OUTAGE "{ \"at\": \"120s\", \"az_outage\": \"a\", " \
	       "\"duration\": \"10m\" }"
#define RESTART_AFTER (20 * SIM_S)
#define RESTART "{ \"at\": \"140s\", \"restart\": \"agent-b3\" }"

static void run(const char *json, bool reverse, struct traced *r)
{
	traced_run_with("test.json", json, NULL, 0, true, reverse, r);
}

/* How many trace events of @node hold @a and (when not NULL) @b. */
static int count(const struct traced *r, int node, const char *a,
		 const char *b)
{
	guint i;
	int n = 0;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		n += e->node == node && strstr(e->text, a) &&
		     (!b || strstr(e->text, b));
	}
	return n;
}

/*
 * Outside the lost AZ, on server-1: cut at T, affected, and back once the
 * silence is noticed (the HTTP/2 ping, read idle + ping timeout after the
 * last frame, or the tunnel's read deadline, whichever first), the LB's
 * dial to server-1 (still ACTIVE) has timed out, and the kubelet's next
 * request has gone through (at most a renewal or status period, or a
 * backoff, later). Never sooner than a ping timeout and that dial.
 */
static void test_outside_on_lost_server(void)
{
	struct k3s_params kp;
	struct policy_params pp;
	struct traced r;
	char *json = az_spec(OUTAGE ", " RESTART, "");
	sim_time detect, next, lo, hi;
	int i;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	detect = MIN(kp.http2_read_idle_timeout + kp.http2_ping_timeout,
		     kp.tunnel_ping_wait);
	next = MAX(MAX(kp.lease_renew_interval, kp.node_status_interval) +
		   kp.lease_renew_jitter, kp.lease_backoff_max);
	lo = MIN(kp.http2_ping_timeout + pp.dial_timeout,
		 kp.tunnel_ping_wait - kp.tunnel_ping_interval);
	hi = detect + pp.dial_timeout + next + SLACK;
	run(json, false, &r);
	ASSERT(r.rec.fo_happened);
	ASSERT_EQ(r.rec.fo_at, T_FAIL);
	for (i = B1; i <= C1; i++) {
		const struct node_record *n = &r.rec.nodes[i];

		ASSERT(n->fo_affected);
		ASSERT_EQ(n->fo_cut_at, T_FAIL);
		ASSERT(n->fo_back);
		ASSERT_GE(n->fo_back_time, lo);
		ASSERT_LE(n->fo_back_time, hi);
		ASSERT_EQ(count(&r, i, "API back through server-", NULL), 1);
		ASSERT_EQ(count(&r, i, "API back through server-1", NULL), 0);
		ASSERT_GT(n->fo_requests, 0);
		ASSERT_GT(n->fo_dials, 0);
		ASSERT_LE(n->fo_notready, 1);
	}
	traced_release(&r);
	g_free(json);
}

/*
 * Inside the lost AZ: its lease goes through server-1, whose etcd member
 * is the minority, so it is not renewed and the controller-manager
 * (server-2) marks it NotReady a grace period (plus at most a renewal
 * period and a monitor period) after T, well before the deadline; but a
 * failure acts on the node itself: none of it counts. Outside, on a
 * surviving server: not cut, not affected, never NotReady (the etcd
 * election that may follow is far shorter than the grace period).
 */
static void test_inside_and_survivors(void)
{
	struct k3s_params kp;
	struct traced r;
	char *json = az_spec(OUTAGE ", " RESTART, "");
	const struct node_record *a1;
	int i;

	k3s_params_default(&kp);
	ASSERT_LT(T_FAIL + kp.lease_renew_interval + kp.lease_renew_jitter +
		  kp.node_monitor_grace_period + kp.node_monitor_period,
		  DEADLINE);
	run(json, false, &r);
	a1 = &r.rec.nodes[A1];
	ASSERT(!a1->fo_affected);
	ASSERT_EQ(a1->fo_notready, 0);
	ASSERT_EQ(a1->fo_notready_time, 0);
	ASSERT_EQ(a1->fo_failed_renewals, 0);
	ASSERT_EQ(a1->fo_requests, 0);
	ASSERT_EQ(a1->fo_dials, 0);
	ASSERT_EQ(count(&r, A1, "NotReady (lease", "not counted"), 1);
	for (i = B2; i <= C2; i++) {
		const struct node_record *n = &r.rec.nodes[i];

		ASSERT(!n->fo_affected);
		ASSERT_EQ(n->fo_notready, 0);
		ASSERT_EQ(n->fo_notready_time, 0);
		ASSERT_EQ(count(&r, i, "NotReady", NULL), 0);
	}
	traced_release(&r);
	g_free(json);
}

/*
 * agent-b3, on server-1 like b1, is cut at T; the plan restarts it at
 * T + 20 s, before it can be back (a ping timeout and a dial timeout at
 * the earliest): its cut leaves the figures, and it is out until it has
 * rejoined (through a survivor: the join figures count it) and renewed
 * its lease.
 */
static void test_restarted_during_outage(void)
{
	struct k3s_params kp;
	struct policy_params pp;
	struct traced r;
	char *json = az_spec(OUTAGE ", " RESTART, "");
	const struct node_record *b3;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	ASSERT_LT(RESTART_AFTER, kp.http2_ping_timeout + pp.dial_timeout);
	run(json, false, &r);
	b3 = &r.rec.nodes[B3];
	ASSERT(!b3->fo_affected);
	ASSERT(!b3->fo_back);
	ASSERT_EQ(b3->fo_notready, 0);
	ASSERT_EQ(b3->fo_notready_time, 0);
	ASSERT_EQ(count(&r, B3, "its open cut leaves the failover", NULL), 1);
	ASSERT_EQ(count(&r, B3, "NotReady", NULL),
		  count(&r, B3, "NotReady", "not counted"));
	ASSERT(b3->counted);
	ASSERT(b3->ready);
	/* without the restart it is one of the affected, like b1 */
	traced_release(&r);
	g_free(json);
	json = az_spec(OUTAGE, "");
	run(json, false, &r);
	ASSERT(r.rec.nodes[B3].fo_affected);
	ASSERT(r.rec.nodes[B3].fo_back);
	traced_release(&r);
	g_free(json);
}

/*
 * A node whose own failure is over but which cannot renew its lease
 * counts again a grace period later, NotReady from then: AZ a is lost at
 * T for D; at T + 5 s server-2 and server-3 stop for good, so etcd has
 * no quorum and no lease is renewed again. agent-a1 is out until T + D,
 * then has one grace period; from T + D + grace to the run's end its
 * NotReady counts (once).
 */
static void test_counted_after_grace(void)
{
	struct k3s_params kp;
	struct traced r;
	char *json = az_spec("{ \"at\": \"120s\", \"az_outage\": \"a\", "
			     "\"duration\": \"30s\" }, { \"at\": \"125s\", "
			     "\"stop\": [\"server-2\", \"server-3\"] }", "");
	const sim_time d = 30 * SIM_S;
	const struct node_record *a1;

	k3s_params_default(&kp);
	/* marked NotReady before its grace window ends: its last renewal
	 * (or the new leader's reset, within the restarted leader's retry)
	 * was before T + 5 s + kcm_retry_period */
	ASSERT_LT(5 * SIM_S + kp.kcm_retry_period +
		  kp.node_monitor_grace_period + kp.node_monitor_period,
		  d + kp.node_monitor_grace_period);
	run(json, false, &r);
	a1 = &r.rec.nodes[A1];
	ASSERT_EQ(a1->fo_notready, 1);
	/* counted to the run's end: its last event, the monitor loop's
	 * last tick before the deadline */
	ASSERT_LE(r.rec.end, DEADLINE);
	ASSERT_GT(r.rec.end, DEADLINE - kp.node_monitor_period);
	ASSERT_EQ(a1->fo_notready_time,
		  r.rec.end - (T_FAIL + d + kp.node_monitor_grace_period));
	ASSERT_EQ(count(&r, A1, "counted from now", NULL), 1);
	traced_release(&r);
	g_free(json);
}

/* Events at the same instant in either order give the same figures. */
static void test_tie_order(void)
{
	char *json = az_spec(OUTAGE ", " RESTART, "");
	struct traced a, b;
	size_t i;

	run(json, false, &a);
	run(json, true, &b);
	ASSERT_EQ(a.rec.fo_at, b.rec.fo_at);
	for (i = 0; i < a.rec.n_nodes; i++) {
		const struct node_record *x = &a.rec.nodes[i],
					 *y = &b.rec.nodes[i];

		ASSERT_EQ(x->fo_affected, y->fo_affected);
		ASSERT_EQ(x->fo_back, y->fo_back);
		ASSERT_EQ(x->fo_back_time, y->fo_back_time);
		ASSERT_EQ(x->fo_notready, y->fo_notready);
		ASSERT_EQ(x->fo_notready_time, y->fo_notready_time);
		ASSERT_EQ(x->fo_failed_renewals, y->fo_failed_renewals);
	}
	traced_release(&a);
	traced_release(&b);
	g_free(json);
}

int main(void)
{
	TEST_RUN(test_outside_on_lost_server);
	TEST_RUN(test_inside_and_survivors);
	TEST_RUN(test_restarted_during_outage);
	TEST_RUN(test_counted_after_grace);
	TEST_RUN(test_tie_order);
	return 0;
}
