#!/usr/bin/env node
'use strict';
// Generates torchnode's op surface from LibTorch's operator schemas.
//   npm run ops:generate            writes src-ts/generated/{table,ops,methods}.ts
//   npm run ops:generate -- --check exits 1 if the committed files differ from what it would write
//
// Source of truth: ATen/RegistrationDeclarations.h of the LibTorch found by find-libtorch.js
// (every LibTorch distribution ships it; each line carries an operator's schema string). Each
// public op (no leading `_`) becomes `torch.<op>(...)`, and a Tensor method when its first
// argument is `self`. The generated code holds the overloads as compact signatures; the runtime
// (src-ts/argparse.ts) picks the overload the arguments match, in Python's order, and calls the
// one generic native path.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { parseSchema, readDeclarations } = require('./ops/schema');
const cfg = require('./ops/config');
const { findLibTorch } = require('./find-libtorch');

const ROOT = path.join(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'src-ts', 'generated');

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval').split(' '),
);

const camel = (s) => s.replace(/_([a-zA-Z0-9])/g, (_, c) => c.toUpperCase());
const jsName = (opName) => {
  const trailing = opName.endsWith('_') ? '_' : '';
  return camel(trailing ? opName.slice(0, -1) : opName) + trailing;
};
// Python calls `self` `input` in torch.* functions (unless the op has an `input` too).
const paramName = (argName, isFunction, o) => {
  const n = argName === 'self' && isFunction && !o.params.some((x) => x.name === 'input') ? 'input' : camel(argName);
  return RESERVED.has(n) ? n + '_' : n;
};

// Joins items into lines of at most 110 characters.
function wrapList(items, indent) {
  const lines = [];
  let cur = '';
  for (const it of items) {
    if (cur && (indent + cur + ' ' + it + ',').length > 110) {
      lines.push(indent + cur.trimEnd());
      cur = '';
    }
    cur += it + ', ';
  }
  if (cur) lines.push(indent + cur.trimEnd());
  return lines.join('\n');
}

// --- encoding --------------------------------------------------------------------------------

function argCode(a) {
  if (a.list) {
    if (a.base === 'Tensor' && a.elemOptional) return 'O';
    return cfg.LIST_CODES[a.base] ?? null;
  }
  return cfg.TYPE_CODES[a.base] ?? null;
}

function typeString(a) {
  // Python's str(type) for the overload order (gen_python_functions.sort_overloads).
  let s = a.base;
  if (a.list) s += a.elemOptional ? '?[]' : a.size ? `[${a.size}]` : '[]';
  if (a.optional) s += '?';
  return s;
}

// Returns { sig } or { unsupported: reason }.
function encode(p) {
  const params = [];
  for (const a of p.args) {
    const code = argCode(a);
    if (code === null) return { unsupported: `argument '${a.name}' of type ${typeString(a)}` };
    const out = a.kwargOnly && a.write;
    params.push({
      name: a.name,
      code,
      size: a.size,
      optional: a.optional,
      hasDefault: a.default !== undefined,
      kwOnly: a.kwargOnly,
      out,
      type: typeString(a),
    });
  }
  const rets = [];
  for (const r of p.returns) {
    let code = r.list ? (r.base === 'Tensor' ? 'L' : r.base === 'int' || r.base === 'SymInt' ? 'I' : null) : cfg.RETURN_CODES[r.base];
    if (!code) return { unsupported: `return type ${r.base}${r.list ? '[]' : ''}` };
    if (r.write) {
      const k = p.args.findIndex((a) => a.write && a.alias === r.alias);
      if (k >= 0) code += '@' + k;
    }
    rets.push(code);
  }
  const sig = params
    .map((x) => `${x.kwOnly ? '*' : ''}${x.name}:${x.code}${x.size ?? ''}${x.optional ? '?' : ''}${x.hasDefault ? '=' : ''}${x.out ? '!' : ''}`)
    .join(' ');
  return { params, rets, sig, ret: rets.join(' ') };
}

