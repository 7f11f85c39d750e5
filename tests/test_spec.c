/*
 * The spec loader: a good spec gives the right values (defaults included),
 * and every kind of bad spec gives one line naming the file, the JSON path
 * and what would be valid.
 *
 * Specs are written with single quotes for readability; json() turns them
 * into double quotes (no test spec needs an apostrophe).
 */
#include "experiments/spec.h"
#include "sim/error.h"
#include "test.h"

#include <glib.h>
#include <stdio.h>

#define FILE_NAME "t.json"

/* Single-quoted JSON to real JSON; caller frees. */
static char *json(const char *text)
{
	char *s = g_strdup(text), *p;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static gboolean parse(const char *text, struct spec *s, GError **err)
{
	char *j = json(text);
	gboolean ok = spec_parse(FILE_NAME, j, s, err);

	g_free(j);
	return ok;
}

static const char good_spec[] =
	"{ 'name': 'good.one-1', 'description': 'd', 'seed': 42,"
	"  'scenarios': 10, 'deadline': '5m',"
	"  'policies': ['k3s-legacy', 'k3s', 'k3s-shuffle'],"
	"  'topology': {"
	"    'azs': { 'a': 'r1', 'b': 'r1', 'c': 'r2' },"
	"    'nodes': ["
	"      { 'name': 'e1', 'role': 'etcd', 'az': 'a' },"
	"      { 'name': 'e2', 'role': 'etcd', 'az': 'b' },"
	"      { 'name': 's1', 'role': 'server', 'az': 'c', 'server': 'e2',"
	"        'cache': ['e2', 'e1'], 'ca_on_disk': false, 'rtt': '2ms' },"
	"      { 'name': 'c1', 'role': 'control-plane', 'az': 'a',"
	"        'server': 's1', 'up': false },"
	"      { 'name': 'ag', 'role': 'agent', 'az': 'c', 'server': 'c1',"
	"        'cache': [] } ] },"
	"  'network': { 'rtt': { 'cross_region': { 'dist': 'empirical',"
	"                 'samples': ['30ms', 0.01, '20ms'] } },"
	"               'loss': 0.01, 'tls_round_trips': 1, 'syn_retry': '3s' },"
	"  'servers': { 'workers': 2, 'queue': 10,"
	"               'service_time': { 'dist': 'gamma', 'shape': 2,"
	"                                 'scale': '1ms' } },"
	"  'failures': ["
	"    { 'at': 0, 'stop': 'e1' },"
	"    { 'at': '1s', 'crash': ['e2', 's1'],"
	"      'duration': { 'dist': 'exponential', 'mean': '30s' } },"
	"    { 'at': '2s', 'rolling_restart': ['c1', 'ag'] },"
	"    { 'at': '3s', 'az_outage': 'b', 'duration': '1m' },"
	"    { 'at': '4s', 'partition': 'e1', 'from': ['e2'], 'one_way': true },"
	"    { 'at': '5s', 'partition': ['ag'] },"
	"    { 'at': '6s', 'slow': 's1', 'factor': 3 },"
	"    { 'at': '7s', 'loss': 'ag', 'rate': 0.2, 'duration': 10 },"
	"    { 'at': '5m', 'rolling_restart': ['e2'], 'wait': 'ready',"
	"      'interval': { 'dist': 'weibull', 'shape': 1.5, 'scale': '10s' } }"
	"  ],"
	"  'params': { 'k3s': { 'dial_timeout': '5s' },"
	"              '*': { 'dial_timeout': '7s', 'health_check_interval': '2s' } },"
	"  'sweep': { 'k3s-shuffle.tcp_keepalive': ['10s', '20s'],"
	"             'token_retry': ['1s', '2s', '3s'] } }";

static void test_good_spec(void)
{
	struct spec s;
	struct world_config *w;
	struct policy_params p;
	struct k3s_params k;
	GError *err = NULL;
	gboolean ok = parse(good_spec, &s, &err);

	if (!ok)
		TEST_FAIL("good spec rejected: %s", err->message);
	w = &s.world;
	ASSERT_STR_EQ(s.file, FILE_NAME);
	ASSERT_STR_EQ(s.name, "good.one-1");
	ASSERT_STR_EQ(s.description, "d");
	ASSERT_EQ(s.seed, 42);
	ASSERT_EQ(s.scenarios, 10);
	ASSERT_EQ(w->deadline, 5 * SIM_MIN);

	/* policies, in order; the baseline is k3s because it runs */
	ASSERT_EQ(s.n_policies, 3);
	ASSERT_STR_EQ(s.policies[0].ops->name, "k3s-legacy");
	ASSERT_STR_EQ(s.policies[1].ops->name, "k3s");
	ASSERT_STR_EQ(s.policies[2].ops->name, "k3s-shuffle");
	ASSERT_STR_EQ(s.baseline, "k3s");
	ASSERT_EQ(spec_policy_index(&s, "k3s-shuffle"), 2);
	ASSERT_EQ(spec_policy_index(&s, "nope"), -1);
	/* "*" first, then the policy's own object on top */
	ASSERT_EQ(s.policies[0].params.dial_timeout, 7 * SIM_S);
	ASSERT_EQ(s.policies[1].params.dial_timeout, 5 * SIM_S);
	ASSERT_EQ(s.policies[2].params.dial_timeout, 7 * SIM_S);
	ASSERT_EQ(s.policies[1].k3s.health_check_interval, 2 * SIM_S);
	ASSERT_EQ(s.policies[1].k3s.tcp_keepalive, 30 * SIM_S);

	/* AZs and regions, in order of first appearance */
	ASSERT_EQ(w->n_azs, 3);
	ASSERT_EQ(w->n_regions, 2);
	ASSERT_STR_EQ(w->regions[0], "r1");
	ASSERT_STR_EQ(w->regions[1], "r2");
	ASSERT_STR_EQ(w->azs[2].name, "c");
	ASSERT_EQ(w->azs[1].region, 0);
	ASSERT_EQ(w->azs[2].region, 1);

	/* nodes */
	ASSERT_EQ(w->n_nodes, 5);
	ASSERT_EQ(w->nodes[0].role, ROLE_ETCD);
	ASSERT_EQ(w->nodes[2].role, ROLE_SERVER);
	ASSERT_EQ(w->nodes[3].role, ROLE_CONTROL_PLANE);
	ASSERT_EQ(w->nodes[4].role, ROLE_AGENT);
	ASSERT_EQ(w->nodes[4].az, 2);
	ASSERT_EQ(w->nodes[0].server, -1);	/* the first etcd node */
	ASSERT_EQ(w->nodes[1].server, 0);	/* default: the first etcd node */
	ASSERT_EQ(w->nodes[2].server, 1);
	ASSERT_EQ(w->nodes[3].server, 2);
	ASSERT_EQ(w->nodes[4].server, 3);
	/* cache default: every non-agent node but itself, in spec order */
	ASSERT_EQ(w->nodes[0].n_cache, 3);
	ASSERT_EQ(w->nodes[0].cache[0], 1);
	ASSERT_EQ(w->nodes[0].cache[1], 2);
	ASSERT_EQ(w->nodes[0].cache[2], 3);
	ASSERT_EQ(w->nodes[2].n_cache, 2);
	ASSERT_EQ(w->nodes[2].cache[0], 1);
	ASSERT_EQ(w->nodes[2].cache[1], 0);
	ASSERT_EQ(w->nodes[4].n_cache, 0);
	ASSERT(w->nodes[0].ca_on_disk && w->nodes[0].up);
	ASSERT(!w->nodes[2].ca_on_disk);
	ASSERT(!w->nodes[3].up);
	ASSERT(w->nodes[2].has_rtt && !w->nodes[0].has_rtt);
	ASSERT_EQ(w->nodes[2].rtt.kind, DIST_CONSTANT);
	ASSERT_NEAR(w->nodes[2].rtt.p[0], 2e-3, 1e-15);

	/* network: defaults kept where the spec says nothing */
	ASSERT_EQ(w->network.rtt[LINK_SAME_AZ].kind, DIST_LOGNORMAL);
	ASSERT_NEAR(w->network.rtt[LINK_SAME_AZ].p[0], 250e-6, 1e-15);
	ASSERT_EQ(w->network.rtt[LINK_CROSS_REGION].kind, DIST_EMPIRICAL);
	ASSERT_EQ(w->network.rtt[LINK_CROSS_REGION].n_samples, 3);
	ASSERT_NEAR(w->network.rtt[LINK_CROSS_REGION].samples[0], 0.01, 1e-15);
	ASSERT_NEAR(w->network.rtt[LINK_CROSS_REGION].samples[1], 0.02, 1e-15);
	ASSERT_NEAR(w->network.rtt[LINK_CROSS_REGION].samples[2], 0.03, 1e-15);
	ASSERT_NEAR(w->network.loss, 0.01, 1e-15);
	ASSERT_EQ(w->network.tls_round_trips, 1);
	ASSERT_EQ(w->network.syn_retry, 3 * SIM_S);
	ASSERT_EQ(w->servers.workers, 2);
	ASSERT_EQ(w->servers.queue, 10);
	ASSERT_EQ(w->servers.service_time.kind, DIST_GAMMA);
	ASSERT_NEAR(w->servers.service_time.p[0], 2, 0);
	ASSERT_NEAR(w->servers.service_time.p[1], 1e-3, 1e-15);

	/* failures */
	ASSERT_EQ(w->n_failures, 9);
	ASSERT_EQ(w->failures[0].kind, FAIL_STOP);
	ASSERT_EQ(w->failures[0].at, 0);
	ASSERT_EQ(w->failures[0].n_nodes, 1);
	ASSERT_EQ(w->failures[0].nodes[0], 0);
	ASSERT(!w->failures[0].has_duration);
	ASSERT_EQ(w->failures[1].kind, FAIL_CRASH);
	ASSERT_EQ(w->failures[1].n_nodes, 2);
	ASSERT_EQ(w->failures[1].nodes[1], 2);
	ASSERT(w->failures[1].has_duration);
	ASSERT_EQ(w->failures[1].duration.kind, DIST_EXPONENTIAL);
	ASSERT_NEAR(w->failures[1].duration.p[0], 30, 0);
	ASSERT_EQ(w->failures[2].kind, FAIL_ROLLING_RESTART);
	ASSERT_EQ(w->failures[2].interval.kind, DIST_CONSTANT);
	ASSERT_NEAR(w->failures[2].interval.p[0], 30, 0);
	ASSERT(!w->failures[2].wait_ready);
	ASSERT_EQ(w->failures[3].kind, FAIL_AZ_OUTAGE);
	ASSERT_EQ(w->failures[3].az, 1);
	ASSERT_NEAR(w->failures[3].duration.p[0], 60, 0);
	ASSERT_EQ(w->failures[4].kind, FAIL_PARTITION);
	ASSERT_EQ(w->failures[4].n_peers, 1);
	ASSERT_EQ(w->failures[4].peers[0], 1);
	ASSERT(w->failures[4].one_way);
	ASSERT(w->failures[5].peers == NULL && !w->failures[5].one_way);
	ASSERT_EQ(w->failures[6].kind, FAIL_SLOW);
	ASSERT_NEAR(w->failures[6].factor, 3, 0);
	ASSERT_EQ(w->failures[7].kind, FAIL_LOSS);
	ASSERT_NEAR(w->failures[7].loss, 0.2, 0);
	ASSERT_NEAR(w->failures[7].duration.p[0], 10, 0);
	ASSERT_EQ(w->failures[8].at, 5 * SIM_MIN);	/* = deadline: fine */
	ASSERT(w->failures[8].wait_ready);
	ASSERT_EQ(w->failures[8].interval.kind, DIST_WEIBULL);

	/* the sweep and the grid */
	ASSERT_EQ(s.n_axes, 2);
	ASSERT_STR_EQ(s.axes[0].key, "k3s-shuffle.tcp_keepalive");
	ASSERT_STR_EQ(s.axes[0].policy, "k3s-shuffle");
	ASSERT_STR_EQ(s.axes[0].param->name, "tcp_keepalive");
	ASSERT_EQ(s.axes[0].n_values, 2);
	ASSERT_EQ(s.axes[0].values[1], 20 * SIM_S);
	ASSERT(s.axes[1].policy == NULL);
	ASSERT_STR_EQ(s.axes[1].param->name, "token_retry");
	ASSERT_EQ(s.axes[1].n_values, 3);
	ASSERT_EQ(spec_grid_size(&s), 6);
	/* point 5: first axis index 1, second axis index 2 */
	spec_point_params(&s, 2, 5, &p, &k);
	ASSERT_EQ(k.tcp_keepalive, 20 * SIM_S);
	ASSERT_EQ(k.token_retry, 3 * SIM_S);
	ASSERT_EQ(p.dial_timeout, 7 * SIM_S);
	spec_point_params(&s, 1, 5, &p, &k);	/* k3s: not swept on keepalive */
	ASSERT_EQ(k.tcp_keepalive, 30 * SIM_S);
	ASSERT_EQ(k.token_retry, 3 * SIM_S);
	spec_point_params(&s, 2, 0, &p, &k);
	ASSERT_EQ(k.tcp_keepalive, 10 * SIM_S);
	ASSERT_EQ(k.token_retry, 1 * SIM_S);
	spec_release(&s);
	ASSERT(s.name == NULL && s.world.nodes == NULL);
}

/* The smallest spec: every default. */
static void test_defaults(void)
{
	struct spec s;
	struct policy_params def;
	struct k3s_params kdef;
	GError *err = NULL;

	if (!parse("{ 'name': 'x', 'topology': { 'azs': { 'a': 'r' },"
		   "  'nodes': [ { 'name': 'n', 'role': 'server', 'az': 'a' } ] } }",
		   &s, &err))
		TEST_FAIL("%s", err->message);
	policy_params_default(&def);
	ASSERT_EQ(s.seed, 1);
	ASSERT_EQ(s.scenarios, 1000);
	ASSERT_EQ(s.world.deadline, 10 * SIM_MIN);
	ASSERT_EQ(s.n_policies, 1);
	ASSERT_STR_EQ(s.policies[0].ops->name, "k3s");
	ASSERT_STR_EQ(s.baseline, "k3s");
	ASSERT(!memcmp(&s.policies[0].params, &def, sizeof(def)));
	k3s_params_default(&kdef);
	ASSERT(!memcmp(&s.policies[0].k3s, &kdef, sizeof(kdef)));
	ASSERT_STR_EQ(s.description, "");
	ASSERT_EQ(s.world.nodes[0].server, -1);
	ASSERT_EQ(s.world.nodes[0].n_cache, 0);
	ASSERT_EQ(s.world.n_failures, 0);
	ASSERT_EQ(s.world.servers.workers, 4);
	ASSERT_EQ(s.world.servers.queue, 1000);
	ASSERT_EQ(s.world.network.tls_round_trips, 2);
	ASSERT_EQ(s.world.network.syn_retry, SIM_S);
	ASSERT_EQ(s.n_axes, 0);
	ASSERT_EQ(spec_grid_size(&s), 1);
	spec_release(&s);
}

/* A topology the bad specs share: nodes[0] e1 etcd, [1] e2 etcd, [2] c1
 * control-plane, [3] ag agent. */
#define NODES \
	"{ 'name': 'e1', 'role': 'etcd', 'az': 'a' }," \
	"{ 'name': 'e2', 'role': 'etcd', 'az': 'b', 'server': 'e1' }," \
	"{ 'name': 'c1', 'role': 'control-plane', 'az': 'a', 'server': 'e1' }," \
	"{ 'name': 'ag', 'role': 'agent', 'az': 'b', 'server': 'e1' }"
#define TOPO "'topology': { 'azs': { 'a': 'r1', 'b': 'r1' }, 'nodes': [" \
	NODES "] }"
/* A spec with the shared topology and @rest as further members. */
#define SPEC(rest) "{ 'name': 't', " TOPO ", " rest " }"
/* A spec whose topology has @extra as a fifth node. */
#define SPEC_NODE(extra) "{ 'name': 't', 'topology': { 'azs': { 'a': 'r1', " \
	"'b': 'r1' }, 'nodes': [" NODES ", " extra "] } }"
#define RTT(d) SPEC("'network': { 'rtt': { 'same_az': " d " } }")
#define FAILURE(f) SPEC("'failures': [ " f " ]")

static const struct bad_case {
	const char *json;	/* single-quoted */
	const char *path;	/* after "t.json: ", or NULL at the top level */
	const char *what;	/* a part of the message */
} bad[] = {
	/* unknown keys, at every level */
	{ SPEC("'seeds': 1"), NULL,
	  "unknown key 'seeds' (valid: name, description, seed," },
	{ "{ 'name': 't', 'topology': { 'azs': { 'a': 'r' }, 'nodez': [] } }",
	  "topology",
	  "unknown key 'nodez' (valid: azs, nodes, server_address)" },
	{ SPEC_NODE("{ 'name': 'x', 'rol': 'agent', 'az': 'a' }"),
	  "topology.nodes[4]", "unknown key 'rol' (valid: name, role, az, "
	  "server, server_address, cache, ca_on_disk, up, rtt, startup)" },
	{ SPEC("'network': { 'latency': 1 }"), "network",
	  "unknown key 'latency' (valid: rtt, loss, tls_round_trips, syn_retry)" },
	{ SPEC("'network': { 'rtt': { 'same_zone': '1ms' } }"), "network.rtt",
	  "unknown key 'same_zone' (valid: same_az, cross_az, cross_region)" },
	{ SPEC("'servers': { 'threads': 4 }"), "servers",
	  "unknown key 'threads' (valid: workers, queue, service_time)" },
	/* start-up phases: top level and per node */
	{ SPEC("'startup': { 'boot': '1s' }"), "startup",
	  "unknown key 'boot' (valid: process, etcd, apiserver, kubelet)" },
	{ SPEC("'startup': 5"), "startup",
	  "expected an object of start-up phases (process, etcd, apiserver, "
	  "kubelet)" },
	{ SPEC("'startup': { 'etcd': { 'dist': 'uniform', 'min': '1s' } }"),
	  "startup.etcd.max", "missing" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'agent', 'az': 'a', 'server': "
		    "'c1', 'startup': { 'kubelet': '-1s' } }"),
	  "topology.nodes[4].startup.kubelet", "cannot be negative" },
	{ FAILURE("{ 'when': '1s', 'stop': 'e1' }"), "failures[0]",
	  "unknown key 'when' (valid: at, stop, start," },
	{ FAILURE("{ 'at': '1s', 'stop': 'e1', 'factor': 2 }"), "failures[0]",
	  "unknown key 'factor' for a stop failure (valid: at, stop, duration)" },
	{ RTT("{ 'dist': 'uniform', 'min': '1ms', 'max': '2ms', 'sigma': 1 }"),
	  "network.rtt.same_az",
	  "unknown key 'sigma' for a uniform distribution (valid: dist, min, max)" },
	{ SPEC("'params': { 'k3s': { 'dial_timout': '1s' } }"), "params.k3s",
	  "unknown parameter 'dial_timout' (valid: dial_timeout," },
	{ SPEC("'seed': 1, 'seed': 2"), NULL, "duplicate key 'seed'" },

	/* the topology */
	{ "{ 'name': 't', 'topology': { 'azs': { 'a': 'r' }, 'nodes': ["
	  "{ 'name': 'n', 'role': 'etcd-only', 'az': 'a' } ] } }",
	  "topology.nodes[0].role", "unknown role 'etcd-only' (valid: etcd, "
	  "control-plane, server, agent)" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'z' }"),
	  "topology.nodes[4].az", "unknown AZ 'z' (azs: a, b)" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', 'server': 'e9' }"),
	  "topology.nodes[4].server", "unknown node 'e9' (nodes: e1, e2, c1, ag, x)" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'agent', 'az': 'a', 'server': 'ag' }"),
	  "topology.nodes[4].server", "'ag' is an agent (a server is a node "
	  "whose role is etcd, control-plane or server: e1, e2, c1)" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', 'server': 'x' }"),
	  "topology.nodes[4].server", "'x' is this node itself" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'agent', 'az': 'a' }"),
	  "topology.nodes[4].server", "missing (required: an agent node joins "
	  "through a server: one of e1, e2, c1)" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'control-plane', 'az': 'a' }"),
	  "topology.nodes[4].server", "missing (required: a control-plane" },
	{ SPEC_NODE("{ 'name': 'e2', 'role': 'etcd', 'az': 'a' }"),
	  "topology.nodes[4].name", "node 'e2' is defined twice (nodes[1]" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', 'cache': ['ag'] }"),
	  "topology.nodes[4].cache[0]", "'ag' is an agent" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', "
		    "'cache': ['e1', 'e1'] }"),
	  "topology.nodes[4].cache[1]", "'e1' is listed twice" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', 'up': 'yes' }"),
	  "topology.nodes[4].up", "expected true or false, got a string ('yes')" },
	{ SPEC_NODE("{ 'name': 'x', 'role': 'etcd', 'az': 'a', 'rtt': [1] }"),
	  "topology.nodes[4].rtt", "expected a duration or a distribution" },
	{ SPEC_NODE("{ 'role': 'etcd', 'az': 'a' }"),
	  "topology.nodes[4].name", "missing (required: the node's name" },
	{ "{ 'name': 't', 'topology': { 'azs': {}, 'nodes': [] } }",
	  "topology.azs", "no AZs" },
	{ "{ 'name': 't', 'topology': { 'azs': { 'a': 'r' }, 'nodes': {} } }",
	  "topology.nodes", "expected an array of nodes, got an object ({})" },
	{ "{ 'name': 't', 'topology': { 'azs': { 'a': 'r' }, 'nodes': ["
	  "{ 'name': 'c', 'role': 'control-plane', 'az': 'a' } ] } }",
	  "topology.nodes", "no node runs etcd" },
	{ "{ 'name': 't' }", "topology", "missing (required:" },

	/* durations and distributions */
	{ SPEC("'deadline': '10'"), "deadline", "'10': missing unit" },
	{ SPEC("'deadline': '-1s'"), "deadline",
	  "'-1s': a duration cannot be negative" },
	{ SPEC("'deadline': '5d'"), "deadline", "'5d': unknown unit" },
	{ SPEC("'deadline': true"), "deadline", "expected a duration" },
	{ SPEC("'deadline': '0s'"), "deadline", "must be longer than 0" },
	{ RTT("{ 'dist': 'lognorml', 'median': '1ms', 'sigma': 0.3 }"),
	  "network.rtt.same_az.dist", "unknown distribution 'lognorml' "
	  "(known: constant, uniform, normal, lognormal, gamma, weibull, "
	  "pareto, exponential, empirical)" },
	{ RTT("{ 'dist': 'lognormal', 'median': '1ms', 'sigma': -0.3 }"),
	  "network.rtt.same_az.sigma", "sigma must be >= 0 (got lognormal(" },
	{ RTT("{ 'dist': 'lognormal', 'median': '1ms' }"),
	  "network.rtt.same_az.sigma",
	  "missing (required: a lognormal distribution takes median, sigma)" },
	{ RTT("{ 'dist': 'lognormal', 'median': '1ms', 'sigma': '1s' }"),
	  "network.rtt.same_az.sigma", "expected a number, got a string ('1s')" },
	{ RTT("{ 'median': '1ms' }"), "network.rtt.same_az.dist", "missing" },
	{ RTT("{ 'dist': 'empirical', 'samples': [] }"),
	  "network.rtt.same_az.samples", "no samples" },
	{ RTT("{ 'dist': 'empirical', 'samples': ['1ms', 'x'] }"),
	  "network.rtt.same_az.samples[1]", "'x'" },
	{ FAILURE("{ 'at': '1s', 'crash': 'e1', 'duration': "
		  "{ 'dist': 'uniform', 'min': '2s', 'max': '1s' } }"),
	  "failures[0].duration.max", "max must be >= min" },

	/* network and servers */
	{ SPEC("'network': { 'loss': 1 }"), "network.loss",
	  "1 is not a probability in [0, 1)" },
	{ SPEC("'network': { 'tls_round_trips': 5 }"), "network.tls_round_trips",
	  "5 is not an integer from 0 to 4" },
	{ SPEC("'servers': { 'workers': 0 }"), "servers.workers",
	  "0 is not an integer from 1 to" },

	/* failures */
	{ FAILURE("{ 'at': '1s', 'stop': 'e9' }"), "failures[0].stop",
	  "unknown node 'e9' (nodes: e1, e2, c1, ag)" },
	{ FAILURE("{ 'at': '1s', 'rolling_restart': ['e1', 'x'] }"),
	  "failures[0].rolling_restart[1]", "unknown node 'x'" },
	{ FAILURE("{ 'at': '1s', 'rolling_restart': 'e1' }"),
	  "failures[0].rolling_restart",
	  "expected an array of node names, got a string ('e1')" },
	{ FAILURE("{ 'at': '1s', 'restart': [] }"), "failures[0].restart",
	  "an empty list" },
	{ FAILURE("{ 'at': '1s', 'stop': 'e1', 'crash': 'e2' }"), "failures[0]",
	  "two failure kinds, 'stop' and 'crash' (a failure has exactly one of: "
	  "stop, start, restart, crash, rolling_restart, az_outage, partition, "
	  "slow, loss)" },
	{ FAILURE("{ 'at': '1s' }"), "failures[0]", "no failure kind" },
	{ FAILURE("{ 'stop': 'e1' }"), "failures[0].at", "missing" },
	{ FAILURE("{ 'at': '11m', 'stop': 'e1' }"), "failures[0].at",
	  "'11m' is after the deadline (10m" },
	{ FAILURE("{ 'at': '1s', 'partition': ['e1', 'e2'], 'from': 'e2' }"),
	  "failures[0].from", "node 'e2' is on both sides of the partition" },
	{ FAILURE("{ 'at': '1s', 'slow': 'e1' }"), "failures[0].factor",
	  "missing (required: the service-time multiplier" },
	{ FAILURE("{ 'at': '1s', 'slow': 'e1', 'factor': 0.5 }"),
	  "failures[0].factor", "0.5 is not a number from 1 to 1000" },
	{ FAILURE("{ 'at': '1s', 'loss': 'e1', 'rate': 1.5 }"),
	  "failures[0].rate", "1.5 is not a probability in [0, 1)" },
	{ FAILURE("{ 'at': '1s', 'rolling_restart': ['e1'], 'wait': 'always' }"),
	  "failures[0].wait", "unknown value 'always' (valid: ready, none)" },
	{ FAILURE("{ 'at': '1s', 'az_outage': 'q' }"), "failures[0].az_outage",
	  "unknown AZ 'q' (azs: a, b)" },
	{ SPEC("'failures': {}"), "failures", "expected an array of failures" },

	/* policies, params, sweep */
	{ SPEC("'policies': ['k3s', 'k3z']"), "policies[1]",
	  "unknown policy 'k3z' (known: k3s, k3s-legacy, k3s-shuffle, " },
	{ SPEC("'policies': ['k3s', 'k3s']"), "policies[1]",
	  "policy 'k3s' is listed twice" },
	{ SPEC("'policies': []"), "policies", "no policies" },
	{ SPEC("'policies': ['k3s'], 'baseline': 'k3s-legacy'"), "baseline",
	  "'k3s-legacy' is not in policies (the baseline is one of: k3s)" },
	{ SPEC("'params': { 'k3s-shuffle': { 'dial_timeout': '1s' } }"),
	  "params.k3s-shuffle",
	  "policy 'k3s-shuffle' is not in policies (this spec runs: k3s)" },
	{ SPEC("'params': { 'k3z': {} }"), "params.k3z", "unknown policy 'k3z'" },
	{ SPEC("'params': { '*': { 'dial_timeout': '0s' } }"),
	  "params.*.dial_timeout", "must be longer than 0" },
	{ SPEC("'params': { 'k3s': { 'etcd_ping_min': '20s' } }"), "params.k3s",
	  "etcd_ping_min (20s) is more than etcd_ping_max (10s)" },
	{ SPEC("'sweep': { 'k3s.dial_timout': ['1s'] }"),
	  "sweep.k3s.dial_timout", "unknown parameter 'dial_timout'" },
	{ SPEC("'sweep': { 'k3z.dial_timeout': ['1s'] }"),
	  "sweep.k3z.dial_timeout", "unknown policy 'k3z'" },
	{ SPEC("'sweep': { 'dial_timeout': [] }"), "sweep.dial_timeout",
	  "no values" },
	{ SPEC("'sweep': { 'dial_timeout': ['1s', '1000ms'] }"),
	  "sweep.dial_timeout[1]", "'1000ms' is listed twice" },
	{ SPEC("'sweep': { 'dial_timeout': ['1s'], 'k3s.dial_timeout': ['2s'] }"),
	  "sweep.k3s.dial_timeout", "sweeps dial_timeout for policy k3s" },

	/* top-level values and types */
	{ "{ " TOPO " }", "name", "missing (required:" },
	{ "{ 'name': 'a b', " TOPO " }", "name", "'a b' is not a usable name" },
	{ SPEC("'seed': '1'"), "seed", "expected an integer from 0 to "
	  "9007199254740991, got a string ('1')" },
	{ SPEC("'seed': -1"), "seed", "-1 is not an integer" },
	{ SPEC("'scenarios': 0"), "scenarios",
	  "0 is not an integer from 1 to 100000000" },
	{ SPEC("'scenarios': 2.5"), "scenarios", "2.5 is not an integer" },
	{ SPEC("'description': 3"), "description",
	  "expected a string, got a number (3)" },
	{ "[]", NULL, "expected an object, got an array ([])" },

	/* not JSON */
	{ "{\n  'name': 't',\n  'seed': ,\n}", NULL,
	  "line 3, column 11: invalid JSON" },
	{ "{} x", NULL, "line 1, column 4: invalid JSON" },
	{ "", NULL, "line 1, column 1: invalid JSON" },
};

