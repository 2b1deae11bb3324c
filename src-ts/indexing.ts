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

function parseSlice(s: string, i: number): unknown {
  if (s.trim() === '...') return '...';
  const m = SLICE.exec(s);
  if (!m) throw new TorchTypeError(`index(): index ${i} '${s}' is not a slice ('start:stop:step') or '...'`);
  const n = (x: string | undefined): number | null => (x === undefined ? null : Number(x));
  return [n(m[1]), n(m[2]), n(m[3])];
}

function isNestedOf(v: unknown, test: (x: unknown) => boolean): boolean {
  return Array.isArray(v) ? v.every((x) => isNestedOf(x, test)) : test(v);
}

// JS indices -> the spec native code reads (see src-cpp/indexing.h). Arrays become index
// tensors, collected in `temps` for the caller to free.
function encode(indices: readonly Index[], temps: Tensor[]): unknown[] {
  return indices.map((ix, i) => {
    if (ix === null) return null;
    if (ix instanceof Tensor) return { h: ix._h };
    if (ix instanceof Slice) return [ix.start, ix.stop, ix.step];
    switch (typeof ix) {
      case 'number':
        if (!Number.isInteger(ix)) throw new TorchTypeError(`index(): index ${i} must be an integer, got ${ix}`);
        return ix;
      case 'bigint':
      case 'boolean':
        return ix;
      case 'string':
        return parseSlice(ix, i);
    }
    if (Array.isArray(ix)) {
      const isBool = isNestedOf(ix, (x) => typeof x === 'boolean');
      if (!isBool && !isNestedOf(ix, (x) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint')) {
        throw new TorchTypeError(`index(): index ${i} must be an array of integers or of booleans`);
      }
      const t = tensor(ix as never, { dtype: isBool ? 'bool' : 'int64' });
      temps.push(t);
      return { h: t._h };
    }
    throw new TorchTypeError(`index(): index ${i} has an unsupported type (${typeof ix})`);
  });
}

function withTemps<T>(fn: (temps: Tensor[]) => T): T {
  const temps: Tensor[] = [];
  try {
    return fn(temps);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** `t[...indices]`. */
export function indexGet(self: Tensor, indices: readonly Index[]): Tensor {
  return withTemps((temps) => wrap(binding.index(self._h, encode(indices, temps))));
}

/** `t[...indices] = value`, in place; returns `self`. */
export function indexPut(self: Tensor, indices: Index | readonly Index[], value: Tensor | number | bigint | boolean): Tensor {
  const list = Array.isArray(indices) ? (indices as Index[]) : [indices as Index];
  let v: unknown;
  if (value instanceof Tensor) v = { h: value._h };
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') v = value;
  else throw new TorchTypeError(`indexPut_(): argument 'value' must be a Tensor or a number, not ${value === null ? 'null' : typeof value}`);
  withTemps((temps) => binding.indexPut(self._h, encode(list, temps), v));
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
