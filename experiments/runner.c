#include "runner.h"
#include "journal.h"
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
 * depend on the thread count (RUNNER_CHUNK, runner.h). */
#define CHUNK RUNNER_CHUNK

struct task {
	const struct spec *spec;
	struct runner_cell *cell;
	uint64_t first;			/* first scenario */
	uint64_t count;
	struct cell_acc acc;		/* this chunk's figures */
	uint64_t events;
	uint64_t index;			/* chunk index (journal.h) */
	bool present;			/* acc is complete: run, or read
					 * back from the journal */
};

struct shared {
	atomic_uint_fast64_t done;	/* scenarios done */
	atomic_uint_fast64_t finished;	/* tasks run or skipped */
	bool tie_reverse;		/* runner_opts.tie_reverse */
	struct journal_writer *journal;	/* runner_checkpoint.journal */
	const atomic_int *stop;		/* runner_checkpoint.stop */
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
	fo_paired_compute(&cell->acc.fo, &bc->acc.fo, &cell->vs.fo);
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
	struct world *w;
	struct run_record rec;
	uint64_t k;

	if (sh->stop && atomic_load(sh->stop)) {	/* stopping: skip */
		atomic_fetch_add(&sh->finished, 1);
		return;
	}
	w = world_new(t->cell->world, s->policies[t->cell->policy].ops,
		      &t->cell->params, &t->cell->k3s);
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
	if (sh->journal)
		journal_writer_add(sh->journal, t->index, &t->acc);
	t->present = true;
	atomic_fetch_add(&sh->finished, 1);
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

/* The chunks of @out's cells, with empty accumulators. */
static struct task *tasks_new(const struct spec *s,
			      const struct runner_opts *opts,
			      struct runner_result *out, uint64_t chunks)
{
	uint64_t per_cell = (uint64_t)s->scenarios;
	struct task *tasks = g_new0(struct task, out->n_cells * chunks);
	size_t i;

	for (i = 0; i < out->n_cells * chunks; i++) {
		struct task *t = &tasks[i];

		t->spec = s;
		t->cell = &out->cells[i / chunks];
		t->index = i;
		t->first = opts->first + (i % chunks) * CHUNK;
		t->count = MIN((uint64_t)CHUNK,
			       per_cell - (i % chunks) * CHUNK);
		cell_acc_init(&t->acc, sim_time_to_s(t->cell->world->deadline));
	}
	return tasks;
}

/* Moves the chunks of @j into @tasks (@n of them); false with @error set
 * when one does not fit. */
static bool tasks_adopt(struct task *tasks, size_t n, struct journal *j,
			GError **error)
{
	size_t i;

	for (i = 0; i < j->chunks->len; i++) {
		struct journal_chunk *c =
			&g_array_index(j->chunks, struct journal_chunk, i);
		struct task *t = c->index < n ? &tasks[c->index] : NULL;

		if (!t || t->present || c->acc.deadline_s != t->acc.deadline_s ||
		    c->acc.scenarios != t->count) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "journal chunk %" G_GUINT64_FORMAT ": does "
				    "not fit this run (index, deadline or size)",
				    c->index);
			return false;
		}
		cell_acc_release(&t->acc);
		t->acc = c->acc;	/* moved */
		c->acc = (struct cell_acc){ 0 };
		t->present = true;
	}
	return true;
}

/* The shard of chunk @index (journal_chunk_shard(): its grid point's chunk
 * number modulo @n), with @chunks a cell and @np policies. */
static uint32_t chunk_shard(uint64_t index, uint64_t chunks, size_t np,
			    uint32_t n)
{
	uint64_t point = index / chunks / np;

	return (uint32_t)((point * chunks + index % chunks) % n);
}

/* Runs the tasks of @ck's shard that are not present on a pool of
 * @opts->threads threads; returns how many it pushed. */
