/*
 * The spec loader: JSON (cJSON) in, a validated struct spec out.
 *
 * The parser walks the document once, in an order that lets every name be
 * resolved when it is met: the policies before "baseline", "params" and
 * "sweep"; the AZs before the nodes; every node's name before any node
 * refers to another; the deadline and the nodes before the failures. It
 * stops at the first problem, with one message of the form
 *
 *     FILE: JSON.PATH: what is wrong (what would be valid)
 *
 * The path and the messages are json_in.h's: the path grows and shrinks
 * as the walk goes down and up, and on an error it is left where the
 * problem is; strings built only for a message go to a scratch array
 * freed at the end of the parse, so that no error path has anything to
 * free. Each section of a spec has its own file (spec_internal.h lists
 * them); this one holds the root object, loading and releasing, the
 * --policies selection, and the world of each grid point when the sweep
 * has world axes (the document with the point's values set, parsed
 * again).
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* A spec file larger than this is refused rather than read. */
#define MAX_FILE_SIZE (64 << 20)

static const char *const top_keys[] = {
	"name", "description", "seed", "scenarios", "deadline", "policies",
	"baseline", "topology", "network", "servers", "failures",
	"random_failures", "params", "sweep", "startup", "tune", "failover",
	"controller_manager", NULL
};

