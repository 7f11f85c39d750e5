/*
 * The report's failover section (failover experiments): a table per cell
 * of failover success, the affected agents' time back, NotReady and the
 * reconnect storm, and the NotReady node-seconds paired against the
 * baseline, then the failover plots of @plan (plot.h: the jobs marked
 * failover) as figures 1, 2 ...; nothing when the results have no
 * failover figures.
 */
#ifndef EXPERIMENTS_REPORT_FAILOVER_H
#define EXPERIMENTS_REPORT_FAILOVER_H

#include "doc.h"
#include "plot.h"
#include "results_read.h"

/* Returns the number of figures it showed (0 when none), so the Plots
 * section numbers on from there; @dir is the results folder. */
size_t report_failover(struct doc *d, const struct results *r,
		       const char *dir, GPtrArray *plan);

#endif
