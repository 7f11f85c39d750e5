/*
 * The failover figures' way from the writer to the plots and the report:
 * results.json written by the real writer (experiments/output.h) with
 * failover cells reads back (experiments/results_read.h) with its
 * time-back CDF, grace period and NotReady interval bit for bit; `selsim
 * plot` draws the failover plots (time-back CDF, NotReady node-seconds,
 * failover success, and for a sweep NotReady along the swept setting, a
 * line per grace period) from it; the report shows them in its Failover
 * section. Results without failover figures get none of them.
 */
#include "test.h"
#include "plot_files.h"
#include "experiments/output.h"
#include "experiments/plot.h"
#include "experiments/report.h"
#include "sim/error.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* The failover figures of cell @k; cell 2 has 10% of its affected agents
 * not back by the deadline, so its CDF is beyond it from point 91 on
 * (the quantile 0.91 > 0.9: stats_quantile_censored()). */
static struct fo_summary make_fo(int k, double grace)
{
	struct fo_summary f = { .enabled = true };
	int i;

	f.happened = 40;
	f.successes = (uint64_t)(30 - 5 * k);
	f.rate = (double)f.successes / 40.0;
	f.ci95[0] = f.rate - 0.1;
	f.ci95[1] = f.rate + 0.1;
	f.affected = 2000;
	f.back = k == 2 ? 1800 : 2000;
	f.back_mean = 30 + k;
	f.back_p50 = 29.5 + k;
	f.back_p90 = 45 + k;
	f.back_p99 = k == 2 ? INFINITY : 55 + k;
	f.notready_per_scenario = 2.5 * k;
	f.notready_s_per_scenario = 10.0 + 7.25 * k;
	f.notready_s_ci95[0] = f.notready_s_per_scenario - 1.5;
	f.notready_s_ci95[1] = f.notready_s_per_scenario + 1.5;
	f.grace_period_s = grace;
	for (i = 0; i < FO_CDF_POINTS; i++)
		f.back_cdf[i] = k == 2 && i > 90 ? INFINITY
			: 0.01 * (1 + k) * pow(6000.0, i / 100.0) / 3.0;
	return f;
}

static struct stats_paired make_vs(int k)
{
	struct stats_paired p = { .resamples = 1000 };

	p.fo.enabled = true;
	p.fo.n = 40;
	p.fo.notready_s.diff = 7.25 * k;
	p.fo.notready_s.ci95[0] = 7.25 * k - 2;
	p.fo.notready_s.ci95[1] = 7.25 * k + 2;
	return p;
}

/* The join figures of a failover run where every node was Ready at the
 * start: no node (re)started, so no join time (NaN, as the writer gets
 * them from stats.h). */
static struct cell_summary join_none(void)
{
	struct cell_summary m = { .scenarios = 40, .deadline_s = 300 };
	int i;

	m.successes = 40;
	m.rate = 1;
	m.ci95[0] = 0.91;
	m.ci95[1] = 1;
	m.join_rmean = m.join_p50 = m.join_p90 = m.join_p99 = NAN;
	m.join_max = m.joined_mean = m.joined_p50 = m.joined_p90 = NAN;
	m.joined_p99 = m.joined_max = m.dials_per_join = NAN;
	m.failed_dials_per_join = m.timeout_wait_s_per_join = NAN;
	m.requests_per_join = NAN;
	for (i = 0; i < STATS_CDF_POINTS; i++)
		m.join_cdf[i] = NAN;
	return m;
}

static const char *const policies[3] = { "k3s", "alt", "slow" };

/*
 * TMP/NAME/results.json of a failover spec: policies k3s, alt (and slow
 * without a sweep) at every point of @axes (0, or 2: the grace period
 * first, 40s and 50s, then http2_read_idle_timeout 10s, 20s, 30s); with
 * @failover false, the same cells without failover figures.
 */
