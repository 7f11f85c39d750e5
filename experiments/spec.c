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
 * The path is kept in a GString that grows and shrinks as the walk goes
 * down and up; on an error it is left where the problem is. Strings built
 * only for a message go to a scratch array freed at the end of the parse,
 * so that no error path has anything to free.
 */
#include "spec.h"
#include "policies/plugin.h"
#include "sim/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The largest integer a JSON number (a double) holds exactly. */
#define MAX_EXACT_INT 9007199254740991.0
/* Quoted values are cut after this many characters. */
#define QUOTE_MAX 60
/* Lists of node names in messages stop after this many. */
#define LIST_MAX 16
/* A spec file larger than this is refused rather than read. */
#define MAX_FILE_SIZE (64 << 20)

struct ctx {
	const char *file;	/* for messages */
	GString *path;		/* where the walk is: "topology.nodes[2]" */
	GPtrArray *scratch;	/* strings made for messages, freed at the end */
	GError **error;
	struct spec *s;
};

/* ---- messages and the path ---- */

/* Appends @msg to @out with control characters escaped, so that every
 * message stays on one line whatever the input holds. */
static void append_one_line(GString *out, const char *msg)
{
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p; p++) {
		if (*p == '\n')
			g_string_append(out, "\\n");
		else if (*p == '\t')
			g_string_append(out, "\\t");
		else if (*p == '\r')
			g_string_append(out, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			g_string_append_printf(out, "\\x%02x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
}

/* Sets the error "FILE: PATH: message" (or "FILE: message" at the top
 * level) and returns FALSE, so that callers can `return fail(...)`. */
G_GNUC_PRINTF(2, 3)
static gboolean fail(struct ctx *c, const char *fmt, ...)
{
	GString *msg = g_string_new(NULL);
	va_list ap;
	char *body;

	va_start(ap, fmt);
	body = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	append_one_line(msg, c->file);
	g_string_append(msg, ": ");
	if (c->path->len) {
		append_one_line(msg, c->path->str);
		g_string_append(msg, ": ");
	}
	append_one_line(msg, body);
	g_set_error_literal(c->error, SIM_ERROR, SIM_ERROR_INPUT, msg->str);
	g_string_free(msg, TRUE);
	g_free(body);
	return FALSE;
}

/* Hands @str to the scratch array and returns it: for message arguments. */
static const char *keep(struct ctx *c, char *str)
{
	g_ptr_array_add(c->scratch, str);
	return str;
}

static size_t push_key(struct ctx *c, const char *key)
{
	size_t mark = c->path->len;

	if (mark)
		g_string_append_c(c->path, '.');
	g_string_append(c->path, key);
	return mark;
}

static size_t push_index(struct ctx *c, size_t i)
{
	size_t mark = c->path->len;

	g_string_append_printf(c->path, "[%zu]", i);
	return mark;
}

static void pop(struct ctx *c, size_t mark)
{
	g_string_truncate(c->path, mark);
}

/* 'text', cut after QUOTE_MAX characters (the text is valid UTF-8: the
 * whole document was checked before parsing). */
static const char *quote(struct ctx *c, const char *text)
{
	glong n = g_utf8_strlen(text, -1);

	if (n <= QUOTE_MAX)
		return keep(c, g_strdup_printf("'%s'", text));
	return keep(c, g_strdup_printf("'%.*s...'",
		(int)(g_utf8_offset_to_pointer(text, QUOTE_MAX) - text), text));
}

/* A JSON value as it would be written, for "got ..." in messages. */
static const char *show(struct ctx *c, const cJSON *v)
{
	char *text;
	const char *q;

	if (cJSON_IsString(v))
		return quote(c, v->valuestring);
	text = cJSON_PrintUnformatted(v);
	if (!text)
		return "?";
	if (g_utf8_strlen(text, -1) <= QUOTE_MAX) {
		q = keep(c, g_strdup(text));
	} else {
		q = keep(c, g_strdup_printf("%.*s...",
			(int)(g_utf8_offset_to_pointer(text, QUOTE_MAX) - text),
			text));
	}
	cJSON_free(text);
	return q;
}

static const char *type_of(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	return "null";
}

static gboolean wrong_type(struct ctx *c, const cJSON *v, const char *want)
{
	return fail(c, "expected %s, got %s (%s)", want, type_of(v),
		    show(c, v));
}

/* Reports the required key @key of the current object as missing. */
static gboolean missing(struct ctx *c, const char *key, const char *what)
{
	push_key(c, key);
	return fail(c, "missing (required: %s)", what);
}

/* "a, b, c" from a NULL-terminated list. */
static const char *join(struct ctx *c, const char *const *list)
{
	return keep(c, g_strjoinv(", ", (char **)list));
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* ---- JSON values ---- */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The member @key of @obj, when present, with the path pushed to it. */
static const cJSON *enter(struct ctx *c, const cJSON *obj, const char *key,
			  size_t *mark)
{
	const cJSON *v = member(obj, key);

	if (v)
		*mark = push_key(c, key);
	return v;
}

/*
 * Checks that @v is an object without duplicate keys (cJSON keeps both;
 * the second would silently be ignored) and, when @valid is given, with
 * only those keys.
 */
static gboolean check_object(struct ctx *c, const cJSON *v,
			     const char *const *valid)
{
	const cJSON *k, *p;

	if (!cJSON_IsObject(v))
		return wrong_type(c, v, "an object");
	for (k = v->child; k; k = k->next) {
		for (p = v->child; p != k; p = p->next)
			if (!strcmp(p->string, k->string))
				return fail(c, "duplicate key %s",
					    quote(c, k->string));
		if (valid && !in_list(valid, k->string))
			return fail(c, "unknown key %s (valid: %s)",
				    quote(c, k->string), join(c, valid));
	}
	return TRUE;
}

static gboolean get_string(struct ctx *c, const cJSON *v, const char **out)
{
	*out = NULL;
	if (!cJSON_IsString(v))
		return wrong_type(c, v, "a string");
	*out = v->valuestring;
	return TRUE;
}

static gboolean get_name(struct ctx *c, const cJSON *v, const char **out)
{
	if (!get_string(c, v, out))
		return FALSE;
	const char *p;

	if (!**out)
		return fail(c, "a name cannot be empty");
	/* names go into traces (TSV), gnuplot scripts and reports */
	for (p = *out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr("<>&\"'`\\", *p))
			return fail(c, "%s has a control character or one of "
				    "< > & \" ' ` \\ (names appear in traces "
				    "and reports)", show(c, v));
	return TRUE;
}

static gboolean get_bool(struct ctx *c, const cJSON *v, bool *out)
{
	if (!cJSON_IsBool(v))
		return wrong_type(c, v, "true or false");
	*out = cJSON_IsTrue(v);
	return TRUE;
}

static gboolean get_number(struct ctx *c, const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v))
		return wrong_type(c, v, "a number");
	if (!isfinite(v->valuedouble))
		return fail(c, "%s is not a finite number", show(c, v));
	*out = v->valuedouble;
	return TRUE;
}

/* An integer in [lo, hi]. */
static gboolean get_int(struct ctx *c, const cJSON *v, double lo, double hi,
			double *out)
{
	double x;

	if (!cJSON_IsNumber(v))
		return wrong_type(c, v, keep(c, g_strdup_printf(
			"an integer from %.0f to %.0f", lo, hi)));
	x = v->valuedouble;
	if (!isfinite(x) || x != floor(x) || x < lo || x > hi)
		return fail(c, "%s is not an integer from %.0f to %.0f",
			    show(c, v), lo, hi);
	*out = x;
	return TRUE;
}

#define DURATION_WORDS "a duration (a string with a unit such as \"250ms\", " \
	"or a number of seconds)"

/* A duration: a string with units, or a number of seconds. */
static gboolean get_duration(struct ctx *c, const cJSON *v, sim_time *out)
{
	GError *err = NULL;
	gboolean ok;

	if (cJSON_IsString(v))
		ok = sim_time_parse(v->valuestring, out, &err);
	else if (cJSON_IsNumber(v))
		ok = sim_time_from_seconds(v->valuedouble, out, &err);
	else
		return wrong_type(c, v, DURATION_WORDS);
	if (!ok) {
		fail(c, "%s", err->message);
		g_error_free(err);
	}
	return ok;
}

static gboolean get_positive_duration(struct ctx *c, const cJSON *v,
				      sim_time *out)
{
	if (!get_duration(c, v, out))
		return FALSE;
	if (*out <= 0)
		return fail(c, "%s: must be longer than 0", show(c, v));
	return TRUE;
}

/* A duration in seconds, as distributions hold them. A number is kept as
 * written; a string is exact to the nanosecond. */
static gboolean get_seconds(struct ctx *c, const cJSON *v, double *out)
{
	sim_time t;

	if (!get_duration(c, v, &t))
		return FALSE;
	*out = cJSON_IsNumber(v) ? v->valuedouble : sim_time_to_s(t);
	return TRUE;
}

/* ---- distributions ---- */

static const char *dist_kind_list(struct ctx *c)
{
	const char *names[DIST_N_KINDS + 1];
	int k;

	for (k = 0; k < DIST_N_KINDS; k++)
		names[k] = dist_kinds[k].name;
	names[k] = NULL;
	return join(c, names);
}

/* "median, sigma" */
static const char *dist_param_list(struct ctx *c, const struct dist_kind_info *k)
{
	const char *names[3] = { k->param[0], k->param[1], NULL };

	return join(c, names);
}

static int dist_param_index(const struct dist_kind_info *k, const char *name)
{
	int i;

	for (i = 0; i < 2 && k->param[i]; i++)
		if (!strcmp(k->param[i], name))
			return i;
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static gboolean parse_samples(struct ctx *c, const cJSON *v, struct dist *d)
{
	const cJSON *e;
	size_t i = 0, m;

	if (!cJSON_IsArray(v))
		return wrong_type(c, v, "an array of durations");
	d->n_samples = (size_t)cJSON_GetArraySize(v);
	if (d->n_samples == 0)
		return fail(c, "no samples (at least one duration is required)");
	d->samples = g_new(double, d->n_samples);
	cJSON_ArrayForEach(e, v) {
		m = push_index(c, i);
		if (!get_seconds(c, e, &d->samples[i]))
			return FALSE;
		pop(c, m);
		i++;
	}
	qsort(d->samples, d->n_samples, sizeof(double), cmp_double);
	return TRUE;
}

/* The fields of a distribution object, into @d (which owns what it got
 * even on failure). */
static gboolean parse_dist_object(struct ctx *c, const cJSON *v,
				  struct dist *d)
{
	const struct dist_kind_info *k;
	const cJSON *item;
	const char *kind, *why;
	size_t m;
	int ki, i;

	if (!check_object(c, v, NULL))
		return FALSE;
	item = member(v, "dist");
	if (!item)
		return missing(c, "dist", keep(c, g_strdup_printf(
			"a distribution is {\"dist\": KIND, ...}, KIND one of %s",
			dist_kind_list(c))));
	m = push_key(c, "dist");
	if (!get_string(c, item, &kind))
		return FALSE;
	ki = dist_kind_find(kind);
	if (ki < 0)
		return fail(c, "unknown distribution %s (known: %s)",
			    quote(c, kind), dist_kind_list(c));
	pop(c, m);
	k = &dist_kinds[ki];
	d->kind = (dist_kind)ki;

	for (item = v->child; item; item = item->next)
		if (strcmp(item->string, "dist") &&
		    dist_param_index(k, item->string) < 0)
			return fail(c, "unknown key %s for a %s distribution "
				    "(valid: dist, %s)", quote(c, item->string),
				    k->name, dist_param_list(c, k));
	for (i = 0; i < 2 && k->param[i]; i++) {
		gboolean ok;

		item = member(v, k->param[i]);
		if (!item)
			return missing(c, k->param[i], keep(c, g_strdup_printf(
				"a %s distribution takes %s", k->name,
				dist_param_list(c, k))));
		m = push_key(c, k->param[i]);
		if (d->kind == DIST_EMPIRICAL)
			ok = parse_samples(c, item, d);
		else if (k->param_is_duration[i])
			ok = get_seconds(c, item, &d->p[i]);
		else
			ok = get_number(c, item, &d->p[i]);
		if (!ok)
			return FALSE;
		pop(c, m);
	}

	why = dist_check(d);
	if (why) {
		/* point the path at the parameter the message starts with */
		for (i = 0; i < 2 && k->param[i]; i++) {
			size_t n = strlen(k->param[i]);

			if (!strncmp(why, k->param[i], n) && why[n] == ' ') {
				push_key(c, k->param[i]);
				break;
			}
		}
		return fail(c, "%s (got %s)", why,
			    keep(c, dist_describe(d, true)));
	}
	return TRUE;
}

/*
 * A distribution of durations: a duration (a constant) or
 * {"dist": KIND, PARAM: VALUE, ...}. Replaces @out only on success.
 */
static gboolean parse_dist(struct ctx *c, const cJSON *v, struct dist *out)
{
	struct dist d = { 0 };

	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		double x;

		if (!get_seconds(c, v, &x))
			return FALSE;
		dist_release(out);
		*out = dist_constant(x);
		return TRUE;
	}
	if (!cJSON_IsObject(v))
		return wrong_type(c, v, "a duration or a distribution "
				  "({\"dist\": KIND, ...})");
	if (!parse_dist_object(c, v, &d)) {
		dist_release(&d);
		return FALSE;
	}
	dist_release(out);
	*out = d;
	return TRUE;
}

/* ---- names of things, for messages ---- */

/* "etcd-1, etcd-2, ... (40 in all)": every node, or only the servers,
 * leaving out node @except (-1 for none). */
static const char *node_list(struct ctx *c, bool servers_only, int except)
{
	const struct world_config *w = &c->s->world;
	GString *s = g_string_new(NULL);
	size_t i, shown = 0, total = 0;

	for (i = 0; i < w->n_nodes; i++) {
		if (!w->nodes[i].name || (int)i == except ||
		    (servers_only && !role_is_server(w->nodes[i].role)))
			continue;
		total++;
		if (shown < LIST_MAX) {
			g_string_append_printf(s, "%s%s", shown ? ", " : "",
					       w->nodes[i].name);
			shown++;
		}
	}
	if (total > shown)
		g_string_append_printf(s, ", ... (%zu in all)", total);
	return keep(c, g_string_free(s, FALSE));
}

static const char *az_list(struct ctx *c)
{
	const struct world_config *w = &c->s->world;
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < w->n_azs && i < LIST_MAX; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       w->azs[i].name);
	if (w->n_azs > LIST_MAX)
		g_string_append_printf(s, ", ... (%zu in all)", w->n_azs);
	return keep(c, g_string_free(s, FALSE));
}

