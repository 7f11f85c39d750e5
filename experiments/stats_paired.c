#include "stats_paired.h"
#include "fmt.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *stats_bound_name(enum stats_bound b)
{
	switch (b) {
	case STATS_EXACT:
		return "exact";
	case STATS_AT_LEAST:
		return "at_least";
	case STATS_AT_MOST:
		return "at_most";
	case STATS_BOTH_BEYOND:
		return "both_beyond_deadline";
	}
	SIM_BUG("bound %d", (int)b);
}

/* ---- Tango's score interval ---- */

/* T(d) of stats_tango(): decreasing in d; +-INFINITY where its variance
 * vanishes and the numerator does not. */
static double tango_t(double b, double c, double n, double d)
{
	double A = 2.0 * n;
	double B = -b - c + (2.0 * n - b + c) * d;
	double C = -c * d * (1.0 - d);
	double disc = fmax(0.0, B * B - 4.0 * A * C);
	double q21 = (sqrt(disc) - B) / (2.0 * A);
	double num = b - c - n * d;
	double var = n * (2.0 * q21 + d * (1.0 - d));

	if (!(var > 0.0))
		return num > 0.0 ? INFINITY : num < 0.0 ? -INFINITY : 0.0;
	return num / sqrt(var);
}

/* The d in [@from, @to] where T crosses @target, T(@from) on the inside
 * (|T| <= z) and the crossing somewhere before @to. */
static double tango_end(double b, double c, double n, double target,
			double from, double to)
{
	double in = from, out = to;
	int i;

	if (fabs(tango_t(b, c, n, to)) <= fabs(target))
		return to;	/* the whole way is inside */
	for (i = 0; i < 200 && fabs(out - in) > 1e-12; i++) {
		double mid = 0.5 * (in + out);

		if (fabs(tango_t(b, c, n, mid)) <= fabs(target))
			in = mid;
		else
			out = mid;
	}
	return in;	/* inside: the interval holds what it claims */
}

void stats_tango(uint64_t b, uint64_t c, uint64_t n, double z, double *lo,
		 double *hi)
{
	double est;

	SIM_ASSERT(b + c <= n && z > 0.0);
	if (n == 0) {
		*lo = -1.0;
		*hi = 1.0;
		return;
	}
	est = ((double)b - (double)c) / (double)n;
	/* |T| is 0 at the estimate and grows away from it on each side */
	*lo = tango_end((double)b, (double)c, (double)n, z, est, -1.0);
	*hi = tango_end((double)b, (double)c, (double)n, z, est, 1.0);
}

double stats_tango_p(uint64_t b, uint64_t c)
{
	double t;

	if (b + c == 0)
		return 1.0;
	t = ((double)b - (double)c) / sqrt((double)(b + c));
	return erfc(fabs(t) / 1.4142135623730951);
}

/* ---- Holm ---- */

struct ranked {
	double p;
	size_t i;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->p != b->p)
		return (a->p > b->p) - (a->p < b->p);
	return (a->i > b->i) - (a->i < b->i);
}

void stats_holm(const double *p, size_t m, double *adj)
{
	struct ranked *r = g_new(struct ranked, m ? m : 1);
	size_t k = 0, i;
	double run = 0.0;

	for (i = 0; i < m; i++)
		if (isfinite(p[i]))
			r[k++] = (struct ranked){ p[i], i };
	if (k > 1)
		qsort(r, k, sizeof(*r), cmp_ranked);
	for (i = 0; i < m; i++)
		if (!isfinite(p[i]))
			adj[i] = NAN;
	for (i = 0; i < k; i++) {
		run = fmax(run, fmin(1.0, (double)(k - i) * r[i].p));
		adj[r[i].i] = run;
	}
	g_free(r);
}

/* ---- the paired bootstrap ---- */

/* One side of the comparison, set up once per bootstrap. */
struct side {
	const struct cell_acc_scenario *sc; /* n scenarios, borrowed */
	double *sum;			/* n: each scenario's join times
					 * summed, D for each counted node
					 * not joined; owned */
	float *val;			/* m join times, ascending; owned */
	uint32_t *scen;			/* m: the scenario of each; owned.
					 * Apart from val, so that a scan
					 * reads 4 bytes an entry */
	size_t m;
	double D;			/* the deadline, seconds */
};

