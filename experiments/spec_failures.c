/*
 * Failures in a spec: the "failures" timeline, "random_failures", and a
 * failure in words (spec_failure_describe(), spec_failure_usage()).
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- failures ---- */

/* The keys a failure of each kind takes besides "at" and the kind. */
static const struct {
	const char *options[4];		/* NULL-terminated */
	const char *usage;		/* for `selsim list` */
} failure_info[FAIL_N_KINDS] = {
	[FAIL_STOP] = { { "duration", NULL },
		"\"stop\": NODE or [NODE, ...], \"duration\": DIST "
		"(default: stays stopped; else it starts again after it)" },
	[FAIL_START] = { { NULL },
		"\"start\": NODE or [NODE, ...]" },
	[FAIL_RESTART] = { { NULL },
		"\"restart\": NODE or [NODE, ...]" },
	[FAIL_CRASH] = { { "duration", NULL },
		"\"crash\": NODE or [NODE, ...], \"duration\": DIST "
		"(default: the host stays down)" },
	[FAIL_ROLLING_RESTART] = { { "interval", "wait", NULL },
		"\"rolling_restart\": [NODE, ...], \"interval\": DIST "
		"(default 30s), \"wait\": \"ready\" or \"none\" (default none)" },
	[FAIL_AZ_OUTAGE] = { { "duration", NULL },
		"\"az_outage\": AZ, \"duration\": DIST (default: for good)" },
	[FAIL_PARTITION] = { { "from", "one_way", "duration", NULL },
		"\"partition\": NODE or [NODE, ...], \"from\": NODE or "
		"[NODE, ...] (default: every other node), \"one_way\": BOOL "
		"(default false), \"duration\": DIST (default: for good)" },
	[FAIL_SLOW] = { { "factor", "duration", NULL },
		"\"slow\": NODE or [NODE, ...], \"factor\": NUMBER >= 1 "
		"(required), \"duration\": DIST (default: for good)" },
	[FAIL_LOSS] = { { "rate", "duration", NULL },
		"\"loss\": NODE or [NODE, ...], \"rate\": NUMBER in [0, 1) "
		"(required), \"duration\": DIST (default: for good)" },
};

const char *spec_failure_usage(failure_kind k)
{
	SIM_ASSERT(k >= 0 && k < FAIL_N_KINDS);
	return failure_info[k].usage;
}

static const char *failure_kind_list(struct ctx *c)
{
	const char *names[FAIL_N_KINDS + 1];
	int k;

	for (k = 0; k < FAIL_N_KINDS; k++)
		names[k] = failure_kind_names[k];
	names[k] = NULL;
	return jin_join(&c->in, names);
}

/* Every key any failure may have: "at", the kinds, then their options,
 * into @buf (zeroed, large enough) as a NULL-terminated list. */
static void failure_all_keys(const char **buf)
{
	size_t n = 0;
	int k, o;

	buf[n++] = "at";
	for (k = 0; k < FAIL_N_KINDS; k++)
		buf[n++] = failure_kind_names[k];
	for (k = 0; k < FAIL_N_KINDS; k++)
		for (o = 0; failure_info[k].options[o]; o++)
			if (!jin_in_list(buf, failure_info[k].options[o]))
				buf[n++] = failure_info[k].options[o];
}

/* Checks the keys of failure object @v and finds its one kind. */
static gboolean failure_kind_of(struct ctx *c, const cJSON *v,
				failure_kind *out)
{
	/* "at", the kinds, at most 3 options each, NULL */
	const char *all[1 + 4 * FAIL_N_KINDS + 1] = { NULL };
	const char *valid[8];
	const cJSON *item;
	const char *first = NULL;
	int k, n;

	failure_all_keys(all);
	if (!jin_check_object(&c->in, v, all))
		return FALSE;
	for (k = 0; k < FAIL_N_KINDS; k++) {
		if (!jin_member(v, failure_kind_names[k]))
			continue;
		if (first)
			return jin_fail(&c->in, "two failure kinds, '%s' and "
					"'%s' (a failure has exactly one of: "
					"%s)", first, failure_kind_names[k],
					failure_kind_list(c));
		first = failure_kind_names[k];
		*out = (failure_kind)k;
	}
	if (!first)
		return jin_fail(&c->in, "no failure kind (a failure has "
				"\"at\" and exactly one of: %s)",
				failure_kind_list(c));

	n = 0;
	valid[n++] = "at";
	valid[n++] = first;
	for (k = 0; failure_info[*out].options[k]; k++)
		valid[n++] = failure_info[*out].options[k];
	valid[n] = NULL;
	for (item = v->child; item; item = item->next)
		if (!jin_in_list(valid, item->string))
			return jin_fail(&c->in, "unknown key %s for a %s "
					"failure (valid: %s)",
					jin_quote(&c->in, item->string), first,
					jin_join(&c->in, valid));
	return TRUE;
}

