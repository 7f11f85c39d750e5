#include "runner.h"
#include "models/world.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Scenarios per task: small enough to balance two to sixteen threads,
 * large enough that a world is set up rarely. Fixed: results must not
 * depend on the thread count. */
#define CHUNK 64

struct task {
	const struct spec *spec;
	struct runner_cell *cell;
	uint64_t first;			/* first scenario */
	uint64_t count;
	struct cell_acc acc;		/* this chunk's figures */
	uint64_t events;
};

struct shared {
	atomic_uint_fast64_t done;	/* scenarios done */
	bool tie_reverse;		/* runner_opts.tie_reverse */
};

void runner_point_values(const struct spec *s, size_t point, sim_time *out)
{
	size_t *k = g_new(size_t, s->n_axes + 1), i;

	spec_point_indices(s, point, k);
	for (i = 0; i < s->n_axes; i++)
		out[i] = s->axes[i].values[k[i]];
	g_free(k);
}

/* One paired comparison (runner_run() fills cell->base and the seed). */
static void compare_task(gpointer data, gpointer user)
{
	struct runner_cell *cell = data, *bc = cell->base;
	gsl_rng *r = sim_rng_new(cell->stats_seed, cell->stats_index,
				 SIM_RNG_STATS, 0);

	(void)user;
	if (cell->acc.summary)
		stats_paired_summary(&cell->acc, &cell->sum, &bc->sum,
				     &cell->vs);
	else
		stats_paired_bootstrap(&cell->acc, &bc->acc,
				       STATS_BOOTSTRAP_RESAMPLES, r,
				       &cell->vs);
	/* the point estimates from the summaries' doubles, so that they
	 * equal the difference of the reported figures (the bootstrap works
	 * on floats) */
	stats_paired_point(&cell->sum, &bc->sum, &cell->vs);
	cell->has_vs = true;
	gsl_rng_free(r);
}

void runner_point_numbers(const struct spec *s, size_t point, double *out)
{
	size_t *k = g_new(size_t, s->n_axes + 1), i;

	spec_point_indices(s, point, k);
	for (i = 0; i < s->n_axes; i++)
		out[i] = s->axes[i].numeric ? s->axes[i].numbers[k[i]] : 0;
	g_free(k);
}

static void run_task(gpointer data, gpointer user)
{
	struct task *t = data;
	struct shared *sh = user;
	const struct spec *s = t->spec;
	struct world *w = world_new(t->cell->world,
				    s->policies[t->cell->policy].ops,
				    &t->cell->params, &t->cell->k3s);
	struct run_record rec;
	uint64_t k;

	world_set_tie_reverse(w, sh->tie_reverse);
	run_record_init(&rec, t->cell->world->n_nodes);
	for (k = 0; k < t->count; k++) {
		world_run(w, s->seed, t->first + k, &rec);
		cell_acc_add(&t->acc, &rec);
		t->events += rec.events;
		atomic_fetch_add(&sh->done, 1);
	}
	run_record_release(&rec);
	world_free(w);
}

static void progress(const struct shared *sh, uint64_t total, gint64 t0,
		     bool final)
{
	double el = (double)(g_get_monotonic_time() - t0) / 1e6;
	uint64_t done = (uint64_t)atomic_load(&sh->done);
	double rate = el > 0 ? (double)done / el : 0;
	double eta = rate > 0 ? (double)(total - done) / rate : 0;

	fprintf(stderr, "\r%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
		" scenarios  %.0f/s  ETA %.0fs   %s", done, total, rate, eta,
		final ? "\n" : "");
	fflush(stderr);
}

/* Holm's adjustment over every comparison of the run: each metric of each
 * cell against its baseline is one member of the family. */
static void holm(struct runner_result *out)
{
	GArray *p = g_array_new(FALSE, FALSE, sizeof(double));
	GPtrArray *d = g_ptr_array_new();
	size_t c, i;

	for (c = 0; c < out->n_cells; c++) {
		struct stats_paired *v = &out->cells[c].vs;
		struct stats_diff *m[] = { &v->success_rate, &v->join_mean_s,
					   &v->join_p50_s, &v->join_p99_s };

		if (!out->cells[c].has_vs)
			continue;
		for (i = 0; i < G_N_ELEMENTS(m); i++) {
			g_array_append_val(p, m[i]->p_value);
			g_ptr_array_add(d, m[i]);
		}
	}
	stats_holm((const double *)(void *)p->data, p->len,
		   (double *)(void *)p->data);
	for (i = 0; i < p->len; i++) {
		struct stats_diff *m = g_ptr_array_index(d, i);

		m->p_holm = g_array_index(p, double, i);
		m->significant_holm = m->p_holm < STATS_ALPHA;
	}
	g_array_free(p, TRUE);
	g_ptr_array_free(d, TRUE);
}

