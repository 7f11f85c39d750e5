/* HTML and Markdown side by side (doc.h). */
#include "doc.h"

#include <string.h>

void doc_init(struct doc *d)
{
	d->h = g_string_new(NULL);
	d->m = g_string_new(NULL);
}

void doc_release(struct doc *d)
{
	g_string_free(d->h, TRUE);
	g_string_free(d->m, TRUE);
	d->h = d->m = NULL;
}

void doc_html_escape(GString *h, const char *text)
{
	char *e = g_markup_escape_text(text, -1);

	g_string_append(h, e);
	g_free(e);
}

/* @open, @text escaped, @close: an element of plain text. */
static void h_elem(GString *h, const char *open, const char *text,
		   const char *close)
{
	g_string_append(h, open);
	doc_html_escape(h, text);
	g_string_append(h, close);
}

/* Markdown table cells: a '|' would end the cell. */
static void m_cell(GString *m, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			g_string_append_c(m, '\\');
		g_string_append_c(m, *text == '\n' ? ' ' : *text);
	}
}

void doc_section(struct doc *d, const char *id, const char *title)
{
	g_string_append_printf(d->h, "<section id=\"%s\">\n", id);
	h_elem(d->h, "<h2>", title, "</h2>\n");
	g_string_append_printf(d->m, "\n## %s\n\n", title);
}

void doc_section_end(struct doc *d)
{
	g_string_append(d->h, "</section>\n");
}

void doc_h3(struct doc *d, const char *title)
{
	h_elem(d->h, "<h3>", title, "</h3>\n");
	g_string_append_printf(d->m, "\n### %s\n\n", title);
}

void doc_para(struct doc *d, const char *text)
{
	h_elem(d->h, "<p>", text, "</p>\n");
	g_string_append_printf(d->m, "%s\n\n", text);
}

/* One HTML row of cells @row[0 .. cols-1] in elements @tag. */
static void h_row(GString *h, char *const *row, size_t cols,
		  const bool *numeric, const char *tag)
{
	size_t c;

	g_string_append(h, "<tr>");
	for (c = 0; c < cols; c++) {
		g_string_append_printf(h, "<%s%s>", tag,
				       numeric[c] ? " class=\"num\"" : "");
		doc_html_escape(h, row[c]);
		g_string_append_printf(h, "</%s>", tag);
	}
	g_string_append(h, "</tr>");
}

static void m_table(GString *m, char *const *cells, size_t rows,
		    size_t cols, const bool *numeric)
{
	size_t r, c;

	for (r = 0; r < rows; r++) {
		g_string_append(m, "|");
		for (c = 0; c < cols; c++) {
			g_string_append_c(m, ' ');
			m_cell(m, cells[r * cols + c]);
			g_string_append(m, " |");
		}
		g_string_append_c(m, '\n');
		if (r != 0)
			continue;
		g_string_append(m, "|");
		for (c = 0; c < cols; c++)
			g_string_append(m, numeric[c] ? " ---: |" : " --- |");
		g_string_append_c(m, '\n');
	}
	g_string_append_c(m, '\n');
}

void doc_table(struct doc *d, char *const *cells, size_t rows, size_t cols,
	       const bool *numeric)
{
	size_t r;

	g_string_append(d->h, "<div class=\"tablewrap\"><table>\n<thead>");
	h_row(d->h, cells, cols, numeric, "th");
	g_string_append(d->h, "</thead>\n<tbody>\n");
	for (r = 1; r < rows; r++) {
		h_row(d->h, cells + r * cols, cols, numeric, "td");
		g_string_append_c(d->h, '\n');
	}
	g_string_append(d->h, "</tbody>\n</table></div>\n");
	m_table(d->m, cells, rows, cols, numeric);
}

void doc_list(struct doc *d, const GPtrArray *items)
{
	size_t i;

	g_string_append(d->h, "<ul>\n");
	for (i = 0; i < items->len; i++) {
		h_elem(d->h, "<li>", g_ptr_array_index(items, i), "</li>\n");
		g_string_append_printf(d->m, "- %s\n",
				       (char *)g_ptr_array_index(items, i));
	}
	g_string_append(d->h, "</ul>\n");
	g_string_append_c(d->m, '\n');
}