/* "k3s, k3s-legacy": caller frees with g_free(). */
static char *spec_policy_list(const struct spec *s)
{
	GString *g = g_string_new(NULL);
	size_t i;

	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "",
				       s->policies[i].ops->name);
	return g_string_free(g, FALSE);
}

static const char *role_list(struct ctx *c)
{
	const char *names[ROLE_N + 1];
	int r;

	for (r = 0; r < ROLE_N; r++)
		names[r] = node_role_names[r];
	names[r] = NULL;
	return join(c, names);
}

static const char *param_list(struct ctx *c)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < policy_n_params; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       policy_param_descs[i].name);
	return keep(c, g_string_free(s, FALSE));
}

/* The node named @name, skipping slots not filled yet. */
static int find_node(const struct world_config *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i].name && !strcmp(w->nodes[i].name, name))
			return (int)i;
	return -1;
}

static int find_az(const struct world_config *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n_azs; i++)
		if (w->azs[i].name && !strcmp(w->azs[i].name, name))
			return (int)i;
	return -1;
}

/* A node reference (a string naming a node) at the current path. */
static gboolean get_node(struct ctx *c, const cJSON *v, int *out)
{
	const char *name;

	if (!get_string(c, v, &name))
		return FALSE;
	*out = find_node(&c->s->world, name);
	if (*out < 0)
		return fail(c, "unknown node %s (nodes: %s)", quote(c, name),
			    node_list(c, false, -1));
	return TRUE;
}

/*
 * A node name or, when @list_ok, also an array of distinct node names
 * (never empty). Fills a new array that the caller owns, even on failure.
 */
static gboolean get_nodes(struct ctx *c, const cJSON *v, bool single_ok,
			  int **out, size_t *n)
{
	const cJSON *e;
	size_t i = 0, j, m;

	*out = NULL;
	*n = 0;
	if (single_ok && cJSON_IsString(v)) {
		*out = g_new(int, 1);
		*n = 1;
		return get_node(c, v, *out);
	}
	if (!cJSON_IsArray(v))
		return wrong_type(c, v, single_ok ?
			"a node name or an array of node names" :
			"an array of node names");
	if (cJSON_GetArraySize(v) == 0)
		return fail(c, "an empty list (name at least one node)");
	*out = g_new(int, (size_t)cJSON_GetArraySize(v));
	cJSON_ArrayForEach(e, v) {
		m = push_index(c, i);
		if (!get_node(c, e, &(*out)[i]))
			return FALSE;
		for (j = 0; j < i; j++)
			if ((*out)[j] == (*out)[i])
				return fail(c, "node %s is listed twice",
					    quote(c, e->valuestring));
		pop(c, m);
		*n = ++i;
	}
	return TRUE;
}

/* ---- the topology ---- */

static const char *const topology_keys[] = { "azs", "nodes", NULL };
static const char *const node_keys[] = {
	"name", "role", "az", "server", "cache", "ca_on_disk", "up", "rtt", NULL
};

static gboolean parse_azs(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i = 0, r, m;

	if (!check_object(c, v, NULL))
		return FALSE;
	if (cJSON_GetArraySize(v) == 0)
		return fail(c, "no AZs (map each AZ name to its region, "
			    "e.g. {\"a\": \"region-1\"})");
	w->n_azs = (size_t)cJSON_GetArraySize(v);
	w->azs = g_new0(struct az_config, w->n_azs);
	/* at most one region per AZ */
	w->regions = g_new0(char *, w->n_azs);
	for (e = v->child; e; e = e->next, i++) {
		const char *region;

		if (!*e->string)
			return fail(c, "an AZ name cannot be empty");
		m = push_key(c, e->string);
		if (!get_string(c, e, &region))
			return FALSE;
		if (!*region)
			return fail(c, "a region name cannot be empty");
		for (r = 0; r < w->n_regions; r++)
			if (!strcmp(w->regions[r], region))
				break;
		if (r == w->n_regions)
			w->regions[w->n_regions++] = g_strdup(region);
		w->azs[i].name = g_strdup(e->string);
		w->azs[i].region = (int)r;
		pop(c, m);
	}
	return TRUE;
}

/* Pass 1 over a node: what other nodes may refer to (name, role, AZ). */
static gboolean parse_node_identity(struct ctx *c, const cJSON *v, size_t i)
{
	struct world_config *w = &c->s->world;
	struct node_config *n = &w->nodes[i];
	const cJSON *item;
	const char *str;
	size_t m;
	int r;

	if (!check_object(c, v, node_keys))
		return FALSE;

	item = member(v, "name");
	if (!item)
		return missing(c, "name", "the node's name, unique");
	m = push_key(c, "name");
	if (!get_name(c, item, &str))
		return FALSE;
	if (find_node(w, str) >= 0)
		return fail(c, "node %s is defined twice (nodes[%d] has it "
			    "too)", quote(c, str), find_node(w, str));
	n->name = g_strdup(str);
	pop(c, m);

	item = member(v, "role");
	if (!item)
		return missing(c, "role", keep(c, g_strdup_printf(
			"one of %s", role_list(c))));
	m = push_key(c, "role");
	if (!get_string(c, item, &str))
		return FALSE;
	for (r = 0; r < ROLE_N; r++)
		if (!strcmp(node_role_names[r], str))
			break;
	if (r == ROLE_N)
		return fail(c, "unknown role %s (valid: %s)", quote(c, str),
			    role_list(c));
	n->role = (node_role)r;
	pop(c, m);

	item = member(v, "az");
	if (!item)
		return missing(c, "az", keep(c, g_strdup_printf(
			"one of the AZs: %s", az_list(c))));
	m = push_key(c, "az");
	if (!get_string(c, item, &str))
		return FALSE;
	n->az = find_az(w, str);
	if (n->az < 0)
		return fail(c, "unknown AZ %s (azs: %s)", quote(c, str),
			    az_list(c));
	pop(c, m);
	return TRUE;
}

