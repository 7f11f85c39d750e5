/* Failover figures per cell (stats_failover.h). */
#include "stats_failover.h"
#include "stats_failover_internal.h"
#include "bytes.h"
#include "stats.h"
#include "sim/error.h"

#include <math.h>
#include <string.h>

void fo_acc_init(struct fo_acc *a)
{
	*a = (struct fo_acc){ 0 };
	a->back_s = g_array_new(FALSE, FALSE, sizeof(double));
	a->scen = g_array_new(FALSE, FALSE, sizeof(struct fo_scenario));
}

void fo_acc_release(struct fo_acc *a)
{
	if (a->back_s)
		g_array_free(a->back_s, TRUE);
	if (a->scen)
		g_array_free(a->scen, TRUE);
	if (a->sc_ns)
		g_array_free(a->sc_ns, TRUE);
	g_free(a->hist);
	*a = (struct fo_acc){ 0 };
}

void fo_acc_add(struct fo_acc *a, const struct run_record *r)
{
	struct fo__scen_sums s = { 0 };
	struct fo_scenario sc = { .happened = r->fo_happened };
	bool fell = false;
	size_t i;

	if (!r->failover)
		return;
	a->enabled = true;
	a->scenarios++;
	for (i = 0; i < r->n_nodes; i++) {
		const struct node_record *nr = &r->nodes[i];
		sim_time t = nr->fo_back_time;

		a->notready += nr->fo_notready;
		s.notready += nr->fo_notready_time;
		a->failed_renewals += nr->fo_failed_renewals;
		a->requests += nr->fo_requests;
		a->dials += nr->fo_dials;
		if (nr->fo_notready > 0)
			fell = true;
		if (!nr->fo_affected)
			continue;
		s.affected++;
		if (!nr->fo_back) {
			s.back_sum += (unsigned __int128)MAX(
				t, r->end - nr->fo_cut_at);
			continue;
		}
		if (a->summary) {
			fo__summary_back(a, t);
		} else {
			double x = sim_time_to_s(t);

			g_array_append_val(a->back_s, x);
		}
		a->back++;
		s.back++;
		s.back_sum += (unsigned __int128)t;
	}
	a->notready_time += s.notready;
	a->affected += s.affected;
	if (r->fo_happened) {
		a->happened++;
		s.success = !fell && s.back == s.affected;
		a->successes += s.success;
	}
	if (a->summary) {
		fo__summary_add(a, &s);
		return;
	}
	sc.success = s.success;
	sc.notready_s = (float)sim_time_to_s(s.notready);
	sc.back_mean_s = s.affected
		? (float)(sim_time_to_s((sim_time)s.back_sum) /
			  (double)s.affected) : 0.0f;
	g_array_append_val(a->scen, sc);
}

void fo_acc_merge(struct fo_acc *dst, const struct fo_acc *src)
{
	if (dst->summary || src->summary) {
		fo__summary_merge(dst, src);
		return;
	}
	dst->enabled |= src->enabled;
	dst->scenarios += src->scenarios;
	dst->happened += src->happened;
	dst->successes += src->successes;
	dst->affected += src->affected;
	dst->back += src->back;
	g_array_append_vals(dst->back_s, src->back_s->data, src->back_s->len);
	dst->notready += src->notready;
	dst->notready_time += src->notready_time;
	dst->failed_renewals += src->failed_renewals;
	dst->requests += src->requests;
	dst->dials += src->dials;
	g_array_append_vals(dst->scen, src->scen->data, src->scen->len);
}

void fo__put_counts(const struct fo_acc *a, GByteArray *out)
{
	const uint64_t counts[FO_N_COUNTS] = {
		a->enabled, a->scenarios, a->happened, a->successes,
		a->affected, a->back, a->notready, (uint64_t)a->notready_time,
		a->failed_renewals, a->requests, a->dials,
	};
	size_t i;

	for (i = 0; i < FO_N_COUNTS; i++)
		bytes_put_u64(out, counts[i]);
}

