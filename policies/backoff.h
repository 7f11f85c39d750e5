/*
 * Backoff strategies shared by every policy that retries, and a retry
 * budget.
 *
 * A strategy is a kind (none, constant, exponential, full, equal,
 * decorrelated, client-go, grpc) behind struct backoff_ops, found by name
 * in one static table, plus its parameters (struct backoff_cfg). A policy
 * keeps one struct backoff per retry loop: backoff_next() gives the delay
 * before the next retry and advances the state, backoff_reset() starts over
 * after a success.
 *
 * Each kind follows its published rule:
 *
 *  - AWS Architecture Blog, "Exponential Backoff And Jitter" (Marc Brooker,
 *    2015). The blog's formulas, with attempt the retry counter:
 *      Exponential:  sleep = min(cap, base * 2 ** attempt)
 *      Full Jitter:  sleep = random_between(0, min(cap, base * 2 ** attempt))
 *      Equal Jitter: temp = min(cap, base * 2 ** attempt)
 *                    sleep = temp / 2 + random_between(0, temp / 2)
 *      Decorrelated: sleep = min(cap, random_between(base, sleep * 3)),
 *                    sleep starting at base
 *    The attempt counter n: selsim's first retry has n = 0 (plus
 *    cfg.first_attempt), so that its ceiling is base: "base" then means
 *    the first delay in every kind, as INITIAL_BACKOFF does in gRPC and
 *    Duration in client-go. The blog's simulator
 *    (aws-samples/aws-arch-backoff-simulator) increments its counter
 *    before the first call, so its first retry has n = 1 and a ceiling of
 *    2 * base; first_attempt = 1 reproduces it (it ran base 5, cap 2000,
 *    in milliseconds). Decorrelated jitter has no counter.
 *
 *  - client-go (k8s.io/apimachinery/pkg/util/wait, Backoff.Step() and its
 *    delay() helper, read from the source):
 *      if Steps < 1: return Jitter(Duration), Duration and Steps unchanged
 *      Steps -= 1
 *      next = Factor != 0 ? Duration * Factor : Duration
 *      if Cap > 0 && next > Cap: next = Cap, Steps = 0
 *      sleep = Jitter > 0 ? Duration + U[0,1) * Jitter * Duration
 *                         : Duration
 *      Duration = next; return sleep
 *    So the returned delay is the duration before growth, jittered on one
 *    side only; the jitter never feeds into the growth; once Steps reaches
 *    0 (by counting down or by hitting the cap) Duration stops changing and
 *    every later delay is that last Duration, jittered. Cap limits only the
 *    grown value: a Duration above Cap at the start is not cut. Step()
 *    itself never gives up: wait.ExponentialBackoff() does, trying while
 *    Steps > 0 and giving up after a failed try when Steps == 1 (at most
 *    Steps tries, Steps - 1 sleeps), and giving up right after the sleep
 *    that hit the cap. backoff_next() mirrors Step() only; a policy that
 *    models the give-up reads backoff.steps_left.
 *
 *  - gRPC connection backoff (grpc/grpc doc/connection-backoff.md):
 *      current_backoff = INITIAL_BACKOFF
 *      current_deadline = now() + INITIAL_BACKOFF
 *      while TryConnect(Max(current_deadline, now() + MIN_CONNECT_TIMEOUT))
 *            fails:
 *        SleepUntil(current_deadline)
 *        current_backoff = Min(current_backoff * MULTIPLIER, MAX_BACKOFF)
 *        current_deadline = now() + current_backoff +
 *          UniformRandom(-JITTER * current_backoff, JITTER * current_backoff)
 *    So the first delay is INITIAL_BACKOFF exactly, without jitter (as in
 *    grpc-go's backoff.Exponential and gRPC core's BackOff), and each later
 *    one first grows current_backoff, then jitters it:
 *    current * (1 + U[-JITTER, +JITTER)). A jittered delay may exceed
 *    MAX_BACKOFF by up to JITTER. The delay runs from the START of the
 *    attempt that failed (the deadline is set before TryConnect), not from
 *    its failure; the attempt's own connect timeout is
 *    max(delay, MIN_CONNECT_TIMEOUT), and the next attempt starts at the
 *    later of that deadline and the failure.
 *
 * Every computation on sim_time saturates at SIM_TIME_MAX ("never"); no
 * attempt count, factor or cap can overflow. cap = 0 means "no cap" in
 * every kind (as client-go's Cap does).
 */
#ifndef POLICIES_BACKOFF_H
#define POLICIES_BACKOFF_H

