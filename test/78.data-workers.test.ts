// DataLoader worker threads (numWorkers): batches, sharing, errors, early stops, generators, bad
// calls. Values against Python: 10.reference's data_workers_* cases.
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import * as torch from '../src-ts';
import type { Tensor } from '../src-ts';
import { reference, workerDataset } from './helpers';
const { data } = torch.utils;

const FIXTURE = path.join(__dirname, 'fixtures', 'worker_datasets.js');
const ROOT = path.join(__dirname, '..');

function values(batches: unknown[]): unknown[] {
  return batches.map((b) => (Array.isArray(b) ? b.map((t) => (t as Tensor).toArray()) : (b as Tensor).toArray()));
}

async function collect<B>(it: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of it) out.push(b);
  return out;
}

function disposeAll(v: unknown): void {
  if (v instanceof torch.Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeAll);
  else if (v !== null && typeof v === 'object') Object.values(v).forEach(disposeAll);
}

describe('DataLoader workers', () => {
  afterEach(() => {
    // Nothing shared by a worker is left unclaimed, whatever the test did.
    expect(torch.sharedCount()).toBe(0);
  });

  it('give the batches of the same loader without workers, in sampler order, sync and async; nothing leaks', async () => {
    const ds = new data.TensorDataset(torch.arange(40).reshape(20, 2), torch.arange(20));
    const before = torch.memory().tensors;
    const make = (numWorkers: number): InstanceType<typeof data.DataLoader<Tensor[]>> =>
      new data.DataLoader<Tensor[]>(ds, { batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(4), numWorkers, prefetchFactor: 1 });
    const plain = [...make(0)];
    const sync = [...make(2)];
    const viaAsync = await collect(make(3));
    expect(values(sync)).toEqual(values(plain));
    expect(values(viaAsync)).toEqual(values(plain));
    expect(sync.length).toBe(7);
    [plain, sync, viaAsync].forEach(disposeAll);
    // At most what there was: the GC may meanwhile finalize tensors earlier suites left to it.
    expect(torch.memory().tensors).toBeLessThanOrEqual(before);
    ds.dispose();
  });

  it("share the dataset's tensors with the main thread, run on one intra-op thread each, and leave the main thread's count", () => {
    const t = torch.arange(12, { dtype: 'float32' }).reshape(6, 2);
    const threads = torch.getNumThreads();
    const ds = workerDataset<{ row: Tensor; threads: number; tag: string }>(data, 'Rows', 6, t, { mark: true, tag: 'from main' });
    torch.scope(() => {
      const batches = [...new data.DataLoader(ds, { batchSize: 4, numWorkers: 2 })];
      expect(batches.map((b) => b.tag)).toEqual([['from main', 'from main', 'from main', 'from main'], ['from main', 'from main']]);
      expect(batches.flatMap((b) => b.threads.toArray() as number[])).toEqual([1, 1, 1, 1, 1, 1]);
      // The workers negated each row they read, in the main thread's tensor: shared, not copied.
      expect(t.toArray()).toEqual([[-0, -1], [-2, -3], [-4, -5], [-6, -7], [-8, -9], [-10, -11]]);
      expect(torch.cat(batches.map((b) => b.row)).toArray()).toEqual(t.toArray());
    });
    expect(torch.getNumThreads()).toBe(threads);
    t.dispose();
  });

  it('work with the built-in datasets: Subset, ConcatDataset, ChainDataset and Fashion-MNIST', async () => {
    const base = new data.TensorDataset(torch.arange(10).mul(10));
    const sets = [new data.Subset(base, [9, 3, 5, 1]), new data.ConcatDataset([base, new data.Subset(base, [0, 1])])];
    for (const ds of sets) {
      const plain = [...new data.DataLoader(ds, { batchSize: 3 })];
      const workers = [...new data.DataLoader(ds, { batchSize: 3, numWorkers: 2 })];
      expect(values(workers)).toEqual(values(plain));
      disposeAll([plain, workers]);
    }
    base.dispose();

    // Each worker streams its share of each part (Sharded reads getWorkerInfo()).
    const chain = new data.ChainDataset([workerDataset<Tensor>(data, 'Sharded', null, 3), workerDataset<Tensor>(data, 'Sharded', null, 4)]);
    const streamed = await collect(new data.DataLoader<Tensor>(chain, { batchSize: 2, numWorkers: 2 }));
    const got = (torch.cat(streamed).reshape(-1).floor().toArray() as number[]).sort();
    expect(got).toEqual([0, 0, 1, 1, 2, 2, 3]);
    disposeAll(streamed);

    const fashion = new torch.datasets.FashionMNIST({ train: false });
    torch.scope(() => {
      const idx = [0, 9999, 17, 4242];
      const plain = [...new data.DataLoader(new data.Subset(fashion, idx), { batchSize: 2 })];
      const workers = [...new data.DataLoader(new data.Subset(fashion, idx), { batchSize: 2, numWorkers: 2 })];
      expect(workers.map(([, y]) => y.toArray())).toEqual(plain.map(([, y]) => y.toArray()));
      workers.forEach(([x], i) => expect(x.equal(plain[i][0])).toBe(true));
    });
    fashion.dispose();
    const transformed = new torch.datasets.FashionMNIST({ train: false, transform: (x) => x.float() });
    expect(() => new data.DataLoader(transformed, { numWorkers: 1 })).toThrow(/FashionMNIST with a transform cannot be sent to DataLoader workers \(a function cannot cross threads\).*fromModule/);
    transformed.dispose();
  });

  it("run a sync dataset's promises in the worker, and a custom collateFn on the main thread", () => {
    const calls: number[] = [];
    const batches = [
      ...new data.DataLoader<Tensor, number[]>(workerDataset(data, 'Slow', 6, 1), {
        batchSize: 4,
        numWorkers: 2,
        collateFn: (samples) => {
          calls.push(samples.length);
          const out = samples.map((s) => s.item() as number);
          samples.forEach((s) => s.dispose());
          return out;
        },
      }),
    ];
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(calls).toEqual([4, 2]);
  });

  it("raise a worker's error on the main thread with its class, the worker and the original stack", async () => {
    const make = (): InstanceType<typeof data.DataLoader<Tensor>> => new data.DataLoader<Tensor>(workerDataset(data, 'Faulty', 8, 'throw', 5), { batchSize: 2, numWorkers: 2 });
    const seen: Tensor[] = [];
    const run = (): void => {
      for (const b of make()) seen.push(b);
    };
    expect(run).toThrow(torch.ValueError);
    expect(run).toThrow(/^Caught ValueError in DataLoader worker 0\.\nOriginal ValueError: sample 5 is corrupt\n\s+at Faulty.getItem .*worker_datasets\.js/);
    expect(seen.length).toBe(4); // batches 0 and 1, twice: the third (indices 4 and 5) failed
    await expect(collect(make())).rejects.toThrow(/Caught ValueError in DataLoader worker 0\.\nOriginal ValueError: sample 5 is corrupt/);
    disposeAll(seen);
  });

  it('turn a worker that exits, a batch that cannot be sent and a timeout into errors, never a hang', async () => {
    const exits = (): InstanceType<typeof data.DataLoader<Tensor>> => new data.DataLoader<Tensor>(workerDataset(data, 'Faulty', 8, 'exit', 3), { batchSize: 2, numWorkers: 2 });
    expect(() => disposeAll([...exits()])).toThrow(/DataLoader worker 1 exited unexpectedly/);
    await expect(collect(exits())).rejects.toThrow(/DataLoader worker 1 exited unexpectedly/);

    const unsendable = new data.DataLoader(workerDataset(data, 'Faulty', 8, 'function', 2), { batchSize: 2, numWorkers: 1, collateFn: (s: unknown[]) => s });
    expect(() => disposeAll([...unsendable])).toThrow(/Caught DataCloneError in DataLoader worker 0\.\nOriginal .*a batch could not be sent to the main thread/s);

    const slow = (): InstanceType<typeof data.DataLoader<Tensor>> => new data.DataLoader<Tensor>(workerDataset(data, 'Slow', 6, 400), { batchSize: 2, numWorkers: 1, timeout: 0.05 });
    expect(() => disposeAll([...slow()])).toThrow(/^DataLoader timed out after 0.05 seconds$/);
    await expect(collect(slow())).rejects.toThrow(/^DataLoader timed out after 0.05 seconds$/);
  });

  it('free what is in flight when the loop stops early, sync or async', async () => {
    const before = torch.memory().tensors;
    const loader = new data.DataLoader<[Tensor, number]>(workerDataset(data, 'Noisy', 100, 100), { batchSize: 2, numWorkers: 2, prefetchFactor: 3 });
    for (const [x, w] of loader) {
      x.dispose();
      w.dispose();
      break;
    }
    for await (const [x, w] of loader) {
      x.dispose();
      w.dispose();
      break;
    }
    expect(torch.memory().tensors).toBeLessThanOrEqual(before); // (the GC may finalize others' meanwhile)
  });

  it('persistent workers serve one pass at a time', () => {
    const loader = new data.DataLoader<[Tensor, number]>(workerDataset(data, 'Noisy', 8, 8), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    const outer = loader[Symbol.iterator]();
    disposeAll(outer.next().value);
    expect(() => loader[Symbol.iterator]().next()).toThrow(/persistent workers and a pass over it is still running/);
    outer.return!(undefined); // break out: the next pass may start
    disposeAll([...loader]);
    loader.dispose();
  });

  it('keep the event loop running while for await waits for them', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const batches = await collect(new data.DataLoader<Tensor>(workerDataset(data, 'Slow', 6, 60), { batchSize: 2, numWorkers: 1 }));
    clearInterval(timer);
    expect(batches.length).toBe(3); // 6 samples of 60 ms: over a third of a second
    expect(ticks).toBeGreaterThan(20);
    disposeAll(batches);
  });

  it("give each worker its own generator: the main thread's stream is neither drawn from nor reseeded", () => {
    const after = (fn: () => void): number[] => {
      torch.manualSeed(21);
      fn();
      return torch.rand(3).toArray() as number[];
    };
    // The loader draws one base seed from the main generator (as Python's); nothing else does.
    const expected = after(() => torch.empty([], { dtype: 'int64' }).random_().dispose());
    const load = (workerInitFn?: (id: number) => unknown) => () =>
      disposeAll([...new data.DataLoader(workerDataset(data, 'Draws', 4), { batchSize: 1, numWorkers: 2, workerInitFn })]);
    expect(after(load())).toEqual(expected);
    expect(after(load((id: number) => torch.manualSeed(id)))).toEqual(expected);
    expect(data.getWorkerInfo()).toBeNull();
  });

  it("pin batches only where CUDA is available, as Python's", () => {
    const ds = new data.TensorDataset(torch.arange(4));
    const [b] = [...new data.DataLoader(ds, { batchSize: 4, numWorkers: 1, pinMemory: true })];
    expect(b[0].toArray()).toEqual([0, 1, 2, 3]);
    if (torch.cuda.isAvailable()) expect(b[0].isPinned()).toBe(true);
    disposeAll(b);
    ds.dispose();
  });

  it('refuse bad options and datasets they cannot make, with clear errors', () => {
    const ds = new data.TensorDataset(torch.arange(4));
    expect(() => new data.DataLoader(ds, { numWorkers: -1 })).toThrow(/num_workers option should be non-negative; use num_workers=0 to disable multiprocessing/);
    expect(() => new data.DataLoader(ds, { numWorkers: 1.5 })).toThrow(/num_workers option should be non-negative/);
    expect(() => new data.DataLoader(ds, { timeout: -1 })).toThrow(/timeout option should be non-negative/);
    expect(() => new data.DataLoader(ds, { persistentWorkers: true })).toThrow(/persistent_workers option needs num_workers > 0/);
    const bad = { init() {} };
    expect(() => new data.DataLoader(ds, { numWorkers: 1, workerInitFn: bad.init })).toThrow(/workerInitFn must be a function expression or an arrow function/);
    expect(() => new data.DataLoader(ds, { numWorkers: 1, workerInitFn: 3 as never })).toThrow(torch.TypeError);
    ds.dispose();

    class Local extends data.Dataset<number> {
      get length(): number {
        return 3;
      }
      getItem(i: number): number {
        return i;
      }
    }
    expect(() => new data.DataLoader(new Local(), { numWorkers: 2 })).toThrow(/numWorkers > 0 needs a dataset that can be made again in a worker thread, and the dataset \(Local\) has no workerSource\(\)\. Make it with torch\.utils\.data\.fromModule/);
    expect(() => new data.DataLoader(new data.Subset(new Local(), [0]), { numWorkers: 2 })).toThrow(/a dataset inside Subset \(Local\) has no workerSource/);
    const withSource = (src: unknown): Local => Object.assign(new Local(), { workerSource: () => src });
    expect(() => new data.DataLoader(withSource({ module: 'rel/ds.js', exportName: 'X' }), { numWorkers: 1 })).toThrow(/module must be an absolute path or a file: URL, got 'rel\/ds\.js'/);
    expect(() => new data.DataLoader(withSource({ module: FIXTURE }), { numWorkers: 1 })).toThrow(/must return \{ module: string, exportName: string, args\?: unknown\[\] \}/);
    expect(() => new data.DataLoader(withSource({ module: FIXTURE, exportName: 'Noisy', args: [() => 1] }), { numWorkers: 1 })).toThrow(/a function cannot be sent to a worker thread/);

    // What only the worker can find out comes back as the first batch's error.
    const missing = new data.DataLoader(withSource({ module: path.join(ROOT, 'no-such-module.js'), exportName: 'X' }), { numWorkers: 1 });
    expect(() => [...missing]).toThrow(/Caught Error in DataLoader worker 0\.\nOriginal Error: Cannot find module .*no-such-module\.js/);
    const noExport = new data.DataLoader(withSource({ module: FIXTURE, exportName: 'Nope' }), { numWorkers: 1 });
    expect(() => [...noExport]).toThrow(/Caught TypeError in DataLoader worker 0\.\nOriginal TypeError: .*worker_datasets\.js has no exported class 'Nope'/);
    expect(() => data.fromModule('relative.js', 'X')).toThrow(/file must be an absolute path or a file: URL/);
  });

  it('fromModule and an ES module with workerSource, as a user script runs them (Python\'s values)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-workers-'));
    const esm = path.join(dir, 'noisy.mjs');
    // An ES module dataset names itself with import.meta.url; `torchnode` resolves to this package.
    fs.writeFileSync(
      esm,
      `import torch from ${JSON.stringify(path.join(ROOT, 'dist', 'index.mjs'))};
export class Noisy extends torch.utils.data.Dataset {
  constructor(n) { super(); this.n = n; }
  get length() { return this.n; }
  getItem(i) { const info = torch.utils.data.getWorkerInfo(); return [torch.rand(2).add(i), info ? info.id : -1]; }
  workerSource() { return { module: import.meta.url, exportName: 'Noisy', args: [this.n] }; }
}
`,
    );
    const script = (make: string): string => `
      const torch = require(${JSON.stringify(path.join(ROOT, 'dist'))});
      (async () => {
        const ds = ${make};
        const dl = new torch.utils.data.DataLoader(ds, { batchSize: 2, shuffle: true, numWorkers: 3, generator: new torch.Generator().manualSeed(0) });
        const parts = [...dl].map(([x, w]) => torch.cat([x.reshape(-1), w.float()]));
        console.log(JSON.stringify(torch.cat(parts).double().toArray()));
      })();`;
    const run = (make: string): number[] => JSON.parse(execFileSync(process.execPath, ['-e', script(make)], { encoding: 'utf8' })) as number[];
    const expected = reference.cases.data_workers_map.values;
    expect(run(`torch.utils.data.fromModule(${JSON.stringify(FIXTURE)}, 'Noisy', 11)`)).toEqual(expected);
    expect(run(`new (await import(${JSON.stringify(esm)})).Noisy(11)`)).toEqual(expected);
    fs.rmSync(dir, { recursive: true });
  });
});
