/*
 * What `selsim tune` writes: DIR/tune.json (every evaluation with its
 * parameters, scenarios and figures; the trajectory; the recommendation,
 * the sensitivity of each parameter and the validation), DIR/tune.csv
 * (one row per evaluation), the table on a terminal, the plots in
 * DIR/plots (through gnuplot.h: the objective against each parameter, the
 * objective against the load with the non-dominated candidates marked,
 * the convergence) and DIR/report.md and DIR/report.html with the
 * "Recommended settings" section and the params block to paste. Every
 * file is written atomically (output_write_atomic()).
 */
#ifndef EXPERIMENTS_TUNE_OUTPUT_H
#define EXPERIMENTS_TUNE_OUTPUT_H

#include "tune.h"
#include "tune_eval.h"

#include <stdio.h>

/* One tuned policy. */
struct tune_outcome {
	size_t policy;			/* index into spec.policies */
	bool applies[TUNE_MAX_PARAMS];	/* the parameters searched */
	double defaults[TUNE_MAX_PARAMS];
	struct tune_result res;
	struct tune_validation val;
	double wall_s;
};

/* The "params" block to paste for outcome @o: {"POLICY": {"KEY": VALUE}}
 * text, one line. Caller frees with g_free(). */
char *tune_params_block(const struct spec *s, const struct tune_spec *t,
			const struct tune_outcome *o);

/* The whole of tune.json; caller frees with g_free(). */
char *tune_json_string(const struct spec *s, const struct tune_spec *t,
		       const struct tune_outcome *o, size_t n,
		       const char *command_line);

/* The whole of tune.csv; caller frees with g_free(). */
char *tune_csv_string(const struct spec *s, const struct tune_spec *t,
		      const struct tune_outcome *o, size_t n);

/* The table: per policy the recommendation, its validation and each
 * parameter's sensitivity. */
void tune_print_table(FILE *f, const struct spec *s,
		      const struct tune_spec *t, const struct tune_outcome *o,
		      size_t n);

/* Writes tune.json, tune.csv, and unless @no_plots the plots (when
 * gnuplot is installed; *@missing set when not) and report.md/.html into
 * @dir. */
gboolean tune_write(const char *dir, const struct spec *s,
		    const struct tune_spec *t, const struct tune_outcome *o,
		    size_t n, const char *command_line, bool no_plots,
		    bool *missing, GError **error);

#endif
