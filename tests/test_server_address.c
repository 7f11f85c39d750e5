/*
 * K3S-MODEL 6.6 in a world: "server_address" decides whether the default
 * server is promoted in place. A healthy cluster of three etcd members and
 * cp-1, --server etcd-1, restarted at 20 s: its bootstrap read goes
 * through its new etcd LB before the first health-loop tick (the read
 * starts a few RTTs after the start, the loop ticks after
 * health_check_interval), so every server is still UNCHECKED and the
 * read's first dial shows the LB's initial order:
 *   "ip":   etcd-1 is the default, promoted in place at index 0: first at
 *           every start (fraction 1);
 *   "name": the default is an alias that stays STANDBY, last; etcd-1,
 *           etcd-2, etcd-3 are appended in a drawn order: etcd-1 first
 *           with probability 1/3, so over n = 300 starts the Wilson
 *           interval (z = 3) of the fraction holds 1/3.
 * Also: the spec keys' errors (file, JSON path, valid values).
 */
#include "experiments/spec.h"
#include "experiments/stats.h"
#include "models/world.h"
#include "test.h"

#include <string.h>

#define SPEC(ADDR) \
	"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"1m\", " \
	"  \"startup\": { \"process\": 0, \"etcd\": 0, \"apiserver\": 0, " \
	"    \"kubelet\": 0 }," \
	"  \"policies\": [\"k3s\"]," \
	"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	"   \"server_address\": \"" ADDR "\"," \
	"   \"nodes\": [" \
	"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"b\", \"server\": \"etcd-1\" }" \
	"  ] }," \
	"  \"failures\": [ { \"at\": \"20s\", \"restart\": \"cp-1\" } ] }"

/* What one scenario's trace told: the first etcd LB dial of cp-1's
 * bootstrap read after its restart. */
struct probe {
	bool reading;		/* the read was requested, no dial yet */
	char first[32];		/* the server it dialed first, or "" */
	sim_time read_at;	/* when the read was requested */
};

static void watch(void *ctx, const struct trace_event *ev)
{
	struct probe *p = ctx;
	const char *d;

	if (ev->t < 20 * SIM_S || strncmp(ev->text, "cp-1: ", 6))
		return;
	if (strstr(ev->text, "request etcd bootstrap read")) {
		p->reading = true;
		p->read_at = ev->t;
	} else if (p->reading && (d = strstr(ev->text, ": dial ")) &&
		   strstr(ev->text, "(etcd LB)")) {
		g_strlcpy(p->first, d + 7, strcspn(d + 7, ":") + 1);
		p->reading = false;
	}
}

/* The fraction of @n scenarios whose read dialed etcd-1 first. */
static uint64_t count_etcd1_first(const char *json, uint64_t n)
{
	struct k3s_params kp;
	struct spec s;
	GError *err = NULL;
	struct world *w;
	uint64_t k, hits = 0;

	k3s_params_default(&kp);
	if (!spec_parse("server_address.json", json, &s, &err))
		TEST_FAIL("spec: %s", err->message);
	w = world_new(&s.world, s.policies[0].ops, &s.policies[0].params,
		      &s.policies[0].k3s);
	for (k = 0; k < n; k++) {
		struct probe p = { 0 };
		struct run_record rec;

		world_set_trace(w, watch, &p);
		run_record_init(&rec, s.world.n_nodes);
		world_run(w, s.seed, k, &rec);
		/* the read starts before the first health-loop tick (every
		 * start-up phase 0 s: /db/info and /config take a few ms) */
		ASSERT_GT(p.read_at, 0);
		ASSERT_LT(p.read_at, 20 * SIM_S + kp.health_check_interval);
		ASSERT(p.first[0] != '\0');
		hits += !strcmp(p.first, "etcd-1");
		run_record_release(&rec);
	}
	world_free(w);
	spec_release(&s);
	return hits;
}

static void test_row_6_6_world(void)
{
	const uint64_t n = 300;
	uint64_t hits;
	double lo, hi;

	ASSERT_EQ(count_etcd1_first(SPEC("ip"), n), n);
	hits = count_etcd1_first(SPEC("name"), n);
	printf("name: etcd-1 first in %" PRIu64 " of %" PRIu64 " starts\n", hits, n);
	stats_wilson(hits, n, 3.0, &lo, &hi);
	if (!(lo <= 1.0 / 3.0 && 1.0 / 3.0 <= hi))
		TEST_FAIL("name: etcd-1 first in %" PRIu64 " of %" PRIu64
			  " starts, Wilson [%g, %g] misses 1/3", hits, n, lo,
			  hi);
}

static void expect_error(const char *json, const char *want)
{
	struct spec s;
	GError *err = NULL;

	if (spec_parse("sa.json", json, &s, &err)) {
		spec_release(&s);
		TEST_FAIL("accepted; want an error containing %s", want);
	}
	ASSERT_STR_CONTAINS(err->message, want);
	g_error_free(err);
}

static void test_errors(void)
{
	expect_error(SPEC("dns"), "sa.json: topology.server_address: unknown "
		     "value 'dns' (valid: ip, name)");
	expect_error("{ \"name\": \"t\", \"policies\": [\"k3s\"],"
		     " \"topology\": { \"azs\": { \"a\": \"r\" }, \"nodes\": ["
		     " { \"name\": \"e\", \"role\": \"etcd\", \"az\": \"a\","
		     "   \"server_address\": \"name\" } ] } }",
		     "sa.json: topology.nodes[0].server_address: 'e' has no "
		     "--server");
}

/* A sweep axis of words: "topology.server_address": ["ip", "name"]. */
static void test_sweep_axis(void)
{
	const char *json =
		"{ \"name\": \"t\", \"policies\": [\"k3s\"],"
		" \"sweep\": { \"topology.server_address\": [\"ip\", \"name\"] },"
		" \"topology\": { \"azs\": { \"a\": \"r\" }, \"nodes\": ["
		" { \"name\": \"e\", \"role\": \"etcd\", \"az\": \"a\" },"
		" { \"name\": \"c\", \"role\": \"control-plane\", \"az\": \"a\","
		"   \"server\": \"e\" } ] } }";
	struct world_config w;
	struct spec s;
	GError *err = NULL;
	size_t k;

	if (!spec_parse("sa.json", json, &s, &err))
		TEST_FAIL("spec: %s", err->message);
	ASSERT_EQ(spec_grid_size(&s), 2);
	ASSERT_STR_EQ(spec_axis_label(&s.axes[0], 1), "name");
	for (k = 0; k < 2; k++) {
		if (!spec_point_world(&s, k, &w, &err))
			TEST_FAIL("point %zu: %s", k, err->message);
		ASSERT_EQ(w.nodes[1].server_address,
			  k ? SERVER_ADDR_NAME : SERVER_ADDR_IP);
		world_config_release(&w);
	}
	spec_release(&s);
	expect_error("{ \"name\": \"t\", \"policies\": "
		     "[\"k3s\"], \"sweep\": { \"topology.server_address\": "
		     "[\"ip\", \"dns\"] }, \"topology\": { \"azs\": { \"a\": "
		     "\"r\" }, \"nodes\": [ { \"name\": \"e\", \"role\": "
		     "\"etcd\", \"az\": \"a\" } ] } }",
		     "unknown value 'dns' (valid: ip, name)");
}

int main(void)
{
	TEST_RUN(test_sweep_axis);
	TEST_RUN(test_row_6_6_world);
	TEST_RUN(test_errors);
	return 0;
}
