#!/usr/bin/env node
'use strict';
// Data loading benchmark, side by side with Python (bench/data_torch.py): an augmented image
// dataset (bench/data_augment.js) through the DataLoader, batch 64, with 0 and 2 workers
// (persistent; each side's best of 3 epochs after a first one, which also gives the time to the
// first batch, worker start-up included), two alternating rounds. Same LibTorch, same intra-op
// thread count.
//   npm run bench:data      (needs a built torchnode and python3-torch)
const { execFileSync } = require('child_process');
const path = require('path');
const torch = require('..');
const { findPython } = require('../scripts/python');
const { Augment } = require('./data_augment');

const threads = torch.getNumThreads();
const N = Number(process.env.BENCH_SAMPLES || 4096);
const WORKERS = [0, 2];

function torchnode() {
  torch.manualSeed(0);
  const images = torch.randint(0, 256, [N, 3, 96, 96], { dtype: 'uint8' });
  const labels = torch.randint(0, 10, [N]);
  const ds = new Augment(images, labels);
  const out = {};
  for (const w of WORKERS) {
    const loader = new torch.utils.data.DataLoader(ds, { batchSize: 64, shuffle: true, numWorkers: w, persistentWorkers: w > 0 });
    const epoch = () => {
      const t0 = process.hrtime.bigint();
      let first = null;
      for (const [x, y] of loader) {
        if (first === null) first = Number(process.hrtime.bigint() - t0) / 1e9;
        x.dispose();
        y.dispose();
      }
      return { first, total: Number(process.hrtime.bigint() - t0) / 1e9 };
    };
    const first = epoch().first;
    let best = Infinity;
    for (let r = 0; r < 3; r++) best = Math.min(best, epoch().total);
    out[w] = { first_batch_s: first, epoch_s: best };
    loader.dispose();
  }
  return out;
}

// The machine's speed drifts: two rounds, alternating sides, each side's best per workload.
const runPy = () => JSON.parse(execFileSync(findPython(), [path.join(__dirname, 'data_torch.py'), String(threads), String(N), WORKERS.join(',')], { encoding: 'utf8' }));
const best = (a, b) => {
  if (!a) return b;
  for (const k of Object.keys(b)) for (const m of Object.keys(b[k])) b[k][m] = Math.min(a[k][m], b[k][m]);
  return b;
};
let py;
let tn;
for (let r = 0; r < 2; r++) {
  py = best(py, runPy());
  tn = best(tn, torchnode());
}
console.log(`torchnode ${torch.version.torchnode}, LibTorch ${torch.version.libtorch}, ${threads} threads, ${N} samples of 3x96x96 uint8, batch 64\n`);
console.log('| workload | torchnode | Python torch | torchnode / Python |');
console.log('|---|---|---|---|');
for (const w of WORKERS) {
  const a = tn[w];
  const b = py[String(w)];
  console.log(`| augmented epoch, numWorkers ${w} (s) | ${a.epoch_s.toFixed(3)} | ${b.epoch_s.toFixed(3)} | ${(a.epoch_s / b.epoch_s).toFixed(2)}x |`);
  if (w > 0) console.log(`| first batch, numWorkers ${w}, workers starting (s) | ${a.first_batch_s.toFixed(3)} | ${b.first_batch_s.toFixed(3)} | ${(a.first_batch_s / b.first_batch_s).toFixed(2)}x |`);
}
const speed = (s) => (s[0].epoch_s / s[2].epoch_s).toFixed(2);
console.log(`\n2 workers vs none: torchnode ${speed(tn)}x faster, Python ${speed({ 0: py['0'], 2: py['2'] })}x faster`);
