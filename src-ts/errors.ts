/**
 * torchnode's error classes. Native code gets these constructors at start-up (binding.ts) and
 * throws them from its one exception boundary (src-cpp/errors.cc), so LibTorch's
 * `c10::IndexError` arrives as `torch.IndexError`, and so on.
 *
 * Note: `torch.TypeError` is torchnode's class (a `TorchError`), not the global `TypeError`.
 */
export class TorchError extends Error {
  /** LibTorch's full message including its C++ backtrace, when the error came from LibTorch. */
  cppBacktrace?: string;
  /** A stable code for errors torchnode itself raises, e.g. `'ERR_TENSOR_DISPOSED'`. */
  code?: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** An index out of range (LibTorch's `c10::IndexError`). */
export class IndexError extends TorchError {}
/** A value that is the right type but wrong (LibTorch's `c10::ValueError`). */
export class ValueError extends TorchError {}
/** An argument of the wrong type (LibTorch's `c10::TypeError`, or torchnode's own checks). */
class TorchTypeError extends TorchError {}
Object.defineProperty(TorchTypeError, 'name', { value: 'TypeError' });
export { TorchTypeError as TypeError };
/** An operator or feature the running LibTorch does not have. */
export class NotImplementedError extends TorchError {}
/** An allocation failed (LibTorch's `c10::OutOfMemoryError`). The process carries on. */
export class OutOfMemoryError extends TorchError {}

/** In the order src-cpp/errors.h's ErrorKind expects. */
export const NATIVE_ERROR_CLASSES = [TorchError, IndexError, ValueError, TorchTypeError, NotImplementedError, OutOfMemoryError];

/** Throws torchnode's TypeError naming the parameter and what it expected. */
export function argError(fn: string, param: string, expected: string, got: unknown): never {
  throw new TorchTypeError(`${fn}(): argument '${param}' must be ${expected}, got ${describe(got)}`);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  if (typeof v === 'string') return `'${v}'`;
  return `${typeof v} ${String(v)}`;
}
