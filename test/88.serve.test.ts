// torchnode/serve: dynamic batching with backpressure, timeouts, aborts, draining close, metrics.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
import { InferenceServer, QueueFullError, ServerClosedError, TimeoutError } from '../src-ts/serve';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

let dir: string;
let mlp: string;
let resnet: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-serve-'));
  execFileSync(findPython(), [path.join(__dirname, 'fixtures', 'make_jit.py'), dir, '--resnet']);
  mlp = path.join(dir, 'scripted.pt');
  resnet = path.join(dir, 'resnet18.pt');
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true }));

const batchesIn = (metrics: string): number => Number(/torchnode_batch_size_count (\d+)/.exec(metrics)![1]);

describe('InferenceServer', () => {
  it('batches concurrent requests and answers each with its own row', async () => {
    const server = new InferenceServer(mlp, { maxBatchSize: 8, maxDelayMs: 20 });
    await server.ready;
    const model = torch.jit.load(mlp);
    const inputs = Array.from({ length: 20 }, (_, i) => torch.full([4], i / 10, { dtype: 'float32' }));
    const outs = await Promise.all(inputs.map((x) => server.predict(x)));
    outs.forEach((y, i) => {
      const ref = (model.forward(inputs[i].unsqueeze(0)) as torch.Tensor).index(0);
      expect(y.shape).toEqual([3]);
      expect(y.allclose(ref, { atol: 1e-6 })).toBe(true);
    });
    const m = await server.metrics();
    expect(batchesIn(m)).toBeLessThanOrEqual(4); // 20 requests in batches of up to 8
    expect(m).toMatch(/torchnode_requests_total 20/);
    expect(m).toMatch(/torchnode_request_duration_seconds_count 20/);
    expect(m).toMatch(/torchnode_queue_depth 0/);
    expect(server.metricsContentType).toMatch(/text\/plain/);
    await server.close();
    for (const t of [...inputs, ...outs]) t.dispose();
    model.dispose();
  });

  it('backpressure: beyond maxQueue, predict rejects at once with QueueFullError', async () => {
    const server = new InferenceServer(mlp, { maxBatchSize: 64, maxDelayMs: 50, maxQueue: 3 });
    await server.ready;
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => server.predict(torch.zeros(4))));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBe(3);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(QueueFullError);
    expect(await server.metrics()).toMatch(/torchnode_errors_total\{kind="queue_full"\} 3/);
    await server.close();
  });

  it('timeouts, aborts, bad inputs and model errors reject only their own requests', async () => {
    const server = new InferenceServer(resnet, { maxBatchSize: 4, maxDelayMs: 1, timeoutMs: 5, inputShape: [3, 128, 128] });
    await server.ready;
    const x = torch.randn(3, 128, 128);
    // A batch of 4 resnet18 calls on 128x128 takes well over 5 ms on any CPU.
    const slow = await Promise.allSettled(Array.from({ length: 4 }, () => server.predict(x)));
    expect(slow.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
    await expect(server.predict(torch.randn(3, 64, 64))).rejects.toThrow(/expected an input of shape \[3, 128, 128\], got \[3, 64, 64\]/);
    await expect(server.predict('x' as never)).rejects.toThrow(torch.TypeError);
    const pre = new AbortController();
    pre.abort();
    await expect(server.predict(x, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await server.close();

    const patient = new InferenceServer(resnet, { maxBatchSize: 2, maxDelayMs: 1, timeoutMs: 0 });
    await patient.ready;
    const c = new AbortController();
    const aborted = patient.predict(x, { signal: c.signal });
    const kept = patient.predict(x);
    c.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect((await kept).shape).toEqual([1000]);
    // the model fails on this input: the whole batch gets the model's error, the server carries on
    await expect(patient.predict(torch.randn(5))).rejects.toThrow(torch.TorchError);
    expect((await patient.predict(x)).shape).toEqual([1000]);
    const m = await patient.metrics();
    expect(m).toMatch(/torchnode_errors_total\{kind="aborted"\} 1/);
    expect(m).toMatch(/torchnode_errors_total\{kind="model"\} 1/);
    await patient.close();
    x.dispose();
  });

  it('close() drains queued and running requests, then refuses new ones', async () => {
    const server = new InferenceServer(resnet, { maxBatchSize: 2, maxDelayMs: 1 });
    await server.ready;
    const x = torch.randn(3, 64, 64);
    const pending = Array.from({ length: 6 }, () => server.predict(x));
    const closed = server.close();
    await expect(server.predict(x)).rejects.toBeInstanceOf(ServerClosedError);
    const outs = await Promise.all(pending);
    await closed;
    expect(outs.every((y) => y.shape.join() === '1000')).toBe(true);
    expect(server.stats).toEqual({ queued: 0, inFlight: 0 });
    for (const y of outs) y.dispose();
    x.dispose();
  });

  it('leaves no tensors behind, and takes a module it does not own', async () => {
    const model = torch.jit.load(mlp);
    const before = torch.memory().tensors;
    const server = new InferenceServer(model, { maxBatchSize: 4 });
    const xs = Array.from({ length: 10 }, () => torch.ones(4));
    const outs = await Promise.all(xs.map((x) => server.predict(x)));
    for (const t of [...xs, ...outs]) t.dispose();
    await server.close();
    // Taken across awaits, where the GC may free other tests' tensors: the count can only go down
    // that way, so "no more than before" catches a leak.
    expect(torch.memory().tensors).toBeLessThanOrEqual(before);
    expect((model.forward(torch.ones(1, 4)) as torch.Tensor).shape).toEqual([1, 3]); // still usable
    model.dispose();
    expect(() => new InferenceServer(42 as never)).toThrow(torch.TypeError);
    expect(() => new InferenceServer(model, { maxBatchSize: 0 })).toThrow(/maxBatchSize must be an integer >= 1/);
    const missing = new InferenceServer(path.join(dir, 'missing.pt'));
    await expect(missing.predict(torch.ones(4))).rejects.toThrow(/no such file/);
  });
});
