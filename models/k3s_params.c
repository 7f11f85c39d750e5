/*
 * The K3s constants of the model: the one table (name, slot, default,
 * source, help) and its look-ups. Contracts in k3s_params.h.
 */
#include "k3s_params.h"

#include <glib.h>
#include <string.h>

const char k3s_model_rows[] =
	"K3S-MODEL.md sections 1-5; of section 6 (corrections from a second "
	"reading), rows 6.1 (blocking etcd client connect, 5 s), 6.2 (config "
	"check), 6.3 (etcd LB checks only after /db/info or the member sync), "
	"6.4 (one /ping counts once), 6.5 (agent tunnels and apiserver list "
	"after the config), 6.6 (random order among equal servers at every "
	"start; server_address ip|name), 6.7 (re-sort only on changes), "
	"6.8 (etcd health "
	"test: 30 s each, 5 s after a failure), 6.9 (etcd member restart "
	"tries server-bootstrap first), 6.10 (/cacerts = up to 3 GETs), 6.11 "
	"(the pre-fix flow's order), 6.12 (the old LB's pass ends with its "
	"10 s dial context), 6.13 (tunnel dial: kernel SYN limit; "
	"ping deadline), 6.14 (etcd member list without learners), 6.15 (one "
	"LB pass per GET), 6.16 (etcd timing, leadership transfer on a "
	"graceful stop) and selsim's 6.17 (server-bootstrap answered from "
	"disk when the datastore read fails); process start-up phases";

#define K(field, def, src, help) \
	{ #field, offsetof(struct k3s_params, field), def, src, help }

const struct k3s_param_desc k3s_param_descs[] = {
	K(health_check_interval, 1 * SIM_S, "servers.go",
	  "LB health-check loop period"),
	K(tcp_keepalive, 30 * SIM_S, "httpproxy.go",
	  "the LB proxy's TCP keepalive (not read by the model since row "
	  "6.13: tunnels use tunnel_ping_interval and tunnel_ping_wait)"),
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
	K(etcd_health_retry, 5 * SIM_S, "pkg/executor/embed/embed.go:368-381",
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
	K(etcd_status_timeout, 30 * SIM_S, "pkg/etcd/etcd.go:63,1450",
	  "each control-plane etcd health test (Status) may take this long"),
	K(apiservers_poll, 5 * SIM_S, "pkg/agent/config/config.go:104",
	  "agent: GET /v1-k3s/apiservers retried this often "
	  "(WaitForAPIServers)"),
	K(tcp_syn_timeout, 127 * SIM_S, "tunnel.go:373 (no timeout): Linux "
	  "tcp_syn_retries 6 = 1+2+...+64 s",
	  "a tunnel dial gives up after the kernel's SYN retries"),
	K(etcd_dial_timeout, 5 * SIM_S, "pkg/etcd/store/store.go:68",
	  "the bootstrap read's etcd client connects (WithBlock) within this, "
	  "then its 10 s Get starts"),
	K(etcd_member_sync, 30 * SIM_S, "pkg/cluster/managed.go:113",
	  "etcd LB member-list sync period (the first after /db/info)"),
	K(http2_read_idle_timeout, 30 * SIM_S,
	  "apimachinery pkg/util/net/http.go:147-192",
	  "client-go HTTP/2: no frame read for this long sends a ping"),
	K(http2_ping_timeout, 15 * SIM_S,
	  "apimachinery pkg/util/net/http.go:147-192",
	  "client-go HTTP/2: an unanswered ping closes the connection after"),
	K(lease_renew_interval, 10 * SIM_S,
	  "component-helpers lease/controller.go (0.25 x 40s lease)",
	  "kubelet node lease renewal period"),
	K(lease_renew_jitter, 400 * SIM_MS,
	  "component-helpers lease/controller.go (jitter 0.04)",
	  "kubelet lease renewal period plus uniform [0, this)"),
	K(lease_request_timeout, 10 * SIM_S,
	  "component-helpers lease/controller.go:148",
	  "each lease request times out after"),
	K(lease_backoff_initial, 100 * SIM_MS,
	  "component-helpers lease/controller.go backoffEnsureLease",
	  "after 5 failed updates, lease GETs back off from this, doubling"),
	K(lease_backoff_max, 7 * SIM_S,
	  "component-helpers lease/controller.go:42-44",
	  "... up to this"),
	K(node_status_interval, 10 * SIM_S,
	  "k3s pkg/daemons/agent/agent.go:185-186",
	  "kubelet node status period (one GET, 10 s timeout)"),
	K(watch_retry, 800 * SIM_MS, "client-go tools/cache/reflector.go",
	  "a broken watch re-lists after this"),
	K(node_monitor_grace_period, 50 * SIM_S,
	  "kube-controller-manager (Kubernetes 1.32+, PR #126287)",
	  "a node whose lease is older than this becomes NotReady"),
	K(node_monitor_period, 5 * SIM_S, "kube-controller-manager",
	  "the node lifecycle controller checks leases this often"),
	K(kcm_lease_duration, 15 * SIM_S, "kube-controller-manager",
	  "controller-manager leader lease: a crashed leader is replaced after"),
	K(kcm_retry_period, 2 * SIM_S, "kube-controller-manager",
	  "a stopped leader (lease released) is replaced after"),
	K(tunnel_ping_interval, 5 * SIM_S, "remotedialer types.go:6",
	  "agent tunnel pings (each resets the read deadline)"),
	K(tunnel_ping_wait, 60 * SIM_S, "remotedialer types.go:7",
	  "agent tunnel read deadline: a silent server ends the tunnel"),
	K(endpoint_reconcile_interval, 10 * SIM_S,
	  "kubernetes pkg/controlplane/instance.go "
	  "(DefaultEndpointReconcilerInterval)",
	  "each apiserver renews its endpoint lease and updates the "
	  "`kubernetes` EndpointSlice this often"),
	K(endpoint_lease_ttl, 15 * SIM_S,
	  "kubernetes pkg/controlplane/instance.go "
	  "(DefaultEndpointReconcilerTTL)",
	  "an apiserver's endpoint lease expires this long after its "
	  "last renewal"),
	K(endpointslice_debounce, 3 * SIM_S,
	  "k3s pkg/agent/tunnel/tunnel.go:47 (endpointDebounceDelay)",
	  "an agent gives its LB the new server list this long after the "
	  "last EndpointSlice event"),
	K(apiserver_etcd_keepalive, 30 * SIM_S,
	  "kubernetes apiserver storagebackend/factory/etcd3.go:63-69 "
	  "(keepaliveTime)",
	  "the apiserver's etcd connection pings after this long silent"),
	K(apiserver_etcd_keepalive_timeout, 10 * SIM_S,
	  "kubernetes apiserver storagebackend/factory/etcd3.go:63-69 "
	  "(keepaliveTimeout)",
	  "... and closes when the ping is unanswered this long"),
	K(apiserver_etcd_dial_timeout, 20 * SIM_S,
	  "kubernetes apiserver storagebackend/factory/etcd3.go:63-69 "
	  "(dialTimeout)",
	  "the apiserver's etcd connection gives a dial pass up after this"),
	K(etcd_grpc_backoff_base, 1 * SIM_S,
	  "grpc-go backoff.DefaultConfig (BaseDelay; x1.6 per failure, "
	  "up to 120 s)",
	  "the apiserver's etcd connection re-dials after a failed pass"),
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
