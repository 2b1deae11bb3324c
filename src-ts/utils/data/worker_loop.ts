/**
 * The body of a DataLoader worker thread (started by worker_pool.ts from the built dist/). It
 * makes its own copy of the dataset, gets its own default generator seeded with the loader's base
 * seed + its id, takes one
 * intra-op thread (as Python's worker processes do, so workers and the training loop do not
 * oversubscribe the cores), then loads the batches it is sent, one at a time, in order.
 *
 * Replies go to the port of the current epoch; after each one the worker bumps its counter in the
 * shared flags, which is what a synchronous `for..of` on the main thread waits on.
 */
import { parentPort, workerData, type MessagePort } from 'worker_threads';
import { fileURLToPath, pathToFileURL } from 'url';
import * as torch from '../../index';
import { binding } from '../../binding';
import { useThreadGenerator } from '../../generator';
import { packShared, releasePacked, unpackShared, type SharedTensor } from '../../shared';
import { asyncSamples, type Dataset, type IterableDataset, type BatchDataset } from './dataset';
import { defaultCollate } from './collate';
import { exportOf, type PackedSource } from './worker_source';
import { setWorkerInfo } from './worker_info';
import { COUNTER, EXITED, CANCEL, SLOTS, type Reply, type Task, type WorkerConfig } from './worker_protocol';

const config = workerData as WorkerConfig;
const flags = new Int32Array(config.flags);
const base = config.id * SLOTS;

function signal(): void {
  Atomics.add(flags, base + COUNTER, 1);
  Atomics.notify(flags, base + COUNTER);
}

// A worker that ends for any reason (an error thrown from a stray callback, process.exit in user
// code) says so, so a main thread blocked in a synchronous wait does not wait forever.
process.on('exit', () => {
  Atomics.store(flags, base + EXITED, 1);
  signal();
});

// The module is required first (CommonJS, and TypeScript under a require hook the worker inherits
// from the main thread's execArgv), imported when it is an ES module.
async function load(module: string): Promise<unknown> {
  const file = module.startsWith('file:') ? fileURLToPath(module) : module;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw e;
    // tsc would turn a literal import() into require() in this CommonJS build.
    const dynamicImport = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;
    return dynamicImport(pathToFileURL(file).href);
  }
}

async function build(src: PackedSource): Promise<unknown> {
  const unpack = async (v: unknown): Promise<unknown> => {
    if (v !== null && typeof v === 'object' && '__torchnodeDataset' in v) return build((v as { __torchnodeDataset: PackedSource }).__torchnodeDataset);
    if (Array.isArray(v)) return Promise.all(v.map(unpack));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !('__torchnodeTensor' in v)) {
      return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await unpack(x)])));
    }
    return unpackShared(v);
  };
  const args = (await unpack(src.args)) as unknown[];
  const Cls = exportOf(await load(src.module), src.exportName, src.module);
  return new Cls(...args);
}

let dataset: unknown;
const ready: Promise<void> = (async () => {
  binding.setThreadNumThreads(1);
  // Its own generator, seeded as Python seeds a worker process; the main thread's stream is
  // neither drawn from nor reseeded.
  useThreadGenerator(config.seed);
  dataset = await build(config.source);
  setWorkerInfo({ id: config.id, numWorkers: config.numWorkers, seed: config.seed, dataset });
  if (config.initFn !== null) {
    // Sent as source text: it sees `torch` and `require`, not the variables around it.
    const fn = new Function('torch', 'require', `return (${config.initFn})`)(torch, require) as (id: number) => unknown;
    await fn(config.id);
  }
})();
// A failed start is each fetch's error (they await `ready`), not an unhandled rejection that
// would end the worker before it could say why.
ready.catch(() => undefined);

let port: MessagePort | null = null;
let samples: AsyncIterator<unknown> | null = null;
let exhausted = false;

async function loadBatch(indices: number[] | null): Promise<{ value: unknown; raw: boolean } | null> {
  const raw = !config.defaultCollate;
  if (indices === null) {
    const batch: unknown[] = [];
    while (!exhausted && batch.length < config.batchSize) {
      const r = await samples!.next();
      if (r.done) exhausted = true;
      else batch.push(r.value);
    }
    if (batch.length === 0 || (batch.length < config.batchSize && config.dropLast)) return null;
    return { value: raw ? batch : defaultCollate(batch), raw };
  }
  const ds = dataset as Dataset & Partial<BatchDataset>;
  if (!raw && typeof ds.getBatch === 'function') return { value: await ds.getBatch(indices), raw };
  const items = await Promise.all(indices.map((i) => ds.getItem(i)));
  return { value: raw ? items : defaultCollate(items), raw };
}

async function fetch(task: Task): Promise<Reply> {
  try {
    await ready;
    if (Atomics.load(flags, base + CANCEL) !== 0) return { seq: task.seq, cancelled: true };
    // The batch's temporaries are freed here; what it returns crosses as shared memory.
    return await torch.scope(async () => {
      const r = await loadBatch(task.indices);
      if (r === null) return { seq: task.seq, end: true };
      const sent: SharedTensor[] = [];
      return { seq: task.seq, ok: true, value: packShared(r.value, sent), raw: r.raw };
    });
  } catch (e) {
    const err = e as { name?: string; message?: string; stack?: string };
    return { seq: task.seq, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), stack: err?.stack ?? '' } };
  }
}

let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (m: { type: 'epoch'; port: MessagePort } | ({ type: 'fetch' } & Task) | { type: 'stop' }) => {
  queue = queue.then(async () => {
    if (m.type === 'epoch') {
      port?.close();
      port = m.port;
      exhausted = false;
      samples = null;
      if (config.iterable) {
        await ready.catch(() => undefined); // a failed start is reported by the fetches
        if (dataset !== undefined) samples = asyncSamples(dataset as IterableDataset);
      }
    } else if (m.type === 'fetch') {
      const reply = await fetch(m);
      try {
        port!.postMessage(reply);
      } catch (e) {
        // A value structured clone cannot copy (a function, a symbol ...): its tensors go back.
        if ('value' in reply) releasePacked(reply.value);
        const err = e as Error;
        const message = `a batch could not be sent to the main thread: ${err.message}`;
        const stack = `${err.name}: ${message}\n${(err.stack ?? '').split('\n').slice(1).join('\n')}`;
        port!.postMessage({ seq: m.seq, ok: false, error: { name: err.name, message, stack } } satisfies Reply);
      }
      signal();
    } else {
      port?.close();
      parentPort!.close();
    }
  });
});
