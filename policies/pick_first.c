/*
 * gRPC pick_first (grpc/grpc doc/load-balancing.md; gRFC A62 without its
 * optional address shuffling): the addresses in list order, and once one
 * connects, every request goes to it (the "current" server, READY in gRPC
 * terms) for as long as it works. A failed dial of the current server
 * drops it, and the pass goes on from the top of the list; the next
 * request's pass starts from the top too. Health checks are ignored:
 * gRPC's client-side health checking does not apply to pick_first.
 *
 * Between failed passes, gRPC connection backoff (doc/connection-
 * backoff.md, read in backoff.h) with params->backoff: a pass is one
 * connection attempt. Its delay is drawn when the attempt starts
 * (dial_begin with no attempt under way), so its deadline is
 *     deadline = attempt start + delay
 * and pass_delay() waits until that deadline, 0 when it has passed
 * (SleepUntil(current_deadline)); the next attempt draws the next delay.
 * Each dial's timeout is max(delay, MIN_CONNECT_TIMEOUT). A success resets
 * the backoff. So the first delay is INITIAL_BACKOFF, unjittered.
 *
 * The backoff clock (own "backoff_after_failure", default true): grpc-go
 * starts the backoff timer after the failure (clientconn.go
 * resetTransportAndUnlock: time.NewTimer(backoffFor) once the attempt has
 * failed), so pass_delay() waits the whole delay from the pass's failure;
 * false: until attempt start + delay, connection-backoff.md's
 * SleepUntil(deadline).
 *
 * Happy Eyeballs (own "happy_eyeballs_delay", 250 ms by default, grpc-go
 * pickfirst.go connectionDelayInterval): when a dial has not connected
 * after the delay, the model dials the next address too while the first
 * goes on; the first to connect wins (dial_stagger in policy.h). 0: off.
 *
 * Fail fast (own "wait_for_ready", default false, grpc-go rpc_util.go
 * failFast: true, picker_wrapper.go: a fail-fast RPC fails with
 * UNAVAILABLE once every address has failed): a failed pass fails the
 * request at once; true: another pass after the backoff.
 *
 * The attempt belongs to the channel (grpc-go runs it on the addrConn's
 * context, not the RPC's): a dial goes on after its request gave up and
 * its outcome is recorded (dial_ignores_cancel).
 *
 * Deviations that remain: grpc-go gives each address its own subchannel
 * with its own backoff and reconnects in the background when a backoff
 * ends; here one backoff per LB, and the next request dials. The model
 * races at most two dials at once (grpc-go starts one more address per
 * 250 ms). Requests whose passes overlap share the attempt under way.
 *
 * With a backoff kind other than gRPC, the floor of the connect timeout is
 * params->dial_timeout (those kinds have no MIN_CONNECT_TIMEOUT).
 */
#include "addr_list.h"
#include "lb_table.h"
#include "policy.h"
#include "registry.h"
#include "sim/error.h"

#include <glib.h>

/* Indices in pf_own[] and policy_params.own[]. */
enum {
	PF_HAPPY_EYEBALLS,
	PF_WAIT_FOR_READY,
	PF_BACKOFF_AFTER_FAILURE,
	PF_N_OWN
};

static const struct own_param pf_own[] = {
	[PF_HAPPY_EYEBALLS] = {
		.name = "happy_eyeballs_delay",
		.type = PARAM_DURATION,
		.def = 0.25,
		.min = 0.0,
		.max = 1e6,
		.help = "dial the next address too when a dial has not "
			"connected after this; 0: off (grpc-go pickfirst.go "
			"connectionDelayInterval, 250ms)",
	},
	[PF_WAIT_FOR_READY] = {
		.name = "wait_for_ready",
		.type = PARAM_BOOL,
		.def = 0,
		.min = 0,
		.max = 1,
		.help = "false: a request fails once every address has failed "
			"(gRPC's fail-fast default, rpc_util.go); true: it waits "
			"for another pass",
	},
	[PF_BACKOFF_AFTER_FAILURE] = {
		.name = "backoff_after_failure",
		.type = PARAM_BOOL,
		.def = 1,
		.min = 0,
		.max = 1,
		.help = "the backoff timer starts at the failure (grpc-go "
			"clientconn.go); false: at the attempt's start "
			"(connection-backoff.md)",
	},
	{ .name = NULL },
};

struct pf_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	struct lb_addrs addrs;	/* the address list, in its order */
	int current;		/* the server that connected (READY), or -1 */
	struct backoff bo;	/* the connection backoff; cfg borrowed from
				 * env.params */
	bool attempt;		/* an attempt is under way: delay and
				 * deadline are its own */
	sim_time delay;		/* the last attempt's backoff delay */
	sim_time deadline;	/* its start + delay: the next pass's
				 * earliest start */
};

static void *pf_lb_new(const struct lb_env *env)
{
	struct pf_lb *lb = g_new0(struct pf_lb, 1);

	SIM_ASSERT(env && env->sim && env->params && env->rng);
	lb__check_own(pf_own, env->params);
	lb->env = *env;
	lb->current = -1;
	backoff_init(&lb->bo, &env->params->backoff);
	return lb;
}

