#!/usr/bin/env node
'use strict';
// GPU benchmarks, side by side with Python PyTorch on the same machine (bench/gpu_torch.py runs the
// same workloads): 1-element add, resnet18 TorchScript batch-1 latency, bf16 8192^3 matmul,
// MLP 784-1024-1024-10 batch 512 Adam step, and each torchnode fused kernel against the unfused
// LibTorch ops it replaces. Prints a table; with --json FILE also writes the numbers.
//   node bench/gpu.js                       (scripts/gpu-check.sh runs it on the GPU machine)
//   node bench/gpu.js --device cpu --quick  (a dry run of the same code on the CPU)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { benchModels } = require('./models');
const { findPython } = require('../scripts/python');
const { cppLoop } = require('./cpp_loop');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
};
const device = arg('--device', 'cuda');
const quick = process.argv.includes('--quick');
const jsonOut = arg('--json', null);
const python = arg('--python', process.env.PYTHON || findPython());
const torchPath = require.resolve(arg('--torchnode', '..'));
const torch = require(torchPath);
// The one door to native code, for the breakdown's "no Tensor objects" row.
const { binding } = require(path.join(path.dirname(torchPath), 'binding'));
const { op, opId } = require(path.join(path.dirname(torchPath), 'ops'));
const { nn, optim } = torch;

const cuda = device === 'cuda';
const sync = () => (cuda ? torch.cuda.synchronize() : undefined);
const n = (full, small) => (quick ? small : full);
const REPEATS = 5;

// Best of REPEATS timed runs of fn(iters), after a warm-up; microseconds per iteration.
function best(iters, fn) {
  fn(Math.max(1, Math.min(iters, 20)));
  sync();
  let out = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    fn(iters);
    sync();
    out = Math.min(out, Number(process.hrtime.bigint() - t0) / 1e3 / iters);
  }
  return out;
}

// Each timed body is a block, not an expression: a value returned from torch.scope() leaves the
// scope (the GC would own it), and results piling up until a collection is not what is measured.
function add1() {
  const a = torch.ones(1, { device });
  const b = torch.ones(1, { device });
  return best(n(20000, 2000), (k) => {
    for (let i = 0; i < k; i += 100) torch.scope(() => {
      for (let j = 0; j < 100; j++) a.add(b);
    });
  });
}

// Where a 1-element add's time goes: results freed at once (as Python's reference counting
// does) instead of 100 per scope, in place (no result at all), and the same adds on the CPU.
function add1Breakdown() {
  const a = torch.ones(1, { device });
  const b = torch.ones(1, { device });
  const ac = torch.ones(1);
  const bc = torch.ones(1);
  const iters = n(20000, 2000);
  return {
    // The first workload of the process once more, after everything else has warmed up.
    scopedAgain: add1(),
    freedAtOnce: best(iters, (k) => {
      for (let i = 0; i < k; i++) a.add(b).dispose();
    }),
    inplace: best(iters, (k) => {
      for (let i = 0; i < k; i++) a.add_(b);
    }),
    // The native call and the free alone: what the JS Tensor objects and scopes add is the rest.
    nativeOnly: (() => {
      const id = opId(op('aten::add', 'Tensor'));
      return best(iters, (k) => {
        for (let i = 0; i < k; i++) binding.free(binding.call(id, a._h, b._h));
      });
    })(),
    cpu: best(iters, (k) => {
      for (let i = 0; i < k; i += 100) torch.scope(() => {
        for (let j = 0; j < 100; j++) ac.add(bc);
      });
    }),
  };
}

function resnet18() {
  const m = torch.jit.load(benchModels().resnet18, { device });
  m.eval();
  const x = torch.randn(1, 3, 224, 224, { device });
  // Latency: each forward waits for its result, as a request handler does.
  return best(n(200, 10), (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => torch.noGrad(() => m.forward(x).sum().item()));
  }) / 1e3;
}

function matmulTflops() {
  const size = n(cuda ? 8192 : 1024, 512);
  const dtype = cuda ? 'bfloat16' : 'float32';
  const a = torch.randn(size, size, { device, dtype });
  const b = torch.randn(size, size, { device, dtype });
  const us = best(n(cuda ? 50 : 3, 2), (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      a.matmul(b);
    });
  });
  return (2 * size ** 3) / (us * 1e-6) / 1e12;
}

function mlpStep(fused) {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3, fused });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(512, 784, { device });
  const y = torch.randint(0, 10, [512], { device });
  return best(n(200, 5), (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      opt.zeroGrad();
      lossFn.call(model.call(x), y).backward();
      opt.step();
    });
  });
}

function normalizeImages() {
  const imgs = torch.randint(0, 256, [64, 224, 224, 3], { dtype: 'uint8', device });
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const meanT = torch.tensor(mean, { device }).view(1, 3, 1, 1);
  const stdT = torch.tensor(std, { device }).view(1, 3, 1, 1);
  const iters = n(200, 3);
  const fused = best(iters, (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      torch.fused.normalizeImages(imgs, { mean, std });
    });
  });
  const unfused = best(iters, (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      imgs.permute(0, 3, 1, 2).float().div(255).sub(meanT).div(stdT).contiguous();
    });
  });
  return { fused, unfused };
}

function biasGelu() {
  const x = torch.randn(n(8192, 256), 4096, { device });
  const b = torch.randn(4096, { device });
  const iters = n(200, 3);
  const fused = best(iters, (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      torch.fused.biasGelu(x, b);
    });
  });
  const unfused = best(iters, (k) => {
    for (let i = 0; i < k; i++) torch.scope(() => {
      nn.functional.gelu(x.add(b));
    });
  });
  return { fused, unfused };
}

