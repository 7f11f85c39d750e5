/*
 * `selsim tune`'s table, plots and report (tune_output.h): the words and
 * pictures around tune.json.
 */
#include "tune_output.h"
#include "doc.h"
#include "fmt.h"
#include "gnuplot.h"
#include "output.h"
#include "sim/error.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const struct tune_cand *cand_at(const struct tune_outcome *o,
				       size_t id)
{
	return &g_array_index(o->res.cands, struct tune_cand, id);
}

/* "+1.23 [+0.5, +2]" into @g. */
static void put_interval(GString *g, double d, const double *ci)
{
	g_string_append_printf(g, "%+.4g [%+.4g, %+.4g]", d, ci[0], ci[1]);
}

/* The validation in sentences, one per line, each starting with @lead. */
static void validation_text(GString *g, const struct tune_spec *t,
			    const struct tune_validation *v,
			    const char *lead)
{
	static const char *const who[] = { "the defaults",
					   "the best grid point" };
	int w;

	g_string_append_printf(g, "%son %d fresh scenarios (seed %"
			       G_GUINT64_FORMAT ", in %d blocks): %s = %.4g "
			       "recommended, %.4g defaults", lead,
			       v->scenarios, v->seed, v->blocks, t->objective,
			       v->m[1][0], v->m[0][0]);
	if (v->has_grid)
		g_string_append_printf(g, ", %.4g best grid point",
				       v->m[2][0]);
	g_string_append_printf(g, "; the recommendation %s the "
			       "constraints there\n", v->feasible
			       ? "meets" : "does NOT meet");
	for (w = 0; w < (v->has_grid ? 2 : 1); w++) {
		g_string_append_printf(g, "%srecommended - %s: ", lead,
				       who[w]);
		put_interval(g, v->diff[w], v->ci[w]);
		g_string_append_printf(g, " (95%%, %s): %s\n", v->method[w],
				       v->better[w] ? "better" : v->worse[w]
				       ? "worse" : "no difference shown");
	}
	g_string_append_printf(g, "%s%s\n", lead, v->better[0]
			       ? "verdict: the recommendation beats the "
				 "defaults (the interval excludes 0)"
			       : "verdict: nothing beats the defaults with "
				 "an interval that excludes 0");
}

static void sens_text(GString *g, const struct tune_spec *t,
		      const struct tune_outcome *o, const char *lead)
{
	char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
	size_t i;

	g_string_append_printf(g, "%ssensitivity: each parameter at an end "
			       "of its range, the others as recommended, "
			       "change of %s (95%% paired t over %zu blocks):"
			       "\n", lead, t->objective, o->res.final_blocks);
	for (i = 0; i < t->n_params; i++) {
		const struct tune_sens *z = &o->res.sens[i];
		const struct tune_param *p = &t->params[i];

		if (!o->applies[i])
			continue;
		g_string_append_printf(g, "%s  %s at %s: ", lead, p->axis.key,
				       tune_value_text(p, p->lo, b1));
		put_interval(g, z->diff[0], z->ci[0]);
		g_string_append_printf(g, ", at %s: ",
				       tune_value_text(p, p->hi, b2));
		put_interval(g, z->diff[1], z->ci[1]);
		g_string_append_printf(g, ": %s\n", z->matters ? "matters"
				       : "does not matter here (its range "
				       "moves the objective within noise)");
	}
}

/* The text of outcome @o, lines starting with @lead. */
static void outcome_text(GString *g, const struct spec *s,
			 const struct tune_spec *t,
			 const struct tune_outcome *o, const char *lead)
{
	const struct tune_cand *rec = cand_at(o, o->res.best);
	const struct tune_cand *def = cand_at(o, o->res.defaults);
	char *block = tune_params_block(s, t, o);

	g_string_append_printf(g, "%spolicy %s: %u candidates evaluated, %"
			       G_GUINT64_FORMAT " scenario runs, %.1f s\n",
			       lead, s->policies[o->policy].ops->name,
			       o->res.cands->len, o->res.scenarios, o->wall_s);
	g_string_append_printf(g, "%srecommended: %s%s\n", lead, block,
			       o->res.feasible ? "" : "  (NO candidate met "
			       "the constraints: the least violating)");
	g_string_append_printf(g, "%son the search's %zu scenarios (seed %"
			       G_GUINT64_FORMAT "): %s = %.4g recommended, "
			       "%.4g defaults", lead,
			       o->res.final_blocks * (size_t)t->block, s->seed,
			       t->objective, rec->m[0], def->m[0]);
	if (o->res.grid_best != SIZE_MAX)
		g_string_append_printf(g, ", %.4g best of the %d-per-parameter "
				       "grid", cand_at(o, o->res.grid_best)->m[0],
				       t->grid);
	g_string_append(g, "\n");
	validation_text(g, t, &o->val, lead);
	sens_text(g, t, o, lead);
	g_free(block);
}

