/* HTML and Markdown side by side (doc.h). */
#include "doc.h"

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
	g_string_append_printf(d->h, "<section id=\"%s\">\n<h2>", id);
	doc_html_escape(d->h, title);
	g_string_append(d->h, "</h2>\n");
	g_string_append_printf(d->m, "\n## %s\n\n", title);
}

void doc_section_end(struct doc *d)
{
	g_string_append(d->h, "</section>\n");
}

void doc_h3(struct doc *d, const char *title)
{
	g_string_append(d->h, "<h3>");
	doc_html_escape(d->h, title);
	g_string_append(d->h, "</h3>\n");
	g_string_append_printf(d->m, "\n### %s\n\n", title);
}

void doc_para(struct doc *d, const char *text)
{
	g_string_append(d->h, "<p>");
	doc_html_escape(d->h, text);
	g_string_append(d->h, "</p>\n");
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
		g_string_append(d->h, "<li>");
		doc_html_escape(d->h, g_ptr_array_index(items, i));
		g_string_append(d->h, "</li>\n");
		g_string_append_printf(d->m, "- %s\n",
				       (char *)g_ptr_array_index(items, i));
	}
	g_string_append(d->h, "</ul>\n");
	g_string_append_c(d->m, '\n');
}

void doc_command(struct doc *d, const char *command)
{
	g_string_append(d->h, "<pre><code class=\"command\">");
	doc_html_escape(d->h, command);
	g_string_append(d->h, "</code></pre>\n");
	g_string_append_printf(d->m, "```sh\n%s\n```\n", command);
}
