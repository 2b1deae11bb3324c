/**
 * Datasets, as torch.utils.data's: map-style (`getItem(i)` and `length`), iterable, tensors, subsets
 * and random splits. A map-style dataset may also give whole batches (`getBatch(indices)`), which
 * the DataLoader prefers: one indexed gather per tensor instead of a tensor per sample.
 */
import { ValueError, IndexError, TypeError as TorchTypeError } from '../../errors';
import { pin } from '../../memory';
import { tensor } from '../../creation';
import { randperm } from '../../generated/ops';
import { Tensor } from '../../tensor';
import type { Generator } from '../../generator';
import { defaultCollate } from './collate';
import { builtFile } from '../../built';
import type { WorkerSource } from './worker_source';

export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  /** Sample `index` (may return a promise, e.g. a file read; the DataLoader awaits it). */
  abstract getItem(index: number): T | Promise<T>;
}

/** A map-style dataset that can also give the samples at `indices` already collated. */
export interface BatchDataset {
  getBatch(indices: number[]): unknown;
}

/**
 * A stream of samples, as Python's IterableDataset. Subclasses define `*[Symbol.iterator]()` (the
 * DataLoader then works with `for..of` and `for await`) or `async *[Symbol.asyncIterator]()`
 * (samples that come from I/O: `for await` only). A numeric `length`, if the subclass has one,
 * lets `loader.length` answer.
 */
export abstract class IterableDataset<T = unknown> {
  [Symbol.iterator]?(): Iterator<T>;
  [Symbol.asyncIterator]?(): AsyncIterator<T>;
}

/** True for an IterableDataset, or any iterable that is not a map-style dataset. */
export function isIterableDataset(ds: unknown): ds is IterableDataset {
  if (ds instanceof IterableDataset) return true;
  if (typeof ds !== 'object' || ds === null || typeof (ds as { getItem?: unknown }).getItem === 'function') return false;
  return typeof (ds as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (ds as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** The samples of an IterableDataset, as an async iterator (a sync one is wrapped). */
export function asyncSamples<T>(ds: IterableDataset<T>): AsyncIterator<T> {
  if (typeof ds[Symbol.asyncIterator] === 'function') return ds[Symbol.asyncIterator]!();
  const it = ds[Symbol.iterator]!();
  return { next: () => Promise.resolve(it.next()), return: (v?: unknown) => Promise.resolve(it.return ? it.return(v) : { done: true, value: v }) } as AsyncIterator<T>;
}

/** The samples of an IterableDataset, synchronously; throws when it only loads asynchronously. */
export function syncSamples<T>(ds: IterableDataset<T>): Iterator<T> {
  if (typeof ds[Symbol.iterator] !== 'function') throw new ValueError('this dataset loads asynchronously: iterate with for await');
  return ds[Symbol.iterator]!();
}

/** Samples are the i-th rows of each tensor (all have the same first dimension). */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ValueError('TensorDataset needs at least one tensor');
    for (const t of tensors) if (!(t instanceof Tensor)) throw new TorchTypeError('TensorDataset takes Tensors');
    const n = tensors[0].size(0);
    if (tensors.some((t) => t.size(0) !== n)) throw new ValueError('Size mismatch between tensors');
    // The dataset holds its own references, alive as long as it is (scopes do not free them).
    this.tensors = tensors.map((t) => pin(t.detach()));
  }
  get length(): number {
    return this.tensors[0].size(0);
  }
  getItem(index: number): Tensor[] {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new IndexError(`index ${index} is out of range for a dataset of ${n}`);
    return this.tensors.map((t) => t.index(i));
  }
  getBatch(indices: number[]): Tensor[] {
    const idx = tensor(indices, { dtype: 'int64' });
    try {
      return this.tensors.map((t) => t.indexSelect(0, idx));
    } finally {
      idx.dispose();
    }
  }
  dispose(): void {
    for (const t of this.tensors) t.dispose();
  }
  /** In a DataLoader worker: the same tensors, shared, not copied. */
  workerSource(): WorkerSource {
    return { module: builtFile('index.js'), exportName: 'utils.data.TensorDataset', args: this.tensors };
  }
}

/** The samples of `dataset` at `indices`. */
export class Subset<T> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: number[]) {
    super();
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(index: number): T | Promise<T> {
    const i = this.indices[index < 0 ? index + this.indices.length : index];
    if (i === undefined) throw new IndexError(`index ${index} is out of range for a subset of ${this.indices.length}`);
    return this.dataset.getItem(i);
  }
  getBatch(indices: number[]): unknown {
    const ds = this.dataset as Dataset<T> & Partial<BatchDataset>;
    const mapped = indices.map((i) => this.indices[i]);
    if (typeof ds.getBatch === 'function') return ds.getBatch(mapped);
    const items = mapped.map((i) => ds.getItem(i));
    if (items.some((x) => x instanceof Promise)) return Promise.all(items).then(defaultCollate);
    return defaultCollate(items);
  }
  workerSource(): WorkerSource {
    return { module: builtFile('index.js'), exportName: 'utils.data.Subset', args: [this.dataset, this.indices] };
  }
}

