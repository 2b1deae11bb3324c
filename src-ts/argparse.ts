/**
 * Argument parsing for the generated op surface, as Python's binding does it: the overloads of
 * an op are tried in order (Python's priority order, fixed at generation time); arguments bind
 * positionally in schema order, and a trailing plain object gives any of them by name (the only
 * way for keyword-only ones). The first overload they fit is called through the one generic
 * native path with its arguments in schema order (`undefined` = the schema's default).
 *
 * Compact signatures (made by scripts/gen-ops.js), one per overload:
 *   params  "self:T other:T *alpha:S="  name:code, `*` keyword-only, `?` optional (takes null),
 *           `=` has a default, `!` an out= argument, digits after a list code its fixed size
 *   returns "T" | "T T" | "T@0"         `@k`: the result is argument k itself (in-place, out=)
 * Codes: T Tensor, S Scalar, i int, f float, b bool, s str, D dtype, Y layout, V device,
 * M memory format, G generator, I int[], F float[], B bool[], L Tensor[], O Tensor?[], N Scalar[].
 * Signatures are parsed on an op's first call, so loading the whole surface costs little.
 */
import { binding, type NativeValue } from './binding';
import { Device } from './device';
import { isAvailable as cudaAvailable, requireCuda } from './cuda/device';
import { DTYPE_CODE, dtypeFromCode, parseDType } from './dtype';
import { TypeError as TorchTypeError } from './errors';
import { Generator, threadGenerator } from './generator';
import { LAYOUT_CODE, MEMORY_FORMAT_CODE } from './layout';
import { Tensor, wrap } from './tensor';

const enum K {
  Tensor,
  Scalar,
  Int,
  Float,
  Bool,
  Str,
  DType,
  Layout,
  Device,
  MemoryFormat,
  Generator,
  IntList,
  FloatList,
  BoolList,
  TensorList,
  OptTensorList,
  ScalarList,
}

const CODES: Record<string, K> = {
  T: K.Tensor,
  S: K.Scalar,
  i: K.Int,
  f: K.Float,
  b: K.Bool,
  s: K.Str,
  D: K.DType,
  Y: K.Layout,
  V: K.Device,
  M: K.MemoryFormat,
  G: K.Generator,
  I: K.IntList,
  F: K.FloatList,
  B: K.BoolList,
  L: K.TensorList,
  O: K.OptTensorList,
  N: K.ScalarList,
};

const TYPE_NAMES = ['Tensor', 'Scalar', 'int', 'float', 'bool', 'str', 'dtype', 'layout', 'device', 'memory_format', 'Generator', 'int[]', 'float[]', 'bool[]', 'Tensor[]', 'Tensor?[]', 'Scalar[]'];

interface Param {
  name: string; // schema name
  key: string; // camelCase name for the options object
  kind: K;
  size: number; // fixed list size (int[2]), 0 if none
  optional: boolean; // takes null
  required: boolean; // no default
  kwOnly: boolean;
  out: boolean;
}

const enum R {
  Tensor,
  TensorList,
  DType,
  Plain,
}
interface Ret {
  kind: R;
  alias: number; // index of the argument this result is, or -1
}

interface Sig {
  overload: string;
  params: Param[];
  npos: number; // leading params that can be given positionally
  method: boolean; // first param is `self: Tensor`
  varargs: boolean; // one positional int[] that also takes separate ints (`view(2, 3)`)
  rets: Ret[];
  outs: number[]; // indices of out= params
  factory: boolean; // makes a tensor from TensorOptions (takes Python's extra requires_grad=)
  required: number[]; // indices of params without a default
  lastIsList: boolean; // the last positional param is a Tensor[]
  scratch: unknown[]; // bind()'s output, reused (cleared after each call) so the hot path allocates nothing
  id: number; // native op id, -1 until first call
  byKey: Map<string, number>;
}

/** An op: its name and overloads (parsed on first use). */
export interface OpGroup {
  readonly jsName: string;
  readonly atenName: string;
  readonly raw: readonly (readonly [string, string, string])[];
  readonly numbersAsTensors: boolean;
  sigs: Sig[] | null;
  // The overload that k plain Tensors select, called without argument parsing (see fastPathOf):
  // undefined until the op's first call, null when there is none.
  fastMethod: Fast | null | undefined;
  fastFunction: Fast | null | undefined;
  /** Some overload takes `generator` (set with sigs). */
  takesGenerator?: boolean;
}

