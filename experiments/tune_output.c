/*
 * What `selsim tune` writes (tune_output.h).
 */
#include "tune_output.h"
#include "fmt.h"
#include "gnuplot.h"
#include "output.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static cJSON *num(double v)
{
	return isfinite(v) ? fmt_json_number(v) : cJSON_CreateNull();
}

/* A parameter value as a spec writes it: "2.5s" or a number. */
static cJSON *value_json(const struct tune_param *p, double v)
{
	char b[SIM_TIME_FMT_LEN];

	return p->duration ? cJSON_CreateString(tune_value_text(p, v, b))
			   : num(v);
}

static cJSON *params_json(const struct tune_spec *t,
			  const struct tune_outcome *o, const double *x)
{
	cJSON *p = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < t->n_params; i++)
		if (o->applies[i])
			cJSON_AddItemToObject(p, t->params[i].axis.name,
					      value_json(&t->params[i], x[i]));
	return p;
}

char *tune_params_block(const struct spec *s, const struct tune_spec *t,
			const struct tune_outcome *o)
{
	const struct tune_cand *rec = &g_array_index(o->res.cands,
						     struct tune_cand,
						     o->res.best);
	cJSON *root = cJSON_CreateObject();
	char *text, *out;

	cJSON_AddItemToObject(root, s->policies[o->policy].ops->name,
			      params_json(t, o, rec->x));
	text = cJSON_PrintUnformatted(root);
	out = g_strdup_printf("\"params\": %s", text);
	cJSON_free(text);
	cJSON_Delete(root);
	return out;
}

static cJSON *figures_json(const struct tune_spec *t, const double *m)
{
	cJSON *f = cJSON_CreateObject();
	size_t c;

	cJSON_AddItemToObject(f, t->objective, num(m[0]));
	for (c = 0; c < t->n_constraints; c++)
		if (!cJSON_GetObjectItemCaseSensitive(f,
						      t->constraints[c].metric))
			cJSON_AddItemToObject(f, t->constraints[c].metric,
					      num(m[1 + c]));
	return f;
}

static cJSON *cand_json(const struct spec *s, const struct tune_spec *t,
			const struct tune_outcome *o,
			const struct tune_cand *c)
{
	cJSON *e = cJSON_CreateObject();

	(void)s;
	cJSON_AddNumberToObject(e, "id", (double)c->id);
	cJSON_AddStringToObject(e, "phase", tune_phase_name(c->phase));
	cJSON_AddItemToObject(e, "params", params_json(t, o, c->x));
	cJSON_AddBoolToObject(e, "valid", c->valid);
	cJSON_AddNumberToObject(e, "scenarios",
				(double)c->blocks * t->block);
	cJSON_AddItemToObject(e, "figures", figures_json(t, c->m));
	cJSON_AddBoolToObject(e, "feasible", c->valid && c->violation == 0);
	cJSON_AddNumberToObject(e, "rung", c->rung);
	cJSON_AddBoolToObject(e, "dropped_paired", c->dropped_paired);
	return e;
}

static cJSON *interval_json(double diff, const double *ci,
			    const char *method, bool better, bool worse)
{
	cJSON *d = cJSON_CreateObject(), *a = cJSON_CreateArray();

	cJSON_AddItemToObject(d, "diff", num(diff));
	cJSON_AddItemToArray(a, num(ci[0]));
	cJSON_AddItemToArray(a, num(ci[1]));
	cJSON_AddItemToObject(d, "ci95", a);
	cJSON_AddStringToObject(d, "method", method);
	cJSON_AddBoolToObject(d, "better", better);
	cJSON_AddBoolToObject(d, "worse", worse);
	return d;
}

static cJSON *validation_json(const struct tune_spec *t,
			      const struct tune_validation *v)
{
	static const char *const names[] = {
		"defaults", "recommended", "grid_best"
	};
	cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
	size_t i;

	cJSON_AddNumberToObject(o, "seed", (double)v->seed);
	cJSON_AddNumberToObject(o, "scenarios", v->scenarios);
	cJSON_AddNumberToObject(o, "blocks", v->blocks);
	for (i = 0; i < (v->has_grid ? 3u : 2u); i++)
		cJSON_AddItemToObject(f, names[i], figures_json(t, v->m[i]));
	cJSON_AddItemToObject(o, "figures", f);
	cJSON_AddBoolToObject(o, "recommended_feasible", v->feasible);
	cJSON_AddItemToObject(o, "vs_defaults",
			      interval_json(v->diff[0], v->ci[0],
					    v->method[0], v->better[0],
					    v->worse[0]));
	if (v->has_grid)
		cJSON_AddItemToObject(o, "vs_grid_best",
				      interval_json(v->diff[1], v->ci[1],
						    v->method[1], v->better[1],
						    v->worse[1]));
	cJSON_AddStringToObject(o, "verdict", v->better[0]
				? "the recommendation beats the defaults "
				  "(95% interval excludes 0)"
				: "nothing beats the defaults with a 95% "
				  "interval excluding 0");
	return o;
}

