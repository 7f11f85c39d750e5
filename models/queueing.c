/*
 * The queueing workload (queueing.h): Poisson arrivals, N FIFO servers with
 * c workers each, a policy's LB picking the server per request.
 *
 * Two kinds of event: an arrival (arg unused), which schedules the next
 * one until cfg->requests have arrived, and a completion (arg = the
 * request's slot). A request in the system (waiting or in service) holds a
 * slot of q->req[], a pool as large as the most requests ever in the
 * system at once (a few hundred at heavy load, so it stays in cache);
 * each server keeps its waiting requests as a singly linked FIFO threaded
 * through the slots. Per request only its response time is kept, in
 * arrival order, for the statistics.
 */
/* MAP_ANONYMOUS and MAP_POPULATE (Linux; without them, malloc) */
#define _DEFAULT_SOURCE

#include "queueing.h"
#include "batch_means.h"

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define QUEUEING_NONE UINT32_MAX	/* end of a FIFO list */

#if defined(__GNUC__) || defined(__clang__)
#define QUEUEING_PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define QUEUEING_PREFETCH_W(p) ((void)(p))
#endif

struct queueing_server {
	int busy;		/* workers serving a request */
	uint32_t head, tail;	/* waiting requests' slots, FIFO;
				 * QUEUEING_NONE */
	int waiting;		/* entries in the list */
};

/*
 * Draws made ahead from one stream, QUEUEING_AHEAD at a time: the same
 * values in the same order as one draw per request (each stream is the
 * run's own, and what is drawn past the last request is never used), but
 * in a loop where each draw's log() overlaps the next one's instead of
 * waiting in the event handler (a third of the run, drawn one by one).
 */
#define QUEUEING_AHEAD 256

struct queueing_ahead {
	sim_time v[QUEUEING_AHEAD];
	int next;		/* the next unused; QUEUEING_AHEAD: none */
};

/* A request in the system. */
struct queueing_req {
	sim_time arrival;	/* its arrival time */
	sim_time service;	/* its service time */
	uint64_t index;		/* its arrival order, 0 first */
	uint32_t next;		/* the next slot in its server's FIFO; the
				 * next free slot when free */
	int server;		/* the server it went to */
};

struct queueing {
	const struct queueing_cfg *cfg;	/* borrowed */
	sim *sim;
	gsl_rng *arrival_rng;		/* interarrival times */
	gsl_rng *service_rng;		/* service times, in arrival order */
	struct queueing_ahead arrival_ahead;	/* interarrival times */
	struct queueing_ahead service_ahead;	/* service times */
	gsl_rng *policy_rng;		/* the LB's own stream */
	struct policy_params params;
	void *lb;			/* ops->lb_new() state */
	struct queueing_server srv[LB_MAX_SERVERS];
	struct queueing_req *req;	/* the slots, req_n of them used */
	uint32_t req_n, req_cap;
	uint32_t req_free;		/* first free slot; QUEUEING_NONE */
	sim_time *response;		/* per request, in arrival order: its
					 * time in system */
	bool response_mapped;		/* queueing_big_alloc()'s way */
	uint64_t arrived;		/* requests arrived so far */
	sim_time busy_total;		/* service time of every request */
	sim_time last_done;		/* time of the last completion */
};

static void queueing_no_close(void *model, int server)
{
	/* The workload never asks for connections to be closed: no policy
	 * used here ejects servers (every dial succeeds). */
	(void)model;
	(void)server;
}

static void queueing_complete(sim *s, void *ctx, uint64_t i);

/* A free slot for a new request (the pool grows when full). */
static uint32_t queueing_slot(struct queueing *q)
{
	uint32_t r = q->req_free;

	if (r != QUEUEING_NONE) {
		q->req_free = q->req[r].next;
		return r;
	}
	if (q->req_n == q->req_cap) {
		if (q->req_cap >= QUEUEING_NONE / 2)
			SIM_BUG("more than %" G_GUINT32_FORMAT
				" requests in the system", q->req_cap);
		q->req_cap = q->req_cap ? 2 * q->req_cap : 256;
		q->req = g_renew(struct queueing_req, q->req, q->req_cap);
	}
	return q->req_n++;
}

