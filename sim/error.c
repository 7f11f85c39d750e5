#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

G_DEFINE_QUARK(selsim-error-quark, sim_error)

void sim__bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "selsim: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}