static void test_bad_specs(void)
{
	size_t i;

	ASSERT_GE(G_N_ELEMENTS(bad), 40);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		const struct bad_case *b = &bad[i];
		struct spec s;
		GError *err = NULL;
		char *prefix;

		if (parse(b->json, &s, &err))
			TEST_FAIL("case %zu (%s): accepted", i, b->what);
		ASSERT(err != NULL);
		ASSERT_EQ(err->domain, SIM_ERROR);
		ASSERT_EQ(err->code, SIM_ERROR_INPUT);
		/* released: nothing left behind */
		ASSERT(s.name == NULL && s.policies == NULL &&
		       s.world.nodes == NULL && s.file == NULL);
		prefix = b->path ? g_strdup_printf(FILE_NAME ": %s: ", b->path)
				 : g_strdup(FILE_NAME ": ");
		if (strncmp(err->message, prefix, strlen(prefix)))
			TEST_FAIL("case %zu: message does not start with "
				  "\"%s\": \"%s\"", i, prefix, err->message);
		if (!strstr(err->message, b->what))
			TEST_FAIL("case %zu: message lacks \"%s\": \"%s\"", i,
				  b->what, err->message);
		if (strchr(err->message, '\n'))
			TEST_FAIL("case %zu: more than one line: \"%s\"", i,
				  err->message);
		g_free(prefix);
		g_error_free(err);
	}
}

