/* Statistics per cell: Wilson intervals, quantiles, the accumulator. */
#include "experiments/stats.h"
#include "test.h"

/*
 * References computed by hand from the Wilson formula
 *   centre = (p + z^2/2n) / (1 + z^2/n)
 *   half   = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n),  p = k/n,
 * with z = 1.959963984540054 (z^2 = 3.841458820694124) unless stated:
 *  - k=0, n=10: centre = half = 0.192072941/1.384145882 = 0.1387664,
 *    so [0, z^2/n / (1 + z^2/n)] = [0, 0.3841458821/1.3841458821]
 *    = [0, 0.2775327999].
 *  - k=10, n=10: the mirror image: [1 - 0.2775327999, 1] = [0.7224672001, 1].
 *  - k=5, n=10: centre 0.5, half = z sqrt(0.025 + 0.0096036470)/1.38414588
 *    = 1.959964 x 0.1860206 / 1.3841459 = 0.2634069: [0.2365930905,
 *    0.7634069095].
 *  - k=1, n=1: centre = (1 + 1.920729)/4.841459 = 0.6032747, half =
 *    z x sqrt(0.9603647)/4.841459 = 0.3967254: [0.2065493144, 1].
 *  - k=81, n=263, z=1.96 (z^2 = 3.8416): p = 0.3079848, denom = 1.0146068,
 *    centre = (0.3079848 + 0.0073034)/1.0146068 = 0.3107492, half =
 *    1.96 x sqrt(0.00081045 + 0.00001389)/1.0146068 = 0.0554615:
 *    [0.2552876131, 0.3662106841].
 *  - k=999, n=1000: [0.9943574414, 0.9998234536].
 */