/** A fast path: `k` Tensor arguments (besides self) go straight to overload `sig`. */
interface Fast {
  k: number;
  sig: Sig;
  returnsSelf: boolean; // in-place: the result is the first tensor
}

const camel = (s: string): string => s.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());

/** Builds the op table from the generated overload lists. */
export function defineOps<T extends Record<string, readonly [string, readonly (readonly [string, string, string])[]]>>(
  table: T,
  numbersAsTensors: readonly string[] = [],
): { [k in keyof T]: OpGroup } {
  const nat = new Set(numbersAsTensors);
  const out = {} as { [k in keyof T]: OpGroup };
  for (const k of Object.keys(table) as (keyof T & string)[]) {
    const [atenName, raw] = table[k];
    out[k] = { jsName: k, atenName, raw, numbersAsTensors: nat.has(k), sigs: null, fastMethod: undefined, fastFunction: undefined };
    byAten.set(atenName, out[k]);
  }
  return out;
}

function parseSig(overload: string, params: string, rets: string): Sig {
  const ps: Param[] = [];
  if (params !== '') {
    for (const tok of params.split(' ')) {
      const m = /^(\*?)(\w+):([A-Z]|[a-z])(\d*)(\??)(=?)(!?)$/.exec(tok);
      if (!m) throw new Error(`torchnode: bad generated signature '${tok}'`);
      ps.push({
        name: m[2],
        key: camel(m[2]),
        kind: CODES[m[3]],
        size: m[4] === '' ? 0 : Number(m[4]),
        optional: m[5] === '?',
        required: m[6] !== '=',
        kwOnly: m[1] === '*',
        out: m[7] === '!',
      });
    }
  }
  let npos = 0;
  while (npos < ps.length && !ps[npos].kwOnly) npos++;
  // Methods take no out= (as in Python).
  const method = ps.length > 0 && ps[0].name === 'self' && ps[0].kind === K.Tensor && !ps[0].optional && !ps.some((x) => x.out);
  const byKey = new Map<string, number>();
  ps.forEach((p, i) => {
    byKey.set(p.key, i);
    byKey.set(p.name, i);
  });
  if (method && !byKey.has('input')) byKey.set('input', 0);
  const retList: Ret[] =
    rets === ''
      ? []
      : rets.split(' ').map((r) => {
          const [code, alias] = r.split('@');
          const kind = code === 'T' ? R.Tensor : code === 'L' ? R.TensorList : code === 'D' ? R.DType : R.Plain;
          return { kind, alias: alias === undefined ? -1 : Number(alias) };
        });
  return {
    overload,
    params: ps,
    npos,
    method,
    varargs: false,
    rets: retList,
    outs: ps.flatMap((p, i) => (p.out ? [i] : [])),
    factory: byKey.has('pin_memory') && byKey.has('dtype') && !byKey.has('requires_grad'),
    required: ps.flatMap((p, i) => (p.required ? [i] : [])),
    lastIsList: npos > 0 && ps[npos - 1].kind === K.TensorList,
    scratch: ps.map(() => undefined),
    id: -1,
    byKey,
  };
}

const byAten = new Map<string, OpGroup>();

function sigsOf(g: OpGroup): Sig[] {
  if (g.sigs === null) {
    const sigs = g.raw.map(([o, p, r]) => parseSig(o, p, r));
    g.sigs = sigs;
    g.takesGenerator = sigs.some((x) => x.byKey.has('generator'));
    // On a thread with its own generator (a DataLoader worker: set before its first op), random
    // ops go through dispatch(), which passes that generator.
    const own = (g.takesGenerator || g.atenName in RANDOM_LIKE) && threadGenerator() !== null;
    g.fastMethod = own ? null : fastPathOf(sigs.filter((x) => x.method), 1);
    g.fastFunction = own ? null : fastPathOf(sigs, 0);
  }
  return g.sigs;
}

