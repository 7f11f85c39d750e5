/*
 * The JSON-reading toolkit (experiments/json_in.h): every getter, good and
 * bad values, the path through nested objects and arrays, duplicate and
 * unknown keys, messages kept on one line, and reading and parsing a
 * document (line and column of a syntax error).
 */
#include "experiments/json_in.h"
#include "sim/error.h"
#include "test.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

/* A walk over @text (parsed), in @j, at the root of file "t.json". */
struct walk {
	struct jin j;
	cJSON *doc;
	GError *err;
};

static void walk_start(struct walk *w, const char *text)
{
	w->err = NULL;
	w->doc = cJSON_Parse(text);
	if (!w->doc)
		TEST_FAIL("bad test JSON: %s", text);
	jin_init(&w->j, "t.json", NULL, &w->err);
}

static void walk_end(struct walk *w)
{
	jin_release(&w->j);
	cJSON_Delete(w->doc);
	g_clear_error(&w->err);
}

/* The member @key of the root, with the path pushed to it. */
static const cJSON *at(struct walk *w, const char *key)
{
	size_t m;
	const cJSON *v = jin_enter(&w->j, w->doc, key, &m);

	if (!v)
		TEST_FAIL("no key %s", key);
	return v;
}

/* The error is set, with exactly @msg, on one line. */
static void expect_error(struct walk *w, gboolean ok, const char *msg)
{
	ASSERT(!ok);
	ASSERT(w->err != NULL);
	ASSERT_EQ(w->err->domain, SIM_ERROR);
	ASSERT_EQ(w->err->code, SIM_ERROR_INPUT);
	ASSERT_STR_EQ(w->err->message, msg);
	ASSERT(!strchr(w->err->message, '\n'));
}

static void test_path(void)
{
	struct walk w;
	const cJSON *a, *o, *e;
	size_t m0, m1, m2;

	walk_start(&w, "{ \"a\": [ 1, { \"b\": { \"c\": \"x\" } } ] }");
	ASSERT_STR_EQ(w.j.path->str, "");
	a = jin_enter(&w.j, w.doc, "a", &m0);
	ASSERT_STR_EQ(w.j.path->str, "a");
	m1 = jin_push_index(&w.j, 1);
	o = cJSON_GetArrayItem(a, 1);
	ASSERT_STR_EQ(w.j.path->str, "a[1]");
	e = jin_enter(&w.j, o, "b", &m2);
	ASSERT_STR_EQ(w.j.path->str, "a[1].b");
	ASSERT(jin_enter(&w.j, e, "missing", &m2) == NULL);
	ASSERT_STR_EQ(w.j.path->str, "a[1].b");	/* unchanged */
	e = jin_member(e, "c");
	jin_push_key(&w.j, "c");
	expect_error(&w, jin_fail(&w.j, "bad %d", 7), "t.json: a[1].b.c: bad 7");
	jin_pop(&w.j, m1);
	ASSERT_STR_EQ(w.j.path->str, "a");
	jin_pop(&w.j, m0);
	ASSERT_STR_EQ(w.j.path->str, "");
	g_clear_error(&w.err);
	/* at the root: no path in the message */
	expect_error(&w, jin_fail(&w.j, "top"), "t.json: top");
	walk_end(&w);

	/* a starting path */
	w.err = NULL;
	w.doc = cJSON_Parse("1");
	jin_init(&w.j, "s.json", "service_time", &w.err);
	expect_error(&w, jin_get_string(&w.j, w.doc, &(const char *){ NULL }),
		     "s.json: service_time: expected a string, got a number (1)");
	walk_end(&w);
}

static void test_objects(void)
{
	static const char *const valid[] = { "a", "b", NULL };
	struct walk w;

	walk_start(&w, "{ \"o\": { \"a\": 1, \"b\": 2 },"
		       " \"d\": { \"a\": 1, \"a\": 2 },"
		       " \"u\": { \"a\": 1, \"zz\": 2 }, \"n\": [] }");
	ASSERT(jin_check_object(&w.j, at(&w, "o"), valid));
	jin_pop(&w.j, 0);
	expect_error(&w, jin_check_object(&w.j, at(&w, "d"), NULL),
		     "t.json: d: duplicate key 'a'");
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	expect_error(&w, jin_check_object(&w.j, at(&w, "u"), valid),
		     "t.json: u: unknown key 'zz' (valid: a, b)");
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	expect_error(&w, jin_check_object(&w.j, at(&w, "n"), valid),
		     "t.json: n: expected an object, got an array ([])");
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	expect_error(&w, jin_missing(&w.j, "k", "a thing"),
		     "t.json: k: missing (required: a thing)");
	ASSERT(jin_in_list(valid, "b"));
	ASSERT(!jin_in_list(valid, "c"));
	ASSERT_STR_EQ(jin_join(&w.j, valid), "a, b");
	walk_end(&w);
}

