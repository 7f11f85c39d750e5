/*
 * The policy registry and parameter table (policies/policy.c): look-up by
 * name, the list of names, every ops struct complete, the defaults of
 * K3S-MODEL.md section 3, and descriptors that name their fields.
 */
#include "policies/policy.h"
#include "policies/registry.h"
#include "test.h"

#include <glib.h>
#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_find(void)
{
	static const struct {
		const char *name;
		const struct policy_ops *want;	/* NULL: unknown */
	} rows[] = {
		{ "k3s", &policy_k3s },
		{ "k3s-legacy", &policy_k3s_legacy },
		{ "k3s-shuffle", &policy_k3s_shuffle },
		{ "K3S", NULL },
		{ "k3s-", NULL },
		{ "k3", NULL },
		{ "", NULL },
		{ "no-such-policy", NULL },
	};
	size_t c;

	for (c = 0; c < N(rows); c++) {
		const struct policy_ops *got = policy_find(rows[c].name);

		if (got != rows[c].want)
			TEST_FAIL("policy_find(\"%s\"): got %s", rows[c].name,
				  got ? got->name : "NULL");
		if (got)
			ASSERT_STR_EQ(got->name, rows[c].name);
	}
}

/* Every registered policy: a unique name it is found by, a summary and
 * the required methods. */
static void test_registry_complete(void)
{
	size_t i, j;

	for (i = 0; policy_registry[i]; i++) {
		const struct policy_ops *o = policy_registry[i];

		ASSERT(o->name && o->name[0]);
		ASSERT(o->summary && o->summary[0]);
		ASSERT(policy_find(o->name) == o);
		ASSERT(o->lb_new && o->lb_free && o->set_servers);
		ASSERT(o->dial_begin && o->dial_next && o->record);
		for (j = 0; j < i; j++)
			ASSERT(strcmp(policy_registry[j]->name, o->name));
	}
	ASSERT_GE(i, 3);
}

/* The names, comma-separated in registry order, the K3s ones first. */
static void test_names(void)
{
	char *names = policy_names();
	GString *want = g_string_new(NULL);
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		g_string_append_printf(want, "%s%s", i ? ", " : "",
				       policy_registry[i]->name);
	ASSERT_STR_EQ(names, want->str);
	ASSERT(g_str_has_prefix(names, "k3s, k3s-legacy, k3s-shuffle"));
	g_string_free(want, TRUE);
	g_free(names);
}

/* The defaults are K3S-MODEL.md section 3 (and section 2 for the join
 * retries), read back by name through the descriptors. */
static void test_defaults(void)
{
	static const struct {
		const char *name;
		sim_time want;
	} rows[] = {
		{ "dial_timeout", 10 * SIM_S },
		{ "preferred_to_healthy", 1 * SIM_MIN },
	};
	struct policy_params p;
	size_t c;

	policy_params_default(&p);
	ASSERT_GE(policy_n_params, N(rows));
	/* every K3s constant has a descriptor: they fill the struct up to
	 * the other policies' settings */
	ASSERT_EQ(policy_n_params * sizeof(sim_time),
		  offsetof(struct policy_params, own));
	for (c = 0; c < N(rows); c++) {
		const struct param_desc *d = policy_param_find(rows[c].name);

		if (!d)
			TEST_FAIL("no parameter \"%s\"", rows[c].name);
		if (*policy_param_ref(&p, d) != rows[c].want)
			TEST_FAIL("%s: default %" PRId64 ", want %" PRId64,
				  rows[c].name, *policy_param_ref(&p, d),
				  rows[c].want);
	}
	/* and by field, so a descriptor pointing at the wrong one shows */
	ASSERT_EQ(p.dial_timeout, 10 * SIM_S);
	ASSERT_EQ(p.preferred_to_healthy, SIM_MIN);
}

/* Descriptors: in struct order, unique, documented; find and ref agree
 * with the fields both ways. */
static void test_descriptors(void)
{
	struct policy_params p;
	size_t i, j;

	for (i = 0; i < policy_n_params; i++) {
		const struct param_desc *d = &policy_param_descs[i];

		ASSERT_EQ(d->type, PARAM_DURATION);
		ASSERT_EQ(d->offset, i * sizeof(sim_time));
		ASSERT(d->source && d->source[0]);
		ASSERT(d->help && d->help[0]);
		ASSERT(policy_param_find(d->name) == d);
		for (j = 0; j < i; j++)
			ASSERT(strcmp(policy_param_descs[j].name, d->name));
	}
	ASSERT(policy_param_find("nope") == NULL);
	ASSERT(policy_param_find("") == NULL);
	ASSERT(policy_param_find("dial_timeout ") == NULL);

	/* write through each descriptor, read back from the field */
	memset(&p, 0, sizeof(p));
	for (i = 0; i < policy_n_params; i++)
		*policy_param_ref(&p, &policy_param_descs[i]) =
			(sim_time)(i + 1) * SIM_MS;
	ASSERT_EQ(p.dial_timeout, 1 * SIM_MS);
	ASSERT_EQ(p.preferred_to_healthy, 2 * SIM_MS);
	ASSERT_EQ(policy_n_params, 2);	/* the model's are not in the ABI */
	ASSERT(policy_param_find("http_timeout") == NULL);
	p.preferred_to_healthy = 77;
	ASSERT_EQ(*policy_param_ref(&p,
				    policy_param_find("preferred_to_healthy")),
		  77);
}

