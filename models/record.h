/*
 * What one scenario run measured: the run record the world fills and the
 * statistics read. Plain data.
 */
#ifndef MODELS_RECORD_H
#define MODELS_RECORD_H

#include "sim/time.h"

#include <stdbool.h>
#include <stdint.h>

struct node_record {
	bool counted;		/* the node (re)started during the scenario:
				 * it should join again */
	bool ready;		/* counted, and Ready by the deadline */
	sim_time join_time;	/* last (re)start to Ready; when a node is
				 * restarted several times, the last one */
	uint32_t dials;		/* connection attempts (LB and direct) */
	uint32_t failed_dials;	/* of which refused or timed out */
	sim_time timeout_wait;	/* time spent in attempts that timed out */
	uint32_t requests;	/* requests that reached a server's queue */
	uint32_t fatal_restarts; /* process exits restarted by systemd */
};

struct run_record {
	size_t n_nodes;
	struct node_record *nodes;	/* n_nodes, owned */
	bool success;		/* every counted node is Ready */
	sim_time end;		/* time the scenario ended */
	uint64_t events;	/* engine events run */
};

#endif
