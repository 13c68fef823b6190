#!/usr/bin/env python3
"""PyTorch anchor for `actlab bench activations`: elementwise activation throughput.

Measures, in one process and on one thread by default, what the TypeScript side measures:
float32 input of n standard-normal values; forward out of place (f(x)); forward+backward
through autograd with an upstream gradient of ones (f(x).backward(ones), the input's .grad
cleared before each run); and a plain copy into a preallocated tensor as the memory-speed
reference. Each figure is the best of `repeats` timed runs after one warm-up run, in
millions of elements per second.

Run it with Debian's python3-torch (`npm run bench:setup` installs it):
    /usr/bin/python3 bench/anchors/torch_activations.py [--n 4194304] [--repeats 20] [--threads 1]
It prints one JSON object:
    {"n", "repeats", "threads", "torch", "memcpy", "activations": {id: {"fwd", "fwd_bwd"}}}
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

# The activation ids of actlab's catalogue, each with the PyTorch call that computes it at
# PyTorch's defaults (which are also actlab's defaults under the 'torch' preset).
ACTIVATIONS = {
    'relu': torch.relu,
    'leaky_relu': F.leaky_relu,
    'relu6': F.relu6,
    'hardsigmoid': F.hardsigmoid,
    'hardswish': F.hardswish,
    'softsign': F.softsign,
    'sigmoid': torch.sigmoid,
    'tanh': torch.tanh,
    'elu': F.elu,
    'selu': F.selu,
    'celu': F.celu,
    'softplus': F.softplus,
    'log_sigmoid': F.logsigmoid,
    'silu': F.silu,
    'mish': F.mish,
    'gelu': F.gelu,
    'gelu_tanh': lambda t: F.gelu(t, approximate='tanh'),
}


def best_seconds(run, repeats):
    """The fastest of `repeats` timed calls, after one untimed warm-up call."""
    run()
    fastest = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def rate(n, seconds):
    return round(n / seconds / 1e6, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=int, default=1 << 22)
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--only', default='', help='comma-separated ids (default: all)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    n = args.n
    x = torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=torch.float32)
    ones = torch.ones(n)
    target = torch.empty(n)
    wanted = [a for a in args.only.split(',') if a] or list(ACTIVATIONS)

    result = {
        'n': n,
        'repeats': args.repeats,
        'threads': args.threads,
        'torch': torch.__version__,
        'memcpy': rate(n, best_seconds(lambda: target.copy_(x), args.repeats)),
        'activations': {},
    }
    for name in wanted:
        f = ACTIVATIONS[name]
        leaf = x.clone().requires_grad_()

        def forward_backward():
            leaf.grad = None
            f(leaf).backward(ones)

        result['activations'][name] = {
            'fwd': rate(n, best_seconds(lambda: f(x), args.repeats)),
            # A backward pass costs about twice a forward one: half the repeats keep the time even.
            'fwd_bwd': rate(n, best_seconds(forward_backward, max(3, args.repeats // 2))),
        }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
