/*
 * The load-aware policies: p2c (policies/p2c.c), peak-ewma (peak_ewma.c),
 * c3 (c3.c) and hedged (hedged.c), each driven directly: connection
 * counts through conn_open/conn_close, answers through observe(), dial
 * and health outcomes through record(), time through the engine.
 *
 * Random draws are checked by replaying them: the LB's stream and a twin
 * seeded the same way go through the draws each header documents, and
 * the test computes from the twin's draws and its own tables what the LB
 * must answer. Costs and scores are checked against hand-computed values
 * by bracketing: a probe server whose cost is known exactly (one fresh
 * sample) is made a hair cheaper, then a hair dearer, than the value
 * expected, and the LB must rank it second, then first.
 */
#include "lb_harness.h"
#include "policies/registry.h"

/* Sets @h up for @ops with its default parameters, the stream for @seed
 * and its twin; on_state() calls are counted. h_own() may change the
 * parameters before h_start() creates the LB. */
static void h_init(struct harness *h, const struct policy_ops *ops,
		   uint64_t seed)
{
	h_setup(h, ops);
	h_seed(h, seed, true);
	h->env.on_state = h_on_state_count;
}

static void assert_order(const int *got, const int *want, int n,
			 const char *what, int row)
{
	int i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			TEST_FAIL("%s row %d: position %d is %d, want %d", what,
				  row, i, got[i], want[i]);
}

/* ---- the documented draws, replayed on the twin ---- */

