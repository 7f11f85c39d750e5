/*
 * Backoff strategies and the retry budget. The rules and their sources are
 * in backoff.h; this file holds one ops struct per kind, the table that
 * finds them by name, and the saturating arithmetic they share.
 *
 * Random delays are real-valued in the rules; here they are nanoseconds,
 * truncated toward zero like Go's time.Duration(float64): U[a, b] becomes
 * a + (sim_time)(u * (b - a)) with u = gsl_rng_uniform() in [0, 1), so the
 * upper end is approached but never reached (a difference of at most 1 ns).
 */
#include "backoff.h"

#include "sim/error.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* ---- saturating arithmetic ---- */

/* @x as sim_time: truncated toward zero, 0 for negatives and NaN,
 * SIM_TIME_MAX from 2^63 up (where the cast would be undefined). */
static sim_time sat_from_double(double x)
{
	if (!(x > 0.0))
		return 0;
	if (x >= 9223372036854775808.0)	/* 2^63 */
		return SIM_TIME_MAX;
	return (sim_time)x;
}

/* The effective ceiling: cap = 0 means none. */
static sim_time eff_cap(sim_time cap)
{
	return cap > 0 ? cap : SIM_TIME_MAX;
}

/* min(cap, base * 2^n) for base, cap >= 0 and any n >= 0, without
 * overflow: base * 2^n > cap exactly when base > cap >> n. */
static sim_time pow2_capped(sim_time base, int64_t n, sim_time cap)
{
	if (base <= 0)
		return 0;
	if (n >= 63 || base > (cap >> n))
		return cap;
	return base << n;
}

/* The exponent of the next retry: first_attempt + attempt. */
static int64_t exponent(const struct backoff *b)
{
	return (int64_t)b->cfg->first_attempt + b->attempt;
}

static double draw(gsl_rng *r)
{
	SIM_ASSERT(r != NULL);
	return gsl_rng_uniform(r);
}

/* ---- the kinds ---- */

static sim_time none_next(struct backoff *b, gsl_rng *r)
{
	(void)b;
	(void)r;
	return 0;
}

static sim_time constant_next(struct backoff *b, gsl_rng *r)
{
	(void)r;
	return b->cfg->base;
}

static sim_time exponential_next(struct backoff *b, gsl_rng *r)
{
	(void)r;
	return pow2_capped(b->cfg->base, exponent(b), eff_cap(b->cfg->cap));
}

static sim_time full_next(struct backoff *b, gsl_rng *r)
{
	sim_time v = pow2_capped(b->cfg->base, exponent(b),
				 eff_cap(b->cfg->cap));

	return sat_from_double(draw(r) * (double)v);
}

/* temp / 2 + U[0, temp / 2]: the random half is temp - temp / 2, so that
 * an odd temp still reaches temp. */
static sim_time equal_next(struct backoff *b, gsl_rng *r)
{
	sim_time v = pow2_capped(b->cfg->base, exponent(b),
				 eff_cap(b->cfg->cap));
	sim_time half = v / 2;

	return half + sat_from_double(draw(r) * (double)(v - half));
}

/* min(cap, U[base, 3 prev]). When a cap below base has made prev < base
 * / 3, the range is empty and the draw is base (then capped). */
static sim_time decorrelated_next(struct backoff *b, gsl_rng *r)
{
	sim_time lo = b->cfg->base;
	sim_time hi = b->prev > SIM_TIME_MAX / 3 ? SIM_TIME_MAX : b->prev * 3;
	sim_time sleep;

	if (hi < lo)
		hi = lo;
	sleep = sim_time_add(lo, sat_from_double(draw(r) * (double)(hi - lo)));
	if (sleep > eff_cap(b->cfg->cap))
		sleep = eff_cap(b->cfg->cap);
	b->prev = sleep;
	return sleep;
}

