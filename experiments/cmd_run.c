/* `selsim run` and `selsim trace`. */
#include "commands.h"
#include "fmt.h"
#include "journal.h"
#include "mpi_run.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "spec.h"
#include "sim/error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The command that reproduces these results (no thread count, no output
 * folder: neither changes them). */
static char *reproduce_command(const struct spec *s)
{
	GString *c = g_string_new("selsim run ");
	size_t i;

	char *file = g_shell_quote(s->file);

	g_string_append_printf(c, "%s --seed %" G_GUINT64_FORMAT
			       " --scenarios %d --policies ", file, s->seed,
			       s->scenarios);
	g_free(file);
	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(c, "%s%s", i ? "," : "",
				       s->policies[i].ops->name);
	return g_string_free(c, FALSE);
}

/* What `selsim run` was asked, and what it made. */
struct run_args {
	gchar *outdir, *policies, *format, *ties;
	gchar *resume;		/* --resume DIR */
	gchar *shard;		/* --shard I/N, as given */
	guint shard_i, shard_n;	/* its numbers; 0 of 0 when not given */
	gint64 seed, scenarios;
	gint64 journal_compact;	/* --journal-compact N, else CLI_UNSET */
	gint threads;
	gboolean quiet, no_plots, summary_stats;
	char threads_help[160];
};

/* Parses and checks the options; 0, or the exit code of a usage error. */
static int run_parse(int *argc, char ***argv, struct run_args *a)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &a->seed,
		  "Experiment seed (default: the spec's)", "N" },
		{ "scenarios", 0, 0, G_OPTION_ARG_INT64, &a->scenarios,
		  "Scenarios per cell (default: the spec's)", "N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &a->threads,
		  a->threads_help, "N" },
		{ "policies", 0, 0, G_OPTION_ARG_STRING, &a->policies,
		  "Run only these policies, in this order", "A,B" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &a->format,
		  "What to print: table (default), json or csv; the files "
		  "are always written", "FMT" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet,
		  "No progress line", NULL },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &a->no_plots,
		  "Write the data only: no plots, no report", NULL },
		{ "resume", 0, 0, G_OPTION_ARG_FILENAME, &a->resume,
		  "Continue the interrupted run in DIR (its journal); SPEC.json "
		  "and the options it ran with may be left out", "DIR" },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &a->shard,
		  "Run only part I of N (0 <= I < N) and leave its chunks in "
		  "DIR/run.journal for `selsim merge`", "I/N" },
		{ "summary-stats", 0, 0, G_OPTION_ARG_NONE, &a->summary_stats,
		  "Bounded-memory statistics (histogram quantiles within "
		  "0.1%, CLT and order-statistic intervals) at any size; "
		  "above 1000000 scenarios they are on anyway", NULL },
		{ "journal-compact", 0, 0, G_OPTION_ARG_INT64,
		  &a->journal_compact, "Summary mode: compact the journal "
		  "every N chunk records (default 1024; 0: never)", "N" },
		CLI_TIE_ORDER_ENTRY(a->ties),
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx;
	char extra;

	g_snprintf(a->threads_help, sizeof(a->threads_help), "Worker threads, "
		   "1 to %d; 0 (the default) is one per processor (%u here)",
		   CLI_MAX_THREADS, g_get_num_processors());
	ctx = g_option_context_new("[SPEC.json] - run an experiment");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, "run"))
		return 2;
	if (*argc > 2 || (*argc < 2 && !a->resume))
		return cli_usage_error("run", "%s", *argc < 2 ? "expected SPEC.json"
							 : "one spec at a time");
	if (a->shard && (sscanf(a->shard, "%u/%u%c", &a->shard_i, &a->shard_n,
				&extra) != 2 || a->shard_n == 0 ||
			 a->shard_i >= a->shard_n))
		return cli_usage_error("run", "--shard: '%s' is not I/N with "
				       "0 <= I < N", a->shard);
	if (a->journal_compact == CLI_UNSET)
		a->journal_compact = JOURNAL_COMPACT_EVERY;
	if (a->journal_compact < 0)
		return cli_usage_error("run", "%s", "--journal-compact: not a "
				       "count of records (0: never)");
	if (a->resume && a->outdir && strcmp(a->resume, a->outdir))
		return cli_usage_error("run", "%s", "--resume DIR writes to DIR:"
				       " give -o the same folder or leave it out");
	if (a->format && strcmp(a->format, "table") &&
	    strcmp(a->format, "json") && strcmp(a->format, "csv"))
		return cli_usage_error("run", "--format: unknown format '%s' "
				   "(known: table, json, csv)", a->format);
	if (cli_range("run", "--threads", a->threads, 0, CLI_MAX_THREADS) ||
	    (a->seed != CLI_UNSET &&
	     cli_range("run", "--seed", a->seed, 0, CLI_MAX_SEED)) ||
	    (a->scenarios != CLI_UNSET &&
	     cli_range("run", "--scenarios", a->scenarios, 1,
		       CLI_MAX_SCENARIOS)))
		return 2;
	return 0;
}

