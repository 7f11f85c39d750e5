/*
 * Backoff strategies and the retry budget: each kind's first retries
 * against its formula (recomputed here from a second generator seeded the
 * same way), the bounds, the means, saturation at huge attempt counts,
 * reset, determinism, the name table, the parameter descriptors, the
 * configuration checks and the budget's arithmetic.
 */
#include "policies/backoff.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "test.h"

#include <limits.h>

#define SEED 20150304	/* the blog's date */
#define RETRIES 8
#define MEAN_DRAWS 100000

static gsl_rng *rng(uint64_t entity)
{
	return sim_rng_new(SEED, 0, SIM_RNG_TEST, entity);
}

/* ---- the reference formulas, written from the sources, not the .c ---- */

/* x truncated toward zero, saturated to [0, INT64_MAX]. */
static sim_time ns(double x)
{
	if (!(x > 0))
		return 0;
	if (x >= 9223372036854775808.0)
		return SIM_TIME_MAX;
	return (sim_time)x;
}

static sim_time min_t(sim_time a, sim_time b)
{
	return a < b ? a : b;
}

/* min(cap, base * 2^n) for the small n of these tests. */
static sim_time expo(sim_time base, sim_time cap, int n)
{
	ASSERT(n < 40);
	return min_t(cap > 0 ? cap : SIM_TIME_MAX, base * ((sim_time)1 << n));
}

/* Fills @want with the first RETRIES delays of @c by its published rule,
 * drawing from @r. */
static void reference(const struct backoff_cfg *c, gsl_rng *r, sim_time *want)
{
	sim_time cap = c->cap > 0 ? c->cap : SIM_TIME_MAX;
	sim_time prev = c->base, dur = c->base, cur = c->base;
	int steps = c->steps;
	int i;

	for (i = 0; i < RETRIES; i++) {
		int n = c->first_attempt + i;
		sim_time v = expo(c->base, c->cap, n);

		switch (c->kind) {
		case BACKOFF_NONE:
			want[i] = 0;
			break;
		case BACKOFF_CONSTANT:
			want[i] = c->base;
			break;
		case BACKOFF_EXPONENTIAL:
			want[i] = v;
			break;
		case BACKOFF_FULL:	/* random_between(0, v) */
			want[i] = ns(gsl_rng_uniform(r) * (double)v);
			break;
		case BACKOFF_EQUAL:	/* v/2 + random_between(0, v/2) */
			want[i] = v / 2 +
				  ns(gsl_rng_uniform(r) * (double)(v - v / 2));
			break;
		case BACKOFF_DECORRELATED:
			/* min(cap, random_between(base, sleep * 3)) */
			prev = min_t(cap, c->base +
				     ns(gsl_rng_uniform(r) *
					(double)(3 * prev - c->base)));
			want[i] = prev;
			break;
		case BACKOFF_CLIENT_GO: {
			/* wait.delay(): steps, duration, cap, factor, jitter */
			sim_time next = dur;

			if (steps >= 1) {
				steps--;
				if (c->factor != 0) {
					next = ns((double)dur * c->factor);
					if (c->cap > 0 && next > c->cap) {
						next = c->cap;
						steps = 0;
					}
				}
			}
			want[i] = dur;
			if (c->jitter > 0)	/* Jitter(duration, jitter) */
				want[i] = dur + ns(gsl_rng_uniform(r) *
						   c->jitter * (double)dur);
			dur = next;
			break;
		}
		case BACKOFF_GRPC:
			/* INITIAL_BACKOFF first; then grow, then jitter */
			if (i == 0) {
				want[i] = cur;
				break;
			}
			cur = min_t(cap, ns((double)cur * c->factor));
			want[i] = ns((double)cur *
				     (1 + c->jitter *
				      (2 * gsl_rng_uniform(r) - 1)));
			break;
		default:
			TEST_FAIL("kind %d", (int)c->kind);
		}
	}
}

/* The cases of the exact-sequence tests: defaults and variants that reach
 * a cap, run out of steps, or start at the blog simulator's n = 1. */
static struct backoff_cfg exact_case(int i)
{
	struct backoff_cfg c;