// The hot case of most ops: only Tensors, positionally (`a.add(b)`, `torch.relu(x)`). When the
// first overload (in matching order) that takes them has exactly k required positional Tensor
// parameters, defaults for the rest, one Tensor result, and no earlier overload could take k
// Tensors too, those calls skip argument parsing: same overload, same result, less time.
function fastPathOf(sigs: Sig[], skip: number): Fast | null {
  for (let i = 0; i < sigs.length; i++) {
    const s = sigs[i];
    if (s.outs.length > 0) continue;
    const ps = s.params;
    let k = 0;
    while (skip + k < s.npos && ps[skip + k].kind === K.Tensor && !ps[skip + k].optional && ps[skip + k].required) k++;
    const restHasDefaults = ps.every((p, j) => j < skip + k || !p.required);
    if (!restHasDefaults || (skip === 0 && k === 0)) return null;
    if (s.rets.length !== 1 || s.rets[0].kind !== R.Tensor) return null;
    const alias = s.rets[0].alias;
    if (alias > 0 || (alias === 0 && ps[0].kind !== K.Tensor)) return null;
    // An earlier overload that could also take k tensors would win in dispatch(): no fast path.
    for (let j = 0; j < i; j++) {
      const e = sigs[j];
      if (e.npos - skip < k) continue;
      let could = true;
      for (let m = skip; m < skip + k; m++) {
        const kind = e.params[m].kind;
        if (kind !== K.Tensor && kind !== K.Scalar && kind !== K.TensorList) could = false;
      }
      if (could || e.lastIsList) return null;
    }
    return { k, sig: s, returnsSelf: alias === 0 };
  }
  return null;
}

const FAIL = Symbol('fail');
type Converted = unknown;

function isScalar(v: unknown): v is number | bigint | boolean {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'boolean';
}
function isInt(v: unknown): boolean {
  return typeof v === 'number' ? Number.isInteger(v) : typeof v === 'bigint';
}

