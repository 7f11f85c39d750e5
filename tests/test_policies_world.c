/*
 * The other policies inside the K3s world: connect timeouts and backoff
 * between passes (pick-first, gRPC), Happy Eyeballs, round-robin's random
 * start, hedged requests past a slow or black-holed server, the retry
 * budget, and outlier ejection. The shoot-out is test_shootout.c.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

/* Every start-up phase 0 s: expected times are protocol times only (the
 * phases have their own tests in test_k3s_rows.c). */
#define STARTUP0 \
	"\"startup\": { \"process\": 0, \"etcd\": 0, \"apiserver\": 0, " \
	"\"kubelet\": 0 }, "

#define SPEC(POLICY, FAILURES, EXTRA, TOP) \
	"{ \"name\": \"t\", \"deadline\": \"2m\", \"policies\": [\"" POLICY "\"], " TOP STARTUP0 \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"c\", \"server\": \"etcd-1\" " EXTRA " }" \
	"  ] }, \"failures\": [ " FAILURES " ] }"

/* round-robin as before issue 16 (index 0 first, no health), so that the
 * tests below see cp-1 first */
#define RR_PLAIN "{ \"random_start\": false, \"health_filter\": false"
/* pick-first waiting for another pass, the backoff from the attempt's
 * start (connection-backoff.md), no Happy Eyeballs */
#define PF_WAIT "{ \"wait_for_ready\": true, \"backoff_after_failure\": false"

struct run {
	struct spec spec;
	struct run_record rec;
	GString *notes;
};

static void note(void *ctx, const struct trace_event *ev)
{
	struct run *r = ctx;

	if (ev->kind == TRACE_NOTE)
		g_string_append_printf(r->notes, "%s\n", ev->text);
}

static void run(const char *json, struct run *r)
{
	GError *err = NULL;
	struct world *w;

	if (!spec_parse("t.json", json, &r->spec, &err))
		TEST_FAIL("%s", err->message);
	w = world_new(&r->spec.world, r->spec.policies[0].ops,
		      &r->spec.policies[0].params,
		      &r->spec.policies[0].k3s);
	r->notes = g_string_new(NULL);
	world_set_trace(w, note, r);
	run_record_init(&r->rec, r->spec.world.n_nodes);
	world_run(w, r->spec.seed, 0, &r->rec);
	world_free(w);
}

static void release(struct run *r)
{
	run_record_release(&r->rec);
	spec_release(&r->spec);
	g_string_free(r->notes, TRUE);
}

static const struct node_record *agent(const struct run *r)
{
	return &r->rec.nodes[world_config_find_node(&r->spec.world, "agent-1")];
}

/* pick-first dials in list order with gRPC's connect timeout, max(backoff,
 * min_connect_timeout): a black-holed first server costs 20 s, or what
 * the spec sets. */
static void test_pick_first_connect_timeout(void)
{
	struct run r;

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"pick-first\": { \"http_timeout\": \"1m\","
		 " \"happy_eyeballs_delay\": \"0s\" } },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_GE(agent(&r)->join_time, 20 * SIM_S);
	ASSERT_LT(agent(&r)->join_time, 20 * SIM_S + 100 * SIM_MS);
	release(&r);

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"pick-first\": { \"http_timeout\": \"1m\","
		 " \"happy_eyeballs_delay\": \"0s\","
		 " \"backoff.min_connect_timeout\": \"2s\" } },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_GE(agent(&r)->join_time, 2 * SIM_S);
	ASSERT_LT(agent(&r)->join_time, 2 * SIM_S + 100 * SIM_MS);
	release(&r);
}

/* Every server refuses: pick-first backs off between passes (gRPC: the
 * first delay is the initial backoff, 1 s); a retry budget of one token
 * allows one more pass only. */
