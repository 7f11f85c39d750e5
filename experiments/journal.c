#include "journal.h"
#include "bytes.h"
#include "spec.h"
#include "sim/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char magic[8] = { 'S', 'E', 'L', 'S', 'I', 'M', 'J', '\n' };

/* A record's payload is at most this long: far above any chunk (64
 * scenarios of CONFIG_MAX_NODES nodes), so a larger length is a corrupt
 * one. */
#define MAX_RECORD (256u << 20)

/* Strings of the header are at most this long. */
#define MAX_STR 65536

uint32_t journal_crc32(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* The canonical spec's digest: `validate --explain` but its first line. */
static char *spec_digest(const struct spec *s)
{
	char *text = NULL, *body;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char *hex;

	if (!f)
		g_error("open_memstream: %s", g_strerror(errno));
	spec_explain(s, f);
	fclose(f);
	body = strchr(text, '\n');
	body = body ? body + 1 : text;
	hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body, -1);
	free(text);
	return hex;
}

void journal_header_of_spec(const struct spec *s, uint32_t chunk,
			    uint32_t shard, uint32_t n_shards,
			    struct journal_header *h)
{
	GString *p = g_string_new(NULL);
	size_t i;

	SIM_ASSERT(chunk > 0 && shard < n_shards);
	for (i = 0; i < s->n_policies; i++)
		g_string_append_printf(p, "%s%s", i ? "," : "",
				       s->policies[i].ops->name);
	*h = (struct journal_header){
		.format = JOURNAL_FORMAT, .version = g_strdup(SELSIM_VERSION),
		.spec_file = g_strdup(s->file), .digest = spec_digest(s),
		.seed = s->seed, .scenarios = (uint64_t)s->scenarios,
		.policies = g_string_free(p, FALSE), .chunk = chunk,
		.grid = spec_grid_size(s), .shard = shard,
		.n_shards = n_shards,
	};
}

void journal_header_release(struct journal_header *h)
{
	g_free(h->version);
	g_free(h->spec_file);
	g_free(h->digest);
	g_free(h->policies);
	*h = (struct journal_header){ 0 };
}

uint64_t journal_chunks_per_cell(const struct journal_header *h)
{
	return (h->scenarios + h->chunk - 1) / h->chunk;
}

