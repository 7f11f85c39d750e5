/*
 * The timeline of one scenario (timeline.h): the trace is read line by
 * line into open spans per node (failures, joins), open failures of no
 * one node keyed by their failure id, and dials waiting for their outcome;
 * what closes is written to one of eleven data blocks (see
 * plots/timeline.gp), what is still open at the end closes there. After a
 * failover the node rows show NotReady spans, and marks for the moments a
 * broken connection was noticed, a lease renewal failed and the API came
 * back (a kubelet request answered after the failure).
 */
#include "timeline.h"
#include "gnuplot.h"
#include "output.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The data blocks (names in tl_finish()). */
#define TL_BLOCKS 11

/* A node of the trace: a row of the timeline. */
struct tl_row {
	char *name;
	bool span_open;		/* a failure of this node is under way */
	double span_t0;
	int span_kind;		/* 1 down, 2 degraded */
	char *span_what;
	bool join_open;		/* started, not yet Ready */
	double join_t0;
	bool notready_open;	/* NotReady (the controller-manager's
				 * verdict), not yet Ready again */
	double notready_t0;
};

/* A failure of no one node (AZ outage, partition) under way. */
struct tl_global {
	int failure;		/* its index in the timeline (the TSV's
				 * sixth column), or -1: never paired */
	char *what;
	double t0;
};

struct timeline {
	GPtrArray *rows;	/* struct tl_row *, in order of appearance */
	GHashTable *by_name;	/* name -> row index + 1 */
	GHashTable *pending;	/* "node\tpeer" -> GQueue of dial ids */
	GArray *dial_t0, *dial_t1, *dial_row, *dial_out;
	GPtrArray *globals;	/* struct tl_global *, open */
	GString *b[TL_BLOCKS];	/* the data blocks, see plots/timeline.gp */
	double t_end;
	char *title, *subtitle;
};

static void tl_row_free(gpointer p)
{
	struct tl_row *r = p;

	g_free(r->name);
	g_free(r->span_what);
	g_free(r);
}

static void tl_global_free(gpointer p)
{
	struct tl_global *g = p;

	g_free(g->what);
	g_free(g);
}

static void tl_queue_free(gpointer p)
{
	g_queue_free(p);
}

/* The row of @name, added when new; -1 for "-". */
static int tl_row_of(struct timeline *tl, const char *name)
{
	gpointer v;
	struct tl_row *r;

	if (!strcmp(name, "-") || !*name)
		return -1;
	v = g_hash_table_lookup(tl->by_name, name);
	if (v)
		return GPOINTER_TO_INT(v) - 1;
	r = g_new0(struct tl_row, 1);
	r->name = g_strdup(name);
	g_ptr_array_add(tl->rows, r);
	g_hash_table_insert(tl->by_name, r->name,
			    GINT_TO_POINTER((int)tl->rows->len));
	return (int)tl->rows->len - 1;
}

static void tl_close_span(struct timeline *tl, int row, double t)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, row);

	if (!r->span_open)
		return;
	gnuplot_dat_num(tl->b[1], r->span_t0);
	gnuplot_dat_num(tl->b[1], t);
	gnuplot_dat_int(tl->b[1], row);
	gnuplot_dat_int(tl->b[1], r->span_kind);
	gnuplot_dat_str(tl->b[1], r->span_what);
	g_string_append_c(tl->b[1], '\n');
	r->span_open = false;
	g_clear_pointer(&r->span_what, g_free);
}

/* Ends the join of @row: @end 1 Ready, 2 fatal, 3 cut short. */
static void tl_close_join(struct timeline *tl, int row, double t, int end)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, row);

	if (!r->join_open)
		return;
	gnuplot_dat_num(tl->b[3], r->join_t0);
	gnuplot_dat_num(tl->b[3], t);
	gnuplot_dat_int(tl->b[3], row);
	gnuplot_dat_int(tl->b[3], end);
	g_string_append_c(tl->b[3], '\n');
	r->join_open = false;
}


static void tl_point(GString *g, double t, int row)
{
	gnuplot_dat_num(g, t);
	gnuplot_dat_int(g, row);
	g_string_append_c(g, '\n');
}

/* A failure of node @node begins (or the timeline restarts or starts it):
 * its span opens, closing what it ends. */
