/*
 * The report of a results folder (report.h): the spec in words, the
 * headline table, the plots, the paired comparisons in sentences and the
 * command that reproduces the results, written as HTML and Markdown
 * through doc.h.
 */
#include "report.h"
#include "report_compare.h"
#include "report_failover.h"
#include "report_figure.h"
#include "doc.h"
#include "fmt.h"
#include "output.h"
#include "plot.h"
#include "results_read.h"
#include "spec.h"
#include "models/config.h"
#include "models/dist.h"
#include "policies/policy.h"
#include "sim/time.h"

#include <math.h>
#include <string.h>

/* A count or ratio with three significant digits; an en dash for none.
 * Caller frees with g_free(). */
static char *num_text(double v)
{
	return isfinite(v) ? fmt_num3(v) : g_strdup("\xe2\x80\x93");
}

/* "99.5% [98.1, 100.0]". */
static char *fmt_rate(double rate, double lo, double hi)
{
	if (!isfinite(rate))
		return g_strdup("\xe2\x80\x93");
	return g_strdup_printf("%.1f%% [%.1f, %.1f]", 100 * rate, 100 * lo,
			       100 * hi);
}

/* A duration of the spec, as the spec writes it: "250ms". Caller frees
 * with g_free(). */
static char *dur_text(sim_time t)
{
	char buf[SIM_TIME_FMT_LEN];

	return g_strdup(sim_time_format(t, buf));
}

static const char *link_class_words[LINK_N_CLASSES] = {
	"same AZ", "across AZs", "across regions",
};

static void world_topology(struct doc *d, const struct world_config *w)
{
	size_t cols = 5, i;
	char **cells = g_new0(char *, (w->n_nodes + 1) * cols);
	static const bool numeric[5] = { false, false, false, false, false };
	GString *azs = g_string_new(NULL);
	char *text;

	for (i = 0; i < w->n_azs; i++)
		g_string_append_printf(azs, "%s%s (%s)", i ? ", " : "",
				       w->azs[i].name,
				       w->regions[w->azs[i].region]);
	text = g_strdup_printf("%zu nodes in %zu AZ%s: %s.", w->n_nodes,
			       w->n_azs, w->n_azs == 1 ? "" : "s", azs->str);
	doc_h3(d, "Topology");
	doc_para(d, text);
	g_free(text);
	g_string_free(azs, TRUE);

	cells[0] = g_strdup("node");
	cells[1] = g_strdup("role");
	cells[2] = g_strdup("AZ");
	cells[3] = g_strdup("--server");
	cells[4] = g_strdup("at time 0");
	for (i = 0; i < w->n_nodes; i++) {
		const struct node_config *n = &w->nodes[i];
		char **row = cells + (i + 1) * cols;

		row[0] = g_strdup(n->name);
		row[1] = g_strdup(node_role_names[n->role]);
		row[2] = g_strdup(w->azs[n->az].name);
		row[3] = g_strdup(n->server >= 0 ? w->nodes[n->server].name
						 : "\xe2\x80\x93");
		row[4] = g_strdup(n->up ? "up and Ready" : "down");
	}
	doc_table(d, cells, w->n_nodes + 1, cols, numeric);
	for (i = 0; i < (w->n_nodes + 1) * cols; i++)
		g_free(cells[i]);
	g_free(cells);
}

static void world_network(struct doc *d, const struct world_config *w)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	char *retry = dur_text(w->network.syn_retry);
	char *svc = dist_describe(&w->servers.service_time, true);
	size_t i;

	doc_h3(d, "Network and servers");
	for (i = 0; i < LINK_N_CLASSES; i++) {
		char *rtt = dist_describe(&w->network.rtt[i], true);

		g_ptr_array_add(items, g_strdup_printf("round-trip time %s: %s",
						       link_class_words[i],
						       rtt));
		g_free(rtt);
	}
	g_ptr_array_add(items, g_strdup_printf(
		"TLS handshake: %d round trips; SYN loss %g, a lost SYN "
		"retried after %s, then doubling",
		w->network.tls_round_trips, w->network.loss, retry));
	g_ptr_array_add(items, g_strdup_printf(
		"each server serves %d requests at once and queues up "
		"to %d more; service time %s", w->servers.workers,
		w->servers.queue, svc));
	g_free(retry);
	g_free(svc);
	doc_list(d, items);
	g_ptr_array_unref(items);
}

