/*
 * Coverage of the queueing workload's batch-means interval
 * (models/batch_means.h): M/M/1 at rho = 0.9 (mean time in system
 * 1 / (mu - lambda) = 10 s), run over many seeds; the 95% intervals must
 * cover 10 s in 95% of them, within the binomial noise of the seed count
 * (and a point more: the interval is asymptotic). The plain build runs
 * 100 seeds of 2,000,000 requests (about 6,000 correlation times of the
 * queue each; about 100 s of CPU, under a minute on two free cores); the
 * sanitizer build a short version, 12 seeds of 200,000, which only checks
 * that the pieces fit.
 *
 * Measured (2026-12): 100 seeds x 2M gave 93.0% (88 s of CPU); 200
 * seeds x 2M gave 93.5%. Runs of 200,000 requests gave 88.2% over 400
 * seeds however the batches were sized (89.2% with one more doubling):
 * at rho = 0.9 a run that short is not yet in the central-limit regime
 * (the mean is skewed by long busy periods), which no batch rule fixes;
 * hence the longer runs here and the load-scaled request counts of
 * experiments/specs/queueing.json.
 */
#include "test.h"

#include "models/queueing.h"
#include "policies/registry.h"

#include <glib.h>
#include <math.h>

#if defined(__SANITIZE_ADDRESS__)
#define SHORT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHORT 1
#endif
#endif
#ifndef SHORT
#define SHORT 0
#endif

#define SEEDS ((size_t)(SHORT ? 12 : 100))
#define REQUESTS ((uint64_t)(SHORT ? 200000 : 2000000))
#define RHO 0.9
#define TARGET (1.0 / (1.0 - RHO))

struct run {
	uint64_t seed;
	struct queueing_result r;
};

static void run_one(gpointer data, gpointer user)
{
	struct run *k = data;
	struct dist service = { .kind = DIST_EXPONENTIAL, .p = { 1, 0 } };
	struct queueing_cfg cfg = {
		.servers = 1, .workers = 1, .lambda = RHO,
		.service = service, .requests = REQUESTS, .seed = k->seed,
		.ops = policy_find("random"),
	};
	GError *err = NULL;

	(void)user;
	if (!queueing_run(&cfg, &k->r, &err))
		TEST_FAIL("%s", err->message);
}

static void test_coverage(void)
{
	struct run *runs = g_new0(struct run, SEEDS);
	GThreadPool *pool = g_thread_pool_new(run_one, NULL,
					      (int)g_get_num_processors(),
					      TRUE, NULL);
	size_t i, covered = 0, uncorrelated = 0;
	double warm = 0, batches = 0, hw = 0, cover, se;

	for (i = 0; i < SEEDS; i++) {
		runs[i].seed = 1000 + i;
		g_thread_pool_push(pool, &runs[i], NULL);
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	for (i = 0; i < SEEDS; i++) {
		const struct queueing_result *r = &runs[i].r;

		covered += fabs(r->mean - TARGET) <= r->half_width;
		uncorrelated += r->uncorrelated;
		warm += (double)r->warmup;
		batches += (double)r->batches;
		hw += r->half_width;
	}
	cover = (double)covered / SEEDS;
	se = sqrt(0.95 * 0.05 / SEEDS);
	printf("    M/M/1 rho %.2f, %zu seeds x %" G_GUINT64_FORMAT " requests: coverage %.1f%% "
	       "(+-%.1f), mean warm-up %.0f, batches %.0f, half-width "
	       "%.3f s, uncorrelated %zu\n", RHO, SEEDS, REQUESTS,
	       100 * cover, 100 * 2 * se, warm / SEEDS, batches / SEEDS,
	       hw / SEEDS, uncorrelated);
	if (SHORT) {
		ASSERT(cover >= 0.5);
	} else {
		/* 2.5 standard errors (5.4 points at 100 seeds), plus one
		 * point for the asymptotics */
		ASSERT(fabs(cover - 0.95) <= 2.5 * se + 0.01);
	}
	g_free(runs);
}

int main(void)
{
	TEST_RUN(test_coverage);
	return 0;
}
