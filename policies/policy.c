/* The policy registry, the parameter table, and the wrappers the core
 * calls policies through. */
#include "policy.h"
#include "plugin.h"
#include "registry.h"
#include "sim/error.h"

#include <stddef.h>
#include <string.h>

#define P(field, src, help) \
	{ #field, PARAM_DURATION, offsetof(struct policy_params, field), src, help }

const struct param_desc policy_param_descs[] = {
	P(dial_timeout, "httpproxy.go", "LB dial timeout per server"),
	P(health_check_interval, "servers.go", "LB health-check loop period"),
	P(preferred_to_healthy, "servers.go",
	  "a PREFERRED server becomes HEALTHY after a health check this long after its last transition"),
	P(tcp_keepalive, "httpproxy.go",
	  "an open connection to a vanished host is noticed after this long"),
	P(tunnel_reconnect, "tunnel.go", "websocket tunnel reconnect delay"),
	P(etcd_ping_min, "etcdproxy.go", "etcd LB /ping period: uniform from this"),
	P(etcd_ping_max, "etcdproxy.go", "... to this"),
	P(etcd_ping_timeout, "etcdproxy.go", "etcd LB /ping timeout"),
	P(http_timeout, "clientaccess/token.go", "HTTP client timeout (covers TLS)"),
	P(server_bootstrap_timeout, "cluster/bootstrap.go",
	  "GET /v1-k3s/server-bootstrap timeout"),
	P(etcd_bootstrap_timeout, "cluster/storage.go",
	  "bootstrap data from etcd timeout"),
	P(token_retry, "clientaccess/token.go", "agent token validation retry"),
	P(config_retry_min, "agent/config", "agent config fetch retry: uniform from this"),
	P(config_retry_max, "agent/config", "... to this"),
	P(etcd_health_retry, "cluster", "control-plane etcd health test retry"),
	P(restart_delay, "install.sh", "systemd restart delay after a fatal error"),
	P(etcd_join_retry, "etcd join", "a new etcd member retries joining this often"),
	P(etcd_join_timeout, "etcd join", "each try of a new etcd member to join"),
	P(election_timeout, "etcd defaults",
	  "etcd election timeout (randomised to [1x, 2x))"),
	P(heartbeat, "etcd defaults", "etcd heartbeat interval"),
};

const size_t policy_n_params = G_N_ELEMENTS(policy_param_descs);

void policy_params_default(struct policy_params *p)
{
	*p = (struct policy_params){
		.dial_timeout = 10 * SIM_S,
		.health_check_interval = 1 * SIM_S,
		.preferred_to_healthy = 1 * SIM_MIN,
		.tcp_keepalive = 30 * SIM_S,
		.tunnel_reconnect = 3 * SIM_S,
		.etcd_ping_min = 5 * SIM_S,
		.etcd_ping_max = 10 * SIM_S,
		.etcd_ping_timeout = 1 * SIM_S,
		.http_timeout = 10 * SIM_S,
		.server_bootstrap_timeout = 15 * SIM_S,
		.etcd_bootstrap_timeout = 10 * SIM_S,
		.token_retry = 2 * SIM_S,
		.config_retry_min = 5 * SIM_S,
		.config_retry_max = 10 * SIM_S,
		.etcd_health_retry = 5 * SIM_S,
		.restart_delay = 5 * SIM_S,
		.etcd_join_retry = 1 * SIM_S,
		.etcd_join_timeout = 20 * SIM_S,
		.election_timeout = 1 * SIM_S,
		.heartbeat = 100 * SIM_MS,
		.backoff = backoff_cfg_default(BACKOFF_NONE),
		.budget = { .enabled = false, .max_tokens = 10, .refund = 0.1 },
		.outlier = {
			.enabled = false,
			.consecutive = 5,
			.interval = 10 * SIM_S,
			.base_ejection = 30 * SIM_S,
			.max_percent = 10,
		},
	};
}

void policy_params_for(const struct policy_ops *ops, struct policy_params *p)
{
	size_t i;

	policy_params_default(p);
	for (i = 0; ops->own && ops->own[i].name; i++) {
		SIM_ASSERT(i < POLICY_MAX_OWN);
		p->own[i] = ops->own[i].def;
	}
	p->backoff = backoff_cfg_default(ops->default_backoff);
}

int policy_own_find(const struct policy_ops *ops, const char *name)
{
	int i;

	for (i = 0; ops->own && ops->own[i].name; i++)
		if (!strcmp(ops->own[i].name, name))
			return i;
	return -1;
}

const struct param_desc *policy_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < policy_n_params; i++)
		if (!strcmp(policy_param_descs[i].name, name))
			return &policy_param_descs[i];
	return NULL;
}

