/*
 * Write contention under optimistic concurrency: the model of the AWS
 * Architecture Blog study "Exponential Backoff And Jitter" (Marc Brooker,
 * 2015), as its simulator (aws-samples/aws-arch-backoff-simulator,
 * src/backoff_simulator.py) runs it.
 *
 * One server holds one row with a version number, starting at 0. Each of
 * @clients clients needs one successful write, then stops. A client
 * reads the row's version, then writes with that version; the write
 * succeeds only if the version is unchanged, and each successful write
 * bumps it. After a failed write the client waits its backoff, then reads
 * again. The server takes no time.
 *
 * A "message" is one one-way network hop, client to server or server to
 * client, and each takes its own |Normal(net_mean, net_sd)| draw (the
 * study: |N(10 ms, 2 ms)|). So a read or a write is a round trip of two
 * draws, about 20 ms, and one attempt (read, then write) four, about
 * 40 ms. Precisely, as in the study's simulator, with d a fresh draw:
 *   - at time 0 every client sends a read: it reaches the server at d;
 *   - the server reads the version v; the reply reaches the client d later
 *     and the client sends its write with v at once, which reaches the
 *     server d later again;
 *   - the server counts a call; if the version is still v it bumps it and
 *     the success reaches the client d later (a completion); otherwise
 *     the failure reaches the client d later, the client draws its
 *     backoff b and sends a read that reaches the server d + b later.
 *
 * The backoff is struct backoff from policies/backoff.h, one per client,
 * never reset (a client stops at its first success). The study ran base
 * 5 ms, cap 2000 ms, and its retry counter is 1 at the first retry:
 * contention_cfg_init() sets first_attempt = 1 to match.
 *
 * Randomness (see sim/rng.h): client i's network draws come from stream
 * (seed, run, SIM_RNG_LATENCY, i) and its backoff draws from (seed, run,
 * SIM_RNG_POLICY, i), so every backoff kind faces the same network draws
 * in the same order per client (common random numbers), and a run
 * depends on (cfg) alone. The study's simulator shares one Python
 * generator among all clients; the distributions are the same.
 */
#ifndef MODELS_CONTENTION_H
#define MODELS_CONTENTION_H

#include "policies/backoff.h"
#include "sim/time.h"

#include <glib.h>
#include <stdint.h>

/* One run's parameters. Plain data: copy it freely. */
struct contention_cfg {
	int clients;			/* contending clients, >= 1 */
	struct backoff_cfg backoff;	/* each client's retry backoff */
	sim_time net_mean;		/* one hop: |N(net_mean, net_sd)|, >= 0 */
	sim_time net_sd;		/* >= 0 */
	uint64_t seed;			/* experiment seed */
	uint64_t run;			/* run index: the rng scenario */
};

/* What one run measured. */
struct contention_result {
	uint64_t calls;		/* writes that reached the server (the
				 * study's "calls", its measure of work);
				 * >= clients */
	uint64_t failures;	/* writes refused: calls - clients */
	sim_time last_done;	/* when the last client learnt of its
				 * success (the study's "time") */
	uint64_t events;	/* engine events run (for cost checks) */
};

/*
 * Sets @cfg to the study's setup for @kind (a valid backoff kind:
 * checked): @clients clients, |N(10 ms, 2 ms)| per hop, base 5 ms, cap
 * 2000 ms, first_attempt 1, seed and run 0.
 */
void contention_cfg_init(struct contention_cfg *cfg, backoff_kind kind,
			 int clients);

/*
 * Checks @cfg: clients >= 1, net_mean and net_sd >= 0, a backoff that
 * passes backoff_cfg_check(). Returns FALSE and sets @error (may be NULL)
 * with an input error naming the field and the value otherwise.
 */
gboolean contention_cfg_check(const struct contention_cfg *cfg,
			      GError **error);

/*
 * Runs one simulation of @cfg (borrowed) until every client has
 * succeeded, and fills @res. Returns FALSE, with @error set as by
 * contention_cfg_check() and @res untouched, for a bad @cfg. Every
 * client eventually succeeds (each write that reaches an unchanged
 * version does), so a run always ends. Allocates per run (the engine,
 * two GSL generators per client) and frees it all before returning.
 */
gboolean contention_run(const struct contention_cfg *cfg,
			struct contention_result *res, GError **error);

#endif
