#!/usr/bin/env python3
"""PyTorch anchor: LeNet-5 (the Keras example's layout, 'same' padding) on Fashion-MNIST.

The same network, optimizer and batch size as actlab's `lenet5` in `actlab bench training`:
Conv(6,5x5)-MaxPool-Conv(16,5x5)-MaxPool-Conv(120,5x5)-Flatten-Dense(84)-Dense(10), Adam 1e-3.
Needs Debian's python3-torch, libopenblas0-pthread and dataset-fashion-mnist (run with /usr/bin/python3).

Usage: torch_lenet.py [--activation relu] [--threads 1] [--epochs 1] [--batch-size 256]
                      [--limit N] [--data DIR]
--limit trains on the first N training samples only (a slice, for extrapolating an epoch).
Prints one JSON line per epoch: {"epoch", "seconds", "train_samples", "loss", "test_acc", "params"}.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn

ap = argparse.ArgumentParser()
ap.add_argument('--activation', default='relu')
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--epochs', type=int, default=1)
ap.add_argument('--batch-size', type=int, default=256)
ap.add_argument('--limit', type=int, default=0)
ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
a = ap.parse_args()
torch.set_num_threads(a.threads)


def idx(name, offset, shape):
    raw = gzip.open(f'{a.data}/{name}').read()
    return np.frombuffer(raw, np.uint8, offset=offset).reshape(shape)


X = torch.tensor(idx('train-images-idx3-ubyte.gz', 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
Y = torch.tensor(idx('train-labels-idx1-ubyte.gz', 8, (-1,)).astype(np.int64))
Xt = torch.tensor(idx('t10k-images-idx3-ubyte.gz', 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
Yt = torch.tensor(idx('t10k-labels-idx1-ubyte.gz', 8, (-1,)).astype(np.int64))
if a.limit > 0:
    X, Y = X[:a.limit], Y[:a.limit]

ACT = {'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh, 'gelu': nn.GELU, 'mish': nn.Mish,
       'silu': nn.SiLU, 'elu': nn.ELU, 'selu': nn.SELU, 'leaky_relu': nn.LeakyReLU,
       'softplus': nn.Softplus}[a.activation]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), ACT(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5, padding=2), ACT(), nn.MaxPool2d(2),
    nn.Conv2d(16, 120, 5, padding=2), ACT(), nn.Flatten(),
    nn.Linear(7 * 7 * 120, 84), ACT(), nn.Linear(84, 10))
params = sum(p.numel() for p in model.parameters())
opt = torch.optim.Adam(model.parameters(), 1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(a.epochs):
    t = time.perf_counter()
    perm = torch.randperm(len(X))
    model.train()
    for i in range(0, len(X), a.batch_size):
        b = perm[i:i + a.batch_size]
        opt.zero_grad()
        loss = loss_fn(model(X[b]), Y[b])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - t
    model.eval()
    with torch.no_grad():
        acc = (model(Xt).argmax(1) == Yt).float().mean().item()
    print(json.dumps({'epoch': epoch + 1, 'seconds': round(seconds, 3), 'train_samples': len(X),
                      'loss': round(loss.item(), 5), 'test_acc': round(acc, 5), 'params': params}),
          flush=True)
