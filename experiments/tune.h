/*
 * The tuner's search, on common random numbers, for one policy:
 *
 *  1. a space-filling design: @candidates points of a Sobol sequence
 *     (gsl_qrng_sobol) in the unit box, randomly shifted modulo 1 (a
 *     Cranley-Patterson rotation drawn from the search's seed: GSL has no
 *     scrambling, and the shift keeps the low discrepancy while making the
 *     design a random one), mapped to the parameters' ranges (log scale
 *     where asked) and rounded to three significant digits, so that every
 *     value is one a user would paste;
 *  2. racing by successive halving: every candidate alive runs the blocks
 *     of scenarios of the next rung (the same scenarios for all: common
 *     random numbers); those whose paired difference to the leader,
 *     block by block, has a 95% t interval above 0 are dropped, then only
 *     the best fraction @keep of the rest goes on (feasible first, by
 *     their figures pooled over the rung's scenarios);
 *  3. refinement with GSL's Nelder-Mead simplex
 *     (gsl_multimin_fminimizer_nmsimplex2) from the best survivor, in the
 *     unit box, on the last rung's fixed scenarios; an infeasible point
 *     scores above every feasible one;
 *  4. the recommendation: the best feasible point evaluated on the last
 *     rung's scenarios; the comparison grid (@grid values per parameter)
 *     and the defaults on the same scenarios; and for each parameter the
 *     recommendation with it moved to either end of its range, compared
 *     block by block: a parameter whose ends both stay within the noise
 *     (intervals holding 0) does not matter here.
 *
 * The search asks a struct tune_problem for figures (experiments/
 * cmd_tune.c runs the simulator; tests plug in analytic functions), and
 * is sequential: parallelism is the problem's, inside each call. Given
 * the same problem and seed it takes the same steps, whatever the thread
 * count.
 */
#ifndef EXPERIMENTS_TUNE_H
#define EXPERIMENTS_TUNE_H

#include "tune_spec.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Figures 0 .. n_metrics - 1: the objective, then one per constraint. */
struct tune_problem {
	size_t n_metrics;
	/* Runs candidates @ids (@n of them, values @x: n x tune.n_params,
	 * parameter units) on blocks @b0 .. @b1 - 1 and writes each block's
	 * figures to out[(i * (b1 - b0) + b) * n_metrics + m]. A candidate
	 * id is run at most once per block; the problem keeps what it needs
	 * for pooled(). */
	void (*run)(void *ctx, const size_t *ids, const double *x, size_t n,
		    size_t b0, size_t b1, double *out);
	/* Candidate @id's figures pooled over blocks 0 .. @k - 1 (all run
	 * before) into out[m]. */
	void (*pooled)(void *ctx, size_t id, size_t k, double *out);
	/* Whether values @x make a valid configuration (NULL: all do);
	 * an invalid one is recorded, never run. */
	bool (*valid)(void *ctx, const double *x);
	void *ctx;
};

enum tune_phase {
	TUNE_DESIGN, TUNE_REFINE, TUNE_GRID, TUNE_DEFAULTS, TUNE_SENSITIVITY
};

/* "design", "refine", "grid", "defaults", "sensitivity". Static. */
const char *tune_phase_name(enum tune_phase p);

/* One candidate. */
struct tune_cand {
	size_t id;		/* its index in tune_result.cands */
	enum tune_phase phase;
	double x[TUNE_MAX_PARAMS];	/* values, parameter units */
	bool valid;		/* tune_problem.valid() said yes */
	size_t blocks;		/* blocks run (its figures pool them) */
	double m[1 + 32];	/* figures pooled over those blocks */
	double score;		/* the objective, lower is better
				 * (negated when maximising) */
	double violation;	/* summed distance outside the constraints:
				 * 0 = feasible */
	int rung;		/* the last rung it ran (-1: none) */
	bool dropped_paired;	/* dropped as clearly worse than the leader */
};

/* A step of the search, for the convergence plot. */
struct tune_step {
	size_t evaluations;	/* candidates run so far */
	uint64_t scenarios;	/* scenario runs so far */
	double best;		/* the best's score so far (the figures of
				 * its own scenarios; feasible first, as
				 * ranked) */
	size_t best_id;
};

/* A parameter moved to an end of its range, against the recommendation. */
struct tune_sens {
	double diff[2];		/* score(end) - score(rec), lo and hi end;
				 * NAN when the end is invalid */
	double ci[2][2];	/* their 95% paired t intervals */
	bool matters;		/* an interval excludes 0 */
};

struct tune_result {
	GArray *cands;		/* struct tune_cand, by id */
	GArray *steps;		/* struct tune_step */
	size_t best;		/* the recommendation's id */
	bool feasible;		/* it meets every constraint */
	size_t grid_best;	/* the best grid point's id (SIZE_MAX: no
				 * grid) */
	size_t defaults;	/* the defaults' id */
	size_t final_blocks;	/* the blocks of the last rung */
	struct tune_sens sens[TUNE_MAX_PARAMS];
	uint64_t scenarios;	/* scenario runs in all */
};

/*
 * Runs the search for the parameters of @t that @applies marks (the
 * others keep their value in @defaults), from @defaults (the policy's
 * values, parameter units), with seed @seed (the design's shift).
 */
void tune_search(const struct tune_spec *t, const bool *applies,
		 const double *defaults, uint64_t seed,
		 const struct tune_problem *pb, struct tune_result *out);

void tune_result_release(struct tune_result *r);

/* The 95% paired t interval of the mean of @n differences @d into @ci,
 * returning the mean; [NAN, NAN] when n < 2. */
double tune_paired_t(const double *d, size_t n, double *ci);

/* Unit coordinate @u in [0, 1] as parameter @p's value, on its scale,
 * rounded to three significant digits (whole for an integer). */
double tune_unit_to_value(const struct tune_param *p, double u);
double tune_value_to_unit(const struct tune_param *p, double v);

#endif
