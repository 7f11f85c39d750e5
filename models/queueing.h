/*
 * A request workload for validating the engine and the policies against
 * queueing theory: one client sends requests, Poisson arrivals at rate
 * lambda, to N servers; each server is a FIFO queue with c identical
 * workers and a service-time distribution. For each request a load
 * balancer built from a policy's ops picks the server (the first server
 * of a dial pass); the server is told of the request at dispatch
 * (conn_open) and at completion (conn_close, then observe()).
 *
 * Response time is the time in system: arrival to completion, waiting
 * plus service. A warm-up found from the data (MSER-5, models/batch_means.h)
 * is discarded; the rest give the mean, quantiles and a batch-means
 * confidence interval of the mean, batches long enough that their means
 * are uncorrelated (batch_means.h says how).
 *
 * Randomness (sim/rng.h), common to every policy for the same seed:
 * interarrival times come from (seed, 0, SIM_RNG_SCENARIO, 0), service
 * times from (seed, 0, SIM_RNG_SERVICE, 0), drawn in arrival order so that
 * request i gets the same service time whatever server serves it, and the
 * LB's own stream is (seed, 0, SIM_RNG_POLICY, 0). Exponential times are
 * dist_exponential_time()'s -mean ln(1 - U) (models/dist.h), drawn 256
 * ahead per stream (the same values in the same order).
 *
 * What it costs: each request's response time is kept for the whole run,
 * 8 bytes a request, so that quantiles are exact; a request's other
 * records (arrival, service, FIFO link) live in a pool of slots as large
 * as the most requests in the system at once. No allocation happens per
 * event once the pool has grown. The quantiles take a histogram of 2^16
 * buckets (576 KiB) and the values of the few buckets they fall in.
 */
#ifndef MODELS_QUEUEING_H
#define MODELS_QUEUEING_H

#include "dist.h"
#include "policies/policy.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* The fewest requests a run takes: 2 x 20 batches of at least 5. */
#define QUEUEING_MIN_REQUESTS 200

struct queueing_cfg {
	int servers;		/* N, 1 .. LB_MAX_SERVERS */
	int workers;		/* c per server, >= 1 */
	double lambda;		/* arrival rate, requests per second, > 0 */
	struct dist service;	/* service time in seconds; borrowed */
	uint64_t requests;	/* arrivals in all, warm-up included;
				 * >= QUEUEING_MIN_REQUESTS */
	uint64_t seed;		/* experiment seed for every stream */
	const struct policy_ops *ops;	/* picks the server; borrowed. Its
					 * own parameters are the defaults
					 * but for own_name */
	const char *own_name;	/* an own parameter to set ("choice_count"),
				 * or NULL; borrowed */
	double own_value;	/* ... to this value, within its range */
};

struct queueing_result {
	uint64_t kept;		/* requests measured (after the warm-up) */
	uint64_t warmup;	/* requests dropped first (MSER-5) */
	double mean;		/* mean response time, seconds */
	double half_width;	/* 95% CI half-width of the mean: batch
				 * means, Student t with batches - 1 d.o.f.
				 * (models/batch_means.h) */
	uint64_t batches;	/* batches of the interval */
	uint64_t batch_size;	/* requests per batch */
	double lag1;		/* lag-1 autocorrelation of the batch
				 * means */
	bool uncorrelated;	/* the batch means passed the lag-1 test;
				 * false: too few requests for an honest
				 * interval */
	double p50, p90, p99;	/* response-time quantiles, seconds */
	double utilisation;	/* busy worker time / (N c makespan), all
				 * requests, warm-up included */
	uint64_t events;	/* engine events run */
};

/*
 * Runs the workload of @cfg to completion (every request served) and fills
 * @out. Returns FALSE with @error set (SIM_ERROR) for an invalid @cfg: the
 * message names the field and quotes the value; @out is then untouched.
 * Deterministic: the same @cfg gives the same @out. Thread-safe: runs share
 * nothing.
 */
gboolean queueing_run(const struct queueing_cfg *cfg,
		      struct queueing_result *out, GError **error);

#endif
