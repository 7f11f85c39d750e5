/* The pool of calls (call.h). */
#include "call.h"

void call__pool_init(struct world *w)
{
	w->calls = g_new0(struct call_pool, 1);
	w->calls->all = g_ptr_array_new_with_free_func(g_free);
	w->calls->free = g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

void call__pool_release(struct world *w)
{
	if (!w->calls)
		return;
	g_ptr_array_free(w->calls->all, TRUE);
	g_array_free(w->calls->free, TRUE);
	g_free(w->calls);
	w->calls = NULL;
}

void call__pool_reset(struct world *w)
{
	struct call_pool *p = w->calls;
	guint i;

	g_array_set_size(p->free, 0);
	for (i = 0; i < p->all->len; i++) {
		struct call *c = g_ptr_array_index(p->all, i);

		c->in_use = false;
		c->gen++;
		g_array_append_val(p->free, c->index);
	}
}

struct call *call__new(struct world *w, int node, uint32_t inc,
		      call_done_fn done, uint64_t tag)
{
	struct call_pool *p = w->calls;
	struct call *c;
	uint32_t gen = 0;

	if (p->free->len) {
		uint32_t i = g_array_index(p->free, uint32_t, p->free->len - 1);

		g_array_set_size(p->free, p->free->len - 1);
		c = g_ptr_array_index(p->all, i);
		gen = c->gen;
	} else {
		c = g_new(struct call, 1);
		c->index = p->all->len;
		g_ptr_array_add(p->all, c);
	}
	*c = (struct call){
		.index = c->index,
		.gen = gen + 1,
		.in_use = true,
		.node = node,
		.inc = inc,
		.lb = -1,
		.server = -1,
		.started = sim_now(w->sim),
		.done = done,
		.tag = tag,
	};
	return c;
}

void call__free(struct world *w, struct call *c)
{
	SIM_ASSERT(c->in_use);
	sim_cancel(w->sim, c->client_timer);
	c->in_use = false;
	c->gen++;
	g_array_append_val(w->calls->free, c->index);
}

struct call *call__get(struct world *w, uint32_t index, uint32_t gen)
{
	struct call *c;

	SIM_ASSERT(index < w->calls->all->len);
	c = g_ptr_array_index(w->calls->all, index);
	SIM_ASSERT(c->in_use && c->gen == gen);
	return c;
}

struct call *call__next_in_use(struct world *w, uint32_t *i)
{
	while (*i < w->calls->all->len) {
		struct call *c = g_ptr_array_index(w->calls->all, (*i)++);

		if (c->in_use)
			return c;
	}
	return NULL;
}
