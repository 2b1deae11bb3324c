#!/usr/bin/env node
'use strict';
// Soak: SOAK_SECONDS (default 300) of load on examples/serve.ts: 32 connections of valid .npy
// requests, plus a mix of malformed ones (bad JSON, wrong shapes, bad .npy, non-numbers).
// Passes when every valid request got 200, every malformed one a 4xx, and after the load the
// server's live tensors are back to their count before it and RSS within 10%.
//   npm run bench:soak
const { spawn } = require('child_process');
const path = require('path');
const autocannon = require('autocannon');
const torch = require('..');
const { benchModels } = require('./models');

const seconds = Number(process.env.SOAK_SECONDS || 300);

function metric(text, name) {
  const m = new RegExp(`^${name} ([\\d.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function main() {
  const { resnet18 } = benchModels();
  const root = path.join(__dirname, '..');
  const proc = spawn(process.execPath, [path.join(root, 'scripts', 'run-ts.js'), path.join(root, 'examples', 'serve.ts'),
    '--model', resnet18, '--input-shape', '3,32,32', '--port', '0', '--max-queue', '4096'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  for (let i = 0; i < 200 && (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200; i++) await new Promise((r) => setTimeout(r, 50));
  const valid = torch.npy.save(torch.randn(3, 32, 32));
  const load = (s) => autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/x-npy' }, body: valid, connections: 32, duration: s });
  await load(5); // warm-up: allocator caches, JIT profiling
  await new Promise((r) => setTimeout(r, 1000));
  const before = await (await fetch(`${url}/metrics`)).text();

  const malformed = [
    ['application/json', '{"input": [1, 2'],
    ['application/json', JSON.stringify({ input: [1, 2, 3] })],
    ['application/json', JSON.stringify({ input: ['a'] })],
    ['application/x-npy', 'garbage'],
    ['application/x-npy', torch.npy.save(torch.randn(3, 16, 16))],
    ['application/json', 'null'],
  ];
  let bad = 0;
  let badNot4xx = 0;
  let stop = false;
  const badLoop = (async () => {
    while (!stop) {
      for (const [type, body] of malformed) {
        const r = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': type }, body });
        await r.arrayBuffer();
        bad++;
        if (r.status < 400 || r.status >= 500) badNot4xx++;
      }
    }
  })();
  const r = await load(seconds);
  stop = true;
  await badLoop;
  await new Promise((res) => setTimeout(res, 2000));
  global.gc?.();
  const after = await (await fetch(`${url}/metrics`)).text();
  proc.kill('SIGTERM');
  await new Promise((res) => proc.once('exit', res));

  const t0 = metric(before, 'torchnode_live_tensors');
  const t1 = metric(after, 'torchnode_live_tensors');
  const rss0 = metric(before, 'process_resident_memory_bytes');
  const rss1 = metric(after, 'process_resident_memory_bytes');
  const failedValid = r.non2xx + r.errors + r.timeouts;
  console.log(`soak: ${seconds} s, ${r.requests.total} valid requests (${r.requests.average.toFixed(1)}/s), ${bad} malformed`);
  console.log(`failed valid requests: ${failedValid}; malformed not answered 4xx: ${badNot4xx}`);
  console.log(`live tensors: ${t0} -> ${t1}; RSS: ${(rss0 / 2 ** 20).toFixed(1)} MiB -> ${(rss1 / 2 ** 20).toFixed(1)} MiB (${(((rss1 - rss0) / rss0) * 100).toFixed(1)}%)`);
  const ok = failedValid === 0 && badNot4xx === 0 && t1 === t0 && rss1 <= rss0 * 1.1;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
