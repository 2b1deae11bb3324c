/**
 * Tensors between worker_threads, without a copy: `torch.share(t)` gives a small descriptor to
 * post to another thread, where `torch.fromShared(desc)` returns a tensor over the same memory.
 * Both threads then see each other's writes (synchronize as with any shared memory). A
 * descriptor is claimed once; one never claimed holds its memory until `torch.releaseShared(desc)`
 * or the process ends. Gradient history does not travel (the tensor arrives detached).
 *
 * For a copy instead (e.g. to another process), post `t.toTypedArray()` and rebuild with
 * `torch.tensor(array).reshape(shape)`.
 */
import { binding } from './binding';
import { TypeError as TorchTypeError, ValueError } from './errors';
import { Tensor } from './tensor';
import type { DType } from './dtype';

/** What crosses a postMessage: plain data. */
export interface SharedTensor {
  readonly torchnodeShared: number;
  readonly dtype: DType;
  readonly shape: number[];
}

export function share(t: Tensor): SharedTensor {
  if (!(t instanceof Tensor)) throw new TorchTypeError('share(): expected a Tensor');
  return { torchnodeShared: binding.shareTensor(t._h), dtype: t.dtype, shape: t.shape };
}

function ticket(d: SharedTensor, fn: string): number {
  if (d === null || typeof d !== 'object' || typeof d.torchnodeShared !== 'number') {
    throw new TorchTypeError(`${fn}(): expected what torch.share() returned`);
  }
  return d.torchnodeShared;
}

export function fromShared(d: SharedTensor): Tensor {
  return new Tensor(binding.claimTensor(ticket(d, 'fromShared')));
}

/** Drops a descriptor that will not be claimed. */
export function releaseShared(d: SharedTensor): void {
  if (!binding.releaseShared(ticket(d, 'releaseShared'))) throw new ValueError('releaseShared(): that tensor was already claimed or released');
}

/** Descriptors made in this process and not yet claimed or released. */
export function sharedCount(): number {
  return binding.sharedCount();
}

// A plain object from any realm (values posted from a worker are made in the main context, which
// is not the caller's when it runs in a vm context, as under jest).
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * `v` ready for postMessage: each Tensor (also inside arrays and plain objects) becomes a shared
 * descriptor, recorded in `sent` so the sender can release what the other side never claims.
 */
export function packShared(v: unknown, sent: SharedTensor[]): unknown {
  if (v instanceof Tensor) {
    const d = share(v);
    sent.push(d);
    return { __torchnodeTensor: d };
  }
  if (Array.isArray(v)) return v.map((x) => packShared(x, sent));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, packShared(x, sent)]));
  return v;
}

/** The inverse of packShared: each descriptor claimed as a Tensor. */
export function unpackShared(v: unknown): unknown {
  if (isPlainObject(v) && isPlainObject(v.__torchnodeTensor)) return fromShared(v.__torchnodeTensor as unknown as SharedTensor);
  if (Array.isArray(v)) return v.map(unpackShared);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpackShared(x)]));
  return v;
}

/** Releases every descriptor inside a packed value that will not be unpacked. */
export function releasePacked(v: unknown): void {
  if (isPlainObject(v) && isPlainObject(v.__torchnodeTensor)) {
    try {
      releaseShared(v.__torchnodeTensor as unknown as SharedTensor);
    } catch {
      // claimed already
    }
  } else if (Array.isArray(v)) {
    for (const x of v) releasePacked(x);
  } else if (isPlainObject(v)) {
    for (const x of Object.values(v)) releasePacked(x);
  }
}
