/*
 * The address list policies share (policies/addr_list.h): list changes
 * with the kept-server mapping and the dropped ids, remapping a
 * per-server array, snapshots, and a pass that skips servers removed
 * since its snapshot.
 */
#include "policies/addr_list.h"
#include "test.h"

#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define END (-9)	/* ends a row's list */

static size_t count(const int *ids)
{
	size_t n = 0;

	while (ids[n] != END)
		n++;
	return n;
}

/* From an old list to a new one: from[] and the dropped ids, in order. */
static void test_set(void)
{
	static const struct {
		int old[6], now[6];
		int from[6];		/* per entry of now */
		int gone[6];		/* old order */
	} rows[] = {
		{ { END }, { 3, 1, END }, { -1, -1 }, { END } },
		{ { 3, 1, END }, { 1, 3, END }, { 1, 0 }, { END } },
		{ { 3, 1, 4, END }, { 4, 5, END }, { 2, -1 }, { 3, 1, END } },
		{ { 3, 1, 4, END }, { END }, { 0 }, { 3, 1, 4, END } },
		{ { 0, 1, 2, 3, END }, { 2, 0, END }, { 2, 0 }, { 1, 3, END } },
	};
	size_t r, k;

	for (r = 0; r < N(rows); r++) {
		struct lb_addrs a;
		int from[LB_MAX_SERVERS], gone[LB_MAX_SERVERS], n_gone = -1;
		size_t n = count(rows[r].now);

		lb_addrs_init(&a);
		lb_addrs_set(&a, rows[r].old, count(rows[r].old), NULL, NULL,
			     NULL);
		lb_addrs_set(&a, rows[r].now, n, from, gone, &n_gone);
		ASSERT_EQ(a.n, (int)n);
		for (k = 0; k < n; k++) {
			ASSERT_EQ(a.id[k], rows[r].now[k]);
			ASSERT_EQ(from[k], rows[r].from[k]);
			ASSERT_EQ(lb_addrs_find(&a, rows[r].now[k]), (int)k);
		}
		ASSERT_EQ(n_gone, (int)count(rows[r].gone));
		for (k = 0; k < (size_t)n_gone; k++) {
			ASSERT_EQ(gone[k], rows[r].gone[k]);
			ASSERT(!lb_addrs_has(&a, gone[k]));
		}
	}
}

/* A per-server array follows the list: kept entries move, new ones are
 * fresh copies. */
static void test_remap(void)
{
	static const int old[] = { 7, 8, 9 }, now[] = { 9, 5, 7 };
	struct entry {
		int tag;
		double x;
	} arr[LB_MAX_SERVERS] = { { 70, 0.7 }, { 80, 0.8 }, { 90, 0.9 } };
	static const struct entry fresh = { -1, 0 };
	struct lb_addrs a = { .n = 0 };
	int from[LB_MAX_SERVERS];

	lb_addrs_set(&a, old, N(old), NULL, NULL, NULL);
	lb_addrs_set(&a, now, N(now), from, NULL, NULL);
	lb_addrs_remap(arr, sizeof(arr[0]), from, a.n, &fresh);
	ASSERT_EQ(arr[0].tag, 90);
	ASSERT_EQ(arr[1].tag, -1);
	ASSERT_EQ(arr[2].tag, 70);
	ASSERT_NEAR(arr[2].x, 0.7, 0);
}

/* A snapshot in list order; the pass skips servers removed since and
 * stays at -1 at the end. */
static void test_pass(void)
{
	static const int ids[] = { 4, 2, 6, 1 }, later[] = { 1, 4, 3 };
	struct lb_addrs a = { .n = 0 };
	struct lb_pass pass;
	size_t k;

	lb_addrs_set(&a, ids, N(ids), NULL, NULL, NULL);
	lb_addrs_snapshot(&a, &pass);
	ASSERT_EQ(pass.n, 4);
	ASSERT_EQ(pass.pos, 0);
	ASSERT_EQ(pass.round, 0);
	for (k = 0; k < N(ids); k++)
		ASSERT_EQ(pass.order[k], ids[k]);
	ASSERT_EQ(lb_addrs_next(&a, &pass), 4);
	lb_addrs_set(&a, later, N(later), NULL, NULL, NULL);
	/* 2 and 6 left; 3 is new, not in the snapshot */
	ASSERT_EQ(lb_addrs_next(&a, &pass), 1);
	ASSERT_EQ(lb_addrs_next(&a, &pass), -1);
	ASSERT_EQ(lb_addrs_next(&a, &pass), -1);

	lb_addrs_init(&a);
	lb_addrs_snapshot(&a, &pass);
	ASSERT_EQ(pass.n, 0);
	ASSERT_EQ(lb_addrs_next(&a, &pass), -1);
}

int main(void)
{
	TEST_RUN(test_set);
	TEST_RUN(test_remap);
	TEST_RUN(test_pass);
	return 0;
}
