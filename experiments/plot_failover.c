/*
 * The failover plots (plot_internal.h), for results with failover figures
 * (stats_failover.h): the CDF of the affected agents' time back with the
 * grace period(s) marked, NotReady node-seconds per scenario with its
 * interval and the paired difference to the baseline, failover success
 * with its Wilson interval, and for a sweep NotReady node-seconds against
 * the swept setting, a line per policy and value of the other axes.
 */
#include "plot_internal.h"
#include "gnuplot.h"

#include <math.h>
#include <string.h>

/* As plot.c: beyond these, the first grid point only (or one policy). */
#define FO_MAX_CDF_LINES 12
#define FO_MAX_DASHES 4
#define FO_MAX_COLORS 10

/* The key every grace-period axis ends with. */
#define GRACE_KEY "node_monitor_grace_period"

/* Which cells the time-back CDF draws and how it tells them apart. */
typedef enum {
	FO_CDF_ALL,		/* every cell: colour policy, dash point */
	FO_CDF_BASELINE,	/* the first policy at every point, a colour
				 * per point */
	FO_CDF_FIRST_POINT,	/* the first grid point, colour per policy */
} fo_cdf_mode;

static fo_cdf_mode fo_cdf_mode_of(const struct results *r)
{
	if (r->n_cells <= FO_MAX_CDF_LINES &&
	    (r->n_grid <= 1 || r->n_grid <= FO_MAX_DASHES))
		return FO_CDF_ALL;
	if (r->n_grid > 1 && r->n_grid <= FO_MAX_COLORS)
		return FO_CDF_BASELINE;
	return FO_CDF_FIRST_POINT;
}

static bool fo_cdf_draws(fo_cdf_mode mode,
			 const struct results_cell *c)
{
	return c->has_fo && (mode == FO_CDF_ALL ||
			     (mode == FO_CDF_BASELINE && c->pol == 0) ||
			     (mode == FO_CDF_FIRST_POINT && c->grid == 0));
}

/* The distinct grace periods of the cells, ascending, as gnuplot words
 * ("40 50"); "" when no cell says. Caller frees with g_free(). */
