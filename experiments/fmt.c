/* Number and duration formatting (fmt.h). */
#include "fmt.h"

#include <math.h>
#include <string.h>

int fmt_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

char *fmt_double(char buf[FMT_DOUBLE_LEN], double v)
{
	static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };
	size_t i;

	if (v == floor(v) && fabs(v) < 1e17)
		return g_ascii_formatd(buf, FMT_DOUBLE_LEN, "%.0f",
				       v == 0 ? 0.0 : v);	/* no "-0" */
	for (i = 0; i < G_N_ELEMENTS(fmts); i++) {
		g_ascii_formatd(buf, FMT_DOUBLE_LEN, fmts[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

struct fmt_unit fmt_unit_for(double ref)
{
	static const struct fmt_unit s = { 1, "s" }, ms = { 1e3, "ms" },
				     us = { 1e6, "\xc2\xb5s" };

	ref = fabs(ref);
	if (!isfinite(ref) || ref >= 1 || ref == 0)
		return s;
	return ref >= 1e-3 ? ms : us;
}

char *fmt_num3(double v)
{
	double a = fabs(v);

	if (a >= 100 || a == 0)
		return g_strdup_printf("%.0f", v);
	if (a >= 10)
		return g_strdup_printf("%.1f", v);
	if (a >= 1)
		return g_strdup_printf("%.2f", v);
	return g_strdup_printf("%.3g", v);
}

char *fmt_seconds(double seconds)
{
	struct fmt_unit u = fmt_unit_for(seconds);
	char *n, *out;

	if (!isfinite(seconds))
		return g_strdup("\xe2\x80\x93");
	n = fmt_num3(seconds * u.scale);
	out = g_strdup_printf("%s %s", n, u.name);
	g_free(n);
	return out;
}

cJSON *fmt_json_number(double v)
{
	char buf[FMT_DOUBLE_LEN];

	if (!isfinite(v))
		return cJSON_CreateNull();
	return cJSON_CreateRaw(fmt_double(buf, v));
}

char *fmt_json_text(const cJSON *root)
{
	char *text = cJSON_Print(root), *out;

	if (!text)
		g_error("out of memory printing JSON");
	out = g_strconcat(text, "\n", NULL);
	cJSON_free(text);
	return out;
}

void fmt_csv_num(GString *g, double v)
{
	char buf[FMT_DOUBLE_LEN];

	g_string_append_c(g, ',');
	if (isfinite(v))
		g_string_append(g, fmt_double(buf, v));
}

char *fmt_file_safe(const char *s)
{
	char *out = g_strdup(s);
	char *p;

	for (p = out; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '_';
	if (!*out || !strcmp(out, ".") || !strcmp(out, "..")) {
		g_free(out);
		out = g_strdup("_");
	}
	return out;
}
