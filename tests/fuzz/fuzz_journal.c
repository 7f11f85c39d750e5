/* Fuzz harness: the checkpoint journal's reader, which `selsim run
 * --resume` and `selsim merge` run on files a kill -9 may have cut
 * (experiments/journal.h, journal_parse()): any bytes are read (a torn
 * tail dropped) or refused with a one-line error naming the file, never
 * overrun; what it reads is consistent (check_journal()). */
#include "fuzz.h"
#include "experiments/journal.h"

/* What a journal read back promises: every record's chunks marked
 * present, and as many marked as the records hold (compacted 'S' records
 * too: format 4); each record's cell within the run. */
static void check_journal(const struct journal *j)
{
	uint64_t total = journal_chunks_total(&j->h), per_cell, marked = 0, i;
	guint k;

	per_cell = journal_chunks_per_cell(&j->h);
	if (total > (1u << 20))
		return;	/* a header of a huge run: too slow to count */
	for (i = 0; i < total; i++)
		marked += journal_has(j, i);
	if (marked != j->n_have)
		abort();
	for (k = 0; k < j->chunks->len; k++) {
		const struct journal_chunk *c =
			&g_array_index(j->chunks, struct journal_chunk, k);

		if (c->cell >= total / per_cell ||
		    (c->index != JOURNAL_MERGED &&
		     (c->index / per_cell != c->cell || !journal_has(j, c->index))))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j = { 0 };
	GError *err = NULL;

	if (journal_parse(FUZZ_FILE, data, size, &j, &err)) {
		check_journal(&j);
		journal_release(&j);
	} else {
		fuzz_check_error(err);
	}
	return 0;
}
