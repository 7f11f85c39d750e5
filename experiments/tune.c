/*
 * The tuner's search (tune.h): a shifted Sobol design, racing by
 * successive halving with paired block comparisons, Nelder-Mead on a
 * fixed scenario set, then the grid, the defaults and the sensitivity of
 * each parameter on the same scenarios.
 */
#include "tune.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_qrng.h>
#include <math.h>
#include <string.h>

/* The Nelder-Mead simplex's first step, in the unit box. */
#define NM_STEP 0.15
/* Stop refining when the simplex is this small (unit box). */
#define NM_SIZE 1e-3
/* An infeasible point scores above every feasible one. */
#define NM_INFEASIBLE 1e20
/* The most grid points compared with. */
#define MAX_GRID 4096

struct search {
	const struct tune_spec *t;
	const struct tune_problem *pb;
	struct tune_result *out;
	size_t dims[TUNE_MAX_PARAMS];	/* parameters searched */
	size_t nd;
	const double *defaults;
	GPtrArray *bscore;		/* per id: GArray of block scores */
	size_t evaluations;
	size_t refine_evals;
	size_t final_k;			/* blocks of the last rung */
};

const char *tune_phase_name(enum tune_phase p)
{
	static const char *const names[] = {
		"design", "refine", "grid", "defaults", "sensitivity"
	};

	return names[p];
}

/* @v rounded to three significant digits. */
static double round3(double v)
{
	double f;

	if (v == 0 || !isfinite(v))
		return v;
	f = pow(10, floor(log10(fabs(v))) - 2);
	return round(v / f) * f;
}

double tune_unit_to_value(const struct tune_param *p, double u)
{
	double v;

	u = CLAMP(u, 0, 1);
	v = p->log ? exp(log(p->lo) + u * (log(p->hi) - log(p->lo)))
		   : p->lo + u * (p->hi - p->lo);
	v = p->integer ? round(v) : round3(v);
	if (p->duration)	/* whole nanoseconds */
		v = round(v * 1e9) / 1e9;
	return CLAMP(v, p->lo, p->hi);
}

double tune_value_to_unit(const struct tune_param *p, double v)
{
	double u = p->log ? (log(v) - log(p->lo)) / (log(p->hi) - log(p->lo))
			  : (v - p->lo) / (p->hi - p->lo);

	return CLAMP(u, 0, 1);
}

double tune_paired_t(const double *d, size_t n, double *ci)
{
	double mean = 0, ss = 0, h;
	size_t i;

	for (i = 0; i < n; i++)
		mean += d[i];
	mean = n ? mean / (double)n : NAN;
	if (n < 2) {
		ci[0] = ci[1] = NAN;
		return mean;
	}
	for (i = 0; i < n; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	h = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) *
	    sqrt(ss / (double)(n - 1) / (double)n);
	ci[0] = mean - h;
	ci[1] = mean + h;
	return mean;
}

static struct tune_cand *cand(struct search *S, size_t id)
{
	return &g_array_index(S->out->cands, struct tune_cand, id);
}

/* Lower is better; NAN (no figure) is worst. */
static double score_of(const struct search *S, double objective)
{
	double s = S->t->maximize ? -objective : objective;

	return isnan(s) ? INFINITY : s;
}

static double violation_of(const struct search *S, const double *m)
{
	double v = 0;
	size_t c;

	for (c = 0; c < S->t->n_constraints; c++) {
		const struct tune_constraint *k = &S->t->constraints[c];
		double x = m[1 + c];

		if (isnan(x))
			return INFINITY;
		v += MAX(0, k->min - x) + MAX(0, x - k->max);
	}
	return v;
}