/* wait.Backoff.Step(), through its delay() helper (see backoff.h). */
static sim_time client_go_next(struct backoff *b, gsl_rng *r)
{
	const struct backoff_cfg *c = b->cfg;
	sim_time d = b->current;

	if (b->steps_left >= 1) {
		sim_time next = d;

		b->steps_left--;
		if (c->factor != 0) {
			next = sat_from_double((double)d * c->factor);
			if (c->cap > 0 && next > c->cap) {
				next = c->cap;
				b->steps_left = 0;
			}
		}
		b->current = next;
	}
	/* Jitter(d, jitter) = d + time.Duration(U[0,1) * jitter * d) */
	if (c->jitter > 0)
		d = sim_time_add(d, sat_from_double(draw(r) * c->jitter *
						    (double)d));
	return d;
}

/* connection-backoff.md: INITIAL_BACKOFF unjittered first, then grow and
 * jitter (see backoff.h). */
static sim_time grpc_next(struct backoff *b, gsl_rng *r)
{
	const struct backoff_cfg *c = b->cfg;
	sim_time grown;

	if (b->attempt == 0)
		return b->current;
	grown = sat_from_double((double)b->current * c->factor);
	b->current = grown < eff_cap(c->cap) ? grown : eff_cap(c->cap);
	if (c->jitter <= 0)
		return b->current;
	return sat_from_double((double)b->current *
			       (1.0 + c->jitter * (2.0 * draw(r) - 1.0)));
}

/* ---- the table ---- */

#define AWS_PARAMS (BACKOFF_P_BASE | BACKOFF_P_CAP | BACKOFF_P_FIRST_ATTEMPT)

/*
 * The AWS kinds' defaults are the blog simulator's (base 5, cap 2000, in
 * milliseconds: setup_sim() in aws-arch-backoff-simulator), the only
 * values it publishes; first_attempt stays 0 (see backoff.h). "constant"
 * has no publication: 1 s, the scale of K3s's own fixed retries.
 */
#define AWS_DEFAULTS(k) \
	{ .kind = (k), .base = 5 * SIM_MS, .cap = 2 * SIM_S }

static const struct backoff_ops backoff_none = {
	.name = "none",
	.summary = "retry at once: 0",
	.params = 0,
	.defaults = { .kind = BACKOFF_NONE },
	.next = none_next,
};

static const struct backoff_ops backoff_constant = {
	.name = "constant",
	.summary = "a fixed delay: base",
	.params = BACKOFF_P_BASE,
	.defaults = { .kind = BACKOFF_CONSTANT, .base = 1 * SIM_S },
	.next = constant_next,
};

static const struct backoff_ops backoff_exponential = {
	.name = "exponential",
	.summary = "min(cap, base * 2^n), no jitter (AWS blog, 2015)",
	.params = AWS_PARAMS,
	.defaults = AWS_DEFAULTS(BACKOFF_EXPONENTIAL),
	.next = exponential_next,
};

static const struct backoff_ops backoff_full = {
	.name = "full",
	.summary = "full jitter: U[0, min(cap, base * 2^n)] (AWS blog, 2015)",
	.params = AWS_PARAMS,
	.defaults = AWS_DEFAULTS(BACKOFF_FULL),
	.next = full_next,
};

static const struct backoff_ops backoff_equal = {
	.name = "equal",
	.summary = "equal jitter: v/2 + U[0, v/2], v = min(cap, base * 2^n) (AWS blog, 2015)",
	.params = AWS_PARAMS,
	.defaults = AWS_DEFAULTS(BACKOFF_EQUAL),
	.next = equal_next,
};

static const struct backoff_ops backoff_decorrelated = {
	.name = "decorrelated",
	.summary = "decorrelated jitter: min(cap, U[base, 3 * prev]) (AWS blog, 2015)",
	.params = BACKOFF_P_BASE | BACKOFF_P_CAP,
	.defaults = AWS_DEFAULTS(BACKOFF_DECORRELATED),
	.next = decorrelated_next,
};

