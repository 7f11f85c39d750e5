/*
 * Validation: the AWS Architecture Blog study "Exponential Backoff And
 * Jitter" (Marc Brooker, 2015), rerun on models/contention.c.
 *
 * For N = 10, 30, ..., 190 clients (step 20) and the study's five
 * strategies (none, exponential, full, equal, decorrelated jitter; base
 * 5 ms, cap 2000 ms, first retry n = 1), the mean over RUNS runs of the
 * calls (writes attempted: the study's "work") and of the time the last
 * client completes. Checks the study's findings as orderings (see
 * tests/validation/README-jitter.md for the bands and why):
 *   - at every N >= 50, full and decorrelated jitter make at most
 *     1 / CALLS_RATIO of the calls of plain exponential backoff;
 *   - at every N >= 50, exponential backoff finishes last of the four
 *     backoffs, equal jitter later than full jitter, and full jitter makes
 *     fewer calls than decorrelated (the study's "full jitter uses less
 *     work"; its "but slightly more time" holds here only up to N = 150,
 *     so it is printed, not checked);
 *   - at every N >= 30, no backoff makes the most calls;
 *   - with no backoff, the calls grow with N.
 * Run r of every strategy uses the same network draws (seed, run r), so
 * the comparisons are paired.
 */
#include "models/contention.h"
#include "sim/error.h"
#include "test.h"

#define RUNS 100
#define N_MIN 10
#define N_MAX 190
#define N_STEP 20
#define N_COUNT ((N_MAX - N_MIN) / N_STEP + 1)
#define SEED 20150304u

/* Exponential makes at least this many times the calls of full and of
 * decorrelated jitter, at N >= 50. Measured with SEED: 1.88x (N = 50) to
 * 2.91x (N = 190) over full, 1.67x to 2.12x over decorrelated; so not
 * 2x at every N, and 1.5x leaves a 10% margin (see the README). */
#define CALLS_RATIO 1.5

static const backoff_kind kinds[] = {
	BACKOFF_NONE, BACKOFF_EXPONENTIAL, BACKOFF_FULL, BACKOFF_EQUAL,
	BACKOFF_DECORRELATED,
};
enum { K_NONE, K_EXPO, K_FULL, K_EQUAL, K_DECORR, N_KINDS };

struct cell {
	double calls;		/* mean calls per run */
	double time_ms;		/* mean last completion, in ms */
};

static struct cell table[N_COUNT][N_KINDS];

static int n_of(int row)
{
	return N_MIN + row * N_STEP;
}

static struct contention_result run_one(backoff_kind kind, int clients,
					uint64_t run)
{
	struct contention_cfg cfg;
	struct contention_result res;
	GError *error = NULL;

	contention_cfg_init(&cfg, kind, clients);
	cfg.seed = SEED;
	cfg.run = run;
	if (!contention_run(&cfg, &res, &error))
		TEST_FAIL("contention_run: %s", error->message);
	return res;
}

static void fill_table(void)
{
	for (int row = 0; row < N_COUNT; row++) {
		for (int k = 0; k < N_KINDS; k++) {
			double calls = 0, time = 0;

			for (uint64_t r = 0; r < RUNS; r++) {
				struct contention_result res =
					run_one(kinds[k], n_of(row), r);

				ASSERT_GE(res.calls, (uint64_t)n_of(row));
				calls += (double)res.calls;
				time += (double)res.last_done / SIM_MS;
			}
			table[row][k] = (struct cell){ calls / RUNS,
						       time / RUNS };
		}
	}
}

static void print_table(void)
{
	printf("  mean of %d runs; calls / time of the last completion (ms)\n",
	       RUNS);
	printf("  %4s", "N");
	for (int k = 0; k < N_KINDS; k++)
		printf(" %19s", backoff_name(kinds[k]));
	printf("\n");
	for (int row = 0; row < N_COUNT; row++) {
		printf("  %4d", n_of(row));
		for (int k = 0; k < N_KINDS; k++)
			printf(" %9.1f/%9.1f", table[row][k].calls,
			       table[row][k].time_ms);
		printf("\n");
	}
	fflush(stdout);
}

/* One client: one read and one write, four hops of about 10 ms, no
 * failure, whatever the backoff. */