static void test_pass_backoff_and_budget(void)
{
	struct run r;

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"stop\": [\"cp-1\", \"cp-2\", \"etcd-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }", "",
		 "\"params\": { \"pick-first\": " PF_WAIT " } },"), &r);
	/* gRPC counts the 1 s from the start of the failed attempt, which
	 * took two refused round trips */
	ASSERT_STR_CONTAINS(r.notes->str, "pass 1 failed; another in 0.99");
	ASSERT_STR_CONTAINS(r.notes->str, "pass 2 failed; another in 1.6");
	ASSERT(!agent(&r)->ready);
	release(&r);

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"stop\": [\"cp-1\", \"cp-2\", \"etcd-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }", "",
		 "\"params\": { \"pick-first\": " PF_WAIT ", \"retry_budget\": true,"
		 " \"retry_budget.max_tokens\": 1, \"retry_budget.refund\": 0.5 } },"), &r);
	ASSERT_STR_CONTAINS(r.notes->str, "pass 1 failed; another in 0.99");
	ASSERT_STR_CONTAINS(r.notes->str, "retry budget spent");
	release(&r);
}

/* A slow first server: hedged sends a second request after its delay and
 * the fast answer wins; round-robin waits for the slow one. */
static void test_hedging(void)
{
	struct run r;
	sim_time slow;

	run(SPEC("round-robin", "{ \"at\": \"0s\", \"slow\": \"cp-1\", \"factor\": 1000 },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"round-robin\": " RR_PLAIN " } },"
		 "\"servers\": { \"service_time\": \"2ms\" },"), &r);
	ASSERT(agent(&r)->ready);
	slow = agent(&r)->join_time;
	ASSERT_GE(slow, 2 * SIM_S);	/* at least one 2 s answer */
	release(&r);

	/* hedged's rotation starts one further along: at cp-2, then the
	 * default server (etcd-1) appended to its list */
	run(SPEC("hedged", "{ \"at\": \"0s\", \"slow\": \"cp-2\", \"factor\": 1000 },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"servers\": { \"service_time\": \"2ms\" },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_STR_CONTAINS(r.notes->str, "no answer from cp-2 yet: hedging to");
	ASSERT_LT(agent(&r)->join_time, 500 * SIM_MS);
	release(&r);
}

/* Outlier ejection skips a server after consecutive failed dials; any
 * policy can enable it. */
static void test_outlier_ejection(void)
{
	struct run r;

	run(SPEC("round-robin", "{ \"at\": \"0s\", \"stop\": [\"cp-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"round-robin\": " RR_PLAIN ", \"outlier_ejection\": true,"
		 " \"outlier.consecutive\": 1, \"outlier.max_percent\": 50 } },"), &r);
	ASSERT(agent(&r)->ready);
	/* cp-1 refused once, then ejected: the config request skips it */
	ASSERT_EQ(agent(&r)->failed_dials, 1);
	release(&r);

	run(SPEC("round-robin", "{ \"at\": \"0s\", \"stop\": [\"cp-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"round-robin\": " RR_PLAIN " } },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_GE(agent(&r)->failed_dials, 1);
	release(&r);
}

/*
 * A crashed (black-holed) first server. Round-robin starts at a random
 * index (gRPC endpointsharding.go:122 randIntN, Envoy round_robin_lb.h:48)
 * and skips a server whose dial failed (endpointsharding.go:278-280): no
 * seed loses more than one dial timeout (dial_timeout 10 s, which fails
 * the request) plus the retry of the failed request (token 2 s, or agent
 * config up to config_retry_max 10 s) before the next request goes to
 * cp-2; plus 1 s for the round trips and service times. Each GET is a new
 * pass (K3S-MODEL 6.15), so every seed dials cp-1 once: a seed that starts
 * there loses it on the token loop's /cacerts probe, whose error is
 * ignored (6.10), and joins within 10 s + 1 s; one that starts at cp-2
 * loses the second GET and waits the token retry too. With the old start
 * at index 0 every seed is of the first kind.
 */
static void test_rr_crash_no_loop(void)
{
	char json[4096];
	int seed, lucky = 0;
	struct run r;
	struct k3s_params kp;

	k3s_params_default(&kp);
	for (seed = 1; seed <= 20; seed++) {
		g_snprintf(json, sizeof(json), SPEC("round-robin",
			"{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
			"{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
			", \"cache\": [\"cp-1\", \"cp-2\"]", "\"seed\": %d,"),
			seed);
		run(json, &r);
		ASSERT(agent(&r)->ready);
		ASSERT_EQ(agent(&r)->failed_dials, 1);
		ASSERT_LT(agent(&r)->join_time, (10 + 10 + 1) * SIM_S);
		lucky += agent(&r)->join_time < (10 + 1) * SIM_S;
		release(&r);
	}
	ASSERT_GT(lucky, 0);		/* some start at cp-1 ... */
	ASSERT_LT(lucky, 20);		/* ... and some at cp-2 */
	run(SPEC("round-robin", "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"round-robin\": " RR_PLAIN " } },"), &r);
	/* without the skip, passes alternate cp-1, cp-2: of the two GETs
	 * after each probe one dials cp-1 and fails its step (the client
	 * timeout ends the pass with the dial), so no step ever succeeds */
	ASSERT(!agent(&r)->ready);
	ASSERT_GE(agent(&r)->failed_dials, 2);
	release(&r);
}

/*
 * pick-first with Happy Eyeballs (grpc-go pickfirst.go:65
 * connectionDelayInterval 250 ms, :562-589 scheduleNextConnectionLocked):
 * cp-1 black-holed, cp-2 is dialled 250 ms after cp-1 while cp-1's dial
 * goes on, and the join ends 250 ms + the agent's 12 GETs (K3S-MODEL
 * 6.15: each a connect RTT, the TLS round trips, the request's round trip
 * and a 2 ms service time) later: under 10 ms each on this one-region
 * topology.
 */
static void test_pick_first_happy_eyeballs(void)
{
	struct run r;

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"servers\": { \"service_time\": \"2ms\" },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_STR_CONTAINS(r.notes->str,
			    "no connection from cp-1 yet: happy eyeballs to cp-2");
	ASSERT_GE(agent(&r)->join_time, 250 * SIM_MS);
	ASSERT_LT(agent(&r)->join_time, 250 * SIM_MS + 12 * 10 * SIM_MS);
	release(&r);
}

/*
 * hedged on a black-holed first server: the hedge timer starts when the
 * request is issued (tower hedge/delay.rs:91-96), so a request stuck on
 * cp-1's dial is hedged to cp-2 after hedge_delay (50 ms). The join's
 * 12 GETs (K3S-MODEL 6.15) each lose at most 50 ms, plus round trips and
 * 2 ms service times (under 10 ms): under 12 x (50 + 10) ms for every
 * seed (round-robin from index 0 never joins: test_rr_crash_no_loop).
 */
static void test_hedged_black_hole(void)
{
	char json[4096];
	int seed;
	struct run r;

	for (seed = 1; seed <= 30; seed++) {
		g_snprintf(json, sizeof(json), SPEC("hedged",
			"{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
			"{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
			", \"cache\": [\"cp-1\", \"cp-2\"]",
			"\"seed\": %d, \"servers\": { \"service_time\": \"2ms\" },"
			"\"params\": { \"hedged\": { \"hedge_delay\": \"50ms\" } },"),
			seed);
		run(json, &r);
		ASSERT(agent(&r)->ready);
		ASSERT_LT(agent(&r)->join_time, 12 * (50 + 10) * SIM_MS);
		release(&r);
	}
}

int main(void)
{
	TEST_RUN(test_rr_crash_no_loop);
	TEST_RUN(test_pick_first_happy_eyeballs);
	TEST_RUN(test_hedged_black_hole);
	TEST_RUN(test_pick_first_connect_timeout);
	TEST_RUN(test_pass_backoff_and_budget);
	TEST_RUN(test_hedging);
	TEST_RUN(test_outlier_ejection);
	return 0;
}
