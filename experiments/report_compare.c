/*
 * The report's comparisons with the baseline (report_compare.h): the
 * methods, each difference in a sentence, and the ranking per failure
 * kind.
 */
#include "report_compare.h"
#include "fmt.h"
#include "sim/time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The most paired comparisons the report spells out. */
#define MAX_COMPARISONS 60

/* Decimals that give the largest of @a, @b, @c (in @u) two significant
 * digits, as a sentence shows them all: "2.3 s, 95% CI 1.9 to 2.7 s". */
static int decimals_for(double a, double b, double c, struct fmt_unit u)
{
	double m = MAX(fabs(a), MAX(isfinite(b) ? fabs(b) : 0,
				    isfinite(c) ? fabs(c) : 0)) * u.scale;
	int d;

	if (!(m > 0))
		return 1;
	d = 1 - (int)floor(log10(m));
	return CLAMP(d, 0, 6);
}

/* @v in @u with @dec decimals, with a sign when @sign ("+1.2", "-0.5"). */
static char *num_in(double v, struct fmt_unit u, int dec, bool sign)
{
	return g_strdup_printf(sign ? "%+.*f" : "%.*f", dec, v * u.scale);
}

/* "at least ", "at most " or "" for the bound of @p, as the signed
 * difference reads. */
static const char *bound_words(struct results_paired p)
{
	switch (p.bound) {
	case RESULTS_BOUND_AT_LEAST: return "at least ";
	case RESULTS_BOUND_AT_MOST: return "at most ";
	default: return "";
	}
}

/* After a sentence: Holm's verdict on a significant difference, and a
 * p99 that rests on few tail nodes. */
static void sentence_tail(GString *g, struct results_paired p)
{
	if (p.significant && p.significant_holm)
		g_string_append(g, " Significant also after Holm's "
				   "adjustment.");
	else if (p.significant)
		g_string_append(g, " Not significant after Holm's adjustment "
				   "over all comparisons.");
	if (p.tail_warning && isfinite(p.tail_nodes))
		g_string_append_printf(g, " Caution: this p99 rests on only "
				       "%.0f nodes beyond the p99.",
				       p.tail_nodes);
}

/* One sentence on join-time metric @p of @pol against @base: "k3s joins
 * 2.3 s faster at p99 than article, 95% CI 1.9 to 2.7 s." The direction
 * is the sign of the difference of the censored figures (restricted
 * mean; quantiles with the not-joined beyond the deadline), so a policy
 * that strands nodes is never called faster for it. Caller frees. */
static char *sentence_time(const char *pol, const char *base,
			   const char *where, struct results_paired p)
{
	GString *g = g_string_new(NULL);
	struct fmt_unit u;
	char *a, *b, *c;
	int dec;

	if (p.bound == RESULTS_BOUND_BOTH_BEYOND) {
		g_string_printf(g, "%s and %s are both beyond the deadline "
				"%s: not compared.", pol, base, where);
		return g_string_free(g, FALSE);
	}
	if (!isfinite(p.diff)) {
		g_string_printf(g, "%s and %s cannot be compared %s: no node "
				"joined under one of them.", pol, base, where);
		return g_string_free(g, FALSE);
	}
	u = fmt_unit_for(MAX(fabs(p.diff), MAX(isfinite(p.lo) ? fabs(p.lo) : 0,
					   isfinite(p.hi) ? fabs(p.hi) : 0)));
	dec = decimals_for(p.diff, p.lo, p.hi, u);
	if (p.significant && isfinite(p.lo)) {
		bool faster = p.diff < 0;
		/* a difference of at most -5 s is at least 5 s faster */
		const char *bw = !faster ? bound_words(p)
			: p.bound == RESULTS_BOUND_AT_MOST ? "at least "
			: p.bound == RESULTS_BOUND_AT_LEAST ? "at most " : "";

		a = num_in(fabs(p.diff), u, dec, false);
		b = num_in(faster ? -p.hi : p.lo, u, dec, false);
		c = num_in(faster ? -p.lo : p.hi, u, dec, false);
		g_string_printf(g, "%s joins %s%s %s %s %s than %s, 95%% CI "
				"%s to %s %s.", pol, bw, a, u.name,
				faster ? "faster" : "slower", where, base, b,
				c, u.name);
	} else {
		a = num_in(p.diff, u, dec, true);
		b = isfinite(p.lo) ? num_in(p.lo, u, dec, false) : g_strdup("?");
		c = isfinite(p.hi) ? num_in(p.hi, u, dec, false) : g_strdup("?");
		g_string_printf(g, "%s and %s do not differ detectably in "
				"join time %s: %s%s %s, 95%% CI %s to %s %s.",
				pol, base, where, bound_words(p), a, u.name,
				b, c, u.name);
	}
	sentence_tail(g, p);
	g_free(a);
	g_free(b);
	g_free(c);
	return g_string_free(g, FALSE);
}

