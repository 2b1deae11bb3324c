/**
 * Reads a kernel's parameter list from its CUDA C++ source, so `launch()` can check tensors'
 * dtypes and convert plain numbers to the declared C types. Only simple declarations are read
 * (`__global__ void name(const float* x, float* y, int n)`); anything else (templates, structs,
 * macros in the list) gives no signature, and arguments are then passed as given.
 */
import type { DType } from '../dtype';

/** A C scalar type a launch argument can take. */
export type ScalarKind = 'int8' | 'uint8' | 'int16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'bool';

export type KernelParam =
  | { kind: 'pointer'; name: string; dtype: DType | null }
  | { kind: 'scalar'; name: string; type: ScalarKind };

// C spellings (after dropping const/volatile/__restrict__/signed) -> torch dtype / scalar kind.
const POINTEE: Record<string, DType | null> = {
  float: 'float32', double: 'float64', half: 'float16', __half: 'float16', __nv_bfloat16: 'bfloat16', nv_bfloat16: 'bfloat16',
  int: 'int32', int32_t: 'int32', 'long long': 'int64', long: 'int64', int64_t: 'int64', short: 'int16', int16_t: 'int16',
  char: 'int8', int8_t: 'int8', 'unsigned char': 'uint8', uint8_t: 'uint8', bool: 'bool', void: null,
};

const SCALAR: Record<string, ScalarKind> = {
  float: 'float32', double: 'float64', int: 'int32', int32_t: 'int32', unsigned: 'uint32', 'unsigned int': 'uint32',
  uint32_t: 'uint32', 'long long': 'int64', long: 'int64', int64_t: 'int64', 'unsigned long long': 'uint64',
  'unsigned long': 'uint64', uint64_t: 'uint64', size_t: 'uint64', short: 'int16', int16_t: 'int16', char: 'int8',
  int8_t: 'int8', 'unsigned char': 'uint8', uint8_t: 'uint8', bool: 'bool',
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

function param(text: string): KernelParam | null {
  const words = text
    .replace(/\*/g, ' * ')
    .split(/\s+/)
    .filter((w) => w !== '' && !['const', 'volatile', '__restrict__', 'restrict', '__restrict', 'signed'].includes(w));
  const stars = words.filter((w) => w === '*').length;
  const rest = words.filter((w) => w !== '*');
  if (rest.length < 2 || stars > 1) return null;
  const name = rest[rest.length - 1];
  if (!/^[A-Za-z_]\w*$/.test(name)) return null;
  const type = rest.slice(0, -1).join(' ');
  if (stars === 1) return type in POINTEE ? { kind: 'pointer', name, dtype: POINTEE[type] } : null;
  return type in SCALAR ? { kind: 'scalar', name, type: SCALAR[type] } : null;
}

/** The parameters of `__global__` function `name` in `source`, or null when they cannot be read. */
export function parseKernelSignature(source: string, name: string): KernelParam[] | null {
  if (!/^[A-Za-z_]\w*$/.test(name)) return null;
  const src = stripComments(source);
  const m = new RegExp(`__global__[^;{}]*?\\b${escape(name)}\\s*\\(([^()]*)\\)`).exec(src);
  if (!m) return null;
  const list = m[1].trim();
  if (list === '' || list === 'void') return [];
  const params = list.split(',').map(param);
  return params.some((p) => p === null) ? null : (params as KernelParam[]);
}
