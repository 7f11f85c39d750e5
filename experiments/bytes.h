/*
 * Little-endian integers into and out of byte buffers: the one encoding of
 * the journal (journal.h) and of the accumulators it holds
 * (cell_acc_encode()). Writers append to a GByteArray; readers take a
 * struct bytes_in and fail (return false, leave the value alone) instead
 * of reading past its end, so a truncated or hostile buffer is an error,
 * never an overrun. Doubles and floats travel as their IEEE bits: they
 * come back bit for bit.
 */
#ifndef EXPERIMENTS_BYTES_H
#define EXPERIMENTS_BYTES_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bytes_in {
	const uint8_t *p;	/* borrowed */
	size_t len;		/* bytes in p */
	size_t pos;		/* next byte to read */
};

static inline void bytes_put_u64(GByteArray *b, uint64_t v)
{
	uint8_t x[8];
	int i;

	for (i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	g_byte_array_append(b, x, 8);
}

static inline void bytes_put_u32(GByteArray *b, uint32_t v)
{
	uint8_t x[4];
	int i;

	for (i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	g_byte_array_append(b, x, 4);
}

static inline void bytes_put_double(GByteArray *b, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	bytes_put_u64(b, v);
}

/* A string: its length (u32), then its bytes, no terminator. */
static inline void bytes_put_str(GByteArray *b, const char *s)
{
	size_t n = strlen(s);

	bytes_put_u32(b, (uint32_t)n);
	g_byte_array_append(b, (const guint8 *)s, (guint)n);
}

static inline size_t bytes_left(const struct bytes_in *in)
{
	return in->len - in->pos;
}

static inline bool bytes_get_u64(struct bytes_in *in, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	if (bytes_left(in) < 8)
		return false;
	for (i = 0; i < 8; i++)
		x |= (uint64_t)in->p[in->pos + (size_t)i] << (8 * i);
	in->pos += 8;
	*v = x;
	return true;
}

static inline bool bytes_get_u32(struct bytes_in *in, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	if (bytes_left(in) < 4)
		return false;
	for (i = 0; i < 4; i++)
		x |= (uint32_t)in->p[in->pos + (size_t)i] << (8 * i);
	in->pos += 4;
	*v = x;
	return true;
}

static inline bool bytes_get_double(struct bytes_in *in, double *d)
{
	uint64_t v;

	if (!bytes_get_u64(in, &v))
		return false;
	memcpy(d, &v, sizeof(v));
	return true;
}

/* A string of at most @max bytes with no NUL in it; caller frees with
 * g_free(). */
static inline bool bytes_get_str(struct bytes_in *in, size_t max, char **s)
{
	uint32_t n;

	if (!bytes_get_u32(in, &n) || n > max || bytes_left(in) < n ||
	    memchr(in->p + in->pos, 0, n))
		return false;
	*s = g_strndup((const char *)in->p + in->pos, n);
	in->pos += n;
	return true;
}

#endif
