#!/usr/bin/env node
'use strict';
// npm run ops:coverage: how much of the running LibTorch's public operator surface torchnode
// gives (typed and callable), and which ops are missing and why.
//   --json   machine-readable output
const path = require('path');
const { build, jsName } = require('./gen-ops');
const cfg = require('./ops/config');

const dist = path.join(__dirname, '..', 'dist');
const { binding } = require(path.join(dist, 'binding.js'));
const { OPS } = require(path.join(dist, 'generated', 'table.js'));

const installed = new Set();
for (const full of binding.opNames()) {
  if (!full.startsWith('aten::')) continue;
  const name = full.slice(6).split('.')[0];
  if (!name.startsWith('_')) installed.add(name);
}

const generated = new Set(Object.values(OPS).map((g) => g.atenName));
// Ops given by hand-written code instead (see scripts/ops/config.js).
const hand = new Set([...cfg.HAND_FUNCTIONS, ...cfg.HAND_METHODS].map((n) => n));
const { skipped } = build({ docs: false });
const reasons = new Map();
for (const s of skipped) {
  const name = s.schema.slice(6).split(/[.(]/)[0];
  if (!reasons.has(name)) reasons.set(name, s.reason);
}

const covered = [];
const missing = [];
for (const name of [...installed].sort()) {
  if (generated.has(name) || hand.has(jsName(name))) covered.push(name);
  else missing.push({ name, reason: reasons.get(name) ?? 'not in ATen/RegistrationDeclarations.h (no schema to generate from)' });
}
const pct = (100 * covered.length) / installed.size;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ libtorch: binding.version().libtorch, public: installed.size, covered: covered.length, percent: pct, missing }, null, 2));
} else {
  console.log(`LibTorch ${binding.version().libtorch}: ${installed.size} public ops (aten::, no leading _)`);
  console.log(`callable and typed in torchnode: ${covered.length} (${pct.toFixed(1)}%)`);
  console.log(`missing: ${missing.length}`);
  for (const m of missing) console.log(`  ${m.name}: ${m.reason}`);
}
if (pct < 95) process.exitCode = 1;
