/*
 * The K3s world end to end: the shipped experiment's outcome, refused
 * versus black-holed dials, partitions that heal, etcd quorum, the legacy
 * join flow's failure (K3s issue #11333), and determinism. Expected times
 * are derived from the constants of K3S-MODEL.md (policy_params_default).
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

/*
 * A cluster of 3 etcd-only servers, 2 control-plane-only servers and one
 * agent over 3 AZs; FAILURES is spliced into "failures", EXTRA into the
 * agent's node, TOP among the top-level keys.
 */
/* Every start-up phase 0 s: expected times are protocol times only (the
 * phases have their own tests in test_k3s_rows.c). */
#define STARTUP0 \
	"\"startup\": { \"process\": 0, \"etcd\": 0, \"apiserver\": 0, " \
	"\"kubelet\": 0 }, "

#define WITH(FAILURES, EXTRA, TOP) \
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"2m\", " TOP STARTUP0 \
	"  \"policies\": [\"k3s\", \"k3s-legacy\", \"k3s-shuffle\"]," \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"c\", \"server\": \"etcd-1\" " EXTRA " }" \
	"  ] }," \
	"  \"failures\": [ " FAILURES " ] }"

#define CLUSTER(FAILURES, EXTRA) WITH(FAILURES, EXTRA, "")

struct run {
	struct spec spec;
	struct run_record rec;
};

static void run_policy(const char *json, const char *policy, uint64_t scenario,
		       struct run *r)
{
	GError *err = NULL;
	struct world *w;
	int p;

	if (!spec_parse("test.json", json, &r->spec, &err))
		TEST_FAIL("spec: %s", err->message);
	p = spec_policy_index(&r->spec, policy);
	ASSERT_GE(p, 0);
	w = world_new(&r->spec.world, r->spec.policies[p].ops,
		      &r->spec.policies[p].params,
		      &r->spec.policies[p].k3s);
	run_record_init(&r->rec, r->spec.world.n_nodes);
	world_run(w, r->spec.seed, scenario, &r->rec);
	world_free(w);
}

static void run_release(struct run *r)
{
	run_record_release(&r->rec);
	spec_release(&r->spec);
}

static const struct node_record *node(const struct run *r, const char *name)
{
	int i = world_config_find_node(&r->spec.world, name);

	ASSERT_GE(i, 0);
	return &r->rec.nodes[i];
}

/* The shipped experiment of K3S-MODEL.md section 5, 1,000 scenarios. */
static void test_first_etcd_down(void)
{
	struct spec s;
	struct runner_opts opts = { .threads = 2, .progress = false };
	struct runner_result res;
	GError *err = NULL;
	struct k3s_params kp;
	size_t c;

	k3s_params_default(&kp);
	if (!spec_load("experiments/specs/first-etcd-down.json", &s, &err))
		TEST_FAIL("%s", err->message);
	ASSERT_EQ(s.scenarios, 1000);
	runner_run(&s, &opts, &res);
	ASSERT_EQ(res.n_cells, 3);
	for (c = 0; c < res.n_cells; c++) {
		const char *name = s.policies[res.cells[c].policy].ops->name;
		const struct cell_summary *sum = &res.cells[c].sum;

		printf("    %-12s success %.3f p50 %.2fs p99 %.2fs\n", name,
		       sum->rate, sum->join_p50, sum->join_p99);
		ASSERT_EQ(sum->scenarios, 1000);
		/* 5 nodes restart in every scenario */
		ASSERT_EQ(sum->nodes_counted, 5000);
		if (!strcmp(name, "k3s")) {
			ASSERT_EQ(sum->successes, 1000);
			ASSERT_EQ(sum->nodes_ready, 5000);
			/* join times include process start-up (the
			 * spec's defaults): every restarted node takes at
			 * least its process and kubelet phases (an etcd
			 * member: process, etcd, an election of at least
			 * election_timeout), so their p50 is at least the
			 * sum of the two default medians (the issue's
			 * "p50 at least the start-up default") */
			ASSERT(sum->join_p50 >=
			       s.world.startup.phase[STARTUP_PROCESS].p[0] +
			       s.world.startup.phase[STARTUP_KUBELET].p[0]);
		} else if (!strcmp(name, "k3s-legacy")) {
			ASSERT_EQ(sum->successes, 0);
			/* the etcd members join; the two control-plane
			 * servers never do, and so the agent, which lists
			 * only apiservers, finds no server to join through */
			ASSERT_EQ(sum->nodes_ready, 2000);
			ASSERT(sum->fatal_restarts_per_scenario > 100);
		} else {
			ASSERT_EQ(sum->successes, 1000);
		}
	}
	runner_result_release(&res);
	spec_release(&s);
}

