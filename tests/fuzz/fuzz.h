/*
 * What the fuzz harnesses (tests/fuzz/fuzz_*.c) share. Each harness is one
 * LLVMFuzzerTestOneInput() that feeds its input to a loader's buffer entry
 * point (never a path, never exit()), and checks the loader's contract on
 * the way out. The same file is built two ways:
 *
 *  - with clang -fsanitize=fuzzer,address,undefined by `make fuzz`
 *    (CMake option SELSIM_FUZZ, build-fuzz/), libFuzzer's main;
 *  - with the normal compiler and tests/fuzz/replay.c's main, by CTest
 *    (fuzz_replay_*), which feeds it every file of the regression corpus
 *    (tests/fuzz/regressions/HARNESS/) and of the seed corpus.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The name the harnesses give their input in messages. */
#define FUZZ_FILE "fuzz.json"

/*
 * @data as a NUL-terminated string (g_free()). The loaders' file readers
 * (jin_read_file) refuse a file with a NUL byte before any parsing, so the
 * text ends at the first one.
 */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	const void *nul = memchr(data, 0, size);

	return g_strndup((const char *)data,
			 nul ? (size_t)((const uint8_t *)nul - data) : size);
}

/*
 * A refused input must give the one-line message of experiments/json_in.h:
 * it starts with the file's name and holds no newline. Anything else aborts
 * (a finding). Frees @err.
 */
static inline void fuzz_check_error(GError *err)
{
	if (!err) {
		fprintf(stderr, "fuzz: loader failed without an error\n");
		abort();
	}
	if (strncmp(err->message, FUZZ_FILE, strlen(FUZZ_FILE)) ||
	    strchr(err->message, '\n')) {
		fprintf(stderr, "fuzz: not a one-line error naming the file: "
			"%s\n", err->message);
		abort();
	}
	g_error_free(err);
}

#endif
