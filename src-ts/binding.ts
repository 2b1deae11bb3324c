/**
 * The one door to native code: loads the addon (prebuild or local build, via node-gyp-build)
 * and types its whole surface. Nothing else in torchnode requires the `.node` file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NATIVE_ERROR_CLASSES } from './errors';
import type { MemoryInfo } from './memory';

/** A tensor as native code sees it: an index into this environment's handle table. */
export type Handle = number;

/** An nn.Module tree for jitTrace: its own parameters and buffers, and its children. */
export interface TraceSpec {
  name: string;
  training: boolean;
  parameters: [string, Handle][];
  buffers: [string, Handle][];
  children: [string, TraceSpec][];
}

export interface NativeVersion {
  libtorch: string;
  builtAgainst: string;
  cuda: string | null;
}

export interface NativeConfig {
  numThreads: number;
  numInteropThreads: number;
  blas: { name: string; library: string; detail: string; complexDotCorrected: boolean };
  /** This build has CUDA support compiled in (a CUDA LibTorch, src-cpp/cuda/). */
  cudaBuilt: boolean;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  parallelInfo: string;
  buildConfig: string;
}

/** Values native calls return: tensors come back as handles. */
export type NativeValue = Handle | number | bigint | boolean | string | null | NativeValue[] | { real: number; imag: number };

