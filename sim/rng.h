/*
 * Random-number streams. Every draw in selsim comes from a GSL generator
 * whose seed is derived from (experiment seed, scenario index, purpose,
 * entity id) through a 64-bit integer mixer, so each stream depends on
 * those four values alone: adding a stream, an entity or a policy never
 * shifts another stream's draws, and every policy faces the same scenario.
 *
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * Tausworthe, period 2^88): three words of state, so seeding a stream per
 * entity per scenario is cheap. What it costs: GSL seeds it from 32 bits,
 * so two of the streams of a large experiment can coincide (about one pair
 * among 2^16 streams); a coincidence couples two draws' sequences, it does
 * not bias any one of them.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Stream purposes. Append new ones at the end: the values are part of the
 * derivation, and renumbering would change every result. */
typedef enum {
	SIM_RNG_BENCH = 1,	/* benchmarks */
	SIM_RNG_LATENCY,	/* link round-trip times */
	SIM_RNG_SERVICE,	/* server service times */
	SIM_RNG_FAILURE,	/* failure timeline draws */
	SIM_RNG_SCENARIO,	/* random scenario generation */
	SIM_RNG_POLICY,		/* a policy's own randomness (shuffles, jitter) */
	SIM_RNG_LOSS,		/* packet loss */
	SIM_RNG_ELECTION,	/* etcd election timeouts */
	SIM_RNG_JOIN,		/* join-flow jitter (retry intervals) */
	SIM_RNG_TEST,		/* tests */
	SIM_RNG_STATS,		/* bootstrap resampling */
	SIM_RNG_ENDPOINTS,	/* apiserver endpoint reconciler phases */
	SIM_RNG_APIETCD,	/* control-plane etcd LB phases (failover) */
} sim_rng_purpose;

/* splitmix64's finaliser: a bijective mixer of 64-bit integers. */
uint64_t sim_mix64(uint64_t x);

/* The 64-bit key of a stream. */
uint64_t sim_rng_key(uint64_t seed, uint64_t scenario, uint32_t purpose,
		     uint64_t entity);

/* A new generator for the stream. Caller frees with gsl_rng_free(). */
gsl_rng *sim_rng_new(uint64_t seed, uint64_t scenario, uint32_t purpose,
		     uint64_t entity);

/* Re-seeds @r (any GSL type) for the stream: no allocation. */
void sim_rng_seed(gsl_rng *r, uint64_t seed, uint64_t scenario,
		  uint32_t purpose, uint64_t entity);

#endif
