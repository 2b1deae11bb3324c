/**
 * Whether CUDA is there, and which device a call means. Everything in torch.cuda goes through
 * `requireCuda`, so a CPU-only build or a machine without a GPU gives one clear error.
 */
import { binding } from '../binding';
import { Device, type DeviceLike } from '../device';
import { TorchError, argError } from '../errors';

/** This torchnode was built with CUDA support (against a CUDA LibTorch). */
export const built: boolean = binding.version().cuda !== null;

let count: number | undefined;

/** Number of CUDA devices LibTorch sees (0 without CUDA). */
export function deviceCount(): number {
  if (count === undefined) count = binding.config().cudaDeviceCount;
  return count;
}

/** `torch.cuda.isAvailable()`: a CUDA build and at least one device. */
export function isAvailable(): boolean {
  return built && deviceCount() > 0;
}

/** Throws torchnode's "CUDA is not available" error (code ERR_CUDA_NOT_AVAILABLE) unless CUDA is usable. */
export function requireCuda(fn: string): void {
  if (isAvailable()) return;
  const why = built
    ? 'no CUDA device was found (torch.cuda.deviceCount() is 0)'
    : `this torchnode was built against a CPU-only LibTorch ${binding.version().builtAgainst}; build against a CUDA LibTorch (LIBTORCH=/path/to/libtorch, or a CUDA PyTorch in python3, then npm run build:native)`;
  // `fn` is a function name ('currentDevice') or what asked for CUDA ("device 'cuda:0'").
  const where = /^\w+$/.test(fn) ? `${fn}()` : fn;
  const err = new TorchError(`${where}: CUDA is not available: ${why}`);
  err.code = 'ERR_CUDA_NOT_AVAILABLE';
  throw err;
}

/** The CUDA device index meant by `d`: a number, 'cuda', 'cuda:1', a Device; none = the current device. */
export function deviceIndex(d: DeviceLike | number | undefined | null, fn: string): number {
  requireCuda(fn);
  if (d === undefined || d === null) return binding.cudaCurrentDevice();
  if (typeof d === 'number') {
    if (!Number.isInteger(d) || d < 0) argError(fn, 'device', 'a device index >= 0', d);
    return checkIndex(d, fn);
  }
  const dev = new Device(d);
  if (dev.type !== 'cuda') argError(fn, 'device', "a CUDA device ('cuda' or 'cuda:N')", d);
  return dev.index === null ? binding.cudaCurrentDevice() : checkIndex(dev.index, fn);
}

function checkIndex(i: number, fn: string): number {
  if (i >= deviceCount()) throw new TorchError(`${fn}(): invalid device cuda:${i} (${deviceCount()} CUDA device(s) present)`);
  return i;
}
