/*
 * Between stats_failover.c and its summary mode, stats_failover_summary.c
 * (and the histogram buckets stats_summary.c lends both): not for use
 * elsewhere.
 */
#ifndef EXPERIMENTS_STATS_FAILOVER_INTERNAL_H
#define EXPERIMENTS_STATS_FAILOVER_INTERNAL_H

#include "stats_failover.h"

#include <stddef.h>
#include <stdint.h>

struct bytes_in;

/* stats_summary.c's log buckets: the bucket of @v ns, and bucket @i's
 * lowest value and width in ns. */
size_t stats__hist_index(uint64_t v);
void stats__hist_bucket(size_t i, uint64_t *lo, uint64_t *width);

/* The summary-mode halves of fo_acc_add(), _merge(), _encode(),
 * _decode(), _summarise() (the figures not computed the same way in both
 * modes) and fo_paired_compute() (from @cell's paired sums). */
void fo__summary_add(struct fo_acc *a, const struct run_record *r);
void fo__summary_merge(struct fo_acc *dst, const struct fo_acc *src);
void fo__summary_encode(const struct fo_acc *a, GByteArray *out);
bool fo__summary_decode(struct bytes_in *in, struct fo_acc *a);
void fo__summary_summarise(const struct fo_acc *a, struct fo_summary *out);
void fo__summary_paired(const struct fo_acc *cell, struct fo_paired *out);

#endif
