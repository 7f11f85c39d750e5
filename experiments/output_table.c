/* The terminal table of `selsim run` (output.h output_print_table()): the
 * figures per cell, the paired differences, the failover table. */
#include "output.h"
#include "output_internal.h"
#include "fmt.h"
#include "sim/error.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* Seconds with 2 decimals, "> deadline" when beyond it (+inf), or "-".
 * Caller frees with g_free(). */
static char *tab_num(double v)
{
	if (isinf(v) && v > 0)
		return g_strdup("> deadline");
	return isfinite(v) ? g_strdup_printf("%.2f", v) : g_strdup("-");
}

/* The decimals to print an interval [@lo, @hi] with: @prec, or more when
 * it excludes 0, so that the bound nearer 0 shows two significant digits
 * and a starred interval never reads [-0.0, -0.0]; or when it holds 0 but
 * would read [+0.00, +0.00] though not exactly 0. */
static int tab_prec(double lo, double hi, int prec)
{
	double near, far = fmax(fabs(lo), fabs(hi));
	int need;

	if (!(lo > 0.0 || hi < 0.0)) {
		/* holding 0: only an interval that would read [+0.00,
		 * +0.00] gets more, two digits of its wider bound */
		if (far == 0.0 || far >= 0.5 * pow(10.0, -prec))
			return prec;
		need = (int)ceil(-log10(far)) + 1;
		return MIN(MAX(prec, need), 15);
	}
	near = fmin(fabs(lo), fabs(hi));
	need = (int)ceil(-log10(near)) + 1;
	return MIN(MAX(prec, need), 15);
}

/* A difference with its interval, scaled by @k, to @prec decimals (more
 * when needed, tab_prec()), and marks: "*" when the interval excludes 0,
 * "**" when Holm's adjustment keeps it significant, "!" when @warn; a
 * quantile's bound as ">=" or "<=" before the value, "both > deadline"
 * when both sides are beyond it. "-10.0 [-12.1, -8.0] *", or "-" (no
 * data). Caller frees with g_free(). */
static char *tab_diff(const struct stats_diff *d, double k, int prec,
		      bool warn)
{
	const char *mark = d->significant_holm ? " **" : d->significant
		? " * " : "   ";
	const char *bound = d->bound == STATS_AT_LEAST ? ">="
		: d->bound == STATS_AT_MOST ? "<=" : "";

	if (d->bound == STATS_BOTH_BEYOND)
		return g_strdup("both > deadline   ");
	if (!isfinite(d->diff))
		return g_strdup("-");
	if (!isfinite(d->ci95[0]) || !isfinite(d->ci95[1]))
		return g_strdup_printf("%s%+.*f [-]   %s", bound, prec,
				       k * d->diff, warn ? "!" : " ");
	prec = tab_prec(k * d->ci95[0], k * d->ci95[1], prec);
	return g_strdup_printf("%s%+.*f [%+.*f, %+.*f]%s%s", bound, prec,
			       k * d->diff, prec, k * d->ci95[0], prec,
			       k * d->ci95[1], mark, warn ? "!" : " ");
}

/* Prints @rows rows of @n_cols strings (row-major, header first): the
 * first @n_text columns aligned left, the others right; no line ends in
 * a space. */
static void print_aligned(FILE *f, char *const *tab, size_t rows,
			  size_t n_cols, size_t n_text)
{
	size_t *width = g_new0(size_t, n_cols);
	GString *line = g_string_new(NULL);
	size_t r, c;

	for (r = 0; r < rows; r++)
		for (c = 0; c < n_cols; c++)
			width[c] = MAX(width[c], strlen(tab[r * n_cols + c]));
	for (r = 0; r < rows; r++) {
		g_string_truncate(line, 0);
		for (c = 0; c < n_cols; c++) {
			const char *v = tab[r * n_cols + c];
			int w = (int)width[c];

			if (c < n_text)
				g_string_append_printf(line, "%s%-*s",
						       c ? "  " : "", w, v);
			else
				g_string_append_printf(line, "  %*s", w, v);
		}
		while (line->len && line->str[line->len - 1] == ' ')
			g_string_truncate(line, line->len - 1);
		fprintf(f, "%s\n", line->str);
	}
	g_string_free(line, TRUE);
	g_free(width);
}

/* The policy and grid columns of @cell into @row (n_text strings). */
static void tab_text(char **row, const struct spec *s,
		     const struct out_cell *cell)
{
	char buf[SIM_TIME_FMT_LEN];
	size_t c;

	SIM_ASSERT(s->n_axes == 0 || cell->grid);
	row[0] = g_strdup(cell->policy);
	for (c = 0; c < s->n_axes; c++)
		row[1 + c] = s->axes[c].labels
			? g_strdup(spec_axis_label(&s->axes[c],
						   cell->grid_x[c]))
			: s->axes[c].numeric
			? g_strdup_printf("%g", cell->grid_x[c])
			: g_strdup(sim_time_format(cell->grid[c], buf));
}

