/*
 * Study specs (study_spec.h), read with the JSON toolkit of the run specs
 * (json_in.h), so that a bad one names the file, the JSON path and what
 * would be valid, as a bad run spec does.
 */
#include "study_spec.h"
#include "json_in.h"
#include "spec.h"
#include "sim/error.h"

#include <string.h>

/* A study spec larger than this is refused rather than read. */
#define MAX_FILE_SIZE (16 << 20)

/* The walk over one study spec. */
struct sctx {
	struct jin in;		/* path, messages, error */
	struct study *st;	/* what is being filled */
};

static const char *const queueing_keys[] = {
	"name", "description", "workload", "seed", "requests", "servers",
	"workers", "service_time", "utilisation", "policies", NULL
};
static const char *const contention_keys[] = {
	"name", "description", "workload", "seed", "runs", "clients",
	"strategies", "backoff", "network", NULL
};

/* Optional duration @key of @obj into *@out; *@set when present. */
static gboolean get_dur(struct sctx *c, const cJSON *obj, const char *key,
			sim_time *out, bool *set)
{
	if (jin_member(obj, key))
		*set = true;
	return jin_opt_duration(&c->in, obj, key, out);
}

/* Required array @key of @obj with 1 to @max elements; the path is left
 * at it (*@mark to pop). */
static const cJSON *enter_list(struct sctx *c, const cJSON *obj,
			       const char *key, size_t max, const char *what,
			       size_t *mark)
{
	const cJSON *v;
	size_t n;

	v = jin_require(&c->in, obj, key, jin_keep(&c->in, g_strdup_printf(
			"an array of 1 to %zu %s", max, what)), mark);
	return v && jin_get_array(&c->in, v, 1, max, what, &n) ? v : NULL;
}

/* ---- queueing ---- */

/* "utilisation": the load per worker, each in (0, 1). */
static gboolean parse_utilisation(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v, *e;
	size_t m, mm;
	double x;

	if (!(v = enter_list(c, root, "utilisation", STUDY_MAX_POINTS,
			     "utilisations", &m)))
		return FALSE;
	cJSON_ArrayForEach(e, v) {
		mm = jin_push_index(&c->in, (size_t)st->n_x);
		if (!cJSON_IsNumber(e))
			return jin_wrong_type(&c->in, e, "a number in (0, 1) "
					      "(the load per worker)");
		if (!jin_get_number(&c->in, e, &x))
			return FALSE;
		if (!(x > 0 && x < 1))
			return jin_fail(&c->in, "expected a number in (0, 1) "
					"(the load per worker), got %s",
					jin_show(&c->in, e));
		st->x[st->n_x++] = x;
		jin_pop(&c->in, mm);
	}
	jin_pop(&c->in, m);
	return TRUE;
}

/* The own parameter of series @sr, which names policy @name. */
static gboolean check_own(struct sctx *c, struct study_series *sr,
			  const char *name)
{
	int k = policy_own_find(sr->ops, sr->own_name);

	jin_push_key(&c->in, sr->own_name);
	if (k < 0)
		return jin_fail(&c->in, "not a parameter of %s (a policy "
				"takes \"policy\", \"label\" and one of its "
				"own parameters; see selsim list)", name);
	if (sr->own_value < sr->ops->own[k].min ||
	    sr->own_value > sr->ops->own[k].max)
		return jin_fail(&c->in, "%g is out of range (valid: %g to %g)",
				sr->own_value, sr->ops->own[k].min,
				sr->ops->own[k].max);
	return TRUE;
}

/* One entry of "policies": a policy name, or {"policy": NAME, "label":
 * TEXT, OWN_PARAM: NUMBER}. */
static gboolean parse_series(struct sctx *c, const cJSON *e,
			     struct study_series *sr)
{
	const char *name = NULL, *label = NULL;
	const cJSON *p;
	size_t m;

