/* Summary mode of the cell accumulator (stats.h): histogram quantiles
 * within the stated relative error of the exact ones, merges that give
 * the same bits whatever the split, the text form, the paired CLT. */
#include "experiments/stats.h"
#include "experiments/stats_paired.h"
#include "models/world.h"
#include "sim/rng.h"
#include "test.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#define NODES 6
#define DEADLINE_S 600.0

/* Scenario @k's record from @r: join times spread over eight decades
 * (from 100 ns, inside the exact buckets, to minutes), a few nodes not
 * ready, the odd node not counted. */
static void make_record(gsl_rng *r, struct run_record *rec)
{
	size_t i;

	rec->success = true;
	rec->events = 100 + gsl_rng_uniform_int(r, 50);
	for (i = 0; i < NODES; i++) {
		struct node_record *n = &rec->nodes[i];
		double s = exp(gsl_ran_flat(r, log(1e-7), log(500.0)));

		*n = (struct node_record){ .counted = gsl_rng_uniform(r) > 0.05,
					   .dials = 1 + (uint32_t)i };
		n->ready = n->counted && gsl_rng_uniform(r) > 0.004;
		n->join_time = (sim_time)llround(s * 1e9);
		if (n->counted && !n->ready)
			rec->success = false;
	}
}

/* Both figures infinite, or within the relative error (and rounding). */
static void assert_close(double exact, double approx)
{
	if (isinf(exact) || isinf(approx)) {
		ASSERT(exact == approx);
		return;
	}
	ASSERT_NEAR(approx, exact, STATS_HIST_REL_ERROR * fabs(exact) * 1.000001
		    + 1e-15);
}

static void test_quantiles_within_error(void)
{
	gsl_rng *r = sim_rng_new(7, 0, SIM_RNG_STATS, 0);
	struct cell_acc e, s;
	struct cell_summary se, ss;
	struct run_record rec;
	size_t k, i;

	cell_acc_init(&e, DEADLINE_S);
	cell_acc_init_summary(&s, DEADLINE_S);
	run_record_init(&rec, NODES);
	for (k = 0; k < 5000; k++) {
		make_record(r, &rec);
		cell_acc_add(&e, &rec);
		cell_acc_add(&s, &rec);
	}
	cell_acc_summarise(&e, &se);
	cell_acc_summarise(&s, &ss);
	ASSERT(ss.summary && !se.summary);
	ASSERT_EQ(ss.nodes_ready, se.nodes_ready);
	ASSERT_EQ(ss.successes, se.successes);
	assert_close(se.join_p50, ss.join_p50);
	assert_close(se.join_p90, ss.join_p90);
	assert_close(se.join_p99, ss.join_p99);
	assert_close(se.join_p50_capped, ss.join_p50_capped);
	assert_close(se.join_p99_capped, ss.join_p99_capped);
	assert_close(se.joined_p50, ss.joined_p50);
	assert_close(se.joined_p90, ss.joined_p90);
	assert_close(se.joined_p99, ss.joined_p99);
	for (i = 0; i < STATS_CDF_POINTS; i++)
		assert_close(se.join_cdf[i], ss.join_cdf[i]);
	ASSERT(se.join_cdf[0] == ss.join_cdf[0]);	/* the exact minimum */
	ASSERT(se.joined_max == ss.joined_max);		/* ... and maximum */
	/* the means from integer sums: one rounding from the exact ones */
	ASSERT_NEAR(ss.join_rmean, se.join_rmean, 1e-12 * se.join_rmean);
	ASSERT_NEAR(ss.joined_mean, se.joined_mean, 1e-12 * se.joined_mean);
	ASSERT(ss.dials_per_join == se.dials_per_join);
	/* the order-statistic interval holds the estimate */
	ASSERT(ss.join_p50_ci95[0] <= ss.join_p50 &&
	       ss.join_p50 <= ss.join_p50_ci95[1]);
	printf("    p99 exact %.9g, histogram %.9g; p50 CI [%.6g, %.6g]\n",
	       se.join_p99, ss.join_p99, ss.join_p50_ci95[0],
	       ss.join_p50_ci95[1]);
	run_record_release(&rec);
	cell_acc_release(&e);
	cell_acc_release(&s);
	gsl_rng_free(r);
}

/* The records of @n scenarios into chunks of @chunk, each cell chunk
 * paired with the baseline's, merged into @cell and @base in order
 * (@reverse: last chunk first). */
