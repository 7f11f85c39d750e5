/*
 * Simulated time: one type, int64 nanoseconds, so that ties compare exactly.
 * The engine never reads the wall clock.
 */
#ifndef SIM_TIME_H
#define SIM_TIME_H

#include <glib.h>
#include <stdint.h>

typedef int64_t sim_time;

#define SIM_NS   ((sim_time)1)
#define SIM_US   ((sim_time)1000)
#define SIM_MS   ((sim_time)1000000)
#define SIM_S    ((sim_time)1000000000)
#define SIM_MIN  (60 * SIM_S)
#define SIM_HOUR (60 * SIM_MIN)
#define SIM_TIME_MAX INT64_MAX

/* The longest text sim_time_format() writes, with its NUL. */
#define SIM_TIME_FMT_LEN 40

/*
 * Parses a duration: a sequence of decimal numbers each followed by a unit
 * (ns, us, ms, s, m, h), as in "750us", "1.5s", "5m", "1h30m". The number
 * may have a fraction; the result is exact to the nanosecond (digits past
 * nanoseconds are an error, not silently dropped). A bare number, a
 * negative value, an unknown unit, an empty string or an overflow are input
 * errors: returns FALSE and sets @error with a message that quotes the text
 * and names the valid units.
 */
gboolean sim_time_parse(const char *text, sim_time *out, GError **error);

/*
 * Converts a number of seconds (as a JSON number gives) to sim_time,
 * rounding to the nearest nanosecond. Negative, non-finite or too large
 * values are input errors.
 */
gboolean sim_time_from_seconds(double seconds, sim_time *out, GError **error);

/*
 * Writes @t into @buf (at least SIM_TIME_FMT_LEN bytes) in the shortest form
 * that sim_time_parse() reads back to the same value: "0s", "250ms",
 * "1.5s", "1h2m3.004s", "-10s". Returns @buf.
 */
char *sim_time_format(sim_time t, char *buf);

/* @a + @b for @b >= 0, saturating at SIM_TIME_MAX ("never"), so that a
 * huge duration drawn from a heavy-tailed distribution cannot wrap. */
static inline sim_time sim_time_add(sim_time a, sim_time b)
{
	return b > SIM_TIME_MAX - a ? SIM_TIME_MAX : a + b;
}

/* @t in seconds, as a double: for statistics and output only. */
static inline double sim_time_to_s(sim_time t)
{
	return (double)t / (double)SIM_S;
}

#endif
