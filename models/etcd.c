/* The etcd cluster: quorum and elections (etcd.h). */
#include "etcd.h"
#include "net.h"
#include "node.h"

struct etcd {
	int leader;		/* node id, or -1 */
	sim_timer election;	/* a pending election */
	int *members;		/* nodes with etcd, in topology order */
	int n_members;
	bool *member;		/* per node: in the cluster now (a node
				 * joining for the first time is not, until
				 * its member add succeeds) */
	int size;		/* members in the cluster: quorum is a
				 * majority of these */
	gsl_rng *rng;		/* elections */
};

static bool alive(const struct world *w, int m)
{
	/* the member runs once its process's etcd start-up phase is over */
	return w->etcd->member[m] && net__host_up(w, m) && node__etcd_up(w, m);
}

bool etcd__is_member(const struct world *w, int node)
{
	return w->etcd->member[node];
}

/* Alive members that @m reaches, itself included. */
static int reach_count(const struct world *w, int m)
{
	int i, k = 0;

	for (i = 0; i < w->etcd->n_members; i++) {
		int o = w->etcd->members[i];

		if (alive(w, o) && (o == m || net__reachable(w, m, o)))
			k++;
	}
	return k;
}

static bool has_majority(const struct world *w, int m)
{
	return alive(w, m) && 2 * reach_count(w, m) > w->etcd->size;
}

void etcd__init(struct world *w)
{
	struct etcd *e = g_new0(struct etcd, 1);
	int i;

	e->members = g_new(int, w->n);
	e->member = g_new0(bool, w->n);
	e->n_members = 0;
	for (i = 0; i < w->n; i++)
		if (role_has_etcd(w->cfg->nodes[i].role))
			e->members[e->n_members++] = i;
	e->rng = gsl_rng_alloc(gsl_rng_taus2);
	w->etcd = e;
}

void etcd__release(struct world *w)
{
	if (!w->etcd)
		return;
	g_free(w->etcd->members);
	g_free(w->etcd->member);
	gsl_rng_free(w->etcd->rng);
	g_free(w->etcd);
	w->etcd = NULL;
}

void etcd__reset(struct world *w, uint64_t seed, uint64_t scenario)
{
	struct etcd *e = w->etcd;
	int i;

	sim_rng_seed(e->rng, seed, scenario, SIM_RNG_ELECTION, 0);
	e->leader = -1;
	e->election = SIM_TIMER_NONE;
	e->size = 0;
	for (i = 0; i < e->n_members; i++) {
		const struct node_config *c = &w->cfg->nodes[e->members[i]];

		/* a member of the cluster formed before time 0: up then, or
		 * down with its data on disk */
		e->member[e->members[i]] = c->up || c->ca_on_disk;
		e->size += e->member[e->members[i]];
	}
	for (i = 0; i < e->n_members; i++) {
		if (has_majority(w, e->members[i])) {
			e->leader = e->members[i];
			break;
		}
	}
}

void etcd__add_member(struct world *w, int node)
{
	struct etcd *e = w->etcd;

	if (e->member[node])
		return;
	e->member[node] = true;
	e->size++;
	WTRACE(w, TRACE_ETCD, node, -1, "etcd: %s added as a member (%d)",
	       frame__name(w, node), e->size);
	etcd__changed(w);
}

bool etcd__has_leader(const struct world *w)
{
	return w->etcd->leader >= 0;
}

int etcd__leader(const struct world *w)
{
	return w->etcd->leader;
}

bool etcd__serving(const struct world *w, int node)
{
	int l = w->etcd->leader;

	if (l < 0 || !alive(w, node) || !role_has_etcd(w->cfg->nodes[node].role))
		return false;
	return node == l || net__reachable(w, node, l);
}

static void elect(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	struct etcd *e = w->etcd;
	int cand[CONFIG_MAX_NODES];
	int i, n = 0;

	(void)s;
	(void)arg;
	e->election = SIM_TIMER_NONE;
	if (e->leader >= 0)
		return;
	for (i = 0; i < e->n_members; i++)
		if (has_majority(w, e->members[i]))
			cand[n++] = e->members[i];
	if (n == 0) {
		WTRACE(w, TRACE_ETCD, -1, -1, "etcd: election failed, no quorum");
		return;
	}
	/* the candidate whose randomised timeout fires first */
	e->leader = cand[gsl_rng_uniform_int(e->rng, n)];
	WTRACE(w, TRACE_ETCD, e->leader, -1, "etcd: %s elected leader",
	       frame__name(w, e->leader));
	frame__notify(w, CHANGE_ETCD, -1);
}

/*
 * A graceful stop of leader @l (K3s etcd.Server.Stop(),
 * pkg/executor/embed/etcd/etcd.go:42-46, K3S-MODEL 6.16) transfers its
 * leadership first: at once, no election, to an alive member that reaches
 * a majority. etcd picks the most up-to-date follower; selsim has no logs,
 * so it takes the first such member in topology order (a deterministic
 * choice, no tie). FALSE when there is none: an election follows.
 */
static bool hand_over(struct world *w, int l)
{
	struct etcd *e = w->etcd;
	int i;

	for (i = 0; i < e->n_members; i++) {
		int m = e->members[i];

		if (m == l || !has_majority(w, m))
			continue;
		e->leader = m;
		WTRACE(w, TRACE_ETCD, m, -1, "etcd: leader %s stopped, "
		       "leadership transferred to %s", frame__name(w, l),
		       frame__name(w, m));
		frame__notify(w, CHANGE_ETCD, -1);
		return true;
	}
	return false;
}

void etcd__changed(struct world *w)
{
	struct etcd *e = w->etcd;
	int l = e->leader;
	sim_time t;

	if (e->n_members == 0)
		return;
	if (l >= 0 && has_majority(w, l)) {
		/* still leading; members that came back catch up */
		frame__notify(w, CHANGE_ETCD, -1);
		return;
	}
	if (l >= 0 && !node__running(w, l) && net__host_up(w, l) &&
	    node__stopped_gracefully(w, l) && hand_over(w, l))
		return;
	if (l >= 0) {
		WTRACE(w, TRACE_ETCD, l, -1, "etcd: leader %s lost",
		       frame__name(w, l));
		e->leader = -1;
		frame__notify(w, CHANGE_ETCD, -1);
	}
	if (e->election != SIM_TIMER_NONE)
		return;
	t = w->kp->election_timeout;
	t += (sim_time)(gsl_rng_uniform(e->rng) * (double)t);
	e->election = sim_after(w->sim, t, elect, w, 0);
}
