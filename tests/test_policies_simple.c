/*
 * The simple policies: round-robin, random, pick-first and article
 * (policies/{round_robin,random,pick_first,article}.c). Each is driven
 * directly, with a sim for the clock and its own rng stream: fixed lists,
 * fixed outcomes and times, and the order of dial_next() results per
 * request, ties included; pick-first's backoff delays and connect
 * timeouts, and article's backoff, checked against backoff.h run on a
 * second, identically seeded stream.
 */
#include "lb_harness.h"
#include "policies/lb_table.h"
#include "policies/backoff.h"
#include "policies/registry.h"

#include <gsl/gsl_cdf.h>

#define MS SIM_MS

/* Sets @h up for @ops with its default parameters, changed by @tweak
 * (may be NULL) before the LB is made, and the stream for @seed. These
 * policies close nothing, so a close_conns() call fails the test. */
static void h_init_with(struct harness *h, const struct policy_ops *ops,
			uint64_t seed, void (*tweak)(struct policy_params *))
{
	h_setup(h, ops);
	if (tweak)
		tweak(&h->params);
	h_seed(h, seed, false);
	h->env.close_conns = h_close_forbidden;
	h_start(h);
}

static void h_init(struct harness *h, const struct policy_ops *ops,
		   uint64_t seed)
{
	h_init_with(h, ops, seed, NULL);
}

/* Round-robin as before issue 16: index 0 first, no health (the
 * rotation tests below check the rotation alone). */
static void rr_plain(struct policy_params *p)
{
	p->own[policy_own_find(&policy_round_robin, "random_start")] = 0;
	p->own[policy_own_find(&policy_round_robin, "health_filter")] = 0;
}

/* Fails with both orders printed unless @got (@n_got) is @want (@n). */
static void check_order(const char *what, size_t row, const int *got,
			int n_got, const int *want, int n)
{
	char g[256] = "", w[256] = "";
	int i, diff = n_got != n;

	for (i = 0; i < n_got; i++) {
		snprintf(g + strlen(g), sizeof(g) - strlen(g), " %d", got[i]);
		diff |= i < n && got[i] != want[i];
	}
	for (i = 0; i < n; i++)
		snprintf(w + strlen(w), sizeof(w) - strlen(w), " %d", want[i]);
	if (diff)
		TEST_FAIL("%s, row %zu: order%s, want%s", what, row, g, w);
}

static void test_ops(void)
{
	const struct policy_ops *all[] = {
		&policy_round_robin, &policy_random, &policy_pick_first,
		&policy_article,
	};
	static const char *const names[] = {
		"round-robin", "random", "pick-first", "article",
	};
	size_t k;

	for (k = 0; k < N(all); k++) {
		const struct policy_ops *o = all[k];

		ASSERT_STR_EQ(o->name, names[k]);
		ASSERT(o->summary && *o->summary);
		ASSERT_EQ(o->flow, JOIN_FLOW_POSTFIX);
		ASSERT(o->lb_new && o->lb_free && o->set_servers);
		ASSERT(o->dial_begin && o->dial_next && o->record);
		/* the model appends the default server for them */
		ASSERT(o->set_default == NULL);
		ASSERT(o->hedge_delay == NULL);
	}
	/* own: round-robin random_start, health_filter, panic_threshold;
	 * random health_filter, panic_threshold; pick-first
	 * happy_eyeballs_delay, wait_for_ready, backoff_after_failure */
	ASSERT_EQ(policy_own_find(&policy_round_robin, "random_start"), 0);
	ASSERT_EQ(policy_own_find(&policy_round_robin, "panic_threshold"), 2);
	ASSERT_EQ(policy_own_find(&policy_random, "health_filter"), 0);
	ASSERT_EQ(policy_own_find(&policy_pick_first, "happy_eyeballs_delay"),
		  0);
	ASSERT_EQ(policy_own_find(&policy_pick_first, "wait_for_ready"), 1);
	ASSERT_EQ(policy_round_robin.default_backoff, BACKOFF_NONE);
	ASSERT_EQ(policy_random.default_backoff, BACKOFF_NONE);
	ASSERT_EQ(policy_pick_first.default_backoff, BACKOFF_GRPC);
	ASSERT_EQ(policy_article.default_backoff, BACKOFF_EXPONENTIAL);
	ASSERT(policy_round_robin.pass_delay == NULL);
	ASSERT(policy_random.pass_delay == NULL);
	ASSERT(policy_pick_first.pass_delay && policy_pick_first.connect_timeout);
	ASSERT(policy_article.pass_delay && policy_article.observe);
	ASSERT(policy_article.connect_timeout == NULL);

	ASSERT_EQ(policy_own_find(&policy_article, "latency_weight"), 0);
	ASSERT(policy_article.own[1].name == NULL);
	ASSERT_EQ(policy_article.own[0].type, PARAM_NUMBER);
	ASSERT_NEAR(policy_article.own[0].def, 0.3, 0);
	ASSERT_NEAR(policy_article.own[0].min, 0.0, 0);
	ASSERT_NEAR(policy_article.own[0].max, 1.0, 0);
	ASSERT(policy_article.own[0].help && *policy_article.own[0].help);
}

/* ---- round-robin ---- */

/* Each request starts one further along; its pass is the whole list
 * rotated; outcomes change nothing. */
