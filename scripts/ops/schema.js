'use strict';
// Parses LibTorch operator schema strings, e.g.
//   aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
// into { name, overload, args: [{ name, type, default, kwargOnly, alias, write }], returns: [...] }.
// Used by the op-surface generator (gen-ops.js) and the coverage report (ops-coverage.js).
const fs = require('fs');
const path = require('path');

// Splits on top-level commas (defaults such as [1, 1] and types such as Tensor(a -> *) hold commas or spaces).
function splitTop(s) {
  const out = [];
  let depth = 0;
  let cur = '';
  let quote = null;
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

// "Tensor(a!)[]?" -> { base: 'Tensor', list: true, size: null, optional: true, alias: 'a', write: true }
function parseType(t) {
  let alias = null;
  let write = false;
  t = t.replace(/\(([^)]*)\)/, (_, a) => {
    const m = /^([a-z])(!?)/.exec(a.trim());
    if (m) {
      alias = m[1];
      write = m[2] === '!';
    }
    return '';
  });
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)(\?)?(?:\[(\d*)\])?(\?)?$/.exec(t.trim());
  if (!m) throw new Error(`cannot parse type '${t}'`);
  const list = m[3] !== undefined;
  return {
    base: m[1],
    elemOptional: list && m[2] === '?',
    list,
    size: list && m[3] !== '' ? Number(m[3]) : null,
    optional: list ? m[4] === '?' : m[2] === '?',
    alias,
    write,
  };
}

function parseArg(s, kwargOnly) {
  const eq = s.indexOf('=');
  const decl = eq >= 0 ? s.slice(0, eq).trim() : s.trim();
  const def = eq >= 0 ? s.slice(eq + 1).trim() : undefined;
  const sp = decl.lastIndexOf(' ');
  return { name: decl.slice(sp + 1), ...parseType(decl.slice(0, sp)), default: def, kwargOnly };
}

function parseReturns(s) {
  s = s.trim();
  if (s === '()') return [];
  const inner = s.startsWith('(') && s.endsWith(')') ? splitTop(s.slice(1, -1)) : [s];
  return inner.map((r) => {
    const sp = r.search(/ [A-Za-z_]\w*$/);
    const type = sp >= 0 ? r.slice(0, sp) : r;
    return { name: sp >= 0 ? r.slice(sp + 1) : null, ...parseType(type) };
  });
}

function parseSchema(schema) {
  const m = /^([\w:]+)(?:\.(\w+))?\((.*)\)\s*->\s*(.*)$/.exec(schema);
  if (!m) throw new Error(`cannot parse schema '${schema}'`);
  const args = [];
  let kw = false;
  for (const a of splitTop(m[3])) {
    if (a === '*') {
      kw = true;
      continue;
    }
    args.push(parseArg(a, kw));
  }
  return { schema, name: m[1], overload: m[2] || '', args, returns: parseReturns(m[4]) };
}

/** Every schema string in LibTorch's ATen/RegistrationDeclarations.h. */
function readDeclarations(includeDir) {
  const file = path.join(includeDir, 'ATen', 'RegistrationDeclarations.h');
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/"schema": "((?:[^"\\]|\\.)*)"/g)) out.push(m[1].replace(/\\(.)/g, '$1'));
  return { file, schemas: out };
}

module.exports = { parseSchema, parseType, splitTop, readDeclarations };
