#include "output.h"
#include "output_internal.h"
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
const char *output__baseline_name(const struct spec *s,
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

/* A finite double, exact (fmt_json_number()), or null (NAN: no data). */
static cJSON *j_num(double v)
{
	return must(fmt_json_number(v));
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

/* Names of the interval methods, as results.json writes them. */
#define METHOD_TANGO "tango-score"
#define METHOD_BOOTSTRAP "percentile-bootstrap"
/* ... in summary mode (stats.h): */
#define METHOD_CLT "clt-delta"
#define METHOD_OS_DIFF "order-statistic-bonferroni"
#define METHOD_OS "order-statistic"

/* A censored figure: a number, or null when beyond the deadline (+inf) or
 * undefined (NAN); the "beyond_deadline" flags tell the two apart. */
static cJSON *j_censored(double v)
{
	return j_num(v);
}

static cJSON *j_bool(bool b)
{
	return must(cJSON_CreateBool(b));
}

/* {"diff", "ci95": [lo, hi], "significant", "method", "p_value", "p_holm",
 * "significant_holm"} and, for a quantile, "bound" */
static cJSON *json_diff(const struct stats_diff *d, const char *method,
			bool quantile)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *ci = must(cJSON_CreateArray());

	put(o, "diff", j_num(d->diff));
	push(ci, j_num(d->ci95[0]));
	push(ci, j_num(d->ci95[1]));
	put(o, "ci95", ci);
	put(o, "significant", j_bool(d->significant));
	put(o, "method", j_str(method));
	put(o, "p_value", j_num(d->p_value));
	put(o, "p_holm", j_num(d->p_holm));
	put(o, "significant_holm", j_bool(d->significant_holm));
	if (quantile)
		put(o, "bound", j_str(stats_bound_name(d->bound)));
	return o;
}

static cJSON *json_vs(const struct spec *s, const struct out_cell *c)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *metrics = must(cJSON_CreateObject());
	cJSON *disc = must(cJSON_CreateObject());
	cJSON *p99;

	put(o, "baseline", j_str(output__baseline_name(s, c)));
	put(o, "resamples", j_u64(c->vs->resamples));
	put(disc, "cell_only", j_u64(c->vs->discordant_better));
	put(disc, "baseline_only", j_u64(c->vs->discordant_worse));
	put(o, "discordant_scenarios", disc);
	put(metrics, "success_rate",
	    json_diff(&c->vs->success_rate, METHOD_TANGO, false));
	put(metrics, "join_time_mean_s",
	    json_diff(&c->vs->join_mean_s, c->sum.summary ? METHOD_CLT
		      : METHOD_BOOTSTRAP, false));
	put(metrics, "join_time_p50_s",
	    json_diff(&c->vs->join_p50_s, c->sum.summary ? METHOD_OS_DIFF
		      : METHOD_BOOTSTRAP, true));
	p99 = json_diff(&c->vs->join_p99_s, c->sum.summary ? METHOD_OS_DIFF
			: METHOD_BOOTSTRAP, true);
	put(p99, "tail_nodes", j_u64(c->vs->tail_n));
	put(p99, "tail_warning", j_bool(c->vs->tail_warning));
	put(metrics, "join_time_p99_s", p99);
	put(o, "metrics", metrics);
	return o;
}

/* The failover figures added for the plots: the NotReady node-seconds'
 * interval, the grace period, the time-back CDF (like join_time_cdf_s). */
static void json_failover_more(cJSON *o, const struct fo_summary *f)
{
	cJSON *ci = must(cJSON_CreateArray()), *cdf = must(cJSON_CreateArray());
	size_t i, first_beyond = FO_CDF_POINTS;

	push(ci, j_num(f->notready_s_ci95[0]));
	push(ci, j_num(f->notready_s_ci95[1]));
	put(o, "notready_node_s_ci95", ci);
	put(o, "grace_period_s", j_num(f->grace_period_s));
	for (i = 0; i < FO_CDF_POINTS; i++) {
		push(cdf, j_censored(f->back_cdf[i]));
		if (isinf(f->back_cdf[i]) && first_beyond == FO_CDF_POINTS)
			first_beyond = i;
	}
	put(o, "time_back_cdf_s", cdf);
	put(o, "time_back_cdf_beyond_deadline_from",
	    first_beyond < FO_CDF_POINTS
	    ? must(cJSON_CreateNumber((double)first_beyond))
	    : must(cJSON_CreateNull()));
}

