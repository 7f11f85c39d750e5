/*
 * Study specs (experiments/study_spec.h): the shipped ones load with their
 * values and defaults, a name with quotes loads as written, and every kind
 * of bad study spec gives one line naming the file, the JSON path and
 * what would be valid.
 *
 * Specs are written with single quotes for readability; json() turns them
 * into double quotes (a name that needs an apostrophe is written by hand).
 */
#include "experiments/study_spec.h"
#include "sim/error.h"
#include "test.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

static char *dir;

/* Writes @text (single quotes made double unless @raw) to a new file in
 * the test folder; caller frees the path. */
static char *write_spec(const char *text, bool raw)
{
	static int n;
	char *path = g_strdup_printf("%s/s%d.json", dir, n++);
	char *s = g_strdup(text), *p;

	for (p = s; !raw && *p; p++)
		if (*p == '\'')
			*p = '"';
	if (!g_file_set_contents(path, s, -1, NULL))
		TEST_FAIL("cannot write %s", path);
	g_free(s);
	return path;
}

static void load_ok(const char *path, struct study *st)
{
	GError *err = NULL;

	if (!study_load(path, st, &err))
		TEST_FAIL("%s", err->message);
}

static void test_shipped(void)
{
	struct study st;

	load_ok("experiments/specs/queueing.json", &st);
	ASSERT(st.queueing);
	ASSERT_STR_EQ(st.name, "queueing");
	ASSERT_EQ(st.seed, 1);
	ASSERT_EQ(st.requests, 200000);
	ASSERT_EQ(st.servers, 20);
	ASSERT_EQ(st.workers, 1);
	ASSERT_EQ(st.n_x, 5);
	ASSERT_NEAR(st.x[4], 0.95, 0);
	ASSERT_EQ(st.n_series, 4);
	ASSERT_STR_EQ(st.series[0].label, "random");
	ASSERT_STR_EQ(st.series[2].label, "power of two (p2c)");
	ASSERT_STR_EQ(st.series[3].own_name, "choice_count");
	ASSERT_NEAR(st.series[3].own_value, 20, 0);
	ASSERT_NEAR(dist_mean(&st.service), 1, 1e-12);
	study_release(&st);

	load_ok("experiments/specs/jitter-study.json", &st);
	ASSERT(!st.queueing);
	ASSERT_EQ(st.runs, 100);
	ASSERT_EQ(st.n_x, 10);
	ASSERT_NEAR(st.x[0], 10, 0);
	ASSERT_NEAR(st.x[9], 190, 0);
	ASSERT_EQ(st.n_series, 5);
	ASSERT_STR_EQ(st.series[4].label, "decorrelated");
	ASSERT(st.has_base && st.has_cap && !st.has_net);
	ASSERT_EQ(st.base, 5 * SIM_MS);
	ASSERT_EQ(st.cap, 2 * SIM_S);
	study_release(&st);
}

/* A study's name is free text: quotes, apostrophes and semicolons load as
 * written (whoever writes the name out escapes it). */
static void test_names(void)
{
	static const char name[] = "Marc's \"study\"; system \"touch "
				   "/tmp/pwned\"";
	struct study st;
	char *path = write_spec(
		"{ \"name\": \"Marc's \\\"study\\\"; system \\\"touch "
		"/tmp/pwned\\\"\", \"workload\": \"queueing\", \"utilisation\": "
		"[0.5], \"policies\": [ { \"policy\": \"p2c\", \"label\": "
		"\"it's \\\"p2c\\\"\" }, \"random\" ] }", true);

	load_ok(path, &st);
	ASSERT_STR_EQ(st.name, name);
	ASSERT_STR_EQ(st.description, "");
	ASSERT_STR_EQ(st.series[0].label, "it's \"p2c\"");
	ASSERT_EQ(st.requests, 200000);	/* defaults */
	ASSERT_EQ(st.servers, 1);
	study_release(&st);
	g_free(path);
}

#define Q "'workload': 'queueing', "
#define Q_OK Q "'utilisation': [0.5], 'policies': ['random']"
#define C "'workload': 'contention', "
#define C_OK C "'clients': [10], 'strategies': ['full']"