/* The writers' view of the runner's cells; caller frees with g_free(). */
static struct out_cell *run_cells(const struct spec *s,
				  const struct runner_result *res)
{
	struct out_cell *cells = g_new0(struct out_cell, res->n_cells);
	size_t c;

	for (c = 0; c < res->n_cells; c++) {
		cells[c].policy = s->policies[res->cells[c].policy].ops->name;
		cells[c].params = &res->cells[c].params;
		cells[c].grid = s->n_axes ? res->cells[c].grid : NULL;
		cells[c].grid_x = s->n_axes ? res->cells[c].grid_x : NULL;
		cells[c].sum = res->cells[c].sum;
		cells[c].vs = res->cells[c].has_vs ? &res->cells[c].vs : NULL;
		cells[c].fo_point = res->cells[c].has_fo_point
				    ? &res->cells[c].fo_point : NULL;
		cells[c].baseline = s->baseline;
	}
	return cells;
}

/* Writes results.json, results.csv and (unless --no-plots) the plots
 * and the report into a->outdir; 0 or the exit code. */
static int run_write(const struct run_args *a, const struct spec *s,
		     const struct out_cell *cells, size_t n,
		     const char *cmdline, const char *json_path,
		     const char *csv_path)
{
	GError *err = NULL;
	bool missing = false;

	if (g_mkdir_with_parents(a->outdir, 0755) != 0) {
		fprintf(stderr, "selsim run: %s: %s\n", a->outdir,
			g_strerror(errno));
		return 1;
	}
	if (!output_write_json(json_path, s, cells, n, cmdline, &err) ||
	    !output_write_csv(csv_path, s, cells, n, cmdline, &err))
		return cli_fail("run", err);
	if (a->no_plots)
		return 0;
	/* without gnuplot the report still has the figures in words */
	if (!plot_results(a->outdir, &missing, &err) ||
	    !report_write(a->outdir, &err))
		return cli_fail("run", err);
	if (missing)
		fprintf(stderr, "selsim: gnuplot not found; wrote the plot data "
			"to %s/plots but no pictures\n", a->outdir);
	return 0;
}

/* Prints what --format asks for; @rc is the exit code so far. */
static int run_print(const struct run_args *a, const struct spec *s,
		     const struct runner_result *res,
		     const struct out_cell *cells, const char *cmdline,
		     const char *json_path, const char *csv_path, int rc)
{
	if (!a->format || !strcmp(a->format, "table")) {
		output_print_table(stdout, s, cells, res->n_cells);
		if (rc == 0)
			printf("\n%" G_GUINT64_FORMAT " scenarios x %zu cells in "
			       "%.2fs (%.0f events/s); wrote %s and %s\n",
			       (uint64_t)s->scenarios, res->n_cells, res->wall_s,
			       res->wall_s > 0 ? (double)res->events / res->wall_s
					       : 0, json_path, csv_path);
		if (rc == 0 && !a->no_plots)
			printf("plots in %s/plots; report: %s/report.html\n",
			       a->outdir, a->outdir);
	} else if (!strcmp(a->format, "json")) {
		output_print_json(stdout, s, cells, res->n_cells, cmdline);
	} else {
		output_print_csv(stdout, s, cells, res->n_cells, cmdline);
	}
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "selsim run: standard output: %s\n",
			g_strerror(errno));
		rc = 1;
	}
	return rc;
}

/* Writes the results folder @outdir for the complete run @res of @s and
 * prints what @format asks for (commands.h). */
