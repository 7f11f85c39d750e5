/*
 * Number formatting (experiments/fmt.h) and the quoting of the gnuplot
 * runner (experiments/gnuplot.h): table-driven.
 */
#include "test.h"
#include "experiments/fmt.h"
#include "experiments/gnuplot.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>

/* fmt_double: the shortest text that reads back to the same double. */
static void test_double(void)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{ 0.9, "0.9" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 3, "3" },
		{ -120, "-120" },
		{ 0, "0" },
		{ -0.0, "0" },
		{ 1e16, "10000000000000000" },
		{ 1e20, "1e+20" },
		{ 2.5e-7, "2.5e-07" },
		{ 600.000001, "600.000001" },
		{ 9007199254740993.0, "9007199254740992" },
	};
	char buf[FMT_DOUBLE_LEN];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		ASSERT_STR_EQ(fmt_double(buf, cases[i].v), cases[i].text);
		ASSERT(g_ascii_strtod(buf, NULL) == cases[i].v);
	}
	/* random doubles read back, and no shorter text would */
	for (i = 0; i < 2000; i++) {
		double v = ldexp((double)g_random_int() / 4294967296.0 + 0.5,
				 g_random_int_range(-60, 60));

		fmt_double(buf, v);
		ASSERT(g_ascii_strtod(buf, NULL) == v);
	}
}

static void test_cmp_double(void)
{
	double v[] = { 3, -1, 2.5, -1, 0 };
	static const double sorted[] = { -1, -1, 0, 2.5, 3 };
	size_t i;

	qsort(v, G_N_ELEMENTS(v), sizeof(double), fmt_cmp_double);
	for (i = 0; i < G_N_ELEMENTS(v); i++)
		ASSERT(v[i] == sorted[i]);
}

static void test_seconds(void)
{
	static const struct {
		double s;
		const char *text;
	} cases[] = {
		{ 2.08, "2.08 s" }, { 0.0146, "14.6 ms" }, { 437, "437 s" },
		{ 2.5e-5, "25.0 \xc2\xb5s" }, { NAN, "\xe2\x80\x93" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *t = fmt_seconds(cases[i].s);

		ASSERT_STR_EQ(t, cases[i].text);
		g_free(t);
	}
}

/* Every string into gnuplot's -e is one single-quoted literal. */
static void test_gnuplot_quote(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "x='plain'; " },
		{ "Marc's \"study\"; system \"touch /tmp/pwned\"",
		  "x='Marc''s \"study\"; system \"touch /tmp/pwned\"'; " },
		{ "a'; system 'id", "x='a''; system ''id'; " },
		{ "two\nlines\r", "x='twolines'; " },
		{ "", "x=''; " },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *g = g_string_new(NULL);

		gnuplot_var_str(g, "x", cases[i].in);
		ASSERT_STR_EQ(g->str, cases[i].out);
		g_string_free(g, TRUE);
	}
	{
		GString *g = g_string_new(NULL);

		gnuplot_var_num(g, "d", 600);
		gnuplot_var_num(g, "r", 0.9);
		ASSERT_STR_EQ(g->str, "d=600; r=0.9; ");
		g_string_free(g, TRUE);
	}
}

/* Data files: numbers short, NaN for none, labels one column. */
static void test_dat(void)
{
	GString *g = g_string_new(NULL);

	gnuplot_dat_num(g, 0.9);
	gnuplot_dat_num(g, NAN);
	gnuplot_dat_int(g, -3);
	gnuplot_dat_str(g, "say \"hi\"\nthere");
	g_string_append_c(g, '\n');
	gnuplot_dat_num(g, 1);
	ASSERT_STR_EQ(g->str, "0.9 NaN -3 \"say 'hi' there\"\n1");
	g_string_free(g, TRUE);
}

/* JSON numbers read back exactly: 0.1 + 0.2 is 0.30000000000000004,
 * which cJSON's own printer writes as "0.3" (its check of 15 digits
 * allows an epsilon), a different double. */
static void test_json_number(void)
{
	const double vals[] = { 0.1 + 0.2, 0.9, 1.0 / 3.0, 2.08e-9, -1e300,
				12345678901234567.0, 0.0, 5e-324 };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(vals); i++) {
		cJSON *n = fmt_json_number(vals[i]);
		char *text = cJSON_PrintUnformatted(n);
		cJSON *back = cJSON_Parse(text);

		ASSERT(back && cJSON_IsNumber(back));
		ASSERT(back->valuedouble == vals[i]);
		cJSON_Delete(back);
		cJSON_free(text);
		cJSON_Delete(n);
	}
	{
		cJSON *n = fmt_json_number(NAN);

		ASSERT(cJSON_IsNull(n));
		cJSON_Delete(n);
	}
}

/* A CSV number: the shortest text after a comma, nothing for NaN or
 * infinities; a JSON text: indented, ending in one newline. */
static void test_csv_and_json_text(void)
{
	GString *g = g_string_new("x");
	cJSON *o = cJSON_CreateObject();
	char *text;

	fmt_csv_num(g, 0.1);
	fmt_csv_num(g, NAN);
	fmt_csv_num(g, -INFINITY);
	fmt_csv_num(g, 120);
	ASSERT_STR_EQ(g->str, "x,0.1,,,120");
	g_string_free(g, TRUE);
	cJSON_AddItemToObject(o, "a", fmt_json_number(0.1));
	text = fmt_json_text(o);
	ASSERT_STR_EQ(text, "{\n\t\"a\":\t0.1\n}\n");
	g_free(text);
	cJSON_Delete(o);
}

/* Names from specs become one safe file name, never a path. */
static void test_file_safe(void)
{
	static const char *const cases[][2] = {
		{ "first-etcd-down", "first-etcd-down" },
		{ "Marc's \"study\"; system", "Marc_s__study___system" },
		{ "../../etc/x", ".._.._etc_x" },
		{ "..", "_" }, { ".", "_" }, { "", "_" },
		{ "a/b", "a_b" }, { "v1.2_x", "v1.2_x" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = fmt_file_safe(cases[i][0]);

		ASSERT_STR_EQ(got, cases[i][1]);
		g_free(got);
	}
}

int main(void)
{
	TEST_RUN(test_double);
	TEST_RUN(test_cmp_double);
	TEST_RUN(test_seconds);
	TEST_RUN(test_gnuplot_quote);
	TEST_RUN(test_dat);
	TEST_RUN(test_json_number);
	TEST_RUN(test_csv_and_json_text);
	TEST_RUN(test_file_safe);
	return 0;
}
