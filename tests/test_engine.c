/*
 * The event queue and run loop: ordering (ties FIFO), cancellation in every
 * case, limits and stops, tracing, reuse after reset, and a long random
 * sequence of operations checked against a sorted reference.
 */
#include "sim/engine.h"
#include "test.h"

#include <glib.h>

#define MAX_LOG 256

struct log {
	uint64_t ids[MAX_LOG];
	sim_time times[MAX_LOG];
	int n;
};

static void record(sim *s, void *ctx, uint64_t arg)
{
	struct log *log = ctx;

	ASSERT_LT(log->n, MAX_LOG);
	log->times[log->n] = sim_now(s);
	log->ids[log->n++] = arg;
}

/* Table-driven: events given in schedule order; the expected run order. */
static void test_order_table(void)
{
	static const struct {
		const char *name;
		int n;
		sim_time at[8];
		uint64_t want[8];	/* ids (= index in at[]) in run order */
	} cases[] = {
		{ "ascending", 3, { 1, 2, 3 }, { 0, 1, 2 } },
		{ "descending", 3, { 3, 2, 1 }, { 2, 1, 0 } },
		{ "all tied", 5, { 7, 7, 7, 7, 7 }, { 0, 1, 2, 3, 4 } },
		{ "ties among others", 6, { 5, 1, 5, 0, 5, 1 },
		  { 3, 1, 5, 0, 2, 4 } },
		{ "time zero", 2, { 0, 0 }, { 0, 1 } },
		{ "wide range", 4, { INT64_MAX, 0, INT64_MAX - 1, INT64_MAX },
		  { 1, 2, 0, 3 } },
		{ "more than one heap level", 8, { 9, 3, 9, 1, 3, 9, 1, 0 },
		  { 7, 3, 6, 1, 4, 0, 2, 5 } },
	};
	size_t c;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		sim *s = sim_new();
		struct log log = { .n = 0 };
		int i;

		for (i = 0; i < cases[c].n; i++)
			sim_schedule(s, cases[c].at[i], record, &log, (uint64_t)i);
		ASSERT_EQ(sim_pending(s), cases[c].n);
		ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
		ASSERT_EQ(log.n, cases[c].n);
		for (i = 0; i < cases[c].n; i++) {
			if (log.ids[i] != cases[c].want[i])
				TEST_FAIL("%s: position %d ran %" PRIu64
					  ", want %" PRIu64, cases[c].name, i,
					  log.ids[i], cases[c].want[i]);
			ASSERT_EQ(log.times[i], cases[c].at[log.ids[i]]);
		}
		ASSERT_EQ(sim_pending(s), 0);
		ASSERT_EQ(sim_events_run(s), cases[c].n);
		sim_free(s);
	}
}

/* An event scheduled at the current time from a handler runs after the
 * events already queued for that time. */
static void schedule_now(sim *s, void *ctx, uint64_t arg)
{
	record(s, ctx, arg);
	if (arg == 0)
		sim_schedule(s, sim_now(s), record, ctx, 99);
}

static void test_fifo_from_handler(void)
{
	sim *s = sim_new();
	struct log log = { .n = 0 };

	sim_schedule(s, 10, schedule_now, &log, 0);
	sim_schedule(s, 10, schedule_now, &log, 1);
	sim_schedule(s, 10, schedule_now, &log, 2);
	sim_run(s, SIM_TIME_MAX);
	ASSERT_EQ(log.n, 4);
	ASSERT_EQ(log.ids[0], 0);
	ASSERT_EQ(log.ids[1], 1);
	ASSERT_EQ(log.ids[2], 2);
	ASSERT_EQ(log.ids[3], 99);
	ASSERT_EQ(log.times[3], 10);
	sim_free(s);
}

static void test_cancel_before_fire(void)
{
	sim *s = sim_new();
	struct log log = { .n = 0 };
	sim_timer a = sim_schedule(s, 5, record, &log, 1);
	sim_timer b = sim_schedule(s, 6, record, &log, 2);

	ASSERT_NE(a, SIM_TIMER_NONE);
	ASSERT_NE(a, b);
	ASSERT(sim_timer_pending(s, a));
	ASSERT(sim_cancel(s, a));
	ASSERT(!sim_timer_pending(s, a));
	ASSERT(!sim_cancel(s, a));		/* twice: no-op */
	ASSERT(!sim_cancel(s, SIM_TIMER_NONE));
	ASSERT_EQ(sim_pending(s), 1);
	sim_run(s, SIM_TIME_MAX);
	ASSERT_EQ(log.n, 1);
	ASSERT_EQ(log.ids[0], 2);
	ASSERT(!sim_cancel(s, b));		/* after it ran: no-op */
	ASSERT_EQ(sim_pending(s), 0);
	sim_free(s);
}

