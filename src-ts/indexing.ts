/**
 * Python's `t[...]` and `t[...] = v`: `t.index(...)` and `t.indexPut_(indices, value)`.
 * An index is an integer, a slice (`torch.slice(start, stop, step)` or a string such as `'1:3'`,
 * `'::2'`, `':'`), `'...'` (Ellipsis), `null` (a new axis, Python's None), a boolean, an integer
 * or boolean Tensor, or an array of integers / booleans (Python's list index, made a tensor).
 * LibTorch's own indexing code does the work, so results are Python's.
 *
 * @example
 * x.index(0, '1:3')            // x[0, 1:3]
 * x.index('...', null)         // x[..., None]
 * x.index(x.gt(0))             // x[x > 0]
 * x.indexPut_([':', 0], 1)     // x[:, 0] = 1
 */
import { binding } from './binding';
import { tensor } from './creation';
import { TypeError as TorchTypeError } from './errors';
import { Tensor, wrap } from './tensor';

/** A Python slice, `start:stop:step` (null parts take Python's defaults). */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
  toString(): string {
    const p = (x: number | null): string => (x === null ? '' : String(x));
    return `${p(this.start)}:${p(this.stop)}${this.step === null ? '' : ':' + this.step}`;
  }
}

/**
 * `torch.slice(stop)` or `torch.slice(start, stop, step?)`, as Python's `slice()`.
 */
export function slice(startOrStop: number | null = null, stop?: number | null, step: number | null = null): Slice {
  if (stop === undefined) return new Slice(null, startOrStop, null);
  return new Slice(startOrStop, stop, step);
}

type Flat = number | bigint | boolean;
export type Index = number | bigint | boolean | null | string | Slice | Tensor | Flat[] | Flat[][] | Flat[][][];

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

// Index spec for native code (src-cpp/indexing.h): four doubles per index, [kind, a, b, c].
const INT = 0;
const SLICE_KIND = 1; // a:b:c, NaN for a missing part
const NONE = 2;
const ELLIPSIS = 3;
const BOOL = 4;
const TENSOR = 5; // a = handle

type Parsed = readonly [number, number, number, number];
// Index strings repeat (`'1:3'` in a loop): parse each once.
const parsedStrings = new Map<string, Parsed>();

function parseString(s: string, i: number): Parsed {
  let p = parsedStrings.get(s);
  if (p !== undefined) return p;
  if (s.trim() === '...') p = [ELLIPSIS, 0, 0, 0];
  else {
    const m = SLICE.exec(s);
    if (!m) throw new TorchTypeError(`index(): index ${i} '${s}' is not a slice ('start:stop:step') or '...'`);
    const n = (x: string | undefined): number => (x === undefined ? NaN : Number(x));
    p = [SLICE_KIND, n(m[1]), n(m[2]), n(m[3])];
  }
  if (parsedStrings.size > 1000) parsedStrings.clear();
  parsedStrings.set(s, p);
  return p;
}

function isNestedOf(v: unknown, test: (x: unknown) => boolean): boolean {
  return Array.isArray(v) ? v.every((x) => isNestedOf(x, test)) : test(v);
}

let spec = new Float64Array(64);

// JS indices -> the spec (one crossing, no JS objects for native code to inspect). Arrays
// become index tensors, collected in `temps` for the caller to free.
function encode(indices: readonly Index[], temps: Tensor[]): Float64Array {
  if (spec.length < indices.length * 4) spec = new Float64Array(indices.length * 8);
  const out = spec;
  for (let i = 0; i < indices.length; i++) {
    const ix = indices[i];
    const o = i * 4;
    let kind: number;
    let a = 0;
    let b = 0;
    let c = 0;
    if (ix === null) kind = NONE;
    else if (ix instanceof Tensor) {
      kind = TENSOR;
      a = ix._h;
    } else if (ix instanceof Slice) {
      kind = SLICE_KIND;
      a = ix.start ?? NaN;
      b = ix.stop ?? NaN;
      c = ix.step ?? NaN;
    } else if (typeof ix === 'number') {
      if (!Number.isInteger(ix)) throw new TorchTypeError(`index(): index ${i} must be an integer, got ${ix}`);
      kind = INT;
      a = ix;
    } else if (typeof ix === 'bigint') {
      kind = INT;
      a = Number(ix);
    } else if (typeof ix === 'boolean') {
      kind = BOOL;
      a = ix ? 1 : 0;
    } else if (typeof ix === 'string') {
      [kind, a, b, c] = parseString(ix, i);
    } else if (Array.isArray(ix)) {
      const isBool = isNestedOf(ix, (x) => typeof x === 'boolean');
      if (!isBool && !isNestedOf(ix, (x) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint')) {
        throw new TorchTypeError(`index(): index ${i} must be an array of integers or of booleans`);
      }
      const t = tensor(ix as never, { dtype: isBool ? 'bool' : 'int64' });
      temps.push(t);
      kind = TENSOR;
      a = t._h;
    } else {
      throw new TorchTypeError(`index(): index ${i} has an unsupported type (${typeof ix})`);
    }
    out[o] = kind;
    out[o + 1] = a;
    out[o + 2] = b;
    out[o + 3] = c;
  }
  return out;
}

function withTemps<T>(fn: (temps: Tensor[]) => T): T {
  const temps: Tensor[] = [];
  try {
    return fn(temps);
  } finally {
    for (let i = 0; i < temps.length; i++) temps[i].dispose();
  }
}

/** `t[...indices]`. */
export function indexGet(self: Tensor, indices: readonly Index[]): Tensor {
    const temps: Tensor[] = [];
  try {
    return wrap(binding.index(self._h, encode(indices, temps), indices.length));
  } finally {
    for (let i = 0; i < temps.length; i++) temps[i].dispose();
  }
}

/** `t[...indices] = value`, in place; returns `self`. */
export function indexPut(self: Tensor, indices: Index | readonly Index[], value: Tensor | number | bigint | boolean): Tensor {
  const list = Array.isArray(indices) ? (indices as Index[]) : [indices as Index];
  let v: unknown;
  if (value instanceof Tensor) v = { h: value._h };
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') v = value;
  else throw new TorchTypeError(`indexPut_(): argument 'value' must be a Tensor or a number, not ${value === null ? 'null' : typeof value}`);
  withTemps((temps) => binding.indexPut(self._h, encode(list, temps), list.length, v));
  return self;
}

declare module './tensor' {
  interface Tensor {
    /**
     * Python's `t[i0, i1, ...]`: integers, slices (`'1:3'`, `torch.slice(1, 3)`), `'...'`,
     * `null` (new axis), booleans, index tensors and arrays. Basic indexing gives a view.
     */
    index(...indices: Index[]): Tensor;
    /**
     * Python's `t[indices] = value`, in place. `indices` is one index or an array of them (the
     * tuple Python writes between brackets); `value` a Tensor (broadcast) or a number.
     */
    indexPut_(indices: Index | Index[], value: Tensor | number | bigint | boolean): this;
  }
}

Object.defineProperty(Tensor.prototype, 'index', {
  value: function (this: Tensor, ...indices: Index[]): Tensor {
    return indexGet(this, indices);
  },
  writable: true,
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'indexPut_', {
  value: function (this: Tensor, indices: Index | Index[], value: Tensor | number | bigint | boolean): Tensor {
    return indexPut(this, indices, value);
  },
  writable: true,
  configurable: true,
});