/*
 * Room for @n times, all of which are written, its pages mapped up
 * front where the system can (MAP_POPULATE: one call maps them all, where
 * first writes would fault once per 4 KiB page, and a fault is dear, in a
 * VM more so: 7% of a 1M-request study). *@mapped says which way, for
 * queueing_big_free().
 */
static sim_time *queueing_big_alloc(uint64_t n, bool *mapped)
{
	size_t bytes = (size_t)n * sizeof(sim_time);
	void *p;

	*mapped = false;
#if defined(MADV_HUGEPAGE) && defined(MADV_POPULATE_WRITE)
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		(void)madvise(p, bytes, MADV_HUGEPAGE);
		(void)madvise(p, bytes, MADV_POPULATE_WRITE);
		*mapped = true;
		return p;
	}
#elif defined(MAP_POPULATE)
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p != MAP_FAILED) {
		*mapped = true;
		return p;
	}
#endif
	p = malloc(bytes);
	if (!p)
		g_error("out of memory (%zu bytes)", bytes);
	return p;
}

/* Frees what queueing_big_alloc(@n, &@mapped) returned. */
static void queueing_big_free(sim_time *p, uint64_t n, bool mapped)
{
	if (mapped) {
		if (munmap(p, (size_t)n * sizeof(sim_time)) != 0)
			SIM_BUG("munmap of the response times failed");
		return;
	}
	free(p);
}

/* The next interarrival time. */
static sim_time queueing_next_arrival(struct queueing *q)
{
	struct queueing_ahead *a = &q->arrival_ahead;

	if (a->next == QUEUEING_AHEAD) {
		double mean = 1.0 / q->cfg->lambda;
		int i;

		for (i = 0; i < QUEUEING_AHEAD; i++)
			a->v[i] = dist_exponential_time(q->arrival_rng, mean);
		a->next = 0;
	}
	return a->v[a->next++];
}

/* The next request's service time. */
static sim_time queueing_next_service(struct queueing *q)
{
	struct queueing_ahead *a = &q->service_ahead;

	if (a->next == QUEUEING_AHEAD) {
		int i;

		for (i = 0; i < QUEUEING_AHEAD; i++)
			a->v[i] = dist_sample_time_fast(&q->cfg->service,
							q->service_rng);
		a->next = 0;
	}
	return a->v[a->next++];
}

/* The request in slot @r starts service at server @k now. */
static void queueing_start(struct queueing *q, int k, uint32_t r)
{
	q->srv[k].busy++;
	SIM_ASSERT(q->srv[k].busy <= q->cfg->workers);
	sim_after(q->sim, q->req[r].service, queueing_complete, q, r);
}

static void queueing_arrive(sim *s, void *ctx, uint64_t arg)
{
	struct queueing *q = ctx;
	const struct policy_ops *ops = q->cfg->ops;
	struct lb_pass pass;
	uint32_t r = queueing_slot(q);
	struct queueing_req *rq = &q->req[r];
	int k;

	(void)arg;
	/* its response time is written at its completion, far ahead in
	 * an array too large for the caches: fetch the line now (for
	 * writing), so that the store then does not wait on memory (it
	 * held back every later store: a tenth of the run) */
	QUEUEING_PREFETCH_W(&q->response[q->arrived]);
	rq->index = q->arrived++;
	rq->arrival = sim_now(s);
	rq->service = queueing_next_service(q);
	q->busy_total += rq->service;

	policy_dial_begin(ops, q->lb, &pass);
	k = policy_dial_next(ops, q->lb, &pass);
	if (k < 0 || k >= q->cfg->servers)
		SIM_BUG("policy %s picked server %d of %d", ops->name, k,
			q->cfg->servers);
	policy_record(ops, q->lb, k, LB_CHECK_DIAL, LB_OK);
	policy_conn_open(ops, q->lb, k);
	rq->server = k;

	if (q->srv[k].busy < q->cfg->workers) {
		queueing_start(q, k, r);
	} else {
		rq->next = QUEUEING_NONE;
		if (q->srv[k].tail == QUEUEING_NONE)
			q->srv[k].head = r;
		else
			q->req[q->srv[k].tail].next = r;
		q->srv[k].tail = r;
		q->srv[k].waiting++;
	}

	if (q->arrived < q->cfg->requests)
		sim_after(s, queueing_next_arrival(q), queueing_arrive, q, 0);
}

