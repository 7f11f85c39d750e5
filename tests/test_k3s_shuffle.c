/*
 * The older K3s load balancer (policies/k3s_shuffle.c): a deterministic
 * shuffle per seed, the default server last, round-robin from the current
 * server, unhealthy servers skipped in the first pass only, failure after
 * two passes, and the connections K3s closes along the way.
 */
/* This LB closes at most a few servers per test, and one failing dial can
 * go round the list twice. */
#define HARNESS_MAX_LOG 64
#define HARNESS_MAX_DIALS (2 * LB_MAX_SERVERS)

#include "lb_harness.h"
#include "policies/registry.h"

/* policy_k3s_shuffle with K3s defaults and the stream for @seed; the model
 * answers close_conns() by closing its connections at once. */
static void h_init(struct harness *h, uint64_t seed)
{
	h_setup(h, &policy_k3s_shuffle);
	policy_params_default(&h->params);
	h_seed(h, seed, false);
	h->env.close_conns = h_close_conns;
	h_start(h);
}

static bool same(const int *a, const int *b, int n)
{
	return memcmp(a, b, (size_t)n * sizeof(*a)) == 0;
}

static void test_ops(void)
{
	const struct policy_ops *o = &policy_k3s_shuffle;

	ASSERT_STR_EQ(o->name, "k3s-shuffle");
	ASSERT_EQ(o->flow, JOIN_FLOW_POSTFIX);
	ASSERT(o->summary && o->set_default && o->state_name);
	ASSERT(o->conn_open && o->conn_close);
}

/* The same seed gives the same list, whatever order the members come in;
 * seeds differ in what they give; every list is a permutation. */
