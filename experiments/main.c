/* selsim: the command line. One subcommand per verb. */
#include "bench.h"
#include "commands.h"
#include "mpi_run.h"
#include "policies/plugin.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "run", run_main, "run an experiment: every policy on the same scenarios" },
	{ "merge", merge_main, "merge the partial results of `run --shard` into one results folder" },
	{ "validate", validate_main, "check a spec (--explain prints every default)" },
	{ "list", list_main, "the policies, latency models, failure kinds and parameters" },
	{ "trace", trace_main, "the time-ordered story of one scenario" },
	{ "study", study_main, "a validation workload: queueing theory, the AWS backoff study" },
	{ "plot", plot_main, "draw the plots of a results folder" },
	{ "report", report_main, "write report.html and report.md for a results folder" },
	{ "tune", tune_main, "search a spec's \"tune\" section: the settings to ship, validated" },
	{ "bench", bench_main, "time the event queue against a bare heap" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: selsim [--plugin POLICY.so]... COMMAND [OPTIONS]"
		   "\n\ncommands:\n");
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'selsim COMMAND --help' describes each; "
		   "'selsim --version' prints the version.\n");
}

/*
 * Takes every "--plugin PATH" and "--plugin=PATH" before a "--" out of
 * @argv, wherever it stands, and loads the module (policies/plugin.h), so
 * that the command never sees them. Returns FALSE after printing a
 * one-line error.
 */
static gboolean load_plugins(int *argc, char **argv)
{
	gboolean operands = FALSE;	/* past "--" */
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *path;
		GError *err = NULL;

		operands = operands || !strcmp(a, "--");
		if (operands || strncmp(a, "--plugin", 8) ||
		    (a[8] && a[8] != '=')) {
			argv[j++] = argv[i];
			continue;
		}
		if (!a[8] && i + 1 == *argc) {
			fprintf(stderr, "selsim: --plugin needs a PATH\n");
			return FALSE;
		}
		path = a[8] ? a + 9 : argv[++i];
		if (!policy_plugin_load(path, &err)) {
			fprintf(stderr, "%s\n", err->message);
			g_error_free(err);
			return FALSE;
		}
	}
	*argc = j;
	argv[j] = NULL;
	return TRUE;
}

int main(int argc, char **argv)
{
	size_t i;

	if (!load_plugins(&argc, argv))
		return 2;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("selsim %s%s\n", SELSIM_VERSION,
		       mpi_run_built() ? " (MPI)" : "");
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			/* the command sees "selsim COMMAND" as its argv[0] */
			char *name = g_strdup_printf("selsim %s", argv[1]);
			int rc;

			g_set_prgname(name);
			argv[1] = name;
			rc = commands[i].main(argc - 1, argv + 1);
			g_free(name);
			return rc;
		}
	}
	fprintf(stderr, "selsim: unknown command '%s' (known:", argv[1]);
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, ")\n");
	return 2;
}
