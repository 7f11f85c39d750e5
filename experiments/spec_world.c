/*
 * The world of a spec: "topology" (AZs, regions, nodes and their references
 * to each other), "network" and "servers".
 */
#include "spec_internal.h"
#include "sim/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Lists of node names in messages stop after this many. */
#define LIST_MAX 16

/* ---- names of things, for messages ---- */

/* "etcd-1, etcd-2, ... (40 in all)": every node, or only the servers,
 * leaving out node @except (-1 for none). */
static const char *node_list(struct ctx *c, bool servers_only, int except)
{
	const struct world_config *w = &c->s->world;
	GString *s = g_string_new(NULL);
	size_t i, shown = 0, total = 0;

	for (i = 0; i < w->n_nodes; i++) {
		if (!w->nodes[i].name || (int)i == except ||
		    (servers_only && !role_is_server(w->nodes[i].role)))
			continue;
		total++;
		if (shown < LIST_MAX) {
			g_string_append_printf(s, "%s%s", shown ? ", " : "",
					       w->nodes[i].name);
			shown++;
		}
	}
	if (total > shown)
		g_string_append_printf(s, ", ... (%zu in all)", total);
	return jin_keep(&c->in, g_string_free(s, FALSE));
}

const char *spec__az_list(struct ctx *c)
{
	const struct world_config *w = &c->s->world;
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < w->n_azs && i < LIST_MAX; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       w->azs[i].name);
	if (w->n_azs > LIST_MAX)
		g_string_append_printf(s, ", ... (%zu in all)", w->n_azs);
	return jin_keep(&c->in, g_string_free(s, FALSE));
}

static const char *role_list(struct ctx *c)
{
	const char *names[ROLE_N + 1];
	int r;

	for (r = 0; r < ROLE_N; r++)
		names[r] = node_role_names[r];
	names[r] = NULL;
	return jin_join(&c->in, names);
}

/* The node named @name, skipping slots not filled yet. */
static int find_node(const struct world_config *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i].name && !strcmp(w->nodes[i].name, name))
			return (int)i;
	return -1;
}

int spec__find_az(const struct world_config *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n_azs; i++)
		if (w->azs[i].name && !strcmp(w->azs[i].name, name))
			return (int)i;
	return -1;
}

/* A node reference (a string naming a node) at the current path. */
static gboolean get_node(struct ctx *c, const cJSON *v, int *out)
{
	const char *name;

	if (!jin_get_string(&c->in, v, &name))
		return FALSE;
	*out = find_node(&c->s->world, name);
	if (*out < 0)
		return jin_fail(&c->in, "unknown node %s (nodes: %s)",
				jin_quote(&c->in, name),
				node_list(c, false, -1));
	return TRUE;
}

/*
 * A node name or, when @list_ok, also an array of distinct node names
 * (never empty). Fills a new array that the caller owns, even on failure.
 */
gboolean spec__get_nodes(struct ctx *c, const cJSON *v, bool single_ok,
			 int **out, size_t *n)
{
	const cJSON *e;
	size_t i = 0, j, m;

	*out = NULL;
	*n = 0;
	if (single_ok && cJSON_IsString(v)) {
		*out = g_new(int, 1);
		*n = 1;
		return get_node(c, v, *out);
	}
	if (!cJSON_IsArray(v))
		return jin_wrong_type(&c->in, v, single_ok ?
				      "a node name or an array of node names" :
				      "an array of node names");
	if (cJSON_GetArraySize(v) == 0)
		return jin_fail(&c->in,
				"an empty list (name at least one node)");
	*out = g_new(int, (size_t)cJSON_GetArraySize(v));
	cJSON_ArrayForEach(e, v) {
		m = jin_push_index(&c->in, i);
		if (!get_node(c, e, &(*out)[i]))
			return FALSE;
		for (j = 0; j < i; j++)
			if ((*out)[j] == (*out)[i])
				break;
		if (j < i)
			return jin_fail(&c->in, "node %s is listed twice",
					jin_quote(&c->in, e->valuestring));
		jin_pop(&c->in, m);
		*n = ++i;
	}
	return TRUE;
}

/* ---- the topology ---- */

static const char *const topology_keys[] = {
	"azs", "nodes", "server_address", NULL
};
static const char *const node_keys[] = {
	"name", "role", "az", "server", "server_address", "cache",
	"ca_on_disk", "up", "rtt", "startup", NULL
};