/* Control characters in a bad value are escaped: still one line. */
static void test_one_line(void)
{
	struct spec s;
	GError *err = NULL;

	ASSERT(!spec_parse(FILE_NAME, "{\"name\": \"a\\nb\"}", &s, &err));
	ASSERT_STR_CONTAINS(err->message, "'a\\nb'");
	ASSERT(!strchr(err->message, '\n'));
	g_error_free(err);
	err = NULL;
	ASSERT(!spec_parse(FILE_NAME, "{\"name\": \"\xff\"}", &s, &err));
	ASSERT_STR_CONTAINS(err->message, "line 1, column 11: invalid UTF-8");
	g_error_free(err);
}

static void test_load(void)
{
	const char *path = "experiments/specs/first-etcd-down.json";
	struct spec s;
	struct world_config *w;
	GError *err = NULL;
	size_t i;

	if (!spec_load(path, &s, &err))
		TEST_FAIL("%s", err->message);
	w = &s.world;
	ASSERT_STR_EQ(s.name, "first-etcd-down");
	ASSERT_STR_EQ(s.file, path);
	ASSERT_EQ(s.n_policies, 3);
	ASSERT_STR_EQ(s.baseline, "k3s");
	ASSERT_EQ(w->n_nodes, 6);
	ASSERT_EQ(w->n_regions, 1);
	ASSERT_EQ(w->nodes[0].server, -1);
	for (i = 1; i < w->n_nodes; i++)
		ASSERT_EQ(w->nodes[i].server, 0);
	ASSERT_EQ(w->nodes[5].role, ROLE_AGENT);
	ASSERT_EQ(w->nodes[5].n_cache, 5);
	ASSERT_EQ(w->n_failures, 2);
	ASSERT_EQ(w->failures[1].kind, FAIL_ROLLING_RESTART);
	ASSERT_EQ(w->failures[1].n_nodes, 5);
	ASSERT_EQ(w->failures[1].interval.kind, DIST_UNIFORM);
	ASSERT_NEAR(w->failures[1].interval.p[0], 20, 0);
	ASSERT_NEAR(w->failures[1].interval.p[1], 40, 0);
	ASSERT_EQ(w->servers.service_time.kind, DIST_EXPONENTIAL);
	spec_release(&s);

	ASSERT(!spec_load("tests/no-such-spec.json", &s, &err));
	ASSERT_EQ(err->code, SIM_ERROR_IO);
	ASSERT_STR_EQ(err->message, "tests/no-such-spec.json: cannot read: "
		      "No such file or directory");
	g_error_free(err);
}

