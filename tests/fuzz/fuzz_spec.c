/* Fuzz harness: the run spec loader (experiments/spec.h, spec_parse()),
 * and on an accepted spec, `validate --explain`'s printer. */
#include "fuzz.h"
#include "experiments/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	char *text = fuzz_text(data, size);
	struct spec s;
	GError *err = NULL;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	if (spec_parse(FUZZ_FILE, text, &s, &err)) {
		spec_explain(&s, sink);
		spec_release(&s);
	} else {
		fuzz_check_error(err);
	}
	g_free(text);
	return 0;
}
