/*
 * The K3s constants the model reads (K3S-MODEL.md), beside the policy's
 * parameters: the timeouts, retries and periods of the join flows, the
 * health checkers, etcd and systemd. Only the two constants a policy reads
 * stay in struct policy_params (dial_timeout, preferred_to_healthy): these
 * are not part of the plug-in ABI.
 *
 * Defaults are the K3s values; a spec sets them per policy
 * ("params": {"k3s": {"http_timeout": "5s"}}) and sweeps them, like the
 * policy parameters (the spec looks a name up here first, then in the
 * policy's table).
 */
#ifndef MODELS_K3S_PARAMS_H
#define MODELS_K3S_PARAMS_H

#include "sim/time.h"

#include <stddef.h>

/* From a request to the start of its dial pass through a node's LB: K3s's
 * LB dials only once it has accepted the client's loopback connection.
 * A selsim assumption (a loopback accept and a goroutine start: tens of
 * microseconds), not a K3s constant: it exists so that a client timeout
 * and the LB's dial timeout of equal length never end at the same
 * instant (the client gives up first, as in K3s). Not settable. */
#define LB_ACCEPT_DELAY (20 * SIM_US)

struct k3s_params {
	sim_time health_check_interval;	/* LB health-check loop: 1s */
	sim_time tcp_keepalive;		/* LB proxy keepalive: 30s (unread) */
	sim_time tunnel_reconnect;	/* tunnel reconnect delay: 3s */
	sim_time etcd_ping_min;		/* etcd /ping period, uniform [min, */
	sim_time etcd_ping_max;		/*   max): 5s, 10s */
	sim_time etcd_ping_timeout;	/* etcd /ping timeout: 1s */
	sim_time http_timeout;		/* HTTP client timeout: 10s */
	sim_time server_bootstrap_timeout; /* /v1-k3s/server-bootstrap: 15s */
	sim_time etcd_bootstrap_timeout; /* bootstrap data from etcd: 10s */
	sim_time token_retry;		/* token validation retry: 2s */
	sim_time config_retry_min;	/* agent config retry, uniform [min, */
	sim_time config_retry_max;	/*   max): 5s, 10s */
	sim_time etcd_health_retry;	/* etcd health test retry: 5s */
	sim_time restart_delay;		/* systemd restart delay: 5s */
	sim_time etcd_join_retry;	/* new etcd member: poll every 1s */
	sim_time etcd_join_timeout;	/* ... each try bounded by 20s */
	sim_time election_timeout;	/* etcd election timeout: 5s */
	sim_time heartbeat;		/* etcd heartbeat: 500ms */
	sim_time etcd_status_timeout;	/* each etcd health test: 30s */
	sim_time apiservers_poll;	/* agent apiserver list poll: 5s */
	sim_time tcp_syn_timeout;	/* a dial without a timeout: 127s */
	sim_time etcd_dial_timeout;	/* blocking etcd client connect: 5s */
	sim_time etcd_member_sync;	/* etcd LB member-list sync: 30s */
	/* after Ready (K3S-MODEL.md section 7; failover experiments) */
	sim_time http2_read_idle_timeout; /* client-go HTTP/2 ping after: 30s */
	sim_time http2_ping_timeout;	/* ... unanswered closes it: 15s */
	sim_time lease_renew_interval;	/* kubelet lease renewal period: 10s */
	sim_time lease_renew_jitter;	/* ... plus uniform [0, this): 400ms */
	sim_time lease_request_timeout;	/* each renewal request: 10s */
	sim_time lease_backoff_initial;	/* ensure-lease backoff start: 100ms */
	sim_time lease_backoff_max;	/* ... doubling up to: 7s */
	sim_time node_status_interval;	/* kubelet node status: 10s */
	sim_time watch_retry;		/* a broken watch re-lists after: 800ms */
	sim_time node_monitor_grace_period; /* lease age -> NotReady: 50s */
	sim_time node_monitor_period;	/* controller-manager check: 5s */
	sim_time kcm_lease_duration;	/* its leader lease: 15s */
	sim_time kcm_retry_period;	/* candidates retry: 2s */
	sim_time tunnel_ping_interval;	/* remotedialer ping: 5s */
	sim_time tunnel_ping_wait;	/* ... read deadline: 60s */
	/* the `kubernetes` EndpointSlice (K3S-MODEL.md section 7) */
	sim_time endpoint_reconcile_interval; /* apiserver endpoint lease
					 * renewal and slice update: 10s */
	sim_time endpoint_lease_ttl;	/* ... the lease's TTL: 15s */
	sim_time endpointslice_debounce; /* agent: slice event -> LB: 3s */
	/* the apiserver's etcd connection (control-plane-only servers) */
	sim_time apiserver_etcd_keepalive; /* gRPC keepalive ping after: 30s */
	sim_time apiserver_etcd_keepalive_timeout; /* ... unanswered: 10s */
	sim_time apiserver_etcd_dial_timeout; /* a connect gives up: 20s */
	sim_time etcd_grpc_backoff_base; /* gRPC reconnect backoff: 1s */
};

/*
 * Between one GET's end and the next GET of a sequence (/cacerts, the
 * agent's config fetch, K3S-MODEL 6.10, 6.15): K3s returns the error and
 * builds the next client (a new transport and TLS config) first. A selsim
 * assumption, a lower bound: it orders the next GET's LB pass after the
 * LB's dial that ends at the instant of the client timeout (http_timeout
 * = dial_timeout), as in K3s, whose LB dials only once it accepted the
 * client's connection. Not a spec key.
 */
#define K3S_GET_GAP (100 * SIM_US)

/* The K3s commit the model was read against (K3S-MODEL.md). */
#define K3S_MODEL_COMMIT "469d009fb"

/* Which K3S-MODEL.md rows the model follows, in words: "sections 1-5;
 * of section 6, rows 6.2, ...; not yet: ...". For `selsim list` and the
 * report. */
extern const char k3s_model_rows[];

/* One constant: its spec key, where it lives, its default and where the
 * default comes from. */
struct k3s_param_desc {
	const char *name;	/* spec key: "http_timeout" */
	size_t offset;		/* offsetof(struct k3s_params, field) */
	sim_time def;		/* the K3s value */
	const char *source;	/* K3s file (and line) of the default */
	const char *help;	/* one line */
};

/* Every constant, in the order of struct k3s_params. */
extern const struct k3s_param_desc k3s_param_descs[];
extern const size_t k3s_n_params;

/* Every field at its K3s default. */
void k3s_params_default(struct k3s_params *p);

/* The constant named @name, or NULL. */
const struct k3s_param_desc *k3s_param_find(const char *name);

/* The field @d names inside @p. */
sim_time *k3s_param_ref(struct k3s_params *p, const struct k3s_param_desc *d);

#endif
