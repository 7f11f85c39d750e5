/*
 * The timeline of one scenario, drawn from `selsim trace --format tsv`
 * output: a row per node, failures as shaded spans (a failure's end is
 * paired with its begin by the failure id of the TSV's sixth column),
 * joins from (re)start to Ready, dials as marks coloured by outcome, Ready
 * as a dot. Drawn by plots/timeline.gp through gnuplot.h.
 *
 * Errors: a missing or malformed trace file is SIM_ERROR_INPUT
 * ("FILE:LINE: ..."); a file that cannot be written is SIM_ERROR_IO;
 * gnuplot failing is SIM_ERROR_INTERNAL.
 */
#ifndef EXPERIMENTS_TIMELINE_H
#define EXPERIMENTS_TIMELINE_H

#include <glib.h>
#include <stdbool.h>

/*
 * Reads @tsv (a file), writes @out_prefix.dat and draws @out_prefix.svg
 * (and .png). Lines of five columns (a trace written before the failure
 * id was added) are read too; their failures of no one node (AZ outages,
 * partitions) then last to the end of the trace. When gnuplot is not
 * installed, writes the data only, sets *@gnuplot_missing (when not NULL)
 * to true and returns TRUE; otherwise sets it to false.
 */
gboolean timeline_plot(const char *tsv, const char *out_prefix,
		       bool *gnuplot_missing, GError **error);

#endif