static void test_select_policies(void)
{
	struct spec s;
	GError *err = NULL;

	if (!parse(good_spec, &s, &err))
		TEST_FAIL("%s", err->message);
	ASSERT(!spec_select_policies(&s, "k3s,nope", &err));
	ASSERT_EQ(err->code, SIM_ERROR_INPUT);
	ASSERT_STR_CONTAINS(err->message, FILE_NAME ": ");
	ASSERT_STR_CONTAINS(err->message, "'nope'");
	ASSERT_STR_CONTAINS(err->message, "k3s-legacy, k3s, k3s-shuffle");
	g_error_free(err);
	err = NULL;
	ASSERT(!spec_select_policies(&s, "k3s,k3s", &err));
	g_error_free(err);
	err = NULL;
	ASSERT_EQ(s.n_policies, 3);	/* unchanged by a failed selection */

	ASSERT(spec_select_policies(&s, "k3s-shuffle, k3s-legacy", &err));
	ASSERT_EQ(s.n_policies, 2);
	ASSERT_STR_EQ(s.policies[0].ops->name, "k3s-shuffle");
	ASSERT_STR_EQ(s.policies[1].ops->name, "k3s-legacy");
	ASSERT_STR_EQ(s.baseline, "k3s-shuffle");	/* k3s was dropped */
	ASSERT_EQ(s.policies[1].params.dial_timeout, 7 * SIM_S);
	ASSERT_EQ(s.n_axes, 2);

	ASSERT(spec_select_policies(&s, "k3s-legacy", &err));
	ASSERT_EQ(s.n_policies, 1);
	ASSERT_STR_EQ(s.baseline, "k3s-legacy");
	ASSERT_EQ(s.n_axes, 1);		/* the k3s-shuffle axis is gone */
	ASSERT_STR_EQ(s.axes[0].key, "token_retry");
	ASSERT_EQ(spec_grid_size(&s), 3);
	spec_release(&s);
}

