/*
 * The tuner's figures from the simulator, and the validation (tune_eval.h).
 */
#include "tune_eval.h"
#include "output.h"
#include "runner.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <math.h>
#include <string.h>

struct tune_evaluator {
	const struct spec *s;
	const struct tune_spec *t;
	size_t policy;
	uint64_t seed;
	int block, threads;
	GPtrArray *accs;	/* per candidate id: GPtrArray of struct
				 * cell_acc *, one per block run */
};

/* One candidate on one block. */
struct task {
	struct tune_evaluator *e;
	struct spec_policy sp;
	size_t block;
	struct cell_acc *acc;	/* filled by the task */
};

static void acc_free(gpointer p)
{
	cell_acc_release(p);
	g_free(p);
}

void tune_policy_values(const struct spec *s, const struct tune_spec *t,
			size_t policy, double *x)
{
	size_t i;

	for (i = 0; i < t->n_params; i++) {
		const struct tune_param *p = &t->params[i];
		struct policy_params pp = s->policies[policy].params;
		struct k3s_params kp = s->policies[policy].k3s;
		struct param_slot sl;

		x[i] = p->lo;
		if (!tune_param_applies(t, i, s, policy))
			continue;
		if (p->axis.param) {
			x[i] = sim_time_to_s(*spec_const_ref(p->axis.param,
							     &pp, &kp));
		} else if (policy_param_slot(s->policies[policy].ops, &pp,
					     p->axis.name, &sl)) {
			x[i] = sl.t ? sim_time_to_s(*sl.t) : sl.x ? *sl.x
			       : sl.i ? (double)*sl.i : x[i];
		}
	}
}

void tune_apply(const struct spec *s, const struct tune_spec *t,
		size_t policy, const double *x, struct spec_policy *out)
{
	struct spec one = *s;
	struct spec_axis axes[TUNE_MAX_PARAMS];
	sim_time v[TUNE_MAX_PARAMS];
	double num[TUNE_MAX_PARAMS];
	size_t i, n = 0;

	for (i = 0; i < t->n_params; i++) {
		if (!tune_param_applies(t, i, s, policy))
			continue;
		axes[n] = t->params[i].axis;
		v[n] = (sim_time)llround(x[i] * 1e9);
		num[n] = x[i];
		axes[n].values = &v[n];
		axes[n].numbers = &num[n];
		axes[n].n_values = 1;
		n++;
	}
	one.axes = axes;
	one.n_axes = n;
	*out = s->policies[policy];
	spec_point_params(&one, policy, 0, &out->params, &out->k3s);
}

void tune_figures(const struct spec *s, const struct tune_spec *t,
		  size_t policy, const struct cell_summary *sum, double *out)
{
	struct spec one = *s;
	struct out_cell c = { 0 };
	cJSON *root, *cell;
	char *text;
	size_t i;

	one.n_axes = 0;
	one.axes = NULL;
	c.policy = s->policies[policy].ops->name;
	c.sum = *sum;
	text = output_json_string(&one, &c, 1, NULL);
	root = cJSON_Parse(text);
	SIM_ASSERT(root);
	cell = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root,
								   "results"),
				  0);
	out[0] = tune_metric(cell, t->objective, sum->deadline_s);
	for (i = 0; i < t->n_constraints; i++)
		out[1 + i] = tune_metric(cell, t->constraints[i].metric,
					 sum->deadline_s);
	cJSON_Delete(root);
	g_free(text);
}

static void run_task(gpointer data, gpointer user)
{
	struct task *k = data;
	const struct spec *s = k->e->s;
	struct spec one = *s;
	struct runner_opts o = { .threads = 1, .no_compare = true };
	struct runner_result res;

	(void)user;
	one.policies = &k->sp;
	one.n_policies = 1;
	one.axes = NULL;
	one.n_axes = 0;
	one.seed = k->e->seed;
	one.scenarios = k->e->block;
	one.baseline = (char *)k->sp.ops->name;
	o.first = (uint64_t)k->block * (uint64_t)k->e->block;
	runner_run(&one, &o, &res);
	k->acc = g_new0(struct cell_acc, 1);
	cell_acc_init(k->acc, res.cells[0].acc.deadline_s);
	cell_acc_merge(k->acc, &res.cells[0].acc);
	runner_result_release(&res);
}