int run_output(const struct spec *s, const struct runner_result *res,
	       const char *outdir, const char *format, bool no_plots)
{
	struct run_args a = { .outdir = (gchar *)outdir,
			      .format = (gchar *)format, .no_plots = no_plots };
	struct out_cell *cells = run_cells(s, res);
	char *cmdline = reproduce_command(s);
	char *json_path = g_build_filename(outdir, "results.json", NULL);
	char *csv_path = g_build_filename(outdir, "results.csv", NULL);
	int rc;

	rc = run_write(&a, s, cells, res->n_cells, cmdline, json_path,
		       csv_path);
	rc = run_print(&a, s, res, cells, cmdline, json_path, csv_path, rc);
	g_free(json_path);
	g_free(csv_path);
	g_free(cmdline);
	g_free(cells);
	return rc;
}

/* ---- checkpoints: the journal and the signals that stop a run ---- */

/* The first SIGINT or SIGTERM's number while a run is on, else 0. */
static atomic_int stop_signal;

/* The first signal stops the run after the chunks in flight; a second
 * one ends the process at once: the journal holds whole records, or a
 * torn last one that the reader drops. */
static void on_signal(int sig)
{
	static const char msg[] = "\nselsim run: stopping after the chunks "
				  "in flight (again to stop at once)\n";
	int none = 0;
	ssize_t r;

	if (!atomic_compare_exchange_strong(&stop_signal, &none, sig))
		_exit(128 + sig);
	r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
}

