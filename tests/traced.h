/*
 * Traced runs for the tests that read a scenario's story (test_k3s_rows.c,
 * test_k3s_startup.c, test_failover.c, test_failover_az.c,
 * test_endpoints.c): one scenario of a spec given as JSON text, every
 * trace event kept with its time and node, and the first event matching
 * a text. Header-only (static inline): each test program includes it
 * once.
 */
#ifndef TESTS_TRACED_H
#define TESTS_TRACED_H

#include "experiments/spec.h"
#include "models/world.h"
#include "test.h"

#include <string.h>

struct event {
	sim_time t;
	int node;		/* trace_event.node */
	char *text;		/* owned */
};

struct traced {
	struct spec spec;
	struct run_record rec;
	GArray *ev;		/* struct event, in time order */
	struct k3s_params kp;	/* the policy's K3s constants */
};

static inline void traced_keep(void *ctx, const struct trace_event *ev)
{
	struct traced *r = ctx;
	struct event e = { ev->t, ev->node, g_strdup(ev->text) };

	g_array_append_val(r->ev, e);
}

/* The head of a failover test's spec (test_failover.c, _az.c,
 * test_endpoints.c): one scenario ending at @deadline, the policies
 * @policies (a JSON array's body), "params" @params (an object's body,
 * may be empty), every link's RTT and every request's service time 1 ms,
 * AZs a, b and c with server-1, -2 and -3 one in each (-2 and -3 joined
 * through server-1), server-2 the controller-manager. The caller appends
 * its agents (", { ... }" each), then ends it with traced_spec_end(). */
static inline GString *traced_spec_head(const char *deadline,
					const char *policies,
					const char *params)
{
	GString *g = g_string_new(NULL);

	g_string_append_printf(g, "{ \"name\": \"t\", \"scenarios\": 1, "
		"\"deadline\": \"%s\", \"failover\": true, "
		"\"controller_manager\": \"server-2\", "
		"\"policies\": [%s], "
		"\"params\": { %s }, "
		"\"network\": { \"rtt\": { \"same_az\": \"1ms\", "
		"\"cross_az\": \"1ms\" } }, "
		"\"servers\": { \"service_time\": \"1ms\" }, "
		"\"topology\": { \"azs\": { \"a\": \"r\", \"b\": \"r\", "
		"\"c\": \"r\" }, \"nodes\": ["
		"{ \"name\": \"server-1\", \"role\": \"server\", \"az\": \"a\" },"
		"{ \"name\": \"server-2\", \"role\": \"server\", \"az\": \"b\", "
		"\"server\": \"server-1\" },"
		"{ \"name\": \"server-3\", \"role\": \"server\", \"az\": \"c\", "
		"\"server\": \"server-1\" }", deadline, policies, params);
	return g;
}

/* @n agents, agent-1 ..., in AZs a, b and c in turn, each with --server
 * server-1, onto traced_spec_head()'s @g. */
static inline void traced_spec_agents(GString *g, int n)
{
	int i;

	for (i = 0; i < n; i++)
		g_string_append_printf(g, ", { \"name\": \"agent-%d\", "
				       "\"role\": \"agent\", \"az\": \"%c\", "
				       "\"server\": \"server-1\" }", i + 1,
				       "abc"[i % 3]);
}

/* The spec @g ended with the "failures" array's body @failures: its
 * text, which the caller frees with g_free(). */
static inline char *traced_spec_end(GString *g, const char *failures)
{
	g_string_append_printf(g, "] }, \"failures\": [ %s ] }", failures);
	return g_string_free(g, FALSE);
}

/* Runs scenario @scenario of the spec @json (named @file in messages)
 * under its policy @policy (NULL: its first) into @r, keeping the events
 * when @keep (else r->ev stays empty), the engine's same-instant events in
 * reverse order when @reverse (world_set_tie_reverse()); release with
 * traced_release(). A bad spec fails the test. */
static inline void traced_run_with(const char *file, const char *json,
				   const char *policy, uint64_t scenario,
				   bool keep, bool reverse, struct traced *r)
{
	GError *err = NULL;
	struct world *w;
	int p = 0;

	if (!spec_parse(file, json, &r->spec, &err))
		TEST_FAIL("spec: %s", err->message);
	if (policy)
		p = spec_policy_index(&r->spec, policy);
	ASSERT_GE(p, 0);
	r->ev = g_array_new(FALSE, FALSE, sizeof(struct event));
	r->kp = r->spec.policies[p].k3s;
	w = world_new(&r->spec.world, r->spec.policies[p].ops,
		      &r->spec.policies[p].params, &r->spec.policies[p].k3s);
	if (keep)
		world_set_trace(w, traced_keep, r);
	world_set_tie_reverse(w, reverse);
	run_record_init(&r->rec, r->spec.world.n_nodes);
	world_run(w, r->spec.seed, scenario, &r->rec);
	world_free(w);
}

/* traced_run_with(), the events kept, in the engine's order. */
static inline void traced_run(const char *file, const char *json,
			      const char *policy, uint64_t scenario,
			      struct traced *r)
{
	traced_run_with(file, json, policy, scenario, true, false, r);
}

static inline void traced_release(struct traced *r)
{
	guint i;

	for (i = 0; i < r->ev->len; i++)
		g_free(g_array_index(r->ev, struct event, i).text);
	g_array_free(r->ev, TRUE);
	run_record_release(&r->rec);
	spec_release(&r->spec);
}

/* The first event in [@from, @to) of @node (-1: any node) whose text
 * contains @what, or NULL. */
static inline const struct event *find(const struct traced *r, int node,
					sim_time from, sim_time to,
					const char *what)
{
	guint i;

	for (i = 0; i < r->ev->len; i++) {
		const struct event *e = &g_array_index(r->ev, struct event, i);

		if (e->t >= from && e->t < to &&
		    (node < 0 || e->node == node) && strstr(e->text, what))
			return e;
	}
	return NULL;
}

/* The time of the first event at or after @from whose text contains
 * @what, or -1. */
static inline sim_time first(const struct traced *r, sim_time from,
			     const char *what)
{
	const struct event *e = find(r, -1, from, SIM_TIME_MAX, what);

	return e ? e->t : -1;
}

#endif
