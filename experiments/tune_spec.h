/*
 * The "tune" section of a run spec: what `selsim tune` searches (a box of
 * policy parameters and K3s constants), what it optimises (one per-cell
 * figure of results.json, named by its path), under which constraints
 * (bounds on other figures), with which budget, and how the answer is
 * validated. Read with the JSON toolkit (json_in.h) after the rest of the
 * spec (spec.h), whose policies and parameters it refers to:
 *
 *   "tune": {
 *     "policies": ["article", "pick-first"],      default: every policy
 *     "parameters": {                             required, at least one
 *       "dial_timeout": {"min": "500ms", "max": "30s", "log": true},
 *       "k3s.health_check_interval": {"min": "100ms", "max": "10s"}
 *     },
 *     "objective": {"metric": "join_time_s.p99", "goal": "minimize"},
 *     "constraints": [{"metric": "success.rate", "min": 0.99}],
 *     "budget": {"candidates": 32, "scenarios": [16, 64, 256],
 *                "block": 8, "keep": 0.5, "refine": 24},
 *     "grid": 3,
 *     "validation": {"seed": 2, "scenarios": 1000, "blocks": 20}
 *   }
 *
 * A metric is a path into one cell of results.json ("success.rate",
 * "join_time_s.p99", "requests_per_join", "dials_per_join.mean"): any
 * number a cell holds, found by walking the cell's JSON, so a figure added
 * to results.json later is a metric without any change here. It is checked
 * at load against the cell that output.h writes. A figure written as null
 * (a censored quantile beyond the deadline) counts as the deadline in
 * seconds, as the paired comparisons of stats_paired.h cap join times.
 */
#ifndef EXPERIMENTS_TUNE_SPEC_H
#define EXPERIMENTS_TUNE_SPEC_H

#include "spec.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TUNE_MAX_PARAMS 16	/* dimensions of the search */
#define TUNE_MAX_RUNGS 8	/* scenario counts to grow through */

/* One dimension of the box. */
struct tune_param {
	struct spec_axis axis;	/* key, policy, name, numeric: what a
				 * candidate sets (values: one entry, owned) */
	double lo, hi;		/* the range: seconds for a duration */
	bool log;		/* searched on a log scale */
	bool duration;		/* a duration (else a number) */
	bool integer;		/* a whole number */
};

/* A bound on a metric: min <= value <= max (-inf, +inf when absent). */
struct tune_constraint {
	char *metric;		/* path in a cell of results.json */
	double min, max;
};

struct tune_spec {
	bool present;		/* the spec has a "tune" section */
	size_t *policies;	/* indices into spec.policies, tuned one by
				 * one */
	size_t n_policies;
	struct tune_param params[TUNE_MAX_PARAMS];
	size_t n_params;
	char *objective;	/* metric path */
	bool maximize;		/* else minimise */
	struct tune_constraint *constraints;
	size_t n_constraints;
	int candidates;		/* the space-filling design's size:
				 * default 32 */
	int rungs[TUNE_MAX_RUNGS];	/* scenarios per rung, growing:
					 * default 16, 64, 256 */
	size_t n_rungs;
	int block;		/* scenarios per block, the unit of the
				 * paired comparisons: default 8 */
	double keep;		/* fraction kept per rung: default 0.5
				 * (successive halving) */
	int refine;		/* Nelder-Mead evaluations: default 24 */
	int grid;		/* values per parameter of the comparison
				 * grid: default 3 (lo, middle, hi) */
	uint64_t validation_seed;	/* default spec seed + 1 */
	int validation_scenarios;	/* default 1000 */
	int validation_blocks;		/* default 20 */
};

/*
 * Reads @path's "tune" section for the spec @s loaded from it (same
 * file). Without the section, TRUE with t->present false. A bad section
 * is SIM_ERROR_INPUT "FILE: tune.PATH: what is wrong (what is valid)".
 * Release with tune_spec_release() (also after a failure).
 */
gboolean tune_spec_load(const char *path, const struct spec *s,
			struct tune_spec *t, GError **error);

/* The same from the parsed document @root of file @file. */
gboolean tune_spec_parse(const char *file, const cJSON *root,
			 const struct spec *s, struct tune_spec *t,
			 GError **error);

void tune_spec_release(struct tune_spec *t);

/* Prints the section with every default filled in (validate --explain). */
void tune_spec_explain(const struct tune_spec *t, const struct spec *s,
		       FILE *out);

/* Whether parameter @i applies to policy @p of @s (its key names it or
 * no policy, and the policy has the parameter). */
bool tune_param_applies(const struct tune_spec *t, size_t i,
			const struct spec *s, size_t p);

/* The value of metric @path in @cell (a results.json cell): a number, or
 * the deadline @deadline_s for null; NAN when the path leads to no number
 * or null. */
double tune_metric(const cJSON *cell, const char *path, double deadline_s);

/* A parameter's value in words: "2.5s", "3", written to @buf (at least
 * SIM_TIME_FMT_LEN bytes), which it returns. */
const char *tune_value_text(const struct tune_param *p, double v, char *buf);

#endif