export interface Binding {
  init(errorClasses: Function[]): void;
  opId(name: string, overload: string): number;
  opSchema(id: number): string;
  /** Arguments of op `id` the generic path cannot convert (none, for every generated op). */
  opUnsupported(id: number): string[];
  /** Calls operator `id` with its arguments in schema order (undefined = the schema's default). */
  call(id: number, ...args: unknown[]): NativeValue;
  fromTypedArray(data: ArrayBufferView, shape: number[], srcDtype: number, dstDtype: number): Handle;
  toArrayBuffer(h: Handle): ArrayBuffer;
  viewArrayBuffer(h: Handle): ArrayBuffer;
  toArrayBufferAsync(h: Handle): Promise<ArrayBuffer>;
  item(h: Handle): number | bigint | boolean | { real: number; imag: number };
  dtype(h: Handle): number;
  shape(h: Handle): number[];
  strides(h: Handle): number[];
  device(h: Handle): string;
  requiresGrad(h: Handle): boolean;
  setRequiresGrad(h: Handle, value: boolean): void;
  gradFn(h: Handle): string | null;
  numel(h: Handle): number;
  dim(h: Handle): number;
  free(h: Handle): boolean;
  freeMany(handles: Int32Array, count?: number): void;
  track(h: Handle): void;
  memory(): MemoryInfo;
  version(): NativeVersion;
  config(): NativeConfig;
  manualSeed(seed: number | bigint): void;
  setNumThreads(n?: number): number;
  /** Intra-op threads for the calling thread only; false where LibTorch's pool is not OpenMP. */
  setThreadNumThreads(n: number): boolean;
  setNumInteropThreads(n?: number): number;
  /** Every operator the running LibTorch registered, as "aten::add.Tensor". */
  opNames(): string[];
  backward(tensors: Handle[], grads: (Handle | null)[], retainGraph: boolean | undefined, createGraph: boolean, inputs: Handle[]): void;
  autogradGrad(outputs: Handle[], inputs: Handle[], gradOutputs: (Handle | null)[], retainGraph: boolean | undefined, createGraph: boolean, allowUnused: boolean): (Handle | null)[];
  grad(h: Handle): Handle | null;
  setGrad(h: Handle, grad: Handle | null): void;
  /** Sets grad mode when given a boolean; returns the mode before. */
  gradEnabled(set?: boolean): boolean;
  /** t.data = src, in place (the tensor keeps its identity). */
  setData(h: Handle, src: Handle): void;
  /** Python's t[...] (spec: see src-cpp/indexing.h). */
  index(h: Handle, spec: Float64Array, count: number): Handle;
  indexPut(h: Handle, spec: Float64Array, count: number, value: unknown): void;
  generatorNew(device: string, isDefault: boolean): number;
  generatorFree(g: number): void;
  generatorManualSeed(g: number, seed: number | bigint): void;
  generatorSeed(g: number): number | bigint;
  generatorInitialSeed(g: number): number | bigint;
  generatorGetState(g: number): Handle;
  generatorSetState(g: number, state: Handle): void;
  /** Autograd calling JS (src-cpp/js_autograd.h): the dispatcher, results a callback hands back. */
  autogradInit(dispatch: (kind: 'forward' | 'backward' | 'hook', id: number, a?: (Handle | null)[], b?: Handle[]) => void): void;
  autogradStash(...lists: (Handle | null)[][]): void;
  functionApply(id: number, name: string, inputs: Handle[]): (Handle | null)[];
  registerHook(h: Handle, id: number): number;
  removeHook(h: Handle, pos: number): void;
  autogradReleased(): number[];
  /** TorchScript (src-cpp/jit.h). Modules and units are opaque native objects. */
  jitInit(wrapTensor: (h: Handle) => unknown, wrapModule: (m: unknown) => unknown, makeMap: (entries: [unknown, unknown][]) => Map<unknown, unknown>): void;
  jitLoad(source: string | Uint8Array, device: string | null): unknown;
  jitLoadAsync(source: string | Uint8Array, device: string | null): Promise<unknown>;
  jitCall(target: unknown, name: string, args: unknown[]): unknown;
  jitCallAsync(target: unknown, name: string, args: unknown[], cancel?: Int32Array): Promise<unknown>;
  jitMethods(target: unknown): [string, string][];
  jitNamed(module: unknown, kind: 'parameters' | 'buffers' | 'children', recurse: boolean): [string, unknown][];
  jitAttr(module: unknown, name: string): unknown;
  jitSetAttr(module: unknown, name: string, value: unknown): void;
  jitAttrNames(module: unknown): string[];
  jitTrain(module: unknown, mode?: boolean): boolean;
  jitTo(module: unknown, device: string | null, dtype: number | null): void;
  jitSave(module: unknown, path: string | null): Buffer | undefined;
  jitFreeze(module: unknown, preservedAttrs: string[] | null): unknown;
  jitOptimizeForInference(module: unknown): unknown;
  jitCompile(source: string): unknown;
  jitDispose(module: unknown): void;
  jitTypeName(module: unknown): string;
  /** torch.jit.trace (src-cpp/trace.h): fn gets the traced inputs' handles, returns result handles. */
  jitTrace(spec: TraceSpec | unknown, inputs: Handle[], fn: (inputs: Handle[]) => Handle | Handle[], strict: boolean, argumentNames: string[], methodName: string): unknown;
  /** Tensors between threads (src-cpp/shared.h). */
  shareTensor(h: Handle): number;
  claimTensor(ticket: number): Handle;
  releaseShared(ticket: number): boolean;
  sharedCount(): number;
  /** torch.save archives (src-cpp/serialization.h). The reader is an opaque native object. */
  zipOpen(source: string | Uint8Array): unknown;
  zipRecords(reader: unknown): string[];
  zipRecordBytes(reader: unknown, name: string): Buffer;
  zipRecordTensor(reader: unknown, name: string, dtype: number): Handle;
  zipClose(reader: unknown): void;
  zipWrite(path: string | null, names: string[], payloads: (Uint8Array | Handle)[]): Buffer | undefined;
  zipReadAllAsync(source: string | Uint8Array): Promise<[string, Handle][]>;
  zipWriteAsync(path: string, names: string[], payloads: (Uint8Array | Handle)[]): Promise<void>;
  /** [storage key, storage bytes, storage offset in elements] */
  storageInfo(h: Handle): [number, number, number];
  /** CUDA (src-cpp/cuda_api.h). Streams, events and kernels are opaque native objects. */
  cudaCurrentDevice(): number;
  cudaSetDevice(device: number): void;
  cudaDeviceProperties(device: number): NativeDeviceProperties;
  cudaSynchronize(device: number): void;
  /** device -1: every device. */
  cudaManualSeed(seed: bigint, device: number): void;
  cudaMemoryStats(device: number): { allocated: number; reserved: number; maxAllocated: number; maxReserved: number };
  cudaResetPeakStats(device: number): void;
  cudaEmptyCache(): void;
  cudaStreamNew(device: number, priority: number): NativeObject;
  cudaStreamCurrent(device: number): NativeObject;
  cudaStreamDefault(device: number): NativeObject;
  /** Makes the stream current on its device; returns the stream it replaced. */
  cudaStreamSet(stream: NativeObject): NativeObject;
  cudaStreamInfo(stream: NativeObject): { device: number; id: bigint };
  cudaStreamSynchronize(stream: NativeObject): void;
  cudaStreamQuery(stream: NativeObject): boolean;
  cudaEventNew(enableTiming: boolean, blocking: boolean, interprocess: boolean): NativeObject;
  cudaEventRecord(event: NativeObject, stream: NativeObject): void;
  cudaEventWait(event: NativeObject, stream: NativeObject): void;
  cudaEventSynchronize(event: NativeObject): void;
  cudaEventQuery(event: NativeObject): boolean;
  cudaEventElapsed(start: NativeObject, end: NativeObject): number;
  cudaKernelCompile(source: string, name: string, options: string[], device: number): NativeObject;
  cudaKernelLaunch(kernel: NativeObject, grid: number[], block: number[], sharedMemBytes: number, stream: NativeObject | null, kinds: string[], values: unknown[]): void;
  /** Sets autocast for 'cuda' or 'cpu' (null keeps that part; dtype is a ScalarType code); returns the previous [enabled, dtype code]. */
  autocastSet(device: 'cuda' | 'cpu', enabled: boolean | null, dtype: number | null): [boolean, number];
}