	switch (i) {
	case 0: return backoff_cfg_default(BACKOFF_NONE);
	case 1:
		c = backoff_cfg_default(BACKOFF_CONSTANT);
		c.base = 1500 * SIM_MS;
		return c;
	case 2:
		c = backoff_cfg_default(BACKOFF_EXPONENTIAL);
		c.cap = 300 * SIM_MS;	/* reached at the 7th retry */
		return c;
	case 3:
		c = backoff_cfg_default(BACKOFF_EXPONENTIAL);
		c.first_attempt = 1;
		return c;
	case 4:
		c = backoff_cfg_default(BACKOFF_FULL);
		c.cap = 300 * SIM_MS;
		return c;
	case 5:
		c = backoff_cfg_default(BACKOFF_FULL);
		c.first_attempt = 1;
		return c;
	case 6:
		c = backoff_cfg_default(BACKOFF_EQUAL);
		c.base = 5 * SIM_MS + 1;	/* odd: v - v/2 != v/2 */
		c.cap = 300 * SIM_MS + 1;
		return c;
	case 7: return backoff_cfg_default(BACKOFF_DECORRELATED);
	case 8:
		c = backoff_cfg_default(BACKOFF_DECORRELATED);
		c.cap = 40 * SIM_MS;
		return c;
	case 9: return backoff_cfg_default(BACKOFF_CLIENT_GO);
	case 10:
		c = backoff_cfg_default(BACKOFF_CLIENT_GO);
		c.base = 100 * SIM_MS;
		c.factor = 2;
		c.steps = 10;
		c.cap = 1 * SIM_S;	/* hit at the 4th step */
		return c;
	case 11:
		c = backoff_cfg_default(BACKOFF_CLIENT_GO);
		c.jitter = 0;
		c.factor = 0;		/* no growth at all */
		return c;
	case 12: return backoff_cfg_default(BACKOFF_GRPC);
	case 13:
		c = backoff_cfg_default(BACKOFF_GRPC);
		c.cap = 5 * SIM_S;
		return c;
	default:
		return (struct backoff_cfg){ .kind = BACKOFF_N_KINDS };
	}
}

#define N_EXACT 14

static void test_exact_sequences(void)
{
	int i, k;

	for (i = 0; i < N_EXACT; i++) {
		struct backoff_cfg c = exact_case(i);
		gsl_rng *r = rng((uint64_t)i), *r2 = rng((uint64_t)i);
		sim_time want[RETRIES];
		struct backoff b;

		backoff_init(&b, &c);
		reference(&c, r2, want);
		for (k = 0; k < RETRIES; k++) {
			sim_time got = backoff_next(&b, r);

			if (got != want[k])
				TEST_FAIL("case %d (%s): retry %d: %" PRId64
					  " ns, want %" PRId64, i,
					  backoff_name(c.kind), k, got,
					  want[k]);
		}
		ASSERT_EQ(b.attempt, RETRIES);
		/* both generators drew the same number of values */
		ASSERT_EQ(gsl_rng_get(r), gsl_rng_get(r2));
		gsl_rng_free(r);
		gsl_rng_free(r2);
	}
}

/* Hand-derived values that pin the reading of each source. */
static void test_published_values(void)
{
	/* client-go retry.DefaultBackoff: 10ms x5 for 4 steps, then the
	 * grown Duration stays: 10ms, 50ms, 250ms, 1.25s, 6.25s, 6.25s */
	static const sim_time go[] = {
		10 * SIM_MS, 50 * SIM_MS, 250 * SIM_MS, 1250 * SIM_MS,
		6250 * SIM_MS, 6250 * SIM_MS,
	};
	/* gRPC: 1s exactly, then 1.6s, 2.56s, 4.096s, each +-20% */
	static const sim_time grpc[] = {
		1 * SIM_S, 1600 * SIM_MS, 2560 * SIM_MS, 4096 * SIM_MS,
	};
	/* the blog's exponential: n = 0 first (5ms), or n = 1 (10ms) */
	struct backoff_cfg go_c = backoff_cfg_default(BACKOFF_CLIENT_GO);
	struct backoff_cfg g_c = backoff_cfg_default(BACKOFF_GRPC);
	struct backoff_cfg e_c = backoff_cfg_default(BACKOFF_EXPONENTIAL);
	gsl_rng *r = rng(100);
	struct backoff b;
	size_t i;

	backoff_init(&b, &go_c);
	for (i = 0; i < G_N_ELEMENTS(go); i++) {
		sim_time d = backoff_next(&b, r);

		ASSERT_GE(d, go[i]);
		ASSERT_LT(d, go[i] + go[i] / 10);
		ASSERT_EQ(b.steps_left, i < 4 ? 3 - (int)i : 0);
	}
	ASSERT_EQ(b.current, 6250 * SIM_MS);

	/* the cap ends the steps: 100ms x2 up to 1s, 10 steps, no jitter:
	 * 100ms, 200ms, 400ms, 800ms (Duration capped, Steps = 0), 1s */
	go_c.base = 100 * SIM_MS;
	go_c.factor = 2;
	go_c.steps = 10;
	go_c.cap = 1 * SIM_S;
	go_c.jitter = 0;
	backoff_init(&b, &go_c);
	ASSERT_EQ(backoff_next(&b, NULL), 100 * SIM_MS);
	ASSERT_EQ(backoff_next(&b, NULL), 200 * SIM_MS);
	ASSERT_EQ(backoff_next(&b, NULL), 400 * SIM_MS);
	ASSERT_EQ(b.steps_left, 7);
	ASSERT_EQ(backoff_next(&b, NULL), 800 * SIM_MS);
	ASSERT_EQ(b.steps_left, 0);
	ASSERT_EQ(b.current, 1 * SIM_S);
	ASSERT_EQ(backoff_next(&b, NULL), 1 * SIM_S);
	ASSERT_EQ(backoff_next(&b, NULL), 1 * SIM_S);
	/* a Duration above the cap at the start is not cut */
	go_c.base = 3 * SIM_S;
	backoff_init(&b, &go_c);
	ASSERT_EQ(backoff_next(&b, NULL), 3 * SIM_S);
	ASSERT_EQ(backoff_next(&b, NULL), 1 * SIM_S);

	backoff_init(&b, &g_c);
	for (i = 0; i < G_N_ELEMENTS(grpc); i++) {
		sim_time d = backoff_next(&b, r);

		ASSERT_EQ(b.current, grpc[i]);
		if (i == 0)
			ASSERT_EQ(d, 1 * SIM_S);
		ASSERT_GE(d, grpc[i] - grpc[i] / 5);
		ASSERT_LT(d, grpc[i] + grpc[i] / 5);
	}
	ASSERT_EQ(g_c.min_connect_timeout, 20 * SIM_S);
	ASSERT_EQ(g_c.cap, 120 * SIM_S);

	backoff_init(&b, &e_c);
	ASSERT_EQ(backoff_next(&b, NULL), 5 * SIM_MS);
	ASSERT_EQ(backoff_next(&b, NULL), 10 * SIM_MS);
	e_c.first_attempt = 1;
	backoff_init(&b, &e_c);
	ASSERT_EQ(backoff_next(&b, NULL), 10 * SIM_MS);
	/* the cap: 5ms * 2^9 = 2.56s > 2s */
	e_c.first_attempt = 9;
	backoff_init(&b, &e_c);
	ASSERT_EQ(backoff_next(&b, NULL), 2 * SIM_S);
	gsl_rng_free(r);
}