static void test_arrays(void)
{
	struct walk w;
	size_t n = 0;

	walk_start(&w, "{ \"a\": [1, 2, 3], \"e\": [], \"s\": \"x\" }");
	ASSERT(jin_get_array(&w.j, at(&w, "a"), 1, 3, "counts", &n));
	ASSERT_EQ(n, 3);
	jin_pop(&w.j, 0);
	expect_error(&w, jin_get_array(&w.j, at(&w, "a"), 1, 2, "counts", &n),
		     "t.json: a: 3 counts (give 1 to 2)");
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	expect_error(&w, jin_get_array(&w.j, at(&w, "e"), 1, 2, "counts", &n),
		     "t.json: e: 0 counts (give 1 to 2)");
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	expect_error(&w, jin_get_array(&w.j, at(&w, "s"), 1, 2, "counts", &n),
		     "t.json: s: expected an array of 1 to 2 counts, got a "
		     "string ('x')");
	walk_end(&w);
}

/* One getter on one value: @key of the document. */
#define GOOD(w, call) ASSERT(call); jin_pop(&(w).j, 0)
#define BAD(w, call, msg) \
	do { \
		expect_error(&(w), (call), (msg)); \
		jin_pop(&(w).j, 0); \
		g_clear_error(&(w).err); \
	} while (0)

static void test_strings(void)
{
	static const char *const kinds[] = { "node", "az", NULL };
	struct walk w;
	const char *s = NULL;
	int k = -1;

	walk_start(&w, "{ \"s\": \"etcd-1\", \"n\": 5, \"e\": \"\","
		       " \"q\": \"a'b\", \"t\": \"Marc's \\\"study\\\"\","
		       " \"c\": \"a\\tb\", \"az\": \"az\", \"x\": \"zone\" }");
	GOOD(w, jin_get_string(&w.j, at(&w, "s"), &s));
	ASSERT_STR_EQ(s, "etcd-1");
	BAD(w, jin_get_string(&w.j, at(&w, "n"), &s),
	    "t.json: n: expected a string, got a number (5)");
	GOOD(w, jin_get_name(&w.j, at(&w, "s"), &s));
	BAD(w, jin_get_name(&w.j, at(&w, "e"), &s),
	    "t.json: e: a name cannot be empty");
	BAD(w, jin_get_name(&w.j, at(&w, "q"), &s),
	    "t.json: q: 'a'b' has a control character or one of < > & \" ' "
	    "` \\ (names appear in traces and reports)");
	/* free text: quotes allowed, control characters not */
	GOOD(w, jin_get_text(&w.j, at(&w, "t"), &s));
	ASSERT_STR_EQ(s, "Marc's \"study\"");
	BAD(w, jin_get_text(&w.j, at(&w, "e"), &s),
	    "t.json: e: cannot be empty");
	BAD(w, jin_get_text(&w.j, at(&w, "c"), &s),
	    "t.json: c: 'a\\tb' has a control character (it is shown on one "
	    "line)");
	GOOD(w, jin_get_choice(&w.j, at(&w, "az"), kinds, &k));
	ASSERT_EQ(k, 1);
	BAD(w, jin_get_choice(&w.j, at(&w, "x"), kinds, &k),
	    "t.json: x: unknown value 'zone' (valid: node, az)");
	walk_end(&w);
}