static void tl_node_failure(struct timeline *tl, double t, int node,
			    const char *what)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, node);
	bool down;

	tl_close_span(tl, node, t);
	if (g_str_has_prefix(what, "restart ")) {
		tl_close_join(tl, node, t, 3);
		tl_point(tl->b[7], t, node);
		return;
	}
	if (g_str_has_prefix(what, "start "))
		return;
	gnuplot_dat_num(tl->b[10], t);
	gnuplot_dat_str(tl->b[10], what);
	g_string_append_c(tl->b[10], '\n');
	down = g_str_has_prefix(what, "stop ") ||
	       g_str_has_prefix(what, "crash ");
	if (down)
		tl_close_join(tl, node, t, 3);
	r->span_open = true;
	r->span_t0 = t;
	r->span_kind = down ? 1 : 2;
	r->span_what = g_strdup(what);
}

/* A failure of no one node (AZ outage, partition) begins. */
static void tl_global_begin(struct timeline *tl, double t, int failure,
			    const char *what)
{
	struct tl_global *g = g_new0(struct tl_global, 1);

	g->failure = failure;
	g->what = g_strdup(what);
	g->t0 = t;
	g_ptr_array_add(tl->globals, g);
}

/* ... and ends: the open one with the same failure id closes. */
static void tl_global_end(struct timeline *tl, double t, int failure)
{
	size_t i;

	if (failure < 0)
		return;
	for (i = 0; i < tl->globals->len; i++) {
		struct tl_global *g = g_ptr_array_index(tl->globals, i);

		if (g->failure != failure)
			continue;
		gnuplot_dat_num(tl->b[2], g->t0);
		gnuplot_dat_num(tl->b[2], t);
		gnuplot_dat_str(tl->b[2], g->what);
		g_string_append_c(tl->b[2], '\n');
		g_ptr_array_remove_index(tl->globals, i);
		return;
	}
}

/* A dial of @node: its outcome is matched to it by (@key: node and peer
 * names, owned), first in first out. */
static void tl_dial(struct timeline *tl, double t, const char *kind,
		    int node, char *key)
{
	GQueue *q = g_hash_table_lookup(tl->pending, key);
	int out = !strcmp(kind, "dial_ok") ? 1 :
		  !strcmp(kind, "dial_refused") ? 2 :
		  !strcmp(kind, "dial_timeout") ? 3 : 0;
	guint got;

	if (!strcmp(kind, "dial")) {
		if (!q) {
			q = g_queue_new();
			g_hash_table_insert(tl->pending, key, q);
			key = NULL;
		}
		g_queue_push_tail(q, GUINT_TO_POINTER(tl->dial_t0->len + 1));
	}
	got = q && out ? GPOINTER_TO_UINT(g_queue_pop_head(q)) : 0;
	if (got) {
		g_array_index(tl->dial_t1, double, got - 1) = t;
		g_array_index(tl->dial_out, int, got - 1) = out;
	} else {	/* a new dial, or its dial was not traced: a mark */
		g_array_append_val(tl->dial_t0, t);
		g_array_append_val(tl->dial_t1, t);
		g_array_append_val(tl->dial_row, node);
		g_array_append_val(tl->dial_out, out);
	}
	g_free(key);
}

/* One trace line (a struct for the six columns). */
struct tl_line {
	double t;
	const char *kind;
	int node;		/* its row, -1 for "-" */
	const char *node_name, *peer_name, *text;
	int failure;		/* -1 when none or not in the file */
};

/* Opens (@open) or closes a NotReady span of @row at @t. */
static void tl_notready(struct timeline *tl, int row, double t, bool open)
{
	struct tl_row *r = g_ptr_array_index(tl->rows, row);

	if (open && !r->notready_open) {
		r->notready_open = true;
		r->notready_t0 = t;
	} else if (!open && r->notready_open) {
		gnuplot_dat_num(tl->b[8], r->notready_t0);
		gnuplot_dat_num(tl->b[8], t);
		gnuplot_dat_int(tl->b[8], row);
		g_string_append_c(tl->b[8], '\n');
		r->notready_open = false;
	}
}

/* After a failover: NotReady and Ready again (kind node_state), a broken
 * connection noticed (conn "... closed: HOW", "tunnel to S: no ping for
 * ..." or "tunnel to S: reset (...)"), a failed lease renewal and
 * the API back (models/timeline.c writes these texts after "NODE: "). */
