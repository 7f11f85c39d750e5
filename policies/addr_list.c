/*
 * The address list policies share; the contracts are in addr_list.h.
 */
#include "addr_list.h"
#include "sim/error.h"

#include <string.h>

/* The most bytes lb_addrs_remap() moves per entry: its scratch is on the
 * stack. */
#define LB_ADDRS_REMAP_MAX_SIZE 256

void lb_addrs_init(struct lb_addrs *a)
{
	a->n = 0;
	a->low = 0;
}

int lb_addrs_find(const struct lb_addrs *a, int id)
{
	int i, at = -1;

	if ((unsigned)id < 64)	/* the index: every id of today's callers */
		return (a->low >> id) & 1 ? a->at[id] : -1;

	/* every entry, from the last to the first, keeping the match:
	 * the first match in the end, as a search that stops there would
	 * return, but with a select instead of a branch, and a loop that
	 * always runs to the same end (the stop at a random place cost
	 * a mispredicted branch a call; four calls a queueing request) */
	for (i = a->n; i-- > 0;)
		at = a->id[i] == id ? i : at;
	return at;
}

bool lb_addrs_has(const struct lb_addrs *a, int id)
{
	return lb_addrs_find(a, id) >= 0;
}

void lb_addrs_set(struct lb_addrs *a, const int *servers, size_t n, int *from,
		  int *gone, int *n_gone)
{
	bool kept[LB_MAX_SERVERS] = { false };
	int next[LB_MAX_SERVERS], i;
	size_t k;

	SIM_ASSERT(n <= LB_MAX_SERVERS);
	SIM_ASSERT(servers || n == 0);
	SIM_ASSERT(!gone || n_gone);
	for (k = 0; k < n; k++) {
		i = lb_addrs_find(a, servers[k]);
		SIM_ASSERT(servers[k] >= 0);
		next[k] = servers[k];
		if (i >= 0)
			kept[i] = true;
		if (from)
			from[k] = i;
	}
	if (gone) {
		*n_gone = 0;
		for (i = 0; i < a->n; i++)
			if (!kept[i])
				gone[(*n_gone)++] = a->id[i];
	}
	memcpy(a->id, next, n * sizeof(*next));
	a->n = (int)n;
	a->low = 0;
	for (k = 0; k < n; k++) {
		if (next[k] < 64) {
			a->low |= UINT64_C(1) << next[k];
			a->at[next[k]] = (int8_t)k;
		}
	}
}

void lb_addrs_remap(void *arr, size_t size, const int *from, int n,
		    const void *fresh)
{
	unsigned char next[LB_MAX_SERVERS * LB_ADDRS_REMAP_MAX_SIZE];
	unsigned char *a = arr;
	int k;

	SIM_ASSERT(n >= 0 && n <= LB_MAX_SERVERS &&
		   size <= LB_ADDRS_REMAP_MAX_SIZE);
	for (k = 0; k < n; k++)
		memcpy(next + (size_t)k * size,
		       from[k] >= 0 ? a + (size_t)from[k] * size : fresh, size);
	memcpy(a, next, (size_t)n * size);
}

void lb_addrs_pass_start(struct lb_pass *pass, int n)
{
	SIM_ASSERT(n >= 0 && n <= LB_MAX_SERVERS);
	pass->n = n;
	pass->pos = 0;
	pass->round = 0;
}

void lb_addrs_snapshot(const struct lb_addrs *a, struct lb_pass *pass)
{
	memcpy(pass->order, a->id, (size_t)a->n * sizeof(*a->id));
	lb_addrs_pass_start(pass, a->n);
}

int lb_addrs_next(const struct lb_addrs *a, struct lb_pass *pass)
{
	while (pass->pos < pass->n) {
		int id = pass->order[pass->pos++];

		if (lb_addrs_has(a, id))
			return id;
	}
	return -1;
}
