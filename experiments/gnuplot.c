/* The gnuplot runner and its quoting (gnuplot.h). */
#include "gnuplot.h"
#include "fmt.h"
#include "sim/error.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void gnuplot_quote(GString *g, const char *s)
{
	g_string_append_c(g, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			g_string_append_c(g, '\'');
		if (*s != '\n' && *s != '\r')
			g_string_append_c(g, *s);
	}
	g_string_append_c(g, '\'');
}

void gnuplot_var_str(GString *vars, const char *name, const char *value)
{
	g_string_append_printf(vars, "%s=", name);
	gnuplot_quote(vars, value);
	g_string_append(vars, "; ");
}

void gnuplot_var_num(GString *vars, const char *name, double value)
{
	char buf[FMT_DOUBLE_LEN];

	g_string_append_printf(vars, "%s=%s; ", name,
			       isfinite(value) ? fmt_double(buf, value)
					       : "NaN");
}

static void dat_sep(GString *g)
{
	if (g->len && g->str[g->len - 1] != '\n')
		g_string_append_c(g, ' ');
}

void gnuplot_dat_num(GString *g, double v)
{
	char buf[FMT_DOUBLE_LEN];

	dat_sep(g);
	g_string_append(g, isfinite(v) ? fmt_double(buf, v) : "NaN");
}

void gnuplot_dat_int(GString *g, long long v)
{
	dat_sep(g);
	g_string_append_printf(g, "%lld", v);
}

void gnuplot_dat_str(GString *g, const char *s)
{
	dat_sep(g);
	g_string_append_c(g, '"');
	for (; *s; s++)
		g_string_append_c(g, *s == '"' ? '\'' :
				     *s == '\n' || *s == '\r' ? ' ' : *s);
	g_string_append_c(g, '"');
}

char *gnuplot_scripts_dir(void)
{
	const char *env = g_getenv("SELSIM_PLOTS_DIR");
	char *dir, *out;

	if (env && *env) {
		dir = g_strdup(env);
	} else {
#ifdef SELSIM_PLOTS_DIR
		dir = g_strdup(SELSIM_PLOTS_DIR);
#else
		/* experiments/gnuplot.c -> plots/: CMake compiles with full
		 * source paths. */
		char *src = g_path_get_dirname(__FILE__);

		dir = g_build_filename(src, "..", "plots", NULL);
		g_free(src);
#endif
	}
	out = g_canonicalize_filename(dir, NULL);
	g_free(dir);
	dir = out;
	out = g_str_has_suffix(dir, "/") ? g_strdup(dir)
					 : g_strconcat(dir, "/", NULL);
	g_free(dir);
	return out;
}

char *gnuplot_find(void)
{
	return g_find_program_in_path("gnuplot");
}

/* The -e argument: "plotsdir='...'; data='...'; out='...'; VARS". */
static char *gp_args(const char *sdir, const char *data, const char *out,
		     const char *vars)
{
	GString *e = g_string_new(NULL);

	gnuplot_var_str(e, "plotsdir", sdir);
	gnuplot_var_str(e, "data", data);
	gnuplot_var_str(e, "out", out);
	g_string_append(e, vars ? vars : "");
	return g_string_free(e, FALSE);
}

void gnuplot_redraw_line(GString *sh, const struct gnuplot_job *job)
{
	char *sdir = gnuplot_scripts_dir();
	char *e = gp_args(sdir, job->data, job->out, job->vars);
	char *path = g_strconcat(sdir, job->script, NULL);
	char *qe = g_shell_quote(e), *qp = g_shell_quote(path);

	g_string_append_printf(sh, "gnuplot -e %s %s\n", qe, qp);
	g_free(sdir);
	g_free(e);
	g_free(path);
	g_free(qe);
	g_free(qp);
}

/* The last line of @text that is not blank, trimmed. Caller frees. */
static char *last_line(const char *text)
{
	char **lines = g_strsplit(text ? text : "", "\n", -1);
	char *out = NULL;
	int i;

	for (i = (int)g_strv_length(lines) - 1; i >= 0 && !out; i--) {
		g_strstrip(lines[i]);
		if (*lines[i])
			out = g_strdup(lines[i]);
	}
	g_strfreev(lines);
	return out ? out : g_strdup("no message");
}

/* @rel in @cwd (NULL: as is) with extension @ext. Caller frees. */
static char *in_cwd(const char *cwd, const char *rel, const char *ext)
{
	char *p = cwd ? g_build_filename(cwd, rel, NULL) : g_strdup(rel);
	char *out = g_strconcat(p, ext, NULL);

	g_free(p);
	return out;
}

static const char *const exts[] = { ".svg", ".png" };

static void remove_tmp(const struct gnuplot_job *job, const char *tmp)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(exts); i++) {
		char *left = in_cwd(job->cwd, tmp, exts[i]);

		unlink(left);
		g_free(left);
	}
}

/* Renames TMP.svg (which must be there and not empty) and TMP.png (when
 * there) to OUT.svg and OUT.png. */
static gboolean keep_pictures(const struct gnuplot_job *job, const char *tmp,
			      const char *script_path, GError **error)
{
	gboolean ok = TRUE;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(exts) && ok; i++) {
		char *from = in_cwd(job->cwd, tmp, exts[i]);
		char *to = in_cwd(job->cwd, job->out, exts[i]);
		GStatBuf st;
		bool have = g_stat(from, &st) == 0;

		if (i == 0 && (!have || st.st_size == 0)) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
				    "gnuplot %s: wrote no picture to %s",
				    script_path, from);
			ok = FALSE;
		} else if (have && rename(from, to) != 0) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s",
				    to, g_strerror(errno));
			ok = FALSE;
		}
		g_free(from);
		g_free(to);
	}
	if (!ok)
		remove_tmp(job, tmp);
	return ok;
}

/* gnuplot exited with an error: its last line, which names the script
 * when the complaint is about a line of it. */
static void gnuplot_failed(const char *err_text, const char *script,
			   const char *script_path, GError **error)
{
	char *line = last_line(err_text);

	if (strstr(line, script))
		g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
			    "gnuplot: %s", line);
	else
		g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
			    "gnuplot %s: %s", script_path, line);
	g_free(line);
}

gboolean gnuplot_run(const char *gnuplot, const struct gnuplot_job *job,
		     GError **error)
{
	char *sdir = gnuplot_scripts_dir();
	char *script_path = g_strconcat(sdir, job->script, NULL);
	char *tmp = g_strconcat(job->out, ".tmp", NULL);
	char *e = gp_args(sdir, job->data, tmp, job->vars);
	char *argv[] = { (char *)gnuplot, (char *)"-e", e, script_path, NULL };
	char *err_text = NULL;
	int status = 0;
	gboolean ok = FALSE;
	GError *sp = NULL;

	if (!g_spawn_sync(job->cwd, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL, NULL, NULL, &err_text, &status, &sp)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INTERNAL,
			    "gnuplot %s: %s", script_path, sp->message);
		g_error_free(sp);
	} else if (!g_spawn_check_wait_status(status, NULL)) {
		gnuplot_failed(err_text, job->script, script_path, error);
		remove_tmp(job, tmp);
	} else {
		ok = keep_pictures(job, tmp, script_path, error);
	}
	g_free(err_text);
	g_free(script_path);
	g_free(sdir);
	g_free(tmp);
	g_free(e);
	return ok;
}
