/*
 * An experiment spec: what to run (policies, parameters, sweeps, how many
 * scenarios, which seed) and the world to run it in. Loaded from JSON and
 * validated in full before anything runs: a bad spec is one error message
 * naming the file, the JSON path, the bad value and what would be valid,
 * and `selsim` exits 2.
 *
 * Implemented by experiments/spec*.c, one file per section of a spec
 * (experiments/spec_internal.h lists them), on the JSON toolkit of
 * experiments/json_in.h.
 */
#ifndef EXPERIMENTS_SPEC_H
#define EXPERIMENTS_SPEC_H

#include "models/config.h"
#include "models/k3s_params.h"
#include "policies/policy.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

/* One policy to run, with its parameters (defaults, then the spec's
 * "params"[name] on top). */
struct spec_policy {
	const struct policy_ops *ops;
	struct policy_params params;
	struct k3s_params k3s;	/* the model's K3s constants it runs with */
	bool set_outlier;	/* the spec set an outlier.* field */
	bool set_budget;	/* the spec set a retry_budget.* field */
};

/*
 * A K3s constant as a spec sees it (K3S-MODEL.md): one the model reads
 * (models/k3s_params.h) or one a policy reads (the first policy_n_params
 * rows of policy_param_descs). Exactly one of model, policy is set.
 */
struct spec_const {
	const char *name;	/* spec key: "http_timeout" */
	const char *source;	/* where the default comes from */
	const char *help;
	const struct k3s_param_desc *model;
	const struct param_desc *policy;
};

/* Every K3s constant: the policy's first, then the model's; NULL past the
 * last. */
const struct spec_const *spec_const_at(size_t i);

/* The K3s constant named @name, or NULL. */
const struct spec_const *spec_const_find(const char *name);

/* Its value inside @p (a policy's) or @k (the model's). */
sim_time *spec_const_ref(const struct spec_const *c, struct policy_params *p,
			 struct k3s_params *k);

/* One sweep axis: "k3s.dial_timeout": ["2s", "5s"]. */
struct spec_axis {
	char *key;		/* as written: "k3s.dial_timeout" */
	char *policy;		/* "k3s", or NULL for every policy ("dial_timeout") */
	char *name;		/* the parameter, without the policy: "dial_timeout",
				 * "backoff.base", "choice_count"; NULL for a
				 * world axis */
	const struct spec_const *param;	/* a K3s constant, else NULL */
	bool numeric;		/* values are numbers (numbers[]), not
				 * durations (values[]) */
	double *numbers;	/* numeric: the values; else NULL */
	bool world;		/* a world axis: key is a JSON path into the
				 * spec ("failures[1].duration",
				 * "random_failures.duration", "deadline")
				 * whose value each point sets */
	sim_time *values;	/* durations; all 0 for a numeric axis */
	size_t n_values;
	/* A named world axis ("failures": {"crash": [...], ...}): numeric,
	 * numbers[i] = i, labels[i] the name, json[i] the value as JSON
	 * text that each point puts at the path; else NULL. */
	char **labels;
	char **json;
};

/* The name of value @x (numbers[i] = i) of a named axis, or NULL for an
 * axis without names. */
const char *spec_axis_label(const struct spec_axis *a, double x);

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
	void *doc;		/* the parsed JSON (cJSON *), kept when a world
				 * axis needs it to build each point's world */
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

/* Parses a distribution or a duration at JSON path @path of @file, with
 * the messages of spec_parse() (for the other kinds of spec). */
gboolean spec_parse_dist(const char *file, const char *path, const cJSON *v,
			 struct dist *out, GError **error);

struct jin;

/* The same within a walk of json_in.h (the study specs'): a duration
 * (a constant) or {"dist": KIND, PARAM: VALUE, ...} at the walk's path.
 * Replaces @out only on success. */
gboolean spec_get_dist(struct jin *j, const cJSON *v, struct dist *out);

