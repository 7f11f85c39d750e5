/*
 * Plots and the report (experiments/plot.h), on results folders written by
 * the real results writer (experiments/output.h):
 * the data files hold the numbers of results.json, gnuplot draws valid
 * SVG from every script, report.html is self-contained and holds every
 * plot and the reproduce command, report.md lists every plot, bad input
 * is one error naming the file. The SVG checks are skipped (and say so)
 * where gnuplot is not installed.
 */
#include "test.h"
#include "plot_files.h"
#include "experiments/output.h"
#include "experiments/plot.h"
#include "experiments/report.h"
#include "experiments/timeline.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>

#define COMMAND "selsim run experiments/specs/x.json --seed 7 " \
	"--scenarios 50 --policies k3s,alt"

/* ---- fixtures: results folders written by the real writer ---- */

/* The figures of cell @k. They depend on @k so that no two are alike. */
static struct cell_summary make_summary(int k)
{
	struct cell_summary m = { 0 };
	double scale = 1.0 + 0.25 * k;
	int i;

	m.scenarios = 50;
	m.successes = (uint64_t)(50 - k);
	m.rate = (50.0 - k) / 50;
	m.ci95[0] = 0.8 - 0.01 * k;
	m.ci95[1] = k ? 0.99 - 0.01 * k : 1;
	m.nodes_counted = 250;
	m.nodes_ready = (uint64_t)(250 - 10 * k);
	m.join_rmean = 0.5 * scale;
	m.join_p50 = 0.3 * scale;
	m.join_p90 = 1.1 * scale;
	m.join_p99 = 2.05 * scale;
	m.join_max = 2.5 * scale;
	for (i = 0; i < STATS_CDF_POINTS; i++)
		m.join_cdf[i] = 0.004 * scale * pow(625.0, i / 100.0);
	m.dials_per_join = 2 + 0.5 * k;
	m.failed_dials_per_join = 0.25 * k;
	m.timeout_wait_s_per_join = 0;
	m.requests_per_join = 1.2 + 0.1 * k;
	m.fatal_restarts_per_scenario = 0.5 * k;
	m.events_per_scenario = 280;
	return m;
}

/* What alt scores against k3s in every cell. */
static const struct stats_paired alt_vs_k3s = {
	.success_rate = { -0.02, { -0.05, 0.01 }, false },
	.join_mean_s = { 0.2, { 0.1, 0.3 }, true },
	.join_p50_s = { -0.0004, { -0.0009, 0.0002 }, false },
	.join_p99_s = { -2.3, { -2.7, -1.9 }, true },
	.resamples = 1000,
};

/*
 * Writes TMP/NAME/results.json with output_write_json() (output.h), as
 * `selsim run` does: policies k3s and alt at every point of the grid of
 * @axes (0, 1 or 2 axes; values 2s, 5s and 1s, 2s). Returns the folder;
 * caller frees with g_free().
 */
static char *make_results(const char *name, int axes)
{
	static char *keys[2] = { (char *)"k3s.dial_timeout",
				 (char *)"health_check_interval" };
	static const sim_time v0[2] = { 2 * SIM_S, 5 * SIM_S };
	static const sim_time v1[2] = { 1 * SIM_S, 2 * SIM_S };
	char *dir = g_build_filename(tmp_root, name, NULL);
	char *path = g_build_filename(dir, "results.json", NULL);
	struct spec_axis ax[2] = { { .key = keys[0] }, { .key = keys[1] } };
	struct spec s = { 0 };
	struct out_cell cells[8];
	sim_time grid[8][2];
	GError *err = NULL;
	int a, b, p, k = 0;

	ASSERT_EQ(g_mkdir_with_parents(dir, 0755), 0);
	s.name = (char *)name;
	s.file = (char *)"no/such/spec.json";
	s.seed = 7;
	s.scenarios = 50;
	s.world.deadline = 600 * SIM_S;
	s.baseline = (char *)"k3s";
	s.axes = ax;
	s.n_axes = (size_t)axes;
	for (a = 0; a < (axes >= 1 ? 2 : 1); a++)
		for (b = 0; b < (axes >= 2 ? 2 : 1); b++)
			for (p = 0; p < 2; p++, k++) {
				grid[k][0] = v0[a];
				grid[k][1] = v1[b];
				cells[k] = (struct out_cell){
					.policy = p ? "alt" : "k3s",
					.grid = axes ? grid[k] : NULL,
					.sum = make_summary(k),
					.vs = p ? &alt_vs_k3s : NULL,
				};
			}
	if (!output_write_json(path, &s, cells, (size_t)k, COMMAND, &err))
		TEST_FAIL("output_write_json: %s", err->message);
	g_free(path);
	return dir;
}

/* ---- reading files back ---- */

static cJSON *load_json(const char *dir)
{
	char *text = slurp(dir, "results.json");
	cJSON *j = cJSON_Parse(text);

	ASSERT(j != NULL);
	g_free(text);
	return j;
}

