/* The failure timeline: its draws and its actions (timeline.h). */
#include "timeline.h"
#include "net.h"
#include "node.h"
#include "server.h"

#include <string.h>

enum act {
	ACT_BEGIN,		/* a failure happens */
	ACT_END,		/* its duration is over */
	ACT_ROLL,		/* the next node of a rolling restart */
};

/* A node as the timeline sees it. */
struct tnode {
	sim_time started;	/* the (re)start a join is measured from */
	bool join_open;		/* a counted join has not ended yet */
	int n_slow, n_loss;	/* slow and loss failures in force: they may
				 * overlap, and the last to end restores */
	int n_down;		/* timed crashes in force: the host boots when
				 * the last one ends */
	int n_stopped;		/* timed stops in force */
};

struct timeline {
	struct tnode *nodes;	/* per node */
	const struct failure_config **tl; /* this scenario's timeline: the
					   * fixed failures, then the drawn */
	size_t n_tl;
	size_t max_tl;		/* room in tl and the arrays below */
	struct failure_config *drawn;	/* CONFIG_MAX_RANDOM_FAILURES */
	int *drawn_node;	/* the target of each drawn failure */
	int *drawn_group;	/* AZ partitions: n nodes per drawn failure */
	gsl_rng *rng_scenario;	/* draws the random failures */
	gsl_rng *rng_failure;	/* durations and intervals */
	sim_time *fail_duration;	/* drawn per failure */
	sim_time **fail_intervals;	/* rolling restarts: drawn per step */
	int *roll_wait;		/* rolling restart waiting for node k-1 to
				 * be Ready: k; else 0 */
	int joining;		/* nodes joining with an open join */
	int pending_actions;	/* failure actions still to come that can
				 * start a join (and rolling restarts
				 * waiting for Ready) */
};

static void check_settled(struct world *w)
{
	if (w->cfg->failover)
		return;		/* failover is watched to the deadline */
	if (w->tl->joining == 0 && w->tl->pending_actions == 0)
		sim_stop(w->sim);
}

void timeline__init(struct world *w)
{
	const struct world_config *cfg = w->cfg;
	struct timeline *t = g_new0(struct timeline, 1);
	size_t f;

	t->nodes = g_new0(struct tnode, cfg->n_nodes);
	t->max_tl = timeline__max_slots(cfg);
	t->tl = g_new0(const struct failure_config *, t->max_tl);
	t->drawn = g_new0(struct failure_config, CONFIG_MAX_RANDOM_FAILURES);
	t->drawn_node = g_new0(int, CONFIG_MAX_RANDOM_FAILURES);
	t->drawn_group = cfg->random.partition_az
		? g_new0(int, CONFIG_MAX_RANDOM_FAILURES * cfg->n_nodes) : NULL;
	t->fail_duration = g_new0(sim_time, t->max_tl);
	t->fail_intervals = g_new0(sim_time *, t->max_tl);
	t->roll_wait = g_new0(int, t->max_tl);
	t->rng_failure = gsl_rng_alloc(gsl_rng_taus2);
	t->rng_scenario = gsl_rng_alloc(gsl_rng_taus2);
	for (f = 0; f < cfg->n_failures; f++) {
		const struct failure_config *fc = &cfg->failures[f];

		if (fc->kind == FAIL_PARTITION)
			net__partition_sides(w, f, fc);
		if (fc->kind == FAIL_ROLLING_RESTART)
			t->fail_intervals[f] = g_new0(sim_time, fc->n_nodes);
	}
	w->tl = t;
}

size_t timeline__max_slots(const struct world_config *cfg)
{
	return cfg->n_failures +
	       (cfg->random.enabled ? CONFIG_MAX_RANDOM_FAILURES : 0);
}

void timeline__release(struct world *w)
{
	struct timeline *t = w->tl;
	size_t f;

	if (!t)
		return;
	for (f = 0; f < t->max_tl; f++)
		g_free(t->fail_intervals[f]);
	g_free(t->nodes);
	g_free(t->tl);
	g_free(t->drawn);
	g_free(t->drawn_node);
	g_free(t->drawn_group);
	g_free(t->fail_duration);
	g_free(t->fail_intervals);
	g_free(t->roll_wait);
	gsl_rng_free(t->rng_failure);
	gsl_rng_free(t->rng_scenario);
	g_free(t);
	w->tl = NULL;
}