/* The random failures of each scenario, in a sentence. */
static char *random_failures(const struct random_config *rc)
{
	GString *kinds = g_string_new(NULL);
	char *count = dist_describe(&rc->count, false);
	char *when = dist_describe(&rc->at, true);
	char *dur = rc->has_duration ? dist_describe(&rc->duration, true)
				     : g_strdup("for good");
	char *out;
	int k;

	for (k = 0; k < FAIL_N_KINDS; k++)
		if (rc->weight[k] > 0)
			g_string_append_printf(kinds, "%s%s (weight %g)",
					       kinds->len ? ", " : "",
					       failure_kind_names[k],
					       rc->weight[k]);
	out = g_strdup_printf(
		"in each scenario, %s random failures (rounded down): "
		"%s; at %s; lasting %s%s", count, kinds->str, when,
		dur, rc->partition_az ? "; a partition cuts an AZ off" : "");
	g_string_free(kinds, TRUE);
	g_free(count);
	g_free(when);
	g_free(dur);
	return out;
}

static void world_failures(struct doc *d, const struct world_config *w)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	doc_h3(d, "Failures");
	for (i = 0; i < w->n_failures; i++) {
		char *desc = spec_failure_describe(w, &w->failures[i]);
		char *at = dur_text(w->failures[i].at);

		g_ptr_array_add(items, g_strdup_printf("at %s: %s", at, desc));
		g_free(desc);
		g_free(at);
	}
	if (w->random.enabled)
		g_ptr_array_add(items, random_failures(&w->random));
	if (items->len)
		doc_list(d, items);
	else
		doc_para(d, "None: every node starts up and stays up.");
	g_ptr_array_unref(items);
}

/* The process start-up phases (methods and assumptions): each default's
 * public source, or that it is selsim's assumption. */
static void world_startup(struct doc *d, const struct world_config *w)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	int k;

	doc_h3(d, "Process start-up");
	doc_para(d, "Join times run from a node's (re)start to Ready and "
		 "include the time a real process takes besides the "
		 "protocol: each phase is drawn once per start from the "
		 "node's own stream.");
	for (k = 0; k < STARTUP_N; k++)
		g_ptr_array_add(items, spec_startup_describe(w, k));
	doc_list(d, items);
	g_ptr_array_unref(items);
}

/* The topology, network, servers and failures of @s. */
static void report_world(struct doc *d, const struct spec *s)
{
	world_topology(d, &s->world);
	world_network(d, &s->world);
	world_startup(d, &s->world);
	world_failures(d, &s->world);
}

/* The axes of the sweep and the size of its grid. */
static void report_sweep(struct doc *d, const struct results *r)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	size_t a, i;

	doc_h3(d, "Sweep");
	for (a = 0; a < r->n_axes; a++) {
		GString *g = g_string_new(r->axes[a].key);

		g_string_append(g, " over ");
		for (i = 0; i < r->axes[a].n; i++)
			g_string_append_printf(g, "%s%s", i ? ", " : "",
					       r->axes[a].val[i]);
		g_ptr_array_add(items, g_string_free(g, FALSE));
	}
	g_ptr_array_add(items, g_strdup_printf(
		"crossed as a grid of %zu point%s; every policy runs "
		"at every point", r->n_grid, r->n_grid == 1 ? "" : "s"));
	doc_list(d, items);
	g_ptr_array_unref(items);
}