/* Ranking: feasible first by score, then by violation; ties by id. */
static int rank_cmp(gconstpointer a, gconstpointer b, gpointer user)
{
	struct search *S = user;
	const struct tune_cand *x = cand(S, *(const size_t *)a);
	const struct tune_cand *y = cand(S, *(const size_t *)b);

	if ((x->violation > 0) != (y->violation > 0))
		return x->violation > 0 ? 1 : -1;
	if (x->violation > 0 && x->violation != y->violation)
		return x->violation < y->violation ? -1 : 1;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A new candidate at values @x (all n_params). */
static size_t new_cand(struct search *S, enum tune_phase phase,
		       const double *x)
{
	struct tune_cand c = { 0 };

	c.id = S->out->cands->len;
	c.phase = phase;
	memcpy(c.x, x, sizeof(double) * S->t->n_params);
	c.valid = !S->pb->valid || S->pb->valid(S->pb->ctx, x);
	c.score = INFINITY;
	c.violation = INFINITY;
	c.rung = -1;
	g_array_append_val(S->out->cands, c);
	g_ptr_array_add(S->bscore, g_array_new(FALSE, FALSE, sizeof(double)));
	return c.id;
}

/* The id of a candidate at exactly @x, or SIZE_MAX. */
static size_t find_cand(struct search *S, const double *x)
{
	size_t i;

	for (i = 0; i < S->out->cands->len; i++)
		if (!memcmp(cand(S, i)->x, x,
			    sizeof(double) * S->t->n_params))
			return i;
	return SIZE_MAX;
}

/* Runs candidates @ids up to block @k (each from the blocks it has). */
static void run_to(struct search *S, const size_t *ids, size_t n, size_t k)
{
	size_t nm = S->pb->n_metrics, i, b, b0 = k;
	double *x, *fig;
	size_t *run = g_new(size_t, n + 1), nr = 0;

	for (i = 0; i < n; i++)
		if (cand(S, ids[i])->valid && cand(S, ids[i])->blocks < k) {
			run[nr++] = ids[i];
			b0 = MIN(b0, cand(S, ids[i])->blocks);
		}
	/* every candidate in one call runs the same blocks: those it lacks
	 * are b0 .. k - 1 for all of them in the search's use */
	x = g_new(double, nr * S->t->n_params + 1);
	fig = g_new(double, nr * (k - b0) * nm + 1);
	for (i = 0; i < nr; i++) {
		SIM_ASSERT(cand(S, run[i])->blocks == b0);
		memcpy(&x[i * S->t->n_params], cand(S, run[i])->x,
		       sizeof(double) * S->t->n_params);
		if (b0 == 0)
			S->evaluations++;
	}
	if (nr)
		S->pb->run(S->pb->ctx, run, x, nr, b0, k, fig);
	for (i = 0; i < nr; i++) {
		struct tune_cand *c = cand(S, run[i]);
		GArray *bs = g_ptr_array_index(S->bscore, run[i]);

		for (b = 0; b < k - b0; b++) {
			double s = score_of(S, fig[(i * (k - b0) + b) * nm]);

			g_array_append_val(bs, s);
		}
		c->blocks = k;
		S->pb->pooled(S->pb->ctx, run[i], k, c->m);
		c->score = score_of(S, c->m[0]);
		c->violation = violation_of(S, c->m);
		S->out->scenarios += (uint64_t)(k - b0) * (uint64_t)S->t->block;
	}
	g_free(run);
	g_free(x);
	g_free(fig);
}

static void step(struct search *S, size_t best)
{
	struct tune_step st = {
		.evaluations = S->evaluations, .scenarios = S->out->scenarios,
		.best = cand(S, best)->score,
		.best_id = best,
	};

	g_array_append_val(S->out->steps, st);
}

/* The block-by-block paired interval of score(@a) - score(@b) over the
 * first @k blocks; returns the mean. */
static double paired(struct search *S, size_t a, size_t b, size_t k,
		     double *ci)
{
	GArray *x = g_ptr_array_index(S->bscore, a);
	GArray *y = g_ptr_array_index(S->bscore, b);
	double *d = g_new(double, k + 1), m;
	size_t i;

	SIM_ASSERT(x->len >= k && y->len >= k);
	for (i = 0; i < k; i++)
		d[i] = g_array_index(x, double, i) - g_array_index(y, double, i);
	m = tune_paired_t(d, k, ci);
	g_free(d);
	return m;
}

/* The design: Sobol points shifted modulo 1, as values. */
static GArray *design(struct search *S, uint64_t seed)
{
	gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)S->nd);
	gsl_rng *r = sim_rng_new(seed, 0, SIM_RNG_STATS, 0x7475e);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(size_t));
	double shift[TUNE_MAX_PARAMS], u[TUNE_MAX_PARAMS];
	double x[TUNE_MAX_PARAMS];
	size_t i, k;
	int n;

	for (k = 0; k < S->nd; k++)
		shift[k] = gsl_rng_uniform(r);
	for (n = 0; n < S->t->candidates; n++) {
		gsl_qrng_get(q, u);
		memcpy(x, S->defaults, sizeof(double) * S->t->n_params);
		for (k = 0; k < S->nd; k++) {
			double v = fmod(u[k] + shift[k], 1.0);

			i = S->dims[k];
			x[i] = tune_unit_to_value(&S->t->params[i], v);
		}
		if (find_cand(S, x) != SIZE_MAX)
			continue;	/* rounding met an earlier point */
		i = new_cand(S, TUNE_DESIGN, x);
		if (cand(S, i)->valid)
			g_array_append_val(ids, i);
	}
	gsl_qrng_free(q);
	gsl_rng_free(r);
	return ids;
}