static void test_rr_rotation(void)
{
	static const int list[] = { 10, 20, 30, 40 };
	static const struct {
		lb_result first;	/* what the first dial gets */
		int want[4];
	} rows[] = {
		{ LB_FAILED, { 10, 20, 30, 40 } },
		{ LB_OK, { 20, 30, 40, 10 } },
		{ LB_OK, { 30, 40, 10, 20 } },
		{ LB_FAILED, { 40, 10, 20, 30 } },
		{ LB_OK, { 10, 20, 30, 40 } },
		{ LB_FAILED, { 20, 30, 40, 10 } },
	};
	struct harness h;
	size_t r;

	h_init_with(&h, &policy_round_robin, 1, rr_plain);
	h_servers(&h, list, N(list));
	for (r = 0; r < N(rows); r++) {
		struct lb_pass pass;
		int got[LB_MAX_SERVERS], n;

		/* a connected first dial ends the request at once */
		policy_dial_begin(h.ops, h.lb, &pass);
		got[0] = policy_dial_next(h.ops, h.lb, &pass);
		h_rec(&h, got[0], LB_CHECK_DIAL, rows[r].first);
		h_rec(&h, got[0], LB_CHECK_HEALTH, LB_FAILED);
		if (rows[r].first == LB_OK) {
			ASSERT_EQ(got[0], rows[r].want[0]);
			continue;
		}
		for (n = 1; (got[n] = policy_dial_next(h.ops, h.lb, &pass)) >= 0; n++)
			h_rec(&h, got[n], LB_CHECK_DIAL, LB_FAILED);
		check_order("rr rotation", r, got, n, rows[r].want, 4);
	}
	ASSERT(h_state(&h, 999) == NULL);	/* not listed */
	h_release(&h);
}

/* The rotation across list changes: after the server the previous request
 * started at when it is kept, else from the first kept server after it in
 * the old list, else from the top. */
static void test_rr_list_changes(void)
{
	static const struct {
		int n_set;		/* -1: no change before this request */
		int set[6];
		int n;
		int want[6];
	} rows[] = {
		{ 4, { 1, 2, 3, 4 }, 4, { 1, 2, 3, 4 } },
		{ -1, { 0 }, 4, { 2, 3, 4, 1 } },
		/* 2 kept: after it in the new list */
		{ 4, { 1, 2, 4, 5 }, 4, { 4, 5, 1, 2 } },
		/* 4 gone: 5 followed it in the old list */
		{ 3, { 1, 5, 2 }, 3, { 5, 2, 1 } },
		/* 5 kept; 7 inserted after it is next */
		{ 4, { 1, 5, 7, 2 }, 4, { 7, 2, 1, 5 } },
		/* none kept: the top */
		{ 2, { 9, 8 }, 2, { 9, 8 } },
		{ -1, { 0 }, 2, { 8, 9 } },
		{ 3, { 8, 3, 9 }, 3, { 3, 9, 8 } },
		{ -1, { 0 }, 3, { 9, 8, 3 } },
		/* 9 gone: 8 followed it (cyclically) in the old list */
		{ 2, { 3, 8 }, 2, { 8, 3 } },
		{ -1, { 0 }, 2, { 3, 8 } },
		{ 0, { 0 }, 0, { 0 } },
		{ 2, { 6, 7 }, 2, { 6, 7 } },
		/* the same list again: no change */
		{ 2, { 6, 7 }, 2, { 7, 6 } },
	};
	struct harness h;
	size_t r;

	h_init_with(&h, &policy_round_robin, 1, rr_plain);
	for (r = 0; r < N(rows); r++) {
		int got[LB_MAX_SERVERS], n;

		if (rows[r].n_set >= 0)
			h_servers(&h, rows[r].set, (size_t)rows[r].n_set);
		n = h_fail_pass(&h, got);
		check_order("rr list changes", r, got, n, rows[r].want,
			    rows[r].n);
	}
	h_release(&h);

	/* the server to resume at removed in turn, before any request */
	{
		static const int a[] = { 1, 2, 3, 4 }, b[] = { 1, 3, 4 },
				 c[] = { 1, 4 };
		int got[LB_MAX_SERVERS], n;
		static const int want[] = { 4, 1 };

		h_init_with(&h, &policy_round_robin, 1, rr_plain);
		h_servers(&h, a, N(a));
		h_fail_pass(&h, got);			/* started at 1 */
		h_fail_pass(&h, got);			/* started at 2 */
		h_servers(&h, b, N(b));			/* 2 gone: resume 3 */
		h_servers(&h, c, N(c));			/* 3 gone: resume 4 */
		n = h_fail_pass(&h, got);
		check_order("rr resume", 0, got, n, want, 2);
		h_release(&h);
	}
}

/* A server removed during a pass is skipped; an empty list fails at once. */
static void test_rr_removed_mid_pass(void)
{
	static const int list[] = { 1, 2, 3 }, less[] = { 1, 3 };
	struct harness h;
	struct lb_pass pass;

	h_init_with(&h, &policy_round_robin, 1, rr_plain);
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);
	h_servers(&h, list, N(list));
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 1);
	h_servers(&h, less, N(less));
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 3);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), -1);
	h_release(&h);
}

/* ---- random ---- */

/*
 * The draws random.c makes (its header): a Fisher-Yates from the front,
 * position @i of @a[0 .. @n) taking j = i + gsl_rng_uniform_int(n - i),
 * drawn only when the pass reaches position i, none for the last.
 */
