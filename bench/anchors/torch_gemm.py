#!/usr/bin/env python3
"""PyTorch anchor: single-precision matrix product throughput (GFLOP/s), square sizes.

Measures what `actlab bench training` measures for its own SGEMM: C = A @ B for n×n float32
matrices, out-of-place, best of N runs, one thread unless told. Needs Debian's python3-torch and
libopenblas0-pthread (without OpenBLAS PyTorch falls back to a reference BLAS ~30x slower).

Usage: torch_gemm.py [--sizes 64,128,256,512,1024] [--threads 1] [--budget 0.5]
Prints one JSON object: {"torch", "threads", "gemm": {"<n>": GFLOP/s}}.
"""
import argparse
import json
import time

import torch

ap = argparse.ArgumentParser()
ap.add_argument('--sizes', default='64,128,256,512,1024')
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--budget', type=float, default=0.5, help='seconds of timing per size')
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
out = {}
for n in map(int, a.sizes.split(',')):
    x = torch.rand(n, n) - 0.5
    y = torch.rand(n, n) - 0.5
    x @ y
    best, spent, runs = float('inf'), 0.0, 0
    while runs < 5 or spent < a.budget:
        t = time.perf_counter()
        x @ y
        dt = time.perf_counter() - t
        best, spent, runs = min(best, dt), spent + dt, runs + 1
        if runs >= 2000:
            break
    out[str(n)] = round(2 * n ** 3 / best / 1e9, 2)
print(json.dumps({'torch': torch.__version__, 'threads': a.threads, 'gemm': out}))