bool runner_summary_mode(const struct spec *s, const struct runner_opts *opts)
{
	return opts->summary_stats ||
	       (uint64_t)s->scenarios > STATS_EXACT_MAX_SCENARIOS;
}

/* Sets up @out's cells (and each grid point's world when the spec sweeps
 * the world), with empty accumulators, summary mode if @summary. */
static void cells_init(const struct spec *s, struct runner_result *out,
		       bool summary)
{
	size_t points = spec_grid_size(s), n_cells = points * s->n_policies;
	size_t c, i;

	memset(out, 0, sizeof(*out));
	out->cells = g_new0(struct runner_cell, n_cells);
	out->n_cells = n_cells;
	if (spec_has_world_axes(s)) {
		/* the spec sweeps the world: each point has its own */
		out->n_worlds = points;
		out->worlds = g_new0(struct world_config, points);
		for (i = 0; i < points; i++) {
			GError *err = NULL;

			if (!spec_point_world(s, i, &out->worlds[i], &err))
				SIM_BUG("grid point %zu: %s", i, err->message);
		}
	}
	for (c = 0; c < n_cells; c++) {
		struct runner_cell *cell = &out->cells[c];

		cell->point = c / s->n_policies;
		cell->policy = c % s->n_policies;
		spec_point_params(s, cell->policy, cell->point, &cell->params,
				  &cell->k3s);
		cell->grid = g_new0(sim_time, s->n_axes ? s->n_axes : 1);
		cell->world = out->worlds ? &out->worlds[cell->point] : &s->world;
		runner_point_values(s, cell->point, cell->grid);
		cell->grid_x = g_new0(double, s->n_axes ? s->n_axes : 1);
		runner_point_numbers(s, cell->point, cell->grid_x);
		if (summary)
			cell_acc_init_summary(&cell->acc,
					      sim_time_to_s(cell->world->deadline));
		else
			cell_acc_init(&cell->acc,
				      sim_time_to_s(cell->world->deadline));
	}
}

/* Runs every chunk of every cell on @threads threads and merges the
 * chunks into their cells in chunk order: the same sums for any thread
 * count. */
static void run_chunks(const struct spec *s, const struct runner_opts *opts,
		       struct runner_result *out, gint64 t0)
{
	uint64_t per_cell = (uint64_t)s->scenarios;
	uint64_t chunks = (per_cell + CHUNK - 1) / CHUNK;
	size_t n_tasks = out->n_cells * chunks, i;
	struct task *tasks = g_new0(struct task, n_tasks);
	struct shared sh;
	GThreadPool *pool;

	atomic_init(&sh.done, 0);
	sh.tie_reverse = opts->tie_reverse;
	pool = g_thread_pool_new(run_task, &sh, MAX(opts->threads, 1), TRUE,
				 NULL);
	for (i = 0; i < n_tasks; i++) {
		struct task *t = &tasks[i];

		t->spec = s;
		t->cell = &out->cells[i / chunks];
		t->first = (i % chunks) * CHUNK;
		t->count = MIN((uint64_t)CHUNK, per_cell - t->first);
		cell_acc_init(&t->acc, sim_time_to_s(t->cell->world->deadline));
		g_thread_pool_push(pool, t, NULL);
	}
	if (opts->progress) {
		while (g_thread_pool_unprocessed(pool) > 0 ||
		       (uint64_t)atomic_load(&sh.done) < per_cell * out->n_cells) {
			progress(&sh, per_cell * out->n_cells, t0, false);
			g_usleep(200000);
		}
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	if (opts->progress)
		progress(&sh, per_cell * out->n_cells, t0, true);
	for (i = 0; i < n_tasks; i++) {
		cell_acc_merge(&tasks[i].cell->acc, &tasks[i].acc);
		out->events += tasks[i].events;
		cell_acc_release(&tasks[i].acc);
	}
	g_free(tasks);
}

/* Summary mode's tasks (see runner.h): point x chunk, every policy. */
struct point_chunks {
	const struct spec *spec;
	struct runner_result *out;
	struct shared *sh;
	uint64_t chunks;		/* per cell */
	uint64_t n_tasks;		/* grid points x chunks */
	size_t base;			/* the baseline's policy index */
	atomic_uint_fast64_t next;	/* the next task to take */
	GMutex *locks;			/* one per cell */
};

/* Task @i: its chunk under every policy, paired with the baseline's,
 * then added to the cells (in any order: summary merges are order-free). */
static void point_chunk(struct point_chunks *pc, uint64_t i)
{
	const struct spec *s = pc->spec;
	size_t np = s->n_policies, point = (size_t)(i / pc->chunks), p;
	struct task *t = g_new0(struct task, np);

	for (p = 0; p < np; p++) {
		t[p].spec = s;
		t[p].cell = &pc->out->cells[point * np + p];
		t[p].first = (i % pc->chunks) * CHUNK;
		t[p].count = MIN((uint64_t)CHUNK,
				 (uint64_t)s->scenarios - t[p].first);
		cell_acc_init_summary(&t[p].acc, t[p].cell->acc.deadline_s);
		run_task(&t[p], pc->sh);
	}
	for (p = 0; p < np; p++)
		if (p != pc->base)
			cell_acc_pair_chunk(&t[p].acc, &t[pc->base].acc);
	cell_acc_drop_scenarios(&t[pc->base].acc);
	for (p = 0; p < np; p++) {
		GMutex *m = &pc->locks[point * np + p];

		g_mutex_lock(m);
		cell_acc_merge(&t[p].cell->acc, &t[p].acc);
		g_mutex_unlock(m);
		cell_acc_release(&t[p].acc);
	}
	g_free(t);
}

static void point_chunks_worker(gpointer data, gpointer user)
{
	struct point_chunks *pc = user;
	uint64_t i;

	(void)data;
	while ((i = (uint64_t)atomic_fetch_add(&pc->next, 1)) < pc->n_tasks)
		point_chunk(pc, i);
}

/* run_chunks() in summary mode: @threads workers take the tasks in turn
 * (no list of them: memory does not grow with the chunks). */
static void run_point_chunks(const struct spec *s,
			     const struct runner_opts *opts,
			     struct runner_result *out, gint64 t0)
{
	uint64_t per_cell = (uint64_t)s->scenarios, total;
	struct point_chunks pc = { .spec = s, .out = out };
	struct shared sh;
	GThreadPool *pool;
	size_t c;
	int w, base = spec_policy_index(s, s->baseline);

