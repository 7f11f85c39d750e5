/*
 * The table of built-in policies, made from the one list in registry.h.
 * Data only, below plugin.c (which checks plug-ins' names against it) and
 * policy.c (which looks names up in it, then in the plug-ins).
 */
#include "policy.h"
#include "registry.h"

#include <stddef.h>

#define POLICY_ENTRY(name) &policy_##name,
const struct policy_ops *const policy_registry[] = {
	POLICY_BUILTINS(POLICY_ENTRY)
	NULL,
};
#undef POLICY_ENTRY