static void test_single_client(void)
{
	for (int k = 0; k < N_KINDS; k++) {
		struct contention_result res = run_one(kinds[k], 1, 0);

		ASSERT_EQ(res.calls, 1);
		ASSERT_EQ(res.failures, 0);
		ASSERT_EQ(res.events, 3);
		ASSERT_GT(res.last_done, 20 * SIM_MS);
		ASSERT_LT(res.last_done, 60 * SIM_MS);
	}
}

/* Same cfg, same result; another run index, another result. */
static void test_deterministic(void)
{
	struct contention_result a = run_one(BACKOFF_FULL, 50, 7);
	struct contention_result b = run_one(BACKOFF_FULL, 50, 7);
	struct contention_result c = run_one(BACKOFF_FULL, 50, 8);

	ASSERT_EQ(a.calls, b.calls);
	ASSERT_EQ(a.last_done, b.last_done);
	ASSERT_EQ(a.events, b.events);
	ASSERT_NE(a.last_done, c.last_done);
}

static void test_bad_cfg(void)
{
	struct contention_cfg cfg;
	struct contention_result res = { .calls = 42 };
	GError *error = NULL;

	contention_cfg_init(&cfg, BACKOFF_FULL, 0);
	ASSERT(!contention_run(&cfg, &res, &error));
	ASSERT(error != NULL);
	ASSERT_STR_CONTAINS(error->message, "clients: 0");
	ASSERT_EQ(res.calls, 42);
	g_clear_error(&error);

	contention_cfg_init(&cfg, BACKOFF_FULL, 10);
	cfg.net_sd = -1;
	ASSERT(!contention_cfg_check(&cfg, &error));
	ASSERT_STR_CONTAINS(error->message, "net_sd");
	g_clear_error(&error);
}

static void test_orderings(void)
{
	for (int row = 0; row < N_COUNT; row++) {
		const struct cell *t = table[row];
		int n = n_of(row);

		if (n >= 50) {
			if (!(t[K_EXPO].calls >= CALLS_RATIO * t[K_FULL].calls))
				TEST_FAIL("N=%d: exponential %.1f calls, full "
					  "%.1f: not %.1fx", n, t[K_EXPO].calls,
					  t[K_FULL].calls, CALLS_RATIO);
			if (!(t[K_EXPO].calls >=
			      CALLS_RATIO * t[K_DECORR].calls))
				TEST_FAIL("N=%d: exponential %.1f calls, "
					  "decorrelated %.1f: not %.1fx", n,
					  t[K_EXPO].calls, t[K_DECORR].calls,
					  CALLS_RATIO);
			for (int k = K_FULL; k < N_KINDS; k++)
				if (!(t[K_EXPO].time_ms > t[k].time_ms))
					TEST_FAIL("N=%d: exponential's time "
						  "%.1f ms is not above %s's "
						  "%.1f ms", n, t[K_EXPO].time_ms,
						  backoff_name(kinds[k]),
						  t[k].time_ms);
			if (!(t[K_FULL].calls < t[K_DECORR].calls))
				TEST_FAIL("N=%d: full jitter's %.1f calls not "
					  "below decorrelated's %.1f", n,
					  t[K_FULL].calls, t[K_DECORR].calls);
			if (!(t[K_EQUAL].time_ms > t[K_FULL].time_ms))
				TEST_FAIL("N=%d: equal jitter's time %.1f ms "
					  "is not above full jitter's %.1f ms",
					  n, t[K_EQUAL].time_ms,
					  t[K_FULL].time_ms);
		}
		if (n >= 30) {
			for (int k = K_EXPO; k < N_KINDS; k++)
				if (!(t[K_NONE].calls > t[k].calls))
					TEST_FAIL("N=%d: none's %.1f calls "
						  "not above %s's %.1f", n,
						  t[K_NONE].calls,
						  backoff_name(kinds[k]),
						  t[k].calls);
		}
		if (row > 0 && !(t[K_NONE].calls > table[row - 1][K_NONE].calls))
			TEST_FAIL("none: %.1f calls at N=%d, not above %.1f "
				  "at N=%d", t[K_NONE].calls, n,
				  table[row - 1][K_NONE].calls, n_of(row - 1));
	}
}

int main(void)
{
	printf("test_jitter_study\n");
	TEST_RUN(test_single_client);
	TEST_RUN(test_deterministic);
	TEST_RUN(test_bad_cfg);
	TEST_RUN(fill_table);
	print_table();
	TEST_RUN(test_orderings);
	return 0;
}
