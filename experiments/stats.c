#include "stats.h"
#include "fmt.h"
#include "sim/error.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
	double nn, p, z2, denom, centre, half;

	SIM_ASSERT(k <= n);
	if (n == 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	nn = (double)n;
	p = (double)k / nn;
	z2 = z * z;
	denom = 1.0 + z2 / nn;
	centre = (p + z2 / (2.0 * nn)) / denom;
	half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
	/* At k = 0 (k = n) the bound is 0 (1) in exact arithmetic; rounding
	 * would leave a 1e-17 residue that reads as a real bound. */
	*lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
	*hi = k == n ? 1.0 : fmin(1.0, centre + half);
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	SIM_ASSERT(q >= 0.0 && q <= 1.0);
	if (n == 0)
		return NAN;
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

/* The header promises 8 bytes a scenario. */
_Static_assert(sizeof(struct cell_acc_scenario) == 8,
	       "struct cell_acc_scenario grew");

void cell_acc_init(struct cell_acc *a)
{
	*a = (struct cell_acc){ 0 };
	a->join_s = g_array_new(FALSE, FALSE, sizeof(double));
	a->scen = g_array_new(FALSE, FALSE, sizeof(struct cell_acc_scenario));
	a->scen_join_s = g_array_new(FALSE, FALSE, sizeof(float));
}

static sim_time add_sat(sim_time a, sim_time b)
{
	SIM_ASSERT(a >= 0 && b >= 0);
	return a > SIM_TIME_MAX - b ? SIM_TIME_MAX : a + b;
}

void cell_acc_add(struct cell_acc *a, const struct run_record *r)
{
	struct cell_acc_scenario sc = { .success = r->success };
	size_t i;

	SIM_ASSERT(r->n_nodes <= UINT16_MAX);
	a->scenarios++;
	if (r->success)
		a->successes++;
	a->events += r->events;
	for (i = 0; i < r->n_nodes; i++) {
		const struct node_record *nr = &r->nodes[i];

		if (!nr->counted)
			continue;
		a->nodes_counted++;
		sc.n_counted++;
		if (nr->ready) {
			double s = sim_time_to_s(nr->join_time);
			float f = (float)s;

			a->nodes_ready++;
			g_array_append_val(a->join_s, s);
			sc.n_ready++;
			g_array_append_val(a->scen_join_s, f);
		}
		a->dials += nr->dials;
		a->failed_dials += nr->failed_dials;
		a->timeout_wait = add_sat(a->timeout_wait, nr->timeout_wait);
		a->requests += nr->requests;
		a->fatal_restarts += nr->fatal_restarts;
	}
	g_array_append_val(a->scen, sc);
}

void cell_acc_merge(struct cell_acc *dst, const struct cell_acc *src)
{
	SIM_ASSERT(dst != src);
	dst->scenarios += src->scenarios;
	dst->successes += src->successes;
	dst->nodes_counted += src->nodes_counted;
	dst->nodes_ready += src->nodes_ready;
	g_array_append_vals(dst->join_s, src->join_s->data, src->join_s->len);
	dst->dials += src->dials;
	dst->failed_dials += src->failed_dials;
	dst->timeout_wait = add_sat(dst->timeout_wait, src->timeout_wait);
	dst->requests += src->requests;
	dst->fatal_restarts += src->fatal_restarts;
	dst->events += src->events;
	/* in order: src's scenarios come after dst's */
	g_array_append_vals(dst->scen, src->scen->data, src->scen->len);
	g_array_append_vals(dst->scen_join_s, src->scen_join_s->data,
			    src->scen_join_s->len);
}

void cell_acc_release(struct cell_acc *a)
{
	if (a->join_s)
		g_array_free(a->join_s, TRUE);
	if (a->scen)
		g_array_free(a->scen, TRUE);
	if (a->scen_join_s)
		g_array_free(a->scen_join_s, TRUE);
	*a = (struct cell_acc){ 0 };
}

/* @num / @den, or NAN when @den is 0. */
static double ratio(double num, uint64_t den)
{
	return den ? num / (double)den : NAN;
}

void cell_acc_summarise(struct cell_acc *a, struct cell_summary *out)
{
	const double *js;
	size_t nj = a->join_s->len, i;

	SIM_ASSERT(nj == a->nodes_ready);
	/* A total order on the values: the mean below then sums them in
	 * the same order however the records arrived. */
	if (nj > 1)	/* data is NULL while the array is empty */
		qsort(a->join_s->data, nj, sizeof(double), fmt_cmp_double);
	js = (const double *)(void *)a->join_s->data;

	*out = (struct cell_summary){ 0 };
	out->scenarios = a->scenarios;
	out->successes = a->successes;
	out->rate = ratio((double)a->successes, a->scenarios);
	stats_wilson(a->successes, a->scenarios, STATS_Z95, &out->ci95[0],
		     &out->ci95[1]);
	out->nodes_counted = a->nodes_counted;
	out->nodes_ready = a->nodes_ready;
	out->join_mean = nj ? gsl_stats_mean(js, 1, nj) : NAN;
	out->join_p50 = stats_quantile_sorted(js, nj, 0.50);
	out->join_p90 = stats_quantile_sorted(js, nj, 0.90);
	out->join_p99 = stats_quantile_sorted(js, nj, 0.99);
	out->join_max = nj ? js[nj - 1] : NAN;
	for (i = 0; i < STATS_CDF_POINTS; i++)
		out->join_cdf[i] = stats_quantile_sorted(
			js, nj, (double)i / (STATS_CDF_POINTS - 1));
	out->dials_per_join = ratio((double)a->dials, a->nodes_ready);
	out->failed_dials_per_join =
		ratio((double)a->failed_dials, a->nodes_ready);
	out->timeout_wait_s_per_join =
		ratio(sim_time_to_s(a->timeout_wait), a->nodes_ready);
	out->requests_per_join = ratio((double)a->requests, a->nodes_ready);
	out->fatal_restarts_per_scenario =
		ratio((double)a->fatal_restarts, a->scenarios);
	out->events_per_scenario = ratio((double)a->events, a->scenarios);
}

/* ---- the paired bootstrap ---- */

/* One side of the comparison, set up once per bootstrap. */
struct side {
	const struct cell_acc_scenario *sc; /* n scenarios, borrowed */
	double *sum;			/* n: sum of each scenario's join
					 * times; owned */
	float *val;			/* m join times, ascending; owned */
	uint32_t *scen;			/* m: the scenario of each; owned.
					 * Apart from val, so that a scan
					 * reads 4 bytes an entry */
	size_t m;
};

/* A side's figures over the scenarios weighted by w[k] (times drawn). */
struct metrics {
	double rate, mean, p50, p99;	/* NAN when undefined */
};

/* A join time and its scenario, to sort them together. */
struct pooled {
	float v;
	uint32_t k;
};

static int cmp_pooled(const void *pa, const void *pb)
{
	const struct pooled *a = pa, *b = pb;

	/* Ties by scenario: a total order, so qsort's result is unique. */
	if (a->v != b->v)
		return (a->v > b->v) - (a->v < b->v);
	return (a->k > b->k) - (a->k < b->k);
}

static void side_init(struct side *s, const struct cell_acc *a, size_t n)
{
	const float *js = (const float *)(void *)a->scen_join_s->data;
	struct pooled *pool;
	size_t k, j, at = 0;

	s->sc = (const struct cell_acc_scenario *)(void *)a->scen->data;
	s->m = a->scen_join_s->len;
	s->sum = g_new(double, n ? n : 1);
	pool = g_new(struct pooled, s->m ? s->m : 1);
	for (k = 0; k < n; k++) {
		double sum = 0.0;

		for (j = 0; j < s->sc[k].n_ready; j++, at++) {
			SIM_ASSERT(at < s->m);
			sum += js[at];
			pool[at] = (struct pooled){ js[at], (uint32_t)k };
		}
		s->sum[k] = sum;
	}
	SIM_ASSERT(at == s->m);
	if (s->m > 1)
		qsort(pool, s->m, sizeof(*pool), cmp_pooled);
	s->val = g_new(float, s->m ? s->m : 1);
	s->scen = g_new(uint32_t, s->m ? s->m : 1);
	for (j = 0; j < s->m; j++) {
		s->val[j] = pool[j].v;
		s->scen[j] = pool[j].k;
	}
	g_free(pool);
}

static void side_release(struct side *s)
{
	g_free(s->sum);
	g_free(s->val);
	g_free(s->scen);
}

/*
 * The values at scan ranks @t and @t + @e (@e is 0 or 1) of the pool where
 * each entry counts w[its scenario] times, scanning up from the smallest
 * (@up) or down from the largest, written to *@first and *@second. The
 * caller makes sure both ranks exist.
 */
static void pool_scan(const struct side *s, const uint32_t *w, bool up,
		      uint64_t t, unsigned e, double *first, double *second)
{
	const ptrdiff_t step = up ? 1 : -1;
	const uint32_t *k = up ? s->scen : s->scen + s->m - 1;
	uint64_t cum = 0;
	size_t j;

	/* The hot loop: no branch on the weight (a third of them are 0,
	 * at random), only the exit. */
	for (j = 0; j < s->m; j++, k += step) {
		cum += w[*k];
		if (cum > t)
			break;
	}
	SIM_ASSERT(j < s->m);
	*first = s->val[k - s->scen];
	if (cum > t + e) {
		*second = *first;
		return;
	}
	for (j++, k += step; j < s->m; j++, k += step) {
		if (w[*k]) {
			*second = s->val[k - s->scen];
			return;
		}
	}
	SIM_BUG("rank %" G_GUINT64_FORMAT " past the pool", t + e);
}

/*
 * The @q quantile, type 7 as stats_quantile_sorted(), of the @W (> 0)
 * weighted join times of @s: only the two order statistics around it are
 * found, scanning from the nearer end, so p99 reads about 1% of the pool.
 */
static double pool_quantile(const struct side *s, const uint32_t *w,
			    uint64_t W, double q)
{
	double h = (double)(W - 1) * q;
	uint64_t lo = (uint64_t)h;
	double d = h - (double)lo;
	unsigned e = d > 0.0 && lo + 1 < W;
	double x0 = NAN, x1 = NAN;

	if (lo < W / 2)
		pool_scan(s, w, true, lo, e, &x0, &x1);
	else
		pool_scan(s, w, false, W - 1 - lo - e, e, &x1, &x0);
	/* x0 + d (x1 - x0) rather than GSL's (1 - d) x0 + d x1: exact
	 * when x0 == x1 */
	return e ? x0 + d * (x1 - x0) : x0;
}

static void side_metrics(const struct side *s, const uint32_t *w, size_t n,
			 struct metrics *m)
{
	uint64_t succ = 0, W = 0;
	double sum = 0.0;
	size_t k;

	/* Every k, weight 0 included: no branch to mispredict. */
	for (k = 0; k < n; k++) {
		succ += s->sc[k].success ? w[k] : 0;
		W += (uint64_t)w[k] * s->sc[k].n_ready;
		sum += (double)w[k] * s->sum[k];
	}
	m->rate = n ? (double)succ / (double)n : NAN;
	if (!W) {
		m->mean = m->p50 = m->p99 = NAN;
		return;
	}
	m->mean = sum / (double)W;
	m->p50 = pool_quantile(s, w, W, 0.50);
	m->p99 = pool_quantile(s, w, W, 0.99);
}

/* The 95% percentile interval of @n resampled differences (sorted in
 * place) around @diff. */
static void finish(struct stats_diff *d, double diff, double *buf, size_t n)
{
	d->diff = diff;
	if (!isfinite(diff) || n == 0) {
		d->ci95[0] = d->ci95[1] = NAN;
		d->significant = false;
		return;
	}
	if (n > 1)
		qsort(buf, n, sizeof(double), fmt_cmp_double);
	d->ci95[0] = stats_quantile_sorted(buf, n, 0.025);
	d->ci95[1] = stats_quantile_sorted(buf, n, 0.975);
	d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
}

void stats_paired_bootstrap(const struct cell_acc *a,
			    const struct cell_acc *base, unsigned resamples,
			    gsl_rng *r, struct stats_paired *out)
{
	enum { RATE, MEAN, P50, P99, N_METRICS };
	size_t n = a->scen->len, k;
	struct side sa, sb;
	struct metrics ma, mb, full_a, full_b;
	double *buf[N_METRICS], per, fit;
	size_t got[N_METRICS] = { 0 };
	uint32_t *w;
	unsigned used, i, j;

	SIM_ASSERT(a != NULL && base != NULL && r != NULL && out != NULL);
	SIM_ASSERT(n == base->scen->len);
	SIM_ASSERT(n == a->scenarios && n == base->scenarios);
	SIM_ASSERT(n <= UINT32_MAX);
	SIM_ASSERT(resamples >= 1);

	side_init(&sa, a, n);
	side_init(&sb, base, n);
	/* the cap: each resample draws n indices, weighs n scenarios on
	 * each side and scans at most both pools */
	per = 2.0 * (double)n + (double)sa.m + (double)sb.m;
	fit = floor(STATS_BOOTSTRAP_WORK / (per > 0 ? per : 1.0));
	used = (unsigned)MIN((double)resamples,
			     MAX((double)STATS_BOOTSTRAP_MIN_RESAMPLES, fit));
	if (n == 0)
		used = 0;	/* nothing to draw from */

	w = g_new(uint32_t, n ? n : 1);
	for (k = 0; k < n; k++)
		w[k] = 1;
	side_metrics(&sa, w, n, &full_a);
	side_metrics(&sb, w, n, &full_b);

	for (j = 0; j < N_METRICS; j++)
		buf[j] = g_new(double, used ? used : 1);
	for (i = 0; i < used; i++) {
		memset(w, 0, n * sizeof(*w));
		for (k = 0; k < n; k++)
			w[gsl_rng_uniform_int(r, (unsigned long)n)]++;
		side_metrics(&sa, w, n, &ma);
		side_metrics(&sb, w, n, &mb);
		buf[RATE][got[RATE]++] = ma.rate - mb.rate;
		/* a side with no join time in this resample: no value */
		if (isfinite(ma.mean) && isfinite(mb.mean)) {
			buf[MEAN][got[MEAN]++] = ma.mean - mb.mean;
			buf[P50][got[P50]++] = ma.p50 - mb.p50;
			buf[P99][got[P99]++] = ma.p99 - mb.p99;
		}
	}

	*out = (struct stats_paired){ .resamples = used };
	finish(&out->success_rate, full_a.rate - full_b.rate, buf[RATE],
	       got[RATE]);
	finish(&out->join_mean_s, full_a.mean - full_b.mean, buf[MEAN],
	       got[MEAN]);
	finish(&out->join_p50_s, full_a.p50 - full_b.p50, buf[P50], got[P50]);
	finish(&out->join_p99_s, full_a.p99 - full_b.p99, buf[P99], got[P99]);

	for (j = 0; j < N_METRICS; j++)
		g_free(buf[j]);
	g_free(w);
	side_release(&sa);
	side_release(&sb);
}
