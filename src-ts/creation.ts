/** Tensor creation: `torch.tensor(data)` and the factories (`zeros`, `arange`, `randn`, ...). */
import { binding } from './binding';
import { deviceString, type DeviceLike } from './device';
import { DTYPE_CODE, dtypeOfTypedArray, toDType, type DType, type DTypeLike } from './dtype';
import { argError, TypeError as TorchTypeError, ValueError } from './errors';
import { ATEN, opId, type OpRef } from './ops';
import { dtypeArg, Tensor, wrap, type NestedArray, type Scalar } from './tensor';

export interface TensorOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

const call = binding.call;

function finish(t: Tensor, o: TensorOptions | undefined): Tensor {
  if (o?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function dev(o: TensorOptions | undefined): string | undefined {
  return o?.device === undefined ? undefined : deviceString(o.device);
}

// Splits `(2, 3, opts)` / `([2, 3], opts)` into sizes and options, as PyTorch's factories take.
function sizesAndOptions<O>(args: unknown[], fn: string): [number[], O | undefined] {
  let opts: O | undefined;
  let rest = args;
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last)) {
    opts = last as O;
    rest = args.slice(0, -1);
  }
  const sizes = rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest;
  // Negative sizes are left to LibTorch, so the message is LibTorch's own.
  for (const s of sizes) {
    if (typeof s !== 'number' || !Number.isInteger(s)) argError(fn, 'size', 'integers', s);
  }
  return [sizes as number[], opts];
}

function factory(o: OpRef, fn: string, args: unknown[]): Tensor {
  const [sizes, opts] = sizesAndOptions<TensorOptions>(args, fn);
  return finish(wrap(call(opId(o), sizes, dtypeArg(opts?.dtype, fn), undefined, dev(opts))), opts);
}

type SizeArgs = (number | number[] | TensorOptions)[];

// ---- torch.tensor ------------------------------------------------------------------------

type Kind = 0 | 1 | 2 | 3; // bool < int < bigint-int < float: the inference order

/**
 * A tensor from data, copied: nested arrays of numbers / booleans / bigints, a single value, or a
 * TypedArray (its element type gives the dtype: Float32Array -> float32, BigInt64Array -> int64,
 * Uint8Array -> uint8, ...). From JS values, dtype is inferred as PyTorch infers from Python's:
 * all booleans -> bool, all integers -> int64, any fraction -> float32. JS has one number type, so
 * `[1.0, 2.0]` is all integers: pass `{ dtype: 'float32' }` when you mean floats.
 */
export function tensor(data: NestedArray<Scalar> | ArrayBufferView | Tensor, options: TensorOptions = {}): Tensor {
  const dst = options.dtype === undefined ? undefined : toDType(options.dtype, 'tensor');
  let t: Tensor;
  if (data instanceof Tensor) {
    t = data.detach().clone();
    if (dst) t = t.to(dst);
  } else if (ArrayBuffer.isView(data)) {
    const src = dtypeOfTypedArray(data);
    if (src === undefined) {
      throw new TorchTypeError(
        `tensor(): ${data.constructor.name} has no matching dtype; use Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, BigInt64Array or Uint8Array`,
      );
    }
    t = wrap(binding.fromTypedArray(data, [(data as unknown as ArrayLike<unknown>).length], DTYPE_CODE[src], DTYPE_CODE[dst ?? src]));
  } else {
    t = fromNested(data, dst);
  }
  if (options.device !== undefined && deviceString(options.device) !== 'cpu') {
    const moved = t.to(options.device);
    t.dispose();
    t = moved;
  }
  return finish(t, options);
}

function fromNested(data: NestedArray<Scalar>, dst: DType | undefined): Tensor {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: Scalar[] = [];
  let kind = 0 as Kind as number; // widened: the walk below raises it
  let sawBool = false;
  const walk = (v: unknown, dim: number): void => {
    if (dim < shape.length) {
      if (!Array.isArray(v)) throw new ValueError(`tensor(): expected a sequence at dim ${dim}, got ${typeof v}`);
      if (v.length !== shape[dim]) {
        throw new ValueError(`tensor(): expected sequence of length ${shape[dim]} at dim ${dim} (got ${v.length})`);
      }
      for (const x of v) walk(x, dim + 1);
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) kind = 3;
      else if (kind < 1) kind = 1;
    } else if (typeof v === 'bigint') {
      if (kind < 2) kind = 2;
    } else if (typeof v === 'boolean') {
      sawBool = true;
    } else if (Array.isArray(v)) {
      throw new ValueError(`tensor(): too many dimensions: expected ${shape.length} at this element`);
    } else {
      throw new TorchTypeError(`tensor(): elements must be numbers, booleans or bigints, got ${v === null ? 'null' : typeof v}`);
    }
    flat.push(v as Scalar);
  };
  walk(data, 0);
  const inferred: DType = kind === 3 ? 'float32' : kind >= 1 ? 'int64' : sawBool || flat.length > 0 ? 'bool' : 'float32';
  const target = dst ?? (flat.length === 0 ? 'float32' : inferred);
  let buf: ArrayBufferView;
  let src: DType;
  if (kind === 2 && target !== 'float32' && target !== 'float64') {
    buf = BigInt64Array.from(flat, (v) => BigInt(v as bigint | number | boolean));
    src = 'int64';
  } else if (kind === 0 && target === 'bool') {
    buf = Uint8Array.from(flat, (v) => (v ? 1 : 0));
    src = 'bool';
  } else {
    // Float64 holds every JS number exactly (and ints up to 2^53); LibTorch converts to `target`.
    buf = Float64Array.from(flat, (v) => Number(v));
    src = 'float64';
  }
  return wrap(binding.fromTypedArray(buf, shape, DTYPE_CODE[src], DTYPE_CODE[target]));
}
