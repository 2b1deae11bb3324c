"""Python PyTorch side of bench/gpu.js: the same workloads on the same device, printed as one JSON
line. Usage: python3 bench/gpu_torch.py cuda|cpu full|quick path/to/resnet18.pt"""
import json
import sys
import time

import torch

device, mode, resnet_path = sys.argv[1], sys.argv[2], sys.argv[3]
cuda = device == "cuda"
quick = mode == "quick"
REPEATS = 5


def n(full, small):
    return small if quick else full


def sync():
    if cuda:
        torch.cuda.synchronize()


def best(iters, fn):
    fn(max(1, min(iters, 20)))
    sync()
    out = float("inf")
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn(iters)
        sync()
        out = min(out, (time.perf_counter() - t) / iters * 1e6)
    return out


def add1(on=None, inplace=False):
    a = torch.ones(1, device=on or device)
    b = torch.ones(1, device=on or device)

    def run(k):
        for _ in range(k):
            a + b

    def run_inplace(k):
        for _ in range(k):
            a.add_(b)

    return best(n(20000, 2000), run_inplace if inplace else run)


def resnet18():
    m = torch.jit.load(resnet_path, map_location=device)
    m.eval()
    x = torch.randn(1, 3, 224, 224, device=device)

    def run(k):
        with torch.no_grad():
            for _ in range(k):
                m(x).sum().item()

    return best(n(200, 10), run) / 1e3


def matmul_tflops():
    size = n(8192 if cuda else 1024, 512)
    dtype = torch.bfloat16 if cuda else torch.float32
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)

    def run(k):
        for _ in range(k):
            a @ b

    us = best(n(50 if cuda else 3, 2), run)
    return 2 * size**3 / (us * 1e-6) / 1e12


def mlp_step(fused):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 10)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused or None)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(512, 784, device=device)
    y = torch.randint(0, 10, (512,), device=device)

    def run(k):
        for _ in range(k):
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

    return best(n(200, 5), run)


def normalize_unfused():
    imgs = torch.randint(0, 256, (64, 224, 224, 3), dtype=torch.uint8, device=device)
    mean = torch.tensor([0.485, 0.456, 0.406], device=device).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], device=device).view(1, 3, 1, 1)

    def run(k):
        for _ in range(k):
            imgs.permute(0, 3, 1, 2).float().div(255).sub(mean).div(std).contiguous()

    return best(n(200, 3), run)


def bias_gelu_unfused():
    x = torch.randn(n(8192, 256), 4096, device=device)
    b = torch.randn(4096, device=device)

    def run(k):
        for _ in range(k):
            torch.nn.functional.gelu(x + b)

    return best(n(200, 3), run)


def adam_foreach():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.Linear(1024, 1024), torch.nn.Linear(1024, 10)).to(device)
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def run(k):
        for _ in range(k):
            opt.step()

    return best(n(500, 5), run)


def fused_available():
    # CPU fused Adam arrived in PyTorch 2.4; CUDA's in 2.0.
    try:
        torch.optim.Adam([torch.zeros(1, device=device, requires_grad=True)], fused=True)
        return True
    except (RuntimeError, TypeError):
        return False


torch.set_grad_enabled(True)
out = {
    "torch": torch.__version__,
    "add1_us": add1(),
    "resnet18_ms": resnet18(),
    "matmul_tflops": matmul_tflops(),
    "mlp_adam_step_us": mlp_step(False),
    "mlp_adam_step_fused_us": mlp_step(True) if fused_available() else None,
    "normalize_unfused_us": normalize_unfused(),
    "bias_gelu_unfused_us": bias_gelu_unfused(),
    "adam_foreach_us": adam_foreach(),
    # Where a 1-element add's time goes (bench/gpu.js prints these beside its own).
    "add1_inplace_us": add1(inplace=True),
    "add1_cpu_us": add1("cpu"),
}
print(json.dumps(out))
