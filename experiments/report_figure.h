/*
 * One plot of the results folder as a figure of the report (report.h):
 * its SVG inlined in the HTML and linked from the Markdown, with its
 * caption and links to its data; or a line saying it is not drawn.
 */
#ifndef EXPERIMENTS_REPORT_FIGURE_H
#define EXPERIMENTS_REPORT_FIGURE_H

#include "doc.h"
#include "plot.h"

#include <stdbool.h>
#include <stddef.h>

/* Plot @j of results folder @dir as figure number @fig of @d; true when
 * its SVG was there and it was shown. */
bool report_figure(struct doc *d, const char *dir, const struct plot_job *j,
		   size_t fig);

/* The plots of @plan that are (@failover) or are not failover plots, as
 * figures numbered on from @fig; the number of the last one shown. */
size_t report_figures(struct doc *d, const char *dir, GPtrArray *plan,
		      bool failover, size_t fig);

#endif
