/*
 * Policies loaded from shared objects (`selsim --plugin PATH.so`): how a
 * module is loaded, checked and added to the registry. How to write one
 * is in policy.h ("plug-ins").
 *
 * Loaded policies live until the process exits: a module is made resident
 * (never unloaded), so the ops pointers it gave stay valid, and the list
 * that holds them is never freed. Loading is not thread-safe: load every
 * plug-in before anything runs (main() does, before the command starts).
 */
#ifndef POLICIES_PLUGIN_H
#define POLICIES_PLUGIN_H

#include "policy.h"

#include <glib.h>
#include <stddef.h>

/*
 * Loads the module at @path (a file name; relative to the current folder
 * unless absolute), calls its selsim_policy_register() and registers every
 * policy it returns, or none of them. Returns FALSE and sets @error
 * (SIM_ERROR_INPUT, exit 2) with a one-line message on a failure:
 *   "PATH: cannot load: <dlopen's message>"
 *   "PATH: no selsim_policy_register" (or no selsim_policy_api_version)
 *   "PATH: API version N, selsim speaks 2"
 *   "PATH: selsim_policy_register(2) returned no policies"
 *   "PATH: policy 'x' has no dial_next" (each required method; a policy
 *    without a name is "policy #i")
 *   "PATH: policy 'x' declares more than 12 own parameters"
 *   "PATH: policy 'x' is already registered" (a built-in one, one from
 *    another plug-in, this module loaded before, or twice in its array)
 * A module that failed is closed again.
 */
gboolean policy_plugin_load(const char *path, GError **error);

/* The plug-in policy named @name, or NULL. Borrowed. */
const struct policy_ops *policy_plugin_find(const char *name);

/* Appends ", name" for each plug-in policy in load order (without the
 * leading ", " when @out is empty). */
void policy_plugin_names(GString *out);

/* The @i-th policy of the whole registry: the built-in ones
 * (policy_registry) first, then the plug-ins' in load order; NULL past
 * the end. Borrowed. */
const struct policy_ops *policy_registry_get(size_t i);

#endif