/* ---- the timeline ---- */

/* "cp-1, cp-2": caller frees with g_free(). */
static char *node_names(const struct world *w, const int *nodes, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t k;

	for (k = 0; k < n; k++)
		g_string_append_printf(s, "%s%s", k ? ", " : "",
				       frame__name(w, nodes[k]));
	return g_string_free(s, FALSE);
}

static void act_event(sim *s, void *ctx, uint64_t arg);

static uint64_t act_arg(size_t f, enum act a, size_t step)
{
	return (uint64_t)f | ((uint64_t)a << 32) | ((uint64_t)step << 40);
}

/*
 * Whether an action can start a join. Only those keep a scenario going
 * once no node is joining: an outage or a slow server that ends after
 * every node is Ready changes nothing that is measured.
 */
static bool may_start_join(const struct world *w,
			   const struct failure_config *fc, enum act a)
{
	if (w->trace)
		return true;	/* a trace tells the whole timeline */
	switch (a) {
	case ACT_BEGIN:
		return fc->kind == FAIL_START || fc->kind == FAIL_RESTART ||
		       fc->kind == FAIL_ROLLING_RESTART ||
		       ((fc->kind == FAIL_STOP || fc->kind == FAIL_CRASH) &&
			fc->has_duration);
	case ACT_END:
		return fc->kind == FAIL_STOP || fc->kind == FAIL_CRASH;
	case ACT_ROLL:
		return true;
	}
	return true;
}

static void schedule_act(struct world *w, sim_time at, size_t f, enum act a,
			 size_t step)
{
	if (may_start_join(w, w->tl->tl[f], a))
		w->tl->pending_actions++;
	/* failure actions run first at their instant, in the order they
	 * were scheduled (spec order), under either tie order */
	sim_schedule_class(w->sim, at, SIM_CLASS_FAILURE, act_event, w,
			   act_arg(f, a, step));
}

/* A counted (re)start: the node should join again. */
static void counted_start(struct world *w, int id)
{
	struct tnode *n = &w->tl->nodes[id];
	struct node_record *r = &w->rec->nodes[id];

	if (!n->join_open)
		w->tl->joining++;
	n->join_open = true;
	n->started = sim_now(w->sim);
	r->counted = true;
	r->ready = false;
	r->join_time = 0;
	if (!net__host_up(w, id)) {
		net__set_host(w, id, true);
		frame__notify(w, CHANGE_HOST, id);
	}
	node__start(w, id);
}

/* The node goes down for good (until the timeline starts it): an open
 * join has failed. */
static void close_join(struct world *w, int id)
{
	struct tnode *n = &w->tl->nodes[id];

	if (n->join_open) {
		n->join_open = false;
		w->tl->joining--;
	}
}

static void do_restart(struct world *w, size_t f, int id)
{
	if (!net__host_up(w, id)) {	/* nothing to restart on a dead host */
		WTRACE(w, TRACE_NOTE, id, -1, "failure: restart %s skipped: "
		       "its host is down", frame__name(w, id));
		return;
	}
	WTRACE_FAILURE(w, TRACE_FAILURE, f, id, "failure: restart %s",
		       frame__name(w, id));
	node__stop(w, id);
	counted_start(w, id);
}

static void roll_next(struct world *w, size_t f, size_t step)
{
	const struct failure_config *fc = w->tl->tl[f];

	if (step + 1 >= fc->n_nodes)
		return;
	schedule_act(w, sim_time_add(sim_now(w->sim),
				     w->tl->fail_intervals[f][step]),
		     f, ACT_ROLL, step + 1);
}

/* Restarts node @step of rolling restart @f, then schedules the next or
 * waits for this one to be Ready. */