/* Policies in a comma-separated list. */
static size_t count_policies(const char *list)
{
	size_t n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

uint64_t journal_chunks_total(const struct journal_header *h)
{
	return journal_chunks_per_cell(h) * h->grid *
	       count_policies(h->policies);
}

uint32_t journal_chunk_shard(const struct journal_header *h, uint64_t index)
{
	uint64_t per_cell = journal_chunks_per_cell(h);
	uint64_t point = index / per_cell / count_policies(h->policies);

	return (uint32_t)((point * per_cell + index % per_cell) % h->n_shards);
}

char *journal_header_diff(const struct journal_header *a,
			  const struct journal_header *b, bool with_shard)
{
#define DIFF_STR(f, what) \
	if (strcmp(a->f, b->f)) \
		return g_strdup_printf("%s: '%s' in the journal, '%s' here", \
				       what, a->f, b->f)
#define DIFF_NUM(f, what) \
	if (a->f != b->f) \
		return g_strdup_printf("%s: %" G_GUINT64_FORMAT " in the " \
				       "journal, %" G_GUINT64_FORMAT " here", \
				       what, (uint64_t)a->f, (uint64_t)b->f)
	DIFF_NUM(format, "journal format");
	DIFF_STR(version, "selsim version");
	DIFF_NUM(seed, "seed");
	DIFF_NUM(scenarios, "scenarios");
	DIFF_STR(policies, "policies");
	DIFF_STR(digest, "spec (digest of `selsim validate --explain`)");
	DIFF_NUM(chunk, "scenarios per chunk");
	DIFF_NUM(grid, "grid points");
	DIFF_NUM(summary, "summary statistics (1: on)");
	if (with_shard && (a->shard != b->shard || a->n_shards != b->n_shards))
		return g_strdup_printf("shard: %u/%u in the journal, %u/%u here",
				       a->shard, a->n_shards, b->shard,
				       b->n_shards);
	return NULL;
#undef DIFF_STR
#undef DIFF_NUM
}

static void header_encode(const struct journal_header *h, GByteArray *b)
{
	g_byte_array_append(b, (const guint8 *)"H", 1);
	bytes_put_u32(b, h->format);
	bytes_put_str(b, h->version);
	bytes_put_str(b, h->spec_file);
	bytes_put_str(b, h->digest);
	bytes_put_u64(b, h->seed);
	bytes_put_u64(b, h->scenarios);
	bytes_put_str(b, h->policies);
	bytes_put_u32(b, h->chunk);
	bytes_put_u64(b, h->grid);
	bytes_put_u32(b, h->shard);
	bytes_put_u32(b, h->n_shards);
	bytes_put_u32(b, h->summary);
}

/* The header's payload after its kind byte; false when it is not one a
 * run could have written. */
static bool header_decode(struct bytes_in *in, struct journal_header *h)
{
	*h = (struct journal_header){ 0 };
	if (!bytes_get_u32(in, &h->format) || h->format != JOURNAL_FORMAT ||
	    !bytes_get_str(in, MAX_STR, &h->version) ||
	    !bytes_get_str(in, MAX_STR, &h->spec_file) ||
	    !bytes_get_str(in, MAX_STR, &h->digest) ||
	    !bytes_get_u64(in, &h->seed) || !bytes_get_u64(in, &h->scenarios) ||
	    !bytes_get_str(in, MAX_STR, &h->policies) ||
	    !bytes_get_u32(in, &h->chunk) || !bytes_get_u64(in, &h->grid) ||
	    !bytes_get_u32(in, &h->shard) || !bytes_get_u32(in, &h->n_shards) ||
	    !bytes_get_u32(in, &h->summary))
		return false;
	/* bounds that keep the chunk count far from overflowing */
	return bytes_left(in) == 0 && h->chunk > 0 && h->scenarios > 0 &&
	       h->scenarios <= UINT32_MAX && h->grid > 0 &&
	       h->grid <= SPEC_MAX_GRID && strlen(h->policies) < 4096 &&
	       h->n_shards > 0 && h->shard < h->n_shards && h->summary <= 1 &&
	       /* chunks a cell < 2^32, grid <= 10^6 < 2^20, policies
	        * < 2^11: no overflow */
	       journal_chunks_total(h) <= JOURNAL_MAX_CHUNKS;
}

/* Scenarios of chunk k of a cell of @h's run. */
static uint64_t chunk_size(const struct journal_header *h, uint64_t k)
{
	return MIN((uint64_t)h->chunk, h->scenarios - k * h->chunk);
}

/* Marks chunk @index present in @j; false when it was already. */
static bool have_add(struct journal *j, uint64_t index)
{
	guint8 bit = (guint8)(1u << (index % 8));

	if (j->have[index / 8] & bit)
		return false;
	j->have[index / 8] |= bit;
	j->n_have++;
	return true;
}

/* The record at @buf + *@pos: its payload into *@payload, *@n; false
 * when it is torn or corrupt (the tail starts there). */
static bool next_record(const uint8_t *buf, size_t len, size_t *pos,
			const uint8_t **payload, size_t *n)
{
	struct bytes_in in = { .p = buf, .len = len, .pos = *pos };
	uint32_t size, crc;

	if (!bytes_get_u32(&in, &size) || !bytes_get_u32(&in, &crc) ||
	    size == 0 || size > MAX_RECORD || bytes_left(&in) < size ||
	    journal_crc32(buf + in.pos, size) != crc)
		return false;
	*payload = buf + in.pos;
	*n = size;
	*pos = in.pos + size;
	return true;
}

/* The accumulator at @in of a record of @scenarios scenarios into @c.
 * NULL or the reason it is bad. */
static const char *acc_decode(const struct journal_header *h,
			      struct bytes_in *in, uint64_t scenarios,
			      struct journal_chunk *c)
{
	size_t pos = in->pos;

	if (!cell_acc_decode(in->p, in->len, &pos, &c->acc))
		return "accumulator does not decode";
	if (c->acc.summary != (h->summary == 1)) {
		cell_acc_release(&c->acc);
		return "accumulator of the other statistics mode";
	}
	if (pos != in->len || c->acc.scenarios != scenarios) {
		cell_acc_release(&c->acc);
		return "accumulator of the wrong size";
	}
	return NULL;
}

/* One chunk record's payload after its kind byte, checked against the
 * header and the chunks before it (@j's). NULL or the reason it is bad. */
static const char *chunk_decode(struct journal *j, const uint8_t *p,
				size_t n, struct journal_chunk *c)
{
	const struct journal_header *h = &j->h;
	struct bytes_in in = { .p = p, .len = n, .pos = 0 };
	uint64_t per_cell = journal_chunks_per_cell(h);

	if (!bytes_get_u64(&in, &c->index))
		return "short chunk record";
	if (c->index >= journal_chunks_total(h))
		return "chunk index beyond the run";
	if (journal_chunk_shard(h, c->index) != h->shard)
		return "chunk of another shard";
	if (!have_add(j, c->index))
		return "chunk recorded twice";
	c->cell = c->index / per_cell;
	return acc_decode(h, &in, chunk_size(h, c->index % per_cell), c);
}

/* The runs of chunks of an 'S' record of cell @cell, from @in: each
 * marked present in @j; their scenarios into *@scenarios. NULL or the
 * reason they are bad. */
static const char *runs_decode(struct journal *j, uint64_t cell,
			       struct bytes_in *in, uint64_t *scenarios)
{
	const struct journal_header *h = &j->h;
	uint64_t per_cell = journal_chunks_per_cell(h), runs, r, i, k, count;
	uint64_t next = 0;	/* the least k the next run may start at */

	if (!bytes_get_u64(in, &runs) || runs == 0 ||
	    runs > bytes_left(in) / 16)
		return "short or empty list of runs";
	*scenarios = 0;
	for (r = 0; r < runs; r++) {
		if (!bytes_get_u64(in, &k) || !bytes_get_u64(in, &count))
			return "short run";
		if (k < next || k >= per_cell || count == 0 ||
		    count - 1 > (per_cell - 1 - k) / h->n_shards)
			return "run of chunks out of order or beyond the cell";
		if (journal_chunk_shard(h, cell * per_cell + k) != h->shard)
			return "chunk of another shard";
		for (i = 0; i < count; i++, k += h->n_shards) {
			if (!have_add(j, cell * per_cell + k))
				return "chunk recorded twice";
			*scenarios += chunk_size(h, k);
		}
		next = k;
	}
	return NULL;
}

/* An 'S' record's payload after its kind byte, as chunk_decode(). */
static const char *merged_decode(struct journal *j, const uint8_t *p,
				 size_t n, struct journal_chunk *c)
{
	const struct journal_header *h = &j->h;
	struct bytes_in in = { .p = p, .len = n, .pos = 0 };
	uint64_t scenarios;
	const char *why;

	if (!h->summary)
		return "merged chunks in an exact journal";
	if (!bytes_get_u64(&in, &c->cell))
		return "short merged record";
	if (c->cell >= journal_chunks_total(h) / journal_chunks_per_cell(h))
		return "cell beyond the run";
	c->index = JOURNAL_MERGED;
	why = runs_decode(j, c->cell, &in, &scenarios);
	return why ? why : acc_decode(h, &in, scenarios, c);
}

/* The chunk records after the header, from @pos. */
static bool parse_chunks(const char *file, const uint8_t *buf, size_t len,
			 size_t pos, struct journal *out, GError **error)
{
	uint64_t n_cells = journal_chunks_total(&out->h) /
			   journal_chunks_per_cell(&out->h);
	/* summary mode: each cell's records merged as they are read, so
	 * that memory is one accumulator per cell (a parsed one holds its
	 * whole histogram: some 300 KB) */
	guint *slot = out->h.summary ? g_new0(guint, n_cells) : NULL;
	const uint8_t *p;
	size_t n, k = 0;
	bool ok = true;

	out->have = g_malloc0(journal_chunks_total(&out->h) / 8 + 1);
	while (ok && next_record(buf, len, &pos, &p, &n)) {
		struct journal_chunk c = { 0 }, *e;
		const char *why = p[0] == 'C'
			? chunk_decode(out, p + 1, n - 1, &c)
			: p[0] == 'S' ? merged_decode(out, p + 1, n - 1, &c)
			: "not a chunk record";

		e = !why && slot && slot[c.cell]
			? &g_array_index(out->chunks, struct journal_chunk,
					 slot[c.cell] - 1) : NULL;
		if (e && e->acc.deadline_s != c.acc.deadline_s) {
			cell_acc_release(&c.acc);
			why = "accumulator of another deadline than its cell's";
		}
		k++;
		if (why) {
			g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
				    "%s: record %zu (at byte %zu): %s", file,
				    k, pos - n - 8, why);
			ok = false;
			break;
		}
		if (e) {
			cell_acc_merge(&e->acc, &c.acc);
			e->index = JOURNAL_MERGED;
			cell_acc_release(&c.acc);
		} else {
			g_array_append_val(out->chunks, c);
			if (slot)
				slot[c.cell] = out->chunks->len;
		}
		out->valid_len = pos;
	}
	g_free(slot);
	out->dropped = len - out->valid_len;
	return ok;
}

