/*
 * The tuner: a known optimum found within a stated tolerance in budget, a
 * constraint respected, a parameter without effect reported as such (on
 * an analytic problem plugged into the search, and on the simulator), the
 * same steps and recommendation for 1 and 2 threads, and the "tune"
 * section's messages for bad input.
 */
#include "experiments/spec.h"
#include "experiments/tune.h"
#include "experiments/tune_eval.h"
#include "experiments/tune_spec.h"
#include "sim/rng.h"
#include "test.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

/* ---- an analytic problem ----
 *
 * Block b of candidate x gives
 *     f(x) = A (log10(x0 / X0))^2 + e_b + u(x0, b)
 * with e_b ~ N(0, SIGMA_COMMON), the same for every candidate (common
 * random numbers: the scenario's luck), and u ~ N(0, SIGMA_OWN) drawn
 * from (x0, b): the candidate's own noise. x1 is read by nothing. The
 * optimum is x0 = X0 whatever x1; pooled over k blocks, f is the mean of
 * the blocks' values. Figure 1 (a constraint) is x0 itself.
 */
#define A 10.0
#define X0 2.0
#define SIGMA_COMMON 1.0
#define SIGMA_OWN 0.05

struct analytic {
	GHashTable *x0;		/* id -> x0 (boxed) */
	bool reciprocal;	/* f = 1 / x0 + noise instead (constraint
				 * test: the best is the largest x0) */
};

static double block_value(const struct analytic *a, double x0, size_t b)
{
	uint64_t bits;
	gsl_rng *r;
	double e, u;

	memcpy(&bits, &x0, sizeof(bits));
	r = sim_rng_new(7, b, SIM_RNG_TEST, 0);
	e = gsl_ran_gaussian(r, SIGMA_COMMON);
	gsl_rng_free(r);
	r = sim_rng_new(7, b, SIM_RNG_TEST, sim_mix64(bits) | 1);
	u = gsl_ran_gaussian(r, SIGMA_OWN);
	gsl_rng_free(r);
	if (a->reciprocal)
		return 1 / x0 + e + u;
	return A * pow(log10(x0 / X0), 2) + e + u;
}

static void an_run(void *ctx, const size_t *ids, const double *x, size_t n,
		   size_t b0, size_t b1, double *out)
{
	struct analytic *a = ctx;
	size_t i, b;

	for (i = 0; i < n; i++) {
		double *v = g_new(double, 1);

		*v = x[i * 2];
		g_hash_table_insert(a->x0, GSIZE_TO_POINTER(ids[i] + 1), v);
		for (b = b0; b < b1; b++) {
			out[(i * (b1 - b0) + b - b0) * 2] =
				block_value(a, x[i * 2], b);
			out[(i * (b1 - b0) + b - b0) * 2 + 1] = x[i * 2];
		}
	}
}

static void an_pooled(void *ctx, size_t id, size_t k, double *out)
{
	struct analytic *a = ctx;
	double *x0 = g_hash_table_lookup(a->x0, GSIZE_TO_POINTER(id + 1));
	double sum = 0;
	size_t b;

	ASSERT(x0 != NULL);
	for (b = 0; b < k; b++)
		sum += block_value(a, *x0, b);
	out[0] = sum / (double)k;
	out[1] = *x0;
}

/* Two log-scale duration parameters and the default budget. */
static void analytic_spec(struct tune_spec *t, struct tune_constraint *c)
{
	memset(t, 0, sizeof(*t));
	t->present = true;
	t->n_params = 2;
	t->params[0] = (struct tune_param){ .lo = 0.1, .hi = 100, .log = true,
					    .duration = true };
	t->params[1] = (struct tune_param){ .lo = 0.1, .hi = 10, .log = true,
					    .duration = true };
	t->objective = (char *)"f";
	c->metric = (char *)"x0";
	c->min = -INFINITY;
	c->max = INFINITY;
	t->constraints = c;
	t->n_constraints = 1;
	t->candidates = 16;
	t->n_rungs = 3;
	t->rungs[0] = 16;
	t->rungs[1] = 64;
	t->rungs[2] = 256;
	t->block = 8;
	t->keep = 0.5;
	t->refine = 24;
	t->grid = 3;
}

static void analytic_search(const struct tune_spec *t, bool reciprocal,
			    struct tune_result *res)
{
	struct analytic a = {
		.x0 = g_hash_table_new_full(NULL, NULL, NULL, g_free),
		.reciprocal = reciprocal,
	};
	struct tune_problem pb = { .n_metrics = 2, .run = an_run,
				   .pooled = an_pooled, .ctx = &a };
	bool applies[2] = { true, true };
	double defaults[2] = { 10, 1 };

