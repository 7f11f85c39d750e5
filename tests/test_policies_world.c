/*
 * The other policies inside the K3s world: every built-in policy on the
 * shipped experiment, connect timeouts and backoff between passes
 * (pick-first, gRPC), hedged requests past a slow server, the retry
 * budget, and outlier ejection.
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

#define SPEC(POLICY, FAILURES, EXTRA, TOP) \
	"{ \"name\": \"t\", \"deadline\": \"2m\", \"policies\": [\"" POLICY "\"], " TOP \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"c\", \"server\": \"etcd-1\" " EXTRA " }" \
	"  ] }, \"failures\": [ " FAILURES " ] }"

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

/* The shipped every-policy experiment: all join but k3s-legacy. */
static void test_every_policy(void)
{
	struct spec s;
	GError *err = NULL;
	struct runner_opts o = { 2, false, false };
	struct runner_result res;
	size_t c, n = 0;

	if (!spec_load("experiments/specs/every-policy.json", &s, &err))
		TEST_FAIL("%s", err->message);
	for (c = 0; policy_registry[c]; c++)
		ASSERT(spec_policy_index(&s, policy_registry[c]->name) >= 0);
	s.scenarios = 200;
	runner_run(&s, &o, &res);
	for (c = 0; c < res.n_cells; c++) {
		const char *name = s.policies[res.cells[c].policy].ops->name;

		printf("    %-12s success %.2f\n", name, res.cells[c].sum.rate);
		ASSERT_NEAR(res.cells[c].sum.rate,
			    strcmp(name, "k3s-legacy") ? 1.0 : 0.0, 0);
		n++;
	}
	ASSERT_EQ(n, s.n_policies);
	runner_result_release(&res);
	spec_release(&s);
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
		 "\"params\": { \"pick-first\": { \"http_timeout\": \"1m\" } },"), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_GE(agent(&r)->join_time, 20 * SIM_S);
	ASSERT_LT(agent(&r)->join_time, 20 * SIM_S + 100 * SIM_MS);
	release(&r);

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"crash\": \"cp-1\" },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]",
		 "\"params\": { \"pick-first\": { \"http_timeout\": \"1m\","
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
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }", "", ""), &r);
	/* gRPC counts the 1 s from the start of the failed attempt, which
	 * took two refused round trips */
	ASSERT_STR_CONTAINS(r.notes->str, "pass 1 failed; another in 0.99");
	ASSERT_STR_CONTAINS(r.notes->str, "pass 2 failed; another in 1.6");
	ASSERT(!agent(&r)->ready);
	release(&r);

	run(SPEC("pick-first", "{ \"at\": \"0s\", \"stop\": [\"cp-1\", \"cp-2\", \"etcd-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }", "",
		 "\"params\": { \"pick-first\": { \"retry_budget\": true,"
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
		 "\"params\": { \"round-robin\": { \"outlier_ejection\": true,"
		 " \"outlier.consecutive\": 1, \"outlier.max_percent\": 50 } },"), &r);
	ASSERT(agent(&r)->ready);
	/* cp-1 refused once, then ejected: the config request skips it */
	ASSERT_EQ(agent(&r)->failed_dials, 1);
	release(&r);

	run(SPEC("round-robin", "{ \"at\": \"0s\", \"stop\": [\"cp-1\"] },"
		 "{ \"at\": \"1s\", \"restart\": \"agent-1\" }",
		 ", \"cache\": [\"cp-1\", \"cp-2\"]", ""), &r);
	ASSERT(agent(&r)->ready);
	ASSERT_GE(agent(&r)->failed_dials, 1);
	release(&r);
}

int main(void)
{
	TEST_RUN(test_every_policy);
	TEST_RUN(test_pick_first_connect_timeout);
	TEST_RUN(test_pass_backoff_and_budget);
	TEST_RUN(test_hedging);
	TEST_RUN(test_outlier_ejection);
	return 0;
}
