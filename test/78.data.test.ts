// torch.utils.data and datasets behaviour (orders against Python: 10.reference data_* cases).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from '../src-ts';
import type { Tensor } from '../src-ts';
const { data } = torch.utils;

class Squares extends data.Dataset<[number, { i: number }]> {
  get length(): number {
    return 10;
  }
  getItem(i: number): [number, { i: number }] {
    return [i * i, { i }];
  }
}

class Slow extends data.Dataset<torch.Tensor> {
  started: number[] = [];
  get length(): number {
    return 6;
  }
  async getItem(i: number): Promise<torch.Tensor> {
    this.started.push(i);
    await new Promise((r) => setTimeout(r, 5));
    return torch.tensor([i]);
  }
}

function writeIdx(file: string, dims: number[], bytes: Uint8Array, gzip: boolean): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const buf = Buffer.concat([header, Buffer.from(bytes)]);
  fs.writeFileSync(file, gzip ? zlib.gzipSync(buf) : buf);
}

describe('data', () => {
  it('batches, drops the last partial batch on request, collates tuples and objects', () => {
    torch.scope(() => {
      const dl = new data.DataLoader(new Squares(), { batchSize: 4 });
      expect(dl.length).toBe(3);
      const batches: [torch.Tensor, { i: torch.Tensor }][] = [...dl]; // typed from the dataset
      expect(batches.map(([x]) => x.toArray())).toEqual([[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]]);
      expect(batches[0][0].dtype).toBe('int64');
      expect(batches[2][1].i.toArray()).toEqual([8, 9]);
      expect([...new data.DataLoader(new Squares(), { batchSize: 4, dropLast: true })].length).toBe(2);
      const t = new data.TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([1, 2, 3]));
      const [xb, yb] = [...new data.DataLoader(t, { batchSize: 2 })][1];
      expect(xb.toArray()).toEqual([[4, 5]]);
      expect(yb.toArray()).toEqual([3]);
      t.dispose();
    });
  });

  it('batch types follow the samples (checked by the typecheck too); bigints and booleans collate to tensors', () => {
    torch.scope(() => {
      class Mixed extends data.Dataset<{ id: bigint; ok: boolean; name: string; xy: [number, number] }> {
        get length(): number {
          return 3;
        }
        getItem(i: number): { id: bigint; ok: boolean; name: string; xy: [number, number] } {
          return { id: (1n << 60n) + BigInt(i), ok: i % 2 === 0, name: `s${i}`, xy: [i, i + 0.5] };
        }
      }
      const [b]: { id: torch.Tensor; ok: torch.Tensor; name: string[]; xy: [torch.Tensor, torch.Tensor] }[] =
        [...new data.DataLoader(new Mixed(), { batchSize: 3 })];
      expect(b.id.dtype).toBe('int64');
      expect([...(b.id.toTypedArray() as BigInt64Array)]).toEqual([1n << 60n, (1n << 60n) + 1n, (1n << 60n) + 2n]);
      expect(b.ok.dtype).toBe('bool');
      expect(b.ok.toArray()).toEqual([true, false, true]);
      expect(b.name).toEqual(['s0', 's1', 's2']);
      expect([b.xy[0].dtype, b.xy[1].dtype]).toEqual(['int64', 'float64']);
      // A collateFn sets the batch type.
      const sums: number[] = [...new data.DataLoader(new Squares(), { batchSize: 5, collateFn: (s) => s.reduce((a, [sq]) => a + sq, 0) })];
      expect(sums).toEqual([30, 255]);
      expect(() => data.defaultCollate([undefined, undefined])).toThrow(/batch must contain tensors, numbers, bigints, booleans, strings, arrays or objects; found undefined/);
    });
  });

  it('async iteration prefetches the next batches while the body runs', async () => {
    const ds = new Slow();
    const dl = new data.DataLoader(ds, { batchSize: 2, prefetchFactor: 2 });
    const seen: number[][] = [];
    let startedAtFirst = 0;
    for await (const b of dl) {
      if (seen.length === 0) startedAtFirst = ds.started.length;
      seen.push((b as torch.Tensor).reshape(-1).toArray() as number[]);
      (b as torch.Tensor).dispose();
    }
    expect(seen).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(startedAtFirst).toBeGreaterThanOrEqual(4); // batch 2 was loading before batch 1 was used
    expect(() => [...dl]).toThrow(/iterate with for await/);
  });

  it('an IterableDataset streams into batches: sync and async, chained, with Python\'s errors', async () => {
    class Count extends data.IterableDataset<number> {
      constructor(readonly n: number) {
        super();
      }
      get length(): number {
        return this.n;
      }
      *[Symbol.iterator](): Iterator<number> {
        for (let i = 0; i < this.n; i++) yield i;
      }
    }
    class Remote extends data.IterableDataset<number> {
      pulled = 0;
      async *[Symbol.asyncIterator](): AsyncIterator<number> {
        for (let i = 100; i < 105; i++) {
          await new Promise((r) => setTimeout(r, 2));
          this.pulled++;
          yield i;
        }
      }
    }
    await torch.scope(async () => {
      const dl = new data.DataLoader(new Count(5), { batchSize: 2 });
      expect(dl.batchSampler).toBeNull();
      expect(dl.length).toBe(3);
      expect([...dl].map((b) => b.toArray())).toEqual([[0, 1], [2, 3], [4]]);
      const asyncBatches: number[][] = [];
      for await (const b of dl) asyncBatches.push(b.toArray() as number[]);
      expect(asyncBatches).toEqual([[0, 1], [2, 3], [4]]);
      expect(new data.DataLoader(new Count(5), { batchSize: 2, dropLast: true }).length).toBe(2);

      // Async-only streams: for await, read ahead in order; for..of and length say why not.
      const remote = new Remote();
      const rl = new data.DataLoader(remote, { batchSize: 2, prefetchFactor: 2 });
      const seen: number[][] = [];
      let pulledAtFirst = 0;
      for await (const b of rl) {
        if (seen.length === 0) {
          await new Promise((r) => setTimeout(r, 40)); // the body is busy: the next 2 batches are read meanwhile
          pulledAtFirst = remote.pulled;
        }
        seen.push(b.toArray() as number[]);
      }
      expect(seen).toEqual([[100, 101], [102, 103], [104]]);
      expect(pulledAtFirst).toBe(5);
      expect(() => [...rl]).toThrow(/iterate with for await/);
      expect(() => rl.length).toThrow(/Remote has no length/);

      // Chained streams, and the options a stream cannot take.
      const chain = new data.ChainDataset([new Count(3), new Count(2)]);
      expect(chain.length).toBe(5);
      expect([...new data.DataLoader(chain, { batchSize: 4 })].map((b) => b.toArray())).toEqual([[0, 1, 2, 0], [1]]);
      const mixed = new data.ChainDataset<number>([new Count(1), new Remote()]);
      const got: number[] = [];
      for await (const b of new data.DataLoader(mixed, { batchSize: 3 })) got.push(...(b.toArray() as number[]));
      expect(got).toEqual([0, 100, 101, 102, 103, 104]);
      expect(() => mixed.length).toThrow(/Remote has no length/);
      expect(() => [...new data.DataLoader(mixed)]).toThrow(/iterate with for await/);
      expect(() => new data.ChainDataset([new Squares() as never])).toThrow(/ChainDataset only supports IterableDataset/);
      expect(() => new data.DataLoader(new Count(3), { shuffle: true })).toThrow(/DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true/);
      expect(() => new data.DataLoader(new Count(3), { sampler: new data.SequentialSampler(3) })).toThrow(/expected unspecified sampler option/);
      expect(() => new data.DataLoader({} as never)).toThrow(/DataLoader takes a Dataset \(getItem and length\) or an IterableDataset/);
    });
  });

  it('a batch that fails while read ahead is the loop\'s error, never an unhandled rejection', async () => {
    class Flaky extends data.Dataset<number> {
      get length(): number {
        return 6;
      }
      async getItem(i: number): Promise<number> {
        await new Promise((r) => setTimeout(r, 1));
        if (i >= 1) throw new Error(`sample ${i} is unreadable`);
        return i;
      }
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const run = async (): Promise<void> => {
        for await (const b of new data.DataLoader(new Flaky(), { batchSize: 1, prefetchFactor: 4 })) (b as torch.Tensor).dispose();
      };
      await expect(run()).rejects.toThrow(/sample 1 is unreadable/);
      await new Promise((r) => setTimeout(r, 30)); // the batches read ahead fail meanwhile
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('ConcatDataset, and samplers that free what they draw', () => {
    const a = new data.TensorDataset(torch.arange(3));
    const b = new data.TensorDataset(torch.arange(10, 12));
    const cat = new data.ConcatDataset([a, b]);
    expect(cat.length).toBe(5);
    expect(cat.cumulativeSizes).toEqual([3, 5]);
    torch.scope(() => {
      expect([0, 2, 3, 4, -1, -5].map((i) => (cat.getItem(i) as torch.Tensor[])[0].item())).toEqual([0, 2, 10, 11, 11, 0]);
    });
    expect(() => cat.getItem(-6)).toThrow(/absolute value of index should not exceed dataset length/);
    expect(() => cat.getItem(5)).toThrow(torch.IndexError);
    expect(() => new data.ConcatDataset([])).toThrow(/datasets should not be an empty iterable/);
    expect(() => new data.ConcatDataset([new data.ChainDataset([]) as never])).toThrow(/ConcatDataset does not support IterableDataset/);
    a.dispose();
    b.dispose();

    const before = torch.memory().tensors;
    const w = torch.tensor([1, 0, 3]);
    const drawn = [...new data.WeightedRandomSampler(w, 50), ...new data.RandomSampler(4, { replacement: true, numSamples: 70 })];
    drawn.push(...new data.SubsetRandomSampler([7, 8]), ...new data.RandomSampler({ length: 3 }, { numSamples: 7 }));
    w.dispose();
    expect(torch.memory().tensors).toBe(before);
    expect(drawn.slice(0, 50).every((i) => i === 0 || i === 2)).toBe(true); // weight 0 never drawn
    expect(drawn.length).toBe(50 + 70 + 2 + 7);
    expect(new data.RandomSampler(4, { numSamples: 9 }).length).toBe(9);
    expect(() => new data.WeightedRandomSampler([1, 2], 0)).toThrow(/num_samples should be a positive integer value, but got num_samples=0/);
    expect(() => new data.WeightedRandomSampler(torch.ones(2, 2), 3)).toThrow(/weights should be a 1d sequence but given weights have shape \(2, 2\)/);
    expect(() => [...new data.WeightedRandomSampler([1, 2], 3, { replacement: false })]).toThrow(torch.TorchError); // more than there are
    expect(() => new data.RandomSampler(0)).toThrow(/num_samples should be a positive integer value/);
    expect(() => new data.RandomSampler(3, { numSamples: 1.5 })).toThrow(/num_samples=1.5/);
    expect(() => new data.BatchSampler(new data.SequentialSampler(3), 0, false)).toThrow(/batch_size should be a positive integer value/);
  });

  it('random splits and subsets', () => {
    const ds = new Squares();
    const [a, b] = data.randomSplit(ds, [7, 3], { generator: new torch.Generator().manualSeed(0) });
    expect(a.length + b.length).toBe(10);
    expect(new Set([...a.indices, ...b.indices]).size).toBe(10);
    expect((a.getItem(0) as [number, unknown])[0]).toBe(a.indices[0] ** 2);
    expect(() => data.randomSplit(ds, [5, 6])).toThrow(/Sum of input lengths does not equal/);
  });

  it('Fashion-MNIST from the Debian package, and batches of it', () => {
    const ds = new torch.datasets.FashionMNIST({ train: false });
    expect(ds.length).toBe(10000);
    expect(ds.data.dtype).toBe('uint8');
    torch.scope(() => {
      const [x, y] = ds.getItem(0);
      expect(x.shape).toEqual([1, 28, 28]);
      expect(x.max().item()).toBeLessThanOrEqual(1);
      expect(y).toBe(9); // the first test sample is an ankle boot
      const [bx, by] = [...new data.DataLoader(ds, { batchSize: 500 })][0] as torch.Tensor[];
      expect(bx.shape).toEqual([500, 1, 28, 28]);
      expect(bx.index(0).equal(x)).toBe(true);
      expect(by.dtype).toBe('int64');
    });
    ds.dispose();
  });

  it('MNIST-format files: gzipped or not; missing and corrupt files are clear errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-idx-'));
    writeIdx(path.join(dir, 't10k-images-idx3-ubyte'), [2, 2, 2], new Uint8Array([0, 255, 0, 255, 1, 2, 3, 4]), false);
    writeIdx(path.join(dir, 't10k-labels-idx1-ubyte.gz'), [2], new Uint8Array([3, 7]), true);
    const ds = new torch.datasets.MNIST({ root: dir, train: false });
    expect(ds.length).toBe(2);
    expect(ds.targets.toArray()).toEqual([3, 7]);
    ds.dispose();
    expect(() => new torch.datasets.MNIST({ root: dir, train: true })).toThrow(/train-images-idx3-ubyte\(.gz\) and train-labels-idx1-ubyte\(.gz\) not found in/);
    expect(() => new torch.datasets.FashionMNIST({ root: dir })).toThrow(/apt-get install dataset-fashion-mnist/);
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), Buffer.from([1, 2, 3, 4, 5]));
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 9, 1]));
    expect(() => new torch.datasets.MNIST({ root: dir })).toThrow(/not an IDX file/);
    writeIdx(path.join(dir, 'train-images-idx3-ubyte'), [4, 2, 2], new Uint8Array(3), false);
    expect(() => new torch.datasets.MNIST({ root: dir })).toThrow(/truncated/);
    fs.rmSync(dir, { recursive: true });
  });

  it('frees the samples once they are collated, as Python frees them; a dataset keeps what it caches with torch.keep', async () => {
    class Cached extends data.Dataset<Tensor> {
      cache = new Map<number, Tensor>();
      get length(): number {
        return 6;
      }
      getItem(i: number): Tensor {
        let t = this.cache.get(i);
        if (t === undefined) {
          t = torch.keep(torch.full([2], i));
          this.cache.set(i, t);
        }
        return t.mul(2);
      }
    }
    const ds = new Cached();
    const before = torch.memory().tensors;
    for (const b of new data.DataLoader(ds, { batchSize: 4 })) b.dispose();
    // Only the cache is left: no sample waits for the GC. (At most: the GC may meanwhile
    // finalize tensors that earlier tests left to it.)
    expect(torch.memory().tensors).toBeLessThanOrEqual(before + 6);
    for await (const b of new data.DataLoader(ds, { batchSize: 4 })) b.dispose();
    expect(torch.memory().tensors).toBeLessThanOrEqual(before + 6);
    const again = [...new data.DataLoader(ds, { batchSize: 6 })];
    expect(again[0].toArray()).toEqual([[0, 0], [2, 2], [4, 4], [6, 6], [8, 8], [10, 10]]);
    again[0].dispose();
    for (const t of ds.cache.values()) t.dispose();
    expect(torch.memory().tensors).toBeLessThanOrEqual(before);
  });

  it('bad options', () => {
    expect(() => new data.DataLoader(new Squares(), { batchSize: 0 })).toThrow(/batch_size should be a positive integer/);
    expect(() => new data.DataLoader(new Squares(), { shuffle: true, sampler: new data.SequentialSampler(10) })).toThrow(/mutually exclusive/);
    expect(() => new data.TensorDataset(torch.ones(2), torch.ones(3))).toThrow(/Size mismatch between tensors/);
  });
});
