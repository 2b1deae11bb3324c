#!/usr/bin/env node
'use strict';
// Event-loop lag while resnet18 (batch 1, 3x224x224) runs on CPU: 8 inferences kept in flight
// with forwardAsync (worker threads), against the same work as a synchronous forward loop on the
// main thread. Lag is measured by perf_hooks' event-loop delay histogram (resolution 1 ms).
//   npm run bench:event-loop        (BENCH_SECONDS=10 by default)
const { monitorEventLoopDelay } = require('perf_hooks');
const torch = require('..');
const { benchModels } = require('./models');

const seconds = Number(process.env.BENCH_SECONDS || 10);

async function main() {
  const { resnet18 } = benchModels();
  const m = torch.jit.load(resnet18);
  m.eval();
  const x = torch.randn(1, 3, 224, 224);
  torch.noGrad(() => m.forward(x)).dispose(); // warm-up

  // Async: 8 in flight, each replaced as it finishes.
  const h = monitorEventLoopDelay({ resolution: 1 });
  let done = 0;
  const end = Date.now() + seconds * 1000;
  h.enable();
  const lane = async () => {
    while (Date.now() < end) {
      const g = torch.noGradGuard();
      const p = m.forwardAsync(x);
      g.dispose();
      (await p).dispose();
      done++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  h.disable();
  const asyncRes = { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, perSec: done / seconds };

  // Sync: the same model called on the main thread; timers wait for each forward.
  const hs = monitorEventLoopDelay({ resolution: 1 });
  let doneSync = 0;
  const endSync = Date.now() + seconds * 1000;
  hs.enable();
  await new Promise((resolve) => {
    const step = () => {
      if (Date.now() >= endSync) return resolve();
      torch.noGrad(() => m.forward(x)).dispose();
      doneSync++;
      setImmediate(step);
    };
    step();
  });
  hs.disable();
  const syncRes = { p50: hs.percentile(50) / 1e6, p99: hs.percentile(99) / 1e6, max: hs.max / 1e6, perSec: doneSync / seconds };

  console.log(`resnet18 batch 1, 3x224x224, ${torch.getNumThreads()} intra-op threads, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || 4}, ${seconds} s each\n`);
  console.log('| mode | event-loop lag p50 (ms) | p99 (ms) | max (ms) | inferences/s | target |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| 8 x forwardAsync | ${asyncRes.p50.toFixed(2)} | ${asyncRes.p99.toFixed(2)} | ${asyncRes.max.toFixed(1)} | ${asyncRes.perSec.toFixed(1)} | p99 < 5 ms |`);
  console.log(`| sync forward loop | ${syncRes.p50.toFixed(2)} | ${syncRes.p99.toFixed(2)} | ${syncRes.max.toFixed(1)} | ${syncRes.perSec.toFixed(1)} | (contrast) |`);
  m.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
