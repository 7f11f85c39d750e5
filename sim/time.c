#include "time.h"
#include "error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	sim_time scale;
} units[] = {
	{ "ns", SIM_NS }, { "us", SIM_US }, { "µs", SIM_US },
	{ "ms", SIM_MS }, { "s", SIM_S },   { "m", SIM_MIN },
	{ "h", SIM_HOUR },
};

#define VALID_UNITS "ns, us, ms, s, m, h"

static gboolean bad(GError **error, const char *text, const char *why)
{
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
		    "'%s': %s (a duration is a number with a unit: "
		    VALID_UNITS ", e.g. \"250ms\", \"1m30s\")", text, why);
	return FALSE;
}

/* Adds a*b to *acc; FALSE on overflow. All operands are non-negative. */
static gboolean add_mul(sim_time *acc, sim_time a, sim_time b)
{
	if (a != 0 && b > (SIM_TIME_MAX - *acc) / a)
		return FALSE;
	*acc += a * b;
	return TRUE;
}

gboolean sim_time_parse(const char *text, sim_time *out, GError **error)
{
	const char *p = text;
	sim_time total = 0;

	if (!text || !*text)
		return bad(error, text ? text : "", "empty duration");
	if (*p == '-')
		return bad(error, text, "a duration cannot be negative");
	if (*p == '+')
		p++;
	if (!strcmp(p, "0"))
		return *out = 0, TRUE;

	while (*p) {
		sim_time whole = 0, frac = 0, frac_scale = 1, scale = 0;
		int frac_digits = 0, digits = 0;
		size_t i, len = 0;

		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (whole > (SIM_TIME_MAX - (*p - '0')) / 10)
				return bad(error, text, "too large");
			whole = whole * 10 + (*p - '0');
		}
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, frac_digits++) {
				if (frac_digits >= 18)
					return bad(error, text, "too many digits");
				frac = frac * 10 + (*p - '0');
				frac_scale *= 10;
			}
			digits += frac_digits;
		}
		if (!digits)
			return bad(error, text, "expected a number");
		/* the unit is the whole run of letters after the number */
		while (p[len] && !(p[len] >= '0' && p[len] <= '9') &&
		       p[len] != '.')
			len++;
		for (i = 0; i < G_N_ELEMENTS(units); i++) {
			if (strlen(units[i].name) == len &&
			    !strncmp(p, units[i].name, len)) {
				scale = units[i].scale;
				break;
			}
		}
		if (!scale)
			return bad(error, text, *p ? "unknown unit"
						   : "missing unit");
		p += len;
		if (!add_mul(&total, whole, scale))
			return bad(error, text, "too large");
		/* the fraction must land on a whole nanosecond */
		if (frac) {
			while (frac_scale > 1 && frac % 10 == 0) {
				frac /= 10;
				frac_scale /= 10;
			}
			if (scale % frac_scale)
				return bad(error, text,
					   "finer than a nanosecond");
			if (!add_mul(&total, frac, scale / frac_scale))
				return bad(error, text, "too large");
		}
	}
	*out = total;
	return TRUE;
}

gboolean sim_time_from_seconds(double seconds, sim_time *out, GError **error)
{
	char num[64];

	if (!isfinite(seconds) || seconds < 0 || seconds > 9.2e9) {
		g_snprintf(num, sizeof(num), "%g", seconds);
		return bad(error, num, seconds < 0 ? "a duration cannot be negative"
						   : "out of range");
	}
	*out = (sim_time)llround(seconds * 1e9);
	return TRUE;
}

/* Appends v.frac with trailing zeros of frac dropped, then the unit. */
static char *put(char *p, sim_time v, sim_time frac, int width, const char *unit)
{
	p += sprintf(p, "%" G_GINT64_FORMAT, v);
	if (frac) {
		char digits[24];
		int n = sprintf(digits, "%0*" G_GINT64_FORMAT, width, frac);

		while (n > 0 && digits[n - 1] == '0')
			digits[--n] = '\0';
		p += sprintf(p, ".%s", digits);
	}
	return p + sprintf(p, "%s", unit);
}

char *sim_time_format(sim_time t, char *buf)
{
	char *p = buf;
	guint64 u;

	if (t == 0)
		return strcpy(buf, "0s");
	if (t < 0) {
		*p++ = '-';
		u = (guint64)(-(t + 1)) + 1;	/* INT64_MIN has no negation */
	} else {
		u = (guint64)t;
	}
	if (u < (guint64)SIM_US) {
		put(p, (sim_time)u, 0, 0, "ns");
	} else if (u < (guint64)SIM_MS) {
		put(p, (sim_time)(u / 1000), (sim_time)(u % 1000), 3, "us");
	} else if (u < (guint64)SIM_S) {
		put(p, (sim_time)(u / 1000000), (sim_time)(u % 1000000), 6, "ms");
	} else {
		guint64 h = u / (guint64)SIM_HOUR, rest = u % (guint64)SIM_HOUR;
		guint64 m = rest / (guint64)SIM_MIN;

		rest %= (guint64)SIM_MIN;
		if (h)
			p += sprintf(p, "%" G_GUINT64_FORMAT "h", h);
		if (m)
			p += sprintf(p, "%" G_GUINT64_FORMAT "m", m);
		if (rest)
			put(p, (sim_time)(rest / (guint64)SIM_S),
			    (sim_time)(rest % (guint64)SIM_S), 9, "s");
	}
	return buf;
}
