/*
 * The event queue is an implicit 4-ary min-heap of 16-byte entries
 * (time, key), where key = (class << CLASS_SHIFT) | (insertion sequence <<
 * SLOT_BITS) | pool slot. Comparing keys compares classes, then sequence
 * numbers (they are unique), so the heap order is (time, class,
 * sequence): FIFO within a class at equal times. The entry carries the
 * pool slot that holds the event's handler and arguments.
 *
 * Cancellation is lazy: sim_cancel() frees the pool slot at once and leaves
 * the heap entry behind; an entry whose key no longer matches its slot's key
 * is stale and is dropped when it reaches the top. This keeps heap entries as
 * small as a bare heap's and sifting free of back-pointer updates. What it
 * costs: stale entries occupy the heap until their time comes, so when they
 * outnumber the live ones (and there are more than STALE_MIN of them), the
 * heap is rebuilt without them in O(n).
 *
 * The running event's entry stays at the root while its handler runs; the
 * first event the handler schedules replaces it in one sift-down (Python's
 * heapreplace) instead of a pop and a push. Most handlers schedule a
 * successor, so this halves the sifting of a typical event. A handler that
 * schedules nothing has its entry popped when it returns.
 */
#include "engine.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define MAX_SLOTS (UINT32_C(1) << SLOT_BITS)
#define CLASS_BITS 2
#define CLASS_SHIFT (64 - CLASS_BITS)
/* 2^38 - 1 sequence numbers per run */
#define SEQ_MAX (UINT64_MAX >> (SLOT_BITS + CLASS_BITS))
#define STALE_MIN 1024
#define NO_SLOT UINT32_MAX

#if defined(__GNUC__) || defined(__clang__)
#define SIM_PREFETCH(p) __builtin_prefetch(p)
#else
#define SIM_PREFETCH(p) ((void)(p))
#endif

struct entry {
	sim_time time;
	uint64_t key;		/* sequence << SLOT_BITS | slot */
};

struct event {
	uint64_t key;		/* key of the heap entry; 0 when the slot is free */
	sim_handler fn;
	void *ctx;
	uint64_t arg;		/* the handler's argument; next free slot when free */
};

struct sim {
	struct entry *heap;	/* the queue, heap[0] earliest */
	struct entry *heap_mem;	/* its allocation: heap == heap_mem + 3 */
	size_t n;		/* entries in the heap, stale ones included */
	size_t cap;		/* entries allocated */
	struct event *pool;	/* event records, indexed by slot, 32-byte aligned */
	uint32_t pool_n;	/* slots ever used */
	uint32_t pool_cap;	/* slots allocated */
	uint32_t free_head;	/* first free slot, NO_SLOT if none */
	size_t live;		/* pending events (not cancelled) */
	uint64_t seq;		/* last sequence number given */
	bool tie_reverse;	/* equal times: last scheduled first */
	sim_time now;
	uint64_t events_run;
	bool stop;
	bool root_done;		/* heap[0] is the running event's entry */
	sim_trace_fn trace;
	void *trace_ctx;
};

/*
 * Cache-line alignment. The four children of heap[i] are heap[4i+1..4i+4]:
 * with heap[1] on a 64-byte boundary they share one line, so each level of
 * a sift touches one line instead of two. The pool is aligned so that no
 * 32-byte record straddles two lines.
 */
#define LINE 64

static void *alloc_lines(size_t bytes)
{
	void *p = NULL;

	if (posix_memalign(&p, LINE, bytes ? bytes : LINE) != 0)
		g_error("out of memory (%zu bytes)", bytes);
	return p;
}

/* Grows an aligned array from @old_n to @new_n elements of @size bytes. */
static void *grow_lines(void *old, size_t old_n, size_t new_n, size_t size)
{
	void *p = alloc_lines(new_n * size);

	if (old)
		memcpy(p, old, old_n * size);
	free(old);
	return p;
}

/*
 * The order as one 128-bit number: time (never negative) above key. One
 * compare, no branch: the outcome of a heap comparison is unpredictable,
 * and a mispredicted branch costs more than the whole comparison.
 */
typedef unsigned __int128 order;

static inline order order_of(const struct entry *e)
{
	return ((order)(uint64_t)e->time << 64) | e->key;
}

static inline bool before(const struct entry *a, const struct entry *b)
{
	return order_of(a) < order_of(b);
}