static char *make_results(const char *name, int axes, bool failover)
{
	static char *keys[2] = { (char *)"node_monitor_grace_period",
				 (char *)"http2_read_idle_timeout" };
	static const sim_time grace[2] = { 40 * SIM_S, 50 * SIM_S };
	static const sim_time idle[3] = { 10 * SIM_S, 20 * SIM_S, 30 * SIM_S };
	char *dir = g_build_filename(tmp_root, name, NULL);
	char *path = g_build_filename(dir, "results.json", NULL);
	struct spec_axis ax[2] = { { .key = keys[0] }, { .key = keys[1] } };
	struct spec s = { 0 };
	struct out_cell cells[12];
	struct stats_paired vs[12];
	sim_time grid[12][2];
	GError *err = NULL;
	int a, b, p, k = 0, np = axes ? 2 : 3;

	ASSERT_EQ(g_mkdir_with_parents(dir, 0755), 0);
	s.name = (char *)name;
	s.file = (char *)"no/such/spec.json";
	s.seed = 7;
	s.scenarios = 40;
	s.world.deadline = 300 * SIM_S;
	s.world.failover = failover;
	s.baseline = (char *)"k3s";
	s.axes = ax;
	s.n_axes = (size_t)axes;
	for (a = 0; a < (axes ? 2 : 1); a++)
		for (b = 0; b < (axes ? 3 : 1); b++)
			for (p = 0; p < np; p++, k++) {
				grid[k][0] = grace[a];
				grid[k][1] = idle[b];
				vs[k] = make_vs(p);
				cells[k] = (struct out_cell){
					.policy = policies[p],
					.grid = axes ? grid[k] : NULL,
					.vs = p ? &vs[k] : NULL,
				};
				cells[k].sum = join_none();
				if (failover)
					cells[k].sum.fo = make_fo(
						axes ? b : p,
						sim_time_to_s(grace[a]));
				else
					vs[k].fo.enabled = false;
			}
	if (!output_write_json(path, &s, cells, (size_t)k, "selsim run x",
			       &err))
		TEST_FAIL("output_write_json: %s", err->message);
	g_free(path);
	return dir;
}

/* The data rows of @text (not '#', not blank) and its blocks (runs of
 * rows after a header line starting with '"'). */
static void count_rows(const char *text, size_t *rows, size_t *blocks)
{
	char **lines = g_strsplit(text, "\n", -1);
	size_t i;

	*rows = *blocks = 0;
	for (i = 0; lines[i]; i++) {
		if (!lines[i][0] || lines[i][0] == '#')
			continue;
		if (lines[i][0] == '"')
			(*blocks)++;
		else
			(*rows)++;
	}
	g_strfreev(lines);
}

/* results.json -> results_read: the same doubles. */
static void test_round_trip(void)
{
	char *dir = make_results("round-trip", 0, true);
	struct results r;
	GError *err = NULL;
	size_t c, i;

	if (!results_load(dir, &r, &err))
		TEST_FAIL("results_load: %s", err->message);
	ASSERT_EQ(r.n_cells, 3);
	for (c = 0; c < 3; c++) {
		const struct results_cell *rc = &r.cells[c];
		struct fo_summary f = make_fo((int)c, 40);

		ASSERT(rc->has_fo);
		ASSERT(rc->fo_grace_s == 40);
		ASSERT(rc->fo_notready_lo == f.notready_s_ci95[0]);
		ASSERT(rc->fo_notready_hi == f.notready_s_ci95[1]);
		ASSERT_EQ(rc->fo_cdf_beyond_from,
			  c == 2 ? 91 : RESULTS_CDF_POINTS);
		for (i = 0; i < RESULTS_CDF_POINTS; i++) {
			if (isinf(f.back_cdf[i]))
				ASSERT(isnan(rc->fo_cdf[i]));
			else
				ASSERT(rc->fo_cdf[i] == f.back_cdf[i]);
		}
		if (c > 0)
			ASSERT(rc->fo_vs_notready_s == 7.25 * (double)c);
	}
	results_release(&r);
	g_free(dir);
}

/* No sweep: the CDF (a block per policy, the one with agents not back
 * stopping at 91 points), NotReady and success bars, and the report's
 * Failover section showing them before the Plots. */
