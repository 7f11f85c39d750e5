/*
 * The parameters of a policy: the one table of every name a spec can set
 * that is not a policy's own (policy_param_descs), the defaults, and the
 * look-ups the spec loader uses. Contracts in policy.h ("parameters").
 */
#include "policy.h"
#include "sim/error.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

/* A K3s constant: a duration of at least 1 ns. */
#define P(field, src, help) \
	{ #field, PARAM_DURATION, offsetof(struct policy_params, field), src, \
	  help, PARAM_FAMILY_K3S, PARAM_ROW_FIELD, false, 1e-9, 9e9 }
/* A field of the other families. */
#define F(name, type, field, family, toggle, min, max, help) \
	{ name, type, offsetof(struct policy_params, field), "selsim", help, \
	  family, PARAM_ROW_FIELD, toggle, min, max }

const struct param_desc policy_param_descs[] = {
	P(dial_timeout, "httpproxy.go", "LB dial timeout per server"),
	P(preferred_to_healthy, "servers.go",
	  "a PREFERRED server becomes HEALTHY after a health check this long after its last transition"),

	/* the backoff between failed passes: "backoff" names the strategy,
	 * "backoff.<field>" its fields (backoff_params, backoff.h) */
	{ "backoff", PARAM_DURATION, offsetof(struct policy_params, backoff.kind),
	  "backoff.h", "the backoff strategy between failed passes",
	  PARAM_FAMILY_BACKOFF, PARAM_ROW_BACKOFF_KIND, false, 0, 1e18 },
	{ "backoff.", PARAM_DURATION, offsetof(struct policy_params, backoff),
	  "backoff.h", "the fields of the backoff strategy",
	  PARAM_FAMILY_BACKOFF, PARAM_ROW_BACKOFF_FIELDS, false, 0, 1e18 },

	F("retry_budget", PARAM_BOOL, budget.enabled,
	  PARAM_FAMILY_RETRY_BUDGET, true, 0, 1e18,
	  "bound the passes after the first with a token bucket"),
	F("retry_budget.max_tokens", PARAM_NUMBER, budget.max_tokens,
	  PARAM_FAMILY_RETRY_BUDGET, false, 0, 1e6,
	  "the bucket's size, and its tokens at the start"),
	F("retry_budget.refund", PARAM_NUMBER, budget.refund,
	  PARAM_FAMILY_RETRY_BUDGET, false, 0, 1e6,
	  "tokens refunded per success"),

	F("outlier_ejection", PARAM_BOOL, outlier.enabled,
	  PARAM_FAMILY_OUTLIER, true, 0, 1e18,
	  "eject servers that fail dials in a row (Envoy outlier detection)"),
	F("outlier.consecutive", PARAM_INT, outlier.consecutive,
	  PARAM_FAMILY_OUTLIER, false, 1, 1e6,
	  "failed dials in a row that eject a server"),
	F("outlier.interval", PARAM_DURATION, outlier.interval,
	  PARAM_FAMILY_OUTLIER, false, 1e-9, 9e9,
	  "ejections are reviewed this often"),
	F("outlier.base_ejection", PARAM_DURATION, outlier.base_ejection,
	  PARAM_FAMILY_OUTLIER, false, 1e-9, 9e9,
	  "an ejection lasts this times the server's ejections so far"),
	F("outlier.max_percent", PARAM_NUMBER, outlier.max_percent,
	  PARAM_FAMILY_OUTLIER, false, 0, 100,
	  "at most this percentage of the servers is ejected at once"),
	F("outlier.max_ejection_time", PARAM_DURATION,
	  outlier.max_ejection_time, PARAM_FAMILY_OUTLIER, false, 1e-9, 9e9,
	  "an ejection lasts at most this (Envoy max_ejection_time, 300s; "
	  "below base_ejection it counts as base_ejection)"),
};

/* The K3s constants are the first rows, up to "backoff": one per
 * sim_time of struct policy_params before own[] (test_policy_registry
 * checks the rows' families). */
#define PARAM_N_K3S (offsetof(struct policy_params, own) / sizeof(sim_time))
G_STATIC_ASSERT(PARAM_N_K3S == 2);
G_STATIC_ASSERT(G_N_ELEMENTS(policy_param_descs) > PARAM_N_K3S);

const size_t policy_n_params = PARAM_N_K3S;
const size_t policy_n_param_descs = G_N_ELEMENTS(policy_param_descs);

void policy_params_default(struct policy_params *p)
{
	*p = (struct policy_params){
		.dial_timeout = 10 * SIM_S,
		.preferred_to_healthy = 1 * SIM_MIN,
		.backoff = backoff_cfg_default(BACKOFF_NONE),
		.budget = { .enabled = false, .max_tokens = 10, .refund = 0.1 },
		.outlier = {
			.enabled = false,
			.consecutive = 5,
			.interval = 10 * SIM_S,
			.base_ejection = 30 * SIM_S,
			.max_percent = 10,
			.max_ejection_time = 300 * SIM_S,
		},
	};
}