static void roll_step(struct world *w, size_t f, size_t step)
{
	const struct failure_config *fc = w->tl->tl[f];

	do_restart(w, f, fc->nodes[step]);
	if (!fc->wait_ready || step + 1 >= fc->n_nodes) {
		roll_next(w, f, step);
	} else if (node__phase(w, fc->nodes[step]) != PHASE_JOINING) {
		/* Ready at once, or its host is down and it did not restart:
		 * nothing to wait for */
		roll_next(w, f, step);
	} else {
		w->tl->roll_wait[f] = (int)step + 1;
		w->tl->pending_actions++;
	}
}

/* A partition begins: its trace line. */
static void trace_partition(struct world *w, size_t f,
			    const struct failure_config *fc)
{
	char *who = node_names(w, fc->nodes, fc->n_nodes);
	char *from = fc->peers ? node_names(w, fc->peers, fc->n_peers)
			       : g_strdup("every other node");

	WTRACE_FAILURE(w, TRACE_FAILURE, f, -1, "failure: partition %zu "
		       "begins: %s %s %s", f, who,
		       fc->one_way ? "cannot send to" : "cut off from", from);
	g_free(who);
	g_free(from);
}

static void begin(struct world *w, size_t f)
{
	const struct failure_config *fc = w->tl->tl[f];
	size_t k;

	switch (fc->kind) {
	case FAIL_STOP:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE, f, id,
				       "failure: stop %s", frame__name(w, id));
			close_join(w, id);
			w->tl->nodes[id].n_stopped += fc->has_duration;
			node__stop(w, id);
		}
		break;
	case FAIL_START:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE, f, id,
				       "failure: start %s", frame__name(w, id));
			if (!node__running(w, id) || !net__host_up(w, id))
				counted_start(w, id);
		}
		break;
	case FAIL_RESTART:
		for (k = 0; k < fc->n_nodes; k++)
			do_restart(w, f, fc->nodes[k]);
		break;
	case FAIL_CRASH:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE, f, id,
				       "failure: crash %s's host",
				       frame__name(w, id));
			close_join(w, id);
			w->tl->nodes[id].n_down += fc->has_duration;
			/* the host goes first: peers see a black hole, not a
			 * reset (the stop's notify tells them) */
			net__set_host(w, id, false);
			if (node__running(w, id))
				node__stop(w, id);
			else
				frame__notify(w, CHANGE_HOST, id);
		}
		break;
	case FAIL_ROLLING_RESTART:
		roll_step(w, f, 0);
		break;
	case FAIL_AZ_OUTAGE:
		WTRACE_FAILURE(w, TRACE_FAILURE, f, -1, "failure: AZ %s out",
			       w->cfg->azs[fc->az].name);
		net__az_outage(w, fc->az, +1);
		frame__notify(w, CHANGE_REACH, -1);
		break;
	case FAIL_PARTITION:
		if (G_UNLIKELY(w->trace != NULL))
			trace_partition(w, f, fc);
		net__partition_set(w, f, true);
		frame__notify(w, CHANGE_REACH, -1);
		break;
	case FAIL_SLOW:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE, f, id,
				       "failure: %s slow x%g",
				       frame__name(w, id), fc->factor);
			server__set_slow(w, id, fc->factor);
			w->tl->nodes[id].n_slow += fc->has_duration;
		}
		break;
	case FAIL_LOSS:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE, f, id,
				       "failure: %s loses %g of SYNs",
				       frame__name(w, id), fc->loss);
			net__set_loss(w, id, fc->loss);
			w->tl->nodes[id].n_loss += fc->has_duration;
		}
		break;
	case FAIL_N_KINDS:
		SIM_BUG("bad failure kind");
	}
	if (fc->has_duration)
		schedule_act(w, sim_time_add(sim_now(w->sim),
					     w->tl->fail_duration[f]),
			     f, ACT_END, 0);
}

