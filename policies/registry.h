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
extern const struct policy_ops policy_article;		/* article.c */
extern const struct policy_ops policy_round_robin;	/* round_robin.c */
extern const struct policy_ops policy_random;		/* random.c */
extern const struct policy_ops policy_pick_first;	/* pick_first.c */
extern const struct policy_ops policy_p2c;		/* p2c.c */
extern const struct policy_ops policy_peak_ewma;	/* peak_ewma.c */
extern const struct policy_ops policy_hedged;		/* hedged.c */
extern const struct policy_ops policy_c3;		/* c3.c */

#endif
