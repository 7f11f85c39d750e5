/*
 * The k3s load balancer (policies/k3s.c) against K3S-MODEL.md section 1:
 * every transition, the 1-minute PREFERRED -> HEALTHY rule, dial order with
 * its ties, the ACTIVE/PREFERRED settlement and the connections it closes,
 * the default server, on_state callbacks, re-entrant conn_close() from
 * close_conns(), and k3s-legacy being the same balancer.
 */
#include "lb_harness.h"
#include "policies/registry.h"

#include <math.h>

/* The k3s LB with K3s defaults: the model answers close_conns() and logs
 * every on_state() call; the stream (seed 1) orders additions made in
 * one call (K3S-MODEL 6.6), so tests that need a known order add one
 * server per call (h_servers_one_by_one). */
static void h_init(struct harness *h, const struct policy_ops *ops)
{
	h_setup(h, ops);
	h_seed(h, 1, false);
	policy_params_default(&h->params);
	h->env.close_conns = h_close_conns;
	h->env.on_state = h_on_state_log;
	h_start(h);
}

/* Gives the LB @ids as growing prefixes, one addition per call: the
 * additions then enter in list order, whatever the shuffle draws. */
static void h_servers_one_by_one(struct harness *h, const int *ids, size_t n)
{
	size_t k;

	for (k = 1; k <= n; k++)
		h_servers(h, ids, k);
}

static void assert_order(struct harness *h, const char *what,
			 const int *want, int n_want)
{
	int got[LB_MAX_SERVERS], n = h_order(h, got), i;

	if (n != n_want)
		TEST_FAIL("%s: dial order has %d servers, want %d", what, n,
			  n_want);
	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			TEST_FAIL("%s: dial position %d is %d, want %d", what,
				  i, got[i], want[i]);
}

/*
 * Takes listed server @id from UNCHECKED to @state by the shortest way
 * through the state machine. ACTIVE settles with any other ACTIVE server;
 * HEALTHY moves time on past the 1-minute rule.
 */
static void h_drive(struct harness *h, int id, const char *state)
{
	ASSERT_STR_EQ(h_state(h, id), "UNCHECKED");
	if (!strcmp(state, "UNCHECKED")) {
		return;
	} else if (!strcmp(state, "FAILED")) {
		h_rec(h, id, LB_CHECK_DIAL, LB_FAILED);
	} else if (!strcmp(state, "RECOVERING")) {
		h_rec(h, id, LB_CHECK_DIAL, LB_OK);
	} else {
		h_rec(h, id, LB_CHECK_DIAL, LB_OK);
		h_rec(h, id, LB_CHECK_HEALTH, LB_OK);
		ASSERT_STR_EQ(h_state(h, id), "PREFERRED");
		if (!strcmp(state, "HEALTHY")) {
			h_wait(h, h->params.preferred_to_healthy + SIM_S);
			h_rec(h, id, LB_CHECK_HEALTH, LB_OK);
		} else if (!strcmp(state, "ACTIVE")) {
			h_rec(h, id, LB_CHECK_DIAL, LB_OK);
		}
	}
	ASSERT_STR_EQ(h_state(h, id), state);
}

/* Server 1 alone in @state: listed, or the hidden default for STANDBY. */
static void h_one(struct harness *h, const char *state)
{
	static const int one[] = { 1 };

	if (!strcmp(state, "STANDBY")) {
		policy_set_default(h->ops, h->lb, 1);
	} else {
		h_servers(h, one, 1);
		h_drive(h, 1, state);
	}
	ASSERT_STR_EQ(h_state(h, 1), state);
}

static const char *kind_name(lb_check k)
{
	return k == LB_CHECK_DIAL ? "dial" : "health";
}

static const char *result_name(lb_result r)
{
	return r == LB_OK ? "ok" : r == LB_FAILED ? "failed" : "unknown";
}

/* One row per (start state, check, result): the next state, and whether
 * the server's connections are closed. */
