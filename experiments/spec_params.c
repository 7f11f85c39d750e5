/*
 * What a spec runs: "policies", "baseline" and "params" (every policy
 * parameter set through spec__param_slot(): the model's K3s constants,
 * then the policy's table) and the one list of the K3s constants.
 */
#include "spec_internal.h"
#include "policies/plugin.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the K3s constants: the policy's, then the model's ---- */

const struct spec_const *spec_const_at(size_t i)
{
	static struct spec_const all[64];
	static gsize done;
	size_t k, n = 0;

	if (g_once_init_enter(&done)) {
		SIM_ASSERT(policy_n_params + k3s_n_params < G_N_ELEMENTS(all));
		for (k = 0; k < policy_n_params; k++, n++)
			all[n] = (struct spec_const){
				policy_param_descs[k].name,
				policy_param_descs[k].source,
				policy_param_descs[k].help, NULL,
				&policy_param_descs[k] };
		for (k = 0; k < k3s_n_params; k++, n++)
			all[n] = (struct spec_const){
				k3s_param_descs[k].name,
				k3s_param_descs[k].source,
				k3s_param_descs[k].help, &k3s_param_descs[k],
				NULL };
		g_once_init_leave(&done, 1);
	}
	return i < policy_n_params + k3s_n_params ? &all[i] : NULL;
}