/* A reference to a server node by @i: a node that exists, is not @i
 * itself and is not an agent. */
static gboolean get_server_node(struct ctx *c, const cJSON *v, size_t i,
				int *out)
{
	const struct world_config *w = &c->s->world;

	if (!get_node(c, v, out))
		return FALSE;
	if ((size_t)*out == i)
		return fail(c, "%s is this node itself (name another server: "
			    "%s)", show(c, v), node_list(c, true, (int)i));
	if (!role_is_server(w->nodes[*out].role))
		return fail(c, "%s is an agent (a server is a node whose role "
			    "is etcd, control-plane or server: %s)", show(c, v),
			    node_list(c, true, (int)i));
	return TRUE;
}

/* Pass 2 over a node: its references to others, flags and RTT. */
static gboolean parse_node_links(struct ctx *c, const cJSON *v, size_t i,
				 int first_etcd)
{
	struct world_config *w = &c->s->world;
	struct node_config *n = &w->nodes[i];
	const cJSON *item, *e;
	size_t m, j, k;

	n->ca_on_disk = true;
	n->up = true;

	item = enter(c, v, "server", &m);
	if (item) {
		if (!get_server_node(c, item, i, &n->server))
			return FALSE;
		pop(c, m);
	} else if (n->role == ROLE_AGENT || n->role == ROLE_CONTROL_PLANE) {
		return missing(c, "server", keep(c, g_strdup_printf(
			"%s node joins through a server: one of %s",
			n->role == ROLE_AGENT ? "an agent" : "a control-plane",
			node_list(c, true, (int)i))));
	} else {
		/* An etcd or server node without --server joins the first
		 * node that runs etcd; that node itself starts the cluster. */
		n->server = (size_t)first_etcd == i ? -1 : first_etcd;
	}

	item = enter(c, v, "cache", &m);
	if (item) {
		if (!cJSON_IsArray(item))
			return wrong_type(c, item, "an array of server names");
		n->cache = g_new(int, (size_t)cJSON_GetArraySize(item) + 1);
		k = 0;
		cJSON_ArrayForEach(e, item) {
			size_t mm = push_index(c, k);

			if (!get_server_node(c, e, i, &n->cache[k]))
				return FALSE;
			for (j = 0; j < k; j++)
				if (n->cache[j] == n->cache[k])
					return fail(c, "%s is listed twice",
						    show(c, e));
			n->n_cache = ++k;
			pop(c, mm);
		}
		pop(c, m);
	} else {
		n->cache = g_new(int, w->n_nodes);
		for (j = 0; j < w->n_nodes; j++)
			if (j != i && role_is_server(w->nodes[j].role))
				n->cache[n->n_cache++] = (int)j;
	}

	if ((item = enter(c, v, "ca_on_disk", &m))) {
		if (!get_bool(c, item, &n->ca_on_disk))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "up", &m))) {
		if (!get_bool(c, item, &n->up))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "rtt", &m))) {
		if (!parse_dist(c, item, &n->rtt))
			return FALSE;
		n->has_rtt = true;
		pop(c, m);
	}
	return TRUE;
}

static gboolean parse_nodes(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i, m, n_servers = 0;
	int first_etcd = -1;

	if (!cJSON_IsArray(v))
		return wrong_type(c, v, "an array of nodes");
	if (cJSON_GetArraySize(v) == 0)
		return fail(c, "no nodes (at least one is required)");
	if (cJSON_GetArraySize(v) > CONFIG_MAX_NODES)
		return fail(c, "%d nodes (at most %d)", cJSON_GetArraySize(v),
			    CONFIG_MAX_NODES);
	w->n_nodes = (size_t)cJSON_GetArraySize(v);
	w->nodes = g_new0(struct node_config, w->n_nodes);

	i = 0;
	cJSON_ArrayForEach(e, v) {
		m = push_index(c, i);
		if (!parse_node_identity(c, e, i))
			return FALSE;
		pop(c, m);
		if (role_is_server(w->nodes[i].role))
			n_servers++;
		if (first_etcd < 0 && role_has_etcd(w->nodes[i].role))
			first_etcd = (int)i;
		i++;
	}
	if (first_etcd < 0)
		return fail(c, "no node runs etcd (at least one node needs "
			    "role etcd or server)");
	if (n_servers > CONFIG_MAX_SERVERS)
		return fail(c, "%zu server nodes (at most %d: a load balancer "
			    "tracks no more)", n_servers, CONFIG_MAX_SERVERS);

	i = 0;
	cJSON_ArrayForEach(e, v) {
		m = push_index(c, i);
		if (!parse_node_links(c, e, i, first_etcd))
			return FALSE;
		pop(c, m);
		i++;
	}
	return TRUE;
}

static gboolean parse_topology(struct ctx *c, const cJSON *v)
{
	const cJSON *item;
	size_t m;

	if (!check_object(c, v, topology_keys))
		return FALSE;
	item = member(v, "azs");
	if (!item)
		return missing(c, "azs", "an object mapping each AZ name to "
			       "its region, e.g. {\"a\": \"region-1\"}");
	m = push_key(c, "azs");
	if (!parse_azs(c, item))
		return FALSE;
	pop(c, m);
	item = member(v, "nodes");
	if (!item)
		return missing(c, "nodes", "an array of {\"name\", \"role\", "
			       "\"az\", ...}");
	m = push_key(c, "nodes");
	if (!parse_nodes(c, item))
		return FALSE;
	pop(c, m);
	return TRUE;
}

/* ---- network and servers ---- */

static const char *const network_keys[] = {
	"rtt", "loss", "tls_round_trips", "syn_retry", NULL
};
static const char *const servers_keys[] = {
	"workers", "queue", "service_time", NULL
};

static gboolean parse_network(struct ctx *c, const cJSON *v)
{
	struct network_config *net = &c->s->world.network;
	const char *rtt_keys[LINK_N_CLASSES + 1];
	const cJSON *item, *rtt;
	size_t m, mm;
	double x;
	int k;

	if (!check_object(c, v, network_keys))
		return FALSE;
	for (k = 0; k < LINK_N_CLASSES; k++)
		rtt_keys[k] = link_class_names[k];
	rtt_keys[k] = NULL;
	if ((rtt = enter(c, v, "rtt", &m))) {
		if (!check_object(c, rtt, rtt_keys))
			return FALSE;
		for (k = 0; k < LINK_N_CLASSES; k++) {
			item = enter(c, rtt, link_class_names[k], &mm);
			if (!item)
				continue;
			if (!parse_dist(c, item, &net->rtt[k]))
				return FALSE;
			pop(c, mm);
		}
		pop(c, m);
	}
	if ((item = enter(c, v, "loss", &m))) {
		if (!get_number(c, item, &x))
			return FALSE;
		if (x < 0 || x >= 1)
			return fail(c, "%s is not a probability in [0, 1)",
				    show(c, item));
		net->loss = x;
		pop(c, m);
	}
	if ((item = enter(c, v, "tls_round_trips", &m))) {
		if (!get_int(c, item, 0, 4, &x))
			return FALSE;
		net->tls_round_trips = (int)x;
		pop(c, m);
	}
	if ((item = enter(c, v, "syn_retry", &m))) {
		if (!get_positive_duration(c, item, &net->syn_retry))
			return FALSE;
		pop(c, m);
	}
	return TRUE;
}

static gboolean parse_servers(struct ctx *c, const cJSON *v)
{
	struct servers_config *sv = &c->s->world.servers;
	const cJSON *item;
	size_t m;
	double x;

	if (!check_object(c, v, servers_keys))
		return FALSE;
	if ((item = enter(c, v, "workers", &m))) {
		if (!get_int(c, item, 1, 1000000, &x))
			return FALSE;
		sv->workers = (int)x;
		pop(c, m);
	}
	if ((item = enter(c, v, "queue", &m))) {
		if (!get_int(c, item, 0, 1000000000, &x))
			return FALSE;
		sv->queue = (int)x;
		pop(c, m);
	}
	if ((item = enter(c, v, "service_time", &m))) {
		if (!parse_dist(c, item, &sv->service_time))
			return FALSE;
		pop(c, m);
	}
	return TRUE;
}

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
	return join(c, names);
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
			if (!in_list(buf, failure_info[k].options[o]))
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
	if (!check_object(c, v, all))
		return FALSE;
	for (k = 0; k < FAIL_N_KINDS; k++) {
		if (!member(v, failure_kind_names[k]))
			continue;
		if (first)
			return fail(c, "two failure kinds, '%s' and '%s' (a "
				    "failure has exactly one of: %s)", first,
				    failure_kind_names[k], failure_kind_list(c));
		first = failure_kind_names[k];
		*out = (failure_kind)k;
	}
	if (!first)
		return fail(c, "no failure kind (a failure has \"at\" and "
			    "exactly one of: %s)", failure_kind_list(c));

	n = 0;
	valid[n++] = "at";
	valid[n++] = first;
	for (k = 0; failure_info[*out].options[k]; k++)
		valid[n++] = failure_info[*out].options[k];
	valid[n] = NULL;
	for (item = v->child; item; item = item->next)
		if (!in_list(valid, item->string))
			return fail(c, "unknown key %s for a %s failure "
				    "(valid: %s)", quote(c, item->string),
				    first, join(c, valid));
	return TRUE;
}

