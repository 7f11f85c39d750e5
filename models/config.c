#include "config.h"

#include <glib.h>
#include <string.h>

const char *const node_role_names[ROLE_N] = {
	[ROLE_ETCD] = "etcd",
	[ROLE_CONTROL_PLANE] = "control-plane",
	[ROLE_SERVER] = "server",
	[ROLE_AGENT] = "agent",
};

const char *const link_class_names[LINK_N_CLASSES] = {
	[LINK_SAME_AZ] = "same_az",
	[LINK_CROSS_AZ] = "cross_az",
	[LINK_CROSS_REGION] = "cross_region",
};

const char *const failure_kind_names[FAIL_N_KINDS] = {
	[FAIL_STOP] = "stop",
	[FAIL_START] = "start",
	[FAIL_RESTART] = "restart",
	[FAIL_CRASH] = "crash",
	[FAIL_ROLLING_RESTART] = "rolling_restart",
	[FAIL_AZ_OUTAGE] = "az_outage",
	[FAIL_PARTITION] = "partition",
	[FAIL_SLOW] = "slow",
	[FAIL_LOSS] = "loss",
};

const char *const failure_kind_summaries[FAIL_N_KINDS] = {
	[FAIL_STOP] = "stop a node's process; its host still answers (dials are refused)",
	[FAIL_START] = "start a node (its host too, if down); it joins and becomes Ready",
	[FAIL_RESTART] = "stop and start a node's process at once; it joins again",
	[FAIL_CRASH] = "take a node's host down: dials to it vanish until their timeout",
	[FAIL_ROLLING_RESTART] = "restart nodes one by one, an interval apart (optionally waiting for Ready)",
	[FAIL_AZ_OUTAGE] = "make every host of an AZ unreachable, for a duration or for good",
	[FAIL_PARTITION] = "drop traffic between two groups of nodes, both ways or one way",
	[FAIL_SLOW] = "a gray failure: multiply a server's service time by a factor",
	[FAIL_LOSS] = "lose SYNs to and from a node with a probability (retransmits after 1, 2, 4 s ...)",
};

void world_config_init(struct world_config *c)
{
	memset(c, 0, sizeof(*c));
	/* Published figures: same-AZ RTT about 0.1 to 0.4 ms, cross-AZ about
	 * 0.5 to 1.5 ms (AWS, GCP and Azure latency reports); cross-region
	 * tens of milliseconds. Lognormal with sigma 0.3 keeps about 95% of
	 * draws within a factor 1.8 of the median. */
	c->network.rtt[LINK_SAME_AZ] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 250e-6, 0.3 } };
	c->network.rtt[LINK_CROSS_AZ] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 1e-3, 0.3 } };
	c->network.rtt[LINK_CROSS_REGION] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 40e-3, 0.3 } };
	c->network.loss = 0;
	c->network.tls_round_trips = 2;
	c->network.syn_retry = SIM_S;
	c->servers.workers = 4;
	c->servers.queue = 1000;
	c->servers.service_time = (struct dist){
		.kind = DIST_EXPONENTIAL, .p = { 2e-3, 0 } };
	c->deadline = 10 * SIM_MIN;
	c->failover = false;
	c->kcm_leader = -1;
}

static void release_failure(struct failure_config *f)
{
	g_free(f->nodes);
	g_free(f->peers);
	dist_release(&f->duration);
	dist_release(&f->interval);
}

void world_config_release(struct world_config *c)
{
	size_t i;

	for (i = 0; i < c->n_azs; i++)
		g_free(c->azs[i].name);
	g_free(c->azs);
	for (i = 0; i < c->n_regions; i++)
		g_free(c->regions[i]);
	g_free(c->regions);
	for (i = 0; i < c->n_nodes; i++) {
		g_free(c->nodes[i].name);
		g_free(c->nodes[i].cache);
		dist_release(&c->nodes[i].rtt);
	}
	g_free(c->nodes);
	for (i = 0; i < LINK_N_CLASSES; i++)
		dist_release(&c->network.rtt[i]);
	dist_release(&c->servers.service_time);
	for (i = 0; i < c->n_failures; i++)
		release_failure(&c->failures[i]);
	g_free(c->failures);
	g_free(c->random.nodes);
	g_free(c->random.azs);
	dist_release(&c->random.count);
	dist_release(&c->random.at);
	dist_release(&c->random.duration);
	dist_release(&c->random.factor);
	dist_release(&c->random.rate);
	memset(c, 0, sizeof(*c));
}

int world_config_find_node(const struct world_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].name, name))
			return (int)i;
	return -1;
}

link_class world_config_link_class(const struct world_config *c, int a, int b)
{
	int az_a = c->nodes[a].az, az_b = c->nodes[b].az;

	if (az_a == az_b)
		return LINK_SAME_AZ;
	if (c->azs[az_a].region == c->azs[az_b].region)
		return LINK_CROSS_AZ;
	return LINK_CROSS_REGION;
}