/* Successive halving over the rungs; returns the best survivor. */
static size_t race(struct search *S, GArray *alive)
{
	const struct tune_spec *t = S->t;
	size_t r, i, best = 0;

	SIM_ASSERT(alive->len > 0);
	for (r = 0; r < t->n_rungs; r++) {
		size_t k = (size_t)(t->rungs[r] / t->block), n = alive->len;
		size_t keep = MAX(1, (size_t)ceil(t->keep * (double)n)), j = 0;

		run_to(S, (size_t *)(void *)alive->data, n, k);
		g_array_sort_with_data(alive, rank_cmp, S);
		best = g_array_index(alive, size_t, 0);
		for (i = 0; i < n; i++)
			cand(S, g_array_index(alive, size_t, i))->rung = (int)r;
		step(S, best);
		if (r + 1 == t->n_rungs)
			break;
		for (i = 0; i < n; i++) {
			size_t id = g_array_index(alive, size_t, i);
			double ci[2];

			paired(S, id, best, k, ci);
			if (i && ci[0] > 0) {
				cand(S, id)->dropped_paired = true;
				continue;
			}
			if (j < keep)
				g_array_index(alive, size_t, j++) = id;
		}
		g_array_set_size(alive, j);
	}
	return best;
}

static size_t best_final(struct search *S, enum tune_phase phase);

/* Nelder-Mead's function: the penalised score of the point @v (unit
 * coordinates of the searched dimensions), on the fixed scenarios. */
static double nm_f(const gsl_vector *v, void *params)
{
	struct search *S = params;
	double x[TUNE_MAX_PARAMS], out = 0, score;
	struct tune_cand *c;
	size_t k, id;

	memcpy(x, S->defaults, sizeof(double) * S->t->n_params);
	for (k = 0; k < S->nd; k++) {
		double u = gsl_vector_get(v, k);

		out += fabs(u - CLAMP(u, 0, 1));
		x[S->dims[k]] = tune_unit_to_value(&S->t->params[S->dims[k]],
						   u);
	}
	if ((id = find_cand(S, x)) == SIZE_MAX) {
		id = new_cand(S, TUNE_REFINE, x);
		S->refine_evals++;
	}
	run_to(S, &id, 1, S->final_k);
	c = cand(S, id);
	if (!c->valid)
		return NM_INFEASIBLE * 10;
	score = c->violation > 0 ? NM_INFEASIBLE * (1 + c->violation)
				 : c->score;
	/* outside the box: the edge's score, worse with the distance */
	return score + out * (1 + fabs(score));
}

static void refine(struct search *S, size_t start)
{
	gsl_multimin_fminimizer *m;
	gsl_multimin_function f = { .f = nm_f, .n = S->nd, .params = S };
	gsl_vector *x0 = gsl_vector_alloc(S->nd), *st = gsl_vector_alloc(S->nd);
	size_t k, iter;

	if (S->t->refine <= 0)
		goto out;
	for (k = 0; k < S->nd; k++) {
		const struct tune_param *p = &S->t->params[S->dims[k]];

		gsl_vector_set(x0, k, tune_value_to_unit(p,
							 cand(S, start)->x[S->dims[k]]));
		gsl_vector_set(st, k, NM_STEP);
	}
	m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
					  S->nd);
	gsl_multimin_fminimizer_set(m, &f, x0, st);
	for (iter = 0; S->refine_evals < (size_t)S->t->refine &&
	     iter < 10 * (size_t)S->t->refine; iter++) {
		if (gsl_multimin_fminimizer_iterate(m) ||
		    gsl_multimin_fminimizer_size(m) < NM_SIZE)
			break;
		step(S, best_final(S, TUNE_REFINE));
	}
	gsl_multimin_fminimizer_free(m);
out:
	gsl_vector_free(x0);
	gsl_vector_free(st);
}

/* The best valid candidate with the final blocks, among phases up to
 * TUNE_REFINE. */
static size_t best_final(struct search *S, enum tune_phase phase)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < S->out->cands->len; i++) {
		struct tune_cand *c = cand(S, i);

		if (!c->valid || c->blocks < S->final_k ||
		    (phase == TUNE_GRID ? c->phase != TUNE_GRID
					: c->phase > TUNE_REFINE))
			continue;
		if (best == SIZE_MAX || rank_cmp(&i, &best, S) < 0)
			best = i;
	}
	/* nothing ran the final blocks (every design point invalid): the
	 * defaults, which run them last */
	return best == SIZE_MAX && phase != TUNE_GRID ? S->out->defaults
						      : best;
}

