/**
 * `torch.cuda.compileKernel(source, name)`: CUDA C++ compiled at run time with NVRTC (opened on
 * first use, see src-cpp/cuda/nvrtc.cc) and launched on a stream with tensors and scalars as
 * arguments, like CuPy's RawKernel. Compiled kernels are cached by (source, name, options, device).
 */
import { binding, type NativeObject } from '../binding';
import type { DeviceLike } from '../device';
import { argError, TypeError as TorchTypeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { deviceIndex } from './device';
import { parseKernelSignature, type KernelParam, type ScalarKind } from './signature';
import { Stream } from './streams';

export type { KernelParam, ScalarKind } from './signature';

/** A scalar argument with its C type spelled out (needed when the kernel has no readable signature). */
export interface TypedScalar {
  type: ScalarKind;
  value: number | bigint | boolean;
}

export type KernelArgument = Tensor | number | bigint | boolean | TypedScalar;

export interface CompileOptions {
  /** NVRTC options, e.g. `['-use_fast_math']` (the device's architecture is added). */
  options?: string[];
  /** Default: the current device. */
  device?: DeviceLike | number;
}

export type Dim3 = number | [number] | [number, number] | [number, number, number];

export interface LaunchOptions {
  grid: Dim3;
  block: Dim3;
  sharedMemBytes?: number;
  /** Default: the current stream. */
  stream?: Stream;
}

const SCALAR_KINDS = new Set<string>(['int8', 'uint8', 'int16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'bool']);

const cache = new Map<string, CudaKernel>();

export class CudaKernel {
  /** The kernel's parameters as read from the source, or null when they could not be read. */
  readonly signature: KernelParam[] | null;

  /** @internal */
  constructor(
    readonly name: string,
    readonly device: number,
    private readonly native: NativeObject,
    signature: KernelParam[] | null,
  ) {
    this.signature = signature;
  }

  /**
   * Launches the kernel: `kernel.launch({ grid: 64, block: 256 }, x, y, n)`. Tensors pass their
   * device pointers (they must be contiguous, on the kernel's device, and of the declared dtype);
   * numbers become the declared C type. Asynchronous, like any CUDA launch.
   */
  launch(config: LaunchOptions, ...args: KernelArgument[]): void {
    if (config === null || typeof config !== 'object') argError('launch', 'config', 'an object { grid, block }', config);
    const grid = dims(config.grid, 'grid');
    const block = dims(config.block, 'block');
    const shmem = config.sharedMemBytes ?? 0;
    if (!Number.isInteger(shmem) || shmem < 0) argError('launch', 'sharedMemBytes', 'a non-negative integer', shmem);
    if (config.stream !== undefined && !(config.stream instanceof Stream)) argError('launch', 'stream', 'a torch.cuda.Stream', config.stream);
    const sig = this.signature;
    if (sig !== null && args.length !== sig.length) {
      throw new TorchTypeError(`launch(): kernel '${this.name}' takes ${sig.length} argument(s) (${sig.map((p) => p.name).join(', ')}), got ${args.length}`);
    }
    const kinds: string[] = [];
    const values: unknown[] = [];
    args.forEach((a, i) => {
      const p = sig?.[i];
      const label = `argument ${i}${p ? ` ('${p.name}')` : ''}`;
      if (a instanceof Tensor) {
        if (p && p.kind !== 'pointer') throw new TorchTypeError(`launch(): ${label} is a ${p.type} scalar, got a Tensor`);
        if (p && p.dtype !== null && a.dtype !== p.dtype) throw new TorchTypeError(`launch(): ${label} must be a ${p.dtype} tensor, got ${a.dtype}`);
        kinds.push('tensor');
        values.push(a._h);
        return;
      }
      if (p?.kind === 'pointer') throw new TorchTypeError(`launch(): ${label} is a pointer; pass a CUDA Tensor`);
      const typed = typeof a === 'object' && a !== null ? (a as TypedScalar) : undefined;
      if (typed !== undefined && !SCALAR_KINDS.has(typed.type)) argError('launch', `args[${i}].type`, `one of ${[...SCALAR_KINDS].join(', ')}`, typed.type);
      const type = p?.type ?? typed?.type;
      if (type === undefined) {
        throw new TorchTypeError(`launch(): ${label}: the kernel's parameter types could not be read from its source, so scalars need their C type: { type: 'int32', value: ${String(a)} }`);
      }
      const value = typed !== undefined ? typed.value : a;
      if (type === 'bool' ? typeof value !== 'boolean' && typeof value !== 'number' : typeof value !== 'number' && typeof value !== 'bigint') {
        argError('launch', `args[${i}]`, `a value for a ${type} parameter`, value);
      }
      if (type !== 'bool' && !type.startsWith('float') && typeof value === 'number' && !Number.isInteger(value)) {
        argError('launch', `args[${i}]`, `an integer for a ${type} parameter`, value);
      }
      kinds.push(type);
      // Native code reads 64-bit integers from a number or a bigint, everything else from a number.
      values.push(typeof value === 'bigint' && !type.endsWith('int64') ? Number(value) : value);
    });
    binding.cudaKernelLaunch(this.native, grid, block, shmem, config.stream?._native ?? null, kinds, values);
  }
}

function dims(d: Dim3, what: string): number[] {
  const a = typeof d === 'number' ? [d] : d;
  if (!Array.isArray(a) || a.length < 1 || a.length > 3 || !a.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new ValueError(`launch(): ${what} must be a positive integer or 1 to 3 of them, got ${JSON.stringify(d)}`);
  }
  return a;
}

/**
 * Compiles `name`, a `__global__` function in `source` (CUDA C++; `extern "C"` not needed), for
 * the device's architecture. Compile errors are TorchErrors carrying NVRTC's log.
 */
export function compileKernel(source: string, name: string, options: CompileOptions = {}): CudaKernel {
  if (typeof source !== 'string') argError('compileKernel', 'source', 'a string of CUDA C++', source);
  if (typeof name !== 'string' || name === '') argError('compileKernel', 'name', 'the kernel name', name);
  const opts = options.options ?? [];
  if (!Array.isArray(opts) || !opts.every((o) => typeof o === 'string')) argError('compileKernel', 'options', 'an array of strings', opts);
  const device = deviceIndex(options.device, 'compileKernel');
  const key = [device, name, ...opts, source].join('\0');
  let k = cache.get(key);
  if (k === undefined) {
    k = new CudaKernel(name, device, binding.cudaKernelCompile(source, name, opts, device), parseKernelSignature(source, name));
    cache.set(key, k);
  }
  return k;
}
