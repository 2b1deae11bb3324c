/**
 * torchnode/serve: an inference server with dynamic batching, for Node services.
 *
 *     import { InferenceServer } from 'torchnode/serve';
 *     const server = new InferenceServer('model.pt', { maxBatchSize: 16, maxDelayMs: 5 });
 *     const y = await server.predict(x);          // x: one example (no batch dimension)
 *     await server.close();                       // stops taking requests, drains, releases
 *
 * Concurrent requests are collected into batches (up to `maxBatchSize`, waiting at most
 * `maxDelayMs` after the first), stacked on dim 0, run on a worker thread (`forwardAsync`, so the
 * event loop stays free), and the output is split back along dim 0. Requests whose inputs have
 * another shape wait for a batch of their own shape. Backpressure: beyond `maxQueue` waiting
 * requests, `predict` rejects at once with QueueFullError. Each request may time out
 * (`timeoutMs`, TimeoutError) or be aborted (`signal`); a request already running finishes on its
 * thread and its result is discarded. Metrics in Prometheus' text format via prom-client.
 */
import * as client from 'prom-client';
import { noGradGuard } from '../autograd';
import { TorchError, TypeError as TorchTypeError, ValueError } from '../errors';
import { loadAsync, ScriptModule } from '../jit';
import { stack } from '../generated/ops';
import { Tensor } from '../tensor';
import type { DeviceLike } from '../device';

/** `maxQueue` requests are already waiting. */
export class QueueFullError extends TorchError {
  code = 'ERR_QUEUE_FULL';
}
/** The request waited or ran longer than `timeoutMs`. */
export class TimeoutError extends TorchError {
  code = 'ERR_TIMEOUT';
}
/** The server is closing or closed. */
export class ServerClosedError extends TorchError {
  code = 'ERR_SERVER_CLOSED';
}

export interface InferenceServerOptions {
  /** Largest batch (default 8). */
  maxBatchSize?: number;
  /** How long the first request of a batch waits for company, in ms (default 5). */
  maxDelayMs?: number;
  /** Waiting requests beyond which predict() rejects with QueueFullError (default 256). */
  maxQueue?: number;
  /** Per-request limit from predict() to result, in ms (default 30 000; 0 = none). */
  timeoutMs?: number;
  /** Where the model runs; inputs are moved there. */
  device?: DeviceLike;
  /** Batches running at once, each on a libuv thread (default 1: one batch uses all intra-op threads). */
  workers?: number;
  /** The model method to call (default 'forward'). */
  method?: string;
  /** The shape of one example; other shapes are rejected with ValueError before batching. */
  inputShape?: number[];
  /** A prom-client registry for the metrics (default: one of the server's own). */
  registry?: client.Registry;
  /** Prefix of metric names (default 'torchnode_'). */
  metricsPrefix?: string;
}

interface Request {
  input: Tensor;
  key: string;
  resolve(t: Tensor): void;
  reject(e: unknown): void;
  start: bigint;
  done: boolean;
  timer?: NodeJS.Timeout;
  cleanup?: () => void;
}

