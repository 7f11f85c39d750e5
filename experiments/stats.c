#include "stats.h"
#include "bytes.h"
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

/* The rank and weight of a type-7 quantile: h = (n - 1) q. */
static void rank7(size_t n, double q, size_t *lo, double *d)
{
	double h = (double)(n - 1) * q;

	*lo = (size_t)h;
	*d = h - (double)*lo;
	if (*lo + 1 >= n)	/* q = 1, or rounding at the top */
		*d = 0.0;
}

double stats_quantile_censored(const double *sorted, size_t r, size_t n,
			       double q)
{
	size_t lo;
	double d;

	SIM_ASSERT(q >= 0.0 && q <= 1.0 && r <= n);
	if (n == 0)
		return NAN;
	rank7(n, q, &lo, &d);
	if (lo >= r || (d > 0.0 && lo + 1 >= r))
		return INFINITY;
	/* (1 - d) x0 + d x1, as GSL computes it: with no node censored
	 * the figure is gsl_stats_quantile_from_sorted_data()'s, bit for
	 * bit */
	return d > 0.0 ? (1.0 - d) * sorted[lo] + d * sorted[lo + 1]
		       : sorted[lo];
}

double stats_quantile_capped(const double *sorted, size_t r, size_t n,
			     double q, double cap)
{
	size_t lo;
	double d, x0, x1;

	SIM_ASSERT(q >= 0.0 && q <= 1.0 && r <= n);
	if (n == 0)
		return NAN;
	rank7(n, q, &lo, &d);
	x0 = lo < r ? sorted[lo] : cap;
	if (d == 0.0)
		return x0;
	x1 = lo + 1 < r ? sorted[lo + 1] : cap;
	return (1.0 - d) * x0 + d * x1;
}

/* The header promises 8 bytes a scenario. */
_Static_assert(sizeof(struct cell_acc_scenario) == 8,
	       "struct cell_acc_scenario grew");

void cell_acc_init(struct cell_acc *a, double deadline_s)
{
	SIM_ASSERT(deadline_s > 0.0);
	*a = (struct cell_acc){ .deadline_s = deadline_s };
	a->join_s = g_array_new(FALSE, FALSE, sizeof(double));
	a->scen = g_array_new(FALSE, FALSE, sizeof(struct cell_acc_scenario));
	a->scen_join_s = g_array_new(FALSE, FALSE, sizeof(float));
	fo_acc_init(&a->fo);
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
	if (a->summary) {
		cell_acc_summary_add(a, r);
		return;
	}
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
	fo_acc_add(&a->fo, r);
}

void cell_acc_merge(struct cell_acc *dst, const struct cell_acc *src)
{
	SIM_ASSERT(dst != src);
	SIM_ASSERT(dst->deadline_s == src->deadline_s);
	if (dst->summary || src->summary) {
		cell_acc_summary_merge(dst, src);
		return;
	}
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
	fo_acc_merge(&dst->fo, &src->fo);
}