/* The same for a quantity that is not a duration of the spec's scale (a
 * number of failures, a factor, a probability): a number (or duration)
 * at most @max, or a distribution with at most one draw in a billion
 * above @max. @why says where @max comes from, @unit follows numbers in
 * messages (" s" or ""). Every distribution spec_get_dist() reads has
 * that tail at most the walk's longest duration (json_in.h). */
gboolean spec_get_dist_in(struct jin *j, const cJSON *v, double max,
			  const char *why, const char *unit, struct dist *out);

/* Prints the spec with every default filled in (`validate --explain`). */
void spec_explain(const struct spec *s, FILE *out);

/* ---- helpers for the runner, the writers and `selsim list` (added with
 * experiments/spec.c; everything above is the original contract) ---- */

/* The number of grid points: the product of the axes' value counts, 1
 * without a sweep. spec_parse() keeps it at most SPEC_MAX_GRID. */
#define SPEC_MAX_GRID 1000000
size_t spec_grid_size(const struct spec *s);

/*
 * The one decoder of the grid: the value index of each axis at grid point
 * @point (0 <= point < spec_grid_size(s)) into @out, which holds
 * s->n_axes entries; out[i] indexes s->axes[i].values (and .numbers). The
 * axes are crossed like nested loops, the first axis outermost and the
 * last one varying fastest. Every reader of the grid (the parameters and
 * the world of a point, the checks at load, the runner) goes through it.
 */
void spec_point_indices(const struct spec *s, size_t point, size_t *out);

/*
 * The parameters that policy @p (an index into s->policies) runs with at
 * grid point @point (0 <= point < spec_grid_size(s)): its params and K3s
 * constants (into @out and @k3s), with every
 * axis that applies to it set to that axis's value at the point. The axes
 * are crossed like nested loops, the first axis outermost and the last one
 * varying fastest.
 */
void spec_point_params(const struct spec *s, size_t p, size_t point,
		       struct policy_params *out, struct k3s_params *k3s);

/*
 * The world of grid point @point: @s's world with every world axis set to
 * its value at the point. Fills @out (release with world_config_release())
 * and returns TRUE; the values were checked when the spec was loaded, so
 * an error here is a bug. Only for specs with world axes
 * (spec_has_world_axes()); the others use s->world for every point.
 */
gboolean spec_point_world(const struct spec *s, size_t point,
			  struct world_config *out, GError **error);
bool spec_has_world_axes(const struct spec *s);

/* The index of the policy named @name in s->policies, or -1. */
int spec_policy_index(const struct spec *s, const char *name);

/*
 * Failure @f of world @w in words, without its time: "stop etcd-1",
 * "rolling restart of etcd-2, cp-1, uniform(min=20s, max=40s) apart (mean
 * 30s), not waiting for Ready". Caller frees with g_free().
 */
char *spec_failure_describe(const struct world_config *w,
			    const struct failure_config *f);

/*
 * Start-up phase @k (startup_phase) of world @w in words: its
 * distribution, the nodes that override it, what it covers and where its
 * default comes from (a public source or a selsim assumption). Caller
 * frees with g_free().
 */
char *spec_startup_describe(const struct world_config *w, int k);

/* How failure kind @k is written in a spec, its options and their
 * defaults, on one line (for `selsim list`). Static. */
const char *spec_failure_usage(failure_kind k);

/* ---- for the tuner (experiments/tune_spec.c) ---- */

/*
 * Resolves @key the way a "sweep" key is resolved, for a policy parameter
 * or K3s constant (a world path is refused): the checks and messages of
 * "sweep", at @j's path. Fills @a's key, policy, name, param and numeric
 * (no values: release with spec_axis_release()), the parameter's type
 * into @type and its valid range into @min, @max (durations in seconds).
 */
gboolean spec_resolve_param(const struct spec *s, struct jin *j,
			    const char *key, struct spec_axis *a,
			    param_type *type, double *min, double *max);

/* Whether axis @a sets a parameter that policy @p of @s has and that can
 * change its run. */
bool spec_param_applies(const struct spec *s, size_t p,
			const struct spec_axis *a);

/* Frees what axis @a owns. */
void spec_axis_release(struct spec_axis *a);

#endif