static void run_split(size_t n, size_t chunk, bool reverse,
		      struct cell_acc *cell, struct cell_acc *base)
{
	size_t n_chunks = (n + chunk - 1) / chunk, c, k;
	struct cell_acc *ca = g_new(struct cell_acc, n_chunks);
	struct cell_acc *cb = g_new(struct cell_acc, n_chunks);
	struct run_record rec;

	run_record_init(&rec, NODES);
	for (c = 0; c < n_chunks; c++) {
		cell_acc_init_summary(&ca[c], DEADLINE_S);
		cell_acc_init_summary(&cb[c], DEADLINE_S);
		for (k = c * chunk; k < MIN(n, (c + 1) * chunk); k++) {
			/* scenario k: the same draws whatever the split */
			gsl_rng *r = sim_rng_new(3, k, SIM_RNG_STATS, 0);

			make_record(r, &rec);
			cell_acc_add(&cb[c], &rec);
			make_record(r, &rec);
			cell_acc_add(&ca[c], &rec);
			gsl_rng_free(r);
		}
		cell_acc_pair_chunk(&ca[c], &cb[c]);
		cell_acc_drop_scenarios(&cb[c]);
	}
	cell_acc_init_summary(cell, DEADLINE_S);
	cell_acc_init_summary(base, DEADLINE_S);
	for (c = 0; c < n_chunks; c++) {
		size_t i = reverse ? n_chunks - 1 - c : c;

		cell_acc_merge(cell, &ca[i]);
		cell_acc_merge(base, &cb[i]);
		cell_acc_release(&ca[i]);
		cell_acc_release(&cb[i]);
	}
	run_record_release(&rec);
	g_free(ca);
	g_free(cb);
}

static char *encode(const struct cell_acc *a)
{
	GString *g = g_string_new(NULL);

	cell_acc_summary_encode(a, g);
	return g_string_free(g, FALSE);
}

static void test_merge_any_split(void)
{
	struct cell_acc one, base1, a, basea, b, baseb;
	char *t1, *ta, *tb, *u1, *ua;

	run_split(1000, 1000, false, &one, &base1);
	run_split(1000, 64, false, &a, &basea);
	run_split(1000, 7, true, &b, &baseb);
	t1 = encode(&one);
	ta = encode(&a);
	tb = encode(&b);
	ASSERT_STR_EQ(ta, t1);
	ASSERT_STR_EQ(tb, t1);
	u1 = encode(&base1);
	ua = encode(&basea);
	ASSERT_STR_EQ(ua, u1);
	ASSERT_EQ(one.pair.n, 1000);
	ASSERT_EQ(one.scenarios, 1000);
	g_free(t1);
	g_free(ta);
	g_free(tb);
	g_free(u1);
	g_free(ua);
	cell_acc_release(&one);
	cell_acc_release(&base1);
	cell_acc_release(&a);
	cell_acc_release(&basea);
	cell_acc_release(&b);
	cell_acc_release(&baseb);
}

static void test_encode_decode(void)
{
	struct cell_acc a, base, d;
	struct cell_summary sa, sd;
	GError *err = NULL;
	char *t, *t2, *bad;

	run_split(300, 64, false, &a, &base);
	t = encode(&a);
	ASSERT(cell_acc_summary_decode(t, &d, &err));
	t2 = encode(&d);
	ASSERT_STR_EQ(t2, t);
	cell_acc_summarise(&a, &sa);
	cell_acc_summarise(&d, &sd);
	ASSERT(sa.join_p99 == sd.join_p99 && sa.join_rmean == sd.join_rmean);
	cell_acc_release(&d);
	/* a count that no longer adds up, a cut line, another tag */
	bad = g_strdup(t);
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == '1' ? '2' : '1';
	ASSERT(!cell_acc_summary_decode(bad, &d, &err));
	ASSERT_STR_CONTAINS(err->message, "cell accumulator");
	g_clear_error(&err);
	bad[strlen(bad) / 2] = '\0';
	ASSERT(!cell_acc_summary_decode(bad, &d, &err));
	g_clear_error(&err);
	ASSERT(!cell_acc_summary_decode("selsim-cell-acc-summary-0 0x1p+0",
					&d, &err));
	g_clear_error(&err);
	g_free(bad);
	g_free(t);
	g_free(t2);
	cell_acc_release(&a);
	cell_acc_release(&base);
}

