/** The default collate: a list of samples into a batch, as Python's default_collate. */
import { stack } from '../../generated/ops';
import { tensor } from '../../creation';
import { TypeError as TorchTypeError } from '../../errors';
import { Tensor } from '../../tensor';

/** The batch type `defaultCollate` makes from samples of type T (what a DataLoader yields). */
export type Collated<T> =
  T extends Tensor ? Tensor
    : T extends number | bigint | boolean ? Tensor
      : T extends string ? string[]
        : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object ? { [K in keyof T]: Collated<T[K]> }
            : unknown;

/**
 * Tensors are stacked along a new first dim; numbers become a tensor (int64 for integers, float64
 * otherwise, as Python's ints and floats), bigints an int64 tensor and booleans a bool tensor;
 * arrays (tuples) and plain objects are collated field by field; strings stay a list.
 */
export function defaultCollate<T>(batch: T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: unknown[]): unknown {
  const first = batch[0];
  if (first instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof first === 'number') {
    const ints = (batch as number[]).every(Number.isInteger);
    return tensor(batch as number[], { dtype: ints ? 'int64' : 'float64' });
  }
  if (typeof first === 'bigint') return tensor(batch as bigint[]);
  if (typeof first === 'boolean') return tensor(batch as boolean[]);
  if (typeof first === 'string') return batch;
  if (Array.isArray(first)) {
    const n = first.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === n)) throw new TorchTypeError('each element in list of batch should be of equal size');
    return first.map((_, i) => collate(batch.map((b) => (b as unknown[])[i])));
  }
  if (first !== null && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((k) => [k, collate(batch.map((b) => (b as Record<string, unknown>)[k]))]));
  }
  throw new TorchTypeError(`default_collate: batch must contain tensors, numbers, bigints, booleans, strings, arrays or objects; found ${first === null ? 'null' : typeof first}`);
}
