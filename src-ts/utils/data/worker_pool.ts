/**
 * The DataLoader's worker threads, main-thread side, and the order batches are asked for and
 * taken in (Python's `_MultiProcessingDataLoaderIter`): `prefetchFactor * numWorkers` batches are
 * out at once, handed to the workers in turn; each yielded batch sends the next one out; batches
 * come back in sampler order, since each worker answers its own requests in order.
 *
 * A synchronous `for..of` waits for a worker with Atomics.wait on the shared flags and takes the
 * reply with receiveMessageOnPort, so workers keep loading while the loop body trains; `for await`
 * takes replies as port messages and never blocks the event loop.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';
import { builtFile } from '../../built';
import { NATIVE_ERROR_CLASSES, TorchError } from '../../errors';
import { releasePacked, releaseShared, unpackShared, type SharedTensor } from '../../shared';
import { packSource, type WorkerSource } from './worker_source';
import { CANCEL, COUNTER, EXITED, SLOTS, type Reply, type Task, type WorkerConfig, type WorkerError } from './worker_protocol';

export interface PoolOptions {
  numWorkers: number;
  source: WorkerSource;
  initFn: string | null;
  batchSize: number;
  dropLast: boolean;
  defaultCollate: boolean;
  iterable: boolean;
  /** Seconds to wait for one batch; 0 waits as long as it takes (Python's `timeout`). */
  timeout: number;
}

interface Waiter {
  resolve(r: Reply): void;
  reject(e: Error): void;
}

/** A worker's error, raised on the main thread as Python re-raises it (same class, its stack). */
function workerError(id: number, e: WorkerError): Error {
  const message = `Caught ${e.name} in DataLoader worker ${id}.\nOriginal ${e.stack || `${e.name}: ${e.message}`}`;
  const Cls = NATIVE_ERROR_CLASSES.find((c) => c.name === e.name);
  if (Cls) return new Cls(message);
  const err = new Error(message);
  err.name = e.name;
  return err;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly flags: Int32Array;
  private readonly sent: SharedTensor[] = [];
  private ports: MessagePort[] = [];
  private inboxes: Reply[][] = [];
  private waiters: Waiter[][] = [];
  private failures: (Error | null)[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions, baseSeed: bigint) {
    const n = options.numWorkers;
    this.flags = new Int32Array(new SharedArrayBuffer(4 * SLOTS * n));
    const file = builtFile('utils/data/worker_loop.js');
    for (let id = 0; id < n; id++) {
      const config: WorkerConfig = {
        id,
        numWorkers: n,
        seed: baseSeed + BigInt(id),
        source: packSource(options.source, this.sent),
        initFn: options.initFn,
        flags: this.flags.buffer as SharedArrayBuffer,
        batchSize: options.batchSize,
        dropLast: options.dropLast,
        defaultCollate: options.defaultCollate,
        iterable: options.iterable,
      };
      const w = new Worker(file, { workerData: config });
      w.on('error', (e) => this.fail(id, e instanceof Error ? e : new Error(String(e))));
      w.on('exit', () => this.fail(id, this.exited(id)));
      w.unref(); // idle (persistent) workers never hold the process open
      this.workers.push(w);
    }
  }

  get numWorkers(): number {
    return this.workers.length;
  }

  private exited(id: number): Error {
    return new TorchError(`DataLoader worker ${id} exited unexpectedly`);
  }

  private fail(id: number, e: Error): void {
    if (this.closed || this.failures[id]) return;
    this.failures[id] = e;
    for (const w of this.waiters[id] ?? []) w.reject(e);
    if (this.waiters[id]) this.waiters[id] = [];
  }

  /** A fresh reply channel per worker; `listen` for `for await` (replies as port messages). */
  beginEpoch(listen: boolean): void {
    this.endEpoch();
    this.inboxes = this.workers.map(() => []);
    this.waiters = this.workers.map(() => []);
    this.ports = this.workers.map((w, id) => {
      Atomics.store(this.flags, id * SLOTS + CANCEL, 0);
      const { port1, port2 } = new MessageChannel();
      w.postMessage({ type: 'epoch', port: port2 }, [port2]);
      if (listen) {
        port1.on('message', (r: Reply) => {
          const waiter = this.waiters[id].shift();
          if (waiter) waiter.resolve(r);
          else this.inboxes[id].push(r);
          if (this.waiters[id].length === 0) port1.unref();
        });
        port1.unref(); // referenced only while a reply is awaited
      }
      return port1;
    });
  }

  send(id: number, task: Task): void {
    this.workers[id].postMessage({ type: 'fetch', ...task });
  }

  /** Blocks this thread until worker `id` replies (the synchronous iterator). */
  receiveSync(id: number): Reply {
    const deadline = this.options.timeout > 0 ? Date.now() + this.options.timeout * 1000 : Infinity;
    const counter = id * SLOTS + COUNTER;
    for (;;) {
      const seen = Atomics.load(this.flags, counter);
      const m = receiveMessageOnPort(this.ports[id]);
      if (m !== undefined) return m.message as Reply;
      if (Atomics.load(this.flags, id * SLOTS + EXITED) !== 0) throw this.failures[id] ?? this.exited(id);
      const left = deadline - Date.now();
      if (left <= 0) throw this.timedOut();
      Atomics.wait(this.flags, counter, seen, Math.min(left, 1000));
    }
  }

  /** Worker `id`'s next reply, without blocking the event loop (the async iterator). */
  receiveAsync(id: number): Promise<Reply> {
    const queued = this.inboxes[id].shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const failure = this.failures[id];
    if (failure) return Promise.reject(failure);
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters[id].push(waiter);
      this.ports[id].ref();
      if (this.options.timeout > 0) {
        timer = setTimeout(() => {
          const i = this.waiters[id].indexOf(waiter);
          if (i >= 0) this.waiters[id].splice(i, 1);
          reject(this.timedOut());
        }, this.options.timeout * 1000);
      }
    });
  }

  private timedOut(): Error {
    return new TorchError(`DataLoader timed out after ${this.options.timeout} seconds`);
  }

  /** Replies still queued are skipped by the workers (the loop that asked has stopped). */
  cancel(): void {
    for (let id = 0; id < this.workers.length; id++) Atomics.store(this.flags, id * SLOTS + CANCEL, 1);
  }

  /** Whether worker `id` can still answer (it has not failed or exited). */
  alive(id: number): boolean {
    return !this.failures[id] && Atomics.load(this.flags, id * SLOTS + EXITED) === 0;
  }

  allAlive(): boolean {
    return this.workers.every((_, id) => this.alive(id));
  }

  endEpoch(): void {
    for (const port of this.ports) port.close();
    this.ports = [];
  }

  close(): void {
    if (this.closed) return;
    this.endEpoch();
    this.closed = true;
    for (const w of this.workers) void w.terminate();
    // Tensors the dataset's arguments shared with a worker that never claimed them (it failed
    // before making its dataset).
    for (const d of this.sent) {
      try {
        releaseShared(d);
      } catch {
        // claimed
      }
    }
  }
}

