/*
 * Validation of the queueing workload (models/queueing.h) against queueing
 * theory: M/M/1, M/M/c (Erlang C), M/D/1 (Pollaczek-Khinchine), random
 * splitting (M/M/1 per server), round-robin (E_N/M/1) and join-the-
 * shortest-queue / power of two choices (Mitzenmacher's supermarket
 * model). Every target is computed here from its formula; README.md in
 * this folder gives the sources, the bands and the figures measured.
 *
 * Service times have mean 1 s (mu = 1) throughout, so rho = lambda / (N c).
 * The cases run on a thread pool, one per core, then are checked in order.
 */
#include "test.h"

#include "models/queueing.h"
#include "policies/registry.h"
#include "sim/error.h"

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>

#define SEED 20260527u

/* ---- analytic targets (mu = 1 / mean service time) ---- */

/* M/M/1 mean time in system: 1 / (mu - lambda). */
static double mm1_t(double lambda, double mu)
{
	return 1.0 / (mu - lambda);
}

/* Erlang C: the probability that an arrival waits in M/M/c, from the
 * Erlang B recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), with
 * a = lambda / mu, and C = B / (1 - rho (1 - B)), rho = a / c. */
static double erlang_c(int c, double a)
{
	double b = 1.0, rho = a / c;
	int k;

	for (k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return b / (1.0 - rho * (1.0 - b));
}

/* M/M/c mean time in system: C / (c mu - lambda) + 1 / mu. */
static double mmc_t(int c, double lambda, double mu)
{
	return erlang_c(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
}

/* M/G/1 (Pollaczek-Khinchine) mean time in system:
 * lambda E[S^2] / (2 (1 - rho)) + E[S]; for M/D/1 E[S^2] = E[S]^2. */
static double md1_t(double lambda, double s)
{
	double rho = lambda * s;

	return lambda * s * s / (2.0 * (1.0 - rho)) + s;
}

/* GI/M/1 with Erlang-n interarrivals of n stages at rate @stage each (mean
 * n / stage): sigma solves sigma = A*(mu (1 - sigma)) with the LST
 * A*(s) = (stage / (stage + s))^n; W = sigma / (mu (1 - sigma)). */
struct egm_params {
	int n;
	double stage, mu;
};

static double egm_f(double sigma, void *p_)
{
	const struct egm_params *p = p_;

	return sigma - pow(p->stage / (p->stage + p->mu * (1.0 - sigma)),
			   p->n);
}

static double en_m1_t(int n, double stage, double mu)
{
	struct egm_params p = { n, stage, mu };
	gsl_function f = { egm_f, &p };
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	double lo = 0.0, hi = 1.0 - 1e-9, sigma = 0;
	int it, status = GSL_CONTINUE;

	/* f(0) < 0; just below the trivial root 1, f > 0 when rho < 1. */
	ASSERT(egm_f(lo, &p) < 0 && egm_f(hi, &p) > 0);
	gsl_root_fsolver_set(s, &f, lo, hi);
	for (it = 0; it < 200 && status == GSL_CONTINUE; it++) {
		gsl_root_fsolver_iterate(s);
		sigma = gsl_root_fsolver_root(s);
		status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
						gsl_root_fsolver_x_upper(s),
						0, 1e-14);
	}
	gsl_root_fsolver_free(s);
	ASSERT_EQ(status, GSL_SUCCESS);
	return sigma / (mu * (1.0 - sigma)) + 1.0 / mu;
}

/* The supermarket model (Mitzenmacher 2001, N -> infinity, unit mean
 * service, arrival rate lambda per server, d choices): the expected time
 * in system is sum_{i>=1} lambda^((d^i - d) / (d - 1)). */
static double supermarket_t(double lambda, int d)
{
	double t = 0, di = d;	/* d^i */
	int i;

	for (i = 1; i < 64; i++, di *= d) {
		double term = pow(lambda, (di - d) / (d - 1));

		t += term;
		if (term < 1e-15)
			break;
	}
	return t;
}

/* ---- the cases ---- */

struct qcase {
	const char *name;
	const char *policy;
	int servers, workers;
	double rho;		/* per worker */
	int deterministic;	/* service constant 1 s, else exponential */
	const char *own_name;
	double own_value;
	uint64_t requests;
	uint64_t precise;	/* requests in a plain build: enough that the
				 * 95% half-width is well inside the band (the
				 * sanitizer build runs `requests` and widens
				 * the band to its own noise); 0: the same */
	double target;		/* analytic mean, or 0: comparison only */
	double band;		/* relative band around target */
	struct queueing_result r;
};

static struct qcase cases[] = {
#define MM(nm, pol, n, c, rho, req) MMP(nm, pol, n, c, rho, req, 0)
#define MMP(nm, pol, n, c, rho, req, precise) \
	{ nm, pol, n, c, rho, 0, NULL, 0, req, precise, 0, 0.01, { 0 } }
	MM("M/M/1 rho=0.5", "round-robin", 1, 1, 0.5, 1600000),
	MMP("M/M/1 rho=0.9", "random", 1, 1, 0.9, 4000000, 100000000),
	MM("M/M/2 rho=0.5", "random", 1, 2, 0.5, 1200000),
	MMP("M/M/2 rho=0.9", "random", 1, 2, 0.9, 4000000, 60000000),
	MM("M/M/3 rho=0.5", "random", 1, 3, 0.5, 600000),
	MMP("M/M/3 rho=0.9", "random", 1, 3, 0.9, 4000000, 80000000),
	MM("M/M/10 rho=0.5", "random", 1, 10, 0.5, 400000),
	MMP("M/M/10 rho=0.9", "random", 1, 10, 0.9, 2000000, 40000000),
	{ "M/D/1 rho=0.5", "random", 1, 1, 0.5, 1, NULL, 0, 400000, 0, 0,
	  0.01, { 0 } },
	{ "M/D/1 rho=0.9", "random", 1, 1, 0.9, 1, NULL, 0, 4000000,
	  40000000, 0, 0.01, { 0 } },
	MM("random N=4 rho=0.5", "random", 4, 1, 0.5, 1600000),
	MMP("round-robin N=4 rho=0.9", "round-robin", 4, 1, 0.9, 2000000,
	    80000000),
	MM("random N=20 rho=0.9", "random", 20, 1, 0.9, 1000000),
	{ "p2c d=2 N=20 rho=0.9", "p2c", 20, 1, 0.9, 0, "choice_count", 2,
	  1000000, 0, 0, 0.15, { 0 } },
	{ "JSQ (p2c d=20) N=20 rho=0.9", "p2c", 20, 1, 0.9, 0,
	  "choice_count", 20, 1000000, 0, 0, 0, { 0 } },
#undef MM
#undef MMP
};

/* The sanitizer build runs the short sample: it checks memory, not
 * precision. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define PRECISE 0
#else
#define PRECISE 1
#endif

enum {
	C_MM1_05, C_MM1_09, C_MM2_05, C_MM2_09, C_MM3_05, C_MM3_09,
	C_MM10_05, C_MM10_09, C_MD1_05, C_MD1_09, C_RANDOM4, C_RR4,
	C_RANDOM20, C_P2C20, C_JSQ20, N_CASES
};

static void qcase_run(struct qcase *k)
{
	struct queueing_cfg cfg = {
		.servers = k->servers,
		.workers = k->workers,
		.lambda = k->rho * k->servers * k->workers,
		.service = k->deterministic
			? dist_constant(1.0)
			: (struct dist){ .kind = DIST_EXPONENTIAL, .p = { 1.0 } },
		.requests = PRECISE && k->precise ? k->precise : k->requests,
		.seed = SEED,
		.ops = policy_find(k->policy),
		.own_name = k->own_name,
		.own_value = k->own_value,
	};
	GError *err = NULL;

	if (!cfg.ops)
		TEST_FAIL("no policy '%s'", k->policy);
	if (!queueing_run(&cfg, &k->r, &err))
		TEST_FAIL("%s: %s", k->name, err->message);
}

static void qcase_job(gpointer data, gpointer user)
{
	(void)user;
	qcase_run(data);
}

/* Every case, on one thread per core; largest first so they end together. */
static void run_all(void)
{
	GThreadPool *pool;
	int order[N_CASES], i, j;
	GError *err = NULL;

	for (i = 0; i < N_CASES; i++)
		order[i] = i;
	for (i = 1; i < N_CASES; i++)	/* insertion sort by requests */
		for (j = i; j > 0 && MAX(cases[order[j]].requests,
					     cases[order[j]].precise) >
				    MAX(cases[order[j - 1]].requests,
					cases[order[j - 1]].precise); j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	pool = g_thread_pool_new(qcase_job, NULL,
				 (int)MAX(1u, g_get_num_processors()), TRUE,
				 &err);
	ASSERT(pool != NULL);
	for (i = 0; i < N_CASES; i++)
		g_thread_pool_push(pool, &cases[order[i]], NULL);
	g_thread_pool_free(pool, FALSE, TRUE);
}

static void set_targets(void)
{
	static const int cs[] = { 1, 2, 3, 10 };
	int i;

	for (i = 0; i < 4; i++) {
		cases[C_MM1_05 + 2 * i].target = mmc_t(cs[i], 0.5 * cs[i], 1);
		cases[C_MM1_09 + 2 * i].target = mmc_t(cs[i], 0.9 * cs[i], 1);
	}
	/* Erlang C at c = 1 is M/M/1: check the formulas agree. */
	ASSERT_NEAR(cases[C_MM1_09].target, mm1_t(0.9, 1), 1e-12);
	cases[C_MD1_05].target = md1_t(0.5, 1);
	cases[C_MD1_09].target = md1_t(0.9, 1);
	/* Random splitting of a Poisson stream: Poisson at lambda / N each. */
	cases[C_RANDOM4].target = mm1_t(0.5 * 4 / 4, 1);
	/* Round-robin over N: every N-th arrival of a Poisson stream at
	 * rate lambda, Erlang-N interarrivals with stage rate lambda. */
	cases[C_RR4].target = en_m1_t(4, 0.9 * 4, 1);
	cases[C_RANDOM20].target = mm1_t(0.9 * 20 / 20, 1);
	cases[C_P2C20].target = supermarket_t(0.9, 2);
}

/*
 * The band actually asserted: the relative band of the case, or, where the
 * run cannot resolve it, the 99.9% confidence half-width of the mean
 * (the 95% one scaled by t(0.9995, k - 1) / t(0.975, k - 1), k batches). A band narrower
 * than the run's own noise would pass or fail by the luck of the seed, so
 * it is widened and the README says so for each case it affects.
 */
static double effective_band(const struct qcase *k)
{
	if (PRECISE && k->precise) {
		/* the error bars must be well inside the band, or the check
		 * means nothing */
		if (!(k->r.half_width <= 0.6 * k->band * k->target))
			TEST_FAIL("%s: 95%% half-width %.3f%% is not well inside "
				  "the %.1f%% band: run more requests", k->name,
				  100 * k->r.half_width / k->target,
				  100 * k->band);
		return k->band * k->target;
	}
	double df = (double)k->r.batches - 1;
	double hw999 = k->r.half_width * gsl_cdf_tdist_Pinv(0.9995, df) /
		       gsl_cdf_tdist_Pinv(0.975, df);

	return MAX(k->band * k->target, hw999);
}

static void print_table(void)
{
	int i;

	printf("  %-28s %8s %8s %7s %6s %6s %8s %6s %6s %6s %6s\n", "case",
	       "target", "mean", "err%", "hw95%", "band%", "requests", "p50",
	       "p90", "p99", "util");
	for (i = 0; i < N_CASES; i++) {
		const struct qcase *k = &cases[i];
		double t = k->target;

		printf("  %-28s %8.4f %8.4f %+7.3f %6.3f %6.2f %8" G_GUINT64_FORMAT
		       " %6.3f %6.3f %6.3f %6.4f\n", k->name, t, k->r.mean,
		       t > 0 ? 100 * (k->r.mean - t) / t : 0,
		       100 * k->r.half_width / k->r.mean,
		       t > 0 ? 100 * effective_band(k) / t : 0,
		       PRECISE && k->precise ? k->precise : k->requests,
		       k->r.p50, k->r.p90, k->r.p99, k->r.utilisation);
	}
	fflush(stdout);
}

static void check_mean(const struct qcase *k)
{
	double band = effective_band(k);

	if (!(fabs(k->r.mean - k->target) <= band))
		TEST_FAIL("%s: mean %.6f vs target %.6f: off by %.3f%% "
			  "(band %.2f%%, 95%% CI half-width %.3f%%)", k->name,
			  k->r.mean, k->target,
			  100 * (k->r.mean - k->target) / k->target,
			  100 * band / k->target,
			  100 * k->r.half_width / k->r.mean);
}

static void test_analytic_means(void)
{
	int i;

	for (i = C_MM1_05; i <= C_RR4; i++)
		check_mean(&cases[i]);
}

/* M/M/1's time in system is exponential with rate mu - lambda: the
 * q-quantile is -ln(1 - q) / (mu - lambda). */
static void test_mm1_quantiles(void)
{
	const struct queueing_result *r = &cases[C_MM1_05].r;
	double rate = 1.0 - 0.5;

	ASSERT_NEAR(r->p50, log(2.0) / rate, 0.02 * log(2.0) / rate);
	ASSERT_NEAR(r->p90, log(10.0) / rate, 0.02 * log(10.0) / rate);
	ASSERT_NEAR(r->p99, log(100.0) / rate, 0.03 * log(100.0) / rate);
	/* Utilisation is rho. */
	ASSERT_NEAR(r->utilisation, 0.5, 0.01);
	ASSERT_NEAR(cases[C_MM10_09].r.utilisation, 0.9, 0.01);
}

/* Supermarket model: JSQ <= P2C < random, and P2C near the N -> infinity
 * fixed point (finite N = 20 lies above it: the band is one-sided). */
static void test_choices(void)
{
	const struct qcase *rnd = &cases[C_RANDOM20], *p2c = &cases[C_P2C20],
			   *jsq = &cases[C_JSQ20];

	ASSERT(p2c->r.mean < rnd->r.mean);
	ASSERT(jsq->r.mean < rnd->r.mean);
	ASSERT(jsq->r.mean <= p2c->r.mean);
	/* Random over N = 20 is still M/M/1 per server. */
	check_mean(rnd);
	/* Finite N sits above the N -> infinity fixed point (the O(1/N)
	 * correction is positive): the band is [T_inf, (1 + band) T_inf]. */
	if (!(p2c->r.mean >= p2c->target &&
	      p2c->r.mean <= (1 + p2c->band) * p2c->target))
		TEST_FAIL("%s: mean %.6f outside [%.6f, %.6f]", p2c->name,
			  p2c->r.mean, p2c->target,
			  (1 + p2c->band) * p2c->target);
}

/* Same configuration, same result; a bad configuration is an input error
 * that names the field. */
static void test_determinism_and_errors(void)
{
	struct queueing_cfg cfg = {
		.servers = 3, .workers = 1, .lambda = 2.0,
		.service = { .kind = DIST_EXPONENTIAL, .p = { 1.0 } },
		.requests = 20000, .seed = 7, .ops = policy_find("p2c"),
	};
	struct queueing_result a, b;
	GError *err = NULL;

	ASSERT(queueing_run(&cfg, &a, &err));
	ASSERT(queueing_run(&cfg, &b, &err));
	ASSERT(memcmp(&a, &b, sizeof a) == 0);

	cfg.workers = 0;
	ASSERT(!queueing_run(&cfg, &a, &err));
	ASSERT_EQ(err->code, SIM_ERROR_INPUT);
	ASSERT_STR_CONTAINS(err->message, "workers");
	g_clear_error(&err);
	cfg.workers = 1;
	cfg.own_name = "choice_count";
	cfg.own_value = 1000;
	ASSERT(!queueing_run(&cfg, &a, &err));
	ASSERT_STR_CONTAINS(err->message, "choice_count");
	g_clear_error(&err);
	cfg.own_name = "no_such";
	ASSERT(!queueing_run(&cfg, &a, &err));
	ASSERT_STR_CONTAINS(err->message, "no_such");
	g_clear_error(&err);
}

int main(void)
{
	gsl_set_error_handler_off();
	TEST_RUN(test_determinism_and_errors);
	set_targets();
	run_all();
	print_table();
	TEST_RUN(test_analytic_means);
	TEST_RUN(test_mm1_quantiles);
	TEST_RUN(test_choices);
	return 0;
}
