/*
 * The plots of a results folder (plot.h): the plan (which plots fit the
 * results, each a data file, a gnuplot script of plots/ and the variables
 * it is run with), then writing the data and drawing them through the
 * gnuplot runner (gnuplot.h).
 */
#include "plot.h"
#include "plot_internal.h"
#include "fmt.h"
#include "gnuplot.h"
#include "output.h"
#include "sim/error.h"
#include "sim/time.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* How many cells the CDF, success and load plots draw before they fall
 * back to the cells of the first grid point (every cell stays in
 * results.csv): a plot with fifty lines informs no one. The CDF tells grid
 * points apart by colour for one policy (one of 10 colours), by dash type
 * for several (one of 4 that read apart). */
#define MAX_COLORS 10
#define MAX_DASHES 4
#define MAX_CDF_CELLS 16
#define MAX_BARS 24

/* How the CDF plot tells the cells apart. */
typedef enum {
	CDF_BY_POLICY,		/* no sweep: a colour per policy */
	CDF_BY_POINT,		/* one policy: a colour per grid point */
	CDF_POLICY_AND_POINT,	/* colour: the policy, dashes: the point */
	CDF_FIRST_POINT,	/* too many: the first grid point only */
} cdf_mode;

static cdf_mode cdf_mode_of(const struct results *r)
{
	if (r->n_grid <= 1)
		return CDF_BY_POLICY;
	if (r->n_policies == 1 && r->n_grid <= MAX_COLORS)
		return CDF_BY_POINT;
	if (r->n_grid <= MAX_DASHES && r->n_cells <= MAX_CDF_CELLS)
		return CDF_POLICY_AND_POINT;
	return CDF_FIRST_POINT;
}

/* Whether the success and load bars show every cell (else those of the
 * first grid point). */
bool plot__bars_all(const struct results *r)
{
	return r->n_cells <= MAX_BARS;
}

/* Whether the bars are grouped by grid point (a sweep, every cell). */
static bool bars_grouped(const struct results *r)
{
	return r->n_grid > 1 && plot__bars_all(r);
}

/* ---- the plan: which plots, from which data ---- */


static void job_free(gpointer p)
{
	struct plot_job *j = p;

	g_free(j->name);
	g_free(j->data_name);
	if (j->data)
		g_string_free(j->data, TRUE);
	g_string_free(j->vars, TRUE);
	g_free(j->title);
	g_free(j->caption);
	g_free(j);
}

static struct plot_job *job_new(GPtrArray *plan, const char *name,
			   const char *script, const char *data_name,
			   bool owns_data)
{
	struct plot_job *j = g_new0(struct plot_job, 1);

	j->name = g_strdup(name);
	j->script = script;
	j->data_name = g_strdup(data_name);
	j->data = owns_data ? g_string_new(NULL) : NULL;
	j->vars = g_string_new(NULL);
	g_ptr_array_add(plan, j);
	return j;
}



/* The header every data file starts with. */
static void dat_header(GString *g, const struct results *r, const char *what,
		       const char *columns, bool partial)
{
	g_string_append_printf(g, "# selsim %s, from %s\n", what, r->file);
	g_string_append_printf(g, "# spec %s, %.0f scenarios per cell, seed %s\n",
			       r->spec, r->scenarios, r->seed ? r->seed : "?");
	if (partial)
		g_string_append(g, "# only the cells of the first grid point "
				   "(every cell is in results.csv)\n");
	g_string_append_printf(g, "# columns: %s\n", columns);
}

/* "Join time: first-etcd-down (200 scenarios per policy)"; when only
 * the first grid point is drawn (@partial), which one. */
static char *title_for(const struct results *r, const char *what,
		       bool partial)
{
	char *g, *t;

	if (!partial)
		return g_strdup_printf("%s: %s (%.0f scenarios per %s)", what,
				       r->spec, r->scenarios,
				       r->n_grid > 1 ? "cell" : "policy");
	g = results_grid_label(r, &r->cells[0], ", ");
	t = g_strdup_printf("%s: %s (%.0f scenarios per cell), at %s", what,
			    r->spec, r->scenarios, g);
	g_free(g);
	return t;
}