function adamKernels() {
  // The optimizer step alone on the MLP's parameters, gradients fixed.
  const run = (fused) => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 1024), new nn.Linear(1024, 1024), new nn.Linear(1024, 10)).to(device);
    for (const p of model.parameters()) p.grad = torch.randnLike(p);
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3, fused });
    return best(n(500, 5), (k) => {
      for (let i = 0; i < k; i++) torch.scope(() => opt.step());
    });
  };
  return { fused: run(true), unfused: run(false) };
}

function pythonSide() {
  const out = execFileSync(python, [path.join(__dirname, 'gpu_torch.py'), device, quick ? 'quick' : 'full', benchModels().resnet18], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function main() {
  if (cuda && !torch.cuda.isAvailable()) {
    console.error('bench/gpu.js: CUDA is not available here (try --device cpu --quick for a dry run)');
    process.exit(2);
  }
  const py = pythonSide();
  const js = {
    add1_us: add1(),
    resnet18_ms: resnet18(),
    matmul_tflops: matmulTflops(),
    mlp_adam_step_us: mlpStep(false),
    mlp_adam_step_fused_us: mlpStep(true),
  };
  const ni = normalizeImages();
  const bg = biasGelu();
  const ad = adamKernels();
  const ab = add1Breakdown();
  // The floor: the same adds in a C++ loop over the same LibTorch. A failed compile only loses the row.
  let cpp = null;
  try {
    cpp = cppLoop({ threads: torch.getNumThreads(), device });
  } catch (e) {
    console.error(`bench/gpu.js: the C++ loop did not run: ${e.message}`);
  }
  const rows = [
    ['1-element add (us/op)', js.add1_us, py.add1_us, '<= 1.0'],
    ['resnet18 TorchScript batch 1 (ms)', js.resnet18_ms, py.resnet18_ms, '<= 1.05'],
    [`${cuda ? 'bf16 8192^3' : 'fp32'} matmul (TFLOP/s, higher is better)`, js.matmul_tflops, py.matmul_tflops, '>= 0.97'],
    ['MLP 784-1024-1024-10 b512 Adam step (us)', js.mlp_adam_step_us, py.mlp_adam_step_us, '<= 1.0'],
    ['  same, Adam fused (torchnode kernel / Python fused*)', js.mlp_adam_step_fused_us, py.mlp_adam_step_fused_us, ''],
  ];
  const w = (s, k) => String(s).padEnd(k);
  const f = (v) => (v === null ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4));
  const ratio = (a, b) => (a === null || b === null ? 'n/a' : (a / b).toFixed(2) + 'x');
  console.log(`\ntorchnode ${torch.version.torchnode} vs Python PyTorch ${py.torch} on ${cuda ? torch.cuda.getDeviceName() : 'cpu'}${quick ? ' (quick)' : ''}`);
  console.log(`${w('workload', 56)}${w('torchnode', 12)}${w('python', 12)}${w('ratio', 8)}target`);
  for (const [name, a, b, target] of rows) console.log(`${w(name, 56)}${w(f(a), 12)}${w(f(b), 12)}${w(ratio(a, b), 8)}${target}`);
  if (py.mlp_adam_step_fused_us === null) console.log(`  * Python ${py.torch} has no fused Adam on ${device}`);
  console.log(`\nfused kernels vs the unfused LibTorch ops (torchnode both; Python's unfused for reference)`);
  const fusedRows = [
    ['normalizeImages 64x224x224x3 uint8 -> float (us)', ni, py.normalize_unfused_us],
    [`biasGelu ${quick ? 256 : 8192}x4096 (us)`, bg, py.bias_gelu_unfused_us],
    ['Adam step on the MLP, optimizer only (us)', ad, py.adam_foreach_us],
  ];
  console.log(`${w('kernel', 56)}${w('fused', 12)}${w('unfused', 12)}${w('speedup', 10)}python unfused`);
  for (const [name, r, p] of fusedRows) console.log(`${w(name, 56)}${w(f(r.fused), 12)}${w(f(r.unfused), 12)}${w((r.unfused / r.fused).toFixed(2) + 'x', 10)}${f(p)}`);
  console.log(`\n1-element add, where the time goes (us/op)`);
  console.log(`${w('variant', 56)}${w('torchnode', 12)}${w('python', 12)}ratio`);
  for (const [name, a, b] of [
    ['freed 100 per scope (python: at once), as above', js.add1_us, py.add1_us],
    ['the same, measured again after the other workloads', ab.scopedAgain, py.add1_us],
    ['results freed at once (dispose() each)', ab.freedAtOnce, py.add1_us],
    ['in place (add_: no result tensor)', ab.inplace, py.add1_inplace_us],
    ['native call + free only (no Tensor objects, no scope)', ab.nativeOnly, py.add1_us],
    ['on the CPU, same process', ab.cpu, py.add1_cpu_us],
    ['C++ loop, at::add (result freed at once) vs Python', cpp ? cpp.add1 : null, py.add1_us],
  ]) console.log(`${w(name, 56)}${w(f(a), 12)}${w(f(b), 12)}${ratio(a, b)}`);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ device, quick, torchnode: { ...js, add1Breakdown: ab }, cppLoop: cpp, python: py, fused: { normalizeImages: ni, biasGelu: bg, adam: ad } }, null, 2));
}

main();
