/** Samplers: the order in which a DataLoader visits a map-style dataset. */
import { empty, randperm } from '../../generated/ops';
import { Generator } from '../../generator';

export interface Sampler {
  [Symbol.iterator](): Iterator<number>;
  readonly length: number;
}

export class SequentialSampler implements Sampler {
  constructor(private readonly n: number) {}
  get length(): number {
    return this.n;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.n; i++) yield i;
  }
}

/**
 * A random permutation per epoch. Without a generator, each epoch seeds a fresh one from the
 * default generator, as Python's RandomSampler does: the same `torch.manualSeed` gives the same
 * order as Python.
 */
export class RandomSampler implements Sampler {
  constructor(private readonly n: number, private readonly generator?: Generator) {}
  get length(): number {
    return this.n;
  }
  *[Symbol.iterator](): Iterator<number> {
    let gen = this.generator;
    let own: Generator | undefined;
    if (gen === undefined) {
      const r = empty([], { dtype: 'int64' }).random_();
      const seed = r.item<number | bigint>();
      r.dispose();
      own = new Generator().manualSeed(seed);
      gen = own;
    }
    const perm = randperm(this.n, { generator: gen });
    const order = Array.from(perm.toTypedArray() as BigInt64Array, Number);
    perm.dispose();
    own?.dispose();
    yield* order;
  }
}

/** Groups a sampler's indices into batches. */
export class BatchSampler {
  constructor(readonly sampler: Sampler, readonly batchSize: number, readonly dropLast: boolean) {}
  get length(): number {
    return this.dropLast ? Math.floor(this.sampler.length / this.batchSize) : Math.ceil(this.sampler.length / this.batchSize);
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
