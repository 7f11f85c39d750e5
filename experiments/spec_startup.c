/*
 * "startup": the process start-up phases of every node (top level) and a
 * node's own ("topology.nodes[i].startup", phase by phase), their
 * explanation for `validate --explain` and their words for the report.
 * The phases, defaults and sources live in models/config.c
 * (startup_phase_info).
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <string.h>

static const char *const startup_keys[STARTUP_N + 1] = {
	"process", "etcd", "apiserver", "kubelet", NULL
};

G_STATIC_ASSERT(STARTUP_N == 4);

/* Reads the phases @v names into @out, marking each in @set (may be
 * NULL). */
static gboolean parse_phases(struct ctx *c, const cJSON *v,
			     struct startup_config *out, bool *set)
{
	const cJSON *item;
	size_t m;
	int k;

	if (!cJSON_IsObject(v))
		return jin_wrong_type(&c->in, v, "an object of start-up "
				      "phases (process, etcd, apiserver, "
				      "kubelet), each a duration or a "
				      "distribution");
	if (!jin_check_object(&c->in, v, startup_keys))
		return FALSE;
	for (k = 0; k < STARTUP_N; k++) {
		if (strcmp(startup_keys[k], startup_phase_info[k].name))
			SIM_BUG("startup key %s is not phase %s",
				startup_keys[k], startup_phase_info[k].name);
		item = jin_enter(&c->in, v, startup_keys[k], &m);
		if (!item)
			continue;
		if (!spec_get_dist(&c->in, item, &out->phase[k]))
			return FALSE;
		if (dist_mean(&out->phase[k]) < 0)
			return jin_fail(&c->in, "%s has a negative mean (a "
					"start-up phase lasts 0s or more)",
					jin_show(&c->in, item));
		if (set)
			set[k] = true;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

gboolean spec__parse_startup(struct ctx *c, const cJSON *v)
{
	return parse_phases(c, v, &c->s->world.startup, NULL);
}

gboolean spec__parse_node_startup(struct ctx *c, const cJSON *v,
				  struct node_config *n)
{
	return parse_phases(c, v, &n->startup, n->startup_set);
}

char *spec_startup_describe(const struct world_config *w, int k)
{
	const struct startup_phase_info *in = &startup_phase_info[k];
	GString *g = g_string_new(NULL);
	size_t i;

	g_string_append_printf(g, "%s (%s): ", in->name, in->roles);
	spec__put_dist(g, &w->startup.phase[k]);
	for (i = 0; i < w->n_nodes; i++) {
		if (!w->nodes[i].startup_set[k])
			continue;
		g_string_append_printf(g, "; %s: ", w->nodes[i].name);
		spec__put_dist(g, &w->nodes[i].startup.phase[k]);
	}
	g_string_append_printf(g, ". %s. Default from: %s", in->what,
			       in->source);
	return g_string_free(g, FALSE);
}

void spec__explain_startup(const struct world_config *w, FILE *out)
{
	struct startup_config def;
	size_t i;
	int k;

	startup_config_default(&def);
	fprintf(out, "startup: drawn once per phase at every (re)start, from "
		"the node's own stream; join times include them\n");
	for (k = 0; k < STARTUP_N; k++) {
		const struct startup_phase_info *in = &startup_phase_info[k];
		GString *g = g_string_new(NULL);

		spec__put_dist(g, &w->startup.phase[k]);
		if (memcmp(&def.phase[k], &w->startup.phase[k],
			   sizeof(def.phase[k]))) {
			g_string_append(g, "; set by the spec (default ");
			spec__put_dist(g, &def.phase[k]);
			g_string_append_c(g, ')');
		} else {
			g_string_append(g, "; default");
		}
		for (i = 0; i < w->n_nodes; i++) {
			if (!w->nodes[i].startup_set[k])
				continue;
			g_string_append_printf(g, "; %s: ", w->nodes[i].name);
			spec__put_dist(g, &w->nodes[i].startup.phase[k]);
		}
		fprintf(out, "  %-9s %s\n    roles: %s; covers: %s\n    "
			"default from: %s\n", in->name, g->str, in->roles,
			in->what, in->source);
		g_string_free(g, TRUE);
	}
}
