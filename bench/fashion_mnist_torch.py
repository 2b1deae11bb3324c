"""The Python side of bench/train.js: examples/fashion-mnist.ts written in PyTorch, line for line
(same model, optimizer, batch size, seed, data as in-memory tensors), timed per epoch and per step."""
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn

threads = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1  # 0: only the MLP step
torch.set_num_threads(threads)
root = "/usr/share/datasets/fashion-mnist"


def idx(name):
    b = gzip.open(f"{root}/{name}.gz").read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return torch.from_numpy(np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).copy()).reshape(dims)


class Mnist(torch.utils.data.Dataset):
    def __init__(self, train):
        p = "train" if train else "t10k"
        self.data = idx(f"{p}-images-idx3-ubyte")
        self.targets = idx(f"{p}-labels-idx1-ubyte").long()

    def __len__(self):
        return len(self.targets)

    def __getitems__(self, indices):  # whole batches, as torchnode's dataset gives them
        i = torch.tensor(indices)
        return self.data.index_select(0, i).unsqueeze(1).float().div_(255), self.targets.index_select(0, i)


def collate(b):
    return b


torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()
train = Mnist(True)
sampler = torch.utils.data.BatchSampler(torch.utils.data.RandomSampler(train), 64, False)

epoch_times = []
for _ in range(epochs):
    model.train()
    t0 = time.perf_counter()
    for batch in sampler:
        x, y = train.__getitems__(batch)
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    epoch_times.append(time.perf_counter() - t0)

# MLP 784-128-10, batch 64, Adam step (forward, backward, step).
torch.manual_seed(0)
mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
mopt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    mopt.zero_grad()
    loss = loss_fn(mlp(x), y)
    loss.backward()
    mopt.step()


# Best of 20 windows of 50 steps: on a shared machine short windows are likelier to catch an
# undisturbed stretch, and both sides are measured the same way (bench/train.js).
for _ in range(50):
    step()
best = float("inf")
for _ in range(20):
    t0 = time.perf_counter()
    for _ in range(50):
        step()
    best = min(best, (time.perf_counter() - t0) / 50 * 1e6)

print(json.dumps({"epoch_s": min(epoch_times) if epoch_times else None, "mlp_step_us": best}))
