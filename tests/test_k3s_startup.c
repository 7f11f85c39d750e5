/*
 * Process start-up and readiness, and K3S-MODEL section 6 rows 6.5, 6.8,
 * 6.9, 6.13 and selsim's 6.17, read through the traces of small worlds.
 * Every start-up phase is a constant in the specs, so expected times are
 * exact sums of the constants (k3s_params_default()); "eps" bounds the
 * RTTs, TLS and service times of the few requests in between (well under
 * 50 ms with the default networks).
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"
#include "traced.h"

#include <string.h>

#define EPS (50 * SIM_MS)
/* one GET of a sequence: 4 round trips and a service time */
#define EPS_GET (20 * SIM_MS)

/* Constant start-up phases, in seconds. */
#define PHASES(P, E, A, K) \
	"\"startup\": { \"process\": " #P ", \"etcd\": " #E ", " \
	"\"apiserver\": " #A ", \"kubelet\": " #K " }, "

/* etcd-1..3 (etcd-1 leads at 0), cp-1 and cp-2 (--server etcd-1), and
 * agent-1 (--server cp-2, cache cp-1 then cp-2). */
#define CLUSTER(STARTUP, FAILURES) \
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"6m\", " STARTUP \
	"  \"policies\": [\"k3s\"]," \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"c\", \"server\": \"cp-2\"," \
	"      \"cache\": [\"cp-1\", \"cp-2\"] }" \
	"  ] }," \
	"  \"failures\": [ " FAILURES " ] }"

static void run_traced(const char *json, struct traced *r)
{
	traced_run("startup.json", json, NULL, 0, r);
}

/* The time of the last event at or before @until containing @what, or
 * -1. */
static sim_time last_before(const struct traced *r, sim_time until,
			    const char *what)
{
	sim_time t = -1;
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		if (e->t <= until && strstr(e->text, what))
			t = e->t;
	}
	return t;
}

static const struct node_record *node(const struct traced *r,
				      const char *name)
{
	int i = world_config_find_node(&r->spec.world, name);

	ASSERT_GE(i, 0);
	return &r->rec.nodes[i];
}

/*
 * The start-up phases, healthy cluster, P = 1 s, E = 2 s, A = 10 s,
 * K = 5 s, restarts at t0 = 1 s:
 *   cp-1: first request at t0 + P; apiserver serving at t0 + P + A + eps
 *         (4 requests); Ready at t0 + P + A + K + eps;
 *   etcd-2: member started at t0 + P + eps (row 6.9's server-bootstrap
 *         from etcd-1 answers), Ready one heartbeat later;
 *   agent-1: Ready at t0 + P + K + its 13 GETs.
 */
static void test_startup_phases(void)
{
	const sim_time t0 = 1 * SIM_S, P = 1 * SIM_S, E = 2 * SIM_S,
		       A = 10 * SIM_S, K = 5 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	sim_time t;

	k3s_params_default(&kp);
	run_traced(CLUSTER(PHASES(1, 2, 10, 5),
		"{ \"at\": \"1s\", \"restart\": [\"cp-1\", \"etcd-2\", "
		"\"agent-1\"] }"), &r);
	ASSERT(r.rec.success);
	ASSERT_EQ(first(&r, t0, "cp-1: request"), t0 + P);
	t = first(&r, t0, "cp-1: apiserver serving");
	ASSERT_GE(t, t0 + P + A);
	ASSERT_LT(t, t0 + P + A + EPS);
	ASSERT_EQ(first(&r, t0, "cp-1: Ready"), t + K);
	ASSERT_EQ(node(&r, "cp-1")->join_time, t + K - t0);

	t = first(&r, t0, "etcd-2: etcd member started");
	ASSERT_GE(t, t0 + P + E);
	ASSERT_LT(t, t0 + P + E + EPS);
	ASSERT_EQ(first(&r, t0, "etcd-2: Ready"), t + kp.heartbeat);

	/* the agent's 13 GETs (6.10, 6.15, 6.5), each a new dial: TCP, two
	 * TLS round trips and the request across zones (cross-AZ RTT median
	 * 1 ms) plus a 2 ms mean service time: EPS_GET each, with margin */
	t = node(&r, "agent-1")->join_time;
	ASSERT_GE(t, P + K);
	ASSERT_LT(t, P + K + 13 * EPS_GET);
	traced_release(&r);
}