static void end(struct world *w, size_t f)
{
	const struct failure_config *fc = w->tl->tl[f];
	size_t k;
	int left;

	switch (fc->kind) {
	case FAIL_STOP:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE_END, f, id,
				       "failure ends: %s starts again",
				       frame__name(w, id));
			if (--w->tl->nodes[id].n_stopped > 0)
				continue;	/* another stop still holds */
			if (!node__running(w, id) && net__host_up(w, id))
				counted_start(w, id);
		}
		break;
	case FAIL_CRASH:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			WTRACE_FAILURE(w, TRACE_FAILURE_END, f, id,
				       "failure ends: %s's host boots",
				       frame__name(w, id));
			if (--w->tl->nodes[id].n_down > 0)
				continue;	/* another crash still holds */
			if (!net__host_up(w, id))
				counted_start(w, id);
		}
		break;
	case FAIL_AZ_OUTAGE:
		left = net__az_outage(w, fc->az, -1);
		WTRACE_FAILURE(w, TRACE_FAILURE_END, f, -1, left
			       ? "failure ends: an outage of AZ %s (another "
				 "holds)"
			       : "failure ends: AZ %s back",
			       w->cfg->azs[fc->az].name);
		frame__notify(w, CHANGE_REACH, -1);
		break;
	case FAIL_PARTITION:
		WTRACE_FAILURE(w, TRACE_FAILURE_END, f, -1,
			       "failure ends: partition %zu heals", f);
		net__partition_set(w, f, false);
		frame__notify(w, CHANGE_REACH, -1);
		break;
	case FAIL_SLOW:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			if (--w->tl->nodes[id].n_slow > 0)
				continue;
			WTRACE_FAILURE(w, TRACE_FAILURE_END, f, id,
				       "failure ends: %s no longer slow",
				       frame__name(w, id));
			server__set_slow(w, id, 1);
		}
		break;
	case FAIL_LOSS:
		for (k = 0; k < fc->n_nodes; k++) {
			int id = fc->nodes[k];

			if (--w->tl->nodes[id].n_loss > 0)
				continue;
			WTRACE_FAILURE(w, TRACE_FAILURE_END, f, id,
				       "failure ends: %s loses no SYNs",
				       frame__name(w, id));
			net__set_loss(w, id, 0);
		}
		break;
	default:
		break;
	}
}

static void act_event(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	size_t f = (uint32_t)arg, step = (size_t)(arg >> 40);
	enum act a = (enum act)((arg >> 32) & 0xff);

	(void)s;
	if (may_start_join(w, w->tl->tl[f], a))
		w->tl->pending_actions--;
	switch (a) {
	case ACT_BEGIN:
		begin(w, f);
		break;
	case ACT_END:
		end(w, f);
		break;
	case ACT_ROLL:
		roll_step(w, f, step);
		break;
	}
	check_settled(w);
}

/* @node is Ready: its counted join ends; a rolling restart that waits
 * for it goes on (while it waits it holds a pending action, so that the
 * scenario does not end early). */
void timeline__ready(struct world *w, int node)
{
	struct tnode *n = &w->tl->nodes[node];
	struct node_record *r = &w->rec->nodes[node];
	size_t f;

	if (n->join_open) {
		n->join_open = false;
		w->tl->joining--;
		r->ready = true;
		r->join_time = sim_now(w->sim) - n->started;
	}
	for (f = 0; f < w->tl->n_tl; f++) {
		const struct failure_config *fc = w->tl->tl[f];
		int k = w->tl->roll_wait[f] - 1;

		if (k < 0 || fc->nodes[k] != node)
			continue;
		w->tl->roll_wait[f] = 0;
		w->tl->pending_actions--;
		roll_next(w, f, (size_t)k);
	}
	check_settled(w);
}

/* Picks a kind by the random config's weights. */
static failure_kind draw_kind(const struct random_config *rc, gsl_rng *r)
{
	double total = 0, x;
	int k;

	for (k = 0; k < FAIL_N_KINDS; k++)
		total += rc->weight[k];
	x = gsl_rng_uniform(r) * total;
	for (k = 0; k < FAIL_N_KINDS; k++) {
		if (rc->weight[k] <= 0)
			continue;
		if (x < rc->weight[k])
			return (failure_kind)k;
		x -= rc->weight[k];
	}
	for (k = FAIL_N_KINDS - 1; k > 0 && rc->weight[k] <= 0; k--)
		;
	return (failure_kind)k;	/* rounding left x on the total */
}

/*
 * Draws this scenario's random failures into the timeline. Every draw is
 * made whatever its outcome (a kind that needs no factor still draws one)
 * so that one failure's kind never shifts the next failure's draws.
 */