static void test_transitions(void)
{
	static const struct {
		const char *from;
		lb_check kind;
		lb_result r;
		int conns;		/* connections open before the record */
		const char *to;
		bool closes;		/* close_conns(1) expected */
	} rows[] = {
		{ "FAILED", LB_CHECK_DIAL, LB_OK, 0, "RECOVERING", false },
		{ "FAILED", LB_CHECK_HEALTH, LB_OK, 0, "RECOVERING", false },
		{ "FAILED", LB_CHECK_DIAL, LB_FAILED, 0, "FAILED", false },
		{ "FAILED", LB_CHECK_HEALTH, LB_FAILED, 1, "FAILED", false },
		{ "FAILED", LB_CHECK_DIAL, LB_UNKNOWN, 0, "FAILED", false },
		{ "FAILED", LB_CHECK_HEALTH, LB_UNKNOWN, 0, "FAILED", false },

		{ "UNCHECKED", LB_CHECK_DIAL, LB_OK, 0, "RECOVERING", false },
		{ "UNCHECKED", LB_CHECK_HEALTH, LB_OK, 0, "RECOVERING", false },
		{ "UNCHECKED", LB_CHECK_DIAL, LB_FAILED, 0, "FAILED", false },
		{ "UNCHECKED", LB_CHECK_HEALTH, LB_FAILED, 0, "UNCHECKED", false },
		{ "UNCHECKED", LB_CHECK_DIAL, LB_UNKNOWN, 0, "UNCHECKED", false },
		{ "UNCHECKED", LB_CHECK_HEALTH, LB_UNKNOWN, 0, "UNCHECKED", false },

		{ "RECOVERING", LB_CHECK_DIAL, LB_OK, 0, "RECOVERING", false },
		{ "RECOVERING", LB_CHECK_DIAL, LB_OK, 1, "RECOVERING", false },
		{ "RECOVERING", LB_CHECK_HEALTH, LB_OK, 0, "PREFERRED", false },
		{ "RECOVERING", LB_CHECK_HEALTH, LB_OK, 2, "ACTIVE", false },
		{ "RECOVERING", LB_CHECK_DIAL, LB_FAILED, 0, "FAILED", false },
		{ "RECOVERING", LB_CHECK_HEALTH, LB_FAILED, 1, "RECOVERING", false },
		{ "RECOVERING", LB_CHECK_HEALTH, LB_UNKNOWN, 1, "RECOVERING", false },

		{ "HEALTHY", LB_CHECK_DIAL, LB_OK, 0, "ACTIVE", false },
		{ "HEALTHY", LB_CHECK_DIAL, LB_OK, 1, "ACTIVE", false },
		{ "HEALTHY", LB_CHECK_HEALTH, LB_OK, 0, "HEALTHY", false },
		{ "HEALTHY", LB_CHECK_DIAL, LB_FAILED, 1, "FAILED", true },
		{ "HEALTHY", LB_CHECK_HEALTH, LB_FAILED, 1, "FAILED", true },
		{ "HEALTHY", LB_CHECK_HEALTH, LB_FAILED, 0, "FAILED", false },
		{ "HEALTHY", LB_CHECK_DIAL, LB_UNKNOWN, 1, "HEALTHY", false },

		/* PREFERRED just now: the 1-minute rule has its own test */
		{ "PREFERRED", LB_CHECK_DIAL, LB_OK, 0, "ACTIVE", false },
		{ "PREFERRED", LB_CHECK_HEALTH, LB_OK, 0, "PREFERRED", false },
		{ "PREFERRED", LB_CHECK_DIAL, LB_FAILED, 1, "FAILED", true },
		{ "PREFERRED", LB_CHECK_HEALTH, LB_FAILED, 1, "FAILED", true },
		{ "PREFERRED", LB_CHECK_HEALTH, LB_UNKNOWN, 1, "PREFERRED", false },

		{ "ACTIVE", LB_CHECK_DIAL, LB_OK, 1, "ACTIVE", false },
		{ "ACTIVE", LB_CHECK_HEALTH, LB_OK, 1, "ACTIVE", false },
		{ "ACTIVE", LB_CHECK_DIAL, LB_FAILED, 2, "FAILED", true },
		{ "ACTIVE", LB_CHECK_HEALTH, LB_FAILED, 1, "FAILED", true },
		{ "ACTIVE", LB_CHECK_HEALTH, LB_FAILED, 0, "FAILED", false },
		{ "ACTIVE", LB_CHECK_DIAL, LB_UNKNOWN, 1, "ACTIVE", false },

		{ "STANDBY", LB_CHECK_DIAL, LB_OK, 0, "STANDBY", false },
		{ "STANDBY", LB_CHECK_HEALTH, LB_OK, 1, "STANDBY", false },
		{ "STANDBY", LB_CHECK_DIAL, LB_FAILED, 1, "STANDBY", false },
		{ "STANDBY", LB_CHECK_HEALTH, LB_FAILED, 0, "STANDBY", false },
		{ "STANDBY", LB_CHECK_HEALTH, LB_UNKNOWN, 0, "STANDBY", false },
	};
	size_t c;

	for (c = 0; c < N(rows); c++) {
		struct harness h;
		bool changed = strcmp(rows[c].from, rows[c].to) != 0;

		h_init(&h, &policy_k3s);
		h_one(&h, rows[c].from);
		h_open(&h, 1, rows[c].conns);
		h_clear_logs(&h);
		h_rec(&h, 1, rows[c].kind, rows[c].r);
		if (strcmp(h_state(&h, 1), rows[c].to))
			TEST_FAIL("%s + %s %s: got %s, want %s", rows[c].from,
				  kind_name(rows[c].kind),
				  result_name(rows[c].r), h_state(&h, 1),
				  rows[c].to);
		if (h.n_trans != (changed ? 1 : 0))
			TEST_FAIL("%s + %s %s: %d on_state calls",
				  rows[c].from, kind_name(rows[c].kind),
				  result_name(rows[c].r), h.n_trans);
		if (changed) {
			ASSERT_EQ(h.trans[0].id, 1);
			ASSERT_STR_EQ(h.trans[0].from, rows[c].from);
			ASSERT_STR_EQ(h.trans[0].to, rows[c].to);
		}
		if (h.n_closed != (rows[c].closes ? 1 : 0))
			TEST_FAIL("%s + %s %s: %d close_conns calls",
				  rows[c].from, kind_name(rows[c].kind),
				  result_name(rows[c].r), h.n_closed);
		if (rows[c].closes) {
			ASSERT_EQ(h.closed[0], 1);
			ASSERT_EQ(h.conns[1], 0);
		} else {
			ASSERT_EQ(h.conns[1], rows[c].conns);
		}
		h_release(&h);
	}
}

/* PREFERRED -> HEALTHY on a health check strictly more than
 * preferred_to_healthy after the last transition (K3s: Sub() > Minute). */
