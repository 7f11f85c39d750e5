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
 * index, then the accumulator as cell_acc_encode() writes it).
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
#define JOURNAL_FORMAT 4		/* the layout above; 4: summary-mode
					 * failover figures (stats_failover.h) */

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

/* A chunk read back. */
struct journal_chunk {
	uint64_t index;		/* cell * chunks per cell + k */
	struct cell_acc acc;	/* owned */
};

/* A journal read back. */
struct journal {
	struct journal_header h;
	GArray *chunks;		/* struct journal_chunk, in file order */
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

/*
 * Reads a journal from @len bytes at @buf into @out (release with
 * journal_release()). A torn or corrupt tail is dropped (out->dropped
 * says how much). Returns false, with @error set (SIM_ERROR_INPUT, the
 * message starting with @file) and @out released, when there is no
 * complete header, the format is unknown, or a record whose checksum
 * matches is not a valid record (a chunk index out of range or seen
 * twice, an accumulator that does not decode). Safe on any bytes: this is
 * the function the fuzzer calls.
 */
bool journal_parse(const char *file, const uint8_t *buf, size_t len,
		   struct journal *out, GError **error);

/* The same from the file @path. */
bool journal_read(const char *path, struct journal *out, GError **error);

void journal_release(struct journal *j);

/* Appends chunks to a journal file; thread-safe. */
struct journal_writer;

/* Creates @path anew with header @h (fsynced), or, when @append_at is not
 * 0, opens the existing journal and cuts it to @append_at bytes (its
 * journal.valid_len: the torn tail goes) to append after it. NULL with
 * @error set (SIM_ERROR_IO) on failure. */
struct journal_writer *journal_writer_open(const char *path,
					   const struct journal_header *h,
					   size_t append_at, GError **error);

/* Appends chunk @index with @acc (borrowed), in one write. A failed
 * write is kept for journal_writer_close() and later chunks are not
 * written: the run goes on, only its resumability is lost. */
void journal_writer_add(struct journal_writer *w, uint64_t index,
			const struct cell_acc *acc);

/* Fsyncs, closes and frees @w; false with @error set (SIM_ERROR_IO) when
 * any write failed. */
bool journal_writer_close(struct journal_writer *w, GError **error);

/* The CRC-32 (IEEE 802.3 / zlib polynomial, reflected) of @len bytes. */
uint32_t journal_crc32(const uint8_t *p, size_t len);

#endif