/* @o's "success": @count successes of *@trials (NULL: no "trials", the
 * cell's "scenarios" being those), their @rate and its interval @ci95. */
static void put_success(cJSON *o, const uint64_t *trials, uint64_t count,
			double rate, const double ci95[2])
{
	cJSON *success = must(cJSON_CreateObject());
	cJSON *ci = must(cJSON_CreateArray());

	if (trials)
		put(success, "trials", j_u64(*trials));
	put(success, "count", j_u64(count));
	put(success, "rate", j_num(rate));
	push(ci, j_num(ci95[0]));
	push(ci, j_num(ci95[1]));
	put(success, "ci95", ci);
	put(o, "success", success);
}

/* The failover figures of a cell (stats_failover.h), when it has any. */
static cJSON *json_failover(const struct fo_summary *f)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *back = must(cJSON_CreateObject());

	put_success(o, &f->happened, f->successes, f->rate, f->ci95);
	put(o, "affected", j_u64(f->affected));
	put(o, "back", j_u64(f->back));
	put(back, "mean", j_num(f->back_mean));
	put(back, "p50", j_censored(f->back_p50));
	put(back, "p90", j_censored(f->back_p90));
	put(back, "p99", j_censored(f->back_p99));
	put(o, "time_back_s", back);
	put(o, "notready_per_scenario", j_num(f->notready_per_scenario));
	put(o, "notready_node_s_per_scenario",
	    j_num(f->notready_s_per_scenario));
	put(o, "failed_renewals_per_scenario",
	    j_num(f->failed_renewals_per_scenario));
	put(o, "requests_per_failover", j_num(f->requests_per_failover));
	put(o, "dials_per_failover", j_num(f->dials_per_failover));
	json_failover_more(o, f);
	return o;
}

static cJSON *json_fo_diff(const struct fo_diff *d)
{
	cJSON *o = must(cJSON_CreateObject());
	cJSON *ci = must(cJSON_CreateArray());

	put(o, "diff", j_num(d->diff));
	push(ci, j_num(d->ci95[0]));
	push(ci, j_num(d->ci95[1]));
	put(o, "ci95", ci);
	put(o, "significant", j_bool(d->significant));
	return o;
}

static cJSON *json_fo_vs(const struct fo_paired *p)
{
	cJSON *o = must(cJSON_CreateObject());

	put(o, "method", j_str("mean of paired scenario differences, "
			       "normal 95% interval"));
	put(o, "scenarios", j_u64(p->n));
	put(o, "success_rate", json_fo_diff(&p->success));
	put(o, "notready_node_s", json_fo_diff(&p->notready_s));
	put(o, "time_back_mean_s", json_fo_diff(&p->back_mean_s));
	return o;
}


/* Summary mode: the order-statistic intervals of the censored p50 and
 * p99 (null beyond the deadline) and their method. */
static void json_quantile_cis(cJSON *join, const struct cell_summary *m)
{
	cJSON *p50 = must(cJSON_CreateArray()), *p99 = must(cJSON_CreateArray());

	push(p50, j_censored(m->join_p50_ci95[0]));
	push(p50, j_censored(m->join_p50_ci95[1]));
	push(p99, j_censored(m->join_p99_ci95[0]));
	push(p99, j_censored(m->join_p99_ci95[1]));
	put(join, "p50_ci95", p50);
	put(join, "p99_ci95", p99);
	put(join, "ci95_method", j_str(METHOD_OS));
}

