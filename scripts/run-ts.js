#!/usr/bin/env node
'use strict';
// Runs a TypeScript example without a build step: strips the types with the TypeScript compiler
// (a devDependency) and runs the result as CommonJS. `import ... from 'torchnode'` resolves to
// this package by its own name (package.json "exports").
//   node scripts/run-ts.js examples/fashion-mnist.ts [args...]
const fs = require('fs');
const path = require('path');
const Module = require('module');
const ts = require('typescript');

const file = path.resolve(process.argv[2] || '');
if (!process.argv[2] || !fs.existsSync(file)) {
  console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  fileName: file,
});
process.argv.splice(1, 2, file);
const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(outputText, file);
