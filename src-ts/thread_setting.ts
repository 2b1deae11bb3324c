/**
 * Running a synchronous function under a per-thread LibTorch setting (grad mode, the current
 * CUDA stream, autocast) and restoring the setting after. Synchronous only: the code after an
 * `await` runs later, interleaved with other work on the same thread, so a setting held across it
 * would leak into that work (Python's context managers have the same limit with asyncio).
 */
import { isAsyncFunction } from './memory';
import { TypeError as TorchTypeError } from './errors';

export function withThreadSetting<T>(name: string, what: string, fn: () => T, set: () => void, restore: () => void): T {
  if (typeof fn !== 'function') throw new TorchTypeError(`${name}(): argument 'fn' must be a function`);
  if (isAsyncFunction(fn)) {
    throw new TorchTypeError(`${name}(): takes a synchronous function (${what} is per thread; code after an await would run in another task's setting)`);
  }
  set();
  try {
    const r = fn();
    // A thenable, not `instanceof Promise`: native promises may come from another realm.
    if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') throw new TorchTypeError(`${name}(): the function returned a promise; pass a synchronous function`);
    return r;
  } finally {
    restore();
  }
}