/* The grid: t->grid values per searched dimension, crossed. */
static void grid(struct search *S)
{
	size_t n = 1, i, k, g = (size_t)S->t->grid;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(size_t));
	double x[TUNE_MAX_PARAMS];

	for (k = 0; k < S->nd && n <= MAX_GRID; k++)
		n *= g;
	if (n > MAX_GRID)
		goto out;
	for (i = 0; i < n; i++) {
		size_t rest = i, id;

		memcpy(x, S->defaults, sizeof(double) * S->t->n_params);
		for (k = S->nd; k-- > 0;) {
			size_t d = S->dims[k];

			x[d] = tune_unit_to_value(&S->t->params[d],
						  (double)(rest % g) /
						  (double)(g - 1));
			rest /= g;
		}
		id = new_cand(S, TUNE_GRID, x);
		if (cand(S, id)->valid)
			g_array_append_val(ids, id);
	}
	run_to(S, (size_t *)(void *)ids->data, ids->len, S->final_k);
out:
	g_array_free(ids, TRUE);
}

/* Each searched parameter at both ends of its range, the others at the
 * recommendation's values. */
static void sensitivity(struct search *S)
{
	size_t ends[TUNE_MAX_PARAMS][2], k, e;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(size_t));
	double x[TUNE_MAX_PARAMS], rec[TUNE_MAX_PARAMS];

	/* a copy: new candidates move the array */
	memcpy(rec, cand(S, S->out->best)->x, sizeof(rec));

	for (k = 0; k < S->nd; k++) {
		size_t d = S->dims[k];

		for (e = 0; e < 2; e++) {
			memcpy(x, rec, sizeof(x));
			x[d] = e ? S->t->params[d].hi : S->t->params[d].lo;
			ends[k][e] = new_cand(S, TUNE_SENSITIVITY, x);
			if (cand(S, ends[k][e])->valid)
				g_array_append_val(ids, ends[k][e]);
		}
	}
	run_to(S, (size_t *)(void *)ids->data, ids->len, S->final_k);
	for (k = 0; k < S->nd; k++) {
		struct tune_sens *s = &S->out->sens[S->dims[k]];

		for (e = 0; e < 2; e++) {
			s->diff[e] = s->ci[e][0] = s->ci[e][1] = NAN;
			if (!cand(S, ends[k][e])->valid)
				continue;
			s->diff[e] = paired(S, ends[k][e], S->out->best,
					    S->final_k, s->ci[e]);
			s->matters = s->matters ||
				     s->ci[e][0] > 0 || s->ci[e][1] < 0;
		}
	}
	g_array_free(ids, TRUE);
}

void tune_search(const struct tune_spec *t, const bool *applies,
		 const double *defaults, uint64_t seed,
		 const struct tune_problem *pb, struct tune_result *out)
{
	struct search S = { .t = t, .pb = pb, .out = out,
			    .defaults = defaults };
	GArray *alive;
	size_t i, survivor;

	SIM_ASSERT(pb->n_metrics == 1 + t->n_constraints &&
		   t->n_constraints <= 32);
	memset(out, 0, sizeof(*out));
	out->cands = g_array_new(FALSE, FALSE, sizeof(struct tune_cand));
	out->steps = g_array_new(FALSE, FALSE, sizeof(struct tune_step));
	S.bscore = g_ptr_array_new_with_free_func((GDestroyNotify)
						  g_array_unref);
	for (i = 0; i < t->n_params; i++)
		if (applies[i])
			S.dims[S.nd++] = i;
	SIM_ASSERT(S.nd > 0);
	S.final_k = (size_t)(t->rungs[t->n_rungs - 1] / t->block);
	out->final_blocks = S.final_k;
	out->defaults = new_cand(&S, TUNE_DEFAULTS, defaults);
	run_to(&S, &out->defaults, 1, S.final_k);
	alive = design(&S, seed);
	if (alive->len == 0)	/* every design point invalid: the defaults */
		g_array_append_val(alive, out->defaults);
	survivor = race(&S, alive);
	g_array_free(alive, TRUE);
	refine(&S, survivor);
	out->best = best_final(&S, TUNE_REFINE);
	out->feasible = cand(&S, out->best)->violation == 0;
	step(&S, out->best);
	grid(&S);
	out->grid_best = best_final(&S, TUNE_GRID);
	sensitivity(&S);
	g_ptr_array_free(S.bscore, TRUE);
}

void tune_result_release(struct tune_result *r)
{
	if (r->cands)
		g_array_free(r->cands, TRUE);
	if (r->steps)
		g_array_free(r->steps, TRUE);
	memset(r, 0, sizeof(*r));
}
