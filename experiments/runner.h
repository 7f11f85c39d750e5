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
 * In summary mode (stats.h) the chunks are the journal's (journal.h) but
 * run in groups: chunk k of one grid point under every policy, its
 * scenarios paired with the baseline's there and then (a baseline chunk
 * already present runs again for that, unjournaled), each chunk journaled
 * and added to its cell at once, in any order (summary merges are exact
 * and order-free): memory holds a group per thread and a byte per chunk,
 * not an accumulator per chunk. No bootstrap: the comparisons come from
 * the pair sums (stats_paired_summary()).
 */
#ifndef EXPERIMENTS_RUNNER_H
#define EXPERIMENTS_RUNNER_H

#include "spec.h"
#include "stats.h"
#include "stats_paired.h"

#include <glib.h>
#include <stdatomic.h>
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
	bool has_fo_point;		/* fo_point is set: a failover sweep,
					 * the cell not at its first value
					 * of the first axis */
	struct fo_paired fo_point;	/* failover figures against the same
					 * policy at the first value of the
					 * first axis, the other axes equal */
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
	uint64_t first;			/* the first scenario's index: the run
					 * is scenarios first .. first +
					 * spec.scenarios - 1 (0: the usual
					 * run; the tuner's blocks) */
	bool no_compare;		/* skip the paired comparisons with
					 * the baseline (has_vs stays false) */
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

struct journal;
struct journal_writer;

/*
 * Checkpoints, resume and shards (journal.h): what runner_run_checkpointed()
 * takes besides the options, and what it tells back.
 */
struct runner_checkpoint {
	struct journal *done;	/* chunks already run (a journal read back,
				 * checked against the spec by the caller):
				 * their accumulators are moved out of it
				 * and they are not run again; or NULL */
	struct journal_writer *journal;	/* every chunk run is appended
					 * here as it finishes; or NULL */
	uint32_t shard;		/* run only the chunks whose */
	uint32_t n_shards;	/* journal_chunk_shard() is shard (a grid
				 * point's chunk number % n_shards); 0 or 1:
				 * all */
	const atomic_int *stop;	/* when it turns nonzero (a signal), chunks
				 * not started yet are skipped; or NULL */
	/* out: */
	uint64_t chunks_total;	/* chunks of the whole run */
	uint64_t chunks_present; /* done before + run now */
	uint64_t chunks_run;	/* run now */
	uint64_t chunks_mine;	/* chunks of this shard (all: chunks_total) */
};

/*
 * runner_run() with checkpoints: adopts @ck->done's chunks, runs the rest
 * of @ck's shard (unless stopped) and, when every chunk of the run is then
 * present (chunks_present == chunks_total), merges them in chunk order
 * (summary mode: as they come, order-free) and fills @out exactly as
 * runner_run() does: the same bytes whatever was run when, on how many
 * threads. Otherwise @out's cells have no summaries (and their
 * accumulators are empty, or in summary mode partial). Returns false with @error set
 * (SIM_ERROR_INPUT) and nothing run when a chunk of @ck->done does not fit
 * @s (an index beyond it, another deadline); @out is then still to be
 * released.
 */
bool runner_run_checkpointed(const struct spec *s,
			     const struct runner_opts *opts,
			     struct runner_checkpoint *ck,
			     struct runner_result *out, GError **error);

/* Scenarios per chunk: fixed, so that results do not depend on the
 * thread count, nor on where a run was cut. */
#define RUNNER_CHUNK 64

/* The axis values of grid point @point; @out holds s->n_axes values.
 * runner_point_numbers() gives the numeric axes' values. */
void runner_point_values(const struct spec *s, size_t point, sim_time *out);
void runner_point_numbers(const struct spec *s, size_t point, double *out);

#endif