static void queueing_complete(sim *s, void *ctx, uint64_t arg)
{
	struct queueing *q = ctx;
	const struct policy_ops *ops = q->cfg->ops;
	uint32_t r = (uint32_t)arg;
	struct queueing_req done = q->req[r];
	int k = done.server;
	struct queueing_server *sv = &q->srv[k];
	struct lb_feedback fb;

	q->req[r].next = q->req_free;	/* the slot is free again */
	q->req_free = r;
	q->response[done.index] = sim_now(s) - done.arrival;
	q->last_done = sim_now(s);
	sv->busy--;
	if (sv->head != QUEUEING_NONE) {
		uint32_t j = sv->head;

		sv->head = q->req[j].next;
		if (sv->head == QUEUEING_NONE)
			sv->tail = QUEUEING_NONE;
		sv->waiting--;
		queueing_start(q, k, j);
	}

	policy_conn_close(ops, q->lb, k);
	fb = (struct lb_feedback){
		.latency = sim_now(s) - done.arrival,
		.service = done.service,
		.queue = sv->waiting,
		.ok = true,
	};
	policy_observe(ops, q->lb, k, &fb);
}

static gboolean queueing_check(const struct queueing_cfg *cfg, GError **error)
{
	const char *why;

	if (!cfg->ops) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: ops: no policy given");
		return FALSE;
	}
	if (cfg->servers < 1 || cfg->servers > LB_MAX_SERVERS) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: servers: '%d' out of range (1 .. %d)",
			    cfg->servers, LB_MAX_SERVERS);
		return FALSE;
	}
	if (cfg->workers < 1) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: workers: '%d' must be >= 1",
			    cfg->workers);
		return FALSE;
	}
	if (!(cfg->lambda > 0) || !isfinite(cfg->lambda)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: lambda: '%g' must be finite and > 0",
			    cfg->lambda);
		return FALSE;
	}
	if ((why = dist_check(&cfg->service)) != NULL) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: service: %s", why);
		return FALSE;
	}
	if (cfg->requests < QUEUEING_MIN_REQUESTS) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "queueing: requests: '%" G_GUINT64_FORMAT
			    "' must be >= %d", cfg->requests,
			    QUEUEING_MIN_REQUESTS);
		return FALSE;
	}
	if (cfg->own_name) {
		int i = policy_own_find(cfg->ops, cfg->own_name);

		if (i < 0) {
			char *known = policy_param_names(cfg->ops);

			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "queueing: own_name: policy '%s' has no "
				    "parameter '%s' (known: %s)",
				    cfg->ops->name, cfg->own_name, known);
			g_free(known);
			return FALSE;
		}
		if (!(cfg->own_value >= cfg->ops->own[i].min &&
		      cfg->own_value <= cfg->ops->own[i].max)) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "queueing: own_value: %s '%g' out of "
				    "range (%g .. %g)", cfg->own_name,
				    cfg->own_value, cfg->ops->own[i].min,
				    cfg->ops->own[i].max);
			return FALSE;
		}
	}
	return TRUE;
}

/*
 * Rearranges @a[0 .. @n) so that @a[@k] is the value a sort would put
 * there, nothing after it smaller and nothing before it larger
 * (Hoare's selection, median-of-three pivots): O(n) on average, against
 * O(n log n) for a sort. @k < @n.
 */
