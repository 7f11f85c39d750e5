/* `selsim bench`: speed of the engine against a bare baseline heap. */
#ifndef EXPERIMENTS_BENCH_H
#define EXPERIMENTS_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bench_result {
	size_t pending;			/* events pending during the hold */
	uint64_t events;		/* hold operations timed */
	double engine_events_per_s;
	double baseline_events_per_s;
};

/*
 * The classic hold model: @pending events are queued at Exp(1) s apart;
 * each step pops the earliest and pushes it again at t + Exp(1) s. Times
 * the engine (sim_run with a handler that reschedules itself) and a bare
 * 4-ary heap of (int64 time, uint64 seq) keys on the same increments, and
 * keeps the better of @repeats runs of each.
 */
void bench_hold(size_t pending, uint64_t events, int repeats,
		struct bench_result *out);

/* The `selsim bench` command; returns the exit code. */
int bench_main(int argc, char **argv);

#endif
