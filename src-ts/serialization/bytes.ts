/**
 * Tensors as raw bytes and back, for file formats (safetensors, .npy): C order, this machine's
 * (little-endian) byte order. 16-bit floats, bools and complex numbers travel as their bytes,
 * not as widened values.
 */
import * as fs from 'fs';
import { tensor } from '../creation';
import { TorchError } from '../errors';
import type { DType, TypedArray } from '../dtype';
import type { Tensor } from '../tensor';

// The dtype whose TypedArray carries each dtype's bytes unchanged.
const CARRIER: Partial<Record<DType, DType>> = {
  float16: 'int16',
  bfloat16: 'int16',
  bool: 'uint8',
  complex64: 'float32',
  complex128: 'float64',
};

/** The tensor's elements as bytes (a copy). */
export function tensorBytes(t: Tensor): Uint8Array {
  const c = t.detach().contiguous().cpu();
  const carrier = CARRIER[c.dtype];
  const v = carrier ? c.view(carrier) : c;
  const arr = v.toTypedArray();
  if (v !== c) v.dispose();
  c.dispose();
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

const ARRAY_OF: Partial<Record<DType, (b: ArrayBuffer) => TypedArray>> = {
  float64: (b) => new Float64Array(b),
  float32: (b) => new Float32Array(b),
  int64: (b) => new BigInt64Array(b),
  int32: (b) => new Int32Array(b),
  int16: (b) => new Int16Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
};

/** A 1-D tensor of `dtype` from its elements' bytes (copied into a fresh, aligned buffer). */
export function tensorFromBytes(bytes: Uint8Array, dtype: DType): Tensor {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const carrier = CARRIER[dtype] ?? dtype;
  const t = tensor(ARRAY_OF[carrier]!(copy.buffer));
  if (carrier === dtype) return t;
  const v = t.view(dtype);
  t.dispose();
  return v;
}

/** A file's bytes, or a TorchError `<format>: cannot read <path>: <reason>`. */
export function readFileFor(format: string, path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new TorchError(`${format}: cannot read ${path}: ${(e as Error).message}`);
  }
}
