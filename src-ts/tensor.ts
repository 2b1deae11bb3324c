/**
 * Tensor: a JS object around a native handle. Methods call LibTorch through the one generic op
 * path (ops.ts); results are new tensors owned by the active scope or, outside scopes, the GC.
 */
import { binding, type Handle, type NativeValue } from './binding';
import { Device, deviceString, type DeviceLike } from './device';
import { DTYPE_CODE, dtypeCode, dtypeFromCode, typedArrayFor, type DType, type DTypeLike, type TypedArray } from './dtype';
import { argError, IndexError, TorchError } from './errors';
import { formatTensor } from './format';
import { keep, release, setTensorCheck, track } from './memory';
import { ATEN, opId } from './ops';
import { deviceIndex as cudaDeviceIndex, isAvailable as cudaAvailable, requireCuda } from './cuda/device';

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

export class Tensor {
  /** @internal The native handle; -1 once disposed. */
  _h: Handle;
  /** @internal Owned by the GC backstop. */
  _gc = false;
  /** @internal torch.keep() called. */
  _keep = false;
  /** @internal Owned by a module (see memory.pin). */
  _pinned = false;

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
  /**
   * The gradient accumulated by `backward()`, or null. Each read gives a new Tensor object sharing
   * the gradient's memory (free it like any tensor); assigning sets or clears (`null`) it.
   */
  get grad(): Tensor | null {
    const h = binding.grad(this._h);
    return h === null ? null : wrap(h);
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) argError('grad', 'value', 'a Tensor or null', g);
    binding.setGrad(this._h, g === null ? null : g._h);
  }
  /** The autograd node that made this tensor (`{ name() }`, e.g. `AddBackward0`), or null for leaves. */
  get gradFn(): { name(): string } | null {
    const n = binding.gradFn(this._h);
    return n === null ? null : { name: () => n, toString: () => `<${n}>` } as { name(): string };
  }
  /**
   * Computes the gradient of this tensor with respect to the graph's leaves and accumulates it in
   * their `.grad`. `gradient` is needed unless this tensor has one element.
   */
  backward(gradient?: Tensor | null, options: { retainGraph?: boolean; createGraph?: boolean; inputs?: Tensor[] } = {}): void {
    if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
      if (typeof gradient === 'object') return this.backward(undefined, gradient as typeof options);
      argError('backward', 'gradient', 'a Tensor or null', gradient);
    }
    const inputs = options.inputs ?? [];
    binding.backward([this._h], gradient ? [gradient._h] : [], options.retainGraph, options.createGraph ?? false, inputs.map((t) => t._h));
  }
  /** Sets requiresGrad in place and returns this (PyTorch's `requires_grad_`). */
  requiresGrad_(v = true): this {
    binding.setRequiresGrad(this._h, v);
    return this;
  }
  /** The strides (`t.stride()`), or one dim's stride (`t.stride(d)`). */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = binding.strides(this._h);
    if (dim === undefined) return s;
    const d = dim < 0 ? dim + s.length : dim;
    if (!Number.isInteger(d) || d < 0 || d >= s.length) throw new IndexError(`Dimension out of range (expected to be in range of [${-s.length}, ${s.length - 1}], but got ${dim})`);
    return s[d];
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

  /**
   * The elements as a TypedArray (as `toTypedArray()`), copied on a worker thread so a large
   * tensor does not hold up the event loop. The tensor may be disposed while the copy runs.
   */
  async data(): Promise<TypedArray> {
    const d = this.dtype;
    return typedArrayFor(d, await binding.toArrayBufferAsync(this._h));
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
    const dev = o.device === undefined ? undefined : deviceString(o.device);
    if (dev !== undefined && dev.startsWith('cuda') && !cudaAvailable()) requireCuda('to');
    return wrap(
      call(
        opId(ATEN.to),
        this._h,
        o.dtype === undefined ? undefined : dtypeCode(o.dtype, 'to'),
        undefined,
        dev,
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
  bfloat16(): Tensor {
    return this.to('bfloat16');
  }
  short(): Tensor {
    return this.to('int16');
  }
  byte(): Tensor {
    return this.to('uint8');
  }
  char(): Tensor {
    return this.to('int8');
  }
  cfloat(): Tensor {
    return this.to('complex64');
  }
  cdouble(): Tensor {
    return this.to('complex128');
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
  /**
   * A copy on a CUDA device (default: the current one), or this tensor if it is there already
   * (`t.cuda()`, `t.cuda(1)`, `t.cuda('cuda:1', { nonBlocking: true })`).
   */
  cuda(device?: DeviceLike | number | { nonBlocking?: boolean }, options: { nonBlocking?: boolean } = {}): Tensor {
    if (device !== null && typeof device === 'object' && !(device instanceof Device)) {
      options = device;
      device = undefined;
    }
    const index = cudaDeviceIndex(device as DeviceLike | number | undefined, 'cuda');
    return this.to({ device: `cuda:${index}`, nonBlocking: options.nonBlocking ?? false });
  }

  /** PyTorch's `t.T`: all dims reversed. */
  get T(): Tensor {
    const n = this.dim();
    return this.permute(Array.from({ length: n }, (_, i) => n - 1 - i));
  }

}

setTensorCheck((x: unknown): x is Tensor => x instanceof Tensor);

/** `t` as a Tensor, or torchnode's TypeError naming the function and parameter. */
export function tensorArg(t: unknown, fn: string, param: string): Tensor {
  if (t instanceof Tensor) return t;
  return argError(fn, param, 'a Tensor', t);
}

