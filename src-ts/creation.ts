/**
 * `torch.tensor(data)`: a tensor from JS values, with dtype inference as Python's. The factories
 * (`zeros`, `arange`, `randn`, ...) are generated ops (generated/ops.ts).
 */
import { binding } from './binding';
import { deviceString, type DeviceLike } from './device';
import { DTYPE_CODE, dtypeOfTypedArray, toDType, type DType, type DTypeLike } from './dtype';
import { TypeError as TorchTypeError, ValueError } from './errors';
import { Tensor, wrap, type NestedArray, type Scalar } from './tensor';

export interface TensorOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

function finish(t: Tensor, o: TensorOptions | undefined): Tensor {
  if (o?.requiresGrad) t.requiresGrad_(true);
  return t;
}

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