/* The K3s constants as a spec sees them: the policy's two, then the
 * model's, each found by name, documented, with its K3s default, and the
 * two tables disjoint. */
static void test_k3s_constants(void)
{
	static const struct {
		const char *name;
		sim_time want;
		bool model;
	} rows[] = {
		{ "dial_timeout", 10 * SIM_S, false },
		{ "preferred_to_healthy", 1 * SIM_MIN, false },
		{ "health_check_interval", 1 * SIM_S, true },
		{ "tcp_keepalive", 30 * SIM_S, true },
		{ "tunnel_reconnect", 3 * SIM_S, true },
		{ "etcd_ping_min", 5 * SIM_S, true },
		{ "etcd_ping_max", 10 * SIM_S, true },
		{ "etcd_ping_timeout", 1 * SIM_S, true },
		{ "http_timeout", 10 * SIM_S, true },
		{ "server_bootstrap_timeout", 15 * SIM_S, true },
		{ "etcd_bootstrap_timeout", 10 * SIM_S, true },
		{ "token_retry", 2 * SIM_S, true },
		{ "config_retry_min", 5 * SIM_S, true },
		{ "config_retry_max", 10 * SIM_S, true },
		{ "etcd_health_retry", 5 * SIM_S, true },
		{ "restart_delay", 5 * SIM_S, true },
		{ "etcd_join_retry", 1 * SIM_S, true },
		{ "etcd_join_timeout", 20 * SIM_S, true },
		{ "election_timeout", 5 * SIM_S, true },
		{ "heartbeat", 500 * SIM_MS, true },
		{ "etcd_status_timeout", 30 * SIM_S, true },
		{ "apiservers_poll", 5 * SIM_S, true },
		{ "tcp_syn_timeout", 127 * SIM_S, true },
		{ "etcd_dial_timeout", 5 * SIM_S, true },
		{ "etcd_member_sync", 30 * SIM_S, true },
		{ "http2_read_idle_timeout", 30 * SIM_S, true },
		{ "http2_ping_timeout", 15 * SIM_S, true },
		{ "lease_renew_interval", 10 * SIM_S, true },
		{ "lease_renew_jitter", 400 * SIM_MS, true },
		{ "lease_request_timeout", 10 * SIM_S, true },
		{ "lease_backoff_initial", 100 * SIM_MS, true },
		{ "lease_backoff_max", 7 * SIM_S, true },
		{ "node_status_interval", 10 * SIM_S, true },
		{ "watch_retry", 800 * SIM_MS, true },
		{ "node_monitor_grace_period", 50 * SIM_S, true },
		{ "node_monitor_period", 5 * SIM_S, true },
		{ "kcm_lease_duration", 15 * SIM_S, true },
		{ "kcm_retry_period", 2 * SIM_S, true },
		{ "tunnel_ping_interval", 5 * SIM_S, true },
		{ "tunnel_ping_wait", 60 * SIM_S, true },
		{ "endpoint_reconcile_interval", 10 * SIM_S, true },
		{ "endpoint_lease_ttl", 15 * SIM_S, true },
		{ "endpointslice_debounce", 3 * SIM_S, true },
		{ "apiserver_etcd_keepalive", 30 * SIM_S, true },
		{ "apiserver_etcd_keepalive_timeout", 10 * SIM_S, true },
		{ "apiserver_etcd_dial_timeout", 20 * SIM_S, true },
		{ "etcd_grpc_backoff_base", 1 * SIM_S, true },
	};
	struct policy_params p;
	struct k3s_params k;
	const struct spec_const *c;
	size_t i;

	policy_params_default(&p);
	k3s_params_default(&k);
	for (i = 0; i < G_N_ELEMENTS(rows); i++) {
		c = spec_const_find(rows[i].name);
		if (!c)
			TEST_FAIL("no constant \"%s\"", rows[i].name);
		ASSERT_EQ(c->model != NULL, rows[i].model);
		ASSERT_EQ(c->policy == NULL, rows[i].model);
		ASSERT(c->source && c->source[0] && c->help && c->help[0]);
		ASSERT_EQ(*spec_const_ref(c, &p, &k), rows[i].want);
	}
	for (i = 0; spec_const_at(i); i++)
		;
	ASSERT_EQ(i, G_N_ELEMENTS(rows));
	ASSERT_EQ(i, policy_n_params + k3s_n_params);
	for (i = 0; i < k3s_n_params; i++)
		ASSERT(policy_param_find(k3s_param_descs[i].name) == NULL);
	ASSERT(spec_const_find("nope") == NULL);
	/* by field, so a descriptor pointing at the wrong one shows */
	ASSERT_EQ(k.heartbeat, 500 * SIM_MS);
	ASSERT_EQ(k.health_check_interval, 1 * SIM_S);
}