static gboolean parse_azs(struct ctx *c, const cJSON *v)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i = 0, r, m;

	if (!jin_check_object(&c->in, v, NULL))
		return FALSE;
	if (cJSON_GetArraySize(v) == 0)
		return jin_fail(&c->in, "no AZs (map each AZ name to its "
				"region, e.g. {\"a\": \"region-1\"})");
	w->n_azs = (size_t)cJSON_GetArraySize(v);
	w->azs = g_new0(struct az_config, w->n_azs);
	/* at most one region per AZ */
	w->regions = g_new0(char *, w->n_azs);
	for (e = v->child; e; e = e->next, i++) {
		const char *region;

		if (!*e->string)
			return jin_fail(&c->in, "an AZ name cannot be empty");
		m = jin_push_key(&c->in, e->string);
		if (!jin_get_string(&c->in, e, &region))
			return FALSE;
		if (!*region)
			return jin_fail(&c->in,
					"a region name cannot be empty");
		for (r = 0; r < w->n_regions; r++)
			if (!strcmp(w->regions[r], region))
				break;
		if (r == w->n_regions)
			w->regions[w->n_regions++] = g_strdup(region);
		w->azs[i].name = g_strdup(e->string);
		w->azs[i].region = (int)r;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

/* Pass 1 over a node: what other nodes may refer to (name, role, AZ). */
static gboolean parse_node_identity(struct ctx *c, const cJSON *v, size_t i)
{
	struct world_config *w = &c->s->world;
	struct node_config *n = &w->nodes[i];
	const cJSON *item;
	const char *str;
	size_t m;
	int r;

	if (!jin_check_object(&c->in, v, node_keys))
		return FALSE;

	item = jin_require(&c->in, v, "name", "the node's name, unique", &m);
	if (!item || !jin_get_name(&c->in, item, &str))
		return FALSE;
	if (find_node(w, str) >= 0)
		return jin_fail(&c->in, "node %s is defined twice (nodes[%d] "
				"has it too)", jin_quote(&c->in, str),
				find_node(w, str));
	n->name = g_strdup(str);
	jin_pop(&c->in, m);

	item = jin_member(v, "role");
	if (!item)
		return jin_missing(&c->in, "role", jin_keep(&c->in,
				   g_strdup_printf("one of %s", role_list(c))));
	m = jin_push_key(&c->in, "role");
	if (!jin_get_string(&c->in, item, &str))
		return FALSE;
	for (r = 0; r < ROLE_N; r++)
		if (!strcmp(node_role_names[r], str))
			break;
	if (r == ROLE_N)
		return jin_fail(&c->in, "unknown role %s (valid: %s)",
				jin_quote(&c->in, str), role_list(c));
	n->role = (node_role)r;
	jin_pop(&c->in, m);

	item = jin_member(v, "az");
	if (!item)
		return jin_missing(&c->in, "az", jin_keep(&c->in,
				   g_strdup_printf("one of the AZs: %s",
						   spec__az_list(c))));
	m = jin_push_key(&c->in, "az");
	if (!jin_get_string(&c->in, item, &str))
		return FALSE;
	n->az = spec__find_az(w, str);
	if (n->az < 0)
		return jin_fail(&c->in, "unknown AZ %s (azs: %s)",
				jin_quote(&c->in, str), spec__az_list(c));
	jin_pop(&c->in, m);
	return TRUE;
}

/* A reference to a server node by @i: a node that exists, is not @i
 * itself and is not an agent. */
static gboolean get_server_node(struct ctx *c, const cJSON *v, size_t i,
				int *out)
{
	const struct world_config *w = &c->s->world;

	if (!get_node(c, v, out))
		return FALSE;
	if ((size_t)*out == i)
		return jin_fail(&c->in, "%s is this node itself (name another "
				"server: %s)", jin_show(&c->in, v),
				node_list(c, true, (int)i));
	if (!role_is_server(w->nodes[*out].role))
		return jin_fail(&c->in, "%s is an agent (a server is a node "
				"whose role is etcd, control-plane or server: "
				"%s)", jin_show(&c->in, v),
				node_list(c, true, (int)i));
	return TRUE;
}

/* "server_address" of a node (@v) or of the topology: "ip" or "name"
 * (K3S-MODEL 6.6); absent leaves *@out alone. */
static gboolean opt_server_address(struct ctx *c, const cJSON *v,
				   server_address *out)
{
	const cJSON *item;
	size_t m;
	int k;

	item = jin_enter(&c->in, v, "server_address", &m);
	if (!item)
		return TRUE;
	if (!jin_get_choice(&c->in, item, server_address_names, &k))
		return FALSE;
	*out = (server_address)k;
	jin_pop(&c->in, m);
	return TRUE;
}

/* Pass 2 over a node: its references to others, flags and RTT; @addr is
 * the topology's server_address. */
static gboolean parse_node_links(struct ctx *c, const cJSON *v, size_t i,
				 int first_etcd, server_address addr)
{
	struct world_config *w = &c->s->world;
	struct node_config *n = &w->nodes[i];
	const cJSON *item, *e;
	size_t m, j, k;

	n->ca_on_disk = true;
	n->up = true;

	item = jin_enter(&c->in, v, "server", &m);
	if (item) {
		if (!get_server_node(c, item, i, &n->server))
			return FALSE;
		jin_pop(&c->in, m);
	} else if (n->role == ROLE_AGENT || n->role == ROLE_CONTROL_PLANE) {
		return jin_missing(&c->in, "server", jin_keep(&c->in,
			g_strdup_printf("%s node joins through a server: one "
					"of %s", n->role == ROLE_AGENT ?
					"an agent" : "a control-plane",
					node_list(c, true, (int)i))));
	} else {
		/* An etcd or server node without --server joins the first
		 * node that runs etcd; that node itself starts the cluster. */
		n->server = (size_t)first_etcd == i ? -1 : first_etcd;
	}
	n->server_address = addr;
	if (n->server < 0 && jin_enter(&c->in, v, "server_address", &m))
		return jin_fail(&c->in, "%s has no --server (it starts the "
				"cluster): drop the key, or give the node a "
				"\"server\"", jin_quote(&c->in, n->name));
	if (!opt_server_address(c, v, &n->server_address))
		return FALSE;

	item = jin_enter(&c->in, v, "cache", &m);
	if (item) {
		if (!cJSON_IsArray(item))
			return jin_wrong_type(&c->in, item,
					      "an array of server names");
		n->cache = g_new(int, (size_t)cJSON_GetArraySize(item) + 1);
		k = 0;
		cJSON_ArrayForEach(e, item) {
			size_t mm = jin_push_index(&c->in, k);

			if (!get_server_node(c, e, i, &n->cache[k]))
				return FALSE;
			for (j = 0; j < k; j++)
				if (n->cache[j] == n->cache[k])
					return jin_fail(&c->in,
							"%s is listed twice",
							jin_show(&c->in, e));
			n->n_cache = ++k;
			jin_pop(&c->in, mm);
		}
		jin_pop(&c->in, m);
	} else {
		n->cache = g_new(int, w->n_nodes);
		for (j = 0; j < w->n_nodes; j++)
			if (j != i && role_is_server(w->nodes[j].role))
				n->cache[n->n_cache++] = (int)j;
	}

	if (!jin_opt_bool(&c->in, v, "ca_on_disk", &n->ca_on_disk) ||
	    !jin_opt_bool(&c->in, v, "up", &n->up))
		return FALSE;
	if ((item = jin_enter(&c->in, v, "rtt", &m))) {
		if (!spec_get_dist(&c->in, item, &n->rtt))
			return FALSE;
		n->has_rtt = true;
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "startup", &m))) {
		if (!spec__parse_node_startup(c, item, n))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

static gboolean parse_nodes(struct ctx *c, const cJSON *v,
			    server_address addr)
{
	struct world_config *w = &c->s->world;
	const cJSON *e;
	size_t i, m, n_servers = 0;
	int first_etcd = -1;

	if (!cJSON_IsArray(v))
		return jin_wrong_type(&c->in, v, "an array of nodes");
	if (cJSON_GetArraySize(v) == 0)
		return jin_fail(&c->in, "no nodes (at least one is required)");
	if (cJSON_GetArraySize(v) > CONFIG_MAX_NODES)
		return jin_fail(&c->in, "%d nodes (at most %d)",
				cJSON_GetArraySize(v), CONFIG_MAX_NODES);
	w->n_nodes = (size_t)cJSON_GetArraySize(v);
	w->nodes = g_new0(struct node_config, w->n_nodes);

	i = 0;
	cJSON_ArrayForEach(e, v) {
		m = jin_push_index(&c->in, i);
		if (!parse_node_identity(c, e, i))
			return FALSE;
		jin_pop(&c->in, m);
		if (role_is_server(w->nodes[i].role))
			n_servers++;
		if (first_etcd < 0 && role_has_etcd(w->nodes[i].role))
			first_etcd = (int)i;
		i++;
	}
	if (first_etcd < 0)
		return jin_fail(&c->in, "no node runs etcd (at least one node "
				"needs role etcd or server)");
	if (n_servers > CONFIG_MAX_SERVERS)
		return jin_fail(&c->in, "%zu server nodes (at most %d: a load "
				"balancer tracks no more)", n_servers,
				CONFIG_MAX_SERVERS);

	i = 0;
	cJSON_ArrayForEach(e, v) {
		m = jin_push_index(&c->in, i);
		if (!parse_node_links(c, e, i, first_etcd, addr))
			return FALSE;
		jin_pop(&c->in, m);
		i++;
	}
	return TRUE;
}

gboolean spec__parse_topology(struct ctx *c, const cJSON *v)
{
	const cJSON *item;
	server_address addr = SERVER_ADDR_IP;
	size_t m;

	if (!jin_check_object(&c->in, v, topology_keys) ||
	    !opt_server_address(c, v, &addr))
		return FALSE;
	item = jin_require(&c->in, v, "azs", "an object mapping each AZ name "
			   "to its region, e.g. {\"a\": \"region-1\"}", &m);
	if (!item || !parse_azs(c, item))
		return FALSE;
	jin_pop(&c->in, m);
	item = jin_require(&c->in, v, "nodes", "an array of {\"name\", "
			   "\"role\", \"az\", ...}", &m);
	if (!item || !parse_nodes(c, item, addr))
		return FALSE;
	jin_pop(&c->in, m);
	return TRUE;
}

/* ---- network and servers ---- */

static const char *const network_keys[] = {
	"rtt", "loss", "tls_round_trips", "syn_retry", NULL
};
static const char *const servers_keys[] = {
	"workers", "queue", "service_time", NULL
};

gboolean spec__parse_network(struct ctx *c, const cJSON *v)
{
	struct network_config *net = &c->s->world.network;
	const char *rtt_keys[LINK_N_CLASSES + 1];
	const cJSON *item, *rtt;
	size_t m, mm;
	double x;
	int k;

	if (!jin_check_object(&c->in, v, network_keys))
		return FALSE;
	for (k = 0; k < LINK_N_CLASSES; k++)
		rtt_keys[k] = link_class_names[k];
	rtt_keys[k] = NULL;
	if ((rtt = jin_enter(&c->in, v, "rtt", &m))) {
		if (!jin_check_object(&c->in, rtt, rtt_keys))
			return FALSE;
		for (k = 0; k < LINK_N_CLASSES; k++) {
			item = jin_enter(&c->in, rtt, link_class_names[k], &mm);
			if (!item)
				continue;
			if (!spec_get_dist(&c->in, item, &net->rtt[k]))
				return FALSE;
			jin_pop(&c->in, mm);
		}
		jin_pop(&c->in, m);
	}
	if ((item = jin_enter(&c->in, v, "loss", &m))) {
		if (!jin_get_number(&c->in, item, &x))
			return FALSE;
		if (x < 0 || x >= 1)
			return jin_fail(&c->in,
					"%s is not a probability in [0, 1)",
					jin_show(&c->in, item));
		net->loss = x;
		jin_pop(&c->in, m);
	}
	x = net->tls_round_trips;
	if (!jin_opt_int(&c->in, v, "tls_round_trips", 0, 4, &x) ||
	    !jin_opt_positive_duration(&c->in, v, "syn_retry",
				       &net->syn_retry))
		return FALSE;
	net->tls_round_trips = (int)x;
	return TRUE;
}

gboolean spec__parse_servers(struct ctx *c, const cJSON *v)
{
	struct servers_config *sv = &c->s->world.servers;
	const cJSON *item;
	size_t m;
	double x;

	if (!jin_check_object(&c->in, v, servers_keys))
		return FALSE;
	x = sv->workers;
	if (!jin_opt_int(&c->in, v, "workers", 1, 1000000, &x))
		return FALSE;
	sv->workers = (int)x;
	x = sv->queue;
	if (!jin_opt_int(&c->in, v, "queue", 0, 1000000000, &x))
		return FALSE;
	sv->queue = (int)x;
	if ((item = jin_enter(&c->in, v, "service_time", &m))) {
		if (!spec_get_dist(&c->in, item, &sv->service_time))
			return FALSE;
		jin_pop(&c->in, m);
	}
	return TRUE;
}