/* ---- bounds ---- */

static void test_bounds(void)
{
	static const backoff_kind kinds[] = {
		BACKOFF_FULL, BACKOFF_EQUAL, BACKOFF_DECORRELATED,
		BACKOFF_CLIENT_GO, BACKOFF_GRPC,
	};
	gsl_rng *r = rng(200);
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
		struct backoff_cfg c = backoff_cfg_default(kinds[k]);
		struct backoff b;
		int seq, i;

		if (kinds[k] == BACKOFF_CLIENT_GO) {
			c.steps = 12;
			c.factor = 1.7;
			c.jitter = 0.5;
			c.cap = 20 * SIM_S;
		}
		if (kinds[k] == BACKOFF_GRPC)
			c.cap = 30 * SIM_S;
		backoff_init(&b, &c);
		for (seq = 0; seq < 2000; seq++) {
			backoff_reset(&b);
			for (i = 0; i < 25; i++) {
				sim_time v = expo(c.base, c.cap, i);
				sim_time prev = b.prev, d0 = b.current;
				sim_time d = backoff_next(&b, r);

				switch (kinds[k]) {
				case BACKOFF_FULL:
					ASSERT_GE(d, 0);
					ASSERT_LE(d, v);
					break;
				case BACKOFF_EQUAL:
					ASSERT_GE(d, v / 2);
					ASSERT_LE(d, v);
					break;
				case BACKOFF_DECORRELATED:
					ASSERT_GE(d, c.base);
					ASSERT_LE(d, min_t(c.cap, 3 * prev));
					ASSERT_EQ(b.prev, d);
					break;
				case BACKOFF_CLIENT_GO:
					ASSERT_GE(d, d0);
					ASSERT_LE(d, (double)d0 * (1 + c.jitter));
					break;
				case BACKOFF_GRPC:
					ASSERT_LE(b.current, c.cap);
					ASSERT_GE(d, 0.8 * (double)b.current - 1);
					ASSERT_LE(d, 1.2 * (double)b.current);
					break;
				default:
					break;
				}
			}
		}
	}
	gsl_rng_free(r);
}

/* ---- means ---- */

/* The mean of MEAN_DRAWS delays, each the @skip+1-th after a reset. */
static double mean_of(const struct backoff_cfg *c, int skip, uint64_t entity)
{
	gsl_rng *r = rng(entity);
	struct backoff b;
	double sum = 0;
	int i, j;

	backoff_init(&b, c);
	for (i = 0; i < MEAN_DRAWS; i++) {
		backoff_reset(&b);
		for (j = 0; j < skip; j++)
			backoff_next(&b, r);
		sum += (double)backoff_next(&b, r);
	}
	gsl_rng_free(r);
	return sum / MEAN_DRAWS;
}