static gboolean parse_failure(struct ctx *c, const cJSON *v,
			      struct failure_config *f)
{
	const struct world_config *w = &c->s->world;
	const char *kind_name, *str;
	const cJSON *item, *target;
	size_t m, i, j;
	double x;

	if (!failure_kind_of(c, v, &f->kind))
		return FALSE;
	kind_name = failure_kind_names[f->kind];

	item = member(v, "at");
	if (!item)
		return missing(c, "at", "when it happens, e.g. \"30s\"");
	m = push_key(c, "at");
	if (!get_duration(c, item, &f->at))
		return FALSE;
	if (f->at > w->deadline) {
		char buf[SIM_TIME_FMT_LEN];

		return fail(c, "%s is after the deadline (%s; a failure must "
			    "happen by then)", show(c, item),
			    sim_time_format(w->deadline, buf));
	}
	pop(c, m);

	target = member(v, kind_name);
	m = push_key(c, kind_name);
	f->az = -1;
	if (f->kind == FAIL_AZ_OUTAGE) {
		if (!get_string(c, target, &str))
			return FALSE;
		f->az = find_az(w, str);
		if (f->az < 0)
			return fail(c, "unknown AZ %s (azs: %s)",
				    quote(c, str), az_list(c));
	} else if (!get_nodes(c, target, f->kind != FAIL_ROLLING_RESTART,
			      &f->nodes, &f->n_nodes)) {
		return FALSE;
	}
	pop(c, m);

	if (f->kind == FAIL_ROLLING_RESTART)
		f->interval = dist_constant(30);
	if ((item = enter(c, v, "interval", &m))) {
		if (!parse_dist(c, item, &f->interval))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "wait", &m))) {
		if (!get_string(c, item, &str))
			return FALSE;
		if (strcmp(str, "ready") && strcmp(str, "none"))
			return fail(c, "unknown value %s (valid: ready, none)",
				    quote(c, str));
		f->wait_ready = !strcmp(str, "ready");
		pop(c, m);
	}
	if ((item = enter(c, v, "duration", &m))) {
		if (!parse_dist(c, item, &f->duration))
			return FALSE;
		f->has_duration = true;
		pop(c, m);
	}
	if ((item = enter(c, v, "from", &m))) {
		if (!get_nodes(c, item, true, &f->peers, &f->n_peers))
			return FALSE;
		for (i = 0; i < f->n_peers; i++)
			for (j = 0; j < f->n_nodes; j++)
				if (f->peers[i] == f->nodes[j])
					return fail(c, "node '%s' is on both "
						    "sides of the partition",
						    w->nodes[f->peers[i]].name);
		pop(c, m);
	}
	if ((item = enter(c, v, "one_way", &m))) {
		if (!get_bool(c, item, &f->one_way))
			return FALSE;
		pop(c, m);
	}
	if (f->kind == FAIL_SLOW) {
		item = member(v, "factor");
		if (!item)
			return missing(c, "factor", "the service-time "
				       "multiplier, a number >= 1");
		m = push_key(c, "factor");
		if (!get_number(c, item, &x))
			return FALSE;
		if (x < 1)
			return fail(c, "%s is less than 1 (the factor "
				    "multiplies the service time: >= 1)",
				    show(c, item));
		f->factor = x;
		pop(c, m);
	}
	if (f->kind == FAIL_LOSS) {
		item = member(v, "rate");
		if (!item)
			return missing(c, "rate", "the probability that a SYN "
				       "is lost, in [0, 1)");
		m = push_key(c, "rate");
		if (!get_number(c, item, &x))
			return FALSE;
		if (x < 0 || x >= 1)
			return fail(c, "%s is not a probability in [0, 1)",
				    show(c, item));
		f->loss = x;
		pop(c, m);
	}
	return TRUE;
}

static gboolean parse_failures(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i = 0, m;

	if (!cJSON_IsArray(v))
		return wrong_type(c, v, "an array of failures");
	w->n_failures = (size_t)cJSON_GetArraySize(v);
	w->failures = g_new0(struct failure_config, w->n_failures);
	cJSON_ArrayForEach(e, v) {
		m = push_index(c, i);
		if (!parse_failure(c, e, &w->failures[i]))
			return FALSE;
		pop(c, m);
		i++;
	}
	return TRUE;
}

/* ---- policies, parameters, sweep ---- */

int spec_policy_index(const struct spec *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_policies; i++)
		if (!strcmp(s->policies[i].ops->name, name))
			return (int)i;
	return -1;
}

static gboolean parse_policies(struct ctx *c, const cJSON *root)
{
	struct spec *s = c->s;
	const cJSON *v, *e;
	const char *name;
	size_t i = 0, m, mm;

	v = enter(c, root, "policies", &m);
	if (!v) {
		s->policies = g_new0(struct spec_policy, 1);
		s->policies[0].ops = policy_find("k3s");
		SIM_ASSERT(s->policies[0].ops);
		s->n_policies = 1;
	} else {
		if (!cJSON_IsArray(v))
			return wrong_type(c, v, "an array of policy names");
		if (cJSON_GetArraySize(v) == 0)
			return fail(c, "no policies (name at least one of: %s)",
				    keep(c, policy_names()));
		s->policies = g_new0(struct spec_policy,
				     (size_t)cJSON_GetArraySize(v));
		cJSON_ArrayForEach(e, v) {
			const struct policy_ops *ops;

			mm = push_index(c, i);
			if (!get_string(c, e, &name))
				return FALSE;
			ops = policy_find(name);
			if (!ops)
				return fail(c, "unknown policy %s (known: %s)",
					    quote(c, name),
					    keep(c, policy_names()));
			if (spec_policy_index(s, name) >= 0)
				return fail(c, "policy %s is listed twice",
					    quote(c, name));
			s->policies[i].ops = ops;
			s->n_policies = ++i;
			pop(c, mm);
		}
		pop(c, m);
	}
	for (i = 0; i < s->n_policies; i++)
		policy_params_for(s->policies[i].ops, &s->policies[i].params);

	v = enter(c, root, "baseline", &m);
	if (v) {
		if (!get_string(c, v, &name))
			return FALSE;
		if (spec_policy_index(s, name) < 0)
			return fail(c, "%s is not in policies (the baseline is "
				    "one of: %s)", quote(c, name),
				    keep(c, spec_policy_list(s)));
		s->baseline = g_strdup(name);
		pop(c, m);
	} else {
		s->baseline = g_strdup(spec_policy_index(s, "k3s") >= 0 ?
				       "k3s" : s->policies[0].ops->name);
	}
	return TRUE;
}

/* The parameters in object @v, onto @p. */
/*
 * Sets parameter @e (its key is the name) of policy @sp. *@missing is set
 * (and TRUE returned) when the policy has no such parameter: the caller
 * decides whether that is an error.
 */
/* Whether @name is about retrying passes (the backoff, the budget). */
static bool is_retry_param(const char *name)
{
	return !strncmp(name, "backoff", 7) || !strncmp(name, "retry_budget", 12);
}

/* The policies that back off between passes, for messages. */
static const char *retrying_policies(struct ctx *c)
{
	GString *s = g_string_new(NULL);
	const struct policy_ops *o;
	size_t i;

	for (i = 0; (o = policy_registry_get(i)) != NULL; i++)
		if (o->pass_delay)
			g_string_append_printf(s, "%s%s", s->len ? ", " : "",
					       o->name);
	return keep(c, g_string_free(s, FALSE));
}

/* Whether setting @name on @ops can change anything. */
static bool param_effective(const struct policy_ops *ops, const char *name)
{
	return !is_retry_param(name) || ops->pass_delay;
}

static gboolean set_param(struct ctx *c, const cJSON *e, struct spec_policy *sp,
			  bool *missing, bool star)
{
	struct param_slot sl;
	double x;

	*missing = false;
	if (!policy_param_slot(sp->ops, &sp->params, e->string, &sl)) {
		*missing = true;
		return TRUE;
	}
	if (!param_effective(sp->ops, e->string)) {
		if (star) {		/* "*": for the policies that retry */
			*missing = true;
			return TRUE;
		}
		return fail(c, "has no effect: '%s' does not retry failed "
			    "passes (those that do: %s)", sp->ops->name,
			    retrying_policies(c));
	}
	if (!strncmp(e->string, "outlier.", 8))
		sp->set_outlier = true;
	if (!strncmp(e->string, "retry_budget.", 13))
		sp->set_budget = true;
	if (sl.kind) {
		const char *name;
		GError *err = NULL;
		int k;

		if (!get_string(c, e, &name))
			return FALSE;
		k = backoff_find(name, &err);
		if (k < 0) {
			gboolean r = fail(c, "%s", err->message);

			g_error_free(err);
			return r;
		}
		sp->params.backoff = backoff_cfg_default((backoff_kind)k);
		return TRUE;
	}
	if (!strncmp(e->string, "backoff.", 8) &&
	    !backoff_param_used(sp->params.backoff.kind,
				backoff_param_find(e->string + 8)))
		return fail(c, "backoff '%s' has no '%s' (set \"backoff\" to a "
			    "strategy that reads it; see selsim list)",
			    backoff_name(sp->params.backoff.kind), e->string + 8);
	switch (sl.type) {
	case PARAM_DURATION: {
		sim_time t;

		if (!(sl.min > 0 ? get_positive_duration(c, e, &t)
				 : get_duration(c, e, &t)))
			return FALSE;
		x = sim_time_to_s(t);
		if (x < sl.min || x > sl.max)
			return fail(c, "%s is out of range (valid: %g s to %g s)",
				    show(c, e), sl.min, sl.max);
		if (sl.t)
			*sl.t = t;
		else
			*sl.x = x;
		return TRUE;
	}
	case PARAM_NUMBER:
		if (!get_number(c, e, &x))
			return FALSE;
		if (x < sl.min || x > sl.max)
			return fail(c, "%s is out of range (valid: %g to %g)",
				    show(c, e), sl.min, sl.max);
		*sl.x = x;
		return TRUE;
	case PARAM_INT:
		if (!get_int(c, e, sl.min, sl.max, &x))
			return FALSE;
		if (sl.i)
			*sl.i = (int)x;
		else
			*sl.x = x;
		return TRUE;
	case PARAM_BOOL: {
		bool b = false;

		if (!get_bool(c, e, &b))
			return FALSE;
		if (sl.b)
			*sl.b = b;
		else
			*sl.x = b;
		return TRUE;
	}
	}
	return TRUE;
}