static void test_numbers(void)
{
	struct walk w;
	double x = 0;
	bool b = false;

	walk_start(&w, "{ \"t\": true, \"f\": 1.5, \"i\": 42, \"big\": 1e300,"
		       " \"neg\": -3, \"s\": \"1\", \"z\": null }");
	GOOD(w, jin_get_bool(&w.j, at(&w, "t"), &b));
	ASSERT(b);
	BAD(w, jin_get_bool(&w.j, at(&w, "i"), &b),
	    "t.json: i: expected true or false, got a number (42)");
	GOOD(w, jin_get_number(&w.j, at(&w, "f"), &x));
	ASSERT_NEAR(x, 1.5, 0);
	BAD(w, jin_get_number(&w.j, at(&w, "s"), &x),
	    "t.json: s: expected a number, got a string ('1')");
	BAD(w, jin_get_number(&w.j, at(&w, "z"), &x),
	    "t.json: z: expected a number, got null (null)");
	GOOD(w, jin_get_int(&w.j, at(&w, "i"), 0, 100, &x));
	ASSERT_NEAR(x, 42, 0);
	BAD(w, jin_get_int(&w.j, at(&w, "f"), 0, 100, &x),
	    "t.json: f: 1.5 is not an integer from 0 to 100");
	BAD(w, jin_get_int(&w.j, at(&w, "neg"), 0, 100, &x),
	    "t.json: neg: -3 is not an integer from 0 to 100");
	BAD(w, jin_get_int(&w.j, at(&w, "big"), 0, JIN_MAX_EXACT_INT, &x),
	    "t.json: big: 1e+300 is not an integer from 0 to "
	    "9007199254740991");
	BAD(w, jin_get_int(&w.j, at(&w, "t"), 1, 9, &x),
	    "t.json: t: expected an integer from 1 to 9, got a boolean (true)");
	walk_end(&w);
}

static void test_durations(void)
{
	struct walk w;
	sim_time t = 0;
	double x = 0;

	walk_start(&w, "{ \"ms\": \"250ms\", \"n\": 1.5, \"zero\": \"0s\","
		       " \"b\": false }");
	GOOD(w, jin_get_duration(&w.j, at(&w, "ms"), &t));
	ASSERT_EQ(t, 250 * SIM_MS);
	GOOD(w, jin_get_duration(&w.j, at(&w, "n"), &t));
	ASSERT_EQ(t, 1500 * SIM_MS);
	GOOD(w, jin_get_duration(&w.j, at(&w, "zero"), &t));
	ASSERT_EQ(t, 0);
	BAD(w, jin_get_positive_duration(&w.j, at(&w, "zero"), &t),
	    "t.json: zero: '0s': must be longer than 0");
	BAD(w, jin_get_duration(&w.j, at(&w, "b"), &t),
	    "t.json: b: expected a duration (a string with a unit such as "
	    "\"250ms\", or a number of seconds), got a boolean (false)");
	walk_end(&w);

	/* the unit error comes from sim_time_parse(), at the path */
	walk_start(&w, "{ \"bad\": \"5xs\", \"third\": 0.1 }");
	ASSERT(!jin_get_duration(&w.j, at(&w, "bad"), &t));
	ASSERT(g_str_has_prefix(w.err->message, "t.json: bad: '5xs': "));
	jin_pop(&w.j, 0);
	g_clear_error(&w.err);
	/* seconds: a number kept as written, a string exact */
	GOOD(w, jin_get_seconds(&w.j, at(&w, "third"), &x));
	ASSERT(x == 0.1);
	walk_end(&w);
}

/* The ranges of issue 13: a number from LO to HI; the longest duration,
 * JIN_MAX_SECONDS (1e6 s = 277h46m40s) unless the reader sets another. */
static void test_ranges(void)
{
	struct walk w;
	sim_time t = 0;
	double x = 0;

	walk_start(&w, "{ \"half\": 0.5, \"big\": 1e300, \"d\": \"1000000s\","
		       " \"d1\": 1000000.5, \"m\": \"61s\" }");
	GOOD(w, jin_get_number_in(&w.j, at(&w, "half"), 0, 1, NULL, &x));
	ASSERT_NEAR(x, 0.5, 0);
	BAD(w, jin_get_number_in(&w.j, at(&w, "big"), 1, 1000, "a factor", &x),
	    "t.json: big: 1e+300 is not a number from 1 to 1000 (a factor)");
	BAD(w, jin_get_number_in(&w.j, at(&w, "half"), 1, 2, NULL, &x),
	    "t.json: half: 0.5 is not a number from 1 to 2");
	GOOD(w, jin_get_duration(&w.j, at(&w, "d"), &t));
	ASSERT_EQ(t, (sim_time)1000000 * SIM_S);
	BAD(w, jin_get_seconds(&w.j, at(&w, "d1"), &x),
	    "t.json: d1: 1000000.5 is longer than 277h46m40s (11.6 days: at "
	    "most that is valid)");
	jin_set_max_seconds(&w.j, 60, "a minute");
	BAD(w, jin_get_duration(&w.j, at(&w, "m"), &t),
	    "t.json: m: '61s' is longer than 1m (a minute: at most that is "
	    "valid)");
	walk_end(&w);
}

