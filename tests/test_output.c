/* Output writers: the results.json contract, CSV, atomic writes, the table. */
#include "experiments/output.h"
#include "sim/error.h"
#include "test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <glib/gstdio.h>

#define BIG_SEED UINT64_C(18446744073709551615)

static sim_time grid_a[] = { 2 * SIM_S };
static sim_time grid_b[] = { 5 * SIM_S + 250 * SIM_MS };

static struct spec_axis axis = {
	.key = "k3s.dial_timeout",
	.policy = "k3s",
	.values = grid_a,
	.n_values = 1,
};

/* A spec as the loader would leave it, by hand; @n_axes 0 or 1. */
static void make_spec(struct spec *s, size_t n_axes)
{
	memset(s, 0, sizeof(*s));
	s->file = "experiments/specs/first-etcd-down.json";
	s->name = "first-etcd-down";
	s->seed = BIG_SEED;
	s->scenarios = 3;
	s->baseline = "k3s";
	s->world.deadline = 10 * SIM_MIN;
	s->axes = n_axes ? &axis : NULL;
	s->n_axes = n_axes;
}

/* The second cell against the first: every kind of value, NAN included. */
static const struct stats_paired vs_b = {
	.success_rate = { -2.0 / 3.0, { -1.0, -0.3333333333333333 }, true,
			  0.01, 0.04, true, STATS_EXACT },
	/* a starred interval near 0: the table must not print [-0.00,
	 * -0.00] */
	.join_mean_s = { -0.0025, { -0.004, -0.001 }, true, 0.002, 0.06,
			 false, STATS_EXACT },
	.join_p50_s = { NAN, { NAN, NAN }, false, NAN, NAN, false,
			STATS_BOTH_BEYOND },
	.join_p99_s = { 1.5, { 0.1, 2.75 }, true, 0.03, 0.06, false,
			STATS_AT_LEAST },
	.resamples = 1000,
	.discordant_better = 0,
	.discordant_worse = 2,
	.tail_n = 1,
	.tail_warning = true,
};

/* Two cells: the baseline, with one of four counted nodes not joined
 * (quantiles from p90 on beyond the deadline), and one where no node
 * joined (every censored figure beyond, the joined-only ones NAN),
 * compared with the first. */
static void make_cells(struct out_cell cells[2], size_t n_axes)
{
	memset(cells, 0, 2 * sizeof(cells[0]));
	cells[0].policy = "k3s";
	cells[0].grid = n_axes ? grid_a : NULL;
	cells[0].sum = (struct cell_summary){
		.scenarios = 3, .successes = 2, .rate = 2.0 / 3.0,
		.ci95 = { 0.2076, 0.9385 },
		.nodes_counted = 4, .nodes_ready = 3, .deadline_s = 600,
		.join_rmean = 154, .join_p50 = 7, .join_p90 = INFINITY,
		.join_p99 = INFINITY, .join_max = INFINITY,
		.joined_mean = 16.0 / 3.0, .joined_p50 = 4, .joined_p90 = 8.8,
		.joined_p99 = 9.88, .joined_max = 10,
		.dials_per_join = 13.0 / 3.0,
		.failed_dials_per_join = 8.0 / 3.0,
		.timeout_wait_s_per_join = 71.0 / 3.0,
		.requests_per_join = 0.1,
		.fatal_restarts_per_scenario = 2.0 / 3.0,
		.events_per_scenario = 160.0 / 3.0,
	};
	cells[1].policy = "k3s-legacy";
	cells[1].grid = n_axes ? grid_b : NULL;
	cells[1].sum = (struct cell_summary){
		.scenarios = 3, .successes = 0, .rate = 0.0,
		.ci95 = { 0.0, 0.5615 },
		.nodes_counted = 2, .nodes_ready = 0, .deadline_s = 600,
		.join_rmean = 600, .join_p50 = INFINITY, .join_p90 = INFINITY,
		.join_p99 = INFINITY, .join_max = INFINITY,
		.joined_mean = NAN, .joined_p50 = NAN, .joined_p90 = NAN,
		.joined_p99 = NAN, .joined_max = NAN,
		.dials_per_join = NAN, .failed_dials_per_join = NAN,
		.timeout_wait_s_per_join = NAN, .requests_per_join = NAN,
		.fatal_restarts_per_scenario = 1.0,
		.events_per_scenario = 42.0,
	};
	cells[0].baseline = "k3s";
	cells[1].vs = &vs_b;
	cells[1].baseline = "k3s";
}

