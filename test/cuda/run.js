#!/usr/bin/env node
'use strict';
// Runs test/cuda/cases.js with plain node (the GPU machine has no jest):
//   node test/cuda/run.js [path to torchnode's dist]   -> one line per case, exit 1 on a failure
const assert = require('assert/strict');
const path = require('path');
const { cases } = require('./cases');

async function main() {
  const torch = require(path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'dist')));
  if (!torch.cuda.isAvailable()) {
    console.log(`cuda cases: skipped (CUDA not available: built=${torch.cuda.isBuilt()}, devices=${torch.cuda.deviceCount()})`);
    return 0;
  }
  let failed = 0;
  for (const c of cases(torch, assert)) {
    const t0 = process.hrtime.bigint();
    try {
      await c.fn();
      console.log(`  ok    ${c.name} (${Number(process.hrtime.bigint() - t0) / 1e6} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${c.name}\n        ${String(e && e.stack ? e.stack : e).split('\n').join('\n        ')}`);
    }
  }
  console.log(`cuda cases: ${failed === 0 ? 'all passed' : `${failed} failed`}`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
