#!/usr/bin/env node
'use strict';
// Runs a Python script with an interpreter that has PyTorch (the reference implementation):
// $TORCHNODE_PYTHON, else python3, else Debian's /usr/bin/python3 (python3-torch).
const { execFileSync, spawnSync } = require('child_process');

function findPython() {
  const candidates = [process.env.TORCHNODE_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next one
    }
  }
  throw new Error('no Python with PyTorch found: apt-get install python3-torch (or set TORCHNODE_PYTHON)');
}

module.exports = { findPython };

if (require.main === module) {
  const r = spawnSync(findPython(), process.argv.slice(2), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