/* A side's figures over the scenarios weighted by w[k] (times drawn). */
struct metrics {
	double rmean, p50, p99;		/* NAN when no counted node */
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
	s->D = a->deadline_s;
	s->sum = g_new(double, n ? n : 1);
	pool = g_new(struct pooled, s->m ? s->m : 1);
	for (k = 0; k < n; k++) {
		double sum = 0.0;

		SIM_ASSERT(s->sc[k].n_ready <= s->sc[k].n_counted);
		for (j = 0; j < s->sc[k].n_ready; j++, at++) {
			SIM_ASSERT(at < s->m);
			sum += js[at];
			pool[at] = (struct pooled){ js[at], (uint32_t)k };
		}
		s->sum[k] = sum + s->D * (double)(s->sc[k].n_counted -
						   s->sc[k].n_ready);
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
 * The @q quantile, type 7 as stats_quantile_capped(), of the @W (> 0)
 * weighted counted nodes of @s, of which the @R smallest are the weighted
 * join times and the rest count as the deadline: only the order
 * statistics around it are found, scanning the join times from the
 * nearer end, so p99 reads about 1% of the pool.
 */
static double pool_quantile(const struct side *s, const uint32_t *w,
			    uint64_t R, uint64_t W, double q)
{
	double h = (double)(W - 1) * q;
	uint64_t lo = (uint64_t)h;
	double d = h - (double)lo;
	unsigned e = d > 0.0 && lo + 1 < W;
	double x0 = s->D, x1 = s->D;

	if (lo >= R)
		return s->D;
	if (e && lo + 1 >= R) {		/* x1 is a node not joined */
		double unused;

		pool_scan(s, w, false, 0, 0, &x0, &unused);
		SIM_ASSERT(lo == R - 1);
	} else if (lo < R / 2) {
		pool_scan(s, w, true, lo, e, &x0, &x1);
	} else {
		pool_scan(s, w, false, R - 1 - lo - e, e, &x1, &x0);
	}
	/* (1 - d) x0 + d x1, as stats_quantile_capped() */
	return e ? (1.0 - d) * x0 + d * x1 : x0;
}

static void side_metrics(const struct side *s, const uint32_t *w, size_t n,
			 struct metrics *m)
{
	uint64_t R = 0, W = 0;
	double sum = 0.0;
	size_t k;

	/* Every k, weight 0 included: no branch to mispredict. */
	for (k = 0; k < n; k++) {
		R += (uint64_t)w[k] * s->sc[k].n_ready;
		W += (uint64_t)w[k] * s->sc[k].n_counted;
		sum += (double)w[k] * s->sum[k];
	}
	if (!W) {
		m->rmean = m->p50 = m->p99 = NAN;
		return;
	}
	m->rmean = sum / (double)W;
	m->p50 = pool_quantile(s, w, R, W, 0.50);
	m->p99 = pool_quantile(s, w, R, W, 0.99);
}

/* The 95% percentile interval and the p-value of @n resampled
 * differences (sorted in place) around @diff. */
static void finish(struct stats_diff *d, double diff, double *buf, size_t n)
{
	size_t le = 0, ge = 0, i;

	*d = (struct stats_diff){ .diff = diff, .p_holm = NAN };
	if (!isfinite(diff) || n == 0) {
		d->ci95[0] = d->ci95[1] = d->p_value = NAN;
		return;
	}
	if (n > 1)
		qsort(buf, n, sizeof(double), fmt_cmp_double);
	d->ci95[0] = stats_quantile_sorted(buf, n, 0.025);
	d->ci95[1] = stats_quantile_sorted(buf, n, 0.975);
	d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
	for (i = 0; i < n; i++) {
		le += buf[i] <= 0.0;
		ge += buf[i] >= 0.0;
	}
	d->p_value = fmin(1.0, 2.0 * (double)MIN(le, ge) / (double)n);
}

/* The success-rate difference with Tango's interval. */
static void success_diff(const struct side *sa, const struct side *sb,
			 size_t n, struct stats_paired *out)
{
	struct stats_diff *d = &out->success_rate;
	uint64_t better = 0, worse = 0, sa_ok = 0, sb_ok = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		sa_ok += sa->sc[k].success;
		sb_ok += sb->sc[k].success;
		better += sa->sc[k].success && !sb->sc[k].success;
		worse += !sa->sc[k].success && sb->sc[k].success;
	}
	out->discordant_better = better;
	out->discordant_worse = worse;
	*d = (struct stats_diff){ .p_holm = NAN };
	if (n == 0) {
		d->diff = d->ci95[0] = d->ci95[1] = d->p_value = NAN;
		return;
	}
	d->diff = ((double)sa_ok - (double)sb_ok) / (double)n;
	stats_tango(better, worse, n, STATS_Z95, &d->ci95[0], &d->ci95[1]);
	d->significant = d->ci95[0] > 0.0 || d->ci95[1] < 0.0;
	d->p_value = stats_tango_p(better, worse);
}

unsigned stats_bootstrap_resamples(size_t n, size_t m_a, size_t m_b,
				   unsigned asked)
{
	/* each resample draws n indices, weighs n scenarios on each side
	 * and scans at most both pools */
	double per = 2.0 * (double)n + (double)m_a + (double)m_b;
	double fit = floor(STATS_BOOTSTRAP_WORK / (per > 0 ? per : 1.0));

	if (n == 0)
		return 0;	/* nothing to draw from */
	return (unsigned)MIN((double)asked,
			     MAX((double)STATS_BOOTSTRAP_MIN_RESAMPLES, fit));
}

void stats_paired_bootstrap(const struct cell_acc *a,
			    const struct cell_acc *base, unsigned resamples,
			    gsl_rng *r, struct stats_paired *out)
{
	enum { MEAN, P50, P99, N_METRICS };
	size_t n = a->scen->len, k;
	struct side sa, sb;
	struct metrics ma, mb, full_a, full_b;
	double *buf[N_METRICS];
	size_t got = 0;
	uint32_t *w;
	unsigned used, i, j;

	SIM_ASSERT(a != NULL && base != NULL && r != NULL && out != NULL);
	SIM_ASSERT(n == base->scen->len);
	SIM_ASSERT(n == a->scenarios && n == base->scenarios);
	SIM_ASSERT(n <= UINT32_MAX);
	SIM_ASSERT(a->deadline_s == base->deadline_s);
	SIM_ASSERT(resamples >= 1);

	side_init(&sa, a, n);
	side_init(&sb, base, n);
	used = stats_bootstrap_resamples(n, sa.m, sb.m, resamples);

	*out = (struct stats_paired){ .resamples = used };
	success_diff(&sa, &sb, n, out);

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
		/* a side with no counted node in this resample: no value */
		if (isfinite(ma.rmean) && isfinite(mb.rmean)) {
			buf[MEAN][got] = ma.rmean - mb.rmean;
			buf[P50][got] = ma.p50 - mb.p50;
			buf[P99][got] = ma.p99 - mb.p99;
			got++;
		}
	}