bool journal_parse(const char *file, const uint8_t *buf, size_t len,
		   struct journal *out, GError **error)
{
	size_t pos = sizeof(magic), n;
	const uint8_t *p;
	struct bytes_in in;

	*out = (struct journal){ 0 };
	out->chunks = g_array_new(FALSE, FALSE, sizeof(struct journal_chunk));
	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic))) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: not a selsim journal", file);
		journal_release(out);
		return false;
	}
	if (!next_record(buf, len, &pos, &p, &n) || p[0] != 'H' ||
	    !(in = (struct bytes_in){ .p = p + 1, .len = n - 1 },
	      header_decode(&in, &out->h))) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: no complete header of format %d (torn, corrupt"
			    " or of another selsim): run again without "
			    "--resume", file, JOURNAL_FORMAT);
		journal_release(out);
		return false;
	}
	out->valid_len = pos;
	if (!parse_chunks(file, buf, len, pos, out, error)) {
		journal_release(out);
		return false;
	}
	return true;
}

bool journal_read(const char *path, struct journal *out, GError **error)
{
	gchar *buf;
	gsize len;
	bool ok;

	*out = (struct journal){ 0 };
	if (!g_file_get_contents(path, &buf, &len, NULL)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "%s: cannot read the journal: %s", path,
			    g_strerror(errno));
		return false;
	}
	ok = journal_parse(path, (const uint8_t *)buf, len, out, error);
	g_free(buf);
	return ok;
}