void policy_params_for(const struct policy_ops *ops, struct policy_params *p)
{
	size_t i;

	policy_params_default(p);
	for (i = 0; ops->own && ops->own[i].name; i++) {
		SIM_ASSERT(i < POLICY_MAX_OWN);
		p->own[i] = ops->own[i].def;
	}
	p->backoff = backoff_cfg_default(ops->default_backoff);
}

int policy_own_find(const struct policy_ops *ops, const char *name)
{
	int i;

	for (i = 0; ops->own && ops->own[i].name; i++)
		if (!strcmp(ops->own[i].name, name))
			return i;
	return -1;
}

const struct param_desc *policy_param_find(const char *name)
{
	size_t i;

	/* only the K3s constants: every caller treats the answer as one */
	for (i = 0; i < policy_n_params; i++)
		if (!strcmp(policy_param_descs[i].name, name))
			return &policy_param_descs[i];
	return NULL;
}

sim_time *policy_param_ref(struct policy_params *p, const struct param_desc *d)
{
	return (sim_time *)((char *)p + d->offset);
}

/* Points @out at the field row @d names inside @p (not for the backoff
 * rows). */
static void param_row_slot(const struct param_desc *d,
			   struct policy_params *p, struct param_slot *out)
{
	void *field = (char *)p + d->offset;

	out->type = d->type;
	out->min = d->min;
	out->max = d->max;
	out->family = d->family;
	out->toggle = d->toggle;
	switch (d->type) {
	case PARAM_DURATION:
		out->t = field;
		break;
	case PARAM_NUMBER:
		out->x = field;
		break;
	case PARAM_INT:
		out->i = field;
		break;
	case PARAM_BOOL:
		out->b = field;
		break;
	}
}

/* "backoff.<field>": the field of backoff_params named @field. */
static bool param_backoff_slot(struct policy_params *p, const char *field,
			       struct param_slot *out)
{
	const struct backoff_param *b = backoff_param_find(field);

	if (!b)
		return false;
	out->family = PARAM_FAMILY_BACKOFF;
	switch (b->unit) {
	case BACKOFF_UNIT_DURATION:
		out->type = PARAM_DURATION;
		out->t = backoff_param_duration(&p->backoff, b);
		out->min = 0;
		out->max = 9e9;
		break;
	case BACKOFF_UNIT_NUMBER:
		out->type = PARAM_NUMBER;
		out->x = backoff_param_number(&p->backoff, b);
		out->min = 0;
		break;
	case BACKOFF_UNIT_INT:
		out->type = PARAM_INT;
		out->i = backoff_param_int(&p->backoff, b);
		out->min = 0;
		out->max = 1e6;
		break;
	}
	return true;
}

bool policy_param_slot(const struct policy_ops *ops, struct policy_params *p,
		       const char *name, struct param_slot *out)
{
	int own = policy_own_find(ops, name);
	size_t i;

	memset(out, 0, sizeof(*out));
	out->max = 1e18;
	/* the K3s constants first, then the policy's own, then the rest of
	 * the table: an own parameter never hides a K3s one */
	for (i = 0; i < policy_n_params; i++)
		if (!strcmp(policy_param_descs[i].name, name)) {
			param_row_slot(&policy_param_descs[i], p, out);
			return true;
		}
	if (own >= 0) {
		out->type = ops->own[own].type;
		out->x = &p->own[own];
		out->min = ops->own[own].min;
		out->max = ops->own[own].max;
		out->family = PARAM_FAMILY_OWN;
		return true;
	}
	for (; i < policy_n_param_descs; i++) {
		const struct param_desc *d = &policy_param_descs[i];

		switch (d->row) {
		case PARAM_ROW_FIELD:
			if (strcmp(d->name, name))
				continue;
			param_row_slot(d, p, out);
			return true;
		case PARAM_ROW_BACKOFF_KIND:
			if (strcmp(d->name, name))
				continue;
			out->kind = &p->backoff.kind;
			out->family = PARAM_FAMILY_BACKOFF;
			return true;
		case PARAM_ROW_BACKOFF_FIELDS:
			if (strncmp(d->name, name, strlen(d->name)))
				continue;
			return param_backoff_slot(p, name + strlen(d->name),
						  out);
		}
	}
	return false;
}

char *policy_param_names(const struct policy_ops *ops)
{
	GString *s = g_string_new(NULL);
	size_t i, k;

	for (i = 0; i < policy_n_params; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       policy_param_descs[i].name);
	for (k = 0; ops->own && ops->own[k].name; k++)
		g_string_append_printf(s, ", %s", ops->own[k].name);
	for (; i < policy_n_param_descs; i++) {
		const struct param_desc *d = &policy_param_descs[i];

		if (d->row != PARAM_ROW_BACKOFF_FIELDS) {
			g_string_append_printf(s, ", %s", d->name);
			continue;
		}
		for (k = 0; k < backoff_n_params; k++)
			g_string_append_printf(s, ", %s%s", d->name,
					       backoff_params[k].name);
	}
	return g_string_free(s, FALSE);
}