static void test_preferred_to_healthy(void)
{
	static const struct {
		sim_time period;	/* preferred_to_healthy; 0: default */
		sim_time after;		/* check this long after PREFERRED */
		bool every_second;	/* health checks every 1 s meanwhile */
		const char *want;
	} rows[] = {
		{ 0, 0, false, "PREFERRED" },
		{ 0, 30 * SIM_S, false, "PREFERRED" },
		{ 0, 59 * SIM_S, true, "PREFERRED" },
		{ 0, SIM_MIN, false, "PREFERRED" },
		{ 0, SIM_MIN + 1, false, "HEALTHY" },
		{ 0, 61 * SIM_S, true, "HEALTHY" },
		{ 0, 5 * SIM_MIN, false, "HEALTHY" },
		{ 10 * SIM_S, 10 * SIM_S, false, "PREFERRED" },
		{ 10 * SIM_S, 11 * SIM_S, false, "HEALTHY" },
	};
	size_t c;

	for (c = 0; c < N(rows); c++) {
		struct harness h;
		sim_time t0, t;

		h_init(&h, &policy_k3s);
		if (rows[c].period)
			h.params.preferred_to_healthy = rows[c].period;
		h_wait(&h, 7 * SIM_S);	/* not at time 0 */
		h_one(&h, "PREFERRED");
		t0 = sim_now(h.sim);
		/* checks that change nothing do not restart the clock */
		for (t = SIM_S; rows[c].every_second && t < rows[c].after;
		     t += SIM_S) {
			h_wait(&h, t0 + t - sim_now(h.sim));
			h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
			ASSERT_STR_EQ(h_state(&h, 1), "PREFERRED");
		}
		h_wait(&h, t0 + rows[c].after - sim_now(h.sim));
		h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
		if (strcmp(h_state(&h, 1), rows[c].want))
			TEST_FAIL("row %zu: got %s, want %s", c,
				  h_state(&h, 1), rows[c].want);
		h_release(&h);
	}

	/* the clock restarts at each transition: a server that went
	 * PREFERRED -> ACTIVE -> PREFERRED (demoted) waits a full period */
	{
		struct harness h;
		static const int ids[] = { 1, 2 };

		h_init(&h, &policy_k3s);
		h_servers_one_by_one(&h, ids, 2);
		h_drive(&h, 1, "PREFERRED");
		h_wait(&h, 50 * SIM_S);
		h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
		ASSERT_STR_EQ(h_state(&h, 1), "ACTIVE");
		h_drive(&h, 2, "ACTIVE");	/* ties: 1 is demoted */
		ASSERT_STR_EQ(h_state(&h, 1), "PREFERRED");
		h_wait(&h, 30 * SIM_S);		/* 80 s after the first */
		h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
		ASSERT_STR_EQ(h_state(&h, 1), "PREFERRED");
		h_wait(&h, 31 * SIM_S);
		h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
		ASSERT_STR_EQ(h_state(&h, 1), "HEALTHY");
		h_release(&h);
	}
}

/* Dial order for state tables: state descending, connections descending,
 * then the order servers entered the list. */
static void test_dial_order(void)
{
	static const struct {
		const char *name;
		int n;
		int ids[8];		/* address list, in order */
		const char *state[8];	/* driven in list order */
		int conns[8];		/* opened after the states are set */
		int want[8];
	} rows[] = {
		{ "every state", 6, { 1, 2, 3, 4, 5, 6 },
		  { "FAILED", "UNCHECKED", "RECOVERING", "HEALTHY", "PREFERRED",
		    "ACTIVE" },
		  { 0 }, { 6, 5, 4, 3, 2, 1 } },
		{ "ties: list order, not ids", 4, { 5, 3, 8, 1 },
		  { "UNCHECKED", "UNCHECKED", "UNCHECKED", "UNCHECKED" },
		  { 0 }, { 5, 3, 8, 1 } },
		{ "ties: connections first", 4, { 5, 3, 8, 1 },
		  { "UNCHECKED", "UNCHECKED", "UNCHECKED", "UNCHECKED" },
		  { 0, 1, 3, 1 }, { 8, 3, 1, 5 } },
		{ "state beats connections", 3, { 1, 2, 3 },
		  { "RECOVERING", "FAILED", "UNCHECKED" },
		  { 0, 5, 9 }, { 1, 3, 2 } },
		/* a state change moves a server only past those it now
		 * beats (a stable sort, K3S-MODEL 6.6): 4 fails: 3 2 1 4;
		 * 3 fails: 2 1 3 4; 1 fails in place */
		{ "failed last, ties stay put", 4, { 4, 3, 2, 1 },
		  { "FAILED", "FAILED", "RECOVERING", "FAILED" },
		  { 0, 0, 0, 0 }, { 2, 1, 3, 4 } },
		/* all fail in turn: 1 2 3 4; then connections first */
		{ "failed: connections then order", 4, { 4, 3, 2, 1 },
		  { "FAILED", "FAILED", "FAILED", "FAILED" },
		  { 0, 2, 0, 2 }, { 1, 3, 2, 4 } },
		/* each passes PREFERRED, moving first: 9 2 7; then
		 * connections first */
		{ "healthy ties", 3, { 7, 2, 9 },
		  { "HEALTHY", "HEALTHY", "HEALTHY" },
		  { 1, 0, 1 }, { 9, 7, 2 } },
	};
	size_t c;
	int i;

	for (c = 0; c < N(rows); c++) {
		struct harness h;

		h_init(&h, &policy_k3s);
		h.answer = false;	/* keep the table's connections */
		h_servers_one_by_one(&h, rows[c].ids, (size_t)rows[c].n);
		for (i = 0; i < rows[c].n; i++)
			h_drive(&h, rows[c].ids[i], rows[c].state[i]);
		for (i = 0; i < rows[c].n; i++)
			h_open(&h, rows[c].ids[i], rows[c].conns[i]);
		/* the same list again: a list change sorts (connections
		 * alone do not, K3S-MODEL 6.7, test_row_6_7) */
		h_servers(&h, rows[c].ids, (size_t)rows[c].n);
		for (i = 0; i < rows[c].n; i++)
			ASSERT_STR_EQ(h_state(&h, rows[c].ids[i]),
				      rows[c].state[i]);
		assert_order(&h, rows[c].name, rows[c].want, rows[c].n);
		h_release(&h);
	}
}