/**
 * Map-style datasets one after another: index i of the whole is found by the cumulative sizes, as
 * Python's ConcatDataset. Sizes are read once, when it is made.
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = Array.from(datasets);
    if (this.datasets.length === 0) throw new ValueError('datasets should not be an empty iterable');
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      if (isIterableDataset(d)) throw new ValueError('ConcatDataset does not support IterableDataset');
      if (typeof d?.getItem !== 'function') throw new TorchTypeError('ConcatDataset takes map-style datasets (with getItem and length)');
      return (total += d.length);
    });
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  getItem(index: number): T | Promise<T> {
    const n = this.length;
    if (!Number.isInteger(index)) throw new TorchTypeError(`ConcatDataset index must be an integer, got ${String(index)}`);
    if (index < 0) {
      if (-index > n) throw new ValueError('absolute value of index should not exceed dataset length');
      index += n;
    }
    if (index >= n) throw new IndexError(`index ${index} is out of range for a dataset of ${n}`);
    // The first dataset whose cumulative size exceeds the index (Python's bisect_right).
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] <= index) lo = mid + 1;
      else hi = mid;
    }
    return this.datasets[lo].getItem(lo === 0 ? index : index - this.cumulativeSizes[lo - 1]);
  }
  workerSource(): WorkerSource {
    return { module: builtFile('index.js'), exportName: 'utils.data.ConcatDataset', args: [this.datasets] };
  }
}

/** IterableDatasets one after another, as Python's ChainDataset. */
export class ChainDataset<T> extends IterableDataset<T> {
  readonly datasets: IterableDataset<T>[];
  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = Array.from(datasets);
    for (const d of this.datasets) if (!isIterableDataset(d)) throw new ValueError('ChainDataset only supports IterableDataset');
  }
  /** The sum of the parts' lengths (each part must have one). */
  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      const n = (d as { length?: unknown }).length;
      if (typeof n !== 'number') throw new TorchTypeError(`${d.constructor.name} has no length`);
      total += n;
    }
    return total;
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      const it = syncSamples(d);
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    }
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) {
      const it = asyncSamples(d);
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
  }
  workerSource(): WorkerSource {
    return { module: builtFile('index.js'), exportName: 'utils.data.ChainDataset', args: [this.datasets] };
  }
}

/**
 * Splits a dataset into non-overlapping subsets of the given lengths (or fractions summing to 1),
 * with the same permutation as Python's `random_split` for the same generator.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], options: { generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.length;
  let sizes = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    sizes = lengths.map((f, i) => {
      if (f < 0 || f > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    const rem = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rem; i++) sizes[i % sizes.length] += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  const perm = options.generator ? randperm(n, { generator: options.generator }) : randperm(n);
  const order = perm.toArray() as number[];
  perm.dispose();
  let offset = 0;
  return sizes.map((len) => {
    const s = new Subset(dataset, order.slice(offset, offset + len));
    offset += len;
    return s;
  });
}