/* Sets the parameters of object @v on policy @sp; "backoff" first, so
 * that its fields apply to the strategy it names. With @star ("*"), a
 * parameter this policy lacks is skipped. */
static gboolean apply_params(struct ctx *c, const cJSON *v,
			     struct spec_policy *sp, bool star)
{
	const cJSON *e;
	size_t m;
	int pass;
	bool missing;

	if (!check_object(c, v, NULL))
		return FALSE;
	for (pass = 0; pass < 2; pass++) {
		for (e = v->child; e; e = e->next) {
			if ((pass == 0) != !strcmp(e->string, "backoff"))
				continue;
			m = push_key(c, e->string);
			if (!set_param(c, e, sp, &missing, star))
				return FALSE;
			pop(c, m);
			if (missing && !star)
				return fail(c, "unknown parameter %s (valid: "
					    "%s)", quote(c, e->string),
					    keep(c, policy_param_names(sp->ops)));
		}
	}
	return TRUE;
}

/* Every key of "*" must be a parameter of some policy of the spec. */
static gboolean check_star(struct ctx *c, const cJSON *v)
{
	const cJSON *e;
	size_t i, m;

	for (e = v->child; e; e = e->next) {
		bool known = false;

		for (i = 0; i < c->s->n_policies && !known; i++) {
			struct param_slot sl;
			struct policy_params tmp = c->s->policies[i].params;

			known = policy_param_slot(c->s->policies[i].ops, &tmp,
						  e->string, &sl) &&
				param_effective(c->s->policies[i].ops,
						e->string);
		}
		if (!known) {
			m = push_key(c, e->string);
			return fail(c, "no policy of this spec has this "
				    "parameter, or none retries failed passes "
				    "(see selsim list)");
		}
		(void)m;
	}
	return TRUE;
}

/* The parameters as set must make sense together. */
static gboolean check_policy_params(struct ctx *c)
{
	size_t i, m;

	for (i = 0; i < c->s->n_policies; i++) {
		struct spec_policy *sp = &c->s->policies[i];
		GError *err = NULL;

		m = push_key(c, "params");
		push_key(c, sp->ops->name);
		if (!backoff_cfg_check(&sp->params.backoff, &err)) {
			gboolean r = fail(c, "%s", err->message);

			g_error_free(err);
			return r;
		}
		if (sp->set_outlier && !sp->params.outlier.enabled)
			return fail(c, "outlier.* set but outlier_ejection is "
				    "not true: it has no effect");
		if (sp->set_budget && !sp->params.budget.enabled)
			return fail(c, "retry_budget.* set but retry_budget is "
				    "not true: it has no effect");
		if (sp->params.budget.enabled &&
		    sp->params.budget.refund > sp->params.budget.max_tokens)
			return fail(c, "retry_budget.refund %g is more than "
				    "retry_budget.max_tokens %g",
				    sp->params.budget.refund,
				    sp->params.budget.max_tokens);
		pop(c, m);
	}
	return TRUE;
}

/* A key of "params" or of a "sweep" entry that names a policy: it must be
 * one that this spec runs. */
static gboolean check_spec_policy(struct ctx *c, const char *name)
{
	if (spec_policy_index(c->s, name) >= 0)
		return TRUE;
	if (policy_find(name))
		return fail(c, "policy %s is not in policies (this spec runs: "
			    "%s)", quote(c, name),
			    keep(c, spec_policy_list(c->s)));
	return fail(c, "unknown policy %s (this spec runs: %s)",
		    quote(c, name), keep(c, spec_policy_list(c->s)));
}

static gboolean parse_params(struct ctx *c, const cJSON *v)
{
	struct spec *s = c->s;
	const cJSON *e;
	size_t i, m;

	if (!check_object(c, v, NULL))
		return FALSE;
	for (e = v->child; e; e = e->next) {
		if (!strcmp(e->string, "*"))
			continue;
		m = push_key(c, e->string);
		if (!check_spec_policy(c, e->string))
			return FALSE;
		pop(c, m);
	}
	/* "*" first, whatever its place in the object, then each policy */
	if ((e = enter(c, v, "*", &m))) {
		if (!check_object(c, e, NULL) || !check_star(c, e))
			return FALSE;
		for (i = 0; i < s->n_policies; i++)
			if (!apply_params(c, e, &s->policies[i], true))
				return FALSE;
		pop(c, m);
	}
	for (e = v->child; e; e = e->next) {
		if (!strcmp(e->string, "*"))
			continue;
		m = push_key(c, e->string);
		i = (size_t)spec_policy_index(s, e->string);
		if (!apply_params(c, e, &s->policies[i], false))
			return FALSE;
		pop(c, m);
	}
	return TRUE;
}

/* Whether axis @a sets a parameter of policy @name. */
static bool axis_applies(const struct spec_axis *a, const char *name)
{
	return !a->policy || !strcmp(a->policy, name);
}

/* The first keys a world axis may start with. */
static const char *const world_axis_roots[] = {
	"deadline", "network", "servers", "failures", "random_failures", NULL
};

static gboolean parse_axis(struct ctx *c, const cJSON *e,
			   struct spec_axis *a)
{
	const char *key = e->string, *dot = strchr(key, '.');
	const cJSON *v;
	size_t i = 0, j, m, p;
	char *root = g_strndup(key, strcspn(key, ".["));
	bool world = in_list(world_axis_roots, root);
	struct param_slot sl = { 0 };
	bool found = false;

	a->key = g_strdup(key);
	if (world) {
		a->world = true;
	} else if (dot && strcmp(root, "backoff") && strcmp(root, "outlier") &&
		   strcmp(root, "retry_budget")) {
		a->policy = g_strdup(root);
		if (!check_spec_policy(c, a->policy)) {
			g_free(root);
			return FALSE;
		}
		a->name = g_strdup(dot + 1);
	} else {
		a->name = g_strdup(key);	/* for every policy that has it */
	}
	g_free(root);
	if (!world) {
		/* the type comes from the first policy that has it, and on
		 * which it has an effect */
		for (p = 0; p < c->s->n_policies && !found; p++) {
			struct spec_policy *sp = &c->s->policies[p];
			struct policy_params tmp = sp->params;

			if (a->policy && strcmp(a->policy, sp->ops->name))
				continue;
			found = policy_param_slot(sp->ops, &tmp, a->name, &sl) &&
				param_effective(sp->ops, a->name) &&
				(strncmp(a->name, "outlier.", 8) ||
				 sp->params.outlier.enabled) &&
				(strncmp(a->name, "retry_budget.", 13) ||
				 sp->params.budget.enabled);
		}
		if (!found && (is_retry_param(a->name) ||
			       !strncmp(a->name, "outlier.", 8)))
			return fail(c, "%s has no effect on %s (backoff and "
				    "retry_budget need a policy that retries "
				    "failed passes: %s; outlier.* and "
				    "retry_budget.* need outlier_ejection or "
				    "retry_budget set true in params)",
				    quote(c, a->name), a->policy ? a->policy :
				    "any policy of this spec",
				    retrying_policies(c));
		if (!found)
			return fail(c, "unknown parameter %s (a sweep key is "
				    "PARAM or POLICY.PARAM, with a parameter of "
				    "a policy the spec runs, e.g. %s; or a path "
				    "to a duration of the world starting with "
				    "%s)", quote(c, a->name), param_list(c),
				    join(c, world_axis_roots));
		if (sl.kind)
			return fail(c, "the backoff strategy cannot be swept "
				    "(sweep its fields, e.g. backoff.base, or "
				    "list one policy per strategy)");
		a->param = policy_param_find(a->name);
		a->numeric = sl.type != PARAM_DURATION;
	}
	if (!cJSON_IsArray(e))
		return wrong_type(c, e, a->numeric ? "an array of values"
						   : "an array of durations");
	if (cJSON_GetArraySize(e) == 0)
		return fail(c, "no values (give at least one)");
	a->values = g_new0(sim_time, (size_t)cJSON_GetArraySize(e));
	if (a->numeric)
		a->numbers = g_new0(double, (size_t)cJSON_GetArraySize(e));
	cJSON_ArrayForEach(v, e) {
		m = push_index(c, i);
		if (a->numeric) {
			double x;
			bool b = false;

			if (sl.type == PARAM_BOOL) {
				if (!get_bool(c, v, &b))
					return FALSE;
				x = b;
			} else if (sl.type == PARAM_INT) {
				if (!get_int(c, v, sl.min, sl.max, &x))
					return FALSE;
			} else {
				if (!get_number(c, v, &x))
					return FALSE;
				if (x < sl.min || x > sl.max)
					return fail(c, "%s is out of range "
						    "(valid: %g to %g)",
						    show(c, v), sl.min, sl.max);
			}
			a->numbers[i] = x;
			for (j = 0; j < i; j++)
				if (a->numbers[j] == x)
					return fail(c, "%s is listed twice",
						    show(c, v));
		} else {
			/* a world value may be 0 ("at": "0s"); the world's
			 * own checks run on it at load */
			if (!(a->world || sl.min <= 0
			      ? get_duration(c, v, &a->values[i])
			      : get_positive_duration(c, v, &a->values[i])))
				return FALSE;
			if (!a->world &&
			    (sim_time_to_s(a->values[i]) < sl.min ||
			     sim_time_to_s(a->values[i]) > sl.max))
				return fail(c, "%s is out of range (valid: %g s "
					    "to %g s)", show(c, v), sl.min,
					    sl.max);
			for (j = 0; j < i; j++)
				if (a->values[j] == a->values[i])
					return fail(c, "%s is listed twice (as "
						    "sweep.%s[%zu])", show(c, v),
						    key, j);
		}
		a->n_values = ++i;
		pop(c, m);
	}
	return TRUE;
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
	char *text, *out;
	size_t i;

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "sweep");
	for (i = s->n_axes; i-- > 0;) {
		const struct spec_axis *a = &s->axes[i];
		size_t k = point % a->n_values;
		char buf[SIM_TIME_FMT_LEN];

		point /= a->n_values;
		if (!a->world)
			continue;
		sim_time_format(a->values[k], buf);
		if (!path_set(copy, a->key, cJSON_CreateString(buf), why)) {
			*bad = a;
			cJSON_Delete(copy);
			return NULL;
		}
	}
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

