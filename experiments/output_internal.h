/* What output.c (results.json, CSV) and output_table.c (the terminal
 * table) share. */
#ifndef EXPERIMENTS_OUTPUT_INTERNAL_H
#define EXPERIMENTS_OUTPUT_INTERNAL_H

#include "output.h"
#include "spec.h"

/* The first value of @s's first axis as written, in @buf
 * (SIM_TIME_FMT_LEN bytes) or a label. */
const char *output__first_value(const struct spec *s, char *buf);

/* The name of @c's baseline: its own, else the spec's (NULL if neither). */
const char *output__baseline_name(const struct spec *s,
				  const struct out_cell *c);
/* The comparisons in the Holm family: every finite p-value of the cells'
 * differences (the runner adjusts over the same set). */
size_t output__comparisons(const struct out_cell *cells, size_t n);

#endif
