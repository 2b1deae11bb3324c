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
