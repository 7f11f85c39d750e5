/*
 * Outlier ejection (policies/outlier.c), Envoy's consecutive-failure rule:
 * ejection after exactly `consecutive` failed dials, a connected dial
 * resetting the count, ejections growing with a multiplier up to
 * max_ejection_time and stepping down after healthy intervals, the
 * max_percent cap (rounding down, as Envoy since v1.31), and ejections
 * ending only at the review ticks.
 */
#include "policies/outlier.h"
#include "sim/engine.h"
#include "test.h"

#include <stdbool.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S SIM_S

static void noop(sim *s, void *ctx, uint64_t arg)
{
	(void)s;
	(void)ctx;
	(void)arg;
}

/* Moves @s's clock to @t (>= now). */
static void at(sim *s, sim_time t)
{
	ASSERT_GE(t, sim_now(s));
	sim_schedule(s, t, noop, NULL, 0);
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
}

/* Envoy's defaults, enabled, with @max_percent. */
static struct outlier_cfg cfg_with(double max_percent)
{
	return (struct outlier_cfg){
		.enabled = true,
		.consecutive = 5,
		.interval = 10 * S,
		.base_ejection = 30 * S,
		.max_percent = max_percent,
		.max_ejection_time = 300 * S,
	};
}

/* Sets @o up at the current time with servers 1..@n. */
static void setup(struct outlier *o, const struct outlier_cfg *cfg, sim *s,
		  int n)
{
	int ids[LB_MAX_SERVERS], i;

	outlier_init(o, cfg, s);
	for (i = 0; i < n; i++)
		ids[i] = i + 1;
	outlier_set_servers(o, ids, (size_t)n);
}

static void fail(struct outlier *o, int server, int times)
{
	while (times-- > 0)
		outlier_record(o, server, false);
}

/* Exactly `consecutive` failures eject, one fewer does not; other
 * servers' counts are their own. */
static void test_consecutive(void)
{
	static const int counts[] = { 1, 2, 3, 5, 7 };
	size_t c;

	for (c = 0; c < N(counts); c++) {
		struct outlier_cfg cfg = cfg_with(100);
		struct outlier o;
		sim *s = sim_new();

		cfg.consecutive = counts[c];
		setup(&o, &cfg, s, 3);
		fail(&o, 1, counts[c] - 1);
		fail(&o, 2, counts[c] - 1);
		if (outlier_ejected(&o, 1))
			TEST_FAIL("consecutive %d: ejected after %d", counts[c],
				  counts[c] - 1);
		fail(&o, 1, 1);
		ASSERT(outlier_ejected(&o, 1));
		ASSERT(!outlier_ejected(&o, 2));
		ASSERT(!outlier_ejected(&o, 3));
		ASSERT_EQ(outlier_n_ejected(&o), 1);
		outlier_release(&o);
		sim_free(s);
	}
}

/* A connected dial starts the count over. */
static void test_success_resets(void)
{
	struct outlier_cfg cfg = cfg_with(100);
	struct outlier o;
	sim *s = sim_new();

	setup(&o, &cfg, s, 2);
	fail(&o, 1, 4);
	outlier_record(&o, 1, true);
	fail(&o, 1, 4);
	ASSERT(!outlier_ejected(&o, 1));
	outlier_record(&o, 2, true);		/* another server's success */
	fail(&o, 1, 1);
	ASSERT(outlier_ejected(&o, 1));
	outlier_release(&o);
	sim_free(s);
}

/*
 * Each ejection lasts base x its multiplier, ending at the first tick
 * (every 10 s from 0) at least that long after it began: one row per
 * ejection of the same server, with when its failures come and the tick
 * it returns at.
 */
