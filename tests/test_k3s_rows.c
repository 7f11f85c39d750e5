/*
 * K3S-MODEL.md section 6, row by row: each test names its row and derives
 * the expected times from the constants (k3s_params_default(),
 * policy_params_default()), on small worlds built from specs and read
 * through their traces.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"
#include "traced.h"

#include <string.h>

/* Three etcd-only members, etcd-1 the first (it leads at time 0: the first
 * member with a majority), and one control-plane server whose --server is
 * CP_SERVER; FAILURES is spliced into "failures". */
/* Every start-up phase 0 s: expected times are protocol times only (the
 * phases have their own tests in test_k3s_rows.c). */
#define STARTUP0 \
	"\"startup\": { \"process\": 0, \"etcd\": 0, \"apiserver\": 0, " \
	"\"kubelet\": 0 }, "

#define ETCD3(FAILURES) ETCD3S("etcd-2", FAILURES)
#define ETCD3S(CP_SERVER, FAILURES) ETCD3P(CP_SERVER, "", "", FAILURES)
/* ... with TOP spliced among the top-level keys ("params": ..., with a
 * trailing comma) and EXTRA among the nodes (with a leading comma) */
#define ETCD3P(CP_SERVER, TOP, EXTRA, FAILURES) \
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"2m\", " STARTUP0 TOP \
	"  \"policies\": [\"k3s\", \"k3s-legacy\"]," \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"" CP_SERVER "\" }" \
	EXTRA "  ] }," \
	"  \"failures\": [ " FAILURES " ] }"

/* Runs scenario @scenario of @json under its policy @policy. */
static void run_policy(const char *json, const char *policy,
		       uint64_t scenario, struct traced *r)
{
	traced_run("rows.json", json, policy, scenario, r);
}

static void run_traced(const char *json, uint64_t scenario, struct traced *r)
{
	run_policy(json, "k3s", scenario, r);
}

/* How many events' texts contain @what. */
static int count(const struct traced *r, const char *what)
{
	guint i;
	int n = 0;

	for (i = 0; i < r->ev->len; i++)
		n += strstr(g_array_index(r->ev, struct event, i).text,
			    what) != NULL;
	return n;
}

/* The time of the @n-th (from 0) event whose text contains @what, or -1. */
static sim_time nth(const struct traced *r, const char *what, int n)
{
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		if (strstr(e->text, what) && n-- == 0)
			return e->t;
	}
	return -1;
}

/* The texts after @prefix of the events that start with it, joined by
 * "; " (caller frees). */
static char *texts(const struct traced *r, const char *prefix)
{
	GString *out = g_string_new(NULL);
	size_t n = strlen(prefix);
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const char *t = g_array_index(r->ev, struct event, i).text;

		if (strncmp(t, prefix, n))
			continue;
		if (out->len)
			g_string_append(out, "; ");
		g_string_append(out, t + n);
	}
	return g_string_free(out, FALSE);
}

/* The round trips, TLS and service times of a few requests with the
 * default network (RTTs under 2 ms, service 2 ms mean): under this. */
#define EPS (50 * SIM_MS)

/*
 * K3S-MODEL 6.1: the bootstrap read's etcd client (store.NewRemoteStore,
 * etcd/store/store.go:66-69) connects with WithBlock within DialTimeout
 * E5 = etcd_dial_timeout; its 10 s Get starts only once connected
 * (cluster/storage.go:259-265). cp-1's --server etcd-1 is a black hole
 * (crashed at 0 s) and first in its etcd LB (the default, promoted in
 * place; no checks yet, 6.3). cp-1 restarts at t0: /db/info and /config
 * wait H = http_timeout each (6.2), the read starts at t0 + 2H, the LB
 * dials etcd-1 (D = dial_timeout) and the client gives up at
 * t0 + 2H + E5 < t0 + 2H + D; the LB dials on after its client left:
 * etcd-1 FAILED at t0 + 2H + D (this branch has no LB accept delay), then
 * etcd-2. server-bootstrap from etcd-1 then waits B: fatal at
 * t0 + 2H + E5 + B. With etcd_dial_timeout 15 s > D the client outlasts
 * the failover: the read answers from etcd-2 at t0 + 2H + D + EPS.
 */
