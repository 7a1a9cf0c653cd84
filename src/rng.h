/*
 * rng.h: a small deterministic random number generator (splitmix64).
 *
 * The engine draws ISNs and cookie secrets from it so that one seed gives
 * one trace, on every machine.
 */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint32_t rng_u32(struct rng *r);

#endif
