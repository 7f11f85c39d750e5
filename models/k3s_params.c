/*
 * The K3s constants of the model: the one table (name, slot, default,
 * source, help) and its look-ups. Contracts in k3s_params.h.
 */
#include "k3s_params.h"

#include <glib.h>
#include <string.h>

const char k3s_model_rows[] =
	"K3S-MODEL.md sections 1-5; of section 6 (corrections from a second "
	"reading), rows 6.2 (config check), 6.4 (one /ping counts once), "
	"6.6 (random order among equal servers, server_address), "
	"6.7 (re-sort only on changes), 6.12 (old LB pass ends with its "
	"dial context), 6.14 (etcd member list without "
	"learners) and 6.16 (etcd timing, leadership transfer on a graceful "
	"stop); not yet: 6.1, 6.3, 6.5, 6.8-6.11, 6.13, 6.15, 6.17";

#define K(field, def, src, help) \
	{ #field, offsetof(struct k3s_params, field), def, src, help }

const struct k3s_param_desc k3s_param_descs[] = {
	K(health_check_interval, 1 * SIM_S, "servers.go",
	  "LB health-check loop period"),
	K(tcp_keepalive, 30 * SIM_S, "httpproxy.go",
	  "an open connection to a vanished host is noticed after this long"),
	K(tunnel_reconnect, 3 * SIM_S, "tunnel.go",
	  "websocket tunnel reconnect delay"),
	K(etcd_ping_min, 5 * SIM_S, "etcdproxy.go",
	  "etcd LB /ping period: uniform from this"),
	K(etcd_ping_max, 10 * SIM_S, "etcdproxy.go", "... to this"),
	K(etcd_ping_timeout, 1 * SIM_S, "etcdproxy.go", "etcd LB /ping timeout"),
	K(http_timeout, 10 * SIM_S, "clientaccess/token.go",
	  "HTTP client timeout (covers TLS)"),
	K(server_bootstrap_timeout, 15 * SIM_S, "cluster/bootstrap.go",
	  "GET /v1-k3s/server-bootstrap timeout"),
	K(etcd_bootstrap_timeout, 10 * SIM_S, "cluster/storage.go",
	  "bootstrap data from etcd timeout"),
	K(token_retry, 2 * SIM_S, "clientaccess/token.go",
	  "agent token validation retry"),
	K(config_retry_min, 5 * SIM_S, "agent/config",
	  "agent config fetch retry: uniform from this"),
	K(config_retry_max, 10 * SIM_S, "agent/config", "... to this"),
	K(etcd_health_retry, 5 * SIM_S, "cluster",
	  "control-plane etcd health test retry"),
	K(restart_delay, 5 * SIM_S, "install.sh",
	  "systemd restart delay after a fatal error"),
	K(etcd_join_retry, 1 * SIM_S, "etcd join",
	  "a new etcd member retries joining this often"),
	K(etcd_join_timeout, 20 * SIM_S, "etcd join",
	  "each try of a new etcd member to join"),
	K(election_timeout, 5 * SIM_S, "pkg/etcd/etcd.go:1048",
	  "etcd election timeout (randomised to [1x, 2x))"),
	K(heartbeat, 500 * SIM_MS, "pkg/etcd/etcd.go:1049",
	  "etcd heartbeat interval"),
};

/* one row per field, every field a sim_time */
G_STATIC_ASSERT(G_N_ELEMENTS(k3s_param_descs) ==
		sizeof(struct k3s_params) / sizeof(sim_time));

const size_t k3s_n_params = G_N_ELEMENTS(k3s_param_descs);

void k3s_params_default(struct k3s_params *p)
{
	size_t i;

	for (i = 0; i < k3s_n_params; i++)
		*k3s_param_ref(p, &k3s_param_descs[i]) = k3s_param_descs[i].def;
}

const struct k3s_param_desc *k3s_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < k3s_n_params; i++)
		if (!strcmp(k3s_param_descs[i].name, name))
			return &k3s_param_descs[i];
	return NULL;
}

sim_time *k3s_param_ref(struct k3s_params *p, const struct k3s_param_desc *d)
{
	return (sim_time *)((char *)p + d->offset);
}