void fo__set_counts(struct fo_acc *a, const uint64_t c[FO_N_COUNTS])
{
	a->enabled = c[0];
	a->scenarios = c[1];
	a->happened = c[2];
	a->successes = c[3];
	a->affected = c[4];
	a->back = c[5];
	a->notready = c[6];
	a->notready_time = (sim_time)c[7];
	a->failed_renewals = c[8];
	a->requests = c[9];
	a->dials = c[10];
}

void fo_acc_encode(const struct fo_acc *a, GByteArray *out)
{
	size_t i;

	if (a->summary) {
		fo__summary_encode(a, out);
		return;
	}
	fo__put_counts(a, out);
	for (i = 0; i < a->back_s->len; i++)
		bytes_put_double(out, g_array_index(a->back_s, double, i));
	bytes_put_u64(out, a->scen->len);
	for (i = 0; i < a->scen->len; i++) {
		const struct fo_scenario *sc =
			&g_array_index(a->scen, struct fo_scenario, i);
		uint32_t x, y;

		memcpy(&x, &sc->notready_s, 4);
		memcpy(&y, &sc->back_mean_s, 4);
		bytes_put_u32(out, (uint32_t)sc->happened |
				   (uint32_t)sc->success << 1);
		bytes_put_u32(out, x);
		bytes_put_u32(out, y);
	}
}