static void pf_lb_free(void *lb)
{
	g_free(lb);
}

/* Takes the new list; the current server stays current if still listed
 * (gRPC keeps a READY subchannel whose address remains). */
static void pf_set_servers(void *opaque, const int *servers, size_t n)
{
	struct pf_lb *lb = opaque;

	lb_addrs_set(&lb->addrs, servers, n, NULL, NULL, NULL);
	if (lb->current >= 0 && !lb_addrs_has(&lb->addrs, lb->current))
		lb->current = -1;
}

/* The snapshot: the current server, then the list from the top without
 * it. Starts an attempt (draws its delay) when none is under way. */
static void pf_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct pf_lb *lb = opaque;
	int i, k = 0;

	if (!lb->attempt) {
		lb->delay = backoff_next(&lb->bo, lb->env.rng);
		lb->deadline = sim_time_add(sim_now(lb->env.sim), lb->delay);
		lb->attempt = true;
	}
	if (lb->current >= 0)
		pass->order[k++] = lb->current;
	for (i = 0; i < lb->addrs.n; i++)
		if (lb->addrs.id[i] != lb->current)
			pass->order[k++] = lb->addrs.id[i];
	lb_addrs_pass_start(pass, k);
}

/* The snapshot in order, skipping servers removed since; then -1. */
static int pf_dial_next(void *opaque, struct lb_pass *pass)
{
	struct pf_lb *lb = opaque;

	return lb_addrs_next(&lb->addrs, pass);
}

/* A connected dial makes its server current and resets the backoff; a
 * failed dial of the current server drops it. Health checks and unknown
 * ids change nothing. */
static void pf_record(void *opaque, int server, lb_check kind, lb_result r)
{
	struct pf_lb *lb = opaque;

	if (kind != LB_CHECK_DIAL || r == LB_UNKNOWN || !lb_addrs_has(&lb->addrs, server))
		return;
	if (r == LB_OK) {
		lb->current = server;
		backoff_reset(&lb->bo);
		lb->attempt = false;
	} else if (server == lb->current) {
		lb->current = -1;
	}
}

/* -1 when failing fast (wait_for_ready false) or with an empty list;
 * else the attempt's delay from now (backoff_after_failure) or
 * SleepUntil(deadline), 0 once past. Ends the attempt, so that the next
 * pass draws the next delay. */
static sim_time pf_pass_delay(void *opaque, int passes)
{
	struct pf_lb *lb = opaque;
	const double *own = lb->env.params->own;
	sim_time now = sim_now(lb->env.sim);

	SIM_ASSERT(passes >= 1);
	if (lb->addrs.n == 0 || !own[PF_WAIT_FOR_READY])
		return -1;
	lb->attempt = false;
	if (own[PF_BACKOFF_AFTER_FAILURE])
		return lb->delay;
	return lb->deadline > now ? lb->deadline - now : 0;
}

/* happy_eyeballs_delay, -1 when 0 (off). */
static sim_time pf_dial_stagger(void *opaque)
{
	struct pf_lb *lb = opaque;
	double d = lb->env.params->own[PF_HAPPY_EYEBALLS];

	return d > 0 ? (sim_time)(d * (double)SIM_S + 0.5) : -1;
}

/* max(the attempt's delay, MIN_CONNECT_TIMEOUT) for every address. */
static sim_time pf_connect_timeout(void *opaque, int server)
{
	struct pf_lb *lb = opaque;
	const struct backoff_cfg *cfg = &lb->env.params->backoff;
	sim_time floor = cfg->kind == BACKOFF_GRPC ? cfg->min_connect_timeout
						   : lb->env.params->dial_timeout;

	(void)server;
	return lb->delay > floor ? lb->delay : floor;
}

/* "READY" for the current server, "IDLE" for the others listed. */
static const char *pf_state_name(void *opaque, int server)
{
	struct pf_lb *lb = opaque;

	if (!lb_addrs_has(&lb->addrs, server))
		return NULL;
	return server == lb->current ? "READY" : "IDLE";
}

/* gRPC's pick_first with its connection backoff. */
const struct policy_ops policy_pick_first = {
	.name = "pick-first",
	.summary = "gRPC pick_first: list order, stick to the first that "
		   "connects; Happy Eyeballs 250ms, fail-fast, connect timeout "
		   "max(backoff, 20s); one backoff per LB, not per address",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = pf_lb_new,
	.lb_free = pf_lb_free,
	.set_servers = pf_set_servers,
	.dial_begin = pf_dial_begin,
	.dial_next = pf_dial_next,
	.record = pf_record,
	.state_name = pf_state_name,
	.pass_delay = pf_pass_delay,
	.connect_timeout = pf_connect_timeout,
	.dial_stagger = pf_dial_stagger,
	.dial_ignores_cancel = true,
	.own = pf_own,
	.default_backoff = BACKOFF_GRPC,
};
