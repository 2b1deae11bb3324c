// Off the main thread: tensors shared between worker_threads without a copy, TorchScript in many
// workers (one terminated mid-inference), AbortSignal on async calls, async copies to JS.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../src-ts';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

const dist = path.join(__dirname, '..', 'dist');
let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let expected: any;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-threads-'));
  execFileSync(findPython(), [path.join(__dirname, 'fixtures', 'make_jit.py'), dir, '--resnet']);
  expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true }));

function runWorker<T>(code: string, data?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: data });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('tensors between threads', () => {
  it('share / fromShared: the same memory, no copy, each descriptor once', () => {
    const before = torch.sharedCount();
    const t = torch.arange(6, { dtype: 'float32' });
    const d = torch.share(t);
    expect(d).toEqual({ torchnodeShared: expect.any(Number), dtype: 'float32', shape: [6] });
    expect(torch.sharedCount()).toBe(before + 1);
    const u = torch.fromShared(structuredClone(d)); // as it arrives through postMessage
    u.index(0).fill_(42);
    expect(t.index(0).item()).toBe(42);
    expect(() => torch.fromShared(d)).toThrow(/already claimed or released/);
    const e = torch.share(torch.ones(1));
    torch.releaseShared(e);
    expect(() => torch.releaseShared(e)).toThrow(/already claimed or released/);
    expect(() => torch.fromShared({ nope: 1 } as never)).toThrow(torch.TypeError);
    expect(torch.sharedCount()).toBe(before);
    const g = torch.ones(2, { requiresGrad: true });
    const moved = torch.fromShared(torch.share(g.mul(2)));
    expect(moved.requiresGrad).toBe(false);
  });

  it('a worker makes a tensor, the main thread receives it without a copy', async () => {
    const d = await runWorker<torch.SharedTensor>(`
      const { parentPort } = require('worker_threads');
      const torch = require(${JSON.stringify(dist)});
      const t = torch.arange(1000000, { dtype: 'float64' }).mul(2);
      parentPort.postMessage(torch.share(t));`);
    const t = torch.fromShared(d);
    expect(t.shape).toEqual([1000000]);
    expect(t.index(999999).item()).toBe(1999998);
    t.dispose();
  });
});