/* The same for the success rate, in percentage points. */
static char *sentence_success(const char *pol, const char *base,
			      struct results_paired p)
{
	double d = 100 * p.diff, lo = 100 * p.lo, hi = 100 * p.hi;
	GString *g = g_string_new(NULL);

	if (!isfinite(p.diff)) {
		g_string_printf(g, "%s and %s cannot be compared in success "
				"rate.", pol, base);
	} else if (p.significant && isfinite(p.lo)) {
		bool more = p.diff > 0;

		g_string_printf(g, "%s succeeds in %.1f percentage points %s "
				"scenarios than %s, 95%% CI %.1f to %.1f "
				"points.", pol, fabs(d), more ? "more" : "fewer",
				base, more ? lo : -hi, more ? hi : -lo);
		sentence_tail(g, p);
	} else {
		g_string_printf(g, "%s and %s do not differ detectably in "
				"success rate: %+.1f points, 95%% CI %.1f to "
				"%.1f.", pol, base, d, lo, hi);
	}
	return g_string_free(g, FALSE);
}

/* The comparison of cell @c with its baseline, in sentences. Caller
 * frees with g_free(). */
static char *comparison_text(const struct results *r,
			     const struct results_cell *c)
{
	const struct {
		const struct results_paired *p;
		const char *where;
	} times[] = {
		{ &c->vs_p99, "at p99" },
		{ &c->vs_p50, "at p50" },
		{ &c->vs_mean, "in restricted mean" },
	};
	GString *g = g_string_new(NULL);
	size_t k;

	if (r->n_axes) {
		char *gl = results_grid_label(r, c, ", ");

		g_string_append_printf(g, "At %s: ", gl);
		g_free(gl);
	}
	if (c->vs_success.present) {
		char *s = sentence_success(c->policy, c->vs_baseline,
					   c->vs_success);

		g_string_append(g, s);
		g_free(s);
	}
	for (k = 0; k < G_N_ELEMENTS(times); k++) {
		char *s;

		if (!times[k].p->present)
			continue;
		s = sentence_time(c->policy, c->vs_baseline, times[k].where,
				  *times[k].p);
		g_string_append_printf(g, "%s%s", g->len ? " " : "", s);
		g_free(s);
	}
	return g_string_free(g, FALSE);
}

/* How the comparisons were made: the methods and resamples of the first
 * cell with vs_baseline, and what the number of comparisons means. */
void report_methods(struct doc *d, const struct results *r)
{
	GString *g = g_string_new("Differences are paired: each policy "
		"against the baseline on the same scenarios (this policy "
		"minus the baseline), with 95% intervals: the success rate by ");
	const struct results_cell *c = NULL;
	size_t i;

	for (i = 0; i < r->n_cells && !c; i++)
		if (r->cells[i].has_vs)
			c = &r->cells[i];
	g_string_append(g, c && c->vs_success.method &&
			   strcmp(c->vs_success.method, "tango-score") == 0
			   ? "Tango's score interval for paired proportions"
			   : "the percentile bootstrap");
	if (c && c->vs_mean.method &&
	    strcmp(c->vs_mean.method, "clt-delta") == 0)
		g_string_append(g, ", and, as the run kept bounded-memory "
			"summaries rather than every join time, the restricted "
			"mean by a CLT interval (delta method) on the paired "
			"sums and p50, p99 by the conservative, unpaired "
			"combination of each side's 97.5% order-statistic "
			"interval (quantiles from a histogram, within 0.1%; no "
			"p-value)");
	else
		g_string_append(g, ", the join times (restricted mean, p50, "
				   "p99) by the percentile bootstrap");
	if (c && isfinite(c->resamples) && c->resamples > 0)
		g_string_append_printf(g, " with %.0f resamples", c->resamples);
	g_string_append(g, ". A quantile beyond the deadline is taken as the "
			   "deadline, so its difference is a bound (\"at "
			   "least\", \"at most\"). \"Not detectably\" means "
			   "the interval includes zero.");
	if (isfinite(r->comparisons)) {
		double n = r->comparisons;

		g_string_append_printf(g, " This run makes %.0f comparisons: "
			"with %.0f comparisons at 95%%, about %.3g starred "
			"intervals (excluding zero) are expected by chance "
			"even with no real difference. \"Significant also "
			"after Holm's adjustment\" marks those that survive "
			"Holm's step-down correction over all %.0f "
			"(family-wise error 5%%).", n, n, n / 20, n);
	}
	doc_para(d, g->str);
	g_string_free(g, TRUE);
}