static gboolean parse_sweep(struct ctx *c, const cJSON *v)
{
	struct spec *s = c->s;
	const cJSON *e;
	size_t i = 0, j, p, m, grid = 1;

	if (!check_object(c, v, NULL))
		return FALSE;
	s->axes = g_new0(struct spec_axis, (size_t)cJSON_GetArraySize(v));
	for (e = v->child; e; e = e->next, i++) {
		struct spec_axis *a = &s->axes[i];

		s->n_axes = i + 1;
		m = push_key(c, e->string);
		if (!parse_axis(c, e, a))
			return FALSE;
		/* two axes may not set one parameter of one policy, nor one
		 * path of the world */
		for (j = 0; j < i; j++) {
			if (a->world && s->axes[j].world &&
			    !strcmp(a->key, s->axes[j].key))
				return fail(c, "sweeps the same path as "
					    "'sweep.%s'", s->axes[j].key);
			if (a->world || s->axes[j].world ||
			    strcmp(s->axes[j].name, a->name))
				continue;
			for (p = 0; p < s->n_policies; p++) {
				const char *name = s->policies[p].ops->name;

				if (axis_applies(a, name) &&
				    axis_applies(&s->axes[j], name))
					return fail(c, "sweeps %s for policy "
						    "%s, as 'sweep.%s' does "
						    "(one axis per parameter)",
						    a->name, name,
						    s->axes[j].key);
			}
		}
		pop(c, m);
		if (grid > SPEC_MAX_GRID / a->n_values)
			return fail(c, "more than %d grid points (the axes' "
				    "value counts multiply)", SPEC_MAX_GRID);
		grid *= a->n_values;
	}
	return TRUE;
}

/* The smallest or largest value parameter @d of policy @p can take over
 * the grid. */
static sim_time param_extreme(const struct spec *s, size_t p,
			      const struct param_desc *d, bool largest)
{
	const char *name = s->policies[p].ops->name;
	struct policy_params tmp = s->policies[p].params;
	sim_time best = *policy_param_ref(&tmp, d);
	size_t i, j;

	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (a->param != d || !axis_applies(a, name))
			continue;
		best = a->values[0];
		for (j = 1; j < a->n_values; j++)
			if (largest ? a->values[j] > best : a->values[j] < best)
				best = a->values[j];
	}
	return best;
}

/* Parameters that bound a uniform draw: min <= max at every grid point. */
static gboolean check_param_ranges(struct ctx *c)
{
	static const char *const pairs[][2] = {
		{ "etcd_ping_min", "etcd_ping_max" },
		{ "config_retry_min", "config_retry_max" },
	};
	const struct spec *s = c->s;
	size_t p, i;

	for (p = 0; p < s->n_policies; p++) {
		for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
			const struct param_desc *lo, *hi;
			char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
			sim_time l, h;

			lo = policy_param_find(pairs[i][0]);
			hi = policy_param_find(pairs[i][1]);
			SIM_ASSERT(lo && hi);
			l = param_extreme(s, p, lo, true);
			h = param_extreme(s, p, hi, false);
			if (l <= h)
				continue;
			push_key(c, "params");
			push_key(c, s->policies[p].ops->name);
			return fail(c, "%s (%s) is more than %s (%s) (a "
				    "uniform draw needs min <= max at every "
				    "grid point)", lo->name,
				    sim_time_format(l, b1), hi->name,
				    sim_time_format(h, b2));
		}
	}
	return TRUE;
}

/* ---- the document ---- */

/* The axis values of grid point @point: durations in @v, numbers in @x
 * (the last axis varies fastest). */
static void point_values(const struct spec *s, size_t point, sim_time *v,
			  double *x)
{
	size_t a = s->n_axes;

	while (a-- > 0) {
		size_t k = point % s->axes[a].n_values;

		v[a] = s->axes[a].values[k];
		x[a] = s->axes[a].numeric ? s->axes[a].numbers[k] : 0;
		point /= s->axes[a].n_values;
	}
}

/* The most grid points x policies whose parameters are checked one by
 * one at load; above it each axis value is checked with the others at
 * their first value. */
#define SPEC_MAX_CHECKED_POINTS 100000

/* Every swept policy parameter must make sense with the others at each
 * grid point (a swept refund above the budget, a swept jitter past its
 * strategy's range). */
static gboolean check_sweep_points(struct ctx *c)
{
	struct spec *s = c->s;
	size_t n = spec_grid_size(s), p, pt, m;
	bool all = (double)n * (double)s->n_policies <= SPEC_MAX_CHECKED_POINTS;

	if (s->n_axes == 0)
		return TRUE;
	for (pt = 0; pt < (all ? n : MIN(n, (size_t)SPEC_MAX_CHECKED_POINTS));
	     pt++) {
		for (p = 0; p < s->n_policies; p++) {
			struct policy_params pp;
			GError *err = NULL;
			sim_time v[64];
			double x[64];
			GString *where;
			size_t i;

			spec_point_params(s, p, pt, &pp);
			if (backoff_cfg_check(&pp.backoff, &err) &&
			    (!pp.budget.enabled ||
			     pp.budget.refund <= pp.budget.max_tokens))
				continue;
			/* name the point: "k3s at backoff.jitter=1.5" */
			where = g_string_new(NULL);
			if (s->n_axes <= 64) {
				point_values(s, pt, v, x);
				for (i = 0; i < s->n_axes; i++) {
					char b[SIM_TIME_FMT_LEN];

					if (s->axes[i].world)
						continue;
					g_string_append_printf(where, "%s%s=",
						where->len ? ", " : "",
						s->axes[i].key);
					if (s->axes[i].numeric)
						g_string_append_printf(where,
							"%g", x[i]);
					else
						g_string_append(where,
							sim_time_format(v[i], b));
				}
			}
			m = push_key(c, "sweep");
			(void)m;
			fail(c, "policy '%s' at %s: %s", s->policies[p].ops->name,
			     where->str, err ? err->message :
			     "retry_budget.refund is more than "
			     "retry_budget.max_tokens");
			g_string_free(where, TRUE);
			if (err)
				g_error_free(err);
			return FALSE;
		}
	}
	return TRUE;
}

static const char *const top_keys[] = {
	"name", "description", "seed", "scenarios", "deadline", "policies",
	"baseline", "topology", "network", "servers", "failures",
	"random_failures", "params", "sweep", NULL
};

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
	return join(c, names);
}

/* A distribution that must not go below @lo (a rough check on its
 * parameters: a distribution's minimum where it has one). */
static gboolean parse_dist_at_least(struct ctx *c, const cJSON *v,
				    struct dist *d, double lo, const char *what)
{
	double min;

	if (!parse_dist(c, v, d))
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
		return fail(c, "%s can go below %g (%s)", show(c, v), lo, what);
	return TRUE;
}

static gboolean parse_random(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	struct random_config *rc = &w->random;
	const cJSON *item, *k;
	size_t m, m2, i;

	if (!check_object(c, v, random_keys))
		return FALSE;
	rc->enabled = true;
	rc->count = dist_constant(1);
	rc->at = (struct dist){ .kind = DIST_UNIFORM,
				.p = { 0, sim_time_to_s(w->deadline) / 2 } };
	rc->factor = (struct dist){ .kind = DIST_UNIFORM, .p = { 2, 10 } };
	rc->rate = (struct dist){ .kind = DIST_UNIFORM, .p = { 0.05, 0.5 } };
	rc->weight[FAIL_CRASH] = 1;
	if ((item = enter(c, v, "count", &m))) {
		if (!parse_dist_at_least(c, item, &rc->count, 0,
					 "a number of failures"))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "at", &m))) {
		if (!parse_dist(c, item, &rc->at))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "kinds", &m))) {
		double total = 0;

		if (!check_object(c, item, NULL))	/* duplicate keys */
			return FALSE;
		rc->weight[FAIL_CRASH] = 0;
		for (k = item->child; k; k = k->next) {
			int kind = -1;
			double x;

			for (i = 0; i < G_N_ELEMENTS(random_kinds); i++)
				if (!strcmp(k->string,
					    failure_kind_names[random_kinds[i]]))
					kind = (int)random_kinds[i];
			m2 = push_key(c, k->string);
			if (kind < 0)
				return fail(c, "not a kind a random failure "
					    "can be (valid: %s)",
					    random_kind_list(c));
			if (!get_number(c, k, &x))
				return FALSE;
			if (x < 0 || x > 1e6)
				return fail(c, "%s is not a weight from 0 to "
					    "1000000", show(c, k));
			rc->weight[kind] = x;
			total += x;
			pop(c, m2);
		}
		if (total <= 0)
			return fail(c, "no kind has a weight above 0 (valid "
				    "kinds: %s)", random_kind_list(c));
		pop(c, m);
	}
	if ((item = enter(c, v, "nodes", &m))) {
		if (!get_nodes(c, item, true, &rc->nodes, &rc->n_nodes))
			return FALSE;
		pop(c, m);
	} else {
		rc->n_nodes = w->n_nodes;
		rc->nodes = g_new(int, w->n_nodes);
		for (i = 0; i < w->n_nodes; i++)
			rc->nodes[i] = (int)i;
	}
	if ((item = enter(c, v, "azs", &m))) {
		const cJSON *e;

		if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0)
			return wrong_type(c, item, "a non-empty array of AZ names");
		rc->azs = g_new(int, (size_t)cJSON_GetArraySize(item));
		i = 0;
		cJSON_ArrayForEach(e, item) {
			m2 = push_index(c, i);
			if (!cJSON_IsString(e))
				return wrong_type(c, e, "an AZ name");
			rc->azs[i] = find_az(w, e->valuestring);
			if (rc->azs[i] < 0)
				return fail(c, "unknown AZ %s (azs: %s)",
					    quote(c, e->valuestring), az_list(c));
			rc->n_azs = ++i;
			pop(c, m2);
		}
		pop(c, m);
	} else {
		rc->n_azs = w->n_azs;
		rc->azs = g_new(int, w->n_azs);
		for (i = 0; i < w->n_azs; i++)
			rc->azs[i] = (int)i;
	}
	if ((item = enter(c, v, "duration", &m))) {
		if (!parse_dist(c, item, &rc->duration))
			return FALSE;
		rc->has_duration = true;
		pop(c, m);
	}
	if ((item = enter(c, v, "factor", &m))) {
		if (!parse_dist_at_least(c, item, &rc->factor, 1,
					 "the service-time multiplier is >= 1"))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "rate", &m))) {
		if (!parse_dist(c, item, &rc->rate))
			return FALSE;
		pop(c, m);
	}
	if ((item = enter(c, v, "one_way", &m))) {
		if (!get_number(c, item, &rc->one_way))
			return FALSE;
		if (rc->one_way < 0 || rc->one_way > 1)
			return fail(c, "%s is not a probability in [0, 1]",
				    show(c, item));
		pop(c, m);
	}
	if ((item = enter(c, v, "partition", &m))) {
		const char *str;

		if (!get_string(c, item, &str))
			return FALSE;
		if (strcmp(str, "node") && strcmp(str, "az"))
			return fail(c, "unknown value %s (valid: node, which "
				    "isolates the target node; az, which "
				    "isolates a whole AZ)", quote(c, str));
		rc->partition_az = !strcmp(str, "az");
		pop(c, m);
	}
	return TRUE;
}

