#!/usr/bin/env node
'use strict';
// The one LibTorch discovery that both builds (cmake-js and node-gyp) and the loader's
// diagnostics use. Order: $LIBTORCH, then a Python PyTorch (unless
// TORCHNODE_NO_PYTHON_TORCH=1), then the system's (Debian/Ubuntu libtorch-dev).
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const HOW_TO = [
  'torchnode could not find LibTorch. Give it one of these (checked in this order):',
  '  1. A LibTorch directory (unzipped from pytorch.org, or any install prefix):',
  '       export LIBTORCH=/path/to/libtorch',
  '  2. A Python PyTorch (its wheel is a full LibTorch):',
  '       python3 -m pip install torch      # found with: python3 -c "import torch; print(torch.utils.cmake_prefix_path)"',
  '     (set TORCHNODE_PYTHON=/path/to/python to pick the interpreter; TORCHNODE_NO_PYTHON_TORCH=1 skips this step)',
  '  3. The system LibTorch on Debian 12 / Ubuntu:',
  '       sudo apt-get install libtorch-dev libopenblas0-openmp',
  '     or run: npm run setup',
].join('\n');

function torchConfigUnder(dir) {
  const candidates = [
    path.join(dir, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'),
    path.join(dir, 'Torch', 'TorchConfig.cmake'),
    path.join(dir, 'TorchConfig.cmake'),
  ];
  return candidates.find((f) => fs.existsSync(f));
}

// The C++ standard LibTorch's headers need, from its TorchConfig.cmake text: newer ones set
// CXX_STANDARD 20 on the torch target (a property that does not reach the targets linking it);
// older ones say 17.
function cxxStandardOf(configText) {
  return Math.max(17, Number((configText.match(/CXX_STANDARD (\d+)/) || [])[1] || 17));
}

// Reads what a LibTorch install needs from its TorchConfig.cmake and headers.
function describe(configFile, source) {
  const cmakeDir = path.dirname(configFile);
  // Walk up from the cmake folder to the prefix that holds the headers (the depth differs:
  // share/cmake/Torch in LibTorch zips and wheels, lib/<multiarch>/cmake/Torch on Debian).
  const versionRel = path.join('include', 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  let root = cmakeDir;
  while (!fs.existsSync(path.join(root, versionRel))) {
    const up = path.dirname(root);
    if (up === root) return null;
    root = up;
  }
  const include = path.join(root, 'include');
  // Newer LibTorch keeps the numbers in torch/headeronly/version.h, which torch/version.h includes.
  const versionH = [path.join(include, 'torch', 'headeronly', 'version.h'), path.join(root, versionRel)].find((f) =>
    fs.existsSync(f),
  );
  const vh = fs.readFileSync(versionH, 'utf8');
  const num = (k) => Number((vh.match(new RegExp(`#define TORCH_VERSION_${k} (\\d+)`)) || [])[1]);
  const version = `${num('MAJOR')}.${num('MINOR')}.${num('PATCH')}`;
  const config = fs.readFileSync(configFile, 'utf8');
  const cxxStandard = cxxStandardOf(config);
  const abi = (config.match(/_GLIBCXX_USE_CXX11_ABI=(\d)/) || [])[1];
  const libDir = [path.join(root, 'lib'), path.resolve(cmakeDir, '..', '..')].find((d) =>
    ['libtorch_cpu.so', 'libtorch_cpu.dylib', 'torch_cpu.lib'].some((f) => fs.existsSync(path.join(d, f))),
  );
  if (!libDir) return null;
  const system = ['/usr', '/usr/local'].includes(root);
  const cuda = ['libtorch_cuda.so', 'libtorch_cuda.dylib', 'torch_cuda.lib'].some((f) => fs.existsSync(path.join(libDir, f)));
  const libs = ['torch', 'torch_cpu', 'c10'];
  if (cuda) libs.push('torch_cuda', 'c10_cuda');
  return {
    source,
    version,
    root,
    cmakePrefix: path.resolve(cmakeDir, '..'),
    configFile,
    includeDirs: [include, path.join(include, 'torch', 'csrc', 'api', 'include')],
    libDir,
    libs,
    cxxAbi: abi === undefined ? null : Number(abi),
    cxxStandard,
    cuda,
    system,
  };
}

function fromEnv(env) {
  const dir = env.LIBTORCH;
  if (!dir) return { found: null };
  const cfg = torchConfigUnder(dir);
  if (!cfg) {
    return { found: null, problem: `LIBTORCH=${dir} is set but ${dir}/share/cmake/Torch/TorchConfig.cmake does not exist` };
  }
  return { found: describe(cfg, `LIBTORCH=${dir}`) };
}

function fromPython(env) {
  if (env.TORCHNODE_NO_PYTHON_TORCH === '1') return { found: null };
  const pythons = env.TORCHNODE_PYTHON ? [env.TORCHNODE_PYTHON] : ['python3'];
  for (const py of pythons) {
    let prefix;
    try {
      prefix = execFileSync(py, ['-c', 'import torch; print(torch.utils.cmake_prefix_path)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60000,
      }).trim();
    } catch {
      continue;
    }
    const cfg = prefix && torchConfigUnder(prefix);
    // Debian's python3-torch points at a prefix without TorchConfig.cmake; the system step finds it.
    if (cfg) return { found: describe(cfg, `Python PyTorch (${py})`) };
  }
  return { found: null };
}

function fromSystem() {
  const dirs = [];
  for (const base of ['/usr/lib', '/usr/local/lib', '/usr/lib64']) {
    dirs.push(path.join(base, 'cmake', 'Torch'));
    let entries = [];
    try {
      entries = fs.readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries) if (e.includes('-linux-')) dirs.push(path.join(base, e, 'cmake', 'Torch'));
  }
  for (const d of dirs) {
    const cfg = path.join(d, 'TorchConfig.cmake');
    if (fs.existsSync(cfg)) {
      const found = describe(cfg, 'system');
      if (found) return { found };
    }
  }
  return { found: null };
}

/** Finds LibTorch; throws an Error listing the ways to provide one when none is found. */
function findLibTorch(env = process.env) {
  const problems = [];
  for (const step of [fromEnv, fromPython, fromSystem]) {
    const { found, problem } = step(env);
    // An explicit LIBTORCH that is wrong is an error, not a reason to pick another LibTorch.
    if (problem) problems.push(problem);
    if (found) return found;
    if (problem) break;
  }
  const err = new Error([...problems, HOW_TO].join('\n'));
  err.code = 'TORCHNODE_NO_LIBTORCH';
  throw err;
}

module.exports = { findLibTorch, cxxStandardOf, HOW_TO };

if (require.main === module) {
  try {
    const lt = findLibTorch();
    const what = process.argv[2] || '--json';
    if (what === '--cmake-prefix') process.stdout.write(lt.cmakePrefix);
    else if (what === '--version') process.stdout.write(lt.version);
    else if (what === '--cuda') process.stdout.write(lt.cuda ? 'ON' : 'OFF');
    else if (what === '--cxx-standard') process.stdout.write(String(lt.cxxStandard));
    else process.stdout.write(JSON.stringify(lt, null, 2) + '\n');
  } catch (e) {
    process.stderr.write(e.message + '\n');
    process.exit(1);
  }
}
