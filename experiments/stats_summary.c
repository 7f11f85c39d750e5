/*
 * Summary mode of struct cell_acc (stats.h): a log-bucketed histogram of
 * join times, integer sums and the paired sums against the baseline.
 */
#include "stats.h"
#include "stats_paired.h"
#include "stats_summary_internal.h"
#include "sim/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define HB STATS_HIST_BITS

/* The bucket of @v ns: v itself below 2^HB, else its top HB bits with the
 * shift that keeps them, so buckets run on without a gap. */
static size_t hist_index(uint64_t v)
{
	int e, sh;

	if (v < (UINT64_C(1) << HB))
		return (size_t)v;
	e = 63 - __builtin_clzll(v);
	sh = e - (HB - 1);
	return ((size_t)sh << (HB - 1)) + (size_t)(v >> sh);
}

/* The lowest value of bucket @i and its width, ns. */
static void hist_bucket(size_t i, uint64_t *lo, uint64_t *width)
{
	size_t sh, m;

	if (i < ((size_t)1 << HB)) {
		*lo = i;
		*width = 1;
		return;
	}
	sh = (i >> (HB - 1)) - 1;
	m = i - (sh << (HB - 1));
	*lo = (uint64_t)m << sh;
	*width = UINT64_C(1) << sh;
}

/* The deadline in ns (deadline_s came from an integer of ns). */
static uint64_t deadline_ns(const struct cell_acc *a)
{
	return (uint64_t)llround(a->deadline_s * 1e9);
}

void cell_acc_init_summary(struct cell_acc *a, double deadline_s)
{
	cell_acc_init(a, deadline_s);
	a->summary = true;
	a->n_hist = hist_index(deadline_ns(a) + 1) + 1;
	a->scen_sum_ns = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	fo_acc_release(&a->fo);
	fo_acc_init_summary(&a->fo, deadline_ns(a));
}

size_t stats__hist_index(uint64_t v)
{
	return hist_index(v);
}

void stats__hist_bucket(size_t i, uint64_t *lo, uint64_t *width)
{
	hist_bucket(i, lo, width);
}

/* @a + @b, or UINT64_MAX (a scenario's S past 2^64 - 1 ns: a deadline of
 * more than 200 days for 1,024 nodes), which the pairing takes as an
 * overflow. */
