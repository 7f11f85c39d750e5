/*
 * Summary mode of struct fo_acc (stats_failover.h): the affected agents'
 * times back in the log-bucketed histogram of the join times
 * (stats_summary.c's buckets: a quantile within STATS_HIST_REL_ERROR),
 * NotReady node-time and the paired sums against the baseline as integer
 * nanoseconds in 128 bits, so that merging is exact and order-free and a
 * cell's memory does not grow with its scenarios. Intervals: Wilson for
 * success, the normal (CLT) interval of the mean for the NotReady
 * node-seconds and for the paired differences, from the sums.
 */
#include "stats_failover_internal.h"
#include "stats_summary_internal.h"
#include "bytes.h"
#include "stats.h"
#include "sim/error.h"

#include <math.h>
#include <string.h>

typedef unsigned __int128 u128;

void fo_acc_init_summary(struct fo_acc *a, uint64_t deadline_ns)
{
	fo_acc_init(a);
	a->summary = true;
	a->n_hist = stats__hist_index(deadline_ns + 1) + 1;
	a->sc_ns = g_array_new(FALSE, FALSE, sizeof(struct fo_scenario_ns));
}

void fo__summary_back(struct fo_acc *a, sim_time t)
{
	SIM_ASSERT(t >= 0 && stats__hist_index((uint64_t)t) < a->n_hist);
	if (!a->hist)
		a->hist = g_new0(uint64_t, a->n_hist);
	a->hist[stats__hist_index((uint64_t)t)]++;
	if (!a->back || t < a->back_ns_min)
		a->back_ns_min = t;
	if (!a->back || t > a->back_ns_max)
		a->back_ns_max = t;
	a->back_ns_sum += (u128)t;
}

void fo__summary_add(struct fo_acc *a, const struct fo__scen_sums *s)
{
	uint64_t notready = (uint64_t)s->notready;
	struct fo_scenario_ns sc = {
		.notready_ns = notready,
		.back_mean_ns = s->affected
			? (uint64_t)(s->back_sum / s->affected) : 0,
		.success = s->success,
	};
	bool ovf = false;

	stats__add128(&a->notready_ns_sq, (u128)notready * notready, &ovf);
	SIM_ASSERT(!ovf);
	g_array_append_val(a->sc_ns, sc);
}

static void pair_add(struct fo_pair *d, const struct fo_pair *s)
{
	d->n += s->n;
	d->better += s->better;
	d->worse += s->worse;
	d->overflow |= s->overflow;
	stats__add128(&d->na, s->na, &d->overflow);
	stats__add128(&d->nb, s->nb, &d->overflow);
	stats__add128(&d->na2, s->na2, &d->overflow);
	stats__add128(&d->nb2, s->nb2, &d->overflow);
	stats__add128(&d->nanb, s->nanb, &d->overflow);
	stats__add128(&d->ma, s->ma, &d->overflow);
	stats__add128(&d->mb, s->mb, &d->overflow);
	stats__add128(&d->ma2, s->ma2, &d->overflow);
	stats__add128(&d->mb2, s->mb2, &d->overflow);
	stats__add128(&d->mamb, s->mamb, &d->overflow);
}

void fo__summary_merge(struct fo_acc *dst, const struct fo_acc *src)
{
	bool ovf = false;
	size_t i;

	SIM_ASSERT(dst->summary && src->summary && dst->n_hist == src->n_hist);
	if (src->back) {
		if (!dst->hist)
			dst->hist = g_new0(uint64_t, dst->n_hist);
		for (i = 0; i < dst->n_hist; i++)
			dst->hist[i] += src->hist[i];
		if (!dst->back || src->back_ns_min < dst->back_ns_min)
			dst->back_ns_min = src->back_ns_min;
		if (!dst->back || src->back_ns_max > dst->back_ns_max)
			dst->back_ns_max = src->back_ns_max;
	}
	dst->enabled |= src->enabled;
	dst->scenarios += src->scenarios;
	dst->happened += src->happened;
	dst->successes += src->successes;
	dst->affected += src->affected;
	dst->back += src->back;
	dst->back_ns_sum += src->back_ns_sum;
	dst->notready += src->notready;
	dst->notready_time += src->notready_time;
	stats__add128(&dst->notready_ns_sq, src->notready_ns_sq, &ovf);
	SIM_ASSERT(!ovf);
	dst->failed_renewals += src->failed_renewals;
	dst->requests += src->requests;
	dst->dials += src->dials;
	pair_add(&dst->pair, &src->pair);
	/* the scenarios stay with their chunk: paired before any merge */
}

void fo_acc_drop_scenarios(struct fo_acc *a)
{
	if (a->sc_ns)
		g_array_set_size(a->sc_ns, 0);
}