static void test_ejection_grows(void)
{
	static const struct {
		sim_time fail_at;	/* the 5 failures come at */
		sim_time back_at;	/* the tick it returns at */
	} rows[] = {
		{ 0, 30 * S },			/* 30 s, on a tick */
		{ 30 * S, 90 * S },		/* 60 s */
		{ 95 * S, 190 * S },		/* 90 s: due 185 s */
		/* the tick at 200 s came 10 s after the return at 190 s:
		 * the multiplier stepped down from 3 to 2, so 3 again */
		{ 200 * S + 1, 300 * S },	/* 90 s: due 290 s + 1 ns */
	};
	struct outlier_cfg cfg = cfg_with(100);
	struct outlier o;
	sim *s = sim_new();
	size_t r;

	setup(&o, &cfg, s, 2);	/* rows 1-3: 30 s x ejections */
	for (r = 0; r < N(rows); r++) {
		sim_time back = rows[r].back_at;

		at(s, rows[r].fail_at);
		fail(&o, 1, 4);
		ASSERT(!outlier_ejected(&o, 1));
		fail(&o, 1, 1);
		ASSERT(outlier_ejected(&o, 1));
		ASSERT_EQ(o.srv[0].times_ejected, (int)r + 1);
		at(s, back - 1);
		if (!outlier_ejected(&o, 1))
			TEST_FAIL("ejection %zu: back before %" PRId64 " ns",
				  r + 1, back);
		at(s, back);
		if (outlier_ejected(&o, 1))
			TEST_FAIL("ejection %zu: still out at %" PRId64 " ns",
				  r + 1, back);
	}
	ASSERT_EQ(outlier_n_ejected(&o), 0);
	outlier_release(&o);
	sim_free(s);
}

/*
 * Un-ejection only at ticks, counted from outlier_init(): one row per
 * (init time, ejection time, base) with the tick it ends at.
 */
static void test_interval_ticks(void)
{
	static const struct {
		sim_time init_at;	/* tick 0 */
		sim_time eject_at;
		sim_time base;
		sim_time back_at;
	} rows[] = {
		{ 0, 3 * S, 30 * S, 40 * S },		/* due 33 s */
		{ 0, 3 * S, 0, 10 * S },		/* due at once */
		{ 0, 20 * S, 0, 30 * S },		/* the 20 s tick ran first */
		{ 0, 20 * S, 10 * S, 30 * S },		/* due on a tick */
		{ 7 * S, 8 * S, 10 * S, 27 * S },	/* ticks 17, 27, ... */
		{ 7 * S, 7 * S, 30 * S, 37 * S },
		{ 0, 10 * S - 1, 1, 10 * S },		/* due on the tick */
	};
	size_t r;

	for (r = 0; r < N(rows); r++) {
		struct outlier_cfg cfg = cfg_with(100);
		struct outlier o;
		sim *s = sim_new();
		sim_time mid;

		cfg.base_ejection = rows[r].base;
		at(s, rows[r].init_at);
		setup(&o, &cfg, s, 1);
		at(s, rows[r].eject_at);
		fail(&o, 1, 5);
		ASSERT(outlier_ejected(&o, 1));
		/* between the due time and the tick it is still out */
		mid = rows[r].eject_at + rows[r].base;
		if (mid < rows[r].back_at) {
			at(s, mid);
			if (!outlier_ejected(&o, 1))
				TEST_FAIL("row %zu: back when due, between ticks",
					  r);
		}
		at(s, rows[r].back_at - 1);
		if (!outlier_ejected(&o, 1))
			TEST_FAIL("row %zu: back before the tick", r);
		at(s, rows[r].back_at);
		if (outlier_ejected(&o, 1))
			TEST_FAIL("row %zu: still out at the tick", r);
		outlier_release(&o);
		sim_free(s);
	}
}

/* Un-ejection starts the count over; failures while ejected neither
 * extend the ejection nor count toward the next. */
static void test_uneject_resets(void)
{
	struct outlier_cfg cfg = cfg_with(100);
	struct outlier o;
	sim *s = sim_new();

	setup(&o, &cfg, s, 2);
	fail(&o, 1, 5);
	fail(&o, 1, 3);				/* while out */
	ASSERT_EQ(o.srv[0].times_ejected, 1);
	at(s, 30 * S);
	ASSERT(!outlier_ejected(&o, 1));
	fail(&o, 1, 4);
	ASSERT(!outlier_ejected(&o, 1));
	fail(&o, 1, 1);
	ASSERT(outlier_ejected(&o, 1));
	ASSERT_EQ(o.srv[0].times_ejected, 2);
	outlier_release(&o);
	sim_free(s);
}

/*
 * The cap: an ejection happens only while 100 * (ejected + 1) / servers
 * <= max_percent. One row per (servers, max_percent): how many of the
 * servers, each failing 5 times in turn, end up ejected.
 */