static uint64_t add_sat64(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void cell_acc_summary_add(struct cell_acc *a, const struct run_record *r)
{
	struct cell_acc_scenario sc = { .success = r->success };
	uint64_t D = deadline_ns(a), s_ns = 0;
	size_t i;

	a->scenarios++;
	a->successes += r->success;
	a->events += r->events;
	for (i = 0; i < r->n_nodes; i++) {
		const struct node_record *nr = &r->nodes[i];

		if (!nr->counted)
			continue;
		a->nodes_counted++;
		sc.n_counted++;
		if (nr->ready) {
			sim_time t = nr->join_time;
			size_t b = hist_index((uint64_t)t);

			SIM_ASSERT(t >= 0 && b < a->n_hist);
			if (!a->hist)
				a->hist = g_new0(uint64_t, a->n_hist);
			a->hist[b]++;
			if (!a->nodes_ready || t < a->join_ns_min)
				a->join_ns_min = t;
			if (!a->nodes_ready || t > a->join_ns_max)
				a->join_ns_max = t;
			a->nodes_ready++;
			a->join_ns_sum += (u128)t;
			sc.n_ready++;
			s_ns = add_sat64(s_ns, MIN((uint64_t)t, D));
		} else {
			s_ns = add_sat64(s_ns, D);
		}
		a->dials += nr->dials;
		a->failed_dials += nr->failed_dials;
		a->timeout_wait = a->timeout_wait > SIM_TIME_MAX -
			nr->timeout_wait ? SIM_TIME_MAX
			: a->timeout_wait + nr->timeout_wait;
		a->requests += nr->requests;
		a->fatal_restarts += nr->fatal_restarts;
	}
	g_array_append_val(a->scen, sc);
	g_array_append_val(a->scen_sum_ns, s_ns);
	fo_acc_add(&a->fo, r);
}

static u128 *pair_sums(struct cell_acc_pair *p, size_t *n);

static void pair_add(struct cell_acc_pair *d, const struct cell_acc_pair *s)
{
	struct cell_acc_pair src = *s;
	size_t n, i;
	u128 *dw = pair_sums(d, &n), *sw = pair_sums(&src, &n);

	d->n += s->n;
	d->better += s->better;
	d->worse += s->worse;
	d->overflow |= s->overflow;
	for (i = 0; i < n; i++)
		stats__add128(&dw[i], sw[i], &d->overflow);
}

void cell_acc_summary_merge(struct cell_acc *dst, const struct cell_acc *src)
{
	size_t i, from, to;

	SIM_ASSERT(dst->summary && src->summary);
	SIM_ASSERT(dst->n_hist == src->n_hist);
	if (src->nodes_ready) {
		if (!dst->hist)
			dst->hist = g_new0(uint64_t, dst->n_hist);
		/* only the buckets between src's extremes can hold any */
		from = hist_index((uint64_t)src->join_ns_min);
		to = hist_index((uint64_t)src->join_ns_max);
		for (i = from; i <= to; i++)
			dst->hist[i] += src->hist[i];
		if (!dst->nodes_ready || src->join_ns_min < dst->join_ns_min)
			dst->join_ns_min = src->join_ns_min;
		if (!dst->nodes_ready || src->join_ns_max > dst->join_ns_max)
			dst->join_ns_max = src->join_ns_max;
	}
	dst->scenarios += src->scenarios;
	dst->successes += src->successes;
	dst->nodes_counted += src->nodes_counted;
	dst->nodes_ready += src->nodes_ready;
	dst->join_ns_sum += src->join_ns_sum;
	dst->dials += src->dials;
	dst->failed_dials += src->failed_dials;
	dst->timeout_wait = dst->timeout_wait > SIM_TIME_MAX - src->timeout_wait
		? SIM_TIME_MAX : dst->timeout_wait + src->timeout_wait;
	dst->requests += src->requests;
	dst->fatal_restarts += src->fatal_restarts;
	dst->events += src->events;
	pair_add(&dst->pair, &src->pair);
	fo_acc_merge(&dst->fo, &src->fo);
}

void cell_acc_drop_scenarios(struct cell_acc *a)
{
	SIM_ASSERT(a->summary);
	g_array_set_size(a->scen, 0);
	g_array_set_size(a->scen_sum_ns, 0);
	fo_acc_drop_scenarios(&a->fo);
}

void cell_acc_pair_chunk(struct cell_acc *a, struct cell_acc *base)
{
	const struct cell_acc_scenario *sa, *sb;
	const uint64_t *ta, *tb;
	struct cell_acc_pair p = { 0 };
	size_t n = a->scen->len, k;

	SIM_ASSERT(a->summary && base->summary && n == base->scen->len);
	sa = (const struct cell_acc_scenario *)(void *)a->scen->data;
	sb = (const struct cell_acc_scenario *)(void *)base->scen->data;
	ta = (const uint64_t *)(void *)a->scen_sum_ns->data;
	tb = (const uint64_t *)(void *)base->scen_sum_ns->data;
	for (k = 0; k < n; k++) {
		u128 s1 = ta[k], s2 = tb[k];
		u128 w1 = sa[k].n_counted, w2 = sb[k].n_counted;

		p.better += sa[k].success && !sb[k].success;
		p.worse += !sa[k].success && sb[k].success;
		/* each product fits: S < 2^64 */
		p.overflow |= ta[k] == UINT64_MAX || tb[k] == UINT64_MAX;
		stats__add128(&p.sa, s1, &p.overflow);
		stats__add128(&p.sb, s2, &p.overflow);
		stats__add128(&p.wa, w1, &p.overflow);
		stats__add128(&p.wb, w2, &p.overflow);
		stats__add128(&p.sa2, s1 * s1, &p.overflow);
		stats__add128(&p.sb2, s2 * s2, &p.overflow);
		stats__add128(&p.sasb, s1 * s2, &p.overflow);
		stats__add128(&p.sawa, s1 * w1, &p.overflow);
		stats__add128(&p.sawb, s1 * w2, &p.overflow);
		stats__add128(&p.sbwa, s2 * w1, &p.overflow);
		stats__add128(&p.sbwb, s2 * w2, &p.overflow);
		stats__add128(&p.wa2, w1 * w1, &p.overflow);
		stats__add128(&p.wb2, w2 * w2, &p.overflow);
		stats__add128(&p.wawb, w1 * w2, &p.overflow);
	}
	p.n = n;
	pair_add(&a->pair, &p);
	fo_acc_pair_chunk(&a->fo, &base->fo);
	cell_acc_drop_scenarios(a);
}

/* ---- figures from the histogram ---- */

/* The ready nodes' join times. */
static struct stats__hist join_hist(const struct cell_acc *a)
{
	return (struct stats__hist){ .counts = a->hist, .n_buckets = a->n_hist,
				     .n = a->nodes_ready,
				     .min = a->join_ns_min,
				     .max = a->join_ns_max };
}

double stats__hist_order_stat(const struct stats__hist *h, uint64_t t,
			      int edge)
{
	uint64_t cum = 0, lo, w;
	size_t i;

	SIM_ASSERT(t < h->n);
	if (t == 0)
		return sim_time_to_s(h->min);
	if (t == h->n - 1)
		return sim_time_to_s(h->max);
	for (i = 0; i < h->n_buckets; i++) {
		cum += h->counts[i];
		if (cum > t)
			break;
	}
	SIM_ASSERT(i < h->n_buckets);
	hist_bucket(i, &lo, &w);
	if (edge < 0)
		return (double)lo / 1e9;
	if (edge > 0)
		return (double)(lo + w - 1) / 1e9;
	return ((double)lo + (double)(w - 1) / 2.0) / 1e9;
}

double stats__hist_quantile(const struct stats__hist *h, uint64_t all,
			    double q, double cap)
{
	uint64_t r = h->n, lo;
	double d, x0, x1, x;

	if (all == 0)
		return NAN;
	x = (double)(all - 1) * q;
	lo = (uint64_t)x;
	d = x - (double)lo;
	if (lo + 1 >= all)
		d = 0.0;
	if (cap < 0 && (lo >= r || (d > 0.0 && lo + 1 >= r)))
		return INFINITY;
	x0 = lo < r ? stats__hist_order_stat(h, lo, 0) : cap;
	if (d == 0.0)
		return x0;
	x1 = lo + 1 < r ? stats__hist_order_stat(h, lo + 1, 0) : cap;
	return (1.0 - d) * x0 + d * x1;
}

/* stats__hist_order_stat() and _quantile() over the ready nodes; @all:
 * counted nodes. */
static double order_stat(const struct cell_acc *a, uint64_t t, int edge)
{
	struct stats__hist h = join_hist(a);

	return stats__hist_order_stat(&h, t, edge);
}

static double hist_quantile(const struct cell_acc *a, uint64_t all, double q,
			    double cap)
{
	struct stats__hist h = join_hist(a);

	return stats__hist_quantile(&h, all, q, cap);
}

/* The order-statistic interval of the @q quantile of @n counted nodes at
 * normal quantile @z: ranks n q -+ z sqrt(n q (1 - q)) (the binomial's
 * normal approximation), read at their buckets' outer ends; a rank among
 * the nodes not joined is +INFINITY, or @cap when @cap >= 0. */
static void hist_quantile_ci(const struct cell_acc *a, uint64_t n, double q,
			     double z, double cap, double ci[2])
{
	double c = (double)n * q, h = z * sqrt((double)n * q * (1.0 - q));
	double rl = floor(c - h), ru = ceil(c + h);
	uint64_t l, u, r = a->nodes_ready;

	if (n == 0) {
		ci[0] = ci[1] = NAN;
		return;
	}
	l = rl < 0 ? 0 : (uint64_t)rl;
	u = ru > (double)(n - 1) ? n - 1 : (uint64_t)ru;
	l = MIN(l, n - 1);
	ci[0] = l < r ? order_stat(a, l, -1) : cap >= 0 ? cap : INFINITY;
	ci[1] = u < r ? order_stat(a, u, 1) : cap >= 0 ? cap : INFINITY;
}

static double ratio(double num, uint64_t den)
{
	return den ? num / (double)den : NAN;
}

/* The normal quantile of 0.9875: each side's share of a Bonferroni 95%
 * for a difference of two quantiles. */
#define Z9875 2.241402727604947

void cell_acc_summary_summarise(const struct cell_acc *a,
				struct cell_summary *out)
{
	uint64_t nc = a->nodes_counted, nr = a->nodes_ready, i;
	double D = a->deadline_s;
	u128 capped = a->join_ns_sum + (u128)deadline_ns(a) * (nc - nr);

	SIM_ASSERT(nr <= nc);
	*out = (struct cell_summary){ .summary = true };
	out->scenarios = a->scenarios;
	out->successes = a->successes;
	out->rate = ratio((double)a->successes, a->scenarios);
	stats_wilson(a->successes, a->scenarios, STATS_Z95, &out->ci95[0],
		     &out->ci95[1]);
	out->nodes_counted = nc;
	out->nodes_ready = nr;
	out->deadline_s = D;
	out->join_rmean = nc ? (double)((long double)capped / (long double)nc /
					1e9L) : NAN;
	out->join_p50 = hist_quantile(a, nc, 0.50, -1);
	out->join_p90 = hist_quantile(a, nc, 0.90, -1);
	out->join_p99 = hist_quantile(a, nc, 0.99, -1);
	out->join_max = nc == 0 ? NAN : nr < nc ? INFINITY
		: sim_time_to_s(a->join_ns_max);
	for (i = 0; i < STATS_CDF_POINTS; i++)
		out->join_cdf[i] = hist_quantile(
			a, nc, (double)i / (STATS_CDF_POINTS - 1), -1);
	out->join_p50_capped = hist_quantile(a, nc, 0.50, D);
	out->join_p99_capped = hist_quantile(a, nc, 0.99, D);
	out->tail_beyond_p99 = nc ? nc - 1 - (uint64_t)((double)(nc - 1) *
							0.99) : 0;
	hist_quantile_ci(a, nc, 0.50, STATS_Z95, -1, out->join_p50_ci95);
	hist_quantile_ci(a, nc, 0.99, STATS_Z95, -1, out->join_p99_ci95);
	hist_quantile_ci(a, nc, 0.50, Z9875, D, out->join_p50_capped_ci);
	hist_quantile_ci(a, nc, 0.99, Z9875, D, out->join_p99_capped_ci);

	out->joined_mean = nr ? (double)((long double)a->join_ns_sum /
					 (long double)nr / 1e9L) : NAN;
	out->joined_p50 = nr ? hist_quantile(a, nr, 0.50, -1) : NAN;
	out->joined_p90 = nr ? hist_quantile(a, nr, 0.90, -1) : NAN;
	out->joined_p99 = nr ? hist_quantile(a, nr, 0.99, -1) : NAN;
	out->joined_max = nr ? sim_time_to_s(a->join_ns_max) : NAN;

	out->dials_per_join = ratio((double)a->dials, nr);
	out->failed_dials_per_join = ratio((double)a->failed_dials, nr);
	out->timeout_wait_s_per_join = ratio(sim_time_to_s(a->timeout_wait),
					     nr);
	out->requests_per_join = ratio((double)a->requests, nr);
	out->fatal_restarts_per_scenario =
		ratio((double)a->fatal_restarts, a->scenarios);
	out->events_per_scenario = ratio((double)a->events, a->scenarios);
}

/* ---- the text form ---- */

#define ENC_TAG "selsim-cell-acc-summary-1"

static void put_u64(GString *g, uint64_t v)
{
	g_string_append_printf(g, " %" PRIu64, v);
}

static void put_u128(GString *g, u128 v)
{
	g_string_append_printf(g, " %" PRIx64 ":%" PRIx64,
			       (uint64_t)(v >> 64), (uint64_t)v);
}

_Static_assert(offsetof(struct cell_acc_pair, wawb) -
	       offsetof(struct cell_acc_pair, sa) == 13 * sizeof(u128),
	       "struct cell_acc_pair's wide sums are not one run");

/* The pair's wide sums, in the order the text holds them. */
static u128 *pair_sums(struct cell_acc_pair *p, size_t *n)
{
	/* sa .. wawb are consecutive members of one type */
	*n = (size_t)(&p->wawb - &p->sa) + 1;
	return &p->sa;
}

void cell_acc_summary_encode(const struct cell_acc *a, GString *out)
{
	const uint64_t u[] = {
		a->n_hist, a->scenarios, a->successes, a->nodes_counted,
		a->nodes_ready, a->dials, a->failed_dials,
		(uint64_t)a->timeout_wait, a->requests, a->fatal_restarts,
		a->events, (uint64_t)a->join_ns_min, (uint64_t)a->join_ns_max,
		a->pair.n, a->pair.better, a->pair.worse, a->pair.overflow,
	};
	struct cell_acc_pair p = a->pair;
	size_t i, n, used = 0;
	u128 *w;

	SIM_ASSERT(a->summary);
	g_string_append_printf(out, "%s %a", ENC_TAG, a->deadline_s);
	for (i = 0; i < G_N_ELEMENTS(u); i++)
		put_u64(out, u[i]);
	put_u128(out, a->join_ns_sum);
	w = pair_sums(&p, &n);
	for (i = 0; i < n; i++)
		put_u128(out, w[i]);
	for (i = 0; a->hist && i < a->n_hist; i++)
		used += a->hist[i] != 0;
	put_u64(out, used);
	for (i = 0; a->hist && i < a->n_hist; i++)
		if (a->hist[i])
			g_string_append_printf(out, " %zu:%" PRIu64, i,
					       a->hist[i]);
	g_string_append_c(out, '\n');
}

/* The next unsigned integer of *@p in base @base, then *@p past it and
 * the separator @sep; FALSE if there is none. */
static gboolean get_u64(const char **p, int base, char sep, uint64_t *v)
{
	char *end;

	if (**p != ' ' && **p != ':')
		return FALSE;
	(*p)++;
	if (!g_ascii_isxdigit(**p))
		return FALSE;
	errno = 0;
	*v = g_ascii_strtoull(*p, &end, (guint)base);
	if (errno || end == *p || (sep && *end != sep))
		return FALSE;
	*p = end;
	return TRUE;
}

static gboolean get_u128(const char **p, u128 *v)
{
	uint64_t hi, lo;

	if (!get_u64(p, 16, ':', &hi) || !get_u64(p, 16, 0, &lo))
		return FALSE;
	*v = (u128)hi << 64 | lo;
	return TRUE;
}

/* The fields after the deadline, into @a (set up for that deadline). */
static gboolean decode_fields(const char *p, struct cell_acc *a)
{
	uint64_t u[17], used, i, k, c, prev = 0;
	size_t n;
	u128 *w;

	for (i = 0; i < G_N_ELEMENTS(u); i++)
		if (!get_u64(&p, 10, 0, &u[i]))
			return FALSE;
	if (u[0] != a->n_hist || u[7] > (uint64_t)SIM_TIME_MAX ||
	    u[11] > (uint64_t)SIM_TIME_MAX || u[12] > (uint64_t)SIM_TIME_MAX)
		return FALSE;
	a->scenarios = u[1];
	a->successes = u[2];
	a->nodes_counted = u[3];
	a->nodes_ready = u[4];
	a->dials = u[5];
	a->failed_dials = u[6];
	a->timeout_wait = (sim_time)u[7];
	a->requests = u[8];
	a->fatal_restarts = u[9];
	a->events = u[10];
	a->join_ns_min = (sim_time)u[11];
	a->join_ns_max = (sim_time)u[12];
	a->pair.n = u[13];
	a->pair.better = u[14];
	a->pair.worse = u[15];
	if (u[16] > 1)
		return FALSE;
	a->pair.overflow = u[16];
	if (!get_u128(&p, &a->join_ns_sum))
		return FALSE;
	w = pair_sums(&a->pair, &n);
	for (i = 0; i < n; i++)
		if (!get_u128(&p, &w[i]))
			return FALSE;
	if (!get_u64(&p, 10, 0, &used) || used > a->n_hist)
		return FALSE;
	if (used)
		a->hist = g_new0(uint64_t, a->n_hist);
	for (i = 0, c = 0; i < used; i++) {
		if (!get_u64(&p, 10, ':', &k) || !get_u64(&p, 10, 0, &u[0]) ||
		    k >= a->n_hist || (i && k <= prev) || !u[0])
			return FALSE;
		a->hist[k] = u[0];
		c += u[0];
		prev = k;
	}
	/* the counts must add up, as the encoder's always do */
	return (*p == '\n' || *p == '\0') && c == a->nodes_ready &&
	       a->successes <= a->scenarios &&
	       a->nodes_ready <= a->nodes_counted;
}

gboolean cell_acc_summary_decode(const char *text, struct cell_acc *a,
				 GError **error)
{
	size_t tag = strlen(ENC_TAG);
	char *end;
	double D;

	memset(a, 0, sizeof(*a));
	if (strncmp(text, ENC_TAG " ", tag + 1) != 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "cell accumulator: does not start with '%s'",
			    ENC_TAG);
		return FALSE;
	}
	D = g_ascii_strtod(text + tag + 1, &end);
	if (end == text + tag + 1 || !(D > 0.0) || !isfinite(D)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "cell accumulator: deadline: not a positive "
			    "number");
		return FALSE;
	}
	cell_acc_init_summary(a, D);
	if (!decode_fields(end, a)) {
		cell_acc_release(a);
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "cell accumulator: a field after the deadline is "
			    "missing, malformed or inconsistent");
		return FALSE;
	}
	return TRUE;
}