/* A suffix for captions when only the first grid point is drawn. */
static char *drawn_note(const struct results *r, bool partial)
{
	char *g, *s;

	if (!partial)
		return g_strdup("");
	g = results_grid_label(r, &r->cells[0], ", ");
	s = g_strdup_printf(" Drawn at the first grid point (%s); every cell "
			    "is in results.csv.", g);
	g_free(g);
	return s;
}

/* For a sweep: a legend entry per policy (colour) and per grid point
 * (dash type) rather than one per line. */
static void cdf_legend(struct plot_job *j, const struct results *r)
{
	GString *pol = g_string_new(NULL), *grid = g_string_new(NULL);
	size_t i, g = 0;

	for (i = 0; i < r->n_policies; i++)
		g_string_append_printf(pol, "%s\"%s\"", i ? " " : "",
				       r->policies[i]);
	for (i = 0; i < r->n_cells; i++) {
		char *label;

		if (r->cells[i].grid != g)
			continue;
		label = results_grid_label(r, &r->cells[i], ", ");
		g_string_append_printf(grid, "%s\"%s\"", g ? " " : "", label);
		g_free(label);
		g++;
	}
	gnuplot_var_str(j->vars, "legend_colors", pol->str);
	gnuplot_var_str(j->vars, "legend_dashes", grid->str);
	g_string_free(pol, TRUE);
	g_string_free(grid, TRUE);
}

/* One cell's block of cdf.dat; false (nothing written) when no node
 * of the cell joined. */
static bool cdf_block(struct plot_job *j, const struct results *r,
		      const struct results_cell *c, cdf_mode mode)
{
	/* a censored CDF is over every node already; an older file's is
	 * over the nodes that joined, scaled by their share */
	double share = !c->cdf_censored && isfinite(c->counted) &&
		c->counted > 0 && isfinite(c->ready) ? c->ready / c->counted
						     : 1.0;
	char *label;
	bool any = false;
	size_t k;

	for (k = 0; k < RESULTS_CDF_POINTS; k++)
		any = any || isfinite(c->cdf[k]);
	if (!any)
		return false;	/* no node joined: nothing to draw */
	label = mode == CDF_BY_POINT ? results_grid_label(r, c, ", ") :
		mode == CDF_POLICY_AND_POINT ? results_cell_label(r, c) :
		g_strdup(c->policy);
	g_string_append(j->data, "\n\n");
	gnuplot_dat_str(j->data, label);
	g_string_append(j->data, " join_time_s ready_pct policy\n");
	g_free(label);
	/* the line stops where the quantiles go beyond the deadline */
	for (k = 0; k < (size_t)c->cdf_beyond_from; k++) {
		double q = (double)k / (RESULTS_CDF_POINTS - 1);

		gnuplot_dat_num(j->data, q);
		gnuplot_dat_num(j->data, c->cdf[k]);
		gnuplot_dat_num(j->data, 100.0 * q * share);
		gnuplot_dat_int(j->data, (long long)c->pol + 1);
		g_string_append_c(j->data, '\n');
	}
	return true;
}

/* " Not Ready by the deadline (where the line stops): k3s-legacy 60%,
 * ..." for the cells drawn whose CDF stops short; "" when none. */
static char *cdf_stops(const struct results *r, bool partial)
{
	GString *g = g_string_new(NULL);
	size_t i, n = 0;

	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];
		char *label;
		int from = c->cdf_beyond_from;

		if ((partial && c->grid != 0) || from >= RESULTS_CDF_POINTS ||
		    from == 0 || n >= 12)
			continue;
		label = results_cell_label(r, c);
		g_string_append_printf(g, "%s%s %.3g%%", n++ ? ", " : "",
				       label, isfinite(c->counted) &&
				       c->counted > 0 && isfinite(c->ready)
				       ? 100 * (1 - c->ready / c->counted)
				       : 100.0 - from);
		g_free(label);
	}
	if (n)
		g_string_prepend(g, " Not Ready by the deadline (where the "
				    "line stops): ");
	if (n)
		g_string_append_c(g, '.');
	return g_string_free(g, FALSE);
}