static char *read_all(const char *path)
{
	char *text = NULL;
	GError *err = NULL;

	if (!g_file_get_contents(path, &text, NULL, &err))
		TEST_FAIL("%s", err->message);
	return text;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir, sorted and comma-separated; caller frees. */
static char *list_dir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	char *joined;

	ASSERT(d);
	while ((name = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	g_ptr_array_add(names, NULL);
	joined = g_strjoinv(",", (char **)names->pdata);
	g_ptr_array_free(names, TRUE);
	return joined;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!j)
		TEST_FAIL("missing key \"%s\"", key);
	return j;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *j = get(o, key);

	if (!cJSON_IsNumber(j))
		TEST_FAIL("\"%s\" is not a number", key);
	return j->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *j = get(o, key);

	if (!cJSON_IsString(j))
		TEST_FAIL("\"%s\" is not a string", key);
	return j->valuestring;
}

static void is_null(const cJSON *o, const char *key)
{
	if (!cJSON_IsNull(get(o, key)))
		TEST_FAIL("\"%s\" is not null", key);
}

/* A number or, for NAN, null. */
static void num_or_null(const cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		ASSERT(num(o, key) == v);
	else
		is_null(o, key);
}

static void check_diff(const cJSON *metrics, const char *key,
		       const struct stats_diff *d, const char *method,
		       size_t n_keys)
{
	const cJSON *o = get(metrics, key);
	const cJSON *ci = get(o, "ci95");
	const cJSON *sig = get(o, "significant");

	ASSERT(cJSON_IsObject(o));
	ASSERT_EQ(cJSON_GetArraySize(o), n_keys);
	ASSERT_STR_EQ(str(o, "method"), method);
	num_or_null(o, "p_value", d->p_value);
	num_or_null(o, "p_holm", d->p_holm);
	ASSERT(!!cJSON_IsTrue(get(o, "significant_holm")) ==
	       d->significant_holm);
	if (n_keys > 7)
		ASSERT_STR_EQ(str(o, "bound"), stats_bound_name(d->bound));
	if (isfinite(d->diff))
		ASSERT(num(o, "diff") == d->diff);
	else
		is_null(o, "diff");
	ASSERT(cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2);
	if (isfinite(d->ci95[0])) {
		ASSERT(cJSON_GetArrayItem(ci, 0)->valuedouble == d->ci95[0]);
		ASSERT(cJSON_GetArrayItem(ci, 1)->valuedouble == d->ci95[1]);
	} else {
		ASSERT(cJSON_IsNull(cJSON_GetArrayItem(ci, 0)));
		ASSERT(cJSON_IsNull(cJSON_GetArrayItem(ci, 1)));
	}
	ASSERT(cJSON_IsBool(sig));
	ASSERT(!!cJSON_IsTrue(sig) == d->significant);
}

/* "vs_baseline" is there with every figure when the cell has vs, and
 * absent otherwise. */
static void check_vs(const cJSON *r, const struct out_cell *c)
{
	const cJSON *vs = cJSON_GetObjectItemCaseSensitive(r, "vs_baseline");
	const cJSON *metrics;

	if (!c->vs) {
		ASSERT(vs == NULL);
		return;
	}
	ASSERT(cJSON_IsObject(vs));
	ASSERT_STR_EQ(str(vs, "baseline"), c->baseline);
	ASSERT(num(vs, "resamples") == c->vs->resamples);
	metrics = get(vs, "metrics");
	ASSERT_EQ(cJSON_GetArraySize(metrics), 4);
	ASSERT(num(get(vs, "discordant_scenarios"), "cell_only") ==
	       (double)c->vs->discordant_better);
	ASSERT(num(get(vs, "discordant_scenarios"), "baseline_only") ==
	       (double)c->vs->discordant_worse);
	check_diff(metrics, "success_rate", &c->vs->success_rate,
		   "tango-score", 7);
	check_diff(metrics, "join_time_mean_s", &c->vs->join_mean_s,
		   "percentile-bootstrap", 7);
	check_diff(metrics, "join_time_p50_s", &c->vs->join_p50_s,
		   "percentile-bootstrap", 8);
	check_diff(metrics, "join_time_p99_s", &c->vs->join_p99_s,
		   "percentile-bootstrap", 10);
	ASSERT(num(get(metrics, "join_time_p99_s"), "tail_nodes") ==
	       (double)c->vs->tail_n);
	ASSERT(!!cJSON_IsTrue(get(get(metrics, "join_time_p99_s"),
				  "tail_warning")) == c->vs->tail_warning);
}

static void check_cell(const cJSON *r, const struct out_cell *c,
		       const char *grid_value)
{
	const struct cell_summary *m = &c->sum;
	const cJSON *params = get(r, "params");
	const cJSON *success = get(r, "success");
	const cJSON *ci = get(success, "ci95");
	const cJSON *join = get(r, "join_time_s");
	const cJSON *joined = get(r, "join_time_joined_s");
	const cJSON *nodes = get(r, "nodes");

	ASSERT_STR_EQ(str(r, "policy"), c->policy);
	ASSERT(cJSON_IsObject(params));
	if (grid_value) {
		ASSERT_EQ(cJSON_GetArraySize(params), 1);
		ASSERT_STR_EQ(str(params, "k3s.dial_timeout"), grid_value);
	} else {
		ASSERT_EQ(cJSON_GetArraySize(params), 0);
	}
	ASSERT(num(r, "scenarios") == (double)m->scenarios);
	ASSERT(num(success, "count") == (double)m->successes);
	/* Numbers read back to the very same double. */
	ASSERT(num(success, "rate") == m->rate);
	ASSERT(cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2);
	ASSERT(cJSON_GetArrayItem(ci, 0)->valuedouble == m->ci95[0]);
	ASSERT(cJSON_GetArrayItem(ci, 1)->valuedouble == m->ci95[1]);
	ASSERT(num(nodes, "counted") == (double)m->nodes_counted);
	ASSERT(num(nodes, "ready") == (double)m->nodes_ready);
	ASSERT(num(r, "fatal_restarts_per_scenario") ==
	       m->fatal_restarts_per_scenario);
	ASSERT(num(r, "events_per_scenario") == m->events_per_scenario);
	/* censored figures: a number, or null with its beyond flag */
	ASSERT(num(join, "restricted_mean") == m->join_rmean);
	ASSERT(num(join, "mean") == m->join_rmean);
	{
		static const char *const q[] = { "p50", "p90", "p99", "max" };
		const double v[] = { m->join_p50, m->join_p90, m->join_p99,
				     m->join_max };
		const cJSON *beyond = get(join, "beyond_deadline");
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(q); i++) {
			ASSERT(!!cJSON_IsTrue(get(beyond, q[i])) ==
			       !!isinf(v[i]));
			num_or_null(join, q[i], v[i]);
		}
	}
	num_or_null(joined, "mean", m->joined_mean);
	num_or_null(joined, "p50", m->joined_p50);
	num_or_null(joined, "p90", m->joined_p90);
	num_or_null(joined, "p99", m->joined_p99);
	num_or_null(joined, "max", m->joined_max);
	if (m->nodes_ready) {
		ASSERT(num(get(r, "dials_per_join"), "mean") ==
		       m->dials_per_join);
		ASSERT(num(r, "failed_dials_per_join") ==
		       m->failed_dials_per_join);
		ASSERT(num(r, "timeout_wait_s_per_join") ==
		       m->timeout_wait_s_per_join);
		ASSERT(num(r, "requests_per_join") == m->requests_per_join);
	} else {
		is_null(get(r, "dials_per_join"), "mean");
		is_null(r, "failed_dials_per_join");
		is_null(r, "timeout_wait_s_per_join");
		is_null(r, "requests_per_join");
	}
	check_vs(r, c);
}

