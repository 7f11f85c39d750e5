/*
 * Thousands of scenarios: sweep grids (policy parameters and world
 * paths), random failure scenarios (reproducible from (seed, index), the
 * same under every policy, kinds drawn by their weights), a scenario
 * replayed alone equal to the same scenario inside a run, and results that
 * do not depend on the thread count.
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

#define TOPOLOGY \
	"\"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" }," \
	" \"nodes\": [" \
	"  { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	"  { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" }," \
	"  { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" }," \
	"  { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" }," \
	"  { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"b\", \"server\": \"etcd-1\" } ] }"

static void parse(const char *json, struct spec *s)
{
	GError *err = NULL;

	if (!spec_parse("t.json", json, s, &err))
		TEST_FAIL("%s", err->message);
}

/* Two policy axes crossed: 3 x 2 points, the last axis fastest. */
static void test_grid(void)
{
	struct spec s;
	struct policy_params p;
	struct k3s_params k;
	sim_time v[2];
	size_t i;
	static const sim_time want[6][2] = {
		{ 1 * SIM_S, 100 * SIM_MS }, { 1 * SIM_S, 200 * SIM_MS },
		{ 2 * SIM_S, 100 * SIM_MS }, { 2 * SIM_S, 200 * SIM_MS },
		{ 3 * SIM_S, 100 * SIM_MS }, { 3 * SIM_S, 200 * SIM_MS },
	};

	parse("{ \"name\": \"g\", \"policies\": [\"k3s\", \"k3s-shuffle\"], "
	      TOPOLOGY ", \"sweep\": { \"k3s.dial_timeout\": [\"1s\", \"2s\", \"3s\"],"
	      " \"health_check_interval\": [\"100ms\", \"200ms\"] } }", &s);
	ASSERT_EQ(spec_grid_size(&s), 6);
	for (i = 0; i < 6; i++) {
		runner_point_values(&s, i, v);
		ASSERT_EQ(v[0], want[i][0]);
		ASSERT_EQ(v[1], want[i][1]);
		spec_point_params(&s, 0, i, &p, &k);	/* k3s: both axes */
		ASSERT_EQ(p.dial_timeout, want[i][0]);
		ASSERT_EQ(k.health_check_interval, want[i][1]);
		spec_point_params(&s, 1, i, &p, &k);	/* shuffle: the second */
		ASSERT_EQ(p.dial_timeout, 10 * SIM_S);
		ASSERT_EQ(k.health_check_interval, want[i][1]);
	}
	ASSERT(!spec_has_world_axes(&s));
	spec_release(&s);
}

/* The one grid decoder: three axes (2 x 3 x 2) decode like nested loops,
 * the first axis outermost, every index pair met once; the runner's point
 * values and numbers come from it. */
static void test_point_indices(void)
{
	struct spec s;
	size_t k[3], i, seen[2][3][2] = { { { 0 } } };
	sim_time v[3];
	double x[3];

	parse("{ \"name\": \"g\", \"policies\": [\"k3s\", \"p2c\"], " TOPOLOGY
	      ", \"sweep\": { \"k3s.dial_timeout\": [\"1s\", \"2s\"],"
	      " \"p2c.choice_count\": [2, 3, 4],"
	      " \"health_check_interval\": [\"100ms\", \"200ms\"] } }", &s);
	ASSERT_EQ(spec_grid_size(&s), 12);
	for (i = 0; i < 12; i++) {
		spec_point_indices(&s, i, k);
		ASSERT_EQ(k[0], i / 6);
		ASSERT_EQ(k[1], (i / 2) % 3);
		ASSERT_EQ(k[2], i % 2);
		seen[k[0]][k[1]][k[2]]++;
		runner_point_values(&s, i, v);
		runner_point_numbers(&s, i, x);
		ASSERT_EQ(v[0], s.axes[0].values[k[0]]);
		ASSERT_EQ(v[2], s.axes[2].values[k[2]]);
		ASSERT_NEAR(x[1], 2.0 + (double)k[1], 0);
		ASSERT_NEAR(x[0], 0, 0);	/* a duration axis: no number */
	}
	for (i = 0; i < 12; i++)
		ASSERT_EQ(seen[i / 6][(i / 2) % 3][i % 2], 1);
	spec_release(&s);
}