static void tl_failover(struct timeline *tl, const struct tl_line *l)
{
	const char *c = strstr(l->text, ": ");
	int mark = 0;

	c = c ? c + 2 : l->text;
	if (!strcmp(l->kind, "node_state"))
		tl_notready(tl, l->node, l->t,
			    g_str_has_prefix(c, "NotReady"));
	else if (!strcmp(l->kind, "conn") && (strstr(c, " closed: ") ||
					       strstr(c, ": no ping for ") ||
					       strstr(c, ": reset (")))
		mark = 1;	/* the tunnel's read deadline or reset too */
	else if (!strcmp(l->kind, "lease") &&
		 g_str_has_prefix(c, "lease update failed"))
		mark = 2;
	else if (g_str_has_prefix(c, "API back through "))
		mark = 3;
	if (!mark)
		return;
	gnuplot_dat_num(tl->b[9], l->t);
	gnuplot_dat_int(tl->b[9], l->node);
	gnuplot_dat_int(tl->b[9], mark);
	g_string_append_c(tl->b[9], '\n');
}

static void tl_event(struct timeline *tl, const struct tl_line *l)
{
	const char *what = l->text;
	int node = l->node;

	if (g_str_has_prefix(what, "failure ends: "))
		what += strlen("failure ends: ");
	else if (g_str_has_prefix(what, "failure: "))
		what += strlen("failure: ");

	if (!strcmp(l->kind, "failure") && node >= 0) {
		tl_node_failure(tl, l->t, node, what);
	} else if (!strcmp(l->kind, "failure")) {
		tl_global_begin(tl, l->t, l->failure, what);
	} else if (!strcmp(l->kind, "failure_end") && node >= 0) {
		tl_close_span(tl, node, l->t);
	} else if (!strcmp(l->kind, "failure_end")) {
		tl_global_end(tl, l->t, l->failure);
	} else if (!strcmp(l->kind, "start") && node >= 0) {
		struct tl_row *r = g_ptr_array_index(tl->rows, node);

		tl_close_join(tl, node, l->t, 3);
		r->join_open = true;
		r->join_t0 = l->t;
	} else if (!strcmp(l->kind, "ready") && node >= 0) {
		tl_close_join(tl, node, l->t, 1);
		tl_point(tl->b[5], l->t, node);
	} else if (!strcmp(l->kind, "fatal") && node >= 0) {
		tl_close_join(tl, node, l->t, 2);
		tl_point(tl->b[6], l->t, node);
	} else if (g_str_has_prefix(l->kind, "dial") && node >= 0) {
		tl_dial(tl, l->t, l->kind, node,
			g_strdup_printf("%s\t%s", l->node_name,
					l->peer_name));
	} else if (node >= 0) {
		tl_failover(tl, l);
	}
}

/* A comment line: the first is the title, "# ended at ..." the
 * subtitle and the end of the trace. */
static void tl_comment(struct timeline *tl, const char *line)
{
	const char *c = line + 1 + strspn(line + 1, " ");

	if (g_str_has_prefix(c, "ended at ")) {
		double e = g_ascii_strtod(c + 9, NULL);

		if (isfinite(e))
			tl->t_end = MAX(tl->t_end, e);
		g_free(tl->subtitle);
		tl->subtitle = g_strdup(c);
	} else if (!tl->title && *c && line[1] == ' ' && c == line + 2 &&
		   !g_str_has_prefix(c, "columns: ")) {
		tl->title = g_strdup(c);
	}
}

/* The sixth column: a whole number >= -1, or -1 when absent. */
static bool tl_failure_id(const char *s, int *out)
{
	char *end;
	long v;

	*out = -1;
	if (!s)
		return true;
	v = strtol(s, &end, 10);
	if (end == s || *end || v < -1 || v > G_MAXINT)
		return false;
	*out = (int)v;
	return true;
}

/* One data line; false when it is not a trace line. */
static bool tl_data_line(struct timeline *tl, char *line)
{
	char **f = g_strsplit(line, "\t", 6);
	struct tl_line l = { 0 };
	char *end = NULL;
	bool ok;

	l.t = f[0] ? g_ascii_strtod(f[0], &end) : NAN;
	ok = g_strv_length(f) >= 5 && end != f[0] && !*end &&
	     isfinite(l.t) && tl_failure_id(f[5], &l.failure);
	if (ok) {
		l.kind = f[1];
		l.node = tl_row_of(tl, f[2]);
		tl_row_of(tl, f[3]);	/* a peer gets a row too */
		l.node_name = f[2];
		l.peer_name = f[3];
		l.text = f[4];
		tl_event(tl, &l);
		tl->t_end = MAX(tl->t_end, l.t);
	}
	g_strfreev(f);
	return ok;
}