static const struct {
	const char *spec;
	const char *want;	/* the message after "FILE: "; with a final
				 * '*', its start (a list of the registry's
				 * names follows) */
} bad[] = {
	{ "[1]", "expected an object, got an array ([1])" },
	{ "{ 'name': 'x' }", "workload: missing (required: \"queueing\" or "
	  "\"contention\" (a K3s experiment runs with selsim run))" },
	{ "{ 'name': 'x', 'workload': 'queue' }", "workload: expected "
	  "\"queueing\" or \"contention\" (a K3s experiment runs with selsim "
	  "run), got 'queue'" },
	{ "{ " Q_OK " }", "name: missing (required: the study's name, one "
	  "line of text)" },
	{ "{ 'name': '', " Q_OK " }", "name: cannot be empty" },
	{ "{ 'name': 5, " Q_OK " }", "name: expected a string, got a number "
	  "(5)" },
	{ "{ 'name': 'a\\nb', " Q_OK " }", "name: 'a\\nb' has a control "
	  "character (it is shown on one line)" },
	{ "{ 'name': 'x', 'description': 1, " Q_OK " }", "description: "
	  "expected a string, got a number (1)" },
	{ "{ 'name': 'x', 'seed': -1, " Q_OK " }", "seed: -1 is not an "
	  "integer from 0 to 9007199254740991" },
	{ "{ 'name': 'x', 'extra': 1, " Q_OK " }", "unknown key 'extra' "
	  "(valid: name, description, workload, seed, requests, servers, "
	  "workers, service_time, utilisation, policies)" },
	{ "{ 'name': 'x', 'seed': 1, 'seed': 2, " Q_OK " }",
	  "duplicate key 'seed'" },
	{ "{ 'name': 'x', 'requests': 10, " Q_OK " }", "requests: 10 is not "
	  "an integer from 1000 to 1000000000" },
	{ "{ 'name': 'x', 'servers': 65, " Q_OK " }", "servers: 65 is not an "
	  "integer from 1 to 64" },
	{ "{ 'name': 'x', 'workers': 'a', " Q_OK " }", "workers: expected an "
	  "integer from 1 to 1000, got a string ('a')" },
	{ "{ 'name': 'x', 'service_time': { 'dist': 'expo' }, " Q_OK " }",
	  "service_time.dist: unknown distribution 'expo' (known: constant, "
	  "uniform, normal, lognormal, gamma, weibull, pareto, exponential, "
	  "empirical)" },
	{ "{ 'name': 'x', 'service_time': '0s', " Q_OK " }", "service_time: "
	  "the mean must be above 0" },
	{ "{ 'name': 'x', " Q "'policies': ['random'] }", "utilisation: "
	  "missing (required: an array of 1 to 64 utilisations)" },
	{ "{ 'name': 'x', " Q "'utilisation': [], 'policies': ['random'] }",
	  "utilisation: 0 utilisations (give 1 to 64)" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5, 1.2], 'policies': "
	  "['random'] }", "utilisation[1]: expected a number in (0, 1) (the "
	  "load per worker), got 1.2" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5] }", "policies: missing "
	  "(required: an array of 1 to 16 policies)" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': ['rr'] }",
	  "policies[0]: unknown policy 'rr' (known: k3s, *" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': ['random', "
	  "{ 'policy': 'p2c', 'choice_count': 500 }] }",
	  "policies[1].choice_count: 500 is out of range (valid: 1 to 64)" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': [ "
	  "{ 'policy': 'p2c', 'bogus': 2 }] }", "policies[0].bogus: not a "
	  "parameter of p2c (a policy takes \"policy\", \"label\" and one of "
	  "its own parameters; see selsim list)" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': [ "
	  "{ 'policy': 'p2c', 'choice_count': 2, 'x': 1 }] }",
	  "policies[0].x: a second parameter (a policy takes \"policy\", "
	  "\"label\" and one of its own parameters)" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': [ "
	  "{ 'label': 'l' }] }", "policies[0].policy: missing (required: a "
	  "policy name: k3s, *" },
	{ "{ 'name': 'x', " Q "'utilisation': [0.5], 'policies': [5] }",
	  "policies[0]: expected a policy name or {\"policy\": NAME, "
	  "\"label\": TEXT, OWN_PARAM: NUMBER}, got a number (5)" },
	{ "{ 'name': 'x', 'runs': 0, " C_OK " }", "runs: 0 is not an integer "
	  "from 1 to 100000" },
	{ "{ 'name': 'x', " C "'strategies': ['full'] }", "clients: missing "
	  "(required: {\"from\": N, \"to\": N, \"step\": N} or an array of "
	  "counts)" },
	{ "{ 'name': 'x', " C "'clients': { 'from': 10, 'to': 5 }, "
	  "'strategies': ['full'] }", "clients: from 10 is more than to 5 (no "
	  "client count)" },
	{ "{ 'name': 'x', " C "'clients': { 'to': 1000, 'step': 1 }, "
	  "'strategies': ['full'] }", "clients: from 10 to 1000 by 1 is more "
	  "than 64 client counts" },
	{ "{ 'name': 'x', " C "'clients': { 'frm': 1 }, 'strategies': "
	  "['full'] }", "clients: unknown key 'frm' (valid: from, to, step)" },
	{ "{ 'name': 'x', " C "'clients': { 'step': 0 }, 'strategies': "
	  "['full'] }", "clients.step: 0 is not an integer from 1 to 100000" },
	{ "{ 'name': 'x', " C "'clients': [10, 0], 'strategies': ['full'] }",
	  "clients[1]: 0 is not an integer from 1 to 100000" },
	{ "{ 'name': 'x', " C "'clients': 'x', 'strategies': ['full'] }",
	  "clients: expected an array of 1 to 64 client counts, got a string "
	  "('x')" },
	{ "{ 'name': 'x', " C "'clients': [10], 'strategies': [1] }",
	  "strategies[0]: expected a string, got a number (1)" },
	{ "{ 'name': 'x', " C "'clients': [10], 'strategies': ['full', "
	  "'fulll'] }", "strategies[1]: unknown backoff 'fulll' (known: none, *" },
	{ "{ 'name': 'x', " C_OK ", 'backoff': { 'bse': '5ms' } }",
	  "backoff: unknown key 'bse' (valid: base, cap)" },
	{ "{ 'name': 'x', " C_OK ", 'backoff': { 'cap': '5xs' } }",
	  "backoff.cap: '5xs': unknown unit (a duration is a number with a "
	  "unit: ns, us, ms, s, m, h, e.g. \"250ms\", \"1m30s\")" },
	{ "{ 'name': 'x', " C_OK ", 'network': { 'mean': true } }",
	  "network.mean: expected a duration (a string with a unit such as "
	  "\"250ms\", or a number of seconds), got a boolean (true)" },
	{ "{ 'name': 'x', " C_OK ", 'utilisation': [0.5] }", "unknown key "
	  "'utilisation' (valid: name, description, workload, seed, runs, "
	  "clients, strategies, backoff, network)" },
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *path = write_spec(bad[i].spec, false);
		char *want = g_strdup_printf("%s: %s", path, bad[i].want);
		GError *err = NULL;
		struct study st;

		if (study_load(path, &st, &err))
			TEST_FAIL("case %zu loaded: %s", i, bad[i].spec);
		ASSERT_EQ(err->domain, SIM_ERROR);
		ASSERT_EQ(err->code, SIM_ERROR_INPUT);
		if (g_str_has_suffix(want, "*")
		    ? strncmp(err->message, want, strlen(want) - 1)
		    : strcmp(err->message, want))
			TEST_FAIL("case %zu: %s\n  got  %s\n  want %s", i,
				  bad[i].spec, err->message, want);
		ASSERT(!strchr(err->message, '\n'));
		study_release(&st);	/* harmless after a failure */
		g_error_free(err);
		g_free(want);
		g_unlink(path);
		g_free(path);
	}
}

static void test_file_errors(void)
{
	GError *err = NULL;
	struct study st;
	char *path = write_spec("{ 'name': 'x',\n 'workload': }", false);

	ASSERT(!study_load("/nonexistent/s.json", &st, &err));
	ASSERT_EQ(err->code, SIM_ERROR_IO);
	ASSERT_STR_CONTAINS(err->message, "/nonexistent/s.json: cannot read");
	g_clear_error(&err);
	ASSERT(!study_load(path, &st, &err));
	ASSERT_EQ(err->code, SIM_ERROR_INPUT);
	ASSERT_STR_CONTAINS(err->message, ": line 2, column ");
	ASSERT_STR_CONTAINS(err->message, "invalid JSON");
	g_clear_error(&err);
	g_unlink(path);
	g_free(path);
}

int main(void)
{
	dir = g_dir_make_tmp("study-spec-XXXXXX", NULL);
	ASSERT(dir != NULL);
	TEST_RUN(test_shipped);
	TEST_RUN(test_names);
	TEST_RUN(test_bad);
	TEST_RUN(test_file_errors);
	g_rmdir(dir);
	g_free(dir);
	return 0;
}