static void test_max_percent(void)
{
	static const struct {
		int servers;
		double max_percent;
		int ejected;
	} rows[] = {
		{ 10, 10, 1 },
		{ 20, 10, 2 },
		{ 19, 10, 1 },		/* 2 of 19 is 10.5% */
		{ 9, 10, 0 },		/* rounds down: nobody */
		{ 3, 10, 0 },
		{ 4, 50, 2 },
		{ 3, 50, 1 },
		{ 3, 100, 3 },
		{ 1, 100, 1 },
		{ 5, 0, 0 },
		{ 3, 33.34, 1 },
		{ 3, 66.67, 2 },
	};
	size_t r;

	for (r = 0; r < N(rows); r++) {
		struct outlier_cfg cfg = cfg_with(rows[r].max_percent);
		struct outlier o;
		sim *s = sim_new();
		int i, n = 0;

		setup(&o, &cfg, s, rows[r].servers);
		for (i = 1; i <= rows[r].servers; i++) {
			fail(&o, i, 5);
			n += outlier_ejected(&o, i);
		}
		if (n != rows[r].ejected ||
		    outlier_n_ejected(&o) != rows[r].ejected)
			TEST_FAIL("row %zu: %d servers, %g%%: %d ejected, want %d",
				  r, rows[r].servers, rows[r].max_percent, n,
				  rows[r].ejected);
		outlier_release(&o);
		sim_free(s);
	}
}

/* A refused ejection resets the count too; once the first server is
 * back, the next `consecutive` failures eject the second. */
static void test_cap_refusal(void)
{
	struct outlier_cfg cfg = cfg_with(10);
	struct outlier o;
	sim *s = sim_new();

	setup(&o, &cfg, s, 10);
	fail(&o, 1, 5);
	ASSERT(outlier_ejected(&o, 1));
	fail(&o, 2, 5);				/* refused, count reset */
	ASSERT(!outlier_ejected(&o, 2));
	at(s, 30 * S);				/* 1 is back */
	ASSERT(!outlier_ejected(&o, 1));
	fail(&o, 2, 4);
	ASSERT(!outlier_ejected(&o, 2));
	fail(&o, 2, 1);
	ASSERT(outlier_ejected(&o, 2));
	ASSERT_EQ(o.srv[1].times_ejected, 1);
	outlier_release(&o);
	sim_free(s);
}

/* The list is the cap's base; removed servers are forgotten, ejected or
 * not, and come back clean; unknown ids are ignored; disabled, nothing is
 * ever ejected. */
static void test_servers_and_disabled(void)
{
	static const int three[] = { 1, 2, 3 }, four[] = { 1, 2, 3, 4 };
	static const int two[] = { 2, 3 };
	struct outlier_cfg cfg = cfg_with(50);
	struct outlier o;
	sim *s = sim_new();

	outlier_init(&o, &cfg, s);
	outlier_set_servers(&o, three, N(three));
	fail(&o, 1, 5);
	fail(&o, 2, 5);				/* 2 of 3: refused */
	ASSERT(outlier_ejected(&o, 1));
	ASSERT(!outlier_ejected(&o, 2));
	outlier_set_servers(&o, four, N(four));
	fail(&o, 2, 5);				/* 2 of 4: allowed */
	ASSERT(outlier_ejected(&o, 2));
	ASSERT_EQ(outlier_n_ejected(&o), 2);

	outlier_set_servers(&o, two, N(two));	/* 1 forgotten */
	ASSERT(!outlier_ejected(&o, 1));
	ASSERT_EQ(outlier_n_ejected(&o), 1);
	fail(&o, 9, 10);
	ASSERT(!outlier_ejected(&o, 9));
	outlier_set_servers(&o, four, N(four));	/* 1 comes back clean */
	ASSERT(!outlier_ejected(&o, 1));
	ASSERT(outlier_ejected(&o, 2));
	ASSERT_EQ(o.srv[0].times_ejected, 0);
	outlier_release(&o);

	cfg.enabled = false;
	outlier_init(&o, &cfg, s);
	outlier_set_servers(&o, three, N(three));
	fail(&o, 1, 50);
	ASSERT(!outlier_ejected(&o, 1));
	ASSERT_EQ(outlier_n_ejected(&o), 0);
	outlier_release(&o);
	sim_free(s);
}

/* A base so long that the end lies past the end of time, directly or
 * once rounded up to a tick: the ejection never ends. */
