/**
 * Samplers: the order in which a DataLoader visits a map-style dataset. Each draws its random
 * numbers exactly as Python's sampler of the same name does, so the same seed (or generator)
 * gives the same indices.
 */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { empty, multinomial, randint, randperm } from '../../generated/ops';
import { tensor } from '../../creation';
import { scope } from '../../memory';
import { Generator } from '../../generator';
import { Tensor } from '../../tensor';

export interface Sampler {
  [Symbol.iterator](): Iterator<number>;
  readonly length: number;
}

/** A data source: a dataset (anything with a `length`) or its size. */
export type Sized = number | { readonly length: number };

function sizeOf(source: Sized): number {
  return typeof source === 'number' ? source : source.length;
}

// Copies an int64 result out as numbers and frees it.
function indices(t: Tensor): number[] {
  const out = Array.from(t.toTypedArray() as BigInt64Array, Number);
  t.dispose();
  return out;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ValueError(`${name} should be a positive integer value, but got ${name}=${String(v)}`);
  }
  return v;
}

export class SequentialSampler implements Sampler {
  private readonly source: Sized;
  constructor(dataSource: Sized) {
    this.source = dataSource;
  }
  get length(): number {
    return sizeOf(this.source);
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** How many indices per epoch (default: the source's size). */
  numSamples?: number;
  generator?: Generator;
}

/**
 * A random permutation per epoch, or `numSamples` draws with replacement. Without a generator,
 * each epoch seeds a fresh one from the default generator, as Python's RandomSampler does: the
 * same `torch.manualSeed` gives the same order as Python.
 */
export class RandomSampler implements Sampler {
  readonly replacement: boolean;
  readonly generator?: Generator;
  private readonly source: Sized;
  private readonly fixedSamples?: number;

  /** `options` may also be a Generator (the older form `new RandomSampler(n, generator)`). */
  constructor(dataSource: Sized, options: RandomSamplerOptions | Generator = {}) {
    const o: RandomSamplerOptions = options instanceof Generator ? { generator: options } : options;
    this.source = dataSource;
    this.replacement = o.replacement ?? false;
    if (typeof this.replacement !== 'boolean') throw new TorchTypeError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    this.generator = o.generator;
    if (o.numSamples !== undefined) this.fixedSamples = positiveInt('num_samples', o.numSamples);
    else positiveInt('num_samples', sizeOf(dataSource));
  }
  get numSamples(): number {
    return this.fixedSamples ?? sizeOf(this.source);
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = sizeOf(this.source);
    if (n === 0) throw new ValueError('RandomSampler: the data source is empty');
    let gen = this.generator;
    let own: Generator | undefined;
    if (gen === undefined) {
      const r = empty([], { dtype: 'int64' }).random_();
      const seed = r.item<number | bigint>();
      r.dispose();
      own = new Generator().manualSeed(seed);
      gen = own;
    }
    try {
      const total = this.numSamples;
      if (this.replacement) {
        // Python draws in blocks of 32, then the remainder: the same calls give the same numbers.
        for (let k = 0; k < Math.floor(total / 32); k++) yield* indices(randint(n, [32], { dtype: 'int64', generator: gen }));
        yield* indices(randint(n, [total % 32], { dtype: 'int64', generator: gen }));
      } else {
        for (let k = 0; k < Math.floor(total / n); k++) yield* indices(randperm(n, { generator: gen }));
        yield* indices(randperm(n, { generator: gen })).slice(0, total % n);
      }
    } finally {
      own?.dispose();
    }
  }
}

/** The given indices, in a random order per epoch (Python's SubsetRandomSampler). */
export class SubsetRandomSampler implements Sampler {
  readonly indices: number[];
  constructor(indices: Iterable<number>, readonly generator?: Generator) {
    this.indices = Array.from(indices);
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const order = indices(this.generator ? randperm(this.indices.length, { generator: this.generator }) : randperm(this.indices.length));
    for (const i of order) yield this.indices[i];
  }
}

/**
 * `numSamples` indices in [0, weights.length), index i drawn with probability proportional to
 * weights[i] (one `torch.multinomial` call per epoch, as Python's WeightedRandomSampler).
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: number[];
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator?: Generator;
  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, options: { replacement?: boolean; generator?: Generator } = {}) {
    this.numSamples = positiveInt('num_samples', numSamples);
    this.replacement = options.replacement ?? true;
    if (typeof this.replacement !== 'boolean') throw new ValueError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    if (weights instanceof Tensor) {
      if (weights.dim() !== 1) throw new ValueError(`weights should be a 1d sequence but given weights have shape (${weights.shape.join(', ')})`);
      this.weights = scope(() => weights.to('float64').toArray() as number[]);
    } else {
      const w = Array.from(weights);
      if (w.some((x) => typeof x !== 'number')) throw new ValueError('weights should be a 1d sequence of numbers');
      this.weights = w;
    }
    this.generator = options.generator;
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const w = tensor(this.weights, { dtype: 'float64' });
    let drawn: Tensor;
    try {
      drawn = multinomial(w, this.numSamples, this.replacement, { generator: this.generator ?? null });
    } finally {
      w.dispose();
    }
    yield* indices(drawn);
  }
}

/** Groups a sampler's indices into batches. */
export class BatchSampler {
  constructor(readonly sampler: Iterable<number> & { length?: number }, readonly batchSize: number, readonly dropLast: boolean) {
    positiveInt('batch_size', batchSize);
  }
  get length(): number {
    const n = this.sampler.length;
    if (n === undefined) throw new TorchTypeError('this batch sampler has a sampler without a length');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
