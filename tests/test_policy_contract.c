/*
 * The wrappers of policies/policy.c check what a policy answers: a broken
 * policy (lb_new returning NULL, a dial_next naming a server outside its
 * pass, a pass with a server twice ...) is a SIM_BUG whose message names
 * the policy. Each broken case runs in a child process (fork), whose
 * stderr the parent reads: the child must die of SIGABRT with the
 * message. Every built-in policy, driven through the wrappers across list
 * changes, keeps the contract.
 */
#include "death_test.h"
#include "lb_harness.h"
#include "policies/addr_list.h"
#include "policies/registry.h"
#include "test.h"


/* What the broken policy gets wrong; the child sets it before driving. */
static enum {
	BROKEN_NONE,
	BROKEN_LB_NEW_NULL,	/* lb_new returns NULL */
	BROKEN_NEXT_OUTSIDE,	/* dial_next names a server not in the pass */
	BROKEN_NEXT_REMOVED_N,	/* dial_next changes pass->n */
	BROKEN_BEGIN_TWICE,	/* dial_begin lists a server twice */
	BROKEN_BEGIN_TOO_MANY,	/* dial_begin makes n > LB_MAX_SERVERS */
	BROKEN_BEGIN_NEGATIVE,	/* dial_begin puts id -3 in the pass */
	BROKEN_PASS_DELAY,	/* pass_delay returns -5 */
	BROKEN_HEDGE_DELAY,	/* hedge_delay returns -2 */
} broken_mode;

struct broken_lb {
	struct lb_addrs addrs;	/* the list */
};

static void *broken_lb_new(const struct lb_env *env)
{
	(void)env;
	if (broken_mode == BROKEN_LB_NEW_NULL)
		return NULL;
	return g_new0(struct broken_lb, 1);
}

static void broken_lb_free(void *lb)
{
	g_free(lb);
}

static void broken_set_servers(void *opaque, const int *servers, size_t n)
{
	struct broken_lb *lb = opaque;

	lb_addrs_set(&lb->addrs, servers, n, NULL, NULL, NULL);
}

static void broken_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct broken_lb *lb = opaque;

	lb_addrs_snapshot(&lb->addrs, pass);
	if (broken_mode == BROKEN_BEGIN_TWICE && pass->n >= 2)
		pass->order[1] = pass->order[0];
	if (broken_mode == BROKEN_BEGIN_TOO_MANY)
		pass->n = LB_MAX_SERVERS + 1;
	if (broken_mode == BROKEN_BEGIN_NEGATIVE && pass->n >= 1)
		pass->order[pass->n - 1] = -3;
}

static int broken_dial_next(void *opaque, struct lb_pass *pass)
{
	struct broken_lb *lb = opaque;

	if (broken_mode == BROKEN_NEXT_OUTSIDE)
		return 99;
	if (broken_mode == BROKEN_NEXT_REMOVED_N)
		pass->n--;
	return lb_addrs_next(&lb->addrs, pass);
}

static void broken_record(void *lb, int server, lb_check kind, lb_result r)
{
	(void)lb;
	(void)server;
	(void)kind;
	(void)r;
}

static sim_time broken_pass_delay(void *lb, int passes)
{
	(void)lb;
	(void)passes;
	return broken_mode == BROKEN_PASS_DELAY ? -5 : 0;
}

static sim_time broken_hedge_delay(void *lb)
{
	(void)lb;
	return broken_mode == BROKEN_HEDGE_DELAY ? -2 : -1;
}

static const struct policy_ops broken = {
	.name = "broken",
	.summary = "a policy that breaks its contract on purpose",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = broken_lb_new,
	.lb_free = broken_lb_free,
	.set_servers = broken_set_servers,
	.dial_begin = broken_dial_begin,
	.dial_next = broken_dial_next,
	.record = broken_record,
	.pass_delay = broken_pass_delay,
	.hedge_delay = broken_hedge_delay,
};

/* What the child does: make an LB of `broken`, list @ids, dial once. */
static void drive(const int *ids, size_t n)
{
	struct harness h;
	struct lb_pass pass;

	h_setup(&h, &broken);
	h_start(&h);
	policy_set_servers(h.ops, h.lb, ids, n);
	policy_dial_begin(h.ops, h.lb, &pass);
	(void)policy_dial_next(h.ops, h.lb, &pass);
	(void)policy_pass_delay(h.ops, h.lb, 1);
	(void)policy_hedge_delay(h.ops, h.lb);
	h_release(&h);
}

struct broken_case {
	int mode;		/* what the policy gets wrong */
	const int *ids;		/* the list it is given */
	size_t n;		/* entries in ids */
};

