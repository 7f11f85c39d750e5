#include "rng.h"

uint64_t sim_mix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t sim_rng_key(uint64_t seed, uint64_t scenario, uint32_t purpose,
		     uint64_t entity)
{
	/* chain the mixer so that each input lands in all 64 bits */
	uint64_t k = sim_mix64(seed);

	k = sim_mix64(k ^ scenario);
	k = sim_mix64(k ^ purpose);
	return sim_mix64(k ^ entity);
}

void sim_rng_seed(gsl_rng *r, uint64_t seed, uint64_t scenario,
		  uint32_t purpose, uint64_t entity)
{
	uint64_t k = sim_rng_key(seed, scenario, purpose, entity);
	unsigned long s = (unsigned long)((k ^ (k >> 32)) & 0xffffffffu);

	/* GSL treats seed 0 as "the default seed"; keep streams distinct */
	gsl_rng_set(r, s ? s : 0x5eed);
}

gsl_rng *sim_rng_new(uint64_t seed, uint64_t scenario, uint32_t purpose,
		     uint64_t entity)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);

	sim_rng_seed(r, seed, scenario, purpose, entity);
	return r;
}