/*
 * The agent's first server, cp-1, is refused (process stopped) or
 * black-holed (host crashed). Refused costs one round trip; a black hole
 * costs one dial timeout: the token loop's first GET (the /cacerts probe
 * with the system CAs, K3S-MODEL 6.10) gives up at the HTTP timeout (10
 * s), its error ignored; the LB marks cp-1 FAILED and the next GET goes
 * to cp-2 (6.15: each GET a new pass). The rest is AGENT_GETS GETs
 * (probes included), each a dial, TLS and a request: well under
 * GET_EPS each with the default network and service times.
 */
#define AGENT_GETS (3 + 3 + 6)
#define GET_EPS (10 * SIM_MS)
static void test_refused_vs_black_hole(void)
{
	struct run r;
	const struct node_record *a;
	struct policy_params pp;
	struct k3s_params kp;

	policy_params_default(&pp);
	k3s_params_default(&kp);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"cp-1\" },"
			   "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
			   ", \"cache\": [\"cp-1\", \"cp-2\"]"),
		   "k3s", 0, &r);
	a = node(&r, "agent-1");
	ASSERT(a->ready);
	ASSERT_LT(a->join_time, AGENT_GETS * GET_EPS);
	ASSERT_EQ(a->failed_dials, 1);
	run_release(&r);

	run_policy(CLUSTER("{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
			   "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
			   ", \"cache\": [\"cp-1\", \"cp-2\"]"),
		   "k3s", 0, &r);
	a = node(&r, "agent-1");
	ASSERT(a->ready);
	ASSERT_GE(a->join_time, kp.http_timeout);
	ASSERT_LT(a->join_time, kp.http_timeout + AGENT_GETS * GET_EPS);
	ASSERT_EQ(a->timeout_wait, kp.http_timeout);
	ASSERT_EQ(a->failed_dials, 1);
	run_release(&r);
}

/* The agent cannot reach either control-plane server for 20 s: it joins
 * within a retry period and a dial timeout of the heal, and never without
 * the heal. */
static void test_partition_heals(void)
{
	struct run r;
	const struct node_record *a;
	struct policy_params pp;
	struct k3s_params kp;

	policy_params_default(&pp);
	k3s_params_default(&kp);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"partition\": \"agent-1\","
			   "  \"from\": [\"cp-1\", \"cp-2\", \"etcd-1\"], \"duration\": \"20s\" },"
			   "{ \"at\": \"0s\", \"restart\": \"agent-1\" }", ""),
		   "k3s", 0, &r);
	a = node(&r, "agent-1");
	ASSERT(r.rec.success);
	ASSERT(a->ready);
	ASSERT_GE(a->join_time, 20 * SIM_S);
	ASSERT_LT(a->join_time, 20 * SIM_S + pp.dial_timeout +
				kp.http_timeout + kp.token_retry);
	run_release(&r);

	run_policy(CLUSTER("{ \"at\": \"0s\", \"partition\": \"agent-1\","
			   "  \"from\": [\"cp-1\", \"cp-2\", \"etcd-1\"] },"
			   "{ \"at\": \"0s\", \"restart\": \"agent-1\" }", ""),
		   "k3s", 0, &r);
	ASSERT(!r.rec.success);
	ASSERT(!node(&r, "agent-1")->ready);
	ASSERT_EQ(r.rec.end, 2 * SIM_MIN);	/* ran to the deadline */
	run_release(&r);
}

/* Without etcd quorum a control-plane server cannot bootstrap; it joins
 * once a second member is back and a leader elected. */
static void test_quorum(void)
{
	struct run r;
	const struct node_record *cp;
	struct k3s_params kp;

	k3s_params_default(&kp);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": [\"etcd-2\", \"etcd-3\"] },"
			   "{ \"at\": \"1s\", \"restart\": \"cp-1\" },"
			   "{ \"at\": \"31s\", \"start\": \"etcd-2\" }", ""),
		   "k3s", 0, &r);
	cp = node(&r, "cp-1");
	ASSERT(cp->ready);
	ASSERT(node(&r, "etcd-2")->ready);
	/* etcd-2 at 31 s first GETs server-bootstrap from etcd-1 (row
	 * 6.9), which has no quorum and answers from disk once its own
	 * datastore read gives up (row 6.17: etcd_bootstrap_timeout); then
	 * an election within 2 x election_timeout, then the health retry
	 * (every etcd_health_retry), + 1 s for RTTs */
	ASSERT_GE(cp->join_time, 30 * SIM_S + kp.etcd_bootstrap_timeout);
	ASSERT_LT(cp->join_time, 30 * SIM_S + kp.etcd_bootstrap_timeout +
		  2 * kp.election_timeout + kp.etcd_health_retry + SIM_S);
	run_release(&r);
}