void journal_release(struct journal *j)
{
	size_t i;

	if (j->chunks) {
		for (i = 0; i < j->chunks->len; i++)
			cell_acc_release(&g_array_index(j->chunks,
					 struct journal_chunk, i).acc);
		g_array_free(j->chunks, TRUE);
	}
	g_free(j->have);
	journal_header_release(&j->h);
	*j = (struct journal){ 0 };
}

struct journal_writer {
	GMutex lock;
	int fd;
	int err;		/* errno of the first failed write, else 0 */
	char *path;
	struct journal_header h; /* a copy */
	/* compaction (summary mode; else compact_every is 0) */
	uint64_t compact_every;	/* chunk records between compactions */
	uint64_t since;		/* chunk records since the last one */
	uint64_t compactions;
	guint8 *have;		/* one bit per chunk in the file */
	struct cell_acc *cells;	/* per cell: its chunks merged (summary,
				 * deadline 0 until its first chunk) */
	uint64_t n_cells;
};

/* Writes all of @n bytes to @fd; false with w->err set. */
static bool write_fd(struct journal_writer *w, int fd, const uint8_t *p,
		     size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->err = k < 0 ? errno : EIO;
			return false;
		}
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static bool write_all(struct journal_writer *w, const uint8_t *p, size_t n)
{
	return write_fd(w, w->fd, p, n);
}

