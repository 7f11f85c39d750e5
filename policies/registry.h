/*
 * The built-in policies. A new policy is one new .c file exporting its ops
 * struct, one line here and one line in policy_registry (policy.c).
 */
#ifndef POLICIES_REGISTRY_H
#define POLICIES_REGISTRY_H

#include "policy.h"

extern const struct policy_ops policy_k3s;		/* k3s.c */
extern const struct policy_ops policy_k3s_legacy;	/* k3s.c */
extern const struct policy_ops policy_k3s_shuffle;	/* k3s_shuffle.c */

#endif