static void test_explain(void)
{
	struct spec s;
	GError *err = NULL;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (!parse(good_spec, &s, &err))
		TEST_FAIL("%s", err->message);
	f = open_memstream(&text, &len);
	ASSERT(f != NULL);
	spec_explain(&s, f);
	fclose(f);
	for (i = 0; i < policy_n_params; i++)
		ASSERT_STR_CONTAINS(text, policy_param_descs[i].name);
	for (i = 0; i < k3s_n_params; i++)
		ASSERT_STR_CONTAINS(text, k3s_param_descs[i].name);
	ASSERT_STR_CONTAINS(text, "good.one-1");
	ASSERT_STR_CONTAINS(text, "seed: 42");
	ASSERT_STR_CONTAINS(text, "k3s-shuffle");
	ASSERT_STR_CONTAINS(text, "set by the spec (default 10s)");
	ASSERT_STR_CONTAINS(text, "swept: 10s, 20s");
	ASSERT_STR_CONTAINS(text, "httpproxy.go");
	ASSERT_STR_CONTAINS(text, "node s1: role server, az c, server e2, "
			    "cache [e2, e1]");
	ASSERT_STR_CONTAINS(text, "rtt same_az:");
	ASSERT_STR_CONTAINS(text, "lognormal(median=250us, sigma=0.3)");
	ASSERT_STR_CONTAINS(text, "rolling restart of c1, ag, 30s apart");
	ASSERT_STR_CONTAINS(text, "6 grid points");
	free(text);
	spec_release(&s);
}

