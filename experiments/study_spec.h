/*
 * A study spec, the input of `selsim study`: a validation workload run
 * from JSON like the experiments are. Two workloads:
 *
 *  - "workload": "queueing": Poisson requests to N servers of c workers,
 *    a policy picking the server per request (models/queueing.c), at each
 *    utilisation listed;
 *  - "workload": "contention": the AWS "Exponential Backoff And Jitter"
 *    study (models/contention.c), for each backoff strategy and client
 *    count.
 *
 * Loaded and checked in full with the JSON toolkit of the run specs
 * (json_in.h): a bad study spec is one line "FILE: JSON.PATH: what is
 * wrong (what would be valid)", SIM_ERROR_INPUT (SIM_ERROR_IO when the
 * file cannot be read).
 *
 * Names. A study's "name" and a series' "label" are free text on one
 * line: any non-empty string without control characters, quotes and
 * apostrophes included (`Marc's "study"` is a valid name). Unlike a run
 * spec's name, a study's name is not checked to be a safe file name or
 * a safe gnuplot string: whoever writes it into a path, a script or a
 * report escapes it for that place (the default output folder is
 * results/NAME, as `-o` allows any folder).
 */
#ifndef EXPERIMENTS_STUDY_SPEC_H
#define EXPERIMENTS_STUDY_SPEC_H

#include "models/dist.h"
#include "policies/backoff.h"
#include "policies/policy.h"
#include "sim/time.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define STUDY_MAX_SERIES 16	/* policies or strategies */
#define STUDY_MAX_POINTS 64	/* utilisations or client counts */

/* One line of the plots: a policy (queueing) or a strategy (contention). */
struct study_series {
	char *label;		/* as plotted: "p2c (choice_count=20)" */
	const struct policy_ops *ops;	/* queueing */
	char *own_name;		/* queueing: one own parameter, or NULL */
	double own_value;
	backoff_kind kind;	/* contention */
};

struct study {
	const char *file;	/* the path given to study_load(); borrowed */
	char *name;		/* free text (see above) */
	char *description;	/* "" when absent */
	bool queueing;		/* else contention */
	uint64_t seed;		/* default 1 */
	struct study_series series[STUDY_MAX_SERIES];
	int n_series;
	double x[STUDY_MAX_POINTS];	/* utilisations, or client counts */
	int n_x;
	/* queueing */
	uint64_t requests;	/* default 200000 */
	uint64_t requests_at[STUDY_MAX_POINTS];	/* per utilisation: a
						 * "requests" array, else
						 * requests throughout */
	int servers, workers;	/* default 1 and 1 */
	struct dist service;	/* default exponential, mean 1 s */
	/* contention */
	int runs;		/* default 100 */
	sim_time base, cap, net_mean, net_sd;
	bool has_base, has_cap, has_net;	/* else the model's defaults */
};

/*
 * Loads and checks the study spec at @path into @st. @path is borrowed
 * (st->file points to it). On error returns FALSE with @error set and
 * leaves @st released (study_release() on it is harmless).
 */
gboolean study_load(const char *path, struct study *st, GError **error);

/* The same from @text (NUL-terminated); @file names it in messages and is
 * borrowed as @path is. Never exits: a fuzz harness calls it
 * (tests/fuzz/). */
gboolean study_parse(const char *file, const char *text, struct study *st,
		     GError **error);

/* Frees what @st owns and zeroes it. */
void study_release(struct study *st);

#endif
