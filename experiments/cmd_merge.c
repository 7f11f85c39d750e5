/* `selsim merge`: the partial results of shards into one results folder. */
#include "commands.h"
#include "fmt.h"
#include "journal.h"
#include "runner.h"
#include "spec.h"

#include <stdio.h>
#include <string.h>

struct merge_args {
	gchar *outdir, *spec, *format;
	gint threads;
	gboolean no_plots, quiet;
};

/* merge_journals()'s options as merge_args. */
static void args_of_opts(const struct merge_opts *o, struct merge_args *a)
{
	*a = (struct merge_args){ .outdir = g_strdup(o->outdir),
				  .spec = g_strdup(o->spec),
				  .format = g_strdup(o->format),
				  .threads = o->threads,
				  .no_plots = o->no_plots };
}

/* A partial's journal: @arg itself, or @arg/run.journal for a folder. */
static char *partial_path(const char *arg)
{
	return g_file_test(arg, G_FILE_TEST_IS_DIR)
		? g_build_filename(arg, JOURNAL_FILE, NULL) : g_strdup(arg);
}

/* Reads every partial into @parts (@n of them); their paths into
 * @paths. 0 or the exit code. */
static int merge_read(char **args, int n, struct journal *parts,
		      char **paths)
{
	int i;

	for (i = 0; i < n; i++) {
		GError *err = NULL;

		paths[i] = partial_path(args[i]);
		if (!journal_read(paths[i], &parts[i], &err))
			return cli_fail("merge", err);
	}
	return 0;
}

/* Checks that the @n partials are of one run (the first's) and hold no
 * chunk twice; @names name them. 0 or the exit code. */
static int merge_check(const struct journal *parts, char **names, int n)
{
	uint64_t total = journal_chunks_total(&parts[0].h), c;
	int i, k, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		char *diff = i ? journal_header_diff(&parts[0].h, &parts[i].h,
						     false) : NULL;

		if (diff) {
			fprintf(stderr, "selsim merge: %s: not of the same run "
				"as %s: %s\n", names[i], names[0], diff);
			rc = 2;
		}
		g_free(diff);
	}
	/* the same header: the same number of chunks; a byte at a time
	 * while no two partials share one */
	for (c = 0; rc == 0 && c < total; c += 8) {
		for (i = 0; i < n; i++)
			for (k = i + 1; k < n; k++)
				if (parts[i].have[c / 8] & parts[k].have[c / 8])
					goto twice;
		continue;
twice:
		while (!(journal_has(&parts[i], c) && journal_has(&parts[k], c)))
			c++;
		fprintf(stderr, "selsim merge: chunk %" G_GUINT64_FORMAT " is "
			"in both %s and %s: give each shard once\n", c,
			names[i], names[k]);
		rc = 2;
	}
	return rc;
}

/* Every chunk of the run must be there: 0, or 2 naming the first
 * missing one. */
static int merge_complete(const struct journal *parts, int n,
			  uint64_t total)
{
	uint64_t c, have = 0, first = total;
	int i;

	for (c = 0; c < total; c++) {
		bool in = false;

		for (i = 0; i < n && !in; i++)
			in = journal_has(&parts[i], c);
		have += in;
		if (!in && first == total)
			first = c;
	}
	if (have == total)
		return 0;
	fprintf(stderr, "selsim merge: %" G_GUINT64_FORMAT " of %"
		G_GUINT64_FORMAT " chunks missing, the first chunk %"
		G_GUINT64_FORMAT " (of shard %u/%u): is every shard "
		"given, and done?\n", total - have, total, first,
		journal_chunk_shard(&parts[0].h, first), parts[0].h.n_shards);
	return 2;
}

/* Moves the records of every partial into @all, a journal of the whole
 * run (shard 0 of 1). */
static void merge_gather(struct journal *parts, int n, struct journal *all)
{
	uint64_t bytes = journal_chunks_total(&parts[0].h) / 8 + 1, b;
	int i;

	*all = (struct journal){ 0 };
	all->h = parts[0].h;	/* its strings moved too */
	parts[0].h = (struct journal_header){ 0 };
	all->h.shard = 0;
	all->h.n_shards = 1;
	all->chunks = g_array_new(FALSE, FALSE, sizeof(struct journal_chunk));
	all->have = g_malloc0(bytes);
	for (i = 0; i < n; i++) {
		g_array_append_vals(all->chunks, parts[i].chunks->data,
				    parts[i].chunks->len);
		g_array_set_size(parts[i].chunks, 0);	/* moved */
		for (b = 0; b < bytes; b++)
			all->have[b] |= parts[i].have[b];
		all->n_have += parts[i].n_have;
	}
}

/* Loads the spec the partials were run from (@a->spec overrides the
 * path they recorded) and checks it is the same. 0 or the exit code. */