	finish(&out->join_mean_s, full_a.rmean - full_b.rmean, buf[MEAN], got);
	finish(&out->join_p50_s, full_a.p50 - full_b.p50, buf[P50], got);
	finish(&out->join_p99_s, full_a.p99 - full_b.p99, buf[P99], got);

	for (j = 0; j < N_METRICS; j++)
		g_free(buf[j]);
	g_free(w);
	side_release(&sa);
	side_release(&sb);
}

/* The bound of a censored quantile difference. */
static enum stats_bound bound_of(double a, double base)
{
	bool ia = isinf(a), ib = isinf(base);

	return ia && ib ? STATS_BOTH_BEYOND : ia ? STATS_AT_LEAST
		: ib ? STATS_AT_MOST : STATS_EXACT;
}

void stats_paired_point(const struct cell_summary *a,
			const struct cell_summary *base,
			struct stats_paired *out)
{
	out->success_rate.diff = a->rate - base->rate;
	out->join_mean_s.diff = a->join_rmean - base->join_rmean;
	out->join_p50_s.diff = a->join_p50_capped - base->join_p50_capped;
	out->join_p99_s.diff = a->join_p99_capped - base->join_p99_capped;
	out->join_mean_s.bound = STATS_EXACT;
	out->join_p50_s.bound = bound_of(a->join_p50, base->join_p50);
	out->join_p99_s.bound = bound_of(a->join_p99, base->join_p99);
	out->tail_n = MIN(a->tail_beyond_p99, base->tail_beyond_p99);
	out->tail_warning = out->tail_n < STATS_TAIL_MIN;
}
