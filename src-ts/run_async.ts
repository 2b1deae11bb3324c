/**
 * `await torch.runAsync(fn, ...args)`: runs a sequence of tensor ops on a worker thread, leaving
 * the event loop free, and resolves with fn's result.
 *
 *     const y = await torch.runAsync((torch, x, w) => x.matmul(w).relu().sum(1), x, w);
 *
 * - `fn(torch, ...args)` runs in a worker_thread that has torchnode loaded. It is sent as source
 *   text, so it must not use variables from around it: pass what it needs as arguments. It may be
 *   async. Its temporaries are freed when it returns (it runs in a scope).
 * - Tensors in the arguments and the result (also inside arrays and plain objects) cross without a
 *   copy (torch.share); other values are structured-cloned. The tensors are shared memory: do not
 *   change an argument on the main thread while the call runs.
 * - Ordering: calls run one at a time, in the order they were made (one worker, FIFO), so a later
 *   call sees what an earlier one wrote. Set `torch.setRunAsyncWorkers(n)` for n workers: calls then
 *   start in order but may run at once and finish in any order.
 * - An error thrown by fn rejects the promise with an Error of the same name and message.
 */
import { Worker } from 'worker_threads';
import { builtFile } from './built';
import { TypeError as TorchTypeError, ValueError } from './errors';
import { packShared, releaseShared, unpackShared, type SharedTensor } from './shared';

const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const torch = require(workerData.entry);
const isPlain = (v) => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
const pack = (v, made) => v instanceof torch.Tensor ? { __torchnodeTensor: torch.share(v) }
  : Array.isArray(v) ? v.map((x) => pack(x, made))
  : isPlain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pack(x, made)])) : v;
const unpack = (v, made) => v && v.__torchnodeTensor ? (made.push(torch.fromShared(v.__torchnodeTensor)), made[made.length - 1])
  : Array.isArray(v) ? v.map((x) => unpack(x, made))
  : isPlain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpack(x, made)])) : v;
const fns = new Map();
parentPort.on('message', async ({ id, src, args }) => {
  const inputs = [];
  try {
    let fn = fns.get(src);
    if (fn === undefined) {
      fn = (0, eval)('(' + src + ')');
      fns.set(src, fn);
    }
    const value = await torch.scope(async () => pack(await fn(torch, ...unpack(args, inputs)), []));
    parentPort.postMessage({ id, ok: true, value });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: { name: e && e.name, message: e && e.message, stack: e && e.stack } });
  } finally {
    for (const t of inputs) t.dispose();
  }
});
`;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  sent: SharedTensor[];
}

let size = 1;
const workers: Worker[] = [];
const pending = new Map<number, Pending>();
let nextId = 1;
let turn = 0;

function workerFor(): Worker {
  while (workers.length < size) {
    const w = new Worker(WORKER, { eval: true, workerData: { entry: builtFile('index.js') } });
    w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: { name: string; message: string; stack: string } }) => {
      const p = done(m.id);
      if (p === undefined) return;
      if (m.ok) {
        p.resolve(unpackShared(m.value));
      } else {
        for (const d of p.sent) tryRelease(d); // the worker may have failed before claiming them
        const e = new Error(m.error?.message ?? 'runAsync failed');
        e.name = m.error?.name ?? 'Error';
        if (m.error?.stack) e.stack = `${e.name}: ${e.message}\n    [in torch.runAsync worker]\n${m.error.stack.split('\n').slice(1).join('\n')}`;
        p.reject(e);
      }
    });
    w.on('error', (e) => {
      for (const id of [...pending.keys()]) done(id)!.reject(e);
    });
    w.unref();
    workers.push(w);
  }
  const w = workers[turn % workers.length];
  turn++;
  return w;
}

function tryRelease(d: SharedTensor): void {
  try {
    releaseShared(d);
  } catch {
    // already claimed by the worker
  }
}

function done(id: number): Pending | undefined {
  const p = pending.get(id);
  pending.delete(id);
  if (pending.size === 0) for (const x of workers) x.unref(); // idle workers do not hold the process
  return p;
}

export function runAsync<R = unknown>(fn: (torch: typeof import('./index'), ...args: never[]) => R | Promise<R>, ...args: unknown[]): Promise<R> {
  if (typeof fn !== 'function') return Promise.reject(new TorchTypeError('runAsync(): the first argument must be a function'));
  const sent: SharedTensor[] = [];
  let message: { id: number; src: string; args: unknown };
  try {
    message = { id: nextId++, src: fn.toString(), args: packShared(args, sent) };
  } catch (e) {
    for (const d of sent) tryRelease(d);
    return Promise.reject(e);
  }
  return new Promise<R>((resolve, reject) => {
    const w = workerFor();
    pending.set(message.id, { resolve: resolve as (v: unknown) => void, reject, sent });
    for (const x of workers) x.ref(); // calls in flight keep the process alive
    try {
      w.postMessage(message);
    } catch (e) {
      done(message.id);
      for (const d of sent) tryRelease(d);
      reject(e); // a value structured clone cannot send (a function, a class instance with methods...)
    }
  });
}

/** Worker threads for runAsync (default 1: calls run one at a time, in order). */
export function setRunAsyncWorkers(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`setRunAsyncWorkers(): n must be an integer >= 1, got ${n}`);
  size = n;
  while (workers.length > size) void workers.pop()!.terminate();
}
