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
 * With `numWorkers > 0`, batches are loaded in that many worker threads, each with its own copy
 * of the dataset (made from the dataset's workerSource(): see worker_source.ts and
 * `torch.utils.data.fromModule`), seeded with the loader's base seed + its id, on one intra-op
 * thread, as Python's worker processes. Both `for..of` and `for await` then overlap loading with
 * the loop body; batches come in sampler order, and their tensors cross without a copy.
 *
 * Batch tensors belong to the caller: free them (a `torch.scope` around the loop body does).
 */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { BatchSampler, RandomSampler, SequentialSampler, type Sampler } from './sampler';
import { defaultCollate, type Collated } from './collate';
import { empty } from '../../generated/ops';
import { asyncSamples, isIterableDataset, syncSamples, type BatchDataset, type Dataset, type IterableDataset } from './dataset';
import type { Generator } from '../../generator';
import { Tensor } from '../../tensor';
import { scope } from '../../memory';
import { isPlainObject } from '../../shared';
import { isAvailable as cudaAvailable } from '../../cuda/device';
import { workerSourceOf, type WorkerSource } from './worker_source';
import { WorkerPool, WorkerEpoch } from './worker_pool';

/** T: the dataset's sample type; B: the batch type (`collateFn`'s result, else `Collated<T>`). */
export interface DataLoaderOptions<T = unknown, B = Collated<T>> {
  batchSize?: number;
  shuffle?: boolean;
  sampler?: Sampler;
  batchSampler?: Iterable<number[]> & { length?: number };
  dropLast?: boolean;
  collateFn?: (samples: T[]) => B;
  generator?: Generator;
  /**
   * Batches loaded ahead: by the async iterator without workers, and by each worker with them
   * (default 2, Python's `prefetch_factor`).
   */
  prefetchFactor?: number;
  /** Worker threads that load batches (default 0: load on the calling thread). */
  numWorkers?: number;
  /** Keep the workers (and their datasets) from one pass to the next; `dispose()` ends them. */
  persistentWorkers?: boolean;
  /**
   * Runs in each worker after it has seeded torch and made its dataset, with the worker's id.
   * It is sent as source text, so it sees `torch` and `require` but no variables from around it.
   */
  workerInitFn?: (workerId: number) => unknown;
  /** Seconds to wait for a batch from a worker before throwing (default 0: no limit), as Python's. */
  timeout?: number;
  /** Put each batch's tensors in page-locked memory, for fast copies to a GPU (only when CUDA is available, as Python's). */
  pinMemory?: boolean;
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
  readonly numWorkers: number;
  readonly persistentWorkers: boolean;
  readonly timeout: number;
  readonly pinMemory: boolean;
  private readonly initFn: string | null;
  private readonly source: WorkerSource | null;
  private pool: WorkerPool | null = null;
  private passRunning = false;

  constructor(readonly dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    this.batchSize = batchSize;
    this.dropLast = options.dropLast ?? false;
    this.collate = options.collateFn ?? defaultCollate;
    this.prefetch = Math.max(1, options.prefetchFactor ?? 2);
    this.generator = options.generator;
    this.numWorkers = options.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) throw new ValueError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    this.timeout = options.timeout ?? 0;
    if (typeof this.timeout !== 'number' || !(this.timeout >= 0)) throw new ValueError('timeout option should be non-negative');
    this.persistentWorkers = options.persistentWorkers ?? false;
    if (this.persistentWorkers && this.numWorkers === 0) throw new ValueError('persistent_workers option needs num_workers > 0');
    this.pinMemory = options.pinMemory ?? false;
    this.initFn = options.workerInitFn === undefined ? null : functionSource(options.workerInitFn);
    this.source = this.numWorkers > 0 ? workerSourceOf(dataset) : null;
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
  private drawBaseSeed(): bigint {
    const t = empty([], { dtype: 'int64' });
    try {
      if (this.generator) t.random_({ generator: this.generator });
      else t.random_();
      return t.item() as bigint;
    } finally {
      t.dispose();
    }
  }

