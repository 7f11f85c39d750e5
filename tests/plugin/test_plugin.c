/*
 * Plug-in policies (policies/plugin.c): loading the example module
 * (argv[1], policies/examples/least_recent.c), what it registers, the
 * least-recent policy through its methods, and the modules that must be
 * refused (argv[2]: the folder of tests/plugin/bad_plugin.c's builds).
 *
 * Loaded policies stay registered until exit (plugin.h), so the cases run
 * in order, each seeing what the ones before loaded.
 */
#include "death_test.h"
#include "policies/plugin.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "test.h"

#include <glib.h>

static const char *example_path;	/* argv[1] */
static const char *bad_dir;		/* argv[2] */

static size_t registry_size(void)
{
	size_t n = 0;

	while (policy_registry_get(n))
		n++;
	return n;
}

static size_t builtin_size(void)
{
	size_t n = 0;

	while (policy_registry[n])
		n++;
	return n;
}

static void test_load_example(void)
{
	const struct policy_ops *o;
	GError *err = NULL;
	GString *names = g_string_new(NULL);
	size_t n = builtin_size();

	ASSERT(!policy_plugin_find("least-recent"));
	ASSERT_EQ(registry_size(), n);
	if (!policy_plugin_load(example_path, &err))
		TEST_FAIL("%s", err->message);
	o = policy_plugin_find("least-recent");
	ASSERT(o);
	ASSERT_STR_EQ(o->name, "least-recent");
	ASSERT(o->summary);
	ASSERT(!policy_plugin_find("k3s"));	/* built-ins are not here */
	ASSERT_EQ(registry_size(), n + 1);
	ASSERT(policy_registry_get(0) == policy_registry[0]);
	ASSERT(policy_registry_get(n) == o);
	ASSERT(!policy_registry_get(n + 1));
	ASSERT_EQ(policy_own_find(o, "cooldown"), 0);
	ASSERT_EQ(policy_own_find(o, "nope"), -1);

	policy_plugin_names(names);
	ASSERT_STR_EQ(names->str, "least-recent");
	g_string_assign(names, "k3s");
	policy_plugin_names(names);
	ASSERT_STR_EQ(names->str, "k3s, least-recent");
	g_string_free(names, TRUE);
}

/* ---- least-recent through its methods ---- */

#define MAX_LOG 16

struct harness {
	sim *sim;
	struct policy_params params;
	struct lb_env env;
	const struct policy_ops *ops;
	void *lb;
	int closed[MAX_LOG];	/* close_conns() calls, in order */
	int n_closed;
};

static void h_close_conns(void *model, int server)
{
	struct harness *h = model;

	ASSERT_LT(h->n_closed, MAX_LOG);
	h->closed[h->n_closed++] = server;
}

static void h_init(struct harness *h, double cooldown_s)
{
	*h = (struct harness){ .sim = sim_new() };
	h->ops = policy_plugin_find("least-recent");
	ASSERT(h->ops);
	policy_params_for(h->ops, &h->params);
	ASSERT_NEAR(h->params.own[0], 5.0, 0);	/* the default */
	h->params.own[0] = cooldown_s;
	h->env = (struct lb_env){
		.sim = h->sim, .params = &h->params,
		.close_conns = h_close_conns, .model = h,
	};
	h->lb = policy_lb_new(h->ops, &h->env);
	ASSERT(h->lb);
}

static void h_release(struct harness *h)
{
	policy_lb_free(h->ops, h->lb);
	sim_free(h->sim);
}

static void nothing(sim *s, void *ctx, uint64_t arg)
{
	(void)s;
	(void)ctx;
	(void)arg;
}

/* Moves the clock to @t seconds. */
static void h_at(struct harness *h, double t)
{
	sim_schedule(h->sim, (sim_time)(t * SIM_S), nothing, NULL, 0);
	sim_run(h->sim, SIM_TIME_MAX);
	ASSERT_EQ(sim_now(h->sim), (sim_time)(t * SIM_S));
}

/* The whole order of one pass, as "3 1 2". */
static void h_expect_order(struct harness *h, const char *want)
{
	struct lb_pass pass;
	GString *got = g_string_new(NULL);
	int id;

	policy_dial_begin(h->ops, h->lb, &pass);
	while ((id = policy_dial_next(h->ops, h->lb, &pass)) >= 0)
		g_string_append_printf(got, "%s%d", got->len ? " " : "", id);
	ASSERT_EQ(policy_dial_next(h->ops, h->lb, &pass), -1);
	ASSERT_STR_EQ(got->str, want);
	g_string_free(got, TRUE);
}

