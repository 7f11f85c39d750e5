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