/* K3s issue #11333: with --server down, the legacy flow exits at once and
 * is restarted every 5 s forever; the fixed flow joins through the etcd
 * LB. Black-holed, each legacy try costs two HTTP timeouts first: the
 * /cacerts probe with the system CAs (its error ignored) and the second
 * GET (K3S-MODEL 6.10). With the fixed flow, a black-holed --server that
 * the etcd LB also dials first is the crash loop (test_crash_loop.c). */
static void test_issue_11333(void)
{
	struct run r;
	const struct node_record *cp;
	struct policy_params pp;
	struct k3s_params kp;

	policy_params_default(&pp);
	k3s_params_default(&kp);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			   "{ \"at\": \"10s\", \"restart\": \"cp-1\" }", ""),
		   "k3s-legacy", 0, &r);
	cp = node(&r, "cp-1");
	ASSERT(!cp->ready);
	/* 110 s left: a try every restart_delay plus two round trips */
	ASSERT_GE(cp->fatal_restarts, 20);
	ASSERT_LE(cp->fatal_restarts, 110 * SIM_S / kp.restart_delay + 1);
	run_release(&r);

	run_policy(CLUSTER("{ \"at\": \"0s\", \"crash\": \"etcd-1\" },"
			   "{ \"at\": \"10s\", \"restart\": \"cp-1\" }", ""),
		   "k3s-legacy", 0, &r);
	cp = node(&r, "cp-1");
	ASSERT(!cp->ready);
	/* each try: two HTTP timeouts, then the restart delay */
	ASSERT_LE(cp->fatal_restarts,
		  110 * SIM_S / (2 * kp.http_timeout + kp.restart_delay) + 1);
	ASSERT_GE(cp->fatal_restarts,
		  110 * SIM_S / (2 * kp.http_timeout + kp.restart_delay) - 1);
	run_release(&r);

	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			   "{ \"at\": \"10s\", \"restart\": \"cp-1\" }", ""),
		   "k3s", 0, &r);
	cp = node(&r, "cp-1");
	ASSERT(cp->ready);
	ASSERT_EQ(cp->fatal_restarts, 0);
	/* /db/info and /config refused, the etcd LB fails over from
	 * etcd-1 in a round trip: no timeout on the way */
	ASSERT_EQ(cp->timeout_wait, 0);
	run_release(&r);
}

/* The same (seed, scenario) gives the same record; another scenario
 * index gives other draws. */
static void test_deterministic(void)
{
	struct run a, b;

	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"etcd-2\", \"cp-1\", \"agent-1\"],"
			   "  \"interval\": { \"dist\": \"uniform\", \"min\": \"5s\", \"max\": \"10s\" } }", ""),
		   "k3s", 7, &a);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"etcd-2\", \"cp-1\", \"agent-1\"],"
			   "  \"interval\": { \"dist\": \"uniform\", \"min\": \"5s\", \"max\": \"10s\" } }", ""),
		   "k3s", 7, &b);
	ASSERT(memcmp(a.rec.nodes, b.rec.nodes,
		      a.rec.n_nodes * sizeof(*a.rec.nodes)) == 0);
	ASSERT_EQ(a.rec.events, b.rec.events);
	ASSERT_EQ(a.rec.end, b.rec.end);
	run_release(&b);
	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": \"etcd-1\" },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"etcd-2\", \"cp-1\", \"agent-1\"],"
			   "  \"interval\": { \"dist\": \"uniform\", \"min\": \"5s\", \"max\": \"10s\" } }", ""),
		   "k3s", 8, &b);
	ASSERT_NE(a.rec.end, b.rec.end);
	run_release(&a);
	run_release(&b);
}

/* A rolling restart that waits for Ready restarts the next node only
 * after the last one is Ready plus the interval. */