static void test_deterministic(void)
{
	static const int fwd[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const int rev[] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	static const int mix[] = { 5, 1, 8, 3, 2, 7, 4, 6 };
	int first[8], distinct = 0;
	uint64_t seed;

	for (seed = 1; seed <= 20; seed++) {
		struct harness a, b, c;
		int oa[LB_MAX_SERVERS], ob[LB_MAX_SERVERS], oc[LB_MAX_SERVERS];

		h_init(&a, seed);
		h_init(&b, seed);
		h_init(&c, seed);
		h_servers(&a, fwd, 8);
		h_servers(&b, rev, 8);
		h_servers(&c, mix, 8);
		ASSERT_EQ(h_snapshot(&a, oa), 8);
		ASSERT_EQ(h_snapshot(&b, ob), 8);
		ASSERT_EQ(h_snapshot(&c, oc), 8);
		if (!same(oa, ob, 8) || !same(oa, oc, 8))
			TEST_FAIL("seed %" PRIu64 ": orders differ", seed);
		assert_permutation(oa, fwd, 8);
		if (seed == 1)
			memcpy(first, oa, sizeof(first));
		else if (!same(first, oa, 8))
			distinct++;
		h_release(&a);
		h_release(&b);
		h_release(&c);
	}
	ASSERT_GT(distinct, 10);	/* 20 seeds, 8! orders */
	/* a shuffle, not the sorted list, for most seeds */
	{
		struct harness h;
		int o[LB_MAX_SERVERS], sorted = 0;

		for (seed = 1; seed <= 20; seed++) {
			h_init(&h, seed);
			h_servers(&h, rev, 8);
			h_snapshot(&h, o);
			sorted += same(o, fwd, 8);
			h_release(&h);
		}
		ASSERT_LT(sorted, 2);
	}
}

/* The default goes last unless a member; a member default appears once,
 * in the shuffled part. The appended default counts as unhealthy. */
static void test_default_last(void)
{
	static const int members[] = { 1, 2, 3, 4, 5 };
	static const int with_default[] = { 1, 2, 9, 3 };
	uint64_t seed;

	for (seed = 1; seed <= 10; seed++) {
		struct harness h;
		int o[LB_MAX_SERVERS], n;

		h_init(&h, seed);
		policy_set_default(h.ops, h.lb, 9);
		n = h_snapshot(&h, o);
		ASSERT_EQ(n, 1);
		ASSERT_EQ(o[0], 9);
		h_servers(&h, members, 5);
		ASSERT_EQ(h_snapshot(&h, o), 6);
		assert_permutation(o, members, 5);
		ASSERT_EQ(o[5], 9);
		ASSERT_STR_EQ(h_state(&h, 9), "UNHEALTHY");
		h_rec(&h, 9, LB_CHECK_HEALTH, LB_OK);
		ASSERT_STR_EQ(h_state(&h, 9), "UNHEALTHY");

		h_servers(&h, with_default, 4);
		ASSERT_EQ(h_snapshot(&h, o), 4);
		assert_permutation(o, with_default, 4);
		ASSERT_STR_EQ(h_state(&h, 9), "HEALTHY");
		h_release(&h);
	}
}

/*
 * Round-robin from the current server: one row per (current position,
 * unhealthy positions) in the base list; every dial fails, and the row
 * says which positions are tried, first pass then second.
 */
static void test_round_robin(void)
{
	static const struct {
		bool with_default;	/* 9 appended at position 5 */
		int current;		/* position made current by a success */
		unsigned unhealthy;	/* bit mask of positions */
		int n;
		int want[12];		/* positions in dial order */
	} rows[] = {
		{ false, 0, 0x00, 10, { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 } },
		{ false, 2, 0x00, 10, { 2, 3, 4, 0, 1, 2, 3, 4, 0, 1 } },
		{ false, 4, 0x00, 10, { 4, 0, 1, 2, 3, 4, 0, 1, 2, 3 } },
		{ false, 2, 0x09, 8, { 2, 4, 1, 2, 3, 4, 0, 1 } },
		{ false, 1, 0x02, 9, { 2, 3, 4, 0, 1, 2, 3, 4, 0 } },
		{ false, 3, 0x1f, 5, { 3, 4, 0, 1, 2 } },
		{ false, 0, 0x1e, 6, { 0, 0, 1, 2, 3, 4 } },
		{ true, 0, 0x00, 11, { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5 } },
		{ true, 3, 0x00, 11, { 3, 4, 0, 1, 2, 3, 4, 5, 0, 1, 2 } },
		{ true, 3, 0x1f, 6, { 3, 4, 5, 0, 1, 2 } },
		{ true, 5, 0x00, 11, { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4 } },
	};
	static const int members[] = { 1, 2, 3, 4, 5 };
	size_t c;
	int i;

	for (c = 0; c < N(rows); c++) {
		struct harness h;
		int base[LB_MAX_SERVERS], got[2 * LB_MAX_SERVERS], n, n_base;

		h_init(&h, 7);
		if (rows[c].with_default)
			policy_set_default(h.ops, h.lb, 9);
		h_servers(&h, members, 5);
		n_base = h_snapshot(&h, base);	/* current = position 0 */
		ASSERT_EQ(n_base, rows[c].with_default ? 6 : 5);
		h_rec(&h, base[rows[c].current], LB_CHECK_DIAL, LB_OK);
		for (i = 0; i < n_base; i++)
			if (rows[c].unhealthy & (1u << i))
				h_rec(&h, base[i], LB_CHECK_HEALTH, LB_FAILED);
		n = h_fail_pass(&h, got);
		if (n != rows[c].n)
			TEST_FAIL("row %zu: %d dials, want %d", c, n, rows[c].n);
		for (i = 0; i < n; i++)
			if (got[i] != base[rows[c].want[i]])
				TEST_FAIL("row %zu: dial %d went to %d, want %d",
					  c, i, got[i], base[rows[c].want[i]]);
		/* failed dials change neither health nor the current server */
		n = h_fail_pass(&h, got);
		ASSERT_EQ(n, rows[c].n);
		ASSERT_EQ(got[0], base[rows[c].want[0]]);
		h_release(&h);
	}
}

/* A successful dial makes its server current, and healthy. */
static void test_success_moves_current(void)
{
	static const int members[] = { 1, 2, 3, 4 };
	struct harness h;
	struct lb_pass pass;
	int base[LB_MAX_SERVERS], o[LB_MAX_SERVERS], a, b, k;

	h_init(&h, 3);
	h_servers(&h, members, 4);
	h_snapshot(&h, base);
	for (k = 0; k < 4; k++)
		h_rec(&h, base[k], LB_CHECK_HEALTH, LB_FAILED);
	/* all unhealthy: the second pass finds base[2] */
	policy_dial_begin(h.ops, h.lb, &pass);
	for (k = 0; k < 2; k++) {
		a = policy_dial_next(h.ops, h.lb, &pass);
		ASSERT_EQ(a, base[k]);
		ASSERT_EQ(pass.round, 1);
		h_rec(&h, a, LB_CHECK_DIAL, LB_FAILED);
	}
	b = policy_dial_next(h.ops, h.lb, &pass);
	ASSERT_EQ(b, base[2]);
	h_rec(&h, b, LB_CHECK_DIAL, LB_OK);
	ASSERT_STR_EQ(h_state(&h, b), "HEALTHY");
	ASSERT_STR_EQ(h_state(&h, base[0]), "UNHEALTHY");
	h_snapshot(&h, o);
	for (k = 0; k < 4; k++)
		ASSERT_EQ(o[k], base[(2 + k) % 4]);
	/* the next dial goes straight there */
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), base[2]);
	ASSERT_EQ(pass.round, 0);
	h_release(&h);
}

