/*
 * What the parts of the spec loader share; private to experiments/spec*.c.
 *
 * The loader is one walk over the document (spec.c), done by parts that
 * each own one section of a spec, called only downward:
 *
 *   spec.c           the root object, load, release, --policy selection,
 *                    and each grid point's world (world axes)
 *   spec_explain.c   `validate --explain`
 *   spec_sweep.c     "sweep": the axes, the grid and its one decoder,
 *                    the checks made at every grid point
 *   spec_params.c    "policies", "baseline", "params"
 *   spec_failures.c  "failures", "random_failures", failures in words
 *   spec_world.c     "topology", "network", "servers"
 *   spec_dist.c      distributions and durations in words
 *   json_in.c        the JSON toolkit (path, getters, messages)
 *
 * Every parse function here takes the walk's context and the value at the
 * current path, fills its part of c->s, and on a bad value returns FALSE
 * with the error set (json_in.h): the caller returns FALSE in turn.
 * Whatever a part allocated belongs to the spec, even on failure, and
 * spec_release() frees it.
 */
#ifndef EXPERIMENTS_SPEC_INTERNAL_H
#define EXPERIMENTS_SPEC_INTERNAL_H

#include "json_in.h"
#include "spec.h"

/* The walk over one spec document. */
struct ctx {
	struct jin in;		/* path, messages, error */
	struct spec *s;		/* what is being filled */
};

/* ---- spec_dist.c ---- */

/* spec_get_dist() (spec.h) reads a distribution. */

/* A number of seconds as a short duration: "261.6us", "30s", "2.5m". */
void spec__put_seconds(GString *g, double x);

/* "30s", or "uniform(min=20s, max=40s) (mean 30s)". */
void spec__put_dist(GString *g, const struct dist *d);

/* ---- spec_world.c ---- */

/* "topology", then "network" and "servers" (after the topology). */
gboolean spec__parse_topology(struct ctx *c, const cJSON *v);
gboolean spec__parse_network(struct ctx *c, const cJSON *v);
gboolean spec__parse_servers(struct ctx *c, const cJSON *v);

/* The AZ named @name in @w, or -1. */
int spec__find_az(const struct world_config *w, const char *name);

/* "a, b, c" (the spec's AZs, for messages; scratch). */
const char *spec__az_list(struct ctx *c);

/* A non-empty array of distinct node names or, when @single_ok, also a
 * single node name. Fills a new array (*@out, *@n) that the caller owns,
 * even on failure. */
gboolean spec__get_nodes(struct ctx *c, const cJSON *v, bool single_ok,
			 int **out, size_t *n);

/* ---- spec_startup.c ---- */

/* "startup" (the top level) and "topology.nodes[i].startup": each phase a
 * duration or a distribution (process, etcd, apiserver, kubelet); a
 * node's keys override the top level's phase by phase. */
gboolean spec__parse_startup(struct ctx *c, const cJSON *v);
gboolean spec__parse_node_startup(struct ctx *c, const cJSON *v,
				  struct node_config *n);

/* The "startup:" lines of `validate --explain`. */
void spec__explain_startup(const struct world_config *w, FILE *out);

/* ---- spec_failures.c (after the topology and the deadline) ---- */

gboolean spec__parse_failures(struct ctx *c, const cJSON *v);
gboolean spec__parse_random(struct ctx *c, const cJSON *v);

/* ---- spec_params.c ---- */

/* "policies" (default: k3s) and "baseline", from the root object. */
gboolean spec__parse_policies(struct ctx *c, const cJSON *root);

/* "params" (after the policies). */
gboolean spec__parse_params(struct ctx *c, const cJSON *v);

/* The parameters as set make sense together, for each policy. */
gboolean spec__check_policy_params(struct ctx *c);

/* A key of "params" or of "sweep" that names a policy: it must be one that
 * this spec runs. */
gboolean spec__check_policy(struct ctx *c, const char *name);

/* "k3s, k3s-legacy": the spec's policies. Caller frees with g_free(). */
char *spec__policy_list(const struct spec *s);

/* Whether @name is about retrying passes (the backoff, the budget). */
bool spec__is_retry_param(const char *name);

/* Where parameter @name of @ops lives: a K3s constant of the model (in
 * @k), else policy_param_slot() in @p. FALSE when there is no such
 * parameter. */
bool spec__param_slot(const struct policy_ops *ops, struct policy_params *p,
		      struct k3s_params *k, const char *name,
		      struct param_slot *out);

/* Every name spec__param_slot() knows for @ops (scratch). */
const char *spec__param_names(struct ctx *c, const struct policy_ops *ops);

/* Whether setting @name on @ops can change anything. */
bool spec__param_effective(const struct policy_ops *ops, const char *name);

/* The policies that back off between passes, for messages (scratch). */
const char *spec__retrying_policies(struct ctx *c);

/* ---- spec_sweep.c ---- */

/* "sweep" (after the policies and their params). */
gboolean spec__parse_sweep(struct ctx *c, const cJSON *v);

/* min <= max for the bounds of a uniform draw, over the whole grid. */
gboolean spec__check_param_ranges(struct ctx *c);

/* Every swept policy parameter makes sense with the others at each grid
 * point. */
gboolean spec__check_sweep_points(struct ctx *c);

/* Whether axis @a sets a parameter of policy @name. */
bool spec__axis_applies(const struct spec_axis *a, const char *name);

#endif
