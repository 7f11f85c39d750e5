/*
 * The write-contention model of the AWS backoff study (see contention.h).
 *
 * Three events per attempt instead of the simulator's four messages: the
 * read reply and the write request are one hop after the other with
 * nothing in between at the client, so the read's arrival schedules the
 * write's arrival two draws later; likewise a failure reply and the next
 * read request. The draws are the same, in the same order per client, so
 * the times are those of the four-message run.
 */
#include "contention.h"

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* The event kinds, in the low bits of the handler argument; the client's
 * index sits above them. */
enum {
	EV_READ,	/* client's read reaches the server */
	EV_WRITE,	/* client's write reaches the server */
	EV_DONE,	/* the success reply reaches the client */
	EV_BITS = 2,
};

struct client {
	uint64_t version;	/* the version its last read saw */
	struct backoff backoff;	/* its retry state */
	gsl_rng *net;		/* its hops' draws: owned */
	gsl_rng *jitter;	/* its backoff draws: owned */
};

struct run {
	const struct contention_cfg *cfg;	/* borrowed */
	struct client *clients;			/* cfg->clients of them */
	uint64_t version;			/* the row's version */
	int done;				/* clients that succeeded */
	struct contention_result res;
};

static uint64_t ev_arg(int client, unsigned kind)
{
	return ((uint64_t)client << EV_BITS) | kind;
}

/* One hop: |N(mean, sd)|, rounded to the nanosecond. */
static sim_time hop(const struct run *run, struct client *c)
{
	double d = (double)run->cfg->net_mean +
		   gsl_ran_gaussian(c->net, (double)run->cfg->net_sd);

	return (sim_time)llround(fabs(d));
}

static void on_event(sim *s, void *ctx, uint64_t arg)
{
	struct run *run = ctx;
	int i = (int)(arg >> EV_BITS);
	struct client *c;
	sim_time d;

	SIM_ASSERT(i >= 0 && i < run->cfg->clients);
	c = &run->clients[i];
	switch (arg & ((1u << EV_BITS) - 1)) {
	case EV_READ:
		c->version = run->version;
		d = hop(run, c);	/* the reply */
		d = sim_time_add(d, hop(run, c));	/* the write */
		sim_after(s, d, on_event, run, ev_arg(i, EV_WRITE));
		break;
	case EV_WRITE:
		run->res.calls++;
		if (c->version == run->version) {
			run->version++;
			sim_after(s, hop(run, c), on_event, run,
				  ev_arg(i, EV_DONE));
			break;
		}
		run->res.failures++;
		d = hop(run, c);	/* the failure reply */
		d = sim_time_add(d, hop(run, c));	/* the next read */
		/* as in the study: the reply's and request's hops, then the
		 * backoff, drawn in that order */
		d = sim_time_add(d, backoff_next(&c->backoff, c->jitter));
		sim_after(s, d, on_event, run, ev_arg(i, EV_READ));
		break;
	case EV_DONE:
		run->done++;
		run->res.last_done = sim_now(s);
		break;
	default:
		SIM_BUG("contention: unknown event kind in %" G_GUINT64_FORMAT,
			arg);
	}
}

void contention_cfg_init(struct contention_cfg *cfg, backoff_kind kind,
			 int clients)
{
	*cfg = (struct contention_cfg){
		.clients = clients,
		.backoff = backoff_cfg_default(kind),
		.net_mean = 10 * SIM_MS,
		.net_sd = 2 * SIM_MS,
	};
	cfg->backoff.base = 5 * SIM_MS;
	cfg->backoff.cap = 2000 * SIM_MS;
	cfg->backoff.first_attempt = 1;
}

gboolean contention_cfg_check(const struct contention_cfg *cfg,
			      GError **error)
{
	/* the client index must fit the event argument beside the kind */
	if (cfg->clients < 1 || cfg->clients > (1 << 24)) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "contention: clients: %d is out of range "
			    "(valid: 1 to %d)", cfg->clients, 1 << 24);
		return FALSE;
	}
	if (cfg->net_mean < 0 || cfg->net_sd < 0) {
		g_set_error(error, SIM_ERROR, SIM_ERROR_INPUT,
			    "contention: net_mean %" G_GINT64_FORMAT
			    "ns, net_sd %" G_GINT64_FORMAT "ns: "
			    "both must be >= 0",
			    cfg->net_mean, cfg->net_sd);
		return FALSE;
	}
	return backoff_cfg_check(&cfg->backoff, error);
}

gboolean contention_run(const struct contention_cfg *cfg,
			struct contention_result *res, GError **error)
{
	struct run run = { .cfg = cfg };
	sim *s;
	int i;

	if (!contention_cfg_check(cfg, error))
		return FALSE;
	run.clients = g_new0(struct client, cfg->clients);
	s = sim_new();
	for (i = 0; i < cfg->clients; i++) {
		struct client *c = &run.clients[i];

		backoff_init(&c->backoff, &cfg->backoff);
		c->net = sim_rng_new(cfg->seed, cfg->run, SIM_RNG_LATENCY,
				     (uint64_t)i);
		c->jitter = sim_rng_new(cfg->seed, cfg->run, SIM_RNG_POLICY,
					(uint64_t)i);
		/* every client sends its first read at time 0 */
		sim_schedule(s, hop(&run, c), on_event, &run,
			     ev_arg(i, EV_READ));
	}
	sim_run(s, SIM_TIME_MAX);
	/* each success ends a client and nothing else does */
	SIM_ASSERT(run.done == cfg->clients);
	SIM_ASSERT(run.res.calls == run.res.failures + (uint64_t)cfg->clients);
	run.res.events = sim_events_run(s);
	*res = run.res;

	sim_free(s);
	for (i = 0; i < cfg->clients; i++) {
		gsl_rng_free(run.clients[i].net);
		gsl_rng_free(run.clients[i].jitter);
	}
	g_free(run.clients);
	return TRUE;
}
