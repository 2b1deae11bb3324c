#!/usr/bin/env node
'use strict';
// Dynamic batching, end to end: 64 concurrent clients (autocannon) POST .npy inputs to
// examples/serve.ts over loopback, first with batching (maxBatchSize 16), then with
// maxBatchSize 1. Prints requests/s and latency for both and the ratio (target >= 2x).
//   npm run bench:serve   (BENCH_SECONDS=10, BENCH_MODEL=resnet18|mlp, BENCH_SHAPE=3,64,64)
const { spawn } = require('child_process');
const path = require('path');
const autocannon = require('autocannon');
const torch = require('..');
const { benchModels } = require('./models');

const seconds = Number(process.env.BENCH_SECONDS || 10);
const which = process.env.BENCH_MODEL || 'resnet18';
const shape = (process.env.BENCH_SHAPE || (which === 'mlp' ? '4' : '3,64,64')).split(',').map(Number);

function startServer(model, maxBatchSize) {
  const root = path.join(__dirname, '..');
  const proc = spawn(process.execPath, [path.join(root, 'scripts', 'run-ts.js'), path.join(root, 'examples', 'serve.ts'),
    '--model', model, '--input-shape', shape.join(','), '--port', '0', '--max-batch-size', String(maxBatchSize), '--max-queue', '1024'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function waitReady(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server not ready');
}

async function run(model, maxBatchSize, body) {
  const { proc, url } = await startServer(model, maxBatchSize);
  try {
    await waitReady(url);
    const opts = { url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/x-npy' }, body, connections: 64 };
    await autocannon({ ...opts, duration: 2 }); // warm-up
    const r = await autocannon({ ...opts, duration: seconds });
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

async function main() {
  const models = benchModels();
  const model = which === 'mlp' ? models.mlp : models.resnet18;
  const body = torch.npy.save(torch.randn(shape));
  const batched = await run(model, 16, body);
  const single = await run(model, 1, body);
  console.log(`${which} input ${shape.join('x')} (.npy body), 64 connections, ${seconds} s, ${torch.getNumThreads()} intra-op threads\n`);
  console.log('| server | requests/s | p50 latency (ms) | p99 latency (ms) | non-2xx | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of [['maxBatchSize 16', batched], ['maxBatchSize 1', single]]) {
    console.log(`| ${name} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors + r.timeouts} |`);
  }
  console.log(`\nbatching / no batching: ${(batched.rps / single.rps).toFixed(2)}x requests/s (target >= 2x)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
