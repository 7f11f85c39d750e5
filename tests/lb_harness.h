/*
 * A harness for test programs that drive one load-balancer policy directly:
 * a sim for the clock, the lb_env the LB is given, its rng stream (and a twin
 * seeded the same way, for tests that replay the LB's draws), and a tiny model
 * that keeps its own connection counts and logs the callbacks it receives.
 *
 * Everything here is static inline, so each test program takes only what it
 * calls. The functions share the prefix h_ and act on a struct harness, which
 * holds the union of the fields the tests need; a test that does not use a
 * field leaves it zero.
 *
 * A typical test calls h_setup(), adjusts h->params and h->env (callbacks,
 * h_seed() for a stream), calls h_start() to make the LB, drives it with the
 * helpers below, and ends with h_release(). Each test program wraps the setup
 * steps it always takes in its own h_init().
 *
 * A test program may define HARNESS_MAX_ID, HARNESS_MAX_LOG or
 * HARNESS_MAX_DIALS before including this header to change the bounds that
 * the helpers assert.
 */
#ifndef SELSIM_LB_HARNESS_H
#define SELSIM_LB_HARNESS_H

#include "policies/policy.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "test.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* The number of elements in array @a. */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Server ids the model can hold connections for are below this. */
#ifndef HARNESS_MAX_ID
#define HARNESS_MAX_ID 16
#endif

/* The most close_conns() and on_state() calls each log holds. */
#ifndef HARNESS_MAX_LOG
#define HARNESS_MAX_LOG 128
#endif

/* The most dials that h_fail_pass() accepts in one pass. */
#ifndef HARNESS_MAX_DIALS
#define HARNESS_MAX_DIALS LB_MAX_SERVERS
#endif

/* One on_state() call, as h_on_state_log() recorded it. */
struct harness_trans {
	int id;			/* the server */
	char from[16];		/* its state before */
	char to[16];		/* and after */
};

/* One LB under test and the model around it. */
struct harness {
	sim *sim;			/* the clock: drives sim_now() */
	struct policy_params params;	/* policy_params_for(ops) unless changed */
	gsl_rng *rng;			/* the LB's stream; NULL without h_seed() */
	gsl_rng *twin;			/* same seed: replays the LB's draws */
	struct lb_env env;		/* what the LB was given */
	const struct policy_ops *ops;	/* the policy under test */
	void *lb;			/* its instance; NULL until h_start() */
	int conns[HARNESS_MAX_ID];	/* connections the model holds */
	bool answer;			/* close_conns() calls conn_close() back */
	bool close_every;		/* ... for every server's connections */
	int closed[HARNESS_MAX_LOG];	/* close_conns() calls, in order */
	int n_closed;			/* entries in closed */
	struct harness_trans trans[HARNESS_MAX_LOG]; /* on_state() calls */
	int n_trans;			/* entries in trans */
	int n_state;			/* on_state() calls h_on_state_count() saw */
	char last_to[16];		/* the last on_state() target it saw */
};

/*
 * A close_conns() callback for a model that holds connections. It logs the
 * call and, while h->answer is set, closes each connection the model holds
 * to @server and tells the LB at once, from inside the LB's own call. With
 * h->close_every set it does the same for every server's connections.
 */
static inline void h_close_conns(void *model, int server)
{
	struct harness *h = model;

	ASSERT(server >= 0 && server < HARNESS_MAX_ID);
	ASSERT_LT(h->n_closed, HARNESS_MAX_LOG);
	h->closed[h->n_closed++] = server;
	while (h->answer && h->conns[server] > 0) {
		h->conns[server]--;
		policy_conn_close(h->ops, h->lb, server);
	}
	for (server = 0; h->close_every && server < HARNESS_MAX_ID; server++)
		while (h->conns[server] > 0) {
			h->conns[server]--;
			policy_conn_close(h->ops, h->lb, server);
		}
}

/* A close_conns() callback for policies that must never close anything:
 * any call fails the test. */
static inline void h_close_forbidden(void *model, int server)
{
	(void)model;
	TEST_FAIL("close_conns(%d): these policies close nothing", server);
}

/*
 * An on_state() callback that logs every call in h->trans and checks that
 * the LB's state list is already consistent when the callback runs.
 */