/* "at": by the deadline. */
static gboolean parse_failure_at(struct ctx *c, const cJSON *v,
				 struct failure_config *f)
{
	const struct world_config *w = &c->s->world;
	char buf[SIM_TIME_FMT_LEN];
	const cJSON *item;
	size_t m;

	item = jin_require(&c->in, v, "at", "when it happens, e.g. \"30s\"",
			   &m);
	if (!item || !jin_get_duration(&c->in, item, &f->at))
		return FALSE;
	if (f->at > w->deadline)
		return jin_fail(&c->in, "%s is after the deadline (%s; a "
				"failure must happen by then)",
				jin_show(&c->in, item),
				sim_time_format(w->deadline, buf));
	jin_pop(&c->in, m);
	return TRUE;
}

/* The kind's key: the AZ of an outage, else the nodes it hits. */
static gboolean parse_failure_target(struct ctx *c, const cJSON *v,
				     struct failure_config *f)
{
	const struct world_config *w = &c->s->world;
	const char *kind_name = failure_kind_names[f->kind], *str;
	const cJSON *target = jin_member(v, kind_name);
	size_t m = jin_push_key(&c->in, kind_name);

	f->az = -1;
	if (f->kind == FAIL_AZ_OUTAGE) {
		if (!jin_get_string(&c->in, target, &str))
			return FALSE;
		f->az = spec__find_az(w, str);
		if (f->az < 0)
			return jin_fail(&c->in, "unknown AZ %s (azs: %s)",
					jin_quote(&c->in, str),
					spec__az_list(c));
	} else if (!spec__get_nodes(c, target,
				    f->kind != FAIL_ROLLING_RESTART,
				    &f->nodes, &f->n_nodes)) {
		return FALSE;
	}
	jin_pop(&c->in, m);
	return TRUE;
}

/* "from": the other side of a partition. */
static gboolean parse_failure_from(struct ctx *c, const cJSON *item,
				   struct failure_config *f)
{
	const struct world_config *w = &c->s->world;
	size_t i, j;

	if (!spec__get_nodes(c, item, true, &f->peers, &f->n_peers))
		return FALSE;
	for (i = 0; i < f->n_peers; i++)
		for (j = 0; j < f->n_nodes; j++)
			if (f->peers[i] == f->nodes[j])
				return jin_fail(&c->in, "node '%s' is on both "
						"sides of the partition",
						w->nodes[f->peers[i]].name);
	return TRUE;
}

/* The options any kind may take (failure_kind_of() checked which). */
static gboolean parse_failure_options(struct ctx *c, const cJSON *v,
				      struct failure_config *f)
{
	static const char *const waits[] = { "ready", "none", NULL };
	const cJSON *item;
	size_t m;
	int k;

	if (f->kind == FAIL_ROLLING_RESTART)
		f->interval = dist_constant(30);
	if ((item = jin_enter(&c->in, v, "interval", &m))) {
		if (!spec_get_dist(&c->in, item, &f->interval))
			return FALSE;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "wait", &m))) {
		if (!jin_get_choice(&c->in, item, waits, &k))
			return FALSE;
		f->wait_ready = k == 0;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "duration", &m))) {
		if (!spec_get_dist(&c->in, item, &f->duration))
			return FALSE;
		f->has_duration = true;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "from", &m))) {
		if (!parse_failure_from(c, item, f))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return jin_opt_bool(&c->in, v, "one_way", &f->one_way);
}

/* The required number of a slow-down ("factor", >= 1) or of a loss
 * ("rate", in [0, 1)). */
static gboolean parse_failure_amount(struct ctx *c, const cJSON *v,
				     struct failure_config *f)
{
	bool slow = f->kind == FAIL_SLOW;
	const char *key = slow ? "factor" : "rate";
	const cJSON *item;
	double x;
	size_t m;