static void test_rolling_wait(void)
{
	struct run r;

	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": [\"etcd-2\", \"etcd-3\"] },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"cp-1\", \"etcd-2\"],"
			   "  \"interval\": \"1s\", \"wait\": \"ready\" }", ""),
		   "k3s", 0, &r);
	/* cp-1 waits for a quorum that only etcd-2 would bring, and etcd-2
	 * waits for cp-1: neither joins (etcd-2 is never started) */
	ASSERT(!node(&r, "cp-1")->ready);
	ASSERT(!node(&r, "etcd-2")->counted);
	run_release(&r);

	run_policy(CLUSTER("{ \"at\": \"0s\", \"stop\": [\"etcd-2\", \"etcd-3\"] },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"cp-1\", \"etcd-2\"],"
			   "  \"interval\": \"1s\", \"wait\": \"none\" }", ""),
		   "k3s", 0, &r);
	ASSERT(node(&r, "cp-1")->ready);
	ASSERT(node(&r, "etcd-2")->ready);
	run_release(&r);
}

/* A crashed host is a black hole for requests it was serving: the client
 * waits for its timeout (a stopped process would reset them at once). */
static void test_crash_is_black_hole(void)
{
	struct run r;
	struct policy_params pp;
	struct k3s_params kp;

	policy_params_default(&pp);
	k3s_params_default(&kp);
	/* one worker and 2 s of service: cp-1's /db/info is in service on
	 * etcd-1 when its host goes */
	run_policy(WITH("{ \"at\": \"0s\", \"restart\": \"cp-1\" },"
			"{ \"at\": \"1s\", \"crash\": \"etcd-1\" }", "",
			"\"servers\": { \"workers\": 1, \"service_time\": \"2s\" },"),
		   "k3s", 0, &r);
	/* /db/info waits out the HTTP timeout, so does the config check
	 * (K3S-MODEL 6.2); then the etcd client connects through the etcd
	 * LB, which dials etcd-1 first (first in the cached list, no checks
	 * yet: 6.3), a black hole for the dial timeout; the client gives up
	 * at etcd_dial_timeout, before it (6.1), so the fallback to --server
	 * fails too and the process exits; the restart forgets the LB states
	 * and starts over: it never joins (the crash loop, whatever the
	 * order of equal-time events: etcd_dial_timeout < dial_timeout) */
	ASSERT(kp.etcd_dial_timeout < pp.dial_timeout);
	ASSERT(!node(&r, "cp-1")->ready);
	ASSERT_GE(node(&r, "cp-1")->fatal_restarts, 2);
	ASSERT_GE(node(&r, "cp-1")->timeout_wait,
		  2 * (2 * kp.http_timeout + kp.etcd_dial_timeout +
		       kp.server_bootstrap_timeout));
	run_release(&r);
	run_policy(WITH("{ \"at\": \"0s\", \"restart\": \"cp-1\" },"
			"{ \"at\": \"1s\", \"stop\": \"etcd-1\" }", "",
			"\"servers\": { \"workers\": 1, \"service_time\": \"2s\" },"),
		   "k3s", 0, &r);
	ASSERT(node(&r, "cp-1")->ready);
	ASSERT_LT(node(&r, "cp-1")->join_time, kp.http_timeout);
	run_release(&r);
}

/*
 * The address list survives a restart. cp-1 starts with no cached list
 * and learns the members from /db/info; with no quorum it waits in its
 * etcd health loop (server-bootstrap is answered from disk, row 6.17).
 * At 20 s etcd-1 stops and etcd-2, etcd-3 start; cp-1 is restarted at
 * 21 s: /db/info from etcd-1 is refused, and it joins through the list it
 * saved in its first life (with the empty cache alone it never could).
 */
static void test_saved_list(void)
{
	struct run r;
	const struct node_record *cp;

	run_policy("{ \"name\": \"t\", \"deadline\": \"2m\", " STARTUP0 "\"topology\": {"
		   " \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }, \"nodes\": ["
		   "  { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
		   "  { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"up\": false },"
		   "  { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"up\": false },"
		   "  { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\","
		   "    \"server\": \"etcd-1\", \"cache\": [] } ] },"
		   " \"failures\": [ { \"at\": \"1s\", \"restart\": \"cp-1\" },"
		   "  { \"at\": \"20s\", \"stop\": \"etcd-1\" },"
		   "  { \"at\": \"20s\", \"start\": [\"etcd-2\", \"etcd-3\"] },"
		   "  { \"at\": \"21s\", \"restart\": \"cp-1\" } ] }",
		   "k3s", 0, &r);
	cp = node(&r, "cp-1");
	ASSERT(r.rec.success);
	ASSERT(cp->ready);
	ASSERT_LT(cp->join_time, 40 * SIM_S);
	run_release(&r);
}