// Python's overload priority: at the same position a Tensor beats a Scalar, int beats int[],
// int[] beats SymInt[], any list beats Tensor[] (gen_python_functions.sort_overloads).
function isArgSmaller(t1, t2) {
  return (
    (t1 === 'Scalar' && t2 === 'Tensor') ||
    (t1 === 'Scalar?' && t2 === 'Tensor?') ||
    (t1 === 'int[]' && (t2 === 'int' || t2 === 'int?')) ||
    (t1 === 'Tensor[]' && t2.includes('[]')) ||
    (t1 === 'SymInt[]' && t2 === 'int[]')
  );
}
function isSmaller(s1, s2) {
  const a1 = s1.params.filter((x) => !x.out);
  const a2 = s2.params.filter((x) => !x.out);
  if (a1.length !== a2.length) return false;
  const equal = a1.every((x, i) => x.type === a2[i].type);
  const le = a1.every((x, i) => x.type === a2[i].type || isArgSmaller(x.type, a2[i].type));
  return le && !equal;
}
function sortOverloads(list) {
  const key = (o) => o.params.filter((x) => !x.out).map((x) => `${x.type} ${x.name}`).join(', ');
  const rest = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const out = [];
  while (rest.length) {
    const i = rest.findIndex((o) => !rest.some((other) => other !== o && isSmaller(o, other)));
    out.push(...rest.splice(i < 0 ? 0 : i, 1));
  }
  return out;
}

// --- TypeScript types for the declarations ---------------------------------------------------

function tsType(x, numbersAsTensors) {
  let t;
  switch (x.code) {
    case 'T': t = numbersAsTensors ? 'Tensor | Scalar' : 'Tensor'; break;
    case 'S': t = 'Scalar'; break;
    case 'i': case 'f': t = 'number'; break;
    case 'b': t = 'boolean'; break;
    case 's': t = 'string'; break;
    case 'D': t = 'DTypeLike'; break;
    case 'Y': t = 'Layout'; break;
    case 'V': t = 'DeviceLike'; break;
    case 'M': t = 'MemoryFormat'; break;
    case 'G': t = 'Generator'; break;
    case 'I': t = x.size ? 'number | number[]' : 'number[]'; break;
    case 'F': t = 'number[]'; break;
    case 'B': t = 'boolean[]'; break;
    case 'N': t = 'Scalar[]'; break;
    case 'L': t = 'Tensor[]'; break;
    case 'O': t = '(Tensor | null)[]'; break;
    default: throw new Error(`no TS type for code ${x.code}`);
  }
  return x.optional ? `${t} | null` : t;
}

function tsReturn(o) {
  const one = (c) => {
    const base = c.replace(/@\d+$/, '');
    return { T: 'Tensor', L: 'Tensor[]', I: 'number[]', i: 'number', f: 'number', b: 'boolean', S: 'number', D: 'DType' }[base];
  };
  if (o.rets.length === 0) return 'void';
  if (o.rets.length === 1) return one(o.rets[0]);
  return `[${o.rets.map(one).join(', ')}]`;
}