/* The one table: the K3s constants first, then the families; every name
 * policy_param_names() lists resolves through policy_param_slot() to a
 * field inside the params, with its family; the toggles are the two
 * switches. */
static void test_param_table(void)
{
	static const struct {
		const char *name;
		param_family family;
		bool toggle;
	} rows[] = {
		{ "dial_timeout", PARAM_FAMILY_K3S, false },
		{ "preferred_to_healthy", PARAM_FAMILY_K3S, false },
		{ "choice_count", PARAM_FAMILY_OWN, false },
		{ "backoff", PARAM_FAMILY_BACKOFF, false },
		{ "backoff.base", PARAM_FAMILY_BACKOFF, false },
		{ "retry_budget", PARAM_FAMILY_RETRY_BUDGET, true },
		{ "retry_budget.refund", PARAM_FAMILY_RETRY_BUDGET, false },
		{ "outlier_ejection", PARAM_FAMILY_OUTLIER, true },
		{ "outlier.max_percent", PARAM_FAMILY_OUTLIER, false },
	};
	const struct policy_ops *ops = policy_find("p2c");
	struct policy_params p;
	struct param_slot sl;
	char *names, **list;
	size_t i;

	ASSERT(ops);
	ASSERT_GT(policy_n_param_descs, policy_n_params);
	for (i = 0; i < policy_n_param_descs; i++)
		ASSERT_EQ(policy_param_descs[i].family == PARAM_FAMILY_K3S,
			  i < policy_n_params);
	policy_params_for(ops, &p);
	for (i = 0; i < N(rows); i++) {
		if (!policy_param_slot(ops, &p, rows[i].name, &sl))
			TEST_FAIL("no slot for %s", rows[i].name);
		ASSERT_EQ(sl.family, rows[i].family);
		ASSERT_EQ(sl.toggle, rows[i].toggle);
	}
	ASSERT(!policy_param_slot(ops, &p, "backoff.nope", &sl));
	ASSERT(!policy_param_slot(ops, &p, "outlier.", &sl));
	ASSERT(!policy_param_slot(ops, &p, "retry_budget.", &sl));

	/* every listed name has a slot inside @p */
	names = policy_param_names(ops);
	list = g_strsplit(names, ", ", -1);
	for (i = 0; list[i]; i++) {
		const char *lo = (const char *)&p, *hi = lo + sizeof(p);
		const char *at;

		if (!policy_param_slot(ops, &p, list[i], &sl))
			TEST_FAIL("listed but no slot: %s", list[i]);
		at = sl.t ? (const char *)sl.t : sl.x ? (const char *)sl.x
		     : sl.i ? (const char *)sl.i : sl.b ? (const char *)sl.b
		     : (const char *)sl.kind;
		ASSERT(at >= lo && at < hi);
		ASSERT(sl.min <= sl.max);
	}
	ASSERT(g_str_has_prefix(names, "dial_timeout, "));
	ASSERT(strstr(names, ", choice_count, panic_threshold, backoff, backoff."));
	ASSERT(g_str_has_suffix(names, "outlier.max_ejection_time"));
	g_strfreev(list);
	g_free(names);

	/* the ranges the spec loader checks against */
	ASSERT(policy_param_slot(ops, &p, "outlier.consecutive", &sl));
	ASSERT(sl.i == &p.outlier.consecutive && sl.min == 1 && sl.max == 1e6);
	ASSERT(policy_param_slot(ops, &p, "outlier.max_percent", &sl));
	ASSERT(sl.x == &p.outlier.max_percent && sl.max == 100);
	ASSERT(policy_param_slot(ops, &p, "dial_timeout", &sl));
	ASSERT(sl.t == &p.dial_timeout && sl.min == 1e-9 && sl.max == 9e9);
	ASSERT(policy_param_slot(ops, &p, "backoff", &sl));
	ASSERT(sl.kind == &p.backoff.kind);
}

int main(void)
{
	TEST_RUN(test_find);
	TEST_RUN(test_registry_complete);
	TEST_RUN(test_names);
	TEST_RUN(test_defaults);
	TEST_RUN(test_descriptors);
	TEST_RUN(test_param_table);
	return 0;
}