/* A data file as blocks of rows of fields (quoted strings unquoted),
 * without comments and header lines (a row that starts with a quote and
 * is the first of its block in a file with @headers). */
static GPtrArray *read_dat(const char *dir, const char *name, bool headers)
{
	char *text = slurp(dir, name);
	char **lines = g_strsplit(text, "\n", -1);
	GPtrArray *blocks = g_ptr_array_new_with_free_func(
		(GDestroyNotify)g_ptr_array_unref);
	GPtrArray *block = NULL;
	int blanks = 0, i;

	for (i = 0; lines[i]; i++) {
		const char *p = lines[i];
		GPtrArray *row;

		if (!*p) {
			blanks++;
			continue;
		}
		if (*p == '#')
			continue;
		if (!block || blanks >= 2) {
			block = g_ptr_array_new_with_free_func(
				(GDestroyNotify)g_ptr_array_unref);
			g_ptr_array_add(blocks, block);
			if (headers && *p == '"') {
				blanks = 0;
				continue;
			}
		}
		blanks = 0;
		row = g_ptr_array_new_with_free_func(g_free);
		while (*p) {
			const char *e;

			while (*p == ' ')
				p++;
			if (!*p)
				break;
			if (*p == '"') {
				e = strchr(p + 1, '"');
				ASSERT(e != NULL);
				g_ptr_array_add(row, g_strndup(p + 1,
							       (gsize)(e - p - 1)));
				p = e + 1;
			} else {
				e = p + strcspn(p, " ");
				g_ptr_array_add(row, g_strndup(p, (gsize)(e - p)));
				p = e;
			}
		}
		g_ptr_array_add(block, row);
	}
	g_strfreev(lines);
	g_free(text);
	return blocks;
}

static const char *field(GPtrArray *blocks, guint b, guint r, guint f)
{
	GPtrArray *block, *row;

	ASSERT(b < blocks->len);
	block = g_ptr_array_index(blocks, b);
	ASSERT(r < block->len);
	row = g_ptr_array_index(block, r);
	ASSERT(f < row->len);
	return g_ptr_array_index(row, f);
}

static double fnum(GPtrArray *blocks, guint b, guint r, guint f)
{
	return g_ascii_strtod(field(blocks, b, r, f), NULL);
}

static guint block_len(GPtrArray *blocks, guint b)
{
	ASSERT(b < blocks->len);
	return ((GPtrArray *)g_ptr_array_index(blocks, b))->len;
}

static double jget(const cJSON *cell, const char *a, const char *b)
{
	const cJSON *o = cJSON_GetObjectItem(cell, a);

	if (b)
		o = cJSON_GetObjectItem(o, b);
	ASSERT(cJSON_IsNumber(o));
	return o->valuedouble;
}

/* The same double (the data files print enough digits to read back). */
#define ASSERT_SAME(a, b) ASSERT_NEAR((a), (b), 1e-12 * (1 + fabs((double)(b))))

/* report.html: every plot inlined, the command, nothing external;
 * report.md: every plot listed. */
static void check_report(const char *dir, const char *const *names)
{
	char *html, *md, *stripped;
	GError *err = NULL;
	size_t i, n = 0;
	const char *p;

	if (!report_write(dir, &err))
		TEST_FAIL("report_write: %s", err->message);
	html = slurp(dir, "report.html");
	md = slurp(dir, "report.md");
	ASSERT(g_str_has_prefix(html, "<!DOCTYPE html>"));
	ASSERT_STR_CONTAINS(html, "</html>");
	ASSERT_STR_CONTAINS(html, COMMAND);
	ASSERT_STR_CONTAINS(md, COMMAND);
	for (i = 0; names[i]; i++) {
		char *md_link = g_strdup_printf("(plots/%s.svg)", names[i]);
		char *fig = g_strdup_printf("id=\"fig-%s\"", names[i]);

		if (have_gnuplot) {
			ASSERT_STR_CONTAINS(md, md_link);
			ASSERT_STR_CONTAINS(html, fig);
		}
		g_free(md_link);
		g_free(fig);
	}
	for (p = html; (p = strstr(p, "<svg")); p++)
		n++;
	ASSERT_EQ(n, have_gnuplot ? i : 0);
	for (p = html, n = 0; (p = strstr(p, "<figure")); p++)
		n++;
	ASSERT_EQ(n, have_gnuplot ? i : 0);
	/* No URL but the SVG namespaces. */
	stripped = g_strdup(html);
	{
		static const char *const ns[] = {
			"xmlns=\"http://www.w3.org/2000/svg\"",
			"xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
		};
		size_t k;

		for (k = 0; k < G_N_ELEMENTS(ns); k++) {
			char *q;

			while ((q = strstr(stripped, ns[k])))
				memset(q, ' ', strlen(ns[k]));
		}
	}
	ASSERT(!strstr(stripped, "http://"));
	ASSERT(!strstr(stripped, "https://"));
	ASSERT(!strstr(stripped, "<link"));
	ASSERT(!strstr(stripped, "src="));
	/* ids are made unique per plot */
	if (have_gnuplot)
		ASSERT(!strstr(html, " id='gpPt0'"));
	g_free(stripped);
	g_free(html);
	g_free(md);
}