sim_time *policy_param_ref(struct policy_params *p, const struct param_desc *d)
{
	return (sim_time *)((char *)p + d->offset);
}

bool policy_param_slot(const struct policy_ops *ops, struct policy_params *p,
		       const char *name, struct param_slot *out)
{
	const struct param_desc *d = policy_param_find(name);
	int own = policy_own_find(ops, name);

	memset(out, 0, sizeof(*out));
	out->max = 1e18;
	if (d) {
		out->type = PARAM_DURATION;
		out->t = policy_param_ref(p, d);
		out->min = 1e-9;
		out->max = 9e9;
		return true;
	}
	if (own >= 0) {
		out->type = ops->own[own].type;
		out->x = &p->own[own];
		out->min = ops->own[own].min;
		out->max = ops->own[own].max;
		return true;
	}
	if (!strcmp(name, "backoff")) {
		out->kind = &p->backoff.kind;
		return true;
	}
	if (!strncmp(name, "backoff.", 8)) {
		const struct backoff_param *b = backoff_param_find(name + 8);

		if (!b)
			return false;
		switch (b->unit) {
		case BACKOFF_UNIT_DURATION:
			out->type = PARAM_DURATION;
			out->t = backoff_param_duration(&p->backoff, b);
			out->min = 0;
			out->max = 9e9;
			break;
		case BACKOFF_UNIT_NUMBER:
			out->type = PARAM_NUMBER;
			out->x = backoff_param_number(&p->backoff, b);
			out->min = 0;
			break;
		case BACKOFF_UNIT_INT:
			out->type = PARAM_INT;
			out->i = backoff_param_int(&p->backoff, b);
			out->min = 0;
			out->max = 1e6;
			break;
		}
		return true;
	}
	if (!strcmp(name, "retry_budget")) {
		out->type = PARAM_BOOL;
		out->b = &p->budget.enabled;
	} else if (!strcmp(name, "retry_budget.max_tokens")) {
		out->type = PARAM_NUMBER;
		out->x = &p->budget.max_tokens;
		out->min = 0;
		out->max = 1e6;
	} else if (!strcmp(name, "retry_budget.refund")) {
		out->type = PARAM_NUMBER;
		out->x = &p->budget.refund;
		out->min = 0;
		out->max = 1e6;
	} else if (!strcmp(name, "outlier_ejection")) {
		out->type = PARAM_BOOL;
		out->b = &p->outlier.enabled;
	} else if (!strcmp(name, "outlier.consecutive")) {
		out->type = PARAM_INT;
		out->i = &p->outlier.consecutive;
		out->min = 1;
		out->max = 1e6;
	} else if (!strcmp(name, "outlier.interval")) {
		out->type = PARAM_DURATION;
		out->t = &p->outlier.interval;
		out->min = 1e-9;
		out->max = 9e9;
	} else if (!strcmp(name, "outlier.base_ejection")) {
		out->type = PARAM_DURATION;
		out->t = &p->outlier.base_ejection;
		out->min = 1e-9;
		out->max = 9e9;
	} else if (!strcmp(name, "outlier.max_percent")) {
		out->type = PARAM_NUMBER;
		out->x = &p->outlier.max_percent;
		out->min = 0;
		out->max = 100;
	} else {
		return false;
	}
	return true;
}