// TS signatures per overload: (A) every positional argument in order, then an options object
// for the keyword-only ones (and, by name, the optional ones); (B) the required positionals,
// then the options object; (C) when a required positional takes null (`int[1]? dim`), the ones
// before it, then the options object holding it by name (`x.sum({ dim: 1 })`).
function tsSignatures(o, isFunction, numbersAsTensors) {
  let params = o.params;
  if (!isFunction) params = params.slice(1);
  const pos = params.filter((x) => !x.kwOnly);
  const kw = params.filter((x) => x.kwOnly && !x.out);
  const outs = params.filter((x) => x.out);
  const ret = tsReturn(o);
  const isFactory = o.params.some((x) => x.name === 'pin_memory') && o.params.some((x) => x.name === 'dtype');
  const t = (x) => tsType(x, numbersAsTensors);
  const positional = (x, opt) => `${paramName(x.name, isFunction, o)}${opt ? '?' : ''}: ${t(x)}`;
  const field = (x) => `${camel(x.name)}${x.hasDefault ? '?' : ''}: ${t(x)}`;
  const make = (posCount, optionalPositional) => {
    const inPos = pos.slice(0, posCount);
    const inOpts = [...pos.slice(posCount), ...kw];
    const fields = inOpts.map(field);
    // Python's factories also take requires_grad= (argparse.ts applies it to the result).
    if (isFactory) fields.push('requiresGrad?: boolean');
    if (outs.length === 1) fields.push('out: Tensor');
    else if (outs.length > 1) fields.push(`out: [${outs.map(() => 'Tensor').join(', ')}]`);
    const optsRequired = inOpts.some((x) => !x.hasDefault) || outs.length > 0;
    const parts = inPos.map((x) => positional(x, optionalPositional && x.hasDefault));
    if (fields.length) parts.push(`options${optsRequired ? '' : '?'}: { ${fields.join('; ')} }`);
    return `(${parts.join(', ')}): ${ret}`;
  };
  const nRequired = pos.filter((x) => !x.hasDefault).length;
  const sigs = [];
  const optsNeeded = kw.some((x) => !x.hasDefault) || outs.length > 0;
  if (!optsNeeded) sigs.push(make(pos.length, true));
  if (nRequired < pos.length || optsNeeded) sigs.push(make(nRequired, false));
  const firstNullable = pos.findIndex((x) => !x.hasDefault && x.optional);
  if (firstNullable >= 0) sigs.push(make(firstNullable, false));
  // (D) methods: non-tensor arguments all by name (`x.max({ dim: 1 })`).
  if (!isFunction && nRequired > 0 && pos.every((x) => x.code !== 'T' && x.code !== 'L')) sigs.push(make(0, false));
  // (E) Python's varargs: a lone int[] argument also takes separate ints (`x.view(2, 3)`).
  if (pos.length === 1 && pos[0].code === 'I' && outs.length === 0 && !kw.some((x) => !x.hasDefault)) {
    const name = paramName(pos[0].name, isFunction, o);
    sigs.push(`(...${name}: number[]): ${ret}`);
    if (kw.length) sigs.push(`(...args: [...${name}: number[], options: ${make(1, false).match(/options\??: (\{.*\})\)/)[1]}]): ${ret}`);
  }
  // (F) tensors one by one for a last Tensor[] argument (`torch.blockDiag(a, b)`).
  const lastPos = pos[pos.length - 1];
  if (lastPos && lastPos.code === 'L' && pos.slice(0, -1).every((x) => !x.hasDefault) && !optsNeeded) {
    sigs.push(`(${[...pos.slice(0, -1).map((x) => positional(x, false)), `...${paramName(lastPos.name, isFunction, o)}: Tensor[]`].join(', ')}): ${ret}`);
  }
  return [...new Set(sigs)];
}

// --- doc links -------------------------------------------------------------------------------

function pythonApi() {
  try {
    const { findPython } = require('./python');
    const out = execFileSync(findPython(), [path.join(__dirname, 'ops', 'python_api.py')], { encoding: 'utf8' });
    return JSON.parse(out);
  } catch (e) {
    throw new Error(`gen-ops: Python torch is needed for doc links (${e.message.split('\n')[0]})`);
  }
}

function docLink(api, opName, isFunction) {
  for (const ns of cfg.NAMESPACES) {
    if (opName.startsWith(ns + '_') && api[ns].includes(opName.slice(ns.length + 1))) {
      return `https://pytorch.org/docs/stable/generated/torch.${ns}.${opName.slice(ns.length + 1)}.html`;
    }
  }
  if (!isFunction && api.tensor.includes(opName)) return `https://pytorch.org/docs/stable/generated/torch.Tensor.${opName}.html`;
  if (api.torch.includes(opName)) return `https://pytorch.org/docs/stable/generated/torch.${opName}.html`;
  if (api.functional.includes(opName)) return `https://pytorch.org/docs/stable/generated/torch.nn.functional.${opName}.html`;
  if (api.tensor.includes(opName)) return `https://pytorch.org/docs/stable/generated/torch.Tensor.${opName}.html`;
  return null;
}