/* The CDF's title, caption and gnuplot variables. */
static void cdf_describe(struct plot_job *j, const struct results *r,
			 cdf_mode mode, size_t drawn, size_t shown,
			 const char *colors, const char *dashes)
{
	bool partial = mode == CDF_FIRST_POINT;
	char *note = drawn_note(r, partial);
	char *stops = cdf_stops(r, partial);
	GString *blocks = g_string_new(NULL);
	size_t k;

	for (k = 0; k < drawn; k++)
		g_string_append_printf(blocks, " %zu", k);
	j->title = title_for(r, "Join time", partial);
	j->caption = g_strdup_printf(
		"Share of the nodes that (re)started that were Ready "
		"within a given time (log scale), %s; a line that "
		"stops short of 100%% stops at the share that joined "
		"before the deadline%s.%s%s%s",
		mode == CDF_BY_POINT ? "a line per grid point" :
		mode == CDF_POLICY_AND_POINT ?
		"a colour per policy, a dash pattern per grid point" :
		"a line per policy",
		isfinite(r->deadline_s) ? " (dashed)" : "", note,
		drawn < shown ? " Cells where no node joined have no "
				"line." : "", stops);
	gnuplot_var_str(j->vars, "plot_title", j->title);
	gnuplot_var_str(j->vars, "blocks", blocks->str);
	gnuplot_var_str(j->vars, "colors", colors);
	gnuplot_var_str(j->vars, "dashes", dashes);
	if (mode == CDF_POLICY_AND_POINT)
		cdf_legend(j, r);
	if (isfinite(r->deadline_s)) {
		char buf[SIM_TIME_FMT_LEN];
		sim_time t;

		gnuplot_var_num(j->vars, "deadline", r->deadline_s);
		if (sim_time_from_seconds(r->deadline_s, &t, NULL))
			gnuplot_var_str(j->vars, "deadline_label",
					sim_time_format(t, buf));
	}
	g_string_free(blocks, TRUE);
	g_free(note);
	g_free(stops);
}

static void plan_cdf(GPtrArray *plan, const struct results *r)
{
	struct plot_job *j = job_new(plan, "cdf", "cdf.gp", "cdf.dat", true);
	GString *colors = g_string_new(NULL), *dashes = g_string_new(NULL);
	cdf_mode mode = cdf_mode_of(r);
	bool partial = mode == CDF_FIRST_POINT;
	size_t i, drawn = 0, shown = 0;

	dat_header(j->data, r, "join-time CDF per cell",
		   "quantile (0-1, of the nodes that (re)started), "
		   "join_time_s (that quantile of their join times; a node "
		   "not Ready by the deadline counts as beyond it, and the "
		   "block stops before the first quantile beyond it), "
		   "ready_pct (the share Ready by then, %), policy "
		   "(1-based); one block per cell, two blank lines "
		   "apart, each starting with a header line whose first field "
		   "is the cell's label", partial);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];

		if (partial && c->grid != 0)
			continue;
		shown++;
		if (!cdf_block(j, r, c, mode))
			continue;
		g_string_append_printf(colors, " %zu", mode == CDF_BY_POINT ?
				       c->grid + 1 : c->pol + 1);
		g_string_append_printf(dashes, " %zu",
				       mode == CDF_POLICY_AND_POINT ?
				       c->grid + 1 : 1);
		drawn++;
	}
	if (drawn == 0) {
		/* Nothing joined anywhere: a CDF of nothing is no plot. */
		g_ptr_array_remove(plan, j);
	} else {
		cdf_describe(j, r, mode, drawn, shown, colors->str,
			     dashes->str);
	}
	g_string_free(colors, TRUE);
	g_string_free(dashes, TRUE);
}

/* Bar positions: one bar per drawn cell; with a sweep, grouped by grid
 * point with a gap between groups, the tic under the middle bar. */
