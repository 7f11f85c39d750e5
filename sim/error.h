/*
 * Errors, in three tiers (see STYLE.md):
 *  - bad input: a function returns FALSE/NULL and sets a GError in
 *    SIM_ERROR with a one-line message that names the file, the JSON path,
 *    the bad value and what would be valid;
 *  - a broken invariant: SIM_BUG() prints file:line and aborts;
 *  - out of memory: GLib's allocators abort.
 */
#ifndef SIM_ERROR_H
#define SIM_ERROR_H

#include <glib.h>

#define SIM_ERROR (sim_error_quark())

typedef enum {
	SIM_ERROR_INPUT = 1,	/* bad input: exit code 2 */
	SIM_ERROR_IO,		/* a file could not be read or written: exit 1 */
	SIM_ERROR_INTERNAL,	/* anything else: exit 1 */
} sim_error_code;

GQuark sim_error_quark(void);

/* Prints "selsim: BUG at FILE:LINE: message" on stderr and aborts. */
G_GNUC_NORETURN G_GNUC_PRINTF(3, 4)
void sim__bug(const char *file, int line, const char *fmt, ...);

#define SIM_BUG(...) sim__bug(__FILE__, __LINE__, __VA_ARGS__)

/* Checks an invariant in every build type; costs one predictable branch. */
#define SIM_ASSERT(cond) \
	do { \
		if (G_UNLIKELY(!(cond))) \
			SIM_BUG("assertion failed: %s", #cond); \
	} while (0)

#endif
