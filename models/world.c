/*
 * The world: set-up and reset per scenario, the failure timeline, the run,
 * the run record and the trace.
 *
 * Every node starts Ready at time 0 (it joined before the scenario), with
 * its host and process up, unless the spec says "up": false. A node that
 * is Ready at time 0 runs no load balancer until it restarts: nothing in
 * the scenario dials through it before then. Joins are counted from the
 * (re)starts the timeline makes: a node should join again when the
 * timeline starts or restarts it, and its join time runs from that moment
 * to Ready, systemd restarts after fatal errors included.
 *
 * The timeline's random draws (durations, rolling-restart intervals) are
 * made up front from the failure stream of (seed, scenario), so every
 * policy faces the same timeline.
 */
#include "world_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum act {
	ACT_BEGIN,		/* a failure happens */
	ACT_END,		/* its duration is over */
	ACT_ROLL,		/* the next node of a rolling restart */
};

const char *const trace_kind_names[TRACE_N_KINDS] = {
	[TRACE_FAILURE] = "failure",
	[TRACE_FAILURE_END] = "failure_end",
	[TRACE_START] = "start",
	[TRACE_FATAL] = "fatal",
	[TRACE_READY] = "ready",
	[TRACE_DIAL] = "dial",
	[TRACE_DIAL_OK] = "dial_ok",
	[TRACE_DIAL_REFUSED] = "dial_refused",
	[TRACE_DIAL_TIMEOUT] = "dial_timeout",
	[TRACE_REQUEST] = "request",
	[TRACE_ANSWER] = "answer",
	[TRACE_ANSWER_FAILED] = "answer_failed",
	[TRACE_STATE] = "lb_state",
	[TRACE_HEALTH] = "health",
	[TRACE_ETCD] = "etcd",
	[TRACE_NOTE] = "note",
};

void world__trace(struct world *w, trace_kind kind, int node, int peer,
		  const char *fmt, ...)
{
	char line[512];
	va_list ap;
	struct trace_event ev;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ev.t = sim_now(w->sim);
	ev.kind = kind;
	ev.node = node;
	ev.peer = peer;
	ev.failure = kind == TRACE_FAILURE || kind == TRACE_FAILURE_END ?
		     w->trace_failure : -1;
	ev.text = line;
	w->trace(w->trace_ctx, &ev);
}

const char *world__name(const struct world *w, int node)
{
	return node >= 0 ? w->cfg->nodes[node].name : "-";
}

void world__check_settled(struct world *w)
{
	if (w->joining == 0 && w->pending_actions == 0)
		sim_stop(w->sim);
}

void world__node_changed(struct world *w, int node)
{
	/* only etcd members matter to etcd: control-plane and agent
	 * restarts differ between policies and must not move elections */
	if (role_has_etcd(w->nodes[node].cfg->role))
		etcd__changed(w);
	join__server_changed(w, node);
}

static void all_changed(struct world *w)
{
	int i;

	etcd__changed(w);
	for (i = 0; i < w->n; i++)
		join__server_changed(w, i);
}

/* ---- set-up ---- */

/* Which side of partition @fc (timeline slot @f) each node is on. */
static void set_sides(struct world *w, size_t f, const struct failure_config *fc)
{
	guint8 *side = w->parts[f].side;
	size_t k;
	int i;

	for (i = 0; i < w->n; i++)
		side[i] = fc->peers ? 0 : 2;
	for (k = 0; k < fc->n_nodes; k++)
		side[fc->nodes[k]] = 1;
	for (k = 0; k < fc->n_peers; k++)
		side[fc->peers[k]] = 2;
	w->parts[f].one_way = fc->one_way;
}

