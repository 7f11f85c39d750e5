/*
 * Number and duration formatting shared by every writer of experiments/
 * (results.json, results.csv, plot data files, the report), and the one
 * comparison of doubles for qsort().
 *
 * Everything here is a pure function of its arguments, in the C locale
 * whatever setlocale() says; nothing allocates except where a function
 * says "caller frees".
 */
#ifndef EXPERIMENTS_FMT_H
#define EXPERIMENTS_FMT_H

#include <cjson/cJSON.h>
#include <glib.h>

/* Room for fmt_double()'s text, with its NUL. */
#define FMT_DOUBLE_LEN G_ASCII_DTOSTR_BUF_SIZE

/* qsort() order of doubles: ascending (NaN compares equal to all). */
int fmt_cmp_double(const void *a, const void *b);

/*
 * The shortest text that reads back to @v: an integer of magnitude below
 * 1e17 as an integer ("3", "-120"), else the first of %.15g, %.16g and
 * %.17g that g_ascii_strtod() reads back to the same double ("0.9", not
 * "0.90000000000000002"). @v must be finite (callers print NaN and
 * infinities their own way: JSON null, an empty CSV field, NaN in a data
 * file). Writes into @buf and returns it.
 */
char *fmt_double(char buf[FMT_DOUBLE_LEN], double v);

/*
 * A JSON number for @v with fmt_double()'s text, so that it reads back to
 * exactly @v (cJSON's own printer checks its 15 digits only to within an
 * epsilon and may print a number 1 ulp off); null when @v is not finite.
 * Caller owns the item (usually by adding it to an object); NULL only
 * when out of memory.
 */
cJSON *fmt_json_number(double v);

/* @root as a results file's text: cJSON_Print() (indented) and a final
 * newline. Caller frees with g_free(); out of memory aborts. */
char *fmt_json_text(const cJSON *root);

/* A CSV field after a comma appended to @g: fmt_double()'s text, or
 * nothing when @v is not finite. */
void fmt_csv_num(GString *g, double v);

/* The unit for durations of magnitude @ref: s, ms or µs. */
struct fmt_unit {
	double scale;		/* seconds to this unit: 1, 1e3, 1e6 */
	const char *name;	/* "s", "ms", "µs" (UTF-8) */
};
struct fmt_unit fmt_unit_for(double ref);

/* A number with three significant digits, without an exponent: "0.0146",
 * "2.08", "14.6", "437". Caller frees with g_free(). */
char *fmt_num3(double v);

/* A duration in seconds in words with three significant digits: "2.08 s",
 * "14.6 ms"; an en dash when @seconds is not finite. Caller frees with
 * g_free(). (A duration of the spec, a sim_time, prints with
 * sim_time_format().) */
char *fmt_seconds(double seconds);

/*
 * @s made safe as one file or folder name: letters, digits, '.', '_' and
 * '-' kept, anything else (a '/', a quote, a space, a byte of UTF-8)
 * becomes '_'; a result of "", "." or ".." becomes "_" so that it never
 * names the folder itself or its parent. Caller frees with g_free().
 */
char *fmt_file_safe(const char *s);

#endif