bool fo_acc_decode(struct bytes_in *in, struct fo_acc *a)
{
	uint64_t c[FO_N_COUNTS], n, i;
	uint32_t flags, x, y;
	double d;

	if (a->summary)
		return fo__summary_decode(in, a);
	for (i = 0; i < G_N_ELEMENTS(c); i++)
		if (!bytes_get_u64(in, &c[i]))
			return false;
	if (c[0] > 1 || c[5] > c[4] || c[5] > bytes_left(in) / 8 ||
	    (int64_t)c[7] < 0)
		return false;
	fo__set_counts(a, c);
	for (i = 0; i < a->back; i++) {
		if (!bytes_get_double(in, &d) || !isfinite(d) || d < 0)
			return false;
		g_array_append_val(a->back_s, d);
	}
	if (!bytes_get_u64(in, &n) || n != a->scenarios ||
	    n > bytes_left(in) / 12)
		return false;
	for (i = 0; i < n; i++) {
		struct fo_scenario sc;

		if (!bytes_get_u32(in, &flags) || flags > 3 ||
		    !bytes_get_u32(in, &x) || !bytes_get_u32(in, &y))
			return false;
		sc.happened = flags & 1;
		sc.success = flags >> 1;
		memcpy(&sc.notready_s, &x, 4);
		memcpy(&sc.back_mean_s, &y, 4);
		g_array_append_val(a->scen, sc);
	}
	return true;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double per(double num, uint64_t den)
{
	return den ? num / (double)den : NAN;
}

/* The normal 95% interval of the mean NotReady node-seconds per
 * scenario, from the per-scenario figures in order (a fixed order: the
 * same bits however the records were merged). */
static void notready_ci(const struct fo_acc *a, struct fo_summary *out)
{
	const struct fo_scenario *sc =
		(const struct fo_scenario *)(void *)a->scen->data;
	size_t n = a->scen->len, i;
	double m = 0, ss = 0, se;

	out->notready_s_ci95[0] = out->notready_s_ci95[1] = NAN;
	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		m += sc[i].notready_s;
	m /= (double)n;
	for (i = 0; i < n; i++)
		ss += ((double)sc[i].notready_s - m) *
		      ((double)sc[i].notready_s - m);
	se = sqrt(ss / (double)(n - 1) / (double)n);
	out->notready_s_ci95[0] = out->notready_s_per_scenario - STATS_Z95 * se;
	out->notready_s_ci95[1] = out->notready_s_per_scenario + STATS_Z95 * se;
}

/* The figures read from the sorted back times and the scenarios. */
static void exact_figures(struct fo_acc *a, struct fo_summary *out)
{
	const double *v;
	double sum = 0;
	size_t i;

	g_array_sort(a->back_s, cmp_double);
	v = (const double *)(void *)a->back_s->data;
	for (i = 0; i < a->back_s->len; i++)
		sum += v[i];
	out->back_mean = per(sum, a->back);
	out->back_p50 = stats_quantile_censored(v, a->back, a->affected, 0.5);
	out->back_p90 = stats_quantile_censored(v, a->back, a->affected, 0.9);
	out->back_p99 = stats_quantile_censored(v, a->back, a->affected, 0.99);
	notready_ci(a, out);
	for (i = 0; i < FO_CDF_POINTS; i++)
		out->back_cdf[i] = stats_quantile_censored(
			v, a->back, a->affected,
			(double)i / (FO_CDF_POINTS - 1));
}

void fo_acc_summarise(struct fo_acc *a, struct fo_summary *out)
{
	*out = (struct fo_summary){ .enabled = a->enabled };
	if (!a->enabled)
		return;
	out->happened = a->happened;
	out->successes = a->successes;
	out->rate = per((double)a->successes, a->happened);
	stats_wilson(a->successes, a->happened, STATS_Z95, &out->ci95[0],
		     &out->ci95[1]);
	out->affected = a->affected;
	out->back = a->back;
	out->notready_per_scenario = per((double)a->notready, a->scenarios);
	out->notready_s_per_scenario =
		per(sim_time_to_s(a->notready_time), a->scenarios);
	if (a->summary)		/* from the histogram and the sums */
		fo__summary_summarise(a, out);
	else
		exact_figures(a, out);
	out->grace_period_s = NAN;
	out->failed_renewals_per_scenario =
		per((double)a->failed_renewals, a->scenarios);
	out->requests_per_failover = per((double)a->requests, a->happened);
	out->dials_per_failover = per((double)a->dials, a->happened);
}

/* The mean of the differences d[0..n) and its 95% normal interval. */
static void mean_diff(const double *d, size_t n, struct fo_diff *out)
{
	double m = 0, ss = 0, se;
	size_t i;

	for (i = 0; i < n; i++)
		m += d[i];
	m = n ? m / (double)n : NAN;
	for (i = 0; i < n; i++)
		ss += (d[i] - m) * (d[i] - m);
	se = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : NAN;
	out->diff = m;
	out->ci95[0] = m - STATS_Z95 * se;
	out->ci95[1] = m + STATS_Z95 * se;
	out->significant = isfinite(se) && (out->ci95[0] > 0 ||
					    out->ci95[1] < 0);
}

void fo_paired_compute(const struct fo_acc *cell, const struct fo_acc *base,
		       struct fo_paired *out)
{
	const struct fo_scenario *c, *b;
	size_t n, i;
	double *d[3];
	int k;

	*out = (struct fo_paired){ .enabled = cell->enabled && base->enabled };
	if (!out->enabled)
		return;
	if (cell->summary) {	/* paired chunk by chunk */
		fo__summary_paired(cell, out);
		return;
	}
	if (cell->scen->len != base->scen->len)
		SIM_BUG("paired failover figures over %u and %u scenarios",
			cell->scen->len, base->scen->len);
	n = cell->scen->len;
	c = (const struct fo_scenario *)(void *)cell->scen->data;
	b = (const struct fo_scenario *)(void *)base->scen->data;
	for (k = 0; k < 3; k++)
		d[k] = g_new(double, MAX(n, 1));
	for (i = 0; i < n; i++) {
		d[0][i] = (double)c[i].success - (double)b[i].success;
		d[1][i] = (double)c[i].notready_s - (double)b[i].notready_s;
		d[2][i] = (double)c[i].back_mean_s - (double)b[i].back_mean_s;
	}
	out->n = n;
	mean_diff(d[0], n, &out->success);
	mean_diff(d[1], n, &out->notready_s);
	mean_diff(d[2], n, &out->back_mean_s);
	for (k = 0; k < 3; k++)
		g_free(d[k]);
}