/* |mean - want| within 4 standard errors of a uniform of width @width. */
static void check_mean(const char *what, double mean, double want,
		       double width)
{
	double se = width / sqrt(12.0) / sqrt((double)MEAN_DRAWS);

	printf("    %s: mean %.6g s, formula %.6g s, %.2f SE\n", what,
	       mean / SIM_S, want / SIM_S, (mean - want) / se);
	ASSERT_NEAR(mean, want, 4 * se);
}

static void test_means(void)
{
	struct backoff_cfg full = backoff_cfg_default(BACKOFF_FULL);
	struct backoff_cfg equal = backoff_cfg_default(BACKOFF_EQUAL);
	struct backoff_cfg grpc = backoff_cfg_default(BACKOFF_GRPC);
	struct backoff_cfg go = backoff_cfg_default(BACKOFF_CLIENT_GO);
	double v, cur;

	/* full: U[0, v], mean v/2; v = 5ms * 2^6 = 320ms */
	full.first_attempt = 6;
	v = (double)expo(full.base, full.cap, 6);
	check_mean("full", mean_of(&full, 0, 300), v / 2, v);

	/* equal: v/2 + U[0, v/2], mean 3v/4 */
	equal.first_attempt = 6;
	v = (double)expo(equal.base, equal.cap, 6);
	check_mean("equal", mean_of(&equal, 0, 301), 0.75 * v, v / 2);

	/* grpc's second delay: current (1.6s) x (1 + U[-0.2, 0.2]) */
	cur = 1.6 * SIM_S;
	check_mean("grpc", mean_of(&grpc, 1, 302), cur, 0.4 * cur);

	/* client-go's first delay: d + U[0,1) x 0.1 x d, mean 1.05 d */
	v = (double)go.base;
	check_mean("client-go", mean_of(&go, 0, 303), v * (1 + go.jitter / 2),
		   go.jitter * v);
}

/* ---- saturation ---- */

static void test_saturation(void)
{
	gsl_rng *r = rng(400);
	struct backoff_cfg c;
	struct backoff b;
	sim_time d, last;
	int i;

	/* n = 1000 without a cap: 2^1000 saturates */
	c = backoff_cfg_default(BACKOFF_EXPONENTIAL);
	c.cap = 0;
	c.first_attempt = 1000;
	backoff_init(&b, &c);
	ASSERT_EQ(backoff_next(&b, NULL), SIM_TIME_MAX);
	c.kind = BACKOFF_EQUAL;
	backoff_init(&b, &c);
	ASSERT_GE(backoff_next(&b, r), SIM_TIME_MAX / 2);
	c.kind = BACKOFF_FULL;
	backoff_init(&b, &c);
	ASSERT_GE(backoff_next(&b, r), 0);

	/* ... and with a cap: the cap */
	c.cap = 60 * SIM_S;
	c.kind = BACKOFF_EXPONENTIAL;
	backoff_init(&b, &c);
	ASSERT_EQ(backoff_next(&b, NULL), 60 * SIM_S);
	c.kind = BACKOFF_FULL;
	backoff_init(&b, &c);
	ASSERT_LE(backoff_next(&b, r), 60 * SIM_S);
	c.kind = BACKOFF_EQUAL;
	backoff_init(&b, &c);
	d = backoff_next(&b, r);
	ASSERT_GE(d, 30 * SIM_S);
	ASSERT_LE(d, 60 * SIM_S);

	/* every exponent up to 1000, one by one: non-decreasing, then cap;
	 * base * 2^n exactly while it fits */
	c = backoff_cfg_default(BACKOFF_EXPONENTIAL);
	c.base = 3;
	c.cap = 0;
	backoff_init(&b, &c);
	last = 0;
	for (i = 0; i < 1000; i++) {
		d = backoff_next(&b, NULL);
		ASSERT_GE(d, last);
		if (i <= 61)
			ASSERT_EQ(d, (sim_time)3 << i);
		else
			ASSERT_EQ(d, SIM_TIME_MAX);
		last = d;
	}

	/* the attempt counter itself saturates */
	c.first_attempt = INT_MAX;
	backoff_init(&b, &c);
	b.attempt = INT_MAX - 1;
	ASSERT_EQ(backoff_next(&b, NULL), SIM_TIME_MAX);
	ASSERT_EQ(backoff_next(&b, NULL), SIM_TIME_MAX);
	ASSERT_EQ(b.attempt, INT_MAX);

	/* a huge base */
	c = backoff_cfg_default(BACKOFF_FULL);
	c.base = SIM_TIME_MAX;
	c.cap = 0;
	backoff_init(&b, &c);
	for (i = 0; i < 100; i++)
		ASSERT_GE(backoff_next(&b, r), 0);

	/* decorrelated without a cap: 3 * prev saturates */
	c = backoff_cfg_default(BACKOFF_DECORRELATED);
	c.cap = 0;
	c.base = 1 * SIM_S;
	backoff_init(&b, &c);
	for (i = 0; i < 1000; i++) {
		sim_time prev = b.prev;

		d = backoff_next(&b, r);
		ASSERT_GE(d, c.base);
		ASSERT_LE(d, prev > SIM_TIME_MAX / 3 ? SIM_TIME_MAX : 3 * prev);
	}

	/* client-go, 1000 steps x5 without a cap: Duration saturates and so
	 * does the jittered delay */
	c = backoff_cfg_default(BACKOFF_CLIENT_GO);
	c.steps = 1000;
	c.base = 1 * SIM_S;
	backoff_init(&b, &c);
	last = 0;
	for (i = 0; i < 1000; i++) {
		ASSERT_GE(b.current, last);
		last = b.current;
		d = backoff_next(&b, r);
		ASSERT_GE(d, last);
	}
	ASSERT_EQ(b.current, SIM_TIME_MAX);
	ASSERT_EQ(d, SIM_TIME_MAX);
	/* an absurd jitter factor */
	c.jitter = 1e300;
	backoff_init(&b, &c);
	ASSERT_GE(backoff_next(&b, r), c.base);

	/* gRPC without a max: current saturates, delays stay in bounds */
	c = backoff_cfg_default(BACKOFF_GRPC);
	c.cap = 0;
	backoff_init(&b, &c);
	for (i = 0; i < 1000; i++) {
		d = backoff_next(&b, r);
		ASSERT_GE(d, 0.8 * (double)b.current - 1);
	}
	ASSERT_EQ(b.current, SIM_TIME_MAX);
	gsl_rng_free(r);
}

