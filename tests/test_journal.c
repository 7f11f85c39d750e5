/*
 * The journal (experiments/journal.h) and the accumulator's serialised
 * form (cell_acc_encode(), cell_acc_decode()): a round trip gives back
 * every bit; a journal cut or corrupted anywhere is read as far as it is
 * whole, or refused, never overrun (run under ASan).
 */
#include "test.h"
#include "experiments/journal.h"
#include "experiments/runner.h"
#include "experiments/spec.h"
#include "sim/error.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* The deadline of the test cells, seconds. */
#define TEST_D 20.0

#define NODE(c, r, jt, d) \
	{ .counted = (c), .ready = (r), .join_time = (jt), .dials = (d), \
	  .failed_dials = 1, .timeout_wait = 3 * SIM_MS, .requests = 4, \
	  .fatal_restarts = 1 }

/* join times with no short binary form (1/3 s, 1/7 s): a lossy round trip
 * would show */
static struct node_record nodes_a[] = {
	NODE(true, true, SIM_S / 3, 3),
	NODE(false, false, 0, 100),
	NODE(true, true, SIM_S / 7 + 5 * SIM_S, 1),
};
static struct node_record nodes_b[] = {
	NODE(true, false, 0, 7),
	NODE(true, true, 19 * SIM_S + 1, 2),
};

static const struct run_record rec_a = {
	.n_nodes = 3, .nodes = nodes_a, .success = true, .events = 100 };
static const struct run_record rec_b = {
	.n_nodes = 2, .nodes = nodes_b, .success = false, .events = 7 };

/* An accumulator of three scenarios: a, b, a. */
static void acc_make(struct cell_acc *a)
{
	cell_acc_init(a, TEST_D);
	cell_acc_add(a, &rec_a);
	cell_acc_add(a, &rec_b);
	cell_acc_add(a, &rec_a);
}

static void assert_arrays_equal(const GArray *x, const GArray *y,
				size_t size)
{
	ASSERT_EQ(x->len, y->len);
	ASSERT(x->len == 0 || !memcmp(x->data, y->data, x->len * size));
}

static void assert_acc_equal(const struct cell_acc *x,
			     const struct cell_acc *y)
{
	ASSERT(!memcmp(&x->deadline_s, &y->deadline_s, sizeof(double)));
	ASSERT_EQ(x->scenarios, y->scenarios);
	ASSERT_EQ(x->successes, y->successes);
	ASSERT_EQ(x->nodes_counted, y->nodes_counted);
	ASSERT_EQ(x->nodes_ready, y->nodes_ready);
	ASSERT_EQ(x->dials, y->dials);
	ASSERT_EQ(x->failed_dials, y->failed_dials);
	ASSERT_EQ(x->timeout_wait, y->timeout_wait);
	ASSERT_EQ(x->requests, y->requests);
	ASSERT_EQ(x->fatal_restarts, y->fatal_restarts);
	ASSERT_EQ(x->events, y->events);
	assert_arrays_equal(x->join_s, y->join_s, sizeof(double));
	assert_arrays_equal(x->scen, y->scen, sizeof(struct cell_acc_scenario));
	assert_arrays_equal(x->scen_join_s, y->scen_join_s, sizeof(float));
}

