/*
 * The report's failover section (failover experiments): a table per cell
 * of failover success, the affected agents' time back, NotReady and the
 * reconnect storm, and the NotReady node-seconds paired against the
 * baseline; nothing when the results have no failover figures.
 */
#ifndef EXPERIMENTS_REPORT_FAILOVER_H
#define EXPERIMENTS_REPORT_FAILOVER_H

#include "doc.h"
#include "results_read.h"

void report_failover(struct doc *d, const struct results *r);

#endif