/* The policies as run, with the parameters that differ from K3s's. */
static void report_policies(struct doc *d, const struct results *r,
			    const struct spec *s)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	struct policy_params def;
	struct k3s_params kdef;
	const struct spec_const *pd;
	size_t p, k;

	policy_params_default(&def);
	k3s_params_default(&kdef);
	doc_h3(d, "Policies");
	for (p = 0; p < r->n_policies; p++) {
		const struct policy_ops *ops = policy_find(r->policies[p]);
		int idx = s ? spec_policy_index(s, r->policies[p]) : -1;
		GString *g = g_string_new(r->policies[p]);

		if (ops && ops->summary)
			g_string_append_printf(g, ": %s", ops->summary);
		if (r->baseline && !strcmp(r->baseline, r->policies[p]))
			g_string_append(g, " (the baseline)");
		if (idx >= 0) {
			struct policy_params pp = s->policies[idx].params;
			struct k3s_params kp = s->policies[idx].k3s;
			size_t changed = 0;

			for (k = 0; (pd = spec_const_at(k)) != NULL; k++) {
				sim_time v = *spec_const_ref(pd, &pp, &kp);
				sim_time dv = *spec_const_ref(pd, &def, &kdef);
				char a[SIM_TIME_FMT_LEN], b[SIM_TIME_FMT_LEN];

				if (v == dv)
					continue;
				g_string_append_printf(
					g, "%s %s=%s (K3s: %s)",
					changed++ ? "," : ". Parameters:",
					pd->name, sim_time_format(v, a),
					sim_time_format(dv, b));
			}
			if (!changed)
				g_string_append(g, ". Parameters: the K3s "
						   "defaults");
		}
		g_string_append_c(g, '.');
		g_ptr_array_add(items, g_string_free(g, FALSE));
	}
	doc_list(d, items);
	g_ptr_array_unref(items);

	if (r->n_axes)
		report_sweep(d, r);
}

/* "10m", or "not recorded". Caller frees with g_free(). */
static char *deadline_text(const struct results *r)
{
	sim_time t;

	if (isfinite(r->deadline_s) &&
	    sim_time_from_seconds(r->deadline_s, &t, NULL))
		return dur_text(t);
	return g_strdup("not recorded");
}

/*
 * Loads the spec the results came from. A relative spec_file is relative
 * to the folder selsim ran in, unknown here: first the current folder,
 * then the folders above @dir (results/NAME sits two below the usual
 * one). The first error is the one reported.
 */
static gboolean spec_find_load(const char *spec_file, const char *dir,
			       struct spec *s, GError **error)
{
	char *up;
	int i;

	if (spec_load(spec_file, s, error))
		return TRUE;
	if (g_path_is_absolute(spec_file))
		return FALSE;
	up = g_strdup(dir);
	for (i = 0; i < 4; i++) {
		char *path = g_build_filename(up, spec_file, NULL);
		char *next = g_build_filename(up, "..", NULL);
		gboolean ok = g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
			      spec_load(path, s, NULL);

		g_free(path);
		g_free(up);
		up = next;
		if (ok) {
			g_clear_error(error);
			g_free(up);
			return TRUE;
		}
	}
	g_free(up);
	return FALSE;
}