/* The journal's binary form (cell_acc_encode(), stats.h) of a summary:
 * decodes to an accumulator that encodes to the same bytes, summary mode
 * kept; every shorter prefix is refused and leaves *pos where it was. */
static void test_binary_form(void)
{
	struct cell_acc a, base, d;
	GByteArray *b1 = g_byte_array_new(), *b2 = g_byte_array_new();
	size_t pos = 0, cut;

	run_split(300, 64, false, &a, &base);
	cell_acc_encode(&a, b1);
	ASSERT(cell_acc_decode(b1->data, b1->len, &pos, &d));
	ASSERT_EQ(pos, b1->len);
	ASSERT(d.summary);
	ASSERT_EQ(d.pair.n, 300);
	cell_acc_encode(&d, b2);
	ASSERT_EQ(b2->len, b1->len);
	ASSERT(memcmp(b1->data, b2->data, b1->len) == 0);
	cell_acc_release(&d);
	for (cut = 0; cut < b1->len; cut += cut < 64 ? 1 : 97) {
		pos = 0;
		ASSERT(!cell_acc_decode(b1->data, cut, &pos, &d));
		ASSERT_EQ(pos, 0);
	}
	g_byte_array_free(b1, TRUE);
	g_byte_array_free(b2, TRUE);
	cell_acc_release(&a);
	cell_acc_release(&base);
}

/* Every node of the cell 1 s later than the baseline's: the restricted
 * means differ by 1 s (no node near the deadline) with no spread, so the
 * CLT interval is 1 s wide by rounding only; against itself, 0 and not
 * significant. */
static void test_paired_clt(void)
{
	struct cell_acc ca, cb, cc;
	struct cell_summary sa, sb, sc;
	struct stats_paired p;
	struct run_record rec;
	gsl_rng *r = sim_rng_new(5, 0, SIM_RNG_STATS, 0);
	size_t k, i;

	cell_acc_init_summary(&ca, DEADLINE_S);
	cell_acc_init_summary(&cb, DEADLINE_S);
	cell_acc_init_summary(&cc, DEADLINE_S);
	run_record_init(&rec, NODES);
	for (k = 0; k < 200; k++) {
		for (i = 0; i < NODES; i++)
			rec.nodes[i] = (struct node_record){
				.counted = true, .ready = true,
				.join_time = (sim_time)gsl_rng_uniform_int(
					r, 100000) * SIM_MS };
		rec.success = true;
		cell_acc_add(&cb, &rec);
		cell_acc_add(&cc, &rec);
		for (i = 0; i < NODES; i++)
			rec.nodes[i].join_time += SIM_S;
		cell_acc_add(&ca, &rec);
	}
	cell_acc_pair_chunk(&ca, &cb);
	cell_acc_pair_chunk(&cc, &cb);
	cell_acc_summarise(&ca, &sa);
	cell_acc_summarise(&cb, &sb);
	cell_acc_summarise(&cc, &sc);
	stats_paired_summary(&ca, &sa, &sb, &p);
	stats_paired_point(&sa, &sb, &p);
	ASSERT_NEAR(p.join_mean_s.diff, 1.0, 1e-9);
	ASSERT_NEAR(p.join_mean_s.ci95[0], 1.0, 1e-6);
	ASSERT_NEAR(p.join_mean_s.ci95[1], 1.0, 1e-6);
	ASSERT(p.join_mean_s.significant);
	ASSERT(isnan(p.join_p99_s.p_value));
	ASSERT(p.join_p99_s.ci95[0] <= p.join_p99_s.diff &&
	       p.join_p99_s.diff <= p.join_p99_s.ci95[1]);
	stats_paired_summary(&cc, &sc, &sb, &p);
	stats_paired_point(&sc, &sb, &p);
	ASSERT(p.join_mean_s.diff == 0.0);
	ASSERT(!p.join_mean_s.significant && !p.join_p50_s.significant);
	ASSERT(p.success_rate.diff == 0.0 && p.resamples == 0);
	run_record_release(&rec);
	cell_acc_release(&ca);
	cell_acc_release(&cb);
	cell_acc_release(&cc);
	gsl_rng_free(r);
}

/* ---- failover figures (stats_failover.h) in summary mode ---- */