/* Control characters in the file name, the path and a quoted value are
 * escaped; long values are cut. */
static void test_one_line(void)
{
	struct walk w;
	const char *s;
	char *long_text, *json;

	w.err = NULL;
	w.doc = cJSON_Parse("{ \"k\\ney\": 5 }");
	jin_init(&w.j, "a\tb.json", NULL, &w.err);
	jin_push_key(&w.j, w.doc->child->string);
	expect_error(&w, jin_get_string(&w.j, w.doc->child, &s),
		     "a\\tb.json: k\\ney: expected a string, got a number (5)");
	walk_end(&w);

	long_text = g_strnfill(100, 'x');
	json = g_strdup_printf("{ \"v\": \"%s\\r\" }", long_text);
	walk_start(&w, json);
	ASSERT(!jin_get_number(&w.j, at(&w, "v"), &(double){ 0 }));
	ASSERT_STR_CONTAINS(w.err->message, "'xxxxxxxxxx");
	ASSERT_STR_CONTAINS(w.err->message, "...')");
	ASSERT(!strchr(w.err->message, '\r'));
	walk_end(&w);
	g_free(json);
	g_free(long_text);
}

static void test_documents(void)
{
	GError *err = NULL;
	cJSON *root = NULL;
	char *text = NULL, *path;
	int fd;

	ASSERT(jin_parse_text("d.json", "{ \"a\": 1 }", &root, &err));
	cJSON_Delete(root);
	ASSERT(!jin_parse_text("d.json", "{\n  \"a\": 1,\n  ]", &root, &err));
	ASSERT(g_str_has_prefix(err->message, "d.json: line 3, column "));
	ASSERT(root == NULL);
	g_clear_error(&err);
	ASSERT(!jin_parse_text("d.json", "{} x", &root, &err));
	ASSERT_STR_CONTAINS(err->message, "invalid JSON");
	g_clear_error(&err);
	ASSERT(!jin_parse_text("d.json", "\"\xff\"", &root, &err));
	ASSERT_STR_EQ(err->message, "d.json: line 1, column 2: invalid UTF-8");
	g_clear_error(&err);

	ASSERT(!jin_read_file("/nonexistent/x.json", 1 << 20, "a spec", &text,
			      &err));
	ASSERT_EQ(err->code, SIM_ERROR_IO);
	ASSERT_STR_CONTAINS(err->message, "/nonexistent/x.json: cannot read: ");
	g_clear_error(&err);

	fd = g_file_open_tmp("jin-XXXXXX.json", &path, NULL);
	ASSERT(fd >= 0);
	close(fd);
	ASSERT(g_file_set_contents(path, "{ \"a\": [1, 2] }", -1, NULL));
	ASSERT(jin_read_file(path, 1 << 20, "a spec", &text, &err));
	ASSERT_STR_EQ(text, "{ \"a\": [1, 2] }");
	g_free(text);
	ASSERT(!jin_read_file(path, 4, "a spec", &text, &err));
	ASSERT_EQ(err->code, SIM_ERROR_INPUT);
	ASSERT(g_str_has_suffix(err->message, ": larger than 0 MiB: not a spec"));
	g_clear_error(&err);
	ASSERT(g_file_set_contents(path, "{\n \"a\": 1\0 }", 12, NULL));
	ASSERT(!jin_read_file(path, 1 << 20, "a spec", &text, &err));
	ASSERT_STR_CONTAINS(err->message, ": line 2, column 8: invalid JSON "
			    "(a NUL byte)");
	g_clear_error(&err);
	g_unlink(path);
	g_free(path);
}

int main(void)
{
	TEST_RUN(test_path);
	TEST_RUN(test_objects);
	TEST_RUN(test_arrays);
	TEST_RUN(test_strings);
	TEST_RUN(test_numbers);
	TEST_RUN(test_durations);
	TEST_RUN(test_ranges);
	TEST_RUN(test_one_line);
	TEST_RUN(test_documents);
	return 0;
}
