/*
 * Reading JSON input (cJSON) with messages a user can act on: the one
 * toolkit that the run spec loader (spec*.c), the study specs
 * (study_spec.c) and any other reader of selsim's JSON use.
 *
 * A reader walks the document with a struct jin that remembers where it
 * is: the JSON path ("topology.nodes[2].az") grows with jin_push_key() and
 * jin_push_index() as the walk goes down and shrinks with jin_pop() as it
 * comes back up. On the first problem a getter sets the error and returns
 * FALSE, leaving the path where the problem is, so that the message reads
 *
 *     FILE: JSON.PATH: what is wrong (what would be valid)
 *
 * on one line (control characters in the file name, the path or a quoted
 * value are escaped as \n, \t, \xNN). A walk that fails just returns FALSE
 * up the stack: nothing needs popping, and strings made for a message go
 * to the context's scratch array (jin_keep()), freed by jin_release(), so
 * that no error path frees anything.
 *
 * The getters take the value (never NULL: use jin_member() or jin_enter()
 * to find an optional key first) and report at the current path. They set
 * the error through the context's GError ** (domain SIM_ERROR, code
 * SIM_ERROR_INPUT). All strings returned point into the document or into
 * the scratch array: borrowed, valid until the document is deleted or
 * jin_release() is called.
 */
#ifndef EXPERIMENTS_JSON_IN_H
#define EXPERIMENTS_JSON_IN_H

#include "sim/time.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The largest integer a JSON number (a double) holds exactly. */
#define JIN_MAX_EXACT_INT 9007199254740991.0
/* Quoted values in messages are cut after this many characters. */
#define JIN_QUOTE_MAX 60

/* Where a walk is, and where its error goes. */
struct jin {
	const char *file;	/* named first in every message; borrowed */
	GString *path;		/* the JSON path of the value at hand */
	GPtrArray *scratch;	/* strings made for messages (jin_keep) */
	GError **error;		/* set by the first failure; may be NULL */
	/* The longest duration a getter accepts, in seconds, and why (for
	 * messages): JIN_MAX_SECONDS and "JIN_MAX_WHY" after jin_init(); a
	 * reader that knows better sets them (jin_set_max_seconds()). */
	double max_s;
	const char *max_why;
};

/*
 * The ranges a user could mean (issue 13). Durations: a JSON reader that
 * knows no other scale (a study spec) accepts up to JIN_MAX_SECONDS; a run
 * spec accepts up to JIN_DEADLINE_FACTOR times its deadline, and a
 * deadline up to JIN_MAX_DEADLINE_S. Both keep every time selsim computes
 * from them far inside sim_time (9.2e9 s): a service time of at most
 * 100 x 1 day, times a slow factor of at most JIN_MAX_FACTOR (1000), is
 * 8.64e9 s.
 */
#define JIN_MAX_SECONDS 1e6		/* 11.6 days */
#define JIN_MAX_WHY "11.6 days"
#define JIN_MAX_DEADLINE_S 86400.0	/* a scenario is a join: 1 day */
#define JIN_DEADLINE_FACTOR 100.0
#define JIN_MAX_FACTOR 1000.0		/* a slow server's service-time factor */

/* Sets the longest duration the getters accept (@why, borrowed, says
 * where it comes from: "100 x the deadline"). */
void jin_set_max_seconds(struct jin *j, double max_s, const char *why);

/* Sets up @j for file @file (borrowed: it must outlive @j), starting at
 * JSON path @path ("" or NULL for the document's root). */
void jin_init(struct jin *j, const char *file, const char *path,
	      GError **error);

/* Frees the path and the scratch strings (every string a jin_* function
 * returned from the scratch array becomes invalid). */
void jin_release(struct jin *j);

/* ---- the document ---- */

/*
 * Reads the whole of file @path into *@text (caller frees with g_free()).
 * A file that cannot be read is SIM_ERROR_IO "PATH: cannot read: WHY"; one
 * larger than @max_bytes is SIM_ERROR_INPUT "PATH: larger than N MiB: not
 * @what" (@what: "a spec"); one with a NUL byte is SIM_ERROR_INPUT with
 * its line and column.
 */
gboolean jin_read_file(const char *path, size_t max_bytes, const char *what,
		       char **text, GError **error);

/*
 * Parses @text (NUL-terminated) into *@root (caller frees with
 * cJSON_Delete()). Invalid UTF-8 or invalid JSON is SIM_ERROR_INPUT
 * "FILE: line L, column C: invalid JSON" (columns count characters). Text
 * after the value is invalid JSON too.
 */
gboolean jin_parse_text(const char *file, const char *text, cJSON **root,
			GError **error);

/* ---- messages and the path ---- */

/* Sets the error "FILE: PATH: message" ("FILE: message" at the root) and
 * returns FALSE, so that callers can `return jin_fail(j, ...)`. */