/* Fisher-Yates from the front (p2c.c, peak_ewma.c). */
static void twin_shuffle(gsl_rng *r, int *a, int n)
{
	int i;

	for (i = 0; i + 1 < n; i++) {
		int j = i + (int)gsl_rng_uniform_int(r, (unsigned long)(n - i));
		int t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/*
 * The order a p2c-style pass must give: up servers (all when none is up)
 * shuffled, the cheapest of the first @k by @cost first (ties: the first
 * drawn), the rest of them in shuffled order, then the down servers
 * shuffled. @ids, @cost and @down are indexed alike (@n). Returns @n.
 */
static int expect_p2c(gsl_rng *twin, const int *ids, const double *cost,
		      const bool *down, int n, int k, int *out)
{
	int pool[LB_MAX_SERVERS], rest[LB_MAX_SERVERS];
	int n_pool = 0, n_rest = 0, best = 0, c, m = 0;

	for (c = 0; c < n; c++) {
		if (down[c])
			rest[n_rest++] = c;
		else
			pool[n_pool++] = c;
	}
	if (n_pool == 0) {
		memcpy(pool, rest, sizeof(int) * (size_t)n_rest);
		n_pool = n_rest;
		n_rest = 0;
	}
	twin_shuffle(twin, pool, n_pool);
	if (k > n_pool)
		k = n_pool;
	for (c = 1; c < k; c++)
		if (cost[pool[c]] < cost[pool[best]])
			best = c;
	if (n_pool > 0)
		out[m++] = ids[pool[best]];
	for (c = 0; c < n_pool; c++)
		if (c != best)
			out[m++] = ids[pool[c]];
	twin_shuffle(twin, rest, n_rest);
	for (c = 0; c < n_rest; c++)
		out[m++] = ids[rest[c]];
	ASSERT_EQ(m, n);
	return m;
}

/* ---- the ops structs ---- */

static void check_own(const struct policy_ops *o, const char *const *names,
		      const double *defs, size_t n)
{
	struct policy_params p;
	size_t i;

	policy_params_for(o, &p);
	for (i = 0; o->own && o->own[i].name; i++) {
		ASSERT(o->own[i].help && o->own[i].help[0]);
		ASSERT(o->own[i].min <= o->own[i].def);
		ASSERT(o->own[i].def <= o->own[i].max);
	}
	ASSERT_EQ(i, n);
	for (i = 0; i < n; i++) {
		int k = policy_own_find(o, names[i]);

		if (k < 0)
			TEST_FAIL("%s: no own parameter %s", o->name, names[i]);
		ASSERT_NEAR(o->own[k].def, defs[i], 1e-12);
		ASSERT_NEAR(p.own[k], defs[i], 1e-12);
	}
}

static void test_ops(void)
{
	static const char *const p2c_names[] = { "choice_count",
						 "panic_threshold" };
	static const double p2c_defs[] = { 2, 50 };
	static const char *const peak_names[] = { "decay_time",
						  "default_latency",
						  "panic_threshold",
						  "sample_connect" };
	static const double peak_defs[] = { 10.0, 0.0, 50, 1 };
	static const char *const c3_names[] = { "clients", "ewma_alpha",
						"panic_threshold" };
	static const double c3_defs[] = { 1, 0.9, 50 };
	static const char *const hedged_names[] = {
		"hedge_delay", "hedge_percentile", "hedge_initial",
		"panic_threshold",
	};
	static const double hedged_defs[] = { 0.0, 95.0, 0.010, 50 };
	const struct policy_ops *all[] = {
		&policy_p2c, &policy_peak_ewma, &policy_c3, &policy_hedged,
	};
	size_t i;

	ASSERT_STR_EQ(policy_p2c.name, "p2c");
	ASSERT_STR_EQ(policy_peak_ewma.name, "peak-ewma");
	ASSERT_STR_EQ(policy_c3.name, "c3");
	ASSERT_STR_EQ(policy_hedged.name, "hedged");
	for (i = 0; i < N(all); i++) {
		const struct policy_ops *o = all[i];

		ASSERT(o->summary && o->summary[0]);
		ASSERT(o->lb_new && o->lb_free && o->set_servers);
		ASSERT(o->dial_begin && o->dial_next && o->record);
		ASSERT(o->set_default == NULL);	/* the model appends it */
		ASSERT(o->pass_delay == NULL);	/* one pass per request */
	}
	ASSERT(policy_p2c.conn_open && policy_p2c.conn_close);
	ASSERT(policy_peak_ewma.observe && policy_c3.observe);
	ASSERT(policy_hedged.observe && policy_hedged.hedge_delay);
	ASSERT(policy_p2c.hedge_delay == NULL);
	check_own(&policy_p2c, p2c_names, p2c_defs, N(p2c_names));
	check_own(&policy_peak_ewma, peak_names, peak_defs, N(peak_names));
	check_own(&policy_c3, c3_names, c3_defs, N(c3_names));
	check_own(&policy_hedged, hedged_names, hedged_defs,
		  N(hedged_names));
}

/* ---- p2c ---- */

/*
 * Rows of outstanding counts, down servers and choice_count; each is run
 * for several seeds and passes and checked against the replayed draws.
 */
static void test_p2c_choices(void)
{
	static const struct {
		int n;
		int conns[8];
		unsigned down;		/* bit mask of positions */
		int k;			/* choice_count */
	} rows[] = {
		{ 4, { 3, 1, 2, 0 }, 0x0, 2 },
		{ 4, { 1, 1, 1, 1 }, 0x0, 2 },		/* all tied */
		{ 4, { 0, 2, 0, 2 }, 0x0, 2 },		/* pairs tied */
		{ 5, { 4, 3, 2, 1, 0 }, 0x0, 1 },	/* k = 1: random */
		{ 5, { 4, 0, 2, 0, 3 }, 0x0, 3 },
		{ 4, { 0, 5, 5, 5 }, 0x1, 2 },		/* idle but down */
		{ 3, { 2, 0, 1 }, 0x7, 2 },		/* all down */
		{ 6, { 5, 1, 4, 2, 0, 3 }, 0x12, 2 },	/* two down */
		{ 3, { 1, 0, 2 }, 0x0, 64 },		/* k > n */
		{ 1, { 7 }, 0x0, 2 },
		{ 8, { 3, 3, 1, 1, 2, 2, 0, 0 }, 0x81, 4 },
	};
	static const int ids[] = { 10, 11, 12, 13, 14, 15, 16, 17 };
	size_t r;
	uint64_t seed;

	for (r = 0; r < N(rows); r++) {
		for (seed = 1; seed <= 4; seed++) {
			struct harness h;
			double cost[8];
			bool down[8];
			int i, pass;

			h_init(&h, &policy_p2c, seed);
			h_own(&h, "choice_count", rows[r].k);
			h_start(&h);
			h_servers(&h, ids, (size_t)rows[r].n);
			for (i = 0; i < rows[r].n; i++) {
				h_conn_open(&h, ids[i], rows[r].conns[i]);
				cost[i] = rows[r].conns[i];
				down[i] = rows[r].down & (1u << i);
				if (down[i])
					h_rec(&h, ids[i], LB_CHECK_DIAL,
					      LB_FAILED);
			}
			for (pass = 0; pass < 20; pass++) {
				int got[LB_MAX_SERVERS], want[LB_MAX_SERVERS];
				int n = h_order(&h, got);

				ASSERT_EQ(n, rows[r].n);
				assert_permutation(got, ids, n);
				expect_p2c(h.twin, ids, cost, down, n,
					   rows[r].k, want);
				assert_order(got, want, n, "p2c", (int)r);
			}
			h_release(&h);
		}
	}
}

/* choice_count = number of servers is a full scan: the first is always a
 * least loaded up server; ties among them go each way. */
static void test_p2c_full_scan(void)
{
	static const int ids[] = { 1, 2, 3, 4, 5, 6, 7 };
	gsl_rng *t = sim_rng_new(99, 0, SIM_RNG_TEST, 0);
	int trial;

	for (trial = 0; trial < 50; trial++) {
		struct harness h;
		int conns[7], lo = 1 << 30, i, pass;

		h_init(&h, &policy_p2c, (uint64_t)trial + 1);
		h_own(&h, "choice_count", 7);
		h_start(&h);
		h_servers(&h, ids, 7);
		for (i = 0; i < 7; i++) {
			conns[i] = (int)gsl_rng_uniform_int(t, 4);
			h_conn_open(&h, ids[i], conns[i]);
			lo = MIN(lo, conns[i]);
		}
		for (pass = 0; pass < 10; pass++)
			ASSERT_EQ(conns[h_first(&h) - 1], lo);
		h_release(&h);
	}
	gsl_rng_free(t);

	/* a fixed table with a three-way tie: each tied server leads in
	 * some passes, the others never */
	{
		static const int c[] = { 2, 0, 3, 0, 1, 0, 4 };
		struct harness h;
		int lead[8] = { 0 }, pass, i;

		h_init(&h, &policy_p2c, 5);
		h_own(&h, "choice_count", 7);
		h_start(&h);
		h_servers(&h, ids, 7);
		for (i = 0; i < 7; i++)
			h_conn_open(&h, ids[i], c[i]);
		for (pass = 0; pass < 300; pass++)
			lead[h_first(&h)]++;
		ASSERT_GT(lead[2], 50);
		ASSERT_GT(lead[4], 50);
		ASSERT_GT(lead[6], 50);
		ASSERT_EQ(lead[2] + lead[4] + lead[6], 300);
		/* the global minimum moves when counts change */
		h_conn_close(&h, 2, 0);
		h_conn_open(&h, 2, 1);
		h_conn_open(&h, 4, 1);
		for (pass = 0; pass < 20; pass++)
			ASSERT_EQ(h_first(&h), 6);
		h_conn_close(&h, 5, 1);			/* 5: 1 -> 0 */
		h_conn_close(&h, 5, 3);			/* never below 0 */
		h_conn_open(&h, 6, 1);
		for (pass = 0; pass < 20; pass++)
			ASSERT_EQ(h_first(&h), 5);
		h_release(&h);
	}
}

/* Down and up: a failed dial or health check sends a server last, any
 * success brings it back; LB_UNKNOWN changes nothing; states are traced;
 * unknown ids are ignored; kept servers keep their state. */
static void test_p2c_health(void)
{
	static const int ids[] = { 1, 2, 3 };
	static const int two[] = { 3, 1 };
	static const struct {
		int id;
		lb_check kind;
		lb_result r;
		const char *want;	/* state of id afterwards */
		int n_state;		/* on_state calls so far */
	} steps[] = {
		{ 1, LB_CHECK_HEALTH, LB_UNKNOWN, "HEALTHY", 0 },
		{ 1, LB_CHECK_DIAL, LB_FAILED, "UNHEALTHY", 1 },
		{ 1, LB_CHECK_DIAL, LB_FAILED, "UNHEALTHY", 1 },
		{ 1, LB_CHECK_DIAL, LB_UNKNOWN, "UNHEALTHY", 1 },
		{ 1, LB_CHECK_HEALTH, LB_OK, "HEALTHY", 2 },
		{ 1, LB_CHECK_HEALTH, LB_FAILED, "UNHEALTHY", 3 },
		{ 1, LB_CHECK_DIAL, LB_OK, "HEALTHY", 4 },
		{ 2, LB_CHECK_HEALTH, LB_FAILED, "UNHEALTHY", 5 },
	};
	struct harness h;
	struct lb_pass pass;
	int o[LB_MAX_SERVERS], k;
	size_t s;

	h_init(&h, &policy_p2c, 3);
	h_start(&h);
	h_servers(&h, ids, 3);
	for (s = 0; s < N(steps); s++) {
		h_rec(&h, steps[s].id, steps[s].kind, steps[s].r);
		ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, steps[s].id),
			      steps[s].want);
		ASSERT_EQ(h.n_state, steps[s].n_state);
	}
	ASSERT_STR_EQ(h.last_to, "UNHEALTHY");
	/* 2 is down: last in every pass, though idle and the others busy */
	h_conn_open(&h, 1, 5);
	h_conn_open(&h, 3, 5);
	for (k = 0; k < 20; k++) {
		ASSERT_EQ(h_order(&h, o), 3);
		ASSERT_EQ(o[2], 2);
	}
	/* unknown ids change nothing */
	h_rec(&h, 9, LB_CHECK_DIAL, LB_OK);
	policy_conn_open(h.ops, h.lb, 9);
	policy_conn_close(h.ops, h.lb, 9);
	ASSERT(policy_state_name(h.ops, h.lb, 9) == NULL);
	ASSERT_EQ(h.n_state, 5);

	/* a pass skips servers removed after it began; kept servers keep
	 * counts and health */
	policy_dial_begin(h.ops, h.lb, &pass);
	h_servers(&h, two, 2);
	for (k = 0; (o[k] = policy_dial_next(h.ops, h.lb, &pass)) >= 0; k++)
		ASSERT(o[k] == 1 || o[k] == 3);
	ASSERT_EQ(k, 2);
	ASSERT(policy_state_name(h.ops, h.lb, 2) == NULL);
	h_servers(&h, ids, 3);
	ASSERT_STR_EQ(policy_state_name(h.ops, h.lb, 2), "HEALTHY");
	/* 2 came back new: up and idle, it leads whenever drawn */
	{
		int lead = 0;

		for (k = 0; k < 30; k++)
			lead += h_first(&h) == 2;
		ASSERT_GT(lead, 10);
	}
	h_release(&h);

	/* an empty list: every pass fails at once */
	h_init(&h, &policy_p2c, 3);
	h_start(&h);
	ASSERT_EQ(h_order(&h, o), 0);
	h_release(&h);
}

