/*
 * `selsim validate --explain`: the spec with every default filled in.
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The axis of @s that sets @d for policy @name, or NULL. */
static const struct spec_axis *axis_for(const struct spec *s,
					const char *name,
					const struct spec_const *d)
{
	size_t i;

	for (i = 0; i < s->n_axes; i++)
		if (!s->axes[i].world && s->axes[i].param == d &&
		    spec__axis_applies(&s->axes[i], name))
			return &s->axes[i];
	return NULL;
}

static void explain_policy(const struct spec *s, const struct spec_policy *sp,
			   FILE *out)
{
	struct policy_params def, cur = sp->params;
	struct k3s_params kdef, kcur = sp->k3s;
	const struct spec_const *d;
	char b1[SIM_TIME_FMT_LEN], b2[SIM_TIME_FMT_LEN];
	size_t i, j;

	policy_params_default(&def);
	k3s_params_default(&kdef);
	fprintf(out, "  %s%s: %s\n    join flow: %s\n", sp->ops->name,
		!strcmp(sp->ops->name, s->baseline) ? " (baseline)" : "",
		sp->ops->summary ? sp->ops->summary : "",
		sp->ops->flow == JOIN_FLOW_LEGACY ? "legacy (--server only)" :
						    "post-fix (through the LB)");
	for (i = 0; (d = spec_const_at(i)) != NULL; i++) {
		const struct spec_axis *a = axis_for(s, sp->ops->name, d);
		sim_time v = *spec_const_ref(d, &cur, &kcur);
		sim_time dv = *spec_const_ref(d, &def, &kdef);
		GString *mark = g_string_new(NULL);

		if (a) {
			g_string_append(mark, "swept:");
			for (j = 0; j < a->n_values; j++)
				g_string_append_printf(mark, "%s%s",
					j ? ", " : " ",
					sim_time_format(a->values[j], b1));
			g_string_append_printf(mark, " (default %s)",
					       sim_time_format(dv, b1));
		} else if (v != dv) {
			g_string_append_printf(mark, "set by the spec "
					       "(default %s)",
					       sim_time_format(dv, b1));
		} else {
			g_string_append(mark, "default");
		}
		fprintf(out, "    %-25s %-8s %s; from %s: %s\n", d->name,
			a ? "-" : sim_time_format(v, b2), mark->str,
			d->source, d->help);
		g_string_free(mark, TRUE);
	}
}

/* A distribution of plain numbers (counts, factors, probabilities). */
static void explain_number(const char *label, const struct dist *d, FILE *out)
{
	char *desc = dist_describe(d, false);

	fprintf(out, "    %-18s %s, mean %g\n", label, desc, dist_mean(d));
	g_free(desc);
}

static void explain_dist(const char *label, const struct dist *d, FILE *out)
{
	char *desc = dist_describe(d, true);
	GString *mean = g_string_new(NULL);

	spec__put_seconds(mean, dist_mean(d));
	fprintf(out, "    %-18s %s, mean %s\n", label, desc, mean->str);
	g_string_free(mean, TRUE);
	g_free(desc);
}

static void explain_topology(const struct world_config *w, FILE *out)
{
	size_t i, j;

	fprintf(out, "topology: %zu node%s in %zu AZ%s, %zu region%s\n",
		w->n_nodes, w->n_nodes == 1 ? "" : "s", w->n_azs,
		w->n_azs == 1 ? "" : "s", w->n_regions,
		w->n_regions == 1 ? "" : "s");
	for (i = 0; i < w->n_azs; i++)
		fprintf(out, "  az %s: region %s\n", w->azs[i].name,
			w->regions[w->azs[i].region]);
	for (i = 0; i < w->n_nodes; i++) {
		const struct node_config *n = &w->nodes[i];

		fprintf(out, "  node %s: role %s, az %s, server %s, cache [",
			n->name, node_role_names[n->role], w->azs[n->az].name,
			n->server >= 0 ? w->nodes[n->server].name :
					 "none (starts the cluster)");
		for (j = 0; j < n->n_cache; j++)
			fprintf(out, "%s%s", j ? ", " : "",
				w->nodes[n->cache[j]].name);
		fprintf(out, "]");
		if (n->server >= 0)
			fprintf(out, ", server_address %s",
				server_address_names[n->server_address]);
		fprintf(out, ", ca_on_disk %s, %s",
			n->ca_on_disk ? "true" : "false",
			n->up ? "up at 0s" : "down at 0s");
		if (n->has_rtt) {
			char *desc = dist_describe(&n->rtt, true);

			fprintf(out, ", rtt %s", desc);
			g_free(desc);
		}
		fputc('\n', out);
	}
	fprintf(out, "  server_address: ip = --server is the member's client "
		"URL host (the default server is promoted in place when the "
		"member list holds it; default, as K3s docs show --server "
		"https://<ip>:6443); name = a DNS name or VIP that never "
		"matches a member URL (the default stays STANDBY, last, and "
		"is never health-checked) (K3S-MODEL 6.6)\n");
}