const struct spec_const *spec_const_find(const char *name)
{
	const struct spec_const *c;
	size_t i;

	for (i = 0; (c = spec_const_at(i)) != NULL; i++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

sim_time *spec_const_ref(const struct spec_const *c, struct policy_params *p,
			 struct k3s_params *k)
{
	return c->model ? k3s_param_ref(k, c->model)
			: policy_param_ref(p, c->policy);
}

bool spec__param_slot(const struct policy_ops *ops, struct policy_params *p,
		      struct k3s_params *k, const char *name,
		      struct param_slot *out)
{
	const struct k3s_param_desc *d = k3s_param_find(name);

	if (!d)
		return policy_param_slot(ops, p, name, out);
	memset(out, 0, sizeof(*out));
	out->type = PARAM_DURATION;
	out->t = k3s_param_ref(k, d);
	out->min = 1e-9;	/* a K3s constant: at least 1 ns */
	out->max = 9e9;
	out->family = PARAM_FAMILY_K3S;
	return true;
}

const char *spec__param_names(struct ctx *c, const struct policy_ops *ops)
{
	GString *s = g_string_new(NULL);
	char *rest = policy_param_names(ops), *p = rest;
	const struct spec_const *k;
	size_t i;

	/* the K3s constants, then the policy's names after its own K3s
	 * ones (the first policy_n_params of its list) */
	for (i = 0; (k = spec_const_at(i)) != NULL; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", k->name);
	for (i = 0; i < policy_n_params && p; i++)
		p = strchr(p + 1, ',');
	if (p)
		g_string_append(s, p);
	g_free(rest);
	return jin_keep(&c->in, g_string_free(s, FALSE));
}

/* ---- policies, parameters, sweep ---- */
/* "k3s, k3s-legacy": caller frees with g_free(). */
char *spec__policy_list(const struct spec *s)
{
	GString *g = g_string_new(NULL);
	size_t i;

	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "",
				       s->policies[i].ops->name);
	return g_string_free(g, FALSE);
}


int spec_policy_index(const struct spec *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_policies; i++)
		if (!strcmp(s->policies[i].ops->name, name))
			return (int)i;
	return -1;
}

/* An entry of "policies": a known policy, listed once. */
static gboolean get_policy(struct ctx *c, const cJSON *e,
			   const struct policy_ops **out)
{
	const char *name;

	if (!jin_get_string(&c->in, e, &name))
		return FALSE;
	*out = policy_find(name);
	if (!*out)
		return jin_fail(&c->in, "unknown policy %s (known: %s)",
				jin_quote(&c->in, name),
				jin_keep(&c->in, policy_names()));
	if (spec_policy_index(c->s, name) >= 0)
		return jin_fail(&c->in, "policy %s is listed twice",
				jin_quote(&c->in, name));
	return TRUE;
}

gboolean spec__parse_policies(struct ctx *c, const cJSON *root)
{
	struct spec *s = c->s;
	const cJSON *v, *e;
	const char *name;
	size_t i = 0, m, mm;

	v = jin_enter(&c->in, root, "policies", &m);
	if (!v) {
		s->policies = g_new0(struct spec_policy, 1);
		s->policies[0].ops = policy_find("k3s");
		SIM_ASSERT(s->policies[0].ops);
		s->n_policies = 1;
	} else {
		if (!cJSON_IsArray(v))
			return jin_wrong_type(&c->in, v,
					      "an array of policy names");
		if (cJSON_GetArraySize(v) == 0)
			return jin_fail(&c->in, "no policies (name at least "
					"one of: %s)",
					jin_keep(&c->in, policy_names()));
		s->policies = g_new0(struct spec_policy,
				     (size_t)cJSON_GetArraySize(v));
		cJSON_ArrayForEach(e, v) {
			mm = jin_push_index(&c->in, i);
			if (!get_policy(c, e, &s->policies[i].ops))
				return FALSE;
			s->n_policies = ++i;
			jin_pop(&c->in, mm);
		}
		jin_pop(&c->in, m);
	}
	for (i = 0; i < s->n_policies; i++) {
		policy_params_for(s->policies[i].ops, &s->policies[i].params);
		k3s_params_default(&s->policies[i].k3s);
	}

	v = jin_enter(&c->in, root, "baseline", &m);
	if (v) {
		if (!jin_get_string(&c->in, v, &name))
			return FALSE;
		if (spec_policy_index(s, name) < 0)
			return jin_fail(&c->in, "%s is not in policies (the "
					"baseline is one of: %s)",
					jin_quote(&c->in, name),
					jin_keep(&c->in, spec__policy_list(s)));
		s->baseline = g_strdup(name);
		jin_pop(&c->in, m);
	} else {
		s->baseline = g_strdup(spec_policy_index(s, "k3s") >= 0 ?
				       "k3s" : s->policies[0].ops->name);
	}
	return TRUE;
}

/* Whether @name is about retrying passes (the backoff, the budget). */
bool spec__is_retry_param(const char *name)
{
	return !strncmp(name, "backoff", 7) || !strncmp(name, "retry_budget", 12);
}

/* The policies that back off between passes, for messages. */
const char *spec__retrying_policies(struct ctx *c)
{
	GString *s = g_string_new(NULL);
	const struct policy_ops *o;
	size_t i;

	for (i = 0; (o = policy_registry_get(i)) != NULL; i++)
		if (o->pass_delay)
			g_string_append_printf(s, "%s%s", s->len ? ", " : "",
					       o->name);
	return jin_keep(&c->in, g_string_free(s, FALSE));
}

/* Whether setting @name on @ops can change anything. */
bool spec__param_effective(const struct policy_ops *ops, const char *name)
{
	return !spec__is_retry_param(name) || ops->pass_delay;
}

/* "backoff": the strategy, with its default fields. */
static gboolean set_backoff_kind(struct ctx *c, const cJSON *e,
				 struct spec_policy *sp)
{
	const char *name;
	GError *err = NULL;
	gboolean r;
	int k;

	if (!jin_get_string(&c->in, e, &name))
		return FALSE;
	k = backoff_find(name, &err);
	if (k < 0) {
		r = jin_fail(&c->in, "%s", err->message);
		g_error_free(err);
		return r;
	}
	sp->params.backoff = backoff_cfg_default((backoff_kind)k);
	return TRUE;
}

/* Value @e into slot @sl, checked against the slot's type and range. */
static gboolean set_slot(struct ctx *c, const cJSON *e,
			 const struct param_slot *sl)
{
	sim_time t;
	double x;
	bool b = false;

	switch (sl->type) {
	case PARAM_DURATION:
		if (!(sl->min > 0 ? jin_get_positive_duration(&c->in, e, &t)
				  : jin_get_duration(&c->in, e, &t)))
			return FALSE;
		x = sim_time_to_s(t);
		if (x < sl->min || x > sl->max)
			return jin_fail(&c->in, "%s is out of range (valid: "
					"%g s to %g s)", jin_show(&c->in, e),
					sl->min, sl->max);
		if (sl->t)
			*sl->t = t;
		else
			*sl->x = x;
		return TRUE;
	case PARAM_NUMBER:
		if (!jin_get_number(&c->in, e, &x))
			return FALSE;
		if (x < sl->min || x > sl->max)
			return jin_fail(&c->in, "%s is out of range (valid: "
					"%g to %g)", jin_show(&c->in, e),
					sl->min, sl->max);
		*sl->x = x;
		return TRUE;
	case PARAM_INT:
		if (!jin_get_int(&c->in, e, sl->min, sl->max, &x))
			return FALSE;
		if (sl->i)
			*sl->i = (int)x;
		else
			*sl->x = x;
		return TRUE;
	case PARAM_BOOL:
		if (!jin_get_bool(&c->in, e, &b))
			return FALSE;
		if (sl->b)
			*sl->b = b;
		else
			*sl->x = b;
		return TRUE;
	}
	return TRUE;
}

/*
 * Sets parameter @e (its key is the name) of policy @sp. *@missing is set
 * (and TRUE returned) when the policy has no such parameter, or with @star
 * when it has no effect on it: the caller decides whether that is an
 * error.
 */
static gboolean set_param(struct ctx *c, const cJSON *e, struct spec_policy *sp,
			  bool *missing, bool star)
{
	struct param_slot sl;

	*missing = false;
	if (!spec__param_slot(sp->ops, &sp->params, &sp->k3s, e->string,
			      &sl)) {
		*missing = true;
		return TRUE;
	}
	if (!spec__param_effective(sp->ops, e->string)) {
		if (star) {		/* "*": for the policies that retry */
			*missing = true;
			return TRUE;
		}
		return jin_fail(&c->in, "has no effect: '%s' does not retry "
				"failed passes (those that do: %s)",
				sp->ops->name, spec__retrying_policies(c));
	}
	if (!strncmp(e->string, "outlier.", 8))
		sp->set_outlier = true;
	if (!strncmp(e->string, "retry_budget.", 13))
		sp->set_budget = true;
	if (sl.kind)
		return set_backoff_kind(c, e, sp);
	if (!strncmp(e->string, "backoff.", 8) &&
	    !backoff_param_used(sp->params.backoff.kind,
				backoff_param_find(e->string + 8)))
		return jin_fail(&c->in, "backoff '%s' has no '%s' (set "
				"\"backoff\" to a strategy that reads it; see "
				"selsim list)",
				backoff_name(sp->params.backoff.kind),
				e->string + 8);
	return set_slot(c, e, &sl);
}

/* Parameter @e is not one of @sp's. */
static gboolean unknown_param(struct ctx *c, const cJSON *e,
			      const struct spec_policy *sp)
{
	return jin_fail(&c->in, "unknown parameter %s (valid: %s)",
			jin_quote(&c->in, e->string),
			spec__param_names(c, sp->ops));
}

/* Sets the parameters of object @v on policy @sp; "backoff" first, so
 * that its fields apply to the strategy it names. With @star ("*"), a
 * parameter this policy lacks is skipped. */
static gboolean apply_params(struct ctx *c, const cJSON *v,
			     struct spec_policy *sp, bool star)
{
	const cJSON *e;
	size_t m;
	int pass;
	bool missing;

	if (!jin_check_object(&c->in, v, NULL))
		return FALSE;
	for (pass = 0; pass < 2; pass++) {
		for (e = v->child; e; e = e->next) {
			if ((pass == 0) != !strcmp(e->string, "backoff"))
				continue;
			m = jin_push_key(&c->in, e->string);
			if (!set_param(c, e, sp, &missing, star))
				return FALSE;
			jin_pop(&c->in, m);
			if (missing && !star)
				return unknown_param(c, e, sp);
		}
	}
	return TRUE;
}

/* Every key of "*" must be a parameter of some policy of the spec. */
static gboolean check_star(struct ctx *c, const cJSON *v)
{
	const cJSON *e;
	size_t i, m;

	for (e = v->child; e; e = e->next) {
		bool known = false;

		for (i = 0; i < c->s->n_policies && !known; i++) {
			struct param_slot sl;
			struct policy_params tmp = c->s->policies[i].params;
			struct k3s_params ktmp = c->s->policies[i].k3s;

			known = spec__param_slot(c->s->policies[i].ops, &tmp,
						 &ktmp, e->string, &sl) &&
				spec__param_effective(c->s->policies[i].ops,
						e->string);
		}
		if (!known) {
			m = jin_push_key(&c->in, e->string);
			return jin_fail(&c->in, "no policy of this spec has "
					"this parameter, or none retries "
					"failed passes (see selsim list)");
		}
		(void)m;
	}
	return TRUE;
}

/* The parameters as set must make sense together. */
gboolean spec__check_policy_params(struct ctx *c)
{
	size_t i, m;

	for (i = 0; i < c->s->n_policies; i++) {
		struct spec_policy *sp = &c->s->policies[i];
		GError *err = NULL;

		m = jin_push_key(&c->in, "params");
		jin_push_key(&c->in, sp->ops->name);
		if (!backoff_cfg_check(&sp->params.backoff, &err)) {
			gboolean r = jin_fail(&c->in, "%s", err->message);

			g_error_free(err);
			return r;
		}
		if (sp->set_outlier && !sp->params.outlier.enabled)
			return jin_fail(&c->in, "outlier.* set but "
					"outlier_ejection is not true: it has "
					"no effect");
		if (sp->set_budget && !sp->params.budget.enabled)
			return jin_fail(&c->in, "retry_budget.* set but "
					"retry_budget is not true: it has no "
					"effect");
		if (sp->params.budget.enabled &&
		    sp->params.budget.refund > sp->params.budget.max_tokens)
			return jin_fail(&c->in, "retry_budget.refund %g is "
					"more than retry_budget.max_tokens %g",
					sp->params.budget.refund,
					sp->params.budget.max_tokens);
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* A key of "params" or of a "sweep" entry that names a policy: it must be
 * one that this spec runs. */
gboolean spec__check_policy(struct ctx *c, const char *name)
{
	if (spec_policy_index(c->s, name) >= 0)
		return TRUE;
	if (policy_find(name))
		return jin_fail(&c->in, "policy %s is not in policies (this "
				"spec runs: %s)", jin_quote(&c->in, name),
				jin_keep(&c->in, spec__policy_list(c->s)));
	return jin_fail(&c->in, "unknown policy %s (this spec runs: %s)",
			jin_quote(&c->in, name),
			jin_keep(&c->in, spec__policy_list(c->s)));
}

gboolean spec__parse_params(struct ctx *c, const cJSON *v)
{
	struct spec *s = c->s;
	const cJSON *e;
	size_t i, m;

	if (!jin_check_object(&c->in, v, NULL))
		return FALSE;
	for (e = v->child; e; e = e->next) {
		if (!strcmp(e->string, "*"))
			continue;
		m = jin_push_key(&c->in, e->string);
		if (!spec__check_policy(c, e->string))
			return FALSE;
		jin_pop(&c->in, m);
	}
	/* "*" first, whatever its place in the object, then each policy */
	if ((e = jin_enter(&c->in, v, "*", &m))) {
		if (!jin_check_object(&c->in, e, NULL) || !check_star(c, e))
			return FALSE;
		for (i = 0; i < s->n_policies; i++)
			if (!apply_params(c, e, &s->policies[i], true))
				return FALSE;
		jin_pop(&c->in, m);
	}
	for (e = v->child; e; e = e->next) {
		if (!strcmp(e->string, "*"))
			continue;
		m = jin_push_key(&c->in, e->string);
		i = (size_t)spec_policy_index(s, e->string);
		if (!apply_params(c, e, &s->policies[i], false))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* Whether axis @a sets a parameter of policy @name. */
