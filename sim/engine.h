/*
 * The discrete-event engine: an event queue keyed by (time, insertion
 * sequence), timers that can be cancelled by handle, and a run loop.
 *
 * Ordering: events run in ascending time; at the same time by class
 * (sim_class: failure-timeline actions, then network results, then
 * timers), and within a class in the order they were scheduled (FIFO), so
 * every run of the same program is the same run. The classes break, on
 * purpose, the ties whose order a model's outcome may depend on; what is
 * left to FIFO must not matter (sim_set_tie_reverse() checks).
 *
 * Memory: the engine owns every event record. Records come from a pool that
 * grows to the largest number of pending events and is reused by
 * sim_reset(), so scheduling allocates nothing once the pool is warm.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "time.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim sim;

/*
 * An event handler. Called once, at the event's time, with the context and
 * argument given to sim_schedule(). It may schedule and cancel events (itself
 * included: cancelling the event being run is a harmless no-op) and may call
 * sim_stop(); it must not call sim_run(), sim_reset() or sim_free().
 */
typedef void (*sim_handler)(sim *s, void *ctx, uint64_t arg);

/*
 * A handle on a scheduled event, for sim_cancel(). SIM_TIMER_NONE is never
 * returned by sim_schedule(), so a struct field can use it for "no timer".
 * A handle stays safe to cancel after its event has run or been cancelled:
 * handles are never reused within a run.
 */
typedef uint64_t sim_timer;
#define SIM_TIMER_NONE ((sim_timer)0)

/*
 * Called before each event runs, when set: the time, the handler and its
 * arguments. Off by default; when off it costs one predictable branch.
 */
typedef void (*sim_trace_fn)(void *trace_ctx, sim_time t, sim_handler fn,
			     void *ctx, uint64_t arg);

typedef enum {
	SIM_RUN_EMPTY,		/* no event left */
	SIM_RUN_LIMIT,		/* the next event lies past the time limit */
	SIM_RUN_STOPPED,	/* a handler called sim_stop() */
} sim_run_result;

/* A new engine at time 0 with an empty queue. Free with sim_free(). */
sim *sim_new(void);

/* Frees the engine and all its events. NULL is allowed. */
void sim_free(sim *s);

/*
 * Drops every pending event and sets the time back to 0, keeping the memory
 * for the next run. Handles from before the reset must not be used again.
 */
void sim_reset(sim *s);

/* The current simulated time: that of the event being run or last run. */
sim_time sim_now(const sim *s);

/*
 * Schedules @fn(@s, @ctx, @arg) at absolute time @at. Scheduling in the past
 * (@at < sim_now()) is a SIM_BUG. @ctx is borrowed: it must outlive the event.
 */
sim_timer sim_schedule(sim *s, sim_time at, sim_handler fn, void *ctx,
		       uint64_t arg);

/* Schedules at sim_now() + @delay; @delay must be >= 0. The sum saturates
 * at SIM_TIME_MAX: an event that far off never runs before a limit. */
sim_timer sim_after(sim *s, sim_time delay, sim_handler fn, void *ctx,
		    uint64_t arg);

/*
 * The class of an event: at equal times a lower class runs first.
 * sim_schedule() and sim_after() schedule SIM_CLASS_TIMER events.
 */
typedef enum {
	SIM_CLASS_FAILURE,	/* an action of the failure timeline: the
				 * world changes first; FIFO among them,
				 * never reversed (the spec states the
				 * order) */
	SIM_CLASS_NET,		/* a network or server result (a dial
				 * outcome, an arrival, an answer, a reset) */
	SIM_CLASS_TIMER,	/* a timer: client timeouts, retries, health
				 * ticks, restarts, elections */
	SIM_N_CLASSES
} sim_class;

/* As sim_schedule() and sim_after(), in class @cls. */
sim_timer sim_schedule_class(sim *s, sim_time at, sim_class cls,
			     sim_handler fn, void *ctx, uint64_t arg);
sim_timer sim_after_class(sim *s, sim_time delay, sim_class cls,
			  sim_handler fn, void *ctx, uint64_t arg);

/*
 * Cancels a pending event. Returns true if it was pending and now will not
 * run; false if it has already run, was already cancelled, is being run now,
 * or @t is SIM_TIMER_NONE.
 */
bool sim_cancel(sim *s, sim_timer t);

/* Whether the event behind @t is still pending. */
bool sim_timer_pending(const sim *s, sim_timer t);

/*
 * Runs events in order until none is left, the next one lies after @limit
 * (it stays queued; time stops at the last event run), or a handler calls
 * sim_stop(). Pass SIM_TIME_MAX for no limit.
 */
sim_run_result sim_run(sim *s, sim_time limit);

/* Asks sim_run() to return once the current handler returns. */
void sim_stop(sim *s);

/* Events pending (scheduled and not cancelled). */
size_t sim_pending(const sim *s);

/*
 * A debugging switch (default off, kept by sim_reset()): with @reverse,
 * events of one class (NET or TIMER) scheduled for the same instant run
 * in the reverse of the order they were scheduled in (last scheduled
 * first) instead of FIFO; the classes keep their order, and failure
 * actions their FIFO (spec) order. A result that changes with it depends
 * on a tie between simultaneous events.
 */
void sim_set_tie_reverse(sim *s, bool reverse);

/* Events run since sim_new() or the last sim_reset(). */
uint64_t sim_events_run(const sim *s);

/* Sets or (with NULL) clears the trace hook. */
void sim_set_trace(sim *s, sim_trace_fn fn, void *trace_ctx);

#endif
