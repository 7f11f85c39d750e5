/* The report's failover section (report_failover.h). */
#include "report_failover.h"
#include "fmt.h"
#include "report_figure.h"
#include "stats_failover.h"

#include <math.h>

static char *num(double v)
{
	return isfinite(v) ? fmt_num3(v) : g_strdup("\xe2\x80\x93");
}

/* A time back: "> deadline" when the quantile falls among agents not
 * back (the file has null there). */
static char *back(double v, const struct results_cell *c)
{
	return isfinite(v) ? fmt_seconds(v)
			   : g_strdup(c->fo_back < c->fo_affected
				      ? "> deadline" : "\xe2\x80\x93");
}

static const char *const figs[] = {
	"failover [95% CI]", "affected", "back mean", "back p50", "back p90",
	"back p99", "NotReady/scenario", "NotReady node-s/scenario",
	"failed renewals/scenario", "requests/failover", "dials/failover",
	"NotReady node-s vs baseline [95% CI]",
};

static void fill_row(char **row, const struct results_cell *c)
{
	row[0] = isfinite(c->fo_rate)
		? g_strdup_printf("%.1f%% [%.1f, %.1f]", 100 * c->fo_rate,
				  100 * c->fo_lo, 100 * c->fo_hi)
		: g_strdup("\xe2\x80\x93");
	row[1] = num(c->fo_affected);
	row[2] = isfinite(c->fo_back_mean) ? fmt_seconds(c->fo_back_mean)
					  : g_strdup("\xe2\x80\x93");
	row[3] = back(c->fo_back_p50, c);
	row[4] = back(c->fo_back_p90, c);
	row[5] = back(c->fo_back_p99, c);
	row[6] = num(c->fo_notready);
	row[7] = num(c->fo_notready_s);
	row[8] = num(c->fo_renewals);
	row[9] = num(c->fo_requests);
	row[10] = num(c->fo_dials);
	row[11] = isfinite(c->fo_vs_notready_s)
		? g_strdup_printf("%+.2f [%+.2f, %+.2f]", c->fo_vs_notready_s,
				  c->fo_vs_lo, c->fo_vs_hi)
		: g_strdup("\xe2\x80\x93");
}

size_t report_failover(struct doc *d, const struct results *r,
		       const char *dir, GPtrArray *plan)
{
	size_t nf = G_N_ELEMENTS(figs), cols = 1 + r->n_axes + nf;
	size_t i, a, any = 0;
	char **cells;
	bool *numeric;

	for (i = 0; i < r->n_cells; i++)
		any += r->cells[i].has_fo;
	if (!any)
		return 0;
	doc_section(d, "failover", "Failover");
	doc_para(d, "Nodes keep running after Ready (K3S-MODEL.md section 7): "
		    "agents hold their kubelet, kube-proxy and k3s-agent "
		    "connections through their load balancer, renew their "
		    "node lease every 10 s, and the controller-manager marks "
		    "a node NotReady when its lease is older than the grace "
		    "period. Whom it counts: " FO_AFFECTED_DEFINITION ". "
		    "Failover succeeds in a scenario when no counted agent "
		    "went NotReady and every affected agent was back by the "
		    "deadline (95% Wilson interval). NotReady, failed "
		    "renewals, requests and dials: those of counted agents "
		    "(requests and dials of the held connections after the "
		    "first cut, per scenario with one). The last column is the mean of the "
		    "paired per-scenario differences to the baseline with "
		    "its normal 95% interval.");
	cells = g_new0(char *, (r->n_cells + 1) * cols);
	numeric = g_new0(bool, cols);
	cells[0] = g_strdup("policy");
	for (a = 0; a < r->n_axes; a++)
		cells[1 + a] = g_strdup(r->axes[a].key);
	for (i = 0; i < nf; i++) {
		cells[1 + r->n_axes + i] = g_strdup(figs[i]);
		numeric[1 + r->n_axes + i] = true;
	}
	for (i = 0; i < r->n_cells; i++) {
		char **row = cells + (i + 1) * cols;

		row[0] = g_strdup(r->cells[i].policy);
		for (a = 0; a < r->n_axes; a++)
			row[1 + a] = g_strdup(r->cells[i].axis_val[a]);
		if (r->cells[i].has_fo)
			fill_row(row + 1 + r->n_axes, &r->cells[i]);
		else
			for (a = 0; a < nf; a++)
				row[1 + r->n_axes + a] = g_strdup("");
	}
	doc_table(d, cells, r->n_cells + 1, cols, numeric);
	for (i = 0; i < (r->n_cells + 1) * cols; i++)
		g_free(cells[i]);
	g_free(cells);
	g_free(numeric);
	any = report_figures(d, dir, plan, true, 0);
	doc_section_end(d);
	return any;
}
