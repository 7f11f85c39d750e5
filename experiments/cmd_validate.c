/* `selsim validate` and `selsim list`: what a spec may say, and whether
 * one says it right. */
#include "commands.h"
#include "policies/plugin.h"
#include "spec.h"
#include "tune_spec.h"
#include "models/config.h"
#include "models/dist.h"
#include "policies/policy.h"

#include <glib.h>
#include <stdio.h>

int validate_main(int argc, char **argv)
{
	gboolean explain = FALSE;
	GOptionEntry entries[] = {
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
		  "Print the spec with every default filled in", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SPEC.json - check a spec");
	GError *err = NULL;
	struct spec s;
	struct tune_spec t;

	g_option_context_set_summary(ctx,
		"Loads SPEC.json and checks all of it: names, references,\n"
		"durations, distributions, failures, parameters and the sweep.\n"
		"Prints 'SPEC: ok (...)', or one line naming the file, the JSON\n"
		"path, the bad value and what would be valid (exit 2).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "validate"))
		return 2;
	if (argc != 2) {
		fprintf(stderr, "selsim validate: %s (usage: selsim validate "
			"SPEC.json [--explain])\n",
			argc < 2 ? "no spec given" : "more than one spec given");
		return 2;
	}
	/* Any failure to load, unreadable file included, is the input's
	 * fault here: validating is all this command does. */
	if (!spec_load(argv[1], &s, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return 2;
	}
	if (!tune_spec_load(argv[1], &s, &t, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		tune_spec_release(&t);
		spec_release(&s);
		return 2;
	}
	if (explain) {
		spec_explain(&s, stdout);
		tune_spec_explain(&t, &s, stdout);
	}
	tune_spec_release(&t);
	printf("%s: ok (%zu nodes, %zu failures, %zu policies, %zu grid "
	       "points)\n", argv[1], s.world.n_nodes, s.world.n_failures,
	       s.n_policies, spec_grid_size(&s));
	spec_release(&s);
	return 0;
}

static void list_policies(void)
{
	const struct policy_ops *o;
	size_t i;

	printf("policies:\n");
	for (i = 0; (o = policy_registry_get(i)) != NULL; i++)
		printf("  %-16s %s\n", o->name, o->summary ? o->summary : "");
}

static void list_dists(void)
{
	int k, i;

	printf("\nlatency models ({\"dist\": NAME, PARAM: VALUE, ...}, or a "
	       "duration for a constant):\n");
	for (k = 0; k < DIST_N_KINDS; k++) {
		const struct dist_kind_info *d = &dist_kinds[k];

		printf("  %-16s %s; params:", d->name, d->summary);
		for (i = 0; i < 2 && d->param[i]; i++)
			printf("%s %s (%s)", i ? "," : "", d->param[i],
			       k == DIST_EMPIRICAL ? "array of durations" :
			       d->param_is_duration[i] ? "duration" : "number");
		putchar('\n');
	}
}

static void list_failures(void)
{
	int k;

	printf("\nfailure kinds ({\"at\": DURATION, KIND: TARGET, "
	       "options}):\n");
	for (k = 0; k < FAIL_N_KINDS; k++)
		printf("  %-16s %s\n  %-16s   %s\n", failure_kind_names[k],
		       failure_kind_summaries[k], "",
		       spec_failure_usage((failure_kind)k));
}

static void list_params(void)
{
	struct policy_params def;
	struct k3s_params kdef;
	const struct spec_const *d;
	size_t i;

	policy_params_default(&def);
	k3s_params_default(&kdef);
	printf("\nthe K3s model: K3s commit %s; %s\n", K3S_MODEL_COMMIT,
	       k3s_model_rows);
	printf("\nparameters (\"params\": {POLICY or \"*\": {NAME: "
	       "DURATION}}; \"sweep\": {\"[POLICY.]NAME\": [...]}):\n");
	for (i = 0; (d = spec_const_at(i)) != NULL; i++) {
		char buf[SIM_TIME_FMT_LEN];

		printf("  %-25s %-7s %-22s %s\n", d->name,
		       sim_time_format(*spec_const_ref(d, &def, &kdef), buf),
		       d->source, d->help);
	}
}

/* Each policy's own parameters, with their defaults. */
static void list_own_params(void)
{
	const struct policy_ops *o;
	size_t i, k;

	printf("\npolicy parameters (\"params\": {POLICY: {NAME: VALUE}}):\n");
	for (i = 0; (o = policy_registry_get(i)) != NULL; i++) {
		for (k = 0; o->own && o->own[k].name; k++) {
			const struct own_param *p = &o->own[k];
			char def[SIM_TIME_FMT_LEN + 8];

			if (p->type == PARAM_DURATION)
				sim_time_format((sim_time)(p->def * 1e9), def);
			else if (p->type == PARAM_BOOL)
				g_strlcpy(def, p->def ? "true" : "false",
					  sizeof(def));
			else
				g_snprintf(def, sizeof(def), "%g", p->def);
			printf("  %-12s %-18s %-8s %s\n", o->name, p->name, def,
			       p->help);
		}
	}
}

/* Backoff strategies, the retry budget and outlier ejection: settings
 * every policy takes (used by those that retry). */
static void list_backoff(void)
{
	size_t k;

	printf("\nbackoff strategies (\"backoff\": NAME, \"backoff.FIELD\": "
	       "VALUE; used between failed passes by policies that back "
	       "off):\n");
	for (k = 0; k < BACKOFF_N_KINDS; k++)
		printf("  %-14s %s\n", backoff_name((backoff_kind)k),
		       backoff_summary((backoff_kind)k));
	printf("  fields:");
	for (k = 0; k < backoff_n_params; k++)
		printf(" %s", backoff_params[k].name);
	printf("\n\nany policy: \"retry_budget\": true (token bucket: a pass "
	       "after the first costs a token,\n  a success refunds "
	       "\"retry_budget.refund\" (0.1), up to "
	       "\"retry_budget.max_tokens\" (10));\n  \"outlier_ejection\": "
	       "true (Envoy: \"outlier.consecutive\" 5 failures eject for\n  "
	       "\"outlier.base_ejection\" 30s x a multiplier, at most "
	       "\"outlier.max_ejection_time\" 300s,\n  reviewed every "
	       "\"outlier.interval\" 10s (a healthy interval steps the "
	       "multiplier down), at most\n  "
	       "\"outlier.max_percent\" 10%% of the servers; ignored below "
	       "the panic threshold)\n");
}

int list_main(int argc, char **argv)
{
	GOptionEntry entries[] = {
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new(
		"- what a spec may use");

	g_option_context_set_summary(ctx,
		"Lists the policies, latency models, failure kinds and\n"
		"parameters (with their defaults) that a spec may name.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "list"))
		return 2;
	if (argc > 1) {
		fprintf(stderr, "selsim list: unexpected argument '%s' "
			"(usage: selsim list)\n", argv[1]);
		return 2;
	}
	list_policies();
	list_dists();
	list_failures();
	list_params();
	list_own_params();
	list_backoff();
	return 0;
}
