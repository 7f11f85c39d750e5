/*
 * An example plug-in policy, "least-recent": dial first the server whose
 * last successful dial is the oldest, so that connections spread over the
 * servers instead of piling onto one; a server that failed a dial or a
 * health check less than `cooldown` ago is tried only after all others.
 *
 * Copy this file to write your own policy. The contract is in
 * policies/policy.h (struct policy_ops, and "plug-ins" for the entry
 * points); keep everything static but what SELSIM_POLICY_PLUGIN defines.
 * CMake builds this one as build/libselsim-example-policy.so; by hand:
 *
 *   cc -std=c11 -shared -fPIC -O2 -o least_recent.so least_recent.c \
 *      -I path/to/selsim $(pkg-config --cflags glib-2.0 gsl)
 *
 * and use it with
 *
 *   selsim list --plugin ./least_recent.so
 *   selsim run --plugin ./least_recent.so spec.json   # "policies":
 *                                                     # ["k3s", "least-recent"]
 *
 * Link nothing else: GLib, GSL and selsim's own functions (sim_now() here)
 * come from the selsim executable that loads the module.
 *
 * The order: never-dialled servers first, then by the time of the last
 * successful dial, oldest first; servers cooling down after a failure
 * last, in the same order among themselves; ties keep the address-list
 * order (the default server, which the model appends when a policy has no
 * set_default, comes last). One pass: each server at most once per dial.
 * A successful dial or health check ends the cooldown. Connections to a
 * server dropped from the list are closed, as K3s does.
 */
#include "policies/addr_list.h"
#include "policies/policy.h"
#include "sim/error.h"

#include <glib.h>
#include <stdbool.h>

#define LR_NEVER (-1)		/* last_ok of a server never dialled */

struct lr_server {
	sim_time last_ok;	/* time of its last successful dial, or
				 * LR_NEVER */
	sim_time failed_at;	/* time of its last failure, or -1 once a
				 * success ends the cooldown */
};

struct lr_lb {
	struct lb_env env;	/* a copy; the pointers in it are borrowed */
	sim_time cooldown;	/* own[0], in sim_time */
	struct lb_addrs addrs;	/* the address list (policies/addr_list.h) */
	struct lr_server srv[LB_MAX_SERVERS];	/* as addrs, in list order */
};

static const struct own_param lr_own[] = {
	{ "cooldown", PARAM_DURATION, 5.0, 0.0, 3600.0,
	  "after a failed dial or health check, a server is tried after "
	  "the others for this long (selsim example)" },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int lr_find(const struct lr_lb *lb, int id)
{
	return lb_addrs_find(&lb->addrs, id);
}

static bool lr_cooling(const struct lr_lb *lb, const struct lr_server *s)
{
	return s->failed_at >= 0 &&
	       sim_now(lb->env.sim) - s->failed_at < lb->cooldown;
}

/* Whether @a dials before @b (both not cooling, or both cooling). */
static bool lr_before(const struct lr_server *a, const struct lr_server *b)
{
	return a->last_ok < b->last_ok;
}

static void *lr_lb_new(const struct lb_env *env)
{
	struct lr_lb *lb = g_new0(struct lr_lb, 1);

	SIM_ASSERT(env && env->sim && env->params);
	lb->env = *env;
	lb->cooldown = (sim_time)(env->params->own[0] * (double)SIM_S);
	return lb;
}

static void lr_lb_free(void *lb)
{
	g_free(lb);
}

/* Kept servers keep their history; new ones start never dialled. The
 * connections to dropped servers are closed last, once the list is
 * consistent, so a re-entrant conn_close() finds it so. */
static void lr_set_servers(void *opaque, const int *servers, size_t n)
{
	struct lr_lb *lb = opaque;
	static const struct lr_server fresh = {
		.last_ok = LR_NEVER, .failed_at = -1,
	};
	int from[LB_MAX_SERVERS], dropped[LB_MAX_SERVERS], n_dropped, i;

	lb_addrs_set(&lb->addrs, servers, n, from, dropped, &n_dropped);
	lb_addrs_remap(lb->srv, sizeof(lb->srv[0]), from, (int)n, &fresh);
	for (i = 0; i < n_dropped; i++)
		if (lb->env.close_conns)
			lb->env.close_conns(lb->env.model, dropped[i]);
}

/* The snapshot: servers not cooling, then cooling ones, each group
 * by last_ok; an insertion sort, stable, so ties keep the list order
 * (n <= LB_MAX_SERVERS: the quadratic worst case is small). */
static void lr_dial_begin(void *opaque, struct lb_pass *pass)
{
	struct lr_lb *lb = opaque;
	int sorted[LB_MAX_SERVERS];	/* indices in srv */
	bool cool[LB_MAX_SERVERS];
	int i, j;

	for (i = 0; i < lb->addrs.n; i++) {
		const struct lr_server *s = &lb->srv[i];
		bool c = lr_cooling(lb, s);

		for (j = i; j > 0 && (c < cool[j - 1] ||
				      (c == cool[j - 1] &&
				       lr_before(s, &lb->srv[sorted[j - 1]])));
		     j--) {
			sorted[j] = sorted[j - 1];
			cool[j] = cool[j - 1];
		}
		sorted[j] = i;
		cool[j] = c;
	}
	for (i = 0; i < lb->addrs.n; i++)
		pass->order[i] = lb->addrs.id[sorted[i]];
	lb_addrs_pass_start(pass, lb->addrs.n);
}

/* The snapshot in order, skipping servers dropped since; then -1. */
static int lr_dial_next(void *opaque, struct lb_pass *pass)
{
	struct lr_lb *lb = opaque;

	return lb_addrs_next(&lb->addrs, pass);
}

static void lr_record(void *opaque, int server, lb_check kind, lb_result r)
{
	struct lr_lb *lb = opaque;
	int i = lr_find(lb, server);

	if (i < 0 || r == LB_UNKNOWN)
		return;
	if (r == LB_FAILED) {
		lb->srv[i].failed_at = sim_now(lb->env.sim);
		return;
	}
	lb->srv[i].failed_at = -1;
	if (kind == LB_CHECK_DIAL)
		lb->srv[i].last_ok = sim_now(lb->env.sim);
}

static const char *lr_state_name(void *opaque, int server)
{
	struct lr_lb *lb = opaque;
	int i = lr_find(lb, server);

	if (i < 0)
		return NULL;
	return lr_cooling(lb, &lb->srv[i]) ? "COOLING" : "READY";
}

static const struct policy_ops least_recent = {
	.name = "least-recent",
	.summary = "example plug-in: the server least recently dialled "
		   "successfully first; recent failures last",
	.flow = JOIN_FLOW_POSTFIX,
	.lb_new = lr_lb_new,
	.lb_free = lr_lb_free,
	.set_servers = lr_set_servers,
	.dial_begin = lr_dial_begin,
	.dial_next = lr_dial_next,
	.record = lr_record,
	.state_name = lr_state_name,
	.own = lr_own,
};

static const struct policy_ops *const policies[] = { &least_recent, NULL };

SELSIM_POLICY_PLUGIN(policies)