/*
 * Row 6.17 (selsim's own finding, not yet in K3S-MODEL.md): K3s
 * serveBootstrap() answers from disk when its datastore read fails
 * (cluster/bootstrap.go:440-455). Row 6.8: the control-plane etcd health
 * test retries etcd_health_retry after a failure (embed.go:368-381), each
 * Status call bounded by etcd_status_timeout (etcd.go:63, 1450).
 * etcd-2, etcd-3 stopped at 0 (no quorum); cp-1 restarts at t0 = 1 s
 * (phases 0): the bootstrap read fails, server-bootstrap from etcd-1 is
 * answered at t0 + etcd_bootstrap_timeout + eps (no fatal exit); each
 * health try then fails at once (no leader) and the next starts exactly
 * etcd_health_retry after the failure.
 */
static void test_row_6_17_and_6_8(void)
{
	const sim_time t0 = 1 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	sim_time t, fail1, req2;

	k3s_params_default(&kp);
	ASSERT_EQ(kp.etcd_status_timeout, 30 * SIM_S);
	ASSERT_EQ(kp.etcd_health_retry, 5 * SIM_S);
	run_traced(CLUSTER(PHASES(0, 0, 0, 0),
		"{ \"at\": \"0s\", \"stop\": [\"etcd-2\", \"etcd-3\"] },"
		"{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), &r);
	t = first(&r, t0, "cp-1: /v1-k3s/server-bootstrap from etcd-1: ok");
	ASSERT_GE(t, t0 + kp.etcd_bootstrap_timeout);
	ASSERT_LT(t, t0 + kp.etcd_bootstrap_timeout + EPS);
	ASSERT(first(&r, 0, "answering from disk") > 0);
	ASSERT_EQ(node(&r, "cp-1")->fatal_restarts, 0);
	ASSERT(!node(&r, "cp-1")->ready);

	ASSERT_EQ(first(&r, t0, "cp-1: request etcd health"), t);
	fail1 = first(&r, t, "cp-1: etcd health from");
	ASSERT_GE(fail1, t);
	ASSERT_LT(fail1, t + EPS);
	req2 = first(&r, fail1 + 1, "cp-1: request etcd health");
	ASSERT_EQ(req2, fail1 + kp.etcd_health_retry);
	traced_release(&r);

	/* The same, and etcd-2 starts at 20 s (its server-bootstrap from
	 * etcd-1 is answered from disk at 30 s, then a leader within
	 * [5, 10) s); at 32.5 s cp-1 is cut off from etcd-1, which its LB
	 * still puts first (with seed 1 its next /ping of etcd-1 comes after
	 * the try at about 36 s starts): that try dials the black hole for
	 * dial_timeout D, then etcd-2, and succeeds at t_try + D + eps, one
	 * try longer than etcd_health_retry, as etcd_status_timeout allows
	 * (a 5 s bound would end it at t_try + 5 s, and every later try
	 * the same way until the /ping marks etcd-1 FAILED). */
	run_traced(CLUSTER(PHASES(0, 0, 0, 0),
		"{ \"at\": \"0s\", \"stop\": [\"etcd-2\", \"etcd-3\"] },"
		"{ \"at\": \"1s\", \"restart\": \"cp-1\" },"
		"{ \"at\": \"20s\", \"start\": \"etcd-2\" },"
		"{ \"at\": \"32500ms\", \"partition\": \"cp-1\", "
		"  \"from\": [\"etcd-1\"] }"), &r);
	{
		struct policy_params pp;
		sim_time ok = first(&r, 0, "cp-1: etcd health from etcd-2: ok");
		sim_time req = -1, x = 0;

		policy_params_default(&pp);
		while ((x = first(&r, x, "cp-1: request etcd health")) >= 0 &&
		       x <= ok) {
			req = x;
			x++;
		}
		ASSERT_GT(ok, 0);
		ASSERT_GE(ok - req, pp.dial_timeout);
		ASSERT_LT(ok - req, pp.dial_timeout + EPS);
		ASSERT_GT(ok - req, kp.etcd_health_retry);
		ASSERT_LT(ok - req, kp.etcd_status_timeout);
		ASSERT(node(&r, "cp-1")->ready);
	}
	traced_release(&r);
}

/*
 * Row 6.9: a restarting etcd member with a join URL first GETs
 * server-bootstrap from --server (15 s client, bootstrap.go:58-75, 461);
 * a failure only warns, then it starts from its local datastore.
 * etcd-1 (--server) crashed at 0, etcd-2 restarts at t0 = 20 s, P = 1 s,
 * E = 2 s: member started at t0 + P + B + E exactly (B =
 * server_bootstrap_timeout); with etcd-1 stopped instead, refused within
 * eps: t0 + P + E + eps.
 */
static void test_row_6_9(void)
{
	const sim_time t0 = 20 * SIM_S, P = 1 * SIM_S, E = 2 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	sim_time t;

	k3s_params_default(&kp);
	run_traced(CLUSTER(PHASES(1, 2, 0, 0),
		"{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
		"{ \"at\": \"20s\", \"restart\": \"etcd-2\" }"), &r);
	ASSERT_EQ(first(&r, t0, "etcd-2: request /v1-k3s/server-bootstrap"),
		  t0 + P);
	ASSERT(first(&r, t0, "etcd-2: warning: unable to reconcile") > 0);
	ASSERT_EQ(first(&r, t0, "etcd-2: etcd member started"),
		  t0 + P + kp.server_bootstrap_timeout + E);
	ASSERT(node(&r, "etcd-2")->ready);
	traced_release(&r);

	run_traced(CLUSTER(PHASES(1, 2, 0, 0),
		"{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
		"{ \"at\": \"20s\", \"restart\": \"etcd-2\" }"), &r);
	t = first(&r, t0, "etcd-2: etcd member started");
	ASSERT_GE(t, t0 + P + E);
	ASSERT_LT(t, t0 + P + E + EPS);
	traced_release(&r);
}

/*
 * Row 6.5: an agent's tunnels (its supervisor LB's health source) and its
 * apiserver list come only after the config fetch: WaitForAPIServers
 * (agent/config/config.go:99-125), then one tunnel per address
 * (tunnel.go:160-166, 441-448). Row 6.13: a tunnel dial has no timeout
 * but the kernel's SYN limit (tcp_syn_timeout, 127 s).
 * cp-1 crashed at 0, agent-1 restarts at 1 s (P = 1 s, K = 200 s, so its
 * LB lives past 127 s): no tunnel before the config answer; GET
 * /v1-k3s/apiservers at the config answer; the tunnel to cp-1 fails at
 * t_list + tcp_syn_timeout exactly (t_list: the list's answer). cp-2
 * crashes at 60 s: its tunnel (connected at t_conn) fails at the
 * remotedialer ping read deadline: the last ping on the
 * tunnel_ping_interval grid since t_conn, plus tunnel_ping_wait
 * (remotedialer types.go:6-7, session.go:171-210):
 *   60 s + tunnel_ping_wait - ((60 s - t_conn) mod tunnel_ping_interval).
 */
static void test_row_6_5_and_6_13(void)
{
	struct k3s_params kp;
	struct traced r;
	sim_time t_cfg, t_list, t_tunnel, t_conn;

	k3s_params_default(&kp);
	ASSERT_EQ(kp.tcp_syn_timeout, 127 * SIM_S);
	run_traced(CLUSTER(PHASES(1, 0, 0, 200),
		"{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		"{ \"at\": \"1s\", \"restart\": \"agent-1\" },"
		"{ \"at\": \"60s\", \"crash\": \"cp-2\" }"), &r);
	/* the config fetch is nine GETs (6.15): the list is asked at the
	 * answer of the last, the sixth config GET */
	t_cfg = last_before(&r, first(&r, 0, "agent-1: request /v1-k3s/apiservers"),
			    "agent-1: agent config from cp-2: ok");
	ASSERT_GT(t_cfg, 0);
	t_tunnel = first(&r, 0, "agent-1: tunnel to");
	ASSERT_GT(t_tunnel, t_cfg);
	ASSERT_EQ(first(&r, 0, "agent-1: request /v1-k3s/apiservers"), t_cfg);
	t_list = first(&r, t_cfg, "agent-1: /v1-k3s/apiservers from cp-2: ok");
	ASSERT_GT(t_list, t_cfg);
	ASSERT_LT(t_list, t_cfg + EPS);
	ASSERT_EQ(first(&r, 0, "agent-1: tunnel to cp-1: failed"),
		  t_list + kp.tcp_syn_timeout);
	t_conn = first(&r, 0, "agent-1: tunnel to cp-2: connected");
	ASSERT(t_conn > t_list);
	ASSERT_LT(t_conn, 60 * SIM_S);
	/* cp-2's host vanishes at 60 s: its connected tunnel notices at the
	 * remotedialer ping read deadline, not at a TCP keepalive */
	ASSERT_EQ(first(&r, 0, "agent-1: tunnel to cp-2: failed"),
		  60 * SIM_S + kp.tunnel_ping_wait -
		  (60 * SIM_S - t_conn) % kp.tunnel_ping_interval);
	ASSERT(node(&r, "agent-1")->ready);
	traced_release(&r);
}

int main(void)
{
	TEST_RUN(test_startup_phases);
	TEST_RUN(test_row_6_17_and_6_8);
	TEST_RUN(test_row_6_9);
	TEST_RUN(test_row_6_5_and_6_13);
	return 0;
}