/* Summary mode: how the figures were made, on the top level. */
static cJSON *json_statistics(void)
{
	cJSON *o = must(cJSON_CreateObject());

	put(o, "mode", j_str("summary"));
	put(o, "exact_max_scenarios", j_u64(STATS_EXACT_MAX_SCENARIOS));
	put(o, "quantile_relative_error", j_num(STATS_HIST_REL_ERROR));
	put(o, "quantiles", j_str("log-bucketed histogram of integer "
				  "nanoseconds, type 7 between bucket "
				  "midpoints; min and max exact"));
	put(o, "intervals", j_str("success: tango-score; restricted mean "
				  "difference: clt-delta (paired); quantile "
				  "differences: order-statistic-bonferroni "
				  "(unpaired, conservative, no p-value); a "
				  "cell's p50/p99: order-statistic"));
	return o;
}

static cJSON *json_cell(const struct spec *s, const struct out_cell *c)
{
	const struct cell_summary *m = &c->sum;
	cJSON *o = must(cJSON_CreateObject());
	cJSON *params = must(cJSON_CreateObject());
	cJSON *join = must(cJSON_CreateObject());
	cJSON *beyond = must(cJSON_CreateObject());
	cJSON *joined = must(cJSON_CreateObject());
	cJSON *dials = must(cJSON_CreateObject());
	cJSON *nodes = must(cJSON_CreateObject());
	cJSON *cdf;
	size_t i, first_beyond = STATS_CDF_POINTS;

	SIM_ASSERT(s->n_axes == 0 || c->grid);
	put(o, "policy", j_str(c->policy));
	for (i = 0; i < s->n_axes; i++)
		put(params, s->axes[i].key, s->axes[i].labels
		    ? j_str(spec_axis_label(&s->axes[i], c->grid_x[i]))
		    : s->axes[i].numeric
		    ? j_num(c->grid_x[i]) : j_duration(c->grid[i]));
	put(o, "params", params);
	put(o, "scenarios", j_u64(m->scenarios));

	put_success(o, NULL, m->successes, m->rate, m->ci95);

	/* censored: over every counted node, not joined = beyond D */
	put(join, "restricted_mean", j_num(m->join_rmean));
	put(join, "mean", j_num(m->join_rmean));
	put(join, "p50", j_censored(m->join_p50));
	put(join, "p90", j_censored(m->join_p90));
	put(join, "p99", j_censored(m->join_p99));
	put(join, "max", j_censored(m->join_max));
	put(beyond, "p50", j_bool(isinf(m->join_p50)));
	put(beyond, "p90", j_bool(isinf(m->join_p90)));
	put(beyond, "p99", j_bool(isinf(m->join_p99)));
	put(beyond, "max", j_bool(isinf(m->join_max)));
	put(join, "beyond_deadline", beyond);
	if (m->summary)
		json_quantile_cis(join, m);
	put(o, "join_time_s", join);
	cdf = must(cJSON_CreateArray());
	for (i = 0; i < STATS_CDF_POINTS; i++) {
		push(cdf, j_censored(m->join_cdf[i]));
		if (isinf(m->join_cdf[i]) && first_beyond == STATS_CDF_POINTS)
			first_beyond = i;
	}
	put(o, "join_time_cdf_s", cdf);
	put(o, "join_time_cdf_beyond_deadline_from",
	    first_beyond < STATS_CDF_POINTS
	    ? must(cJSON_CreateNumber((double)first_beyond))
	    : must(cJSON_CreateNull()));

	/* conditional on joining by D */
	put(joined, "mean", j_num(m->joined_mean));
	put(joined, "p50", j_num(m->joined_p50));
	put(joined, "p90", j_num(m->joined_p90));
	put(joined, "p99", j_num(m->joined_p99));
	put(joined, "max", j_num(m->joined_max));
	put(o, "join_time_joined_s", joined);

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
	if (m->fo.enabled) {
		cJSON *f = json_failover(&m->fo);

		if (c->fo_point) {
			char buf[SIM_TIME_FMT_LEN];
			cJSON *p = json_fo_vs(c->fo_point);

			put(p, "axis", j_str(s->axes[0].key));
			put(p, "value", j_str(output__first_value(s, buf)));
			put(f, "vs_first_point", p);
		}
		put(o, "failover", f);
	}
	if (c->vs) {
		put(o, "vs_baseline", json_vs(s, c));
		if (c->vs->fo.enabled)
			put(cJSON_GetObjectItem(o, "vs_baseline"), "failover",
			    json_fo_vs(&c->vs->fo));
	}
	return o;
}

