/*
 * Output writers: results.json (the contract of DESIGN.md "Results file"),
 * results.csv with the same figures, and the terminal table.
 *
 * Output is a pure function of its arguments: identical input gives
 * identical bytes (CSV numbers are the shortest text that reads back to
 * the same double, fmt_double() of fmt.h: 0.9, not 0.90000000000000002;
 * JSON numbers are printed by cJSON, as short; NAN as JSON null or an
 * empty CSV field). Files are
 * written to PATH.tmp.XXXXXX in the same folder and renamed over PATH, so
 * a reader sees the old file or the whole new one, never a partial one.
 */
#ifndef EXPERIMENTS_OUTPUT_H
#define EXPERIMENTS_OUTPUT_H

#include "experiments/spec.h"
#include "experiments/stats.h"
#include "experiments/stats_paired.h"
#include "policies/policy.h"
#include "sim/time.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>

/* One cell to print. Every pointer is borrowed. */
struct out_cell {
	const char *policy;	/* policy name: "k3s" */
	const struct policy_params *params; /* its parameters at this grid
					     * point; not printed today */
	const sim_time *grid;	/* one value per spec axis, in the order of
				 * spec.axes; NULL when the spec has none */
	const double *grid_x;	/* the values of numeric axes (the others'
				 * are in grid); NULL when none is numeric */
	struct cell_summary sum; /* the figures */
	const struct stats_paired *vs; /* against the baseline; NULL for the
					* baseline (nothing printed) */
	const char *baseline;	/* the baseline's name: "k3s"; read only
				 * where vs is set (NULL: spec.baseline) */
	const struct fo_paired *fo_point; /* failover sweeps: against the
					   * first value of the first axis
					   * (runner.h); NULL for none */
};

/*
 * The whole of results.json for @n @cells of spec @s, ending in a newline;
 * caller frees with g_free(). @command_line (the selsim command that ran,
 * for the record) may be NULL: written as null. Every cell's "params"
 * holds its grid point, one duration string per axis key, including the
 * keys of axes that name another policy (the grid point identifies the
 * cell; such a value did not change that policy's run). A cell with vs
 * gets "vs_baseline": {"baseline", "resamples", "metrics": {"success_rate",
 * "join_time_mean_s", "join_time_p50_s", "join_time_p99_s"}}, each metric
 * {"diff", "ci95": [lo, hi], "significant"}; a baseline cell has no
 * "vs_baseline" key.
 */
char *output_json_string(const struct spec *s, const struct out_cell *cells,
			 size_t n, const char *command_line);

/*
 * The whole of results.csv: a header line, then one line per cell with the
 * figures of the JSON (axis keys as columns, durations as strings, NAN as
 * an empty field), fields quoted as RFC 4180 says when they need it. The
 * last columns are the paired difference to the baseline: vs_baseline (its
 * name), success_rate_diff with _lo and _hi, join_p99_diff_s with
 * join_p99_diff_lo and _hi; all empty for the baseline's own cells.
 * Caller frees with g_free(). @command_line is not written (CSV has no
 * place for it); it is taken so that both formats share one signature.
 */
char *output_csv_string(const struct spec *s, const struct out_cell *cells,
			size_t n, const char *command_line);

/*
 * Writes output_json_string() / output_csv_string() to @path, atomically
 * (see above). On failure returns FALSE, sets @error to SIM_ERROR_IO with
 * "PATH: reason", leaves no temporary file behind and any existing @path
 * untouched.
 */
gboolean output_write_json(const char *path, const struct spec *s,
			   const struct out_cell *cells, size_t n,
			   const char *command_line, GError **error);
gboolean output_write_csv(const char *path, const struct spec *s,
			  const struct out_cell *cells, size_t n,
			  const char *command_line, GError **error);

/*
 * Writes @len bytes of @text to a fresh PATH.tmp.XXXXXX beside @path, then
 * renames it over @path: a reader never sees half a file. No fsync: a crash
 * of the machine may lose it. On failure returns FALSE with SIM_ERROR_IO
 * ("PATH: reason") and leaves no temporary file. Every file selsim writes
 * goes through it.
 */
gboolean output_write_atomic(const char *path, const char *text, size_t len,
			     GError **error);

/* The same text on @f (`--format json|csv` to stdout). The caller checks
 * ferror(@f). */
void output_print_json(FILE *f, const struct spec *s,
		       const struct out_cell *cells, size_t n,
		       const char *command_line);
void output_print_csv(FILE *f, const struct spec *s,
		      const struct out_cell *cells, size_t n,
		      const char *command_line);

/*
 * An aligned table for a terminal: policy, grid values, success rate with
 * its 95% interval, p50/p90/p99/max join time (seconds, 2 decimals, "-"
 * when no node joined) and dials per join. Then, when any cell has vs, a
 * section "paired differences vs BASELINE (95% bootstrap CI, * = excludes
 * 0)" with a line per such cell: policy, grid values, the success-rate
 * difference in percentage points and the p99 join-time difference in
 * seconds, each with its interval and a * when significant.
 */
void output_print_table(FILE *f, const struct spec *s,
			const struct out_cell *cells, size_t n);

#endif
