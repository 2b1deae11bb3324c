'use strict';
// Compiles and runs bench/add_loop.cc (the C++ floor for per-op cost) against the LibTorch
// torchnode builds with; used by bench/run.js (CPU) and bench/gpu.js (CUDA).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { config } = require('../scripts/build-config');

function cppLoop({ threads = 1, device = 'cpu' } = {}) {
  const c = config();
  const src = path.join(__dirname, 'add_loop.cc');
  const exe = path.join(os.tmpdir(), 'torchnode-add-loop');
  const args = ['-O2', '-std=c++17', src, '-o', exe];
  for (const d of c.includeDirs.slice(1)) args.push('-I', d);
  for (const d of c.defines) args.push('-D' + d);
  // --no-as-needed: nothing in the loop names libtorch_cuda's symbols, but loading it is what
  // registers LibTorch's CUDA kernels.
  args.push(...c.ldflags, '-Wl,--no-as-needed', ...c.libDirs.map((d) => '-L' + d), ...c.libraries);
  if (!fs.existsSync(exe) || fs.statSync(exe).mtimeMs < fs.statSync(src).mtimeMs) {
    execFileSync('g++', args, { stdio: 'inherit' });
  }
  return JSON.parse(execFileSync(exe, [String(threads), device], { encoding: 'utf8' }));
}

module.exports = { cppLoop };