/* ---- peak-ewma ---- */

/* Probe ids, fresh each time: never in a table. */
static int next_probe = 1000;

/*
 * Checks that @id's cost now is @want (ns), to a relative 1e-5: a fresh
 * probe server with one sample of the given latency costs exactly that
 * (idle); @id must win against a dearer probe and lose against a cheaper
 * one. The list is left as {@id, probe}. With default_latency set, a new
 * probe starts at the default and only a sample above it counts at once:
 * then @want must exceed the default.
 */
static void peak_bracket(struct harness *h, int id, double want,
			 const char *what)
{
	double margin = MAX(want * 1e-5, 4.0);
	int k;

	for (k = 0; k < 2; k++) {
		int list[2] = { id, next_probe++ };
		double v = k == 0 ? want + margin : want - margin;
		int pass;

		ASSERT_GT(v, 0);
		h_servers(h, list, 2);
		h_answer(h, list[1], (sim_time)llround(v), 0, 0, true);
		for (pass = 0; pass < 4; pass++) {
			int first = h_first(h);

			if (first != (k == 0 ? id : list[1]))
				TEST_FAIL("%s: cost of %d is not %.1f ns "
					  "(lost to a probe of %.1f)", what, id,
					  want, k == 0 ? v : -v);
		}
	}
}

/* The peak rule: a slower sample raises the cost at once; time decays it
 * (exp(-dt/tau)) when read and when the next sample blends in. */