static void test_saturation(void)
{
	static const sim_time bases[] = { SIM_TIME_MAX, SIM_TIME_MAX - 5 * S };
	size_t r;

	for (r = 0; r < N(bases); r++) {
		struct outlier_cfg cfg = cfg_with(100);
		struct outlier o;
		sim *s = sim_new();

		cfg.base_ejection = bases[r];
		setup(&o, &cfg, s, 1);
		fail(&o, 1, 5);
		ASSERT_EQ(o.srv[0].until, SIM_TIME_MAX);
		at(s, 1000 * SIM_HOUR);
		ASSERT(outlier_ejected(&o, 1));
		outlier_release(&o);
		sim_free(s);
	}
}

/*
 * Envoy's current ejection time (outlier_detection_impl.cc:370
 * checkHostForUneject: min(base x backoff, max); :515-518 ejectHost: if
 * (backoff x base < max + base) backoff++; :765-776 onIntervalTimer: a
 * host not ejected, un-ejected at least an interval ago, steps backoff
 * down by one per tick). base 30 s, interval 10 s, max 300 s, consecutive
 * 1, each failure at the tick the server returns: ejections 1..10 last
 * 30 x k s; the 11th and 12th 300 s (11 x 30 = 330 is not < 330: backoff
 * stays 11). Then three healthy ticks (T + 10, + 20, + 30 s) step it down
 * to 8, and a failure at T + 30 s ejects for min(9 x 30, 300) = 270 s.
 */
static void test_ejection_cap_and_step_down(void)
{
	struct outlier_cfg cfg = cfg_with(100);
	struct outlier o;
	sim *s = sim_new();
	sim_time t = 0;
	int k;

	cfg.consecutive = 1;
	setup(&o, &cfg, s, 2);
	for (k = 1; k <= 12; k++) {
		sim_time len = k <= 10 ? 30 * k * S : 300 * S;

		at(s, t);
		fail(&o, 1, 1);
		ASSERT(outlier_ejected(&o, 1));
		ASSERT_EQ(o.srv[0].backoff, k <= 10 ? k : 11);
		at(s, t + len - 1);
		ASSERT(outlier_ejected(&o, 1));
		t += len;
		at(s, t);
		ASSERT(!outlier_ejected(&o, 1));
	}
	at(s, t + 30 * S);
	ASSERT(!outlier_ejected(&o, 1));
	ASSERT_EQ(o.srv[0].backoff, 8);
	fail(&o, 1, 1);
	at(s, t + 30 * S + 270 * S - 1);
	ASSERT(outlier_ejected(&o, 1));
	at(s, t + 30 * S + 270 * S);
	ASSERT(!outlier_ejected(&o, 1));
	outlier_release(&o);
	sim_free(s);
}

/*
 * Ejected hosts count as unhealthy towards Envoy's panic threshold
 * (load_balancer_impl.cc:191 availability min(100, 140 x healthy /
 * total), :636-651 panic when healthy% < threshold): with 3 servers, one
 * ejected leaves 67% (no panic at 50); two leave 33% (panic: the model
 * dials ejected servers too); threshold 0 never panics.
 */
static void test_panic(void)
{
	struct outlier_cfg cfg = cfg_with(100);
	struct outlier o;
	sim *s = sim_new();

	cfg.consecutive = 1;
	setup(&o, &cfg, s, 3);
	ASSERT(!outlier_in_panic(&o, 50));
	fail(&o, 1, 1);
	ASSERT(!outlier_in_panic(&o, 50));
	fail(&o, 2, 1);
	ASSERT(outlier_in_panic(&o, 50));
	ASSERT(!outlier_in_panic(&o, 0));
	outlier_release(&o);
	sim_free(s);
}

int main(void)
{
	TEST_RUN(test_consecutive);
	TEST_RUN(test_success_resets);
	TEST_RUN(test_ejection_grows);
	TEST_RUN(test_interval_ticks);
	TEST_RUN(test_uneject_resets);
	TEST_RUN(test_max_percent);
	TEST_RUN(test_cap_refusal);
	TEST_RUN(test_servers_and_disabled);
	TEST_RUN(test_saturation);
	TEST_RUN(test_ejection_cap_and_step_down);
	TEST_RUN(test_panic);
	return 0;
}