static void test_policies(void)
{
	static const char *const names[] = {
		"failover-cdf", "failover-notready", "failover-success", NULL
	};
	char *dir = make_results("policies", 0, true);
	char *text, *html, *md, *redraw;
	GError *err = NULL;
	size_t rows, blocks;
	const char *sec, *fig, *plots;

	if (!plot_results(dir, NULL, &err))
		TEST_FAIL("plot_results: %s", err->message);
	text = slurp(dir, "plots/failover-cdf.dat");
	count_rows(text, &rows, &blocks);
	ASSERT_EQ(blocks, 3);
	ASSERT_EQ(rows, 101 + 101 + 91);
	g_free(text);
	text = slurp(dir, "plots/failover-notready.dat");
	count_rows(text, &rows, &blocks);
	ASSERT_EQ(rows, 3);
	ASSERT_STR_CONTAINS(text, "\"slow\" 3 24.5 23 26 14.5 12.5 16.5");
	g_free(text);
	text = slurp(dir, "plots/failover-success.dat");
	count_rows(text, &rows, &blocks);
	ASSERT_EQ(rows, 3);
	g_free(text);
	ASSERT(!exists(dir, "plots/failover-sweep.dat"));
	redraw = slurp(dir, "plots/redraw.sh");
	ASSERT_STR_CONTAINS(redraw, "failover-cdf.gp");
	ASSERT_STR_CONTAINS(redraw, "graces='\\''40'\\''");
	g_free(redraw);
	check_pictures(dir, names);

	if (!report_write(dir, &err))
		TEST_FAIL("report_write: %s", err->message);
	html = slurp(dir, "report.html");
	md = slurp(dir, "report.md");
	sec = strstr(html, "id=\"failover\"");
	plots = strstr(html, "id=\"plots\"");
	ASSERT(sec && plots && sec < plots);
	if (have_gnuplot) {
		fig = strstr(html, "id=\"fig-failover-cdf\"");
		ASSERT(fig && fig > sec && fig < plots);
		fig = strstr(html, "id=\"fig-failover-notready\"");
		ASSERT(fig && fig > sec && fig < plots);
		ASSERT_STR_CONTAINS(md, "(plots/failover-cdf.svg)");
		ASSERT_STR_CONTAINS(md, "(plots/failover-success.svg)");
	}
	g_free(html);
	g_free(md);
	g_free(dir);
}

/* A sweep with the grace period as the first axis: the sweep plot runs
 * along the other axis (http2_read_idle_timeout), a block per policy and
 * grace period, 3 points each, with the grace periods' dash numbers. */
static void test_sweep(void)
{
	static const char *const names[] = {
		"failover-cdf", "failover-notready", "failover-success",
		"failover-sweep", NULL
	};
	char *dir = make_results("sweep", 2, true);
	char *text, *redraw;
	GError *err = NULL;
	size_t rows, blocks;

	if (!plot_results(dir, NULL, &err))
		TEST_FAIL("plot_results: %s", err->message);
	text = slurp(dir, "plots/failover-sweep.dat");
	count_rows(text, &rows, &blocks);
	ASSERT_EQ(blocks, 4);
	ASSERT_EQ(rows, 12);
	ASSERT_STR_CONTAINS(text, "\"alt, grace=50s\"");
	/* alt (policy 2) at 20s, grace 50s (dash 2): the figures of
	 * make_fo(1, 50) */
	ASSERT_STR_CONTAINS(text, "20 \"20s\" 17.25 15.75 18.75 2 2\n");
	g_free(text);
	redraw = slurp(dir, "plots/redraw.sh");
	ASSERT_STR_CONTAINS(redraw, "graces='\\''40 50'\\''");
	ASSERT_STR_CONTAINS(redraw, "xname='\\''http2_read_idle_timeout");
	g_free(redraw);
	check_pictures(dir, names);
	g_free(dir);
}

/* Without failover figures: no failover plot, no Failover section. */
static void test_no_failover(void)
{
	char *dir = make_results("none", 0, false);
	GError *err = NULL;
	char *html;

	if (!plot_results(dir, NULL, &err))
		TEST_FAIL("plot_results: %s", err->message);
	ASSERT(!exists(dir, "plots/failover-cdf.dat"));
	ASSERT(!exists(dir, "plots/failover-notready.dat"));
	ASSERT(!exists(dir, "plots/failover-success.dat"));
	if (!report_write(dir, &err))
		TEST_FAIL("report_write: %s", err->message);
	html = slurp(dir, "report.html");
	ASSERT(!strstr(html, "id=\"failover\""));
	g_free(html);
	g_free(dir);
}

int main(void)
{
	plot_files_init("selsim-plotfo-XXXXXX");
	TEST_RUN(test_round_trip);
	TEST_RUN(test_policies);
	TEST_RUN(test_sweep);
	TEST_RUN(test_no_failover);
	plot_files_release();
	return 0;
}