	tune_search(t, applies, defaults, 1, &pb, res);
	g_hash_table_destroy(a.x0);
}

/* The optimum X0 within 12% (|log10(x / X0)| <= 0.05: f is then within
 * A * 0.05^2 = 0.025 of its minimum, about three times the standard error
 * of the own noise over the final 32 blocks, SIGMA_OWN / sqrt(32) =
 * 0.009), in 16 + 24 evaluations; x1 reported as not mattering, x0 as
 * mattering (at its ends f rises by A * log10(0.1 / 2)^2 = 16.9 and
 * A * log10(100 / 2)^2 = 28.9). */
static void test_known_optimum(void)
{
	struct tune_spec t;
	struct tune_constraint c;
	struct tune_result r;
	const struct tune_cand *best;

	analytic_spec(&t, &c);
	analytic_search(&t, false, &r);
	best = &g_array_index(r.cands, struct tune_cand, r.best);
	ASSERT(r.feasible);
	ASSERT_NEAR(log10(best->x[0] / X0), 0, 0.05);
	ASSERT_EQ(best->blocks, 32);
	ASSERT(r.sens[0].matters);
	ASSERT_NEAR(r.sens[0].diff[0], A * pow(log10(0.1 / X0), 2) -
		    A * pow(log10(best->x[0] / X0), 2), 0.1);
	ASSERT(!r.sens[1].matters);
	ASSERT(r.sens[1].diff[0] == 0 && r.sens[1].diff[1] == 0);
	/* the grid's best is one of 0.1, 3.16, 100 for x0: 3.16 */
	ASSERT(r.grid_best != SIZE_MAX);
	ASSERT_NEAR(g_array_index(r.cands, struct tune_cand,
				  r.grid_best).x[0], 3.16, 1e-9);
	tune_result_release(&r);
}

/* f = 1 / x0 wants x0 large; x0 <= 1.5 holds it at 1.5: the recommendation
 * meets the constraint and lies within 10% below it. */
static void test_constraint(void)
{
	struct tune_spec t;
	struct tune_constraint c;
	struct tune_result r;
	const struct tune_cand *best;
	size_t i;

	analytic_spec(&t, &c);
	c.max = 1.5;
	analytic_search(&t, true, &r);
	best = &g_array_index(r.cands, struct tune_cand, r.best);
	ASSERT(r.feasible);
	ASSERT_LE(best->x[0], 1.5);
	ASSERT_GE(best->x[0], 1.35);
	/* every candidate above 1.5 was judged infeasible */
	for (i = 0; i < r.cands->len; i++) {
		const struct tune_cand *e = &g_array_index(r.cands,
							   struct tune_cand, i);

		if (e->blocks > 0 && e->x[0] > 1.5)
			ASSERT(e->violation > 0);
	}
	tune_result_release(&r);
}

/* ---- the simulator ---- */

static void load(const char *path, struct spec *s, struct tune_spec *t)
{
	GError *err = NULL;

	if (!spec_load(path, s, &err) || !tune_spec_load(path, s, t, &err))
		TEST_FAIL("%s", err->message);
}

static void small_budget(struct tune_spec *t)
{
	t->candidates = 6;
	t->n_rungs = 2;
	t->rungs[0] = 8;
	t->rungs[1] = 16;
	t->block = 8;
	t->refine = 3;
	t->grid = 2;
}

static void sim_search(const struct spec *s, const struct tune_spec *t,
		       size_t p, int threads, struct tune_result *r)
{
	bool applies[TUNE_MAX_PARAMS];
	double def[TUNE_MAX_PARAMS];
	struct tune_evaluator *e = tune_evaluator_new(s, t, p, s->seed,
						      t->block, threads);
	struct tune_problem pb;
	size_t i;

	for (i = 0; i < t->n_params; i++)
		applies[i] = tune_param_applies(t, i, s, p);
	tune_policy_values(s, t, p, def);
	tune_evaluator_problem(e, &pb);
	tune_search(t, applies, def, s->seed, &pb, r);
	tune_evaluator_free(e);
}

/* The shipped spec on a small budget, pick-first: every step the same for
 * 1 and 2 threads; its dial_timeout (read only by backoff kinds other
 * than gRPC's, policies/pick_first.c) does not matter. */
