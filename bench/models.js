'use strict';
// TorchScript models for the service benchmarks (resnet18 and a small MLP), made once with Python
// into bench/.models/ by test/fixtures/make_jit.py.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { findPython } = require('../scripts/python');

function benchModels() {
  const dir = path.join(__dirname, '.models');
  if (!fs.existsSync(path.join(dir, 'resnet18.pt'))) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync(findPython(), [path.join(__dirname, '..', 'test', 'fixtures', 'make_jit.py'), dir, '--resnet'], { stdio: 'inherit' });
  }
  return { dir, resnet18: path.join(dir, 'resnet18.pt'), mlp: path.join(dir, 'scripted.pt') };
}

module.exports = { benchModels };