/*
 * K3S-MODEL 6.7: K3s re-sorts only on a list or state change
 * (servers.go:92, 147, 280, 320), never on a connection opened or closed.
 * Two HEALTHY servers A=1, B=2 (A first); two connections on B leave the
 * order A, B; a state change of a third server (3 fails) sorts: B, A.
 */
static void test_row_6_7(void)
{
	static const int ids[] = { 1, 2, 3 };
	static const int ab[] = { 1, 2, 3 }, ba[] = { 2, 1, 3 };
	struct harness h;

	h_init(&h, &policy_k3s);
	h.answer = false;	/* keep the connections */
	h_servers_one_by_one(&h, ids, N(ids));
	/* B first: A then passes PREFERRED and moves before it (6.6) */
	h_drive(&h, 2, "HEALTHY");
	h_drive(&h, 1, "HEALTHY");
	h_drive(&h, 3, "RECOVERING");
	assert_order(&h, "before", ab, 3);
	h_open(&h, 2, 2);
	assert_order(&h, "connections open, no sort", ab, 3);
	h_rec(&h, 3, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_STR_EQ(h_state(&h, 3), "FAILED");
	assert_order(&h, "a state change sorts", ba, 3);
	h_release(&h);
}

/*
 * K3S-MODEL 6.6: the order among equal servers. K3s New() sets the
 * default first (index 0, STANDBY, loadbalancer.go:88); setAddresses
 * promotes a listed default in place (servers.go:57-61) and appends the
 * other additions in Go map order (servers.go:56-65), a fresh random
 * order per call; the sort is stable for n <= 12. So: with the default
 * listed ("ip"), it is first among the UNCHECKED servers at every seed;
 * the three added servers (or, with a default that is never listed,
 * "name", all three) are each first with probability 1/3: over
 * n = 3000 seeds the frequency is within 5 SE = 5 sqrt((1/3)(2/3)/n) of
 * 1/3. The default never listed stays STANDBY, last.
 */
static void test_row_6_6(void)
{
	static const int with_default[] = { 1, 2, 9, 3 };
	static const int members[] = { 1, 2, 3 };
	const int n = 3000;
	const double p = 1.0 / 3.0, se = sqrt(p * (1 - p) / n);
	int first_ip[4] = { 0 }, first_name[4] = { 0 };
	int seed, k;

	for (seed = 1; seed <= n; seed++) {
		struct harness h;
		int o[LB_MAX_SERVERS];

		/* "ip": --server is member 9 */
		h_setup(&h, &policy_k3s);
		policy_params_default(&h.params);
		h_seed(&h, (uint64_t)seed, false);
		h_start(&h);
		policy_set_default(h.ops, h.lb, 9);
		h_servers(&h, with_default, N(with_default));
		ASSERT_STR_EQ(h_state(&h, 9), "UNCHECKED");
		ASSERT_EQ(h_order(&h, o), 4);
		ASSERT_EQ(o[0], 9);
		ASSERT(o[1] >= 1 && o[1] <= 3);
		first_ip[o[1]]++;	/* the first of the additions */
		h_release(&h);

		/* "name": --server is an alias id (9) no member list holds */
		h_setup(&h, &policy_k3s);
		policy_params_default(&h.params);
		h_seed(&h, (uint64_t)seed, false);
		h_start(&h);
		policy_set_default(h.ops, h.lb, 9);
		h_servers(&h, members, N(members));
		ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
		ASSERT_EQ(h_order(&h, o), 4);
		ASSERT_EQ(o[3], 9);
		ASSERT(o[0] >= 1 && o[0] <= 3);
		first_name[o[0]]++;
		h_release(&h);
	}
	for (k = 1; k <= 3; k++) {
		ASSERT_NEAR((double)first_ip[k] / n, p, 5 * se);
		ASSERT_NEAR((double)first_name[k] / n, p, 5 * se);
	}
}

/* Insertion order survives updates (K3S-MODEL 6.6): kept servers keep
 * their place among ties, new ones follow (in a drawn order), a removal
 * keeps the others' order (slices.DeleteFunc), a server removed and
 * added back counts as new and goes last. */
static void test_insertion_order(void)
{
	static const int first[] = { 4, 2 };
	static const int second[] = { 7, 4, 2, 1 };
	static const int third[] = { 7, 2, 1 };
	static const int fourth[] = { 4, 7, 2, 1 };
	int got[LB_MAX_SERVERS], want3[3], want4[4];
	struct harness h;

	h_init(&h, &policy_k3s);
	h_servers_one_by_one(&h, first, N(first));
	h_servers(&h, second, N(second));
	ASSERT_EQ(h_order(&h, got), 4);
	ASSERT_EQ(got[0], 4);
	ASSERT_EQ(got[1], 2);
	ASSERT((got[2] == 7 && got[3] == 1) || (got[2] == 1 && got[3] == 7));
	/* 4 leaves: 2 then the two additions, in the order they had */
	want3[0] = 2;
	want3[1] = got[2];
	want3[2] = got[3];
	h_servers(&h, third, N(third));
	ASSERT(h_state(&h, 4) == NULL);
	assert_order(&h, "removed", want3, N(want3));
	memcpy(want4, want3, sizeof(want3));
	want4[3] = 4;
	h_servers(&h, fourth, N(fourth));
	assert_order(&h, "added back", want4, N(want4));
	/* the same list again changes nothing */
	h_clear_logs(&h);
	h_servers(&h, fourth, N(fourth));
	assert_order(&h, "same list", want4, N(want4));
	ASSERT_EQ(h.n_trans, 0);
	ASSERT_EQ(h.n_closed, 0);
	h_release(&h);
}

/* Connection counts move servers among ties and never go below zero. */
static void test_conn_counts(void)
{
	static const int ids[] = { 1, 2 };
	static const int one_two[] = { 1, 2 };
	static const int two_one[] = { 2, 1 };
	struct harness h;

	h_init(&h, &policy_k3s);
	h_servers_one_by_one(&h, ids, 2);
	assert_order(&h, "start", one_two, 2);
	policy_conn_close(h.ops, h.lb, 1);	/* none open: stays at 0 */
	policy_conn_close(h.ops, h.lb, 1);
	/* counts change the order at the next sort only (6.7): the same
	 * list again sorts */
	h_open(&h, 2, 1);
	assert_order(&h, "2 has one, not sorted yet", one_two, 2);
	h_servers(&h, ids, 2);
	assert_order(&h, "2 has one", two_one, 2);
	/* a tie keeps the previous order (stable sort, 6.6) */
	h_open(&h, 1, 1);
	h_servers(&h, ids, 2);
	assert_order(&h, "tie again", two_one, 2);
	policy_conn_close(h.ops, h.lb, 2);
	h_servers(&h, ids, 2);
	assert_order(&h, "2 closed", one_two, 2);
	policy_conn_close(h.ops, h.lb, 1);
	h_servers(&h, ids, 2);
	assert_order(&h, "both closed", one_two, 2);
	/* unknown ids are ignored */
	policy_conn_open(h.ops, h.lb, 9);
	policy_conn_close(h.ops, h.lb, 9);
	h_rec(&h, 9, LB_CHECK_DIAL, LB_OK);
	ASSERT(h_state(&h, 9) == NULL);
	assert_order(&h, "unknown ids", one_two, 2);
	h_release(&h);
}

/* A dial pass: FAILED servers tried last, servers removed since the
 * snapshot skipped (K3s: INVALID), an empty list fails at once. */
static void test_dial_pass(void)
{
	static const int ids[] = { 1, 2, 3 };
	static const int only_two[] = { 2 };
	struct harness h;
	struct lb_pass pass;

	h_init(&h, &policy_k3s);
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);

	h_servers_one_by_one(&h, ids, 3);
	policy_dial_begin(h.ops, h.lb, &pass);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 1);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	h_servers(&h, only_two, 1);		/* 1 and 3 go mid-pass */
	ASSERT(h_state(&h, 1) == NULL);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), 2);
	h_rec(&h, 2, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(policy_dial_next(h.ops, h.lb, &pass), -1);	/* 3 skipped */
	ASSERT_STR_EQ(h_state(&h, 2), "FAILED");

	/* FAILED servers are still dialed */
	assert_order(&h, "failed only", only_two, 1);
	h_release(&h);
}