/* ---- the paired comparison ---- */

/* The CLT interval of the difference of restricted means (delta method
 * on the two ratio estimators; see stats.h), seconds. */
static void clt_mean(const struct cell_acc_pair *p, struct stats_diff *d)
{
	long double n = (long double)p->n, ra, rb, A, B, va, vb, cab, q, se;

	*d = (struct stats_diff){ .p_holm = NAN };
	if (p->n < 2 || p->wa == 0 || p->wb == 0 || p->overflow) {
		d->diff = d->ci95[0] = d->ci95[1] = d->p_value = NAN;
		return;
	}
	ra = (long double)p->sa / (long double)p->wa;	/* ns per node */
	rb = (long double)p->sb / (long double)p->wb;
	A = n / (long double)p->wa;			/* 1 / mean W */
	B = n / (long double)p->wb;
	/* sum over scenarios of u_k^2, u_k = A (Sa - ra Wa) - B (Sb - rb Wb) */
	va = (long double)p->sa2 - 2 * ra * (long double)p->sawa +
	     ra * ra * (long double)p->wa2;
	vb = (long double)p->sb2 - 2 * rb * (long double)p->sbwb +
	     rb * rb * (long double)p->wb2;
	cab = (long double)p->sasb - rb * (long double)p->sawb -
	      ra * (long double)p->sbwa + ra * rb * (long double)p->wawb;
	q = A * A * va + B * B * vb - 2 * A * B * cab;
	se = sqrtl(fmaxl(q, 0) / (n * (n - 1))) / 1e9L;
	d->diff = (double)((ra - rb) / 1e9L);
	d->ci95[0] = d->diff - STATS_Z95 * (double)se;
	d->ci95[1] = d->diff + STATS_Z95 * (double)se;
	d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
	d->p_value = se > 0 ? erfc(fabs(d->diff) / (double)se /
				   1.4142135623730951)
		: d->diff == 0.0 ? 1.0 : 0.0;
}