static void test_peak_rule(void)
{
	const double tau = 10.0 * SIM_S;
	const double ms = SIM_MS;
	double ewma, w;
	struct harness h;
	int a[] = { 1 };

	h_init(&h, &policy_peak_ewma, 1);
	h_start(&h);
	h_servers(&h, a, 1);

	h_at(&h, 1 * SIM_S);
	h_answer(&h, 1, 10 * SIM_MS, 0, 0, true);
	peak_bracket(&h, 1, 10 * ms, "first sample");

	/* a slower sample: the cost jumps to it */
	h_at(&h, 2 * SIM_S);
	h_answer(&h, 1, 100 * SIM_MS, 0, 0, true);
	peak_bracket(&h, 1, 100 * ms, "peak");

	/* a fast sample 1 ms later barely lowers it */
	h_at(&h, 2 * SIM_S + SIM_MS);
	h_answer(&h, 1, 1 * SIM_MS, 0, 0, true);
	w = exp(-(double)SIM_MS / tau);
	ewma = 100 * ms * w + 1 * ms * (1 - w);
	peak_bracket(&h, 1, ewma, "fast after peak");

	/* after tau alone the read is decayed by e^-1 */
	h_at(&h, 2 * SIM_S + SIM_MS + 10 * SIM_S);
	peak_bracket(&h, 1, ewma * exp(-1.0), "decayed read");

	/* a sample after tau blends with weight 1 - e^-1 */
	h_answer(&h, 1, 10 * SIM_MS, 0, 0, true);
	ewma = ewma * exp(-1.0) + 10 * ms * (1 - exp(-1.0));
	peak_bracket(&h, 1, ewma, "sample after tau");

	/* outstanding requests multiply: cost x (2 + 1) */
	h_conn_open(&h, 1, 2);
	peak_bracket(&h, 1, ewma * 3, "outstanding");
	h_conn_close(&h, 1, 2);

	/* half a tau later */
	h_at(&h, sim_now(h.sim) + 5 * SIM_S);
	peak_bracket(&h, 1, ewma * exp(-0.5), "half tau");

	/* a sample below the stored EWMA, though above its decayed value,
	 * blends in (Finagle would take it as a new peak) */
	{
		sim_time s = (sim_time)llround(ewma * 0.8);

		h_answer(&h, 1, s, 0, 0, true);
		w = exp(-0.5);
		ewma = ewma * w + (double)s * (1 - w);
		peak_bracket(&h, 1, ewma, "blend below");
	}
	h_release(&h);

	/* another decay time: 1 s, read 2 s after a sample */
	h_init(&h, &policy_peak_ewma, 1);
	h_own(&h, "decay_time", 1.0);
	h_start(&h);
	h_servers(&h, a, 1);
	h_answer(&h, 1, 50 * SIM_MS, 0, 0, true);
	h_at(&h, 2 * SIM_S);
	peak_bracket(&h, 1, 50 * ms * exp(-2.0), "tau 1s");
	h_release(&h);
}

/* Servers without a sample: Finagle's rule (free while idle, Penalty
 * while pending), or a decaying default estimate. */
static void test_peak_unknown(void)
{
	static const int ids[] = { 1, 2 };
	struct harness h;
	int k;

	h_init(&h, &policy_peak_ewma, 2);
	h_start(&h);
	h_servers(&h, ids, 2);
	h_answer(&h, 1, 1, 0, 0, true);		/* 1 ns: nearly free */
	for (k = 0; k < 10; k++)
		ASSERT_EQ(h_first(&h), 2);	/* 2 costs 0 */
	h_conn_open(&h, 2, 1);			/* pending, no answer yet */
	h_answer(&h, 1, 1000 * SIM_S, 0, 0, true);
	h_conn_open(&h, 1, 50);			/* 1000 s x 51 < Penalty */
	for (k = 0; k < 10; k++)
		ASSERT_EQ(h_first(&h), 1);
	h_conn_close(&h, 2, 1);
	for (k = 0; k < 10; k++)
		ASSERT_EQ(h_first(&h), 2);
	/* its first answer makes it an ordinary server */
	h_answer(&h, 2, 5 * SIM_MS, 0, 0, true);
	peak_bracket(&h, 2, 5.0 * SIM_MS, "first answer");
	h_release(&h);

	/* default_latency: a new server starts at it, decaying from when it
	 * joined; its first answer blends in. Two requests pending keep its
	 * cost (x 3) above the probes' own default. */
	h_init(&h, &policy_peak_ewma, 2);
	h_own(&h, "default_latency", 0.030);
	h_start(&h);
	h_at(&h, 3 * SIM_S);
	h_servers(&h, ids, 1);
	h_conn_open(&h, 1, 2);
	peak_bracket(&h, 1, 3 * 30.0 * SIM_MS, "default");
	h_at(&h, 13 * SIM_S);
	peak_bracket(&h, 1, 3 * 30.0 * SIM_MS * exp(-1.0), "default decayed");
	h_answer(&h, 1, 2 * SIM_MS, 0, 0, true);
	peak_bracket(&h, 1, 3 * (30.0 * SIM_MS * exp(-1.0) +
				 2.0 * SIM_MS * (1 - exp(-1.0))),
		     "default blended");
	h_release(&h);

	/* two servers at the default, joined ln 2 x tau apart, one with a
	 * request pending: equal costs then, so joining a hair earlier or
	 * later decides */
	for (k = 0; k < 2; k++) {
		const double tau = 10.0 * SIM_S;
		sim_time t2 = (sim_time)llround(tau * log(2.0) *
						(k == 0 ? 1.001 : 0.999));
		int j;

		h_init(&h, &policy_peak_ewma, 2);
		h_own(&h, "default_latency", 0.030);
		h_start(&h);
		h_servers(&h, ids, 1);
		h_conn_open(&h, 1, 1);
		h_at(&h, t2);
		h_servers(&h, ids, 2);
		for (j = 0; j < 4; j++)
			ASSERT_EQ(h_first(&h), k == 0 ? 1 : 2);
		h_release(&h);
	}
}