static void ref_draw(gsl_rng *r, int *a, int n, int i)
{
	int j, t;

	if (n - i < 2)
		return;
	j = i + (int)gsl_rng_uniform_int(r, (unsigned long)(n - i));
	t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/*
 * The passes replayed on a second stream with the same seed: a pass
 * dialled to its end draws n - 1 times (lb__shuffle()'s draws); a pass
 * that stops after its first k servers draws k times and no more, and
 * the next pass goes on from there. The same seed gives the same passes.
 */
static void test_random_seed(void)
{
	static const int list[] = { 5, 1, 8, 3, 2, 7 };
	int first[20][6], distinct = 0;
	uint64_t seed;
	int p, i;

	for (seed = 1; seed <= 8; seed++) {
		struct harness a, b;
		gsl_rng *ra = sim_rng_new(seed, 0, SIM_RNG_POLICY, 0);
		gsl_rng *rb = sim_rng_new(seed, 0, SIM_RNG_POLICY, 0);

		h_init(&a, &policy_random, seed);
		h_init(&b, &policy_random, seed);
		h_servers(&a, list, N(list));
		h_servers(&b, list, N(list));
		for (p = 0; p < 20; p++) {
			int oa[LB_MAX_SERVERS], want[6], stop = 1 + p % 6;
			struct lb_pass pass;

			/* a: each pass dialled to its end, every dial
			 * failing (so from the second pass on every server
			 * is down: Envoy's panic, the whole list again) */
			memcpy(want, list, sizeof(want));
			for (i = 0; i < 6; i++)
				ref_draw(ra, want, 6, i);
			ASSERT_EQ(h_fail_pass(&a, oa), 6);
			check_order("random vs replay", (size_t)p, oa, 6, want,
				    6);
			assert_permutation(oa, list, 6);
			if (seed == 1)
				memcpy(first[p], oa, sizeof(first[p]));
			else if (memcmp(first[p], oa, sizeof(first[p])))
				distinct++;

			/* b: the pass stops after `stop` servers */
			memcpy(want, list, sizeof(want));
			policy_dial_begin(b.ops, b.lb, &pass);
			for (i = 0; i < stop; i++) {
				ref_draw(rb, want, 6, i);
				ASSERT_EQ(policy_dial_next(b.ops, b.lb, &pass),
					  want[i]);
			}
		}
		h_release(&a);
		h_release(&b);
		gsl_rng_free(ra);
		gsl_rng_free(rb);
	}
	ASSERT_GT(distinct, 7 * 20 - 10);	/* 720 orders */
}

/* Pearson's statistic of @n counts against @expect each. */
static double chi2_of(const int *count, int n, double expect)
{
	double x = 0;
	int i;

	for (i = 0; i < n; i++)
		x += (count[i] - expect) * (count[i] - expect) / expect;
	return x;
}

/*
 * Uniformity, with passes that stop at their first server (one draw)
 * between passes dialled to the end: over 60,000 full passes of 5
 * servers every one of the 5! = 120 orders comes about 500 times, and
 * each server at each position about 12,000 times; over every pass each
 * server comes first about 1/5 of the time. Chi-square tests, each
 * failing at p < 1e-6 (gsl_cdf_chisq_Qinv; 119 and 4 degrees of freedom),
 * so a fair permutation fails one run in a million per test.
 */
static void test_random_uniform(void)
{
	static const int list[] = { 0, 1, 2, 3, 4 };
	const int passes = 60000, n = N(list);
	const double crit_perm = gsl_cdf_chisq_Qinv(1e-6, 119);
	const double crit_pos = gsl_cdf_chisq_Qinv(1e-6, 4);
	int perm[120] = { 0 }, pos[5][5] = { { 0 } }, firsts[5] = { 0 };
	int k, i, j;
	struct harness h;

	h_init(&h, &policy_random, 42);
	h_servers(&h, list, N(list));
	for (k = 0; k < passes; k++) {
		int o[LB_MAX_SERVERS], code = 0, used = 0;

		firsts[h_first(&h)]++;	/* a pass that stops early */
		ASSERT_EQ(h_order(&h, o), n);
		firsts[o[0]]++;
		/* the order's rank among the 120 (Lehmer code) */
		for (i = 0; i < n; i++) {
			int smaller = 0;

			for (j = 0; j < o[i]; j++)
				smaller += !((used >> j) & 1);
			used |= 1 << o[i];
			code = code * (n - i) + smaller;
			pos[i][o[i]]++;
		}
		ASSERT_LT(code, 120);
		perm[code]++;
	}
	if (chi2_of(perm, 120, passes / 120.0) > crit_perm)
		TEST_FAIL("orders: chi-square %.1f > %.1f",
			  chi2_of(perm, 120, passes / 120.0), crit_perm);
	for (i = 0; i < n; i++)
		if (chi2_of(pos[i], n, (double)passes / n) > crit_pos)
			TEST_FAIL("position %d: chi-square %.1f > %.1f", i,
				  chi2_of(pos[i], n, (double)passes / n),
				  crit_pos);
	if (chi2_of(firsts, n, 2.0 * passes / n) > crit_pos)
		TEST_FAIL("firsts: chi-square %.1f > %.1f",
			  chi2_of(firsts, n, 2.0 * passes / n), crit_pos);
	h_release(&h);
}

/* One server, no servers, a server removed mid-pass. */
static void test_random_edges(void)
{
	static const int one[] = { 4 }, two[] = { 4, 6 };
	struct harness h;
	struct lb_pass pass;
	int o[LB_MAX_SERVERS];

	h_init(&h, &policy_random, 3);
	ASSERT_EQ(h_order(&h, o), 0);
	h_servers(&h, one, 1);
	ASSERT_EQ(h_order(&h, o), 1);
	ASSERT_EQ(o[0], 4);
	h_servers(&h, two, 2);
	policy_dial_begin(h.ops, h.lb, &pass);
	o[0] = policy_dial_next(h.ops, h.lb, &pass);
	h_servers(&h, o[0] == 4 ? two + 0 : two + 1, 1);	/* drop the other */
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), -1);
	h_release(&h);
}

/* ---- pick-first ---- */

/* Dials @h's pass in order, each id in @up connecting, until one
 * connects; logs the ids tried in @out. Returns how many. */