struct canceller {
	sim_timer victim;
	sim_timer self;
	bool cancelled;
	struct log log;
};

static void cancel_other(sim *s, void *ctx, uint64_t arg)
{
	struct canceller *c = ctx;

	record(s, &c->log, arg);
	c->cancelled = sim_cancel(s, c->victim);
}

static void test_cancel_from_handler(void)
{
	sim *s = sim_new();
	struct canceller c = { .log.n = 0 };

	sim_schedule(s, 1, cancel_other, &c, 1);
	/* the victim is due at the same time, after the canceller */
	c.victim = sim_schedule(s, 1, record, &c.log, 2);
	sim_schedule(s, 2, record, &c.log, 3);
	sim_run(s, SIM_TIME_MAX);
	ASSERT(c.cancelled);
	ASSERT_EQ(c.log.n, 2);
	ASSERT_EQ(c.log.ids[0], 1);
	ASSERT_EQ(c.log.ids[1], 3);
	sim_free(s);
}

static void cancel_self(sim *s, void *ctx, uint64_t arg)
{
	struct canceller *c = ctx;

	record(s, &c->log, arg);
	c->cancelled = sim_cancel(s, c->self);
	/* scheduling after a self-cancel reuses the slot safely */
	if (arg == 1)
		sim_schedule(s, sim_now(s) + 1, record, &c->log, 2);
}

static void test_cancel_self(void)
{
	sim *s = sim_new();
	struct canceller c = { .log.n = 0 };

	c.self = sim_schedule(s, 1, cancel_self, &c, 1);
	sim_run(s, SIM_TIME_MAX);
	ASSERT(!c.cancelled);		/* running: not pending any more */
	ASSERT_EQ(c.log.n, 2);
	ASSERT_EQ(c.log.ids[1], 2);
	ASSERT_EQ(c.log.times[1], 2);
	sim_free(s);
}

static void stopper(sim *s, void *ctx, uint64_t arg)
{
	record(s, ctx, arg);
	if (arg == 2)
		sim_stop(s);
}

static void test_limit_and_stop(void)
{
	sim *s = sim_new();
	struct log log = { .n = 0 };
	int i;

	for (i = 1; i <= 5; i++)
		sim_schedule(s, i * 10, stopper, &log, (uint64_t)i);
	ASSERT_EQ(sim_run(s, 10), SIM_RUN_LIMIT);
	ASSERT_EQ(log.n, 1);
	ASSERT_EQ(sim_now(s), 10);
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_STOPPED);
	ASSERT_EQ(log.n, 2);
	ASSERT_EQ(sim_now(s), 20);
	ASSERT_EQ(sim_run(s, 39), SIM_RUN_LIMIT);	/* 30 runs, 40 waits */
	ASSERT_EQ(log.n, 3);
	ASSERT_EQ(sim_pending(s), 2);
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
	ASSERT_EQ(log.n, 5);
	ASSERT_EQ(sim_now(s), 50);
	sim_free(s);
}

struct trace_log {
	int n;
	sim_time last;
	uint64_t arg_sum;
};

static void tracer(void *tctx, sim_time t, sim_handler fn, void *ctx,
		   uint64_t arg)
{
	struct trace_log *tl = tctx;

	(void)ctx;
	ASSERT(fn == record);
	ASSERT_GE(t, tl->last);
	tl->last = t;
	tl->arg_sum += arg;
	tl->n++;
}

static void test_trace_and_reset(void)
{
	sim *s = sim_new();
	struct log log = { .n = 0 };
	struct trace_log tl = { 0, 0, 0 };
	int i;

	sim_set_trace(s, tracer, &tl);
	for (i = 0; i < 10; i++)
		sim_schedule(s, 100 - i, record, &log, (uint64_t)i);
	sim_run(s, SIM_TIME_MAX);
	ASSERT_EQ(tl.n, 10);
	ASSERT_EQ(tl.arg_sum, 45);
	sim_set_trace(s, NULL, NULL);

	/* a reset empties the queue and rewinds time; memory is reused */
	for (i = 0; i < 10; i++)
		sim_schedule(s, 1000 + i, record, &log, (uint64_t)i);
	sim_reset(s);
	ASSERT_EQ(sim_now(s), 0);
	ASSERT_EQ(sim_pending(s), 0);
	ASSERT_EQ(sim_events_run(s), 0);
	log.n = 0;
	sim_schedule(s, 3, record, &log, 7);
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
	ASSERT_EQ(log.n, 1);
	ASSERT_EQ(log.times[0], 3);
	ASSERT_EQ(tl.n, 10);		/* trace off */
	sim_free(s);
}

/*
 * 100,000 random operations (schedule, cancel a random pending or finished
 * event, pop one) against a reference: a sorted list of (time, sequence).
 */