static void explain_network(const struct world_config *w, FILE *out)
{
	char b[SIM_TIME_FMT_LEN];
	size_t i;

	fprintf(out, "network:\n");
	for (i = 0; i < LINK_N_CLASSES; i++) {
		char label[40];

		g_snprintf(label, sizeof(label), "rtt %s:",
			   link_class_names[i]);
		explain_dist(label, &w->network.rtt[i], out);
	}
	fprintf(out, "    loss %g, tls_round_trips %d, syn_retry %s\n",
		w->network.loss, w->network.tls_round_trips,
		sim_time_format(w->network.syn_retry, b));
	fprintf(out, "servers: workers %d, queue %d\n", w->servers.workers,
		w->servers.queue);
	explain_dist("service_time:", &w->servers.service_time, out);
}

static void explain_failures(const struct world_config *w, FILE *out)
{
	size_t i;

	fprintf(out, "failures: %zu\n", w->n_failures);
	for (i = 0; i < w->n_failures; i++) {
		char b[SIM_TIME_FMT_LEN];
		char *desc = spec_failure_describe(w, &w->failures[i]);

		fprintf(out, "  [%zu] at %s: %s\n", i,
			sim_time_format(w->failures[i].at, b), desc);
		g_free(desc);
	}
}

static void explain_random(const struct world_config *w, FILE *out)
{
	const struct random_config *rc = &w->random;
	size_t i;
	int k;

	fprintf(out, "random_failures: drawn per scenario from "
		"(seed, scenario)\n");
	explain_number("count (floor):", &rc->count, out);
	explain_dist("at:", &rc->at, out);
	fprintf(out, "  kinds (weight):");
	for (k = 0; k < FAIL_N_KINDS; k++)
		if (rc->weight[k] > 0)
			fprintf(out, " %s %g", failure_kind_names[k],
				rc->weight[k]);
	fprintf(out, "\n  nodes:");
	for (i = 0; i < rc->n_nodes; i++)
		fprintf(out, " %s", w->nodes[rc->nodes[i]].name);
	fprintf(out, "\n  azs:");
	for (i = 0; i < rc->n_azs; i++)
		fprintf(out, " %s", w->azs[rc->azs[i]].name);
	fprintf(out, "\n");
	if (rc->has_duration)
		explain_dist("duration:", &rc->duration, out);
	else
		fprintf(out, "  duration: none (failures last)\n");
	explain_number("factor (slow):", &rc->factor, out);
	explain_number("rate (loss):", &rc->rate, out);
	fprintf(out, "  one_way (partition): %g\n", rc->one_way);
	fprintf(out, "  a partition isolates: %s\n",
		rc->partition_az ? "an AZ" : "the target node");
}

static void explain_world(const struct world_config *w, FILE *out)
{
	explain_topology(w, out);
	explain_network(w, out);
	spec__explain_startup(w, out);
	explain_failures(w, out);
	if (w->random.enabled)
		explain_random(w, out);
}

void spec_explain(const struct spec *s, FILE *out)
{
	char b[SIM_TIME_FMT_LEN];
	size_t i, j, grid = spec_grid_size(s);

	fprintf(out, "spec: %s (%s)\n", s->name, s->file ? s->file : "-");
	if (s->description && *s->description)
		fprintf(out, "description: %s\n", s->description);
	fprintf(out, "seed: %" PRIu64 "\nscenarios: %d\ndeadline: %s\n",
		s->seed, s->scenarios, sim_time_format(s->world.deadline, b));
	fprintf(out, "baseline: %s\npolicies: %zu\n", s->baseline,
		s->n_policies);
	for (i = 0; i < s->n_policies; i++)
		explain_policy(s, &s->policies[i], out);
	explain_world(&s->world, out);

	fprintf(out, "sweep: %zu axes, %zu grid points\n", s->n_axes, grid);
	for (i = 0; i < s->n_axes; i++) {
		const struct spec_axis *a = &s->axes[i];

		if (a->world)
			fprintf(out, "  %s (the world, every policy):", a->key);
		else
			fprintf(out, "  %s (%s for %s):", a->key, a->name,
				a->policy ? a->policy : "every policy that "
							"has it");
		for (j = 0; j < a->n_values; j++) {
			if (a->labels)
				fprintf(out, "%s%s", j ? ", " : " ",
					a->labels[j]);
			else if (a->numeric)
				fprintf(out, "%s%g", j ? ", " : " ",
					a->numbers[j]);
			else
				fprintf(out, "%s%s", j ? ", " : " ",
					sim_time_format(a->values[j], b));
		}
		fputc('\n', out);
	}
	fprintf(out, "runs: %zu grid points x %zu policies x %d scenarios = "
		"%.0f\n", grid, s->n_policies, s->scenarios,
		(double)grid * (double)s->n_policies * s->scenarios);
}