/* Choices on a table of latencies, sample times and outstanding counts,
 * replayed: the cheaper of the first two drawn leads, ties to the first. */
static void test_peak_choices(void)
{
	static const struct {
		int id;
		sim_time latency;	/* one sample... */
		sim_time at;		/* ...at this time; 0: none */
		int conns;
		bool down;
	} rows[] = {
		{ 1, 20 * SIM_MS, 1 * SIM_S, 0, false },
		{ 2, 10 * SIM_MS, 1 * SIM_S, 1, false },	/* = 1 */
		{ 3, 40 * SIM_MS, 11 * SIM_S, 0, false },
		{ 4, 5 * SIM_MS, 1 * SIM_S, 3, false },		/* = 1 */
		{ 5, 30 * SIM_MS, 6 * SIM_S, 2, false },
		{ 6, 1 * SIM_MS, 1 * SIM_S, 0, true },
		{ 7, 0, 0, 0, false },				/* 0 */
	};
	const sim_time now = 11 * SIM_S;
	int ids[N(rows)], n = (int)N(rows);
	uint64_t seed;

	for (seed = 1; seed <= 6; seed++) {
		struct harness h;
		double cost[N(rows)];
		bool down[N(rows)];
		sim_time t;
		int i, pass, lead7 = 0;

		h_init(&h, &policy_peak_ewma, seed);
		h_start(&h);
		for (i = 0; i < n; i++)
			ids[i] = rows[i].id;
		h_servers(&h, ids, (size_t)n);
		for (t = 1 * SIM_S; t <= now; t += 5 * SIM_S) {
			h_at(&h, t);
			for (i = 0; i < n; i++)
				if (rows[i].at == t)
					h_answer(&h, rows[i].id,
						 rows[i].latency, 0, 0, true);
		}
		for (i = 0; i < n; i++) {
			double age = (double)(now - rows[i].at);

			h_conn_open(&h, rows[i].id, rows[i].conns);
			if (rows[i].down)
				h_rec(&h, rows[i].id, LB_CHECK_HEALTH,
				      LB_FAILED);
			down[i] = rows[i].down;
			cost[i] = rows[i].at == 0 ? 0.0 :
				  (double)rows[i].latency *
				  exp(-age / (10.0 * SIM_S)) *
				  (rows[i].conns + 1);
		}
		/* the tie the table is built around */
		ASSERT_NEAR(cost[0], cost[1], 1e-6);
		ASSERT_NEAR(cost[0], cost[3], 1e-6);
		for (pass = 0; pass < 40; pass++) {
			int got[LB_MAX_SERVERS], want[LB_MAX_SERVERS];

			ASSERT_EQ(h_order(&h, got), n);
			expect_p2c(h.twin, ids, cost, down, n, 2, want);
			assert_order(got, want, n, "peak-ewma", (int)seed);
			ASSERT_EQ(got[n - 1], 6);
			lead7 += got[0] == 7;
		}
		ASSERT_GT(lead7, 0);	/* 7 is free: it wins when drawn */
		h_release(&h);
	}
}

/* ---- c3 ---- */

/* Where @id stands in @o (@n), or -1. */
static int index_of(const int *o, int n, int id)
{
	int i;

	for (i = 0; i < n; i++)
		if (o[i] == id)
			return i;
	return -1;
}

/*
 * Checks that @id's score now is @want (seconds), to 2e-9 s: a fresh
 * probe with one answer of latency L, service 0 and queue 0, idle, scores
 * psi = L - 0 + 1^3 x 0 = L exactly. The list is @keep (@n, holding @id)
 * and the probe last, so @id wins a tie; the probe is made 2 ns dearer,
 * then 2 ns cheaper, and must rank after @id, then before it.
 */
static void c3_bracket(struct harness *h, const int *keep, int n, int id,
		       double want, const char *what)
{
	int k;

	for (k = 0; k < 2; k++) {
		int list[LB_MAX_SERVERS], o[LB_MAX_SERVERS], probe;
		sim_time l = (sim_time)llround(want * SIM_S) +
			     (k == 0 ? 2 : -2);

		memcpy(list, keep, sizeof(int) * (size_t)n);
		probe = list[n] = next_probe++;
		h_servers(h, list, (size_t)n + 1);
		h_answer(h, probe, l, 0, 0, true);
		ASSERT_EQ(h_order(h, o), n + 1);
		if ((index_of(o, n + 1, id) < index_of(o, n + 1, probe)) !=
		    (k == 0))
			TEST_FAIL("%s: score of %d is not %.9f s (ranked %s a "
				  "probe of %" PRId64 " ns)", what, id, want,
				  k == 0 ? "after" : "before", l);
	}
	h_servers(h, keep, (size_t)n);
}