/* client-go's k8s.io/client-go/util/retry.DefaultBackoff (wait.Backoff has
 * no defaults of its own): 10ms, factor 5, jitter 0.1, 4 steps, no cap. */
static const struct backoff_ops backoff_client_go = {
	.name = "client-go",
	.summary = "k8s wait.Backoff.Step(): d + U[0,1) * jitter * d, d *= factor for steps, up to cap",
	.params = BACKOFF_P_BASE | BACKOFF_P_CAP | BACKOFF_P_FACTOR |
		  BACKOFF_P_JITTER | BACKOFF_P_STEPS,
	.defaults = {
		.kind = BACKOFF_CLIENT_GO,
		.base = 10 * SIM_MS,
		.factor = 5.0,
		.jitter = 0.1,
		.steps = 4,
	},
	.next = client_go_next,
};

/* gRPC doc/connection-backoff.md. */
static const struct backoff_ops backoff_grpc = {
	.name = "grpc",
	.summary = "gRPC connection backoff: 1s, x1.6 up to 120s, jitter +-0.2, min connect timeout 20s",
	.params = BACKOFF_P_BASE | BACKOFF_P_CAP | BACKOFF_P_FACTOR |
		  BACKOFF_P_JITTER | BACKOFF_P_MIN_CONNECT_TIMEOUT,
	.defaults = {
		.kind = BACKOFF_GRPC,
		.base = 1 * SIM_S,
		.cap = 120 * SIM_S,
		.factor = 1.6,
		.jitter = 0.2,
		.min_connect_timeout = 20 * SIM_S,
	},
	.next = grpc_next,
};

/* Indexed by backoff_kind. */
static const struct backoff_ops *const backoff_table[BACKOFF_N_KINDS] = {
	[BACKOFF_NONE] = &backoff_none,
	[BACKOFF_CONSTANT] = &backoff_constant,
	[BACKOFF_EXPONENTIAL] = &backoff_exponential,
	[BACKOFF_FULL] = &backoff_full,
	[BACKOFF_EQUAL] = &backoff_equal,
	[BACKOFF_DECORRELATED] = &backoff_decorrelated,
	[BACKOFF_CLIENT_GO] = &backoff_client_go,
	[BACKOFF_GRPC] = &backoff_grpc,
};

/* Kept by hand in table order; test_backoff checks it against the table. */
static const char backoff_names_text[] =
	"none, constant, exponential, full, equal, decorrelated, client-go, grpc";

static bool kind_valid(int kind)
{
	return kind >= 0 && kind < BACKOFF_N_KINDS;
}

const struct backoff_ops *backoff_ops_get(backoff_kind kind)
{
	SIM_ASSERT(kind_valid((int)kind));
	return backoff_table[kind];
}

const char *backoff_name(backoff_kind kind)
{
	return kind_valid((int)kind) ? backoff_table[kind]->name : "?";
}

const char *backoff_summary(backoff_kind kind)
{
	return backoff_ops_get(kind)->summary;
}

int backoff_find(const char *name, GError **error)
{
	int k;

	for (k = 0; k < BACKOFF_N_KINDS; k++)
		if (name && !strcmp(backoff_table[k]->name, name))
			return k;
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
		    "unknown backoff '%s' (known: %s)", name ? name : "(null)",
		    backoff_names_text);
	return -1;
}

const char *backoff_names(void)
{
	return backoff_names_text;
}

struct backoff_cfg backoff_cfg_default(backoff_kind kind)
{
	return backoff_ops_get(kind)->defaults;
}

/* ---- checks and the wrappers ---- */

/* Whether @v is finite and in [0, @hi]; @hi may be INFINITY. */
static gboolean check_number(const char *kind, const char *field, double v,
			     double hi, GError **error)
{
	if (isfinite(v) && v >= 0 && v <= hi)
		return TRUE;
	if (isinf(hi))
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "backoff '%s': %s: %g is out of range (valid: a finite number >= 0)",
			    kind, field, v);
	else
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "backoff '%s': %s: %g is out of range (valid: 0 to %g)",
			    kind, field, v, hi);
	return FALSE;
}