	if (cJSON_IsString(e)) {
		name = e->valuestring;
	} else if (!cJSON_IsObject(e)) {
		return jin_wrong_type(&c->in, e, "a policy name or "
				      "{\"policy\": NAME, \"label\": TEXT, "
				      "OWN_PARAM: NUMBER}");
	} else {
		if (!jin_check_object(&c->in, e, NULL))
			return FALSE;
		for (p = e->child; p; p = p->next) {
			m = jin_push_key(&c->in, p->string);
			if (!strcmp(p->string, "policy")) {
				if (!jin_get_string(&c->in, p, &name))
					return FALSE;
			} else if (!strcmp(p->string, "label")) {
				if (!jin_get_text(&c->in, p, &label))
					return FALSE;
			} else if (!sr->own_name) {
				if (!jin_get_number(&c->in, p, &sr->own_value))
					return FALSE;
				sr->own_name = g_strdup(p->string);
			} else {
				return jin_fail(&c->in, "a second parameter (a "
						"policy takes \"policy\", "
						"\"label\" and one of its own "
						"parameters)");
			}
			jin_pop(&c->in, m);
		}
		if (!name)
			return jin_missing(&c->in, "policy", jin_keep(&c->in,
				g_strdup_printf("a policy name: %s",
					jin_keep(&c->in, policy_names()))));
	}
	if (!(sr->ops = policy_find(name))) {
		if (cJSON_IsObject(e))
			jin_push_key(&c->in, "policy");
		return jin_fail(&c->in, "unknown policy %s (known: %s)",
				jin_quote(&c->in, name),
				jin_keep(&c->in, policy_names()));
	}
	if (sr->own_name && !check_own(c, sr, name))
		return FALSE;
	sr->label = label ? g_strdup(label)
		  : sr->own_name ? g_strdup_printf("%s (%s=%g)", name,
						   sr->own_name, sr->own_value)
		  : g_strdup(name);
	return TRUE;
}

static gboolean parse_policies(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v, *e;
	size_t m, mm;

	if (!(v = enter_list(c, root, "policies", STUDY_MAX_SERIES,
			     "policies", &m)))
		return FALSE;
	cJSON_ArrayForEach(e, v) {
		mm = jin_push_index(&c->in, (size_t)st->n_series);
		/* counted first: the series owns its strings even on error */
		if (!parse_series(c, e, &st->series[st->n_series++]))
			return FALSE;
		jin_pop(&c->in, mm);
	}
	jin_pop(&c->in, m);
	return TRUE;
}

/* "requests" as an array: one count per utilisation, so that heavier
 * loads, whose runs stay correlated longer, run longer. After the
 * utilisations (it needs their number). */
static gboolean parse_requests(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v = jin_member(root, "requests"), *e;
	size_t m, n, i;
	double x;

	for (i = 0; i < (size_t)st->n_x; i++)
		st->requests_at[i] = st->requests;
	if (!cJSON_IsArray(v))
		return TRUE;
	m = jin_push_key(&c->in, "requests");
	if (!jin_get_array(&c->in, v, (size_t)st->n_x, (size_t)st->n_x,
			   "request counts (one per utilisation)", &n))
		return FALSE;
	i = 0;
	cJSON_ArrayForEach(e, v) {
		size_t mi = jin_push_index(&c->in, i);

		if (!jin_get_int(&c->in, e, 1000, 1e9, &x))
			return FALSE;
		jin_pop(&c->in, mi);
		st->requests_at[i++] = (uint64_t)x;
	}
	jin_pop(&c->in, m);
	return TRUE;
}

