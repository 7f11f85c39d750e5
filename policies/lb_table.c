/*
 * The server table the load-aware policies share; the contracts are in
 * lb_table.h.
 */
#include "lb_table.h"
#include "sim/error.h"

#include <glib.h>
#include <string.h>

/* The most bytes lb__remap() moves per entry: its scratch is on the
 * stack. */
#define LB_REMAP_MAX_SIZE 256

void lb__check_own(const struct own_param *own, const struct policy_params *p)
{
	int i;

	for (i = 0; own[i].name; i++)
		SIM_ASSERT(p->own[i] >= own[i].min && p->own[i] <= own[i].max);
}

void lb__table_init(struct lb_table *t, const struct lb_env *env)
{
	t->env = *env;
	t->n = 0;
}

int lb__table_find(const struct lb_table *t, int id)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->srv[i].id == id)
			return i;
	return -1;
}

void lb__table_set_servers(struct lb_table *t, const int *servers, size_t n,
			   int *from)
{
	struct lb_server next[LB_MAX_SERVERS];
	size_t k;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	for (k = 0; k < n; k++) {
		int i = lb__table_find(t, servers[k]);

		SIM_ASSERT(servers[k] >= 0);
		next[k] = i >= 0 ? t->srv[i]
				 : (struct lb_server){ .id = servers[k] };
		if (from)
			from[k] = i;
	}
	for (k = 0; k < n; k++)
		t->srv[k] = next[k];
	t->n = (int)n;
}

void lb__remap(void *arr, size_t size, const int *from, int n,
	       const void *fresh)
{
	unsigned char next[LB_MAX_SERVERS * LB_REMAP_MAX_SIZE];
	unsigned char *a = arr;
	int k;

	SIM_ASSERT(n >= 0 && n <= LB_MAX_SERVERS && size <= LB_REMAP_MAX_SIZE);
	for (k = 0; k < n; k++)
		memcpy(next + (size_t)k * size,
		       from[k] >= 0 ? a + (size_t)from[k] * size : fresh, size);
	memcpy(a, next, (size_t)n * size);
}

void lb__table_split(const struct lb_table *t, int *pool, int *n_pool,
		     int *rest, int *n_rest)
{
	int c, np = 0, nr = 0;

	for (c = 0; c < t->n; c++) {
		if (t->srv[c].down)
			rest[nr++] = c;
		else
			pool[np++] = c;
	}
	if (np == 0) {
		for (c = 0; c < nr; c++)
			pool[c] = rest[c];
		np = nr;
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
		pass->order[m++] = t->srv[pool[best]].id;
	for (c = 0; c < n_pool; c++)
		if (c != best)
			pass->order[m++] = t->srv[pool[c]].id;
	lb__shuffle(t->env.rng, rest, n_rest);
	for (c = 0; c < n_rest; c++)
		pass->order[m++] = t->srv[rest[c]].id;
	lb__pass_start(pass, m);
}

void lb__pass_start(struct lb_pass *pass, int n)
{
	pass->n = n;
	pass->pos = 0;
	pass->round = 0;
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

	while (pass->pos < pass->n) {
		int id = pass->order[pass->pos++];

		if (lb__table_find(t, id) >= 0)
			return id;
	}
	return -1;
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
