#!/usr/bin/env node
'use strict';
// TorchScript inference, side by side: resnet18 (torchvision, random weights, scripted) batch 1
// latency and batch 16 throughput in torchnode, in Python's torch.jit on the same LibTorch, plain
// and after freeze + optimize_for_inference, and in onnxruntime-node on the same weights exported
// to ONNX by Python, when it is installed (it is not a dependency: 288 MB; install it with
//   ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm i --no-save onnxruntime-node).
//   npm run bench:jit      (BENCH_ITERS=30)
const { execFileSync } = require('child_process');
const path = require('path');
const torch = require('..');
const { benchModels } = require('./models');
const { findPython } = require('../scripts/python');

const iters = Number(process.env.BENCH_ITERS || 30);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(fn, iters) {
  for (let i = 0; i < Math.max(3, Math.floor(iters / 5)); i++) fn();
  const ts = [];
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ts);
}

async function ortTimes(onnx) {
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch {
    return null;
  }
  const threads = torch.getNumThreads();
  const s = await ort.InferenceSession.create(onnx, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const run = async (n, k) => {
    const x = new ort.Tensor('float32', Float32Array.from({ length: n * 3 * 224 * 224 }, () => Math.random()), [n, 3, 224, 224]);
    for (let i = 0; i < Math.max(3, Math.floor(k / 5)); i++) await s.run({ x });
    const ts = [];
    for (let i = 0; i < k; i++) {
      const t0 = process.hrtime.bigint();
      await s.run({ x });
      ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(ts);
  };
  return { b1: await run(1, iters), b16: 16 / ((await run(16, Math.max(3, Math.floor(iters / 5)))) / 1e3) };
}

async function main() {
  const { resnet18, dir } = benchModels();
  const onnx = path.join(dir, 'resnet18.onnx');
  const threads = torch.getNumThreads();
  const m = torch.jit.load(resnet18).eval();
  const opt = torch.jit.optimizeForInference(torch.jit.freeze(m));
  const x1 = torch.randn(1, 3, 224, 224);
  const x16 = torch.randn(16, 3, 224, 224);
  // A block body: the output is freed with the scope, as Python frees it, instead of leaving it to the GC.
  const call = (mod, x) => () =>
    torch.scope(() => {
      torch.noGrad(() => mod.forward(x));
    });
  const measureTn = () => ({
    plain_b1_ms: timed(call(m, x1), iters),
    plain_b16_ips: 16 / (timed(call(m, x16), Math.max(3, Math.floor(iters / 5))) / 1e3),
    opt_b1_ms: timed(call(opt, x1), iters),
    opt_b16_ips: 16 / (timed(call(opt, x16), Math.max(3, Math.floor(iters / 5))) / 1e3),
  });
  const measurePy = (out) => JSON.parse(execFileSync(findPython(), [path.join(__dirname, 'jit_torch.py'), resnet18, out, String(threads), String(iters)], { encoding: 'utf8' }));
  // Alternate the two sides twice and keep each side's best: the machine's speed drifts.
  const best = (a, b) => ({
    plain_b1_ms: Math.min(a.plain_b1_ms, b.plain_b1_ms), opt_b1_ms: Math.min(a.opt_b1_ms, b.opt_b1_ms),
    plain_b16_ips: Math.max(a.plain_b16_ips, b.plain_b16_ips), opt_b16_ips: Math.max(a.opt_b16_ips, b.opt_b16_ips),
  });
  const py1 = measurePy(onnx);
  const tn1 = measureTn();
  const py = best(py1, measurePy('-'));
  const tn = best(tn1, measureTn());
  const ort = await ortTimes(onnx);
  console.log(`resnet18 3x224x224, ${threads} threads, LibTorch ${torch.version.libtorch}, ${iters} iterations (median), best of 2 alternating runs per side\n`);
  console.log('| workload | torchnode | Python torch.jit | torchnode / Python | onnxruntime-node | torchnode / ort | target |');
  console.log('|---|---|---|---|---|---|---|');
  const row = (name, a, b, o, lower, target) =>
    console.log(`| ${name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(lower ? a / b : b / a).toFixed(2)}x | ${o === null ? 'not installed' : o.toFixed(2)} | ${o === null ? '-' : `${(lower ? a / o : o / a).toFixed(2)}x`} | ${target} |`);
  row('batch 1 latency (ms), plain', tn.plain_b1_ms, py.plain_b1_ms, ort && ort.b1, true, '<= 1.02x Python');
  row('batch 1 latency (ms), optimizeForInference', tn.opt_b1_ms, py.opt_b1_ms, ort && ort.b1, true, "at Python's optimized");
  row('batch 16 throughput (img/s), plain', tn.plain_b16_ips, py.plain_b16_ips, ort && ort.b16, false, '');
  row('batch 16 throughput (img/s), optimizeForInference', tn.opt_b16_ips, py.opt_b16_ips, ort && ort.b16, false, '');
  console.log('\n(time ratios: lower is better for torchnode; throughput ratios are Python / torchnode, so also lower is better)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