double plot__bar_x(const struct results *r, const struct results_cell *c,
		   size_t order)
{
	if (!bars_grouped(r))
		return (double)order;
	return (double)(c->grid * (r->n_policies + 1) + c->pol);
}

char *plot__bar_tic(const struct results *r, const struct results_cell *c)
{
	if (!bars_grouped(r))
		return g_strdup(c->policy);
	if (c->pol != (r->n_policies - 1) / 2)
		return g_strdup("");
	return results_grid_values(r, c);
}

void plot__bar_vars(struct plot_job *j, const struct results *r)
{
	GString *p;
	size_t i;

	if (!bars_grouped(r))
		return;
	if (r->n_grid > 6)	/* long tics side by side would overlap */
		gnuplot_var_num(j->vars, "tic_rotate", 1);
	p = g_string_new(NULL);
	for (i = 0; i < r->n_axes; i++)
		g_string_append_printf(p, "%s%s", i ? ", " : "",
				       r->axes[i].key);
	gnuplot_var_str(j->vars, "xname", p->str);
	g_string_free(p, TRUE);
	p = g_string_new(NULL);
	for (i = 0; i < r->n_policies; i++)
		g_string_append_printf(p, "%s\"%s\"", i ? " " : "",
				       r->policies[i]);
	gnuplot_var_str(j->vars, "policies", p->str);
	g_string_free(p, TRUE);
}

/* Whether any cell has a number (not NaN) in the double at @offset. */
static bool any_finite(const struct results *r, size_t offset)
{
	size_t i;

	for (i = 0; i < r->n_cells; i++)
		if (isfinite(*(const double *)((const char *)&r->cells[i] +
					       offset)))
			return true;
	return false;
}

/* The rows of @c in success.dat (@s) and load.dat (@l), at @x. */
static void bars_row(struct plot_job *s, struct plot_job *l,
		     const struct results *r, const struct results_cell *c,
		     double x)
{
	char *label = results_cell_label(r, c), *tic = plot__bar_tic(r, c);

	gnuplot_dat_num(s->data, x);
	gnuplot_dat_str(s->data, label);
	gnuplot_dat_int(s->data, (long long)c->pol + 1);
	gnuplot_dat_num(s->data, 100.0 * c->rate);
	gnuplot_dat_num(s->data, 100.0 * c->lo);
	gnuplot_dat_num(s->data, 100.0 * c->hi);
	gnuplot_dat_num(s->data, c->count);
	gnuplot_dat_num(s->data, c->scenarios);
	gnuplot_dat_str(s->data, tic);
	g_string_append_c(s->data, '\n');

	gnuplot_dat_num(l->data, x);
	gnuplot_dat_str(l->data, label);
	gnuplot_dat_int(l->data, (long long)c->pol + 1);
	gnuplot_dat_num(l->data, c->requests);
	gnuplot_dat_num(l->data, c->dials);
	gnuplot_dat_num(l->data, c->failed_dials);
	gnuplot_dat_num(l->data, c->fatal);
	gnuplot_dat_str(l->data, tic);
	g_string_append_c(l->data, '\n');
	g_free(label);
	g_free(tic);
}