static void check_json(const char *text, size_t n_axes,
		       const struct out_cell cells[2])
{
	cJSON *root = cJSON_Parse(text);
	const cJSON *axes, *results;

	ASSERT(root);
	ASSERT_STR_EQ(str(root, "selsim_version"), SELSIM_VERSION);
	ASSERT_STR_EQ(str(root, "spec"), "first-etcd-down");
	ASSERT_STR_EQ(str(root, "spec_file"),
		      "experiments/specs/first-etcd-down.json");
	/* The seed is written exactly, though a double cannot hold it. */
	ASSERT_STR_CONTAINS(text, "\"seed\":\t18446744073709551615,");
	ASSERT(num(root, "seed") == (double)BIG_SEED);
	ASSERT(num(root, "scenarios") == 3);
	ASSERT(num(root, "deadline_s") == 600);
	ASSERT_STR_EQ(str(root, "baseline"), "k3s");
	ASSERT_STR_EQ(str(root, "command"), "selsim run x.json --seed 1");
	/* one cell with vs, three finite p-values (p50's is NAN) */
	ASSERT(num(root, "comparisons") == 3);
	ASSERT(num(root, "alpha") == 0.05);
	axes = get(root, "axes");
	ASSERT(cJSON_IsArray(axes));
	ASSERT_EQ(cJSON_GetArraySize(axes), n_axes);
	if (n_axes)
		ASSERT_STR_EQ(cJSON_GetArrayItem(axes, 0)->valuestring,
			      "k3s.dial_timeout");
	results = get(root, "results");
	ASSERT(cJSON_IsArray(results));
	ASSERT_EQ(cJSON_GetArraySize(results), 2);
	check_cell(cJSON_GetArrayItem(results, 0), &cells[0],
		   n_axes ? "2s" : NULL);
	check_cell(cJSON_GetArrayItem(results, 1), &cells[1],
		   n_axes ? "5.25s" : NULL);
	ASSERT(text[strlen(text) - 1] == '\n');
	cJSON_Delete(root);
}

