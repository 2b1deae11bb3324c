#!/usr/bin/env node
'use strict';
// The one description of what the addon is built from, read by CMakeLists.txt (cmake-js) and
// binding.gyp (node-gyp / prebuildify) so the two builds never keep hand-copied lists.
//   node scripts/build-config.js sources|include-dirs|libraries|lib-dirs|cflags|defines|ldflags
const fs = require('fs');
const path = require('path');
const { findLibTorch } = require('./find-libtorch');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'src-cpp');

// Addon sources: every .cc in src-cpp/. src-cpp/cuda/ (.cu kernels and the host code that needs
// CUDA's headers and libraries) joins only the CMake build against a CUDA LibTorch.
function sources() {
  return fs
    .readdirSync(srcDir)
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => `src-cpp/${f}`);
}

function cudaSources() {
  return fs
    .readdirSync(path.join(srcDir, 'cuda'))
    .filter((f) => f.endsWith('.cc') || f.endsWith('.cu'))
    .sort()
    .map((f) => `src-cpp/cuda/${f}`);
}

// NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: when a worker is terminated in the middle of a call,
// JS can no longer run and node-addon-api could not throw the resulting error; without this define
// it rethrows in C++ from its own handler, which aborts the whole process.
const DEFINES = ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS'];

function config() {
  const lt = findLibTorch();
  const nodeAddonApi = path.dirname(require.resolve('node-addon-api/package.json'));
  const abi = lt.cxxAbi === null ? [] : [`_GLIBCXX_USE_CXX11_ABI=${lt.cxxAbi}`];
  return {
    sources: sources(),
    includeDirs: [nodeAddonApi, ...lt.includeDirs],
    libDirs: [lt.libDir],
    libraries: lt.libs.map((l) => `-l${l}`),
    defines: [...DEFINES, ...abi],
    // -fno-math-errno: sqrt and friends need not set errno (nothing reads it), so loops over them
    // vectorize (the fused CPU kernels).
    cflags: [`-std=c++${lt.cxxStandard}`, '-fexceptions', '-O2', '-fno-math-errno', '-Wno-unused-parameter', '-Wno-deprecated-declarations'],
    // Non-system LibTorch: record where it lives so the addon finds it without LD_LIBRARY_PATH.
    ldflags: lt.system ? [] : [`-Wl,-rpath,${lt.libDir}`],
    libtorch: lt,
  };
}

module.exports = { sources, cudaSources, config, DEFINES };

if (require.main === module) {
  const what = process.argv[2];
  const sep = process.argv[3] === '--cmake' ? ';' : ' ';
  // Only the LibTorch-dependent answers run the discovery (CMake asks find_package(Torch) instead).
  const local = ['sources', 'cuda-sources', 'napi-include', 'napi-defines'].includes(what);
  const c = local ? { sources: sources() } : config();
  const table = {
    sources: c.sources,
    'cuda-sources': local ? cudaSources() : undefined,
    'napi-include': [path.dirname(require.resolve('node-addon-api/package.json'))],
    'napi-defines': DEFINES,
    'include-dirs': c.includeDirs,
    'lib-dirs': c.libDirs,
    // -ldl: the addon looks symbols up in LibTorch's own libraries (empty on glibc >= 2.34).
    'link-flags': c.libDirs ? [...c.ldflags, ...c.libDirs.map((d) => `-L${d}`), ...c.libraries, '-ldl'] : undefined,
    libraries: c.libraries,
    defines: c.defines,
    cflags: c.cflags,
    ldflags: c.ldflags,
  };
  if (!(what in table)) {
    process.stderr.write(`usage: build-config.js ${Object.keys(table).join('|')} [--cmake]\n`);
    process.exit(2);
  }
  process.stdout.write(table[what].join(sep));
}
