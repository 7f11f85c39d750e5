/*
 * The failure timeline (layer 9 of models/): the scenario's failures, fixed
 * and drawn, played as engine events: stops, starts, restarts, host
 * crashes, rolling restarts, AZ outages, partitions, slow servers and SYN
 * loss, each with its optional duration.
 *
 * Joins are counted from the (re)starts the timeline makes: a node should
 * join again when the timeline starts or restarts it, and its join time
 * runs from that moment to Ready, systemd restarts after fatal errors
 * included. The run stops once no counted join is open and no action that
 * could start one is due.
 *
 * The timeline's random draws (durations, rolling-restart intervals, the
 * random failures) are made up front from the failure and scenario streams
 * of (seed, scenario), so every policy faces the same timeline.
 *
 * Owns: the timeline (its slots, drawn failures, durations, intervals),
 * the overlap counts of failures in force, which joins are counted and
 * open, the rolling restarts waiting for Ready, the pending actions.
 * Changes hosts, reachability, loss and slowness through their owners and
 * then tells the others with frame__notify(CHANGE_HOST / CHANGE_REACH).
 * Calls: frame.h, net.h, node.h, server.h.
 */
#ifndef MODELS_TIMELINE_H
#define MODELS_TIMELINE_H

#include "frame.h"

/* Timeline slots a world of @cfg may use in a run (fixed failures plus
 * room for the drawn ones). */
size_t timeline__max_slots(const struct world_config *cfg);
/* Needs net__init() first (partition sides of the fixed failures). */
void timeline__init(struct world *w);
void timeline__release(struct world *w);

/* A run starts: seeds the streams from (@seed, @scenario), draws the
 * timeline and forgets the last run's counts. Returns the slots in use. */
size_t timeline__draw(struct world *w, uint64_t seed, uint64_t scenario);
/* Schedules every failure; returns whether anything is due that can
 * start a join (else there is nothing to run). */
bool timeline__start(struct world *w);
/* @node is Ready: its counted join ends, a rolling restart that waits
 * for it goes on, and the run may stop. */
void timeline__ready(struct world *w, int node);

#endif