/* "name": letters, digits, '.', '_' and '-' (it names files). */
static gboolean parse_name(struct ctx *c, const cJSON *root)
{
	const cJSON *v;
	const char *str, *p;
	size_t m;

	v = jin_require(&c->in, root, "name", "the experiment's name, made "
			"of [A-Za-z0-9._-]", &m);
	if (!v || !jin_get_string(&c->in, v, &str))
		return FALSE;
	for (p = str; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
			break;
	if (!*str || *p || !strcmp(str, ".") || !strcmp(str, ".."))
		return jin_fail(&c->in, "%s is not a usable name (letters, "
				"digits, '.', '_' and '-', not '.' or '..')",
				jin_quote(&c->in, str));
	c->s->name = g_strdup(str);
	jin_pop(&c->in, m);
	return TRUE;
}

/* "deadline", at most JIN_MAX_DEADLINE_S; every duration after it at most
 * JIN_DEADLINE_FACTOR times it (json_in.h). */
static gboolean parse_deadline(struct ctx *c, const cJSON *root)
{
	struct world_config *w = &c->s->world;
	const cJSON *v;
	char buf[SIM_TIME_FMT_LEN];
	size_t m;

	jin_set_max_seconds(&c->in, JIN_MAX_DEADLINE_S, "a scenario is one "
			    "join");
	if ((v = jin_enter(&c->in, root, "deadline", &m))) {
		if (!jin_get_positive_duration(&c->in, v, &w->deadline))
			return FALSE;
		jin_pop(&c->in, m);
	}
	jin_set_max_seconds(&c->in, JIN_DEADLINE_FACTOR *
			    sim_time_to_s(w->deadline),
			    jin_keep(&c->in, g_strdup_printf(
				    "%g x the deadline, %s",
				    JIN_DEADLINE_FACTOR, sim_time_format(
					    w->deadline, buf))));
	return TRUE;
}

/* "description", "seed", "scenarios", "deadline". */
static gboolean parse_run(struct ctx *c, const cJSON *root)
{
	struct spec *s = c->s;
	const char *str = "";
	double seed = 1, scenarios = 1000;

	if (!jin_opt_string(&c->in, root, "description", &str) ||
	    !jin_opt_int(&c->in, root, "seed", 0, JIN_MAX_EXACT_INT, &seed) ||
	    !jin_opt_int(&c->in, root, "scenarios", 1, 100000000, &scenarios) ||
	    !parse_deadline(c, root) ||
	    !jin_opt_bool(&c->in, root, "failover", &s->world.failover))
		return FALSE;
	s->description = g_strdup(str);
	s->seed = (uint64_t)seed;
	s->scenarios = (int)scenarios;
	return TRUE;
}

/* "controller_manager": with failover, the server whose controller-
 * manager leads at the start (default: the first with an apiserver). */
static gboolean parse_kcm(struct ctx *c, const cJSON *v)
{
	const char *name;
	int id;

	if (!jin_get_string(&c->in, v, &name))
		return FALSE;
	id = world_config_find_node(&c->s->world, name);
	if (id < 0 || !role_has_apiserver(c->s->world.nodes[id].role))
		return jin_fail(&c->in, "%s is not a server with an apiserver "
				"(a node of role server or control-plane)",
				jin_quote(&c->in, name));
	c->s->world.kcm_leader = id;
	return TRUE;
}

/* The optional sections after the topology, in the order they are
 * parsed: each may refer to what comes before it. */
static const struct {
	const char *key;
	gboolean (*parse)(struct ctx *c, const cJSON *v);
} sections[] = {
	{ "network", spec__parse_network },
	{ "servers", spec__parse_servers },
	{ "startup", spec__parse_startup },
	{ "failures", spec__parse_failures },
	{ "random_failures", spec__parse_random },
	{ "params", spec__parse_params },
	{ "sweep", spec__parse_sweep },
	{ "controller_manager", parse_kcm },
};

static gboolean parse_root(struct ctx *c, const cJSON *root)
{
	const cJSON *v;
	size_t m, i;

	if (!jin_check_object(&c->in, root, top_keys) ||
	    !parse_name(c, root) || !parse_run(c, root) ||
	    !spec__parse_policies(c, root))
		return FALSE;
	v = jin_require(&c->in, root, "topology", "{\"azs\": {...}, "
			"\"nodes\": [...]}", &m);
	if (!v || !spec__parse_topology(c, v))
		return FALSE;
	jin_pop(&c->in, m);
	for (i = 0; i < G_N_ELEMENTS(sections); i++) {
		if (!(v = jin_enter(&c->in, root, sections[i].key, &m)))
			continue;
		if (!sections[i].parse(c, v))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return spec__check_param_ranges(c) && spec__check_policy_params(c) &&
	       spec__check_sweep_points(c);
}

/* ---- world axes: a path into the spec, set per grid point ---- */

/*
 * Sets the value at @path ("failures[1].duration", "network.syn_retry")
 * in @root to @value (taken). Every step but the last must exist; the last
 * key of an object may be new. Returns FALSE, with @why set, when the path
 * does not lead anywhere.
 */
static gboolean path_set(cJSON *root, const char *path, cJSON *value,
			 const char **why)
{
	gchar **steps = g_strsplit(path, ".", -1);
	cJSON *at = root;
	gboolean ok = FALSE;
	size_t i, n = g_strv_length(steps);

	for (i = 0; i < n; i++) {
		char *name = steps[i], *br = strchr(name, '[');
		long index = -1;
		bool last = i + 1 == n;
		cJSON *next;

		if (br) {
			char *end;

			*br = '\0';
			index = strtol(br + 1, &end, 10);
			if (index < 0 || strcmp(end, "]")) {
				*why = "a step is NAME or NAME[INDEX]";
				goto out;
			}
		}
		if (!*name || !cJSON_IsObject(at)) {
			*why = "the path leaves the spec's objects";
			goto out;
		}
		next = cJSON_GetObjectItemCaseSensitive(at, name);
		if (last && index < 0) {
			if (next)
				cJSON_ReplaceItemInObjectCaseSensitive(at, name,
								       value);
			else
				cJSON_AddItemToObject(at, name, value);
			value = NULL;
			ok = TRUE;
			goto out;
		}
		if (!next) {
			*why = "the spec has nothing at this path";
			goto out;
		}
		if (index >= 0) {
			if (!cJSON_IsArray(next) ||
			    index >= cJSON_GetArraySize(next)) {
				*why = "the index is past the end of the array";
				goto out;
			}
			if (last) {
				cJSON_ReplaceItemInArray(next, (int)index, value);
				value = NULL;
				ok = TRUE;
				goto out;
			}
			next = cJSON_GetArrayItem(next, (int)index);
		}
		at = next;
	}
out:
	cJSON_Delete(value);
	g_strfreev(steps);
	return ok;
}

/* The spec text of grid point @point: the document with each world axis
 * set and the sweep removed. Caller frees with g_free(); NULL (and @why)
 * when a path does not resolve. */
static char *point_text(const struct spec *s, const cJSON *doc, size_t point,
			const struct spec_axis **bad, const char **why)
{
	cJSON *copy = cJSON_Duplicate(doc, TRUE);
	size_t *k = g_new(size_t, s->n_axes + 1), i;
	char *text, *out;

	spec_point_indices(s, point, k);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "sweep");
	/* the last axis first, as the values were always set */
	for (i = s->n_axes; i-- > 0;) {
		const struct spec_axis *a = &s->axes[i];
		char buf[SIM_TIME_FMT_LEN];

		if (!a->world)
			continue;
		sim_time_format(a->values[k[i]], buf);
		if (!path_set(copy, a->key, a->json ? cJSON_Parse(a->json[k[i]])
			      : cJSON_CreateString(buf), why)) {
			*bad = a;
			cJSON_Delete(copy);
			g_free(k);
			return NULL;
		}
	}
	g_free(k);
	text = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	out = g_strdup(text);
	cJSON_free(text);
	return out;
}

bool spec_has_world_axes(const struct spec *s)
{
	size_t i;

	for (i = 0; i < s->n_axes; i++)
		if (s->axes[i].world)
			return true;
	return false;
}

/* Builds the world of @point from the kept document. */
static gboolean build_point_world(const struct spec *s, size_t point,
				  struct world_config *out, GError **error)
{
	const struct spec_axis *bad = NULL;
	const char *why = NULL;
	char *text = point_text(s, s->doc, point, &bad, &why);
	struct spec tmp;
	GError *err = NULL;

	if (!text) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: sweep.%s: %s (a world axis is a path such as "
			    "\"failures[1].duration\")", s->file, bad->key, why);
		return FALSE;
	}
	if (!spec_parse(s->file, text, &tmp, &err)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s (with the sweep's values at grid point %zu)",
			    err->message, point);
		g_error_free(err);
		g_free(text);
		return FALSE;
	}
	g_free(text);
	*out = tmp.world;
	memset(&tmp.world, 0, sizeof(tmp.world));
	spec_release(&tmp);
	return TRUE;
}

