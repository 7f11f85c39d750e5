#!/usr/bin/python3
"""The SimPy 2 peer of `selsim study`'s queueing workload (issue 14).

The same dispatch model as models/queueing.c with the "random" policy:
Poisson requests at rate lambda = rho * N * c / S to N FIFO servers of c
workers each, exponential service times of mean S, each request sent to a
server drawn uniformly at random. Response time = arrival to completion.
Prints one line: requests, wall seconds, requests per second, mean and the
p50/p90/p99 response times (all requests; selsim drops an MSER-5 warm-up
first, so the figures agree only roughly: this script is a speed peer).

Written as SimPy's own examples are (a Source process creating a Customer
process per request, a Resource per server), on Debian's python3-simpy
(SimPy 2.3.1).

    tests/bench/simpy_dispatch.py [REQUESTS] [RHO] [SERVERS] [SEED]
"""
import random
import sys
import time

from SimPy.Simulation import (Process, Resource, Simulation, hold, release,
                              request)


class Customer(Process):
    def visit(self, server, service, out):
        arrive = self.sim.now()
        yield request, self, server
        yield hold, self, service
        yield release, self, server
        out.append(self.sim.now() - arrive)


class Source(Process):
    def generate(self, n, lam, servers, mean_s, rng, out):
        for _ in range(n):
            c = Customer(sim=self.sim)
            self.sim.activate(c, c.visit(rng.choice(servers),
                                         rng.expovariate(1.0 / mean_s), out))
            yield hold, self, rng.expovariate(lam)


def quantile7(xs, q):
    """Type 7 (R's default, GSL's): xs sorted."""
    h = (len(xs) - 1) * q
    lo = int(h)
    if lo + 1 >= len(xs):
        return xs[lo]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rho = float(sys.argv[2]) if len(sys.argv) > 2 else 0.9
    n_servers = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    mean_s, workers = 1.0, 1
    lam = rho * n_servers * workers / mean_s
    rng = random.Random(seed)
    t0 = time.perf_counter()
    sim = Simulation()
    sim.initialize()
    servers = [Resource(capacity=workers, sim=sim) for _ in range(n_servers)]
    out = []
    src = Source(sim=sim)
    sim.activate(src, src.generate(n, lam, servers, mean_s, rng, out))
    sim.simulate(until=1e18)
    out.sort()
    wall = time.perf_counter() - t0
    print("simpy requests=%d wall_s=%.3f requests_per_s=%.0f mean_s=%.4f "
          "p50_s=%.4f p90_s=%.4f p99_s=%.4f"
          % (len(out), wall, len(out) / wall, sum(out) / len(out),
             quantile7(out, 0.5), quantile7(out, 0.9), quantile7(out, 0.99)))


if __name__ == "__main__":
    main()