static void test_threads(void)
{
	struct spec s;
	struct tune_spec t;
	struct tune_result r1, r2;
	int p;
	size_t i;

	load("experiments/specs/tune-dial-timeout.json", &s, &t);
	small_budget(&t);
	p = spec_policy_index(&s, "pick-first");
	ASSERT_GE(p, 0);
	sim_search(&s, &t, (size_t)p, 1, &r1);
	sim_search(&s, &t, (size_t)p, 2, &r2);
	ASSERT_EQ(r1.best, r2.best);
	ASSERT_EQ(r1.cands->len, r2.cands->len);
	ASSERT_EQ(r1.scenarios, r2.scenarios);
	for (i = 0; i < r1.cands->len; i++)
		ASSERT(!memcmp(&g_array_index(r1.cands, struct tune_cand, i),
			       &g_array_index(r2.cands, struct tune_cand, i),
			       sizeof(struct tune_cand)));
	ASSERT_STR_EQ(t.params[0].axis.key, "dial_timeout");
	ASSERT(!r1.sens[0].matters);
	ASSERT(r1.sens[0].diff[0] == 0 && r1.sens[0].diff[1] == 0);
	tune_result_release(&r1);
	tune_result_release(&r2);
	tune_spec_release(&t);
	spec_release(&s);
}

/* ---- bad input ---- */

#define BASE \
	"{ \"name\": \"t\", \"policies\": [\"k3s\", \"pick-first\"], " \
	"\"topology\": { \"azs\": { \"a\": \"r\" }, \"nodes\": [" \
	" { \"name\": \"etcd-1\", \"role\": \"etcd\", \"az\": \"a\" }," \
	" { \"name\": \"agent-1\", \"role\": \"agent\", \"az\": \"a\", " \
	"\"server\": \"etcd-1\" } ] }, "
#define PARAM "\"parameters\": { \"dial_timeout\": { \"min\": \"1s\", " \
	"\"max\": \"30s\" } }, "
#define OBJ "\"objective\": { \"metric\": \"join_time_s.p99\" }"

static void test_bad_input(void)
{
	static const struct {
		const char *tune, *where, *what;
	} cases[] = {
		{ "\"parameters\": { \"nope\": { \"min\": 1, \"max\": 2 } }, " OBJ,
		  "t.json: tune.parameters.nope: ", "unknown parameter 'nope'" },
		{ "\"parameters\": { \"dial_timeout\": { \"min\": \"3s\", \"max\": \"1s\" } }, " OBJ,
		  "t.json: tune.parameters.dial_timeout: ", "is not below max" },
		{ "\"parameters\": { \"dial_timeout\": { \"min\": 0, \"max\": \"1s\", \"log\": true } }, " OBJ,
		  "t.json: tune.parameters.dial_timeout: ", "a log scale needs min > 0" },
		{ PARAM "\"objective\": { \"metric\": \"join_time_s.p98\" }",
		  "t.json: tune.objective.metric: ", "(valid: " },
		{ PARAM OBJ ", \"goal\": 1", "t.json: tune: ",
		  "unknown key 'goal'" },
		{ PARAM OBJ ", \"constraints\": [ { \"metric\": \"success.rate\" } ]",
		  "t.json: tune.constraints[0]: ", "no bound" },
		{ PARAM OBJ ", \"budget\": { \"scenarios\": [12] }",
		  "t.json: tune.budget.scenarios[0]: ", "not a whole number of blocks" },
		{ PARAM OBJ ", \"budget\": { \"scenarios\": [16, 8] }",
		  "t.json: tune.budget.scenarios[1]: ", "does not grow" },
		{ PARAM OBJ ", \"validation\": { \"seed\": 1 }",
		  "t.json: tune.validation: ", "the search's seed" },
		{ PARAM OBJ ", \"policies\": [\"p2c\"]", "t.json: tune.policies[0]: ",
		  "'p2c' is not a policy of this spec (valid: k3s, pick-first)" },
		{ "\"parameters\": { \"failures[0].at\": { \"min\": 1, \"max\": 2 } }, " OBJ,
		  "t.json: tune.parameters.failures[0].at: ", "a path of the world" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strconcat(BASE "\"tune\": { ", cases[i].tune,
					 " } }", NULL);
		cJSON *root = cJSON_Parse(text);
		struct spec s;
		struct tune_spec t;
		GError *err = NULL;

		ASSERT(root != NULL);
		if (!spec_parse("t.json", text, &s, &err))
			TEST_FAIL("case %zu: %s", i, err->message);
		ASSERT(!tune_spec_parse("t.json", root, &s, &t, &err));
		ASSERT(err != NULL);
		ASSERT(g_str_has_prefix(err->message, cases[i].where));
		ASSERT_STR_CONTAINS(err->message, cases[i].what);
		ASSERT(!strchr(err->message, '\n'));
		g_error_free(err);
		tune_spec_release(&t);
		spec_release(&s);
		cJSON_Delete(root);
		g_free(text);
	}
}

int main(void)
{
	TEST_RUN(test_known_optimum);
	TEST_RUN(test_constraint);
	TEST_RUN(test_threads);
	TEST_RUN(test_bad_input);
	return 0;
}
