/*
 * The shipped shoot-out (experiments/specs/shootout.json) must rank the
 * policies: a change that makes every policy tie again, as the retired
 * every-policy.json did (its stopped server refused every dial within one
 * round trip, so no policy could lose more than a millisecond), fails
 * here. 100 scenarios per cell: about 3 s of CPU (30 s under ASan).
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "policies/policy.h"
#include "test.h"

#include <math.h>
#include <string.h>

static struct spec s;
static struct runner_result res;

static const struct runner_cell *cell(const char *failure, const char *policy)
{
	size_t c;

	for (c = 0; c < res.n_cells; c++) {
		const struct runner_cell *rc = &res.cells[c];
		const char *label = spec_axis_label(&s.axes[0], rc->grid_x[0]);

		if (!strcmp(label, failure) &&
		    !strcmp(s.policies[rc->policy].ops->name, policy))
			return rc;
	}
	TEST_FAIL("no cell %s at failures=%s", policy, failure);
	return NULL;
}

/* A paired interval that excludes 0; NaN (no join on a side) does not. */
static bool sig(const struct stats_diff *d)
{
	return d->significant && !isnan(d->ci95[0]) && !isnan(d->ci95[1]);
}

/* Every registered policy runs; round-robin, the plain reference, is the
 * baseline; one named axis of failure kinds. */
static void test_spec(void)
{
	size_t c;

	for (c = 0; policy_registry[c]; c++)
		ASSERT(spec_policy_index(&s, policy_registry[c]->name) >= 0);
	ASSERT_STR_EQ(s.baseline, "round-robin");
	ASSERT_EQ(s.n_axes, 1);
	ASSERT(s.axes[0].labels != NULL);
}

/* At every failure kind some policy differs from round-robin with a
 * paired 95% interval excluding 0 (join p99 or success), and at two kinds
 * or more on join p99. */
static void test_separates(void)
{
	size_t k, c, p99_kinds = 0;

	for (k = 0; k < s.axes[0].n_values; k++) {
		bool any = false, p99 = false;

		for (c = 0; c < res.n_cells; c++) {
			const struct runner_cell *rc = &res.cells[c];

			if (rc->grid_x[0] != (double)k || !rc->has_vs)
				continue;
			p99 = p99 || sig(&rc->vs.join_p99_s);
			any = any || sig(&rc->vs.join_p99_s) ||
			      sig(&rc->vs.success_rate);
		}
		if (!any)
			TEST_FAIL("failures=%s: every policy ties with "
				  "round-robin", s.axes[0].labels[k]);
		p99_kinds += p99;
	}
	ASSERT_GE(p99_kinds, 2);
}

/*
 * Where dials black-hole (a crashed server, a partitioned one), hedged
 * beats plain round-robin on join p99: its timer starts when the request
 * is issued (tower hedge/delay.rs:91-96), so the hedge lands while the
 * first dial waits out its 10 s timeout. Pick-first, with Happy Eyeballs
 * (grpc-go pickfirst.go:65, 250 ms), joins every node under the crash and
 * beats round-robin too.
 */
static void test_black_hole(void)
{
	static const char *const kinds[] = { "crash", "partition" };
	size_t k;

	for (k = 0; k < 2; k++) {
		const struct runner_cell *h = cell(kinds[k], "hedged");
		const struct runner_cell *pf = cell(kinds[k], "pick-first");

		ASSERT(sig(&h->vs.join_p99_s) && h->vs.join_p99_s.ci95[1] < 0);
		ASSERT(sig(&pf->vs.join_p99_s) && pf->vs.join_p99_s.ci95[1] < 0);
	}
	ASSERT_NEAR(cell("crash", "round-robin")->sum.rate, 1.0, 0);
	ASSERT_NEAR(cell("crash", "pick-first")->sum.rate, 1.0, 0);
}

int main(void)
{
	GError *err = NULL;
	struct runner_opts o = { .threads = 2 };

	if (!spec_load("experiments/specs/shootout.json", &s, &err))
		TEST_FAIL("%s", err->message);
	s.scenarios = 100;
	runner_run(&s, &o, &res);
	TEST_RUN(test_spec);
	TEST_RUN(test_separates);
	TEST_RUN(test_black_hole);
	runner_result_release(&res);
	spec_release(&s);
	return 0;
}
