#include "output.h"
#include "fmt.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* The name of @c's baseline: its own, else the spec's (NULL if neither). */
static const char *baseline_name(const struct spec *s,
				 const struct out_cell *c)
{
	return c->baseline ? c->baseline : s->baseline;
}

/* ---- JSON ---- */

/* cJSON reports out of memory as NULL; GLib's tier for that is abort. */
static cJSON *must(cJSON *j)
{
	if (!j)
		g_error("out of memory building results JSON");
	return j;
}

static void put(cJSON *obj, const char *key, cJSON *item)
{
	if (!cJSON_AddItemToObject(obj, key, must(item)))
		g_error("out of memory building results JSON");
}

static void push(cJSON *arr, cJSON *item)
{
	if (!cJSON_AddItemToArray(arr, must(item)))
		g_error("out of memory building results JSON");
}

/* A finite double, or null (NAN: no data). cJSON prints it with %.15g,
 * or %.17g when the 15 digits do not read back to within an epsilon, so
 * 0.9 prints as 0.9. (Its check is not exact, so a number may print 1 ulp
 * off; the printed files are the contract that check_same.sh compares
 * against, so that is kept.) */
static cJSON *j_num(double v)
{
	return must(isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

/* A count, exact: as a double it would round past 2^53 (seeds do). */
static cJSON *j_u64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return must(cJSON_CreateRaw(buf));
}

static cJSON *j_str(const char *s)
{
	return must(s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static cJSON *j_duration(sim_time t)
{
	char buf[SIM_TIME_FMT_LEN];

	return j_str(sim_time_format(t, buf));
}

/* {"diff": d, "ci95": [lo, hi], "significant": b} */
static cJSON *json_diff(const struct stats_diff *d)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *ci = must(cJSON_CreateArray());

	put(o, "diff", j_num(d->diff));
	push(ci, j_num(d->ci95[0]));
	push(ci, j_num(d->ci95[1]));
	put(o, "ci95", ci);
	put(o, "significant", must(cJSON_CreateBool(d->significant)));
	return o;
}

static cJSON *json_vs(const struct spec *s, const struct out_cell *c)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *metrics = must(cJSON_CreateObject());

	put(o, "baseline", j_str(baseline_name(s, c)));
	put(o, "resamples", j_u64(c->vs->resamples));
	put(metrics, "success_rate", json_diff(&c->vs->success_rate));
	put(metrics, "join_time_mean_s", json_diff(&c->vs->join_mean_s));
	put(metrics, "join_time_p50_s", json_diff(&c->vs->join_p50_s));
	put(metrics, "join_time_p99_s", json_diff(&c->vs->join_p99_s));
	put(o, "metrics", metrics);
	return o;
}

static cJSON *json_cell(const struct spec *s, const struct out_cell *c)
{
	const struct cell_summary *m = &c->sum;
	cJSON *o = must(cJSON_CreateObject());
	cJSON *params = must(cJSON_CreateObject());
	cJSON *success = must(cJSON_CreateObject());
	cJSON *ci = must(cJSON_CreateArray());
	cJSON *join = must(cJSON_CreateObject());
	cJSON *dials = must(cJSON_CreateObject());
	cJSON *nodes = must(cJSON_CreateObject());
	cJSON *cdf;
	size_t i;

	SIM_ASSERT(s->n_axes == 0 || c->grid);
	put(o, "policy", j_str(c->policy));
	for (i = 0; i < s->n_axes; i++)
		put(params, s->axes[i].key, s->axes[i].labels
		    ? j_str(spec_axis_label(&s->axes[i], c->grid_x[i]))
		    : s->axes[i].numeric
		    ? j_num(c->grid_x[i]) : j_duration(c->grid[i]));
	put(o, "params", params);
	put(o, "scenarios", j_u64(m->scenarios));

	put(success, "count", j_u64(m->successes));
	put(success, "rate", j_num(m->rate));
	push(ci, j_num(m->ci95[0]));
	push(ci, j_num(m->ci95[1]));
	put(success, "ci95", ci);
	put(o, "success", success);

	put(join, "mean", j_num(m->join_mean));
	put(join, "p50", j_num(m->join_p50));
	put(join, "p90", j_num(m->join_p90));
	put(join, "p99", j_num(m->join_p99));
	put(join, "max", j_num(m->join_max));
	put(o, "join_time_s", join);
	cdf = must(cJSON_CreateArray());
	for (i = 0; i < STATS_CDF_POINTS; i++)
		push(cdf, j_num(m->join_cdf[i]));
	put(o, "join_time_cdf_s", cdf);

	put(dials, "mean", j_num(m->dials_per_join));
	put(o, "dials_per_join", dials);
	put(o, "failed_dials_per_join", j_num(m->failed_dials_per_join));
	put(o, "timeout_wait_s_per_join", j_num(m->timeout_wait_s_per_join));
	put(o, "requests_per_join", j_num(m->requests_per_join));
	put(o, "fatal_restarts_per_scenario",
	    j_num(m->fatal_restarts_per_scenario));

	put(nodes, "counted", j_u64(m->nodes_counted));
	put(nodes, "ready", j_u64(m->nodes_ready));
	put(o, "nodes", nodes);
	put(o, "events_per_scenario", j_num(m->events_per_scenario));
	if (c->vs)
		put(o, "vs_baseline", json_vs(s, c));
	return o;
}

char *output_json_string(const struct spec *s, const struct out_cell *cells,
			 size_t n, const char *command_line)
{
	cJSON *root = must(cJSON_CreateObject());
	cJSON *axes = must(cJSON_CreateArray());
	cJSON *results = must(cJSON_CreateArray());
	char *text, *out;
	size_t i;

	put(root, "selsim_version", j_str(SELSIM_VERSION));
	put(root, "spec", j_str(s->name));
	put(root, "spec_file", j_str(s->file));
	put(root, "seed", j_u64(s->seed));
	put(root, "scenarios", must(cJSON_CreateNumber(s->scenarios)));
	put(root, "deadline_s", j_num(sim_time_to_s(s->world.deadline)));
	put(root, "baseline", j_str(s->baseline));
	put(root, "command", j_str(command_line));
	for (i = 0; i < s->n_axes; i++)
		push(axes, j_str(s->axes[i].key));
	put(root, "axes", axes);
	for (i = 0; i < n; i++)
		push(results, json_cell(s, &cells[i]));
	put(root, "results", results);

	text = cJSON_Print(root);
	if (!text)
		g_error("out of memory printing results JSON");
	out = g_strconcat(text, "\n", NULL);
	cJSON_free(text);
	cJSON_Delete(root);
	return out;
}

/* ---- CSV ---- */

/* A field, quoted when it holds a comma, a quote or a line break. */
static void csv_field(GString *g, const char *v)
{
	const char *p;

	if (!v[strcspn(v, ",\"\r\n")]) {
		g_string_append(g, v);
		return;
	}
	g_string_append_c(g, '"');
	for (p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(g, '"');
		g_string_append_c(g, *p);
	}
	g_string_append_c(g, '"');
}

/* The shortest text that reads back to @v (fmt.h); NAN: empty. */
static void csv_num(GString *g, double v)
{
	char buf[FMT_DOUBLE_LEN];

	g_string_append_c(g, ',');
	if (isfinite(v))
		g_string_append(g, fmt_double(buf, v));
}

static void csv_u64(GString *g, uint64_t v)
{
	g_string_append_printf(g, ",%" PRIu64, v);
}

static const char *const csv_columns[] = {
	"scenarios", "success_count", "success_rate",
	"success_ci95_lo", "success_ci95_hi",
	"join_time_s_mean", "join_time_s_p50", "join_time_s_p90",
	"join_time_s_p99", "join_time_s_max",
	"dials_per_join_mean", "failed_dials_per_join",
	"timeout_wait_s_per_join", "requests_per_join",
	"fatal_restarts_per_scenario", "nodes_counted", "nodes_ready",
	"events_per_scenario",
	"vs_baseline", "success_rate_diff", "success_rate_diff_lo",
	"success_rate_diff_hi", "join_p99_diff_s", "join_p99_diff_lo",
	"join_p99_diff_hi",
};

char *output_csv_string(const struct spec *s, const struct out_cell *cells,
			size_t n, const char *command_line)
{
	GString *g = g_string_new("policy");
	char buf[SIM_TIME_FMT_LEN];
	size_t i, j;

	(void)command_line;
	for (j = 0; j < s->n_axes; j++) {
		g_string_append_c(g, ',');
		csv_field(g, s->axes[j].key);
	}
	for (j = 0; j < G_N_ELEMENTS(csv_columns); j++) {
		g_string_append_c(g, ',');
		g_string_append(g, csv_columns[j]);
	}
	g_string_append_c(g, '\n');

	for (i = 0; i < n; i++) {
		const struct out_cell *c = &cells[i];
		const struct cell_summary *m = &c->sum;

		SIM_ASSERT(s->n_axes == 0 || c->grid);
		csv_field(g, c->policy);
		for (j = 0; j < s->n_axes; j++) {
			g_string_append_c(g, ',');
			if (s->axes[j].labels)
				csv_field(g, spec_axis_label(&s->axes[j],
							     c->grid_x[j]));
			else if (s->axes[j].numeric)
				csv_num(g, c->grid_x[j]);
			else
				csv_field(g, sim_time_format(c->grid[j], buf));
		}
		/* In the order of csv_columns. */
		csv_u64(g, m->scenarios);
		csv_u64(g, m->successes);
		csv_num(g, m->rate);
		csv_num(g, m->ci95[0]);
		csv_num(g, m->ci95[1]);
		csv_num(g, m->join_mean);
		csv_num(g, m->join_p50);
		csv_num(g, m->join_p90);
		csv_num(g, m->join_p99);
		csv_num(g, m->join_max);
		csv_num(g, m->dials_per_join);
		csv_num(g, m->failed_dials_per_join);
		csv_num(g, m->timeout_wait_s_per_join);
		csv_num(g, m->requests_per_join);
		csv_num(g, m->fatal_restarts_per_scenario);
		csv_u64(g, m->nodes_counted);
		csv_u64(g, m->nodes_ready);
		csv_num(g, m->events_per_scenario);
		g_string_append_c(g, ',');
		if (c->vs) {
			const struct stats_paired *v = c->vs;

			csv_field(g, baseline_name(s, c) ? baseline_name(s, c)
							 : "");
			csv_num(g, v->success_rate.diff);
			csv_num(g, v->success_rate.ci95[0]);
			csv_num(g, v->success_rate.ci95[1]);
			csv_num(g, v->join_p99_s.diff);
			csv_num(g, v->join_p99_s.ci95[0]);
			csv_num(g, v->join_p99_s.ci95[1]);
		} else {
			g_string_append(g, ",,,,,,");
		}
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

/* ---- files ---- */

gboolean output_write_atomic(const char *path, const char *text, size_t len,
			     GError **error)
{
	char *tmp = g_strconcat(path, ".tmp.XXXXXX", NULL);
	size_t off = 0;
	int fd, saved;

	/* Mode 0666 less the umask, as fopen() would give. */
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0) {
		saved = errno;
		goto fail;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			goto fail_unlink;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		saved = errno;
		goto fail_unlink;
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		goto fail_unlink;
	}
	g_free(tmp);
	return TRUE;

fail_unlink:
	unlink(tmp);
fail:
	g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path,
		    g_strerror(saved));
	g_free(tmp);
	return FALSE;
}

gboolean output_write_json(const char *path, const struct spec *s,
			   const struct out_cell *cells, size_t n,
			   const char *command_line, GError **error)
{
	char *text = output_json_string(s, cells, n, command_line);
	gboolean ok = output_write_atomic(path, text, strlen(text), error);

	g_free(text);
	return ok;
}

gboolean output_write_csv(const char *path, const struct spec *s,
			  const struct out_cell *cells, size_t n,
			  const char *command_line, GError **error)
{
	char *text = output_csv_string(s, cells, n, command_line);
	gboolean ok = output_write_atomic(path, text, strlen(text), error);

	g_free(text);
	return ok;
}

void output_print_json(FILE *f, const struct spec *s,
		       const struct out_cell *cells, size_t n,
		       const char *command_line)
{
	char *text = output_json_string(s, cells, n, command_line);

	fputs(text, f);
	g_free(text);
}

void output_print_csv(FILE *f, const struct spec *s,
		      const struct out_cell *cells, size_t n,
		      const char *command_line)
{
	char *text = output_csv_string(s, cells, n, command_line);

	fputs(text, f);
	g_free(text);
}

/* ---- the terminal table ---- */

/* Seconds with 2 decimals, or "-". Caller frees with g_free(). */
static char *tab_num(double v)
{
	return isfinite(v) ? g_strdup_printf("%.2f", v) : g_strdup("-");
}

/* A difference with its interval, scaled by @k, to @prec decimals, and a
 * "*" when significant: "-10.0 [-12.1, -8.0] *", or "-" (no data).
 * Caller frees with g_free(). */
static char *tab_diff(const struct stats_diff *d, double k, int prec)
{
	if (!isfinite(d->diff))
		return g_strdup("-");
	if (!isfinite(d->ci95[0]) || !isfinite(d->ci95[1]))
		return g_strdup_printf("%+.*f [-]  ", prec, k * d->diff);
	return g_strdup_printf("%+.*f [%+.*f, %+.*f]%s", prec, k * d->diff,
			       prec, k * d->ci95[0], prec, k * d->ci95[1],
			       d->significant ? " *" : "  ");
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
		"success diff, points [95% CI]", "p99 join diff s [95% CI]",
	};
	size_t n_text = 1 + s->n_axes;
	size_t n_cols = n_text + G_N_ELEMENTS(figs);
	const char *baseline = NULL;
	size_t rows = 0, r, i;
	char **tab;

	for (i = 0; i < n; i++) {
		if (!cells[i].vs)
			continue;
		if (!rows)
			baseline = baseline_name(s, &cells[i]);
		rows++;
	}
	if (!rows)
		return;
	tab = g_new0(char *, (rows + 1) * n_cols);
	tab_header(tab, s, figs, G_N_ELEMENTS(figs));
	for (i = 0, r = 1; i < n; i++) {
		char **row = tab + r * n_cols;

		if (!cells[i].vs)
			continue;
		tab_text(row, s, &cells[i]);
		row[n_text] = tab_diff(&cells[i].vs->success_rate, 100.0, 1);
		row[n_text + 1] = tab_diff(&cells[i].vs->join_p99_s, 1.0, 2);
		r++;
	}
	fprintf(f, "\npaired differences vs %s (95%% bootstrap CI, "
		"* = excludes 0)\n", baseline ? baseline : "the baseline");
	print_aligned(f, tab, rows + 1, n_cols, n_text);
	free_tab(tab, (rows + 1) * n_cols);
}

void output_print_table(FILE *f, const struct spec *s,
			const struct out_cell *cells, size_t n)
{
	/* Columns: policy, one per axis, then the figures. Text columns
	 * (policy, axes) align left, figures right. */
	static const char *const figs[] = {
		"success [95% CI]", "p50 s", "p90 s", "p99 s", "max s",
		"dials/join",
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
		row[n_text + 1] = tab_num(m->join_p50);
		row[n_text + 2] = tab_num(m->join_p90);
		row[n_text + 3] = tab_num(m->join_p99);
		row[n_text + 4] = tab_num(m->join_max);
		row[n_text + 5] = tab_num(m->dials_per_join);
	}
	print_aligned(f, tab, n + 1, n_cols, n_text);
	free_tab(tab, (n + 1) * n_cols);
	print_vs(f, s, cells, n);
}