/* ---- reset, prev, determinism ---- */

static void test_reset(void)
{
	int i, k;

	for (i = 0; i < N_EXACT; i++) {
		struct backoff_cfg c = exact_case(i);
		gsl_rng *r = rng(500), *r2 = rng(500);
		struct backoff b, fresh;

		backoff_init(&b, &c);
		for (k = 0; k < 5; k++)
			backoff_next(&b, r);
		backoff_reset(&b);
		ASSERT_EQ(b.attempt, 0);
		ASSERT_EQ(b.prev, c.base);
		ASSERT_EQ(b.current, c.base);
		ASSERT_EQ(b.steps_left, c.steps);
		/* after the reset: the sequence of a fresh backoff */
		sim_rng_seed(r, SEED, 0, SIM_RNG_TEST, 500);
		backoff_init(&fresh, &c);
		for (k = 0; k < RETRIES; k++)
			ASSERT_EQ(backoff_next(&b, r), backoff_next(&fresh, r2));
		gsl_rng_free(r);
		gsl_rng_free(r2);
	}
}

/* Decorrelated jitter draws from [base, 3 prev]: the same draw gives a
 * delay that scales with prev. */
static void test_decorrelated_prev(void)
{
	struct backoff_cfg c = backoff_cfg_default(BACKOFF_DECORRELATED);
	static const sim_time prevs[] = {
		5 * SIM_MS, 100 * SIM_MS, 1 * SIM_S, 10 * SIM_S,
	};
	size_t i;

	c.base = 10 * SIM_MS;
	c.cap = 0;
	for (i = 0; i < G_N_ELEMENTS(prevs); i++) {
		gsl_rng *r = rng(600), *r2 = rng(600);
		struct backoff b;
		sim_time hi = 3 * prevs[i] > c.base ? 3 * prevs[i] : c.base;
		double u = gsl_rng_uniform(r2);
		sim_time d;

		backoff_init(&b, &c);
		b.prev = prevs[i];
		d = backoff_next(&b, r);
		ASSERT_EQ(d, c.base + ns(u * (double)(hi - c.base)));
		ASSERT_EQ(b.prev, d);
		ASSERT_GE(d, c.base);
		ASSERT_LE(d, hi);
		if (i > 0)	/* same draw, larger prev: larger delay */
			ASSERT_GT(d, c.base + ns(u * (double)(3 * prevs[i - 1] -
							      c.base)));
		gsl_rng_free(r);
		gsl_rng_free(r2);
	}

	/* a cap below base: every sleep is the cap, and 3 prev < base
	 * leaves the range [base, base] */
	{
		gsl_rng *r = rng(601);
		struct backoff b;
		int k;

		c.base = 100 * SIM_MS;
		c.cap = 20 * SIM_MS;
		backoff_init(&b, &c);
		for (k = 0; k < 10; k++)
			ASSERT_EQ(backoff_next(&b, r), 20 * SIM_MS);
		gsl_rng_free(r);
	}
}