/* An update with the same members keeps list and current server; a change
 * reshuffles and starts again from the first; an empty list is ignored. */
static void test_updates(void)
{
	static const int members[] = { 1, 2, 3, 4, 5 };
	static const int same_set[] = { 5, 4, 3, 2, 1 };
	static const int changed[] = { 1, 2, 3, 4, 6 };
	struct harness h;
	int base[LB_MAX_SERVERS], o[LB_MAX_SERVERS], k;

	h_init(&h, 11);
	h_servers(&h, members, 5);
	h_snapshot(&h, base);
	h_rec(&h, base[3], LB_CHECK_DIAL, LB_OK);
	h_rec(&h, base[1], LB_CHECK_HEALTH, LB_FAILED);
	h_servers(&h, same_set, 5);
	h_servers(&h, NULL, 0);
	h_snapshot(&h, o);
	for (k = 0; k < 5; k++)
		ASSERT_EQ(o[k], base[(3 + k) % 5]);

	h_servers(&h, changed, 5);
	ASSERT(h_state(&h, 5) == NULL);
	ASSERT_STR_EQ(h_state(&h, 6), "HEALTHY");
	if (base[1] != 5)		/* kept servers keep their health */
		ASSERT_STR_EQ(h_state(&h, base[1]), "UNHEALTHY");
	ASSERT_EQ(h_snapshot(&h, o), 5);
	assert_permutation(o, changed, 5);
	/* current is the first of the new list: a pass starts there */
	{
		int got[2 * LB_MAX_SERVERS];

		h_fail_pass(&h, got);
		ASSERT_EQ(got[0], o[0] == base[1] ? o[1] : o[0]);
	}
	/* unknown ids are ignored */
	h_rec(&h, 12, LB_CHECK_DIAL, LB_OK);
	policy_conn_open(h.ops, h.lb, 12);
	policy_conn_close(h.ops, h.lb, 12);
	ASSERT(h_state(&h, 12) == NULL);
	h_release(&h);
}

/* Health: a boolean, true for new servers; LB_UNKNOWN and failed dials
 * change nothing. */
static void test_health(void)
{
	static const struct {
		lb_check kind;
		lb_result r;
		const char *want;
	} steps[] = {
		{ LB_CHECK_HEALTH, LB_UNKNOWN, "HEALTHY" },
		{ LB_CHECK_DIAL, LB_FAILED, "HEALTHY" },
		{ LB_CHECK_HEALTH, LB_FAILED, "UNHEALTHY" },
		{ LB_CHECK_HEALTH, LB_UNKNOWN, "UNHEALTHY" },
		{ LB_CHECK_DIAL, LB_FAILED, "UNHEALTHY" },
		{ LB_CHECK_DIAL, LB_UNKNOWN, "UNHEALTHY" },
		{ LB_CHECK_HEALTH, LB_OK, "HEALTHY" },
		{ LB_CHECK_HEALTH, LB_FAILED, "UNHEALTHY" },
		{ LB_CHECK_DIAL, LB_OK, "HEALTHY" },
	};
	static const int one[] = { 1 };
	struct harness h;
	size_t k;

	h_init(&h, 1);
	h_servers(&h, one, 1);
	ASSERT_STR_EQ(h_state(&h, 1), "HEALTHY");
	ASSERT(h_state(&h, 2) == NULL);
	for (k = 0; k < N(steps); k++) {
		h_rec(&h, 1, steps[k].kind, steps[k].r);
		if (strcmp(h_state(&h, 1), steps[k].want))
			TEST_FAIL("step %zu: %s, want %s", k, h_state(&h, 1),
				  steps[k].want);
	}
	h_release(&h);
}