	item = jin_require(&c->in, v, key, slow ? "the service-time "
			   "multiplier, a number from 1 to 1000" : "the probability "
			   "that a SYN is lost, in [0, 1)", &m);
	if (!item)
		return FALSE;
	if (slow ? !jin_get_number_in(&c->in, item, 1, JIN_MAX_FACTOR, "the "
				      "factor multiplies the service time",
				      &x)
		 : !jin_get_number(&c->in, item, &x))
		return FALSE;
	if (!slow && (x < 0 || x >= 1))
		return jin_fail(&c->in, "%s is not a probability in [0, 1)",
				jin_show(&c->in, item));
	if (slow)
		f->factor = x;
	else
		f->loss = x;
	jin_pop(&c->in, m);
	return TRUE;
}

static gboolean parse_failure(struct ctx *c, const cJSON *v,
			      struct failure_config *f)
{
	if (!failure_kind_of(c, v, &f->kind) ||
	    !parse_failure_at(c, v, f) || !parse_failure_target(c, v, f) ||
	    !parse_failure_options(c, v, f))
		return FALSE;
	if (f->kind == FAIL_SLOW || f->kind == FAIL_LOSS)
		return parse_failure_amount(c, v, f);
	return TRUE;
}

gboolean spec__parse_failures(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i = 0, m;

	if (!cJSON_IsArray(v))
		return jin_wrong_type(&c->in, v, "an array of failures");
	w->n_failures = (size_t)cJSON_GetArraySize(v);
	w->failures = g_new0(struct failure_config, w->n_failures);
	cJSON_ArrayForEach(e, v) {
		m = jin_push_index(&c->in, i);
		if (!parse_failure(c, e, &w->failures[i]))
			return FALSE;
		jin_pop(&c->in, m);
		i++;
	}
	return TRUE;
}

/* ---- random failures ---- */

static const char *const random_keys[] = {
	"count", "at", "kinds", "nodes", "azs", "duration", "factor", "rate",
	"one_way", "partition", NULL
};

/* The kinds a random failure may be: those that need one target. */
static const failure_kind random_kinds[] = {
	FAIL_STOP, FAIL_RESTART, FAIL_CRASH, FAIL_AZ_OUTAGE, FAIL_PARTITION,
	FAIL_SLOW, FAIL_LOSS,
};

static const char *random_kind_list(struct ctx *c)
{
	const char *names[G_N_ELEMENTS(random_kinds) + 1];
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(random_kinds); k++)
		names[k] = failure_kind_names[random_kinds[k]];
	names[k] = NULL;
	return jin_join(&c->in, names);
}

/* The largest count of random failures a spec may draw: past 64
 * (CONFIG_MAX_RANDOM_FAILURES) draws are capped, but a distribution that
 * reaches 10000 is not what anyone means. */
#define SPEC_MAX_COUNT_DRAW 10000.0

/* A distribution that must not go below @lo (a rough check on its
 * parameters: a distribution's minimum where it has one), nor above @hi
 * but once in a billion draws. */
static gboolean parse_dist_at_least(struct ctx *c, const cJSON *v,
				    struct dist *d, double lo, double hi,
				    const char *what)
{
	double min;

	if (!spec_get_dist_in(&c->in, v, hi, what, "", d))
		return FALSE;
	switch (d->kind) {
	case DIST_CONSTANT:
	case DIST_UNIFORM:
		min = d->p[0];
		break;
	case DIST_PARETO:
		min = d->p[1];
		break;
	default:
		min = lo;	/* unbounded below 0: draws are clamped */
	}
	if (min < lo)
		return jin_fail(&c->in, "%s can go below %g (%s)",
				jin_show(&c->in, v), lo, what);
	return TRUE;
}

/* "kinds": {KIND: WEIGHT, ...} (default: crash only). */
static gboolean parse_random_kinds(struct ctx *c, const cJSON *item)
{
	struct random_config *rc = &c->s->world.random;
	const cJSON *k;
	double total = 0, x;
	size_t m, i;

	if (!jin_check_object(&c->in, item, NULL))	/* duplicate keys */
		return FALSE;
	rc->weight[FAIL_CRASH] = 0;
	for (k = item->child; k; k = k->next) {
		int kind = -1;

		for (i = 0; i < G_N_ELEMENTS(random_kinds); i++)
			if (!strcmp(k->string,
				    failure_kind_names[random_kinds[i]]))
				kind = (int)random_kinds[i];
		m = jin_push_key(&c->in, k->string);
		if (kind < 0)
			return jin_fail(&c->in, "not a kind a random failure "
					"can be (valid: %s)",
					random_kind_list(c));
		if (!jin_get_number(&c->in, k, &x))
			return FALSE;
		if (x < 0 || x > 1e6)
			return jin_fail(&c->in, "%s is not a weight from 0 to "
					"1000000", jin_show(&c->in, k));
		rc->weight[kind] = x;
		total += x;
		jin_pop(&c->in, m);
	}
	if (total <= 0)
		return jin_fail(&c->in, "no kind has a weight above 0 (valid "
				"kinds: %s)", random_kind_list(c));
	return TRUE;
}

