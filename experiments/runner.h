/*
 * The runner: every grid point x policy of a spec over the same scenarios
 * (common random numbers: scenario k has the same seeds under every
 * policy), spread over a GThreadPool.
 *
 * Determinism: scenarios are cut into fixed chunks whatever the thread
 * count; each chunk accumulates into its own cell_acc, and the chunks are
 * merged in order, so sums and orders are the same for any --threads.
 * The paired bootstrap of each cell against its baseline cell draws from
 * the stream of its grid point, (spec seed, grid point, SIM_RNG_STATS, 0),
 * after every scenario has run: it too is the same for any --threads, and
 * every comparison at a point resamples the same scenarios whatever the
 * policy list. The p-values of every comparison of the run form one
 * family for Holm's adjustment (stats_holm()).
 *
 * In summary mode (stats.h) a task is one chunk of one grid point under
 * every policy: its scenarios are paired with the baseline's there and
 * then, and each policy's chunk is added to its cell at once, so memory
 * holds a chunk per thread, not per chunk of the run. No bootstrap: the
 * comparisons come from the pair sums (stats_paired_summary()).
 */
#ifndef EXPERIMENTS_RUNNER_H
#define EXPERIMENTS_RUNNER_H

#include "spec.h"
#include "stats.h"
#include "stats_paired.h"

#include <glib.h>
#include <stdbool.h>

struct runner_cell {
	size_t policy;			/* index into spec.policies */
	size_t point;			/* grid point */
	struct policy_params params;	/* what it ran with */
	struct k3s_params k3s;		/* ... and the model's constants */
	sim_time *grid;			/* the point's axis values (n_axes);
					 * 0 on a numeric axis */
	double *grid_x;			/* numeric axes' values; else 0 */
	const struct world_config *world; /* the point's world: the spec's,
					   * or one of runner_result.worlds */
	struct cell_acc acc;
	struct cell_summary sum;
	struct runner_cell *base;	/* the baseline's cell at this point
					 * (NULL for the baseline) */
	uint64_t stats_seed;		/* the bootstrap's stream: (seed, */
	uint64_t stats_index;		/*   grid point, SIM_RNG_STATS) */
	bool has_vs;			/* vs is set: the policy is not the
					 * baseline */
	struct stats_paired vs;		/* against the baseline cell of the
					 * same grid point (spec.baseline),
					 * paired by scenario */
};

struct runner_result {
	struct runner_cell *cells;	/* grid points x policies, points
					 * outermost; owned */
	size_t n_cells;
	struct world_config *worlds;	/* one per grid point when the spec
					 * sweeps the world, else NULL */
	size_t n_worlds;
	uint64_t events;		/* engine events, all cells */
	double wall_s;			/* wall-clock time of the run */
};

struct runner_opts {
	int threads;			/* worker threads (>= 1) */
	bool progress;			/* a progress line on stderr */
	bool tie_reverse;		/* --tie-order reverse: events at the
					 * same instant last scheduled first
					 * (a debugging switch) */
	bool summary_stats;		/* --summary-stats: summary mode
					 * (stats.h) whatever the scenario
					 * count; it is on anyway above
					 * STATS_EXACT_MAX_SCENARIOS */
};

/* Whether a run of @s with @opts keeps summaries (stats.h) rather than
 * exact samples. */
bool runner_summary_mode(const struct spec *s, const struct runner_opts *opts);

/* Runs @s and fills @out (release with runner_result_release()).
 * s->baseline must name one of s->policies (spec_load() sees to it). */
void runner_run(const struct spec *s, const struct runner_opts *opts,
		struct runner_result *out);

void runner_result_release(struct runner_result *r);

/* The axis values of grid point @point; @out holds s->n_axes values.
 * runner_point_numbers() gives the numeric axes' values. */
void runner_point_values(const struct spec *s, size_t point, sim_time *out);
void runner_point_numbers(const struct spec *s, size_t point, double *out);

#endif
