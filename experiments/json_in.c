/*
 * The JSON-reading toolkit (json_in.h): a path that follows the walk, typed
 * getters, and one-line messages "FILE: PATH: what is wrong (what would be
 * valid)".
 */
#include "json_in.h"
#include "sim/error.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the context ---- */

void jin_init(struct jin *j, const char *file, const char *path,
	      GError **error)
{
	j->file = file;
	j->path = g_string_new(path ? path : "");
	j->scratch = g_ptr_array_new_with_free_func(g_free);
	j->error = error;
	j->max_s = JIN_MAX_SECONDS;
	j->max_why = JIN_MAX_WHY;
}

void jin_set_max_seconds(struct jin *j, double max_s, const char *why)
{
	j->max_s = max_s;
	j->max_why = why;
}

void jin_release(struct jin *j)
{
	if (j->scratch)
		g_ptr_array_free(j->scratch, TRUE);
	if (j->path)
		g_string_free(j->path, TRUE);
	j->scratch = NULL;
	j->path = NULL;
}

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

gboolean jin_fail(struct jin *j, const char *fmt, ...)
{
	GString *msg = g_string_new(NULL);
	va_list ap;
	char *body;

	va_start(ap, fmt);
	body = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	append_one_line(msg, j->file);
	g_string_append(msg, ": ");
	if (j->path->len) {
		append_one_line(msg, j->path->str);
		g_string_append(msg, ": ");
	}
	append_one_line(msg, body);
	g_set_error_literal(j->error, SIM_ERROR, SIM_ERROR_INPUT, msg->str);
	g_string_free(msg, TRUE);
	g_free(body);
	return FALSE;
}

/* Hands @str to the scratch array and returns it: for message arguments. */
const char *jin_keep(struct jin *j, char *str)
{
	g_ptr_array_add(j->scratch, str);
	return str;
}

size_t jin_push_key(struct jin *j, const char *key)
{
	size_t mark = j->path->len;

	if (mark)
		g_string_append_c(j->path, '.');
	g_string_append(j->path, key);
	return mark;
}

size_t jin_push_index(struct jin *j, size_t i)
{
	size_t mark = j->path->len;

	g_string_append_printf(j->path, "[%zu]", i);
	return mark;
}

void jin_pop(struct jin *j, size_t mark)
{
	g_string_truncate(j->path, mark);
}

/* 'text', cut after JIN_QUOTE_MAX characters (the text is valid UTF-8: the
 * whole document was checked before parsing). */
const char *jin_quote(struct jin *j, const char *text)
{
	glong n = g_utf8_strlen(text, -1);

	if (n <= JIN_QUOTE_MAX)
		return jin_keep(j, g_strdup_printf("'%s'", text));
	return jin_keep(j, g_strdup_printf("'%.*s...'",
		(int)(g_utf8_offset_to_pointer(text, JIN_QUOTE_MAX) - text),
		text));
}

/* A JSON value as it would be written, for "got ..." in messages. */
const char *jin_show(struct jin *j, const cJSON *v)
{
	char *text;
	const char *q;

	if (cJSON_IsString(v))
		return jin_quote(j, v->valuestring);
	text = cJSON_PrintUnformatted(v);
	if (!text)
		return "?";
	if (g_utf8_strlen(text, -1) <= JIN_QUOTE_MAX) {
		q = jin_keep(j, g_strdup(text));
	} else {
		q = jin_keep(j, g_strdup_printf("%.*s...", (int)(
			g_utf8_offset_to_pointer(text, JIN_QUOTE_MAX) - text),
			text));
	}
	cJSON_free(text);
	return q;
}

const char *jin_type_of(const cJSON *v)
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

gboolean jin_wrong_type(struct jin *j, const cJSON *v, const char *want)
{
	return jin_fail(j, "expected %s, got %s (%s)", want, jin_type_of(v),
			jin_show(j, v));
}

/* Reports the required key @key of the current object as missing. */
gboolean jin_missing(struct jin *j, const char *key, const char *what)
{
	jin_push_key(j, key);
	return jin_fail(j, "missing (required: %s)", what);
}

/* "a, b, c" from a NULL-terminated list. */
const char *jin_join(struct jin *j, const char *const *list)
{
	return jin_keep(j, g_strjoinv(", ", (char **)list));
}

bool jin_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* ---- JSON values ---- */

const cJSON *jin_member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The member @key of @obj, when present, with the path pushed to it. */
const cJSON *jin_enter(struct jin *j, const cJSON *obj, const char *key,
		       size_t *mark)
{
	const cJSON *v = jin_member(obj, key);

	if (v)
		*mark = jin_push_key(j, key);
	return v;
}