char *policy_param_names(const struct policy_ops *ops)
{
	static const char *const extra[] = {
		"backoff", "retry_budget", "retry_budget.max_tokens",
		"retry_budget.refund", "outlier_ejection",
		"outlier.consecutive", "outlier.interval",
		"outlier.base_ejection", "outlier.max_percent", NULL,
	};
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < policy_n_params; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       policy_param_descs[i].name);
	for (i = 0; ops->own && ops->own[i].name; i++)
		g_string_append_printf(s, ", %s", ops->own[i].name);
	for (i = 0; extra[i]; i++) {
		g_string_append_printf(s, ", %s", extra[i]);
		if (!strcmp(extra[i], "backoff")) {
			size_t k;

			for (k = 0; k < backoff_n_params; k++)
				g_string_append_printf(s, ", backoff.%s",
						       backoff_params[k].name);
		}
	}
	return g_string_free(s, FALSE);
}

const struct policy_ops *const policy_registry[] = {
	&policy_k3s,
	&policy_k3s_legacy,
	&policy_k3s_shuffle,
	&policy_article,
	&policy_round_robin,
	&policy_random,
	&policy_pick_first,
	&policy_p2c,
	&policy_peak_ewma,
	&policy_hedged,
	&policy_c3,
	NULL,
};

const struct policy_ops *policy_find(const char *name)
{
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		if (!strcmp(policy_registry[i]->name, name))
			return policy_registry[i];
	return policy_plugin_find(name);
}

char *policy_names(void)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; policy_registry[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       policy_registry[i]->name);
	policy_plugin_names(s);
	return g_string_free(s, FALSE);
}

void *policy_lb_new(const struct policy_ops *ops, const struct lb_env *env)
{
	void *lb = ops->lb_new(env);

	if (!lb)
		SIM_BUG("policy %s: lb_new returned NULL", ops->name);
	return lb;
}

void policy_lb_free(const struct policy_ops *ops, void *lb)
{
	if (lb)
		ops->lb_free(lb);
}

void policy_set_servers(const struct policy_ops *ops, void *lb,
			const int *servers, size_t n)
{
	SIM_ASSERT(lb != NULL && (servers != NULL || n == 0));
	ops->set_servers(lb, servers, n);
}

void policy_dial_begin(const struct policy_ops *ops, void *lb,
		       struct lb_pass *pass)
{
	SIM_ASSERT(lb != NULL);
	ops->dial_begin(lb, pass);
}

int policy_dial_next(const struct policy_ops *ops, void *lb,
		     struct lb_pass *pass)
{
	int s = ops->dial_next(lb, pass);

	if (s < -1)
		SIM_BUG("policy %s: dial_next returned %d", ops->name, s);
	return s;
}

void policy_record(const struct policy_ops *ops, void *lb, int server,
		   lb_check kind, lb_result r)
{
	SIM_ASSERT(server >= 0);
	ops->record(lb, server, kind, r);
}

void policy_set_default(const struct policy_ops *ops, void *lb, int server)
{
	/* without set_default the model appends the default server to every
	 * address list it passes (see policy.h) */
	if (ops->set_default)
		ops->set_default(lb, server);
}

void policy_conn_open(const struct policy_ops *ops, void *lb, int server)
{
	SIM_ASSERT(server >= 0);
	if (ops->conn_open)
		ops->conn_open(lb, server);
}

void policy_conn_close(const struct policy_ops *ops, void *lb, int server)
{
	SIM_ASSERT(server >= 0);
	if (ops->conn_close)
		ops->conn_close(lb, server);
}

const char *policy_state_name(const struct policy_ops *ops, void *lb,
			      int server)
{
	return ops->state_name ? ops->state_name(lb, server) : NULL;
}

void policy_observe(const struct policy_ops *ops, void *lb, int server,
		    const struct lb_feedback *fb)
{
	if (ops->observe)
		ops->observe(lb, server, fb);
}

sim_time policy_pass_delay(const struct policy_ops *ops, void *lb, int passes)
{
	SIM_ASSERT(passes >= 1);
	return ops->pass_delay ? ops->pass_delay(lb, passes) : -1;
}

sim_time policy_connect_timeout(const struct policy_ops *ops, void *lb,
				int server, const struct policy_params *p)
{
	sim_time t = ops->connect_timeout ? ops->connect_timeout(lb, server)
					  : p->dial_timeout;

	return t > 0 ? t : p->dial_timeout;
}

sim_time policy_hedge_delay(const struct policy_ops *ops, void *lb)
{
	return ops->hedge_delay ? ops->hedge_delay(lb) : -1;
}