static void plan_bars(GPtrArray *plan, const struct results *r)
{
	struct plot_job *s = job_new(plan, "success", "success.gp", "success.dat",
				true);
	struct plot_job *l = job_new(plan, "load", "load.gp", "load.dat", true);
	bool partial = !plot__bars_all(r);
	char *note = drawn_note(r, partial), *axes_note;
	size_t i, order = 0;

	axes_note = bars_grouped(r) ?
		g_strdup_printf(" Bars are grouped by grid point (%s).",
				r->n_axes == 1 ? r->axes[0].key : "the swept "
				"values, in the order of the axes") :
		g_strdup("");
	dat_header(s->data, r, "join success per cell",
		   "x (bar position), label, policy (1-based), rate_pct, "
		   "ci95_lo_pct, ci95_hi_pct (95% Wilson interval), count, "
		   "scenarios, tic (x tic label)", partial);
	dat_header(l->data, r, "server load per cell",
		   "x (bar position), label, policy (1-based), "
		   "requests_per_join, dials_per_join, failed_dials_per_join, "
		   "fatal_restarts_per_scenario, tic (x tic label)", partial);
	for (i = 0; i < r->n_cells; i++) {
		if (partial && r->cells[i].grid != 0)
			continue;
		bars_row(s, l, r, &r->cells[i],
			 plot__bar_x(r, &r->cells[i], order++));
	}
	s->title = title_for(r, "Join success", partial);
	s->caption = g_strdup_printf(
		"Share of scenarios in which every node that (re)started was "
		"Ready by the deadline, with its 95%% Wilson interval.%s%s",
		axes_note, note);
	gnuplot_var_str(s->vars, "plot_title", s->title);
	plot__bar_vars(s, r);
	l->title = title_for(r, "Server load per join", partial);
	l->caption = g_strdup_printf(
		"Load amplification: requests the servers received per join "
		"(per node that became Ready; left) and TCP dials behind them "
		"(right; the dark part failed: refused or timed out).%s%s",
		axes_note, note);
	gnuplot_var_str(l->vars, "plot_title", l->title);
	plot__bar_vars(l, r);
	g_free(axes_note);
	g_free(note);
	/* no node joined anywhere: there is no load per join to draw */
	if (!any_finite(r, offsetof(struct results_cell, requests)))
		g_ptr_array_remove(plan, l);
}

/* The policy an axis key applies to ("k3s" for "k3s.dial_timeout"), or
 * NULL when it applies to every policy. Caller frees with g_free(). */
static char *axis_policy(const char *key)
{
	const char *dot = strrchr(key, '.');

	return dot ? g_strndup(key, (size_t)(dot - key)) : NULL;
}

/* The cell of policy @p at the grid point whose axis values are @vals
 * (seconds; one per axis), or NULL. */
static const struct results_cell *find_cell(const struct results *r, size_t p,
				    const double *vals)
{
	size_t i, a;

	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *c = &r->cells[i];

		if (c->pol != p)
			continue;
		for (a = 0; a < r->n_axes; a++)
			if (c->axis_s[a] != vals[a])
				break;
		if (a == r->n_axes)
			return c;
	}
	return NULL;
}

static void plan_sweep1(GPtrArray *plan, const struct results *r)
{
	const struct results_axis *ax = &r->axes[0];
	struct plot_job *s = job_new(plan, "sweep-success", "sweep-success.gp",
				"sweep.dat", true);
	struct plot_job *j = job_new(plan, "sweep-join", "sweep-join.gp",
				"sweep.dat", false);
	char *only = axis_policy(ax->key), *note;
	size_t p, k;

	dat_header(s->data, r, "sweep over one parameter",
		   "value_s, value (as in the spec), rate_pct, ci95_lo_pct, "
		   "ci95_hi_pct, join_p50_s, join_p99_s, join_mean_s, policy "
		   "(1-based); one block per policy, two blank lines apart, "
		   "each starting with a header line whose first field is "
		   "the policy", false);
	for (p = 0; p < r->n_policies; p++) {
		g_string_append(s->data, "\n\n");
		gnuplot_dat_str(s->data, r->policies[p]);
		g_string_append(s->data, " value rate_pct ci95_lo_pct "
			       "ci95_hi_pct join_p50_s join_p99_s join_mean_s "
			       "policy\n");
		for (k = 0; k < ax->n; k++) {
			const struct results_cell *c = find_cell(r, p, &ax->s[k]);

			if (!c)
				continue;
			gnuplot_dat_num(s->data, ax->s[k]);
			gnuplot_dat_str(s->data, ax->val[k]);
			gnuplot_dat_num(s->data, 100.0 * c->rate);
			gnuplot_dat_num(s->data, 100.0 * c->lo);
			gnuplot_dat_num(s->data, 100.0 * c->hi);
			gnuplot_dat_num(s->data, c->p50);
			gnuplot_dat_num(s->data, c->p99);
			gnuplot_dat_num(s->data, c->mean);
			gnuplot_dat_int(s->data, (long long)p + 1);
			g_string_append_c(s->data, '\n');
		}
	}
	note = only ? g_strdup_printf(" %s applies to %s only; the other "
				      "policies' runs do not change along it.",
				      ax->key, only)
		    : g_strdup("");
	s->title = g_strdup_printf("Join success against %s: %s", ax->key,
				   r->spec);
	s->caption = g_strdup_printf("Share of scenarios in which every node "
				     "rejoined, a line per policy, with 95%% "
				     "intervals.%s", note);
	j->title = g_strdup_printf("Join time against %s: %s", ax->key,
				   r->spec);
	j->caption = g_strdup_printf("p99 (solid) and p50 (dashed) join time "
				     "of the nodes that became Ready, a line "
				     "per policy.%s", note);
	gnuplot_var_str(s->vars, "plot_title", s->title);
	gnuplot_var_str(j->vars, "plot_title", j->title);
	gnuplot_var_str(s->vars, "xname", ax->key);
	gnuplot_var_str(j->vars, "xname", ax->key);
	if (ax->n > 1 && ax->s[0] > 0 && ax->s[ax->n - 1] / ax->s[0] >= 10) {
		gnuplot_var_num(s->vars, "logx", 1);
		gnuplot_var_num(j->vars, "logx", 1);
	}
	g_free(note);
	g_free(only);
	/* no node joined at any point: no join times to draw */
	if (!any_finite(r, offsetof(struct results_cell, p99)))
		g_ptr_array_remove(plan, j);
}