/* ---- cases ---- */
/*
 * Censored join times in the report, from the real writer: policy
 * "stranding" leaves 40% of its nodes (100 of 250) not Ready by the
 * deadline, so its quantiles from p40 on are beyond it; the nodes it
 * does join are fast (its joined-only mean is below k3s's), but its
 * restricted mean is higher. The report must call it slower, print
 * "> deadline", stop its CDF at 40%, and state the methods, bounds,
 * Holm's verdicts, the number of comparisons and the p99 tail warning.
 */
static void test_censored(void)
{
	static const char *const names[] = { "cdf", "success", "load", NULL };
	char *dir = g_build_filename(tmp_root, "censored", NULL);
	char *path = g_build_filename(dir, "results.json", NULL);
	struct cell_summary k3s = make_summary(0), str = make_summary(1);
	struct stats_paired vs = {
		/* significant, but not after Holm */
		.success_rate = { -0.3, { -0.45, -0.01 }, true, 0.04, 0.08,
				  false, STATS_EXACT },
		.join_mean_s = { 5, { 4, 6 }, true, 1e-6, 4e-6, true,
				 STATS_EXACT },
		.join_p50_s = { 0.1, { -0.1, 0.2 }, false, 0.3, 0.6, false,
				STATS_BOTH_BEYOND },
		.join_p99_s = { 597.5, { 597, 598 }, true, 1e-5, 3e-5, true,
				STATS_AT_LEAST },
		.resamples = 10000,
		.tail_n = 12,
		.tail_warning = true,
	};
	struct spec s = { 0 };
	struct out_cell cells[2];
	GError *err = NULL;
	bool missing;
	GPtrArray *cdf;
	char *md, *html;
	int i;

	ASSERT_EQ(g_mkdir_with_parents(dir, 0755), 0);
	s.name = (char *)"censored";
	s.file = (char *)"no/such/spec.json";
	s.seed = 7;
	s.scenarios = 50;
	s.world.deadline = 600 * SIM_S;
	s.baseline = (char *)"k3s";
	str.nodes_ready = 150;	/* of 250: 40% not Ready */
	str.join_p50 = str.join_p90 = str.join_p99 = INFINITY;
	str.join_max = INFINITY;
	for (i = 60; i < STATS_CDF_POINTS; i++)
		str.join_cdf[i] = INFINITY;
	/* restricted mean: 0.6 x (joined mean) + 0.4 x 600 s */
	str.joined_mean = 0.1;
	str.join_rmean = 0.6 * 0.1 + 0.4 * 600;
	k3s.joined_mean = k3s.join_rmean;
	k3s.joined_p50 = k3s.join_p50;
	cells[0] = (struct out_cell){ .policy = "k3s", .sum = k3s };
	cells[1] = (struct out_cell){ .policy = "stranding", .sum = str,
				      .vs = &vs };
	if (!output_write_json(path, &s, cells, 2, COMMAND, &err))
		TEST_FAIL("output_write_json: %s", err->message);
	if (!plot_results(dir, &missing, &err))
		TEST_FAIL("plot_results: %s", err->message);
	/* the CDF stops at the first quantile beyond the deadline, 0.60 */
	cdf = read_dat(dir, "plots/cdf.dat", true);
	ASSERT_EQ(cdf->len, 2);
	ASSERT_EQ(block_len(cdf, 0), 101);
	ASSERT_EQ(block_len(cdf, 1), 60);
	for (i = 0; i < 60; i++)	/* over every node: ready_pct = q */
		ASSERT_SAME(fnum(cdf, 1, (guint)i, 2), (double)i);
	g_ptr_array_unref(cdf);
	check_report(dir, names);
	md = slurp(dir, "report.md");
	html = slurp(dir, "report.html");
	ASSERT_STR_CONTAINS(md, "restricted mean (mean of min(join time, "
			    "deadline))");
	ASSERT_STR_CONTAINS(md, "| policy | success [95% CI] | restricted "
			    "mean | p50 |");
	/* 0.6 x 0.1 + 0.4 x 600 = 240.06 s; p50 .. max beyond */
	ASSERT_STR_CONTAINS(md, "| 240 s | > deadline | > deadline | "
			    "> deadline | > deadline |");
	ASSERT_STR_CONTAINS(html, "&gt; deadline");
	/* the joined-only figures, apart and labelled */
	ASSERT_STR_CONTAINS(md, "Join time over the nodes that joined only "
			    "(conditional on joining)");
	ASSERT_STR_CONTAINS(md, "| stranding | 150 of 250 | 100 ms |");
	/* the CDF's note: 1 - 150 / 250 = 40% not Ready */
	ASSERT_STR_CONTAINS(md, "Not Ready by the deadline (where the line "
			    "stops): stranding 40%.");
	/* methods, resamples, comparisons: the writer counts the 4 finite
	 * p-values, 4 / 20 = 0.2 expected by chance */
	ASSERT_STR_CONTAINS(md, "Tango's score interval for paired "
			    "proportions");
	ASSERT_STR_CONTAINS(md, "percentile bootstrap with 10000 resamples");
	ASSERT_STR_CONTAINS(md, "with 4 comparisons at 95%, about 0.2 starred "
			    "intervals");
	/* faster among the joined, slower by the censored figures */
	ASSERT_STR_CONTAINS(md, "stranding joins 5.0 s slower in restricted "
			    "mean than k3s, 95% CI 4.0 to 6.0 s. Significant "
			    "also after Holm's adjustment.");
	ASSERT(!strstr(md, "faster in restricted mean") &&
	       !strstr(md, "faster at p"));
	ASSERT_STR_CONTAINS(md, "stranding joins at least 598 s slower at "
			    "p99");
	ASSERT_STR_CONTAINS(md, "rests on only 12 nodes beyond the p99");
	ASSERT_STR_CONTAINS(md, "stranding and k3s are both beyond the "
			    "deadline at p50");
	ASSERT_STR_CONTAINS(md, "30.0 percentage points fewer scenarios than "
			    "k3s, 95% CI 1.0 to 45.0 points. Not significant "
			    "after Holm's adjustment");
	g_free(md);
	g_free(html);
	g_free(path);
	g_free(dir);
}