static void test_determinism(void)
{
	int i, k;

	for (i = 0; i < N_EXACT; i++) {
		struct backoff_cfg c = exact_case(i);
		gsl_rng *r = rng(700), *r2 = rng(700), *other = rng(701);
		struct backoff a, b, o;
		int differ = 0;

		backoff_init(&a, &c);
		backoff_init(&b, &c);
		backoff_init(&o, &c);
		for (k = 0; k < 1000; k++) {
			sim_time x = backoff_next(&a, r);

			ASSERT_EQ(x, backoff_next(&b, r2));
			differ |= x != backoff_next(&o, other);
		}
		/* another seed changes every random kind's delays */
		if (c.kind == BACKOFF_FULL || c.kind == BACKOFF_EQUAL ||
		    c.kind == BACKOFF_DECORRELATED ||
		    (c.kind == BACKOFF_CLIENT_GO && c.jitter > 0) ||
		    c.kind == BACKOFF_GRPC)
			ASSERT(differ);
		else
			ASSERT(!differ);
		gsl_rng_free(r);
		gsl_rng_free(r2);
		gsl_rng_free(other);
	}
}

/* ---- names, descriptors, checks ---- */

static void test_find(void)
{
	static const struct {
		const char *name;
		backoff_kind kind;
	} cases[] = {
		{ "none", BACKOFF_NONE },
		{ "constant", BACKOFF_CONSTANT },
		{ "exponential", BACKOFF_EXPONENTIAL },
		{ "full", BACKOFF_FULL },
		{ "equal", BACKOFF_EQUAL },
		{ "decorrelated", BACKOFF_DECORRELATED },
		{ "client-go", BACKOFF_CLIENT_GO },
		{ "grpc", BACKOFF_GRPC },
	};
	GString *joined = g_string_new(NULL);
	GError *error = NULL;
	size_t i;

	ASSERT_EQ(G_N_ELEMENTS(cases), BACKOFF_N_KINDS);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct backoff_ops *ops = backoff_ops_get(cases[i].kind);

		ASSERT_EQ(backoff_find(cases[i].name, &error), cases[i].kind);
		ASSERT(error == NULL);
		ASSERT_STR_EQ(backoff_name(cases[i].kind), cases[i].name);
		ASSERT_STR_EQ(ops->name, cases[i].name);
		ASSERT(strlen(backoff_summary(cases[i].kind)) > 0);
		ASSERT_EQ(ops->defaults.kind, cases[i].kind);
		ASSERT(ops->next != NULL);
		g_string_append_printf(joined, "%s%s", i ? ", " : "",
				       cases[i].name);
	}
	ASSERT_STR_EQ(backoff_names(), joined->str);
	g_string_free(joined, TRUE);

	ASSERT_EQ(backoff_find("lognormal", &error), -1);
	ASSERT(error != NULL);
	ASSERT_EQ(error->code, SIM_ERROR_INPUT);
	ASSERT_STR_CONTAINS(error->message, "unknown backoff 'lognormal'");
	ASSERT_STR_CONTAINS(error->message, backoff_names());
	g_clear_error(&error);
	ASSERT_EQ(backoff_find("Full", NULL), -1);	/* case matters */
	ASSERT_EQ(backoff_find("", NULL), -1);
	ASSERT_EQ(backoff_find(NULL, NULL), -1);
	ASSERT_STR_EQ(backoff_name((backoff_kind)99), "?");
}

