/* Finding a policy by name (built-in ones in builtins.c, then the
 * plug-ins of plugin.c) and the wrappers the core calls policies through
 * (the parameter table is params.c). */
#include "policy.h"
#include "plugin.h"
#include "sim/error.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

const struct policy_ops *policy_find(const char *name)
{
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		if (!strcmp(policy_registry[i]->name, name))
			return policy_registry[i];
	return policy_plugin_find(name);
}

char *policy_names(void)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       policy_registry[i]->name);
	policy_plugin_names(s);
	return g_string_free(s, FALSE);
}

/* ---- required methods ---- */

void *policy_lb_new(const struct policy_ops *ops, const struct lb_env *env)
{
	void *lb;

	SIM_ASSERT(ops && env && env->params);
	lb = ops->lb_new(env);
	if (!lb)
		SIM_BUG("policy '%s': lb_new returned NULL", ops->name);
	return lb;
}

void policy_lb_free(const struct policy_ops *ops, void *lb)
{
	if (lb)
		ops->lb_free(lb);
}

void policy_set_servers(const struct policy_ops *ops, void *lb,
			const int *servers, size_t n)
{
	size_t k, j;

	if (n > LB_MAX_SERVERS)
		SIM_BUG("policy '%s': set_servers with %zu servers (at most "
			"%d)", ops->name, n, LB_MAX_SERVERS);
	SIM_ASSERT(servers || n == 0);
	for (k = 0; k < n; k++) {
		if (servers[k] < 0)
			SIM_BUG("policy '%s': set_servers with server id %d",
				ops->name, servers[k]);
		for (j = 0; j < k; j++)
			if (servers[j] == servers[k])
				SIM_BUG("policy '%s': set_servers lists "
					"server %d twice", ops->name,
					servers[k]);
	}
	ops->set_servers(lb, servers, n);
}

/* Server ids below this are checked for repeats with a bit set. */
#define DIAL_SEEN_BITS 1024

/* The set bits of @x (SWAR: pairs, nibbles, bytes, then their sum). */
static int bit_count(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) +
	    ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (int)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* @pass repeats a server id: which, in the bug's message. */
static G_NORETURN void dial_repeat_bug(const struct policy_ops *ops,
				       const struct lb_pass *pass)
{
	int k, j;

	for (k = 0; k < pass->n; k++)
		for (j = 0; j < k; j++)
			if (pass->order[j] == pass->order[k])
				SIM_BUG("policy '%s': dial_begin put server "
					"%d twice in its pass", ops->name,
					pass->order[k]);
	SIM_BUG("policy '%s': dial_begin repeated a server", ops->name);
}

void policy_dial_begin(const struct policy_ops *ops, void *lb,
		       struct lb_pass *pass)
{
	uint64_t seen[DIAL_SEEN_BITS / 64], low = 0;
	bool seen_clear = false;	/* seen[] zeroed: at the first id
					 * from 64 on, which most passes
					 * lack */
	int k, j, n_low = 0;
	unsigned all = 0;

	ops->dial_begin(lb, pass);
	if (pass->n < 0 || pass->n > LB_MAX_SERVERS)
		SIM_BUG("policy '%s': dial_begin made a pass of %d servers "
			"(0 to %d)", ops->name, pass->n, LB_MAX_SERVERS);
	/* every id in 0..63 (every caller's, today): their bits in two
	 * words, even and odd entries, so that the two chains of ORs
	 * overlap; a repeat shows as fewer bits than ids */
	for (k = 0; k < pass->n; k++)
		all |= (unsigned)pass->order[k];
	if (all < 64) {
		uint64_t odd = 0;

		for (k = 0; k + 1 < pass->n; k += 2) {
			low |= UINT64_C(1) << pass->order[k];
			odd |= UINT64_C(1) << pass->order[k + 1];
		}
		if (k < pass->n)
			low |= UINT64_C(1) << pass->order[k];
		if (bit_count(low | odd) != pass->n)
			dial_repeat_bug(ops, pass);
		return;
	}
	for (k = 0; k < pass->n; k++) {
		int id = pass->order[k];

		/* the ids below 64 (every caller's, today): a bit each in
		 * a word that stays in a register, and a count; a repeat
		 * shows at the end as fewer bits than ids. (Testing each
		 * bit as it came, or keeping the word in memory, cost
		 * most of this call; comparing pairs, a sixth of the
		 * queueing study.) */
		if ((unsigned)id < 64) {
			low |= UINT64_C(1) << id;
			n_low++;
			continue;
		}
		if (id < 0)
			SIM_BUG("policy '%s': dial_begin put server id %d in "
				"its pass", ops->name, id);
		if (id < DIAL_SEEN_BITS) {
			uint64_t bit = UINT64_C(1) << (id % 64);

			if (!seen_clear) {
				memset(seen, 0, sizeof(seen));
				seen_clear = true;
			}
			if (seen[id / 64] & bit)
				SIM_BUG("policy '%s': dial_begin put server "
					"%d twice in its pass", ops->name, id);
			seen[id / 64] |= bit;
			continue;
		}
		for (j = 0; j < k; j++)
			if (pass->order[j] == id)
				SIM_BUG("policy '%s': dial_begin put server "
					"%d twice in its pass", ops->name, id);
	}
	if (bit_count(low) != n_low)
		dial_repeat_bug(ops, pass);
}