const cJSON *jin_require(struct jin *j, const cJSON *obj, const char *key,
			 const char *what, size_t *mark)
{
	const cJSON *v = jin_enter(j, obj, key, mark);

	if (!v)
		jin_missing(j, key, what);
	return v;
}

/*
 * Checks that @v is an object without duplicate keys (cJSON keeps both;
 * the second would silently be ignored) and, when @valid is given, with
 * only those keys.
 */
gboolean jin_check_object(struct jin *j, const cJSON *v,
			  const char *const *valid)
{
	const cJSON *k, *p;

	if (!cJSON_IsObject(v))
		return jin_wrong_type(j, v, "an object");
	for (k = v->child; k; k = k->next) {
		for (p = v->child; p != k; p = p->next)
			if (!strcmp(p->string, k->string))
				return jin_fail(j, "duplicate key %s",
						jin_quote(j, k->string));
		if (valid && !jin_in_list(valid, k->string))
			return jin_fail(j, "unknown key %s (valid: %s)",
					jin_quote(j, k->string),
					jin_join(j, valid));
	}
	return TRUE;
}

gboolean jin_get_string(struct jin *j, const cJSON *v, const char **out)
{
	*out = NULL;
	if (!cJSON_IsString(v))
		return jin_wrong_type(j, v, "a string");
	*out = v->valuestring;
	return TRUE;
}

gboolean jin_get_name(struct jin *j, const cJSON *v, const char **out)
{
	if (!jin_get_string(j, v, out))
		return FALSE;
	const char *p;

	if (!**out)
		return jin_fail(j, "a name cannot be empty");
	/* names go into traces (TSV), gnuplot scripts and reports */
	for (p = *out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr("<>&\"'`\\", *p))
			return jin_fail(j, "%s has a control character or one "
					"of < > & \" ' ` \\ (names appear in "
					"traces and reports)", jin_show(j, v));
	return TRUE;
}

gboolean jin_get_bool(struct jin *j, const cJSON *v, bool *out)
{
	if (!cJSON_IsBool(v))
		return jin_wrong_type(j, v, "true or false");
	*out = cJSON_IsTrue(v);
	return TRUE;
}

gboolean jin_get_number(struct jin *j, const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v))
		return jin_wrong_type(j, v, "a number");
	if (!isfinite(v->valuedouble))
		return jin_fail(j, "%s is not a finite number", jin_show(j, v));
	*out = v->valuedouble;
	return TRUE;
}

gboolean jin_get_number_in(struct jin *j, const cJSON *v, double lo,
			   double hi, const char *what, double *out)
{
	double x;

	if (!jin_get_number(j, v, &x))
		return FALSE;
	if (x < lo || x > hi)
		return jin_fail(j, "%s is not a number from %g to %g%s%s%s",
				jin_show(j, v), lo, hi, what ? " (" : "",
				what ? what : "", what ? ")" : "");
	*out = x;
	return TRUE;
}

gboolean jin_check_seconds(struct jin *j, const cJSON *v, double seconds)
{
	char buf[SIM_TIME_FMT_LEN];

	if (seconds <= j->max_s)
		return TRUE;
	return jin_fail(j, "%s is longer than %s (%s: at most that is valid)",
			jin_show(j, v), sim_time_format(
				(sim_time)llround(j->max_s * 1e9), buf),
			j->max_why);
}

/* An integer in [lo, hi]. */
gboolean jin_get_int(struct jin *j, const cJSON *v, double lo, double hi,
		     double *out)
{
	double x;

	if (!cJSON_IsNumber(v))
		return jin_wrong_type(j, v, jin_keep(j, g_strdup_printf(
			"an integer from %.0f to %.0f", lo, hi)));
	x = v->valuedouble;
	if (!isfinite(x) || x != floor(x) || x < lo || x > hi)
		return jin_fail(j, "%s is not an integer from %.0f to %.0f",
				jin_show(j, v), lo, hi);
	*out = x;
	return TRUE;
}

#define DURATION_WORDS "a duration (a string with a unit such as \"250ms\", " \
	"or a number of seconds)"

/* A duration: a string with units, or a number of seconds. */
gboolean jin_get_duration(struct jin *j, const cJSON *v, sim_time *out)
{
	GError *err = NULL;
	gboolean ok;

	if (cJSON_IsString(v))
		ok = sim_time_parse(v->valuestring, out, &err);
	else if (cJSON_IsNumber(v))
		ok = sim_time_from_seconds(v->valuedouble, out, &err);
	else
		return jin_wrong_type(j, v, DURATION_WORDS);
	if (!ok) {
		jin_fail(j, "%s", err->message);
		g_error_free(err);
		return FALSE;
	}
	return jin_check_seconds(j, v, sim_time_to_s(*out));
}