static void report_spec(struct doc *d, const struct results *r,
			const char *dir)
{
	struct spec s;
	GError *err = NULL;
	bool have = false;
	char *text, *deadline;

	doc_section(d, "experiment", "The experiment");
	if (r->spec_file && spec_find_load(r->spec_file, dir, &s, &err)) {
		have = true;
		if (s.description)
			doc_para(d, s.description);
		if (strcmp(s.name, r->spec)) {
			text = g_strdup_printf("Note: %s now names the spec "
					       "'%s'; these results are of '%s'.",
					       r->spec_file, s.name, r->spec);
			doc_para(d, text);
			g_free(text);
		}
	} else {
		text = g_strdup_printf(
			"The spec file (%s) could not be read, so its topology "
			"and failures are left out: %s", r->spec_file ?
			r->spec_file : "not recorded", err ? err->message :
			"no spec_file in results.json");
		doc_para(d, text);
		g_free(text);
		g_clear_error(&err);
	}
	deadline = deadline_text(r);
	text = g_strdup_printf(
		"%.0f scenarios per %s, seed %s, deadline %s; every policy "
		"faces the same scenarios. Made by selsim %s from %s.",
		r->scenarios, r->n_grid > 1 ? "cell (policy at a grid point)"
					    : "policy",
		r->seed ? r->seed : "?", deadline,
		r->version ? r->version : "(version not recorded)",
		r->spec_file ? r->spec_file : r->spec);
	doc_para(d, text);
	g_free(text);
	g_free(deadline);
	text = g_strdup_printf("The model (this selsim) follows K3s commit %s: "
			       "%s.", K3S_MODEL_COMMIT, k3s_model_rows);
	doc_para(d, text);
	g_free(text);
	if (have)
		report_world(d, &s);
	report_policies(d, r, have ? &s : NULL);
	if (have)
		spec_release(&s);
	doc_section_end(d);
}

/* A censored join time: "> deadline" when @beyond, else the figure. */
static char *censored_text(double v, bool beyond)
{
	return beyond && !isfinite(v) ? g_strdup("> deadline")
				      : fmt_seconds(v);
}

/* The policy and axis columns of a table of @nf figures named @figs:
 * cells[(rows) * cols], header filled. */
static char **table_start(const struct results *r, const char *const *figs,
			  size_t nf, size_t *cols, bool **numeric)
{
	char **cells;
	size_t a, c, i;

	*cols = 1 + r->n_axes + nf;
	cells = g_new0(char *, (r->n_cells + 1) * *cols);
	*numeric = g_new0(bool, *cols);
	cells[0] = g_strdup("policy");
	for (a = 0; a < r->n_axes; a++)
		cells[1 + a] = g_strdup(r->axes[a].key);
	for (c = 0; c < nf; c++) {
		cells[1 + r->n_axes + c] = g_strdup(figs[c]);
		(*numeric)[1 + r->n_axes + c] = true;
	}
	for (i = 0; i < r->n_cells; i++) {
		cells[(i + 1) * *cols] = g_strdup(r->cells[i].policy);
		for (a = 0; a < r->n_axes; a++)
			cells[(i + 1) * *cols + 1 + a] =
				g_strdup(r->cells[i].axis_val[a]);
	}
	return cells;
}

/* Writes and frees a table of table_start(). */
static void table_end(struct doc *d, const struct results *r, char **cells,
		      size_t cols, bool *numeric)
{
	size_t i;

	doc_table(d, cells, r->n_cells + 1, cols, numeric);
	for (i = 0; i < (r->n_cells + 1) * cols; i++)
		g_free(cells[i]);
	g_free(cells);
	g_free(numeric);
}

/* The join times over the nodes that joined only, when the file has
 * them. */
static void report_joined_table(struct doc *d, const struct results *r)
{
	static const char *const figs[] = {
		"joined", "mean (joined)", "p50 (joined)", "p90 (joined)",
		"p99 (joined)", "max (joined)",
	};
	size_t i, cols;
	bool *numeric, any = false;
	char **cells;

	for (i = 0; i < r->n_cells; i++)
		any |= isfinite(r->cells[i].joined_mean);
	if (!any)
		return;
	doc_para(d, "Join time over the nodes that joined only (conditional "
		    "on joining): these leave out the nodes that were not "
		    "Ready by the deadline, so a policy that strands its "
		    "slowest nodes looks faster here. Compare policies by "
		    "the table above.");
	cells = table_start(r, figs, G_N_ELEMENTS(figs), &cols, &numeric);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *cl = &r->cells[i];
		char **row = cells + (i + 1) * cols + 1 + r->n_axes;

		row[0] = isfinite(cl->counted) && isfinite(cl->ready)
			? g_strdup_printf("%.0f of %.0f", cl->ready,
					  cl->counted)
			: g_strdup("\xe2\x80\x93");
		row[1] = fmt_seconds(cl->joined_mean);
		row[2] = fmt_seconds(cl->joined_p50);
		row[3] = fmt_seconds(cl->joined_p90);
		row[4] = fmt_seconds(cl->joined_p99);
		row[5] = fmt_seconds(cl->joined_max);
	}
	table_end(d, r, cells, cols, numeric);
}

