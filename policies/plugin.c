/*
 * Plug-in policies: load a module with GModule, check what its
 * selsim_policy_register() returns, keep the ops in a list that the
 * registry consults after its static table (policy.c).
 *
 * The list is a GPtrArray made on the first load and never freed, and the
 * modules are resident: an LB made from a plug-in's ops may exist until
 * exit, so there is no point at which unloading would be safe. The cost is
 * one array and the modules' mappings, held until exit.
 */
#include "plugin.h"
#include "sim/error.h"

#include <gmodule.h>
#include <stdarg.h>
#include <string.h>

static GPtrArray *plugin_ops;	/* const struct policy_ops *, load order */

static const struct policy_ops *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		if (!strcmp(policy_registry[i]->name, name))
			return policy_registry[i];
	return NULL;
}

const struct policy_ops *policy_plugin_find(const char *name)
{
	guint i;

	for (i = 0; plugin_ops && i < plugin_ops->len; i++) {
		const struct policy_ops *o = g_ptr_array_index(plugin_ops, i);

		if (!strcmp(o->name, name))
			return o;
	}
	return NULL;
}

void policy_plugin_names(GString *out)
{
	guint i;

	for (i = 0; plugin_ops && i < plugin_ops->len; i++) {
		const struct policy_ops *o = g_ptr_array_index(plugin_ops, i);

		g_string_append_printf(out, "%s%s", out->len ? ", " : "",
				       o->name);
	}
}

const struct policy_ops *policy_registry_get(size_t i)
{
	size_t n = 0;

	while (policy_registry[n])
		n++;
	if (i < n)
		return policy_registry[i];
	i -= n;
	return plugin_ops && i < plugin_ops->len
		? g_ptr_array_index(plugin_ops, i) : NULL;
}

/* Closes @module (a no-op for one already resident: the same file loaded
 * twice) and sets "@path: message". Returns FALSE. */
G_GNUC_PRINTF(4, 5)
static gboolean fail(GModule *module, const char *path, GError **error,
		     const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT, "%s: %s", path, msg);
	g_free(msg);
	if (module)
		g_module_close(module);
	return FALSE;
}

/* The first required method @o lacks, or NULL. */
static const char *missing_method(const struct policy_ops *o)
{
	if (!o->lb_new)
		return "lb_new";
	if (!o->lb_free)
		return "lb_free";
	if (!o->set_servers)
		return "set_servers";
	if (!o->dial_begin)
		return "dial_begin";
	if (!o->dial_next)
		return "dial_next";
	if (!o->record)
		return "record";
	return NULL;
}

/* Checks @ops[@i] against the registry and ops[0 .. i-1]. */
static gboolean check_ops(GModule *module, const char *path,
			  const struct policy_ops *const *ops, size_t i,
			  GError **error)
{
	const struct policy_ops *o = ops[i];
	const char *missing;
	size_t j, k;

	if (!o->name || !*o->name)
		return fail(module, path, error, "policy #%zu has no name", i);
	missing = missing_method(o);
	if (missing)
		return fail(module, path, error, "policy '%s' has no %s",
			    o->name, missing);
	for (k = 0; o->own && o->own[k].name; k++)
		if (k == POLICY_MAX_OWN)
			return fail(module, path, error, "policy '%s' declares "
				    "more than %d own parameters", o->name,
				    POLICY_MAX_OWN);
	for (j = 0; j < i; j++)
		if (!strcmp(ops[j]->name, o->name))
			break;
	if (j < i || builtin_find(o->name) || policy_plugin_find(o->name))
		return fail(module, path, error,
			    "policy '%s' is already registered", o->name);
	return TRUE;
}

gboolean policy_plugin_load(const char *path, GError **error)
{
	const struct policy_ops *const *ops;
	gpointer reg = NULL, ver = NULL;
	GModule *module;
	size_t i, n;
	char *file;
	int version;

	SIM_ASSERT(path);
	/* dlopen() searches the library path for a name without a slash;
	 * a plug-in is a file, so "my.so" means "./my.so" */
	file = strchr(path, '/') ? g_strdup(path) : g_strconcat("./", path, NULL);
	module = g_module_open(file, G_MODULE_BIND_LOCAL);
	g_free(file);
	if (!module)
		return fail(NULL, path, error, "cannot load: %s",
			    g_module_error());
	if (!g_module_symbol(module, "selsim_policy_register", &reg) || !reg)
		return fail(module, path, error, "no selsim_policy_register");
	if (!g_module_symbol(module, "selsim_policy_api_version", &ver) || !ver)
		return fail(module, path, error,
			    "no selsim_policy_api_version");
	version = *(const int *)ver;
	if (version != SELSIM_POLICY_API_VERSION)
		return fail(module, path, error, "API version %d, selsim "
			    "speaks %d", version, SELSIM_POLICY_API_VERSION);

	/* POSIX guarantees that dlsym()'s object pointer converts to a
	 * function pointer (GModule relies on it too) */
	ops = ((selsim_policy_register_fn)reg)(SELSIM_POLICY_API_VERSION);
	if (!ops || !ops[0])
		return fail(module, path, error, "selsim_policy_register(%d) "
			    "returned no policies", SELSIM_POLICY_API_VERSION);
	for (n = 0; ops[n]; n++)
		if (!check_ops(module, path, ops, n, error))
			return FALSE;

	g_module_make_resident(module);
	if (!plugin_ops)
		plugin_ops = g_ptr_array_new();
	for (i = 0; i < n; i++)
		g_ptr_array_add(plugin_ops, (gpointer)ops[i]);
	return TRUE;
}