	SIM_ASSERT(base >= 0);
	atomic_init(&sh.done, 0);
	sh.tie_reverse = opts->tie_reverse;
	pc.sh = &sh;
	pc.base = (size_t)base;
	pc.chunks = (per_cell + CHUNK - 1) / CHUNK;
	pc.n_tasks = pc.chunks * (out->n_cells / s->n_policies);
	atomic_init(&pc.next, 0);
	pc.locks = g_new(GMutex, out->n_cells);
	for (c = 0; c < out->n_cells; c++)
		g_mutex_init(&pc.locks[c]);
	total = per_cell * out->n_cells;
	pool = g_thread_pool_new(point_chunks_worker, &pc,
				 MAX(opts->threads, 1), TRUE, NULL);
	for (w = 0; w < MAX(opts->threads, 1); w++)
		g_thread_pool_push(pool, GINT_TO_POINTER(w + 1), NULL);
	while (opts->progress && (uint64_t)atomic_load(&sh.done) < total) {
		progress(&sh, total, t0, false);
		g_usleep(200000);
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	if (opts->progress)
		progress(&sh, total, t0, true);
	for (c = 0; c < out->n_cells; c++) {
		g_mutex_clear(&pc.locks[c]);
		out->events += out->cells[c].acc.events;
	}
	g_free(pc.locks);
}

/* Each cell against the baseline at its grid point, on the thread pool;
 * the stream is the grid point's, so every comparison at a point
 * resamples the same scenarios whatever the policy list (and whatever ran
 * where). Then Holm's adjustment over all of them. */
static void compare_cells(const struct spec *s,
			  const struct runner_opts *opts,
			  struct runner_result *out)
{
	int base = s->baseline ? spec_policy_index(s, s->baseline) : -1;
	GThreadPool *pool;
	size_t c;

	SIM_ASSERT(base >= 0);
	pool = g_thread_pool_new(compare_task, out, MAX(opts->threads, 1), TRUE,
				 NULL);
	for (c = 0; c < out->n_cells; c++) {
		struct runner_cell *cell = &out->cells[c];

		if (cell->policy == (size_t)base)
			continue;
		cell->base = &out->cells[cell->point * s->n_policies +
					 (size_t)base];
		cell->stats_seed = s->seed;
		cell->stats_index = cell->point;
		g_thread_pool_push(pool, cell, NULL);
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	holm(out);
}

void runner_run(const struct spec *s, const struct runner_opts *opts,
		struct runner_result *out)
{
	gint64 t0 = g_get_monotonic_time();
	size_t c;

	cells_init(s, out, runner_summary_mode(s, opts));
	if (runner_summary_mode(s, opts))
		run_point_chunks(s, opts, out, t0);
	else
		run_chunks(s, opts, out, t0);
	for (c = 0; c < out->n_cells; c++)
		cell_acc_summarise(&out->cells[c].acc, &out->cells[c].sum);
	compare_cells(s, opts, out);
	out->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
}

void runner_result_release(struct runner_result *r)
{
	size_t c;

	for (c = 0; c < r->n_cells; c++) {
		g_free(r->cells[c].grid);
		g_free(r->cells[c].grid_x);
		cell_acc_release(&r->cells[c].acc);
	}
	g_free(r->cells);
	for (c = 0; c < r->n_worlds; c++)
		world_config_release(&r->worlds[c]);
	g_free(r->worlds);
	memset(r, 0, sizeof(*r));
}