gboolean jin_get_positive_duration(struct jin *j, const cJSON *v,
				   sim_time *out)
{
	if (!jin_get_duration(j, v, out))
		return FALSE;
	if (*out <= 0)
		return jin_fail(j, "%s: must be longer than 0", jin_show(j, v));
	return TRUE;
}

/* A duration in seconds, as distributions hold them. A number is kept as
 * written; a string is exact to the nanosecond. */
gboolean jin_get_seconds(struct jin *j, const cJSON *v, double *out)
{
	sim_time t;

	if (!jin_get_duration(j, v, &t))
		return FALSE;
	*out = cJSON_IsNumber(v) ? v->valuedouble : sim_time_to_s(t);
	return TRUE;
}

/* ---- additions for the other readers (study specs) ---- */

gboolean jin_get_array(struct jin *j, const cJSON *v, size_t min, size_t max,
		       const char *what, size_t *n)
{
	size_t size;

	if (!cJSON_IsArray(v))
		return jin_wrong_type(j, v, jin_keep(j, g_strdup_printf(
			"an array of %zu to %zu %s", min, max, what)));
	size = (size_t)cJSON_GetArraySize(v);
	if (size < min || size > max)
		return jin_fail(j, "%zu %s (give %zu to %zu)", size, what, min,
				max);
	*n = size;
	return TRUE;
}

gboolean jin_get_choice(struct jin *j, const cJSON *v,
			const char *const *valid, int *out)
{
	const char *str;
	int i;

	if (!jin_get_string(j, v, &str))
		return FALSE;
	for (i = 0; valid[i]; i++) {
		if (!strcmp(valid[i], str)) {
			*out = i;
			return TRUE;
		}
	}
	return jin_fail(j, "unknown value %s (valid: %s)", jin_quote(j, str),
			jin_join(j, valid));
}

gboolean jin_get_text(struct jin *j, const cJSON *v, const char **out)
{
	const char *p;

	if (!jin_get_string(j, v, out))
		return FALSE;
	if (!**out)
		return jin_fail(j, "cannot be empty");
	for (p = *out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return jin_fail(j, "%s has a control character (it is "
					"shown on one line)", jin_show(j, v));
	return TRUE;
}

/* ---- optional members ---- */

/* Pops to @mark and returns TRUE: the end of an optional getter. */
static gboolean leave(struct jin *j, size_t mark)
{
	jin_pop(j, mark);
	return TRUE;
}

gboolean jin_opt_string(struct jin *j, const cJSON *obj, const char *key,
			const char **out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_string(j, v, out) && leave(j, m));
}

gboolean jin_opt_bool(struct jin *j, const cJSON *obj, const char *key,
		      bool *out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_bool(j, v, out) && leave(j, m));
}

gboolean jin_opt_int(struct jin *j, const cJSON *obj, const char *key,
		     double lo, double hi, double *out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_int(j, v, lo, hi, out) && leave(j, m));
}

gboolean jin_opt_number_in(struct jin *j, const cJSON *obj, const char *key,
			   double lo, double hi, const char *what,
			   double *out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_number_in(j, v, lo, hi, what, out) &&
		      leave(j, m));
}

gboolean jin_opt_duration(struct jin *j, const cJSON *obj, const char *key,
			  sim_time *out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_duration(j, v, out) && leave(j, m));
}

gboolean jin_opt_positive_duration(struct jin *j, const cJSON *obj,
				   const char *key, sim_time *out)
{
	size_t m;
	const cJSON *v = jin_enter(j, obj, key, &m);

	return !v || (jin_get_positive_duration(j, v, out) && leave(j, m));
}

/* ---- the document ---- */

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

gboolean jin_parse_text(const char *file, const char *text, cJSON **root,
			GError **error)
{
	const char *end = NULL;

	*root = NULL;
	if (!g_utf8_validate(text, -1, &end)) {
		error_at(file, text, end, "invalid UTF-8", error);
		return FALSE;
	}
	*root = cJSON_ParseWithOpts(text, &end, TRUE);
	if (!*root) {
		error_at(file, text, end ? end : text, "invalid JSON", error);
		return FALSE;
	}
	return TRUE;
}

gboolean jin_read_file(const char *path, size_t max_bytes, const char *what,
		       char **out, GError **error)
{
	GString *text = g_string_new(NULL);
	char buf[65536];
	size_t n;
	FILE *f;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		goto io_error;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (text->len + n > max_bytes) {
			fclose(f);
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s: larger than %zu MiB: not %s", path,
				    max_bytes >> 20, what);
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
	*out = g_string_free(text, FALSE);
	return TRUE;

io_error:
	/* fopen() and fread() set errno; read it before anything else can */
	g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot read: %s",
		    path, g_strerror(errno));
	g_string_free(text, TRUE);
	return FALSE;
}