gboolean backoff_cfg_check(const struct backoff_cfg *cfg, GError **error)
{
	const struct backoff_ops *ops;
	const char *name;

	if (!kind_valid((int)cfg->kind)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "backoff: kind %d is out of range (known: %s)",
			    (int)cfg->kind, backoff_names_text);
		return FALSE;
	}
	ops = backoff_table[cfg->kind];
	name = ops->name;

#define CHECK_TIME(bit, field) \
	if ((ops->params & (bit)) && cfg->field < 0) { \
		char buf_[SIM_TIME_FMT_LEN]; \
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, \
			    "backoff '%s': %s: %s is negative (valid: a duration >= 0)", \
			    name, #field, sim_time_format(cfg->field, buf_)); \
		return FALSE; \
	}
#define CHECK_INT(bit, field) \
	if ((ops->params & (bit)) && cfg->field < 0) { \
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, \
			    "backoff '%s': %s: %d is negative (valid: an integer >= 0)", \
			    name, #field, cfg->field); \
		return FALSE; \
	}
#define CHECK_NUM(bit, field, hi) \
	if ((ops->params & (bit)) && \
	    !check_number(name, #field, cfg->field, (hi), error)) \
		return FALSE;

	CHECK_TIME(BACKOFF_P_BASE, base);
	CHECK_TIME(BACKOFF_P_CAP, cap);
	CHECK_TIME(BACKOFF_P_MIN_CONNECT_TIMEOUT, min_connect_timeout);
	CHECK_INT(BACKOFF_P_STEPS, steps);
	CHECK_INT(BACKOFF_P_FIRST_ATTEMPT, first_attempt);
	CHECK_NUM(BACKOFF_P_FACTOR, factor, INFINITY);
	/* gRPC's jitter is two-sided: above 1 it would make delays
	 * negative. client-go's is one-sided: any finite value works. */
	CHECK_NUM(BACKOFF_P_JITTER, jitter,
		  cfg->kind == BACKOFF_GRPC ? 1.0 : INFINITY);
#undef CHECK_TIME
#undef CHECK_INT
#undef CHECK_NUM
	return TRUE;
}

void backoff_init(struct backoff *b, const struct backoff_cfg *cfg)
{
	GError *error = NULL;

	if (!backoff_cfg_check(cfg, &error))
		SIM_BUG("backoff_init: %s", error->message);
	b->cfg = cfg;
	backoff_reset(b);
}

void backoff_reset(struct backoff *b)
{
	SIM_ASSERT(b->cfg != NULL);
	b->attempt = 0;
	b->prev = b->cfg->base;
	b->current = b->cfg->base;
	b->steps_left = b->cfg->steps;
}

sim_time backoff_next(struct backoff *b, gsl_rng *r)
{
	sim_time d;

	SIM_ASSERT(b->cfg != NULL && kind_valid((int)b->cfg->kind));
	SIM_ASSERT(b->attempt >= 0);
	d = backoff_table[b->cfg->kind]->next(b, r);
	SIM_ASSERT(d >= 0);
	if (b->attempt < INT_MAX)
		b->attempt++;
	return d;
}

/* ---- parameter descriptors ---- */

#define PARAM(field, unit, help) \
	{ #field, unit, offsetof(struct backoff_cfg, field), help }

/* In the order of the BACKOFF_P_* bits. */
const struct backoff_param backoff_params[] = {
	PARAM(base, BACKOFF_UNIT_DURATION,
	      "first delay: the blog's base, client-go's Duration, gRPC's INITIAL_BACKOFF"),
	PARAM(cap, BACKOFF_UNIT_DURATION,
	      "ceiling on the (un-jittered) delay; 0 for none: the blog's cap, client-go's Cap, gRPC's MAX_BACKOFF"),
	PARAM(factor, BACKOFF_UNIT_NUMBER,
	      "growth per retry: client-go's Factor, gRPC's MULTIPLIER"),
	PARAM(jitter, BACKOFF_UNIT_NUMBER,
	      "client-go: d + U[0,1) * jitter * d; gRPC: d * (1 + U[-jitter, +jitter]), at most 1"),
	PARAM(steps, BACKOFF_UNIT_INT,
	      "client-go's Steps: how many retries grow the duration"),
	PARAM(first_attempt, BACKOFF_UNIT_INT,
	      "the blog kinds' exponent n at the first retry: 0 here, 1 in the blog's simulator"),
	PARAM(min_connect_timeout, BACKOFF_UNIT_DURATION,
	      "gRPC's MIN_CONNECT_TIMEOUT: an attempt's connect timeout is max(delay, this)"),
};

const size_t backoff_n_params = G_N_ELEMENTS(backoff_params);

const struct backoff_param *backoff_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < backoff_n_params; i++)
		if (!strcmp(backoff_params[i].name, name))
			return &backoff_params[i];
	return NULL;
}