/* Reads @tsv into @tl. */
static gboolean tl_read(struct timeline *tl, const char *tsv, GError **error)
{
	char *text = NULL, **lines;
	GError *err = NULL;
	size_t i, events = 0;
	gboolean ok = TRUE;

	if (!g_file_get_contents(tsv, &text, NULL, &err)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s", tsv,
			    g_error_matches(err, G_FILE_ERROR,
					    G_FILE_ERROR_NOENT) ?
			    "no such file" : err->message);
		g_error_free(err);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (i = 0; lines[i] && ok; i++) {
		g_strchomp(lines[i]);
		if (!*lines[i])
			continue;
		if (lines[i][0] == '#') {
			tl_comment(tl, lines[i]);
		} else if (tl_data_line(tl, lines[i])) {
			events++;
		} else {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s:%zu: expected time_s, kind, node, peer, "
				    "text and failure separated by tabs (selsim "
				    "trace --format tsv)", tsv, i + 1);
			ok = FALSE;
		}
	}
	g_strfreev(lines);
	if (ok && (events == 0 || tl->rows->len == 0)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: no trace events naming a node (expected the "
			    "output of selsim trace --format tsv)", tsv);
		ok = FALSE;
	}
	return ok;
}

/* Closes whatever is still open at the end of the trace. */
static void tl_close_all(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->rows->len; i++) {
		tl_close_span(tl, (int)i, tl->t_end);
		tl_close_join(tl, (int)i, tl->t_end, 3);
		tl_notready(tl, (int)i, tl->t_end, false);
		gnuplot_dat_int(tl->b[0], (long long)i);
		gnuplot_dat_str(tl->b[0], ((struct tl_row *)
				g_ptr_array_index(tl->rows, i))->name);
		g_string_append_c(tl->b[0], '\n');
	}
	for (i = 0; i < tl->globals->len; i++) {
		struct tl_global *gl = g_ptr_array_index(tl->globals, i);

		gnuplot_dat_num(tl->b[2], gl->t0);
		gnuplot_dat_num(tl->b[2], tl->t_end);
		gnuplot_dat_str(tl->b[2], gl->what);
		g_string_append_c(tl->b[2], '\n');
	}
	for (i = 0; i < tl->dial_t0->len; i++) {
		gnuplot_dat_num(tl->b[4], g_array_index(tl->dial_t0, double, i));
		gnuplot_dat_num(tl->b[4], g_array_index(tl->dial_t1, double, i));
		gnuplot_dat_int(tl->b[4], g_array_index(tl->dial_row, int, i));
		gnuplot_dat_int(tl->b[4], g_array_index(tl->dial_out, int, i));
		g_string_append_c(tl->b[4], '\n');
	}
}

/* The data file's text. Caller frees with g_string_free(). */
static GString *tl_finish(struct timeline *tl, const char *tsv)
{
	static const char *const names[TL_BLOCKS] = {
		"rows: y, node", "spans: t0, t1, y, kind (1 down, 2 "
		"degraded), what", "global: t0, t1, what",
		"joins: t0, t1, y, end (1 Ready, 2 fatal, 3 cut short or "
		"still joining)", "dials: t0, t1, y, outcome (1 ok, 2 "
		"refused, 3 timed out, 0 none)", "ready: t, y", "fatal: t, y",
		"restarts: t, y", "notready: t0, t1, y",
		"marks: t, y, kind (1 a broken connection noticed, 2 a "
		"lease renewal failed, 3 the API back through another "
		"server)", "failures: t, what (the failures of one node, "
		"where they begin)",
	};
	GString *g = g_string_new(NULL);
	size_t i;

	tl_close_all(tl);
	g_string_append_printf(g, "# selsim timeline of one scenario, from %s\n",
			       tsv);
	if (tl->title)
		g_string_append_printf(g, "# %s\n", tl->title);
	g_string_append(g, "# eleven blocks, two blank lines apart (times "
			   "in s; y: the row)\n");
	for (i = 0; i < TL_BLOCKS; i++)
		g_string_append_printf(g, "#   %zu %s\n", i, names[i]);
	/* Blocks are counted by their separators, and gnuplot merges the
	 * separators around an empty block: an empty one holds a NaN row
	 * (the scripts skip it: see "has" in tl_vars()). */
	for (i = 0; i < TL_BLOCKS; i++)
		g_string_append_printf(g, "%s# %s\n%s", i ? "\n\n" : "",
				       names[i], tl->b[i]->len ? tl->b[i]->str
							       : "NaN NaN\n");
	return g;
}