static void test_wilson_known(void)
{
	static const struct {
		uint64_t k, n;
		double z, lo, hi;
	} cases[] = {
		{ 0, 10, STATS_Z95, 0.0, 0.2775327999 },
		{ 10, 10, STATS_Z95, 0.7224672001, 1.0 },
		{ 5, 10, STATS_Z95, 0.2365930905, 0.7634069095 },
		{ 1, 1, STATS_Z95, 0.2065493144, 1.0 },
		{ 81, 263, 1.96, 0.2552876131, 0.3662106841 },
		{ 999, 1000, STATS_Z95, 0.9943574414, 0.9998234536 },
		{ 0, 0, STATS_Z95, 0.0, 1.0 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		double lo = -1, hi = -1;

		stats_wilson(cases[i].k, cases[i].n, cases[i].z, &lo, &hi);
		printf("    k=%" PRIu64 " n=%" PRIu64 ": [%.10f, %.10f]\n",
		       cases[i].k, cases[i].n, lo, hi);
		ASSERT_NEAR(lo, cases[i].lo, 1e-9);
		ASSERT_NEAR(hi, cases[i].hi, 1e-9);
	}
	/* The bounds at k = 0 and k = n are exact, not 1e-17 away. */
	{
		double lo, hi;

		stats_wilson(0, 7, STATS_Z95, &lo, &hi);
		ASSERT(lo == 0.0);
		stats_wilson(7, 7, STATS_Z95, &lo, &hi);
		ASSERT(hi == 1.0);
	}
}

/* The interval holds the estimate and stays inside [0, 1]. */
static void test_wilson_contains(void)
{
	uint64_t n, k;

	for (n = 1; n <= 60; n++) {
		for (k = 0; k <= n; k++) {
			double lo, hi, p = (double)k / (double)n;

			stats_wilson(k, n, STATS_Z95, &lo, &hi);
			ASSERT(lo >= 0.0 && lo <= p);
			ASSERT(hi <= 1.0 && hi >= p);
			ASSERT(lo < hi);
		}
	}
}

/* Type 7: h = (n - 1) q, x[floor h] + frac(h) (x[floor h + 1] - x[floor h]). */
static void test_quantile(void)
{
	static const double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const double one[] = { 42.5 };
	static const struct {
		double q, want;
	} cases[] = {
		{ 0.0, 1.0 },	/* h = 0 */
		{ 0.5, 5.5 },	/* h = 4.5 */
		{ 0.9, 9.1 },	/* h = 8.1 */
		{ 0.99, 9.91 },	/* h = 8.91 */
		{ 0.25, 3.25 },	/* h = 2.25 */
		{ 1.0, 10.0 },	/* h = 9 */
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		ASSERT_NEAR(stats_quantile_sorted(x, 10, cases[i].q),
			    cases[i].want, 1e-12);
	ASSERT(stats_quantile_sorted(one, 1, 0.5) == 42.5);
	ASSERT(stats_quantile_sorted(one, 1, 0.99) == 42.5);
	ASSERT(isnan(stats_quantile_sorted(NULL, 0, 0.5)));
}

/* ---- the accumulator ---- */

#define NODE(c, r, jt, d, fd, tw, rq, fr) \
	{ .counted = (c), .ready = (r), .join_time = (jt), .dials = (d), \
	  .failed_dials = (fd), .timeout_wait = (tw), .requests = (rq), \
	  .fatal_restarts = (fr) }

/* A: success; two counted ready nodes and one not counted, whose large
 * figures must not show. */
static struct node_record nodes_a[] = {
	NODE(true, true, 2 * SIM_S, 3, 1, 1 * SIM_S, 5, 0),
	NODE(false, false, 0, 100, 100, 100 * SIM_S, 100, 100),
	NODE(true, true, 4 * SIM_S, 1, 0, 0, 2, 0),
};
/* B: failure; one counted node never Ready (in the success rate and the
 * dial sums, not in the join times), one Ready. */
static struct node_record nodes_b[] = {
	NODE(true, false, 0, 7, 7, 70 * SIM_S, 0, 2),
	NODE(true, true, 10 * SIM_S, 2, 0, 0, 3, 0),
};
/* C: success with nothing to join (no node restarted). */
static struct node_record nodes_c[] = {
	NODE(false, false, 0, 9, 0, 0, 9, 0),
};

#define REC(arr, ok, ev) \
	{ .n_nodes = G_N_ELEMENTS(arr), .nodes = (arr), .success = (ok), \
	  .end = 0, .events = (ev) }

static const struct run_record rec_a = REC(nodes_a, true, 100);
static const struct run_record rec_b = REC(nodes_b, false, 50);
static const struct run_record rec_c = REC(nodes_c, true, 10);

static void test_acc_known(void)
{
	struct cell_acc a;
	struct cell_summary s;
	double lo, hi;

	cell_acc_init(&a);
	cell_acc_add(&a, &rec_b);	/* out of order: summarise sorts */
	cell_acc_add(&a, &rec_a);
	cell_acc_add(&a, &rec_c);
	cell_acc_summarise(&a, &s);

	ASSERT_EQ(s.scenarios, 3);
	ASSERT_EQ(s.successes, 2);
	ASSERT(s.rate == 2.0 / 3.0);
	stats_wilson(2, 3, STATS_Z95, &lo, &hi);
	ASSERT(s.ci95[0] == lo && s.ci95[1] == hi);
	ASSERT_EQ(s.nodes_counted, 4);
	ASSERT_EQ(s.nodes_ready, 3);
	/* join times {2, 4, 10} s: h = 2q */
	ASSERT_NEAR(s.join_mean, 16.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.join_p50, 4.0, 1e-12);
	ASSERT_NEAR(s.join_p90, 8.8, 1e-12);	/* h = 1.8 */
	ASSERT_NEAR(s.join_p99, 9.88, 1e-12);	/* h = 1.98 */
	ASSERT(s.join_max == 10.0);
	/* dials 3 + 1 + 7 + 2, failed 1 + 7, timeouts 1 + 70 s, requests
	 * 5 + 2 + 3, over 3 joins; 2 fatal restarts and 160 events over 3
	 * scenarios */
	ASSERT_NEAR(s.dials_per_join, 13.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.failed_dials_per_join, 8.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.timeout_wait_s_per_join, 71.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.requests_per_join, 10.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.fatal_restarts_per_scenario, 2.0 / 3.0, 1e-12);
	ASSERT_NEAR(s.events_per_scenario, 160.0 / 3.0, 1e-12);
	cell_acc_release(&a);
}

static int same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void assert_same_summary(const struct cell_summary *x,
				const struct cell_summary *y)
{
	ASSERT_EQ(x->scenarios, y->scenarios);
	ASSERT_EQ(x->successes, y->successes);
	ASSERT_EQ(x->nodes_counted, y->nodes_counted);
	ASSERT_EQ(x->nodes_ready, y->nodes_ready);
	/* Bit for bit: output must not depend on the order of merges. */
	ASSERT(same(x->rate, y->rate));
	ASSERT(same(x->ci95[0], y->ci95[0]));
	ASSERT(same(x->ci95[1], y->ci95[1]));
	ASSERT(same(x->join_mean, y->join_mean));
	ASSERT(same(x->join_p50, y->join_p50));
	ASSERT(same(x->join_p90, y->join_p90));
	ASSERT(same(x->join_p99, y->join_p99));
	ASSERT(same(x->join_max, y->join_max));
	ASSERT(same(x->dials_per_join, y->dials_per_join));
	ASSERT(same(x->failed_dials_per_join, y->failed_dials_per_join));
	ASSERT(same(x->timeout_wait_s_per_join, y->timeout_wait_s_per_join));
	ASSERT(same(x->requests_per_join, y->requests_per_join));
	ASSERT(same(x->fatal_restarts_per_scenario,
		    y->fatal_restarts_per_scenario));
	ASSERT(same(x->events_per_scenario, y->events_per_scenario));
}

static void test_acc_merge(void)
{
	struct cell_acc all, part1, part2;
	struct cell_summary s_all, s_merged, s_part2;

	cell_acc_init(&all);
	cell_acc_add(&all, &rec_a);
	cell_acc_add(&all, &rec_b);
	cell_acc_add(&all, &rec_c);
	cell_acc_add(&all, &rec_b);

	cell_acc_init(&part1);
	cell_acc_init(&part2);
	cell_acc_add(&part1, &rec_c);
	cell_acc_add(&part1, &rec_b);
	cell_acc_add(&part2, &rec_b);
	cell_acc_add(&part2, &rec_a);
	cell_acc_merge(&part1, &part2);

	cell_acc_summarise(&all, &s_all);
	cell_acc_summarise(&part1, &s_merged);
	assert_same_summary(&s_all, &s_merged);
	ASSERT_EQ(s_all.scenarios, 4);
	ASSERT_EQ(s_all.nodes_ready, 4);

	/* The source is unchanged by the merge. */
	cell_acc_summarise(&part2, &s_part2);
	ASSERT_EQ(s_part2.scenarios, 2);
	ASSERT_EQ(s_part2.nodes_ready, 3);
	ASSERT_EQ(part2.join_s->len, 3);

	/* Merging an empty accumulator changes nothing. */
	cell_acc_release(&part2);
	cell_acc_init(&part2);
	cell_acc_merge(&part1, &part2);
	cell_acc_summarise(&part1, &s_merged);
	assert_same_summary(&s_all, &s_merged);

	cell_acc_release(&all);
	cell_acc_release(&part1);
	cell_acc_release(&part2);
}

static void test_acc_empty(void)
{
	struct cell_acc a;
	struct cell_summary s;

	cell_acc_init(&a);
	cell_acc_summarise(&a, &s);
	ASSERT_EQ(s.scenarios, 0);
	ASSERT_EQ(s.successes, 0);
	ASSERT(isnan(s.rate));
	ASSERT(s.ci95[0] == 0.0 && s.ci95[1] == 1.0);
	ASSERT_EQ(s.nodes_counted, 0);
	ASSERT_EQ(s.nodes_ready, 0);
	ASSERT(isnan(s.join_mean) && isnan(s.join_p50) && isnan(s.join_p90));
	ASSERT(isnan(s.join_p99) && isnan(s.join_max));
	ASSERT(isnan(s.dials_per_join) && isnan(s.failed_dials_per_join));
	ASSERT(isnan(s.timeout_wait_s_per_join));
	ASSERT(isnan(s.requests_per_join));
	ASSERT(isnan(s.fatal_restarts_per_scenario));
	ASSERT(isnan(s.events_per_scenario));
	cell_acc_release(&a);
	cell_acc_release(&a);	/* released twice: harmless */

	/* Scenarios but no node ready: rates, no join figures. */
	cell_acc_init(&a);
	cell_acc_add(&a, &rec_c);
	cell_acc_summarise(&a, &s);
	ASSERT_EQ(s.scenarios, 1);
	ASSERT(s.rate == 1.0);
	ASSERT_EQ(s.nodes_counted, 0);
	ASSERT(isnan(s.join_p50) && isnan(s.dials_per_join));
	ASSERT(s.fatal_restarts_per_scenario == 0.0);
	ASSERT(s.events_per_scenario == 10.0);
	cell_acc_release(&a);
}

/* The timeout-wait sum saturates instead of wrapping. */
static void test_acc_saturates(void)
{
	struct node_record big[] = {
		NODE(true, true, SIM_S, 1, 1, SIM_TIME_MAX - 1, 1, 0),
		NODE(true, true, SIM_S, 1, 1, SIM_TIME_MAX - 1, 1, 0),
	};
	struct run_record r = REC(big, true, 0);
	struct cell_acc a;

	cell_acc_init(&a);
	cell_acc_add(&a, &r);
	ASSERT(a.timeout_wait == SIM_TIME_MAX);
	cell_acc_release(&a);
}

int main(void)
{
	TEST_RUN(test_wilson_known);
	TEST_RUN(test_wilson_contains);
	TEST_RUN(test_quantile);
	TEST_RUN(test_acc_known);
	TEST_RUN(test_acc_merge);
	TEST_RUN(test_acc_empty);
	TEST_RUN(test_acc_saturates);
	return 0;
}