/* A node joining etcd for the first time is not a member (nor counted in
 * the quorum) until its member add succeeds through --server. */
static void test_first_etcd_join(void)
{
	struct run r;

	run_policy("{ \"name\": \"t\", \"deadline\": \"2m\", " STARTUP0 "\"topology\": {"
		   " \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }, \"nodes\": ["
		   "  { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
		   "  { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\" },"
		   "  { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\" },"
		   "  { \"name\": \"etcd-4\", \"role\": \"etcd\", \"az\": \"c\","
		   "    \"server\": \"etcd-2\", \"up\": false, \"ca_on_disk\": false },"
		   "  { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\","
		   "    \"server\": \"etcd-2\" } ] },"
		   " \"failures\": [ { \"at\": \"0s\", \"stop\": \"etcd-1\" },"
		   "  { \"at\": \"5s\", \"restart\": \"cp-1\" },"
		   "  { \"at\": \"5s\", \"start\": \"etcd-4\" } ] }",
		   "k3s", 0, &r);
	/* 2 of 3 members keep quorum: etcd-4 does not count before it joins */
	ASSERT(node(&r, "cp-1")->ready);
	ASSERT_LT(node(&r, "cp-1")->join_time, 3 * SIM_S);
	ASSERT(node(&r, "etcd-4")->ready);
	ASSERT(r.rec.success);
	run_release(&r);
}

/* A duration too large for sim_time saturates: no abort. */
static void test_huge_duration(void)
{
	struct run r;

	/* far past the deadline (2m), within what a spec may say: a tail of
	 * 30m x e^(6 x 0.3) = 3h = 10890 s <= 100 x 2m (json_in.h; a sigma
	 * of 30 is refused at load since issue 13) */
	run_policy(CLUSTER("{ \"at\": \"1s\", \"crash\": \"cp-1\", \"duration\":"
			   "  { \"dist\": \"lognormal\", \"median\": \"30m\", \"sigma\": 0.3 } },"
			   "{ \"at\": \"2s\", \"restart\": \"agent-1\" }", ""),
		   "k3s", 3, &r);
	ASSERT(node(&r, "agent-1")->ready);
	ASSERT_LE(r.rec.end, 2 * SIM_MIN);
	run_release(&r);
}

struct etcd_lines {
	GString *s;
};

static void etcd_only(void *ctx, const struct trace_event *ev)
{
	struct etcd_lines *e = ctx;

	if (ev->kind == TRACE_ETCD)
		g_string_append_printf(e->s, "%" PRId64 " %s\n", ev->t, ev->text);
}

/* Elections do not depend on the policy: control-plane restarts (which
 * differ between policies) do not move them. */
static void test_elections_policy_free(void)
{
	const char *json = CLUSTER(
		"{ \"at\": \"0s\", \"stop\": [\"etcd-1\", \"etcd-2\"] },"
		"{ \"at\": \"1s\", \"restart\": [\"cp-1\", \"cp-2\"] },"
		"{ \"at\": \"30s\", \"start\": \"etcd-2\" }", "");
	char *lines[3];
	const char *names[3] = { "k3s", "k3s-legacy", "k3s-shuffle" };
	int p;

	for (p = 0; p < 3; p++) {
		struct spec s;
		struct world *w;
		struct run_record rec;
		struct etcd_lines e = { g_string_new(NULL) };
		int i;

		ASSERT(spec_parse("t.json", json, &s, NULL));
		i = spec_policy_index(&s, names[p]);
		w = world_new(&s.world, s.policies[i].ops,
			      &s.policies[i].params, &s.policies[i].k3s);
		world_set_trace(w, etcd_only, &e);
		run_record_init(&rec, s.world.n_nodes);
		world_run(w, 1, 0, &rec);
		lines[p] = g_string_free(e.s, FALSE);
		run_record_release(&rec);
		world_free(w);
		spec_release(&s);
	}
	ASSERT_STR_CONTAINS(lines[0], "elected");
	ASSERT_STR_EQ(lines[0], lines[1]);
	ASSERT_STR_EQ(lines[0], lines[2]);
	for (p = 0; p < 3; p++)
		g_free(lines[p]);
}

struct failure_ids {
	int begins[8], ends[8];	/* per timeline index */
	int others;		/* other events with a failure index */
};

