/* Fuzz harness: the checkpoint journal's reader, which `selsim run
 * --resume` and `selsim merge` run on files a kill -9 may have cut
 * (experiments/journal.h, journal_parse()): any bytes are read (a torn
 * tail dropped) or refused with a one-line error naming the file, never
 * overrun. */
#include "fuzz.h"
#include "experiments/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j = { 0 };
	GError *err = NULL;

	if (journal_parse(FUZZ_FILE, data, size, &j, &err))
		journal_release(&j);
	else
		fuzz_check_error(err);
	return 0;
}