static char *grace_words(const struct results *r)
{
	double *v = g_new(double, r->n_cells + 1);
	GString *g = g_string_new(NULL);
	size_t i, k, n = 0;

	for (i = 0; i < r->n_cells; i++) {
		double x = r->cells[i].fo_grace_s;

		if (!r->cells[i].has_fo || !isfinite(x))
			continue;
		for (k = 0; k < n && v[k] != x; k++)
			;
		if (k == n)
			v[n++] = x;
	}
	for (i = 0; i < n; i++)	/* few values: an insertion sort */
		for (k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	for (i = 0; i < n; i++)
		g_string_append_printf(g, "%s%.17g", i ? " " : "", v[i]);
	g_free(v);
	return g_string_free(g, FALSE);
}

/* "grace" for the grace period's long key in a label (legends stay
 * narrow). */
static void short_grace(char **label)
{
	char **parts = g_strsplit(*label, GRACE_KEY, -1);

	g_free(*label);
	*label = g_strjoinv("grace", parts);
	g_strfreev(parts);
}

/* One cell's block of failover-cdf.dat; false (nothing written) when no
 * affected agent was back. */
static bool fo_cdf_block(GString *g, const struct results *r,
			 const struct results_cell *c, fo_cdf_mode mode)
{
	char *label;
	size_t k;

	if (!(c->fo_cdf_beyond_from > 0 && isfinite(c->fo_cdf[0])))
		return false;
	label = mode == FO_CDF_BASELINE ? results_grid_label(r, c, ", ")
		: results_cell_label(r, c);
	short_grace(&label);
	g_string_append(g, "\n\n");
	gnuplot_dat_str(g, label);
	g_string_append(g, " time_back_s back_pct policy\n");
	g_free(label);
	for (k = 0; k < (size_t)c->fo_cdf_beyond_from; k++) {
		double q = (double)k / (RESULTS_CDF_POINTS - 1);

		gnuplot_dat_num(g, q);
		/* a log axis has no 0: the first quantile at 1 ms at least */
		gnuplot_dat_num(g, fmax(c->fo_cdf[k], 1e-3));
		gnuplot_dat_num(g, 100.0 * q);
		gnuplot_dat_int(g, (long long)c->pol + 1);
		g_string_append_c(g, '\n');
	}
	return true;
}

static void plan_fo_cdf(GPtrArray *plan, const struct results *r)
{
	struct plot_job *j = plot__job_new(plan, "failover-cdf",
					   "failover-cdf.gp",
					   "failover-cdf.dat", true);
	fo_cdf_mode mode = fo_cdf_mode_of(r);
	GString *blocks = g_string_new(NULL), *colors = g_string_new(NULL);
	GString *dashes = g_string_new(NULL);
	char *graces = grace_words(r);
	size_t i, drawn = 0;

	j->failover = true;
	plot__dat_header(j->data, r, "time-back CDF per cell",
			 "quantile (0-1, of the affected agents), time_back_s "
			 "(that quantile of their time from the failure to a "
			 "kubelet request answered, begun after the failure; "
			 "the block stops before the first quantile not back "
			 "by the deadline), back_pct, policy (1-based); one "
			 "block per cell, two blank lines apart, each "
			 "starting with a header line whose first field is "
			 "the cell's label", mode == FO_CDF_FIRST_POINT);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];

		if (!fo_cdf_draws(mode, c) ||
		    !fo_cdf_block(j->data, r, c, mode))
			continue;
		g_string_append_printf(blocks, " %zu", drawn++);
		g_string_append_printf(colors, " %zu", mode == FO_CDF_BASELINE
				       ? c->grid + 1 : c->pol + 1);
		g_string_append_printf(dashes, " %zu", mode == FO_CDF_ALL &&
				       r->n_grid > 1 ? c->grid + 1 : 1);
	}
	j->title = plot__title_for(r, "Time back after the failure",
				   mode == FO_CDF_FIRST_POINT);
	j->caption = g_strdup_printf(
		"Share of the affected agents whose kubelet had a request, "
		"begun after the failure, answered within a given time of it "
		"(log scale), %s; dashed grey: the node-monitor grace "
		"period%s (%s s), past which a node whose lease was not "
		"renewed goes NotReady.",
		mode == FO_CDF_BASELINE ? "for the first policy, a line per "
		"grid point" : r->n_grid > 1 && mode == FO_CDF_ALL ?
		"a colour per policy, a dash pattern per grid point" :
		"a line per policy", strchr(graces, ' ') ? "s" : "", graces);
	gnuplot_var_str(j->vars, "plot_title", j->title);
	gnuplot_var_str(j->vars, "blocks", blocks->str);
	gnuplot_var_str(j->vars, "colors", colors->str);
	gnuplot_var_str(j->vars, "dashes", dashes->str);
	gnuplot_var_str(j->vars, "graces", graces);
	if (drawn == 0)		/* nobody affected, or nobody back */
		g_ptr_array_remove(plan, j);
	g_string_free(blocks, TRUE);
	g_string_free(colors, TRUE);
	g_string_free(dashes, TRUE);
	g_free(graces);
}

/* The rows of @c in failover-success.dat (@s) and failover-notready.dat
 * (@n), at @x. */
static void fo_bars_row(struct plot_job *s, struct plot_job *n,
			const struct results *r,
			const struct results_cell *c, double x)
{
	char *label = results_cell_label(r, c), *tic = plot__bar_tic(r, c);

	gnuplot_dat_num(s->data, x);
	gnuplot_dat_str(s->data, label);
	gnuplot_dat_int(s->data, (long long)c->pol + 1);
	gnuplot_dat_num(s->data, 100.0 * c->fo_rate);
	gnuplot_dat_num(s->data, 100.0 * c->fo_lo);
	gnuplot_dat_num(s->data, 100.0 * c->fo_hi);
	gnuplot_dat_num(s->data, isfinite(c->fo_rate) && isfinite(c->fo_trials)
			? round(c->fo_rate * c->fo_trials) : NAN);
	gnuplot_dat_num(s->data, c->fo_trials);
	gnuplot_dat_str(s->data, tic);
	g_string_append_c(s->data, '\n');

	gnuplot_dat_num(n->data, x);
	gnuplot_dat_str(n->data, label);
	gnuplot_dat_int(n->data, (long long)c->pol + 1);
	gnuplot_dat_num(n->data, c->fo_notready_s);
	gnuplot_dat_num(n->data, c->fo_notready_lo);
	gnuplot_dat_num(n->data, c->fo_notready_hi);
	gnuplot_dat_num(n->data, c->fo_vs_notready_s);
	gnuplot_dat_num(n->data, c->fo_vs_lo);
	gnuplot_dat_num(n->data, c->fo_vs_hi);
	gnuplot_dat_str(n->data, tic);
	g_string_append_c(n->data, '\n');
	g_free(label);
	g_free(tic);
}

