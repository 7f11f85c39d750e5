#include "stats.h"
#include "sim/error.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

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

void cell_acc_init(struct cell_acc *a)
{
	*a = (struct cell_acc){ 0 };
	a->join_s = g_array_new(FALSE, FALSE, sizeof(double));
}

static sim_time add_sat(sim_time a, sim_time b)
{
	SIM_ASSERT(a >= 0 && b >= 0);
	return a > SIM_TIME_MAX - b ? SIM_TIME_MAX : a + b;
}

void cell_acc_add(struct cell_acc *a, const struct run_record *r)
{
	size_t i;

	a->scenarios++;
	if (r->success)
		a->successes++;
	a->events += r->events;
	for (i = 0; i < r->n_nodes; i++) {
		const struct node_record *nr = &r->nodes[i];

		if (!nr->counted)
			continue;
		a->nodes_counted++;
		if (nr->ready) {
			double s = sim_time_to_s(nr->join_time);

			a->nodes_ready++;
			g_array_append_val(a->join_s, s);
		}
		a->dials += nr->dials;
		a->failed_dials += nr->failed_dials;
		a->timeout_wait = add_sat(a->timeout_wait, nr->timeout_wait);
		a->requests += nr->requests;
		a->fatal_restarts += nr->fatal_restarts;
	}
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
}

void cell_acc_release(struct cell_acc *a)
{
	if (a->join_s)
		g_array_free(a->join_s, TRUE);
	*a = (struct cell_acc){ 0 };
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
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
		qsort(a->join_s->data, nj, sizeof(double), cmp_double);
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