/* The paper's formula against hand-computed scores. */
static void test_c3_scores(void)
{
	static const int ids[] = { 1, 2, 3, 4 };
	static const int want[] = { 4, 2, 3, 1 };
	struct harness h;
	int o[LB_MAX_SERVERS];

	h_init(&h, &policy_c3, 1);
	h_own(&h, "clients", 2);
	h_start(&h);
	h_servers(&h, ids, 4);

	/* R 4 ms, 1/mu 1 ms, q 2, os 1, n 2: q_hat = 1 + 2 + 2 = 5;
	 * psi = 4 - 1 + 5^3 x 1 = 128 ms */
	h_answer(&h, 1, 4 * SIM_MS, 1 * SIM_MS, 2, true);
	h_conn_open(&h, 1, 1);
	c3_bracket(&h, ids, 4, 1, 0.128, "q_hat 5");

	/* R 10 ms, 1/mu 2 ms, q 0, os 0: q_hat 1; psi = 10 - 2 + 2 = 10 ms */
	h_answer(&h, 2, 10 * SIM_MS, 2 * SIM_MS, 0, true);
	c3_bracket(&h, ids, 4, 2, 0.010, "q_hat 1");

	/* R 2 ms, 1/mu 0.5 ms, q 1, os 2: q_hat = 1 + 4 + 1 = 6;
	 * psi = 2 - 0.5 + 216 x 0.5 = 109.5 ms */
	h_answer(&h, 3, 2 * SIM_MS, 500 * SIM_US, 1, true);
	h_conn_open(&h, 3, 2);
	c3_bracket(&h, ids, 4, 3, 0.1095, "q_hat 6");

	/* EWMAs, alpha 0.9 on the new sample: answers (8 ms, 2 ms, 4) then
	 * (4 ms, 1 ms, 0): R = 4.4 ms, 1/mu = 1.1 ms, q = 0.4; os 0:
	 * psi = 4.4 - 1.1 + 1.4^3 x 1.1 = 3.3 + 3.0184 = 6.3184 ms */
	h_answer(&h, 4, 8 * SIM_MS, 2 * SIM_MS, 4, true);
	h_answer(&h, 4, 4 * SIM_MS, 1 * SIM_MS, 0, false);	/* errors count */
	c3_bracket(&h, ids, 4, 4, 0.0063184, "ewma 0.9");

	/* ranked by score: 4 (6.3), 2 (10), 3 (109.5), 1 (128) */
	ASSERT_EQ(h_order(&h, o), 4);
	assert_order(o, want, 4, "c3 ranking", 0);
	/* closing 1's request: q_hat 3, psi = 3 + 27 x 1 = 30 ms */
	h_conn_close(&h, 1, 1);
	c3_bracket(&h, ids, 4, 1, 0.030, "os 0");
	h_release(&h);

	/* alpha 0.5: R 6, 1/mu 1.5, q 2: q_hat 3; psi = 4.5 + 40.5 = 45 ms */
	h_init(&h, &policy_c3, 1);
	h_own(&h, "ewma_alpha", 0.5);
	h_start(&h);
	h_servers(&h, &ids[3], 1);
	h_answer(&h, 4, 8 * SIM_MS, 2 * SIM_MS, 4, true);
	h_answer(&h, 4, 4 * SIM_MS, 1 * SIM_MS, 0, true);
	c3_bracket(&h, &ids[3], 1, 4, 0.045, "ewma 0.5");
	h_release(&h);
}

/* The test's own psi, from the paper, for a single answer (EWMAs = it). */
static double c3_psi(double r, double mu_inv, double q, int os, int n)
{
	double q_hat = 1 + (double)os * n + q;

	return r - mu_inv + q_hat * q_hat * q_hat * mu_inv;
}

/* Rankings on tables: unknown servers first (list order), then by
 * score, ties by list order, down servers last (ranked alike). */
static void test_c3_ranking(void)
{
	static const struct {
		int id;
		bool known;
		sim_time r, s;		/* latency, service */
		int q, os;
		bool down;
	} rows[] = {
		{ 1, true, 9 * SIM_MS, 1 * SIM_MS, 0, 0, false },
		{ 2, true, 3 * SIM_MS, 1 * SIM_MS, 1, 0, false },
		{ 3, false, 0, 0, 0, 2, false },
		{ 4, true, 3 * SIM_MS, 1 * SIM_MS, 1, 0, false },	/* = 2 */
		{ 5, true, 2 * SIM_MS, 1 * SIM_MS, 1, 1, false },
		{ 6, true, 1 * SIM_MS, 100 * SIM_US, 0, 0, true },
		{ 7, false, 0, 0, 0, 0, true },
		{ 8, false, 0, 0, 0, 0, false },
		{ 9, true, 20 * SIM_MS, 1 * SIM_MS, 0, 0, true },
	};
	/* psi, ms: 1: 9 - 1 + 1 = 9; 2 and 4: 3 - 1 + 2^3 = 10; 5: q_hat =
	 * 1 + n + 1, 2 - 1 + 27 = 28 (n 1) or 1 + 125 = 126 (n 3); 6: 1;
	 * 9: 20. Unknown first, down last: the same order for n 1 and 3. */
	static const int want[] = { 3, 8, 1, 2, 4, 5, 7, 6, 9 };
	int ids[N(rows)], n = (int)N(rows), clients;

	for (clients = 1; clients <= 3; clients += 2) {
		struct harness h;
		int o[LB_MAX_SERVERS], i;

		h_init(&h, &policy_c3, 1);
		h_own(&h, "clients", clients);
		h_start(&h);
		for (i = 0; i < n; i++)
			ids[i] = rows[i].id;
		h_servers(&h, ids, (size_t)n);
		for (i = 0; i < n; i++) {
			if (rows[i].known)
				h_answer(&h, rows[i].id, rows[i].r, rows[i].s,
					 rows[i].q, true);
			h_conn_open(&h, rows[i].id, rows[i].os);
			if (rows[i].down)
				h_rec(&h, rows[i].id, LB_CHECK_DIAL, LB_FAILED);
		}
		ASSERT_NEAR(c3_psi(0.002, 0.001, 1, 1, clients),
			    clients == 1 ? 0.028 : 0.126, 1e-12);
		ASSERT_EQ(h_order(&h, o), n);
		assert_order(o, want, n, "c3 table", clients);
		/* the order does not depend on the list order, but ties and
		 * unknowns follow it */
		{
			int rev[N(rows)], o2[LB_MAX_SERVERS];

			for (i = 0; i < n; i++)
				rev[i] = ids[n - 1 - i];
			h_servers(&h, rev, (size_t)n);
			ASSERT_EQ(h_order(&h, o2), n);
			ASSERT_EQ(o2[0], 8);
			ASSERT_EQ(o2[1], 3);
			ASSERT_EQ(o2[2], 1);
			ASSERT_EQ(o2[3], 4);
			ASSERT_EQ(o2[4], 2);
			ASSERT_EQ(o2[5], 5);
			ASSERT_EQ(o2[6], 7);
		}
		/* 9 back up, 3 answers: 9 (20 ms) ranks among the up ones,
		 * 3 after 5: 50 - 1 + (1 + 2n)^3 = 76 or 392 ms */
		h_servers(&h, ids, (size_t)n);
		h_rec(&h, 9, LB_CHECK_HEALTH, LB_OK);
		h_answer(&h, 3, 50 * SIM_MS, 1 * SIM_MS, 0, true);
		ASSERT_NEAR(c3_psi(0.050, 0.001, 0, 2, clients),
			    clients == 1 ? 0.076 : 0.392, 1e-12);
		{
			static const int after[] = { 8, 1, 2, 4, 9, 5, 3, 7, 6 };

			ASSERT_EQ(h_order(&h, o), n);
			assert_order(o, after, n, "c3 after", clients);
		}
		h_release(&h);
	}
}