/* The headline table: a row per cell. */
static void report_table(struct doc *d, const struct results *r)
{
	static const char *const figs[] = {
		"success [95% CI]", "restricted mean", "p50", "p90", "p99",
		"max", "dials/join", "requests/join", "fatal restarts/scenario",
	};
	size_t i, cols;
	bool *numeric;
	char **cells;

	doc_section(d, "results", "Results");
	doc_para(d, "Success: the share of scenarios in which every node that "
		    "(re)started was Ready by the deadline, with its 95% "
		    "Wilson interval. Join time: from a node's (re)start to "
		    "Ready, over every node that (re)started; a node not "
		    "Ready by the deadline counts as beyond it, so a "
		    "quantile that falls among those nodes reads "
		    "\"> deadline\". The restricted mean (mean of min(join "
		    "time, deadline)) counts them at the deadline. Quantiles "
		    "are type 7 (linear between order statistics). Dials, "
		    "requests and fatal restarts are counted over the nodes "
		    "that (re)started.");
	cells = table_start(r, figs, G_N_ELEMENTS(figs), &cols, &numeric);
	for (i = 0; i < r->n_cells; i++) {
		const struct results_cell *cl = &r->cells[i];
		char **row = cells + (i + 1) * cols + 1 + r->n_axes;

		row[0] = fmt_rate(cl->rate, cl->lo, cl->hi);
		row[1] = fmt_seconds(cl->mean);
		row[2] = censored_text(cl->p50, cl->beyond_p50);
		row[3] = censored_text(cl->p90, cl->beyond_p90);
		row[4] = censored_text(cl->p99, cl->beyond_p99);
		row[5] = censored_text(cl->max, cl->beyond_max);
		row[6] = num_text(cl->dials);
		row[7] = num_text(cl->requests);
		row[8] = num_text(cl->fatal);
	}
	table_end(d, r, cells, cols, numeric);
	report_joined_table(d, r);
	doc_section_end(d);
}

/* The plots: inlined SVG in the HTML, links in the Markdown. */
static void report_plots(struct doc *d, const struct results *r,
			 const char *dir, GPtrArray *plan, size_t fig)
{
	doc_section(d, "plots", "Plots");
	/* the failover plots are in their own section */
	report_figures(d, dir, plan, false, fig);
	if (r->n_axes > 2)
		doc_para(d, "A sweep over more than two parameters has no "
			    "sweep plot: its cells are in results.csv.");
	doc_section_end(d);
}

static void report_reproduce(struct doc *d, const struct results *r)
{
	doc_section(d, "reproduce", "Reproduce");
	if (r->command) {
		doc_para(d, "From the folder the spec path is relative to "
			    "(add -o DIR to choose the results folder; the "
			    "results are the same for any --threads):");
		doc_command(d, r->command);
	} else {
		doc_para(d, "The command that made these results was not "
			    "recorded in results.json.");
	}
	doc_section_end(d);
}

