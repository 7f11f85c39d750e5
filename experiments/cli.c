/*
 * What every `selsim` command shares: option parsing, errors to exit
 * codes, usage errors and loading a spec with the common overrides
 * (commands.h).
 */
#include "commands.h"
#include "spec.h"
#include "sim/error.h"

#include <stdio.h>
#include <string.h>

gboolean cli_parse(GOptionContext *ctx, int *argc, char ***argv,
		   const char *cmd)
{
	GError *err = NULL;
	gboolean ok = g_option_context_parse(ctx, argc, argv, &err);

	g_option_context_free(ctx);
	if (!ok) {
		fprintf(stderr, "selsim %s: %s\n", cmd, err->message);
		g_error_free(err);
	}
	return ok;
}

int cli_fail(const char *cmd, GError *err)
{
	int rc = err->domain == SIM_ERROR && err->code == SIM_ERROR_INPUT ? 2
									  : 1;

	/* input messages already start with the file name */
	if (rc == 2)
		fprintf(stderr, "%s\n", err->message);
	else
		fprintf(stderr, "selsim %s: %s\n", cmd, err->message);
	g_error_free(err);
	return rc;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "selsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see selsim %s --help)\n", cmd);
	return 2;
}

int cli_range(const char *cmd, const char *opt, gint64 v, gint64 lo,
	      gint64 hi)
{
	if (v >= lo && v <= hi)
		return 0;
	fprintf(stderr, "selsim %s: %s: %" G_GINT64_FORMAT " is not from %"
		G_GINT64_FORMAT " to %" G_GINT64_FORMAT " (see selsim %s "
		"--help)\n", cmd, opt, v, lo, hi, cmd);
	return 2;
}

int cli_load_spec(const char *cmd, const char *path, gint64 seed,
		  gint64 scenarios, const char *policies, struct spec *s)
{
	GError *err = NULL;

	if (!spec_load(path, s, &err)) {
		/* an unreadable spec is bad input too: the message names the
		 * file either way */
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return 2;
	}
	if (seed >= 0)
		s->seed = (uint64_t)seed;
	if (scenarios > 0)
		s->scenarios = (int)scenarios;
	if (policies && !spec_select_policies(s, policies, &err)) {
		spec_release(s);
		return cli_fail(cmd, err);
	}
	return 0;
}

int cli_tie_order(const char *cmd, const char *v, bool *reverse)
{
	*reverse = v && !strcmp(v, "reverse");
	if (v && strcmp(v, "fifo") && strcmp(v, "reverse"))
		return cli_usage_error(cmd, "--tie-order: unknown order '%s' "
				       "(known: fifo, reverse)", v);
	return 0;
}