/* ---- hedged ---- */

static sim_time hedge(struct harness *h)
{
	return policy_hedge_delay(h->ops, h->lb);
}

/* Nearest rank over @v (@n), by brute force: sorts a copy. */
static sim_time nearest_rank(const sim_time *v, int n, double p)
{
	sim_time s[1000];
	int i, j, rank;

	ASSERT(n <= 1000);
	memcpy(s, v, sizeof(*v) * (size_t)n);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && s[j - 1] > s[j]; j--) {
			sim_time t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	rank = (int)ceil(p / 100.0 * n - 1e-9);
	rank = CLAMP(rank, 1, n);
	return s[rank - 1];
}

/* The percentile of known sample sets, the initial delay, the window. */
static void test_hedged_percentile(void)
{
	static const struct {
		double p;
		sim_time want;		/* over 1..100 ms */
	} rows[] = {
		{ 95, 95 * SIM_MS }, { 50, 50 * SIM_MS }, { 100, 100 * SIM_MS },
		{ 0, 1 * SIM_MS }, { 99, 99 * SIM_MS }, { 0.5, 1 * SIM_MS },
		{ 1.5, 2 * SIM_MS }, { 94.01, 95 * SIM_MS },
	};
	size_t r;

	for (r = 0; r < N(rows); r++) {
		struct harness h;
		int order[100], i;

		h_init(&h, &policy_hedged, 1);
		h_own(&h, "hedge_percentile", rows[r].p);
		h_start(&h);
		ASSERT_EQ(hedge(&h), 10 * SIM_MS);	/* hedge_initial */
		for (i = 0; i < 100; i++)
			order[i] = i + 1;
		twin_shuffle(h.twin, order, 100);	/* any order */
		for (i = 0; i < 100; i++) {
			if (i < 20)
				ASSERT_EQ(hedge(&h), 10 * SIM_MS);
			h_answer(&h, 1, order[i] * SIM_MS, 0, 0, true);
			h_answer(&h, 1, 1000 * SIM_S, 0, 0, false);
		}
		if (hedge(&h) != rows[r].want)
			TEST_FAIL("p%g: %" PRId64 ", want %" PRId64, rows[r].p,
				  hedge(&h), rows[r].want);
		h_release(&h);
	}

	/* 20 samples: 95% of 20 is rank 19 exactly */
	{
		struct harness h;
		int i;

		h_init(&h, &policy_hedged, 1);
		h_own(&h, "hedge_initial", 0.25);
		h_start(&h);
		for (i = 1; i <= 19; i++)
			h_answer(&h, 1, i * SIM_MS, 0, 0, true);
		ASSERT_EQ(hedge(&h), 250 * SIM_MS);
		h_answer(&h, 1, 20 * SIM_MS, 0, 0, true);
		ASSERT_EQ(hedge(&h), 19 * SIM_MS);
		h_release(&h);
	}

	/* the window: the last 1000 answers only */
	{
		struct harness h;
		int i;

		h_init(&h, &policy_hedged, 1);
		h_start(&h);
		for (i = 1; i <= 1000; i++)
			h_answer(&h, 1, i * SIM_MS, 0, 0, true);
		ASSERT_EQ(hedge(&h), 950 * SIM_MS);
		for (i = 1; i <= 500; i++)
			h_answer(&h, 1, (2000 + i) * SIM_MS, 0, 0, true);
		/* 501..1000 and 2001..2500: rank 950 is 2450 */
		ASSERT_EQ(hedge(&h), 2450 * SIM_MS);
		h_release(&h);
	}

	/* against brute force, with many equal values */
	{
		gsl_rng *t = sim_rng_new(7, 0, SIM_RNG_TEST, 0);
		static sim_time all[3000];
		struct harness h;
		int i;

		h_init(&h, &policy_hedged, 1);
		h_own(&h, "hedge_percentile", 99.9);
		h_start(&h);
		for (i = 0; i < 3000; i++) {
			int lo = i < 1000 ? 0 : i - 999;

			all[i] = (sim_time)gsl_rng_uniform_int(t, 50) * SIM_MS;
			h_answer(&h, 1, all[i], 0, 0, true);
			if (i + 1 >= 20 && (i % 37 == 0 || i > 2990))
				ASSERT_EQ(hedge(&h),
					  nearest_rank(&all[lo], i + 1 - lo,
						       99.9));
		}
		h_release(&h);
		gsl_rng_free(t);
	}
}

