"""Python's side of bench/jit.js: a TorchScript resnet18 in torch.jit, plain and after
torch.jit.freeze + optimize_for_inference, batch 1 latency (median ms) and batch 16 throughput
(images/s), same thread count; also exports the same weights to ONNX for onnxruntime-node.
  python3 bench/jit_torch.py MODEL.pt ONNX_OUT THREADS ITERS"""
import json
import statistics
import sys
import time

import torch


def timed(fn, x, iters):
    with torch.no_grad():
        for _ in range(max(3, iters // 5)):
            fn(x)
        ts = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn(x)
            ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    path, onnx_out, threads, iters = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    m = torch.jit.load(path).eval()
    x1 = torch.randn(1, 3, 224, 224)
    x16 = torch.randn(16, 3, 224, 224)
    out = {"plain_b1_ms": timed(m, x1, iters) * 1e3, "plain_b16_ips": 16 / timed(m, x16, max(3, iters // 5))}
    opt = torch.jit.optimize_for_inference(torch.jit.freeze(m))
    out["opt_b1_ms"] = timed(opt, x1, iters) * 1e3
    out["opt_b16_ips"] = 16 / timed(opt, x16, max(3, iters // 5))
    if onnx_out != "-":
        import torchvision
        r = torchvision.models.resnet18().eval()
        r.load_state_dict(m.state_dict())
        torch.onnx.export(r, x1, onnx_out, input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=13)
    print(json.dumps(out))


main()