static void plan_sweep2(GPtrArray *plan, const struct results *r)
{
	const struct results_axis *ax = &r->axes[0], *ay = &r->axes[1];
	size_t p, x, y;

	for (p = 0; p < r->n_policies; p++) {
		char *safe = fmt_file_safe(r->policies[p]);
		char *name = g_strdup_printf("heatmap-%s", safe);
		char *dat = g_strdup_printf("heatmap-%s.dat", safe);
		struct plot_job *j = job_new(plan, name, "heatmap.gp", dat, true);

		dat_header(j->data, r, "sweep over two parameters",
			   "ix, iy (positions), x, y (values as in the spec), "
			   "rate_pct, join_p99_s; a blank line after each x",
			   false);
		g_string_append_printf(j->data, "# policy %s; x: %s, y: %s\n",
				       r->policies[p], ax->key, ay->key);
		for (x = 0; x < ax->n; x++) {
			for (y = 0; y < ay->n; y++) {
				double vals[2] = { ax->s[x], ay->s[y] };
				const struct results_cell *c = find_cell(r, p, vals);

				if (!c)
					continue;
				gnuplot_dat_int(j->data, (long long)x);
				gnuplot_dat_int(j->data, (long long)y);
				gnuplot_dat_str(j->data, ax->val[x]);
				gnuplot_dat_str(j->data, ay->val[y]);
				gnuplot_dat_num(j->data, 100.0 * c->rate);
				gnuplot_dat_num(j->data, c->p99);
				g_string_append_c(j->data, '\n');
			}
			g_string_append_c(j->data, '\n');
		}
		j->title = g_strdup_printf("%s over %s and %s: %s",
					   r->policies[p], ax->key, ay->key,
					   r->spec);
		j->caption = g_strdup_printf(
			"Policy %s at every grid point: join success (%%, "
			"left) and p99 join time (s, right; blank where no "
			"node joined).", r->policies[p]);
		gnuplot_var_str(j->vars, "plot_title", j->title);
		gnuplot_var_str(j->vars, "xname", ax->key);
		gnuplot_var_str(j->vars, "yname", ay->key);
		g_free(safe);
		g_free(name);
		g_free(dat);
	}
}

/* Every plot that fits @r, in report order. */
GPtrArray *plot_plan_new(const struct results *r)
{
	GPtrArray *plan = g_ptr_array_new_with_free_func(job_free);

	plan_cdf(plan, r);
	plan_bars(plan, r);
	if (r->n_axes == 1)
		plan_sweep1(plan, r);
	else if (r->n_axes == 2)
		plan_sweep2(plan, r);
	plot__plan_failover(plan, r);
	return plan;
}