/* "azs": a non-empty array of AZ names. */
static gboolean parse_random_azs(struct ctx *c, const cJSON *item)
{
	const struct world_config *w = &c->s->world;
	struct random_config *rc = &c->s->world.random;
	const cJSON *e;
	size_t i = 0, m;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0)
		return jin_wrong_type(&c->in, item, "a non-empty array of AZ "
				      "names");
	rc->azs = g_new(int, (size_t)cJSON_GetArraySize(item));
	cJSON_ArrayForEach(e, item) {
		m = jin_push_index(&c->in, i);
		if (!cJSON_IsString(e))
			return jin_wrong_type(&c->in, e, "an AZ name");
		rc->azs[i] = spec__find_az(w, e->valuestring);
		if (rc->azs[i] < 0)
			return jin_fail(&c->in, "unknown AZ %s (azs: %s)",
					jin_quote(&c->in, e->valuestring),
					spec__az_list(c));
		rc->n_azs = ++i;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* "nodes" and "azs": where failures may strike (default: anywhere). */
static gboolean parse_random_targets(struct ctx *c, const cJSON *v)
{
	const struct world_config *w = &c->s->world;
	struct random_config *rc = &c->s->world.random;
	const cJSON *item;
	size_t m, i;

	if ((item = jin_enter(&c->in, v, "nodes", &m))) {
		if (!spec__get_nodes(c, item, true, &rc->nodes, &rc->n_nodes))
			return FALSE;
		jin_pop(&c->in, m);
	} else {
		rc->n_nodes = w->n_nodes;
		rc->nodes = g_new(int, w->n_nodes);
		for (i = 0; i < w->n_nodes; i++)
			rc->nodes[i] = (int)i;
	}
	if ((item = jin_enter(&c->in, v, "azs", &m))) {
		if (!parse_random_azs(c, item))
			return FALSE;
		jin_pop(&c->in, m);
	} else {
		rc->n_azs = w->n_azs;
		rc->azs = g_new(int, w->n_azs);
		for (i = 0; i < w->n_azs; i++)
			rc->azs[i] = (int)i;
	}
	return TRUE;
}

/* "duration", "factor" and "rate": the draws of a failure's size. */
static gboolean parse_random_sizes(struct ctx *c, const cJSON *v)
{
	struct random_config *rc = &c->s->world.random;
	const cJSON *item;
	size_t m;

	if ((item = jin_enter(&c->in, v, "duration", &m))) {
		if (!spec_get_dist(&c->in, item, &rc->duration))
			return FALSE;
		rc->has_duration = true;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "factor", &m))) {
		if (!parse_dist_at_least(c, item, &rc->factor, 1,
					 JIN_MAX_FACTOR, "the service-time "
					 "multiplier is from 1 to 1000"))
			return FALSE;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "rate", &m))) {
		if (!spec_get_dist_in(&c->in, item, 1, "a probability", "",
				      &rc->rate))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* "one_way" (a probability) and "partition" (node or az). */
static gboolean parse_random_partition(struct ctx *c, const cJSON *v)
{
	static const char *const sides[] = { "node", "az", NULL };
	struct random_config *rc = &c->s->world.random;
	const cJSON *item;
	const char *str;
	size_t m;

	if ((item = jin_enter(&c->in, v, "one_way", &m))) {
		if (!jin_get_number(&c->in, item, &rc->one_way))
			return FALSE;
		if (rc->one_way < 0 || rc->one_way > 1)
			return jin_fail(&c->in, "%s is not a probability in "
					"[0, 1]", jin_show(&c->in, item));
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "partition", &m))) {
		if (!jin_get_string(&c->in, item, &str))
			return FALSE;
		if (!jin_in_list(sides, str))
			return jin_fail(&c->in, "unknown value %s (valid: "
					"node, which isolates the target node; "
					"az, which isolates a whole AZ)",
					jin_quote(&c->in, str));
		rc->partition_az = !strcmp(str, "az");
		jin_pop(&c->in, m);
	}
	return TRUE;
}