static int h_dial_up(struct harness *h, unsigned up, int *out)
{
	struct lb_pass pass;
	int n = 0, id;

	policy_dial_begin(h->ops, h->lb, &pass);
	while ((id = policy_dial_next(h->ops, h->lb, &pass)) >= 0) {
		bool ok = (up >> id) & 1u;

		ASSERT_LT(n, LB_MAX_SERVERS);
		out[n++] = id;
		h_rec(h, id, LB_CHECK_DIAL, ok ? LB_OK : LB_FAILED);
		if (ok)
			break;
	}
	return n;
}

#define UP(a, b, c) ((a ? 1u << 1 : 0) | (b ? 1u << 2 : 0) | (c ? 1u << 3 : 0))

/* Stick to the first that connects; from the top when it fails. */
static void test_pf_sticky(void)
{
	static const int list[] = { 1, 2, 3 };
	static const struct {
		unsigned up;		/* which of 1, 2, 3 connect */
		int n;
		int want[3];		/* the dials of the request */
		int current;		/* READY after it, or -1 */
	} rows[] = {
		{ UP(0, 1, 1), 2, { 1, 2 }, 2 },
		{ UP(1, 1, 1), 1, { 2 }, 2 },		/* sticks */
		{ UP(1, 0, 1), 2, { 2, 1 }, 1 },	/* from the top */
		{ UP(0, 0, 1), 3, { 1, 2, 3 }, 3 },
		{ UP(1, 1, 1), 1, { 3 }, 3 },
		{ UP(0, 0, 0), 3, { 3, 1, 2 }, -1 },
		{ UP(0, 1, 0), 2, { 1, 2 }, 2 },
		{ UP(1, 1, 0), 1, { 2 }, 2 },
	};
	struct harness h;
	size_t r;
	int id;

	h_init(&h, &policy_pick_first, 1);
	h_servers(&h, list, N(list));
	for (id = 1; id <= 3; id++)
		ASSERT_STR_EQ(h_state(&h, id), "IDLE");
	for (r = 0; r < N(rows); r++) {
		int got[LB_MAX_SERVERS], n = h_dial_up(&h, rows[r].up, got);

		check_order("pick-first", r, got, n, rows[r].want, rows[r].n);
		for (id = 1; id <= 3; id++)
			ASSERT_STR_EQ(h_state(&h, id),
				      id == rows[r].current ? "READY" : "IDLE");
	}

	/* health checks change nothing, nor does a failed dial of another */
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);
	h_rec(&h, 3, LB_CHECK_DIAL, LB_FAILED);
	h_rec(&h, 2, LB_CHECK_DIAL, LB_UNKNOWN);
	ASSERT_STR_EQ(h_state(&h, 2), "READY");
	ASSERT(h_state(&h, 4) == NULL);

	/* a kept current stays first; a removed one is dropped */
	{
		static const int kept[] = { 4, 2, 1 }, gone[] = { 3, 1 };
		static const int want_kept[] = { 2, 4, 1 }, want_gone[] = { 3, 1 };
		int o[LB_MAX_SERVERS], n;

		h_servers(&h, kept, N(kept));
		ASSERT_STR_EQ(h_state(&h, 2), "READY");
		n = h_order(&h, o);
		check_order("pick-first kept", 0, o, n, want_kept, 3);
		h_servers(&h, gone, N(gone));
		ASSERT_STR_EQ(h_state(&h, 3), "IDLE");
		ASSERT_STR_EQ(h_state(&h, 1), "IDLE");
		n = h_order(&h, o);
		check_order("pick-first gone", 0, o, n, want_gone, 2);
	}
	h_release(&h);
}

/* pick-first as before issue 16: waits for another pass (wait_for_ready)
 * and counts the backoff from the attempt's start (connection-backoff.md's
 * SleepUntil(deadline)). */
static void pf_attempt_clock(struct policy_params *p)
{
	p->own[policy_own_find(&policy_pick_first, "wait_for_ready")] = 1;
	p->own[policy_own_find(&policy_pick_first,
			       "backoff_after_failure")] = 0;
}

/*
 * gRPC connection backoff between failed passes, against backoff.h on a
 * second stream with the same seed: each attempt draws the next delay d;
 * every dial's timeout is max(d, 20 s); pass_delay() waits until the
 * attempt's start + d. Refused dials (100 ms each, 3 per pass) leave a
 * wait of d - 300 ms; black-holed ones (each its whole timeout, >= d)
 * leave none. A success resets: the next delay is INITIAL_BACKOFF again.
 */