static void draw_random(struct world *w)
{
	const struct random_config *rc = &w->cfg->random;
	gsl_rng *r = w->tl->rng_scenario;
	double c = dist_sample(&rc->count, r);
	size_t i, n = c > 0 ? (size_t)MIN(c, CONFIG_MAX_RANDOM_FAILURES) : 0;

	for (i = 0; i < n; i++) {
		struct failure_config *f = &w->tl->drawn[i];
		size_t slot = w->tl->n_tl;
		sim_time at = dist_sample_time(&rc->at, r);
		failure_kind kind = draw_kind(rc, r);
		int node = rc->nodes[gsl_rng_uniform_int(r, rc->n_nodes)];
		int az = rc->azs[gsl_rng_uniform_int(r, rc->n_azs)];
		sim_time duration = rc->has_duration
			? dist_sample_time(&rc->duration, r) : 0;
		double factor = dist_sample(&rc->factor, r);
		double rate = dist_sample(&rc->rate, r);
		bool one_way = gsl_rng_uniform(r) < rc->one_way;

		if (at > w->cfg->deadline)
			continue;	/* drawn, so later draws stay put, but
					 * it would happen after the end */
		*f = (struct failure_config){
			.at = at,
			.kind = kind,
			.az = az,
			.one_way = one_way,
			.has_duration = rc->has_duration,
			.factor = MAX(factor, 1.0),
			.loss = CLAMP(rate, 0.0, 0.99),
		};
		w->tl->drawn_node[i] = node;
		if (kind == FAIL_PARTITION && rc->partition_az) {
			/* the AZ's nodes on one side, everyone else on the
			 * other */
			int *group = &w->tl->drawn_group[i * (size_t)w->n];
			int k;

			f->nodes = group;
			f->n_nodes = 0;
			for (k = 0; k < w->n; k++)
				if (w->cfg->nodes[k].az == az)
					group[f->n_nodes++] = k;
		} else if (kind != FAIL_AZ_OUTAGE) {
			f->nodes = &w->tl->drawn_node[i];
			f->n_nodes = 1;
		}
		w->tl->tl[slot] = f;
		w->tl->fail_duration[slot] = duration;
		if (kind == FAIL_PARTITION)
			net__partition_sides(w, slot, f);
		w->tl->n_tl++;
	}
}

/* Draws the timeline's random parts, in spec order, before anything runs:
 * first the fixed failures' durations and intervals, then the random
 * failures (from their own stream). */
static void draw_timeline(struct world *w)
{
	size_t f, k;

	w->tl->n_tl = w->cfg->n_failures;
	for (f = 0; f < w->tl->n_tl; f++)
		w->tl->tl[f] = &w->cfg->failures[f];

	for (f = 0; f < w->tl->n_tl; f++) {
		const struct failure_config *fc = w->tl->tl[f];

		w->tl->fail_duration[f] = fc->has_duration
			? dist_sample_time(&fc->duration, w->tl->rng_failure) : 0;
		if (fc->kind == FAIL_ROLLING_RESTART)
			for (k = 0; k + 1 < fc->n_nodes; k++)
				w->tl->fail_intervals[f][k] = dist_sample_time(
					&fc->interval, w->tl->rng_failure);
	}
	if (w->cfg->random.enabled)
		draw_random(w);
}

size_t timeline__draw(struct world *w, uint64_t seed, uint64_t scenario)
{
	struct timeline *t = w->tl;
	size_t f;
	int i;

	t->joining = 0;
	t->pending_actions = 0;
	sim_rng_seed(t->rng_failure, seed, scenario, SIM_RNG_FAILURE, 0);
	sim_rng_seed(t->rng_scenario, seed, scenario, SIM_RNG_SCENARIO, 0);
	draw_timeline(w);
	for (i = 0; i < w->n; i++)
		t->nodes[i] = (struct tnode){ 0 };
	for (f = 0; f < t->n_tl; f++)
		t->roll_wait[f] = 0;
	return t->n_tl;
}

bool timeline__start(struct world *w)
{
	struct timeline *t = w->tl;
	size_t f;

	for (f = 0; f < t->n_tl; f++)
		schedule_act(w, t->tl[f]->at, f, ACT_BEGIN, 0);
	return t->pending_actions > 0;
}