void fo_acc_pair_chunk(struct fo_acc *a, const struct fo_acc *base)
{
	const struct fo_scenario_ns *x, *y;
	struct fo_pair p = { 0 };
	size_t n, k;

	if (!a->summary || !base->summary)
		return;
	n = a->sc_ns->len;
	SIM_ASSERT(n == base->sc_ns->len);
	x = (const struct fo_scenario_ns *)(void *)a->sc_ns->data;
	y = (const struct fo_scenario_ns *)(void *)base->sc_ns->data;
	for (k = 0; k < n; k++) {
		u128 na = x[k].notready_ns, nb = y[k].notready_ns;
		u128 ma = x[k].back_mean_ns, mb = y[k].back_mean_ns;

		p.better += x[k].success && !y[k].success;
		p.worse += !x[k].success && y[k].success;
		stats__add128(&p.na, na, &p.overflow);
		stats__add128(&p.nb, nb, &p.overflow);
		stats__add128(&p.na2, na * na, &p.overflow);
		stats__add128(&p.nb2, nb * nb, &p.overflow);
		stats__add128(&p.nanb, na * nb, &p.overflow);
		stats__add128(&p.ma, ma, &p.overflow);
		stats__add128(&p.mb, mb, &p.overflow);
		stats__add128(&p.ma2, ma * ma, &p.overflow);
		stats__add128(&p.mb2, mb * mb, &p.overflow);
		stats__add128(&p.mamb, ma * mb, &p.overflow);
	}
	p.n = n;
	pair_add(&a->pair, &p);
	fo_acc_drop_scenarios(a);
}

/* ---- the serialised form (the journal's chunk records) ---- */

static void put_u128(GByteArray *out, u128 v)
{
	bytes_put_u64(out, (uint64_t)(v >> 64));
	bytes_put_u64(out, (uint64_t)v);
}

static bool get_u128(struct bytes_in *in, u128 *v)
{
	uint64_t hi, lo;

	if (!bytes_get_u64(in, &hi) || !bytes_get_u64(in, &lo))
		return false;
	*v = (u128)hi << 64 | lo;
	return true;
}

/* The pair's wide sums into @w, in the order the bytes hold them. */
static void pair_sums(struct fo_pair *p, u128 *w[10])
{
	u128 *v[10] = { &p->na, &p->nb, &p->na2, &p->nb2, &p->nanb,
			&p->ma, &p->mb, &p->ma2, &p->mb2, &p->mamb };

	memcpy(w, v, sizeof(v));
}

void fo__summary_encode(const struct fo_acc *a, GByteArray *out)
{
	const uint64_t u[] = {	/* after the counts both modes write */
		a->n_hist, (uint64_t)a->back_ns_min, (uint64_t)a->back_ns_max,
		a->pair.n, a->pair.better, a->pair.worse, a->pair.overflow,
	};
	struct fo_pair p = a->pair;
	u128 *w[10];
	size_t i, used = 0;

	fo__put_counts(a, out);
	for (i = 0; i < G_N_ELEMENTS(u); i++)
		bytes_put_u64(out, u[i]);
	put_u128(out, a->back_ns_sum);
	put_u128(out, a->notready_ns_sq);
	pair_sums(&p, w);
	for (i = 0; i < 10; i++)
		put_u128(out, *w[i]);
	for (i = 0; a->hist && i < a->n_hist; i++)
		used += a->hist[i] != 0;
	bytes_put_u64(out, used);
	for (i = 0; a->hist && i < a->n_hist; i++)
		if (a->hist[i]) {
			bytes_put_u64(out, i);
			bytes_put_u64(out, a->hist[i]);
		}
	bytes_put_u64(out, a->sc_ns->len);
	for (i = 0; i < a->sc_ns->len; i++) {
		const struct fo_scenario_ns *sc =
			&g_array_index(a->sc_ns, struct fo_scenario_ns, i);

		bytes_put_u64(out, sc->notready_ns);
		bytes_put_u64(out, sc->back_mean_ns);
		bytes_put_u64(out, sc->success);
	}
}

/* The histogram and the scenarios after the sums, into @a. */
static bool decode_tail(struct bytes_in *in, struct fo_acc *a)
{
	uint64_t used, n, i, k, c, sum = 0;

	if (!bytes_get_u64(in, &used) || used > a->n_hist)
		return false;
	if (used)
		a->hist = g_new0(uint64_t, a->n_hist);
	for (i = 0; i < used; i++) {
		if (!bytes_get_u64(in, &k) || !bytes_get_u64(in, &c) ||
		    k >= a->n_hist || a->hist[k] || !c ||
		    c > a->back - sum)
			return false;
		a->hist[k] = c;
		sum += c;
	}
	if (sum != a->back || !bytes_get_u64(in, &n) ||
	    n > a->scenarios || n > bytes_left(in) / 24)
		return false;
	for (i = 0; i < n; i++) {
		struct fo_scenario_ns sc;

		if (!bytes_get_u64(in, &sc.notready_ns) ||
		    !bytes_get_u64(in, &sc.back_mean_ns) ||
		    !bytes_get_u64(in, &c) || c > 1)
			return false;
		sc.success = c;
		g_array_append_val(a->sc_ns, sc);
	}
	return true;
}