/* The CRC-32 check value of the IEEE polynomial (zlib's crc32). */
static void test_crc(void)
{
	ASSERT_EQ(journal_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
	ASSERT_EQ(journal_crc32(NULL, 0), 0);
}

static void test_acc_round_trip(void)
{
	struct cell_acc a, b;
	GByteArray *x = g_byte_array_new(), *y = g_byte_array_new();
	size_t pos = 0, k;

	acc_make(&a);
	cell_acc_encode(&a, x);
	ASSERT(cell_acc_decode(x->data, x->len, &pos, &b));
	ASSERT_EQ(pos, x->len);
	assert_acc_equal(&a, &b);
	cell_acc_encode(&b, y);
	ASSERT_EQ(x->len, y->len);
	ASSERT(!memcmp(x->data, y->data, x->len));
	cell_acc_release(&b);
	/* every proper prefix is short: refused, pos unchanged */
	for (k = 0; k < x->len; k++) {
		pos = 0;
		ASSERT(!cell_acc_decode(x->data, k, &pos, &b));
		ASSERT_EQ(pos, 0);
	}
	/* any byte changed: refused or a consistent accumulator */
	for (k = 0; k < x->len; k++) {
		GByteArray *z = g_byte_array_new();
		struct cell_summary s;

		g_byte_array_append(z, x->data, x->len);
		z->data[k] ^= 0x5a;
		pos = 0;
		if (cell_acc_decode(z->data, z->len, &pos, &b)) {
			cell_acc_summarise(&b, &s);	/* no broken invariant */
			cell_acc_release(&b);
		}
		g_byte_array_free(z, TRUE);
	}
	cell_acc_release(&a);
	g_byte_array_free(x, TRUE);
	g_byte_array_free(y, TRUE);
}

/* A header of a run of 3 scenarios, one grid point, two policies: two
 * chunks of 3 scenarios each. */
static void header_make(struct journal_header *h)
{
	*h = (struct journal_header){
		.format = JOURNAL_FORMAT, .version = g_strdup("0.test"),
		.spec_file = g_strdup("test.json"), .digest = g_strdup("00ff"),
		.seed = 7, .scenarios = 3, .policies = g_strdup("a,b"),
		.chunk = 64, .grid = 1, .shard = 0, .n_shards = 1,
	};
}

/* Writes a journal of both chunks to a temporary file; its bytes. */
static GBytes *journal_make(void)
{
	struct journal_header h;
	struct journal_writer *w;
	struct cell_acc a;
	GError *err = NULL;
	char *path, *data;
	gsize len;
	int fd = g_file_open_tmp("selsim-journal-XXXXXX", &path, NULL);

	ASSERT(fd >= 0);
	close(fd);
	header_make(&h);
	acc_make(&a);
	w = journal_writer_open(path, &h, NULL, 0, &err);
	ASSERT(w);
	journal_writer_add(w, 1, &a);
	journal_writer_add(w, 0, &a);
	ASSERT(journal_writer_close(w, &err));
	ASSERT(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	g_free(path);
	cell_acc_release(&a);
	journal_header_release(&h);
	return g_bytes_new_take(data, len);
}

static void test_journal_read_back(void)
{
	GBytes *b = journal_make();
	gsize len;
	const uint8_t *p = g_bytes_get_data(b, &len);
	struct journal j, k;
	struct journal_header h;
	struct cell_acc a;
	GError *err = NULL;
	char *diff;

	ASSERT(journal_parse("t", p, len, &j, &err));
	ASSERT_EQ(j.chunks->len, 2);
	ASSERT_EQ(j.valid_len, len);
	ASSERT_EQ(j.dropped, 0);
	ASSERT_EQ(g_array_index(j.chunks, struct journal_chunk, 0).index, 1);
	acc_make(&a);
	assert_acc_equal(&g_array_index(j.chunks, struct journal_chunk, 1).acc,
			 &a);
	cell_acc_release(&a);
	header_make(&h);
	ASSERT(!journal_header_diff(&j.h, &h, true));
	h.seed = 8;
	diff = journal_header_diff(&j.h, &h, true);
	ASSERT_STR_EQ(diff, "seed: 7 in the journal, 8 here");
	g_free(diff);
	journal_header_release(&h);
	ASSERT_EQ(journal_chunks_total(&j.h), 2);
	/* cut anywhere: refused (in the header) or the whole records before
	 * the cut */
	for (len = 0; len < j.valid_len; len++) {
		if (!journal_parse("t", p, len, &k, &err)) {
			ASSERT(err && err->code == SIM_ERROR_INPUT);
			g_clear_error(&err);
			continue;
		}
		ASSERT(k.chunks->len < 2);
		ASSERT_EQ(k.valid_len + k.dropped, len);
		journal_release(&k);
	}
	journal_release(&j);
	g_bytes_unref(b);
}

/* Every byte flipped: read, refused, or the tail dropped; never more
 * chunks than written, never a crash. */
static void test_journal_corrupt(void)
{
	GBytes *b = journal_make();
	gsize len, i;
	const uint8_t *p = g_bytes_get_data(b, &len);
	uint8_t *q = g_memdup2(p, len);

	for (i = 0; i < len; i++) {
		struct journal k;
		GError *err = NULL;

		q[i] ^= 0x81;
		if (journal_parse("t", q, len, &k, &err)) {
			ASSERT(k.chunks->len <= 2);
			journal_release(&k);
		} else {
			g_clear_error(&err);
		}
		q[i] ^= 0x81;
	}
	g_free(q);
	g_bytes_unref(b);
}

/* The figures of two runs, bit for bit (summaries are all doubles and
 * integers: no padding). */
static void assert_same_results(const struct runner_result *a,
				const struct runner_result *b)
{
	size_t c;

	ASSERT_EQ(a->n_cells, b->n_cells);
	for (c = 0; c < a->n_cells; c++) {
		const struct stats_diff *x = &a->cells[c].vs.join_p99_s,
					*y = &b->cells[c].vs.join_p99_s;

		ASSERT(!memcmp(&a->cells[c].sum, &b->cells[c].sum,
			       sizeof(struct cell_summary)));
		ASSERT_EQ(a->cells[c].has_vs, b->cells[c].has_vs);
		ASSERT(!memcmp(&x->diff, &y->diff, sizeof(double)));
		ASSERT(!memcmp(x->ci95, y->ci95, sizeof(x->ci95)));
	}
}

/*
 * A real run's journal (first-etcd-down, one scenario of two policies:
 * two chunk records) cut at every byte from its last record's start to
 * its end, resumed in process: the same figures as the run never cut.
 * Cut inside the header: refused. (tests/cli/resume.sh does the same
 * through the command line at fewer offsets.)
 */
static void test_resume_every_cut(void)
{
	struct spec s;
	struct journal_header h;
	struct runner_opts o = { .threads = 1 };
	struct runner_checkpoint ck = { 0 };
	struct runner_result ref, res;
	GError *err = NULL;
	char *path, *data;
	gsize len, k, last;
	struct journal j;
	int fd;

	ASSERT(spec_load("experiments/specs/first-etcd-down.json", &s, &err));
	ASSERT(spec_select_policies(&s, "k3s,k3s-legacy", &err));
	s.scenarios = 1;
	fd = g_file_open_tmp("selsim-journal-XXXXXX", &path, NULL);
	ASSERT(fd >= 0);
	close(fd);
	journal_header_of_spec(&s, RUNNER_CHUNK, 0, 1, &h);
	ck.journal = journal_writer_open(path, &h, NULL, 0, &err);
	ASSERT(ck.journal);
	ASSERT(runner_run_checkpointed(&s, &o, &ck, &ref, &err));
	ASSERT(journal_writer_close(ck.journal, &err));
	ASSERT_EQ(ck.chunks_run, 2);
	ASSERT(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	ASSERT(journal_parse("t", (const uint8_t *)data, len, &j, &err));
	ASSERT_EQ(j.chunks->len, 2);
	journal_release(&j);
	/* the last record's start: the end of the record before it */
	ASSERT(journal_parse("t", (const uint8_t *)data, len - 1, &j, &err));
	last = j.valid_len;
	journal_release(&j);
	for (k = 0; k <= len; k++) {
		struct runner_checkpoint r = { 0 };

		if (!journal_parse("t", (const uint8_t *)data, k, &j, &err)) {
			ASSERT(k < last);	/* only a header cut refuses */
			g_clear_error(&err);
			continue;
		}
		ASSERT(!journal_header_diff(&j.h, &h, true));
		r.done = &j;
		ASSERT(runner_run_checkpointed(&s, &o, &r, &res, &err));
		ASSERT_EQ(r.chunks_present, 2);
		ASSERT_EQ(r.chunks_run, k < len ? (k < last ? 2 : 1) : 0);
		assert_same_results(&ref, &res);
		runner_result_release(&res);
		journal_release(&j);
	}
	runner_result_release(&ref);
	journal_header_release(&h);
	g_free(data);
	g_free(path);
	spec_release(&s);
}

/* Appends @payload to @b as a record (length, CRC, payload). */
static void record_append(GByteArray *b, const uint8_t *payload, size_t n)
{
	uint32_t w[2] = { GUINT32_TO_LE((uint32_t)n),
			  GUINT32_TO_LE(journal_crc32(payload, n)) };

	g_byte_array_append(b, (const guint8 *)w, sizeof(w));
	g_byte_array_append(b, payload, (guint)n);
}

/* A journal compacted: its records, and what a resume from it gives. */
static void check_compacted(const struct spec *s, const char *data,
			    gsize len, const struct runner_result *ref,
			    uint64_t chunks)
{
	struct runner_opts o = { .threads = 2, .summary_stats = true };
	struct runner_checkpoint r = { 0 };
	struct runner_result res;
	GError *err = NULL;
	struct journal j;
	guint i, merged = 0;

	ASSERT(journal_parse("t", (const uint8_t *)data, len, &j, &err));
	for (i = 0; i < j.chunks->len; i++)
		merged += g_array_index(j.chunks, struct journal_chunk,
					i).index == JOURNAL_MERGED;
	ASSERT(merged >= 1);
	ASSERT(merged <= 2);	/* at most one per cell */
	ASSERT_EQ(j.n_have, chunks);
	r.done = &j;
	ASSERT(runner_run_checkpointed(s, &o, &r, &res, &err));
	ASSERT_EQ(r.chunks_run, 0);
	assert_same_results(ref, &res);
	runner_result_release(&res);
	journal_release(&j);
}

/*
 * Summary mode's compaction (journal.h): a run of 2 policies x 6 chunks
 * (330 scenarios: 5 of 64 and one of 10) compacted every 5 chunk records
 * (after the 5th and the 10th: 2 compactions) leaves 'S' records whose
 * resume runs nothing and gives the figures of a run without a journal;
 * cut at 8 places in its second half, it resumes to the
 * same figures; an 'S' record given twice is refused.
 */
static void test_compaction(void)
{
	struct spec s;
	struct journal_header h;
	struct runner_opts o = { .threads = 2, .summary_stats = true };
	struct runner_checkpoint ck = { 0 };
	struct runner_result ref, res;
	GError *err = NULL;
	GByteArray *twice;
	char *path, *data;
	gsize len, k;
	struct journal j;
	int fd;

	ASSERT(spec_load("experiments/specs/first-etcd-down.json", &s, &err));
	ASSERT(spec_select_policies(&s, "k3s,k3s-legacy", &err));
	s.scenarios = 5 * RUNNER_CHUNK + 10;
	runner_run(&s, &o, &ref);
	fd = g_file_open_tmp("selsim-journal-XXXXXX", &path, NULL);
	ASSERT(fd >= 0);
	close(fd);
	journal_header_of_spec(&s, RUNNER_CHUNK, 0, 1, &h);
	h.summary = 1;
	ck.journal = journal_writer_open(path, &h, NULL, 5, &err);
	ASSERT(ck.journal);
	ASSERT(runner_run_checkpointed(&s, &o, &ck, &res, &err));
	runner_result_release(&res);
	ASSERT_EQ(journal_writer_compactions(ck.journal), 2);
	ASSERT(journal_writer_close(ck.journal, &err));
	ASSERT(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	check_compacted(&s, data, len, &ref, 12);
	/* cut: whatever whole records remain resume to the same figures */
	for (k = len / 2; k < len; k += len / 16) {
		struct runner_checkpoint r = { 0 };

		if (!journal_parse("t", (const uint8_t *)data, k, &j, &err)) {
			g_clear_error(&err);
			continue;
		}
		r.done = &j;
		ASSERT(runner_run_checkpointed(&s, &o, &r, &res, &err));
		assert_same_results(&ref, &res);
		runner_result_release(&res);
		journal_release(&j);
	}
	/* the first 'S' record again at the end: its chunks twice */
	ASSERT(journal_parse("t", (const uint8_t *)data, len, &j, &err));
	twice = g_byte_array_new();
	g_byte_array_append(twice, (const guint8 *)data, (guint)len);
	{
		size_t pos = 8;
		uint32_t n;

		memcpy(&n, data + pos, sizeof(n));	/* the header's length */
		pos += 8 + GUINT32_FROM_LE(n);
		memcpy(&n, data + pos, sizeof(n));
		ASSERT_EQ(data[pos + 8], 'S');
		record_append(twice, (const uint8_t *)data + pos + 8,
			      GUINT32_FROM_LE(n));
	}
	journal_release(&j);
	ASSERT(!journal_parse("t", twice->data, twice->len, &j, &err));
	ASSERT_STR_CONTAINS(err->message, "chunk recorded twice");
	g_clear_error(&err);
	g_byte_array_free(twice, TRUE);
	runner_result_release(&ref);
	journal_header_release(&h);
	g_free(data);
	g_free(path);
	spec_release(&s);
}

int main(void)
{
	test_crc();
	test_acc_round_trip();
	test_journal_read_back();
	test_journal_corrupt();
	test_resume_every_cut();
	test_compaction();
	printf("test_journal: ok\n");
	return 0;
}