static uint64_t tasks_run(struct task *tasks, size_t n, uint64_t chunks,
			  size_t np, const struct runner_opts *opts,
			  const struct runner_checkpoint *ck, gint64 t0)
{
	uint32_t shards = ck && ck->n_shards > 1 ? ck->n_shards : 1;
	uint64_t pushed = 0, scenarios = 0;
	struct shared sh = { .tie_reverse = opts->tie_reverse,
			     .journal = ck ? ck->journal : NULL,
			     .stop = ck ? ck->stop : NULL };
	GThreadPool *pool;
	size_t i;

	atomic_init(&sh.done, 0);
	atomic_init(&sh.finished, 0);
	pool = g_thread_pool_new(run_task, &sh, MAX(opts->threads, 1), TRUE,
				 NULL);
	for (i = 0; i < n; i++) {
		if (tasks[i].present ||
		    chunk_shard(i, chunks, np, shards) != (ck ? ck->shard : 0))
			continue;
		g_thread_pool_push(pool, &tasks[i], NULL);
		pushed++;
		scenarios += tasks[i].count;
	}
	if (opts->progress) {
		while ((uint64_t)atomic_load(&sh.finished) < pushed) {
			progress(&sh, scenarios, t0, false);
			g_usleep(200000);
		}
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	if (opts->progress)
		progress(&sh, scenarios, t0, true);
	return pushed;
}

/* Runs every chunk of every cell (of @ck's shard, but those @ck has done)
 * on @opts->threads threads and, when every chunk is present, merges the
 * chunks into their cells in chunk order: the same sums for any thread
 * count and any cut. */
static bool run_chunks(const struct spec *s, const struct runner_opts *opts,
		       struct runner_checkpoint *ck, struct runner_result *out,
		       gint64 t0, GError **error)
{
	uint64_t chunks = ((uint64_t)s->scenarios + CHUNK - 1) / CHUNK;
	size_t n_tasks = out->n_cells * chunks, i, present = 0;
	struct task *tasks = tasks_new(s, opts, out, chunks);
	bool ok = !ck || !ck->done ||
		  tasks_adopt(tasks, n_tasks, ck->done, error);
	uint64_t run = ok ? tasks_run(tasks, n_tasks, chunks,
					      s->n_policies, opts, ck, t0) : 0;

	for (i = 0; i < n_tasks; i++)
		present += tasks[i].present;
	for (i = 0; ok && present == n_tasks && i < n_tasks; i++) {
		cell_acc_merge(&tasks[i].cell->acc, &tasks[i].acc);
		out->events += tasks[i].events;
	}
	for (i = 0; i < n_tasks; i++)
		cell_acc_release(&tasks[i].acc);
	g_free(tasks);
	if (ck) {
		ck->chunks_total = n_tasks;
		ck->chunks_present = present;
		ck->chunks_run = run;
		ck->chunks_mine = 0;
		for (i = 0; i < n_tasks; i++)
			ck->chunks_mine += chunk_shard(
				i, chunks, s->n_policies,
				ck->n_shards > 1 ? ck->n_shards : 1) ==
				(ck->n_shards > 1 ? ck->shard : 0);
	}
	return ok;
}

/* Summary mode's work (see runner.h): group g = point * chunks + k, chunk
 * k of every policy at grid point `point` (the journal's chunks (point *
 * np + p) * chunks + k), run together so that each pairs with the
 * baseline's; merged into the cells as they finish, in any order
 * (summary merges are order-free). No list of tasks: one bit each. */
struct groups {
	const struct spec *spec;
	const struct runner_opts *opts;
	struct runner_result *out;
	struct shared *sh;
	uint64_t chunks;		/* per cell */
	uint64_t n_groups;		/* grid points x chunks */
	size_t base;			/* the baseline's policy index */
	uint32_t shard, n_shards;	/* runner_checkpoint's, 1 for all */
	atomic_uint_fast64_t next;	/* the next group to take */
	atomic_uint_fast64_t run;	/* chunks run */
	guint8 *present;		/* one per chunk (journal index) */
	GMutex *locks;			/* one per cell */
};

/* Chunk k (of @t->index) of @t->cell into @t->acc, a summary. */
static void group_task(const struct groups *g, struct task *t)
{
	uint64_t k = t->index % g->chunks;

	t->spec = g->spec;
	t->first = g->opts->first + k * CHUNK;
	t->count = MIN((uint64_t)CHUNK, (uint64_t)g->spec->scenarios - k * CHUNK);
	cell_acc_init_summary(&t->acc, sim_time_to_s(t->cell->world->deadline));
	run_task(t, &(struct shared){ .tie_reverse = g->sh->tie_reverse });
	atomic_fetch_add(&g->sh->done, t->count);
}

/* Runs the chunks of group @i that are not present (and the baseline's,
 * to pair them, even when present), journals and merges them. */
static void group_run(struct groups *g, uint64_t i)
{
	size_t np = g->spec->n_policies, point = (size_t)(i / g->chunks), p;
	struct task *t = g_new0(struct task, np);
	bool *had = g_new0(bool, np), any = false;

	for (p = 0; p < np; p++) {
		t[p].cell = &g->out->cells[point * np + p];
		t[p].index = (point * np + p) * g->chunks + i % g->chunks;
		had[p] = g->present[t[p].index];
		any = any || !had[p];
	}
	for (p = 0; any && p < np; p++)
		if (p == g->base || !had[p])
			group_task(g, &t[p]);
	for (p = 0; any && p < np; p++)
		if (p != g->base && !had[p])
			cell_acc_pair_chunk(&t[p].acc, &t[g->base].acc);
	if (any)
		cell_acc_drop_scenarios(&t[g->base].acc);
	for (p = 0; any && p < np; p++) {
		GMutex *m = &g->locks[point * np + p];

		if (!had[p]) {
			if (g->sh->journal)
				journal_writer_add(g->sh->journal, t[p].index,
						   &t[p].acc);
			g_mutex_lock(m);
			cell_acc_merge(&t[p].cell->acc, &t[p].acc);
			g_mutex_unlock(m);
			g->present[t[p].index] = 1;
			atomic_fetch_add(&g->run, 1);
		}
		if (p == g->base || !had[p])
			cell_acc_release(&t[p].acc);
	}
	g_free(had);
	g_free(t);
}

static void groups_worker(gpointer data, gpointer user)
{
	struct groups *g = user;
	uint64_t i;

	(void)data;
	while ((i = (uint64_t)atomic_fetch_add(&g->next, 1)) < g->n_groups) {
		if (i % g->n_shards != g->shard)
			continue;
		if (g->sh->stop && atomic_load(g->sh->stop))
			break;
		group_run(g, i);
	}
}

/* Merges @ck->done's records (chunks, or a cell's chunks merged:
 * journal.h) into the cells of @g (summary mode); false with @error set
 * when one does not fit. The journal's reader checked that each record's
 * scenarios are its chunks' and that no chunk is in two. */
static bool groups_adopt(struct groups *g, struct journal *j, GError **error)
{
	uint64_t n = g->chunks * g->out->n_cells;
	size_t i;

	if (j->h.chunk != CHUNK || journal_chunks_total(&j->h) != n) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "journal of "
			    "another run: %" G_GUINT64_FORMAT " chunks of %u "
			    "scenarios, not %" G_GUINT64_FORMAT " of %d",
			    journal_chunks_total(&j->h), j->h.chunk, n, CHUNK);
		return false;
	}
	for (i = 0; i < j->chunks->len; i++) {
		struct journal_chunk *c =
			&g_array_index(j->chunks, struct journal_chunk, i);
		struct runner_cell *cell =
			c->cell < g->out->n_cells ? &g->out->cells[c->cell]
						  : NULL;

		if (!cell || !c->acc.summary ||
		    c->acc.deadline_s != cell->acc.deadline_s) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "journal record %zu (cell %" G_GUINT64_FORMAT
				    "): does not fit this run (cell, deadline "
				    "or statistics mode)", i + 1, c->cell);
			return false;
		}
		cell_acc_merge(&cell->acc, &c->acc);
	}
	for (i = 0; i < n; i++)
		g->present[i] = journal_has(j, i);
	return true;
}