static gboolean parse_root(struct ctx *c, const cJSON *root)
{
	struct spec *s = c->s;
	const cJSON *v;
	const char *str, *p;
	size_t m;
	double x;

	if (!check_object(c, root, top_keys))
		return FALSE;

	v = member(root, "name");
	if (!v)
		return missing(c, "name", "the experiment's name, made of "
			       "[A-Za-z0-9._-]");
	m = push_key(c, "name");
	if (!get_string(c, v, &str))
		return FALSE;
	for (p = str; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
			break;
	if (!*str || *p || !strcmp(str, ".") || !strcmp(str, ".."))
		return fail(c, "%s is not a usable name (letters, digits, "
			    "'.', '_' and '-', not '.' or '..')",
			    quote(c, str));
	s->name = g_strdup(str);
	pop(c, m);

	if ((v = enter(c, root, "description", &m))) {
		if (!get_string(c, v, &str))
			return FALSE;
		s->description = g_strdup(str);
		pop(c, m);
	} else {
		s->description = g_strdup("");
	}

	s->seed = 1;
	if ((v = enter(c, root, "seed", &m))) {
		if (!get_int(c, v, 0, MAX_EXACT_INT, &x))
			return FALSE;
		s->seed = (uint64_t)x;
		pop(c, m);
	}
	s->scenarios = 1000;
	if ((v = enter(c, root, "scenarios", &m))) {
		if (!get_int(c, v, 1, 100000000, &x))
			return FALSE;
		s->scenarios = (int)x;
		pop(c, m);
	}
	if ((v = enter(c, root, "deadline", &m))) {
		if (!get_positive_duration(c, v, &s->world.deadline))
			return FALSE;
		pop(c, m);
	}

	if (!parse_policies(c, root))
		return FALSE;

	v = member(root, "topology");
	if (!v)
		return missing(c, "topology", "{\"azs\": {...}, \"nodes\": "
			       "[...]}");
	m = push_key(c, "topology");
	if (!parse_topology(c, v))
		return FALSE;
	pop(c, m);

	if ((v = enter(c, root, "network", &m))) {
		if (!parse_network(c, v))
			return FALSE;
		pop(c, m);
	}
	if ((v = enter(c, root, "servers", &m))) {
		if (!parse_servers(c, v))
			return FALSE;
		pop(c, m);
	}
	if ((v = enter(c, root, "failures", &m))) {
		if (!parse_failures(c, v))
			return FALSE;
		pop(c, m);
	}
	if ((v = enter(c, root, "random_failures", &m))) {
		if (!parse_random(c, v))
			return FALSE;
		pop(c, m);
	}
	if ((v = enter(c, root, "params", &m))) {
		if (!parse_params(c, v))
			return FALSE;
		pop(c, m);
	}
	if ((v = enter(c, root, "sweep", &m))) {
		if (!parse_sweep(c, v))
			return FALSE;
		pop(c, m);
	}
	return check_param_ranges(c) && check_policy_params(c) &&
	       check_sweep_points(c);
}

/* "FILE: line L, column C: WHAT" for the byte at @pos of @text. */
static void error_at(const char *file, const char *text, const char *pos,
		     const char *what, GError **error)
{
	const char *p;
	int line = 1, col = 1;

	for (p = text; *p && p < pos; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			/* count characters, not UTF-8 continuation bytes */
			col++;
		}
	}
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
		    "%s: line %d, column %d: %s", file, line, col, what);
}

gboolean spec_parse(const char *file, const char *text, struct spec *out,
		    GError **error)
{
	struct ctx c = { .file = file, .error = error, .s = out };
	const char *end = NULL;
	cJSON *root;
	gboolean ok;

	memset(out, 0, sizeof(*out));
	world_config_init(&out->world);
	out->file = g_strdup(file);

	if (!g_utf8_validate(text, -1, &end)) {
		error_at(file, text, end, "invalid UTF-8", error);
		spec_release(out);
		return FALSE;
	}
	root = cJSON_ParseWithOpts(text, &end, TRUE);
	if (!root) {
		error_at(file, text, end ? end : text, "invalid JSON", error);
		spec_release(out);
		return FALSE;
	}
	c.path = g_string_new(NULL);
	c.scratch = g_ptr_array_new_with_free_func(g_free);
	ok = parse_root(&c, root);
	g_ptr_array_free(c.scratch, TRUE);
	g_string_free(c.path, TRUE);
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
	GString *text = g_string_new(NULL);
	char buf[65536];
	gboolean ok;
	size_t n;
	FILE *f;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "rb");
	if (!f)
		goto io_error;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (text->len + n > MAX_FILE_SIZE) {
			fclose(f);
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s: larger than %d MiB: not a spec",
				    path, MAX_FILE_SIZE >> 20);
			g_string_free(text, TRUE);
			return FALSE;
		}
		g_string_append_len(text, buf, (gssize)n);
	}
	if (ferror(f)) {
		int saved = errno;

		fclose(f);
		errno = saved;
		goto io_error;
	}
	fclose(f);
	if (strlen(text->str) != text->len) {
		error_at(path, text->str, text->str + strlen(text->str),
			 "invalid JSON (a NUL byte)", error);
		g_string_free(text, TRUE);
		return FALSE;
	}
	ok = spec_parse(path, text->str, out, error);
	g_string_free(text, TRUE);
	return ok;

io_error:
	/* fopen() and fread() set errno; read it before anything else can */
	g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot read: %s",
		    path, g_strerror(errno));
	g_string_free(text, TRUE);
	return FALSE;
}