static void plan_fo_bars(GPtrArray *plan, const struct results *r)
{
	struct plot_job *n = plot__job_new(plan, "failover-notready",
					   "failover-notready.gp",
					   "failover-notready.dat", true);
	struct plot_job *s = plot__job_new(plan, "failover-success",
					   "success.gp",
					   "failover-success.dat", true);
	bool partial = !plot__bars_all(r);
	size_t i, order = 0;

	n->failover = s->failover = true;
	plot__dat_header(s->data, r, "failover success per cell",
			 "x (bar position), label, policy (1-based), "
			 "rate_pct, ci95_lo_pct, ci95_hi_pct (95% Wilson "
			 "interval), count, trials (scenarios in which a "
			 "failure cut a kubelet off), tic (x tic label)",
			 partial);
	plot__dat_header(n->data, r, "NotReady node-seconds per cell",
			 "x (bar position), label, policy (1-based), "
			 "notready_node_s (per scenario), ci95_lo, ci95_hi "
			 "(normal, over the scenarios), diff_vs_baseline, "
			 "diff_lo, diff_hi (mean of the paired per-scenario "
			 "differences, normal 95%; NaN for the baseline), "
			 "tic (x tic label)", partial);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];

		if (!c->has_fo || (partial && c->grid != 0))
			continue;
		fo_bars_row(s, n, r, c, plot__bar_x(r, c, order++));
	}
	s->title = plot__title_for(r, "Failover success", partial);
	s->caption = g_strdup(
		"Share of the scenarios with a failure that cut a kubelet off "
		"in which no Ready node went NotReady and every affected agent "
		"was back by the deadline, with its 95% Wilson interval.");
	gnuplot_var_str(s->vars, "plot_title", s->title);
	gnuplot_var_str(s->vars, "ylabel", "failovers without NotReady, "
			"every agent back (%)");
	plot__bar_vars(s, r);
	n->title = plot__title_for(r, "NotReady node-seconds", partial);
	n->caption = g_strdup_printf(
		"Left: node-seconds spent NotReady per scenario, with its "
		"normal 95%% interval; right: the mean paired difference to "
		"the baseline (%s) over the same scenarios, with its 95%% "
		"interval (below 0: fewer NotReady node-seconds).",
		r->baseline ? r->baseline : "the first policy");
	gnuplot_var_str(n->vars, "plot_title", n->title);
	plot__bar_vars(n, r);
}

/* The axis a failover sweep plots along: the first that is not a grace
 * period (lines tell grace periods apart), else the first. */
static size_t fo_sweep_axis(const struct results *r)
{
	size_t a;

	for (a = 0; a < r->n_axes; a++)
		if (!g_str_has_suffix(r->axes[a].key, GRACE_KEY))
			return a;
	return 0;
}

/* Whether cells @a and @b agree on every axis but @x. */
static bool same_others(const struct results *r, const struct results_cell *a,
			const struct results_cell *b, size_t x)
{
	size_t k;

	for (k = 0; k < r->n_axes; k++)
		if (k != x && a->axis_s[k] != b->axis_s[k])
			return false;
	return true;
}

/* ... and are of the same policy: on one line. */
static bool same_line(const struct results *r, const struct results_cell *a,
		      const struct results_cell *b, size_t x)
{
	return a->pol == b->pol && same_others(r, a, b, x);
}

/* The label of @c's line: the policy and the other axes' values. */
static char *line_label(const struct results *r, const struct results_cell *c,
			size_t x)
{
	GString *g = g_string_new(c->policy);
	size_t k;

	for (k = 0; k < r->n_axes; k++)
		if (k != x)
			g_string_append_printf(g, ", %s=%s",
					       g_str_has_suffix(r->axes[k].key,
								GRACE_KEY)
					       ? "grace" : r->axes[k].key,
					       c->axis_val[k]);
	return g_string_free(g, FALSE);
}