static void failure_ids(void *ctx, const struct trace_event *ev)
{
	struct failure_ids *f = ctx;

	if (ev->kind == TRACE_FAILURE && ev->failure >= 0 && ev->failure < 8)
		f->begins[ev->failure]++;
	else if (ev->kind == TRACE_FAILURE_END && ev->failure >= 0 &&
		 ev->failure < 8)
		f->ends[ev->failure]++;
	else if (ev->failure != -1)
		f->others++;
}

/* Each failure's begin and end carry its index in the timeline (a
 * partition's too), and no other event carries one. */
static void test_failure_ids(void)
{
	const char *json = CLUSTER(
		"{ \"at\": \"0s\", \"partition\": \"agent-1\","
		"  \"duration\": \"10s\" },"
		"{ \"at\": \"1s\", \"stop\": \"etcd-1\", \"duration\": \"5s\" },"
		"{ \"at\": \"2s\", \"restart\": \"cp-1\" }", "");
	struct failure_ids f = { { 0 }, { 0 }, 0 };
	struct spec s;
	struct world *w;
	struct run_record rec;

	ASSERT(spec_parse("t.json", json, &s, NULL));
	w = world_new(&s.world, s.policies[0].ops, &s.policies[0].params,
		      &s.policies[0].k3s);
	world_set_trace(w, failure_ids, &f);
	run_record_init(&rec, s.world.n_nodes);
	world_run(w, 1, 0, &rec);
	ASSERT_EQ(f.begins[0], 1);
	ASSERT_EQ(f.ends[0], 1);
	ASSERT_EQ(f.begins[1], 1);
	ASSERT_EQ(f.ends[1], 1);
	ASSERT_EQ(f.begins[2], 1);
	ASSERT_EQ(f.ends[2], 0);
	ASSERT_EQ(f.others, 0);
	run_record_release(&rec);
	world_free(w);
	spec_release(&s);
}

/* Time on a black-holed server counts as timeout wait even when the LB
 * then reaches another server inside the same request. */
static void test_timeout_wait_in_pass(void)
{
	struct run r;

	run_policy(WITH("{ \"at\": \"0s\", \"partition\": \"agent-1\", \"from\": \"cp-1\" },"
			"{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
			", \"cache\": [\"cp-1\", \"cp-2\"]",
			"\"params\": { \"k3s\": { \"dial_timeout\": \"2s\" } },"),
		   "k3s", 0, &r);
	ASSERT(node(&r, "agent-1")->ready);
	ASSERT_EQ(node(&r, "agent-1")->timeout_wait, 2 * SIM_S);
	ASSERT_GE(node(&r, "agent-1")->join_time, 2 * SIM_S);
	/* then the agent's GETs (test_refused_vs_black_hole) */
	ASSERT_LT(node(&r, "agent-1")->join_time,
		  2 * SIM_S + AGENT_GETS * GET_EPS);
	run_release(&r);
}

/* A rolling restart that waits for Ready does not stall on a node whose
 * host is down (it cannot restart). */
static void test_rolling_skips_dead_host(void)
{
	struct run r;

	run_policy(CLUSTER("{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
			   "{ \"at\": \"1s\", \"rolling_restart\": [\"cp-1\", \"agent-1\"],"
			   "  \"interval\": \"1s\", \"wait\": \"ready\" }", ""),
		   "k3s", 0, &r);
	ASSERT(node(&r, "agent-1")->ready);
	/* agent-1 restarts 1 s after cp-1 was skipped, then pays one
	 * black-holed dial to cp-1 (the HTTP timeout) and the 2 s retry */
	ASSERT_LT(r.rec.end, 2 * SIM_S + 12 * SIM_S + SIM_S);
	run_release(&r);
}

int main(void)
{
	TEST_RUN(test_crash_is_black_hole);
	TEST_RUN(test_saved_list);
	TEST_RUN(test_first_etcd_join);
	TEST_RUN(test_huge_duration);
	TEST_RUN(test_elections_policy_free);
	TEST_RUN(test_failure_ids);
	TEST_RUN(test_timeout_wait_in_pass);
	TEST_RUN(test_rolling_skips_dead_host);
	TEST_RUN(test_first_etcd_down);
	TEST_RUN(test_refused_vs_black_hole);
	TEST_RUN(test_partition_heals);
	TEST_RUN(test_quorum);
	TEST_RUN(test_issue_11333);
	TEST_RUN(test_deterministic);
	TEST_RUN(test_rolling_wait);
	return 0;
}