static void test_params(void)
{
	static const char *const names[] = {
		"base", "cap", "factor", "jitter", "steps", "first_attempt",
		"min_connect_timeout",
	};
	static const unsigned bits[] = {
		BACKOFF_P_BASE, BACKOFF_P_CAP, BACKOFF_P_FACTOR,
		BACKOFF_P_JITTER, BACKOFF_P_STEPS, BACKOFF_P_FIRST_ATTEMPT,
		BACKOFF_P_MIN_CONNECT_TIMEOUT,
	};
	struct backoff_cfg g = backoff_cfg_default(BACKOFF_GRPC);
	struct backoff_cfg go = backoff_cfg_default(BACKOFF_CLIENT_GO);
	size_t i;
	int k;

	ASSERT_EQ(backoff_n_params, G_N_ELEMENTS(names));
	for (i = 0; i < backoff_n_params; i++) {
		const struct backoff_param *p = backoff_param_find(names[i]);

		ASSERT(p == &backoff_params[i]);
		ASSERT_EQ(bits[i], 1u << i);
		ASSERT(strlen(p->help) > 0);
		for (k = 0; k < BACKOFF_N_KINDS; k++)
			ASSERT_EQ(backoff_param_used((backoff_kind)k, p),
				  !!(backoff_ops_get((backoff_kind)k)->params &
				     bits[i]));
	}
	ASSERT(backoff_param_find("Base") == NULL);
	ASSERT(backoff_param_find("max_backoff") == NULL);

	/* the defaults read through the descriptors */
	ASSERT_EQ(*backoff_param_duration(&g, backoff_param_find("base")),
		  1 * SIM_S);
	ASSERT_EQ(*backoff_param_duration(&g, backoff_param_find("cap")),
		  120 * SIM_S);
	ASSERT_NEAR(*backoff_param_number(&g, backoff_param_find("factor")),
		    1.6, 0);
	ASSERT_NEAR(*backoff_param_number(&g, backoff_param_find("jitter")),
		    0.2, 0);
	ASSERT_EQ(*backoff_param_duration(&g,
		  backoff_param_find("min_connect_timeout")), 20 * SIM_S);
	ASSERT_EQ(*backoff_param_int(&go, backoff_param_find("steps")), 4);
	ASSERT_EQ(*backoff_param_duration(&go, backoff_param_find("base")),
		  10 * SIM_MS);
	/* ... and set through them */
	*backoff_param_int(&go, backoff_param_find("steps")) = 7;
	ASSERT_EQ(go.steps, 7);
	*backoff_param_number(&go, backoff_param_find("jitter")) = 0.5;
	ASSERT_NEAR(go.jitter, 0.5, 0);

	/* who reads what */
	ASSERT(!backoff_param_used(BACKOFF_NONE, backoff_param_find("base")));
	ASSERT(backoff_param_used(BACKOFF_FULL,
				  backoff_param_find("first_attempt")));
	ASSERT(!backoff_param_used(BACKOFF_DECORRELATED,
				   backoff_param_find("first_attempt")));
	ASSERT(backoff_param_used(BACKOFF_GRPC,
				  backoff_param_find("min_connect_timeout")));
	ASSERT(!backoff_param_used(BACKOFF_CLIENT_GO,
				   backoff_param_find("min_connect_timeout")));
}

static void test_cfg_check(void)
{
	static const struct {
		backoff_kind kind;
		const char *field;
		double value;		/* seconds for durations */
		const char *message;	/* NULL: valid */
	} cases[] = {
		{ BACKOFF_GRPC, "jitter", 1.5,
		  "backoff 'grpc': jitter: 1.5 is out of range (valid: 0 to 1)" },
		{ BACKOFF_GRPC, "jitter", 1.0, NULL },
		{ BACKOFF_CLIENT_GO, "jitter", 1.5, NULL },
		{ BACKOFF_CLIENT_GO, "jitter", -0.1,
		  "backoff 'client-go': jitter: -0.1 is out of range (valid: a finite number >= 0)" },
		{ BACKOFF_CLIENT_GO, "factor", NAN, "factor: nan is out of range" },
		{ BACKOFF_GRPC, "factor", INFINITY, "factor: inf is out of range" },
		{ BACKOFF_FULL, "base", -1,
		  "backoff 'full': base: -1s is negative (valid: a duration >= 0)" },
		{ BACKOFF_DECORRELATED, "cap", -2, "cap: -2s is negative" },
		{ BACKOFF_GRPC, "min_connect_timeout", -1,
		  "min_connect_timeout: -1s is negative" },
		{ BACKOFF_CLIENT_GO, "steps", -1,
		  "backoff 'client-go': steps: -1 is negative (valid: an integer >= 0)" },
		{ BACKOFF_EQUAL, "first_attempt", -1, "first_attempt: -1" },
		/* fields a kind does not read are not checked */
		{ BACKOFF_CONSTANT, "factor", -1, NULL },
		{ BACKOFF_NONE, "base", -1, NULL },
		{ BACKOFF_DECORRELATED, "first_attempt", -1, NULL },
	};
	struct backoff_cfg bad = { .kind = BACKOFF_N_KINDS };
	GError *error = NULL;
	size_t i;
	int k;

	for (k = 0; k < BACKOFF_N_KINDS; k++) {
		struct backoff_cfg c = backoff_cfg_default((backoff_kind)k);

		ASSERT(backoff_cfg_check(&c, NULL));
	}
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct backoff_cfg c = backoff_cfg_default(cases[i].kind);
		const struct backoff_param *p = backoff_param_find(cases[i].field);

		switch (p->unit) {
		case BACKOFF_UNIT_DURATION:
			*backoff_param_duration(&c, p) =
				(sim_time)(cases[i].value * SIM_S);
			break;
		case BACKOFF_UNIT_NUMBER:
			*backoff_param_number(&c, p) = cases[i].value;
			break;
		case BACKOFF_UNIT_INT:
			*backoff_param_int(&c, p) = (int)cases[i].value;
			break;
		}
		if (!cases[i].message) {
			ASSERT(backoff_cfg_check(&c, &error));
			ASSERT(error == NULL);
			continue;
		}
		ASSERT(!backoff_cfg_check(&c, &error));
		ASSERT(error != NULL);
		ASSERT_EQ(error->code, SIM_ERROR_INPUT);
		ASSERT_STR_CONTAINS(error->message, cases[i].message);
		g_clear_error(&error);
	}
	ASSERT(!backoff_cfg_check(&bad, &error));
	ASSERT_STR_CONTAINS(error->message, "known: none, constant");
	g_clear_error(&error);
}

