/*
 * What plot.c lends the other planners of the plots folder
 * (plot_failover.c): making a job and the pieces every data file and title
 * share. Not for use outside the plot files.
 */
#ifndef EXPERIMENTS_PLOT_INTERNAL_H
#define EXPERIMENTS_PLOT_INTERNAL_H

#include "plot.h"

/* A new job appended to @plan (which owns it): DIR/plots/@name.svg drawn
 * by @script from @data_name, whose text the job holds when @owns_data. */
struct plot_job *plot__job_new(GPtrArray *plan, const char *name,
			       const char *script, const char *data_name,
			       bool owns_data);

/* The "# selsim WHAT, from FILE" header of a data file; @partial: only the
 * cells of the first grid point are in it. */
void plot__dat_header(GString *g, const struct results *r, const char *what,
		      const char *columns, bool partial);

/* "WHAT: SPEC (N scenarios per policy)"; caller frees with g_free(). */
char *plot__title_for(const struct results *r, const char *what,
		      bool partial);

/* Bars (success, load, failover): every cell (at most 24 bars) or else
 * those of the first grid point; in a sweep with every cell, grouped by
 * grid point with a gap between groups and the grid point's values as the
 * tic under each group's middle bar (plot__bar_vars: the tics' name and a
 * legend entry per policy). */
bool plot__bars_all(const struct results *r);
double plot__bar_x(const struct results *r, const struct results_cell *c,
		   size_t order);
char *plot__bar_tic(const struct results *r, const struct results_cell *c);
void plot__bar_vars(struct plot_job *j, const struct results *r);

/* The failover plots (plot_failover.c), appended to @plan when @r has
 * failover figures; nothing otherwise. */
void plot__plan_failover(GPtrArray *plan, const struct results *r);

#endif