static const char *const csv_header_tail =
	"scenarios,success_count,success_rate,success_ci95_lo,"
	"success_ci95_hi,join_time_s_mean,join_time_s_p50,join_time_s_p90,"
	"join_time_s_p99,join_time_s_max,dials_per_join_mean,"
	"failed_dials_per_join,timeout_wait_s_per_join,requests_per_join,"
	"fatal_restarts_per_scenario,nodes_counted,nodes_ready,"
	"events_per_scenario,vs_baseline,success_rate_diff,"
	"success_rate_diff_lo,success_rate_diff_hi,join_p99_diff_s,"
	"join_p99_diff_lo,join_p99_diff_hi,"
	"join_time_s_restricted_mean,join_time_joined_s_mean,"
	"join_time_joined_s_p50,join_time_joined_s_p90,"
	"join_time_joined_s_p99,join_time_joined_s_max,"
	"success_rate_diff_method,success_rate_diff_significant,"
	"success_rate_diff_p,success_rate_diff_p_holm,"
	"success_rate_diff_significant_holm,"
	"join_mean_diff_s,join_mean_diff_lo,join_mean_diff_hi,"
	"join_mean_diff_significant,join_mean_diff_p,join_mean_diff_p_holm,"
	"join_mean_diff_significant_holm,"
	"join_p50_diff_s,join_p50_diff_lo,join_p50_diff_hi,"
	"join_p50_diff_significant,join_p50_diff_p,join_p50_diff_p_holm,"
	"join_p50_diff_significant_holm,join_p50_diff_bound,"
	"join_p99_diff_significant,join_p99_diff_p,join_p99_diff_p_holm,"
	"join_p99_diff_significant_holm,join_p99_diff_bound,"
	"join_p99_tail_nodes,join_p99_tail_warning,bootstrap_resamples";