  /** Ends persistent workers (a loader without them has nothing to end). */
  dispose(): void {
    this.pool?.close();
    this.pool = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // Persistent workers are started once, with the first pass's base seed (as Python's).
  private startWorkers(): WorkerPool {
    if (this.pool !== null) return this.pool;
    const pool = new WorkerPool(
      {
        numWorkers: this.numWorkers,
        source: this.source!,
        initFn: this.initFn,
        batchSize: this.batchSize,
        dropLast: this.dropLast,
        defaultCollate: this.collate === defaultCollate,
        iterable: this.batchSampler === null,
        timeout: this.timeout,
      },
      this.drawBaseSeed(),
    );
    if (this.persistentWorkers) this.pool = pool;
    return pool;
  }

  private startEpoch(listen: boolean): { pool: WorkerPool; epoch: WorkerEpoch } {
    // Persistent workers serve one pass at a time (a second would take the first one's replies).
    if (this.passRunning) throw new ValueError('this DataLoader has persistent workers and a pass over it is still running: finish or break out of it first');
    const pool = this.startWorkers();
    if (pool === this.pool) this.passRunning = true;
    try {
      pool.beginEpoch(listen);
      return { pool, epoch: new WorkerEpoch(pool, this.batchSampler === null ? null : this.batchSampler[Symbol.iterator](), this.prefetch) };
    } catch (e) {
      this.endEpoch(pool);
      throw e;
    }
  }

  private endEpoch(pool: WorkerPool): void {
    if (pool === this.pool) this.passRunning = false;
    pool.endEpoch();
    // Persistent workers outlive the pass, unless one has died: the next pass starts afresh.
    if (pool === this.pool && pool.allAlive()) return;
    pool.close();
    if (pool === this.pool) this.pool = null;
  }

  // A worker's batch as the caller gets it: collated here when the collateFn is the caller's
  // own (it cannot be sent to a worker), then pinned if asked.
  private finish(b: { value: unknown; raw: boolean }): B {
    const batch = b.raw ? this.collate(b.value as T[]) : b.value;
    return (this.pinMemory ? pinBatch(batch) : batch) as B;
  }

  private *workerBatches(): IterableIterator<B> {
    const { pool, epoch } = this.startEpoch(false);
    try {
      for (let id = epoch.next(); id !== undefined; id = epoch.next()) {
        const reply = pool.receiveSync(id);
        const b = scope(() => {
          const r = epoch.take(id, reply);
          return r === null ? null : this.finish(r);
        });
        if (b !== null) yield b;
      }
    } finally {
      // Stopped early (break, an error): what is still out is skipped or freed.
      pool.cancel();
      for (const id of epoch.pendingWorkers()) {
        try {
          WorkerEpoch.release(pool.receiveSync(id));
        } catch {
          // that worker has failed; it holds nothing of ours
        }
      }
      this.endEpoch(pool);
    }
  }

  private async *workerBatchesAsync(): AsyncGenerator<B> {
    const { pool, epoch } = this.startEpoch(true);
    try {
      for (let id = epoch.next(); id !== undefined; id = epoch.next()) {
        const reply = await pool.receiveAsync(id);
        const b = scope(() => {
          const r = epoch.take(id, reply);
          return r === null ? null : this.finish(r);
        });
        if (b !== null) yield b;
      }
    } finally {
      pool.cancel();
      for (const id of epoch.pendingWorkers()) {
        try {
          WorkerEpoch.release(await pool.receiveAsync(id));
        } catch {
          // that worker has failed; it holds nothing of ours
        }
      }
      this.endEpoch(pool);
    }
  }

  // The batch at `indices`, collated and (if asked) pinned.
  private load(indices: number[]): B | Promise<B> {
    const ds = this.dataset as Dataset<T>;
    const batched = ds as Dataset<T> & Partial<BatchDataset>;
    const pinned = (b: unknown): B => (this.pinMemory ? pinBatch(b) : b) as B;
    if (this.collate === defaultCollate && typeof batched.getBatch === 'function') {
      const b = batched.getBatch(indices);
      return b instanceof Promise ? b.then(pinned) : pinned(b);
    }
    const items = indices.map((i) => ds.getItem(i));
    if (items.some((x) => x instanceof Promise)) return Promise.all(items).then((xs) => pinned(this.collate(xs)));
    return pinned(this.collate(items as T[])); // no promises among them (checked above)
  }

  *[Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      yield* this.workerBatches();
      return;
    }
    this.drawBaseSeed();
    if (this.batchSampler === null) {
      yield* this.streamBatches(this.dataset as IterableDataset<T>);
      return;
    }
    for (const indices of this.batchSampler) {
      // The samples are freed once collated (scope), as Python frees them by refcount; a dataset
      // that stores a tensor it made in getItem (a cache) keeps it with torch.keep.
      const b = scope(() => this.load(indices));
      if (b instanceof Promise) {
        handled(b);
        throw new ValueError('this dataset loads asynchronously: iterate with for await (or use numWorkers)');
      }
      yield b;
    }
  }

  private *streamBatches(ds: IterableDataset<T>): IterableIterator<B> {
    const it = syncSamples(ds);
    for (;;) {
      const b = scope(() => {
        const batch: T[] = [];
        while (batch.length < this.batchSize) {
          const r = it.next();
          if (r.done) break;
          batch.push(r.value);
        }
        if (batch.length === 0 || (batch.length < this.batchSize && this.dropLast)) return undefined;
        return this.finish({ value: batch, raw: true });
      });
      if (b === undefined) return;
      yield b;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) {
      yield* this.workerBatchesAsync();
      return;
    }
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
        return this.finish({ value: batch, raw: true });
      };
      fill = () => {
        while (queue.length < this.prefetch) {
          const p = last.then(() => scope(take));
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
          queue.push(handled(Promise.resolve().then(() => scope(async () => this.load(next.value)))));
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

// The source text a worker evaluates; a method (`init() {}`) is not an expression and is refused here.
function functionSource(fn: unknown): string {
  if (typeof fn !== 'function') throw new TorchTypeError('workerInitFn must be a function');
  const src = fn.toString();
  try {
    new Function(`return (${src})`);
  } catch {
    throw new TorchTypeError('workerInitFn must be a function expression or an arrow function: it is sent to each worker as source text');
  }
  return src;
}

// Tensors of a batch in page-locked memory (as Python, only where CUDA is available).
function pinBatch(v: unknown): unknown {
  if (!cudaAvailable()) return v;
  if (v instanceof Tensor) {
    const pinned = v.pinMemory();
    if (pinned !== v) v.dispose();
    return pinned;
  }
  if (Array.isArray(v)) return v.map(pinBatch);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pinBatch(x)]));
  return v;
}

// Batches are loaded ahead; one that fails after the loop has stopped must not become an
// unhandled rejection (which ends a Node process). The loop still sees the error when it awaits it.
function handled<X>(p: Promise<X>): Promise<X> {
  p.catch(() => undefined);
  return p;
}