static void tab_header(char **row, const struct spec *s,
		       const char *const *figs, size_t n_figs)
{
	size_t c;

	row[0] = g_strdup("policy");
	for (c = 0; c < s->n_axes; c++)
		row[1 + c] = g_strdup(s->axes[c].key);
	for (c = 0; c < n_figs; c++)
		row[1 + s->n_axes + c] = g_strdup(figs[c]);
}

static void free_tab(char **tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_free(tab[i]);
	g_free(tab);
}

/* The paired-differences section: a line per cell with vs. */
static void print_vs(FILE *f, const struct spec *s,
		     const struct out_cell *cells, size_t n)
{
	static const char *const figs[] = {
		"success diff, points [95% CI]",
		"restricted mean join diff s [95% CI]",
		"p99 join diff s [95% CI]",
	};
	size_t n_text = 1 + s->n_axes;
	size_t n_cols = n_text + G_N_ELEMENTS(figs);
	const char *baseline = NULL;
	size_t rows = 0, r, i;
	unsigned resamples = 0;
	bool any_warn = false;
	char **tab;

	for (i = 0; i < n; i++) {
		if (!cells[i].vs)
			continue;
		if (!rows)
			baseline = output__baseline_name(s, &cells[i]);
		resamples = MAX(resamples, cells[i].vs->resamples);
		any_warn = any_warn || cells[i].vs->tail_warning;
		rows++;
	}
	if (!rows)
		return;
	tab = g_new0(char *, (rows + 1) * n_cols);
	tab_header(tab, s, figs, G_N_ELEMENTS(figs));
	for (i = 0, r = 1; i < n; i++) {
		char **row = tab + r * n_cols;
		const struct stats_paired *v = cells[i].vs;

		if (!v)
			continue;
		tab_text(row, s, &cells[i]);
		row[n_text] = tab_diff(&v->success_rate, 100.0, 1, false);
		row[n_text + 1] = tab_diff(&v->join_mean_s, 1.0, 2, false);
		row[n_text + 2] = tab_diff(&v->join_p99_s, 1.0, 2,
					   v->tail_warning);
		r++;
	}
	if (cells[0].sum.summary)
		fprintf(f, "\nsummary statistics (above %d scenarios, or "
			"--summary-stats): quantiles from a histogram, within "
			"%.2g%%; paired differences vs %s: success Tango "
			"score, restricted mean CLT (delta method), p99 the "
			"unpaired order-statistic intervals of both sides at "
			"97.5%% (conservative)\n", STATS_EXACT_MAX_SCENARIOS,
			100 * STATS_HIST_REL_ERROR,
			baseline ? baseline : "the baseline");
	else
		fprintf(f, "\npaired differences vs %s over the same "
			"scenarios; 95%% CIs: success Tango score, join times "
			"percentile bootstrap (%u resamples)\n",
			baseline ? baseline : "the baseline", resamples);
	fprintf(f, "* = the CI excludes 0; ** = also significant after Holm's "
		"adjustment over all %zu comparisons of this run (success, "
		"restricted mean, p50 and p99 of each row)\n",
		output__comparisons(cells, n));
	if (any_warn)
		fprintf(f, "! = fewer than %d nodes beyond the p99 on a side: "
			"its CI covers less than 95%%\n", STATS_TAIL_MIN);
	print_aligned(f, tab, rows + 1, n_cols, n_text);
	free_tab(tab, (rows + 1) * n_cols);
}

/* A cell's grid point in words: " key=value ...". */
static void print_point(FILE *f, const struct spec *s,
			const struct out_cell *c)
{
	char buf[SIM_TIME_FMT_LEN];
	size_t j;

	for (j = 0; j < s->n_axes; j++) {
		if (s->axes[j].labels)
			fprintf(f, " %s=%s", s->axes[j].key,
				spec_axis_label(&s->axes[j], c->grid_x[j]));
		else if (s->axes[j].numeric)
			fprintf(f, " %s=%g", s->axes[j].key, c->grid_x[j]);
		else
			fprintf(f, " %s=%s", s->axes[j].key,
				sim_time_format(c->grid[j], buf));
	}
}