struct world *world_new(const struct world_config *cfg,
			const struct policy_ops *ops,
			const struct policy_params *params)
{
	struct world *w = g_new0(struct world, 1);
	size_t f;
	int i;

	w->trace_failure = -1;
	SIM_ASSERT(cfg->n_nodes > 0 && cfg->n_nodes <= CONFIG_MAX_NODES);
	w->cfg = cfg;
	w->ops = ops;
	w->pp = params;
	w->sim = sim_new();
	w->n = (int)cfg->n_nodes;
	w->nodes = g_new0(struct wnode, cfg->n_nodes);
	for (i = 0; i < w->n; i++) {
		struct wnode *n = &w->nodes[i];

		n->id = i;
		n->cfg = &cfg->nodes[i];
		n->waiting = g_queue_new();
		n->rng_latency = gsl_rng_alloc(gsl_rng_taus2);
		n->rng_service = gsl_rng_alloc(gsl_rng_taus2);
		n->rng_join = gsl_rng_alloc(gsl_rng_taus2);
		n->rng_policy = gsl_rng_alloc(gsl_rng_taus2);
		n->rng_loss = gsl_rng_alloc(gsl_rng_taus2);
	}
	w->ops_pool = g_ptr_array_new_with_free_func(g_free);
	w->free_ops = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	w->az_out = g_new0(int, cfg->n_azs);
	w->max_tl = cfg->n_failures +
		    (cfg->random.enabled ? CONFIG_MAX_RANDOM_FAILURES : 0);
	w->tl = g_new0(const struct failure_config *, w->max_tl);
	w->drawn = g_new0(struct failure_config, CONFIG_MAX_RANDOM_FAILURES);
	w->drawn_node = g_new0(int, CONFIG_MAX_RANDOM_FAILURES);
	w->drawn_group = cfg->random.partition_az
		? g_new0(int, CONFIG_MAX_RANDOM_FAILURES * cfg->n_nodes) : NULL;
	w->parts = g_new0(struct partition, w->max_tl);
	w->fail_duration = g_new0(sim_time, w->max_tl);
	w->fail_intervals = g_new0(sim_time *, w->max_tl);
	w->roll_wait = g_new0(int, w->max_tl);
	for (f = 0; f < w->max_tl; f++)
		w->parts[f].side = g_new0(guint8, cfg->n_nodes);
	for (f = 0; f < cfg->n_failures; f++) {
		const struct failure_config *fc = &cfg->failures[f];

		if (fc->kind == FAIL_PARTITION)
			set_sides(w, f, fc);
		if (fc->kind == FAIL_ROLLING_RESTART)
			w->fail_intervals[f] = g_new0(sim_time, fc->n_nodes);
	}
	w->rng_failure = gsl_rng_alloc(gsl_rng_taus2);
	w->rng_scenario = gsl_rng_alloc(gsl_rng_taus2);
	w->rng_election = gsl_rng_alloc(gsl_rng_taus2);
	etcd__init(w);
	return w;
}

static void drop_queue(struct wnode *n)
{
	struct queued *q;

	while ((q = g_queue_pop_head(n->waiting)) != NULL)
		g_free(q);
}

/* Ends what a run left behind: load balancers, queues, ops. */
static void cleanup(struct world *w)
{
	guint i;
	int k, l;

	for (k = 0; k < w->n; k++) {
		for (l = 0; l < LB_N; l++) {
			if (w->nodes[k].lbs[l].state) {
				w->ops->lb_free(w->nodes[k].lbs[l].state);
				if (w->pp->outlier.enabled)
					outlier_release(&w->nodes[k].lbs[l].outlier);
			}
			w->nodes[k].lbs[l].state = NULL;
		}
		drop_queue(&w->nodes[k]);
	}
	g_array_set_size(w->free_ops, 0);
	for (i = 0; i < w->ops_pool->len; i++) {
		struct op *op = g_ptr_array_index(w->ops_pool, i);

		op->in_use = false;
		op->gen++;
		g_array_append_val(w->free_ops, op->index);
	}
}

void world_free(struct world *w)
{
	size_t f;
	int i;

	if (!w)
		return;
	cleanup(w);
	for (i = 0; i < w->n; i++) {
		struct wnode *n = &w->nodes[i];

		g_queue_free(n->waiting);
		gsl_rng_free(n->rng_latency);
		gsl_rng_free(n->rng_service);
		gsl_rng_free(n->rng_join);
		gsl_rng_free(n->rng_policy);
		gsl_rng_free(n->rng_loss);
	}
	for (f = 0; f < w->max_tl; f++) {
		g_free(w->parts[f].side);
		g_free(w->fail_intervals[f]);
	}
	g_free(w->tl);
	g_free(w->drawn);
	g_free(w->drawn_node);
	g_free(w->drawn_group);
	g_free(w->parts);
	g_free(w->fail_duration);
	g_free(w->fail_intervals);
	g_free(w->roll_wait);
	g_free(w->az_out);
	g_ptr_array_free(w->ops_pool, TRUE);
	g_array_free(w->free_ops, TRUE);
	gsl_rng_free(w->rng_failure);
	gsl_rng_free(w->rng_scenario);
	gsl_rng_free(w->rng_election);
	etcd__release(w);
	sim_free(w->sim);
	g_free(w->nodes);
	g_free(w);
}