static void test_policies(void)
{
	static const char *const names[] = { "cdf", "success", "load", NULL };
	char *dir = make_results("policies", 0);
	cJSON *j = load_json(dir);
	const cJSON *cells = cJSON_GetObjectItem(j, "results");
	GPtrArray *cdf, *suc, *load;
	GError *err = NULL;
	bool missing = true;
	int c, k;

	if (!plot_results(dir, &missing, &err))
		TEST_FAIL("plot_results: %s", err->message);
	ASSERT_EQ(missing, !have_gnuplot);

	cdf = read_dat(dir, "plots/cdf.dat", true);
	suc = read_dat(dir, "plots/success.dat", false);
	load = read_dat(dir, "plots/load.dat", false);
	ASSERT_EQ(cdf->len, 2);
	ASSERT_EQ(suc->len, 1);
	ASSERT_EQ(block_len(suc, 0), 2);
	for (c = 0; c < 2; c++) {
		const cJSON *cell = cJSON_GetArrayItem(cells, c);
		const cJSON *q = cJSON_GetObjectItem(cell, "join_time_cdf_s");

		ASSERT_EQ(block_len(cdf, (guint)c), 101);
		for (k = 0; k <= 100; k++) {
			double t = cJSON_GetArrayItem(q, k)->valuedouble;

			ASSERT_SAME(fnum(cdf, (guint)c, (guint)k, 0), k / 100.0);
			ASSERT_SAME(fnum(cdf, (guint)c, (guint)k, 1), t);
			/* the CDF is over every node (re)started */
			ASSERT_SAME(fnum(cdf, (guint)c, (guint)k, 2),
				    100.0 * (k / 100.0));
		}
		ASSERT_STR_EQ(field(suc, 0, (guint)c, 1),
			      cJSON_GetObjectItem(cell, "policy")->valuestring);
		ASSERT_SAME(fnum(suc, 0, (guint)c, 3),
			    100 * jget(cell, "success", "rate"));
		ASSERT_SAME(fnum(suc, 0, (guint)c, 4), 100 *
			    cJSON_GetArrayItem(cJSON_GetObjectItem(
				cJSON_GetObjectItem(cell, "success"), "ci95"),
				0)->valuedouble);
		ASSERT_SAME(fnum(suc, 0, (guint)c, 5), 100 *
			    cJSON_GetArrayItem(cJSON_GetObjectItem(
				cJSON_GetObjectItem(cell, "success"), "ci95"),
				1)->valuedouble);
		ASSERT_SAME(fnum(suc, 0, (guint)c, 6),
			    jget(cell, "success", "count"));
		ASSERT_SAME(fnum(load, 0, (guint)c, 3),
			    jget(cell, "requests_per_join", NULL));
		ASSERT_SAME(fnum(load, 0, (guint)c, 4),
			    jget(cell, "dials_per_join", "mean"));
		ASSERT_SAME(fnum(load, 0, (guint)c, 5),
			    jget(cell, "failed_dials_per_join", NULL));
		ASSERT_SAME(fnum(load, 0, (guint)c, 6),
			    jget(cell, "fatal_restarts_per_scenario", NULL));
	}
	ASSERT(exists(dir, "plots/redraw.sh"));
	ASSERT(!exists(dir, "plots/sweep.dat"));
	check_pictures(dir, names);
	check_report(dir, names);
	{
		char *md = slurp(dir, "report.md");

		/* the paired comparisons, in sentences */
		ASSERT_STR_CONTAINS(md, "alt joins 2.3 s faster at p99 than "
				    "k3s, 95% CI 1.9 to 2.7 s.");
		ASSERT_STR_CONTAINS(md, "alt and k3s do not differ detectably "
				    "in success rate: -2.0 points, 95% CI "
				    "-5.0 to 1.0.");
		ASSERT_STR_CONTAINS(md, "alt joins 200 ms slower in restricted "
				    "mean than k3s, 95% CI 100 to 300 ms.");
		ASSERT_STR_CONTAINS(md, "| k3s | 100.0% [80.0, 100.0] |");
		/* the spec file is gone: said so, in one place */
		ASSERT_STR_CONTAINS(md, "no/such/spec.json");
		g_free(md);
	}
	g_ptr_array_unref(cdf);
	g_ptr_array_unref(suc);
	g_ptr_array_unref(load);
	cJSON_Delete(j);
	g_free(dir);
}