/* Candidate @id's block accumulators (created empty when new). */
static GPtrArray *blocks_of(struct tune_evaluator *e, size_t id)
{
	while (e->accs->len <= id)
		g_ptr_array_add(e->accs, g_ptr_array_new_with_free_func(
						 acc_free));
	return g_ptr_array_index(e->accs, id);
}

static void ev_run(void *ctx, const size_t *ids, const double *x, size_t n,
		   size_t b0, size_t b1, double *out)
{
	struct tune_evaluator *e = ctx;
	const struct tune_spec *t = e->t;
	size_t nb = b1 - b0, i, b, nm = 1 + t->n_constraints;
	struct task *tasks = g_new0(struct task, n * nb + 1);
	GThreadPool *pool = g_thread_pool_new(run_task, NULL, e->threads,
					      TRUE, NULL);

	for (i = 0; i < n; i++) {
		struct spec_policy sp;

		tune_apply(e->s, t, e->policy, &x[i * t->n_params], &sp);
		for (b = 0; b < nb; b++) {
			struct task *k = &tasks[i * nb + b];

			k->e = e;
			k->sp = sp;
			k->block = b0 + b;
			g_thread_pool_push(pool, k, NULL);
		}
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	for (i = 0; i < n; i++) {
		GPtrArray *acc = blocks_of(e, ids[i]);

		SIM_ASSERT(acc->len == b0);
		for (b = 0; b < nb; b++) {
			struct task *k = &tasks[i * nb + b];
			struct cell_summary sum;

			cell_acc_summarise(k->acc, &sum);
			tune_figures(e->s, t, e->policy, &sum,
				     &out[(i * nb + b) * nm]);
			g_ptr_array_add(acc, k->acc);
		}
	}
	g_free(tasks);
}

/* Candidate @id's blocks 0 .. @k - 1 merged into @out (released by the
 * caller). */
static void pooled_acc(struct tune_evaluator *e, size_t id, size_t k,
		       struct cell_acc *out)
{
	GPtrArray *acc = blocks_of(e, id);
	size_t b;

	SIM_ASSERT(acc->len >= k && k > 0);
	cell_acc_init(out, ((struct cell_acc *)acc->pdata[0])->deadline_s);
	for (b = 0; b < k; b++)
		cell_acc_merge(out, acc->pdata[b]);
}

static void ev_pooled(void *ctx, size_t id, size_t k, double *out)
{
	struct tune_evaluator *e = ctx;
	struct cell_acc a;
	struct cell_summary sum;

	pooled_acc(e, id, k, &a);
	cell_acc_summarise(&a, &sum);
	tune_figures(e->s, e->t, e->policy, &sum, out);
	cell_acc_release(&a);
}

static bool ev_valid(void *ctx, const double *x)
{
	struct tune_evaluator *e = ctx;
	struct spec_policy sp;
	GError *err = NULL;
	bool ok;

	tune_apply(e->s, e->t, e->policy, x, &sp);
	ok = backoff_cfg_check(&sp.params.backoff, &err) &&
	     (!sp.params.budget.enabled ||
	      sp.params.budget.refund <= sp.params.budget.max_tokens);
	g_clear_error(&err);
	return ok;
}

struct tune_evaluator *tune_evaluator_new(const struct spec *s,
					  const struct tune_spec *t,
					  size_t policy, uint64_t seed,
					  int block, int threads)
{
	struct tune_evaluator *e = g_new0(struct tune_evaluator, 1);

	e->s = s;
	e->t = t;
	e->policy = policy;
	e->seed = seed;
	e->block = block;
	e->threads = MAX(threads, 1);
	e->accs = g_ptr_array_new_with_free_func((GDestroyNotify)
						 g_ptr_array_unref);
	return e;
}

void tune_evaluator_free(struct tune_evaluator *e)
{
	if (!e)
		return;
	g_ptr_array_free(e->accs, TRUE);
	g_free(e);
}

void tune_evaluator_problem(struct tune_evaluator *e,
			    struct tune_problem *pb)
{
	pb->n_metrics = 1 + e->t->n_constraints;
	pb->run = ev_run;
	pb->pooled = ev_pooled;
	pb->valid = ev_valid;
	pb->ctx = e;
}

/* ---- validation ---- */

/* The standard paired figure that is the objective, or NULL. */
static const struct stats_diff *standard(const struct tune_spec *t,
					 const struct stats_paired *v,
					 const char **method)
{
	*method = "percentile-bootstrap";
	if (!strcmp(t->objective, "join_time_s.mean") ||
	    !strcmp(t->objective, "join_time_s.restricted_mean"))
		return &v->join_mean_s;
	if (!strcmp(t->objective, "join_time_s.p50"))
		return &v->join_p50_s;
	if (!strcmp(t->objective, "join_time_s.p99"))
		return &v->join_p99_s;
	*method = "tango-score";
	if (!strcmp(t->objective, "success.rate"))
		return &v->success_rate;
	*method = "paired-t-blocks";
	return NULL;
}

/* Recommended (id 1) against @other (0 or 2), as comparison @w. */
static void compare(struct tune_evaluator *e, const double *bfig,
		    size_t other, int w, struct tune_validation *out)
{
	const struct tune_spec *t = e->t;
	size_t nb = (size_t)out->blocks, nm = 1 + t->n_constraints, b;
	struct cell_acc a, o;
	const struct stats_diff *d;
	double *diff = g_new(double, nb);
	gsl_rng *r = sim_rng_new(out->seed, e->policy, SIM_RNG_STATS, 0x7475);

	pooled_acc(e, 1, nb, &a);
	pooled_acc(e, other, nb, &o);
	stats_paired_bootstrap(&a, &o, STATS_BOOTSTRAP_RESAMPLES, r,
			       &out->vs[w]);
	stats_paired_point(&out->sum[1], &out->sum[other], &out->vs[w]);
	d = standard(t, &out->vs[w], &out->method[w]);
	if (d) {
		out->diff[w] = d->diff;
		out->ci[w][0] = d->ci95[0];
		out->ci[w][1] = d->ci95[1];
	} else {
		for (b = 0; b < nb; b++)
			diff[b] = bfig[(nb + b) * nm] -
				  bfig[(other * nb + b) * nm];
		out->diff[w] = out->m[1][0] - out->m[other][0];
		tune_paired_t(diff, nb, out->ci[w]);
	}
	out->better[w] = t->maximize ? out->ci[w][0] > 0 : out->ci[w][1] < 0;
	out->worse[w] = t->maximize ? out->ci[w][1] < 0 : out->ci[w][0] > 0;
	cell_acc_release(&a);
	cell_acc_release(&o);
	gsl_rng_free(r);
	g_free(diff);
}

void tune_validate(const struct spec *s, const struct tune_spec *t,
		   size_t policy, const double *def, const double *rec,
		   const double *grid, int threads,
		   struct tune_validation *out)
{
	int block = t->validation_scenarios / t->validation_blocks;
	struct tune_evaluator *e = tune_evaluator_new(s, t, policy,
						      t->validation_seed,
						      block, threads);
	size_t n = grid ? 3 : 2, ids[3] = { 0, 1, 2 }, nm, i, c;
	double x[3 * TUNE_MAX_PARAMS], *bfig;

	memset(out, 0, sizeof(*out));
	out->seed = t->validation_seed;
	out->scenarios = t->validation_scenarios;
	out->blocks = t->validation_blocks;
	out->has_grid = grid != NULL;
	nm = 1 + t->n_constraints;
	memcpy(x, def, sizeof(double) * t->n_params);
	memcpy(&x[t->n_params], rec, sizeof(double) * t->n_params);
	if (grid)
		memcpy(&x[2 * t->n_params], grid,
		       sizeof(double) * t->n_params);
	bfig = g_new(double, n * (size_t)out->blocks * nm);
	ev_run(e, ids, x, n, 0, (size_t)out->blocks, bfig);
	for (i = 0; i < n; i++) {
		struct cell_acc a;

		pooled_acc(e, i, (size_t)out->blocks, &a);
		cell_acc_summarise(&a, &out->sum[i]);
		tune_figures(s, t, policy, &out->sum[i], out->m[i]);
		cell_acc_release(&a);
	}
	out->feasible = true;
	for (c = 0; c < t->n_constraints; c++)
		out->feasible = out->feasible &&
				out->m[1][1 + c] >= t->constraints[c].min &&
				out->m[1][1 + c] <= t->constraints[c].max;
	compare(e, bfig, 0, 0, out);
	if (grid)
		compare(e, bfig, 2, 1, out);
	g_free(bfig);
	tune_evaluator_free(e);
}