static void test_pf_backoff(void)
{
	static const int list[] = { 1, 2, 3 };
	const uint64_t seed = 17;
	struct harness h;
	struct backoff ref;
	gsl_rng *ref_rng = sim_rng_new(seed, 0, SIM_RNG_POLICY, 0);
	int pass_no, k;

	h_init_with(&h, &policy_pick_first, seed, pf_attempt_clock);
	ASSERT_EQ(h.params.backoff.kind, BACKOFF_GRPC);
	ASSERT_EQ(h.params.backoff.min_connect_timeout, 20 * SIM_S);
	backoff_init(&ref, &h.params.backoff);
	h_servers(&h, list, N(list));

	for (pass_no = 1; pass_no <= 24; pass_no++) {
		bool black_hole = pass_no > 14 && pass_no % 2;
		sim_time d = backoff_next(&ref, ref_rng);
		sim_time timeout = d > 20 * SIM_S ? d : 20 * SIM_S;
		sim_time start = sim_now(h.sim), want_wait;
		struct lb_pass pass;
		int id;

		if (pass_no == 1)
			ASSERT_EQ(d, 1 * SIM_S);	/* unjittered */
		policy_dial_begin(h.ops, h.lb, &pass);
		for (k = 0; (id = policy_dial_next(h.ops, h.lb, &pass)) >= 0; k++) {
			ASSERT_EQ(id, list[k]);
			ASSERT_EQ(policy_connect_timeout(h.ops, h.lb, id,
							 &h.params), timeout);
			h_wait(&h, black_hole ? timeout : 100 * MS);
			h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
		}
		ASSERT_EQ(k, 3);
		want_wait = start + d - sim_now(h.sim);
		if (want_wait < 0)
			want_wait = 0;
		if (!black_hole)
			ASSERT_EQ(want_wait, d - 300 * MS);
		else
			ASSERT_EQ(want_wait, 0);
		ASSERT_EQ(policy_pass_delay(h.ops, h.lb, pass_no), want_wait);
		h_wait(&h, want_wait);
	}
	/* it grew to the cap, and jitter took it past */
	ASSERT_GE(ref.current, 120 * SIM_S);

	/* a success resets */
	{
		struct lb_pass pass;

		policy_dial_begin(h.ops, h.lb, &pass);
		ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 1);
		h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
		backoff_next(&ref, ref_rng);	/* that attempt's delay */
		backoff_reset(&ref);
		ASSERT_STR_EQ(h_state(&h, 1), "READY");
	}
	{
		int got[LB_MAX_SERVERS];

		ASSERT_EQ(h_fail_pass(&h, got), 3);
		ASSERT_EQ(got[0], 1);
		ASSERT_EQ(policy_connect_timeout(h.ops, h.lb, 1, &h.params),
			  20 * SIM_S);
		ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), 1 * SIM_S);
		ASSERT_EQ(backoff_next(&ref, ref_rng), 1 * SIM_S);
	}
	/* both streams drew the same numbers */
	ASSERT_EQ(gsl_rng_get(h.rng), gsl_rng_get(ref_rng));

	/* nothing to connect to: give up */
	h_servers(&h, NULL, 0);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), -1);
	h_release(&h);
	gsl_rng_free(ref_rng);
}

/* Overlapping requests share one attempt: one delay drawn, one deadline
 * for both; the next attempt draws the next delay. */
static void test_pf_shared_attempt(void)
{
	static const int list[] = { 1, 2 };
	struct harness h;
	struct lb_pass a, b;
	struct backoff ref;
	gsl_rng *ref_rng = sim_rng_new(5, 0, SIM_RNG_POLICY, 0);
	sim_time d;
	int id;

	h_init_with(&h, &policy_pick_first, 5, pf_attempt_clock);
	backoff_init(&ref, &h.params.backoff);
	h_servers(&h, list, N(list));
	policy_dial_begin(h.ops, h.lb, &a);		/* attempt 1 starts at 0 */
	h_wait(&h, 200 * MS);
	policy_dial_begin(h.ops, h.lb, &b);
	while ((id = policy_dial_next(h.ops, h.lb, &a)) >= 0)
		h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
	while ((id = policy_dial_next(h.ops, h.lb, &b)) >= 0)
		h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
	h_wait(&h, 100 * MS);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), 700 * MS);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), 700 * MS);
	backoff_next(&ref, ref_rng);
	d = backoff_next(&ref, ref_rng);
	h_wait(&h, 700 * MS);
	policy_dial_begin(h.ops, h.lb, &a);		/* attempt 2 starts at 1 s */
	ASSERT_EQ(policy_connect_timeout(h.ops, h.lb, 1, &h.params),
		  20 * SIM_S);
	while ((id = policy_dial_next(h.ops, h.lb, &a)) >= 0)
		h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 2), d);
	h_release(&h);
	gsl_rng_free(ref_rng);
}

static void tweak_exponential(struct policy_params *p)
{
	p->backoff = backoff_cfg_default(BACKOFF_EXPONENTIAL);
	p->backoff.base = 4 * SIM_S;
	p->backoff.cap = 64 * SIM_S;
	pf_attempt_clock(p);
}

/* Another backoff kind: its delays, with params->dial_timeout (10 s) as
 * the connect timeout's floor. */
static void test_pf_other_backoff(void)
{
	static const int list[] = { 1 };
	static const sim_time want_timeout[] = {
		10 * SIM_S, 10 * SIM_S, 16 * SIM_S, 32 * SIM_S, 64 * SIM_S,
		64 * SIM_S,
	};
	struct harness h;
	size_t k;

	h_init_with(&h, &policy_pick_first, 1, tweak_exponential);
	h_servers(&h, list, N(list));
	for (k = 0; k < N(want_timeout); k++) {
		int got[LB_MAX_SERVERS];
		sim_time d = 4 * SIM_S << k;

		ASSERT_EQ(h_fail_pass(&h, got), 1);
		ASSERT_EQ(policy_connect_timeout(h.ops, h.lb, 1, &h.params),
			  want_timeout[k]);
		/* no time passed: the whole delay, min(cap, base * 2^k) */
		ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1),
			  d < 64 * SIM_S ? d : 64 * SIM_S);
	}
	h_release(&h);
}

/* ---- article ---- */

enum act {
	NOTHING,	/* just look */
	HEALTH,		/* record(id, HEALTH, r) */
	DIAL,		/* record(id, DIAL, r) */
	OBS,		/* observe(id, latency ms, ok) */
	OBS_ERR,	/* observe(id, latency ms, error answer) */
};

/* Health before unknown before unhealthy, then latency (none last), then
 * list order; error answers do not count. */