/* One line's block: the cells like @first along axis @x, in the axis's
 * order. */
static void sweep_block(GString *g, const struct results *r,
			const struct results_cell *first, size_t x,
			size_t dash)
{
	const struct results_axis *ax = &r->axes[x];
	char *label = line_label(r, first, x);
	size_t v, i;

	g_string_append(g, "\n\n");
	gnuplot_dat_str(g, label);
	g_string_append(g, " value notready_node_s ci95_lo ci95_hi policy "
			   "dash\n");
	g_free(label);
	for (v = 0; v < ax->n; v++)
		for (i = 0; i < r->n_cells; i++) {
			const struct results_cell *c = &r->cells[i];

			if (!c->has_fo || c->axis_s[x] != ax->s[v] ||
			    !same_line(r, c, first, x))
				continue;
			gnuplot_dat_num(g, ax->s[v]);
			gnuplot_dat_str(g, ax->val[v]);
			gnuplot_dat_num(g, c->fo_notready_s);
			gnuplot_dat_num(g, c->fo_notready_lo);
			gnuplot_dat_num(g, c->fo_notready_hi);
			gnuplot_dat_int(g, (long long)c->pol + 1);
			gnuplot_dat_int(g, (long long)dash);
			g_string_append_c(g, '\n');
			break;
		}
}

static void plan_fo_sweep(GPtrArray *plan, const struct results *r)
{
	size_t x = fo_sweep_axis(r), i, k, lines = 0;
	struct plot_job *j = plot__job_new(plan, "failover-sweep",
					   "failover-sweep.gp",
					   "failover-sweep.dat", true);
	GPtrArray *combos = g_ptr_array_new();	/* a cell per dash */
	GString *colors = g_string_new(NULL), *dashes = g_string_new(NULL);

	j->failover = true;
	plot__dat_header(j->data, r, "NotReady node-seconds along a sweep",
			 "value_s, value (as in the spec), notready_node_s "
			 "(per scenario), ci95_lo, ci95_hi (normal 95%), "
			 "policy (1-based), dash (1-based: the values of the "
			 "other axes); one block per line, two blank lines "
			 "apart, each starting with a header line whose "
			 "first field is its label", false);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];

		for (k = 0; k < i && !(r->cells[k].has_fo &&
				       same_line(r, &r->cells[k], c, x)); k++)
			;
		if (!c->has_fo || k < i)
			continue;	/* drawn with an earlier cell's line */
		/* the dash numbers the other axes' values */
		for (k = 0; k < combos->len; k++)
			if (same_others(r, g_ptr_array_index(combos, k), c, x))
				break;
		if (k == combos->len)
			g_ptr_array_add(combos, (gpointer)c);
		sweep_block(j->data, r, c, x, k + 1);
		g_string_append_printf(colors, " %zu", c->pol + 1);
		g_string_append_printf(dashes, " %zu", k + 1);
		lines++;
	}
	g_ptr_array_free(combos, TRUE);
	gnuplot_var_str(j->vars, "colors", colors->str);
	gnuplot_var_str(j->vars, "dashes", dashes->str);
	g_string_free(colors, TRUE);
	g_string_free(dashes, TRUE);
	j->title = g_strdup_printf("NotReady node-seconds against %s: %s",
				   r->axes[x].key, r->spec);
	j->caption = g_strdup_printf(
		"Node-seconds spent NotReady per scenario against %s, a colour "
		"per policy%s, with normal 95%% intervals: the setting that "
		"keeps agents Ready is where the line reaches 0.",
		r->axes[x].key, r->n_axes > 1 ? " and a dash pattern per value "
		"of the other axes" : "");
	gnuplot_var_str(j->vars, "plot_title", j->title);
	gnuplot_var_str(j->vars, "xname", r->axes[x].key);
	if (lines == 0)
		g_ptr_array_remove(plan, j);
}

void plot__plan_failover(GPtrArray *plan, const struct results *r)
{
	size_t i, any = 0;

	for (i = 0; i < r->n_cells; i++)
		any += r->cells[i].has_fo;
	if (!any)
		return;
	plan_fo_cdf(plan, r);
	plan_fo_bars(plan, r);
	if (r->n_axes >= 1)
		plan_fo_sweep(plan, r);
}
