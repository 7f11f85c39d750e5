/*
 * The journal: the chunks of a run that are done, on disk. One format for
 * two uses: `selsim run` appends every finished chunk to DIR/run.journal
 * so that an interrupted run resumes (--resume DIR), and a shard
 * (--shard I/N) leaves its chunks there as its partial result, which
 * `selsim merge` combines.
 *
 * A chunk is the runner's unit of work (runner.h): scenarios
 * [k * chunk, (k + 1) * chunk) of one cell; index = cell * chunks per cell
 * + k, the order in which the runner merges them (in summary mode merges
 * are order-free and the chunks of one grid point's k run together).
 *
 * Layout: the 8 bytes "SELSIMJ\n", then records. A record is its payload
 * length (u32, little-endian), the CRC-32 of the payload (u32, the
 * IEEE/zlib polynomial), then the payload, whose first byte is its kind:
 * 'H' the header (the first record, exactly once), 'C' a chunk (u64
 * index, then the accumulator as cell_acc_encode() writes it), 'S' (summary
 * mode only) several chunks of one cell merged: u64 cell, u64 number of
 * runs, each run u64 first k and u64 count (the chunks k, k + n_shards,
 * ..., of this shard's, count of them), then the accumulator of all of
 * them merged (cell_acc_merge()). A chunk is in at most one record.
 *
 * Compaction (summary mode). Summary merges are exact and order-free
 * (stats.h), so the chunk records of a cell may be replaced by their
 * merge: every @compact_every chunk records (journal_writer_open()), the
 * writer rewrites the journal as its header and one 'S' record per cell
 * holding chunks: a temporary file (JOURNAL_FILE ".tmp" beside it) written
 * and fsynced, renamed over the journal, the folder fsynced. A signal or
 * a crash at any moment leaves the old journal or the new one, both
 * whole. So the journal holds at most: the header, one 'S' record per
 * cell (the accumulator, about 3.2 KB for first-etcd-down, and 16 bytes a
 * run of chunks: a run has as many runs as holes its threads left, a
 * few), and @compact_every chunk records: bounded whatever the scenario
 * count. An exact-mode journal is never compacted (its merges keep the
 * scenarios' order; exact mode has at most STATS_EXACT_MAX_SCENARIOS).
 *
 * Durability. Each record goes to the file in one write(2) from one
 * thread at a time, as soon as its chunk is done; the header and the
 * final state are fsync(2)ed, the chunk records in between are not (an
 * fsync per chunk would cost more than many chunks). So kill -9 loses
 * only the chunks in flight (the kernel keeps what was written); a power
 * cut may lose the last records the kernel had not written yet. Either
 * way the reader sees a torn or corrupt tail (a length past the end, a
 * checksum that does not match), drops it and everything after it, and
 * the resumed run runs those chunks again.
 */
#ifndef EXPERIMENTS_JOURNAL_H
#define EXPERIMENTS_JOURNAL_H

#include "stats.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define JOURNAL_FILE "run.journal"	/* inside the results folder */
#define JOURNAL_FORMAT 4		/* the layout above (3: without 'S'
					 * records and summary-mode failover
					 * figures) */
/* Chunk records between compactions (summary mode), unless the run says
 * otherwise (`selsim run --journal-compact N`): 1,024 records of about
 * 3.2 KB (a 64-scenario chunk of first-etcd-down) keep the journal under
 * 4 MB; a compaction writes one record per cell, so at 10^8 scenarios x 3
 * policies (4.7M chunks) about 4,600 compactions, each a small file and
 * two fsyncs. */
#define JOURNAL_COMPACT_EVERY 1024
/* The most chunks a journal's run may have (its header is refused
 * beyond): the reader keeps one bit per chunk (512 MB at most). */
#define JOURNAL_MAX_CHUNKS (UINT64_C(1) << 32)

struct spec;

/* What a journal belongs to: two journals of the same run (or of shards of
 * the same run) have equal headers but for the shard. */
struct journal_header {
	uint32_t format;	/* JOURNAL_FORMAT */
	char *version;		/* selsim version that wrote it */
	char *spec_file;	/* the spec's path as given (for merge and
				 * `run --resume DIR` without a spec) */
	char *digest;		/* SHA-256 (hex) of the canonical spec: the
				 * text of `validate --explain` but its first
				 * line (the path), so every default counts */
	uint64_t seed;
	uint64_t scenarios;	/* per cell */
	char *policies;		/* "k3s,k3s-legacy": in order */
	uint32_t chunk;		/* scenarios per chunk */
	uint64_t grid;		/* grid points */
	uint32_t shard;		/* this part: the chunks for which
				 * journal_chunk_shard() is shard */
	uint32_t n_shards;	/* 1 for a whole run */
	uint32_t summary;	/* 1: summary-mode statistics (stats.h;
				 * the chunks' accumulators are summaries),
				 * 0: exact */
};

