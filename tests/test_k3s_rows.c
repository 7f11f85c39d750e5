/*
 * K3S-MODEL.md section 6, row by row: each test names its row and derives
 * the expected times from the constants (k3s_params_default(),
 * policy_params_default()), on small worlds built from specs and read
 * through their traces.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

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
#define ETCD3S(CP_SERVER, FAILURES) \
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"2m\", " STARTUP0 \
	"  \"policies\": [\"k3s\"]," \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"" CP_SERVER "\" }" \
	"  ] }," \
	"  \"failures\": [ " FAILURES " ] }"

struct event {
	sim_time t;
	char *text;
};

struct traced {
	struct spec spec;
	struct run_record rec;
	GArray *ev;		/* struct event, in time order */
};

static void keep(void *ctx, const struct trace_event *ev)
{
	struct traced *r = ctx;
	struct event e = { ev->t, g_strdup(ev->text) };

	g_array_append_val(r->ev, e);
}

static void run_traced(const char *json, uint64_t scenario, struct traced *r)
{
	GError *err = NULL;
	struct world *w;

	if (!spec_parse("rows.json", json, &r->spec, &err))
		TEST_FAIL("spec: %s", err->message);
	r->ev = g_array_new(FALSE, FALSE, sizeof(struct event));
	w = world_new(&r->spec.world, r->spec.policies[0].ops,
		      &r->spec.policies[0].params, &r->spec.policies[0].k3s);
	world_set_trace(w, keep, r);
	run_record_init(&r->rec, r->spec.world.n_nodes);
	world_run(w, r->spec.seed, scenario, &r->rec);
	world_free(w);
}

static void traced_release(struct traced *r)
{
	guint i;

	for (i = 0; i < r->ev->len; i++)
		g_free(g_array_index(r->ev, struct event, i).text);
	g_array_free(r->ev, TRUE);
	run_record_release(&r->rec);
	spec_release(&r->spec);
}

/* The time of the first event at or after @from whose text contains
 * @what, or -1. */
static sim_time first(const struct traced *r, sim_time from, const char *what)
{
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		if (e->t >= from && strstr(e->text, what))
			return e->t;
	}
	return -1;
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
 * --server etcd-2 is a black hole, so its etcd LB lives 2H on its pings;
 * etcd-1 goes UNCHECKED -> RECOVERING at the tick after ping 1 and
 * -> PREFERRED at the tick after ping 2: the gap d lies in
 * (ping_min - HC, ping_max + HC + RTTs); counting one ping at every tick
 * would give d = HC.
 */
static void test_row_6_4(void)
{
	struct k3s_params kp;
	struct traced r;
	sim_time rec, pref, d;

	k3s_params_default(&kp);
	run_traced(ETCD3S("etcd-2", "{ \"at\": \"0s\", \"crash\": \"etcd-2\" },"
			  "{ \"at\": \"1s\", \"restart\": \"cp-1\" }"), 0, &r);
	rec = first(&r, 0, "cp-1: etcd LB: etcd-1 UNCHECKED -> RECOVERING");
	pref = first(&r, 0, "cp-1: etcd LB: etcd-1 RECOVERING -> PREFERRED");
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
	TEST_RUN(test_row_6_14);
	TEST_RUN(test_row_6_4);
	TEST_RUN(test_row_6_2);
	TEST_RUN(test_row_6_16);
	return 0;
}
