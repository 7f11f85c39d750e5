/*
 * Reading a results folder's results.json (the contract of DESIGN.md
 * "Results file", written by output.h) into plain cells, for the plots and
 * the report. Every figure the readers use is here as a double (NaN for
 * null or absent); strings are borrowed from the parsed document and live
 * as long as the struct results.
 *
 * Errors: a missing or malformed results.json is SIM_ERROR_INPUT with a
 * one-line message that starts with the file name and names the JSON path
 * ("DIR/results.json: results[3].success.rate: expected a number or
 * null").
 */
#ifndef EXPERIMENTS_RESULTS_READ_H
#define EXPERIMENTS_RESULTS_READ_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The join-time CDF in results.json: quantiles 0, 0.01 ... 1. */
#define RESULTS_CDF_POINTS 101

/* What a censored quantile's difference is ("bound" in results.json):
 * exact; at least / at most diff (one side's quantile is beyond the
 * deadline, taken as the deadline); both beyond the deadline. */
enum results_bound {
	RESULTS_BOUND_EXACT,
	RESULTS_BOUND_AT_LEAST,
	RESULTS_BOUND_AT_MOST,
	RESULTS_BOUND_BOTH_BEYOND,
};

/* One metric of a cell's "vs_baseline": the paired difference. */
struct results_paired {
	bool present;		/* the metric is there */
	double diff, lo, hi;	/* NaN when it could not be computed */
	bool significant;	/* as written; when absent, the interval
				 * excludes 0 */
	bool significant_holm;	/* after Holm's adjustment (false when
				 * absent) */
	const char *method;	/* "tango-score", "percentile-bootstrap";
				 * NULL when absent */
	enum results_bound bound;	/* exact when absent */
	double tail_nodes;	/* p99: nodes beyond it; NaN when absent */
	bool tail_warning;	/* p99: too few tail nodes */
};

struct results_cell {
	const char *policy;	/* the policy's name */
	size_t pol;		/* index into results.policies */
	size_t grid;		/* grid point, in order of first appearance */
	const char **axis_val;	/* per axis: the value as written ("2s") */
	double *axis_s;		/* per axis: the value in seconds (or the
				 * number, for a numeric axis) */
	double scenarios;
	double count;		/* successful scenarios */
	double rate, lo, hi;	/* success rate and its 95% interval */
	double mean, p50, p90, p99, max;	/* join time, s, censored at
						 * the deadline: mean is the
						 * restricted mean (mean of
						 * min(join time, deadline));
						 * a quantile beyond the
						 * deadline is NaN with its
						 * beyond_* flag set */
	bool beyond_p50, beyond_p90, beyond_p99, beyond_max;
	double joined_mean, joined_p50, joined_p90, joined_p99, joined_max;
				/* over the nodes that joined only
				 * ("join_time_joined_s"); NaN when absent */
	double cdf[RESULTS_CDF_POINTS];	/* join-time quantiles; NaN: none */
	int cdf_beyond_from;	/* the first CDF point beyond the deadline
				 * (join_time_cdf_beyond_deadline_from);
				 * RESULTS_CDF_POINTS when none or absent */
	bool cdf_censored;	/* the CDF is over every node that
				 * (re)started, the not-joined beyond the
				 * deadline (the file has
				 * join_time_cdf_beyond_deadline_from);
				 * else over the nodes that joined */
	double dials, failed_dials, timeout_wait, requests, fatal;
	double counted, ready;	/* nodes; NaN when absent */
	bool has_vs;		/* a "vs_baseline" with "metrics" */
	double resamples;	/* vs_baseline.resamples; NaN when absent */
	const char *vs_baseline; /* its baseline's name, else the file's,
				  * else "the baseline" */
	struct results_paired vs_success, vs_mean, vs_p50, vs_p99;
	/* "failover" (failover experiments; stats_failover.h), NaN when
	 * absent: */
	bool has_fo;
	double fo_trials, fo_rate, fo_lo, fo_hi, fo_affected, fo_back;
	double fo_back_mean, fo_back_p50, fo_back_p90, fo_back_p99; /* s;
					 * NaN also beyond the deadline */
	double fo_notready, fo_notready_s, fo_renewals, fo_requests, fo_dials;
	double fo_vs_notready_s, fo_vs_lo, fo_vs_hi; /* vs_baseline.failover
						    * .notready_node_s */
	double fo_notready_lo, fo_notready_hi;	/* notready_node_s_ci95 */
	double fo_grace_s;	/* grace_period_s */
	double fo_cdf[RESULTS_CDF_POINTS]; /* time_back_cdf_s; NaN: none
					    * or beyond the deadline */
	int fo_cdf_beyond_from;	/* time_back_cdf_beyond_deadline_from;
				 * RESULTS_CDF_POINTS when none or absent */
};

/* The distinct values of one axis, ascending. */
struct results_axis {
	const char *key;	/* "k3s.dial_timeout" */
	const char **val;	/* as written */
	double *s;		/* seconds (or numbers) */
	size_t n;
};

struct results {
	char *file;		/* DIR/results.json */
	char *text;		/* its contents */
	struct cJSON *root;	/* the parsed document (owns the strings) */
	const char *version, *spec, *spec_file, *baseline, *command;
	char *seed;		/* digits, exactly as written */
	double scenarios;
	double deadline_s;	/* NaN when absent */
	double comparisons;	/* paired comparisons Holm adjusts over;
				 * NaN when absent */
	double alpha;		/* their level; NaN when absent */
	struct results_axis *axes;
	size_t n_axes;
	const char **policies;	/* in order of first appearance */
	size_t n_policies;
	size_t n_grid;		/* distinct grid points */
	struct results_cell *cells;
	size_t n_cells;
};

/* Loads @dir/results.json into @r; on failure returns FALSE with @error
 * set and leaves @r empty (results_release() is then not needed). */
gboolean results_load(const char *dir, struct results *r, GError **error);

/* The same from @text (a results.json's contents, NUL-terminated); @file
 * names it in messages. Never exits: a fuzz harness calls it
 * (tests/fuzz/). */
gboolean results_parse(const char *file, const char *text,
		       struct results *r, GError **error);

/* Frees what results_load() allocated and empties @r. */
void results_release(struct results *r);

/* Labels of a cell; caller frees each with g_free():
 * results_cell_label(): "k3s" or "k3s, dial_timeout=2s, ...";
 * results_grid_label(): "dial_timeout=2s@SEPhealth_check_interval=1s";
 * results_grid_values(): the values only, "2s, 1s". */
char *results_cell_label(const struct results *r,
			 const struct results_cell *c);
char *results_grid_label(const struct results *r,
			 const struct results_cell *c, const char *sep);
char *results_grid_values(const struct results *r,
			  const struct results_cell *c);

#endif