static void select_kth(sim_time *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	SIM_ASSERT(k < n);
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		sim_time x = a[lo], y = a[mid], z = a[hi], p, t;

		/* the median of the three: no run of sorted or equal
		 * values makes every pass peel off one element */
		p = x < y ? (y < z ? y : (x < z ? z : x))
			  : (x < z ? x : (y < z ? z : y));
		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		/* now a[lo .. j] <= p <= a[i .. hi], and j < i */
		if (k <= j && j != SIZE_MAX)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;		/* between: a[k] == p */
	}
}

/* Buckets of order_stats()'s histogram. */
#define QUEUEING_BUCKET_BITS 16
#define QUEUEING_BUCKETS (1u << QUEUEING_BUCKET_BITS)

/*
 * The values a sort of @x (@n > 0) would put at the ranks @rank (@m <= 8
 * of them, each < n; ascending is quickest), into @out, without sorting: a histogram of
 * the values over 2^16 equal buckets of [min, max] (a bucket's values
 * all sort before the next bucket's), the bucket and the rank within it
 * of each wanted rank from the counts, then the wanted buckets' values
 * gathered and selected among (select_kth()). Three passes over @x that
 * branch on nothing that varies, where selection in the whole run
 * branched on every comparison. Reorders nothing in @x.
 */