static void test_article_ranking(void)
{
	static const int list[] = { 1, 2, 3, 4, 5 };
	static const struct {
		enum act act;
		int id;
		lb_result r;
		int ms;			/* OBS: the latency */
		int want[5];
	} rows[] = {
		{ NOTHING, 0, 0, 0, { 1, 2, 3, 4, 5 } },
		{ HEALTH, 3, LB_OK, 0, { 3, 1, 2, 4, 5 } },
		{ HEALTH, 5, LB_OK, 0, { 3, 5, 1, 2, 4 } },
		{ HEALTH, 2, LB_FAILED, 0, { 3, 5, 1, 4, 2 } },
		{ OBS, 5, 0, 10, { 5, 3, 1, 4, 2 } },
		{ OBS, 3, 0, 30, { 5, 3, 1, 4, 2 } },
		{ OBS, 4, 0, 5, { 5, 3, 4, 1, 2 } },
		/* 0.3 * 80 + 0.7 * 10 = 31 > 30 */
		{ OBS, 5, 0, 80, { 3, 5, 4, 1, 2 } },
		/* 1 and 4 tie at 5 ms: list order */
		{ OBS, 1, 0, 5, { 3, 5, 1, 4, 2 } },
		{ OBS_ERR, 4, 0, 1, { 3, 5, 1, 4, 2 } },
		{ OBS, 2, 0, 1, { 3, 5, 1, 4, 2 } },
		{ HEALTH, 4, LB_OK, 0, { 4, 3, 5, 1, 2 } },
		{ HEALTH, 1, LB_UNKNOWN, 0, { 4, 3, 5, 1, 2 } },
		/* a connected dial is a health result too */
		{ DIAL, 2, LB_OK, 0, { 2, 4, 3, 5, 1 } },
		{ HEALTH, 2, LB_FAILED, 0, { 4, 3, 5, 1, 2 } },
		/* 0.3 * 20 + 0.7 * 30 = 27 */
		{ OBS, 3, 0, 20, { 4, 3, 5, 1, 2 } },
		{ HEALTH, 1, LB_OK, 0, { 1, 4, 3, 5, 2 } },
		{ HEALTH, 7, LB_OK, 0, { 1, 4, 3, 5, 2 } },	/* unknown id */
	};
	static const char *const states[] = {
		"HEALTHY", "UNHEALTHY", "HEALTHY", "HEALTHY", "HEALTHY",
	};
	struct harness h;
	size_t r;
	int i;

	h_init(&h, &policy_article, 1);
	h_servers(&h, list, N(list));
	for (i = 1; i <= 5; i++)
		ASSERT_STR_EQ(h_state(&h, i), "UNKNOWN");
	for (r = 0; r < N(rows); r++) {
		int got[LB_MAX_SERVERS], n;

		switch (rows[r].act) {
		case NOTHING:
			break;
		case HEALTH:
			h_rec(&h, rows[r].id, LB_CHECK_HEALTH, rows[r].r);
			break;
		case DIAL:
			h_rec(&h, rows[r].id, LB_CHECK_DIAL, rows[r].r);
			break;
		case OBS:
		case OBS_ERR:
			h_obs(&h, rows[r].id, rows[r].ms * MS,
			      rows[r].act == OBS);
			break;
		}
		n = h_order(&h, got);
		check_order("article ranking", r, got, n, rows[r].want, 5);
	}
	for (i = 1; i <= 5; i++)
		ASSERT_STR_EQ(h_state(&h, i), states[i - 1]);
	ASSERT(h_state(&h, 7) == NULL);

	/* kept servers keep everything; a new one is unknown */
	{
		static const int changed[] = { 6, 5, 4, 3 };
		static const int want[] = { 4, 3, 5, 6 };
		int got[LB_MAX_SERVERS], n;

		h_servers(&h, changed, N(changed));
		ASSERT_STR_EQ(h_state(&h, 6), "UNKNOWN");
		ASSERT(h_state(&h, 1) == NULL);
		n = h_order(&h, got);
		check_order("article kept", 0, got, n, want, 4);
	}
	h_release(&h);
}

static void tweak_weight_one(struct policy_params *p)
{
	p->own[0] = 1.0;
}

/* latency_weight 1: the estimate is the last answer. */
static void test_article_weight(void)
{
	static const int list[] = { 1, 2 };
	static const int want[] = { 2, 1 };
	struct harness h;
	int got[LB_MAX_SERVERS], n;

	h_init_with(&h, &policy_article, 1, tweak_weight_one);
	h_servers(&h, list, N(list));
	h_obs(&h, 1, 10 * MS, true);
	h_obs(&h, 2, 1 * MS, true);
	h_obs(&h, 2, 20 * MS, true);
	h_obs(&h, 2, 9 * MS, true);
	n = h_order(&h, got);
	check_order("article weight 1", 0, got, n, want, 2);
	h_release(&h);
}

/*
 * Backoff: a failed dial sends the server behind every server not in
 * backoff until now + its next delay (exponential: 5 ms, 10 ms, ...,
 * checked against backoff.h); among servers in backoff the earliest out
 * goes first; a passed health check does not end a backoff; a connected
 * dial resets it. pass_delay() is the time to the earliest way out.
 */
