/*
 * The plot tests' file checks (test_plot.c, test_plot_failover.c): one
 * scratch folder for every case, files of a results folder read back,
 * and the pictures gnuplot drew. Header-only (static): each test program
 * includes it once.
 */
#ifndef TESTS_PLOT_FILES_H
#define TESTS_PLOT_FILES_H

#include "test.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <string.h>

static char *tmp_root;		/* one temporary folder for every case */
static bool have_gnuplot;

/* @dir/@name's text; caller frees. A file missing fails the test. */
static inline char *slurp(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		TEST_FAIL("cannot read %s", path);
	g_free(path);
	return text;
}

static inline bool exists(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	bool ok = g_file_test(path, G_FILE_TEST_EXISTS);

	g_free(path);
	return ok;
}

/* Every plot in @names (NULL-terminated): a non-empty SVG (and a PNG
 * when one was drawn) that gnuplot finished. */
static inline void check_pictures(const char *dir, const char *const *names)
{
	size_t i;

	if (!have_gnuplot) {
		printf("    skipped: gnuplot missing\n");
		return;
	}
	for (i = 0; names[i]; i++) {
		char *svg = g_strdup_printf("plots/%s.svg", names[i]);
		char *png = g_strdup_printf("plots/%s.png", names[i]);
		char *text = slurp(dir, svg);

		ASSERT(g_str_has_prefix(text, "<?xml") ||
		       g_str_has_prefix(text, "<svg"));
		ASSERT_STR_CONTAINS(text, "<svg");
		ASSERT_STR_CONTAINS(text, "</svg>");
		ASSERT_GT(strlen(text), 1000);
		g_free(text);
		if (exists(dir, png)) {
			char *p = slurp(dir, png);

			ASSERT(!memcmp(p, "\x89PNG", 4));
			g_free(p);
		}
		ASSERT(!exists(dir, "plots/cdf.tmp.svg"));
		g_free(svg);
		g_free(png);
	}
}

/* Sets have_gnuplot and makes tmp_root from the g_dir_make_tmp() template
 * @tmpl. */
static inline void plot_files_init(const char *tmpl)
{
	char *gp = g_find_program_in_path("gnuplot");

	have_gnuplot = gp != NULL;
	g_free(gp);
	tmp_root = g_dir_make_tmp(tmpl, NULL);
	ASSERT(tmp_root != NULL);
}

static inline void rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			char *p = g_build_filename(path, name, NULL);

			rm_rf(p);
			g_free(p);
		}
		g_dir_close(d);
	}
	g_remove(path);
}

/* Removes tmp_root and all in it. */
static inline void plot_files_release(void)
{
	rm_rf(tmp_root);
	g_free(tmp_root);
}

#endif