static void check_csv(const char *text, size_t n_axes)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *header = g_strconcat("policy,",
				   n_axes ? "k3s.dial_timeout," : "",
				   csv_header_tail, NULL);
	size_t i, n_fields = 26 + 6 + 28 + n_axes;

	/* header, two rows, and the empty string after the last newline */
	ASSERT_EQ(g_strv_length(lines), 4);
	ASSERT_STR_EQ(lines[0], header);
	ASSERT_STR_EQ(lines[3], "");
	for (i = 0; i < 3; i++) {
		char **f = g_strsplit(lines[i], ",", -1);

		ASSERT_EQ(g_strv_length(f), n_fields);
		g_strfreev(f);
	}
	if (n_axes) {
		ASSERT_STR_EQ(lines[1],
			      "k3s,2s,3,2,0.6666666666666666,0.2076,0.9385,"
			      "154,7,inf,inf,inf,"
			      "4.333333333333333,2.6666666666666665,"
			      "23.666666666666668,0.1,0.6666666666666666,"
			      "4,3,53.333333333333336,,,,,,,,"
			      "154,5.333333333333333,4,8.8,9.88,10"
			      ",,,,,,,,,,,,,,,,,,,,,,,,,,,,");
		/* No join: censored figures "inf", the others empty
		 * fields, never "nan". */
		ASSERT_STR_EQ(lines[2],
			      "k3s-legacy,5.25s,3,0,0,0,0.5615,"
			      "600,inf,inf,inf,inf,,,,,1,2,0,42,"
			      "k3s,-0.6666666666666666,-1,-0.3333333333333333,"
			      "1.5,0.1,2.75,600,,,,,,"
			      "tango-score,true,0.01,0.04,true,"
			      "-0.0025,-0.004,-0.001,true,0.002,0.06,false,"
			      ",,,false,,,false,both_beyond_deadline,"
			      "true,0.03,0.06,false,at_least,1,true,1000");
	}
	g_strfreev(lines);
	g_free(header);
}

static void test_write(size_t n_axes)
{
	struct spec s;
	struct out_cell cells[2];
	GError *err = NULL;
	char *dir = g_dir_make_tmp("selsim-output-XXXXXX", &err);
	char *jpath, *cpath, *j1, *j2, *c1, *c2, *names, *str_j, *str_c;

	ASSERT(dir);
	make_spec(&s, n_axes);
	make_cells(cells, n_axes);
	jpath = g_build_filename(dir, "results.json", NULL);
	cpath = g_build_filename(dir, "results.csv", NULL);

	ASSERT(output_write_json(jpath, &s, cells, 2,
				 "selsim run x.json --seed 1", &err));
	ASSERT(output_write_csv(cpath, &s, cells, 2,
				"selsim run x.json --seed 1", &err));
	j1 = read_all(jpath);
	c1 = read_all(cpath);
	check_json(j1, n_axes, cells);
	check_csv(c1, n_axes);

	/* Again, over the existing files: the same bytes, no leftovers. */
	ASSERT(output_write_json(jpath, &s, cells, 2,
				 "selsim run x.json --seed 1", &err));
	ASSERT(output_write_csv(cpath, &s, cells, 2,
				"selsim run x.json --seed 1", &err));
	j2 = read_all(jpath);
	c2 = read_all(cpath);
	ASSERT_STR_EQ(j1, j2);
	ASSERT_STR_EQ(c1, c2);
	names = list_dir(dir);
	ASSERT_STR_EQ(names, "results.csv,results.json");

	/* The strings are what the files hold. */
	str_j = output_json_string(&s, cells, 2, "selsim run x.json --seed 1");
	str_c = output_csv_string(&s, cells, 2, NULL);
	ASSERT_STR_EQ(str_j, j1);
	ASSERT_STR_EQ(str_c, c1);

	g_free(str_j);
	g_free(str_c);
	g_free(names);
	g_free(j1);
	g_free(j2);
	g_free(c1);
	g_free(c2);
	ASSERT_EQ(g_remove(jpath), 0);
	ASSERT_EQ(g_remove(cpath), 0);
	ASSERT_EQ(g_rmdir(dir), 0);
	g_free(jpath);
	g_free(cpath);
	g_free(dir);
}

