#include "config.h"

#include <glib.h>
#include <string.h>

const char *const node_role_names[ROLE_N] = {
	[ROLE_ETCD] = "etcd",
	[ROLE_CONTROL_PLANE] = "control-plane",
	[ROLE_SERVER] = "server",
	[ROLE_AGENT] = "agent",
};

const char *const server_address_names[SERVER_ADDR_N + 1] = {
	[SERVER_ADDR_IP] = "ip",
	[SERVER_ADDR_NAME] = "name",
	[SERVER_ADDR_N] = NULL,
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

const struct startup_phase_info startup_phase_info[STARTUP_N] = {
	[STARTUP_PROCESS] = { "process", "every role",
		"(re)start to the first dial: binary, config, certificates, "
		"local load balancers",
		"selsim assumption (no public measurement found)" },
	[STARTUP_ETCD] = { "etcd", "etcd, server",
		"etcd member start: WAL replay, backend open, raft start "
		"(then the wait for a leader and one heartbeat)",
		"range from K3s journals: k3s-io/k3s#6679 (starting an etcd "
		"server -> restarting local member, 0.13 s), etcd-io/etcd#14514 "
		"(730 MB backend recovered -> member restarting, 0.19 s), "
		"k3s-io/k3s#2765 (backend opened -> store recovered, 5.7 s); "
		"the median is a selsim assumption" },
	[STARTUP_APISERVER] = { "apiserver", "control-plane, server",
		"etcd ready to apiserver serving; only then the node serves "
		"/v1-k3s/config, server-bootstrap and the apiserver list",
		"projectcalico/kube-controllers#331 (apiserver start -> "
		"serving, 15-18 s), kubernetes/kubernetes#65239 "
		"(sample-apiserver start in CI, 7-28 s, median about 12 s); "
		"median 10 s and sigma are a selsim assumption in that range" },
	[STARTUP_KUBELET] = { "kubelet", "agent, control-plane, server",
		"containerd, kubelet start and node registration to Ready "
		"(an etcd-only server's kubelet is not modelled: Ready when "
		"its member serves)",
		"selsim assumption (no public measurement found)" },
};

void startup_config_default(struct startup_config *s)
{
	/* lognormal(median, sigma): see startup_phase_info for why */
	s->phase[STARTUP_PROCESS] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 1.0, 0.5 } };
	s->phase[STARTUP_ETCD] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 2.0, 0.6 } };
	s->phase[STARTUP_APISERVER] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 10.0, 0.4 } };
	s->phase[STARTUP_KUBELET] = (struct dist){
		.kind = DIST_LOGNORMAL, .p = { 5.0, 0.5 } };
}

const struct dist *world_config_startup(const struct world_config *c,
					int node, startup_phase k)
{
	const struct node_config *n = &c->nodes[node];

	return n->startup_set[k] ? &n->startup.phase[k] : &c->startup.phase[k];
}

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
	startup_config_default(&c->startup);
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
	int k;

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
		for (k = 0; k < STARTUP_N; k++)
			dist_release(&c->nodes[i].startup.phase[k]);
	}
	for (k = 0; k < STARTUP_N; k++)
		dist_release(&c->startup.phase[k]);
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