/* A fixed delay ignores the samples. */
static void test_hedged_fixed(void)
{
	struct harness h;
	int i;

	h_init(&h, &policy_hedged, 1);
	h_own(&h, "hedge_delay", 0.030);
	h_start(&h);
	ASSERT_EQ(hedge(&h), 30 * SIM_MS);
	for (i = 1; i <= 200; i++)
		h_answer(&h, 1, i * SIM_MS, 0, 0, true);
	ASSERT_EQ(hedge(&h), 30 * SIM_MS);
	h_release(&h);

	/* and 0 means the percentile */
	h_init(&h, &policy_hedged, 1);
	h_own(&h, "hedge_delay", 0);
	h_start(&h);
	for (i = 1; i <= 200; i++)
		h_answer(&h, 1, i * SIM_MS, 0, 0, true);
	ASSERT_EQ(hedge(&h), 190 * SIM_MS);
	h_release(&h);
}

/* Round-robin from a random start (replayed), up servers rotated, down
 * ones after in list order; the hedge's "next server" is order[1]. */
static void test_hedged_order(void)
{
	static const int ids[] = { 4, 5, 6, 7, 8 };
	uint64_t seed;

	for (seed = 1; seed <= 5; seed++) {
		struct harness h;
		int o[LB_MAX_SERVERS], start, k, i;

		h_init(&h, &policy_hedged, seed);
		h_start(&h);
		h_servers(&h, ids, 5);
		start = (int)gsl_rng_uniform_int(h.twin, 5);
		for (k = 0; k < 12; k++) {
			ASSERT_EQ(h_order(&h, o), 5);
			for (i = 0; i < 5; i++)
				ASSERT_EQ(o[i], ids[(start + k + i) % 5]);
		}
		/* 5 and 7 down: 4, 6, 8 rotate, then 5, 7 */
		h_rec(&h, 5, LB_CHECK_DIAL, LB_FAILED);
		h_rec(&h, 7, LB_CHECK_HEALTH, LB_FAILED);
		for (; k < 20; k++) {
			static const int up[] = { 4, 6, 8 };

			ASSERT_EQ(h_order(&h, o), 5);
			for (i = 0; i < 3; i++)
				ASSERT_EQ(o[i], up[(start + k + i) % 3]);
			ASSERT_EQ(o[3], 5);
			ASSERT_EQ(o[4], 7);
		}
		/* all down: all rotate */
		for (i = 0; i < 5; i++)
			h_rec(&h, ids[i], LB_CHECK_DIAL, LB_FAILED);
		ASSERT_EQ(h_order(&h, o), 5);
		for (i = 0; i < 5; i++)
			ASSERT_EQ(o[i], ids[(start + k + i) % 5]);
		h_release(&h);
	}
}

/*
 * peak-ewma samples a failed connect (Finagle PeakEwma.scala:107-109:
 * start() runs before the session acquisition, so a Throw from the
 * connect ends with a sample of its duration). A: a failed 10 s dial,
 * then healthy again; C: one 1 ms answer; B: unknown and idle, cost 0.
 * One second later cost(A) = 1e10 x e^-0.1 ns and cost(C) = 1e6 x
 * e^-0.1 ns: A is never first, whichever two are drawn. With
 * sample_connect false A is unknown, costs 0, and comes first in some
 * passes (drawn first against B: ties keep the first drawn).
 */
static void test_peak_failed_connect(void)
{
	static const int ids[] = { 1, 2, 3 };
	int flag, k, a_first;

	for (flag = 1; flag >= 0; flag--) {
		struct harness h;
		struct lb_feedback fb = { .connect = 10 * SIM_S,
					  .dial_failed = true };

		h_init(&h, &policy_peak_ewma, 9);
		h_own(&h, "sample_connect", flag);
		h_start(&h);
		h_servers(&h, ids, 3);
		policy_observe(h.ops, h.lb, 1, &fb);
		h_obs(&h, 3, 1 * SIM_MS, true);
		h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
		h_wait(&h, 1 * SIM_S);
		for (a_first = 0, k = 0; k < 1000; k++)
			a_first += h_first(&h) == 1;
		if (flag)
			ASSERT_EQ(a_first, 0);
		else
			ASSERT_GT(a_first, 0);
		h_release(&h);
	}
}

int main(void)
{
	TEST_RUN(test_ops);
	TEST_RUN(test_p2c_choices);
	TEST_RUN(test_p2c_full_scan);
	TEST_RUN(test_p2c_health);
	TEST_RUN(test_peak_rule);
	TEST_RUN(test_peak_unknown);
	TEST_RUN(test_peak_choices);
	TEST_RUN(test_peak_failed_connect);
	TEST_RUN(test_c3_scores);
	TEST_RUN(test_c3_ranking);
	TEST_RUN(test_hedged_percentile);
	TEST_RUN(test_hedged_fixed);
	TEST_RUN(test_hedged_order);
	return 0;
}