static gboolean parse_queueing(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v;
	double x;
	size_t m;

	if (!jin_check_object(&c->in, root, queueing_keys))
		return FALSE;
	st->requests = 200000;
	st->servers = st->workers = 1;
	st->service = (struct dist){ .kind = DIST_EXPONENTIAL, .p = { 1, 0 } };
	x = (double)st->requests;
	if (!cJSON_IsArray(jin_member(root, "requests")) &&
	    !jin_opt_int(&c->in, root, "requests", 1000, 1e9, &x))
		return FALSE;
	st->requests = (uint64_t)x;
	x = st->servers;
	if (!jin_opt_int(&c->in, root, "servers", 1, LB_MAX_SERVERS, &x))
		return FALSE;
	st->servers = (int)x;
	x = st->workers;
	if (!jin_opt_int(&c->in, root, "workers", 1, 1000, &x))
		return FALSE;
	st->workers = (int)x;
	if ((v = jin_enter(&c->in, root, "service_time", &m))) {
		if (!spec_get_dist(&c->in, v, &st->service))
			return FALSE;
		if (!(dist_mean(&st->service) > 0))
			return jin_fail(&c->in, "the mean must be above 0");
		jin_pop(&c->in, m);
	}
	return parse_utilisation(c, root) && parse_requests(c, root) &&
	       parse_policies(c, root);
}

/* ---- contention ---- */

/* "clients": {"from": N, "to": N, "step": N}. */
static gboolean parse_client_range(struct sctx *c, const cJSON *v)
{
	static const char *const keys[] = { "from", "to", "step", NULL };
	struct study *st = c->st;
	double from = 10, to = 190, step = 20, n;

	if (!jin_check_object(&c->in, v, keys) ||
	    !jin_opt_int(&c->in, v, "from", 1, 100000, &from) ||
	    !jin_opt_int(&c->in, v, "to", 1, 100000, &to) ||
	    !jin_opt_int(&c->in, v, "step", 1, 100000, &step))
		return FALSE;
	if (from > to)
		return jin_fail(&c->in, "from %g is more than to %g (no client "
				"count)", from, to);
	if ((to - from) / step >= STUDY_MAX_POINTS)
		return jin_fail(&c->in, "from %g to %g by %g is more than %d "
				"client counts", from, to, step,
				STUDY_MAX_POINTS);
	for (n = from; n <= to; n += step)
		st->x[st->n_x++] = n;
	return TRUE;
}

/* "clients": a range, or an array of counts. */
static gboolean parse_clients(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v, *e;
	size_t m, mm, n;

	v = jin_enter(&c->in, root, "clients", &m);
	if (!v)
		return jin_missing(&c->in, "clients", "{\"from\": N, \"to\": "
				   "N, \"step\": N} or an array of counts");
	if (cJSON_IsObject(v)) {
		if (!parse_client_range(c, v))
			return FALSE;
	} else {
		if (!jin_get_array(&c->in, v, 1, STUDY_MAX_POINTS,
				   "client counts", &n))
			return FALSE;
		cJSON_ArrayForEach(e, v) {
			mm = jin_push_index(&c->in, (size_t)st->n_x);
			if (!jin_get_int(&c->in, e, 1, 100000,
					 &st->x[st->n_x]))
				return FALSE;
			st->n_x++;
			jin_pop(&c->in, mm);
		}
	}
	jin_pop(&c->in, m);
	return TRUE;
}

/* "strategies": backoff names. */
static gboolean parse_strategies(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v, *e;
	const char *name;
	size_t m, mm;

	if (!(v = enter_list(c, root, "strategies", STUDY_MAX_SERIES,
			     "backoff strategies", &m)))
		return FALSE;
	cJSON_ArrayForEach(e, v) {
		GError *err = NULL;
		int k;

		mm = jin_push_index(&c->in, (size_t)st->n_series);
		if (!jin_get_string(&c->in, e, &name))
			return FALSE;
		k = backoff_find(name, &err);
		if (k < 0) {
			jin_fail(&c->in, "%s", err->message);
			g_error_free(err);
			return FALSE;
		}
		st->series[st->n_series].kind = (backoff_kind)k;
		st->series[st->n_series++].label = g_strdup(name);
		jin_pop(&c->in, mm);
	}
	jin_pop(&c->in, m);
	return TRUE;
}

