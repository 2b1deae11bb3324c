// torch.utils.data and datasets behaviour (orders against Python: 10.reference data_* cases).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from '../src-ts';
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

  it('bad options', () => {
    expect(() => new data.DataLoader(new Squares(), { batchSize: 0 })).toThrow(/batch_size should be a positive integer/);
    expect(() => new data.DataLoader(new Squares(), { shuffle: true, sampler: new data.SequentialSampler(10) })).toThrow(/mutually exclusive/);
    expect(() => new data.TensorDataset(torch.ones(2), torch.ones(3))).toThrow(/Size mismatch between tensors/);
  });
});
