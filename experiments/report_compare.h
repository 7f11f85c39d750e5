/*
 * The part of the report (report.c) that compares policies: how the
 * intervals are made, every paired difference with the baseline in a
 * sentence, and, for a spec that sweeps named failure kinds, the policies
 * ranked per kind. Each writes one section through doc.h; each is
 * silent (writes nothing, or a line saying why) when results.json has no
 * comparisons.
 */
#ifndef EXPERIMENTS_REPORT_COMPARE_H
#define EXPERIMENTS_REPORT_COMPARE_H

#include "doc.h"
#include "results_read.h"

/* The methods: Tango's score interval, the percentile bootstrap and its
 * resamples, the number of comparisons and Holm's adjustment. */
void report_methods(struct doc *d, const struct results *r);

/* Each cell against its baseline, in sentences. */
void report_comparisons(struct doc *d, const struct results *r);

/* The policies ranked per value of the first sweep axis (failure kinds):
 * success first, then join p99. */
void report_ranking(struct doc *d, const struct results *r);

#endif
