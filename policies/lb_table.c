/*
 * The server table the load-aware policies share; the contracts are in
 * lb_table.h.
 */
#include "lb_table.h"
#include "sim/error.h"

#include <glib.h>

void lb__check_own(const struct own_param *own, const struct policy_params *p)
{
	int i;

	for (i = 0; own[i].name; i++)
		SIM_ASSERT(p->own[i] >= own[i].min && p->own[i] <= own[i].max);
}

void lb__table_init(struct lb_table *t, const struct lb_env *env)
{
	t->env = *env;
	lb_addrs_init(&t->addrs);
	t->n_down = 0;
}

int lb__table_find(const struct lb_table *t, int id)
{
	return lb_addrs_find(&t->addrs, id);
}

void lb__table_set_servers(struct lb_table *t, const int *servers, size_t n,
			   int *from)
{
	static const struct lb_server fresh = { .conns = 0, .down = false };
	int map[LB_MAX_SERVERS];
	size_t k;

	if (!from)
		from = map;
	lb_addrs_set(&t->addrs, servers, n, from, NULL, NULL);
	lb_addrs_remap(t->srv, sizeof(t->srv[0]), from, (int)n, &fresh);
	t->n_down = 0;
	for (k = 0; k < n; k++)
		t->n_down += t->srv[k].down;
}

bool lb__panic(int healthy, int n, double threshold)
{
	if (n <= 0)
		return false;
	/* availability 100 after overprovisioning: never in panic */
	if ((LB_OVERPROVISIONING * healthy) / n >= 100)
		return false;
	return 100.0 * healthy / n < threshold;
}

void lb__table_split(const struct lb_table *t, int *pool, int *n_pool,
		     int *rest, int *n_rest, double threshold)
{
	int c, np = 0, nr = 0;

	for (c = 0; c < t->addrs.n; c++) {
		if (t->srv[c].down)
			rest[nr++] = c;
		else
			pool[np++] = c;
	}
	if (lb__panic(np, t->addrs.n, threshold)) {
		for (c = 0; c < t->addrs.n; c++)
			pool[c] = c;
		np = t->addrs.n;
		nr = 0;
	}
	*n_pool = np;
	*n_rest = nr;
}

void lb__shuffle(gsl_rng *r, int *a, int n)
{
	int i;

	for (i = 0; i + 1 < n; i++) {
		int j = i + (int)gsl_rng_uniform_int(r, (unsigned long)(n - i));
		int tmp = a[i];

		a[i] = a[j];
		a[j] = tmp;
	}
}

void lb__table_order_best(struct lb_table *t, struct lb_pass *pass,
			  const int *pool, int n_pool, int best, int *rest,
			  int n_rest)
{
	int c, m = 0;

	if (n_pool > 0)
		pass->order[m++] = t->addrs.id[pool[best]];
	for (c = 0; c < n_pool; c++)
		if (c != best)
			pass->order[m++] = t->addrs.id[pool[c]];
	lb__shuffle(t->env.rng, rest, n_rest);
	for (c = 0; c < n_rest; c++)
		pass->order[m++] = t->addrs.id[rest[c]];
	lb_addrs_pass_start(pass, m);
}

void lb__rr_order(struct lb_table *t, struct lb_pass *pass, const int *pool,
		  int n_pool, const int *rest, int n_rest, bool *started,
		  unsigned long *next)
{
	int c, m = 0;

	if (n_pool > 0) {
		unsigned long off;

		if (!*started) {
			*next = gsl_rng_uniform_int(t->env.rng,
						    (unsigned long)n_pool);
			*started = true;
		}
		off = *next % (unsigned long)n_pool;
		(*next)++;
		for (c = 0; c < n_pool; c++)
			pass->order[m++] =
				t->addrs.id[pool[(off + (unsigned long)c) %
						 (unsigned long)n_pool]];
	}
	for (c = 0; c < n_rest; c++)
		pass->order[m++] = t->addrs.id[rest[c]];
	lb_addrs_pass_start(pass, m);
}

void lb__free(void *lb)
{
	g_free(lb);
}

void lb__set_servers(void *lb, const int *servers, size_t n)
{
	lb__table_set_servers(lb, servers, n, NULL);
}

int lb__dial_next(void *lb, struct lb_pass *pass)
{
	const struct lb_table *t = lb;

	return lb_addrs_next(&t->addrs, pass);
}

void lb__record(void *lb, int server, lb_check kind, lb_result r)
{
	struct lb_table *t = lb;
	int i = lb__table_find(t, server);
	bool down;

	(void)kind;
	if (i < 0 || r == LB_UNKNOWN)
		return;
	down = r == LB_FAILED;
	if (t->srv[i].down == down)
		return;
	t->srv[i].down = down;
	t->n_down += down ? 1 : -1;
	if (t->env.on_state)	/* last: it may read the LB */
		t->env.on_state(t->env.model, server,
				down ? "HEALTHY" : "UNHEALTHY",
				down ? "UNHEALTHY" : "HEALTHY");
}

void lb__conn_open(void *lb, int server)
{
	struct lb_table *t = lb;
	int i = lb__table_find(t, server);

	if (i >= 0)
		t->srv[i].conns++;
}

void lb__conn_close(void *lb, int server)
{
	struct lb_table *t = lb;
	int i = lb__table_find(t, server);

	if (i >= 0 && t->srv[i].conns > 0)
		t->srv[i].conns--;
}

const char *lb__state_name(void *lb, int server)
{
	const struct lb_table *t = lb;
	int i = lb__table_find(t, server);

	if (i < 0)
		return NULL;
	return t->srv[i].down ? "UNHEALTHY" : "HEALTHY";
}