/* A quantile difference's conservative interval from the two sides'
 * 97.5% order-statistic intervals of the capped quantiles. */
static void os_diff(const double a[2], const double b[2],
		    struct stats_diff *d)
{
	*d = (struct stats_diff){ .p_holm = NAN, .p_value = NAN };
	d->ci95[0] = a[0] - b[1];
	d->ci95[1] = a[1] - b[0];
	if (!isfinite(d->ci95[0]) || !isfinite(d->ci95[1])) {
		d->ci95[0] = d->ci95[1] = NAN;
		return;
	}
	d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
}

void stats_paired_summary(const struct cell_acc *a,
			  const struct cell_summary *sa,
			  const struct cell_summary *sb,
			  struct stats_paired *out)
{
	const struct cell_acc_pair *p = &a->pair;
	struct stats_diff *d = &out->success_rate;

	SIM_ASSERT(a->summary && sa->summary && sb->summary);
	SIM_ASSERT(p->n == sa->scenarios && p->n == sb->scenarios);
	*out = (struct stats_paired){ .resamples = 0 };
	out->discordant_better = p->better;
	out->discordant_worse = p->worse;
	*d = (struct stats_diff){ .p_holm = NAN };
	if (p->n == 0) {
		d->diff = d->ci95[0] = d->ci95[1] = d->p_value = NAN;
	} else {
		d->diff = sa->rate - sb->rate;
		stats_tango(p->better, p->worse, p->n, STATS_Z95, &d->ci95[0],
			    &d->ci95[1]);
		d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
		d->p_value = stats_tango_p(p->better, p->worse);
	}
	clt_mean(p, &out->join_mean_s);
	os_diff(sa->join_p50_capped_ci, sb->join_p50_capped_ci,
		&out->join_p50_s);
	os_diff(sa->join_p99_capped_ci, sb->join_p99_capped_ci,
		&out->join_p99_s);
}