static void test_article_backoff(void)
{
	static const int list[] = { 1, 2, 3 };
	enum { WAIT = OBS_ERR + 1 };
	static const struct {
		int act;		/* enum act, or WAIT */
		int id;
		lb_result r;
		int ms;			/* WAIT: how long */
		int want[3];
		int delay_us;		/* pass_delay() in microseconds */
	} rows[] = {
		{ NOTHING, 0, 0, 0, { 1, 2, 3 }, 0 },
		{ DIAL, 1, LB_FAILED, 0, { 2, 3, 1 }, 5000 },
		/* 1 and 2 both out at 5 ms: list order */
		{ DIAL, 2, LB_FAILED, 0, { 3, 1, 2 }, 5000 },
		{ DIAL, 3, LB_FAILED, 0, { 1, 2, 3 }, 5000 },
		{ WAIT, 0, 0, 2, { 1, 2, 3 }, 3000 },
		/* out of backoff, all unhealthy: list order */
		{ WAIT, 0, 0, 3, { 1, 2, 3 }, 0 },
		{ HEALTH, 3, LB_OK, 0, { 3, 1, 2 }, 0 },
		/* 3's second delay: 10 ms, until 15 ms */
		{ DIAL, 3, LB_FAILED, 0, { 1, 2, 3 }, 10000 },
		/* a passed health check does not end it */
		{ HEALTH, 3, LB_OK, 0, { 1, 2, 3 }, 10000 },
		/* 1's second delay: until 15 ms too; tie in list order */
		{ DIAL, 1, LB_FAILED, 0, { 2, 1, 3 }, 10000 },
		{ WAIT, 0, 0, 4, { 2, 1, 3 }, 6000 },
		/* 2's second delay: 10 ms, until 19 ms */
		{ DIAL, 2, LB_FAILED, 0, { 1, 3, 2 }, 6000 },
		{ WAIT, 0, 0, 6, { 3, 1, 2 }, 4000 },
		/* a server in backoff dialed as a last resort connects:
		 * healthy, backoff reset */
		{ DIAL, 2, LB_OK, 0, { 2, 3, 1 }, 0 },
		{ DIAL, 2, LB_FAILED, 0, { 3, 1, 2 }, 5000 },
		{ WAIT, 0, 0, 5, { 3, 1, 2 }, 0 },
		{ DIAL, 1, LB_UNKNOWN, 0, { 3, 1, 2 }, 0 },
	};
	struct harness h;
	struct backoff ref;
	sim_time seq[4];
	size_t r;
	int k;

	h_init(&h, &policy_article, 1);
	ASSERT_EQ(h.params.backoff.kind, BACKOFF_EXPONENTIAL);
	backoff_init(&ref, &h.params.backoff);
	for (k = 0; k < 4; k++)
		seq[k] = backoff_next(&ref, NULL);
	/* the delays the table's times are built on */
	ASSERT_EQ(seq[0], 5 * MS);
	ASSERT_EQ(seq[1], 10 * MS);
	ASSERT_EQ(seq[2], 20 * MS);

	h_servers(&h, list, N(list));
	for (r = 0; r < N(rows); r++) {
		int got[LB_MAX_SERVERS], n;

		switch (rows[r].act) {
		case HEALTH:
			h_rec(&h, rows[r].id, LB_CHECK_HEALTH, rows[r].r);
			break;
		case DIAL:
			h_rec(&h, rows[r].id, LB_CHECK_DIAL, rows[r].r);
			break;
		case WAIT:
			h_wait(&h, rows[r].ms * MS);
			break;
		default:
			break;
		}
		n = h_order(&h, got);
		check_order("article backoff", r, got, n, rows[r].want, 3);
		if (policy_pass_delay(h.ops, h.lb, 1) !=
		    rows[r].delay_us * SIM_US)
			TEST_FAIL("article backoff, row %zu: pass_delay %" PRId64
				  " ns, want %d us", r,
				  policy_pass_delay(h.ops, h.lb, 1),
				  rows[r].delay_us);
	}
	ASSERT_STR_EQ(h_state(&h, 3), "HEALTHY");
	ASSERT_STR_EQ(h_state(&h, 1), "UNHEALTHY");
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_STR_EQ(h_state(&h, 1), "BACKOFF");

	/* a whole failing pass: everyone tried once, in backoff after */
	{
		int got[LB_MAX_SERVERS];
		static const int want[] = { 3, 2, 1 };

		ASSERT_EQ(h_fail_pass(&h, got), 3);
		check_order("article pass", 0, got, 3, want, 3);
		for (k = 1; k <= 3; k++)
			ASSERT_STR_EQ(h_state(&h, k), "BACKOFF");
	}

	h_servers(&h, NULL, 0);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), -1);
	h_release(&h);
}

/* ---- issue 16: the references' starts, health and panic ---- */

/*
 * Round-robin's first pass starts at a random index, one draw from the
 * LB's stream (gRPC endpointsharding.go:122 randIntN; Envoy
 * round_robin_lb.h:48 seeds rr_indexes_ with random()); each later pass
 * starts one further. Replayed on a twin stream: pass k starts at
 * ids[(s0 + k) % 5]. Over 3000 fresh LBs every start comes up (about
 * 600 each; each count within 600 +- 5 sigma, sigma = sqrt(3000 x 0.2 x
 * 0.8) = 21.9).
 */
static void test_rr_random_start(void)
{
	static const int ids[] = { 10, 20, 30, 40, 50 };
	int count[5] = { 0 }, k, i;
	uint64_t seed;

	for (seed = 1; seed <= 3000; seed++) {
		struct harness h;
		int s0;

		h_setup(&h, &policy_round_robin);
		h_seed(&h, seed, true);
		h_start(&h);
		h_servers(&h, ids, N(ids));
		s0 = (int)gsl_rng_uniform_int(h.twin, 5);
		for (k = 0; k < (seed <= 20 ? 7 : 1); k++)
			ASSERT_EQ(h_first(&h), ids[(s0 + k) % 5]);
		count[s0]++;
		h_release(&h);
	}
	for (i = 0; i < 5; i++) {
		ASSERT_GE(count[i], 600 - 5 * 22);
		ASSERT_LE(count[i], 600 + 5 * 22);
	}
}

/*
 * Round-robin skips servers its health says are down (gRPC
 * endpointsharding.go:278-280, READY children only; Envoy
 * load_balancer_impl.cc hostSourceToUse: healthy hosts) unless in panic:
 * healthy% < panic_threshold (50), with availability
 * min(100, 140 x healthy / total) below 100 (load_balancer_impl.cc:191,
 * :297, :636-651).
 */