/* When X becomes ACTIVE: connections to FAILED, STANDBY, RECOVERING and
 * HEALTHY servers close; PREFERRED and UNCHECKED ones keep theirs. */
static void test_active_closes_others(void)
{
	static const int ids[] = { 1, 2, 3, 4, 5, 6 };
	static const char *const states[] = {
		"HEALTHY", "FAILED", "RECOVERING", "HEALTHY", "PREFERRED",
		"UNCHECKED",
	};
	struct harness h;
	int i;

	h_init(&h, &policy_k3s);
	policy_set_default(h.ops, h.lb, 9);	/* STANDBY */
	h_servers_one_by_one(&h, ids, N(ids));
	for (i = 0; i < 6; i++)
		h_drive(&h, ids[i], states[i]);
	for (i = 1; i <= 6; i++)
		h_open(&h, i, i);
	h_open(&h, 9, 2);
	h_clear_logs(&h);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
	ASSERT_STR_EQ(h_state(&h, 1), "ACTIVE");
	/* closes in list order (best first): 4 HEALTHY, 3 RECOVERING,
	 * 9 STANDBY, 2 FAILED */
	ASSERT_EQ(h.n_closed, 4);
	ASSERT_EQ(h.closed[0], 4);
	ASSERT_EQ(h.closed[1], 3);
	ASSERT_EQ(h.closed[2], 9);
	ASSERT_EQ(h.closed[3], 2);
	ASSERT_EQ(h.conns[1], 1);
	ASSERT_EQ(h.conns[5], 5);
	ASSERT_EQ(h.conns[6], 6);
	ASSERT_EQ(h.conns[2] + h.conns[3] + h.conns[4] + h.conns[9], 0);
	/* nobody else changed state */
	ASSERT_EQ(h.n_trans, 1);
	for (i = 1; i < 6; i++)
		ASSERT_STR_EQ(h_state(&h, ids[i]), states[i]);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
	/* the re-entrant closes left the list sorted: ties among the closed
	 * servers fall back to list order */
	{
		static const int want[] = { 1, 5, 4, 3, 6, 9, 2 };

		assert_order(&h, "after closes", want, N(want));
	}
	h_release(&h);
}