bool fo__summary_decode(struct bytes_in *in, struct fo_acc *a)
{
	uint64_t u[18];
	u128 *w[10];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(u); i++)
		if (!bytes_get_u64(in, &u[i]))
			return false;
	if (u[0] > 1 || u[11] != a->n_hist || u[5] > u[4] || u[17] > 1 ||
	    u[3] > u[2] || u[2] > u[1] ||
	    (int64_t)u[7] < 0 || (int64_t)u[12] < 0 || (int64_t)u[13] < 0)
		return false;
	fo__set_counts(a, u);
	a->back_ns_min = (sim_time)u[12];
	a->back_ns_max = (sim_time)u[13];
	a->pair.n = u[14];
	a->pair.better = u[15];
	a->pair.worse = u[16];
	a->pair.overflow = u[17];
	if (!get_u128(in, &a->back_ns_sum) || !get_u128(in, &a->notready_ns_sq))
		return false;
	pair_sums(&a->pair, w);
	for (i = 0; i < 10; i++)
		if (!get_u128(in, w[i]))
			return false;
	return decode_tail(in, a);
}

/* ---- figures ---- */

/* stats__hist_quantile() over the affected agents, those back the
 * smallest, read from the histogram. */
static double quantile(const struct fo_acc *a, double q)
{
	struct stats__hist h = { .counts = a->hist, .n_buckets = a->n_hist,
				 .n = a->back, .min = a->back_ns_min,
				 .max = a->back_ns_max };

	return stats__hist_quantile(&h, a->affected, q, -1);
}

/* The mean of @n values from their sum @s and sum of squares @s2 (in
 * units of @scale), with its normal 95% interval. */
static void clt(uint64_t n, long double s, long double s2, long double scale,
		double *mean, double ci[2])
{
	long double m, var, se;

	ci[0] = ci[1] = NAN;
	*mean = n ? (double)(s / (long double)n / scale) : NAN;
	if (n < 2)
		return;
	m = s / (long double)n;
	var = (s2 - (long double)n * m * m) / (long double)(n - 1);
	se = sqrtl(fmaxl(var, 0) / (long double)n) / scale;
	ci[0] = *mean - STATS_Z95 * (double)se;
	ci[1] = *mean + STATS_Z95 * (double)se;
}

void fo__summary_summarise(const struct fo_acc *a, struct fo_summary *out)
{
	double m;
	size_t i;

	out->back_mean = a->back ? (double)((long double)a->back_ns_sum /
					     (long double)a->back / 1e9L)
				 : NAN;
	out->back_p50 = quantile(a, 0.5);
	out->back_p90 = quantile(a, 0.9);
	out->back_p99 = quantile(a, 0.99);
	for (i = 0; i < FO_CDF_POINTS; i++)
		out->back_cdf[i] = quantile(a, (double)i / (FO_CDF_POINTS - 1));
	clt(a->scenarios, (long double)a->notready_time,
	    (long double)a->notready_ns_sq, 1e9L, &m, out->notready_s_ci95);
}

static void diff_of(uint64_t n, u128 sa, u128 sb, u128 sa2, u128 sb2,
		    u128 sab, long double scale, struct fo_diff *d)
{
	long double s = (long double)sa - (long double)sb;
	long double s2 = (long double)sa2 + (long double)sb2 -
			 2.0L * (long double)sab;

	clt(n, s, s2, scale, &d->diff, d->ci95);
	d->significant = isfinite(d->ci95[0]) &&
			 (d->ci95[0] > 0 || d->ci95[1] < 0);
}

void fo__summary_paired(const struct fo_acc *cell, struct fo_paired *out)
{
	const struct fo_pair *p = &cell->pair;

	out->n = p->n;
	diff_of(p->n, p->better, p->worse, p->better, p->worse, 0, 1.0L,
		&out->success);
	if (p->overflow) {
		out->notready_s.diff = out->back_mean_s.diff = NAN;
		out->notready_s.ci95[0] = out->notready_s.ci95[1] = NAN;
		out->back_mean_s.ci95[0] = out->back_mean_s.ci95[1] = NAN;
		return;
	}
	diff_of(p->n, p->na, p->nb, p->na2, p->nb2, p->nanb, 1e9L,
		&out->notready_s);
	diff_of(p->n, p->ma, p->mb, p->ma2, p->mb2, p->mamb, 1e9L,
		&out->back_mean_s);
}