/* The comparisons in the Holm family: every finite p-value of the cells'
 * differences (the runner adjusts over the same set). */
size_t output__comparisons(const struct out_cell *cells, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		const struct stats_paired *v = cells[i].vs;

		if (!v)
			continue;
		m += isfinite(v->success_rate.p_value) +
		     isfinite(v->join_mean_s.p_value) +
		     isfinite(v->join_p50_s.p_value) +
		     isfinite(v->join_p99_s.p_value);
	}
	return m;
}

char *output_json_string(const struct spec *s, const struct out_cell *cells,
			 size_t n, const char *command_line)
{
	cJSON *root = must(cJSON_CreateObject());
	cJSON *axes = must(cJSON_CreateArray());
	cJSON *results = must(cJSON_CreateArray());
	char *out;
	size_t i;

	put(root, "selsim_version", j_str(SELSIM_VERSION));
	put(root, "spec", j_str(s->name));
	put(root, "spec_file", j_str(s->file));
	put(root, "seed", j_u64(s->seed));
	put(root, "scenarios", must(cJSON_CreateNumber(s->scenarios)));
	put(root, "deadline_s", j_num(sim_time_to_s(s->world.deadline)));
	put(root, "baseline", j_str(s->baseline));
	put(root, "command", j_str(command_line));
	put(root, "comparisons", j_u64(output__comparisons(cells, n)));
	put(root, "alpha", j_num(STATS_ALPHA));
	if (s->world.failover)
		put(root, "failover_affected", j_str(FO_AFFECTED_DEFINITION));
	if (n > 0 && cells[0].sum.summary)	/* only then: exact runs'
						 * files stay as they were */
		put(root, "statistics", json_statistics());
	for (i = 0; i < s->n_axes; i++)
		push(axes, j_str(s->axes[i].key));
	put(root, "axes", axes);
	for (i = 0; i < n; i++)
		push(results, json_cell(s, &cells[i]));
	put(root, "results", results);

	out = fmt_json_text(root);
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
	fmt_csv_num(g, v);
}

/* A censored figure: "inf" when beyond the deadline, else csv_num(). */
static void csv_censored(GString *g, double v)
{
	if (isinf(v))
		g_string_append(g, v > 0 ? ",inf" : ",-inf");
	else
		csv_num(g, v);
}

static void csv_bool(GString *g, bool b)
{
	g_string_append(g, b ? ",true" : ",false");
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
	/* added after the first release: appended, so that a reader by
	 * position still finds the columns above */
	"join_time_s_restricted_mean",
	"join_time_joined_s_mean", "join_time_joined_s_p50",
	"join_time_joined_s_p90", "join_time_joined_s_p99",
	"join_time_joined_s_max",
	"success_rate_diff_method", "success_rate_diff_significant",
	"success_rate_diff_p", "success_rate_diff_p_holm",
	"success_rate_diff_significant_holm",
	"join_mean_diff_s", "join_mean_diff_lo", "join_mean_diff_hi",
	"join_mean_diff_significant", "join_mean_diff_p",
	"join_mean_diff_p_holm", "join_mean_diff_significant_holm",
	"join_p50_diff_s", "join_p50_diff_lo", "join_p50_diff_hi",
	"join_p50_diff_significant", "join_p50_diff_p",
	"join_p50_diff_p_holm", "join_p50_diff_significant_holm",
	"join_p50_diff_bound",
	"join_p99_diff_significant", "join_p99_diff_p",
	"join_p99_diff_p_holm", "join_p99_diff_significant_holm",
	"join_p99_diff_bound", "join_p99_tail_nodes", "join_p99_tail_warning",
	"bootstrap_resamples",
};

/* The columns of one bootstrap difference after its diff, lo and hi:
 * significant, p, p_holm, significant_holm. */