static void test_row_6_1(void)
{
	const sim_time t0 = 1 * SIM_S;
	struct k3s_params kp;
	struct policy_params pp;
	struct traced r;
	sim_time read = 0, t;
	char *gave_up;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	ASSERT_LT(kp.etcd_dial_timeout, pp.dial_timeout);
	run_traced(ETCD3S("etcd-1", "{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	read = t0 + 2 * kp.http_timeout;
	ASSERT_EQ(first(&r, t0, "cp-1: request etcd bootstrap read"), read);
	gave_up = g_strdup_printf("cp-1: etcd client gave up after %gs (etcd LB "
				  "still dialing etcd-1)",
				  sim_time_to_s(kp.etcd_dial_timeout));
	ASSERT_EQ(first(&r, t0, gave_up), read + kp.etcd_dial_timeout);
	g_free(gave_up);
	ASSERT_EQ(first(&r, t0, "cp-1: etcd bootstrap read from etcd-1: timed out"),
		  read + kp.etcd_dial_timeout);
	/* the LB's pass starts LB_ACCEPT_DELAY after the request */
	ASSERT_EQ(first(&r, t0, "cp-1: etcd LB: etcd-1 UNCHECKED -> FAILED"),
		  read + LB_ACCEPT_DELAY + pp.dial_timeout);
	ASSERT_EQ(first(&r, read + 1, "cp-1: dial etcd-2:2379 (etcd LB)"),
		  read + LB_ACCEPT_DELAY + pp.dial_timeout);
	ASSERT_EQ(first(&r, t0, "cp-1: fatal"),
		  read + kp.etcd_dial_timeout + kp.server_bootstrap_timeout);
	traced_release(&r);

	run_traced(ETCD3P("etcd-1", "\"params\": { \"k3s\": "
			  "{ \"etcd_dial_timeout\": \"15s\" } },", "",
			  "{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	t = first(&r, t0, "cp-1: etcd bootstrap read from etcd-2: ok");
	ASSERT_GE(t, read + pp.dial_timeout);
	ASSERT_LT(t, read + pp.dial_timeout + EPS);
	ASSERT(r.rec.nodes[3].ready);
	ASSERT_EQ(r.rec.nodes[3].fatal_restarts, 0);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.3: the etcd LB's /ping checks are attached only by
 * etcdproxy Update() (etcdproxy.go:50-65): after /db/info succeeds
 * (cluster.go:142-153) or at the member sync, M = etcd_member_sync after
 * /db/info ended (PollUntilContextCancel, immediate false: cluster.go:156,
 * managed.go:113); the cached list gets none.
 * (a) /db/info from etcd-2 answers (etcd-1 and etcd-3 stopped, so cp-1
 *     cannot finish and its LB lives): no ping before that answer, the
 *     first within EPS after it.
 * (b) --server etcd-2 crashed, server_bootstrap_timeout 60 s so the
 *     process lives past the sync: /db/info times out at t0 + H, the sync
 *     runs at t0 + H + M through the LB (whose dial of etcd-2 failed at
 *     t0 + 2H + D), and the first ping ends within EPS after it.
 */
static void test_row_6_3(void)
{
	const sim_time t0 = 1 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	sim_time db, t;

	k3s_params_default(&kp);
	run_traced(ETCD3("{ \"at\": \"0s\", \"stop\": [\"etcd-1\", \"etcd-3\"] },"
			 "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	db = first(&r, t0, "cp-1: /db/info from etcd-2: ok");
	ASSERT_GT(db, t0);
	t = first(&r, 0, "cp-1: etcd /ping of");
	ASSERT_GE(t, db);
	ASSERT_LT(t, db + EPS);
	traced_release(&r);

	run_traced(ETCD3P("etcd-2", "\"params\": { \"k3s\": "
			  "{ \"server_bootstrap_timeout\": \"60s\" } },", "",
			  "{ \"at\": \"0s\", \"crash\": \"etcd-2\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	ASSERT_EQ(first(&r, t0, "cp-1: /db/info from etcd-2: timed out"),
		  t0 + kp.http_timeout);
	t = first(&r, 0, "cp-1: etcd /ping of");
	ASSERT_GE(t, t0 + kp.http_timeout + kp.etcd_member_sync);
	ASSERT_LT(t, t0 + kp.http_timeout + kp.etcd_member_sync + EPS);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.10: /cacerts is up to 3 GETs (getCACerts,
 * clientaccess/token.go:412-438): with the system CAs (expected to fail,
 * error ignored), insecure (fatal on error), then validating. cp-2 has no
 * CA on disk; its --server etcd-1 crashed at 0 s (a black hole) and it
 * restarts at t0: the probe waits H, the second GET starts K3S_GET_GAP
 * later and waits H: fatal at t0 + 2H + K3S_GET_GAP. Stopped, both are
 * refused within EPS. Up, three GETs then /db/info.
 */
#define CP2_NO_CA ", { \"name\": \"cp-2\", \"role\": \"control-plane\"," \
	" \"az\": \"b\", \"server\": \"etcd-1\", \"ca_on_disk\": false }"

static void test_row_6_10(void)
{
	const sim_time t0 = 1 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	char *seq;
	sim_time t;

	k3s_params_default(&kp);
	run_traced(ETCD3P("etcd-1", "", CP2_NO_CA,
			  "{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-2\" }"), 0, &r);
	ASSERT_EQ(first(&r, t0, "cp-2: /cacerts (system CAs) from etcd-1: timed out"),
		  t0 + kp.http_timeout);
	ASSERT_EQ(first(&r, t0, "cp-2: request /cacerts via etcd-1"),
		  t0 + kp.http_timeout + K3S_GET_GAP);
	ASSERT_EQ(first(&r, t0, "cp-2: fatal: /cacerts from --server failed"),
		  t0 + 2 * kp.http_timeout + K3S_GET_GAP);
	traced_release(&r);

	run_traced(ETCD3P("etcd-1", "", CP2_NO_CA,
			  "{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-2\" }"), 0, &r);
	t = first(&r, t0, "cp-2: fatal: /cacerts from --server failed");
	ASSERT_GE(t, t0 + K3S_GET_GAP);
	ASSERT_LT(t, t0 + EPS);
	ASSERT_EQ(nth(&r, "cp-2: request /cacerts", 1), nth(&r, "cp-2: /cacerts "
		  "(system CAs) from etcd-1: refused", 0) + K3S_GET_GAP);
	traced_release(&r);

	run_traced(ETCD3P("etcd-1", "", CP2_NO_CA,
			  "{ \"at\": \"1s\", \"restart\": \"cp-2\" }"), 0, &r);
	seq = texts(&r, "cp-2: request ");
	if (!g_str_has_prefix(seq, "/cacerts (system CAs) via etcd-1; "
			      "/cacerts via etcd-1; /cacerts via etcd-1; "
			      "/db/info via etcd-1"))
		TEST_FAIL("cp-2's requests: %s", seq);
	g_free(seq);
	ASSERT(r.rec.nodes[4].ready);
	/* direct dials: the 3 /cacerts GETs, /db/info and /config */
	ASSERT_EQ(count(&r, "cp-2: dial etcd-1 (direct)"), 3 + 2);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.11: the pre-fix flow (k3s-legacy; K3s at the parent of
 * 53fcadc02): token validation with /cacerts (bootstrap.go:113, fatal),
 * the config check's /cacerts again and GET /config (429-441, fatal),
 * server-bootstrap with the default 10 s client (393-394, fatal), then
 * /db/info in Cluster.Start (cluster.go:42-49, fatal), then the health
 * test. A black-holed --server: each try is the probe's H, the gap and
 * the second GET's H, then R = restart_delay: consecutive fatal exits
 * exactly 2H + K3S_GET_GAP + R apart. Refused: R + EPS.
 */
static void test_row_6_11(void)
{
	struct k3s_params kp;
	struct traced r;
	char *seq;
	sim_time a, b;

	k3s_params_default(&kp);
	run_policy(ETCD3S("etcd-1", "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"),
		   "k3s-legacy", 0, &r);
	seq = texts(&r, "cp-1: request ");
	ASSERT_STR_EQ(seq, "/cacerts (system CAs) via etcd-1; /cacerts via "
		      "etcd-1; /cacerts via etcd-1; /cacerts (system CAs) via "
		      "etcd-1; /cacerts via etcd-1; /cacerts via etcd-1; agent "
		      "config via etcd-1; /v1-k3s/server-bootstrap via etcd-1; "
		      "/db/info via etcd-1; etcd health via etcd LB");
	g_free(seq);
	ASSERT(r.rec.nodes[3].ready);
	traced_release(&r);

	run_policy(ETCD3S("etcd-1", "{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"),
		   "k3s-legacy", 0, &r);
	ASSERT_EQ(nth(&r, "cp-1: fatal", 0),
		  1 * SIM_S + 2 * kp.http_timeout + K3S_GET_GAP);
	a = nth(&r, "cp-1: fatal", 1);
	b = nth(&r, "cp-1: fatal", 2);
	ASSERT(a > 0 && b > 0);
	ASSERT_EQ(b - a, 2 * kp.http_timeout + K3S_GET_GAP + kp.restart_delay);
	traced_release(&r);

	run_policy(ETCD3S("etcd-1", "{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"),
		   "k3s-legacy", 0, &r);
	a = nth(&r, "cp-1: fatal", 1);
	b = nth(&r, "cp-1: fatal", 2);
	ASSERT(a > 0 && b > 0);
	ASSERT_GE(b - a, kp.restart_delay + K3S_GET_GAP);
	ASSERT_LT(b - a, kp.restart_delay + EPS);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.15: K3s's HTTP client keeps no connection alive
 * (clientaccess/token.go:284-290): each GET is a new LB pass. The agent's
 * token loop (agent/run.go:346-358) is /cacerts (3 GETs, 6.10), its
 * config fetch (agent/config/config.go:439-760) /cacerts again, /config
 * and five certificates: 12 GETs, then the apiserver list (6.5): 13, 11
 * of them reaching a handler, each its own dial. With its only apiserver cp-1 crashed, each token try is
 * two H (probe, second GET) and the gap: consecutive probes
 * 2H + K3S_GET_GAP + T2 apart (T2 = token_retry).
 */
#define AGENT ", { \"name\": \"agent-1\", \"role\": \"agent\"," \
	" \"az\": \"c\", \"server\": \"cp-1\" }"

static void test_row_6_15(void)
{
	struct k3s_params kp;
	struct traced r;
	char *seq;
	sim_time a, b;

	k3s_params_default(&kp);
	run_traced(ETCD3P("etcd-1", "", AGENT,
			  "{ \"at\": \"1s\", \"restart\": \"agent-1\" }"), 0, &r);
	seq = texts(&r, "agent-1: request ");
	ASSERT_STR_EQ(seq, "/cacerts (system CAs) via supervisor LB; /cacerts "
		      "via supervisor LB; /cacerts via supervisor LB; /cacerts "
		      "(system CAs) via supervisor LB; /cacerts via supervisor "
		      "LB; /cacerts via supervisor LB; agent config via "
		      "supervisor LB; agent config via supervisor LB; agent "
		      "config via supervisor LB; agent config via supervisor "
		      "LB; agent config via supervisor LB; agent config via "
		      "supervisor LB; /v1-k3s/apiservers via supervisor LB");
	g_free(seq);
	/* ... and, after the config, the apiserver list (6.5): 13 GETs */
	ASSERT(r.rec.nodes[4].ready);
	ASSERT_EQ(r.rec.nodes[4].requests, 13 - 2);
	ASSERT_EQ(r.rec.nodes[4].dials, 13);
	ASSERT_EQ(count(&r, "agent-1: dial cp-1 (supervisor LB)"), 13);
	traced_release(&r);

	run_traced(ETCD3P("etcd-1", "", AGENT,
			  "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"agent-1\" }"), 0, &r);
	a = nth(&r, "agent-1: request /cacerts (system CAs)", 1);
	b = nth(&r, "agent-1: request /cacerts (system CAs)", 2);
	ASSERT(a > 0 && b > 0);
	ASSERT_EQ(b - a, 2 * kp.http_timeout + K3S_GET_GAP + kp.token_retry);
	ASSERT(!r.rec.nodes[4].ready);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.16: K3s sets ElectionTimeout 5000 ms, HeartbeatInterval
 * 500 ms (pkg/etcd/etcd.go:1048-1049); a lost leader is noticed after the
 * randomised timeout in [et, 2 et); a graceful stop transfers leadership
 * first (executor/embed/etcd/etcd.go:42-46).
 *   crash of the leader at t0: new leader in [t0 + et, t0 + 2 et)
 *   stop of the leader at t0, two members alive: new leader at t0 exactly
 */
static void test_row_6_16(void)
{
	const sim_time t0 = 10 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	sim_time t;

	k3s_params_default(&kp);
	ASSERT_EQ(kp.election_timeout, 5 * SIM_S);
	ASSERT_EQ(kp.heartbeat, 500 * SIM_MS);

	run_traced(ETCD3("{ \"at\": \"10s\", \"crash\": \"etcd-1\" },"
			 "{ \"at\": \"60s\", \"restart\": \"cp-1\" }"), 0, &r);
	ASSERT_EQ(first(&r, 0, "leader etcd-1 lost"), t0);
	t = first(&r, t0, "elected leader");
	ASSERT_GE(t, t0 + kp.election_timeout);
	ASSERT_LT(t, t0 + 2 * kp.election_timeout);
	ASSERT_EQ(first(&r, 0, "leadership transferred"), -1);
	traced_release(&r);

	run_traced(ETCD3("{ \"at\": \"10s\", \"stop\": \"etcd-1\" },"
			 "{ \"at\": \"60s\", \"restart\": \"cp-1\" }"), 0, &r);
	ASSERT_EQ(first(&r, 0, "leader etcd-1 stopped, leadership "
			"transferred to etcd-2"), t0);
	ASSERT_EQ(first(&r, 0, "lost"), -1);
	ASSERT_EQ(first(&r, 0, "elected leader"), -1);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.2: a control-plane server also GETs /v1-k3s/config from
 * --server with the 10 s client after /db/info (cluster/bootstrap.go:487,
 * 523-526); a failure only warns. cp-1 restarts at t0 = 1 s, its --server
 * etcd-1 crashed (a black hole) at 0 s: /db/info times out at t0 + H,
 * /config at t0 + 2H (H = http_timeout), then the warning. With etcd-1
 * stopped both are refused within a few RTTs and cp-1 joins.
 */
static void test_row_6_2(void)
{
	const sim_time t0 = 1 * SIM_S;
	struct k3s_params kp;
	struct traced r;
	const char *warn = "cp-1: warning: skipping cluster configuration "
			   "validation";
	sim_time t;

	k3s_params_default(&kp);
	run_traced(ETCD3S("etcd-1", "{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	ASSERT_EQ(first(&r, t0, "/db/info from --server failed"),
		  t0 + kp.http_timeout);
	ASSERT_EQ(first(&r, t0, warn), t0 + 2 * kp.http_timeout);
	traced_release(&r);

	run_traced(ETCD3S("etcd-1", "{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	t = first(&r, t0, warn);
	ASSERT_GE(t, t0);
	ASSERT_LT(t, t0 + 50 * SIM_MS);	/* refused: RTTs only */
	ASSERT(r.rec.nodes[3].ready);
	ASSERT_EQ(r.rec.nodes[3].fatal_restarts, 0);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.4: the etcd LB's check returns the last /ping status and
 * resets it to Unknown (etcdproxy.go:100-105): one ping counts once, so
 * RECOVERING -> PREFERRED needs a second ping, uniform [ping_min,
 * ping_max) after the first, not the next health tick (HC). cp-1's
 * --server etcd-2 is a black hole and server_bootstrap_timeout 60 s, so
 * its etcd LB lives on its pings from the member sync (6.3) on; etcd-3
 * goes UNCHECKED -> RECOVERING at the tick after ping 1 and -> PREFERRED
 * at the tick after ping 2: the gap d lies in (ping_min - HC, ping_max +
 * HC + RTTs); counting one ping at every tick would give d = HC.
 */
static void test_row_6_4(void)
{
	struct k3s_params kp;
	struct traced r;
	sim_time rec, pref, d;

	k3s_params_default(&kp);
	run_traced(ETCD3P("etcd-2", "\"params\": { \"k3s\": "
			  "{ \"server_bootstrap_timeout\": \"60s\" } },", "",
			  "{ \"at\": \"0s\", \"crash\": \"etcd-2\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	rec = first(&r, 0, "cp-1: etcd LB: etcd-3 UNCHECKED -> RECOVERING");
	pref = first(&r, 0, "cp-1: etcd LB: etcd-3 RECOVERING -> PREFERRED");
	ASSERT(rec > 0 && pref > rec);
	d = pref - rec;
	ASSERT_GT(d, kp.etcd_ping_min - kp.health_check_interval);
	ASSERT_LT(d, kp.etcd_ping_max + kp.health_check_interval + 50 * SIM_MS);
	traced_release(&r);
}

/*
 * K3S-MODEL 6.14: the etcd member list K3s hands the etcd LB
 * (ClientURLs, etcd.go:1483-1505) leaves learners out. etcd-4 joins for
 * the first time through etcd-1, which is stopped, so its member add
 * never succeeds: cp-1, restarting, lists etcd-1..3 after /db/info and
 * never checks etcd-4 (its cached list, from an earlier life, holds
 * etcd-2 only).
 */
static void test_row_6_14(void)
{
	struct traced r;

	run_traced("{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"1m\","
		   " \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" },"
		   " \"nodes\": ["
		   "  { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
		   "  { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\" },"
		   "  { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\" },"
		   "  { \"name\": \"etcd-4\", \"role\": \"etcd\", \"az\": \"c\","
		   "    \"server\": \"etcd-1\", \"up\": false, \"ca_on_disk\": false },"
		   "  { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\","
		   "    \"server\": \"etcd-2\", \"cache\": [\"etcd-2\"] } ] },"
		   " \"failures\": [ { \"at\": \"0s\", \"stop\": \"etcd-1\" },"
		   "  { \"at\": \"5s\", \"start\": \"etcd-4\" },"
		   "  { \"at\": \"6s\", \"restart\": \"cp-1\" } ] }", 0, &r);
	ASSERT(first(&r, 0, "/db/info from etcd-2: ok") > 0);
	ASSERT(first(&r, 0, "etcd /ping of etcd-3") > 0);
	ASSERT_EQ(first(&r, 0, "etcd /ping of etcd-4"), -1);
	ASSERT_EQ(first(&r, 0, "etcd LB: etcd-4"), -1);
	ASSERT(r.rec.nodes[4].ready);
	traced_release(&r);
}

int main(void)
{
	TEST_RUN(test_row_6_1);
	TEST_RUN(test_row_6_3);
	TEST_RUN(test_row_6_10);
	TEST_RUN(test_row_6_11);
	TEST_RUN(test_row_6_15);
	TEST_RUN(test_row_6_14);
	TEST_RUN(test_row_6_4);
	TEST_RUN(test_row_6_2);
	TEST_RUN(test_row_6_16);
	return 0;
}
