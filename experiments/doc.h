/*
 * A document written as HTML and Markdown side by side: sections,
 * headings, paragraphs, tables, lists and code blocks of plain text, each
 * escaped for its format here (HTML: g_markup_escape_text(); Markdown
 * table cells: '|' escaped, line breaks made spaces). The report
 * (report.h) is written with it.
 */
#ifndef EXPERIMENTS_DOC_H
#define EXPERIMENTS_DOC_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct doc {
	GString *h;		/* the HTML; owned */
	GString *m;		/* the Markdown; owned */
};

/* An empty document; doc_release() frees both texts. */
void doc_init(struct doc *d);
void doc_release(struct doc *d);

/* Appends @text to @h escaped for HTML (text or a quoted attribute). */
void doc_html_escape(GString *h, const char *text);

/* <section id="@id"><h2>@title</h2> and "## @title"; doc_section_end()
 * closes the section. @id is ours (letters and '-'), @title plain text. */
void doc_section(struct doc *d, const char *id, const char *title);
void doc_section_end(struct doc *d);
void doc_h3(struct doc *d, const char *title);

/* A paragraph of plain text. */
void doc_para(struct doc *d, const char *text);

/* A table: @cells holds @rows x @cols strings (borrowed), the header row
 * first; columns whose @numeric[c] is true align right. */
void doc_table(struct doc *d, char *const *cells, size_t rows, size_t cols,
	       const bool *numeric);

/* A bulleted list of @items (char *, plain text, borrowed). */
void doc_list(struct doc *d, const GPtrArray *items);

/* A shell command as a code block. */
void doc_command(struct doc *d, const char *command);

/* A line that says something is missing (HTML class "missing"). */
void doc_missing(struct doc *d, const char *text);

/* A figure: an inline SVG in the HTML, an image link in the Markdown.
 * Every pointer is borrowed. */
struct doc_figure {
	const char *id;		/* the element's id is "fig-ID"; ours */
	size_t number;		/* "Figure N." */
	const char *svg;	/* the <svg> element (doc_svg_inline()) */
	const char *title;	/* plain text */
	const char *caption;	/* plain text */
	const char *svg_href;	/* the SVG file, relative: "plots/cdf.svg" */
	const char *png_href;	/* the PNG file, or NULL when there is none */
	const char *data_href;	/* its data: "plots/cdf.dat" */
};
void doc_figure(struct doc *d, const struct doc_figure *f);

/*
 * @svg (a whole SVG file, as gnuplot writes it) ready to inline in HTML:
 * from "<svg" on, every id prefixed with @prefix (several plots on one
 * page would otherwise share ids such as gpPt0 and clip paths), its
 * <title> set to @title (escaped). NULL when it is not an SVG. Caller
 * frees with g_free().
 */
char *doc_svg_inline(const char *svg, const char *prefix, const char *title);

/*
 * The page around the sections: doc_page_begin() writes the HTML head
 * (<title>@page_title</title>, @css inline, a Content-Security-Policy that
 * lets nothing reach the network), <h1>@title</h1> and the @meta line, and
 * the Markdown title and meta line (texts escaped); doc_page_end() writes
 * the footer (@footer_html: markup of ours, not escaped) and the inline
 * @js.
 */
void doc_page_begin(struct doc *d, const char *page_title, const char *title,
		    const char *meta, const char *css);
void doc_page_end(struct doc *d, const char *footer_html, const char *js);

#endif