/* Scenario @k's failover record (its join figures: every node Ready at
 * 1 s): the failure at 100 s, the run ends at 400 s; agents affected
 * with chance 0.6, back with chance 0.95 after 1 ms to 250 s (log-spread),
 * NotReady with chance 0.3 for up to 60 s. @shift is added to the time
 * back and NotReady time of every affected agent (a worse policy). */
static void make_fo_record(size_t k, sim_time shift, struct run_record *rec)
{
	gsl_rng *r = sim_rng_new(9, k, SIM_RNG_STATS, 0);
	size_t i;

	rec->success = true;
	rec->events = 10;
	rec->failover = true;
	rec->fo_happened = gsl_rng_uniform(r) > 0.05;
	rec->fo_at = 100 * SIM_S;
	rec->end = 400 * SIM_S;
	for (i = 0; i < NODES; i++) {
		struct node_record *n = &rec->nodes[i];
		double back = exp(gsl_ran_flat(r, log(1e-3), log(250.0)));

		*n = (struct node_record){ .counted = true, .ready = true,
					   .join_time = SIM_S };
		n->fo_affected = rec->fo_happened && gsl_rng_uniform(r) < 0.6;
		n->fo_cut_at = rec->fo_at;
		n->fo_back = n->fo_affected && gsl_rng_uniform(r) < 0.95;
		n->fo_back_time = n->fo_back ? (sim_time)llround(back * 1e9) +
			shift : 0;
		n->fo_notready = gsl_rng_uniform(r) < 0.3;
		n->fo_notready_time = n->fo_notready ? (sim_time)
			gsl_rng_uniform_int(r, 60000) * SIM_MS +
			(n->fo_affected ? shift : 0) : 0;
		n->fo_failed_renewals = (uint32_t)gsl_rng_uniform_int(r, 4);
		n->fo_requests = 5;
		n->fo_dials = 1;
	}
	gsl_rng_free(r);
}

/* @n scenarios in chunks of @chunk (@reverse: merged last first), the
 * cell (shifted by 1 s) paired chunk by chunk with the baseline, into
 * summary accumulators @cell and @base; with @chunk 0, exact ones. */
static void fo_split(size_t n, size_t chunk, bool reverse,
		     struct cell_acc *cell, struct cell_acc *base)
{
	size_t n_chunks = chunk ? (n + chunk - 1) / chunk : 1, c, k;
	struct cell_acc ca, cb;
	struct run_record rec;

	run_record_init(&rec, NODES);
	(chunk ? cell_acc_init_summary : cell_acc_init)(cell, DEADLINE_S);
	(chunk ? cell_acc_init_summary : cell_acc_init)(base, DEADLINE_S);
	for (c = 0; c < n_chunks; c++) {
		size_t i = reverse ? n_chunks - 1 - c : c;
		size_t lo = chunk ? i * chunk : 0, hi = chunk ? (i + 1) * chunk : n;

		(chunk ? cell_acc_init_summary : cell_acc_init)(&ca, DEADLINE_S);
		(chunk ? cell_acc_init_summary : cell_acc_init)(&cb, DEADLINE_S);
		for (k = lo; k < MIN(n, hi); k++) {
			make_fo_record(k, 0, &rec);
			cell_acc_add(&cb, &rec);
			make_fo_record(k, SIM_S, &rec);
			cell_acc_add(&ca, &rec);
		}
		if (chunk) {
			cell_acc_pair_chunk(&ca, &cb);
			cell_acc_drop_scenarios(&cb);
		}
		cell_acc_merge(cell, &ca);
		cell_acc_merge(base, &cb);
		cell_acc_release(&ca);
		cell_acc_release(&cb);
	}
	run_record_release(&rec);
}

static GByteArray *encoded(const struct cell_acc *a)
{
	GByteArray *b = g_byte_array_new();

	cell_acc_encode(a, b);
	return b;
}

static void assert_same_bytes(const GByteArray *x, const GByteArray *y)
{
	ASSERT_EQ(x->len, y->len);
	ASSERT(memcmp(x->data, y->data, x->len) == 0);
}

/* Any split and merge order gives the same bytes (journal form), which
 * decode to an accumulator that encodes the same; the figures are the
 * exact run's: counts and NotReady equal, quantiles and the time-back CDF
 * within the stated error, the paired NotReady difference (every affected
 * agent 1 s worse) and the per-cell interval to rounding. */
