/**
 * An HTTP inference service over a TorchScript model, with dynamic batching (torchnode/serve).
 *
 *   node scripts/run-ts.js examples/serve.ts --model resnet18.pt --input-shape 3,224,224 [--port 8080]
 *
 *   POST /predict   body: JSON {"input": [...nested numbers...]} (Content-Type: application/json)
 *                   or a .npy file (Content-Type: application/x-npy); one example, no batch dim.
 *                   Answers {"output": [...], "shape": [...]} (or .npy with Accept: application/x-npy).
 *   GET  /healthz   200 while the process runs
 *   GET  /readyz    200 once the model is loaded, 503 while loading or shutting down
 *   GET  /metrics   Prometheus text: request latency, batch sizes, queue depth, errors by kind,
 *                   and Node's process metrics
 *
 * Bad requests (malformed JSON or .npy, wrong shape, not numbers, too large) get a 400/413 with a
 * message; a full queue 503 (with Retry-After), a timeout 504. SIGTERM or SIGINT: stop taking
 * connections, answer what is in flight, exit 0.
 */
import * as http from 'http';
import { parseArgs } from 'util';
import * as torch from 'torchnode';
import { InferenceServer, QueueFullError, ServerClosedError, TimeoutError } from 'torchnode/serve';
import * as client from 'prom-client';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'input-shape': { type: 'string' },
    'max-batch-size': { type: 'string', default: '16' },
    'max-delay-ms': { type: 'string', default: '5' },
    'max-queue': { type: 'string', default: '256' },
    'timeout-ms': { type: 'string', default: '10000' },
    'max-body-bytes': { type: 'string', default: String(16 << 20) },
  },
});
if (!args.model || !args['input-shape']) {
  console.error('usage: serve.ts --model model.pt --input-shape 3,224,224 [--port 8080] [--max-batch-size 16] [--max-delay-ms 5] [--max-queue 256] [--timeout-ms 10000]');
  process.exit(2);
}
const inputShape = args['input-shape'].split(',').map(Number);
const maxBody = Number(args['max-body-bytes']);
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
// LibTorch memory the GC cannot see: what a leak would show first.
new client.Gauge({
  name: 'torchnode_live_tensors',
  help: 'tensors alive in this process (torch.memory())',
  registers: [registry],
  collect() {
    this.set(torch.memory().tensors);
  },
});
new client.Gauge({
  name: 'torchnode_tensor_bytes',
  help: 'bytes held by live CPU tensors (torch.memory())',
  registers: [registry],
  collect() {
    this.set(torch.memory().bytes);
  },
});
const server = new InferenceServer(args.model, {
  inputShape,
  maxBatchSize: Number(args['max-batch-size']),
  maxDelayMs: Number(args['max-delay-ms']),
  maxQueue: Number(args['max-queue']),
  timeoutMs: Number(args['timeout-ms']),
  registry,
});
let ready = false;
let shuttingDown = false;
server.ready.then(
  () => (ready = true),
  (e: Error) => {
    console.error(`cannot load the model: ${e.message}`);
    process.exit(1);
  },
);

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        // Answer 413 now and drop the rest of the body unread (the connection closes after).
        chunks.length = 0;
        reject(new HttpError(413, `body larger than ${maxBody} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Nested arrays of finite numbers only, rectangular, matching inputShape.
function tensorFromJson(body: Buffer): torch.Tensor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `malformed JSON: ${(e as Error).message}`);
  }
  const input = (parsed as { input?: unknown } | null)?.input;
  if (!Array.isArray(input)) throw new HttpError(400, 'expected a JSON object {"input": [...]} with nested arrays of numbers');
  const shape: number[] = [];
  for (let v: unknown = input; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat = (input as unknown[]).flat(Infinity);
  if (!flat.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new HttpError(400, 'input must hold finite numbers only');
  if (flat.length !== shape.reduce((a, b) => a * b, 1)) throw new HttpError(400, 'input is not rectangular (rows of different lengths)');
  if (shape.join() !== inputShape.join()) throw new HttpError(400, `expected input of shape [${inputShape.join(', ')}], got [${shape.join(', ')}]`);
  return torch.tensor(Float32Array.from(flat as number[])).reshape(shape);
}

function tensorFromNpy(body: Buffer): torch.Tensor {
  let t: torch.Tensor;
  try {
    t = torch.npy.load(body, 'request body');
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
  const shape = t.shape;
  if (shape.join() !== inputShape.join()) {
    t.dispose();
    throw new HttpError(400, `expected input of shape [${inputShape.join(', ')}], got [${shape.join(', ')}]`);
  }
  if (t.dtype === 'float32') return t;
  const f = t.float();
  t.dispose();
  return f;
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type = 'application/json', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

async function predict(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const x = type === 'application/x-npy' || type === 'application/octet-stream' ? tensorFromNpy(body) : tensorFromJson(body);
  // The client going away aborts its request (a queued one never runs).
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let y: torch.Tensor;
  try {
    y = await server.predict(x, { signal: abort.signal });
  } finally {
    x.dispose();
  }
  try {
    if ((req.headers.accept ?? '').includes('application/x-npy')) send(res, 200, torch.npy.save(y), 'application/x-npy');
    else send(res, 200, JSON.stringify({ output: y.toArray(), shape: y.shape }));
  } finally {
    y.dispose();
  }
}

const httpServer = http.createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0];
  const handle = async (): Promise<void> => {
    if (url === '/healthz') return send(res, 200, '{"status":"ok"}');
    if (url === '/readyz') return ready && !shuttingDown ? send(res, 200, '{"status":"ready"}') : send(res, 503, '{"status":"not ready"}');
    if (url === '/metrics') return send(res, 200, await server.metrics(), server.metricsContentType);
    if (url !== '/predict') throw new HttpError(404, `no route ${url}`);
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    return predict(req, res);
  };
  handle().catch((e: unknown) => {
    let status = 500;
    if (e instanceof HttpError) status = e.status;
    else if (e instanceof QueueFullError) status = 503;
    else if (e instanceof ServerClosedError) status = 503;
    else if (e instanceof TimeoutError) status = 504;
    else if (e instanceof torch.ValueError || e instanceof torch.TypeError) status = 400;
    else if ((e as Error)?.name === 'AbortError') return; // the client left
    if (status === 500) console.error(e);
    const headers: Record<string, string> = status === 503 ? { 'Retry-After': '1' } : status === 413 ? { Connection: 'close' } : {};
    if (!res.headersSent) send(res, status, JSON.stringify({ error: (e as Error).message }), 'application/json', headers);
  });
});

httpServer.listen(Number(args.port), args.host, () => {
  const a = httpServer.address() as { port: number };
  console.log(`listening on http://${args.host}:${a.port}`);
});

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${signal}: draining`);
  const closed = new Promise((r) => httpServer.close(r)); // no new connections; open ones finish
  httpServer.closeIdleConnections();
  await server.close(); // answers everything already queued or running
  await closed;
  console.log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