gboolean spec_point_world(const struct spec *s, size_t point,
			  struct world_config *out, GError **error)
{
	SIM_ASSERT(s->doc != NULL && point < spec_grid_size(s));
	return build_point_world(s, point, out, error);
}

/* The most grid points a sweep of the world may have: each point's world
 * is built and checked at load, and kept while the run lasts. */
#define SPEC_MAX_WORLD_GRID 10000

/* Every grid point must give a valid world (values valid alone can clash
 * together: an "at" past a swept deadline): all are checked at load. */
static gboolean check_world_axes(struct spec *s, GError **error)
{
	size_t i, n = spec_grid_size(s);

	if (n > SPEC_MAX_WORLD_GRID) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: sweep: %zu grid points with a world axis (at "
			    "most %d: each point's world is built)", s->file, n,
			    SPEC_MAX_WORLD_GRID);
		return FALSE;
	}
	for (i = 0; i < n; i++) {
		struct world_config w;

		if (!build_point_world(s, i, &w, error))
			return FALSE;
		world_config_release(&w);
	}
	return TRUE;
}

/* ---- load and release ---- */

gboolean spec_parse(const char *file, const char *text, struct spec *out,
		    GError **error)
{
	struct ctx c = { .s = out };
	cJSON *root;
	gboolean ok;

	memset(out, 0, sizeof(*out));
	world_config_init(&out->world);
	out->file = g_strdup(file);
	if (!jin_parse_text(file, text, &root, error)) {
		spec_release(out);
		return FALSE;
	}
	jin_init(&c.in, file, NULL, error);
	ok = parse_root(&c, root);
	jin_release(&c.in);
	if (ok && spec_has_world_axes(out)) {
		out->doc = root;	/* each point's world is built from it */
		ok = check_world_axes(out, error);
	} else {
		cJSON_Delete(root);
	}
	if (!ok)
		spec_release(out);
	return ok;
}