void doc_command(struct doc *d, const char *command)
{
	h_elem(d->h, "<pre><code class=\"command\">", command,
	       "</code></pre>\n");
	g_string_append_printf(d->m, "```sh\n%s\n```\n", command);
}

void doc_missing(struct doc *d, const char *text)
{
	h_elem(d->h, "<p class=\"missing\">", text, "</p>\n");
	g_string_append_printf(d->m, "%s\n\n", text);
}

/* <a href="HREF">TEXT</a> */
static void h_link(GString *h, const char *href, const char *text)
{
	g_string_append(h, "<a href=\"");
	doc_html_escape(h, href);
	g_string_append(h, "\">");
	doc_html_escape(h, text);
	g_string_append(h, "</a>");
}

void doc_figure(struct doc *d, const struct doc_figure *f)
{
	g_string_append(d->h, "<figure class=\"plot\" id=\"fig-");
	doc_html_escape(d->h, f->id);
	g_string_append(d->h, "\">\n");
	g_string_append(d->h, f->svg);
	g_string_append_printf(d->h, "\n<figcaption><b>Figure %zu.</b> ",
			       f->number);
	doc_html_escape(d->h, f->caption);
	g_string_append(d->h, " <span class=\"files\">");
	h_link(d->h, f->svg_href, "SVG");
	if (f->png_href) {
		g_string_append(d->h, " \xc2\xb7 ");
		h_link(d->h, f->png_href, "PNG");
	}
	g_string_append(d->h, " \xc2\xb7 data ");
	h_link(d->h, f->data_href, f->data_href);
	g_string_append(d->h, "</span></figcaption>\n</figure>\n");

	g_string_append_printf(d->m, "![%s](%s)\n\n*Figure %zu.* %s Data: "
			       "[%s](%s)", f->title, f->svg_href, f->number,
			       f->caption, f->data_href, f->data_href);
	if (f->png_href)
		g_string_append_printf(d->m, ", PNG: [%s](%s)", f->png_href,
				       f->png_href);
	g_string_append(d->m, "\n\n");
}

void doc_page_begin(struct doc *d, const char *page_title, const char *title,
		    const char *meta, const char *css)
{
	g_string_append(d->h,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		/* Nothing on this page may reach the network. */
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; "
		"script-src 'unsafe-inline'; img-src data:\">\n<title>");
	doc_html_escape(d->h, page_title);
	g_string_append(d->h, "</title>\n<style>");
	g_string_append(d->h, css);
	g_string_append(d->h, "</style>\n</head>\n<body>\n<header>\n<h1>");
	doc_html_escape(d->h, title);
	g_string_append(d->h, "</h1>\n<p class=\"meta\">");
	doc_html_escape(d->h, meta);
	g_string_append(d->h, "</p>\n</header>\n");
	g_string_append_printf(d->m, "# %s\n\n%s\n", title, meta);
}

void doc_page_end(struct doc *d, const char *footer_html, const char *js)
{
	g_string_append_printf(d->h, "<footer>%s</footer>\n<script>",
			       footer_html);
	g_string_append(d->h, js);
	g_string_append(d->h, "</script>\n</body>\n</html>\n");
}

char *doc_svg_inline(const char *svg, const char *prefix, const char *title)
{
	static const char *const refs[] = {
		" id='", " id=\"", "href='#", "href=\"#", "url(#",
	};
	const char *p = strstr(svg, "<svg"), *t;
	GString *g;
	size_t k;

	if (!p || !strstr(p, "</svg>"))
		return NULL;
	g = g_string_sized_new(strlen(p) + 1024);
	while (*p) {
		if (!strncmp(p, "<title>", 7) && (t = strstr(p, "</title>"))) {
			g_string_append(g, "<title>");
			doc_html_escape(g, title);
			g_string_append(g, "</title>");
			p = t + strlen("</title>");
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(refs); k++) {
			size_t n = strlen(refs[k]);

			if (!strncmp(p, refs[k], n)) {
				g_string_append_len(g, p, (gssize)n);
				g_string_append(g, prefix);
				p += n;
				break;
			}
		}
		if (k == G_N_ELEMENTS(refs))
			g_string_append_c(g, *p++);
	}
	return g_string_free(g, FALSE);
}

