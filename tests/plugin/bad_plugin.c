/*
 * Plug-ins that policy_plugin_load() must refuse, one per -DBAD_<case>
 * (tests/tests.cmake builds each as libselsim-bad-plugin-<case>.so), and
 * two it must accept: BAD_second, a second module beside the example, and
 * BAD_wrongnext, which loads but breaks the dial_next() contract when run
 * (its dial_next names server 42, never in its pass: the wrapper's
 * SIM_BUG names the policy). The methods do nothing else: the other
 * modules are never run.
 */
#include "policies/policy.h"

#include <glib.h>

static void *bad_lb_new(const struct lb_env *env)
{
	(void)env;
	return g_new0(int, 1);	/* a state: lb_new must not return NULL */
}

static void bad_lb_free(void *lb)
{
	g_free(lb);
}

static void bad_set_servers(void *lb, const int *servers, size_t n)
{
	(void)lb;
	(void)servers;
	(void)n;
}

static void bad_dial_begin(void *lb, struct lb_pass *pass)
{
	(void)lb;
	pass->n = pass->pos = pass->round = 0;
}

#ifndef BAD_nomethod
static int bad_dial_next(void *lb, struct lb_pass *pass)
{
	(void)lb;
	(void)pass;
#ifdef BAD_wrongnext
	return 42;
#else
	return -1;
#endif
}
#endif

static void bad_record(void *lb, int server, lb_check kind, lb_result r)
{
	(void)lb;
	(void)server;
	(void)kind;
	(void)r;
}

#ifdef BAD_ownmax
#define OWN(i) { "p" #i, PARAM_NUMBER, 0, 0, 1, "test" }
/* POLICY_MAX_OWN + 1 parameters */
static const struct own_param too_many[] = {
	OWN(0), OWN(1), OWN(2), OWN(3), OWN(4), OWN(5), OWN(6),
	OWN(7), OWN(8), OWN(9), OWN(10), OWN(11), OWN(12),
	{ NULL, 0, 0, 0, 0, NULL },
};
G_STATIC_ASSERT(G_N_ELEMENTS(too_many) == POLICY_MAX_OWN + 2);
#endif

#if defined(BAD_noname)
#define NAME NULL
#elif defined(BAD_builtin)
#define NAME "k3s"
#elif defined(BAD_second)
#define NAME "second-plugin"
#elif defined(BAD_wrongnext)
#define NAME "wrong-next"
#else
#define NAME "bad-plugin"
#endif

static const struct policy_ops bad = {
	.name = NAME,
	.lb_new = bad_lb_new,
	.lb_free = bad_lb_free,
	.set_servers = bad_set_servers,
	.dial_begin = bad_dial_begin,
#ifndef BAD_nomethod
	.dial_next = bad_dial_next,
#endif
	.record = bad_record,
#ifdef BAD_ownmax
	.own = too_many,
#endif
};

#if defined(BAD_empty)
/* nothing before the NULL (&bad only keeps the compiler quiet) */
static const struct policy_ops *const policies[] = { NULL, &bad };
#elif defined(BAD_dupe)
static const struct policy_ops *const policies[] = { &bad, &bad, NULL };
#else
static const struct policy_ops *const policies[] = { &bad, NULL };
#endif

#if defined(BAD_noversion)
/* the register function alone, without selsim_policy_api_version */
G_MODULE_EXPORT const struct policy_ops *const *
selsim_policy_register(int api_version);
G_MODULE_EXPORT const struct policy_ops *const *
selsim_policy_register(int api_version)
{
	(void)api_version;
	return policies;
}
#else
#ifdef BAD_version
#undef SELSIM_POLICY_API_VERSION
#define SELSIM_POLICY_API_VERSION 99
#endif
SELSIM_POLICY_PLUGIN(policies)
#endif