void world_set_trace(struct world *w, world_trace_fn fn, void *ctx)
{
	w->trace = fn;
	w->trace_ctx = ctx;
}

void run_record_init(struct run_record *rec, size_t n_nodes)
{
	memset(rec, 0, sizeof(*rec));
	rec->n_nodes = n_nodes;
	rec->nodes = g_new0(struct node_record, n_nodes);
}

void run_record_release(struct run_record *rec)
{
	g_free(rec->nodes);
	memset(rec, 0, sizeof(*rec));
}

/* ---- the timeline ---- */

/* "cp-1, cp-2": caller frees with g_free(). */
static char *node_names(const struct world *w, const int *nodes, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t k;

	for (k = 0; k < n; k++)
		g_string_append_printf(s, "%s%s", k ? ", " : "",
				       world__name(w, nodes[k]));
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
	if (may_start_join(w, w->tl[f], a))
		w->pending_actions++;
	sim_schedule(w->sim, at, act_event, w, act_arg(f, a, step));
}

/* A counted (re)start: the node should join again. */
static void counted_start(struct world *w, int id)
{
	struct wnode *n = &w->nodes[id];
	struct node_record *r = &w->rec->nodes[id];

	if (!n->join_open)
		w->joining++;
	n->join_open = true;
	n->started = sim_now(w->sim);
	r->counted = true;
	r->ready = false;
	r->join_time = 0;
	if (!n->host_up) {
		n->host_up = true;
		world__node_changed(w, id);
	}
	join__start(w, id);
}

/* The node goes down for good (until the timeline starts it): an open
 * join has failed. */
static void close_join(struct world *w, struct wnode *n)
{
	if (n->join_open) {
		n->join_open = false;
		w->joining--;
	}
}

static void do_restart(struct world *w, int id)
{
	struct wnode *n = &w->nodes[id];

	if (!n->host_up) {	/* nothing to restart on a dead host */
		WTRACE(w, TRACE_NOTE, id, -1, "failure: restart %s skipped: "
		       "its host is down", world__name(w, id));
		return;
	}
	WTRACE(w, TRACE_FAILURE, id, -1, "failure: restart %s", world__name(w, id));
	join__stop(w, id);
	counted_start(w, id);
}

static void roll_next(struct world *w, size_t f, size_t step)
{
	const struct failure_config *fc = w->tl[f];

	if (step + 1 >= fc->n_nodes)
		return;
	schedule_act(w, sim_time_add(sim_now(w->sim), w->fail_intervals[f][step]),
		     f, ACT_ROLL, step + 1);
}

/* Restarts node @step of rolling restart @f, then schedules the next or
 * waits for this one to be Ready. */
static void roll_step(struct world *w, size_t f, size_t step)
{
	const struct failure_config *fc = w->tl[f];

	do_restart(w, fc->nodes[step]);
	if (!fc->wait_ready || step + 1 >= fc->n_nodes) {
		roll_next(w, f, step);
	} else if (w->nodes[fc->nodes[step]].phase != PHASE_JOINING) {
		/* Ready at once, or its host is down and it did not restart:
		 * nothing to wait for */
		roll_next(w, f, step);
	} else {
		w->roll_wait[f] = (int)step + 1;
		w->pending_actions++;
	}
}

