/* Fuzz harness: the study spec loader (experiments/study_spec.h,
 * study_parse()). */
#include "fuzz.h"
#include "experiments/study_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct study st;
	GError *err = NULL;

	if (study_parse(FUZZ_FILE, text, &st, &err))
		study_release(&st);
	else
		fuzz_check_error(err);
	g_free(text);
	return 0;
}