export class InferenceServer {
  /** Resolves when the model is loaded (predict() waits for it by itself). */
  readonly ready: Promise<void>;
  private model: ScriptModule | null = null;
  private loadError: unknown = null;
  private readonly ownsModel: boolean;
  private readonly o: Required<Omit<InferenceServerOptions, 'device' | 'inputShape' | 'registry' | 'metricsPrefix'>> & { device?: string; inputShape?: number[] };
  private queue: Request[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private closed: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  private readonly registry: client.Registry;
  private readonly m: {
    latency: client.Histogram;
    batch: client.Histogram;
    depth: client.Gauge;
    requests: client.Counter;
    errors: client.Counter;
  };

  constructor(modelOrPath: ScriptModule | string, options: InferenceServerOptions = {}) {
    const positive = (name: string, v: number | undefined, d: number, min = 1): number => {
      const x = v ?? d;
      if (!Number.isInteger(x) || x < min) throw new ValueError(`InferenceServer: ${name} must be an integer >= ${min}, got ${x}`);
      return x;
    };
    this.o = {
      maxBatchSize: positive('maxBatchSize', options.maxBatchSize, 8),
      maxDelayMs: positive('maxDelayMs', options.maxDelayMs, 5, 0),
      maxQueue: positive('maxQueue', options.maxQueue, 256),
      timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000, 0),
      workers: positive('workers', options.workers, 1),
      method: options.method ?? 'forward',
      device: options.device === undefined ? undefined : String(options.device),
      inputShape: options.inputShape,
    };
    this.registry = options.registry ?? new client.Registry();
    const p = options.metricsPrefix ?? 'torchnode_';
    const reg = [this.registry];
    this.m = {
      latency: new client.Histogram({ name: `${p}request_duration_seconds`, help: 'predict() time from call to result', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: reg }),
      batch: new client.Histogram({ name: `${p}batch_size`, help: 'requests per model call', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: reg }),
      depth: new client.Gauge({ name: `${p}queue_depth`, help: 'requests waiting for a batch', registers: reg }),
      requests: new client.Counter({ name: `${p}requests_total`, help: 'predict() calls answered with a result', registers: reg }),
      errors: new client.Counter({ name: `${p}errors_total`, help: 'predict() calls that failed, by kind', labelNames: ['kind'], registers: reg }),
    };
    for (const kind of ['queue_full', 'timeout', 'aborted', 'closed', 'bad_input', 'model']) this.m.errors.inc({ kind }, 0);

    if (modelOrPath instanceof ScriptModule) {
      this.ownsModel = false;
      this.model = modelOrPath;
      if (this.o.device !== undefined) this.model.to(this.o.device);
      this.model.eval();
      this.ready = Promise.resolve();
    } else if (typeof modelOrPath === 'string') {
      this.ownsModel = true;
      this.ready = loadAsync(modelOrPath, this.o.device === undefined ? {} : { device: this.o.device }).then(
        (m) => {
          m.eval();
          this.model = m;
          this.pump();
        },
        (e) => {
          // Everything waiting gets the load error, and so does every later predict().
          this.loadError = e;
          for (const r of [...this.queue]) this.finish(r, 'model', e);
          throw e;
        },
      );
      this.ready.catch(() => undefined); // reported through predict()
    } else {
      throw new TorchTypeError('InferenceServer: expected a ScriptModule or a path to a TorchScript file');
    }
  }