static void test_sweep_one_axis(void)
{
	static const char *const names[] = {
		"cdf", "success", "load", "sweep-success", "sweep-join", NULL,
	};
	char *dir = make_results("sweep1", 1);
	cJSON *j = load_json(dir);
	const cJSON *cells = cJSON_GetObjectItem(j, "results");
	GPtrArray *sw, *suc;
	GError *err = NULL;
	bool missing;
	int p, v;

	if (!plot_results(dir, &missing, &err))
		TEST_FAIL("plot_results: %s", err->message);
	sw = read_dat(dir, "plots/sweep.dat", true);
	ASSERT_EQ(sw->len, 2);		/* a block per policy */
	for (p = 0; p < 2; p++) {
		ASSERT_EQ(block_len(sw, (guint)p), 2);
		for (v = 0; v < 2; v++) {
			/* cells: (2s: k3s, alt), (5s: k3s, alt) */
			const cJSON *cell = cJSON_GetArrayItem(cells, v * 2 + p);

			ASSERT_SAME(fnum(sw, (guint)p, (guint)v, 0), v ? 5 : 2);
			ASSERT_STR_EQ(field(sw, (guint)p, (guint)v, 1),
				      v ? "5s" : "2s");
			ASSERT_SAME(fnum(sw, (guint)p, (guint)v, 2),
				    100 * jget(cell, "success", "rate"));
			ASSERT_SAME(fnum(sw, (guint)p, (guint)v, 5),
				    jget(cell, "join_time_s", "p50"));
			ASSERT_SAME(fnum(sw, (guint)p, (guint)v, 6),
				    jget(cell, "join_time_s", "p99"));
			ASSERT_SAME(fnum(sw, (guint)p, (guint)v, 7),
				    jget(cell, "join_time_s", "mean"));
		}
	}
	/* bars grouped by grid point: every cell, in order */
	suc = read_dat(dir, "plots/success.dat", false);
	ASSERT_EQ(block_len(suc, 0), 4);
	ASSERT_STR_EQ(field(suc, 0, 2, 1), "k3s, k3s.dial_timeout=5s");
	ASSERT_SAME(fnum(suc, 0, 3, 3), 100 * jget(cJSON_GetArrayItem(cells, 3),
						   "success", "rate"));
	check_pictures(dir, names);
	check_report(dir, names);
	g_ptr_array_unref(sw);
	g_ptr_array_unref(suc);
	cJSON_Delete(j);
	g_free(dir);
}

static void test_sweep_two_axes(void)
{
	static const char *const names[] = {
		"cdf", "success", "load", "heatmap-k3s", "heatmap-alt", NULL,
	};
	char *dir = make_results("sweep2", 2);
	cJSON *j = load_json(dir);
	const cJSON *cells = cJSON_GetObjectItem(j, "results");
	GError *err = NULL;
	bool missing;
	int p;

	if (!plot_results(dir, &missing, &err))
		TEST_FAIL("plot_results: %s", err->message);
	/* every grid point of each policy, row by row */
	for (p = 0; p < 2; p++) {
		char *name = g_strdup_printf("plots/heatmap-%s.dat",
					     p ? "alt" : "k3s");
		char *text = slurp(dir, name);
		char **lines = g_strsplit(text, "\n", -1);
		int i, seen = 0;

		for (i = 0; lines[i]; i++) {
			int ix, iy;
			double rate, p99;
			char xv[16], yv[16];
			const cJSON *cell;

			if (!*lines[i] || lines[i][0] == '#')
				continue;
			ASSERT_EQ(sscanf(lines[i], "%d %d \"%15[^\"]\" "
					 "\"%15[^\"]\" %lf %lf", &ix, &iy, xv,
					 yv, &rate, &p99), 6);
			cell = cJSON_GetArrayItem(cells, (ix * 2 + iy) * 2 + p);
			ASSERT_STR_EQ(xv, ix ? "5s" : "2s");
			ASSERT_STR_EQ(yv, iy ? "2s" : "1s");
			ASSERT_SAME(rate, 100 * jget(cell, "success", "rate"));
			ASSERT_SAME(p99, jget(cell, "join_time_s", "p99"));
			seen++;
		}
		ASSERT_EQ(seen, 4);
		g_strfreev(lines);
		g_free(text);
		g_free(name);
	}
	check_pictures(dir, names);
	check_report(dir, names);
	cJSON_Delete(j);
	g_free(dir);
}