static void signals_catch(bool on)
{
	struct sigaction sa = { .sa_flags = SA_RESTART };

	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* --resume: reads DIR/run.journal into @j and takes from its header
 * what the command line left out (the spec, seed, scenarios, policies,
 * shard); what it gives must match (journal_open() checks). */
static int resume_read(struct run_args *a, int argc, char **argv,
		       const char **spec_path, struct journal *j)
{
	char *path = g_build_filename(a->resume, JOURNAL_FILE, NULL);
	GError *err = NULL;
	bool ok = journal_read(path, j, &err);

	g_free(path);
	if (!ok)
		return cli_fail("run", err);
	*spec_path = argc == 2 ? argv[1] : j->h.spec_file;
	if (a->seed < 0 && j->h.seed <= G_MAXINT64)
		a->seed = (gint64)j->h.seed;
	if (a->scenarios == CLI_UNSET)
		a->scenarios = (gint64)j->h.scenarios;
	if (!a->policies)
		a->policies = g_strdup(j->h.policies);
	if (!a->shard) {
		a->shard_i = j->h.shard;
		a->shard_n = j->h.n_shards;
	}
	if (!a->outdir)
		a->outdir = g_strdup(a->resume);
	a->summary_stats = a->summary_stats || j->h.summary;
	if (j->dropped && !a->quiet)
		fprintf(stderr, "selsim run: %s/%s: dropped a torn tail of %zu "
			"bytes (those chunks run again)\n", a->resume,
			JOURNAL_FILE, j->dropped);
	return 0;
}

/* Opens the journal of a->outdir for @s into *@w: appends to @done's
 * (--resume) after checking it is this run's, or creates it, refusing to
 * overwrite an interrupted run's. 0 or the exit code. */
static int journal_open(const struct run_args *a, const struct spec *s,
			const struct journal *done, struct journal_writer **w)
{
	char *path = g_build_filename(a->outdir, JOURNAL_FILE, NULL), *diff;
	struct journal_header h;
	GError *err = NULL;
	int rc = 0;

	journal_header_of_spec(s, RUNNER_CHUNK, a->shard_i,
			       MAX(a->shard_n, 1), &h);
	h.summary = a->summary_stats;
	diff = done ? journal_header_diff(&done->h, &h, true) : NULL;
	if (diff) {
		fprintf(stderr, "selsim run: %s: cannot resume: %s\n", path,
			diff);
		rc = 2;
	} else if (!done && g_file_test(path, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, "selsim run: %s: the journal of an interrupted "
			"run: continue it with --resume %s, or delete it\n",
			path, a->outdir);
		rc = 2;
	} else if (g_mkdir_with_parents(a->outdir, 0755) != 0) {
		fprintf(stderr, "selsim run: %s: %s\n", a->outdir,
			g_strerror(errno));
		rc = 1;
	} else if (!(*w = journal_writer_open(path, &h, done,
					      (uint64_t)a->journal_compact,
					      &err))) {
		rc = cli_fail("run", err);
	}
	g_free(diff);
	g_free(path);
	journal_header_release(&h);
	return rc;
}

/* What a run that did not finish says: a shard's part is done, or the
 * run was stopped by a signal. The exit code. */
static int run_unfinished(const struct run_args *a,
			  const struct runner_checkpoint *ck)
{
	uint64_t mine = ck->chunks_mine;
	char *dir = g_shell_quote(a->outdir);
	int sig = atomic_load(&stop_signal);

	if (ck->chunks_present == mine && a->shard_n > 1) {
		fprintf(stderr, "selsim run: shard %u/%u: %" G_GUINT64_FORMAT
			" chunks in %s/%s; when every shard is done: selsim "
			"merge DIR... -o OUT\n", a->shard_i, a->shard_n, mine,
			a->outdir, JOURNAL_FILE);
		g_free(dir);
		return 0;
	}
	fprintf(stderr, "selsim run: interrupted: %" G_GUINT64_FORMAT " of %"
		G_GUINT64_FORMAT " chunks saved in %s/%s; resume with: selsim "
		"run --resume %s\n", ck->chunks_present, mine, a->outdir,
		JOURNAL_FILE, dir);
	g_free(dir);
	return sig ? 128 + sig : 1;
}

/* Runs @s with its journal (adopting @done's chunks when resuming) and
 * writes the results once every chunk is present. The exit code. */
static int run_journaled(struct run_args *a, const struct spec *s,
			 const struct runner_opts *opts, struct journal *done)
{
	struct runner_checkpoint ck = { .done = done, .shard = a->shard_i,
					.n_shards = a->shard_n,
					.stop = &stop_signal };
	struct journal_writer *w = NULL;
	struct runner_result res;
	GError *err = NULL;
	char *path;
	bool ok;
	int rc = journal_open(a, s, done, &w);

	if (rc)
		return rc;
	ck.journal = w;
	atomic_store(&stop_signal, 0);
	signals_catch(true);
	ok = runner_run_checkpointed(s, opts, &ck, &res, &err);
	signals_catch(false);
	if (!ok) {
		rc = cli_fail("run", err);
		err = NULL;
	}
	if (!journal_writer_close(w, &err)) {
		fprintf(stderr, "selsim run: warning: %s: the run cannot be "
			"resumed from it\n", err->message);
		g_clear_error(&err);
	}
	path = g_build_filename(a->outdir, JOURNAL_FILE, NULL);
	/* a shard leaves its partial, even when its slice is everything */
	if (ok && ck.chunks_present == ck.chunks_total && a->shard_n <= 1) {
		rc = run_output(s, &res, a->outdir, a->format, a->no_plots);
		/* the results are out: the journal has served */
		if (rc == 0 && unlink(path) != 0)
			fprintf(stderr, "selsim run: %s: %s\n", path,
				g_strerror(errno));
	} else if (ok) {
		rc = run_unfinished(a, &ck);
	}
	g_free(path);
	runner_result_release(&res);
	return rc;
}

/* Rank 0 of mpirun: merges every rank's partial (@blocks, journal
 * bytes) as `selsim merge` does. The exit code. */
static int run_mpi_merge(const struct run_args *a, GBytes **blocks, int size)
{
	struct journal *parts = g_new0(struct journal, (size_t)size);
	char **names = g_new0(char *, (size_t)size + 1);
	struct merge_opts o = { .outdir = a->outdir, .format = a->format,
				.threads = a->threads, .no_plots = a->no_plots };
	int r, rc = 0;

	for (r = 0; r < size && rc == 0; r++) {
		gsize len;
		const uint8_t *p = g_bytes_get_data(blocks[r], &len);
		GError *err = NULL;

		names[r] = g_strdup_printf("(MPI rank %d's partial)", r);
		if (!journal_parse(names[r], p, len, &parts[r], &err))
			rc = cli_fail("run", err);
	}
	if (rc == 0)
		rc = merge_journals(parts, names, size, &o);
	for (r = 0; r < size; r++)
		journal_release(&parts[r]);
	g_free(parts);
	g_strfreev(names);
	return rc;
}

/* One of @size ranks of mpirun: runs shard @rank/@size into a private
 * journal (a temporary file) and sends it to rank 0, which merges. The
 * exit code, the same on every rank. */
static int run_mpi(const struct run_args *a, const struct spec *s,
		   struct runner_opts *opts, int rank, int size)
{
	struct runner_checkpoint ck = { .shard = (uint32_t)rank,
					.n_shards = (uint32_t)size };
	struct journal_header h;
	struct runner_result res;
	GError *err = NULL;
	char *tmp = NULL, *data = NULL;
	gsize len = 0;
	GBytes **blocks;
	int fd = g_file_open_tmp("selsim-rank-XXXXXX", &tmp, &err), rc = 0;

	if (fd >= 0) {
		close(fd);
		journal_header_of_spec(s, RUNNER_CHUNK, (uint32_t)rank,
				       (uint32_t)size, &h);
		h.summary = runner_summary_mode(s, opts);
		ck.journal = journal_writer_open(tmp, &h, NULL,
						 (uint64_t)a->journal_compact,
						 &err);
		journal_header_release(&h);
	}
	opts->progress = opts->progress && rank == 0;
	if (ck.journal) {
		runner_run_checkpointed(s, opts, &ck, &res, NULL);
		runner_result_release(&res);
		journal_writer_compact(ck.journal);	/* small to send */
		if (journal_writer_close(ck.journal, &err))
			g_file_get_contents(tmp, &data, &len, &err);
	}
	if (err) {	/* rank 0 will find this partial missing */
		fprintf(stderr, "selsim run: MPI rank %d: %s\n", rank,
			err->message);
		g_clear_error(&err);
	}
	if (tmp)
		g_unlink(tmp);
	g_free(tmp);
	blocks = mpi_run_gather(data, len, rank, size);
	g_free(data);
	if (rank == 0)
		rc = run_mpi_merge(a, blocks, size);
	mpi_run_blocks_free(blocks, rank == 0 ? size : 0);
	return mpi_run_share_rc(rc);
}

/* The default results folder: results/NAME, or results/NAME.shard-I-of-N
 * for a shard. */
static char *default_outdir(const struct spec *s, const struct run_args *a)
{
	char *safe = fmt_file_safe(s->name), *dir, *base;

	base = a->shard_n > 1 ? g_strdup_printf("%s.shard-%u-of-%u", safe,
						a->shard_i, a->shard_n)
			      : g_strdup(safe);
	dir = g_build_filename("results", base, NULL);
	g_free(base);
	g_free(safe);
	return dir;
}

/* Under mpirun (an MPI build, several ranks) the ranks share the run;
 * otherwise one process runs it with its journal. The exit code. */
static int run_launch(struct run_args *a, const struct spec *s,
		      struct runner_opts *opts, struct journal *done)
{
	int rank, size, rc;

	if (!mpi_run_start(&rank, &size))
		return run_journaled(a, s, opts, done);
	if (a->resume || a->shard) {
		if (rank == 0)
			cli_usage_error("run", "%s", "--resume and --shard are "
					"for one process, not mpirun");
		rc = 2;
	} else {
		rc = run_mpi(a, s, opts, rank, size);
	}
	mpi_run_finish();
	return rc;
}

int run_main(int argc, char **argv)
{
	struct run_args a = { .seed = CLI_UNSET, .scenarios = CLI_UNSET,
			      .journal_compact = CLI_UNSET };
	struct journal done = { 0 };
	const char *spec_path = NULL;
	struct spec s;
	struct runner_opts opts = { 0 };
	int rc;

	rc = run_parse(&argc, &argv, &a);
	if (rc == 0 && a.resume)
		rc = resume_read(&a, argc, argv, &spec_path, &done);
	else if (rc == 0)
		spec_path = argv[1];
	if (rc == 0)
		rc = cli_load_spec("run", spec_path, a.seed, a.scenarios,
				   a.policies, &s);
	if (rc)
		goto out;
	rc = cli_tie_order("run", a.ties, &opts.tie_reverse);
	if (rc == 0) {
		opts.threads = a.threads ? a.threads
					 : (int)g_get_num_processors();
		opts.progress = !a.quiet && isatty(STDERR_FILENO);
		opts.summary_stats = a.summary_stats;
		a.summary_stats = runner_summary_mode(&s, &opts);
	}
	if (rc == 0) {
		if (!a.outdir)
			a.outdir = default_outdir(&s, &a);
		rc = run_launch(&a, &s, &opts, a.resume ? &done : NULL);
	}
	spec_release(&s);
out:
	journal_release(&done);
	g_free(a.outdir);
	g_free(a.policies);
	g_free(a.format);
	g_free(a.ties);
	g_free(a.resume);
	g_free(a.shard);
	return rc;
}