void cell_acc_release(struct cell_acc *a)
{
	if (a->join_s)
		g_array_free(a->join_s, TRUE);
	if (a->scen)
		g_array_free(a->scen, TRUE);
	if (a->scen_join_s)
		g_array_free(a->scen_join_s, TRUE);
	fo_acc_release(&a->fo);
	if (a->scen_sum_ns)
		g_array_free(a->scen_sum_ns, TRUE);
	g_free(a->hist);
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
	size_t nj = a->join_s->len, nc = a->nodes_counted, i;
	double D = a->deadline_s, sum;

	if (a->summary) {
		cell_acc_summary_summarise(a, out);
		fo_acc_summarise(&a->fo, &out->fo);
		return;
	}
	SIM_ASSERT(nj == a->nodes_ready && nj <= nc);
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
	out->nodes_counted = nc;
	out->nodes_ready = a->nodes_ready;
	out->deadline_s = D;

	/* censored, over every counted node */
	/* with every node joined, GSL's mean, bit for bit the joined-only
	 * one */
	sum = 0.0;
	for (i = 0; i < nj; i++)
		sum += js[i];
	out->join_rmean = nj == nc && nj ? gsl_stats_mean(js, 1, nj)
		: ratio(sum + D * (double)(nc - nj), nc);
	out->join_p50 = stats_quantile_censored(js, nj, nc, 0.50);
	out->join_p90 = stats_quantile_censored(js, nj, nc, 0.90);
	out->join_p99 = stats_quantile_censored(js, nj, nc, 0.99);
	out->join_max = nc == 0 ? NAN : nj < nc ? INFINITY : js[nj - 1];
	for (i = 0; i < STATS_CDF_POINTS; i++)
		out->join_cdf[i] = stats_quantile_censored(
			js, nj, nc, (double)i / (STATS_CDF_POINTS - 1));
	out->join_p50_capped = stats_quantile_capped(js, nj, nc, 0.50, D);
	out->join_p99_capped = stats_quantile_capped(js, nj, nc, 0.99, D);
	out->tail_beyond_p99 = nc ? nc - 1 - (uint64_t)((double)(nc - 1) *
							0.99) : 0;

	/* conditional on joining */
	out->joined_mean = nj ? gsl_stats_mean(js, 1, nj) : NAN;
	out->joined_p50 = stats_quantile_sorted(js, nj, 0.50);
	out->joined_p90 = stats_quantile_sorted(js, nj, 0.90);
	out->joined_p99 = stats_quantile_sorted(js, nj, 0.99);
	out->joined_max = nj ? js[nj - 1] : NAN;

	out->dials_per_join = ratio((double)a->dials, a->nodes_ready);
	out->failed_dials_per_join =
		ratio((double)a->failed_dials, a->nodes_ready);
	out->timeout_wait_s_per_join =
		ratio(sim_time_to_s(a->timeout_wait), a->nodes_ready);
	out->requests_per_join = ratio((double)a->requests, a->nodes_ready);
	out->fatal_restarts_per_scenario =
		ratio((double)a->fatal_restarts, a->scenarios);
	out->events_per_scenario = ratio((double)a->events, a->scenarios);
	fo_acc_summarise(&a->fo, &out->fo);
}

/* ---- the serialised form (cell_acc_encode(), cell_acc_decode()) ---- */

/* A scenario in 8 bytes: n_ready, n_counted << 32, success << 48. */
static uint64_t scen_pack(const struct cell_acc_scenario *sc)
{
	return (uint64_t)sc->n_ready | (uint64_t)sc->n_counted << 32 |
	       (uint64_t)sc->success << 48;
}

/* A summary-mode @a: cell_acc_summary_encode()'s text, its length first,
 * then the failover figures. */
static void encode_summary(const struct cell_acc *a, GByteArray *out)
{
	GString *text = g_string_new(NULL);

	cell_acc_summary_encode(a, text);
	bytes_put_u64(out, text->len);
	g_byte_array_append(out, (const guint8 *)text->str, (guint)text->len);
	g_string_free(text, TRUE);
	fo_acc_encode(&a->fo, out);
}

/* Reads what encode_summary() wrote (the mode word read) into @a. */
static bool decode_summary(struct bytes_in *in, struct cell_acc *a)
{
	uint64_t n;
	char *text;
	bool ok;

	if (!bytes_get_u64(in, &n) || n > bytes_left(in) ||
	    memchr(in->p + in->pos, 0, (size_t)n))
		return false;
	text = g_strndup((const char *)in->p + in->pos, (gsize)n);
	in->pos += (size_t)n;
	/* a deadline beyond ~31 years would overflow its nanoseconds */
	ok = cell_acc_summary_decode(text, a, NULL) && a->deadline_s < 1e9;
	g_free(text);
	if (ok && !fo_acc_decode(in, &a->fo))
		ok = false;
	if (!ok)
		cell_acc_release(a);
	return ok;
}

