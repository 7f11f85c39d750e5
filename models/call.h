/*
 * Calls: the asynchronous requests and dials in flight (layer 1 of
 * models/). A call is one client's attempt: an optional LB dial pass, then
 * TLS and the request, bounded by a client timeout. Calls live in a pool
 * that this file alone touches; events carry a call as a handle (index and
 * generation, call__arg()), so an event that outlives its call finds NULL.
 * A call's address stays put while it is in use, even when callbacks start
 * new calls.
 *
 * Owns: the pool and every call's storage. The fields of struct call are
 * written by client.c (and server.c while the call is at a server).
 * Calls: frame.h only.
 */
#ifndef MODELS_CALL_H
#define MODELS_CALL_H

#include "frame.h"

struct call;

/* Called when a call ends, unless its client restarted since. */
typedef void (*call_done_fn)(struct world *w, struct call *c, result r);

struct call {
	uint32_t index;		/* in the pool */
	uint32_t gen;		/* bumped when freed: stale events see it */
	bool in_use;
	result res;		/* the outcome its pending event delivers */
	int node;		/* the client */
	uint32_t inc;		/* the client's incarnation at the start */
	int lb;			/* lb_kind, or -1 for a direct dial */
	int server;		/* the server being dialed or asked: an LB
				 * entry's id (an alias id for a named
				 * --server, frame.h) */
	int host;		/* the node it reaches: frame__host(server) */
	endpoint ep;		/* EP_N: a plain dial */
	port port;
	struct lb_pass pass;	/* the LB's cursor */
	sim_time started;
	sim_time dial_started;	/* the current dial */
	sim_time rtt;		/* of the current connection */
	sim_time waited;	/* dial timeouts already counted as waiting */
	sim_time sent;		/* when the request left (connection made) */
	sim_time service;	/* its service time at the server */
	int queue;		/* requests waiting there when it was served */
	int passes;		/* dial passes that failed */
	sim_time pass_started;	/* when the current pass began */
	int pass_dials;		/* dials in the current pass */
	uint32_t partner;	/* hedging: the other call of the pair, by
				 * index, and its generation (0: none) */
	uint32_t partner_gen;
	sim_timer hedge_timer;	/* when to send the hedge */
	sim_time timeout;	/* client timeout; 0 for none */
	sim_time request_timeout; /* a blocking connect (connecting): the
				 * timeout armed once connected, while
				 * timeout bounds the connect */
	bool connecting;	/* a blocking connect not yet done */
	sim_timer client_timer;
	sim_timer dial_timer;	/* a pending dial outcome */
	bool abandoned;		/* the client gave up; dialing goes on to
				 * report outcomes (K3s ignores the context) */
	bool connected;		/* counted as an open LB connection */
	bool quiet;		/* a health checker's: not in the run record */
	bool at_server;		/* queued or in service at the server */
	uint32_t srv_inc;	/* the server's incarnation when it took it */
	call_done_fn done;
	uint64_t tag;		/* the caller's */
};

void call__pool_init(struct world *w);
void call__pool_release(struct world *w);
/* Frees every call (the end of a run); the pool keeps its storage. */
void call__pool_reset(struct world *w);

/* A new call from @node, whose incarnation is @inc, started now. */
struct call *call__new(struct world *w, int node, uint32_t inc,
		      call_done_fn done, uint64_t tag);
/* Frees @c and cancels its client timer; its handles go stale. */
void call__free(struct world *w, struct call *c);

static inline uint64_t call__arg(const struct call *c)
{
	return ((uint64_t)c->gen << 32) | c->index;
}

/* The pool. Touched by call.c only; its handles are resolved inline
 * below (on every event of a call). */
struct call_pool {
	GPtrArray *all;		/* struct call *, owned: addresses stay put */
	GArray *free;		/* uint32 indices, the last reused first */
};

/* The call of a handle, or NULL when it has ended since. */
static inline struct call *call__from_arg(struct world *w, uint64_t arg)
{
	uint32_t i = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
	struct call *c;

	SIM_ASSERT(i < w->calls->all->len);
	c = g_ptr_array_index(w->calls->all, i);
	return c->in_use && c->gen == gen ? c : NULL;
}
/* The call at @index, which must still be generation @gen. */
struct call *call__get(struct world *w, uint32_t index, uint32_t gen);
/* The other call of a hedged pair, or NULL. */
static inline struct call *call__partner(struct world *w, const struct call *c)
{
	struct call *p;

	if (!c->partner_gen)
		return NULL;
	p = g_ptr_array_index(w->calls->all, c->partner);
	return p->in_use && p->gen == c->partner_gen ? p : NULL;
}
/* Iterates the calls in use in pool order: start with *i = 0; NULL at
 * the end. */
struct call *call__next_in_use(struct world *w, uint32_t *i);

#endif