bool backoff_param_used(backoff_kind kind, const struct backoff_param *p)
{
	size_t i = (size_t)(p - backoff_params);

	SIM_ASSERT(i < backoff_n_params);
	return (backoff_ops_get(kind)->params >> i) & 1u;
}

static void *param_ref(struct backoff_cfg *cfg, const struct backoff_param *p,
		       backoff_unit unit)
{
	SIM_ASSERT(p->unit == unit);
	return (char *)cfg + p->offset;
}

sim_time *backoff_param_duration(struct backoff_cfg *cfg,
				 const struct backoff_param *p)
{
	return param_ref(cfg, p, BACKOFF_UNIT_DURATION);
}

double *backoff_param_number(struct backoff_cfg *cfg,
			     const struct backoff_param *p)
{
	return param_ref(cfg, p, BACKOFF_UNIT_NUMBER);
}

int *backoff_param_int(struct backoff_cfg *cfg, const struct backoff_param *p)
{
	return param_ref(cfg, p, BACKOFF_UNIT_INT);
}

/* ---- retry budget ---- */

gboolean retry_budget_init(struct retry_budget *rb, double max_tokens,
			   double refund, GError **error)
{
	*rb = (struct retry_budget){ 0 };
	if (!(isfinite(max_tokens) && max_tokens >= 0 &&
	      max_tokens <= RETRY_BUDGET_MAX_TOKENS)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "retry budget: max_tokens: %g is out of range (valid: 0 to %g)",
			    max_tokens, RETRY_BUDGET_MAX_TOKENS);
		return FALSE;
	}
	if (!(isfinite(refund) && refund >= 0 && refund <= max_tokens)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "retry budget: refund: %g is out of range (valid: 0 to max_tokens, %g)",
			    refund, max_tokens);
		return FALSE;
	}
	/* both at most 1e9 * 1e6 = 1e15: exact in a double, far from
	 * overflow in an int64 */
	rb->max_tokens = (int64_t)llround(max_tokens * RETRY_BUDGET_SCALE);
	rb->refund = (int64_t)llround(refund * RETRY_BUDGET_SCALE);
	rb->tokens = rb->max_tokens;
	return TRUE;
}

bool retry_budget_try_spend(struct retry_budget *rb)
{
	if (rb->tokens < RETRY_BUDGET_SCALE)
		return false;
	rb->tokens -= RETRY_BUDGET_SCALE;
	return true;
}

void retry_budget_refund(struct retry_budget *rb)
{
	/* tokens <= max_tokens <= 1e15 and refund <= 1e15: no overflow */
	rb->tokens += rb->refund;
	if (rb->tokens > rb->max_tokens)
		rb->tokens = rb->max_tokens;
}

double retry_budget_tokens(const struct retry_budget *rb)
{
	return (double)rb->tokens / RETRY_BUDGET_SCALE;
}
