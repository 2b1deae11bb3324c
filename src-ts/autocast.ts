/**
 * Automatic mixed precision: `torch.autocast('cuda', fn, { dtype: 'float16' })` runs `fn` with
 * LibTorch's autocast on, so matmuls and convolutions run in the lower precision while
 * reductions and losses stay in float32 (LibTorch's own per-op lists, as in PyTorch).
 * 'cuda' (default dtype float16) needs CUDA; 'cpu' (default dtype bfloat16) works everywhere.
 * Synchronous functions only: autocast is per thread (thread_setting.ts says why).
 */
import { binding } from './binding';
import { dtypeCode, toDType, type DTypeLike } from './dtype';
import { argError, ValueError } from './errors';
import { withThreadSetting } from './thread_setting';
import { requireCuda } from './cuda/device';

export interface AutocastOptions {
  /** float16 or bfloat16 (cpu: bfloat16 only on LibTorch 1.13). */
  dtype?: DTypeLike;
  /** false runs `fn` with autocast off (e.g. a float32 island inside an autocast region). */
  enabled?: boolean;
  /** Accepted for PyTorch parity; LibTorch caches casts of leaf tensors inside a region regardless. */
  cacheEnabled?: boolean;
}

export type AutocastDevice = 'cuda' | 'cpu';

export function autocast<T>(deviceType: AutocastDevice, fn: () => T, options: AutocastOptions = {}): T {
  if (deviceType !== 'cuda' && deviceType !== 'cpu') argError('autocast', 'deviceType', "'cuda' or 'cpu'", deviceType);
  const enabled = options.enabled ?? true;
  if (typeof enabled !== 'boolean') argError('autocast', 'enabled', 'a boolean', enabled);
  let code: number | null = null;
  if (options.dtype !== undefined) {
    const dtype = toDType(options.dtype, 'autocast');
    if (dtype !== 'float16' && dtype !== 'bfloat16') throw new ValueError(`autocast(): dtype must be float16 or bfloat16, got ${dtype}`);
    code = dtypeCode(dtype);
  } else if (enabled) {
    code = dtypeCode(deviceType === 'cuda' ? 'float16' : 'bfloat16');
  }
  if (deviceType === 'cuda' && enabled) requireCuda('autocast');
  let prev: [boolean, number] = [false, 0];
  return withThreadSetting(
    'autocast',
    'autocast',
    fn,
    () => void (prev = binding.autocastSet(deviceType, enabled, code)),
    () => void binding.autocastSet(deviceType, prev[0], prev[1]),
  );
}

/** Whether autocast is on for `deviceType` on this thread. */
export function isAutocastEnabled(deviceType: AutocastDevice = 'cuda'): boolean {
  if (deviceType !== 'cuda' && deviceType !== 'cpu') argError('isAutocastEnabled', 'deviceType', "'cuda' or 'cpu'", deviceType);
  return binding.autocastSet(deviceType, null, null)[0];
}
