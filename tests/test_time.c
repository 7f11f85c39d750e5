/* Duration parsing and formatting: values, round trips, bad input. */
#include "sim/error.h"
#include "sim/time.h"
#include "test.h"

static void test_parse_table(void)
{
	static const struct {
		const char *text;
		sim_time want;
	} cases[] = {
		{ "0", 0 },
		{ "0s", 0 },
		{ "1ns", 1 },
		{ "750us", 750 * SIM_US },
		{ "750µs", 750 * SIM_US },
		{ "250ms", 250 * SIM_MS },
		{ "10s", 10 * SIM_S },
		{ "5m", 5 * SIM_MIN },
		{ "1h", SIM_HOUR },
		{ "1.5s", 1500 * SIM_MS },
		{ ".5s", 500 * SIM_MS },
		{ "2.s", 2 * SIM_S },
		{ "0.25ms", 250 * SIM_US },
		{ "1m30s", 90 * SIM_S },
		{ "1h2m3.004s", SIM_HOUR + 2 * SIM_MIN + 3004 * SIM_MS },
		{ "1.000000001s", SIM_S + 1 },
		{ "1.0000000010s", SIM_S + 1 },
		{ "+3s", 3 * SIM_S },
		{ "9223372036854775807ns", INT64_MAX },
		{ "2562047h", 2562047 * SIM_HOUR },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_time t = -1;
		GError *err = NULL;

		if (!sim_time_parse(cases[i].text, &t, &err))
			TEST_FAIL("'%s': %s", cases[i].text, err->message);
		ASSERT_EQ(t, cases[i].want);
	}
}

static void test_parse_bad(void)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
		{ "", "empty" },
		{ "10", "missing unit" },
		{ "1.5", "missing unit" },
		{ "10 s", "unknown unit" },
		{ "10sec", "unknown unit" },
		{ "5d", "unknown unit" },
		{ "ms", "expected a number" },
		{ "-1s", "negative" },
		{ "1.5ns", "finer than a nanosecond" },
		{ "0.0000000001s", "finer than a nanosecond" },
		{ "9223372036854775808ns", "too large" },
		{ "2562048h", "too large" },
		{ "1e3s", "unknown unit" },
		{ "s10", "expected a number" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_time t = 12345;
		GError *err = NULL;

		if (sim_time_parse(cases[i].text, &t, &err))
			TEST_FAIL("'%s' parsed as %" PRId64, cases[i].text, t);
		ASSERT(err != NULL);
		ASSERT_EQ(err->code, SIM_ERROR_INPUT);
		ASSERT_STR_CONTAINS(err->message, cases[i].why);
		/* the message quotes the text and names the units */
		ASSERT_STR_CONTAINS(err->message, "ns, us, ms, s, m, h");
		ASSERT_EQ(t, 12345);	/* untouched on error */
		g_error_free(err);
	}
	ASSERT(!sim_time_parse(NULL, NULL, NULL));
}

static void test_format_table(void)
{
	static const struct {
		sim_time t;
		const char *want;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1ns" },
		{ 999, "999ns" },
		{ 1500, "1.5us" },
		{ 250 * SIM_MS, "250ms" },
		{ 1500 * SIM_MS, "1.5s" },
		{ 90 * SIM_S, "1m30s" },
		{ SIM_HOUR, "1h" },
		{ SIM_HOUR + 1, "1h0.000000001s" },
		{ -10 * SIM_S, "-10s" },
		{ INT64_MIN, "-2562047h47m16.854775808s" },
	};
	size_t i;
	char buf[SIM_TIME_FMT_LEN];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STR_EQ(sim_time_format(cases[i].t, buf), cases[i].want);
}

static void test_round_trip(void)
{
	uint64_t x = 88172645463325252ull;
	int i;

	for (i = 0; i < 100000; i++) {
		char buf[SIM_TIME_FMT_LEN];
		sim_time t, back = -1;

		/* xorshift: a spread of magnitudes from ns to centuries */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (sim_time)((x >> 1) >> (x % 63));
		sim_time_format(t, buf);
		if (!sim_time_parse(buf, &back, NULL) || back != t)
			TEST_FAIL("%" PRId64 " -> '%s' -> %" PRId64, t, buf, back);
	}
}

static void test_from_seconds(void)
{
	sim_time t;
	GError *err = NULL;

	ASSERT(sim_time_from_seconds(1.5, &t, NULL));
	ASSERT_EQ(t, 1500 * SIM_MS);
	ASSERT(sim_time_from_seconds(0.000250, &t, NULL));
	ASSERT_EQ(t, 250 * SIM_US);
	ASSERT(!sim_time_from_seconds(-1, &t, &err));
	ASSERT_STR_CONTAINS(err->message, "negative");
	g_clear_error(&err);
	ASSERT(!sim_time_from_seconds(NAN, &t, &err));
	g_clear_error(&err);
	ASSERT(!sim_time_from_seconds(1e300, &t, &err));
	ASSERT_STR_CONTAINS(err->message, "out of range");
	g_clear_error(&err);
}

int main(void)
{
	TEST_RUN(test_parse_table);
	TEST_RUN(test_parse_bad);
	TEST_RUN(test_format_table);
	TEST_RUN(test_round_trip);
	TEST_RUN(test_from_seconds);
	return 0;
}
