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

#endif