static void test_failure_describe(void)
{
	struct spec s;
	GError *err = NULL;
	char *d;

	if (!parse(good_spec, &s, &err))
		TEST_FAIL("%s", err->message);
	d = spec_failure_describe(&s.world, &s.world.failures[0]);
	ASSERT_STR_EQ(d, "stop e1");
	g_free(d);
	d = spec_failure_describe(&s.world, &s.world.failures[4]);
	ASSERT_STR_CONTAINS(d, "partition e1 from e2 (one way");
	g_free(d);
	d = spec_failure_describe(&s.world, &s.world.failures[7]);
	ASSERT_STR_EQ(d, "lose 20% of SYNs to and from ag, for 10s");
	g_free(d);
	ASSERT_STR_CONTAINS(spec_failure_usage(FAIL_SLOW), "factor");
	spec_release(&s);
}

int main(void)
{
	printf("test_spec\n");
	TEST_RUN(test_good_spec);
	TEST_RUN(test_defaults);
	TEST_RUN(test_bad_specs);
	TEST_RUN(test_one_line);
	TEST_RUN(test_load);
	TEST_RUN(test_select_policies);
	TEST_RUN(test_k3s_constants);
	TEST_RUN(test_explain);
	TEST_RUN(test_failure_describe);
	return 0;
}