/* The failover table (stats_failover.h), and its paired differences. */
static void print_failover(FILE *f, const struct spec *s,
			   const struct out_cell *cells, size_t n)
{
	static const char *const figs[] = {
		"failover [95% CI]", "affected", "back mean s", "p50 s",
		"p90 s", "p99 s", "NotReady/scen", "NotReady node-s/scen",
		"vs base node-s [95% CI]",
	};
	size_t n_text = 1 + s->n_axes;
	size_t n_cols = n_text + G_N_ELEMENTS(figs);
	char **tab = g_new0(char *, (n + 1) * n_cols);
	size_t r;

	tab_header(tab, s, figs, G_N_ELEMENTS(figs));
	for (r = 0; r < n; r++) {
		const struct fo_summary *m = &cells[r].sum.fo;
		const struct stats_paired *v = cells[r].vs;
		char **row = tab + (r + 1) * n_cols;

		tab_text(row, s, &cells[r]);
		row[n_text] = isfinite(m->rate) ?
			g_strdup_printf("%.1f%% [%.1f, %.1f]",
					100.0 * m->rate, 100.0 * m->ci95[0],
					100.0 * m->ci95[1]) : g_strdup("-");
		row[n_text + 1] = g_strdup_printf("%" G_GUINT64_FORMAT,
						  m->affected);
		row[n_text + 2] = tab_num(m->back_mean);
		row[n_text + 3] = tab_num(m->back_p50);
		row[n_text + 4] = tab_num(m->back_p90);
		row[n_text + 5] = tab_num(m->back_p99);
		row[n_text + 6] = tab_num(m->notready_per_scenario);
		row[n_text + 7] = tab_num(m->notready_s_per_scenario);
		row[n_text + 8] = v && v->fo.enabled ?
			g_strdup_printf("%+.2f [%+.2f, %+.2f]%s",
					v->fo.notready_s.diff,
					v->fo.notready_s.ci95[0],
					v->fo.notready_s.ci95[1],
					v->fo.notready_s.significant ? " *" : "")
			: g_strdup("-");
	}
	fprintf(f, "\nfailover (%s)\n", FO_AFFECTED_DEFINITION);
	print_aligned(f, tab, n + 1, n_cols, n_text);
	free_tab(tab, (n + 1) * n_cols);
	for (r = 0; r < n; r++) {
		const struct fo_paired *p = cells[r].fo_point;
		char buf[SIM_TIME_FMT_LEN];

		if (!p)
			continue;
		if (r == 0 || !cells[r - 1].fo_point)
			fprintf(f, "\nNotReady node-s per scenario vs the same "
				"policy at %s = %s, paired by scenario (95%% "
				"normal CI, * = excludes 0)\n", s->axes[0].key,
				output__first_value(s, buf));
		fprintf(f, "  %-12s", cells[r].policy);
		print_point(f, s, &cells[r]);
		fprintf(f, " %+.2f [%+.2f, %+.2f]%s\n", p->notready_s.diff,
			p->notready_s.ci95[0], p->notready_s.ci95[1],
			p->notready_s.significant ? " *" : "");
	}
}

void output_print_table(FILE *f, const struct spec *s,
			const struct out_cell *cells, size_t n)
{
	/* Columns: policy, one per axis, then the figures. Text columns
	 * (policy, axes) align left, figures right. */
	static const char *const figs[] = {
		"success [95% CI]", "restricted mean s", "p50 s", "p90 s",
		"p99 s", "max s", "dials/join",
	};
	size_t n_text = 1 + s->n_axes;
	size_t n_cols = n_text + G_N_ELEMENTS(figs);
	char **tab = g_new0(char *, (n + 1) * n_cols);	/* row-major, header
							 * first */
	size_t r;

	tab_header(tab, s, figs, G_N_ELEMENTS(figs));
	for (r = 0; r < n; r++) {
		const struct out_cell *cell = &cells[r];
		const struct cell_summary *m = &cell->sum;
		char **row = tab + (r + 1) * n_cols;

		tab_text(row, s, cell);
		row[n_text] = isfinite(m->rate) ?
			g_strdup_printf("%.1f%% [%.1f, %.1f]",
					100.0 * m->rate, 100.0 * m->ci95[0],
					100.0 * m->ci95[1]) :
			g_strdup("-");
		row[n_text + 1] = tab_num(m->join_rmean);
		row[n_text + 2] = tab_num(m->join_p50);
		row[n_text + 3] = tab_num(m->join_p90);
		row[n_text + 4] = tab_num(m->join_p99);
		row[n_text + 5] = tab_num(m->join_max);
		row[n_text + 6] = tab_num(m->dials_per_join);
	}
	print_aligned(f, tab, n + 1, n_cols, n_text);
	fprintf(f, "join times over every node that should join: one not "
		"Ready by the deadline counts as beyond it (\"> deadline\"); "
		"restricted mean = mean of min(join time, deadline)\n");
	free_tab(tab, (n + 1) * n_cols);
	print_vs(f, s, cells, n);
	if (s->world.failover)
		print_failover(f, s, cells, n);
}