/* The connections K3s closes: on a health check turning false, on a
 * failed first-pass dial, on removal, and to the appended default once
 * another server is healthy. */
static void test_closes(void)
{
	static const int members[] = { 1, 2 };
	static const int with_default[] = { 1, 2, 9 };
	static const int only_one[] = { 1 };
	struct harness h;
	struct lb_pass pass;
	int id, conns;

	h_init(&h, 5);
	h_servers(&h, members, 2);
	/* health true -> false closes, false -> false does not */
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);	/* no connections */
	ASSERT_EQ(h.n_closed, 0);
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_OK);
	h_open(&h, 2, 2);
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.closed[0], 2);
	ASSERT_EQ(h.conns[2], 0);
	h_open(&h, 2, 1);
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);
	ASSERT_EQ(h.n_closed, 1);

	/* a failed dial closes in the first pass, not in the second */
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_FAILED);	/* no connections */
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
	h_open(&h, 1, 1);
	h.n_closed = 0;
	policy_dial_begin(h.ops, h.lb, &pass);
	id = policy_dial_next(h.ops, h.lb, &pass);
	ASSERT_EQ(id, 1);				/* 2 is unhealthy */
	ASSERT_EQ(pass.round, 0);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.closed[0], 1);
	id = policy_dial_next(h.ops, h.lb, &pass);
	ASSERT_EQ(pass.round, 1);
	h_open(&h, id, 1);
	conns = h.conns[id];
	h_rec(&h, id, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.conns[id], conns);
	h_release(&h);

	/* removal closes, the default's too, though it stays appended; a
	 * health check finding another server healthy closes the appended
	 * default's connections */
	h_init(&h, 5);
	policy_set_default(h.ops, h.lb, 9);
	h_servers(&h, with_default, 3);
	h_open(&h, 2, 1);
	h_open(&h, 9, 2);
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);		/* 9 is a member */
	ASSERT_EQ(h.n_closed, 0);
	h_servers(&h, only_one, 1);
	ASSERT_EQ(h.n_closed, 2);
	ASSERT(h.closed[0] + h.closed[1] == 11);
	ASSERT(h_state(&h, 2) == NULL);
	ASSERT_STR_EQ(h_state(&h, 9), "UNHEALTHY");
	h_open(&h, 9, 1);
	h_rec(&h, 9, LB_CHECK_HEALTH, LB_OK);		/* not another */
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_FAILED);
	ASSERT_EQ(h.n_closed, 2);
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
	ASSERT_EQ(h.n_closed, 3);
	ASSERT_EQ(h.closed[2], 9);
	ASSERT_EQ(h.conns[9], 0);

	/* a new default: the old appended one leaves, its connections
	 * closed, and the new one is appended */
	h_open(&h, 9, 1);
	policy_set_default(h.ops, h.lb, 8);
	ASSERT_EQ(h.n_closed, 4);
	ASSERT_EQ(h.closed[3], 9);
	ASSERT(h_state(&h, 9) == NULL);
	ASSERT_STR_EQ(h_state(&h, 8), "UNHEALTHY");
	{
		int o[LB_MAX_SERVERS];

		ASSERT_EQ(h_snapshot(&h, o), 2);
		ASSERT_EQ(o[1], 8);
	}
	h_release(&h);
}

int main(void)
{
	TEST_RUN(test_ops);
	TEST_RUN(test_deterministic);
	TEST_RUN(test_default_last);
	TEST_RUN(test_round_robin);
	TEST_RUN(test_success_moves_current);
	TEST_RUN(test_updates);
	TEST_RUN(test_health);
	TEST_RUN(test_closes);
	return 0;
}