static void test_write_axes0(void)
{
	test_write(0);
}

static void test_write_axes1(void)
{
	test_write(1);
}

/* Numbers print short: 0.9, not 0.90000000000000002, in both formats;
 * whole numbers as integers. */
static void test_short_numbers(void)
{
	struct spec s;
	struct out_cell cells[2];
	char *json, *csv;

	make_spec(&s, 0);
	make_cells(cells, 0);
	cells[0].sum.rate = 0.9;
	cells[0].sum.requests_per_join = 0.1 + 0.2;
	cells[0].sum.events_per_scenario = 160;
	json = output_json_string(&s, cells, 1, NULL);
	csv = output_csv_string(&s, cells, 1, NULL);
	ASSERT_STR_CONTAINS(json, "\"rate\":\t0.9,");
	ASSERT_STR_CONTAINS(csv, ",0.9,");
	ASSERT(!strstr(json, "0.90000000000000002"));
	ASSERT(!strstr(csv, "0.90000000000000002"));
	ASSERT_STR_CONTAINS(csv, ",0.30000000000000004,");
	ASSERT_STR_CONTAINS(csv, ",4,3,160,,");
	g_free(json);
	g_free(csv);
}

/* NULL strings are JSON null, not a crash. */
static void test_json_nulls(void)
{
	struct spec s;
	struct out_cell cells[2];
	char *text;
	cJSON *root;

	make_spec(&s, 0);
	make_cells(cells, 0);
	s.baseline = NULL;
	text = output_json_string(&s, cells, 0, NULL);
	root = cJSON_Parse(text);
	ASSERT(root);
	is_null(root, "command");
	is_null(root, "baseline");
	ASSERT_EQ(cJSON_GetArraySize(get(root, "results")), 0);
	cJSON_Delete(root);
	g_free(text);
}

static void test_write_fails(void)
{
	struct spec s;
	struct out_cell cells[2];
	GError *err = NULL;
	char *dir = g_dir_make_tmp("selsim-output-XXXXXX", &err);
	char *missing, *sub, *names;

	ASSERT(dir);
	make_spec(&s, 1);
	make_cells(cells, 1);

	/* A folder that does not exist: the temporary file cannot be made. */
	missing = g_build_filename(dir, "missing", "results.json", NULL);
	ASSERT(!output_write_json(missing, &s, cells, 2, NULL, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_IO));
	ASSERT_STR_CONTAINS(err->message, missing);
	ASSERT_STR_CONTAINS(err->message, g_strerror(ENOENT));
	g_clear_error(&err);
	ASSERT(!output_write_csv(missing, &s, cells, 2, NULL, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_IO));
	g_clear_error(&err);

	/* A folder in the way: the temporary file is written, the rename
	 * fails, and the temporary file goes. */
	sub = g_build_filename(dir, "taken", NULL);
	ASSERT_EQ(g_mkdir(sub, 0700), 0);
	ASSERT(!output_write_json(sub, &s, cells, 2, NULL, &err));
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_IO));
	ASSERT_STR_CONTAINS(err->message, sub);
	g_clear_error(&err);
	names = list_dir(dir);
	ASSERT_STR_EQ(names, "taken");

	g_free(names);
	ASSERT_EQ(g_rmdir(sub), 0);
	ASSERT_EQ(g_rmdir(dir), 0);
	g_free(sub);
	g_free(missing);
	g_free(dir);
}