/* A close that an earlier callback already carried out is not asked for
 * again: here the model closes everything on the first request. */
static void test_close_already_done(void)
{
	static const int ids[] = { 1, 2, 3 };
	struct harness h;

	h_init(&h, &policy_k3s);
	h_servers_one_by_one(&h, ids, 3);
	h_drive(&h, 2, "RECOVERING");
	h_drive(&h, 3, "FAILED");
	h_drive(&h, 1, "HEALTHY");
	h_open(&h, 2, 1);
	h_open(&h, 3, 1);
	h.close_every = true;
	h_clear_logs(&h);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
	ASSERT_STR_EQ(h_state(&h, 1), "ACTIVE");
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.closed[0], 2);
	ASSERT_EQ(h.conns[3], 0);
	h_release(&h);
}

/* A rival ACTIVE server Y: the one with more connections stays ACTIVE
 * (ties to X, the newcomer); the other goes PREFERRED, connections closed. */
static void test_active_settlement(void)
{
	static const struct {
		const char *x_from;	/* X's state before its success */
		lb_check kind;		/* the success that makes it ACTIVE */
		int x_conns, y_conns;
		const char *x_to, *y_to;
		int closes[2];		/* close_conns() calls, -1 = none */
	} rows[] = {
		{ "HEALTHY", LB_CHECK_DIAL, 1, 2, "PREFERRED", "ACTIVE", { 1, -1 } },
		{ "HEALTHY", LB_CHECK_DIAL, 1, 1, "ACTIVE", "PREFERRED", { 2, -1 } },
		{ "HEALTHY", LB_CHECK_DIAL, 3, 1, "ACTIVE", "PREFERRED", { 2, -1 } },
		{ "HEALTHY", LB_CHECK_DIAL, 0, 0, "ACTIVE", "PREFERRED", { -1, -1 } },
		{ "HEALTHY", LB_CHECK_DIAL, 0, 1, "PREFERRED", "ACTIVE", { -1, -1 } },
		{ "RECOVERING", LB_CHECK_HEALTH, 1, 2, "PREFERRED", "ACTIVE", { 1, -1 } },
		{ "RECOVERING", LB_CHECK_HEALTH, 2, 2, "ACTIVE", "PREFERRED", { 2, -1 } },
		{ "PREFERRED", LB_CHECK_DIAL, 1, 1, "ACTIVE", "PREFERRED", { 2, -1 } },
		/* stays PREFERRED, yet its connection is closed, as in K3s */
		{ "PREFERRED", LB_CHECK_DIAL, 1, 4, "PREFERRED", "ACTIVE", { 1, -1 } },
	};
	static const int ids[] = { 1, 2 };
	size_t c;
	int k;

	for (c = 0; c < N(rows); c++) {
		struct harness h;
		int n_want = 0;

		h_init(&h, &policy_k3s);
		h_servers_one_by_one(&h, ids, 2);
		h_drive(&h, 2, "ACTIVE");
		h_drive(&h, 1, rows[c].x_from);
		ASSERT_STR_EQ(h_state(&h, 2), "ACTIVE");
		h_open(&h, 1, rows[c].x_conns);
		h_open(&h, 2, rows[c].y_conns);
		h_clear_logs(&h);
		h_rec(&h, 1, rows[c].kind, LB_OK);
		if (strcmp(h_state(&h, 1), rows[c].x_to) ||
		    strcmp(h_state(&h, 2), rows[c].y_to))
			TEST_FAIL("row %zu: X %s Y %s, want X %s Y %s", c,
				  h_state(&h, 1), h_state(&h, 2),
				  rows[c].x_to, rows[c].y_to);
		for (k = 0; k < 2 && rows[c].closes[k] >= 0; k++)
			n_want++;
		if (h.n_closed != n_want)
			TEST_FAIL("row %zu: %d close_conns calls, want %d", c,
				  h.n_closed, n_want);
		for (k = 0; k < n_want; k++) {
			ASSERT_EQ(h.closed[k], rows[c].closes[k]);
			ASSERT_EQ(h.conns[rows[c].closes[k]], 0);
		}
		/* the winner is first, whatever the counts now */
		{
			int got[LB_MAX_SERVERS];

			ASSERT_EQ(h_order(&h, got), 2);
			ASSERT_EQ(got[0],
				  !strcmp(rows[c].x_to, "ACTIVE") ? 1 : 2);
		}
		h_release(&h);
	}
}

/* The default server: STANDBY, hidden but dialed after everything but
 * FAILED; UNCHECKED once listed; STANDBY again when dropped. */