static int merge_spec(const struct merge_args *a, const struct journal *j,
		      struct spec *s)
{
	const struct journal_header *h = &j->h;
	struct journal_header mine;
	char *diff;
	int rc = cli_load_spec("merge", a->spec ? a->spec : h->spec_file,
			       h->seed <= G_MAXINT64 ? (gint64)h->seed : -1,
			       (gint64)h->scenarios, h->policies, s);

	if (rc)
		return rc;
	journal_header_of_spec(s, h->chunk, 0, 1, &mine);
	mine.summary = h->summary;	/* the partials' statistics mode */
	diff = journal_header_diff(h, &mine, false);
	if (diff) {
		fprintf(stderr, "selsim merge: the partials are not of %s: %s\n",
			s->file, diff);
		spec_release(s);
		rc = 2;
	}
	g_free(diff);
	journal_header_release(&mine);
	return rc;
}

/* Merges the chunks, summarises and writes the results folder. */
static int merge_write(struct merge_args *a, const struct spec *s,
		       struct journal *all)
{
	struct runner_opts opts = { .threads = a->threads ? a->threads
				    : (int)g_get_num_processors() };
	struct runner_checkpoint ck = { .done = all };
	struct runner_result res;

	opts.summary_stats = all->h.summary;
	GError *err = NULL;
	int rc;

	if (!a->outdir) {
		char *safe = fmt_file_safe(s->name);

		a->outdir = g_build_filename("results", safe, NULL);
		g_free(safe);
	}
	if (!runner_run_checkpointed(s, &opts, &ck, &res, &err))
		rc = cli_fail("merge", err);
	else if (ck.chunks_run != 0 || ck.chunks_present != ck.chunks_total)
		rc = 1;	/* merge_complete() saw them all */
	else
		rc = run_output(s, &res, a->outdir, a->format, a->no_plots);
	runner_result_release(&res);
	return rc;
}

static int merge_parse(int *argc, char ***argv, struct merge_args *a)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->outdir,
		  "Results folder (default results/SPEC-NAME)", "DIR" },
		{ "spec", 0, 0, G_OPTION_ARG_FILENAME, &a->spec,
		  "The spec, when it is no longer where the shards read it",
		  "SPEC.json" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &a->threads,
		  "Threads for the paired comparisons (default: the number of "
		  "processors; the results do not depend on it)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &a->format,
		  "What to print: table (default), json or csv", "FMT" },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &a->no_plots,
		  "Write the data only: no plots, no report", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet,
		  "Accepted as `selsim run` does; merge has no progress line",
		  NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"DIR... - merge the partial results of `selsim run --shard`");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, "merge"))
		return 2;
	if (*argc < 2)
		return cli_usage_error("merge", "%s", "expected the shards' "
				       "results folders");
	if (a->threads < 0)
		return cli_usage_error("merge", "%s", "--threads takes a count");
	if (a->format && strcmp(a->format, "table") &&
	    strcmp(a->format, "json") && strcmp(a->format, "csv"))
		return cli_usage_error("merge", "--format: unknown format '%s' "
				       "(known: table, json, csv)", a->format);
	return 0;
}

/* The checks and the merge of partials already read. */
static int merge_parts(struct merge_args *a, struct journal *parts,
		       char **names, int n)
{
	struct journal all = { 0 };
	struct spec s;
	int rc = merge_check(parts, names, n);

	if (rc == 0)
		rc = merge_complete(parts, n, journal_chunks_total(&parts[0].h));
	if (rc == 0)
		rc = merge_spec(a, &parts[0], &s);
	if (rc == 0) {
		merge_gather(parts, n, &all);
		rc = merge_write(a, &s, &all);
		journal_release(&all);
		spec_release(&s);
	}
	return rc;
}

int merge_journals(struct journal *parts, char **names, int n,
		   const struct merge_opts *o)
{
	struct merge_args a;
	int rc;

	args_of_opts(o, &a);
	rc = merge_parts(&a, parts, names, n);
	g_free(a.outdir);
	g_free(a.spec);
	g_free(a.format);
	return rc;
}

int merge_main(int argc, char **argv)
{
	struct merge_args a = { 0 };
	struct journal *parts = NULL;
	char **paths = NULL;
	int n = 0, i, rc = merge_parse(&argc, &argv, &a);

	if (rc == 0) {
		n = argc - 1;
		parts = g_new0(struct journal, (size_t)n);
		paths = g_new0(char *, (size_t)n + 1);
		rc = merge_read(argv + 1, n, parts, paths);
	}
	if (rc == 0)
		rc = merge_parts(&a, parts, paths, n);
	for (i = 0; i < n; i++)
		journal_release(&parts[i]);
	g_free(parts);
	g_strfreev(paths);
	g_free(a.outdir);
	g_free(a.spec);
	g_free(a.format);
	return rc;
}