/* @payload framed as a record: length, CRC, payload. */
static GByteArray *frame(GByteArray *payload)
{
	GByteArray *r = g_byte_array_sized_new(payload->len + 8);

	bytes_put_u32(r, payload->len);
	bytes_put_u32(r, journal_crc32(payload->data, payload->len));
	g_byte_array_append(r, payload->data, payload->len);
	g_byte_array_free(payload, TRUE);
	return r;
}

/* The magic and @h's record, to @fd. */
static bool write_head(struct journal_writer *w, int fd,
		       const struct journal_header *h)
{
	GByteArray *p = g_byte_array_new(), *r;
	bool ok;

	header_encode(h, p);
	r = frame(p);
	ok = write_fd(w, fd, (const uint8_t *)magic, sizeof(magic)) &&
	     write_fd(w, fd, r->data, r->len);
	g_byte_array_free(r, TRUE);
	return ok;
}

/* Notes chunk @index with @acc (borrowed) in what compaction merges. */
static void state_add(struct journal_writer *w, uint64_t index,
		      const struct cell_acc *acc)
{
	struct cell_acc *c = &w->cells[index / journal_chunks_per_cell(&w->h)];

	if (c->deadline_s == 0)
		cell_acc_init_summary(c, acc->deadline_s);
	cell_acc_merge(c, acc);
	w->have[index / 8] |= (guint8)(1u << (index % 8));
}

/* Cell @cell's 'S' record: its runs of chunks (this shard's, k, k +
 * n_shards, ...) and its merged accumulator. */
static GByteArray *merged_record(const struct journal_writer *w,
				 uint64_t cell)
{
	const struct journal_header *h = &w->h;
	uint64_t per_cell = journal_chunks_per_cell(h), base = cell * per_cell;
	uint64_t k, runs = 0;
	GByteArray *p = g_byte_array_new(), *list = g_byte_array_new();
	uint64_t start = 0, count = 0;

	/* the first k of this shard's in the cell, if it has any */
	for (k = 0; k < MIN(per_cell, h->n_shards); k++)
		if (journal_chunk_shard(h, base + k) == h->shard)
			break;
	for (; k < per_cell + h->n_shards; k += h->n_shards) {
		bool in = k < per_cell &&
			  (w->have[(base + k) / 8] >> ((base + k) % 8) & 1);

		if (in && count++ == 0)
			start = k;
		if (!in && count) {
			bytes_put_u64(list, start);
			bytes_put_u64(list, count);
			runs++;
			count = 0;
		}
	}
	g_byte_array_append(p, (const guint8 *)"S", 1);
	bytes_put_u64(p, cell);
	bytes_put_u64(p, runs);
	g_byte_array_append(p, list->data, list->len);
	g_byte_array_free(list, TRUE);
	cell_acc_encode(&w->cells[cell], p);
	return frame(p);
}

/* Rewrites the journal as its header and one 'S' record per cell (see
 * journal.h), atomically; with w->lock held. False with w->err set. */
static bool compact(struct journal_writer *w)
{
	char *tmp = g_strconcat(w->path, ".tmp", NULL);
	char *dir = g_path_get_dirname(w->path);
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), dfd;
	bool ok = fd >= 0 && write_head(w, fd, &w->h);
	uint64_t c;

	if (fd < 0)
		w->err = errno;
	for (c = 0; ok && c < w->n_cells; c++) {
		GByteArray *r;

		if (w->cells[c].deadline_s == 0)
			continue;
		r = merged_record(w, c);
		ok = write_fd(w, fd, r->data, r->len);
		g_byte_array_free(r, TRUE);
	}
	if (ok && (fsync(fd) != 0 || rename(tmp, w->path) != 0)) {
		w->err = errno;
		ok = false;
	}
	/* the rename itself is durable once the folder is */
	dfd = ok ? open(dir, O_RDONLY | O_CLOEXEC) : -1;
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (ok) {
		close(w->fd);
		w->fd = fd;
		w->since = 0;
		w->compactions++;
	} else if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	g_free(dir);
	g_free(tmp);
	return ok;
}

/* Sets up compaction's state for @w (summary mode), from @done's records
 * when resuming. */