static void csv_diff_tests(GString *g, const struct stats_diff *d)
{
	csv_bool(g, d->significant);
	csv_num(g, d->p_value);
	csv_num(g, d->p_holm);
	csv_bool(g, d->significant_holm);
}

/* With failover, after csv_columns (stats_failover.h). */
static const char *const csv_fo_columns[] = {
	"failover_trials", "failover_successes", "failover_rate",
	"failover_ci95_lo", "failover_ci95_hi", "failover_affected",
	"failover_back", "failover_back_mean_s", "failover_back_p50_s",
	"failover_back_p90_s", "failover_back_p99_s",
	"notready_per_scenario", "notready_node_s_per_scenario",
	"failed_renewals_per_scenario", "failover_requests",
	"failover_dials", "failover_rate_diff", "failover_rate_diff_lo",
	"failover_rate_diff_hi", "notready_node_s_diff",
	"notready_node_s_diff_lo", "notready_node_s_diff_hi",
	"failover_back_mean_diff_s", "failover_back_mean_diff_lo",
	"failover_back_mean_diff_hi", "notready_node_s_ci95_lo",
	"notready_node_s_ci95_hi", "failover_grace_period_s",
};

/* The failover columns of a cell (empty differences for the baseline). */
static void csv_failover(GString *g, const struct out_cell *c)
{
	const struct fo_summary *f = &c->sum.fo;
	const struct fo_diff *d[3];
	size_t j;

	csv_u64(g, f->happened);
	csv_u64(g, f->successes);
	csv_num(g, f->rate);
	csv_num(g, f->ci95[0]);
	csv_num(g, f->ci95[1]);
	csv_u64(g, f->affected);
	csv_u64(g, f->back);
	csv_num(g, f->back_mean);
	csv_censored(g, f->back_p50);
	csv_censored(g, f->back_p90);
	csv_censored(g, f->back_p99);
	csv_num(g, f->notready_per_scenario);
	csv_num(g, f->notready_s_per_scenario);
	csv_num(g, f->failed_renewals_per_scenario);
	csv_num(g, f->requests_per_failover);
	csv_num(g, f->dials_per_failover);
	if (!c->vs || !c->vs->fo.enabled) {
		g_string_append(g, ",,,,,,,,,");
	} else {
		d[0] = &c->vs->fo.success;
		d[1] = &c->vs->fo.notready_s;
		d[2] = &c->vs->fo.back_mean_s;
		for (j = 0; j < 3; j++) {
			csv_num(g, d[j]->diff);
			csv_num(g, d[j]->ci95[0]);
			csv_num(g, d[j]->ci95[1]);
		}
	}
	/* added later, at the end: the columns before keep their place */
	csv_num(g, f->notready_s_ci95[0]);
	csv_num(g, f->notready_s_ci95[1]);
	csv_num(g, f->grace_period_s);
}

/* The header line: policy, the sweep's keys, csv_columns. */
static void csv_header(GString *g, const struct spec *s)
{
	size_t j;

	g_string_append(g, "policy");
	for (j = 0; j < s->n_axes; j++) {
		g_string_append_c(g, ',');
		csv_field(g, s->axes[j].key);
	}
	for (j = 0; j < G_N_ELEMENTS(csv_columns); j++) {
		g_string_append_c(g, ',');
		g_string_append(g, csv_columns[j]);
	}
	for (j = 0; s->world.failover && j < G_N_ELEMENTS(csv_fo_columns); j++) {
		g_string_append_c(g, ',');
		g_string_append(g, csv_fo_columns[j]);
	}
	g_string_append_c(g, '\n');
}