int policy_dial_next(const struct policy_ops *ops, void *lb,
		     struct lb_pass *pass)
{
	int n = pass->n, id = ops->dial_next(lb, pass), k;

	if (pass->n != n)
		SIM_BUG("policy '%s': dial_next changed its pass's length "
			"from %d to %d", ops->name, n, pass->n);
	if (id == -1)
		return -1;
	for (k = 0; k < n; k++)
		if (pass->order[k] == id)
			return id;
	SIM_BUG("policy '%s': dial_next named server %d, not in its pass",
		ops->name, id);
}

void policy_record(const struct policy_ops *ops, void *lb, int server,
		   lb_check kind, lb_result r)
{
	SIM_ASSERT(server >= 0);
	SIM_ASSERT(kind == LB_CHECK_DIAL || kind == LB_CHECK_HEALTH);
	SIM_ASSERT(r == LB_OK || r == LB_FAILED || r == LB_UNKNOWN);
	ops->record(lb, server, kind, r);
}

/* ---- optional methods ---- */

void policy_set_default(const struct policy_ops *ops, void *lb, int server)
{
	/* without set_default the model appends the default server to every
	 * address list it passes (see policy.h) */
	if (ops->set_default)
		ops->set_default(lb, server);
}

void policy_conn_open(const struct policy_ops *ops, void *lb, int server)
{
	SIM_ASSERT(server >= 0);
	if (ops->conn_open)
		ops->conn_open(lb, server);
}

void policy_conn_close(const struct policy_ops *ops, void *lb, int server)
{
	SIM_ASSERT(server >= 0);
	if (ops->conn_close)
		ops->conn_close(lb, server);
}

const char *policy_state_name(const struct policy_ops *ops, void *lb,
			      int server)
{
	return ops->state_name ? ops->state_name(lb, server) : NULL;
}

void policy_observe(const struct policy_ops *ops, void *lb, int server,
		    const struct lb_feedback *fb)
{
	if (ops->observe)
		ops->observe(lb, server, fb);
}

/* @d as an optional delay method @method of @ops returned it: -1 (none)
 * or a delay >= 0; anything else is the policy's bug. */
static sim_time checked_delay(const struct policy_ops *ops, const char *method,
			      sim_time d)
{
	if (d < -1)
		SIM_BUG("policy '%s': %s returned %" PRId64
			" (-1 or a delay >= 0)", ops->name, method, d);
	return d;
}

sim_time policy_pass_delay(const struct policy_ops *ops, void *lb, int passes)
{
	sim_time d;

	SIM_ASSERT(passes >= 1);
	d = ops->pass_delay ? ops->pass_delay(lb, passes) : -1;
	return checked_delay(ops, "pass_delay", d);
}

sim_time policy_connect_timeout(const struct policy_ops *ops, void *lb,
				int server, const struct policy_params *p)
{
	sim_time t = ops->connect_timeout ? ops->connect_timeout(lb, server)
					  : p->dial_timeout;

	return t > 0 ? t : p->dial_timeout;
}

sim_time policy_dial_stagger(const struct policy_ops *ops, void *lb)
{
	sim_time d = ops->dial_stagger ? ops->dial_stagger(lb) : -1;

	return checked_delay(ops, "dial_stagger", d);
}

sim_time policy_hedge_delay(const struct policy_ops *ops, void *lb)
{
	sim_time d = ops->hedge_delay ? ops->hedge_delay(lb) : -1;

	return checked_delay(ops, "hedge_delay", d);
}