static inline void sift_up(struct entry *h, size_t i, struct entry e)
{
	while (i > 0) {
		size_t p = (i - 1) / 4;

		if (!before(&e, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

static inline void sift_down(struct entry *h, size_t n, size_t i,
			     struct entry e)
{
	order eo = order_of(&e);

	for (;;) {
		size_t c = 4 * i + 1, m, end;
		order mo;

		if (c >= n)
			break;
		if (c + 4 <= n) {	/* four children: a tournament */
			order o0 = order_of(&h[c]), o1 = order_of(&h[c + 1]);
			order o2 = order_of(&h[c + 2]), o3 = order_of(&h[c + 3]);
			size_t a = o1 < o0 ? c + 1 : c;
			size_t b = o3 < o2 ? c + 3 : c + 2;
			order ao = o1 < o0 ? o1 : o0;
			order bo = o3 < o2 ? o3 : o2;

			m = bo < ao ? b : a;
			mo = bo < ao ? bo : ao;
		} else {
			end = n;
			m = c;
			mo = order_of(&h[c]);
			for (c++; c < end; c++) {
				order co = order_of(&h[c]);

				m = co < mo ? c : m;
				mo = co < mo ? co : mo;
			}
		}
		if (!(mo < eo))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = e;
}

static inline void pop_top(sim *s)
{
	if (--s->n > 0)
		sift_down(s->heap, s->n, 0, s->heap[s->n]);
}

static inline void free_slot(sim *s, uint32_t slot)
{
	struct event *ev = &s->pool[slot];

	ev->key = 0;
	ev->arg = s->free_head;
	s->free_head = slot;
	s->live--;
}

static inline bool is_stale(const sim *s, const struct entry *e)
{
	return s->pool[e->key & SLOT_MASK].key != e->key;
}

/* Drops stale entries and restores the heap order (Floyd's heapify). */
static void compact(sim *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (!is_stale(s, &s->heap[i]))
			s->heap[k++] = s->heap[i];
	s->n = k;
	for (i = k / 4 + 1; i-- > 0;)
		sift_down(s->heap, s->n, i, s->heap[i]);
}

sim *sim_new(void)
{
	sim *s = g_new0(sim, 1);

	s->free_head = NO_SLOT;
	return s;
}

void sim_free(sim *s)
{
	if (!s)
		return;
	free(s->heap_mem);
	free(s->pool);
	g_free(s);
}

void sim_reset(sim *s)
{
	s->n = 0;
	s->pool_n = 0;
	s->free_head = NO_SLOT;
	s->live = 0;
	s->seq = 0;
	s->now = 0;
	s->events_run = 0;
	s->stop = false;
	s->root_done = false;
}

void sim_set_tie_reverse(sim *s, bool reverse)
{
	s->tie_reverse = reverse;
}

sim_time sim_now(const sim *s)
{
	return s->now;
}

static uint32_t alloc_slot(sim *s)
{
	uint32_t slot = s->free_head;

	if (slot != NO_SLOT) {
		s->free_head = (uint32_t)s->pool[slot].arg;
		return slot;
	}
	if (s->pool_n == s->pool_cap) {
		if (s->pool_cap == MAX_SLOTS)
			SIM_BUG("more than %" G_GUINT32_FORMAT
				" events pending", MAX_SLOTS);
		uint32_t cap = s->pool_cap ? s->pool_cap * 2 : 256;

		s->pool = grow_lines(s->pool, s->pool_n, cap, sizeof(*s->pool));
		s->pool_cap = cap;
	}
	return s->pool_n++;
}

static inline sim_timer schedule(sim *s, sim_time at, sim_class cls,
				 sim_handler fn, void *ctx, uint64_t arg)
{
	uint64_t seq;

	struct entry e;
	struct event *ev;
	uint32_t slot;

	if (G_UNLIKELY(at < s->now))
		SIM_BUG("event scheduled in the past (at %" G_GINT64_FORMAT
			"ns, now %" G_GINT64_FORMAT "ns)", at, s->now);
	if (G_UNLIKELY(s->seq == SEQ_MAX))
		SIM_BUG("event sequence numbers exhausted");
	if (G_UNLIKELY(!s->root_done && s->n == s->cap)) {
		if (s->n - s->live > STALE_MIN && s->n - s->live >= s->live) {
			compact(s);
		} else {
			size_t cap = s->cap ? s->cap * 2 : 256;

			s->heap_mem = grow_lines(s->heap_mem, s->n + 3, cap + 3,
						 sizeof(struct entry));
			s->heap = s->heap_mem + 3;
			s->cap = cap;
		}
	}
	slot = alloc_slot(s);
	e.time = at;
	++s->seq;
	/* the debugging switch: at equal times, the reverse of FIFO within
	 * a class, failure actions aside (keys stay unique and non-zero:
	 * seq < SEQ_MAX) */
	seq = s->tie_reverse && cls != SIM_CLASS_FAILURE ? SEQ_MAX - s->seq
							 : s->seq;
	e.key = ((uint64_t)cls << CLASS_SHIFT) | (seq << SLOT_BITS) | slot;
	ev = &s->pool[slot];
	ev->key = e.key;
	ev->fn = fn;
	ev->ctx = ctx;
	ev->arg = arg;
	s->live++;
	if (s->root_done) {
		s->root_done = false;
		sift_down(s->heap, s->n, 0, e);
		return e.key;
	}
	sift_up(s->heap, s->n++, e);
	return e.key;
}

sim_timer sim_schedule(sim *s, sim_time at, sim_handler fn, void *ctx,
		       uint64_t arg)
{
	return schedule(s, at, SIM_CLASS_TIMER, fn, ctx, arg);
}

sim_timer sim_after(sim *s, sim_time delay, sim_handler fn, void *ctx,
		    uint64_t arg)
{
	if (G_UNLIKELY(delay < 0))
		SIM_BUG("negative delay %" G_GINT64_FORMAT "ns", delay);
	return schedule(s, sim_time_add(s->now, delay), SIM_CLASS_TIMER, fn,
			ctx, arg);
}

sim_timer sim_schedule_class(sim *s, sim_time at, sim_class cls,
			     sim_handler fn, void *ctx, uint64_t arg)
{
	SIM_ASSERT(cls >= 0 && cls < SIM_N_CLASSES);
	return schedule(s, at, cls, fn, ctx, arg);
}

sim_timer sim_after_class(sim *s, sim_time delay, sim_class cls,
			  sim_handler fn, void *ctx, uint64_t arg)
{
	if (G_UNLIKELY(delay < 0))
		SIM_BUG("negative delay %" G_GINT64_FORMAT "ns", delay);
	SIM_ASSERT(cls >= 0 && cls < SIM_N_CLASSES);
	return schedule(s, sim_time_add(s->now, delay), cls, fn, ctx, arg);
}

bool sim_timer_pending(const sim *s, sim_timer t)
{
	uint64_t slot = t & SLOT_MASK;

	return t != SIM_TIMER_NONE && slot < s->pool_n &&
	       s->pool[slot].key == t;
}

bool sim_cancel(sim *s, sim_timer t)
{
	if (!sim_timer_pending(s, t))
		return false;
	free_slot(s, (uint32_t)(t & SLOT_MASK));
	return true;
}

sim_run_result sim_run(sim *s, sim_time limit)
{
	while (s->n > 0) {
		struct entry top = s->heap[0];
		uint32_t slot = (uint32_t)(top.key & SLOT_MASK);
		struct event *ev = &s->pool[slot];
		sim_handler fn;
		void *ctx;
		uint64_t arg;

		if (ev->key != top.key) {	/* cancelled */
			pop_top(s);
			continue;
		}
		if (top.time > limit)
			return SIM_RUN_LIMIT;
		fn = ev->fn;
		ctx = ev->ctx;
		arg = ev->arg;
		free_slot(s, slot);	/* before the call: self-cancel is a no-op */
		s->root_done = true;
		s->now = top.time;
		s->events_run++;
		/*
		 * Past a few thousand pending events the next event's record
		 * is rarely in cache. Unless this handler schedules an earlier
		 * one, the next event is the root's earliest child: start
		 * fetching its record now, so that the fetch overlaps the
		 * handler. (Written inline: GCC deems a helper that only
		 * prefetches pure, and deletes the call.)
		 */
		if (s->n >= 5) {
			const struct entry *h = s->heap;
			size_t a = before(&h[2], &h[1]) ? 2 : 1;
			size_t b = before(&h[4], &h[3]) ? 4 : 3;

			SIM_PREFETCH(&s->pool[h[before(&h[b], &h[a]) ? b : a].key &
					      SLOT_MASK]);
		}
		if (G_UNLIKELY(s->trace != NULL))
			s->trace(s->trace_ctx, top.time, fn, ctx, arg);
		fn(s, ctx, arg);
		if (s->root_done) {	/* it scheduled nothing */
			s->root_done = false;
			pop_top(s);
		}
		if (G_UNLIKELY(s->stop)) {
			s->stop = false;
			return SIM_RUN_STOPPED;
		}
	}
	return SIM_RUN_EMPTY;
}

void sim_stop(sim *s)
{
	s->stop = true;
}

size_t sim_pending(const sim *s)
{
	return s->live;
}

uint64_t sim_events_run(const sim *s)
{
	return s->events_run;
}

void sim_set_trace(sim *s, sim_trace_fn fn, void *trace_ctx)
{
	s->trace = fn;
	s->trace_ctx = trace_ctx;
}
