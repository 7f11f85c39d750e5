/*
 * Every shipped experiment under both tie orders (`--tie-order fifo` and
 * `reverse`, sim_set_tie_reverse): the model breaks the ties its outcomes
 * depend on by itself (event classes, LB_ACCEPT_DELAY; README
 * "Simultaneous events"), so what is left to the order of simultaneous
 * events must not move an outcome: every cell's success count under one
 * order lies inside the other order's 95% Wilson interval, and so does
 * its failover success where the spec measures failover. Slow (every
 * spec twice, a few minutes), hence the validation label;
 * tests/test_tie_order.c runs first-etcd-down the same way in the unit
 * suite.
 */
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "experiments/stats.h"
#include "test.h"

#include <string.h>

static const char *const specs[] = {
	"first-etcd-down", "az-outage", "chaos", "shootout", "backoff-tuning",
	"crash-loop", "server-crash", "server-stop", "failover-tuning",
};

/* @x's rate inside @y's interval and the other way round */
static bool inside(double x, const double xci[2], double y,
		   const double yci[2])
{
	return y >= xci[0] && y <= xci[1] && x >= yci[0] && x <= yci[1];
}

static void both_ways(const char *name)
{
	struct runner_result a, b;
	struct runner_opts fifo = { .threads = 2 },
			   rev = { .threads = 2, .tie_reverse = true };
	GError *err = NULL;
	struct spec s;
	char *path = g_strdup_printf("experiments/specs/%s.json", name);
	size_t c;

	if (!spec_load(path, &s, &err))
		TEST_FAIL("%s", err->message);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	/* the sanitizer build checks memory, not statistics: a few
	 * scenarios of each spec (as test_queueing's short sample) */
	s.scenarios = MIN(s.scenarios, 20);
#endif
	runner_run(&s, &fifo, &a);
	runner_run(&s, &rev, &b);
	ASSERT_EQ(a.n_cells, b.n_cells);
	for (c = 0; c < a.n_cells; c++) {
		const struct cell_summary *x = &a.cells[c].sum;
		const struct cell_summary *y = &b.cells[c].sum;

		printf("    %-15s %-12s cell %2zu: fifo %" PRIu64 "/%" PRIu64
		       " reverse %" PRIu64 "/%" PRIu64 "\n", name,
		       s.policies[a.cells[c].policy].ops->name, c,
		       x->successes, x->scenarios, y->successes, y->scenarios);
		/* failover success too, where the spec measures it (an
		 * empty interval, no failover trial, is NaN on both) */
		if (x->fo.enabled && x->fo.happened > 0 && y->fo.happened > 0 &&
		    !inside(x->fo.rate, x->fo.ci95, y->fo.rate, y->fo.ci95))
			TEST_FAIL("%s cell %zu (%s): failover success fifo "
				  "%.4f, reverse %.4f", name, c,
				  s.policies[a.cells[c].policy].ops->name,
				  x->fo.rate, y->fo.rate);
		if (!inside(x->rate, x->ci95, y->rate, y->ci95))
			TEST_FAIL("%s cell %zu (%s): fifo %.4f [%.4f, %.4f], "
				  "reverse %.4f [%.4f, %.4f]", name, c,
				  s.policies[a.cells[c].policy].ops->name,
				  x->rate, x->ci95[0], x->ci95[1], y->rate,
				  y->ci95[0], y->ci95[1]);
	}
	runner_result_release(&a);
	runner_result_release(&b);
	spec_release(&s);
	g_free(path);
}

static void test_every_shipped_spec(void)
{
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		both_ways(specs[i]);
}

int main(void)
{
	TEST_RUN(test_every_shipped_spec);
	return 0;
}
