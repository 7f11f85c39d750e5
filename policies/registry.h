/*
 * The built-in policies, in one list: a new policy is one new .c file
 * exporting `const struct policy_ops policy_<name>` and one line in
 * POLICY_BUILTINS below. The list declares each ops struct (here) and
 * makes policy_registry, in this order (builtins.c): the order of
 * `selsim list` and of policy_names().
 */
#ifndef POLICIES_REGISTRY_H
#define POLICIES_REGISTRY_H

#include "policy.h"

#define POLICY_BUILTINS(X) \
	X(k3s)			/* k3s.c */ \
	X(k3s_legacy)		/* k3s.c */ \
	X(k3s_shuffle)		/* k3s_shuffle.c */ \
	X(article)		/* article.c */ \
	X(round_robin)		/* round_robin.c */ \
	X(random)		/* random.c */ \
	X(pick_first)		/* pick_first.c */ \
	X(p2c)			/* p2c.c */ \
	X(peak_ewma)		/* peak_ewma.c */ \
	X(hedged)		/* hedged.c */ \
	X(c3)			/* c3.c */

#define POLICY_DECLARE(name) extern const struct policy_ops policy_##name;
POLICY_BUILTINS(POLICY_DECLARE)
#undef POLICY_DECLARE

#endif
