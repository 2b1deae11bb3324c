/**
 * Tensor: a JS object around a native handle. Methods call LibTorch through the one generic op
 * path (ops.ts); results are new tensors owned by the active scope or, outside scopes, the GC.
 */
import { binding, type Handle, type NativeValue } from './binding';
import { Device, deviceString, type DeviceLike } from './device';
import { DTYPE_CODE, dtypeCode, dtypeFromCode, toDType, typedArrayFor, type DType, type DTypeLike, type TypedArray } from './dtype';
import { argError, TorchError, TypeError as TorchTypeError } from './errors';
import { formatTensor } from './format';
import { keep, release, setTensorCheck, track } from './memory';
import { ATEN, opId, UNARY, type OpRef } from './ops';

/** What binary ops take besides a tensor: a Python-style scalar. */
export type Scalar = number | bigint | boolean;
/** A JS value from a tensor: int64 values are numbers when safe integers, else bigints. */
export type Item = number | bigint | boolean | { real: number; imag: number };
export type NestedArray<T> = T | NestedArray<T>[];

export interface ToOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  nonBlocking?: boolean;
  copy?: boolean;
}

export interface ReduceOptions {
  dim?: number | number[];
  keepdim?: boolean;
  dtype?: DTypeLike;
}

export interface VarOptions {
  dim?: number | number[];
  keepdim?: boolean;
  /** Bessel's correction: 1 (default, unbiased) or 0. */
  correction?: number;
  unbiased?: boolean;
}

const call = binding.call;

/** Wraps a native handle the op path returned. */
export function wrap(h: NativeValue): Tensor {
  return new Tensor(h as Handle);
}

/** A Tensor argument's handle, or torchnode's TypeError naming the parameter. */
export function handleOf(t: unknown, fn: string, param: string): Handle {
  if (t instanceof Tensor) return t._h;
  return argError(fn, param, 'a Tensor', t);
}

function isScalar(v: unknown): v is Scalar {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'boolean';
}

// Binary ops take a Tensor (the `.Tensor` overload) or a scalar (the `.Scalar` overload). When
// both refs are the same `.Tensor` overload, the scalar goes boxed as [value] and native code makes
// it a 0-d "wrapped number" tensor, as Python's binding does for add/sub/mul/div (same dtypes,
// same grad_fn names).
function binary(self: Tensor, other: unknown, tensorOp: OpRef, scalarOp: OpRef, fn: string, ...rest: unknown[]): Tensor {
  if (other instanceof Tensor) return wrap(call(opId(tensorOp), self._h, other._h, ...rest));
  if (isScalar(other)) return wrap(call(opId(scalarOp), self._h, scalarOp === tensorOp ? [other] : other, ...rest));
  return argError(fn, 'other', 'a Tensor or a number', other);
}

function inplace(self: Tensor, other: unknown, tensorOp: OpRef, scalarOp: OpRef, fn: string, ...rest: unknown[]): Tensor {
  if (other instanceof Tensor) call(opId(tensorOp), self._h, other._h, ...rest);
  else if (isScalar(other)) call(opId(scalarOp), self._h, other, ...rest);
  else argError(fn, 'other', 'a Tensor or a number', other);
  return self;
}

/** Sizes given as an array or as separate numbers (`view([2, 3])` or `view(2, 3)`). */
export function sizesFrom(args: unknown[], fn: string): number[] {
  const sizes = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  for (const s of sizes) if (typeof s !== 'number' || !Number.isInteger(s)) argError(fn, 'size', 'integers', s);
  return sizes as number[];
}

// Python's reduction forms: (), (dim), (dim, keepdim), ({dim, keepdim, dtype}), (dim, {keepdim}).
function reduceArgs(args: unknown[]): ReduceOptions {
  const out: ReduceOptions = {};
  for (const a of args) {
    if (typeof a === 'number' || Array.isArray(a)) out.dim = a as number | number[];
    else if (typeof a === 'boolean') out.keepdim = a;
    else if (a !== null && typeof a === 'object') Object.assign(out, a);
    else if (a !== undefined) argError('reduce', 'dim', 'a dim, a keepdim boolean or an options object', a);
  }
  return out;
}

const optDtype = (d: DTypeLike | undefined, fn: string): number | undefined =>
  d === undefined ? undefined : dtypeCode(d, fn);

