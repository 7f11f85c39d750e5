/*
 * The tuner's figures from the simulator: a struct tune_problem (tune.h)
 * whose candidates are copies of one policy of a spec with the tuned
 * parameters overridden (spec_point_params() on one-value axes, the way a
 * sweep sets them), run by the runner (runner.h) on blocks of scenarios:
 * block b is scenarios b * block .. (b + 1) * block - 1 of the seed, so
 * every candidate faces the same scenarios (common random numbers) and the
 * blocks of a rung pooled are exactly `selsim run --scenarios N`'s.
 * Each (candidate, block) is one task of a GThreadPool of --threads
 * workers; results are merged in block order, so figures are the same for
 * any thread count.
 *
 * Then the validation: the recommendation, the defaults and the best grid
 * point on fresh scenarios (another seed), compared pairwise.
 */
#ifndef EXPERIMENTS_TUNE_EVAL_H
#define EXPERIMENTS_TUNE_EVAL_H

#include "stats_paired.h"
#include "tune.h"

struct tune_evaluator;

/* An evaluator for policy @policy of @s under @t, on seed @seed in blocks
 * of @block scenarios, with @threads workers. All borrowed. Free with
 * tune_evaluator_free(). */
struct tune_evaluator *tune_evaluator_new(const struct spec *s,
					  const struct tune_spec *t,
					  size_t policy, uint64_t seed,
					  int block, int threads);
void tune_evaluator_free(struct tune_evaluator *e);

/* The problem that runs on @e (valid while @e lives). */
void tune_evaluator_problem(struct tune_evaluator *e,
			    struct tune_problem *pb);

/* The values of @t's parameters that policy @policy of @s runs with
 * (parameter units) into @x; a parameter that does not apply to it gets
 * its range's low end (never used). */
void tune_policy_values(const struct spec *s, const struct tune_spec *t,
			size_t policy, double *x);

/* Policy @policy of @s with @t's applicable parameters set to @x. */
void tune_apply(const struct spec *s, const struct tune_spec *t,
		size_t policy, const double *x, struct spec_policy *out);

/* The figures of results.json cell @sum (objective, then constraints)
 * into @out, run as policy @policy of @s. */
void tune_figures(const struct spec *s, const struct tune_spec *t,
		  size_t policy, const struct cell_summary *sum, double *out);

/* The recommendation checked on fresh scenarios. Index 0: against the
 * defaults, 1: against the best grid point. */
struct tune_validation {
	uint64_t seed;
	int scenarios, blocks;
	bool has_grid;
	double m[3][33];	/* pooled figures: defaults, recommended,
				 * grid best */
	struct cell_summary sum[3];
	double diff[2];		/* objective: recommended - other */
	double ci[2][2];	/* its 95% interval */
	const char *method[2];	/* how: "percentile-bootstrap" (scenarios
				 * resampled, stats_paired.h) for the join
				 * time mean/p50/p99, "tango-score" for the
				 * success rate, else "paired-t-blocks" */
	bool better[2];		/* the interval excludes 0 on the good
				 * side */
	bool worse[2];		/* ... on the bad side */
	bool feasible;		/* the recommendation meets every
				 * constraint on these scenarios */
	struct stats_paired vs[2];	/* the standard paired comparisons */
};

/* Runs the validation of @t for policy @policy: values @def, @rec and
 * @grid (NULL: no grid point). */
void tune_validate(const struct spec *s, const struct tune_spec *t,
		   size_t policy, const double *def, const double *rec,
		   const double *grid, int threads,
		   struct tune_validation *out);

#endif
