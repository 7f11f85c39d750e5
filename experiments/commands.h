/*
 * `selsim` subcommands that live outside main.c. Each takes the argument
 * vector with "selsim COMMAND" as argv[0] and returns the exit code: 0 for
 * success, 2 for bad usage or bad input, 1 for an internal error.
 */
#ifndef EXPERIMENTS_COMMANDS_H
#define EXPERIMENTS_COMMANDS_H

#include <glib.h>
#include <stdbool.h>

/* cli.c: */

/* Parses a command's options with @ctx, which it frees. On bad options
 * prints "selsim CMD: message" on stderr and returns FALSE (exit 2). */
gboolean cli_parse(GOptionContext *ctx, int *argc, char ***argv,
		   const char *cmd);

/* Prints @err (freed) on stderr and returns its exit code: 2 for bad
 * input, whose message already names the file; 1 for anything else,
 * prefixed "selsim CMD: ". */
int cli_fail(const char *cmd, GError *err);

/* Prints "selsim CMD: " + @fmt (with one %s for @arg) + a pointer to
 * --help on stderr; returns 2, the exit code of bad usage. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

/* A command-line number (issue 13): 0 when @v is in [@lo, @hi], else
 * prints "selsim CMD: OPT: V is not from LO to HI (see ...)" and returns
 * 2. */
int cli_range(const char *cmd, const char *opt, gint64 v, gint64 lo,
	      gint64 hi);

/* An option's value before parsing: "not given". */
#define CLI_UNSET G_MININT64
/* The most worker threads `run --threads` takes. */
#define CLI_MAX_THREADS 1024
/* The largest seed: a spec's (JIN_MAX_EXACT_INT, exact in JSON). */
#define CLI_MAX_SEED G_GINT64_CONSTANT(9007199254740991)
/* The most scenarios: a spec's. */
#define CLI_MAX_SCENARIOS 100000000

/* Loads the spec at @path into @s (release with spec_release()) and
 * applies the overrides every command shares: @seed when >= 0, @scenarios
 * when > 0, and @policies (comma-separated) when not NULL. Returns 0, or
 * the exit code after printing the error (2 for a bad spec). */
struct spec;
int cli_load_spec(const char *cmd, const char *path, gint64 seed,
		  gint64 scenarios, const char *policies, struct spec *s);

/* --tie-order: @v "fifo" (the default, also for NULL) or "reverse"
 * (events at the same instant last scheduled first: the engine's
 * debugging switch) into *@reverse. 0, or 2 after a usage error. */
int cli_tie_order(const char *cmd, const char *v, bool *reverse);

/* The --tie-order entry of a command's GOptionEntry table, into the
 * gchar * @var (freed by the command). */
#define CLI_TIE_ORDER_ENTRY(var) \
	{ "tie-order", 0, 0, G_OPTION_ARG_STRING, &(var), \
	  "Events at the same instant: fifo (default) or reverse, a " \
	  "debugging switch: a result that changes with it depends on a tie", \
	  "ORDER" }

/* `selsim validate SPEC.json [--explain]`: loads and checks a spec, prints
 * "SPEC: ok (...)" or the one-line error on stderr (exit 2). */
int validate_main(int argc, char **argv);

/* `selsim list`: the policies, latency models, failure kinds and
 * parameters a spec may use. */
int list_main(int argc, char **argv);

/* `selsim run SPEC.json [-o DIR] [--seed N] [--scenarios N] [--threads N]
 * [--policies A,B] [--format table|json|csv] [--quiet]`: runs every policy
 * on the same scenarios, prints a table and writes DIR/results.json and
 * DIR/results.csv. (cmd_run.c) */
int run_main(int argc, char **argv);

/* Writes the results folder @outdir (results.json, results.csv and, unless
 * @no_plots, the plots and the report) for the complete run @res of @s,
 * and prints what @format asks for ("table" or NULL, "json", "csv"). The
 * exit code. `selsim run` and `selsim merge` both end here, so a merged
 * run writes what one process writes. (cmd_run.c) */
struct spec;
struct runner_result;
int run_output(const struct spec *s, const struct runner_result *res,
	       const char *outdir, const char *format, bool no_plots);

/* `selsim merge DIR... [-o OUT] [--spec SPEC.json]`: the partial results
 * of `selsim run --shard I/N` (their journals) into the results folder a
 * single run writes, after checking they are of one spec, seed and
 * version and hold every chunk exactly once. (cmd_merge.c) */
int merge_main(int argc, char **argv);

/* What `selsim merge` does after reading: checks the @n partials
 * (@names name them in messages) and writes the results folder; their
 * chunks are moved out. The exit code. (cmd_merge.c; mpirun's rank 0
 * calls it with every rank's partial.) */
struct journal;
struct merge_opts {
	const char *outdir;	/* NULL: results/SPEC-NAME */
	const char *spec;	/* NULL: the path the partials recorded */
	const char *format;	/* as run_output() */
	int threads;		/* 0: the number of processors */
	bool no_plots;
};
int merge_journals(struct journal *parts, char **names, int n,
		   const struct merge_opts *o);

/* `selsim trace SPEC.json [--scenario K] [--policy P] [--seed N]`: the
 * time-ordered story of one scenario. (cmd_trace.c) */
int trace_main(int argc, char **argv);

/* `selsim study SPEC.json [-o DIR] [--no-plots] [--quiet]`: the
 * validation workloads (queueing, contention). (cmd_study.c) */
int study_main(int argc, char **argv);

/* `selsim plot DIR` (or `selsim plot --trace FILE.tsv PREFIX`): the data
 * files and gnuplot pictures of a results folder. (cmd_plot.c) */
int plot_main(int argc, char **argv);

/* `selsim report DIR [--no-plots]`: draws the plots, then writes
 * DIR/report.html and DIR/report.md. (cmd_plot.c) */
int report_main(int argc, char **argv);

/* `selsim tune SPEC.json [-o DIR] [--seed N] [--threads N] [--policies
 * A,B] [--no-plots] [--quiet]`: the search of the spec's "tune" section.
 * (cmd_tune.c) */
int tune_main(int argc, char **argv);

#endif