static void tl_init(struct timeline *tl)
{
	size_t i;

	memset(tl, 0, sizeof(*tl));
	tl->rows = g_ptr_array_new_with_free_func(tl_row_free);
	tl->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	tl->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    tl_queue_free);
	tl->dial_t0 = g_array_new(FALSE, FALSE, sizeof(double));
	tl->dial_t1 = g_array_new(FALSE, FALSE, sizeof(double));
	tl->dial_row = g_array_new(FALSE, FALSE, sizeof(int));
	tl->dial_out = g_array_new(FALSE, FALSE, sizeof(int));
	tl->globals = g_ptr_array_new_with_free_func(tl_global_free);
	for (i = 0; i < TL_BLOCKS; i++)
		tl->b[i] = g_string_new(NULL);
}

static void tl_release(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < TL_BLOCKS; i++)
		g_string_free(tl->b[i], TRUE);
	g_ptr_array_unref(tl->globals);
	g_array_free(tl->dial_t0, TRUE);
	g_array_free(tl->dial_t1, TRUE);
	g_array_free(tl->dial_row, TRUE);
	g_array_free(tl->dial_out, TRUE);
	g_hash_table_destroy(tl->pending);
	g_hash_table_destroy(tl->by_name);
	g_ptr_array_unref(tl->rows);
	g_free(tl->title);
	g_free(tl->subtitle);
}

/* The variables of plots/timeline.gp. Caller frees with g_string_free(). */
static GString *tl_vars(const struct timeline *tl)
{
	GString *vars = g_string_new(NULL), *has = g_string_new(NULL);
	size_t i;

	for (i = 0; i < TL_BLOCKS; i++)
		g_string_append_printf(has, "%s%d", i ? " " : "",
				       tl->b[i]->len > 0);
	gnuplot_var_str(vars, "has", has->str);
	gnuplot_var_num(vars, "t_end", tl->t_end > 0 ? tl->t_end : 1);
	gnuplot_var_str(vars, "plot_title", tl->title ? tl->title : "Timeline");
	if (tl->subtitle)
		gnuplot_var_str(vars, "subtitle", tl->subtitle);
	g_string_free(has, TRUE);
	return vars;
}

/* Draws @out_prefix.svg from @out_prefix.dat, run in its folder. */
static gboolean tl_draw(const char *gnuplot, const char *out_prefix,
			const GString *vars, GError **error)
{
	char *cwd = g_path_get_dirname(out_prefix);
	char *base = g_path_get_basename(out_prefix);
	char *dat_rel = g_strconcat(base, ".dat", NULL);
	struct gnuplot_job job = { .cwd = cwd, .script = "timeline.gp",
				   .data = dat_rel, .out = base,
				   .vars = vars->str };
	gboolean ok = gnuplot_run(gnuplot, &job, error);

	g_free(cwd);
	g_free(base);
	g_free(dat_rel);
	return ok;
}

gboolean timeline_plot(const char *tsv, const char *out_prefix,
		       bool *gnuplot_missing, GError **error)
{
	struct timeline tl;
	char *dat_path = g_strconcat(out_prefix, ".dat", NULL);
	char *gnuplot = NULL;
	gboolean ok;

	if (gnuplot_missing)
		*gnuplot_missing = false;
	tl_init(&tl);
	ok = tl_read(&tl, tsv, error);
	if (ok) {
		GString *data = tl_finish(&tl, tsv);

		ok = output_write_atomic(dat_path, data->str, data->len,
					 error);
		g_string_free(data, TRUE);
	}
	if (ok)
		gnuplot = gnuplot_find();
	if (ok && !gnuplot && gnuplot_missing)
		*gnuplot_missing = true;
	if (ok && gnuplot) {
		GString *vars = tl_vars(&tl);

		ok = tl_draw(gnuplot, out_prefix, vars, error);
		g_string_free(vars, TRUE);
	}
	g_free(gnuplot);
	g_free(dat_path);
	tl_release(&tl);
	return ok;
}