/** A trailing plain object is the options (keyword arguments) object. */
function isOptions(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function dtypeCode(v: unknown): number | typeof FAIL {
  const d = parseDType(v);
  return d === undefined ? FAIL : DTYPE_CODE[d];
}

function convert(p: Param, v: unknown, nat: boolean): Converted | typeof FAIL {
  if (v === null) return p.optional ? null : FAIL;
  switch (p.kind) {
    case K.Tensor:
      if (v instanceof Tensor) return v._h;
      // Python's wrapped numbers: native code makes [x] a 0-d tensor type promotion treats as a scalar.
      if (nat && isScalar(v)) return [v];
      return FAIL;
    case K.Scalar:
      if (isScalar(v)) return v;
      if (v instanceof Tensor && v.dim() === 0) return v.item();
      return FAIL;
    case K.Int:
      return isInt(v) ? v : FAIL;
    case K.Float:
      return typeof v === 'number' ? v : FAIL;
    case K.Bool:
      return typeof v === 'boolean' ? v : FAIL;
    case K.Str:
      return typeof v === 'string' ? v : FAIL;
    case K.DType:
      return dtypeCode(v);
    case K.Layout: {
      const c = typeof v === 'string' ? (LAYOUT_CODE as Record<string, number>)[v] : undefined;
      return c === undefined ? FAIL : c;
    }
    case K.Device: {
      const d = v instanceof Device ? v.toString() : typeof v === 'string' ? v : undefined;
      if (d === undefined) return FAIL;
      // One clear error for `{ device: 'cuda' }` without CUDA, rather than LibTorch's missing-backend one.
      if (d.startsWith('cuda') && !cudaAvailable()) requireCuda(`device '${d}'`);
      return d;
    }
    case K.MemoryFormat: {
      const c = typeof v === 'string' ? (MEMORY_FORMAT_CODE as Record<string, number>)[v] : undefined;
      return c === undefined ? FAIL : c;
    }
    case K.Generator:
      return v instanceof Generator ? v._g : FAIL;
    case K.IntList:
      if (Array.isArray(v)) {
        for (const x of v) if (!isInt(x)) return FAIL;
        return v;
      }
      // int[N] takes one int for all N (`stride=2`), as Python does.
      return p.size > 0 && isInt(v) ? v : FAIL;
    case K.FloatList:
      if (Array.isArray(v)) {
        for (const x of v) if (typeof x !== 'number') return FAIL;
        return v;
      }
      return p.size > 0 && typeof v === 'number' ? [v] : FAIL;
    case K.ScalarList:
      if (Array.isArray(v)) {
        for (const x of v) if (!isScalar(x)) return FAIL;
        return v;
      }
      return FAIL;
    case K.BoolList:
      if (Array.isArray(v)) {
        for (const x of v) if (typeof x !== 'boolean') return FAIL;
        return v;
      }
      return FAIL;
    case K.TensorList: {
      if (!Array.isArray(v)) return FAIL;
      const hs = new Array<number>(v.length);
      for (let i = 0; i < v.length; i++) {
        const t = v[i];
        if (!(t instanceof Tensor)) return FAIL;
        hs[i] = t._h;
      }
      return hs;
    }
    case K.OptTensorList: {
      if (!Array.isArray(v)) return FAIL;
      const hs = new Array<number | null>(v.length);
      for (let i = 0; i < v.length; i++) {
        const t = v[i];
        if (t === null || t === undefined) hs[i] = null;
        else if (t instanceof Tensor) hs[i] = t._h;
        else return FAIL;
      }
      return hs;
    }
  }
}

/**
 * Binds JS arguments to one overload: its values in schema order, or null if they do not fit.
 * `why` (only when explaining a failure) receives the reason.
 */
function bind(s: Sig, self: Tensor | undefined, args: unknown[], n: number, kw: Record<string, unknown> | undefined, nat: boolean, why?: string[]): unknown[] | null {
  const ps = s.params;
  const vals = s.scratch; // all undefined here; the caller clears it after use
  let p = 0;
  if (self !== undefined) {
    if (!s.method) return fail(why, 'not a method');
    vals[0] = self._h;
    p = 1;
  }
  // Tensors given one by one for a last Tensor[] parameter (`torch.blockDiag(a, b)`,
  // `torch.einsum('ij,jk', a, b)`), as Python's functional wrappers take them.
  if (s.lastIsList && s.npos - 1 >= p) {
    const at = s.npos - 1 - p;
    if (n > at + 1 || (n === at + 1 && args[at] instanceof Tensor)) {
      const rest = args.slice(at, n);
      if (rest.every((x) => x instanceof Tensor)) {
        args = [...args.slice(0, at), rest];
        n = at + 1;
      }
    }
  }
  const posLeft = s.npos - p;
  // Python's varargs rule: a lone int[] parameter also takes separate ints (`view(2, 3)`).
  if (posLeft === 1 && ps[p].kind === K.IntList && ps[p].size === 0 && (n > 1 || (n === 1 && isInt(args[0])))) {
    for (let i = 0; i < n; i++) if (!isInt(args[i])) return fail(why, `argument '${ps[p].key}' must be int[] (or separate ints), got ${describe(args[i])} at position ${i + 1}`);
    vals[p] = args.slice(0, n);
    p++;
  } else {
    if (n > posLeft) return fail(why, `takes at most ${posLeft} positional arguments but ${n} were given`);
    for (let i = 0; i < n; i++, p++) {
      const v = args[i];
      if (v === undefined) continue;
      const c = convert(ps[p], v, nat);
      if (c === FAIL) return fail(why, `argument '${paramLabel(ps[p], self)}' (position ${i + 1}) must be ${typeName(ps[p], nat)}, not ${describe(v)}`);
      vals[p] = c;
    }
  }
  if (kw !== undefined) {
    for (const key in kw) {
      const v = kw[key];
      if (v === undefined) continue;
      if (key === 'out' && s.outs.length > 0) {
        if (s.outs.length === 1) {
          if (!(v instanceof Tensor)) return fail(why, `argument 'out' must be a Tensor, not ${describe(v)}`);
          vals[s.outs[0]] = v._h;
        } else {
          if (!Array.isArray(v) || v.length !== s.outs.length || !v.every((t) => t instanceof Tensor)) {
            return fail(why, `argument 'out' must be an array of ${s.outs.length} Tensors`);
          }
          s.outs.forEach((k, j) => (vals[k] = (v[j] as Tensor)._h));
        }
        continue;
      }
      if (key === 'requiresGrad' && s.factory) continue; // applied to the result (dispatch)
      const idx = s.byKey.get(key);
      if (idx === undefined || ps[idx].out) return fail(why, `got an unexpected keyword argument '${key}'`);
      if (vals[idx] !== undefined || (self !== undefined && idx === 0)) return fail(why, `got multiple values for argument '${key}'`);
      const c = convert(ps[idx], v, nat);
      if (c === FAIL) return fail(why, `argument '${ps[idx].key}' must be ${typeName(ps[idx], nat)}, not ${describe(v)}`);
      vals[idx] = c;
    }
  }
  const req = s.required;
  for (let j = 0; j < req.length; j++) {
    const i = req[j];
    if (vals[i] === undefined) {
      return fail(why, ps[i].out ? `needs out=` : `missing required argument '${paramLabel(ps[i], self)}'`);
    }
  }
  return vals;
}

function fail(why: string[] | undefined, reason: string): null {
  if (why !== undefined) why.push(reason);
  return null;
}

function paramLabel(p: Param, self: Tensor | undefined): string {
  return p.name === 'self' && self === undefined ? 'input' : p.key;
}

function typeName(p: Param, nat: boolean): string {
  let t = TYPE_NAMES[p.kind];
  if (p.kind === K.Tensor && nat) t = 'Tensor or number';
  if (p.kind === K.IntList && p.size > 0) t = `int or int[${p.size}]`;
  return p.optional ? `${t} or null` : t;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return 'Tensor';
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  if (typeof v === 'string') return `string '${v.length > 40 ? v.slice(0, 37) + '...' : v}'`;
  return typeof v;
}

function sigText(s: Sig, method: boolean, nat: boolean): string {
  const parts: string[] = [];
  let star = false;
  s.params.forEach((p, i) => {
    if (method && i === 0) return;
    if (p.out) return;
    if (p.kwOnly && !star) {
      parts.push('*');
      star = true;
    }
    parts.push(`${typeName(p, nat)} ${paramLabel(p, method ? ({} as Tensor) : undefined)}${p.required ? '' : '?'}`);
  });
  if (s.outs.length > 0) parts.push(`${star ? '' : '*, '}out`);
  return `(${parts.join(', ')})`;
}

function noMatch(g: OpGroup, self: Tensor | undefined, args: unknown[], n: number, kw: Record<string, unknown> | undefined): Error {
  const name = self !== undefined ? `Tensor.${g.jsName}` : g.jsName;
  // Out= overloads only matter to a call that passes out=.
  const wantsOut = kw !== undefined && kw.out !== undefined;
  const sigs = sigsOf(g).filter((s) => (self === undefined || s.method) && (wantsOut || s.outs.length === 0));
  const got = args.slice(0, n).map(describe);
  if (kw !== undefined) got.push(...Object.keys(kw).map((k) => `${k}=${describe(kw[k])}`));
  if (sigs.length === 1) {
    const why: string[] = [];
    bind(sigs[0], self, args, n, kw, g.numbersAsTensors, why);
    clear(sigs[0].scratch);
    return new TorchTypeError(`${name}(): ${why[0] ?? 'invalid arguments'}`);
  }
  const lines = sigs.map((s) => {
    const why: string[] = [];
    bind(s, self, args, n, kw, g.numbersAsTensors, why);
    clear(s.scratch);
    return `  ${name}${sigText(s, self !== undefined, g.numbersAsTensors)}${why.length ? `  -- ${why[0]}` : ''}`;
  });
  return new TorchTypeError(`${name}() received an invalid combination of arguments - got (${got.join(', ')}), but expected one of:\n${lines.join('\n')}`);
}

const call = binding.call;

// Calls without spreading an array for the common arities (spread calls into native code are slower).
function callNative(id: number, v: unknown[]): NativeValue {
  let n = v.length;
  while (n > 0 && v[n - 1] === undefined) n--;
  switch (n) {
    case 0:
      return call(id);
    case 1:
      return call(id, v[0]);
    case 2:
      return call(id, v[0], v[1]);
    case 3:
      return call(id, v[0], v[1], v[2]);
    case 4:
      return call(id, v[0], v[1], v[2], v[3]);
    case 5:
      return call(id, v[0], v[1], v[2], v[3], v[4]);
    default:
      return call(id, ...v.slice(0, n));
  }
}

function opIdOf(g: OpGroup, s: Sig): number {
  if (s.id < 0) s.id = binding.opId(`aten::${g.atenName}`, s.overload);
  return s.id;
}

// The JS object an aliasing result is: the argument itself (self for in-place ops, out= tensors).
function aliasObject(s: Sig, k: number, self: Tensor | undefined, args: unknown[], kw: Record<string, unknown> | undefined): unknown {
  if (self !== undefined && k === 0) return self;
  const p = s.params[k];
  if (p.out) {
    const out = kw!.out;
    return s.outs.length === 1 ? out : (out as unknown[])[s.outs.indexOf(k)];
  }
  const pos = self !== undefined ? k - 1 : k;
  if (pos < args.length && !isOptions(args[pos])) return args[pos];
  return kw?.[p.key] ?? kw?.[p.name];
}

function convertReturn(r: Ret, v: NativeValue): unknown {
  switch (r.kind) {
    case R.Tensor:
      return v === null ? null : wrap(v);
    case R.TensorList:
      return (v as NativeValue[]).map((h) => (h === null ? null : wrap(h)));
    case R.DType:
      return dtypeFromCode(v as number);
    default:
      return v;
  }
}

function invoke(g: OpGroup, s: Sig, vals: unknown[], self: Tensor | undefined, args: unknown[], kw: Record<string, unknown> | undefined): unknown {
  const res = callNative(opIdOf(g, s), vals);
  const rets = s.rets;
  if (rets.length === 0) return undefined;
  if (rets.length === 1) {
    const r = rets[0];
    return r.alias >= 0 ? aliasObject(s, r.alias, self, args, kw) : convertReturn(r, res);
  }
  const arr = res as NativeValue[];
  return rets.map((r, i) => (r.alias >= 0 ? aliasObject(s, r.alias, self, args, kw) : convertReturn(r, arr[i])));
}

function clear(a: unknown[]): void {
  for (let i = 0; i < a.length; i++) a[i] = undefined;
}

function dispatch(g: OpGroup, self: Tensor | undefined, args: unknown[]): unknown {
  const sigs = g.sigs ?? sigsOf(g);
  let n = args.length;
  let kw: Record<string, unknown> | undefined;
  if (n > 0) {
    const last = args[n - 1];
    if (!(last instanceof Tensor) && isOptions(last)) {
      kw = last;
      n--;
    }
  }
  const own = threadGenerator();
  if (own !== null && (g.takesGenerator || g.atenName in RANDOM_LIKE) && (kw === undefined || kw.generator === undefined || kw.generator === null)) {
    const like = RANDOM_LIKE[g.atenName];
    if (like !== undefined && (kw === undefined || kw.out === undefined)) return randomLike(like, self, args, n, kw, own);
    const r = tryOverloads(g, sigs, self, args, n, { ...kw, generator: own });
    if (r !== NO_MATCH) return r;
  }
  const r = tryOverloads(g, sigs, self, args, n, kw);
  if (r !== NO_MATCH) return r;
  throw noMatch(g, self, args, n, kw);
}

const NO_MATCH = Symbol('no match');

function tryOverloads(g: OpGroup, sigs: Sig[], self: Tensor | undefined, args: unknown[], n: number, kw: Record<string, unknown> | undefined): unknown {
  const nat = g.numbersAsTensors;
  for (let i = 0; i < sigs.length; i++) {
    const s = sigs[i];
    const vals = bind(s, self, args, n, kw, nat);
    if (vals === null) {
      clear(s.scratch);
      continue;
    }
    let r: unknown;
    try {
      r = invoke(g, s, vals, self, args, kw);
    } finally {
      clear(s.scratch);
    }
    // Python's factories take requires_grad=, which is not an ATen argument.
    if (s.factory && kw !== undefined && kw.requiresGrad === true) (r as Tensor).requiresGrad_(true);
    return r;
  }
  return NO_MATCH;
}

// rand_like and its kin take no generator; LibTorch makes them as empty_like filled in place by
// the op below, which does take one, so a thread with its own generator makes them that way.
const RANDOM_LIKE: Record<string, 'uniform_' | 'normal_' | 'random_'> = { rand_like: 'uniform_', randn_like: 'normal_', randint_like: 'random_' };

function randomLike(fill: 'uniform_' | 'normal_' | 'random_', self: Tensor | undefined, args: unknown[], n: number, kw: Record<string, unknown> | undefined, gen: Generator): Tensor {
  const input = self ?? args[0];
  const ints = (self === undefined ? args.slice(1, n) : args.slice(0, n)) as number[];
  const { requiresGrad, low, high, ...options } = kw ?? {};
  const t = dispatch(byAten.get('empty_like')!, undefined, [input, options]) as Tensor;
  if (fill === 'random_') {
    const bounds = ints.length > 0 ? (ints.length === 1 ? [0, ints[0]] : ints) : [low ?? 0, high];
    if (bounds[1] === undefined) throw noMatch(byAten.get('randint_like')!, self, args, n, kw);
    dispatch(byAten.get('random_')!, t, [...bounds, { generator: gen }]);
  } else {
    dispatch(byAten.get(fill)!, t, [0, 1, { generator: gen }]);
  }
  if (requiresGrad === true) t.requiresGrad_(true);
  return t;
}

// Calls the fast path's overload with k tensors (plus self); null when `args` are not k Tensors.
function callFast(g: OpGroup, f: Fast, self: Tensor | undefined, args: unknown[]): Tensor | null {
  const n = args.length;
  if (n !== f.k) return null;
  const a = n > 0 ? args[0] : undefined;
  const b = n > 1 ? args[1] : undefined;
  if (n > 0 && !(a instanceof Tensor)) return null;
  if (n > 1 && !(b instanceof Tensor)) return null;
  if (n > 2) {
    for (let i = 2; i < n; i++) if (!(args[i] instanceof Tensor)) return null;
  }
  const id = opIdOf(g, f.sig);
  let h: NativeValue;
  if (self !== undefined) {
    if (n === 0) h = call(id, self._h);
    else if (n === 1) h = call(id, self._h, (a as Tensor)._h);
    else if (n === 2) h = call(id, self._h, (a as Tensor)._h, (b as Tensor)._h);
    else h = call(id, self._h, ...args.map((t) => (t as Tensor)._h));
    return f.returnsSelf ? self : wrap(h);
  }
  if (n === 1) h = call(id, (a as Tensor)._h);
  else if (n === 2) h = call(id, (a as Tensor)._h, (b as Tensor)._h);
  else h = call(id, ...args.map((t) => (t as Tensor)._h));
  return f.returnsSelf ? (a as Tensor) : wrap(h);
}

/** `torch.<op>(...args)`. */
export function callFunction(g: OpGroup, args: unknown[]): unknown {
  const f = g.fastFunction;
  if (f) {
    const r = callFast(g, f, undefined, args);
    if (r !== null) return r;
  }
  return dispatch(g, undefined, args);
}

/** `tensor.<op>(...args)`. */
export function callMethod(g: OpGroup, self: Tensor, args: unknown[]): unknown {
  const f = g.fastMethod;
  if (f) {
    const r = callFast(g, f, self, args);
    if (r !== null) return r;
  }
  return dispatch(g, self, args);
}

/** Installs `tensor.<name>(...)` for each generated method. */
export function installMethods(proto: object, ops: Record<string, OpGroup>, names: readonly string[]): void {
  for (const name of names) {
    const g = ops[name];
    Object.defineProperty(proto, name, {
      value: function (this: Tensor, ...args: unknown[]): unknown {
        const f = g.fastMethod;
        if (f) {
          const r = callFast(g, f, this, args);
          if (r !== null) return r;
        }
        return dispatch(g, this, args);
      },
      writable: true,
      configurable: true,
    });
  }
}