static void state_init(struct journal_writer *w, const struct journal *done,
		       uint64_t compact_every)
{
	uint64_t per_cell = journal_chunks_per_cell(&w->h), c;
	guint i;

	if (!w->h.summary || compact_every == 0)
		return;
	w->compact_every = compact_every;
	w->n_cells = journal_chunks_total(&w->h) / per_cell;
	w->cells = g_new0(struct cell_acc, w->n_cells);
	w->have = g_malloc0(journal_chunks_total(&w->h) / 8 + 1);
	for (i = 0; done && i < done->chunks->len; i++) {
		const struct journal_chunk *r =
			&g_array_index(done->chunks, struct journal_chunk, i);

		c = r->cell;
		if (w->cells[c].deadline_s == 0)
			cell_acc_init_summary(&w->cells[c], r->acc.deadline_s);
		cell_acc_merge(&w->cells[c], &r->acc);
		w->since += r->index != JOURNAL_MERGED;
	}
	if (done)
		memcpy(w->have, done->have, journal_chunks_total(&w->h) / 8 + 1);
}

static void header_copy(const struct journal_header *h,
			struct journal_header *out)
{
	*out = *h;
	out->version = g_strdup(h->version);
	out->spec_file = g_strdup(h->spec_file);
	out->digest = g_strdup(h->digest);
	out->policies = g_strdup(h->policies);
}

struct journal_writer *journal_writer_open(const char *path,
					   const struct journal_header *h,
					   const struct journal *done,
					   uint64_t compact_every,
					   GError **error)
{
	struct journal_writer *w = g_new0(struct journal_writer, 1);
	int flags = O_WRONLY | O_CLOEXEC | (done ? 0 : O_CREAT | O_TRUNC);
	char *tmp = g_strconcat(path, ".tmp", NULL);

	g_mutex_init(&w->lock);
	w->path = g_strdup(path);
	header_copy(h, &w->h);
	unlink(tmp);	/* a compaction's, cut short */
	g_free(tmp);
	w->fd = open(path, flags, 0644);
	if (w->fd >= 0 && done &&
	    (ftruncate(w->fd, (off_t)done->valid_len) != 0 ||
	     lseek(w->fd, 0, SEEK_END) < 0))
		w->err = errno;
	if (w->fd >= 0 && !done)
		write_head(w, w->fd, h);
	if (w->fd < 0 || w->err || fsync(w->fd) != 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path,
			    g_strerror(w->fd < 0 || !w->err ? errno : w->err));
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
		journal_writer_close(w, NULL);
		return NULL;
	}
	state_init(w, done, compact_every);
	return w;
}

void journal_writer_add(struct journal_writer *w, uint64_t index,
			const struct cell_acc *acc)
{
	GByteArray *p = g_byte_array_new(), *r;

	g_byte_array_append(p, (const guint8 *)"C", 1);
	bytes_put_u64(p, index);
	cell_acc_encode(acc, p);
	r = frame(p);
	g_mutex_lock(&w->lock);
	if (!w->err && write_all(w, r->data, r->len) && w->compact_every) {
		state_add(w, index, acc);
		if (++w->since >= w->compact_every)
			compact(w);
	}
	g_mutex_unlock(&w->lock);
	g_byte_array_free(r, TRUE);
}

bool journal_writer_compact(struct journal_writer *w)
{
	bool ok = true;

	g_mutex_lock(&w->lock);
	if (!w->err && w->compact_every && w->since > 0)
		ok = compact(w);
	g_mutex_unlock(&w->lock);
	return ok && !w->err;
}

uint64_t journal_writer_compactions(const struct journal_writer *w)
{
	return w->compactions;
}

bool journal_writer_close(struct journal_writer *w, GError **error)
{
	bool ok;
	uint64_t c;

	if (w->fd >= 0 && !w->err && fsync(w->fd) != 0)
		w->err = errno;
	if (w->fd >= 0 && close(w->fd) != 0 && !w->err)
		w->err = errno;
	ok = !w->err;
	if (!ok)
		g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", w->path,
			    g_strerror(w->err));
	for (c = 0; c < w->n_cells; c++)
		cell_acc_release(&w->cells[c]);
	g_free(w->cells);
	g_free(w->have);
	journal_header_release(&w->h);
	g_mutex_clear(&w->lock);
	g_free(w->path);
	g_free(w);
	return ok;
}