static void test_table(void)
{
	struct spec s;
	struct out_cell cells[2];
	char *buf = NULL, *buf2 = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	char **lines;

	ASSERT(f);
	make_spec(&s, 1);
	make_cells(cells, 1);
	output_print_table(f, &s, cells, 2);
	ASSERT_EQ(fclose(f), 0);
	printf("%s", buf);

	lines = g_strsplit(buf, "\n", -1);
	/* the table and its note, a blank line, the paired section: its
	 * title (two lines, a third for the tail warning), header and one
	 * line for the one cell with vs */
	ASSERT_EQ(g_strv_length(lines), 11);
	ASSERT_STR_CONTAINS(lines[0], "policy");
	ASSERT_STR_CONTAINS(lines[0], "k3s.dial_timeout");
	ASSERT_STR_CONTAINS(lines[0], "p99");
	ASSERT_STR_CONTAINS(lines[0], "restricted mean s");
	ASSERT_STR_CONTAINS(lines[1], "66.7% [20.8, 93.8]");
	ASSERT_STR_CONTAINS(lines[1], "154.00");
	ASSERT_STR_CONTAINS(lines[1], "7.00  > deadline");
	ASSERT_STR_CONTAINS(lines[1], "4.33");
	ASSERT_STR_CONTAINS(lines[2], "k3s-legacy");
	ASSERT_STR_CONTAINS(lines[2], "5.25s");
	ASSERT_STR_CONTAINS(lines[2], " -");
	ASSERT(!strstr(buf, "nan") && !strstr(buf, "inf"));
	/* Aligned: every line as long as the header. */
	for (i = 1; i < 3; i++)
		ASSERT_EQ(strlen(lines[i]), strlen(lines[0]));
	ASSERT_STR_CONTAINS(lines[3], "restricted mean = mean of min(join "
			    "time, deadline)");
	ASSERT_STR_EQ(lines[4], "");
	ASSERT_STR_CONTAINS(lines[5], "paired differences vs k3s");
	ASSERT_STR_CONTAINS(lines[5], "Tango");
	ASSERT_STR_CONTAINS(lines[5], "(1000 resamples)");
	ASSERT_STR_CONTAINS(lines[6], "Holm's adjustment over all 3 "
			    "comparisons");
	ASSERT_STR_CONTAINS(lines[7], "! = fewer than 50 nodes beyond");
	ASSERT_STR_CONTAINS(lines[8], "policy");
	ASSERT_STR_CONTAINS(lines[8], "k3s.dial_timeout");
	ASSERT(!strncmp(lines[9], "k3s-legacy", 10));
	ASSERT_STR_CONTAINS(lines[9], "5.25s");
	ASSERT_STR_CONTAINS(lines[9], "-66.7 [-100.0, -33.3] **");
	/* a starred interval keeps its digits: never [-0.00, -0.00] */
	ASSERT_STR_CONTAINS(lines[9], "-0.0025 [-0.0040, -0.0010] *");
	ASSERT(!strstr(buf, "-0.00]") && !strstr(buf, "[-0.00,"));
	/* a lower bound, with the tail warning */
	ASSERT_STR_CONTAINS(lines[9], ">=+1.50 [+0.10, +2.75] * !");
	ASSERT_STR_EQ(lines[10], "");
	g_strfreev(lines);

	/* Without any vs: no section. */
	f = open_memstream(&buf2, &len);
	ASSERT(f);
	cells[1].vs = NULL;
	output_print_table(f, &s, cells, 2);
	ASSERT_EQ(fclose(f), 0);
	ASSERT(!strstr(buf2, "paired"));
	ASSERT_EQ(strlen(buf2), strlen(buf) - strlen(strstr(buf, "\n\n")) + 1);
	free(buf2);
	free(buf);
}

int main(void)
{
	TEST_RUN(test_write_axes0);
	TEST_RUN(test_write_axes1);
	TEST_RUN(test_json_nulls);
	TEST_RUN(test_short_numbers);
	TEST_RUN(test_write_fails);
	TEST_RUN(test_table);
	return 0;
}
