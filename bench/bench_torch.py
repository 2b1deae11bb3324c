"""Python PyTorch side of bench/run.js: same workloads, same LibTorch, same thread count.
Each per-op workload reports the best of several repeats (the least disturbed by other work)."""
import json
import sys
import time

import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)
REPEATS = 5


def best(iters, fn):
    fn(min(iters, 1000))
    out = float("inf")
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn(iters)
        out = min(out, (time.perf_counter() - t) / iters * 1e6)
    return out


def add(n, iters):
    a = torch.ones(n)
    b = torch.ones(n)

    def run(k):
        for _ in range(k):
            a + b

    return best(iters, run)


def index(iters):
    x = torch.ones(4, 4)

    def run(k):
        for _ in range(k):
            x[0, 1:3]

    return best(iters, run)


def addcmul(iters):
    a, b, c = torch.ones(1), torch.ones(1), torch.ones(1)

    def run(k):
        for _ in range(k):
            torch.addcmul(a, b, c, value=0.5)

    return best(iters, run)


def matmul(n=1024, iters=10):
    a = torch.randn(n, n)
    b = torch.randn(n, n)

    def run(k):
        for _ in range(k):
            a @ b

    us = best(iters, run)
    return 2 * n**3 / (us / 1e6) / 1e9


def mha(iters=20):
    """nn.MultiheadAttention(512, 8) on (L=64, N=16, 512), no grad, no weights (ms per call)."""
    m = torch.nn.MultiheadAttention(512, 8).eval()
    x = torch.randn(64, 16, 512)

    def run(k):
        with torch.no_grad():
            for _ in range(k):
                m(x, x, x, need_weights=False)

    return best(iters, run) / 1e3


print(json.dumps({
    "add1": add(1, 100000),
    "add1k": add(1000, 50000),
    "add1m": add(1000000, 100),
    "index": index(100000),
    "addcmul": addcmul(100000),
    "matmul": matmul(),
    "mha": mha(),
}))
