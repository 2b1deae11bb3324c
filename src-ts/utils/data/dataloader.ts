/**
 * DataLoader: batches from a dataset, in order or shuffled (Python's RandomSampler order for the
 * same seed), with the last partial batch kept or dropped.
 *
 * `for (const batch of loader)` loads each batch when asked. `for await (const batch of loader)`
 * prefetches: while the loop body runs on a batch, the next `prefetchFactor` batches are already
 * being loaded, so datasets whose samples come from I/O (promises) overlap loading with compute,
 * and the event loop is never blocked waiting for them.
 *
 * Batch tensors belong to the caller: free them (a `torch.scope` around the loop body does).
 */
import { ValueError } from '../../errors';
import { BatchSampler, RandomSampler, SequentialSampler, type Sampler } from './sampler';
import { defaultCollate, type Collated } from './collate';
import { empty } from '../../generated/ops';
import type { BatchDataset, Dataset } from './dataset';
import type { Generator } from '../../generator';

/** T: the dataset's sample type; B: the batch type (`collateFn`'s result, else `Collated<T>`). */
export interface DataLoaderOptions<T = unknown, B = Collated<T>> {
  batchSize?: number;
  shuffle?: boolean;
  sampler?: Sampler;
  batchSampler?: Iterable<number[]> & { length?: number };
  dropLast?: boolean;
  collateFn?: (samples: T[]) => B;
  generator?: Generator;
  /** Batches loaded ahead by the async iterator (default 2). */
  prefetchFactor?: number;
}

/**
 * Batches are typed from the dataset: `new DataLoader(ds)` over a `Dataset<[Tensor, number]>`
 * yields `[Tensor, Tensor]`; with a `collateFn`, whatever it returns.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSampler: Iterable<number[]> & { length?: number };
  private readonly collate: (samples: T[]) => unknown;
  private readonly prefetch: number;
  private readonly generator?: Generator;

  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    if (options.batchSampler && (options.sampler || options.shuffle || options.dropLast || options.batchSize !== undefined)) {
      throw new ValueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
    }
    if (options.sampler && options.shuffle) throw new ValueError('sampler option is mutually exclusive with shuffle');
    const sampler = options.sampler ?? (options.shuffle ? new RandomSampler(dataset.length, options.generator) : new SequentialSampler(dataset.length));
    this.batchSampler = options.batchSampler ?? new BatchSampler(sampler, batchSize, options.dropLast ?? false);
    this.collate = options.collateFn ?? defaultCollate;
    this.prefetch = Math.max(1, options.prefetchFactor ?? 2);
    this.generator = options.generator;
  }

  /** The number of batches per epoch. */
  get length(): number {
    const n = this.batchSampler.length;
    if (n === undefined) throw new ValueError('this loader has a batch sampler without a length');
    return n;
  }

  // Python's loader iterator draws a base seed (for worker processes) from the loader's generator
  // or the default one before the sampler runs; drawing it too keeps shuffles in step with Python.
  private drawBaseSeed(): void {
    const t = empty([], { dtype: 'int64' });
    if (this.generator) t.random_({ generator: this.generator });
    else t.random_();
    t.dispose();
  }

  private load(indices: number[]): B | Promise<B> {
    const ds = this.dataset;
    const batched = ds as Dataset<T> & Partial<BatchDataset>;
    if (this.collate === defaultCollate && typeof batched.getBatch === 'function') return batched.getBatch(indices) as B;
    const items = indices.map((i) => ds.getItem(i));
    if (items.some((x) => x instanceof Promise)) return Promise.all(items).then((xs) => this.collate(xs) as B);
    return this.collate(items as T[]) as B; // no promises among them (checked above)
  }

  *[Symbol.iterator](): Iterator<B> {
    this.drawBaseSeed();
    for (const indices of this.batchSampler) {
      const b = this.load(indices);
      if (b instanceof Promise) throw new ValueError('this dataset loads asynchronously: iterate with for await');
      yield b;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    this.drawBaseSeed();
    const it = this.batchSampler[Symbol.iterator]();
    const queue: Promise<B>[] = [];
    const fill = (): void => {
      while (queue.length < this.prefetch) {
        const next = it.next();
        if (next.done) return;
        queue.push(Promise.resolve().then(() => this.load(next.value)));
      }
    };
    fill();
    while (queue.length > 0) {
      const b = await queue.shift()!;
      fill();
      yield b;
    }
  }
}
