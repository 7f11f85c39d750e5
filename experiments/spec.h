/*
 * An experiment spec: what to run (policies, parameters, sweeps, how many
 * scenarios, which seed) and the world to run it in. Loaded from JSON and
 * validated in full before anything runs: a bad spec is one error message
 * naming the file, the JSON path, the bad value and what would be valid,
 * and `selsim` exits 2.
 */
#ifndef EXPERIMENTS_SPEC_H
#define EXPERIMENTS_SPEC_H

#include "models/config.h"
#include "policies/policy.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

/* One policy to run, with its parameters (defaults, then the spec's
 * "params"[name] on top). */
struct spec_policy {
	const struct policy_ops *ops;
	struct policy_params params;
};

/* One sweep axis: "k3s.dial_timeout": ["2s", "5s"]. */
struct spec_axis {
	char *key;		/* as written: "k3s.dial_timeout" */
	char *policy;		/* "k3s", or NULL for every policy ("dial_timeout") */
	const struct param_desc *param;
	sim_time *values;
	size_t n_values;
};

struct spec {
	char *file;		/* the path it was loaded from */
	char *name;		/* "first-etcd-down" */
	char *description;
	uint64_t seed;		/* default 1 */
	int scenarios;		/* default 1000 */
	char *baseline;		/* policy the others are compared with:
				 * "k3s" when it runs, else the first */
	struct spec_policy *policies;
	size_t n_policies;
	struct spec_axis *axes;	/* the sweep, crossed as a grid */
	size_t n_axes;
	struct world_config world;
};

/*
 * Loads and validates @path. On error returns FALSE, sets @error
 * (SIM_ERROR_INPUT for bad content, SIM_ERROR_IO when the file cannot be
 * read) with a one-line message starting with the file name, and leaves
 * @out released.
 */
gboolean spec_load(const char *path, struct spec *out, GError **error);

/* The same from text; @file names it in messages. */
gboolean spec_parse(const char *file, const char *text, struct spec *out,
		    GError **error);

/* Frees everything @s owns. */
void spec_release(struct spec *s);

/* Keeps only the named policies (comma-separated), in that order; an
 * unknown or absent name is an input error listing the known ones. */
gboolean spec_select_policies(struct spec *s, const char *list,
			      GError **error);

/* Prints the spec with every default filled in (`validate --explain`). */
void spec_explain(const struct spec *s, FILE *out);

#endif