/* ---- lent to plot_failover.c (plot_internal.h) ---- */

struct plot_job *plot__job_new(GPtrArray *plan, const char *name,
			       const char *script, const char *data_name,
			       bool owns_data)
{
	return job_new(plan, name, script, data_name, owns_data);
}

void plot__dat_header(GString *g, const struct results *r, const char *what,
		      const char *columns, bool partial)
{
	dat_header(g, r, what, columns, partial);
}

char *plot__title_for(const struct results *r, const char *what,
		      bool partial)
{
	return title_for(r, what, partial);
}


/* ---- writing and drawing ---- */

static const char redraw_head[] =
	"#!/bin/sh\n"
	"# The gnuplot commands that drew these plots. Edit a script or a "
	".dat\n"
	"# file, then run: sh plots/redraw.sh\n"
	"set -e\ncd \"$(dirname \"$0\")/..\"\n";

/* @j as a gnuplot job run in @dir; @data and @out (borrowed by the job)
 * are set to PLOTS/DATA_NAME and PLOTS/NAME. */
static struct gnuplot_job gp_job(const struct plot_job *j, const char *dir,
				 char **data, char **out)
{
	*data = g_strconcat("plots/", j->data_name, NULL);
	*out = g_strconcat("plots/", j->name, NULL);
	return (struct gnuplot_job){ .cwd = dir, .script = j->script,
				     .data = *data, .out = *out,
				     .vars = j->vars->str };
}

/* Writes the data files of @plan and plots/redraw.sh. */
static gboolean write_data(const char *dir, GPtrArray *plan, GError **error)
{
	GString *redraw = g_string_new(redraw_head);
	gboolean ok = TRUE;
	char *path;
	size_t i;

	for (i = 0; i < plan->len && ok; i++) {
		const struct plot_job *j = g_ptr_array_index(plan, i);
		char *data, *out;
		struct gnuplot_job gj = gp_job(j, dir, &data, &out);

		gnuplot_redraw_line(redraw, &gj);
		if (j->data) {
			path = g_build_filename(dir, data, NULL);
			ok = output_write_atomic(path, j->data->str,
						 j->data->len, error);
			g_free(path);
		}
		g_free(data);
		g_free(out);
	}
	if (ok) {
		path = g_build_filename(dir, "plots", "redraw.sh", NULL);
		ok = output_write_atomic(path, redraw->str, redraw->len,
					 error);
		g_free(path);
	}
	g_string_free(redraw, TRUE);
	return ok;
}

static gboolean draw(const char *gnuplot, const char *dir, GPtrArray *plan,
		     GError **error)
{
	gboolean ok = TRUE;
	size_t i;

	for (i = 0; i < plan->len && ok; i++) {
		char *data, *out;
		struct gnuplot_job gj = gp_job(g_ptr_array_index(plan, i), dir,
					       &data, &out);

		ok = gnuplot_run(gnuplot, &gj, error);
		g_free(data);
		g_free(out);
	}
	return ok;
}

gboolean plot_results(const char *dir, bool *gnuplot_missing, GError **error)
{
	struct results r;
	GPtrArray *plan;
	char *plots, *gnuplot = NULL;
	gboolean ok;

	if (gnuplot_missing)
		*gnuplot_missing = false;
	if (!results_load(dir, &r, error))
		return FALSE;
	plots = g_build_filename(dir, "plots", NULL);
	if (g_mkdir_with_parents(plots, 0755) != 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", plots,
			    g_strerror(errno));
		g_free(plots);
		results_release(&r);
		return FALSE;
	}
	plan = plot_plan_new(&r);
	ok = write_data(dir, plan, error);
	if (ok)
		gnuplot = gnuplot_find();
	if (ok && !gnuplot && gnuplot_missing)
		*gnuplot_missing = true;
	if (ok && gnuplot)
		ok = draw(gnuplot, dir, plan, error);
	g_free(gnuplot);
	g_ptr_array_unref(plan);
	g_free(plots);
	results_release(&r);
	return ok;
}