// The unary methods are installed on the prototype from ops.ts's UNARY table (see below) and
// typed by the interface of the same name.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor {
  /** @internal The native handle; -1 once disposed. */
  _h: Handle;
  /** @internal Owned by the GC backstop. */
  _gc = false;
  /** @internal torch.keep() called. */
  _keep = false;

  /** @internal Tensors come from torch.* functions and tensor methods, not from `new`. */
  constructor(h: Handle) {
    this._h = h;
    track(this);
  }

  // ---- lifetime -------------------------------------------------------------------------

  /** Frees the tensor's native memory now. Later use throws a TorchError. Safe to call twice. */
  dispose(): void {
    release(this);
  }
  [Symbol.dispose](): void {
    release(this);
  }
  get isDisposed(): boolean {
    return this._h < 0;
  }
  /** Keeps this tensor alive past the enclosing `torch.scope` (same as `torch.keep(t)`). */
  keep(): this {
    return keep(this);
  }

  // ---- metadata -------------------------------------------------------------------------

  get dtype(): DType {
    return dtypeFromCode(binding.dtype(this._h));
  }
  /** The sizes, as a number[] (PyTorch's `t.shape`). */
  get shape(): number[] {
    return binding.shape(this._h);
  }
  /** `t.size()` is the shape; `t.size(d)` one size (negative d counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    const s = binding.shape(this._h);
    if (dim === undefined) return s;
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new TorchError(`size(): dimension out of range (expected to be in range of [${-s.length}, ${s.length - 1}], but got ${dim})`);
    return s[d];
  }
  get device(): Device {
    return new Device(binding.device(this._h));
  }
  get isCuda(): boolean {
    return binding.device(this._h).startsWith('cuda');
  }
  get requiresGrad(): boolean {
    return binding.requiresGrad(this._h);
  }
  set requiresGrad(v: boolean) {
    binding.setRequiresGrad(this._h, v);
  }
  /** Sets requiresGrad in place and returns this (PyTorch's `requires_grad_`). */
  requiresGrad_(v = true): this {
    binding.setRequiresGrad(this._h, v);
    return this;
  }
  numel(): number {
    return binding.numel(this._h);
  }
  dim(): number {
    return binding.dim(this._h);
  }
  get ndim(): number {
    return binding.dim(this._h);
  }

  // ---- data out -------------------------------------------------------------------------

  /**
   * The elements as a TypedArray, row-major. By default a copy (safe from later changes to the
   * tensor). `{ view: true }` gives a zero-copy view of a contiguous CPU tensor's memory instead:
   * writes show through both ways, and the memory stays valid while the array lives, even after
   * `dispose()`. int64 comes as BigInt64Array, bool as Uint8Array, float16/bfloat16 as a widened
   * Float32Array copy, complex as interleaved (real, imag) pairs.
   */
  toTypedArray(options: { view?: boolean } = {}): TypedArray {
    const d = this.dtype;
    const buf = options.view ? binding.viewArrayBuffer(this._h) : binding.toArrayBuffer(this._h);
    return typedArrayFor(d, buf);
  }

  /** The elements as nested arrays (PyTorch's `tolist()`); see `item()` for the value types. */
  toArray(): NestedArray<Item> {
    const d = this.dtype;
    const flat = this.toTypedArray();
    const shape = this.shape;
    let get: (i: number) => Item;
    if (d === 'bool') get = (i) => flat[i] !== 0;
    else if (d === 'int64') {
      get = (i) => {
        const b = flat[i] as bigint;
        return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
      };
    } else if (d === 'complex64' || d === 'complex128') get = (i) => ({ real: flat[2 * i] as number, imag: flat[2 * i + 1] as number });
    else get = (i) => flat[i] as number;
    let pos = 0;
    const build = (dim: number): NestedArray<Item> => {
      if (dim === shape.length) return get(pos++);
      const out: NestedArray<Item>[] = new Array(shape[dim]);
      for (let i = 0; i < shape[dim]; i++) out[i] = build(dim + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The value of a one-element tensor. Floats and ints are numbers (int64 values beyond 2^53 come
   * as bigint), bool is boolean, complex is `{ real, imag }`.
   */
  item<T extends Item = number>(): T {
    return binding.item(this._h) as T;
  }

  /** Prints as PyTorch's `repr` does: `tensor([[1., 2.]])`. */
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this._h < 0 ? 'tensor(<disposed>)' : formatTensor(this);
  }

  // ---- conversion -----------------------------------------------------------------------

  /**
   * `t.to('float64')`, `t.to('cuda:0')`, `t.to(other)` (other's dtype and device),
   * `t.to({ dtype, device, nonBlocking, copy })`, or `t.to(device, dtype)`.
   */
  to(target: DTypeLike | DeviceLike | Tensor | ToOptions, second?: DTypeLike | ToOptions): Tensor {
    const o: ToOptions = {};
    const take = (v: unknown): void => {
      if (v === undefined) return;
      if (v instanceof Tensor) {
        o.dtype = v.dtype;
        o.device = v.device;
      } else if (v instanceof Device) o.device = v;
      else if (typeof v === 'string') {
        if (v in DTYPE_CODE || /^(torch\.)?(float|double|half|long|int|short|cfloat|cdouble)$/.test(v)) o.dtype = v as DTypeLike;
        else o.device = v;
      } else if (typeof v === 'object' && v !== null) Object.assign(o, v);
      else argError('to', 'target', 'a dtype, a device, a Tensor or an options object', v);
    };
    take(target);
    take(second);
    return wrap(
      call(
        opId(ATEN.to),
        this._h,
        o.dtype === undefined ? undefined : dtypeCode(o.dtype, 'to'),
        undefined,
        o.device === undefined ? undefined : deviceString(o.device),
        undefined,
        o.nonBlocking ?? false,
        o.copy ?? false,
      ),
    );
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  half(): Tensor {
    return this.to('float16');
  }
  long(): Tensor {
    return this.to('int64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  cpu(): Tensor {
    return this.to('cpu');
  }
  clone(): Tensor {
    return wrap(call(opId(ATEN.clone), this._h));
  }
  detach(): Tensor {
    return wrap(call(opId(ATEN.detach), this._h));
  }
  contiguous(): Tensor {
    return wrap(call(opId(ATEN.contiguous), this._h));
  }

  // ---- arithmetic -----------------------------------------------------------------------

  /** `self + alpha * other`, broadcasting. */
  add(other: Tensor | Scalar, options?: { alpha?: Scalar }): Tensor {
    return binary(this, other, ATEN.add, ATEN.add, 'add', options?.alpha);
  }
  /** `self - alpha * other`, broadcasting. */
  sub(other: Tensor | Scalar, options?: { alpha?: Scalar }): Tensor {
    return binary(this, other, ATEN.sub, ATEN.sub, 'sub', options?.alpha);
  }
  mul(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.mul, ATEN.mul, 'mul');
  }
  /** True division; `{ roundingMode: 'trunc' | 'floor' }` as PyTorch's `rounding_mode`. */
  div(other: Tensor | Scalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    const mode = options?.roundingMode;
    if (mode === undefined || mode === null) return binary(this, other, ATEN.div, ATEN.div, 'div');
    return binary(this, other, ATEN.divMode, ATEN.divMode, 'div', mode);
  }
  remainder(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.remainder, ATEN.remainderScalar, 'remainder');
  }
  pow(exponent: Tensor | Scalar): Tensor {
    return binary(this, exponent, ATEN.pow, ATEN.powScalar, 'pow');
  }
  maximum(other: Tensor): Tensor {
    return wrap(call(opId(ATEN.maximum), this._h, handleOf(other, 'maximum', 'other')));
  }
  minimum(other: Tensor): Tensor {
    return wrap(call(opId(ATEN.minimum), this._h, handleOf(other, 'minimum', 'other')));
  }
  /** Clamps into [min, max]; either bound may be null/undefined. */
  clamp(min?: Scalar | Tensor | null, max?: Scalar | Tensor | null): Tensor {
    if (min instanceof Tensor || max instanceof Tensor) {
      return wrap(call(opId(ATEN.clampTensor), this._h, min instanceof Tensor ? min._h : min, max instanceof Tensor ? max._h : max));
    }
    return wrap(call(opId(ATEN.clamp), this._h, min, max));
  }
  add_(other: Tensor | Scalar, options?: { alpha?: Scalar }): this {
    return inplace(this, other, ATEN.add_, ATEN.add_Scalar, 'add_', options?.alpha) as this;
  }
  sub_(other: Tensor | Scalar, options?: { alpha?: Scalar }): this {
    return inplace(this, other, ATEN.sub_, ATEN.sub_Scalar, 'sub_', options?.alpha) as this;
  }
  mul_(other: Tensor | Scalar): this {
    return inplace(this, other, ATEN.mul_, ATEN.mul_Scalar, 'mul_') as this;
  }
  div_(other: Tensor | Scalar): this {
    return inplace(this, other, ATEN.div_, ATEN.div_Scalar, 'div_') as this;
  }
  zero_(): this {
    call(opId(ATEN.zero_), this._h);
    return this;
  }
  fill_(value: Scalar): this {
    call(opId(ATEN.fill_), this._h, value);
    return this;
  }

  // ---- comparison -----------------------------------------------------------------------

  eq(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.eq, ATEN.eqScalar, 'eq');
  }
  ne(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.ne, ATEN.neScalar, 'ne');
  }
  lt(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.lt, ATEN.ltScalar, 'lt');
  }
  le(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.le, ATEN.leScalar, 'le');
  }
  gt(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.gt, ATEN.gtScalar, 'gt');
  }
  ge(other: Tensor | Scalar): Tensor {
    return binary(this, other, ATEN.ge, ATEN.geScalar, 'ge');
  }
  /** True when both have the same size and elements. */
  equal(other: Tensor): boolean {
    return call(opId(ATEN.equal), this._h, handleOf(other, 'equal', 'other')) as boolean;
  }
  allclose(other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return call(opId(ATEN.allclose), this._h, handleOf(other, 'allclose', 'other'), options.rtol, options.atol, options.equalNan) as boolean;
  }

  // ---- linear algebra -------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return wrap(call(opId(ATEN.matmul), this._h, handleOf(other, 'matmul', 'other')));
  }
  mm(other: Tensor): Tensor {
    return wrap(call(opId(ATEN.mm), this._h, handleOf(other, 'mm', 'mat2')));
  }

  // ---- reductions -----------------------------------------------------------------------

  /** `t.sum()`, `t.sum(1)`, `t.sum([0, 1], true)`, `t.sum({ dim: 1, keepdim: true, dtype })`. */
  sum(...args: (number | number[] | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(ATEN.sum), this._h, optDtype(o.dtype, 'sum')));
    return wrap(call(opId(ATEN.sumDim), this._h, o.dim, o.keepdim ?? false, optDtype(o.dtype, 'sum')));
  }
  /** Mean over all elements or over `dim`; same argument forms as `sum`. */
  mean(...args: (number | number[] | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(ATEN.mean), this._h, optDtype(o.dtype, 'mean')));
    return wrap(call(opId(ATEN.meanDim), this._h, o.dim, o.keepdim ?? false, optDtype(o.dtype, 'mean')));
  }
  prod(...args: (number | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(ATEN.prod), this._h, optDtype(o.dtype, 'prod')));
    return wrap(call(opId(ATEN.prodDim), this._h, o.dim, o.keepdim ?? false, optDtype(o.dtype, 'prod')));
  }
  /** `t.max()` (a 0-d tensor), `t.max(dim, keepdim?)` ([values, indices]), `t.max(other)` (elementwise). */
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
  max(...args: unknown[]): Tensor | [Tensor, Tensor] {
    return this.extreme(args, ATEN.max, ATEN.maxDim, 'max');
  }
  /** `t.min()`, `t.min(dim, keepdim?)` ([values, indices]), `t.min(other)`. */
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
  min(...args: unknown[]): Tensor | [Tensor, Tensor] {
    return this.extreme(args, ATEN.min, ATEN.minDim, 'min');
  }
  private extreme(args: unknown[], all: OpRef, byDim: OpRef, fn: string): Tensor | [Tensor, Tensor] {
    if (args[0] instanceof Tensor) return fn === 'max' ? this.maximum(args[0]) : this.minimum(args[0]);
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(all), this._h));
    const [v, i] = call(opId(byDim), this._h, o.dim, o.keepdim ?? false) as Handle[];
    return [wrap(v), wrap(i)];
  }
  /** Index of the largest element (flattened), or along `dim`. */
  argmax(...args: (number | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    return wrap(call(opId(ATEN.argmax), this._h, o.dim, o.keepdim ?? false));
  }
  argmin(...args: (number | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    return wrap(call(opId(ATEN.argmin), this._h, o.dim, o.keepdim ?? false));
  }
  /** Standard deviation; `{ correction: 0 }` (or `unbiased: false`) for the population form. */
  std(...args: (number | number[] | boolean | VarOptions | undefined)[]): Tensor {
    return this.moment(ATEN.std, args);
  }
  var(...args: (number | number[] | boolean | VarOptions | undefined)[]): Tensor {
    return this.moment(ATEN.var, args);
  }
  private moment(o: OpRef, args: unknown[]): Tensor {
    const r = reduceArgs(args) as VarOptions;
    const correction = r.correction ?? (r.unbiased === false ? 0 : 1);
    return wrap(call(opId(o), this._h, r.dim, correction, r.keepdim ?? false));
  }
  all(...args: (number | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(ATEN.all), this._h));
    return wrap(call(opId(ATEN.allDim), this._h, o.dim, o.keepdim ?? false));
  }
  any(...args: (number | boolean | ReduceOptions | undefined)[]): Tensor {
    const o = reduceArgs(args);
    if (o.dim === undefined) return wrap(call(opId(ATEN.any), this._h));
    return wrap(call(opId(ATEN.anyDim), this._h, o.dim, o.keepdim ?? false));
  }

  // ---- shape ----------------------------------------------------------------------------

  /** `t.reshape(2, 3)` or `t.reshape([2, -1])`. */
  reshape(...shape: (number | number[])[]): Tensor {
    return wrap(call(opId(ATEN.reshape), this._h, sizesFrom(shape, 'reshape')));
  }
  /** A view with a new shape (shares memory; needs compatible strides). */
  view(...shape: (number | number[])[]): Tensor {
    return wrap(call(opId(ATEN.view), this._h, sizesFrom(shape, 'view')));
  }
  permute(...dims: (number | number[])[]): Tensor {
    return wrap(call(opId(ATEN.permute), this._h, sizesFrom(dims, 'permute')));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(call(opId(ATEN.transpose), this._h, dim0, dim1));
  }
  t(): Tensor {
    return wrap(call(opId(ATEN.t), this._h));
  }
  /** PyTorch's `t.T`: all dims reversed. */
  get T(): Tensor {
    const n = this.dim();
    return this.permute(Array.from({ length: n }, (_, i) => n - 1 - i));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(call(opId(ATEN.flatten), this._h, startDim, endDim));
  }
  squeeze(dim?: number): Tensor {
    if (dim === undefined) return wrap(call(opId(ATEN.squeeze), this._h));
    return wrap(call(opId(ATEN.squeezeDim), this._h, dim));
  }
  unsqueeze(dim: number): Tensor {
    return wrap(call(opId(ATEN.unsqueeze), this._h, dim));
  }
  /** Broadcasts to a larger size (-1 keeps a dim); a view, no copy. */
  expand(...sizes: (number | number[])[]): Tensor {
    return wrap(call(opId(ATEN.expand), this._h, sizesFrom(sizes, 'expand')));
  }
  /** PyTorch's `t[start:end:step]` along `dim` (a view). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return wrap(call(opId(ATEN.slice), this._h, dim, start ?? undefined, end ?? undefined, step));
  }
  /** PyTorch's `t[index]` along `dim` (drops that dim; a view). */
  select(dim: number, index: number): Tensor {
    return wrap(call(opId(ATEN.select), this._h, dim, index));
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends Record<UnaryMethods, () => Tensor> {}
type UnaryMethods = keyof typeof UNARY;

// One-argument elementwise ops: each `t.name()` calls `aten::name(self)`.
for (const [name, ref] of Object.entries(UNARY)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor): Tensor {
      return wrap(call(opId(ref), this._h));
    },
    writable: true,
    configurable: true,
  });
}

setTensorCheck((x: unknown): x is Tensor => x instanceof Tensor);

/** The dtype argument of factories: undefined, or the native code of a valid dtype name. */
export function dtypeArg(d: unknown, fn: string): number | undefined {
  return d === undefined || d === null ? undefined : DTYPE_CODE[toDType(d, fn)];
}

export function ensureTensor(t: unknown, fn: string, param = 'input'): Tensor {
  if (t instanceof Tensor) return t;
  throw new TorchTypeError(`${fn}(): argument '${param}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
}
