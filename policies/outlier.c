/*
 * Outlier ejection: the rule and its source are in outlier.h. The review
 * timer is lazy: outlier_tick() applies, at every call, the ticks that
 * have come since the last one. Ejections happen only inside calls and
 * un-ejections only at ticks, so applying them late gives the same state
 * a real timer would.
 */
#include "outlier.h"
#include "lb_table.h"

#include "sim/error.h"

#include <limits.h>
#include <string.h>

static int outlier_find(const struct outlier *o, int id)
{
	return lb_addrs_find(&o->addrs, id);
}

/* @a x @k for a >= 0, k >= 0, saturating at SIM_TIME_MAX. */
static sim_time sat_mul(sim_time a, int k)
{
	if (k > 0 && a > SIM_TIME_MAX / k)
		return SIM_TIME_MAX;
	return a * k;
}

/*
 * The tick an ejection made at @at for @len ends at: the first tick
 * start + k * interval (k >= 1) with tick - at >= len, and after @at
 * (the tick at @at itself ran before the ejection). SIM_TIME_MAX when
 * that lies past the end of time.
 */
static sim_time outlier_end_tick(const struct outlier *o, sim_time at,
				 sim_time len)
{
	sim_time iv = o->cfg.interval, due = sim_time_add(at, len);
	sim_time k_after = (at - o->start) / iv + 1;	/* first tick > at */
	sim_time k_due, k;

	if (due == SIM_TIME_MAX)
		return SIM_TIME_MAX;
	/* ceil((due - start) / iv): due >= at >= start */
	k_due = (due - o->start) / iv + ((due - o->start) % iv != 0);
	k = k_due > k_after ? k_due : k_after;
	if (k > (SIM_TIME_MAX - o->start) / iv)
		return SIM_TIME_MAX;
	return o->start + k * iv;
}

/* The ticks in (@from, @to] at or after @since (ticks are start +
 * k x interval, k >= 1). */
static sim_time ticks_between(const struct outlier *o, sim_time from,
			      sim_time to, sim_time since)
{
	sim_time iv = o->cfg.interval, lo = MAX(from, since - 1);

	if (to <= lo)
		return 0;
	return (to - o->start) / iv - (lo - o->start) / iv;
}

/* Applies the review ticks up to now, in closed form: ends the ejections
 * due (each at its tick), then steps down the multiplier of every server
 * not ejected once per tick at least `interval` after its un-ejection. */
static void outlier_tick(struct outlier *o)
{
	sim_time now = sim_now(o->sim), iv = o->cfg.interval;
	sim_time last = o->start + (now - o->start) / iv * iv;
	int i;

	if (last <= o->applied)
		return;
	for (i = 0; i < o->addrs.n; i++) {
		struct outlier_server *s = &o->srv[i];
		sim_time d;

		if (s->ejected && s->until <= now) {
			s->ejected = false;
			s->failures = 0;
			s->unejected_once = true;
			s->last_uneject = s->until;
			o->n_ejected--;
		}
		if (s->ejected || !s->unejected_once || s->backoff == 0)
			continue;
		d = ticks_between(o, o->applied, last,
				  sim_time_add(s->last_uneject, iv));
		s->backoff = d >= s->backoff ? 0 : s->backoff - (int)d;
	}
	o->applied = last;
}

/* Envoy's ejectHost(): refused when it would pass max_percent. */
static void outlier_try_eject(struct outlier *o, struct outlier_server *s)
{
	sim_time now = sim_now(o->sim);

	if (100.0 * (o->n_ejected + 1) > o->cfg.max_percent * o->addrs.n)
		return;
	sim_time base = o->cfg.base_ejection;
	sim_time max = MAX(o->cfg.max_ejection_time, base);

	s->ejected = true;
	if (s->times_ejected < INT_MAX)
		s->times_ejected++;
	/* ejectHost(): if (backoff * base < max + base) backoff++ */
	if (sat_mul(base, s->backoff) < sim_time_add(max, base))
		s->backoff++;
	s->until = outlier_end_tick(o, now,
				    MIN(sat_mul(base, s->backoff), max));
	o->n_ejected++;
}

void outlier_init(struct outlier *o, const struct outlier_cfg *cfg, sim *s)
{
	SIM_ASSERT(o && cfg && s);
	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	o->sim = s;
	o->start = sim_now(s);
	o->applied = o->start;
	if (cfg->enabled) {
		SIM_ASSERT(cfg->consecutive >= 1);
		SIM_ASSERT(cfg->interval > 0);
		SIM_ASSERT(cfg->base_ejection >= 0);
		SIM_ASSERT(cfg->max_percent >= 0 && cfg->max_percent <= 100);
	}
}

void outlier_release(struct outlier *o)
{
	lb_addrs_init(&o->addrs);
	o->n_ejected = 0;
}

void outlier_set_servers(struct outlier *o, const int *servers, size_t n)
{
	static const struct outlier_server fresh = { .ejected = false };
	int from[LB_MAX_SERVERS], i;

	outlier_tick(o);
	lb_addrs_set(&o->addrs, servers, n, from, NULL, NULL);
	lb_addrs_remap(o->srv, sizeof(o->srv[0]), from, (int)n, &fresh);
	o->n_ejected = 0;
	for (i = 0; i < o->addrs.n; i++)
		o->n_ejected += o->srv[i].ejected;
}

/* Envoy's putResult(): `++failures == consecutive` triggers, as there. */
void outlier_record(struct outlier *o, int server, bool ok)
{
	struct outlier_server *s;
	int i;

	if (!o->cfg.enabled)
		return;
	outlier_tick(o);
	i = outlier_find(o, server);
	if (i < 0)
		return;
	s = &o->srv[i];
	if (ok) {
		s->failures = 0;
		return;
	}
	if (s->failures < INT_MAX)
		s->failures++;
	if (s->failures != o->cfg.consecutive || s->ejected)
		return;
	outlier_try_eject(o, s);
	s->failures = 0;
}

bool outlier_ejected(struct outlier *o, int server)
{
	int i;

	if (!o->cfg.enabled)
		return false;
	outlier_tick(o);
	i = outlier_find(o, server);
	return i >= 0 && o->srv[i].ejected;
}

int outlier_n_ejected(struct outlier *o)
{
	outlier_tick(o);
	return o->n_ejected;
}

bool outlier_in_panic(struct outlier *o, double threshold)
{
	if (!o->cfg.enabled)
		return false;
	outlier_tick(o);
	return o->n_ejected > 0 &&
	       lb__panic(o->addrs.n - o->n_ejected, o->addrs.n, threshold);
}