/* A world axis sets a failure parameter per point. */
static void test_world_axis(void)
{
	struct spec s;
	struct world_config w;
	GError *err = NULL;
	size_t i;

	parse("{ \"name\": \"w\", " TOPOLOGY ", \"failures\": ["
	      " { \"at\": \"1s\", \"crash\": \"cp-1\", \"duration\": \"5s\" } ],"
	      " \"sweep\": { \"failures[0].duration\": [\"10s\", \"20s\"],"
	      " \"deadline\": [\"1m\", \"2m\", \"3m\"] } }", &s);
	ASSERT(spec_has_world_axes(&s));
	ASSERT_EQ(spec_grid_size(&s), 6);
	for (i = 0; i < 6; i++) {
		if (!spec_point_world(&s, i, &w, &err))
			TEST_FAIL("%s", err->message);
		ASSERT_EQ(w.n_failures, 1);
		ASSERT(w.failures[0].has_duration);
		ASSERT_NEAR(w.failures[0].duration.p[0], i < 3 ? 10 : 20, 0);
		ASSERT_EQ(w.deadline, (sim_time)(i % 3 + 1) * SIM_MIN);
		world_config_release(&w);
	}
	spec_release(&s);

	/* a path to nothing, and a value the world rejects, fail at load */
	ASSERT(!spec_parse("t.json", "{ \"name\": \"w\", " TOPOLOGY ","
			   " \"sweep\": { \"failures[3].duration\": [\"1s\"] } }",
			   &s, &err));
	ASSERT_STR_CONTAINS(err->message, "sweep.failures[3].duration");
	g_clear_error(&err);
	ASSERT(!spec_parse("t.json", "{ \"name\": \"w\", " TOPOLOGY ","
			   " \"failures\": [ { \"at\": \"30s\", \"stop\": \"cp-1\" } ],"
			   " \"sweep\": { \"deadline\": [\"10s\"] } }", &s, &err));
	ASSERT_STR_CONTAINS(err->message, "after the deadline");
	g_clear_error(&err);
}

struct failures_seen {
	GString *text;
};

static void collect(void *ctx, const struct trace_event *ev)
{
	struct failures_seen *f = ctx;

	if (ev->kind == TRACE_FAILURE || ev->kind == TRACE_FAILURE_END)
		g_string_append_printf(f->text, "%" PRId64 " %s\n", ev->t,
				       ev->text);
}

static char *timeline(const struct spec *s, size_t p, uint64_t scenario)
{
	struct failures_seen f = { g_string_new(NULL) };
	struct world *w = world_new(&s->world, s->policies[p].ops,
				    &s->policies[p].params,
				    &s->policies[p].k3s);
	struct run_record rec;

	run_record_init(&rec, s->world.n_nodes);
	world_set_trace(w, collect, &f);
	world_run(w, s->seed, scenario, &rec);
	run_record_release(&rec);
	world_free(w);
	return g_string_free(f.text, FALSE);
}

/* Random scenarios: the same timeline under every policy and on a replay;
 * other scenarios differ. */
static void test_random_timeline(void)
{
	struct spec s;
	GError *err = NULL;
	uint64_t k;
	int differ = 0;

	if (!spec_load("experiments/specs/chaos.json", &s, &err))
		TEST_FAIL("%s", err->message);
	for (k = 0; k < 50; k++) {
		char *a = timeline(&s, 0, k), *b = timeline(&s, 1, k);
		char *c = timeline(&s, 2, k), *again = timeline(&s, 0, k);
		char *next = timeline(&s, 0, k + 1);

		/* every time and target is drawn up front, from streams
		 * that do not depend on the policy */
		ASSERT_STR_EQ(a, b);
		ASSERT_STR_EQ(a, c);
		ASSERT_STR_EQ(a, again);
		differ += strcmp(a, next) != 0;
		g_free(a);
		g_free(b);
		g_free(c);
		g_free(again);
		g_free(next);
	}
	ASSERT_GE(differ, 49);
	spec_release(&s);
}