void cell_acc_encode(const struct cell_acc *a, GByteArray *out)
{
	const uint64_t counts[] = {
		a->scenarios, a->successes, a->nodes_counted, a->nodes_ready,
		a->dials, a->failed_dials, (uint64_t)a->timeout_wait,
		a->requests, a->fatal_restarts, a->events,
	};
	size_t i;

	bytes_put_u32(out, a->summary);	/* the mode word */
	if (a->summary) {
		encode_summary(a, out);
		return;
	}
	bytes_put_double(out, a->deadline_s);
	for (i = 0; i < G_N_ELEMENTS(counts); i++)
		bytes_put_u64(out, counts[i]);
	bytes_put_u64(out, a->join_s->len);
	for (i = 0; i < a->join_s->len; i++)
		bytes_put_double(out, g_array_index(a->join_s, double, i));
	bytes_put_u64(out, a->scen->len);
	for (i = 0; i < a->scen->len; i++)
		bytes_put_u64(out, scen_pack(&g_array_index(
					   a->scen, struct cell_acc_scenario, i)));
	bytes_put_u64(out, a->scen_join_s->len);
	for (i = 0; i < a->scen_join_s->len; i++) {
		uint32_t v;

		memcpy(&v, &g_array_index(a->scen_join_s, float, i), 4);
		bytes_put_u32(out, v);
	}
	fo_acc_encode(&a->fo, out);
}

/* The length of an array of @size-byte entries: false when the bytes
 * left cannot hold it (so nothing absurd is allocated). */
static bool get_len(struct bytes_in *in, size_t size, uint64_t *n)
{
	return bytes_get_u64(in, n) && *n <= bytes_left(in) / size;
}

/* The arrays of cell_acc_decode(), checked against the counts. */
static bool decode_arrays(struct bytes_in *in, struct cell_acc *a)
{
	uint64_t n, i, ready = 0, counted = 0, ok = 0, v;
	uint32_t f;
	double d;
	float x;

	if (!get_len(in, 8, &n) || n != a->nodes_ready)
		return false;
	for (i = 0; i < n && bytes_get_double(in, &d); i++) {
		if (!isfinite(d) || d < 0)
			return false;
		g_array_append_val(a->join_s, d);
	}
	if (i < n || !get_len(in, 8, &n) || n != a->scenarios)
		return false;
	for (i = 0; i < n && bytes_get_u64(in, &v); i++) {
		struct cell_acc_scenario sc = {
			.n_ready = (uint32_t)v, .n_counted = (uint16_t)(v >> 32),
			.success = (v >> 48) & 1,
		};

		if (v >> 49 || sc.n_ready > sc.n_counted)
			return false;
		ready += sc.n_ready;
		counted += sc.n_counted;
		ok += sc.success;
		g_array_append_val(a->scen, sc);
	}
	if (i < n || ready != a->nodes_ready || counted != a->nodes_counted ||
	    ok != a->successes || !get_len(in, 4, &n) || n != ready)
		return false;
	for (i = 0; i < n && bytes_get_u32(in, &f); i++) {
		memcpy(&x, &f, 4);
		if (!isfinite(x) || x < 0)
			return false;
		g_array_append_val(a->scen_join_s, x);
	}
	return i == n;
}

bool cell_acc_decode(const uint8_t *buf, size_t len, size_t *pos,
		     struct cell_acc *a)
{
	struct bytes_in in = { .p = buf, .len = len, .pos = *pos };
	uint64_t c[10];
	double D;
	size_t i;

	uint32_t mode;

	SIM_ASSERT(*pos <= len);
	if (!bytes_get_u32(&in, &mode) || mode > 1)
		return false;
	if (mode == 1) {
		if (!decode_summary(&in, a))
			return false;
		*pos = in.pos;
		return true;
	}
	if (!bytes_get_double(&in, &D) || !isfinite(D) || D <= 0)
		return false;
	for (i = 0; i < G_N_ELEMENTS(c); i++)
		if (!bytes_get_u64(&in, &c[i]))
			return false;
	cell_acc_init(a, D);
	a->scenarios = c[0];
	a->successes = c[1];
	a->nodes_counted = c[2];
	a->nodes_ready = c[3];
	a->dials = c[4];
	a->failed_dials = c[5];
	a->timeout_wait = (sim_time)c[6];
	a->requests = c[7];
	a->fatal_restarts = c[8];
	a->events = c[9];
	if (a->timeout_wait < 0 || !decode_arrays(&in, a) ||
	    !fo_acc_decode(&in, &a->fo)) {
		cell_acc_release(a);
		return false;
	}
	*pos = in.pos;
	return true;
}