  /** Requests waiting for a batch, and batches running. */
  get stats(): { queued: number; inFlight: number } {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  /** Prometheus text for this server's metrics (or its registry's). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
  get metricsContentType(): string {
    return this.registry.contentType;
  }

  /**
   * The model's output for one example (`input` without its batch dimension). The server keeps
   * its own reference to `input`, so the caller may dispose it at once; the result is the
   * caller's to dispose.
   */
  async predict(input: Tensor, options: { signal?: AbortSignal } = {}): Promise<Tensor> {
    // async: every failure below is a rejection, never a synchronous throw
    const start = process.hrtime.bigint();
    if (this.closing) throw this.fail('closed', new ServerClosedError('the inference server is closed'));
    if (!(input instanceof Tensor) || input._h < 0) throw this.fail('bad_input', new TorchTypeError('predict(): input must be a (live) Tensor'));
    const shape = this.o.inputShape;
    if (shape !== undefined && input.shape.join() !== shape.join()) {
      throw this.fail('bad_input', new ValueError(`predict(): expected an input of shape [${shape.join(', ')}], got [${input.shape.join(', ')}]`));
    }
    if (options.signal?.aborted) throw this.fail('aborted', options.signal.reason);
    if (this.loadError !== null) throw this.fail('model', this.loadError);
    if (this.queue.length >= this.o.maxQueue) throw this.fail('queue_full', new QueueFullError(`the inference queue is full (${this.o.maxQueue} waiting)`));
    // Queued now, synchronously (while the model loads, too), so maxQueue and close() see it.
    return new Promise<Tensor>((resolve, reject) => {
      const req: Request = { input: input.detach(), key: `${input.dtype}|${input.device}|${input.shape.join(',')}`, resolve, reject, start, done: false };
      if (this.o.timeoutMs > 0) {
        req.timer = setTimeout(() => this.finish(req, 'timeout', new TimeoutError(`predict() timed out after ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      }
      const signal = options.signal;
      if (signal !== undefined) {
        const onAbort = () => this.finish(req, 'aborted', signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        req.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(req);
      this.m.depth.set(this.queue.length);
      this.pump();
    });
  }

  /** Stops taking requests, finishes those queued and running, then releases the model it loaded. */
  close(): Promise<void> {
    if (this.closed !== null) return this.closed;
    this.closing = true;
    this.closed = new Promise<void>((resolve) => {
      this.drained = resolve;
      this.pump();
      this.checkDrained();
    }).then(async () => {
      await this.ready.catch(() => undefined);
      if (this.ownsModel) this.model?.dispose();
    });
    return this.closed;
  }

  private fail(kind: string, e: unknown): unknown {
    this.m.errors.inc({ kind });
    return e;
  }

  // Settles a request once (a timeout or abort may race its result).
  private finish(req: Request, kind: string | null, result: unknown): void {
    if (req.done) {
      if (result instanceof Tensor) result.dispose();
      return;
    }
    req.done = true;
    if (req.timer !== undefined) clearTimeout(req.timer);
    req.cleanup?.();
    const i = this.queue.indexOf(req);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.m.depth.set(this.queue.length);
      req.input.dispose();
    }
    this.m.latency.observe(Number(process.hrtime.bigint() - req.start) / 1e9);
    if (kind === null) {
      this.m.requests.inc();
      req.resolve(result as Tensor);
    } else {
      this.m.errors.inc({ kind });
      req.reject(result);
    }
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.closing && this.queue.length === 0 && this.inFlight === 0 && this.drained !== null) {
      const d = this.drained;
      this.drained = null;
      d();
    }
  }

  // Starts batches while there are free workers and either a full batch, a closing server, or a
  // first request that has waited maxDelayMs.
  private pump(): void {
    if (this.model === null) return;
    while (this.inFlight < this.o.workers && this.queue.length > 0) {
      const full = this.queue.length >= this.o.maxBatchSize;
      const waited = Number(process.hrtime.bigint() - this.queue[0].start) / 1e6 >= this.o.maxDelayMs;
      if (!full && !waited && !this.closing) {
        if (this.timer === null) {
          const wait = Math.max(0, this.o.maxDelayMs - Number(process.hrtime.bigint() - this.queue[0].start) / 1e6);
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, wait);
        }
        return;
      }
      this.runBatch(this.takeBatch());
    }
  }

  private takeBatch(): Request[] {
    const key = this.queue[0].key;
    const batch: Request[] = [];
    this.queue = this.queue.filter((r) => {
      if (batch.length < this.o.maxBatchSize && r.key === key) {
        batch.push(r);
        return false;
      }
      return true;
    });
    this.m.depth.set(this.queue.length);
    return batch;
  }

  private runBatch(batch: Request[]): void {
    this.inFlight++;
    this.m.batch.observe(batch.length);
    let x: Tensor;
    try {
      x = stack(batch.map((r) => r.input));
      if (this.o.device !== undefined) {
        const moved = x.to(this.o.device);
        if (moved !== x) x.dispose();
        x = moved;
      }
    } catch (e) {
      this.inFlight--;
      for (const r of batch) this.finish(r, 'bad_input', e);
      return;
    } finally {
      for (const r of batch) r.input.dispose();
    }
    const guard = noGradGuard(); // the async call takes the grad mode in force when it starts
    let call: Promise<unknown>;
    try {
      call = this.model!.callMethodAsync(this.o.method, x);
    } finally {
      guard.dispose();
    }
    call.then(
      (out) => {
        x.dispose();
        if (!(out instanceof Tensor) || out.dim() === 0 || out.size(0) !== batch.length) {
          const e = new TorchError(`the model's ${this.o.method} did not return a tensor with one row per request (batch of ${batch.length})`);
          if (out instanceof Tensor) out.dispose();
          for (const r of batch) this.finish(r, 'model', e);
        } else {
          const rows = out.device.type === 'cpu' ? out : out.cpu();
          batch.forEach((r, i) => this.finish(r, null, rows.index(i)));
          if (rows !== out) rows.dispose();
          out.dispose();
        }
        this.inFlight--;
        this.checkDrained();
        this.pump();
      },
      (e) => {
        x.dispose();
        for (const r of batch) this.finish(r, 'model', e);
        this.inFlight--;
        this.checkDrained();
        this.pump();
      },
    );
  }
}