/** An opaque native object (a CUDA stream, event or kernel) that JS only hands back. */
export type NativeObject = object;

export interface NativeDeviceProperties {
  name: string;
  major: number;
  minor: number;
  totalMemory: number;
  multiProcessorCount: number;
  maxThreadsPerBlock: number;
  sharedMemoryPerBlock: number;
  warpSize: number;
  uuid: string;
}

const root = path.join(__dirname, '..');

function builtAgainst(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const m = /TORCHNODE_LIBTORCH_VERSION=([^;\0]*);/.exec(fs.readFileSync(file).toString('latin1'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

function foundLibTorch(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { findLibTorch } = require('../scripts/find-libtorch.js');
    const lt = findLibTorch();
    return `LibTorch ${lt.version} (${lt.source}, ${lt.root})`;
  } catch (e) {
    return `no LibTorch (${(e as Error).message.split('\n')[0]})`;
  }
}

/** Explains a failed load: why, which LibTorch the binary expects, which was found, what to do. */
function loadError(cause: Error): Error {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gypBuild = require('node-gyp-build');
  let file: string | undefined;
  try {
    file = gypBuild.resolve(root);
  } catch {
    file = undefined;
  }
  const lines = [`torchnode could not load its native addon: ${cause.message.split('\n')[0]}`];
  if (file) {
    lines.push(`  binary: ${file}`, `  built against: LibTorch ${builtAgainst(file) ?? 'unknown'}`);
  } else {
    lines.push('  no prebuilt binary for this platform and no local build was found');
  }
  lines.push(`  found on this machine: ${foundLibTorch()}`);
  lines.push(
    'Possible solutions:',
    '  - build it against your LibTorch: npm run compile   (in the torchnode package folder)',
    '  - install LibTorch and its fast BLAS on Debian/Ubuntu: npm run setup',
    '  - npm blocks dependency install scripts by default: allow torchnode\'s with',
    '      npm install-scripts approve torchnode && npm rebuild torchnode',
    '  - with a LibTorch elsewhere: LIBTORCH=/path/to/libtorch npm run compile',
  );
  const err = new Error(lines.join('\n'));
  (err as Error & { cause: unknown }).cause = cause;
  return err;
}

/**
 * Environment that LibTorch's dependencies read while they load, set before the addon loads.
 * LibTorch builds with MPI (Debian's 2.x links OpenMPI, hence UCX) load UCX's libucs, whose
 * constructor rewrites the machine code of libc's mmap/munmap/brk ("bistro" hooks) while V8's
 * background GC threads are calling them: about 1 Node 20 process in 150 then crashed in V8's
 * GC (measured: the same with only libucs.so loaded, none with this set). Only MPI/RDMA
 * transports use those hooks, and torchnode has none. A value the user set is kept. Node's
 * process.env writes the real environment on the main thread only; a program that first loads
 * torchnode in a worker thread sets it itself.
 */
function prepareEnvironment(): void {
  process.env.UCX_MEM_MMAP_HOOK_MODE ??= 'none';
}

function load(): Binding {
  let native: Binding;
  prepareEnvironment();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    native = require('node-gyp-build')(root) as Binding;
  } catch (e) {
    throw loadError(e as Error);
  }
  native.init(NATIVE_ERROR_CLASSES);
  return native;
}

export const binding: Binding = load();