// --- main ------------------------------------------------------------------------------------

function build({ docs = true } = {}) {
  const lt = findLibTorch();
  const { schemas } = readDeclarations(lt.includeDirs[0]);
  const api = docs ? pythonApi() : { torch: [], tensor: [], functional: [], linalg: [], special: [], fft: [] };
  const groups = new Map(); // op name -> overloads
  const skipped = [];
  for (const s of schemas) {
    const p = parseSchema(s);
    if (!p.name.startsWith('aten::')) continue;
    const name = p.name.slice(6);
    if (name.startsWith('_')) continue;
    if (cfg.SKIP_OVERLOADS.has(`${name}.${p.overload}`)) continue;
    const e = encode(p);
    if (e.unsupported) {
      skipped.push({ schema: s, reason: e.unsupported });
      continue;
    }
    e.name = name;
    e.overload = p.overload;
    e.schema = s;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(e);
  }
  const names = [...groups.keys()].sort();
  const seen = new Map();
  for (const n of names) {
    const j = jsName(n);
    if (seen.has(j)) throw new Error(`gen-ops: ${n} and ${seen.get(j)} both map to ${j}`);
    seen.set(j, n);
  }

  const header = (what) =>
    `// GENERATED by scripts/gen-ops.js from ATen/RegistrationDeclarations.h ` +
    `(LibTorch ${lt.version}). Do not edit: run \`npm run ops:generate\`.\n// ${what}\n/* eslint-disable */\n`;

  // ops.ts: the overload table and torch.* functions.
  const table = [];
  const fns = [];
  const nsFns = Object.fromEntries(cfg.NAMESPACES.map((n) => [n, []]));
  const methods = [];
  const methodDecls = [];
  const natNames = [];
  for (const n of names) {
    const j = jsName(n);
    const list = sortOverloads(groups.get(n).filter((o) => !o.params.some((x) => x.out)));
    const outs = groups.get(n).filter((o) => o.params.some((x) => x.out));
    const all = [...list, ...outs];
    const nat = cfg.NUMBERS_AS_TENSORS.has(n);
    table.push(`  ${j}: ['${n}', [${all.map((o) => `['${o.overload}', '${o.sig}', '${o.ret}']`).join(', ')}]],`);
    if (nat) natNames.push(j);
    const schemasDoc = all.map((o) => ` * - \`${o.schema.replace(/\*\//g, '* /')}\``).join('\n');
    const isInplace = n.endsWith('_');
    const ns = cfg.NAMESPACES.find((x) => n.startsWith(x + '_'));
    if (!isInplace && !cfg.HAND_FUNCTIONS.has(j)) {
      const link = docLink(api, n, true);
      const fnName = ns ? jsName(n.slice(ns.length + 1)) : j;
      const sigs = [...new Set(all.flatMap((o) => tsSignatures(o, true, nat)))];
      const doc = `/**\n * \`aten::${n}\`${link ? ` — ${link}` : ''}\n *\n${schemasDoc}\n */`;
      // A reserved word (`var`) is declared under another name and exported as itself.
      const reserved = RESERVED.has(fnName);
      const local = reserved ? `$${fnName}` : fnName;
      const exp = reserved ? '' : 'export ';
      const body = [doc, ...sigs.map((s) => `${exp}function ${local}${s};`)];
      body.push(`${exp}function ${local}(...args: any[]): any {\n  return callFunction(OPS.${j}, args);\n}`);
      if (reserved) body.push(`export { ${local} as ${fnName} };`);
      (ns ? nsFns[ns] : fns).push(body.join('\n'));
    }
    const methodOverloads = list.filter((o) => o.params.length > 0 && o.params[0].name === 'self' && o.params[0].code === 'T' && !o.params[0].optional);
    // Namespaced ops (torch.linalg.*, torch.special.*, torch.fft.*) are functions only, as in Python.
    if (methodOverloads.length && !cfg.HAND_METHODS.has(j) && !ns) {
      const link = docLink(api, n, false);
      const sigs = [...new Set(methodOverloads.flatMap((o) => tsSignatures(o, false, nat)))];
      const doc = `    /**\n     * \`aten::${n}\`${link ? ` — ${link}` : ''}\n     *\n${methodOverloads.map((o) => `     * - \`${o.schema}\``).join('\n')}\n     */`;
      methodDecls.push([doc, ...sigs.map((s) => `    ${j}${s};`)].join('\n'));
      methods.push(j);
    }
  }

  const imports =
    `import type { Tensor, Scalar } from '../tensor';\n` +
    `import type { DType, DTypeLike } from '../dtype';\n` +
    `import type { DeviceLike } from '../device';\n` +
    `import type { Layout, MemoryFormat } from '../layout';\n` +
    `import type { Generator } from '../generator';\n`;

  const tableFile =
    header('The operator overload table: per op, its ATen name and overloads (name, signature, returns).') +
    `import { defineOps } from '../argparse';\n\n` +
    `/** Overloads in the order arguments are matched against them (Python's order). */\n` +
    `export const OPS = defineOps(\n  {\n${table.map((l) => '  ' + l).join('\n')}\n  },\n` +
    `  // Ops whose Tensor arguments also take a number (Python's wrapped numbers).\n` +
    `  [\n${wrapList(natNames.map((m) => `'${m}'`), '    ')}\n  ],\n);\n`;

  const ops =
    header('The torch.* functions (and torch.linalg, torch.special, torch.fft).') +
    imports +
    `import { callFunction } from '../argparse';\n` +
    `import { OPS } from './table';\n\n` +
    fns.join('\n\n') +
    '\n\n' +
    cfg.NAMESPACES.map((ns) => `/** torch.${ns} */\nexport namespace ${ns} {\n${nsFns[ns].map((f) => f.replace(/^(?=.)/gm, '  ')).join('\n\n')}\n}`).join('\n\n') +
    '\n';

  const meth =
    header('Tensor methods: declarations merged into class Tensor, installed on its prototype.') +
    `import { Tensor } from '../tensor';\n` +
    `import type { Scalar } from '../tensor';\n` +
    `import type { DType, DTypeLike } from '../dtype';\n` +
    `import type { DeviceLike } from '../device';\n` +
    `import type { Layout, MemoryFormat } from '../layout';\n` +
    `import type { Generator } from '../generator';\n` +
    `import { installMethods } from '../argparse';\n` +
    `import { OPS } from './table';\n\n` +
    `declare module '../tensor' {\n  interface Tensor {\n${methodDecls.join('\n')}\n  }\n}\n\n` +
    `installMethods(Tensor.prototype, OPS, [\n${wrapList(methods.map((m) => `'${m}'`), '  ')}\n]);\n`;

  return { table: tableFile, ops, methods: meth, skipped, groups, names };
}

function main() {
  const check = process.argv.includes('--check');
  const { table, ops, methods, skipped, names } = build();
  const files = { 'table.ts': table, 'ops.ts': ops, 'methods.ts': methods };
  let stale = false;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    const p = path.join(OUT_DIR, f);
    const old = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
    if (old !== text) {
      stale = true;
      if (!check) fs.writeFileSync(p, text);
    }
  }
  if (check && stale) {
    console.error('gen-ops: src-ts/generated/ is not current; run `npm run ops:generate` and commit the result');
    process.exit(1);
  }
  console.log(`gen-ops: ${names.length} ops${check ? ' (checked)' : ''}; ${skipped.length} overloads left out (types torchnode does not pass)`);
}

if (require.main === module) main();
module.exports = { build, jsName, encode };