gboolean spec__parse_random(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	struct random_config *rc = &w->random;
	const cJSON *item;
	size_t m;

	if (!jin_check_object(&c->in, v, random_keys))
		return FALSE;
	rc->enabled = true;
	rc->count = dist_constant(1);
	rc->at = (struct dist){ .kind = DIST_UNIFORM,
				.p = { 0, sim_time_to_s(w->deadline) / 2 } };
	rc->factor = (struct dist){ .kind = DIST_UNIFORM, .p = { 2, 10 } };
	rc->rate = (struct dist){ .kind = DIST_UNIFORM, .p = { 0.05, 0.5 } };
	rc->weight[FAIL_CRASH] = 1;
	if ((item = jin_enter(&c->in, v, "count", &m))) {
		if (!parse_dist_at_least(c, item, &rc->count, 0,
					 SPEC_MAX_COUNT_DRAW, "a number of "
					 "failures (at most 64 happen)"))
			return FALSE;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "at", &m))) {
		if (!spec_get_dist(&c->in, item, &rc->at))
			return FALSE;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "kinds", &m))) {
		if (!parse_random_kinds(c, item))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return parse_random_targets(c, v) && parse_random_sizes(c, v) &&
	       parse_random_partition(c, v);
}

static void put_nodes(GString *g, const struct world_config *w,
		      const int *nodes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "",
				       w->nodes[nodes[i]].name);
}

static void put_for(GString *g, const struct failure_config *f,
		    const char *until)
{
	if (f->has_duration) {
		g_string_append(g, ", for ");
		spec__put_dist(g, &f->duration);
	} else {
		g_string_append_printf(g, ", %s", until);
	}
}

char *spec_failure_describe(const struct world_config *w,
			    const struct failure_config *f)
{
	GString *g = g_string_new(NULL);

	switch (f->kind) {
	case FAIL_STOP:
	case FAIL_START:
	case FAIL_RESTART:
		g_string_append_printf(g, "%s ", failure_kind_names[f->kind]);
		put_nodes(g, w, f->nodes, f->n_nodes);
		break;
	case FAIL_CRASH:
		g_string_append(g, "crash the host of ");
		put_nodes(g, w, f->nodes, f->n_nodes);
		if (f->has_duration) {
			g_string_append(g, ", back (and the node started) "
					"after ");
			spec__put_dist(g, &f->duration);
		} else {
			g_string_append(g, ", for good");
		}
		break;
	case FAIL_ROLLING_RESTART:
		g_string_append(g, "rolling restart of ");
		put_nodes(g, w, f->nodes, f->n_nodes);
		g_string_append(g, ", ");
		spec__put_dist(g, &f->interval);
		g_string_append(g, f->wait_ready ?
				" apart, each after the last is Ready" :
				" apart, not waiting for Ready");
		break;
	case FAIL_AZ_OUTAGE:
		g_string_append_printf(g, "outage of AZ %s",
				       f->az >= 0 ? w->azs[f->az].name : "?");
		put_for(g, f, "for good");
		break;
	case FAIL_PARTITION:
		g_string_append(g, "partition ");
		put_nodes(g, w, f->nodes, f->n_nodes);
		g_string_append(g, " from ");
		if (f->peers)
			put_nodes(g, w, f->peers, f->n_peers);
		else
			g_string_append(g, "every other node");
		if (f->one_way)
			g_string_append(g, " (one way: their packets to "
					"the others are dropped)");
		put_for(g, f, "for good");
		break;
	case FAIL_SLOW:
		g_string_append(g, "slow ");
		put_nodes(g, w, f->nodes, f->n_nodes);
		g_string_append_printf(g, ": service time x%g", f->factor);
		put_for(g, f, "for good");
		break;
	case FAIL_LOSS:
		g_string_append_printf(g, "lose %g%% of SYNs to and from ",
				       f->loss * 100);
		put_nodes(g, w, f->nodes, f->n_nodes);
		put_for(g, f, "for good");
		break;
	case FAIL_N_KINDS:
		SIM_BUG("failure kind %d", (int)f->kind);
	}
	return g_string_free(g, FALSE);
}