/* The paired comparisons with the baseline, in sentences. */
void report_comparisons(struct doc *d, const struct results *r)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	char *title = g_strdup_printf("Compared with %s", r->baseline ?
				      r->baseline : "the baseline");
	size_t i, n = 0, left = 0;

	doc_section(d, "comparisons", title);
	g_free(title);
	for (i = 0; i < r->n_cells; i++) {
		if (!r->cells[i].has_vs)
			continue;
		if (n++ >= MAX_COMPARISONS)
			left++;
		else
			g_ptr_array_add(items,
					comparison_text(r, &r->cells[i]));
	}
	if (items->len) {
		report_methods(d, r);
		doc_list(d, items);
		if (left) {
			char *t = g_strdup_printf("%zu more comparisons are "
						  "in results.json.", left);

			doc_para(d, t);
			g_free(t);
		}
	} else {
		doc_para(d, "This results file holds no paired comparisons "
			    "(vs_baseline): run it again with a selsim that "
			    "writes them to compare the policies scenario by "
			    "scenario.");
	}
	g_ptr_array_unref(items);
	doc_section_end(d);
}

/* Ranking order of two cells of one failure kind: higher success first,
 * then lower join p99 (a p99 counts only the nodes that joined). */
static int rank_cmp(const void *a, const void *b)
{
	const struct results_cell *x = *(const struct results_cell *const *)a;
	const struct results_cell *y = *(const struct results_cell *const *)b;
	double px = isnan(x->p99) ? INFINITY : x->p99;
	double py = isnan(y->p99) ? INFINITY : y->p99;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	return px < py ? -1 : px > py ? 1 : strcmp(x->policy, y->policy);
}

/* One policy in a ranking: "hedged (100%, p99 1.13 s; -18.83 s [-19.06,
 * -18.72] vs round-robin)". Caller frees with g_free(). */
static char *rank_entry(const struct results_cell *c)
{
	const struct results_paired *v = &c->vs_p99;

	if (!c->has_vs || !v->present || isnan(v->diff))
		return g_strdup_printf("%s (%.0f%%, p99 %.2f s)", c->policy,
				       100 * c->rate, c->p99);
	return g_strdup_printf("%s (%.0f%%, p99 %.2f s; %+.2f s [%+.2f, "
			       "%+.2f]%s)", c->policy, 100 * c->rate, c->p99,
			       v->diff, v->lo, v->hi,
			       v->significant ? "" : ", a tie");
}

/* The ranking of failure kind @val of axis 0, in words. */
static char *ranking_text(const struct results *r, const char *val)
{
	const struct results_cell **pick = g_new(const struct results_cell *,
						 r->n_cells);
	GString *g = g_string_new(NULL);
	size_t i, n = 0;

	for (i = 0; i < r->n_cells; i++)
		if (!strcmp(r->cells[i].axis_val[0], val))
			pick[n++] = &r->cells[i];
	qsort(pick, n, sizeof(*pick), rank_cmp);
	g_string_append_printf(g, "%s=%s: ", r->axes[0].key, val);
	for (i = 0; i < n; i++) {
		char *e = rank_entry(pick[i]);

		g_string_append_printf(g, "%s%zu. %s", i ? ", " : "", i + 1, e);
		g_free(e);
	}
	if (n >= 2)
		g_string_append_printf(g, ". %s wins; %s loses%s.",
				       pick[0]->policy, pick[n - 1]->policy,
				       pick[n - 1]->rate < pick[0]->rate
				       ? " (fewer scenarios where every node "
					 "joined)" : " (the longest p99 join)");
	g_free(pick);
	return g_string_free(g, FALSE);
}

/* A shoot-out (one named axis of failure kinds, as shootout.json): the
 * policies ranked per failure kind. */
void report_ranking(struct doc *d, const struct results *r)
{
	GPtrArray *items;
	size_t k;

	if (r->n_axes != 1 || strncmp(r->axes[0].key, "failures", 8) ||
	    !r->n_cells || !r->cells[0].axis_val[0] ||
	    sim_time_parse(r->cells[0].axis_val[0], &(sim_time){ 0 }, NULL))
		return;
	items = g_ptr_array_new_with_free_func(g_free);
	doc_section(d, "ranking", "Ranking per failure kind");
	doc_para(d, "Per failure kind, the policies by success rate (every "
		    "node joined), then by p99 join time; each with its p99 "
		    "difference from the baseline and the paired bootstrap "
		    "95% interval (\"a tie\" when it includes zero).");
	for (k = 0; k < r->axes[0].n; k++)
		g_ptr_array_add(items, ranking_text(r, r->axes[0].val[k]));
	doc_list(d, items);
	g_ptr_array_unref(items);
	doc_section_end(d);
}