static void begin(struct world *w, size_t f)
{
	const struct failure_config *fc = w->tl[f];
	size_t k;

	switch (fc->kind) {
	case FAIL_STOP:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE, fc->nodes[k], -1, "failure: stop %s",
			       world__name(w, fc->nodes[k]));
			close_join(w, &w->nodes[fc->nodes[k]]);
			w->nodes[fc->nodes[k]].n_stopped += fc->has_duration;
			join__stop(w, fc->nodes[k]);
		}
		break;
	case FAIL_START:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE, fc->nodes[k], -1, "failure: start %s",
			       world__name(w, fc->nodes[k]));
			if (!w->nodes[fc->nodes[k]].proc_up ||
			    !w->nodes[fc->nodes[k]].host_up)
				counted_start(w, fc->nodes[k]);
		}
		break;
	case FAIL_RESTART:
		for (k = 0; k < fc->n_nodes; k++)
			do_restart(w, fc->nodes[k]);
		break;
	case FAIL_CRASH:
		for (k = 0; k < fc->n_nodes; k++) {
			struct wnode *n = &w->nodes[fc->nodes[k]];

			WTRACE(w, TRACE_FAILURE, n->id, -1, "failure: crash %s's host", n->cfg->name);
			close_join(w, n);
			n->n_down += fc->has_duration;
			/* the host goes first: peers see a black hole, not a
			 * reset (join__stop tells them) */
			n->host_up = false;
			if (n->proc_up)
				join__stop(w, n->id);
			else
				world__node_changed(w, n->id);
		}
		break;
	case FAIL_ROLLING_RESTART:
		roll_step(w, f, 0);
		break;
	case FAIL_AZ_OUTAGE:
		WTRACE(w, TRACE_FAILURE, -1, -1, "failure: AZ %s out", w->cfg->azs[fc->az].name);
		w->az_out[fc->az]++;
		all_changed(w);
		break;
	case FAIL_PARTITION:
		if (G_UNLIKELY(w->trace != NULL)) {
			char *who = node_names(w, fc->nodes, fc->n_nodes);
			char *from = fc->peers ? node_names(w, fc->peers,
							    fc->n_peers)
					       : g_strdup("every other node");

			WTRACE(w, TRACE_FAILURE, -1, -1, "failure: partition %zu "
			       "begins: %s %s %s", f, who,
			       fc->one_way ? "cannot send to" : "cut off from",
			       from);
			g_free(who);
			g_free(from);
		}
		w->parts[f].active = true;
		all_changed(w);
		break;
	case FAIL_SLOW:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE, fc->nodes[k], -1, "failure: %s slow x%g",
			       world__name(w, fc->nodes[k]), fc->factor);
			w->nodes[fc->nodes[k]].slow = fc->factor;
			w->nodes[fc->nodes[k]].n_slow += fc->has_duration;
		}
		break;
	case FAIL_LOSS:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE, fc->nodes[k], -1, "failure: %s loses %g of SYNs",
			       world__name(w, fc->nodes[k]), fc->loss);
			w->nodes[fc->nodes[k]].loss = fc->loss;
			w->nodes[fc->nodes[k]].n_loss += fc->has_duration;
		}
		break;
	case FAIL_N_KINDS:
		SIM_BUG("bad failure kind");
	}
	if (fc->has_duration)
		schedule_act(w, sim_time_add(sim_now(w->sim), w->fail_duration[f]),
			     f, ACT_END, 0);
}