/* run_chunks() in summary mode: @opts->threads workers take the groups in
 * turn. */
static bool run_groups(const struct spec *s, const struct runner_opts *opts,
		       struct runner_checkpoint *ck, struct runner_result *out,
		       gint64 t0, GError **error)
{
	struct shared sh = { .tie_reverse = opts->tie_reverse,
			     .journal = ck ? ck->journal : NULL,
			     .stop = ck ? ck->stop : NULL };
	struct groups g = { .spec = s, .opts = opts, .out = out, .sh = &sh };
	uint64_t n_chunks, present = 0, i, total;
	int base = spec_policy_index(s, s->baseline), w;
	bool ok;

	SIM_ASSERT(base >= 0);
	atomic_init(&sh.done, 0);
	atomic_init(&sh.finished, 0);
	g.base = (size_t)base;
	g.chunks = ((uint64_t)s->scenarios + CHUNK - 1) / CHUNK;
	g.n_groups = g.chunks * (out->n_cells / s->n_policies);
	g.shard = ck && ck->n_shards > 1 ? ck->shard : 0;
	g.n_shards = ck && ck->n_shards > 1 ? ck->n_shards : 1;
	n_chunks = g.chunks * out->n_cells;
	g.present = g_new0(guint8, n_chunks);
	atomic_init(&g.next, 0);
	atomic_init(&g.run, 0);
	ok = !ck || !ck->done || groups_adopt(&g, ck->done, error);
	g.locks = g_new(GMutex, out->n_cells);
	for (i = 0; i < out->n_cells; i++)
		g_mutex_init(&g.locks[i]);
	total = 0;
	for (i = 0; ok && i < n_chunks; i++)
		if (!g.present[i] && chunk_shard(i, g.chunks, s->n_policies,
						 g.n_shards) == g.shard)
			total += MIN((uint64_t)CHUNK, (uint64_t)s->scenarios -
				     (i % g.chunks) * CHUNK);
	if (ok) {
		GThreadPool *pool = g_thread_pool_new(
			groups_worker, &g, MAX(opts->threads, 1), TRUE, NULL);

		for (w = 0; w < MAX(opts->threads, 1); w++)
			g_thread_pool_push(pool, GINT_TO_POINTER(w + 1), NULL);
		while (opts->progress &&
		       (uint64_t)atomic_load(&g.next) < g.n_groups) {
			progress(&sh, total, t0, false);
			g_usleep(200000);
		}
		g_thread_pool_free(pool, FALSE, TRUE);
		if (opts->progress)
			progress(&sh, total, t0, true);
	}
	for (i = 0; i < out->n_cells; i++)
		g_mutex_clear(&g.locks[i]);
	for (i = 0; i < n_chunks; i++)
		present += g.present[i];
	for (i = 0; present == n_chunks && i < out->n_cells; i++)
		out->events += out->cells[i].acc.events;
	if (ck) {
		ck->chunks_total = n_chunks;
		ck->chunks_present = present;
		ck->chunks_run = (uint64_t)atomic_load(&g.run);
		ck->chunks_mine = 0;
		for (i = 0; i < n_chunks; i++)
			ck->chunks_mine += chunk_shard(i, g.chunks,
						       s->n_policies,
						       g.n_shards) == g.shard;
	}
	g_free(g.locks);
	g_free(g.present);
	return ok;
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

/* Failover sweeps: each cell against the same policy at the first value
 * of the first axis, the other axes equal, paired by scenario (what a
 * setting changes, not what a policy does). */
static void compare_points(const struct spec *s, struct runner_result *out)
{
	size_t *k = g_new(size_t, MAX(s->n_axes, 1));
	size_t *m = g_new(size_t, MAX(s->n_axes, 1));
	size_t c, r, j;

	for (c = 0; s->world.failover && s->n_axes > 0 && c < out->n_cells;
	     c++) {
		struct runner_cell *cell = &out->cells[c];

		spec_point_indices(s, cell->point, k);
		/* summary mode pairs only with the baseline, chunk by chunk:
		 * no figures against the first point */
		if (k[0] == 0 || cell->acc.summary)
			continue;
		for (r = 0; r < out->n_cells; r++) {
			const struct runner_cell *ref = &out->cells[r];
			bool same = ref->policy == cell->policy;

			spec_point_indices(s, ref->point, m);
			same = same && m[0] == 0;
			for (j = 1; same && j < s->n_axes; j++)
				same = m[j] == k[j];
			if (!same)
				continue;
			fo_paired_compute(&cell->acc.fo, &ref->acc.fo,
					  &cell->fo_point);
			cell->has_fo_point = cell->fo_point.enabled;
			break;
		}
	}
	g_free(k);
	g_free(m);
}

bool runner_run_checkpointed(const struct spec *s,
			     const struct runner_opts *opts,
			     struct runner_checkpoint *ck,
			     struct runner_result *out, GError **error)
{
	gint64 t0 = g_get_monotonic_time();
	size_t c;

	bool summary = runner_summary_mode(s, opts);

	cells_init(s, out, summary);
	if (!(summary ? run_groups : run_chunks)(s, opts, ck, out, t0, error))
		return false;
	if (ck && ck->chunks_present < ck->chunks_total)
		return true;
	for (c = 0; c < out->n_cells; c++) {
		cell_acc_summarise(&out->cells[c].acc, &out->cells[c].sum);
		out->cells[c].sum.fo.grace_period_s = sim_time_to_s(
			out->cells[c].k3s.node_monitor_grace_period);
	}
	if (!opts->no_compare) {
		compare_cells(s, opts, out);
		compare_points(s, out);
	}
	out->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	return true;
}

void runner_run(const struct spec *s, const struct runner_opts *opts,
		struct runner_result *out)
{
	if (!runner_run_checkpointed(s, opts, NULL, out, NULL))
		SIM_BUG("a run without a journal failed");
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