static void h_record(struct harness *h, int server, lb_check k, lb_result r)
{
	policy_record(h->ops, h->lb, server, k, r);
}

static void test_least_recent_order(void)
{
	static const int list[] = { 3, 1, 2 };
	struct harness h;

	h_init(&h, 5.0);
	h_expect_order(&h, "");			/* empty list: fails */
	policy_set_servers(h.ops, h.lb, list, G_N_ELEMENTS(list));
	h_expect_order(&h, "3 1 2");		/* ties: list order */
	h_at(&h, 1);
	h_record(&h, 3, LB_CHECK_DIAL, LB_OK);
	h_expect_order(&h, "1 2 3");		/* 3 just used: last */
	h_at(&h, 2);
	h_record(&h, 1, LB_CHECK_DIAL, LB_OK);
	h_expect_order(&h, "2 3 1");
	h_record(&h, 2, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, 2), "COOLING");
	ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, 3), "READY");
	ASSERT(!policy_state_name(h.ops, h.lb, 9));
	h_expect_order(&h, "3 1 2");		/* 2 cools down: last */
	h_at(&h, 6.5);
	h_expect_order(&h, "3 1 2");		/* 4.5 s < 5 s */
	h_at(&h, 7);
	h_expect_order(&h, "2 3 1");		/* cooled: never used, first */
	ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, 2), "READY");

	/* a failed health check cools down, a good one ends it; unknown
	 * results and ids change nothing */
	h_record(&h, 2, LB_CHECK_HEALTH, LB_FAILED);
	h_record(&h, 3, LB_CHECK_DIAL, LB_FAILED);
	h_expect_order(&h, "1 2 3");		/* both cooling, by last_ok */
	h_record(&h, 2, LB_CHECK_HEALTH, LB_OK);
	h_record(&h, 3, LB_CHECK_DIAL, LB_UNKNOWN);
	h_record(&h, 9, LB_CHECK_DIAL, LB_OK);
	h_expect_order(&h, "2 1 3");
	h_release(&h);
}

static void test_least_recent_list_changes(void)
{
	static const int list[] = { 1, 2, 3 }, fewer[] = { 3, 1 },
			 more[] = { 4, 3, 1 };
	struct harness h;
	struct lb_pass pass;

	h_init(&h, 5.0);
	policy_set_servers(h.ops, h.lb, list, G_N_ELEMENTS(list));
	h_at(&h, 1);
	h_record(&h, 1, LB_CHECK_DIAL, LB_OK);
	ASSERT_EQ(h.n_closed, 0);

	/* a server dropped during a pass is skipped; its connections are
	 * closed; the kept ones keep their history */
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 2);
	policy_set_servers(h.ops, h.lb, fewer, G_N_ELEMENTS(fewer));
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.closed[0], 2);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 3);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 1);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);
	h_expect_order(&h, "3 1");
	policy_set_servers(h.ops, h.lb, more, G_N_ELEMENTS(more));
	ASSERT_EQ(h.n_closed, 1);
	h_expect_order(&h, "4 3 1");		/* 4 new: never used */
	h_release(&h);
}

/* cooldown 0: a failure does not demote */
static void test_least_recent_no_cooldown(void)
{
	static const int list[] = { 1, 2 };
	struct harness h;

	h_init(&h, 0);
	policy_set_servers(h.ops, h.lb, list, G_N_ELEMENTS(list));
	h_at(&h, 1);
	h_record(&h, 2, LB_CHECK_DIAL, LB_OK);
	h_record(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, 1), "READY");
	h_expect_order(&h, "1 2");
	h_release(&h);
}

/* ---- refusals ---- */

/* Loading @path fails with a one-line input error that starts with the
 * path and contains @want, and registers nothing. */
static void expect_refused(const char *path, const char *want)
{
	GError *err = NULL;
	size_t n = registry_size();

	if (policy_plugin_load(path, &err))
		TEST_FAIL("%s: loaded", path);
	ASSERT(err);
	ASSERT(g_error_matches(err, SIM_ERROR, SIM_ERROR_INPUT));
	ASSERT(g_str_has_prefix(err->message, path));
	ASSERT_STR_CONTAINS(err->message, want);
	ASSERT(!strchr(err->message, '\n'));
	ASSERT_EQ(registry_size(), n);
	g_error_free(err);
}

