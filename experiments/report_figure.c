/* One plot as a figure of the report (report_figure.h); moved out of
 * report.c so that its failover section shows its own plots. */
#include "report_figure.h"

#include <glib.h>

/* Plot @j as figure @fig, or a line saying it is not drawn; true when
 * it was drawn. */
bool report_figure(struct doc *d, const char *dir,
		   const struct plot_job *j, size_t fig)
{
	char *svg_rel = g_strconcat("plots/", j->name, ".svg", NULL);
	char *png_rel = g_strconcat("plots/", j->name, ".png", NULL);
	char *dat_rel = g_strconcat("plots/", j->data_name, NULL);
	char *svg_path = g_build_filename(dir, svg_rel, NULL);
	char *png_path = g_build_filename(dir, png_rel, NULL);
	char *prefix = g_strdup_printf("%s-", j->name);
	char *title = g_strdelimit(g_strdup(j->title), "\n", ' ');
	char *text = NULL, *inl = NULL;

	if (g_file_get_contents(svg_path, &text, NULL, NULL))
		inl = doc_svg_inline(text, prefix, title);
	if (inl) {
		struct doc_figure f = {
			.id = j->name, .number = fig, .svg = inl,
			.title = title, .caption = j->caption,
			.svg_href = svg_rel, .data_href = dat_rel,
			.png_href = g_file_test(png_path,
						G_FILE_TEST_IS_REGULAR) ?
				    png_rel : NULL,
		};

		doc_figure(d, &f);
	} else {
		char *t = g_strdup_printf(
			"%s: not drawn (gnuplot draws it: selsim plot "
			"DIR); its data is in %s.", title, dat_rel);

		doc_missing(d, t);
		g_free(t);
	}
	g_free(text);
	g_free(prefix);
	g_free(title);
	g_free(svg_rel);
	g_free(png_rel);
	g_free(dat_rel);
	g_free(svg_path);
	g_free(png_path);
	if (!inl)
		return false;
	g_free(inl);
	return true;
}

size_t report_figures(struct doc *d, const char *dir, GPtrArray *plan,
		      bool failover, size_t fig)
{
	size_t i;

	for (i = 0; i < plan->len; i++) {
		const struct plot_job *j = g_ptr_array_index(plan, i);

		if (j->failover == failover && report_figure(d, dir, j, fig + 1))
			fig++;
	}
	return fig;
}