/* The cell's own figures, from "scenarios" to "events_per_scenario". */
static void csv_figures(GString *g, const struct cell_summary *m)
{
	csv_u64(g, m->scenarios);
	csv_u64(g, m->successes);
	csv_num(g, m->rate);
	csv_num(g, m->ci95[0]);
	csv_num(g, m->ci95[1]);
	csv_num(g, m->join_rmean);
	csv_censored(g, m->join_p50);
	csv_censored(g, m->join_p90);
	csv_censored(g, m->join_p99);
	csv_censored(g, m->join_max);
	csv_num(g, m->dials_per_join);
	csv_num(g, m->failed_dials_per_join);
	csv_num(g, m->timeout_wait_s_per_join);
	csv_num(g, m->requests_per_join);
	csv_num(g, m->fatal_restarts_per_scenario);
	csv_u64(g, m->nodes_counted);
	csv_u64(g, m->nodes_ready);
	csv_num(g, m->events_per_scenario);
}

/* The columns of the first release about the baseline: "vs_baseline" to
 * "join_p99_diff_hi" (empty for the baseline itself). */
static void csv_vs_first(GString *g, const struct spec *s,
			 const struct out_cell *c)
{
	const struct stats_paired *v = c->vs;

	g_string_append_c(g, ',');
	if (!v) {
		g_string_append(g, ",,,,,,");
		return;
	}
	csv_field(g, output__baseline_name(s, c) ? output__baseline_name(s, c) : "");
	csv_num(g, v->success_rate.diff);
	csv_num(g, v->success_rate.ci95[0]);
	csv_num(g, v->success_rate.ci95[1]);
	csv_num(g, v->join_p99_s.diff);
	csv_num(g, v->join_p99_s.ci95[0]);
	csv_num(g, v->join_p99_s.ci95[1]);
}

/* The columns added later: the restricted and joined-only figures, then
 * the tests of every difference (empty for the baseline). */
static void csv_added(GString *g, const struct out_cell *c)
{
	const struct cell_summary *m = &c->sum;
	const struct stats_paired *v = c->vs;
	size_t j;

	csv_num(g, m->join_rmean);
	csv_num(g, m->joined_mean);
	csv_num(g, m->joined_p50);
	csv_num(g, m->joined_p90);
	csv_num(g, m->joined_p99);
	csv_num(g, m->joined_max);
	if (!v) {
		/* the 28 columns from success_rate_diff_method on */
		for (j = 0; j < 28; j++)
			g_string_append_c(g, ',');
		return;
	}
	g_string_append(g, "," METHOD_TANGO);
	csv_diff_tests(g, &v->success_rate);
	csv_num(g, v->join_mean_s.diff);
	csv_num(g, v->join_mean_s.ci95[0]);
	csv_num(g, v->join_mean_s.ci95[1]);
	csv_diff_tests(g, &v->join_mean_s);
	csv_num(g, v->join_p50_s.diff);
	csv_num(g, v->join_p50_s.ci95[0]);
	csv_num(g, v->join_p50_s.ci95[1]);
	csv_diff_tests(g, &v->join_p50_s);
	g_string_append_printf(g, ",%s", stats_bound_name(v->join_p50_s.bound));
	csv_diff_tests(g, &v->join_p99_s);
	g_string_append_printf(g, ",%s", stats_bound_name(v->join_p99_s.bound));
	csv_u64(g, v->tail_n);
	csv_bool(g, v->tail_warning);
	csv_u64(g, v->resamples);
}

char *output_csv_string(const struct spec *s, const struct out_cell *cells,
			size_t n, const char *command_line)
{
	GString *g = g_string_new(NULL);
	char buf[SIM_TIME_FMT_LEN];
	size_t i, j;

	(void)command_line;
	csv_header(g, s);
	for (i = 0; i < n; i++) {
		const struct out_cell *c = &cells[i];

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
		/* in the order of csv_columns */
		csv_figures(g, &c->sum);
		csv_vs_first(g, s, c);
		csv_added(g, c);
		if (s->world.failover)
			csv_failover(g, c);
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

/* The first value of the first axis, as written. */
const char *output__first_value(const struct spec *s, char *buf)
{
	const struct spec_axis *a = &s->axes[0];

	if (a->labels)
		return spec_axis_label(a, a->numbers[0]);
	if (a->numeric) {
		g_snprintf(buf, SIM_TIME_FMT_LEN, "%g", a->numbers[0]);
		return buf;
	}
	return sim_time_format(a->values[0], buf);
}