/**
 * One pass over the data through the pool: which worker each batch goes to, and what comes back.
 * `next()` gives the next outstanding request; `take()` turns its reply into a batch (or null
 * when it is to be skipped); `drain` collects what is still out when the loop stops early.
 */
export class WorkerEpoch {
  private readonly outstanding: { id: number; seq: number }[] = [];
  private readonly active: boolean[];
  private turn = 0;
  private seq = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly batches: Iterator<number[]> | null,
    prefetch: number,
  ) {
    this.active = Array.from({ length: pool.numWorkers }, () => true);
    for (let i = 0; i < prefetch * pool.numWorkers; i++) if (!this.sendOne()) break;
  }

  // The next active worker in turn gets the next batch (Python's _try_put_index).
  private sendOne(): boolean {
    const n = this.active.length;
    let id = -1;
    for (let k = 0; k < n; k++) {
      const c = (this.turn + k) % n;
      if (this.active[c]) {
        id = c;
        break;
      }
    }
    if (id < 0) return false;
    let indices: number[] | null = null;
    if (this.batches !== null) {
      const r = this.batches.next();
      if (r.done) return false;
      indices = r.value;
    }
    this.turn = id + 1;
    const task = { seq: this.seq++, indices };
    this.pool.send(id, task);
    this.outstanding.push({ id, seq: task.seq });
    return true;
  }

  /** The worker whose reply comes next; undefined when the pass is over. */
  next(): number | undefined {
    return this.outstanding[0]?.id;
  }

  /** The batch in worker `id`'s reply (packed tensors claimed), or null when there is none. */
  take(id: number, r: Reply): { value: unknown; raw: boolean } | null {
    this.outstanding.shift();
    if ('end' in r) {
      // This worker's stream is over: another batch goes to one still running (once; requests it
      // had queued behind are dropped, as Python drops them).
      if (this.active[id]) {
        this.active[id] = false;
        this.sendOne();
      }
      return null;
    }
    if ('cancelled' in r) return null;
    this.sendOne();
    if (!r.ok) throw workerError(id, r.error);
    return { value: unpackShared(r.value), raw: r.raw };
  }

  /** Replies still out, so their shared tensors can be released. */
  pendingWorkers(): number[] {
    const ids = this.outstanding.map((o) => o.id);
    this.outstanding.length = 0;
    return ids.filter((id) => this.pool.alive(id));
  }

  static release(r: Reply): void {
    if ('value' in r) releasePacked(r.value);
  }
}
