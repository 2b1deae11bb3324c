"""Python PyTorch side of bench/run.js: same workloads, same LibTorch, same thread count."""
import json
import sys
import time

import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)


def per_op(n, iters):
    a = torch.ones(n)
    b = torch.ones(n)
    for _ in range(min(iters, 1000)):
        a + b
    t = time.perf_counter()
    for _ in range(iters):
        a + b
    return (time.perf_counter() - t) / iters * 1e6


def matmul(n=1024, iters=20):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    for _ in range(3):
        a @ b
    t = time.perf_counter()
    for _ in range(iters):
        a @ b
    dt = (time.perf_counter() - t) / iters
    return 2 * n**3 / dt / 1e9


print(json.dumps({
    "add1": per_op(1, 300000),
    "add1k": per_op(1000, 200000),
    "add1m": per_op(1000000, 300),
    "matmul": matmul(),
}))
