/*
 * The etcd cluster: membership, quorum and leader election, at the level
 * the joins need. Members are the nodes with etcd (etcd-only servers and
 * servers with both roles); the cluster size is fixed by the topology.
 *
 * A member is alive when its host and process are up. A leader keeps its
 * role while it is alive and reaches a majority of the members (itself
 * included). When it loses either, followers notice after the election
 * timeout, randomised in [1x, 2x) as etcd does; the election then makes a
 * leader of a random alive member that reaches a majority, if there is
 * one. When there is none, nothing is scheduled until the next change
 * (a member starting, a partition healing), which starts a new election
 * timeout: this stands for etcd's repeated elections without simulating
 * each failed one.
 *
 * A member serves quorum reads (bootstrap data, health) when a leader
 * exists and the member reaches it.
 */
#include "world_internal.h"

static bool alive(const struct world *w, int m)
{
	return w->etcd.member[m] && w->nodes[m].host_up && w->nodes[m].proc_up;
}

bool etcd__is_member(const struct world *w, int node)
{
	return w->etcd.member[node];
}

/* Alive members that @m reaches, itself included. */
static int reach_count(const struct world *w, int m)
{
	int i, k = 0;

	for (i = 0; i < w->etcd.n_members; i++) {
		int o = w->etcd.members[i];

		if (alive(w, o) && (o == m || net__reachable(w, m, o)))
			k++;
	}
	return k;
}

static bool has_majority(const struct world *w, int m)
{
	return alive(w, m) && 2 * reach_count(w, m) > w->etcd.size;
}

void etcd__init(struct world *w)
{
	int i;

	w->etcd.members = g_new(int, w->n);
	w->etcd.member = g_new0(bool, w->n);
	w->etcd.n_members = 0;
	for (i = 0; i < w->n; i++)
		if (role_has_etcd(w->nodes[i].cfg->role))
			w->etcd.members[w->etcd.n_members++] = i;
}

void etcd__release(struct world *w)
{
	g_free(w->etcd.members);
	g_free(w->etcd.member);
}

/* At time 0 the cluster is formed: the first member with a majority
 * leads. */
void etcd__reset(struct world *w)
{
	int i;

	w->etcd.leader = -1;
	w->etcd.election = SIM_TIMER_NONE;
	w->etcd.size = 0;
	for (i = 0; i < w->etcd.n_members; i++) {
		const struct node_config *c = w->nodes[w->etcd.members[i]].cfg;

		/* a member of the cluster formed before time 0: up then, or
		 * down with its data on disk */
		w->etcd.member[w->etcd.members[i]] = c->up || c->ca_on_disk;
		w->etcd.size += w->etcd.member[w->etcd.members[i]];
	}
	for (i = 0; i < w->etcd.n_members; i++) {
		if (has_majority(w, w->etcd.members[i])) {
			w->etcd.leader = w->etcd.members[i];
			break;
		}
	}
}

void etcd__add_member(struct world *w, int node)
{
	if (w->etcd.member[node])
		return;
	w->etcd.member[node] = true;
	w->etcd.size++;
	WTRACE(w, TRACE_ETCD, node, -1, "etcd: %s added as a member (%d)",
	       world__name(w, node), w->etcd.size);
	etcd__changed(w);
}

bool etcd__has_leader(const struct world *w)
{
	return w->etcd.leader >= 0;
}

bool etcd__serving(const struct world *w, int node)
{
	int l = w->etcd.leader;

	if (l < 0 || !alive(w, node) || !role_has_etcd(w->nodes[node].cfg->role))
		return false;
	return node == l || net__reachable(w, node, l);
}

static void elect(sim *s, void *ctx, uint64_t arg)
{
	struct world *w = ctx;
	int cand[CONFIG_MAX_NODES];
	int i, n = 0;

	(void)s;
	(void)arg;
	w->etcd.election = SIM_TIMER_NONE;
	if (w->etcd.leader >= 0)
		return;
	for (i = 0; i < w->etcd.n_members; i++)
		if (has_majority(w, w->etcd.members[i]))
			cand[n++] = w->etcd.members[i];
	if (n == 0) {
		WTRACE(w, TRACE_ETCD, -1, -1, "etcd: election failed, no quorum");
		return;
	}
	/* the candidate whose randomised timeout fires first */
	w->etcd.leader = cand[gsl_rng_uniform_int(w->rng_election, n)];
	WTRACE(w, TRACE_ETCD, w->etcd.leader, -1, "etcd: %s elected leader", world__name(w, w->etcd.leader));
	join__etcd_changed(w);
}

void etcd__changed(struct world *w)
{
	int l = w->etcd.leader;
	sim_time t;

	if (w->etcd.n_members == 0)
		return;
	if (l >= 0 && has_majority(w, l)) {
		/* still leading; members that came back catch up */
		join__etcd_changed(w);
		return;
	}
	if (l >= 0) {
		WTRACE(w, TRACE_ETCD, l, -1, "etcd: leader %s lost", world__name(w, l));
		w->etcd.leader = -1;
		join__etcd_changed(w);
	}
	if (w->etcd.election != SIM_TIMER_NONE)
		return;
	t = w->pp->election_timeout;
	t += (sim_time)(gsl_rng_uniform(w->rng_election) * (double)t);
	w->etcd.election = sim_after(w->sim, t, elect, w, 0);
}