static void test_default_server(void)
{
	static const int members[] = { 1, 2 };
	static const int with_default[] = { 1, 2, 9 };
	struct harness h;

	h_init(&h, &policy_k3s);
	policy_set_default(h.ops, h.lb, 9);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
	{
		static const int want[] = { 9 };

		assert_order(&h, "default alone", want, 1);
	}
	h_servers_one_by_one(&h, members, 2);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
	{
		static const int want[] = { 1, 2, 9 };

		assert_order(&h, "after unchecked", want, 3);
	}
	h_rec(&h, 1, LB_CHECK_DIAL, LB_FAILED);
	h_rec(&h, 2, LB_CHECK_DIAL, LB_FAILED);
	{
		/* 1 fails: 2 9 1; 2 fails: 9 2 1 */
		static const int want[] = { 9, 2, 1 };

		assert_order(&h, "before failed", want, 3);
	}
	/* a success on STANDBY changes nothing: it stays the last resort */
	h_rec(&h, 9, LB_CHECK_DIAL, LB_OK);
	h_rec(&h, 9, LB_CHECK_HEALTH, LB_OK);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");

	/* listed: UNCHECKED like any server, keeping its place (it was
	 * added first) */
	h_clear_logs(&h);
	h_servers(&h, with_default, 3);
	ASSERT_STR_EQ(h_state(&h, 9), "UNCHECKED");
	ASSERT_EQ(h.n_trans, 1);
	ASSERT_EQ(h.trans[0].id, 9);
	ASSERT_STR_EQ(h.trans[0].from, "STANDBY");
	ASSERT_STR_EQ(h.trans[0].to, "UNCHECKED");
	h_drive(&h, 9, "ACTIVE");
	h_open(&h, 9, 2);

	/* dropped: back to STANDBY, its connections closed */
	h_clear_logs(&h);
	h_servers(&h, members, 2);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
	ASSERT_EQ(h.n_trans, 1);
	ASSERT_STR_EQ(h.trans[0].from, "ACTIVE");
	ASSERT_STR_EQ(h.trans[0].to, "STANDBY");
	ASSERT_EQ(h.n_closed, 1);
	ASSERT_EQ(h.closed[0], 9);
	ASSERT_EQ(h.conns[9], 0);
	/* an empty member list keeps only the default */
	h_servers(&h, NULL, 0);
	ASSERT(h_state(&h, 1) == NULL);
	{
		static const int want[] = { 9 };

		assert_order(&h, "only default", want, 1);
	}
	/* a new default: the old STANDBY one leaves the list */
	policy_set_default(h.ops, h.lb, 8);
	ASSERT(h_state(&h, 9) == NULL);
	ASSERT_STR_EQ(h_state(&h, 8), "STANDBY");
	h_release(&h);

	/* a default already listed keeps its state and is not hidden */
	h_init(&h, &policy_k3s);
	h_servers(&h, with_default, 3);
	h_drive(&h, 9, "RECOVERING");
	policy_set_default(h.ops, h.lb, 9);
	ASSERT_STR_EQ(h_state(&h, 9), "RECOVERING");
	h_servers(&h, members, 2);
	ASSERT_STR_EQ(h_state(&h, 9), "STANDBY");
	h_release(&h);
}

/* Removed servers leave, their connections closed; kept ones keep state
 * and connections; on_state() is not called for list changes. */
static void test_set_servers(void)
{
	static const int before[] = { 1, 2, 3 };
	static const int after[] = { 3, 4 };
	struct harness h;

	h_init(&h, &policy_k3s);
	h_servers_one_by_one(&h, before, 3);
	h_drive(&h, 1, "ACTIVE");
	h_drive(&h, 3, "PREFERRED");
	h_open(&h, 1, 2);
	h_open(&h, 3, 1);
	h_clear_logs(&h);
	h_servers(&h, after, 2);
	ASSERT(h_state(&h, 1) == NULL);
	ASSERT(h_state(&h, 2) == NULL);
	ASSERT_STR_EQ(h_state(&h, 3), "PREFERRED");
	ASSERT_STR_EQ(h_state(&h, 4), "UNCHECKED");
	ASSERT_EQ(h.n_trans, 0);
	ASSERT_EQ(h.n_closed, 1);		/* 2 had none */
	ASSERT_EQ(h.closed[0], 1);
	ASSERT_EQ(h.conns[1], 0);
	ASSERT_EQ(h.conns[3], 1);
	h_release(&h);
}

/*
 * A failed server needs two successes, at least one a health check,
 * before it is PREFERRED (or ACTIVE) again: every sequence of up to five
 * successes, with and without connections.
 */
static void test_two_successes(void)
{
	int len, mask, conns;

	for (conns = 0; conns <= 1; conns++)
		for (len = 1; len <= 5; len++)
			for (mask = 0; mask < (1 << len); mask++) {
				struct harness h;
				int k, seen_health = 0;

				h_init(&h, &policy_k3s);
				h_one(&h, "ACTIVE");
				h_rec(&h, 1, LB_CHECK_HEALTH, LB_FAILED);
				ASSERT_STR_EQ(h_state(&h, 1), "FAILED");
				h_open(&h, 1, conns);
				for (k = 0; k < len; k++) {
					lb_check kind = (mask >> k) & 1 ?
						LB_CHECK_HEALTH : LB_CHECK_DIAL;
					const char *s;
					bool up;

					h_rec(&h, 1, kind, LB_OK);
					s = h_state(&h, 1);
					up = !strcmp(s, "PREFERRED") ||
					     !strcmp(s, "ACTIVE");
					/* the first success only recovers */
					if (k == 0)
						ASSERT_STR_EQ(s, "RECOVERING");
					else if (kind == LB_CHECK_HEALTH &&
						 !seen_health)
						ASSERT_STR_EQ(s, conns ?
							      "ACTIVE" :
							      "PREFERRED");
					else if (!seen_health)
						ASSERT_STR_EQ(s, "RECOVERING");
					if (up)
						ASSERT(k >= 1);
					if (k >= 1 && kind == LB_CHECK_HEALTH)
						seen_health = 1;
				}
				h_release(&h);
			}
}

/* on_state(): every change, in order, the demoted rival before X; none
 * for changes that do not happen; a NULL on_state is fine. */
