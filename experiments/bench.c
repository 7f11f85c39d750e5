#include "bench.h"
#include "commands.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <stdlib.h>

/* Increments are drawn once and replayed, so both sides see the same
 * inputs and neither pays for the RNG inside the timed loop. */
#define N_INC (1u << 16)

struct incs {
	sim_time *v;
	uint32_t i;
};

static struct incs make_incs(void)
{
	struct incs in = { g_new(sim_time, N_INC), 0 };
	gsl_rng *r = sim_rng_new(1, 0, SIM_RNG_BENCH, 0);
	uint32_t i;

	for (i = 0; i < N_INC; i++)
		in.v[i] = (sim_time)(gsl_ran_exponential(r, 1.0) * SIM_S) + 1;
	gsl_rng_free(r);
	return in;
}

static inline sim_time next_inc(struct incs *in)
{
	sim_time d = in->v[in->i];

	in->i = (in->i + 1) & (N_INC - 1);
	return d;
}

/* ---- the baseline: a bare 4-ary heap, no payload, no cancel ---- */

struct bkey {
	int64_t time;
	uint64_t seq;
};

struct bheap {
	struct bkey *h;
	size_t n;
	uint64_t seq;
};

static inline int bless(const struct bkey *a, const struct bkey *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void bpush(struct bheap *b, int64_t t)
{
	struct bkey e = { t, ++b->seq };
	size_t i = b->n++;

	while (i > 0) {
		size_t p = (i - 1) / 4;

		if (!bless(&e, &b->h[p]))
			break;
		b->h[i] = b->h[p];
		i = p;
	}
	b->h[i] = e;
}

static struct bkey bpop(struct bheap *b)
{
	struct bkey top = b->h[0], e = b->h[--b->n];
	size_t i = 0, n = b->n;

	for (;;) {
		size_t c = 4 * i + 1, m, end;

		if (c >= n)
			break;
		end = c + 4 < n ? c + 4 : n;
		for (m = c++; c < end; c++)
			if (bless(&b->h[c], &b->h[m]))
				m = c;
		if (!bless(&b->h[m], &e))
			break;
		b->h[i] = b->h[m];
		i = m;
	}
	if (n)
		b->h[i] = e;
	return top;
}

static double time_baseline(size_t pending, uint64_t events, struct incs *in)
{
	struct bheap b = { g_new(struct bkey, pending + 1), 0, 0 };
	uint64_t k;
	size_t i;
	gint64 t0;
	uint64_t sum = 0;	/* unsigned: wraps harmlessly */

	in->i = 0;
	for (i = 0; i < pending; i++)
		bpush(&b, next_inc(in));
	t0 = g_get_monotonic_time();
	for (k = 0; k < events; k++) {
		struct bkey top = bpop(&b);

		sum += (uint64_t)top.time;
		bpush(&b, top.time + next_inc(in));
	}
	t0 = g_get_monotonic_time() - t0;
	g_free(b.h);
	if (sum == 42)	/* keep the loop from being optimised away */
		fputc(' ', stderr);
	return (double)events / ((double)(t0 > 0 ? t0 : 1) / 1e6);
}

/* ---- the engine ---- */

struct hold {
	struct incs *in;
	uint64_t left;
};

static void hold_event(sim *s, void *ctx, uint64_t arg)
{
	struct hold *h = ctx;

	if (G_UNLIKELY(h->left == 0)) {
		sim_stop(s);
		return;
	}
	h->left--;
	sim_after(s, next_inc(h->in), hold_event, h, arg);
}

static double time_engine(size_t pending, uint64_t events, struct incs *in)
{
	sim *s = sim_new();
	struct hold h = { in, 0 };
	size_t i;
	gint64 t0;

	in->i = 0;
	for (i = 0; i < pending; i++)
		sim_schedule(s, next_inc(in), hold_event, &h, i);
	h.left = events;
	t0 = g_get_monotonic_time();
	sim_run(s, SIM_TIME_MAX);
	t0 = g_get_monotonic_time() - t0;
	if (h.left != 0)
		SIM_BUG("hold model ended early");
	sim_free(s);
	return (double)events / ((double)(t0 > 0 ? t0 : 1) / 1e6);
}

void bench_hold(size_t pending, uint64_t events, int repeats,
		struct bench_result *out)
{
	struct incs in = make_incs();
	int r;

	out->pending = pending;
	out->events = events;
	out->engine_events_per_s = 0;
	out->baseline_events_per_s = 0;
	/* alternate the two so that a noisy neighbour hurts both alike */
	for (r = 0; r < repeats; r++) {
		double b = time_baseline(pending, events, &in);
		double e = time_engine(pending, events, &in);

		if (b > out->baseline_events_per_s)
			out->baseline_events_per_s = b;
		if (e > out->engine_events_per_s)
			out->engine_events_per_s = e;
	}
	g_free(in.v);
}

int bench_main(int argc, char **argv)
{
	gchar *sizes = NULL;
	gint64 events = 0;
	gint repeats = 3;
	GOptionEntry entries[] = {
		{ "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes,
		  "Pending-event counts, comma-separated "
		  "(default 10,1000,100000,1000000)", "N,N,..." },
		{ "events", 0, 0, G_OPTION_ARG_INT64, &events,
		  "Hold operations timed per size (default max(2000000, 4 x size))",
		  "N" },
		{ "repeats", 0, 0, G_OPTION_ARG_INT, &repeats,
		  "Runs of each side per size; the best counts (default 3)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("- time the event queue");
	gchar **list;
	int i, rc = 0;

	g_option_context_set_summary(ctx,
		"The hold model: pop the earliest event, push it again at\n"
		"t + Exp(1). Compares the engine with a bare 4-ary heap of\n"
		"(int64 time, uint64 seq) keys on the same inputs.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "bench"))
		return 2;
	if (argc > 1) {
		fprintf(stderr, "selsim bench: unexpected argument (see selsim "
			"bench --help)\n");
		g_free(sizes);
		return 2;
	}
	/* a run of minutes at most per size and side */
	if (cli_range("bench", "--repeats", repeats, 1, 100) ||
	    cli_range("bench", "--events", events, 0,
		      G_GINT64_CONSTANT(10000000000))) {
		g_free(sizes);
		return 2;
	}
	list = g_strsplit(sizes ? sizes : "10,1000,100000,1000000", ",", -1);
	/* check every size before timing any */
	for (i = 0; list[i] && rc == 0; i++) {
		char *end;
		guint64 n = g_ascii_strtoull(list[i], &end, 10);

		if (!*list[i] || *end || n == 0 || n > 10000000) {
			fprintf(stderr, "selsim bench: --sizes: '%s' is not a "
				"count from 1 to 10000000\n", list[i]);
			rc = 2;
		}
	}
	for (i = 0; list[i] && rc == 0; i++) {
		guint64 n = g_ascii_strtoull(list[i], NULL, 10);
		struct bench_result r;
		uint64_t ev = events ? (uint64_t)events : MAX(2000000, 4 * n);

		bench_hold((size_t)n, ev, repeats, &r);
		printf("pending=%zu engine_events_per_s=%.0f "
		       "baseline_events_per_s=%.0f ratio=%.3f\n",
		       r.pending, r.engine_events_per_s,
		       r.baseline_events_per_s,
		       r.engine_events_per_s / r.baseline_events_per_s);
		fflush(stdout);
	}
	g_strfreev(list);
	g_free(sizes);
	return rc;
}
