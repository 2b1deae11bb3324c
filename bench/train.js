#!/usr/bin/env node
'use strict';
// Training benchmark, side by side with Python (bench/fashion_mnist_torch.py, same model,
// optimizer, batch size, seed and thread count): one Fashion-MNIST epoch of the example's CNN, and
// an MLP 784-128-10 Adam step at batch 64. Prints the table and the ratios.
//   npm run bench:train      (needs a built torchnode, python3-torch, dataset-fashion-mnist)
const { execFileSync } = require('child_process');
const path = require('path');
const torch = require('..');
const { findPython } = require('../scripts/python');

const { nn, optim } = torch;
const threads = torch.getNumThreads();
const epochs = Number(process.env.BENCH_EPOCHS || 1);

function cnnEpochs() {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.ReLU(), new nn.Linear(128, 10),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 2e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const train = new torch.datasets.FashionMNIST({ train: true });
  const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
  let best = Infinity;
  for (let e = 0; e < epochs; e++) {
    model.train();
    const t0 = process.hrtime.bigint();
    for (const [x, y] of loader) {
      torch.scope(() => {
        opt.zeroGrad();
        const loss = lossFn.call(model.call(x), y);
        loss.backward();
        opt.step();
        loss.item();
      });
      x.dispose();
      y.dispose();
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  opt.dispose();
  model.dispose();
  train.dispose();
  return best;
}

function mlpStep() {
  torch.manualSeed(0);
  const mlp = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.Adam(mlp.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(64, 1, 28, 28);
  const y = torch.randint(0, 10, [64]);
  const step = () =>
    torch.scope(() => {
      opt.zeroGrad();
      lossFn.call(mlp.call(x), y).backward();
      opt.step();
    });
  // Best of 20 windows of 50 steps, as bench/fashion_mnist_torch.py measures Python's.
  for (let i = 0; i < 50; i++) step();
  let best = Infinity;
  for (let r = 0; r < 20; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 50; i++) step();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / 50);
  }
  opt.dispose();
  mlp.dispose();
  x.dispose();
  y.dispose();
  return best;
}

const runPy = (n) => JSON.parse(execFileSync(findPython(), [path.join(__dirname, 'fashion_mnist_torch.py'), String(threads), String(n)], { encoding: 'utf8' }));
const py = runPy(epochs);
const tn = { mlp_step_us: mlpStep(), epoch_s: cnnEpochs() };
// The machine's speed drifts: measure the short MLP step twice more, alternating sides, and keep
// each side's best.
for (let r = 0; r < 2; r++) {
  py.mlp_step_us = Math.min(py.mlp_step_us, runPy(0).mlp_step_us);
  tn.mlp_step_us = Math.min(tn.mlp_step_us, mlpStep());
}
console.log(`torchnode ${torch.version.torchnode}, LibTorch ${torch.version.libtorch}, ${threads} threads, BLAS ${torch.config().blas.name}\n`);
console.log('| workload | torchnode | Python torch | torchnode / Python | target |');
console.log('|---|---|---|---|---|');
console.log(`| MLP 784-128-10 Adam step, batch 64 (us) | ${tn.mlp_step_us.toFixed(1)} | ${py.mlp_step_us.toFixed(1)} | ${(tn.mlp_step_us / py.mlp_step_us).toFixed(2)}x | <= 1.0 |`);
console.log(`| Fashion-MNIST epoch, example CNN, batch 64 (s) | ${tn.epoch_s.toFixed(2)} | ${py.epoch_s.toFixed(2)} | ${(tn.epoch_s / py.epoch_s).toFixed(2)}x | <= 1.0 |`);
