#!/usr/bin/env node
'use strict';
// Side-by-side benchmark: torchnode vs Python PyTorch on the same LibTorch (and, for per-op
// costs, a C++ loop), same thread count, one process run per side. Prints a table of ratios.
//   npm run bench            (needs a built torchnode, python3-torch, g++)
const { execFileSync } = require('child_process');
const path = require('path');
const torch = require('..');
const { findPython } = require('../scripts/python');
const { cppLoop } = require('./cpp_loop');

const threads = torch.getNumThreads();

const REPEATS = 5;

// Best of several repeats (the least disturbed by other work), as bench_torch.py measures.
function best(iters, fn) {
  fn(Math.min(iters, 1000));
  let out = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    fn(iters);
    out = Math.min(out, Number(process.hrtime.bigint() - t0) / 1e3 / iters);
  }
  return out;
}

// Scoped: a scope around every `per` ops, as a training step frees its temporaries. Large
// tensors use one op per scope, so freed memory is reused at once (as Python's refcounting does).
function addScoped(n, iters, per = n >= 1e6 ? 1 : 100) {
  const a = torch.ones(n);
  const b = torch.ones(n);
  const us = best(iters, (k) => {
    for (let i = 0; i < k; i += per) torch.scope(() => {
      for (let j = 0; j < per; j++) a.add(b);
    });
  });
  a.dispose();
  b.dispose();
  return us;
}

function index(iters) {
  const x = torch.ones(4, 4);
  const us = best(iters, (k) => {
    for (let i = 0; i < k; i += 100) torch.scope(() => {
      for (let j = 0; j < 100; j++) x.index(0, '1:3');
    });
  });
  x.dispose();
  return us;
}

function addcmul(iters) {
  const [a, b, c] = [torch.ones(1), torch.ones(1), torch.ones(1)];
  const us = best(iters, (k) => {
    for (let i = 0; i < k; i += 100) torch.scope(() => {
      for (let j = 0; j < 100; j++) torch.addcmul(a, b, c, { value: 0.5 });
    });
  });
  for (const t of [a, b, c]) t.dispose();
  return us;
}

// GC-only: nothing disposed; the FinalizationRegistry backstop frees results after V8 collects
// them. Finalizers run on the event loop, so the loop yields every 10 iterations, as a service
// or an async training loop does between steps.
async function addGcOnly(n, iters) {
  const a = torch.ones(n);
  const b = torch.ones(n);
  for (let i = 0; i < 20; i++) a.add(b);
  await new Promise((r) => setImmediate(r));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) {
    a.add(b);
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / iters;
}

function matmul(n = 1024, iters = 10) {
  return torch.scope(() => {
    const a = torch.randn(n, n);
    const b = torch.randn(n, n);
    // Best of REPEATS windows, as the per-op workloads (and bench_torch.py's matmul).
    const us = best(iters, (k) => {
      for (let i = 0; i < k; i++) torch.scope(() => a.matmul(b) && undefined);
    });
    return (2 * n ** 3) / (us / 1e6) / 1e9;
  });
}

// nn.MultiheadAttention(512, 8) on (L=64, N=16, 512), no grad, no weights, as a Transformer
// layer calls it (ms per call).
function mha(iters = 20) {
  const m = new torch.nn.MultiheadAttention(512, 8);
  m.eval();
  const x = torch.randn(64, 16, 512);
  const us = best(iters, (k) => {
    torch.noGrad(() => {
      for (let i = 0; i < k; i++) torch.scope(() => void m.call(x, x, x, { needWeights: false }));
    });
  });
  m.dispose();
  x.dispose();
  return us / 1e3;
}

// Rounds alternate the Python process and torchnode; each workload keeps its best round.
function minMerge(acc, x) {
  for (const [k, v] of Object.entries(x)) acc[k] = Math.min(acc[k] ?? Infinity, v);
  return acc;
}
const maxMerge = (acc, x) => {
  for (const [k, v] of Object.entries(x)) acc[k] = Math.max(acc[k] ?? -Infinity, v);
  return acc;
};

(async () => {
  const rounds = Number(process.env.BENCH_ROUNDS || 3);
  console.log(`torchnode ${torch.version.torchnode}, LibTorch ${torch.version.libtorch}, ${threads} threads, BLAS ${torch.config().blas.name}, best of ${rounds} rounds x ${REPEATS} repeats`);
  const cpp = cppLoop({ threads });
  let py = {};
  let pyGflops = {};
  let tn = {};
  let tnGflops = {};
  for (let r = 0; r < rounds; r++) {
    const p = JSON.parse(execFileSync(findPython(), [path.join(__dirname, 'bench_torch.py'), String(threads)], { encoding: 'utf8' }));
    pyGflops = maxMerge(pyGflops, { matmul: p.matmul });
    delete p.matmul;
    py = minMerge(py, p);
    tn = minMerge(tn, {
      add1: addScoped(1, 100000),
      add1k: addScoped(1000, 50000),
      add1m: addScoped(1000000, 100),
      add1mGc: await addGcOnly(1000000, 300),
      index: index(100000),
      addcmul: addcmul(100000),
      mha: mha(),
    });
    tnGflops = maxMerge(tnGflops, { matmul: matmul() });
  }
  const rows = [
    ['1-element add (us/op)', tn.add1, py.add1, cpp.add1, 'torchnode/Python <= 0.8'],
    ['1000-element add (us/op)', tn.add1k, py.add1k, cpp.add1k, ''],
    ['1M-element add, scoped (us/op)', tn.add1m, py.add1m, cpp.add1m, 'torchnode/C++ <= 1.1'],
    ['1M-element add, GC only (us/op)', tn.add1mGc, py.add1m, cpp.add1m, 'GC-only/scoped <= 1.5'],
    ['`x.index(0, \'1:3\')` vs `x[0, 1:3]` (us/op)', tn.index, py.index, NaN, ''],
    ['1-element addcmul (us/op)', tn.addcmul, py.addcmul, NaN, ''],
    ['1024x1024 matmul (GFLOP/s)', tnGflops.matmul, pyGflops.matmul, NaN, 'torchnode/Python >= 0.97'],
    ['MultiheadAttention(512, 8), L 64 x N 16, no grad (ms)', tn.mha, py.mha, NaN, ''],
  ];
  const f = (x) => (Number.isNaN(x) ? '-' : x.toFixed(x < 10 ? 3 : 1));
  console.log('\n| workload | torchnode | Python torch | C++ loop | torchnode / Python | torchnode / C++ | target |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, t, p, c, target] of rows) {
    console.log(`| ${name} | ${f(t)} | ${f(p)} | ${f(c)} | ${(t / p).toFixed(2)}x | ${Number.isNaN(c) ? '-' : (t / c).toFixed(2) + 'x'} | ${target} |`);
  }
  console.log(`\nGC-only / scoped (1M-element add): ${(tn.add1mGc / tn.add1m).toFixed(2)}x`);
})();
