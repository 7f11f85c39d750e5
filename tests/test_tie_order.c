/*
 * The engine's debugging switch `--tie-order reverse` (sim_set_tie_reverse,
 * world_set_tie_reverse): events at the same instant run last scheduled
 * first. Outcomes must not depend on it: first-etcd-down's success counts
 * under one order lie inside the other order's 95% Wilson interval, and
 * the control-plane crash loop of test_world's test_crash_is_black_hole
 * loops either way.
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "experiments/stats.h"
#include "models/world.h"
#include "sim/engine.h"
#include "test.h"

#include <string.h>

static void note(sim *s, void *ctx, uint64_t arg)
{
	GString *g = ctx;

	(void)s;
	g_string_append_printf(g, "%" G_GUINT64_FORMAT, arg);
}

/* Three events at 1 s and one at 2 s: FIFO "1232" becomes "3214"; time
 * order is kept. */
static void test_engine_switch(void)
{
	static const char *const want[2] = { "1234", "3214" };
	int rev;

	for (rev = 0; rev < 2; rev++) {
		sim *s = sim_new();
		GString *g = g_string_new(NULL);

		sim_set_tie_reverse(s, rev);
		sim_schedule(s, SIM_S, note, g, 1);
		sim_schedule(s, 2 * SIM_S, note, g, 4);
		sim_schedule(s, SIM_S, note, g, 2);
		sim_schedule(s, SIM_S, note, g, 3);
		sim_run(s, 10 * SIM_S);
		ASSERT_STR_EQ(g->str, want[rev]);
		g_string_free(g, TRUE);
		sim_free(s);
	}
}

static void run_spec(const struct spec *s, bool reverse,
		     struct runner_result *res)
{
	struct runner_opts o = { 2, false, reverse, false };

	runner_run(s, &o, res);
}

/* first-etcd-down, 1,000 scenarios per policy, both orders. */
static void test_first_etcd_down_both_ways(void)
{
	struct runner_result a, b;
	GError *err = NULL;
	struct spec s;
	size_t c;

	if (!spec_load("experiments/specs/first-etcd-down.json", &s, &err))
		TEST_FAIL("%s", err->message);
	run_spec(&s, false, &a);
	run_spec(&s, true, &b);
	ASSERT_EQ(a.n_cells, b.n_cells);
	for (c = 0; c < a.n_cells; c++) {
		const struct cell_summary *x = &a.cells[c].sum, *y = &b.cells[c].sum;

		printf("    %-12s fifo %.3f reverse %.3f\n",
		       s.policies[a.cells[c].policy].ops->name, x->rate, y->rate);
		ASSERT(y->rate >= x->ci95[0] && y->rate <= x->ci95[1]);
		ASSERT(x->rate >= y->ci95[0] && x->rate <= y->ci95[1]);
	}
	runner_result_release(&a);
	runner_result_release(&b);
	spec_release(&s);
}

/* The crash loop of test_crash_is_black_hole: cp-1's --server etcd-1
 * crashes while cp-1's /db/info is in service there; cp-1 never joins
 * and exits again and again, under both orders. */
static void test_crash_loop_both_ways(void)
{
	static const char json[] =
		"{ \"name\": \"t\", \"scenarios\": 1, \"deadline\": \"2m\","
		"  \"servers\": { \"workers\": 1, \"service_time\": \"2s\" },"
		"  \"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", \"c\": \"r\" },"
		"   \"nodes\": ["
		"    { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" },"
		"    { \"name\": \"etcd-2\", \"role\": \"etcd\", \"az\": \"b\", \"server\": \"etcd-1\" },"
		"    { \"name\": \"etcd-3\", \"role\": \"etcd\", \"az\": \"c\", \"server\": \"etcd-1\" },"
		"    { \"name\": \"cp-1\", \"role\": \"control-plane\", \"az\": \"a\", \"server\": \"etcd-1\" } ] },"
		"  \"failures\": [ { \"at\": \"0s\", \"restart\": \"cp-1\" },"
		"                  { \"at\": \"1s\", \"crash\": \"etcd-1\" } ] }";
	int rev;

	for (rev = 0; rev < 2; rev++) {
		struct run_record rec;
		struct spec s;
		struct world *w;

		ASSERT(spec_parse("t.json", json, &s, NULL));
		w = world_new(&s.world, s.policies[0].ops, &s.policies[0].params,
			      &s.policies[0].k3s);
		world_set_tie_reverse(w, rev);
		run_record_init(&rec, s.world.n_nodes);
		world_run(w, s.seed, 0, &rec);
		printf("    %s: cp-1 fatal restarts %d\n", rev ? "reverse" : "fifo",
		       (int)rec.nodes[3].fatal_restarts);
		ASSERT(!rec.nodes[3].ready);
		ASSERT_GE(rec.nodes[3].fatal_restarts, 2);
		run_record_release(&rec);
		world_free(w);
		spec_release(&s);
	}
}

int main(void)
{
	TEST_RUN(test_engine_switch);
	TEST_RUN(test_first_etcd_down_both_ways);
	TEST_RUN(test_crash_loop_both_ways);
	return 0;
}