static void order_stats(const sim_time *x, size_t n, const size_t *rank,
			size_t m, sim_time *out)
{
	size_t *count = g_new0(size_t, QUEUEING_BUCKETS);
	uint8_t *want = g_new0(uint8_t, QUEUEING_BUCKETS);
	size_t b_of[8], within[8], fill[8] = { 0 }, used = 0, i, j, seen;
	sim_time lo = x[0], hi = x[0], *buf[8];
	unsigned shift = 0;

	SIM_ASSERT(n > 0 && m <= 8);
	for (i = 1; i < n; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	while ((uint64_t)(hi - lo) >> shift >= QUEUEING_BUCKETS)
		shift++;
	for (i = 0; i < n; i++)
		count[(uint64_t)(x[i] - lo) >> shift]++;
	/* each rank's bucket and rank within it; want[b] = 1 + the slot
	 * of the buffer for bucket b */
	for (i = 0, j = 0, seen = 0; i < m; i++) {
		SIM_ASSERT(rank[i] < n);
		if (i > 0 && rank[i] < rank[i - 1])
			j = seen = 0;	/* from the start again */
		while (seen + count[j] <= rank[i])
			seen += count[j++];
		b_of[i] = j;
		within[i] = rank[i] - seen;
		if (!want[j]) {
			buf[used] = g_new(sim_time, count[j]);
			want[j] = (uint8_t)++used;
		}
	}
	for (i = 0; i < n; i++) {
		unsigned k = want[(uint64_t)(x[i] - lo) >> shift];

		if (k)
			buf[k - 1][fill[k - 1]++] = x[i];
	}
	for (i = 0; i < m; i++) {
		sim_time *v = buf[want[b_of[i]] - 1];

		select_kth(v, count[b_of[i]], within[i]);
		out[i] = v[within[i]];
	}
	for (i = 0; i < used; i++)
		g_free(buf[i]);
	g_free(want);
	g_free(count);
}

/*
 * The @q quantiles (ascending, @m <= 4 of them) of @x (@n > 0 times), in
 * seconds, type 7 with GSL's arithmetic: gsl_stats_quantile_from_sorted_data()
 * on the sorted values in seconds (sim_time_to_s()), bit for bit, without
 * sorting them. Each needs the order statistics at h = (n - 1) q, floor
 * and floor + 1 (order_stats()).
 */
static void quantiles_select(const sim_time *x, size_t n, const double *q,
			     size_t m, double *out)
{
	size_t rank[8], lhs[4], r = 0, i;
	sim_time v[8];

	SIM_ASSERT(m <= 4);
	for (i = 0; i < m; i++) {
		lhs[i] = (size_t)(int)(q[i] * (double)(n - 1));
		SIM_ASSERT(lhs[i] < n);
		rank[r++] = lhs[i];
		rank[r++] = lhs[i] + 1 < n ? lhs[i] + 1 : lhs[i];
	}
	order_stats(x, n, rank, r, v);
	for (i = 0; i < m; i++) {
		double h = q[i] * (double)(n - 1);
		double delta = h - (double)lhs[i];
		double x0 = sim_time_to_s(v[2 * i]);

		out[i] = lhs[i] == n - 1
			? x0
			: (1 - delta) * x0 + delta * sim_time_to_s(v[2 * i + 1]);
	}
}

/* Warm-up, mean, batch-means half-width (models/batch_means.h) and
 * quantiles of @x (@n values, arrival order). */
static void queueing_summarise(sim_time *x, uint64_t n,
			       struct queueing_result *out)
{
	static const double q[] = { 0.50, 0.90, 0.99 };
	struct batch_means bm;
	double qv[3];

	batch_means_run_int(x, n, (double)SIM_S, &bm);
	out->mean = bm.mean;
	out->half_width = bm.half_width;
	out->warmup = bm.warmup;
	out->batches = bm.batches;
	out->batch_size = bm.batch_size;
	out->lag1 = bm.lag1;
	out->uncorrelated = bm.uncorrelated;
	SIM_ASSERT(bm.kept > 0);
	quantiles_select(x + bm.warmup, bm.kept, q, 3, qv);
	out->p50 = qv[0];
	out->p90 = qv[1];
	out->p99 = qv[2];
	out->kept = bm.kept;
}

gboolean queueing_run(const struct queueing_cfg *cfg,
		      struct queueing_result *out, GError **error)
{
	struct queueing q = { .cfg = cfg };
	struct lb_env env = { 0 };
	int ids[LB_MAX_SERVERS];
	uint64_t n = cfg->requests;
	int k;

	SIM_ASSERT(cfg && out);
	if (!queueing_check(cfg, error))
		return FALSE;

	q.sim = sim_new();
	q.arrival_rng = sim_rng_new(cfg->seed, 0, SIM_RNG_SCENARIO, 0);
	q.service_rng = sim_rng_new(cfg->seed, 0, SIM_RNG_SERVICE, 0);
	q.arrival_ahead.next = q.service_ahead.next = QUEUEING_AHEAD;
	q.policy_rng = sim_rng_new(cfg->seed, 0, SIM_RNG_POLICY, 0);
	policy_params_for(cfg->ops, &q.params);
	if (cfg->own_name)
		q.params.own[policy_own_find(cfg->ops, cfg->own_name)] =
			cfg->own_value;
	env.sim = q.sim;
	env.params = &q.params;
	env.rng = q.policy_rng;
	env.close_conns = queueing_no_close;
	env.model = &q;
	q.lb = policy_lb_new(cfg->ops, &env);
	for (k = 0; k < cfg->servers; k++) {
		ids[k] = k;
		q.srv[k].head = q.srv[k].tail = QUEUEING_NONE;
	}
	policy_set_servers(cfg->ops, q.lb, ids, (size_t)cfg->servers);

	q.req_free = QUEUEING_NONE;
	q.response = queueing_big_alloc(n, &q.response_mapped);

	sim_schedule(q.sim, 0, queueing_arrive, &q, 0);
	if (sim_run(q.sim, SIM_TIME_MAX) != SIM_RUN_EMPTY)
		SIM_BUG("queueing run stopped early");
	SIM_ASSERT(q.arrived == n);

	/* memset, not an initialiser: the padding too, so that equal runs
	 * give equal bytes */
	memset(out, 0, sizeof(*out));
	queueing_summarise(q.response, n, out);
	out->utilisation = q.last_done > 0
		? (double)q.busy_total /
		  ((double)q.last_done * cfg->servers * cfg->workers)
		: 0;
	out->events = sim_events_run(q.sim);

	g_free(q.req);
	queueing_big_free(q.response, n, q.response_mapped);
	policy_lb_free(cfg->ops, q.lb);
	gsl_rng_free(q.arrival_rng);
	gsl_rng_free(q.service_rng);
	gsl_rng_free(q.policy_rng);
	sim_free(q.sim);
	return TRUE;
}