static inline void h_on_state_log(void *model, int server, const char *from,
				  const char *to)
{
	struct harness *h = model;
	struct harness_trans *t;

	ASSERT_LT(h->n_trans, HARNESS_MAX_LOG);
	t = &h->trans[h->n_trans++];
	t->id = server;
	snprintf(t->from, sizeof(t->from), "%s", from);
	snprintf(t->to, sizeof(t->to), "%s", to);
	/* the list is consistent when on_state() runs */
	ASSERT_STR_EQ(policy_state_name(h->ops, h->lb, server), to);
}

/*
 * An on_state() callback that only counts calls in h->n_state and keeps the
 * last target in h->last_to; it checks that every call is a real change.
 */
static inline void h_on_state_count(void *model, int server, const char *from,
				    const char *to)
{
	struct harness *h = model;

	(void)server;
	ASSERT(strcmp(from, to) != 0);
	h->n_state++;
	snprintf(h->last_to, sizeof(h->last_to), "%s", to);
}

/*
 * Sets @h up for @ops: a new sim, the policy's default parameters
 * (policy_params_for()), and an env with no rng and no callbacks whose model
 * is @h. h->answer starts true. No LB exists until h_start(); the caller may
 * change h->params and h->env before then. @h must not move afterwards,
 * since the env points into it.
 */
static inline void h_setup(struct harness *h, const struct policy_ops *ops)
{
	memset(h, 0, sizeof(*h));
	h->sim = sim_new();
	h->ops = ops;
	policy_params_for(ops, &h->params);
	h->env = (struct lb_env){
		.sim = h->sim,
		.params = &h->params,
		.rng = NULL,
		.close_conns = NULL,
		.model = h,
		.on_state = NULL,
	};
	h->answer = true;
}

/* Gives the LB the policy stream for @seed, and with @twin a second stream
 * seeded the same way in h->twin. h_release() frees both. */
static inline void h_seed(struct harness *h, uint64_t seed, bool twin)
{
	h->rng = sim_rng_new(seed, 0, SIM_RNG_POLICY, 0);
	if (twin)
		h->twin = sim_rng_new(seed, 0, SIM_RNG_POLICY, 0);
	h->env.rng = h->rng;
}

/* Sets the policy's own parameter @name to @v; call before h_start(). */
static inline void h_own(struct harness *h, const char *name, double v)
{
	int i = policy_own_find(h->ops, name);

	if (i < 0)
		TEST_FAIL("%s has no own parameter %s", h->ops->name, name);
	h->params.own[i] = v;
}

/* Makes the LB from h->env. */
static inline void h_start(struct harness *h)
{
	h->lb = policy_lb_new(h->ops, &h->env);
	ASSERT(h->lb != NULL);
}

/* Frees the LB (if made), the streams (if any) and the sim. */
static inline void h_release(struct harness *h)
{
	if (h->lb)
		policy_lb_free(h->ops, h->lb);
	if (h->rng)
		gsl_rng_free(h->rng);
	if (h->twin)
		gsl_rng_free(h->twin);
	sim_free(h->sim);
}

/* Empties the close_conns() and on_state() logs. */
static inline void h_clear_logs(struct harness *h)
{
	h->n_closed = 0;
	h->n_trans = 0;
}

/* An event that does nothing, for moving the clock. */
static inline void h_noop(sim *s, void *ctx, uint64_t arg)
{
	(void)s;
	(void)ctx;
	(void)arg;
}

/* Advances simulated time by @d (>= 0). */
static inline void h_wait(struct harness *h, sim_time d)
{
	ASSERT_GE(d, 0);
	sim_schedule(h->sim, sim_now(h->sim) + d, h_noop, NULL, 0);
	ASSERT_EQ(sim_run(h->sim, SIM_TIME_MAX), SIM_RUN_EMPTY);
}

/* Moves the clock to @t (>= now). */
static inline void h_at(struct harness *h, sim_time t)
{
	sim_schedule(h->sim, t, h_noop, NULL, 0);
	sim_run(h->sim, t);
	ASSERT_EQ(sim_now(h->sim), t);
}

/* Lists servers @ids (@n) to the LB. */
static inline void h_servers(struct harness *h, const int *ids, size_t n)
{
	policy_set_servers(h->ops, h->lb, ids, n);
}

/* The model opens @n connections to @id: it counts them in h->conns, so
 * that h_close_conns() can close them, and tells the LB of each. */
