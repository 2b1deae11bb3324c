/**
 * dtypes: PyTorch's names as strings (`torch.float32 === 'float32'`), their c10::ScalarType
 * codes (locked on the C++ side by the same numbering), and the TypedArrays they map to.
 */
import { TypeError as TorchTypeError } from './errors';

export type DType =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'bool'
  | 'bfloat16';

/** c10::ScalarType values (c10/core/ScalarType.h). */
export const DTYPE_CODE: Readonly<Record<DType, number>> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float16: 5,
  float32: 6,
  float64: 7,
  complex64: 9,
  complex128: 10,
  bool: 11,
  bfloat16: 15,
};

const CODE_DTYPE: Record<number, DType> = {};
for (const [k, v] of Object.entries(DTYPE_CODE)) CODE_DTYPE[v] = k as DType;

/** PyTorch's aliases (`torch.float`, `torch.long`, ...). */
const ALIASES: Record<string, DType> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  cfloat: 'complex64',
  cdouble: 'complex128',
};

export type DTypeLike = DType | keyof typeof ALIASES;

export function dtypeFromCode(code: number): DType {
  const d = CODE_DTYPE[code];
  if (d === undefined) throw new TorchTypeError(`torchnode does not support the tensor's scalar type (code ${code}) yet`);
  return d;
}

/** A dtype name or alias (`'float'`, `'torch.long'`) as a DType, or undefined when it is not one. */
export function parseDType(d: unknown): DType | undefined {
  if (typeof d !== 'string') return undefined;
  const s = d.startsWith('torch.') ? d.slice(6) : d;
  if (s in DTYPE_CODE) return s as DType;
  return ALIASES[s];
}

/** Normalizes a dtype name or alias; throws naming the parameter when it is not one. */
export function toDType(d: unknown, fn = 'dtype', param = 'dtype'): DType {
  const t = parseDType(d);
  if (t !== undefined) return t;
  throw new TorchTypeError(
    `${fn}(): argument '${param}' must be a dtype (one of ${Object.keys(DTYPE_CODE).join(', ')}), got ${JSON.stringify(d)}`,
  );
}

export function dtypeCode(d: unknown, fn?: string): number {
  return DTYPE_CODE[toDType(d, fn)];
}

export const isFloatingPoint = (d: DType): boolean =>
  d === 'float16' || d === 'float32' || d === 'float64' || d === 'bfloat16';
export const isComplex = (d: DType): boolean => d === 'complex64' || d === 'complex128';

export type TypedArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** The dtype a TypedArray's elements have (PyTorch's numpy rules: Uint8Array -> uint8 ...). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  return undefined; // Uint16Array, Uint32Array, BigUint64Array: no matching LibTorch dtype
}

/** The TypedArray a dtype's data comes out as (float16/bfloat16 widen to Float32Array). */
export function typedArrayFor(d: DType, buf: ArrayBuffer): TypedArray {
  switch (d) {
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf);
    case 'int8':
      return new Int8Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'float16':
    case 'bfloat16':
    case 'float32':
    case 'complex64':
      return new Float32Array(buf);
    case 'float64':
    case 'complex128':
      return new Float64Array(buf);
  }
}

// torch.finfo(dtype) for the floating dtypes: machine epsilon, the lowest finite value and the
// smallest normal one.
const FINFO: Record<string, { eps: number; min: number; tiny: number }> = {
  float64: { eps: 2.220446049250313e-16, min: -Number.MAX_VALUE, tiny: 2.2250738585072014e-308 },
  float32: { eps: 1.1920928955078125e-7, min: -3.4028234663852886e38, tiny: 1.1754943508222875e-38 },
  float16: { eps: 0.0009765625, min: -65504, tiny: 6.103515625e-5 },
  bfloat16: { eps: 0.0078125, min: -3.3895313892515355e38, tiny: 1.1754943508222875e-38 },
};
/** torch.finfo(dtype).eps, .min and .tiny; float32's for a dtype that is not floating. */
export function finfo(dtype: string): { eps: number; min: number; tiny: number } {
  return FINFO[dtype] ?? FINFO.float32;
}