static void end(struct world *w, size_t f)
{
	const struct failure_config *fc = w->tl[f];
	size_t k;

	switch (fc->kind) {
	case FAIL_STOP:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE_END, fc->nodes[k], -1,
			       "failure ends: %s starts again",
			       world__name(w, fc->nodes[k]));
			if (--w->nodes[fc->nodes[k]].n_stopped > 0)
				continue;	/* another stop still holds */
			if (!w->nodes[fc->nodes[k]].proc_up &&
			    w->nodes[fc->nodes[k]].host_up)
				counted_start(w, fc->nodes[k]);
		}
		break;
	case FAIL_CRASH:
		for (k = 0; k < fc->n_nodes; k++) {
			WTRACE(w, TRACE_FAILURE_END, fc->nodes[k], -1, "failure ends: %s's host boots",
			       world__name(w, fc->nodes[k]));
			if (--w->nodes[fc->nodes[k]].n_down > 0)
				continue;	/* another crash still holds */
			if (!w->nodes[fc->nodes[k]].host_up)
				counted_start(w, fc->nodes[k]);
		}
		break;
	case FAIL_AZ_OUTAGE:
		w->az_out[fc->az]--;
		WTRACE(w, TRACE_FAILURE_END, -1, -1, w->az_out[fc->az]
		       ? "failure ends: an outage of AZ %s (another holds)"
		       : "failure ends: AZ %s back", w->cfg->azs[fc->az].name);
		all_changed(w);
		break;
	case FAIL_PARTITION:
		WTRACE(w, TRACE_FAILURE_END, -1, -1, "failure ends: partition %zu heals", f);
		w->parts[f].active = false;
		all_changed(w);
		break;
	case FAIL_SLOW:
		for (k = 0; k < fc->n_nodes; k++) {
			if (--w->nodes[fc->nodes[k]].n_slow > 0)
				continue;
			WTRACE(w, TRACE_FAILURE_END, fc->nodes[k], -1,
			       "failure ends: %s no longer slow",
			       world__name(w, fc->nodes[k]));
			w->nodes[fc->nodes[k]].slow = 1;
		}
		break;
	case FAIL_LOSS:
		for (k = 0; k < fc->n_nodes; k++) {
			if (--w->nodes[fc->nodes[k]].n_loss > 0)
				continue;
			WTRACE(w, TRACE_FAILURE_END, fc->nodes[k], -1,
			       "failure ends: %s loses no SYNs",
			       world__name(w, fc->nodes[k]));
			w->nodes[fc->nodes[k]].loss = 0;
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
	if (may_start_join(w, w->tl[f], a))
		w->pending_actions--;
	w->trace_failure = (int)f;
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
	w->trace_failure = -1;
	world__check_settled(w);
}

/* Rolling restarts that wait for Ready: while one waits for @node, it
 * holds a pending action so that the scenario does not end early. */
void world__ready(struct world *w, int node)
{
	size_t f;

	for (f = 0; f < w->n_tl; f++) {
		const struct failure_config *fc = w->tl[f];
		int k = w->roll_wait[f] - 1;

		if (k < 0 || fc->nodes[k] != node)
			continue;
		w->roll_wait[f] = 0;
		w->pending_actions--;
		roll_next(w, f, (size_t)k);
	}
}

/* ---- a run ---- */

/* The address lists a node starts with: its cached list from the spec,
 * restricted to what each LB balances (apiservers for an agent's
 * supervisor LB, etcd members for a control-plane server's etcd LB). */
static void load_cache(struct world *w, struct wnode *n)
{
	size_t i;
	int l;

	for (l = 0; l < LB_N; l++)
		n->n_saved[l] = 0;
	for (i = 0; i < n->cfg->n_cache; i++) {
		int s = n->cfg->cache[i];
		node_role r = w->nodes[s].cfg->role;

		if (s == n->id)
			continue;
		if (role_has_apiserver(r) &&
		    n->n_saved[LB_SUPERVISOR] < CONFIG_MAX_SERVERS)
			n->saved[LB_SUPERVISOR][n->n_saved[LB_SUPERVISOR]++] = s;
		if (role_has_etcd(r) && n->n_saved[LB_ETCD] < CONFIG_MAX_SERVERS)
			n->saved[LB_ETCD][n->n_saved[LB_ETCD]++] = s;
	}
}

