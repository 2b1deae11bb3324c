/**
 * torchnode: LibTorch for Node.js with PyTorch's API, camelCased.
 *
 * @example
 * import * as torch from 'torchnode';
 * const y = torch.scope(() => torch.randn([2, 3]).matmul(torch.ones(3, 1)).relu());
 * console.log(y.toString());
 */
import { binding } from './binding';
import { manualSeedAll as cudaManualSeedAll } from './cuda';
import { threadGenerator } from './generator';
import './generated/methods';
import './indexing';

export { Tensor } from './tensor';
export type { Scalar, Item, NestedArray, ToOptions, ReduceOptions, VarOptions } from './tensor';
export type { DType, DTypeLike, TypedArray } from './dtype';
export { Device, device } from './device';
export type { DeviceLike } from './device';
export { TorchError, IndexError, ValueError, TypeError, NotImplementedError, OutOfMemoryError } from './errors';
export { scope, keep, memory } from './memory';
export type { MemoryInfo } from './memory';
export { setPrintOptions } from './format';
export type { PrintOptions } from './format';
export * from './creation';
export * from './generated/ops';
export { Generator, defaultGenerator } from './generator';
export * as nn from './nn';
export * as optim from './optim';
export * as datasets from './datasets';
export * as safetensors from './serialization/safetensors';
export * as npy from './serialization/npy';
export { save, load, saveAsync, loadAsync } from './serialization/save';
export type { Saveable, LoadOptions, MapLocation } from './serialization/save';
import * as data from './utils/data';
import * as checkpoint from './utils/checkpoint';
/** torch.utils: `data` (Dataset, DataLoader, ...) and `checkpoint` (activation checkpointing). */
export const utils = { data, checkpoint };
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, noGradGuard } from './autograd';
export * as autograd from './autograd_api';
export * as jit from './jit';
export * as cuda from './cuda';
export * as fused from './fused';
export * as distributions from './distributions';
export * as amp from './amp';
export { autocast, isAutocastEnabled } from './autocast';
export type { AutocastOptions, AutocastDevice } from './autocast';
export { share, fromShared, releaseShared, sharedCount } from './shared';
export type { SharedTensor } from './shared';
export { runAsync, setRunAsyncWorkers } from './run_async';
export type { BackwardOptions, GradOptions } from './autograd';
export { slice, Slice } from './indexing';
export { tensordot, unique, uniqueConsecutive, numel } from './functional';
export type { UniqueOptions } from './functional';
export type { Index } from './indexing';
export type { Layout, MemoryFormat } from './layout';

// dtypes as values, as in PyTorch (`torch.float32`); they are the dtype strings themselves.
export const uint8 = 'uint8';
export const int8 = 'int8';
export const int16 = 'int16';
export const short = 'int16';
export const int32 = 'int32';
export const int = 'int32';
export const int64 = 'int64';
export const long = 'int64';
export const float16 = 'float16';
export const half = 'float16';
export const bfloat16 = 'bfloat16';
export const float32 = 'float32';
export const float = 'float32';
export const float64 = 'float64';
export const double = 'float64';
export const complex64 = 'complex64';
export const cfloat = 'complex64';
export const complex128 = 'complex128';
export const cdouble = 'complex128';
export const bool = 'bool';

// Layouts and memory formats as values (`torch.strided`, `torch.channelsLast`).
export const strided = 'strided';
export const sparseCoo = 'sparse_coo';
export const contiguousFormat = 'contiguous_format';
export const preserveFormat = 'preserve_format';
export const channelsLast = 'channels_last';
export const channelsLast3d = 'channels_last_3d';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { version: string };
const native = binding.version();

/** `{ torchnode, libtorch, cuda }`: this package's version, the loaded LibTorch's, CUDA's (or null). */
export const version: Readonly<{ torchnode: string; libtorch: string; cuda: string | null }> = Object.freeze({
  torchnode: pkg.version,
  libtorch: native.libtorch,
  cuda: native.cuda,
});

export interface Config {
  numThreads: number;
  numInteropThreads: number;
  /**
   * The BLAS LibTorch calls. complexDotCorrected: its complex dot functions return their result by
   * another convention than LibTorch expects (complex dot/vdot/matmul would give 0), so torchnode
   * computes those products without it.
   */
  blas: { name: string; library: string; detail: string; complexDotCorrected: boolean };
  /** built: compiled with CUDA support; available: built and a device is present. */
  cuda: { built: boolean; available: boolean; deviceCount: number; version: string | null };
  libtorch: { version: string; builtAgainst: string };
  parallelInfo: string;
  buildConfig: string;
}

/** What runs underneath: threads, the BLAS in use, CUDA (PyTorch's `torch.__config__.show()`). */
export function config(): Config {
  const c = binding.config();
  return {
    numThreads: c.numThreads,
    numInteropThreads: c.numInteropThreads,
    blas: c.blas,
    cuda: { built: c.cudaBuilt, available: c.cudaAvailable, deviceCount: c.cudaDeviceCount, version: native.cuda },
    libtorch: { version: native.libtorch, builtAgainst: native.builtAgainst },
    parallelInfo: c.parallelInfo,
    buildConfig: c.buildConfig,
  };
}

/**
 * Seeds LibTorch's generators, CPU and every CUDA device: the same numbers as Python's
 * `torch.manual_seed(seed)`. In a DataLoader worker, it seeds that worker's own generator.
 */
export function manualSeed(seed: number | bigint): void {
  const own = threadGenerator();
  if (own !== null) {
    own.manualSeed(seed);
    return;
  }
  binding.manualSeed(seed);
  cudaManualSeedAll(seed);
}
/** Intra-op threads (process-wide). Default: the machine's cores, unless OMP_NUM_THREADS is set. */
export function setNumThreads(n: number): void {
  binding.setNumThreads(n);
}
export function getNumThreads(): number {
  return binding.setNumThreads();
}
/** Inter-op threads (process-wide; LibTorch allows setting it once, before any parallel work). */
export function setNumInteropThreads(n: number): void {
  binding.setNumInteropThreads(n);
}
export function getNumInteropThreads(): number {
  return binding.setNumInteropThreads();
}