static void test_on_state(void)
{
	static const int ids[] = { 1, 2 };
	static const struct {
		int id;
		const char *from, *to;
	} want[] = {
		{ 1, "UNCHECKED", "RECOVERING" },
		{ 1, "RECOVERING", "PREFERRED" },
		{ 1, "PREFERRED", "ACTIVE" },
		{ 2, "UNCHECKED", "RECOVERING" },
		{ 2, "RECOVERING", "PREFERRED" },
		{ 1, "ACTIVE", "PREFERRED" },
		{ 2, "PREFERRED", "ACTIVE" },
		{ 2, "ACTIVE", "FAILED" },
	};
	struct harness h;
	size_t k;

	h_init(&h, &policy_k3s);
	h_servers_one_by_one(&h, ids, 2);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);		/* no change */
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_OK);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);
	h_rec(&h, 1, LB_CHECK_DIAL, LB_OK);		/* no change */
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_OK);
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_FAILED);	/* ignored */
	h_rec(&h, 2, LB_CHECK_HEALTH, LB_OK);
	h_rec(&h, 2, LB_CHECK_DIAL, LB_OK);
	h_rec(&h, 2, LB_CHECK_DIAL, LB_FAILED);
	ASSERT_EQ(h.n_trans, (int)N(want));
	for (k = 0; k < N(want); k++) {
		ASSERT_EQ(h.trans[k].id, want[k].id);
		ASSERT_STR_EQ(h.trans[k].from, want[k].from);
		ASSERT_STR_EQ(h.trans[k].to, want[k].to);
	}
	h_release(&h);

	h_init(&h, &policy_k3s);
	h.env.on_state = NULL;		/* seen only by a new LB */
	h.env.close_conns = NULL;
	policy_lb_free(h.ops, h.lb);
	h.lb = policy_lb_new(h.ops, &h.env);
	h_servers_one_by_one(&h, ids, 2);
	h_drive(&h, 1, "ACTIVE");
	h_open(&h, 1, 1);
	h_rec(&h, 1, LB_CHECK_HEALTH, LB_FAILED);
	ASSERT_STR_EQ(h_state(&h, 1), "FAILED");
	ASSERT_EQ(h.n_trans, 0);
	ASSERT_EQ(h.n_closed, 0);
	h_release(&h);
}

/* Every state has its upper-case name. */
static void test_state_names(void)
{
	static const char *const names[] = {
		"FAILED", "UNCHECKED", "RECOVERING", "HEALTHY", "PREFERRED",
		"ACTIVE", "STANDBY",
	};
	size_t k;

	for (k = 0; k < N(names); k++) {
		struct harness h;

		h_init(&h, &policy_k3s);
		h_one(&h, names[k]);
		ASSERT_STR_EQ(h_state(&h, 1), names[k]);
		ASSERT(h_state(&h, 2) == NULL);
		h_release(&h);
	}
}

/* k3s-legacy is the same balancer with the legacy join flow. */
static void test_legacy_same_lb(void)
{
	const struct policy_ops *a = &policy_k3s, *b = &policy_k3s_legacy;
	static const int ids[] = { 3, 1, 2 };
	struct harness ha, hb;
	int oa[LB_MAX_SERVERS], ob[LB_MAX_SERVERS], n, i;

	ASSERT_STR_EQ(a->name, "k3s");
	ASSERT_STR_EQ(b->name, "k3s-legacy");
	ASSERT_EQ(a->flow, JOIN_FLOW_POSTFIX);
	ASSERT_EQ(b->flow, JOIN_FLOW_LEGACY);
	ASSERT(a->summary && b->summary);
	ASSERT(a->lb_new == b->lb_new && a->lb_free == b->lb_free);
	ASSERT(a->set_default == b->set_default);
	ASSERT(a->set_servers == b->set_servers);
	ASSERT(a->dial_begin == b->dial_begin && a->dial_next == b->dial_next);
	ASSERT(a->record == b->record);
	ASSERT(a->conn_open == b->conn_open && a->conn_close == b->conn_close);
	ASSERT(a->state_name == b->state_name);

	/* and it behaves the same */
	h_init(&ha, a);
	h_init(&hb, b);
	policy_set_default(a, ha.lb, 9);
	policy_set_default(b, hb.lb, 9);
	h_servers(&ha, ids, 3);
	h_servers(&hb, ids, 3);
	h_drive(&ha, 2, "ACTIVE");
	h_drive(&hb, 2, "ACTIVE");
	h_rec(&ha, 3, LB_CHECK_DIAL, LB_FAILED);
	h_rec(&hb, 3, LB_CHECK_DIAL, LB_FAILED);
	n = h_order(&ha, oa);
	ASSERT_EQ(h_order(&hb, ob), n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(oa[i], ob[i]);
		ASSERT_STR_EQ(h_state(&ha, oa[i]), h_state(&hb, ob[i]));
	}
	ASSERT_EQ(ha.n_trans, hb.n_trans);
	h_release(&ha);
	h_release(&hb);
}

int main(void)
{
	TEST_RUN(test_transitions);
	TEST_RUN(test_preferred_to_healthy);
	TEST_RUN(test_dial_order);
	TEST_RUN(test_row_6_7);
	TEST_RUN(test_row_6_6);
	TEST_RUN(test_insertion_order);
	TEST_RUN(test_conn_counts);
	TEST_RUN(test_dial_pass);
	TEST_RUN(test_active_closes_others);
	TEST_RUN(test_close_already_done);
	TEST_RUN(test_active_settlement);
	TEST_RUN(test_default_server);
	TEST_RUN(test_set_servers);
	TEST_RUN(test_two_successes);
	TEST_RUN(test_on_state);
	TEST_RUN(test_state_names);
	TEST_RUN(test_legacy_same_lb);
	return 0;
}
