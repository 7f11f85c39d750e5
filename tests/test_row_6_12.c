/*
 * K3S-MODEL 6.12: the K3s LB before PR #11329 (k3s-shuffle) ended a dial
 * pass after a failed server once its context was spent
 * (loadbalancer.go:199-201 at 911ee19a9^): tcpproxy's per-connection dial
 * context of 10 s (policy_ops.pass_deadline), and a failed current server
 * hands "current" to the next (nextServer, servers.go:83-108).
 *
 * World: agent-1 (cache cp-1, cp-2) restarts at t0 = 20 s; cp-1 crashed
 * at 0 s (a black hole). In a scenario whose shuffled list puts cp-1
 * first, the agent's first token request dials cp-1 only: the dial times
 * out at t0 + a + D (a = LB_ACCEPT_DELAY, D = dial_timeout =
 * pass_deadline = 10 s) and the pass
 * ends there, though the LB ignores the client's cancel (1 dial, 1
 * failed). That first request is /cacerts's probe with the system CAs
 * (6.10, its error ignored); the next GET, at t0 + H + K3S_GET_GAP,
 * dials cp-2 first.
 */
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

#include <string.h>

static const char *const json =
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"1m\","
	"  \"policies\": [\"k3s-shuffle\"],"
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\" },"
	"   \"nodes\": ["
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" },"
	"    { \"name\": \"cp-2\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" },"
	"    { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"b\", \"server\": \"cp-2\","
	"      \"cache\": [\"cp-1\", \"cp-2\"] }"
	"  ] },"
	"  \"failures\": [ { \"at\": \"0s\", \"crash\": \"cp-1\" },"
	"                { \"at\": \"20s\", \"restart\": \"agent-1\" } ] }";

#define MAX_DIALS 8

/* agent-1's supervisor LB dials after its restart, by request. */
struct dials {
	int req;			/* requests seen (1-based) */
	char first[2][16];		/* request k's first dial */
	int n[2];			/* dials of requests 1 and 2 */
	sim_time req_at[2];		/* when they were made */
	sim_time fail_at;		/* request 1's dial outcome */
};

static void watch(void *ctx, const struct trace_event *ev)
{
	struct dials *d = ctx;
	const char *p;

	if (ev->t < 20 * SIM_S || strncmp(ev->text, "agent-1: ", 9))
		return;
	if (strstr(ev->text, "request /cacerts") &&
	    strstr(ev->text, "via supervisor LB")) {
		if (d->req < 2)
			d->req_at[d->req] = ev->t;
		d->req++;
	} else if (d->req >= 1 && d->req <= 2 &&
		   (p = strstr(ev->text, ": dial ")) &&
		   strstr(ev->text, "(supervisor LB)")) {
		int k = d->req - 1;

		if (d->n[k]++ == 0)
			g_strlcpy(d->first[k], p + 7, strcspn(p + 7, " ") + 1);
	} else if (d->req == 1 && strstr(ev->text, ": dial cp-1 timed out")) {
		d->fail_at = ev->t;
	}
}

static void test_row_6_12(void)
{
	struct spec s;
	GError *err = NULL;
	struct world *w;
	struct k3s_params kp;
	struct policy_params pp;
	uint64_t k;
	bool seen = false;

	k3s_params_default(&kp);
	policy_params_default(&pp);
	ASSERT_EQ(policy_find("k3s-shuffle")->pass_deadline, pp.dial_timeout);
	if (!spec_parse("row_6_12.json", json, &s, &err))
		TEST_FAIL("spec: %s", err->message);
	w = world_new(&s.world, s.policies[0].ops, &s.policies[0].params,
		      &s.policies[0].k3s);
	for (k = 0; k < 20 && !seen; k++) {
		struct dials d = { 0 };
		struct run_record rec;

		world_set_trace(w, watch, &d);
		run_record_init(&rec, s.world.n_nodes);
		world_run(w, s.seed, k, &rec);
		run_record_release(&rec);
		if (strcmp(d.first[0], "cp-1"))
			continue;	/* cp-2 first: nothing to see */
		seen = true;
		ASSERT_EQ(d.n[0], 1);
		/* the pass starts LB_ACCEPT_DELAY after the request */
		ASSERT_EQ(d.fail_at,
			  d.req_at[0] + LB_ACCEPT_DELAY + pp.dial_timeout);
		ASSERT_EQ(d.req_at[1],
			  d.req_at[0] + kp.http_timeout + K3S_GET_GAP);
		ASSERT_STR_EQ(d.first[1], "cp-2");
	}
	ASSERT(seen);
	world_free(w);
	spec_release(&s);
}

int main(void)
{
	TEST_RUN(test_row_6_12);
	return 0;
}