gboolean spec_load(const char *path, struct spec *out, GError **error)
{
	char *text;
	gboolean ok;

	memset(out, 0, sizeof(*out));
	if (!jin_read_file(path, MAX_FILE_SIZE, "a spec", &text, error))
		return FALSE;
	ok = spec_parse(path, text, out, error);
	g_free(text);
	return ok;
}

static void release_axis(struct spec_axis *a)
{
	g_free(a->key);
	g_free(a->policy);
	g_free(a->name);
	g_free(a->values);
	g_free(a->numbers);
	g_strfreev(a->labels);
	g_strfreev(a->json);
}

void spec_axis_release(struct spec_axis *a)
{
	release_axis(a);
}

const char *spec_axis_label(const struct spec_axis *a, double x)
{
	if (!a->labels || x < 0 || x >= (double)a->n_values)
		return NULL;
	return a->labels[(size_t)x];
}

void spec_release(struct spec *s)
{
	size_t i;

	g_free(s->file);
	g_free(s->name);
	g_free(s->description);
	g_free(s->baseline);
	g_free(s->policies);
	for (i = 0; i < s->n_axes; i++)
		release_axis(&s->axes[i]);
	g_free(s->axes);
	world_config_release(&s->world);
	cJSON_Delete(s->doc);
	memset(s, 0, sizeof(*s));
}

/* ---- choosing policies ---- */

gboolean spec_select_policies(struct spec *s, const char *list,
			      GError **error)
{
	char **names = g_strsplit(list, ",", -1);
	struct spec_policy *kept;
	size_t n = 0, i, j;
	int *idx;

	for (i = 0; names[i]; i++)
		g_strstrip(names[i]);
	idx = g_new(int, g_strv_length(names) + 1);
	for (i = 0; names[i]; i++) {
		idx[i] = spec_policy_index(s, names[i]);
		for (j = 0; j < i && idx[i] >= 0; j++)
			if (idx[j] == idx[i])
				break;
		if (idx[i] < 0 || j < i) {
			char *known = spec__policy_list(s);

			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s: policies: %s '%s' (this spec runs: %s)",
				    s->file ? s->file : "spec",
				    idx[i] < 0 ? "no policy" :
						 "listed twice:",
				    names[i], known);
			g_free(known);
			g_free(idx);
			g_strfreev(names);
			return FALSE;
		}
	}
	n = i;
	if (n == 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: policies: an empty selection", s->file);
		g_free(idx);
		g_strfreev(names);
		return FALSE;
	}
	kept = g_new(struct spec_policy, n);
	for (i = 0; i < n; i++)
		kept[i] = s->policies[idx[i]];
	g_free(s->policies);
	s->policies = kept;
	s->n_policies = n;
	if (spec_policy_index(s, s->baseline) < 0) {
		g_free(s->baseline);
		s->baseline = g_strdup(s->policies[0].ops->name);
	}
	/* axes of a policy no longer run have nothing to sweep */
	for (i = j = 0; i < s->n_axes; i++) {
		if (s->axes[i].policy &&
		    spec_policy_index(s, s->axes[i].policy) < 0)
			release_axis(&s->axes[i]);
		else
			s->axes[j++] = s->axes[i];
	}
	s->n_axes = j;
	g_free(idx);
	g_strfreev(names);
	return TRUE;
}