gboolean jin_fail(struct jin *j, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Hands @str (allocated with g_malloc) to the scratch array and returns
 * it: for message arguments. */
const char *jin_keep(struct jin *j, char *str);

/* Appends ".KEY" (or "KEY" at the root) or "[I]" to the path; returns the
 * mark that jin_pop() takes to undo it. */
size_t jin_push_key(struct jin *j, const char *key);
size_t jin_push_index(struct jin *j, size_t i);
void jin_pop(struct jin *j, size_t mark);

/* 'TEXT', cut after JIN_QUOTE_MAX characters (valid UTF-8 expected). */
const char *jin_quote(struct jin *j, const char *text);

/* @v as JSON would write it (a string quoted as jin_quote() does), cut
 * after JIN_QUOTE_MAX characters: for "got ..." in messages. */
const char *jin_show(struct jin *j, const cJSON *v);

/* "an object", "an array", "a string", "a number", "a boolean", "null".
 * Static. */
const char *jin_type_of(const cJSON *v);

/* "expected WANT, got TYPE (VALUE)"; returns FALSE. */
gboolean jin_wrong_type(struct jin *j, const cJSON *v, const char *want);

/* Reports the required key @key of the object at hand as missing:
 * "KEY: missing (required: WHAT)"; returns FALSE. */
gboolean jin_missing(struct jin *j, const char *key, const char *what);

/* "a, b, c" from a NULL-terminated list (scratch). */
const char *jin_join(struct jin *j, const char *const *list);

/* Whether @s is in the NULL-terminated @list. */
bool jin_in_list(const char *const *list, const char *s);

/* ---- objects ---- */

/* Member @key of object @obj (case-sensitive), or NULL. */
const cJSON *jin_member(const cJSON *obj, const char *key);

/* Member @key of @obj when present, with the path pushed to it (*@mark
 * set for jin_pop()); NULL, the path unchanged, when absent. */
const cJSON *jin_enter(struct jin *j, const cJSON *obj, const char *key,
		       size_t *mark);

/* Required member @key of @obj, with the path pushed to it (*@mark set);
 * when absent, NULL and the error "KEY: missing (required: WHAT)". */
const cJSON *jin_require(struct jin *j, const cJSON *obj, const char *key,
			 const char *what, size_t *mark);

/*
 * Checks that @v is an object without duplicate keys (cJSON keeps both,
 * and a lookup would silently see the first) and, when @valid (a
 * NULL-terminated list) is given, with only those keys: "unknown key 'K'
 * (valid: a, b)", the path at the object.
 */
gboolean jin_check_object(struct jin *j, const cJSON *v,
			  const char *const *valid);

/* ---- arrays ---- */

/* Checks that @v is an array of @min to @max elements (@what names one
 * element for messages: "policies"); its size in *@n. */
gboolean jin_get_array(struct jin *j, const cJSON *v, size_t min, size_t max,
		       const char *what, size_t *n);

/* ---- scalars ---- */

/* A string; *@out borrows from the document. */
gboolean jin_get_string(struct jin *j, const cJSON *v, const char **out);

/* A string from the NULL-terminated @valid list: "unknown value 'x'
 * (valid: a, b)"; its index in *@out. */
gboolean jin_get_choice(struct jin *j, const cJSON *v,
			const char *const *valid, int *out);

/* A name that goes into traces (TSV), gnuplot scripts and reports: not
 * empty, no control character and none of < > & " ' ` backslash. */
gboolean jin_get_name(struct jin *j, const cJSON *v, const char **out);

/* Free text shown on one line (a title, a label): not empty and without
 * control characters; quotes and any other character are allowed, so
 * whoever writes it out must escape it for where it goes. */
gboolean jin_get_text(struct jin *j, const cJSON *v, const char **out);

gboolean jin_get_bool(struct jin *j, const cJSON *v, bool *out);

/* A finite number. */
gboolean jin_get_number(struct jin *j, const cJSON *v, double *out);

/* A number in [@lo, @hi]: "X is not a number from LO to HI" (@what, when
 * not NULL, is added: "(a probability)"). */
gboolean jin_get_number_in(struct jin *j, const cJSON *v, double lo,
			   double hi, const char *what, double *out);

/* Checks @seconds (of value @v) against the longest duration accepted
 * (jin_set_max_seconds()): "X is longer than MAX (WHY)". */
gboolean jin_check_seconds(struct jin *j, const cJSON *v, double seconds);

/* An integer in [@lo, @hi] (both at most JIN_MAX_EXACT_INT in size):
 * "X is not an integer from LO to HI". */
gboolean jin_get_int(struct jin *j, const cJSON *v, double lo, double hi,
		     double *out);

/* A duration: a string with a unit ("250ms", sim_time_parse()) or a
 * number of seconds, at most the longest accepted (jin_check_seconds()). */
gboolean jin_get_duration(struct jin *j, const cJSON *v, sim_time *out);

/* A duration longer than 0. */
gboolean jin_get_positive_duration(struct jin *j, const cJSON *v,
				   sim_time *out);

/* A duration in seconds, as distributions hold them: a number is kept as
 * written, a string is exact to the nanosecond. */
gboolean jin_get_seconds(struct jin *j, const cJSON *v, double *out);

/* ---- optional members ----
 *
 * The getters above on member @key of object @obj, when it is there: the
 * path goes to the key for the getter and comes back on success. An
 * absent key is TRUE with *@out unchanged (so that it keeps its default).
 */

gboolean jin_opt_string(struct jin *j, const cJSON *obj, const char *key,
			const char **out);
gboolean jin_opt_bool(struct jin *j, const cJSON *obj, const char *key,
		      bool *out);
gboolean jin_opt_int(struct jin *j, const cJSON *obj, const char *key,
		     double lo, double hi, double *out);
gboolean jin_opt_number_in(struct jin *j, const cJSON *obj, const char *key,
			   double lo, double hi, const char *what,
			   double *out);
gboolean jin_opt_duration(struct jin *j, const cJSON *obj, const char *key,
			  sim_time *out);
gboolean jin_opt_positive_duration(struct jin *j, const cJSON *obj,
				   const char *key, sim_time *out);

#endif