static void expect_bad(const char *which, const char *want)
{
	char *path = g_strdup_printf("%s/libselsim-bad-plugin-%s.so", bad_dir,
				     which);

	expect_refused(path, want);
	g_free(path);
}

static void test_refused(void)
{
	const struct policy_ops *o = policy_plugin_find("least-recent");
	char *missing = g_strdup_printf("%s/no-such-plugin.so", bad_dir);
	struct harness h;

	expect_refused(missing, ": cannot load: ");
	expect_refused("tests/test.h", ": cannot load: ");	/* not ELF */
	expect_bad("version", ": API version 99, selsim speaks "
		   G_STRINGIFY(SELSIM_POLICY_API_VERSION));
	expect_bad("noversion", ": no selsim_policy_api_version");
	expect_bad("empty", ": selsim_policy_register("
		   G_STRINGIFY(SELSIM_POLICY_API_VERSION) ") returned no policies");
	expect_bad("noname", ": policy #0 has no name");
	expect_bad("nomethod", ": policy 'bad-plugin' has no dial_next");
	expect_bad("ownmax", ": policy 'bad-plugin' declares more than 12 own "
		   "parameters");
	expect_bad("builtin", ": policy 'k3s' is already registered");
	expect_bad("dupe", ": policy 'bad-plugin' is already registered");
	ASSERT(!policy_plugin_find("bad-plugin"));

	/* the same module again: refused, and the first load still works
	 * (the module stays mapped) */
	expect_refused(example_path, ": policy 'least-recent' is already "
		       "registered");
	ASSERT(policy_plugin_find("least-recent") == o);
	h_init(&h, 5.0);
	h_release(&h);
	g_free(missing);
}

/* A second module beside the first: both registered, in load order. */
static void test_second_module(void)
{
	char *path = g_strdup_printf("%s/libselsim-bad-plugin-second.so",
				     bad_dir);
	GString *names = g_string_new(NULL);
	GError *err = NULL;
	size_t n = builtin_size();

	if (!policy_plugin_load(path, &err))
		TEST_FAIL("%s", err->message);
	ASSERT(policy_plugin_find("second-plugin"));
	ASSERT(policy_registry_get(n + 1) == policy_plugin_find("second-plugin"));
	ASSERT(!policy_registry_get(n + 2));
	policy_plugin_names(names);
	ASSERT_STR_EQ(names->str, "least-recent, second-plugin");
	g_string_free(names, TRUE);
	g_free(path);
}

/* Drives the "wrong-next" policy through the wrappers: one pass over a
 * list of three. Runs in a child (death_expect_bug). */
static void drive_wrong_next(void *arg)
{
	static const int ids[] = { 0, 1, 2 };
	const struct policy_ops *ops = arg;
	struct policy_params params;
	struct lb_env env;
	struct lb_pass pass;
	sim *s = sim_new();
	void *lb;

	policy_params_for(ops, &params);
	env = (struct lb_env){ .sim = s, .params = &params };
	lb = policy_lb_new(ops, &env);
	policy_set_servers(ops, lb, ids, 3);
	policy_dial_begin(ops, lb, &pass);
	(void)policy_dial_next(ops, lb, &pass);
	policy_lb_free(ops, lb);
	sim_free(s);
}

/* A module that loads (it has every method) but whose dial_next breaks
 * the contract: running it is a SIM_BUG that names its policy. */
static void test_broken_at_run(void)
{
	char *path = g_strdup_printf("%s/libselsim-bad-plugin-wrongnext.so",
				     bad_dir);
	const struct policy_ops *ops;
	GError *err = NULL;

	if (!policy_plugin_load(path, &err))
		TEST_FAIL("%s", err->message);
	ops = policy_plugin_find("wrong-next");
	ASSERT(ops);
	death_expect_bug(drive_wrong_next, (void *)ops,
			 "policy 'wrong-next': dial_next named server 42, not "
			 "in its pass");
	g_free(path);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		TEST_FAIL("usage: %s EXAMPLE_MODULE BAD_MODULES_DIR", argv[0]);
	example_path = argv[1];
	bad_dir = argv[2];
	printf("test_plugin\n");
	TEST_RUN(test_load_example);
	TEST_RUN(test_least_recent_order);
	TEST_RUN(test_least_recent_list_changes);
	TEST_RUN(test_least_recent_no_cooldown);
	TEST_RUN(test_refused);
	TEST_RUN(test_second_module);
	TEST_RUN(test_broken_at_run);
	return 0;
}
