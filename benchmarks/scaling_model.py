#!/usr/bin/env python3
"""Prints docs/scaling.md's table: the predicted speedup of data-parallel training on N machines.

One step of a global batch of B samples on N machines (docs/scaling.md, "The model"):

    T(N) = ⌈B/N⌉·c + U + A(N),   A(N) = (k+1)(N−1)/N · W/β + 2(N−1)·α

with c the compute per sample on one machine, U the optimiser's update (every machine makes it
on the whole model), and A(N) MpiExchange's fixed-order sum of W = 4·P bytes of float
gradients, k shards a machine, over links of bandwidth β and latency α: an all-to-all of every
shard's slices, then an allgather of the summed slices. With k = 1 it is a ring allreduce's
cost. T(1) = B·c + U; the speedup is T(1)/T(N). Usage: python3 benchmarks/scaling_model.py [k]
"""
import math
import sys

# (name, parameters, global batch, compute per sample in seconds, update in seconds)
# Compute per sample: docs/benchmarks.md's one-thread rows; parameters: the models'
# parameter_count() and update: one Adam step, both as mpi_link prints them.
WORKLOADS = [
    ('autoencoder, batch 256', 209968, 256, 1 / 127.1e3, 85e-6),
    ('autoencoder, batch 4096', 209968, 4096, 1 / 127.1e3, 85e-6),
    ('LSTM, 32 sequences', 107072, 32, 1 / 10.4e3, 40e-6),
    ('LSTM, 512 sequences', 107072, 512, 1 / 10.4e3, 40e-6),
    ('biaxial, 8 windows', 195906, 8, 64 / 899, 80e-6),
    ('biaxial, 64 windows', 195906, 64, 64 / 899, 80e-6),
]
# (name, bandwidth in bytes/s, latency in s): assumptions, see docs/scaling.md.
LINKS = [('10 Gb/s', 10e9 / 8 * 0.9, 30e-6), ('100 Gb/s', 100e9 / 8 * 0.9, 3e-6)]
MACHINES = [2, 4, 8, 16, 32, 64]


def exchange(n, w, beta, alpha, k):
    return (k + 1) * (n - 1) / n * w / beta + 2 * (n - 1) * alpha


def speedup(n, p, b, c, u, beta, alpha, k):
    one = b * c + u
    return one / (math.ceil(b / n) * c + u + exchange(n, 4 * p, beta, alpha, k))


def main():
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    print('| workload | link | ' + ' | '.join(f'{n}' for n in MACHINES) + ' |')
    print('| --- | --- | ' + ' | '.join('---' for _ in MACHINES) + ' |')
    for name, p, b, c, u in WORKLOADS:
        for link, beta, alpha in LINKS:
            cells = [f'{speedup(n, p, b, c, u, beta, alpha, k):.1f}' for n in MACHINES]
            print(f'| {name} | {link} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