static void test_rr_health_panic(void)
{
	static const int ids[] = { 1, 2, 3 };
	struct harness h;
	int o[LB_MAX_SERVERS], k, n, seen_first[4] = { 0 };

	/* the panic rule itself: 1 of 3 up is 33 % < 50; 2 of 4 is 50 %,
	 * not < 50; with threshold 80, 3 of 4 up: 140 x 3 / 4 = 105 >= 100 */
	ASSERT(lb__panic(1, 3, 50));
	ASSERT(!lb__panic(2, 3, 50));
	ASSERT(!lb__panic(2, 4, 50));
	ASSERT(!lb__panic(3, 4, 80));
	ASSERT(lb__panic(2, 4, 80));
	ASSERT(!lb__panic(0, 3, 0));
	ASSERT(!lb__panic(0, 0, 50));

	h_init(&h, &policy_round_robin, 7);
	h_servers(&h, ids, N(ids));
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);	/* 2 of 3 up: no panic */
	for (k = 0; k < 300; k++) {
		n = h_order(&h, o);
		ASSERT_EQ(n, 3);
		ASSERT(o[0] != 1);
		ASSERT_EQ(o[2], 1);	/* down last */
	}
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);	/* 1 of 3: panic */
	for (k = 0; k < 30; k++)
		seen_first[h_first(&h)]++;
	ASSERT(seen_first[1] > 0 && seen_first[2] > 0 && seen_first[3] > 0);
	h_release(&h);

	/* threshold 0, every server down: Envoy has no host; the pass is
	 * empty and fails at once */
	h_setup(&h, &policy_round_robin);
	h_own(&h, "panic_threshold", 0);
	h_seed(&h, 1, false);
	h_start(&h);
	h_servers(&h, ids, N(ids));
	for (k = 1; k <= 3; k++)
		h_rec(&h, k, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(h_order(&h, o), 0);
	h_release(&h);
}

/*
 * random follows health as Envoy's RANDOM (random_lb.cc:19-29
 * peekOrChoose: hostSourceToUse, then random() % size): a down server is
 * never first while 2 of 3 are up, and always last; with 2 of 3 down
 * (panic) every server comes first, about 1/3 each (1000 passes: each
 * count within 333 +- 5 x 15).
 */
static void test_random_health(void)
{
	static const int ids[] = { 0, 1, 2 };
	struct harness h;
	int o[LB_MAX_SERVERS], k, first[3] = { 0 };

	h_init(&h, &policy_random, 11);
	h_servers(&h, ids, N(ids));
	h_rec(&h, 0, LB_CHECK_DIAL, LB_FAILED);
	for (k = 0; k < 1000; k++) {
		ASSERT_EQ(h_order(&h, o), 3);
		ASSERT_EQ(o[2], 0);
	}
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	for (k = 0; k < 1000; k++)
		first[h_first(&h)]++;
	for (k = 0; k < 3; k++) {
		ASSERT_GE(first[k], 333 - 75);
		ASSERT_LE(first[k], 333 + 75);
	}
	h_release(&h);
}

/*
 * pick-first's defaults (grpc-go): Happy Eyeballs after 250 ms
 * (pickfirst.go:65 connectionDelayInterval), fail fast (rpc_util.go:204
 * failFast true; picker_wrapper.go:172-176: a failed pass fails the RPC,
 * pass_delay -1), and with wait_for_ready the backoff timer from the
 * failure (clientconn.go:1382 NewTimer(backoffFor) after the attempt
 * failed): the whole first delay, 1 s, however long the pass took.
 */
static void test_pf_grpc_go(void)
{
	static const int list[] = { 1, 2 };
	struct harness h;
	int got[LB_MAX_SERVERS];

	h_init(&h, &policy_pick_first, 3);
	h_servers(&h, list, N(list));
	ASSERT_EQ(policy_dial_stagger(h.ops, h.lb), 250 * MS);
	ASSERT(h.ops->dial_ignores_cancel);
	ASSERT_EQ(h_fail_pass(&h, got), 2);
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), -1);
	h_release(&h);

	h_setup(&h, &policy_pick_first);
	h_own(&h, "wait_for_ready", 1);
	h_own(&h, "happy_eyeballs_delay", 0);
	h_seed(&h, 3, false);
	h_start(&h);
	h_servers(&h, list, N(list));
	ASSERT_EQ(policy_dial_stagger(h.ops, h.lb), -1);
	{
		struct lb_pass pass;
		int id;

		policy_dial_begin(h.ops, h.lb, &pass);
		while ((id = policy_dial_next(h.ops, h.lb, &pass)) >= 0) {
			h_wait(&h, 400 * MS);	/* 2 x 400 ms > the 1 s delay */
			h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
		}
	}
	ASSERT_EQ(policy_pass_delay(h.ops, h.lb, 1), 1 * SIM_S);
	h_release(&h);
}

int main(void)
{
	TEST_RUN(test_ops);
	TEST_RUN(test_rr_rotation);
	TEST_RUN(test_rr_list_changes);
	TEST_RUN(test_rr_removed_mid_pass);
	TEST_RUN(test_random_seed);
	TEST_RUN(test_random_uniform);
	TEST_RUN(test_random_edges);
	TEST_RUN(test_pf_sticky);
	TEST_RUN(test_pf_backoff);
	TEST_RUN(test_pf_shared_attempt);
	TEST_RUN(test_pf_other_backoff);
	TEST_RUN(test_article_ranking);
	TEST_RUN(test_article_weight);
	TEST_RUN(test_article_backoff);
	TEST_RUN(test_rr_random_start);
	TEST_RUN(test_rr_health_panic);
	TEST_RUN(test_random_health);
	TEST_RUN(test_pf_grpc_go);
	return 0;
}
