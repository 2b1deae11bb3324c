// examples/serve.ts, the HTTP service, driven over loopback: valid requests in JSON and .npy,
// malformed and wrong-shaped ones (4xx, never a crash or a 500), health, metrics, SIGTERM.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

let dir: string;
let proc: ChildProcess;
let base: string;
let output = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let expected: any;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-http-'));
  execFileSync(findPython(), [path.join(__dirname, 'fixtures', 'make_jit.py'), dir]);
  expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const root = path.join(__dirname, '..');
  proc = spawn(process.execPath, [path.join(root, 'scripts', 'run-ts.js'), path.join(root, 'examples', 'serve.ts'), '--model', path.join(dir, 'scripted.pt'), '--input-shape', '4', '--port', '0', '--max-body-bytes', '4096'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr!.on('data', (d) => (output += d));
  base = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      output += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  for (let i = 0; i < 100 && (await fetch(`${base}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
}, 120_000);
afterAll(() => {
  if (proc.exitCode === null) proc.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true });
});

const post = (body: string | Buffer, type = 'application/json', accept?: string) =>
  fetch(`${base}/predict`, { method: 'POST', body, headers: { 'content-type': type, ...(accept ? { accept } : {}) } });

describe('examples/serve.ts', () => {
  it('answers JSON and .npy requests with the model\'s output, many at once', async () => {
    const rows = expected.mlp.input.data as number[];
    const want = expected.mlp.output.data as number[];
    const replies = await Promise.all([0, 1, 0, 1, 0, 1, 0, 1].map((i) => post(JSON.stringify({ input: rows.slice(i * 4, i * 4 + 4) }))));
    for (const [k, r] of replies.entries()) {
      expect(r.status).toBe(200);
      const body = (await r.json()) as { output: number[]; shape: number[] };
      expect(body.shape).toEqual([3]);
      body.output.forEach((v, j) => expect(Math.abs(v - want[(k % 2) * 3 + j])).toBeLessThan(1e-5));
    }
    const npy = torch.npy.save(torch.tensor(rows.slice(0, 4), { dtype: 'float64' }));
    const r = await post(npy, 'application/x-npy', 'application/x-npy');
    expect(r.status).toBe(200);
    const y = torch.npy.load(Buffer.from(await r.arrayBuffer()));
    (y.toArray() as number[]).forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThan(1e-5));
  });

  it('bad requests get 4xx with a message; the service keeps answering', async () => {
    const cases: [string | Buffer, string, number, RegExp][] = [
      ['{"input": [1, 2', 'application/json', 400, /malformed JSON/],
      ['{"input": [1, 2, 3]}', 'application/json', 400, /expected input of shape \[4\], got \[3\]/],
      ['{"input": [1, "a", 3, 4]}', 'application/json', 400, /finite numbers only/],
      ['{"input": [[1, 2], [3]]}', 'application/json', 400, /not rectangular/],
      ['{"nope": 1}', 'application/json', 400, /expected a JSON object/],
      ['null', 'application/json', 400, /expected a JSON object/],
      [Buffer.from('not npy'), 'application/x-npy', 400, /bad magic/],
      [torch.npy.save(torch.ones(2, 3)), 'application/x-npy', 400, /expected input of shape \[4\], got \[2, 3\]/],
      [JSON.stringify({ input: new Array(3000).fill(1) }), 'application/json', 413, /body larger than 4096 bytes/],
    ];
    for (const [body, type, status, message] of cases) {
      const r = await post(body, type);
      expect([String(body).slice(0, 30), r.status]).toEqual([String(body).slice(0, 30), status]);
      expect(((await r.json()) as { error: string }).error).toMatch(message);
    }
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/predict`)).status).toBe(405);
    expect((await post(JSON.stringify({ input: [1, 2, 3, 4] }))).status).toBe(200);
  });

  it('health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const m = await fetch(`${base}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await m.text();
    for (const name of ['torchnode_request_duration_seconds_bucket', 'torchnode_batch_size_bucket', 'torchnode_queue_depth', 'torchnode_errors_total{kind="bad_input"}', 'process_resident_memory_bytes']) {
      expect(text).toContain(name);
    }
  });

  it('SIGTERM drains in-flight requests and exits 0', async () => {
    const first = await post(JSON.stringify({ input: [1, 2, 3, 4] })); // warm connection
    expect(first.status).toBe(200);
    const inflight = Promise.allSettled(Array.from({ length: 20 }, () => post(JSON.stringify({ input: [1, 2, 3, 4] }))));
    await new Promise((r) => setTimeout(r, 5));
    proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(0);
    // Requests the server had taken are answered (200, or 503 once it is closing); a request
    // still connecting when the listener closed may be refused at the socket.
    const settled = await inflight;
    for (const s of settled) {
      if (s.status === 'fulfilled') expect([200, 503]).toContain(s.value.status);
      else expect(String((s.reason as { cause?: { code?: string } }).cause?.code)).toMatch(/ECONNRESET|ECONNREFUSED|UND_ERR_SOCKET/);
    }
    expect(output).toContain('SIGTERM: draining');
    expect(output).toContain('stopped');
  });
});