/* ---- the retry budget ---- */

static void test_retry_budget(void)
{
	struct retry_budget rb;
	GError *error = NULL;
	int i;

	ASSERT(retry_budget_init(&rb, 10, 0.1, &error));
	ASSERT(error == NULL);
	ASSERT_NEAR(retry_budget_tokens(&rb), 10, 0);	/* starts full */
	for (i = 0; i < 10; i++)
		ASSERT(retry_budget_try_spend(&rb));
	ASSERT(!retry_budget_try_spend(&rb));		/* empty */
	ASSERT_NEAR(retry_budget_tokens(&rb), 0, 0);
	for (i = 0; i < 9; i++)
		retry_budget_refund(&rb);
	ASSERT_NEAR(retry_budget_tokens(&rb), 0.9, 1e-12);
	ASSERT(!retry_budget_try_spend(&rb));		/* 0.9 < 1 */
	ASSERT_NEAR(retry_budget_tokens(&rb), 0.9, 1e-12);	/* unchanged */
	retry_budget_refund(&rb);			/* ten x 0.1: exactly 1 */
	ASSERT_EQ(rb.tokens, RETRY_BUDGET_SCALE);
	ASSERT(retry_budget_try_spend(&rb));
	ASSERT_EQ(rb.tokens, 0);
	for (i = 0; i < 1000; i++)			/* capped at the capacity */
		retry_budget_refund(&rb);
	ASSERT_NEAR(retry_budget_tokens(&rb), 10, 0);

	/* steady state: one retry per ten successes */
	ASSERT(retry_budget_init(&rb, 2, 0.1, NULL));
	{
		int retries = 0;

		for (i = 0; i < 1000; i++) {
			retry_budget_refund(&rb);
			retries += retry_budget_try_spend(&rb);
		}
		ASSERT_EQ(retries, 100 + 2 - 1);	/* 2 at first, then 1 per 10 */
	}

	/* a capacity below one token allows nothing */
	ASSERT(retry_budget_init(&rb, 0.5, 0.5, NULL));
	ASSERT(!retry_budget_try_spend(&rb));
	retry_budget_refund(&rb);
	ASSERT(!retry_budget_try_spend(&rb));

	/* the documented cost: 1/3 rounds to 0.333333 */
	ASSERT(retry_budget_init(&rb, 1, 1.0 / 3, NULL));
	ASSERT(retry_budget_try_spend(&rb));
	for (i = 0; i < 3; i++)
		retry_budget_refund(&rb);
	ASSERT_EQ(rb.tokens, 999999);
	ASSERT(!retry_budget_try_spend(&rb));

	/* bad input: an error, and an empty budget */
	ASSERT(!retry_budget_init(&rb, -1, 0.1, &error));
	ASSERT_STR_CONTAINS(error->message, "max_tokens: -1 is out of range");
	g_clear_error(&error);
	ASSERT(!retry_budget_try_spend(&rb));
	ASSERT(!retry_budget_init(&rb, NAN, 0.1, &error));
	g_clear_error(&error);
	ASSERT(!retry_budget_init(&rb, 2e9, 0.1, &error));
	g_clear_error(&error);
	ASSERT(!retry_budget_init(&rb, 5, 6, &error));
	ASSERT_STR_CONTAINS(error->message, "refund: 6 is out of range");
	g_clear_error(&error);
	ASSERT(!retry_budget_init(&rb, 5, -0.1, &error));
	g_clear_error(&error);
	ASSERT(!retry_budget_try_spend(&rb));
}

int main(void)
{
	TEST_RUN(test_exact_sequences);
	TEST_RUN(test_published_values);
	TEST_RUN(test_bounds);
	TEST_RUN(test_means);
	TEST_RUN(test_saturation);
	TEST_RUN(test_reset);
	TEST_RUN(test_decorrelated_prev);
	TEST_RUN(test_determinism);
	TEST_RUN(test_find);
	TEST_RUN(test_params);
	TEST_RUN(test_cfg_check);
	TEST_RUN(test_retry_budget);
	return 0;
}