/* Kinds come up in proportion to their weights. */
static void test_random_kinds(void)
{
	struct spec s;
	struct world *w;
	struct run_record rec;
	uint64_t k;
	int i, n = 4000, slow = 0, crash = 0, az = 0;
	struct failures_seen f = { NULL };

	parse("{ \"name\": \"k\", \"deadline\": \"20s\", " TOPOLOGY ","
	      " \"random_failures\": { \"count\": 1, \"at\": \"1s\","
	      "  \"kinds\": { \"slow\": 2, \"crash\": 1, \"az_outage\": 1 },"
	      "  \"duration\": \"2s\" } }", &s);
	w = world_new(&s.world, s.policies[0].ops, &s.policies[0].params,
		      &s.policies[0].k3s);
	run_record_init(&rec, s.world.n_nodes);
	world_set_trace(w, collect, &f);
	for (k = 0; k < (uint64_t)n; k++) {
		f.text = g_string_new(NULL);
		world_run(w, s.seed, k, &rec);
		slow += strstr(f.text->str, " slow x") != NULL;
		crash += strstr(f.text->str, "crash") != NULL;
		az += strstr(f.text->str, "AZ ") != NULL;
		g_string_free(f.text, TRUE);
	}
	ASSERT_EQ(slow + crash + az, n);
	/* binomial: 4 standard deviations */
	for (i = 0; i < 3; i++) {
		double p = i == 0 ? 0.5 : 0.25;
		int got = i == 0 ? slow : i == 1 ? crash : az;

		ASSERT_NEAR(got, n * p, 4 * sqrt(n * p * (1 - p)));
	}
	run_record_release(&rec);
	world_free(w);
	spec_release(&s);
}

/* Scenario K run alone on a fresh world equals scenario K run after
 * others on a reused one (as the runner does). */
static void test_replay_alone(void)
{
	struct spec s;
	GError *err = NULL;
	struct world *reused, *fresh;
	struct run_record a, b;
	uint64_t k;

	if (!spec_load("experiments/specs/chaos.json", &s, &err))
		TEST_FAIL("%s", err->message);
	reused = world_new(&s.world, s.policies[0].ops,
			   &s.policies[0].params, &s.policies[0].k3s);
	run_record_init(&a, s.world.n_nodes);
	run_record_init(&b, s.world.n_nodes);
	for (k = 0; k < 200; k++) {
		world_run(reused, s.seed, k, &a);
		fresh = world_new(&s.world, s.policies[0].ops,
				  &s.policies[0].params, &s.policies[0].k3s);
		world_run(fresh, s.seed, k, &b);
		world_free(fresh);
		ASSERT(memcmp(a.nodes, b.nodes, a.n_nodes * sizeof(*a.nodes)) == 0);
		ASSERT_EQ(a.events, b.events);
		ASSERT_EQ(a.end, b.end);
		ASSERT_EQ(a.success, b.success);
	}
	run_record_release(&a);
	run_record_release(&b);
	world_free(reused);
	spec_release(&s);
}

/* A sweep gives the same figures with 1 and 2 threads. */
static void test_threads(void)
{
	struct spec s;
	GError *err = NULL;
	struct runner_result r1, r2;
	struct runner_opts o1 = { 1, false, false, false },
			   o2 = { 2, false, false, false };
	size_t c;

	if (!spec_load("experiments/specs/backoff-tuning.json", &s, &err))
		TEST_FAIL("%s", err->message);
	s.scenarios = 150;
	runner_run(&s, &o1, &r1);
	runner_run(&s, &o2, &r2);
	ASSERT_EQ(r1.n_cells, 12);
	ASSERT_EQ(r1.n_cells, r2.n_cells);
	ASSERT_EQ(r1.events, r2.events);
	for (c = 0; c < r1.n_cells; c++) {
		ASSERT(memcmp(&r1.cells[c].sum, &r2.cells[c].sum,
			      sizeof(r1.cells[c].sum)) == 0);
		ASSERT_EQ(r1.cells[c].acc.scenarios, 150);
	}
	runner_result_release(&r1);
	runner_result_release(&r2);
	spec_release(&s);
}

int main(void)
{
	TEST_RUN(test_grid);
	TEST_RUN(test_point_indices);
	TEST_RUN(test_world_axis);
	TEST_RUN(test_random_timeline);
	TEST_RUN(test_random_kinds);
	TEST_RUN(test_replay_alone);
	TEST_RUN(test_threads);
	return 0;
}