/* Without gnuplot: the data, no pictures, TRUE, and the flag set; the
 * report says the plots are not drawn. */
static void test_gnuplot_missing(void)
{
	char *dir = make_results("nognuplot", 0);
	char *path = g_strdup(g_getenv("PATH"));
	GError *err = NULL;
	bool missing = false;
	char *md;

	g_setenv("PATH", tmp_root, TRUE);
	ASSERT(plot_results(dir, &missing, &err));
	g_setenv("PATH", path, TRUE);
	ASSERT(missing);
	ASSERT(exists(dir, "plots/cdf.dat"));
	ASSERT(exists(dir, "plots/success.dat"));
	ASSERT(!exists(dir, "plots/cdf.svg"));
	ASSERT(report_write(dir, &err));
	md = slurp(dir, "report.md");
	ASSERT_STR_CONTAINS(md, "not drawn");
	ASSERT_STR_CONTAINS(md, "plots/cdf.dat");
	g_free(md);
	g_free(path);
	g_free(dir);
}

static void expect_input_error(const char *dir, const char *needle)
{
	GError *err = NULL;
	bool missing;

	ASSERT(!plot_results(dir, &missing, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_INPUT));
	ASSERT_STR_CONTAINS(err->message, "results.json");
	ASSERT_STR_CONTAINS(err->message, needle);
	ASSERT(!strchr(err->message, '\n'));
	g_clear_error(&err);
	ASSERT(!report_write(dir, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_INPUT));
	g_clear_error(&err);
}

static void test_bad_results(void)
{
	char *dir = g_build_filename(tmp_root, "bad", NULL);
	char *path = g_build_filename(dir, "results.json", NULL);

	expect_input_error(dir, "no such file");
	ASSERT_EQ(g_mkdir_with_parents(dir, 0755), 0);
	ASSERT(g_file_set_contents(path, "{ \"spec\": ", -1, NULL));
	expect_input_error(dir, "JSON");
	ASSERT(g_file_set_contents(path, "{\"spec\": \"x\", \"seed\": 1, "
				   "\"scenarios\": 5, \"results\": "
				   "[{\"policy\": \"k3s\", \"params\": {}}]}",
				   -1, NULL));
	expect_input_error(dir, "results[0].success: missing");
	ASSERT(g_file_set_contents(path, "{\"spec\": \"x\", \"seed\": 1, "
				   "\"scenarios\": 5, \"axes\": [\"d\"], "
				   "\"results\": [{\"policy\": \"k3s\", "
				   "\"params\": {\"d\": \"fast\"}}]}", -1, NULL));
	expect_input_error(dir, "results[0].params.d: expected a duration");
	ASSERT(g_file_set_contents(path, "{\"spec\": \"x\", \"seed\": 1, "
				   "\"scenarios\": 5, \"results\": []}", -1,
				   NULL));
	expect_input_error(dir, "no cells");
	g_free(path);
	g_free(dir);
}

/* gnuplot failing (scripts not found) is an internal error, one line. */
static void test_gnuplot_fails(void)
{
	char *dir;
	GError *err = NULL;
	bool missing;

	if (!have_gnuplot) {
		printf("    skipped: gnuplot missing\n");
		return;
	}
	dir = make_results("badscripts", 0);
	g_setenv("SELSIM_PLOTS_DIR", tmp_root, TRUE);
	ASSERT(!plot_results(dir, &missing, &err));
	g_unsetenv("SELSIM_PLOTS_DIR");
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_INTERNAL));
	ASSERT_STR_CONTAINS(err->message, "gnuplot");
	ASSERT(!strchr(err->message, '\n'));
	ASSERT(!exists(dir, "plots/cdf.tmp.svg"));
	g_error_free(err);
	g_free(dir);
}