#include "sim/time.h"

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds, in the order of the table (and of backoff_names()). */
typedef enum {
	BACKOFF_NONE,		/* "none": 0 */
	BACKOFF_CONSTANT,	/* "constant": base */
	BACKOFF_EXPONENTIAL,	/* "exponential": min(cap, base * 2^n) */
	BACKOFF_FULL,		/* "full": U[0, min(cap, base * 2^n)] */
	BACKOFF_EQUAL,		/* "equal": v/2 + U[0, v/2] */
	BACKOFF_DECORRELATED,	/* "decorrelated": min(cap, U[base, 3 prev]) */
	BACKOFF_CLIENT_GO,	/* "client-go": wait.Backoff.Step() */
	BACKOFF_GRPC,		/* "grpc": connection-backoff.md */
	BACKOFF_N_KINDS
} backoff_kind;

/*
 * A strategy's parameters. Which fields a kind reads is its ops.params
 * mask; the others are ignored. Plain data: copy it freely.
 */
struct backoff_cfg {
	backoff_kind kind;
	sim_time base;		/* first delay: base, Duration, INITIAL_BACKOFF */
	sim_time cap;		/* ceiling: cap, Cap, MAX_BACKOFF; 0 = none */
	double factor;		/* growth: Factor, MULTIPLIER (>= 0) */
	double jitter;		/* Jitter (client-go, >= 0), JITTER (gRPC, 0..1) */
	int steps;		/* client-go Steps: growth steps (>= 0) */
	int first_attempt;	/* AWS kinds: n of the first retry (>= 0) */
	sim_time min_connect_timeout; /* gRPC MIN_CONNECT_TIMEOUT */
};

/*
 * A retry loop's state. Every field is readable; only backoff_init(),
 * backoff_next() and backoff_reset() write them (tests may set prev or
 * attempt to reach a state directly).
 */
struct backoff {
	const struct backoff_cfg *cfg;	/* borrowed: outlives the backoff */
	int attempt;		/* delays drawn since the reset (saturates) */
	sim_time prev;		/* decorrelated: the last sleep (base at first) */
	sim_time current;	/* client-go: Duration, the next un-jittered
				 * delay; gRPC: current_backoff, the base of
				 * the delay last returned */
	int steps_left;		/* client-go: Steps left (cfg.steps at first) */
};

/* The fields of struct backoff_cfg a spec may set, as bits of
 * backoff_ops.params; bit i is backoff_params[i]. */
enum {
	BACKOFF_P_BASE = 1u << 0,
	BACKOFF_P_CAP = 1u << 1,
	BACKOFF_P_FACTOR = 1u << 2,
	BACKOFF_P_JITTER = 1u << 3,
	BACKOFF_P_STEPS = 1u << 4,
	BACKOFF_P_FIRST_ATTEMPT = 1u << 5,
	BACKOFF_P_MIN_CONNECT_TIMEOUT = 1u << 6,
};

/*
 * One kind. The table holds one static instance per kind, indexed by
 * backoff_kind; callers go through the backoff_*() wrappers below.
 */
struct backoff_ops {
	const char *name;	/* as in specs: "decorrelated" */
	const char *summary;	/* one line, with the rule and its source */
	unsigned params;	/* BACKOFF_P_* bits: the cfg fields it reads */
	struct backoff_cfg defaults; /* the published defaults (see the .c) */

	/*
	 * Returns the delay before the next retry, >= 0, and advances the
	 * state in @b (prev, current, steps_left; not attempt: the wrapper
	 * counts). Reads b->attempt as the number of delays already drawn
	 * since the reset. Draws at most one gsl_rng_uniform() from @r, and
	 * only when the rule is random; @r is borrowed. Required.
	 */
	sim_time (*next)(struct backoff *b, gsl_rng *r);
};

/* The ops of @kind (a valid kind: checked). */
const struct backoff_ops *backoff_ops_get(backoff_kind kind);

/* The name of @kind ("client-go"), or "?" for an invalid kind. */
const char *backoff_name(backoff_kind kind);

/* The one-line summary of @kind (a valid kind: checked). */
const char *backoff_summary(backoff_kind kind);

/*
 * The kind named @name, or -1 when there is none: then @error (may be
 * NULL) gets an input error "unknown backoff 'x' (known: none, ...)".
 */
int backoff_find(const char *name, GError **error);

/* "none, constant, exponential, full, equal, decorrelated, client-go,
 * grpc": static, never freed. */
const char *backoff_names(void);

/*
 * The published defaults of @kind (a valid kind: checked): gRPC's
 * constants, client-go's retry.DefaultBackoff, the AWS blog simulator's
 * base and cap. See backoff.c for each one's source.
 */
struct backoff_cfg backoff_cfg_default(backoff_kind kind);