static inline void h_open(struct harness *h, int id, int n)
{
	ASSERT(id >= 0 && id < HARNESS_MAX_ID);
	while (n-- > 0) {
		h->conns[id]++;
		policy_conn_open(h->ops, h->lb, id);
	}
}

/* Tells the LB of @n connections opened to @id; the model keeps no count. */
static inline void h_conn_open(struct harness *h, int id, int n)
{
	while (n-- > 0)
		policy_conn_open(h->ops, h->lb, id);
}

/* Tells the LB of @n connections to @id closed; the model keeps no count. */
static inline void h_conn_close(struct harness *h, int id, int n)
{
	while (n-- > 0)
		policy_conn_close(h->ops, h->lb, id);
}

/* Reports outcome @r of a check of @kind on @id. */
static inline void h_rec(struct harness *h, int id, lb_check kind,
			 lb_result r)
{
	policy_record(h->ops, h->lb, id, kind, r);
}

/* Reports an answer from @id through observe(). */
static inline void h_answer(struct harness *h, int id, sim_time latency,
			    sim_time service, int queue, bool ok)
{
	struct lb_feedback fb = {
		.latency = latency, .service = service, .queue = queue, .ok = ok,
	};

	policy_observe(h->ops, h->lb, id, &fb);
}

/* Reports an answer from @id with only its latency and success. */
static inline void h_obs(struct harness *h, int id, sim_time latency, bool ok)
{
	h_answer(h, id, latency, 0, 0, ok);
}

/* The state name the LB gives @id; borrowed from the LB. */
static inline const char *h_state(struct harness *h, int id)
{
	return policy_state_name(h->ops, h->lb, id);
}

/*
 * The whole dial order of one pass: every id dial_next() hands out, until
 * -1, with no outcome reported, stored in @out (LB_MAX_SERVERS entries).
 * dial_next() must stay at -1 after the end. Returns the count.
 */
static inline int h_order(struct harness *h, int *out)
{
	struct lb_pass pass;
	int n = 0, id;

	policy_dial_begin(h->ops, h->lb, &pass);
	while ((id = policy_dial_next(h->ops, h->lb, &pass)) >= 0) {
		ASSERT_LT(n, LB_MAX_SERVERS);
		out[n++] = id;
	}
	ASSERT_EQ(policy_dial_next(h->ops, h->lb, &pass), -1);	/* stays done */
	return n;
}

/* The first id of a pass, as h_order() gives it; the pass is not empty. */
static inline int h_first(struct harness *h)
{
	int o[LB_MAX_SERVERS];

	ASSERT_GT(h_order(h, o), 0);
	return o[0];
}

/* The dial snapshot: the list dial_begin() puts in the pass, in @out
 * (LB_MAX_SERVERS entries), without any dial_next(). Returns its length. */
static inline int h_snapshot(struct harness *h, int *out)
{
	struct lb_pass pass;
	int k;

	policy_dial_begin(h->ops, h->lb, &pass);
	for (k = 0; k < pass.n; k++)
		out[k] = pass.order[k];
	return pass.n;
}

/*
 * A whole failing pass: every id dial_next() hands out, in order, each
 * reported failed, stored in @out (HARNESS_MAX_DIALS entries). dial_next()
 * must stay at -1 after the end. Returns the count.
 */
static inline int h_fail_pass(struct harness *h, int *out)
{
	struct lb_pass pass;
	int n = 0, id;

	policy_dial_begin(h->ops, h->lb, &pass);
	while ((id = policy_dial_next(h->ops, h->lb, &pass)) >= 0) {
		ASSERT_LT(n, HARNESS_MAX_DIALS);
		out[n++] = id;
		h_rec(h, id, LB_CHECK_DIAL, LB_FAILED);
	}
	ASSERT_EQ(policy_dial_next(h->ops, h->lb, &pass), -1);
	return n;
}

/* Fails unless each of @ids (@n) appears exactly once in @order (@n). */
static inline void assert_permutation(const int *order, const int *ids, int n)
{
	int i, j, seen;

	for (i = 0; i < n; i++) {
		for (seen = 0, j = 0; j < n; j++)
			seen += order[j] == ids[i];
		if (seen != 1)
			TEST_FAIL("server %d appears %d times", ids[i], seen);
	}
}

#endif