static const char trace_tsv[] =
	"# demo, scenario 0, seed 1, policy k3s\n"
	"# columns: time_s, kind, node, peer, text, failure\n"
	"0.000000000\tfailure\tetcd-1\t-\tfailure: stop etcd-1\t0\n"
	"5.000000000\tfailure\t-\t-\tfailure: AZ b out\t1\n"
	"12.000000000\tfailure\t-\t-\tfailure: partition 3 begins: agent-1 cut off from every other node\t3\n"
	"10.000000000\tfailure\tcp-1\t-\tfailure: restart cp-1\t2\n"
	"10.000000000\tstart\tcp-1\t-\tcp-1: k3s starts (control-plane)\t-1\n"
	"10.000100000\tdial\tcp-1\tetcd-1\tcp-1: dial etcd-1 (supervisor LB)\t-1\n"
	"10.000200000\tdial_refused\tcp-1\tetcd-1\tcp-1: dial etcd-1 refused\t-1\n"
	"10.000200000\tdial\tcp-1\tetcd-2\tcp-1: dial etcd-2 (supervisor LB)\t-1\n"
	"20.000200000\tdial_timeout\tcp-1\tetcd-2\tcp-1: dial etcd-2 timed out\t-1\n"
	"20.000200000\tdial\tcp-1\tetcd-3\tcp-1: dial etcd-3 (supervisor LB)\t-1\n"
	"20.001000000\tdial_ok\tcp-1\tetcd-3\tcp-1: dial etcd-3 ok\t-1\n"
	"20.002000000\tlb_state\tcp-1\tetcd-3\tcp-1: supervisor LB: etcd-3 x\t-1\n"
	"22.000000000\tfailure_end\t-\t-\tfailure ends: partition 3 heals\t3\n"
	"25.000000000\tfailure_end\t-\t-\tfailure ends: AZ b back\t1\n"
	"21.000000000\tready\tcp-1\t-\tcp-1: Ready\t-1\n"
	"30.000000000\tfailure\tagent-1\t-\tfailure: restart agent-1\t4\n"
	"30.000000000\tstart\tagent-1\t-\tagent-1: k3s starts (agent)\t-1\n"
	"31.000000000\tfatal\tagent-1\t-\tagent-1: fatal: x; the process exits\t-1\n"
	/* a failover story: agent-2 notices, fails a renewal, goes NotReady,
	 * is back through cp-2 and Ready again; agent-3 stays NotReady */
	"32.000000000\tconn\tagent-2\tcp-1\tagent-2: kubelet connection to cp-1 closed: HTTP/2 ping unanswered for 15s (nothing read for 45s)\t-1\n"
	"32.500000000\tconn\tagent-2\tcp-1\tagent-2: kubelet connection to cp-1: nothing read for 30s: HTTP/2 ping\t-1\n"
	"33.000000000\tlease\tagent-2\tcp-1\tagent-2: lease update failed (timed out); last renewal 20.1s ago\t-1\n"
	"34.000000000\tnode_state\tagent-2\t-\tagent-2: NotReady (lease 50.5s old)\t-1\n"
	"35.000000000\tconn\tagent-2\tcp-2\tagent-2: API back through cp-2, 5.0s after the failure\t-1\n"
	"36.000000000\tnode_state\tagent-2\t-\tagent-2: Ready again\t-1\n"
	"37.000000000\tnode_state\tagent-3\t-\tagent-3: NotReady (lease 51.0s old)\t-1\n"
	"# ended at 40.000000s after 99 events: FAILOVER FAILED\n";