static void test_failover_summary(void)
{
	struct cell_acc one, b1, a, ba, r7, br7, ex, bex, d;
	struct cell_summary so, sb, se, sbe;
	struct fo_paired po, pe;
	GByteArray *e1, *e2, *e3, *e4;
	size_t pos = 0, i;

	fo_split(500, 500, false, &one, &b1);
	fo_split(500, 64, false, &a, &ba);
	fo_split(500, 7, true, &r7, &br7);
	fo_split(500, 0, false, &ex, &bex);
	e1 = encoded(&one);
	e2 = encoded(&a);
	e3 = encoded(&r7);
	assert_same_bytes(e1, e2);
	assert_same_bytes(e1, e3);
	ASSERT(cell_acc_decode(e1->data, e1->len, &pos, &d));
	e4 = encoded(&d);
	assert_same_bytes(e1, e4);
	ASSERT(d.fo.summary && d.fo.pair.n == 500);
	cell_acc_release(&d);

	cell_acc_summarise(&one, &so);
	cell_acc_summarise(&b1, &sb);
	cell_acc_summarise(&ex, &se);
	cell_acc_summarise(&bex, &sbe);
	ASSERT(so.fo.enabled && so.fo.affected > 1000);
	ASSERT_EQ(so.fo.affected, se.fo.affected);
	ASSERT_EQ(so.fo.back, se.fo.back);
	ASSERT(so.fo.back < so.fo.affected);
	ASSERT_EQ(so.fo.successes, se.fo.successes);
	ASSERT_EQ(so.fo.happened, se.fo.happened);
	ASSERT(so.fo.notready_s_per_scenario == se.fo.notready_s_per_scenario);
	ASSERT_NEAR(so.fo.back_mean, se.fo.back_mean, 1e-9 * se.fo.back_mean);
	assert_close(se.fo.back_p50, so.fo.back_p50);
	assert_close(se.fo.back_p90, so.fo.back_p90);
	assert_close(se.fo.back_p99, so.fo.back_p99);
	for (i = 0; i < FO_CDF_POINTS; i++)
		assert_close(se.fo.back_cdf[i], so.fo.back_cdf[i]);
	ASSERT(isinf(so.fo.back_cdf[FO_CDF_POINTS - 1]));
	for (i = 0; i < 2; i++)
		ASSERT_NEAR(so.fo.notready_s_ci95[i], se.fo.notready_s_ci95[i],
			    1e-5 * (se.fo.notready_s_ci95[1] -
				    se.fo.notready_s_ci95[0]));

	fo_paired_compute(&one.fo, &b1.fo, &po);
	fo_paired_compute(&ex.fo, &bex.fo, &pe);
	ASSERT_EQ(po.n, 500);
	ASSERT_EQ(pe.n, 500);
	/* the NotReady time of every affected NotReady agent is 1 s longer:
	 * the mean difference is their count per scenario, > 0 */
	ASSERT(po.notready_s.diff > 0 && po.notready_s.significant);
	ASSERT_NEAR(po.notready_s.diff, pe.notready_s.diff, 1e-4);
	ASSERT_NEAR(po.back_mean_s.diff, pe.back_mean_s.diff, 1e-4);
	ASSERT_NEAR(po.success.diff, pe.success.diff, 1e-12);
	for (i = 0; i < 2; i++) {
		ASSERT_NEAR(po.notready_s.ci95[i], pe.notready_s.ci95[i], 1e-3);
		ASSERT_NEAR(po.back_mean_s.ci95[i], pe.back_mean_s.ci95[i],
			    1e-3);
	}
	g_byte_array_free(e1, TRUE);
	g_byte_array_free(e2, TRUE);
	g_byte_array_free(e3, TRUE);
	g_byte_array_free(e4, TRUE);
	cell_acc_release(&one);
	cell_acc_release(&b1);
	cell_acc_release(&a);
	cell_acc_release(&ba);
	cell_acc_release(&r7);
	cell_acc_release(&br7);
	cell_acc_release(&ex);
	cell_acc_release(&bex);
}

int main(void)
{
	TEST_RUN(test_quantiles_within_error);
	TEST_RUN(test_merge_any_split);
	TEST_RUN(test_encode_decode);
	TEST_RUN(test_binary_form);
	TEST_RUN(test_paired_clt);
	TEST_RUN(test_failover_summary);
	return 0;
}
