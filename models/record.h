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
	/* After Ready (world_config.failover), only while the node is
	 * counted (models/nodectl.h nodectl__counted(): no failure acts on
	 * the node itself): */
	bool fo_affected;	/* a failure cut its kubelet off: its kubelet
				 * connection was open to a server the
				 * failure stopped or made unreachable */
	bool fo_back;		/* affected, and after each such cut a kubelet
				 * request begun after it succeeded by the
				 * deadline */
	sim_time fo_back_time;	/* the longest of those, cut to success */
	sim_time fo_cut_at;	/* when its last cut began */
	uint32_t fo_notready;	/* times it became NotReady */
	sim_time fo_notready_time; /* time spent NotReady (to the run end) */
	uint32_t fo_failed_renewals; /* lease requests that failed */
	uint32_t fo_requests;	/* its held connections' requests sent
				 * after run_record.fo_at */
	uint32_t fo_dials;	/* its held connections' dials after it */
};

struct run_record {
	size_t n_nodes;
	struct node_record *nodes;	/* n_nodes, owned */
	bool success;		/* every counted node is Ready */
	sim_time end;		/* time the scenario ended */
	uint64_t events;	/* engine events run */
	bool failover;		/* world_config.failover: the fo_ fields
				 * are filled */
	bool fo_happened;	/* a failure cut some counted kubelet off */
	sim_time fo_at;		/* when, the first time */
};

#endif