/*
 * Checks the fields that @cfg's kind reads. Returns FALSE and sets @error
 * with an input error naming the kind, the field, the value and the valid
 * range ("backoff 'grpc': jitter: 1.5 is out of range (valid: 0 to 1)");
 * the caller prefixes the file and JSON path.
 */
gboolean backoff_cfg_check(const struct backoff_cfg *cfg, GError **error);

/*
 * Sets @b up for @cfg (borrowed: it must outlive @b, unchanged). @cfg must
 * pass backoff_cfg_check(): a bad one is a bug. The state is as after
 * backoff_reset().
 */
void backoff_init(struct backoff *b, const struct backoff_cfg *cfg);

/*
 * The delay before the next retry, >= 0 and saturated at SIM_TIME_MAX;
 * advances @b. @r (borrowed) is the policy's own stream; it may be NULL
 * only for kinds that draw nothing (none, constant, exponential, and
 * client-go or gRPC with jitter 0).
 */
sim_time backoff_next(struct backoff *b, gsl_rng *r);

/* Starts over, after a success: attempt 0, prev = current = base,
 * steps_left = steps. */
void backoff_reset(struct backoff *b);

/* ---- parameter descriptors, for a spec loader ---- */

typedef enum {
	BACKOFF_UNIT_DURATION,	/* a sim_time; in a spec a duration string */
	BACKOFF_UNIT_NUMBER,	/* a double */
	BACKOFF_UNIT_INT,	/* an int */
} backoff_unit;

/*
 * One settable field of struct backoff_cfg. A kind's default for it is
 * that field of backoff_cfg_default(kind); backoff_param_used() says
 * whether the kind reads it at all (a spec setting an unused one is an
 * input error worth reporting).
 */
struct backoff_param {
	const char *name;	/* spec key: "base" */
	backoff_unit unit;
	size_t offset;		/* offsetof(struct backoff_cfg, field) */
	const char *help;	/* one line */
};

/* Every parameter; backoff_params[i] is bit (1u << i) of ops.params. */
extern const struct backoff_param backoff_params[];
extern const size_t backoff_n_params;

/* The descriptor named @name, or NULL. */
const struct backoff_param *backoff_param_find(const char *name);

/* Whether @kind (valid: checked) reads @p. */
bool backoff_param_used(backoff_kind kind, const struct backoff_param *p);

/* The field @p names inside @cfg; the unit must match (checked). */
sim_time *backoff_param_duration(struct backoff_cfg *cfg,
				 const struct backoff_param *p);
double *backoff_param_number(struct backoff_cfg *cfg,
			     const struct backoff_param *p);
int *backoff_param_int(struct backoff_cfg *cfg, const struct backoff_param *p);

/* ---- retry budget ---- */

/*
 * A token bucket that bounds retries (the Envoy/Finagle idea, in gRPC's
 * retry-throttling arithmetic): it starts full with max_tokens; a retry
 * costs one token and is allowed only while at least one is left; each
 * success refunds @refund tokens, up to max_tokens. So in the long run at
 * most about refund retries are made per success, however bad things get.
 *
 * Tokens are counted in millionths (RETRY_BUDGET_SCALE) in integers, so
 * that ten refunds of 0.1 make exactly one token (in doubles they make
 * 0.999..., and the retry would be refused); what it costs: refund is
 * rounded to the nearest millionth of a token.
 *
 * Out of scope: Finagle's minimum retry rate (min_retries_per_s, a
 * time-based floor) and Envoy's budget as a percentage of active requests
 * (budget_percent, min_retry_concurrency): neither is modelled.
 */
#define RETRY_BUDGET_SCALE 1000000	/* counting units per token */
#define RETRY_BUDGET_MAX_TOKENS 1e9	/* the largest capacity accepted */

struct retry_budget {
	int64_t tokens;		/* held, in millionths of a token */
	int64_t max_tokens;	/* capacity, in millionths */
	int64_t refund;		/* refunded per success, in millionths */
};

/*
 * Sets @rb up full, with capacity @max_tokens (finite, 0 to
 * RETRY_BUDGET_MAX_TOKENS) and @refund tokens per success (finite, 0 to
 * max_tokens). Bad values are input errors: returns FALSE, sets @error,
 * and leaves @rb empty (it allows no retry).
 */
gboolean retry_budget_init(struct retry_budget *rb, double max_tokens,
			   double refund, GError **error);

/* A failure wants to retry: when at least one token is left, takes it and
 * returns true; otherwise returns false and changes nothing. */
bool retry_budget_try_spend(struct retry_budget *rb);

/* A success: adds the refund, up to the capacity. */
void retry_budget_refund(struct retry_budget *rb);

/* The tokens held, as a number (for output and tests). */
double retry_budget_tokens(const struct retry_budget *rb);

#endif