static void drive_case(void *arg)
{
	const struct broken_case *c = arg;

	broken_mode = c->mode;
	drive(c->ids, c->n);
}

/* Runs drive(@ids) with @mode in a child; it must abort and print @want
 * on stderr. */
static void expect_bug(int mode, const int *ids, size_t n, const char *want)
{
	struct broken_case c = { .mode = mode, .ids = ids, .n = n };

	death_expect_bug(drive_case, &c, want);
}

/* Each broken answer, and each broken argument, is a SIM_BUG naming the
 * policy. */
static void test_broken(void)
{
	static const int three[] = { 0, 1, 2 };
	static const int dup[] = { 0, 2, 2 };
	static const int neg[] = { 0, -1 };

	expect_bug(BROKEN_LB_NEW_NULL, three, 3,
		   "policy 'broken': lb_new returned NULL");
	expect_bug(BROKEN_NEXT_OUTSIDE, three, 3,
		   "policy 'broken': dial_next named server 99, not in its "
		   "pass");
	/* even with an empty pass, the answer must be -1 */
	expect_bug(BROKEN_NEXT_OUTSIDE, three, 0,
		   "policy 'broken': dial_next named server 99");
	expect_bug(BROKEN_NEXT_REMOVED_N, three, 3,
		   "policy 'broken': dial_next changed its pass's length "
		   "from 3 to 2");
	expect_bug(BROKEN_BEGIN_TWICE, three, 3,
		   "policy 'broken': dial_begin put server 0 twice in its "
		   "pass");
	expect_bug(BROKEN_BEGIN_TOO_MANY, three, 3,
		   "policy 'broken': dial_begin made a pass of 65 servers");
	expect_bug(BROKEN_BEGIN_NEGATIVE, three, 3,
		   "policy 'broken': dial_begin put server id -3 in its pass");
	expect_bug(BROKEN_PASS_DELAY, three, 3,
		   "policy 'broken': pass_delay returned -5");
	expect_bug(BROKEN_HEDGE_DELAY, three, 3,
		   "policy 'broken': hedge_delay returned -2");
	/* the caller's side */
	expect_bug(BROKEN_NONE, dup, 3,
		   "policy 'broken': set_servers lists server 2 twice");
	expect_bug(BROKEN_NONE, neg, 2,
		   "policy 'broken': set_servers with server id -1");
}

/* The same policy, unbroken, passes every check. */
static void test_unbroken(void)
{
	static const int three[] = { 0, 1, 2 };

	broken_mode = BROKEN_NONE;
	drive(three, 3);
}

/* Every built-in policy through the wrappers: passes across list changes,
 * failures and successes, the default server, never a broken answer (the
 * wrappers would abort). */
static void test_builtins_keep_contract(void)
{
	static const int lists[][4] = {
		{ 0, 1, 2, -1 }, { 2, 3, -1 }, { 3, 1, 0, 4 }, { -1 },
		{ 4, 0, -1 },
	};
	size_t i, l;

	for (i = 0; policy_registry[i]; i++) {
		struct harness h;
		struct lb_pass pass;

		h_setup(&h, policy_registry[i]);
		h_seed(&h, 7, false);
		h_start(&h);
		policy_set_default(h.ops, h.lb, 0);
		for (l = 0; l < N(lists); l++) {
			size_t n = 0;
			int id, k = 0;

			while (n < 4 && lists[l][n] >= 0)
				n++;
			policy_set_servers(h.ops, h.lb, lists[l], n);
			policy_dial_begin(h.ops, h.lb, &pass);
			while ((id = policy_dial_next(h.ops, h.lb, &pass)) >= 0) {
				/* every other dial fails; a list change
				 * during the pass */
				policy_record(h.ops, h.lb, id, LB_CHECK_DIAL,
					      k % 2 ? LB_OK : LB_FAILED);
				if (k++ == 1)
					policy_set_servers(h.ops, h.lb,
							   lists[l], n ? n - 1
								       : 0);
				ASSERT(k < 4 * LB_MAX_SERVERS);
			}
			policy_record(h.ops, h.lb, 1, LB_CHECK_HEALTH, LB_OK);
			(void)policy_pass_delay(h.ops, h.lb, 1);
			(void)policy_hedge_delay(h.ops, h.lb);
			h_wait(&h, SIM_S);
		}
		h_release(&h);
	}
}

int main(void)
{
	TEST_RUN(test_broken);
	TEST_RUN(test_unbroken);
	TEST_RUN(test_builtins_keep_contract);
	return 0;
}