static gboolean parse_contention(struct sctx *c, const cJSON *root)
{
	static const char *const bkeys[] = { "base", "cap", NULL };
	static const char *const nkeys[] = { "mean", "sd", NULL };
	struct study *st = c->st;
	const cJSON *v;
	double x = 100;
	size_t m;

	if (!jin_check_object(&c->in, root, contention_keys) ||
	    !jin_opt_int(&c->in, root, "runs", 1, 100000, &x))
		return FALSE;
	st->runs = (int)x;
	if (!parse_clients(c, root) || !parse_strategies(c, root))
		return FALSE;
	if ((v = jin_enter(&c->in, root, "backoff", &m))) {
		if (!jin_check_object(&c->in, v, bkeys) ||
		    !get_dur(c, v, "base", &st->base, &st->has_base) ||
		    !get_dur(c, v, "cap", &st->cap, &st->has_cap))
			return FALSE;
		jin_pop(&c->in, m);
	}
	if ((v = jin_enter(&c->in, root, "network", &m))) {
		if (!jin_check_object(&c->in, v, nkeys) ||
		    !get_dur(c, v, "mean", &st->net_mean, &st->has_net) ||
		    !get_dur(c, v, "sd", &st->net_sd, &st->has_net))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* ---- the document ---- */

/* "workload", then "name", "description" and "seed". */
static gboolean parse_head(struct sctx *c, const cJSON *root)
{
	struct study *st = c->st;
	const cJSON *v;
	const char *str;
	double x;
	size_t m;

	if (!cJSON_IsObject(root))
		return jin_wrong_type(&c->in, root, "an object");
	if (!(v = jin_require(&c->in, root, "workload", "\"queueing\" or "
			      "\"contention\" (a K3s experiment runs with "
			      "selsim run)", &m)))
		return FALSE;
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, "queueing") &&
				   strcmp(v->valuestring, "contention")))
		return jin_fail(&c->in, "expected \"queueing\" or "
				"\"contention\" (a K3s experiment runs with "
				"selsim run), got %s", jin_show(&c->in, v));
	st->queueing = !strcmp(v->valuestring, "queueing");
	jin_pop(&c->in, m);
	v = jin_require(&c->in, root, "name", "the study's name, one line of "
			"text", &m);
	if (!v || !jin_get_text(&c->in, v, &str))
		return FALSE;
	st->name = g_strdup(str);
	jin_pop(&c->in, m);
	str = "";
	x = (double)st->seed;
	if (!jin_opt_string(&c->in, root, "description", &str) ||
	    !jin_opt_int(&c->in, root, "seed", 0, JIN_MAX_EXACT_INT, &x))
		return FALSE;
	st->description = g_strdup(str);
	st->seed = (uint64_t)x;
	return TRUE;
}

gboolean study_parse(const char *file, const char *text, struct study *st,
		     GError **error)
{
	struct sctx c = { .st = st };
	cJSON *root = NULL;
	gboolean ok;

	memset(st, 0, sizeof(*st));
	st->file = file;
	st->seed = 1;
	if (!jin_parse_text(file, text, &root, error))
		return FALSE;
	jin_init(&c.in, file, NULL, error);
	ok = parse_head(&c, root) &&
	     (st->queueing ? parse_queueing(&c, root)
			   : parse_contention(&c, root));
	jin_release(&c.in);
	cJSON_Delete(root);
	if (!ok)
		study_release(st);
	return ok;
}

gboolean study_load(const char *path, struct study *st, GError **error)
{
	char *text = NULL;
	gboolean ok;

	memset(st, 0, sizeof(*st));
	if (!jin_read_file(path, MAX_FILE_SIZE, "a study spec", &text, error))
		return FALSE;
	ok = study_parse(path, text, st, error);
	g_free(text);
	return ok;
}

void study_release(struct study *st)
{
	int i;

	for (i = 0; i < st->n_series; i++) {
		g_free(st->series[i].label);
		g_free(st->series[i].own_name);
	}
	g_free(st->name);
	g_free(st->description);
	dist_release(&st->service);
	memset(st, 0, sizeof(*st));
}