describe('TorchScript in worker threads', () => {
  it('4 workers load and run a model at once; terminating one mid-inference harms nobody', async () => {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const torch = require(${JSON.stringify(dist)});
      const m = torch.jit.load(workerData.file);
      const x = torch.tensor(workerData.input.data, { dtype: 'float32' }).reshape(workerData.input.shape);
      const y = m.forward(x);
      parentPort.postMessage(y.reshape(-1).toArray());`;
    const outs = await Promise.all([1, 2, 3, 4].map(() => runWorker<number[]>(code, { file: path.join(dir, 'scripted.pt'), input: expected.mlp.input })));
    for (const out of outs) out.forEach((v, i) => expect(Math.abs(v - expected.mlp.output.data[i])).toBeLessThan(1e-5));

    const busy = new Worker(
      `const { parentPort, workerData } = require('worker_threads');
       const torch = require(${JSON.stringify(dist)});
       const m = torch.jit.load(workerData);
       m.eval();
       const x = torch.randn(8, 3, 128, 128);
       parentPort.postMessage('running');
       for (;;) torch.scope(() => { m.forward(x); m.forwardAsync(x).catch(() => {}); });`,
      { eval: true, workerData: path.join(dir, 'resnet18.pt') },
    );
    await new Promise((r) => busy.once('message', r));
    await new Promise((r) => setTimeout(r, 200)); // inside a forward by now
    await busy.terminate();
    const m = torch.jit.load(path.join(dir, 'scripted.pt'));
    const y = m.forward(torch.tensor(expected.mlp.input.data, { dtype: 'float32' }).reshape(expected.mlp.input.shape)) as torch.Tensor;
    expect(Math.abs((y.reshape(-1).toArray() as number[])[0] - expected.mlp.output.data[0])).toBeLessThan(1e-5);
  });
});

describe('AbortSignal and async copies', () => {
  it('an aborted call rejects with the signal\'s reason; queued calls are dropped', async () => {
    const m = await torch.jit.loadAsync(path.join(dir, 'resnet18.pt'));
    m.eval();
    const x = torch.randn(2, 3, 96, 96);
    const before = new AbortController();
    before.abort();
    await expect(m.runAsync('forward', [x], { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // Fill libuv's pool, then abort one that waits in the queue.
    using _ = torch.noGradGuard();
    const busy = Array.from({ length: 4 }, () => m.forwardAsync(x));
    const c = new AbortController();
    const queued = m.runAsync('forward', [x], { signal: c.signal });
    const started = Date.now();
    c.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(500); // it did not wait for the busy calls
    const done = (await Promise.all(busy)) as torch.Tensor[];
    expect(done.every((t) => t.shape.join() === '2,1000')).toBe(true);
    const ok = (await m.runAsync('forward', [x], { signal: new AbortController().signal })) as torch.Tensor;
    expect(ok.shape).toEqual([2, 1000]);
    m.dispose();
  });

  it('await t.data(): a copy made off the main thread, safe if the tensor is disposed meanwhile', async () => {
    const t = torch.arange(1 << 20, { dtype: 'float32' });
    const p = t.data();
    t.dispose();
    const a = (await p) as Float32Array;
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1 << 20);
    expect(a[12345]).toBe(12345);
    expect(Array.from((await torch.tensor([1.5, 2], { dtype: 'float16' }).data()) as Float32Array)).toEqual([1.5, 2]);
    const gone = torch.ones(1);
    gone.dispose();
    await expect(async () => gone.data()).rejects.toThrow(/disposed/);
  });
});

describe('torch.runAsync', () => {
  it('runs a sequence of ops on a worker thread; tensors cross without a copy; results come back', async () => {
    const x = torch.randn(64, 32);
    const w = torch.randn(32, 16);
    const y = (await torch.runAsync((t: typeof torch, a: torch.Tensor, b: torch.Tensor) => a.matmul(b).relu().sum(1), x, w)) as torch.Tensor;
    expect(y.allclose(x.matmul(w).relu().sum(1))).toBe(true);
    const o = (await torch.runAsync(async (t: typeof torch, a: torch.Tensor, n: number) => ({ scaled: a.mul(n), parts: [a.add(1)], n: n + 1 }), torch.ones(2), 3)) as {
      scaled: torch.Tensor;
      parts: torch.Tensor[];
      n: number;
    };
    expect(o.scaled.toArray()).toEqual([3, 3]);
    expect(o.parts[0].toArray()).toEqual([2, 2]);
    expect(o.n).toBe(4);
  });

  it('calls run in order: a later call sees what an earlier one wrote', async () => {
    const buf = torch.zeros(4);
    const first = torch.runAsync((t: typeof torch, b: torch.Tensor) => {
      for (let i = 0; i < 200; i++) t.scope(() => t.randn(64, 64).matmul(t.randn(64, 64)));
      b.fill_(7);
    }, buf);
    const second = torch.runAsync((t: typeof torch, b: torch.Tensor) => b.sum().item(), buf);
    await first;
    expect(await second).toBe(28);
  });

  it('keeps the event loop free, and reports errors by name and message', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    await torch.runAsync((t: typeof torch) => {
      for (let i = 0; i < 300; i++) t.scope(() => t.randn(128, 128).matmul(t.randn(128, 128)));
    });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(Math.min(5, (Date.now() - started) / 20));
    await expect(torch.runAsync(() => {
      throw new RangeError('bad range');
    })).rejects.toMatchObject({ name: 'RangeError', message: 'bad range' });
    // fn travels as source: variables from around it are not there
    const outer = 1;
    await expect(torch.runAsync(() => outer)).rejects.toMatchObject({ name: 'ReferenceError' });
    await expect(torch.runAsync('nope' as never)).rejects.toThrow(torch.TypeError);
    await expect(torch.runAsync((t: typeof torch, f: unknown) => f, () => 1)).rejects.toThrow(/could not be cloned/);
    expect(torch.sharedCount()).toBe(0);
    expect(() => torch.setRunAsyncWorkers(0)).toThrow(/n must be an integer >= 1/);
  });
});