static void release_axis(struct spec_axis *a)
{
	g_free(a->key);
	g_free(a->policy);
	g_free(a->name);
	g_free(a->values);
	g_free(a->numbers);
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
			char *known = spec_policy_list(s);

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

/* ---- the grid ---- */

size_t spec_grid_size(const struct spec *s)
{
	size_t i, n = 1;

	for (i = 0; i < s->n_axes; i++)
		n *= s->axes[i].n_values;
	return n;
}

/* Sets value @k of axis @a in @out, when @ops has the parameter. */
static void set_point_value(const struct policy_ops *ops,
			    struct policy_params *out,
			    const struct spec_axis *a, size_t k)
{
	struct param_slot sl;

	if (!policy_param_slot(ops, out, a->name, &sl))
		return;		/* a bare axis, and this policy lacks it */
	if (!a->numeric) {
		if (sl.t)
			*sl.t = a->values[k];
		else
			*sl.x = sim_time_to_s(a->values[k]);
	} else if (sl.i) {
		*sl.i = (int)a->numbers[k];
	} else if (sl.b) {
		*sl.b = a->numbers[k] != 0;
	} else {
		*sl.x = a->numbers[k];
	}
}

void spec_point_params(const struct spec *s, size_t p, size_t point,
		       struct policy_params *out)
{
	const char *name;
	size_t i;

	SIM_ASSERT(p < s->n_policies && point < spec_grid_size(s));
	name = s->policies[p].ops->name;
	*out = s->policies[p].params;
	/* the last axis varies fastest */
	for (i = s->n_axes; i-- > 0;) {
		const struct spec_axis *a = &s->axes[i];
		size_t k = point % a->n_values;

		point /= a->n_values;
		if (!a->world && axis_applies(a, name))
			set_point_value(s->policies[p].ops, out, a, k);
	}
}

/* ---- words ---- */

/* A number of seconds as a short duration: "261.6us", "30s", "2.5m". */
static void put_seconds(GString *g, double x)
{
	if (!isfinite(x))
		g_string_append(g, "infinite");
	else if (x == 0)
		g_string_append(g, "0s");
	else if (x < 1e-6)
		g_string_append_printf(g, "%.4gns", x * 1e9);
	else if (x < 1e-3)
		g_string_append_printf(g, "%.4gus", x * 1e6);
	else if (x < 1)
		g_string_append_printf(g, "%.4gms", x * 1e3);
	else if (x < 60)
		g_string_append_printf(g, "%.4gs", x);
	else if (x < 3600)
		g_string_append_printf(g, "%.4gm", x / 60);
	else
		g_string_append_printf(g, "%.4gh", x / 3600);
}

/* "30s", or "uniform(min=20s, max=40s) (mean 30s)". */
static void put_dist(GString *g, const struct dist *d)
{
	char *desc;

	if (d->kind == DIST_CONSTANT) {
		put_seconds(g, d->p[0]);
		return;
	}
	desc = dist_describe(d, true);
	g_string_append(g, desc);
	g_free(desc);
	g_string_append(g, " (mean ");
	put_seconds(g, dist_mean(d));
	g_string_append_c(g, ')');
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
		put_dist(g, &f->duration);
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
			put_dist(g, &f->duration);
		} else {
			g_string_append(g, ", for good");
		}
		break;
	case FAIL_ROLLING_RESTART:
		g_string_append(g, "rolling restart of ");
		put_nodes(g, w, f->nodes, f->n_nodes);
		g_string_append(g, ", ");
		put_dist(g, &f->interval);
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

/* The axis of @s that sets @d for policy @name, or NULL. */
static const struct spec_axis *axis_for(const struct spec *s,
					const char *name,
					const struct param_desc *d)
{
	size_t i;

	for (i = 0; i < s->n_axes; i++)
		if (!s->axes[i].world && s->axes[i].param == d &&
		    axis_applies(&s->axes[i], name))
			return &s->axes[i];
	return NULL;
}

static void explain_policy(const struct spec *s, const struct spec_policy *sp,
			   FILE *out)
{
	struct policy_params def, cur = sp->params;
	char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
	size_t i, j;

	policy_params_default(&def);
	fprintf(out, "  %s%s: %s\n    join flow: %s\n", sp->ops->name,
		!strcmp(sp->ops->name, s->baseline) ? " (baseline)" : "",
		sp->ops->summary ? sp->ops->summary : "",
		sp->ops->flow == JOIN_FLOW_LEGACY ? "legacy (--server only)" :
						    "post-fix (through the LB)");
	for (i = 0; i < policy_n_params; i++) {
		const struct param_desc *d = &policy_param_descs[i];
		const struct spec_axis *a = axis_for(s, sp->ops->name, d);
		sim_time v = *policy_param_ref(&cur, d);
		sim_time dv = *policy_param_ref(&def, d);
		GString *mark = g_string_new(NULL);

		if (a) {
			g_string_append(mark, "swept:");
			for (j = 0; j < a->n_values; j++)
				g_string_append_printf(mark, "%s%s",
					j ? ", " : " ",
					sim_time_format(a->values[j], b1));
			g_string_append_printf(mark, " (default %s)",
					       sim_time_format(dv, b1));
		} else if (v != dv) {
			g_string_append_printf(mark, "set by the spec "
					       "(default %s)",
					       sim_time_format(dv, b1));
		} else {
			g_string_append(mark, "default");
		}
		fprintf(out, "    %-25s %-8s %s; from %s: %s\n", d->name,
			a ? "-" : sim_time_format(v, b2), mark->str,
			d->source, d->help);
		g_string_free(mark, TRUE);
	}
}

/* A distribution of plain numbers (counts, factors, probabilities). */
static void explain_number(const char *label, const struct dist *d, FILE *out)
{
	char *desc = dist_describe(d, false);

	fprintf(out, "    %-18s %s, mean %g\n", label, desc, dist_mean(d));
	g_free(desc);
}

static void explain_dist(const char *label, const struct dist *d, FILE *out)
{
	char *desc = dist_describe(d, true);
	GString *mean = g_string_new(NULL);

	put_seconds(mean, dist_mean(d));
	fprintf(out, "    %-18s %s, mean %s\n", label, desc, mean->str);
	g_string_free(mean, TRUE);
	g_free(desc);
}

static void explain_world(const struct world_config *w, FILE *out)
{
	size_t i, j;

	fprintf(out, "topology: %zu node%s in %zu AZ%s, %zu region%s\n",
		w->n_nodes, w->n_nodes == 1 ? "" : "s", w->n_azs,
		w->n_azs == 1 ? "" : "s", w->n_regions,
		w->n_regions == 1 ? "" : "s");
	for (i = 0; i < w->n_azs; i++)
		fprintf(out, "  az %s: region %s\n", w->azs[i].name,
			w->regions[w->azs[i].region]);
	for (i = 0; i < w->n_nodes; i++) {
		const struct node_config *n = &w->nodes[i];

		fprintf(out, "  node %s: role %s, az %s, server %s, cache [",
			n->name, node_role_names[n->role], w->azs[n->az].name,
			n->server >= 0 ? w->nodes[n->server].name :
					 "none (starts the cluster)");
		for (j = 0; j < n->n_cache; j++)
			fprintf(out, "%s%s", j ? ", " : "",
				w->nodes[n->cache[j]].name);
		fprintf(out, "], ca_on_disk %s, %s",
			n->ca_on_disk ? "true" : "false",
			n->up ? "up at 0s" : "down at 0s");
		if (n->has_rtt) {
			char *desc = dist_describe(&n->rtt, true);

			fprintf(out, ", rtt %s", desc);
			g_free(desc);
		}
		fputc('\n', out);
	}

	fprintf(out, "network:\n");
	for (i = 0; i < LINK_N_CLASSES; i++) {
		char label[40];

		g_snprintf(label, sizeof(label), "rtt %s:",
			   link_class_names[i]);
		explain_dist(label, &w->network.rtt[i], out);
	}
	{
		char b[SIM_TIME_FMT_LEN];

		fprintf(out, "    loss %g, tls_round_trips %d, syn_retry %s\n",
			w->network.loss, w->network.tls_round_trips,
			sim_time_format(w->network.syn_retry, b));
	}
	fprintf(out, "servers: workers %d, queue %d\n", w->servers.workers,
		w->servers.queue);
	explain_dist("service_time:", &w->servers.service_time, out);

	fprintf(out, "failures: %zu\n", w->n_failures);
	for (i = 0; i < w->n_failures; i++) {
		char b[SIM_TIME_FMT_LEN];
		char *desc = spec_failure_describe(w, &w->failures[i]);

		fprintf(out, "  [%zu] at %s: %s\n", i,
			sim_time_format(w->failures[i].at, b), desc);
		g_free(desc);
	}
	if (w->random.enabled) {
		const struct random_config *rc = &w->random;
		int k;

		fprintf(out, "random_failures: drawn per scenario from "
			"(seed, scenario)\n");
		explain_number("count (floor):", &rc->count, out);
		explain_dist("at:", &rc->at, out);
		fprintf(out, "  kinds (weight):");
		for (k = 0; k < FAIL_N_KINDS; k++)
			if (rc->weight[k] > 0)
				fprintf(out, " %s %g", failure_kind_names[k],
					rc->weight[k]);
		fprintf(out, "\n  nodes:");
		for (i = 0; i < rc->n_nodes; i++)
			fprintf(out, " %s", w->nodes[rc->nodes[i]].name);
		fprintf(out, "\n  azs:");
		for (i = 0; i < rc->n_azs; i++)
			fprintf(out, " %s", w->azs[rc->azs[i]].name);
		fprintf(out, "\n");
		if (rc->has_duration)
			explain_dist("duration:", &rc->duration, out);
		else
			fprintf(out, "  duration: none (failures last)\n");
		explain_number("factor (slow):", &rc->factor, out);
		explain_number("rate (loss):", &rc->rate, out);
		fprintf(out, "  one_way (partition): %g\n", rc->one_way);
		fprintf(out, "  a partition isolates: %s\n",
			rc->partition_az ? "an AZ" : "the target node");
	}
}

void spec_explain(const struct spec *s, FILE *out)
{
	char b[SIM_TIME_FMT_LEN];
	size_t i, j, grid = spec_grid_size(s);

	fprintf(out, "spec: %s (%s)\n", s->name, s->file ? s->file : "-");
	if (s->description && *s->description)
		fprintf(out, "description: %s\n", s->description);
	fprintf(out, "seed: %" PRIu64 "\nscenarios: %d\ndeadline: %s\n",
		s->seed, s->scenarios, sim_time_format(s->world.deadline, b));
	fprintf(out, "baseline: %s\npolicies: %zu\n", s->baseline,
		s->n_policies);
	for (i = 0; i < s->n_policies; i++)
		explain_policy(s, &s->policies[i], out);
	explain_world(&s->world, out);

	fprintf(out, "sweep: %zu axes, %zu grid points\n", s->n_axes, grid);
	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (a->world)
			fprintf(out, "  %s (the world, every policy):", a->key);
		else
			fprintf(out, "  %s (%s for %s):", a->key, a->name,
				a->policy ? a->policy : "every policy that "
							"has it");
		for (j = 0; j < a->n_values; j++) {
			if (a->numeric)
				fprintf(out, "%s%g", j ? ", " : " ",
					a->numbers[j]);
			else
				fprintf(out, "%s%s", j ? ", " : " ",
					sim_time_format(a->values[j], b));
		}
		fputc('\n', out);
	}
	fprintf(out, "runs: %zu grid points x %zu policies x %d scenarios = "
		"%.0f\n", grid, s->n_policies, s->scenarios,
		(double)grid * (double)s->n_policies * s->scenarios);
}

gboolean spec_parse_dist(const char *file, const char *path, const cJSON *v,
			 struct dist *out, GError **error)
{
	struct spec dummy;
	struct ctx c = { .file = file, .error = error, .s = &dummy };
	gboolean ok;

	memset(&dummy, 0, sizeof(dummy));
	world_config_init(&dummy.world);
	c.path = g_string_new(path);
	c.scratch = g_ptr_array_new_with_free_func(g_free);
	ok = parse_dist(&c, v, out);
	g_ptr_array_free(c.scratch, TRUE);
	g_string_free(c.path, TRUE);
	world_config_release(&dummy.world);
	return ok;
}