struct ref {
	sim_time time;
	uint64_t seq;
	sim_timer timer;
};

static gint ref_cmp(gconstpointer a, gconstpointer b)
{
	const struct ref *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct popped {
	uint64_t seq;
	sim_time time;
	int n;
};

static void pop_one(sim *s, void *ctx, uint64_t arg)
{
	struct popped *p = ctx;

	p->seq = arg;
	p->time = sim_now(s);
	p->n++;
	sim_stop(s);
}

static void test_random_against_reference(void)
{
	sim *s = sim_new();
	GArray *ref = g_array_new(FALSE, FALSE, sizeof(struct ref));
	GArray *done = g_array_new(FALSE, FALSE, sizeof(sim_timer));
	GRand *rand = g_rand_new_with_seed(12345);
	struct popped p = { 0, 0, 0 };
	uint64_t seq = 0;
	int op, cancels = 0, pops = 0;

	for (op = 0; op < 100000; op++) {
		guint32 dice = g_rand_int_range(rand, 0, 100);

		if (dice < 50 || ref->len == 0) {
			/* times cluster on few values, so ties are common */
			struct ref r = {
				.time = sim_now(s) + g_rand_int_range(rand, 0, 50),
				.seq = ++seq,
			};
			r.timer = sim_schedule(s, r.time, pop_one, &p, r.seq);
			g_array_append_val(ref, r);
		} else if (dice < 70) {
			guint i = g_rand_int_range(rand, 0, ref->len);
			struct ref r = g_array_index(ref, struct ref, i);

			ASSERT(sim_cancel(s, r.timer));
			ASSERT(!sim_timer_pending(s, r.timer));
			g_array_remove_index_fast(ref, i);
			g_array_append_val(done, r.timer);
			cancels++;
		} else if (dice < 75 && done->len) {
			guint i = g_rand_int_range(rand, 0, done->len);

			ASSERT(!sim_cancel(s, g_array_index(done, sim_timer, i)));
		} else {
			guint i, m = 0;
			struct ref want;
			int before = p.n;

			for (i = 1; i < ref->len; i++)
				if (ref_cmp(&g_array_index(ref, struct ref, i),
					    &g_array_index(ref, struct ref, m)) < 0)
					m = i;
			want = g_array_index(ref, struct ref, m);
			ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_STOPPED);
			ASSERT_EQ(p.n, before + 1);
			ASSERT_EQ(p.seq, want.seq);
			ASSERT_EQ(p.time, want.time);
			ASSERT(!sim_timer_pending(s, want.timer));
			g_array_remove_index_fast(ref, m);
			g_array_append_val(done, want.timer);
			pops++;
		}
		ASSERT_EQ(sim_pending(s), ref->len);
	}
	/* drain: the rest comes out in reference order */
	g_array_sort(ref, ref_cmp);
	while (ref->len) {
		struct ref want = g_array_index(ref, struct ref, 0);

		ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_STOPPED);
		ASSERT_EQ(p.seq, want.seq);
		g_array_remove_index(ref, 0);
	}
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
	ASSERT_GT(cancels, 10000);
	ASSERT_GT(pops, 10000);
	g_array_free(ref, TRUE);
	g_array_free(done, TRUE);
	g_rand_free(rand);
	sim_free(s);
}

/* Many timers set and cancelled (a dial timeout that rarely fires): stale
 * entries are dropped, and what is left still runs in order. */
static void test_many_cancels(void)
{
	sim *s = sim_new();
	struct log log = { .n = 0 };
	sim_timer keep[100];
	int i;

	for (i = 0; i < 200000; i++) {
		sim_timer t = sim_schedule(s, 1000000 - i, record, &log, 0);

		if (i % 2000 == 0)
			keep[i / 2000] = t;
		else
			ASSERT(sim_cancel(s, t));
	}
	ASSERT_EQ(sim_pending(s), 100);
	for (i = 0; i < 100; i++)
		ASSERT(sim_timer_pending(s, keep[i]));
	ASSERT_EQ(sim_run(s, SIM_TIME_MAX), SIM_RUN_EMPTY);
	ASSERT_EQ(log.n, 100);
	for (i = 1; i < 100; i++)
		ASSERT_LT(log.times[i - 1], log.times[i]);
	sim_free(s);
}

int main(void)
{
	TEST_RUN(test_order_table);
	TEST_RUN(test_fifo_from_handler);
	TEST_RUN(test_cancel_before_fire);
	TEST_RUN(test_cancel_from_handler);
	TEST_RUN(test_cancel_self);
	TEST_RUN(test_limit_and_stop);
	TEST_RUN(test_trace_and_reset);
	TEST_RUN(test_random_against_reference);
	TEST_RUN(test_many_cancels);
	return 0;
}
