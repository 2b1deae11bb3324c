/**
 * DataLoader: batches from a dataset, in order or shuffled (Python's RandomSampler order for the
 * same seed), with the last partial batch kept or dropped. An IterableDataset is batched as it
 * streams: `batchSize` consecutive samples per batch, no sampler or shuffle (as in Python).
 *
 * `for (const batch of loader)` loads each batch when asked. `for await (const batch of loader)`
 * prefetches: while the loop body runs on a batch, the next `prefetchFactor` batches are already
 * being loaded, so datasets whose samples come from I/O (promises) overlap loading with compute,
 * and the event loop is never blocked waiting for them.
 *
 * Batch tensors belong to the caller: free them (a `torch.scope` around the loop body does).
 */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { BatchSampler, RandomSampler, SequentialSampler, type Sampler } from './sampler';
import { defaultCollate, type Collated } from './collate';
import { empty } from '../../generated/ops';
import { asyncSamples, isIterableDataset, syncSamples, type BatchDataset, type Dataset, type IterableDataset } from './dataset';
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
  /** The batches of indices a map-style dataset is read by; null for an IterableDataset. */
  readonly batchSampler: (Iterable<number[]> & { length?: number }) | null;
  readonly batchSize: number;
  readonly dropLast: boolean;
  private readonly collate: (samples: T[]) => unknown;
  private readonly prefetch: number;
  private readonly generator?: Generator;

  constructor(readonly dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    this.batchSize = batchSize;
    this.dropLast = options.dropLast ?? false;
    this.collate = options.collateFn ?? defaultCollate;
    this.prefetch = Math.max(1, options.prefetchFactor ?? 2);
    this.generator = options.generator;
    if (isIterableDataset(dataset)) {
      // A stream has no indices: an order cannot be chosen for it (Python's messages).
      for (const key of ['shuffle', 'sampler', 'batchSampler'] as const) {
        const v = options[key];
        if (v !== undefined && v !== false && v !== null) {
          throw new ValueError(`DataLoader with IterableDataset: expected unspecified ${key} option, but got ${key}=${String(v)}`);
        }
      }
      this.batchSampler = null;
      return;
    }
    if (typeof (dataset as Partial<Dataset<T>>).getItem !== 'function') throw new TorchTypeError('DataLoader takes a Dataset (getItem and length) or an IterableDataset');
    if (options.batchSampler && (options.sampler || options.shuffle || options.dropLast || options.batchSize !== undefined)) {
      throw new ValueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
    }
    if (options.sampler && options.shuffle) throw new ValueError('sampler option is mutually exclusive with shuffle');
    const sampler = options.sampler ?? (options.shuffle ? new RandomSampler(dataset, { generator: options.generator }) : new SequentialSampler(dataset));
    this.batchSampler = options.batchSampler ?? new BatchSampler(sampler, batchSize, this.dropLast);
  }

  /** The number of batches per epoch (an IterableDataset needs a `length` for this). */
  get length(): number {
    if (this.batchSampler === null) {
      const n = (this.dataset as { length?: unknown }).length;
      if (typeof n !== 'number') throw new TorchTypeError(`${this.dataset.constructor.name} has no length: the number of batches of a stream is not known`);
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
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
    const ds = this.dataset as Dataset<T>;
    const batched = ds as Dataset<T> & Partial<BatchDataset>;
    if (this.collate === defaultCollate && typeof batched.getBatch === 'function') return batched.getBatch(indices) as B;
    const items = indices.map((i) => ds.getItem(i));
    if (items.some((x) => x instanceof Promise)) return Promise.all(items).then((xs) => this.collate(xs) as B);
    return this.collate(items as T[]) as B; // no promises among them (checked above)
  }

  *[Symbol.iterator](): Iterator<B> {
    this.drawBaseSeed();
    if (this.batchSampler === null) {
      yield* this.streamBatches(this.dataset as IterableDataset<T>);
      return;
    }
    for (const indices of this.batchSampler) {
      const b = this.load(indices);
      if (b instanceof Promise) throw new ValueError('this dataset loads asynchronously: iterate with for await');
      yield b;
    }
  }

  private *streamBatches(ds: IterableDataset<T>): IterableIterator<B> {
    const it = syncSamples(ds);
    let batch: T[] = [];
    for (let r = it.next(); !r.done; r = it.next()) {
      batch.push(r.value);
      if (batch.length === this.batchSize) {
        yield this.collate(batch) as B;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield this.collate(batch) as B;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    this.drawBaseSeed();
    const queue: Promise<B | undefined>[] = [];
    let fill: () => void;
    if (this.batchSampler === null) {
      // A stream is read in order: each batch's read starts after the previous one's.
      const samples = asyncSamples(this.dataset as IterableDataset<T>);
      let ended = false;
      let last: Promise<unknown> = Promise.resolve();
      const take = async (): Promise<B | undefined> => {
        const batch: T[] = [];
        while (!ended && batch.length < this.batchSize) {
          const r = await samples.next();
          if (r.done) ended = true;
          else batch.push(r.value);
        }
        if (batch.length === 0 || (batch.length < this.batchSize && this.dropLast)) return undefined;
        return (await this.collate(batch)) as B;
      };
      fill = () => {
        while (queue.length < this.prefetch) {
          const p = last.then(take);
          last = p;
          queue.push(handled(p));
        }
      };
    } else {
      const it = this.batchSampler[Symbol.iterator]();
      fill = () => {
        while (queue.length < this.prefetch) {
          const next = it.next();
          if (next.done) return;
          queue.push(handled(Promise.resolve().then(() => this.load(next.value))));
        }
      };
    }
    fill();
    while (queue.length > 0) {
      const b = await queue.shift()!;
      if (b === undefined) return;
      fill();
      yield b;
    }
  }
}

// Batches are loaded ahead; one that fails after the loop has stopped must not become an
// unhandled rejection (which ends a Node process). The loop still sees the error when it awaits it.
function handled<X>(p: Promise<X>): Promise<X> {
  p.catch(() => undefined);
  return p;
}
