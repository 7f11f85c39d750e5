/*
 * Outlier ejection (Envoy's outlier detection, consecutive-failure kind),
 * a component that any policy can have: the model wraps it around
 * dial_next(), skipping ejected servers, and reports every dial's outcome
 * to it. Settings: struct outlier_cfg (policy.h), Envoy's defaults.
 *
 * The rule, as Envoy's source/common/upstream/outlier_detection_impl.cc
 * reads (v1.31 and later, with always_eject_one_host false, its default):
 *
 *  - Each server counts its consecutive failed dials; a connected dial
 *    sets the count to 0. When the count reaches `consecutive` and the
 *    server is not ejected, an ejection is tried and the count goes back
 *    to 0 whether or not it succeeds (onConsecutiveErrorWorker()).
 *  - An ejection is refused when it would leave more than max_percent of
 *    the servers known ejected: 100 * (ejected + 1) / servers must be at
 *    most max_percent (ejectHost()). So the cap rounds down: at the
 *    default 10%, a list of fewer than 10 servers ejects nobody. (Envoy
 *    before v1.31 tested 100 * ejected / servers < max_percent, which
 *    always allowed one ejection when max_percent > 0; v1.31 made that
 *    the opt-in always_eject_one_host, not modelled here.)
 *  - An ejected server stays out for min(base_ejection x backoff,
 *    max_ejection_time) (checkHostForUneject()), where its multiplier
 *    backoff goes up by one at each ejection while backoff x base <
 *    max + base (ejectHost(), :515-518), so it stops at 11 with the
 *    defaults; at every tick, a server not ejected, un-ejected at least
 *    `interval` ago, has backoff stepped down by one (onIntervalTimer(),
 *    :765-776). max_ejection_time defaults to 300 s (10 x base). Envoy
 *    rejects a max below base; here it counts as base. No jitter.
 *  - When the servers not ejected are below the policy's panic
 *    threshold (Envoy's healthy_panic_threshold, 50 by default, with
 *    the overprovisioning factor 140: outlier_in_panic()), the model
 *    ignores ejection: ejected hosts count as unhealthy towards panic.
 *  - Ejections are reviewed on a timer every `interval`, started at
 *    outlier_init(): an ejection ends at the first tick at least its
 *    length after it began (checkHostForUneject()), never between ticks.
 *    Un-ejection sets the failure count to 0. The timer is lazy here:
 *    every call first applies the ticks up to sim_now(), a tick at the
 *    very time of a call included (the tick runs first).
 *  - Only dials are seen: Envoy's un-ejection on a passed active health
 *    check (successful_active_health_check_uneject_host) is not modelled.
 *
 * With cfg.enabled false nothing is ever ejected and every call is cheap.
 * The struct is plain data with no allocation; outlier_release() is there
 * for the lifecycle.
 */
#ifndef POLICIES_OUTLIER_H
#define POLICIES_OUTLIER_H

#include "addr_list.h"
#include "policy.h"
#include "sim/engine.h"
#include "sim/time.h"

#include <stdbool.h>
#include <stddef.h>

/* One server's detector state (Envoy's DetectorHostMonitor). */
struct outlier_server {
	int failures;		/* consecutive failed dials */
	int times_ejected;	/* ejections so far (a statistic) */
	int backoff;		/* the ejection multiplier (Envoy's
				 * ejectTimeBackoff) */
	bool ejected;		/* out of the rotation now */
	bool unejected_once;	/* last_uneject is set */
	sim_time until;		/* the tick its ejection ends at */
	sim_time last_uneject;	/* the tick it was last let back */
};

struct outlier {
	struct outlier_cfg cfg;	/* a copy */
	sim *sim;		/* borrowed: for sim_now() */
	sim_time start;		/* time of outlier_init(): tick 0 */
	struct lb_addrs addrs;	/* the servers known */
	struct outlier_server srv[LB_MAX_SERVERS];	/* as addrs, in its
							 * order */
	int n_ejected;		/* how many are ejected now */
	sim_time applied;	/* the last tick applied (start: none) */
};

/*
 * Sets @o up with a copy of @cfg and no servers; the interval timer starts
 * now (sim_now(@s)). @s is borrowed and must outlive @o. When enabled,
 * @cfg must be valid (consecutive >= 1, interval > 0, base_ejection >= 0,
 * max_percent in [0, 100]): the spec loader checks; a bad one is a bug.
 */
void outlier_init(struct outlier *o, const struct outlier_cfg *cfg, sim *s);

/* Frees what @o holds (nothing today); @o may be set up again. */
void outlier_release(struct outlier *o);

/*
 * The servers known, for the max_percent base (@n ids, no duplicates).
 * Kept servers keep their state; new ones start clean; removed ones are
 * forgotten, ejected or not (Envoy drops their monitors).
 */
void outlier_set_servers(struct outlier *o, const int *servers, size_t n);

/* A dial to @server connected (@ok) or failed. Unknown ids are ignored. */
void outlier_record(struct outlier *o, int server, bool ok);

/* Whether @server is ejected now; false for unknown ids. */
bool outlier_ejected(struct outlier *o, int server);

/* How many servers are ejected now. */
int outlier_n_ejected(struct outlier *o);

/* Whether the servers not ejected are below Envoy's panic threshold
 * @threshold (percent; lb__panic() in lb_table.h): then ejection is
 * ignored. FALSE when disabled or nothing is ejected. */
bool outlier_in_panic(struct outlier *o, double threshold);

#endif