static void test_trace(void)
{
	char *tsv = g_build_filename(tmp_root, "trace.tsv", NULL);
	char *prefix = g_build_filename(tmp_root, "timeline", NULL);
	GPtrArray *b;
	GError *err = NULL;
	bool missing;

	ASSERT(g_file_set_contents(tsv, trace_tsv, -1, NULL));
	if (!timeline_plot(tsv, prefix, &missing, &err))
		TEST_FAIL("timeline_plot: %s", err->message);
	ASSERT_EQ(missing, !have_gnuplot);
	b = read_dat(tmp_root, "timeline.dat", false);
	ASSERT_EQ(b->len, 11);
	/* rows in order of appearance */
	ASSERT_EQ(block_len(b, 0), 8);
	ASSERT_STR_EQ(field(b, 0, 0, 1), "etcd-1");
	ASSERT_STR_EQ(field(b, 0, 1, 1), "cp-1");
	ASSERT_STR_EQ(field(b, 0, 2, 1), "etcd-2");
	ASSERT_STR_EQ(field(b, 0, 4, 1), "agent-1");
	/* the stop lasts to the end of the trace */
	ASSERT_EQ(block_len(b, 1), 1);
	ASSERT_SAME(fnum(b, 1, 0, 0), 0);
	ASSERT_SAME(fnum(b, 1, 0, 1), 40);
	ASSERT_SAME(fnum(b, 1, 0, 3), 1);
	/* failures of no one node pair by failure id: the partition 12 s
	 * to 22 s (not to the end), the AZ outage 5 s to 25 s */
	ASSERT_EQ(block_len(b, 2), 2);
	ASSERT_SAME(fnum(b, 2, 0, 0), 12);
	ASSERT_SAME(fnum(b, 2, 0, 1), 22);
	ASSERT_STR_CONTAINS(field(b, 2, 0, 2), "partition 3 begins");
	ASSERT_SAME(fnum(b, 2, 1, 0), 5);
	ASSERT_SAME(fnum(b, 2, 1, 1), 25);
	ASSERT_STR_EQ(field(b, 2, 1, 2), "AZ b out");
	/* joins: cp-1 Ready at 21, agent-1 fatal at 31 */
	ASSERT_EQ(block_len(b, 3), 2);
	ASSERT_SAME(fnum(b, 3, 0, 1), 21);
	ASSERT_SAME(fnum(b, 3, 0, 3), 1);
	ASSERT_SAME(fnum(b, 3, 1, 3), 2);
	/* dials: refused, timed out (10 s wait), ok */
	ASSERT_EQ(block_len(b, 4), 3);
	ASSERT_SAME(fnum(b, 4, 0, 3), 2);
	ASSERT_SAME(fnum(b, 4, 1, 3), 3);
	ASSERT_NEAR(fnum(b, 4, 1, 1) - fnum(b, 4, 1, 0), 10, 1e-9);
	ASSERT_SAME(fnum(b, 4, 2, 3), 1);
	/* Ready, fatal, restarts */
	ASSERT_EQ(block_len(b, 5), 1);
	ASSERT_EQ(block_len(b, 6), 1);
	ASSERT_EQ(block_len(b, 7), 2);
	/* NotReady: agent-2 (row 5) 34 s to 36 s, agent-3 (row 7) from 37 s
	 * to the end */
	ASSERT_STR_EQ(field(b, 0, 5, 1), "agent-2");
	ASSERT_EQ(block_len(b, 8), 2);
	ASSERT_SAME(fnum(b, 8, 0, 0), 34);
	ASSERT_SAME(fnum(b, 8, 0, 1), 36);
	ASSERT_SAME(fnum(b, 8, 0, 2), 5);
	ASSERT_SAME(fnum(b, 8, 1, 0), 37);
	ASSERT_SAME(fnum(b, 8, 1, 1), 40);
	ASSERT_SAME(fnum(b, 8, 1, 2), 7);
	/* marks: broken at 32 (not the ping at 32.5), lease failed at 33,
	 * API back at 35 */
	ASSERT_EQ(block_len(b, 9), 3);
	ASSERT_SAME(fnum(b, 9, 0, 0), 32);
	ASSERT_SAME(fnum(b, 9, 0, 2), 1);
	ASSERT_SAME(fnum(b, 9, 1, 2), 2);
	ASSERT_SAME(fnum(b, 9, 2, 0), 35);
	ASSERT_SAME(fnum(b, 9, 2, 2), 3);
	/* the failures of one node where they begin: the stop of etcd-1
	 * (restarts are ticks of block 7) */
	ASSERT_EQ(block_len(b, 10), 1);
	ASSERT_SAME(fnum(b, 10, 0, 0), 0);
	ASSERT_STR_EQ(field(b, 10, 0, 1), "stop etcd-1");
	g_ptr_array_unref(b);
	if (have_gnuplot) {
		char *svg = slurp(tmp_root, "timeline.svg");

		ASSERT_STR_CONTAINS(svg, "</svg>");
		ASSERT_STR_CONTAINS(svg, "agent-1");
		g_free(svg);
	} else {
		printf("    skipped: gnuplot missing\n");
	}

	/* a trace of five columns (before the failure id) still reads; its
	 * AZ outage, unpaired, lasts to the end */
	ASSERT(g_file_set_contents(tsv, "# old\n"
				   "5.0\tfailure\t-\t-\tfailure: AZ b out\n"
				   "6.0\tready\tcp-1\t-\tcp-1: Ready\n"
				   "25.0\tfailure_end\t-\t-\tfailure ends: "
				   "AZ b back\n"
				   "# ended at 40.000000s after 3 events: x\n",
				   -1, NULL));
	if (!timeline_plot(tsv, prefix, &missing, &err))
		TEST_FAIL("timeline_plot: %s", err->message);
	b = read_dat(tmp_root, "timeline.dat", false);
	ASSERT_EQ(block_len(b, 2), 1);
	ASSERT_SAME(fnum(b, 2, 0, 0), 5);
	ASSERT_SAME(fnum(b, 2, 0, 1), 40);
	g_ptr_array_unref(b);

	/* bad input: the file and the line */
	ASSERT(g_file_set_contents(tsv, "# x\n1.0\tready\n", -1, NULL));
	ASSERT(!timeline_plot(tsv, prefix, &missing, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_INPUT));
	ASSERT_STR_CONTAINS(err->message, "trace.tsv:2:");
	g_clear_error(&err);
	ASSERT(g_file_set_contents(tsv, "# x\n1.0\tready\tcp-1\t-\tReady\tx\n",
				   -1, NULL));
	ASSERT(!timeline_plot(tsv, prefix, &missing, &err));
	ASSERT_STR_CONTAINS(err->message, "trace.tsv:2:");
	g_clear_error(&err);
	ASSERT(g_file_set_contents(tsv, "# nothing\n", -1, NULL));
	ASSERT(!timeline_plot(tsv, prefix, &missing, &err));
	ASSERT_STR_CONTAINS(err->message, "no trace events");
	g_clear_error(&err);
	g_free(tsv);
	g_free(prefix);
}

int main(void)
{
	plot_files_init("selsim-plot-XXXXXX");
	if (!have_gnuplot)
		printf("gnuplot missing: picture checks skipped\n");
	TEST_RUN(test_policies);
	TEST_RUN(test_censored);
	TEST_RUN(test_sweep_one_axis);
	TEST_RUN(test_sweep_two_axes);
	TEST_RUN(test_gnuplot_missing);
	TEST_RUN(test_bad_results);
	TEST_RUN(test_gnuplot_fails);
	TEST_RUN(test_trace);
	plot_files_release();
	return 0;
}