static const char report_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Helvetica Neue',Arial,sans-serif;color:#222;background:#fff;"
	"max-width:980px;margin:2em auto;padding:0 1.2em;line-height:1.5}"
	"h1{font-size:1.7em;margin-bottom:.2em}"
	"h2{font-size:1.3em;border-bottom:1px solid #ddd;padding-bottom:.2em;"
	"margin-top:2em}"
	"h3{font-size:1.05em;margin-top:1.4em}"
	".meta{color:#555}"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
	"th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;"
	"white-space:nowrap}"
	"th{background:#f4f5f7}"
	"tbody tr:nth-child(even){background:#fafbfc}"
	".num{text-align:right;font-variant-numeric:tabular-nums}"
	".tablewrap{overflow-x:auto}"
	"figure.plot{margin:1.5em 0;padding:.6em;border:1px solid #e3e3e3;"
	"border-radius:4px}"
	"figure.plot svg{display:block;width:100%;height:auto}"
	"figcaption{font-size:.9em;color:#444;margin-top:.4em}"
	".files{color:#777}"
	".missing{color:#a33}"
	"pre{background:#f4f5f7;padding:.8em;border-radius:4px;"
	"overflow-x:auto}"
	"code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"monospace;font-size:.92em}"
	"footer{margin-top:3em;color:#777;font-size:.85em}";

/* Counts the figures whose SVG has a rendered size, for whoever checks
 * that the page shows its plots (a headless browser in the tests). */
static const char report_js[] =
	"window.addEventListener('load',function(){"
	"var figs=document.querySelectorAll('figure.plot'),shown=0;"
	"for(var i=0;i<figs.length;i++){"
	"var s=figs[i].querySelector('svg');"
	"if(!s)continue;"
	"var b=s.getBoundingClientRect();"
	"if(b.width>0&&b.height>0&&s.querySelector('path,polyline,rect,text'))"
	"shown++;}"
	"document.body.dataset.plotsShown=String(shown);"
	"document.body.dataset.plotsTotal=String(figs.length);"
	"});";

/* The page's head and the title block. */
static void report_head(struct doc *d, const struct results *r)
{
	char *deadline = deadline_text(r);
	char *page_title = g_strdup_printf("%s: selsim report", r->spec);
	char *meta = g_strdup_printf(
		"selsim %s \xc2\xb7 %.0f scenarios per %s \xc2\xb7 "
		"seed %s \xc2\xb7 deadline %s%s%s",
		r->version ? r->version : "?", r->scenarios,
		r->n_grid > 1 ? "cell" : "policy",
		r->seed ? r->seed : "?", deadline,
		r->baseline ? " \xc2\xb7 baseline " : "",
		r->baseline ? r->baseline : "");

	doc_page_begin(d, page_title, r->spec, meta, report_css);
	g_free(page_title);
	g_free(meta);
	g_free(deadline);
}

static const char report_footer[] =
	"Written by <code>selsim report</code> from results.json in this "
	"folder; the data behind each plot is in plots/, and "
	"plots/redraw.sh draws them again.";

gboolean report_write(const char *dir, GError **error)
{
	struct results r;
	struct doc d;
	GPtrArray *plan;
	char *html_path, *md_path;
	gboolean ok;

	if (!results_load(dir, &r, error))
		return FALSE;
	plan = plot_plan_new(&r);
	doc_init(&d);
	report_head(&d, &r);
	report_spec(&d, &r, dir);
	report_table(&d, &r);
	report_plots(&d, &r, dir, plan, report_failover(&d, &r, dir, plan));
	report_ranking(&d, &r);
	report_comparisons(&d, &r);
	report_reproduce(&d, &r);
	doc_page_end(&d, report_footer, report_js);

	html_path = g_build_filename(dir, "report.html", NULL);
	md_path = g_build_filename(dir, "report.md", NULL);
	ok = output_write_atomic(html_path, d.h->str, d.h->len, error) &&
	     output_write_atomic(md_path, d.m->str, d.m->len, error);
	g_free(html_path);
	g_free(md_path);
	doc_release(&d);
	g_ptr_array_unref(plan);
	results_release(&r);
	return ok;
}