void tune_print_table(FILE *f, const struct spec *s,
		      const struct tune_spec *t, const struct tune_outcome *o,
		      size_t n)
{
	GString *g = g_string_new(NULL);
	size_t i;

	for (i = 0; i < n; i++) {
		outcome_text(g, s, t, &o[i], "");
		if (i + 1 < n)
			g_string_append(g, "\n");
	}
	fputs(g->str, f);
	g_string_free(g, TRUE);
}

/* ---- plots ---- */

/* Whether evaluation @c is non-dominated in (score, load) among the
 * feasible final-scenario evaluations of @o. */
static bool pareto(const struct tune_outcome *o, const struct tune_cand *c,
		   size_t load)
{
	size_t i;

	for (i = 0; i < o->res.cands->len; i++) {
		const struct tune_cand *d = cand_at(o, i);

		if (d == c || !d->valid || d->violation > 0 ||
		    d->blocks < o->res.final_blocks)
			continue;
		if (d->score <= c->score && d->m[load] <= c->m[load] &&
		    (d->score < c->score || d->m[load] < c->m[load]))
			return false;
	}
	return true;
}

/* The data of policy @o's plots: one line per evaluation with values. */
static char *plot_data(const struct tune_spec *t,
		       const struct tune_outcome *o, size_t load)
{
	GString *g = g_string_new("# params..., objective, load, "
				  "scenarios, final, pareto, recommended\n");
	size_t i, k;

	for (i = 0; i < o->res.cands->len; i++) {
		const struct tune_cand *c = cand_at(o, i);
		bool final = c->blocks >= o->res.final_blocks;

		if (!c->valid || c->blocks == 0)
			continue;
		for (k = 0; k < t->n_params; k++)
			gnuplot_dat_num(g, c->x[k]);
		gnuplot_dat_num(g, c->m[0]);
		gnuplot_dat_num(g, load < SIZE_MAX ? c->m[load] : NAN);
		gnuplot_dat_int(g, (long long)(c->blocks *
					       (size_t)t->block));
		gnuplot_dat_int(g, final);
		gnuplot_dat_int(g, final && c->violation == 0 &&
				load < SIZE_MAX && pareto(o, c, load));
		gnuplot_dat_int(g, c->id == o->res.best);
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

static char *conv_data(const struct tune_outcome *o)
{
	GString *g = g_string_new("# evaluations, scenario runs, best\n");
	size_t i;

	for (i = 0; i < o->res.steps->len; i++) {
		const struct tune_step *st = &g_array_index(o->res.steps,
							   struct tune_step, i);

		gnuplot_dat_int(g, (long long)st->evaluations);
		gnuplot_dat_int(g, (long long)st->scenarios);
		gnuplot_dat_num(g, st->best);
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

/* The figure index of the load constraint ("requests_per_join"), or
 * SIZE_MAX: the trade-off plot needs one. */
static size_t load_index(const struct tune_spec *t)
{
	size_t c;

	for (c = 0; c < t->n_constraints; c++)
		if (strstr(t->constraints[c].metric, "requests_per_join") ||
		    strstr(t->constraints[c].metric, "dials_per_join"))
			return 1 + c;
	return SIZE_MAX;
}

static gboolean draw(const char *gp, const char *dir, const char *script,
		     const char *data, const char *out, GString *vars,
		     GError **error)
{
	struct gnuplot_job j = { .cwd = dir, .script = script, .data = data,
				 .out = out, .vars = vars->str };

	return gnuplot_run(gp, &j, error);
}

/* The plots of outcome @o, named PREFIX-*. */
static gboolean plots_of(const char *gp, const char *dir,
			 const struct spec *s, const struct tune_spec *t,
			 const struct tune_outcome *o, GError **error)
{
	const char *pol = s->policies[o->policy].ops->name;
	size_t load = load_index(t), k;
	char *dat = g_strdup_printf("plots/tune-%s.dat", pol);
	char *cdat = g_strdup_printf("plots/tune-%s-conv.dat", pol);
	char *text = plot_data(t, o, load), *ctext = conv_data(o);
	char *p1 = g_build_filename(dir, dat, NULL);
	char *p2 = g_build_filename(dir, cdat, NULL);
	gboolean ok = output_write_atomic(p1, text, strlen(text), error) &&
		      output_write_atomic(p2, ctext, strlen(ctext), error);

	for (k = 0; ok && k < t->n_params; k++) {
		GString *v = g_string_new(NULL);
		char *out = g_strdup_printf("plots/tune-%s-param%zu", pol, k);

		if (o->applies[k]) {
			gnuplot_var_num(v, "xcol", (double)(k + 1));
			gnuplot_var_num(v, "ycol", (double)t->n_params + 1);
			gnuplot_var_num(v, "ncol", (double)t->n_params);
			gnuplot_var_num(v, "logx", t->params[k].log);
			gnuplot_var_str(v, "xname", t->params[k].axis.key);
			gnuplot_var_str(v, "yname", t->objective);
			gnuplot_var_str(v, "plot_title", pol);
			ok = draw(gp, dir, "tune-param.gp", dat, out, v,
				  error);
		}
		g_string_free(v, TRUE);
		g_free(out);
	}
	if (ok && load != SIZE_MAX) {
		GString *v = g_string_new(NULL);
		char *out = g_strdup_printf("plots/tune-%s-tradeoff", pol);

		gnuplot_var_num(v, "ncol", (double)t->n_params);
		gnuplot_var_str(v, "xname", t->constraints[load - 1].metric);
		gnuplot_var_str(v, "yname", t->objective);
		gnuplot_var_str(v, "plot_title", pol);
		ok = draw(gp, dir, "tune-tradeoff.gp", dat, out, v, error);
		g_string_free(v, TRUE);
		g_free(out);
	}
	if (ok) {
		GString *v = g_string_new(NULL);
		char *out = g_strdup_printf("plots/tune-%s-convergence", pol);

		gnuplot_var_str(v, "yname", t->objective);
		gnuplot_var_str(v, "plot_title", pol);
		ok = draw(gp, dir, "tune-convergence.gp", cdat, out, v, error);
		g_string_free(v, TRUE);
		g_free(out);
	}
	g_free(text);
	g_free(ctext);
	g_free(p1);
	g_free(p2);
	g_free(dat);
	g_free(cdat);
	return ok;
}

/* ---- the report ---- */

/* The pictures of outcome @o that exist, as files relative to @dir. */
static void pictures(const char *dir, const struct spec *s,
		     const struct tune_spec *t, const struct tune_outcome *o,
		     GPtrArray *files)
{
	const char *pol = s->policies[o->policy].ops->name;
	size_t k;

	for (k = 0; k <= t->n_params + 1; k++) {
		char *f = k < t->n_params
			  ? g_strdup_printf("plots/tune-%s-param%zu", pol, k)
			  : g_strdup_printf("plots/tune-%s-%s", pol,
					    k == t->n_params ? "tradeoff"
							     : "convergence");
		char *p = g_strdup_printf("%s/%s.svg", dir, f);

		if ((k >= t->n_params || o->applies[k]) &&
		    g_file_test(p, G_FILE_TEST_EXISTS))
			g_ptr_array_add(files, f);
		else
			g_free(f);
		g_free(p);
	}
}

/* Figure @base (plots/NAME, no extension) inlined into @d as number @n. */
static void figure(struct doc *d, const char *dir, const char *base,
		   size_t n)
{
	char *svg_rel = g_strconcat(base, ".svg", NULL);
	char *png_rel = g_strconcat(base, ".png", NULL);
	char *svg_path = g_build_filename(dir, svg_rel, NULL);
	char *png_path = g_build_filename(dir, png_rel, NULL);
	const char *name = strrchr(base, '/') + 1;
	char *text = NULL, *inl = NULL, *prefix = g_strdup_printf("t%zu-", n);

	if (g_file_get_contents(svg_path, &text, NULL, NULL))
		inl = doc_svg_inline(text, prefix, name);
	if (inl) {
		struct doc_figure f = {
			.id = name, .number = n, .svg = inl, .title = name,
			.caption = "", .svg_href = svg_rel,
			.png_href = g_file_test(png_path, G_FILE_TEST_EXISTS)
				    ? png_rel : NULL,
			.data_href = svg_rel,
		};

		doc_figure(d, &f);
	}
	g_free(text);
	g_free(inl);
	g_free(prefix);
	g_free(svg_rel);
	g_free(png_rel);
	g_free(svg_path);
	g_free(png_path);
}

/* The section of outcome @o: the block to paste, the figures in words,
 * the plots; @fig numbers them. */
static void outcome_section(struct doc *d, const char *dir,
			    const struct spec *s, const struct tune_spec *t,
			    const struct tune_outcome *o, size_t *fig)
{
	GString *g = g_string_new(NULL);
	GPtrArray *lines = g_ptr_array_new(), *pics;
	char *block = tune_params_block(s, t, o), **split, **l;
	size_t k;

	doc_h3(d, s->policies[o->policy].ops->name);
	doc_para(d, "Paste into the spec:");
	doc_command(d, block);
	outcome_text(g, s, t, o, "");
	split = g_strsplit(g->str, "\n", -1);
	for (l = split + 1; *l; l++)	/* the first line is the heading's */
		if (**l && !g_str_has_prefix(*l, "recommended: "))
			g_ptr_array_add(lines, g_strchug(*l));
	doc_list(d, lines);
	pics = g_ptr_array_new_with_free_func(g_free);
	pictures(dir, s, t, o, pics);
	for (k = 0; k < pics->len; k++)
		figure(d, dir, pics->pdata[k], ++*fig);
	g_ptr_array_free(pics, TRUE);
	g_ptr_array_free(lines, TRUE);
	g_strfreev(split);
	g_string_free(g, TRUE);
	g_free(block);
}

static gboolean write_reports(const char *dir, const struct spec *s,
			      const struct tune_spec *t,
			      const struct tune_outcome *o, size_t n,
			      const char *cmd, GError **error)
{
	struct doc d;
	char *title = g_strdup_printf("%s: tuning", s->name);
	char *meta = g_strdup_printf("selsim %s; %s %s; search seed %"
				     G_GUINT64_FORMAT ", validation seed %"
				     G_GUINT64_FORMAT, SELSIM_VERSION,
				     t->maximize ? "maximize" : "minimize",
				     t->objective, s->seed,
				     t->validation_seed);
	char *p1 = g_build_filename(dir, "report.md", NULL);
	char *p2 = g_build_filename(dir, "report.html", NULL);
	size_t i, fig = 0;
	gboolean ok;

	doc_init(&d);
	doc_page_begin(&d, title, title, meta, "body{font-family:sans-serif;"
		       "max-width:60em;margin:auto}figure svg{width:100%;"
		       "height:auto}pre{background:#f4f4f4;padding:.5em;"
		       "white-space:pre-wrap}");
	doc_section(&d, "recommended", "Recommended settings");
	for (i = 0; i < n; i++)
		outcome_section(&d, dir, s, t, &o[i], &fig);
	doc_section_end(&d);
	doc_section(&d, "reproduce", "Reproduce");
	doc_command(&d, cmd ? cmd : "");
	doc_section_end(&d);
	doc_page_end(&d, "", "");
	ok = output_write_atomic(p1, d.m->str, d.m->len, error) &&
	     output_write_atomic(p2, d.h->str, d.h->len, error);
	doc_release(&d);
	g_free(title);
	g_free(meta);
	g_free(p1);
	g_free(p2);
	return ok;
}

gboolean tune_write(const char *dir, const struct spec *s,
		    const struct tune_spec *t, const struct tune_outcome *o,
		    size_t n, const char *command_line, bool no_plots,
		    bool *missing, GError **error)
{
	char *json = tune_json_string(s, t, o, n, command_line);
	char *csv = tune_csv_string(s, t, o, n);
	char *pj = g_build_filename(dir, "tune.json", NULL);
	char *pc = g_build_filename(dir, "tune.csv", NULL);
	char *plots = g_build_filename(dir, "plots", NULL);
	char *gp = NULL;
	gboolean ok;
	size_t i;

	*missing = false;
	ok = output_write_atomic(pj, json, strlen(json), error) &&
	     output_write_atomic(pc, csv, strlen(csv), error);
	if (ok && !no_plots) {
		if (g_mkdir_with_parents(plots, 0755) != 0) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s",
				    plots, g_strerror(errno));
			ok = FALSE;
		}
		gp = ok ? gnuplot_find() : NULL;
		*missing = gp == NULL;
		for (i = 0; ok && gp && i < n; i++)
			ok = plots_of(gp, dir, s, t, &o[i], error);
		ok = ok && write_reports(dir, s, t, o, n, command_line, error);
	}
	g_free(gp);
	g_free(plots);
	g_free(json);
	g_free(csv);
	g_free(pj);
	g_free(pc);
	return ok;
}
