/**
 * torch.cuda: devices, memory, streams and events, run-time compiled kernels. On a CPU-only build
 * or a machine without a GPU, `isAvailable()` is false, `deviceCount()` is 0, and everything else
 * throws a TorchError with code ERR_CUDA_NOT_AVAILABLE saying why.
 */
import { binding, type NativeDeviceProperties } from '../binding';
import type { DeviceLike } from '../device';
import { argError } from '../errors';
import { built, deviceIndex, isAvailable } from './device';
import { CudaGradScaler } from '../amp/grad_scaler';
import { autocast, type AutocastOptions } from '../autocast';

export { deviceCount, isAvailable } from './device';
export { Stream, Event, currentStream, defaultStream, setStream, withStream } from './streams';
export type { StreamOptions, EventOptions } from './streams';
export { compileKernel, CudaKernel } from './kernel';
export type { CompileOptions, LaunchOptions, KernelArgument, TypedScalar, Dim3, KernelParam, ScalarKind } from './kernel';

/**
 * torch.cuda.amp: CUDA autocast and the CUDA GradScaler (PyTorch's older spelling of
 * `torch.autocast('cuda', ...)` and `new torch.amp.GradScaler('cuda', ...)`).
 */
export const amp = {
  GradScaler: CudaGradScaler,
  autocast: <T>(fn: () => T, options: AutocastOptions = {}): T => autocast('cuda', fn, options),
};

type DeviceArg = DeviceLike | number;

/** Whether this torchnode was built with CUDA support (whatever the machine has). */
export function isBuilt(): boolean {
  return built;
}

/** Index of the current CUDA device of this thread. */
export function currentDevice(): number {
  return deviceIndex(undefined, 'currentDevice');
}

/** Makes `device` current for this thread. */
export function setDevice(device: DeviceArg): void {
  binding.cudaSetDevice(deviceIndex(device, 'setDevice'));
}

export type DeviceProperties = NativeDeviceProperties;

/** The device's name, compute capability, memory, multiprocessors... (PyTorch's `get_device_properties`). */
export function getDeviceProperties(device?: DeviceArg): DeviceProperties {
  return binding.cudaDeviceProperties(deviceIndex(device, 'getDeviceProperties'));
}

/** e.g. 'NVIDIA H100 80GB HBM3'. */
export function getDeviceName(device?: DeviceArg): string {
  return binding.cudaDeviceProperties(deviceIndex(device, 'getDeviceName')).name;
}

/** [major, minor] compute capability, e.g. [9, 0]. */
export function getDeviceCapability(device?: DeviceArg): [number, number] {
  const p = binding.cudaDeviceProperties(deviceIndex(device, 'getDeviceCapability'));
  return [p.major, p.minor];
}

/** Whether the device computes bfloat16 natively (compute capability 8.0 and up). */
export function isBf16Supported(): boolean {
  return isAvailable() && getDeviceCapability()[0] >= 8;
}

/** Blocks until all work queued on `device` (all its streams) has run. */
export function synchronize(device?: DeviceArg): void {
  binding.cudaSynchronize(deviceIndex(device, 'synchronize'));
}

function seedArg(seed: number | bigint, fn: string): bigint {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed);
  if (typeof seed !== 'number' || !Number.isInteger(seed)) argError(fn, 'seed', 'an integer', seed);
  return BigInt.asUintN(64, BigInt(seed));
}

/** Seeds the current device's generator (Python's `torch.cuda.manual_seed`). */
export function manualSeed(seed: number | bigint): void {
  binding.cudaManualSeed(seedArg(seed, 'manualSeed'), deviceIndex(undefined, 'manualSeed'));
}

/** Seeds every device's generator. A no-op without CUDA, as in PyTorch (so seeding code runs anywhere). */
export function manualSeedAll(seed: number | bigint): void {
  const s = seedArg(seed, 'manualSeedAll');
  if (isAvailable()) binding.cudaManualSeed(s, -1);
}

export interface MemoryStats {
  /** Bytes held by live tensors. */
  allocated: number;
  /** Bytes LibTorch's caching allocator holds from the driver (allocated + cached). */
  reserved: number;
  maxAllocated: number;
  maxReserved: number;
}

/** The caching allocator's counters for `device`. */
export function memoryStats(device?: DeviceArg): MemoryStats {
  return stats(device, 'memoryStats');
}

const stats = (device: DeviceArg | undefined, fn: string): MemoryStats => binding.cudaMemoryStats(deviceIndex(device, fn));

export function memoryAllocated(device?: DeviceArg): number {
  return stats(device, 'memoryAllocated').allocated;
}

export function memoryReserved(device?: DeviceArg): number {
  return stats(device, 'memoryReserved').reserved;
}

export function maxMemoryAllocated(device?: DeviceArg): number {
  return stats(device, 'maxMemoryAllocated').maxAllocated;
}

export function maxMemoryReserved(device?: DeviceArg): number {
  return stats(device, 'maxMemoryReserved').maxReserved;
}

/** Starts the peaks (`maxMemoryAllocated`, `maxMemoryReserved`) over from the current values. */
export function resetPeakMemoryStats(device?: DeviceArg): void {
  binding.cudaResetPeakStats(deviceIndex(device, 'resetPeakMemoryStats'));
}

/** Returns the allocator's cached, unused blocks to the driver (for other processes; tensors keep theirs). */
export function emptyCache(): void {
  if (!isAvailable()) return;
  binding.cudaEmptyCache();
}