static void seed_streams(struct world *w, uint64_t seed, uint64_t scenario)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct wnode *n = &w->nodes[i];
		uint64_t e = (uint64_t)i;

		sim_rng_seed(n->rng_latency, seed, scenario, SIM_RNG_LATENCY, e);
		sim_rng_seed(n->rng_service, seed, scenario, SIM_RNG_SERVICE, e);
		sim_rng_seed(n->rng_join, seed, scenario, SIM_RNG_JOIN, e);
		sim_rng_seed(n->rng_policy, seed, scenario, SIM_RNG_POLICY, e);
		sim_rng_seed(n->rng_loss, seed, scenario, SIM_RNG_LOSS, e);
	}
	sim_rng_seed(w->rng_failure, seed, scenario, SIM_RNG_FAILURE, 0);
	sim_rng_seed(w->rng_scenario, seed, scenario, SIM_RNG_SCENARIO, 0);
	sim_rng_seed(w->rng_election, seed, scenario, SIM_RNG_ELECTION, 0);
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
	gsl_rng *r = w->rng_scenario;
	double c = dist_sample(&rc->count, r);
	size_t i, n = c > 0 ? (size_t)MIN(c, CONFIG_MAX_RANDOM_FAILURES) : 0;

	for (i = 0; i < n; i++) {
		struct failure_config *f = &w->drawn[i];
		size_t slot = w->n_tl;
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
		w->drawn_node[i] = node;
		if (kind == FAIL_PARTITION && rc->partition_az) {
			/* the AZ's nodes on one side, everyone else on the
			 * other */
			int *group = &w->drawn_group[i * (size_t)w->n];
			int k;

			f->nodes = group;
			f->n_nodes = 0;
			for (k = 0; k < w->n; k++)
				if (w->nodes[k].cfg->az == az)
					group[f->n_nodes++] = k;
		} else if (kind != FAIL_AZ_OUTAGE) {
			f->nodes = &w->drawn_node[i];
			f->n_nodes = 1;
		}
		w->tl[slot] = f;
		w->fail_duration[slot] = duration;
		if (kind == FAIL_PARTITION)
			set_sides(w, slot, f);
		w->n_tl++;
	}
}

/* Draws the timeline's random parts, in spec order, before anything runs:
 * first the fixed failures' durations and intervals, then the random
 * failures (from their own stream). */
static void draw_timeline(struct world *w)
{
	size_t f, k;

	w->n_tl = w->cfg->n_failures;
	for (f = 0; f < w->n_tl; f++)
		w->tl[f] = &w->cfg->failures[f];

	for (f = 0; f < w->n_tl; f++) {
		const struct failure_config *fc = w->tl[f];

		w->fail_duration[f] = fc->has_duration
			? dist_sample_time(&fc->duration, w->rng_failure) : 0;
		if (fc->kind == FAIL_ROLLING_RESTART)
			for (k = 0; k + 1 < fc->n_nodes; k++)
				w->fail_intervals[f][k] = dist_sample_time(
					&fc->interval, w->rng_failure);
	}
	if (w->cfg->random.enabled)
		draw_random(w);
}

void world_run(struct world *w, uint64_t seed, uint64_t scenario,
	       struct run_record *rec)
{
	size_t f;
	int i;

	SIM_ASSERT(rec->n_nodes == (size_t)w->n);
	sim_reset(w->sim);
	memset(rec->nodes, 0, (size_t)w->n * sizeof(*rec->nodes));
	w->rec = rec;
	w->joining = 0;
	w->pending_actions = 0;
	seed_streams(w, seed, scenario);
	draw_timeline(w);
	for (i = 0; i < w->n; i++) {
		struct wnode *n = &w->nodes[i];

		n->host_up = true;
		n->proc_up = n->cfg->up;
		n->ca_on_disk = n->cfg->ca_on_disk;
		n->phase = n->cfg->up ? PHASE_READY : PHASE_DOWN;
		n->inc = 0;
		n->join_open = false;
		n->step = 0;
		n->flow_timer = SIM_TIMER_NONE;
		n->slow = 1;
		n->loss = 0;
		n->n_slow = n->n_loss = n->n_down = n->n_stopped = 0;
		n->busy = 0;
		load_cache(w, n);
	}
	memset(w->az_out, 0, w->cfg->n_azs * sizeof(int));
	for (f = 0; f < w->n_tl; f++) {
		w->parts[f].active = false;
		w->roll_wait[f] = 0;
	}
	etcd__reset(w);
	for (f = 0; f < w->n_tl; f++)
		schedule_act(w, w->tl[f]->at, f, ACT_BEGIN, 0);
	if (w->pending_actions > 0)
		sim_run(w->sim, w->cfg->deadline);
	rec->success = true;
	for (i = 0; i < w->n; i++)
		if (rec->nodes[i].counted && !rec->nodes[i].ready)
			rec->success = false;
	rec->end = sim_now(w->sim);
	rec->events = sim_events_run(w->sim);
	cleanup(w);
	w->rec = NULL;
}