static cJSON *sens_json(const struct tune_spec *t,
			const struct tune_outcome *o)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < t->n_params; i++) {
		const struct tune_sens *z = &o->res.sens[i];
		cJSON *e;

		if (!o->applies[i])
			continue;
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "param", t->params[i].axis.key);
		cJSON_AddItemToObject(e, "at_min", interval_json(
			z->diff[0], z->ci[0], "paired-t-blocks", false,
			false));
		cJSON_AddItemToObject(e, "at_max", interval_json(
			z->diff[1], z->ci[1], "paired-t-blocks", false,
			false));
		cJSON_AddBoolToObject(e, "matters", z->matters);
		cJSON_AddItemToArray(a, e);
	}
	return a;
}

static cJSON *outcome_json(const struct spec *s, const struct tune_spec *t,
			   const struct tune_outcome *o)
{
	cJSON *p = cJSON_CreateObject(), *ev = cJSON_CreateArray();
	cJSON *tr = cJSON_CreateArray();
	const struct tune_result *r = &o->res;
	char *block = tune_params_block(s, t, o);
	size_t i;

	cJSON_AddStringToObject(p, "policy", s->policies[o->policy].ops->name);
	cJSON_AddItemToObject(p, "defaults", params_json(t, o, o->defaults));
	cJSON_AddItemToObject(p, "recommendation", cand_json(s, t, o,
		&g_array_index(r->cands, struct tune_cand, r->best)));
	cJSON_AddBoolToObject(p, "feasible", r->feasible);
	cJSON_AddStringToObject(p, "params_block", block);
	if (r->grid_best != SIZE_MAX)
		cJSON_AddItemToObject(p, "grid_best", cand_json(s, t, o,
			&g_array_index(r->cands, struct tune_cand,
				       r->grid_best)));
	cJSON_AddItemToObject(p, "sensitivity", sens_json(t, o));
	cJSON_AddItemToObject(p, "validation", validation_json(t, &o->val));
	for (i = 0; i < r->steps->len; i++) {
		const struct tune_step *st = &g_array_index(r->steps,
							   struct tune_step, i);
		cJSON *e = cJSON_CreateObject();

		cJSON_AddNumberToObject(e, "evaluations",
					(double)st->evaluations);
		cJSON_AddNumberToObject(e, "scenarios", (double)st->scenarios);
		cJSON_AddItemToObject(e, "best", num(st->best));
		cJSON_AddNumberToObject(e, "best_id", (double)st->best_id);
		cJSON_AddItemToArray(tr, e);
	}
	cJSON_AddItemToObject(p, "trajectory", tr);
	for (i = 0; i < r->cands->len; i++)
		cJSON_AddItemToArray(ev, cand_json(s, t, o,
			&g_array_index(r->cands, struct tune_cand, i)));
	cJSON_AddItemToObject(p, "evaluations", ev);
	cJSON_AddNumberToObject(p, "scenario_runs", (double)r->scenarios);
	g_free(block);
	return p;
}

char *tune_json_string(const struct spec *s, const struct tune_spec *t,
		       const struct tune_outcome *o, size_t n,
		       const char *command_line)
{
	cJSON *root = cJSON_CreateObject(), *a = cJSON_CreateArray();
	char *out;
	size_t i;

	cJSON_AddStringToObject(root, "selsim_version", SELSIM_VERSION);
	cJSON_AddStringToObject(root, "spec", s->name);
	cJSON_AddStringToObject(root, "spec_file", s->file);
	cJSON_AddNumberToObject(root, "seed", (double)s->seed);
	cJSON_AddItemToObject(root, "command_line", command_line
			      ? cJSON_CreateString(command_line)
			      : cJSON_CreateNull());
	cJSON_AddStringToObject(root, "objective", t->objective);
	cJSON_AddStringToObject(root, "goal", t->maximize ? "maximize"
							  : "minimize");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, outcome_json(s, t, &o[i]));
	cJSON_AddItemToObject(root, "policies", a);
	out = fmt_json_text(root);
	cJSON_Delete(root);
	return out;
}

char *tune_csv_string(const struct spec *s, const struct tune_spec *t,
		      const struct tune_outcome *o, size_t n)
{
	GString *g = g_string_new("policy,id,phase");
	size_t i, k, c;

	for (i = 0; i < t->n_params; i++)
		g_string_append_printf(g, ",%s%s", t->params[i].axis.key,
				       t->params[i].duration ? "_s" : "");
	g_string_append_printf(g, ",valid,scenarios,%s", t->objective);
	for (c = 0; c < t->n_constraints; c++)
		g_string_append_printf(g, ",%s", t->constraints[c].metric);
	g_string_append(g, ",feasible,rung,dropped_paired\n");
	for (k = 0; k < n; k++) {
		for (i = 0; i < o[k].res.cands->len; i++) {
			const struct tune_cand *e = &g_array_index(
				o[k].res.cands, struct tune_cand, i);

			g_string_append_printf(g, "%s,%zu,%s",
				s->policies[o[k].policy].ops->name, e->id,
				tune_phase_name(e->phase));
			for (c = 0; c < t->n_params; c++)
				fmt_csv_num(g, o[k].applies[c] ? e->x[c] : NAN);
			g_string_append_printf(g, ",%s,%zu", e->valid ? "true"
					       : "false", e->blocks *
					       (size_t)t->block);
			for (c = 0; c <= t->n_constraints; c++)
				fmt_csv_num(g, e->m[c]);
			g_string_append_printf(g, ",%s,%d,%s\n",
				e->valid && e->violation == 0 ? "true"
				: "false", e->rung,
				e->dropped_paired ? "true" : "false");
		}
	}
	return g_string_free(g, FALSE);
}
