/* The frame the model files share: the trace, names and the shared words
 * (frame.h). */
#include "frame.h"

#include <stdarg.h>
#include <stdio.h>

const char *const trace_kind_names[TRACE_N_KINDS] = {
	[TRACE_FAILURE] = "failure",
	[TRACE_FAILURE_END] = "failure_end",
	[TRACE_START] = "start",
	[TRACE_FATAL] = "fatal",
	[TRACE_READY] = "ready",
	[TRACE_DIAL] = "dial",
	[TRACE_DIAL_OK] = "dial_ok",
	[TRACE_DIAL_REFUSED] = "dial_refused",
	[TRACE_DIAL_TIMEOUT] = "dial_timeout",
	[TRACE_REQUEST] = "request",
	[TRACE_ANSWER] = "answer",
	[TRACE_ANSWER_FAILED] = "answer_failed",
	[TRACE_STATE] = "lb_state",
	[TRACE_HEALTH] = "health",
	[TRACE_ETCD] = "etcd",
	[TRACE_NOTE] = "note",
	[TRACE_CONN] = "conn",
	[TRACE_LEASE] = "lease",
	[TRACE_NODE] = "node_state",
};

const char *const endpoint_names[EP_N] = {
	[EP_CACERTS] = "/cacerts",
	[EP_CONFIG] = "agent config",
	[EP_DBINFO] = "/db/info",
	[EP_SERVER_BOOTSTRAP] = "/v1-k3s/server-bootstrap",
	[EP_ETCD_BOOTSTRAP] = "etcd bootstrap read",
	[EP_ETCD_HEALTH] = "etcd health",
	[EP_PING] = "etcd /ping",
	[EP_MEMBER_ADD] = "etcd member add",
	[EP_APISERVERS] = "/v1-k3s/apiservers",
	[EP_CACERTS_PROBE] = "/cacerts (system CAs)",
	[EP_MEMBER_LIST] = "etcd member list",
	[EP_LEASE] = "node lease",
	[EP_NODE_STATUS] = "node status",
	[EP_WATCH] = "watch",
};

const char *const result_names[3] = {
	[RES_OK] = "ok", [RES_REFUSED] = "refused", [RES_TIMEOUT] = "timed out",
};

void frame__trace(struct world *w, trace_kind kind, int node, int peer,
		 int failure, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	struct trace_event ev;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ev.t = sim_now(w->sim);
	ev.kind = kind;
	ev.node = node;
	ev.peer = peer;
	ev.failure = failure;
	ev.text = line;
	w->trace(w->trace_ctx, &ev);
}

const char *frame__name(const struct world *w, int node)
{
	if (node >= w->n)
		return w->alias[node - w->n];
	return node >= 0 ? w->cfg->nodes[node].name : "-";
}