/* A record read back: a chunk ('C'), or a cell's merged chunks ('S'). */
struct journal_chunk {
	uint64_t index;		/* a chunk: cell * chunks per cell + k;
				 * JOURNAL_MERGED for several */
	uint64_t cell;		/* the cell (grid point x policies +
				 * policy) its chunks are of */
	struct cell_acc acc;	/* owned */
};

#define JOURNAL_MERGED UINT64_MAX

/* A journal read back. */
struct journal {
	struct journal_header h;
	GArray *chunks;		/* struct journal_chunk, in file order;
				 * summary mode: one per cell, each cell's
				 * records merged as read (JOURNAL_MERGED
				 * when more than one) */
	guint8 *have;		/* one bit per chunk of the run (index i:
				 * have[i / 8] >> (i % 8) & 1): those in
				 * the records; owned */
	uint64_t n_have;	/* chunks in the records */
	size_t valid_len;	/* bytes up to the end of the last good
				 * record: where appending resumes */
	size_t dropped;		/* bytes of torn or corrupt tail after it */
};

/* The header for @s run with @chunk scenarios a chunk, as shard @shard of
 * @n_shards (0 of 1 for a whole run); release with
 * journal_header_release(). */
void journal_header_of_spec(const struct spec *s, uint32_t chunk,
			    uint32_t shard, uint32_t n_shards,
			    struct journal_header *h);

void journal_header_release(struct journal_header *h);

/* Chunks per cell and chunks in all of @h's run (cells = grid points x
 * policies). */
uint64_t journal_chunks_per_cell(const struct journal_header *h);
uint64_t journal_chunks_total(const struct journal_header *h);

/* The shard of chunk @index of @h's run: its grid point's chunk number
 * (point * chunks per cell + k) % n_shards, so that every policy's chunk k
 * at a point is in the same shard (summary mode pairs them). */
uint32_t journal_chunk_shard(const struct journal_header *h, uint64_t index);

/* The first field in which @a and @b differ, as "seed: 1 in the journal,
 * 2 here" (caller frees with g_free()), or NULL when they are of the same
 * run. The shard counts when @with_shard. @a is the journal's. */
char *journal_header_diff(const struct journal_header *a,
			  const struct journal_header *b, bool with_shard);

/* Whether chunk @index (< journal_chunks_total()) is in @j's records. */
static inline bool journal_has(const struct journal *j, uint64_t index)
{
	return j->have[index / 8] >> (index % 8) & 1;
}

/*
 * Reads a journal from @len bytes at @buf into @out (release with
 * journal_release()). A torn or corrupt tail is dropped (out->dropped
 * says how much). Returns false, with @error set (SIM_ERROR_INPUT, the
 * message starting with @file) and @out released, when there is no
 * complete header, the format is unknown, or a record whose checksum
 * matches is not a valid record (a chunk index out of range or seen
 * twice, an accumulator that does not decode or whose scenarios are not
 * its chunks', an 'S' record in an exact journal). Safe on any bytes: this is
 * the function the fuzzer calls.
 */
bool journal_parse(const char *file, const uint8_t *buf, size_t len,
		   struct journal *out, GError **error);

/* The same from the file @path. */
bool journal_read(const char *path, struct journal *out, GError **error);

void journal_release(struct journal *j);

/* Appends chunks to a journal file; thread-safe. */
struct journal_writer;

/* Creates @path anew with header @h (fsynced), or, when @done is not
 * NULL (the journal read back from @path, whose header must be @h's),
 * cuts it to done->valid_len bytes (the torn tail goes) to append after
 * it, and takes its records as the start of what compaction merges. In
 * summary mode (@h->summary) the journal is compacted (see the top) after
 * every @compact_every chunk records (0: never; JOURNAL_COMPACT_EVERY is
 * the default); the writer keeps one merged accumulator per cell for it.
 * NULL with @error set (SIM_ERROR_IO) on failure. */
struct journal_writer *journal_writer_open(const char *path,
					   const struct journal_header *h,
					   const struct journal *done,
					   uint64_t compact_every,
					   GError **error);

/* Appends chunk @index with @acc (borrowed), in one write, then compacts
 * when it is time (the caller waits for it). A failed write or compaction
 * is kept for journal_writer_close() and later chunks are not written:
 * the run goes on, only its resumability is lost. */
void journal_writer_add(struct journal_writer *w, uint64_t index,
			const struct cell_acc *acc);

/* Compacts now, when @w compacts at all (summary mode, compact_every >
 * 0): an MPI rank's partial then travels to rank 0 as one record per
 * cell, whatever the scenario count (rank 0 holds every partial read
 * back at once). False with the error kept for journal_writer_close(). */
bool journal_writer_compact(struct journal_writer *w);

/* Compactions so far (the tests check that they happened). */
uint64_t journal_writer_compactions(const struct journal_writer *w);

/* Fsyncs, closes and frees @w; false with @error set (SIM_ERROR_IO) when
 * any write failed. */
bool journal_writer_close(struct journal_writer *w, GError **error);

/* The CRC-32 (IEEE 802.3 / zlib polynomial, reflected) of @len bytes. */
uint32_t journal_crc32(const uint8_t *p, size_t len);

#endif
