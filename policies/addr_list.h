/*
 * The address list of a load balancer, for built-in and plug-in policies
 * alike (part of the plug-in API: a module may call these functions).
 *
 * Most policies keep the same three things: the servers of the last
 * set_servers() in list order, "a server kept keeps its state" when the
 * list changes, and "a dial pass skips servers removed since its
 * snapshot". struct lb_addrs holds the ids; what a policy keeps per server
 * lives in its own arrays, indexed like lb_addrs.id, and follows a list
 * change through the mapping lb_addrs_set() gives and lb_addrs_remap().
 *
 * The list is a plain array of at most LB_MAX_SERVERS ids, with an index
 * of the ids below 64 (a bit each, and where each is): a look-up of such
 * an id is O(1), of a larger one O(n). Nothing here allocates or calls
 * back. Change a list only through these functions (they keep the index).
 */
#ifndef POLICIES_ADDR_LIST_H
#define POLICIES_ADDR_LIST_H

#include "policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lb_addrs {
	int id[LB_MAX_SERVERS];	/* the server ids, in list order */
	int n;			/* entries in id */
	uint64_t low;		/* bit i set: id i (< 64) is listed ... */
	int8_t at[64];		/* ... at index at[i] (else undefined) */
};

/* Empties @a. A zeroed struct lb_addrs is empty too. */
void lb_addrs_init(struct lb_addrs *a);

/* The index of server @id in @a, or -1 when not listed. */
int lb_addrs_find(const struct lb_addrs *a, int id);

/* Whether server @id is listed. */
bool lb_addrs_has(const struct lb_addrs *a, int id);

/*
 * Replaces the list with @servers (@n ids, n <= LB_MAX_SERVERS, each
 * >= 0, as set_servers() receives them: policy_set_servers() has checked
 * that they are distinct). When @from is not NULL, from[k] is set to the
 * old index of the k-th new entry, or -1 for a server new to the list:
 * pass it to lb_addrs_remap() for each per-server array. When @gone is not
 * NULL it receives the ids that left the list, in their old order, and
 * *@n_gone their count (@gone holds LB_MAX_SERVERS entries); @n_gone may
 * be NULL only when @gone is.
 */
void lb_addrs_set(struct lb_addrs *a, const int *servers, size_t n, int *from,
		  int *gone, int *n_gone);

/*
 * Rearranges a per-server array @arr (@n_new entries of @size bytes after
 * the change, in the list's old order before it): entry k becomes old
 * entry from[k], or a copy of *@fresh where from[k] is -1. n <=
 * LB_MAX_SERVERS, @size at most 256 bytes.
 */
void lb_addrs_remap(void *arr, size_t size, const int *from, int n,
		    const void *fresh);

/* Starts @pass over its first @n entries of order[] (already filled):
 * n, position 0, round 0. */
void lb_addrs_pass_start(struct lb_pass *pass, int n);

/* The snapshot of the list in list order: order[] = the ids, then
 * lb_addrs_pass_start(). */
void lb_addrs_snapshot(const struct lb_addrs *a, struct lb_pass *pass);

/*
 * A dial_next() for a policy whose pass is its snapshot in order: the
 * next id of pass->order still listed in @a (servers removed since the
 * snapshot are skipped), advancing pass->pos; -1 at the end, and on every
 * call after.
 */
int lb_addrs_next(const struct lb_addrs *a, struct lb_pass *pass);

#endif
