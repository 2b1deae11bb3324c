// The `torchnode` command, run as users run it (node dist/cli/main.js, the package's bin), on
// models Python scripted (test/fixtures/make_jit.py, made when this suite starts).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
import { blasNotes } from '../src-ts/cli/info';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

const bin = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let expected: any;
const f = (name: string): string => path.join(dir, name);

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  // A process that did not exit by itself says how it ended (in stderr, which tests compare).
  const how = r.status === null ? `[no exit status: signal ${r.signal}, error ${r.error?.message}]` : '';
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr + how };
}
// The JSON a command prints; when there is none, how the process ended says why.
function cliJson(...args: string[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`torchnode ${args.join(' ')}: no JSON (status ${r.status}, signal ${r.signal}, error ${r.error?.message}); stderr: ${r.stderr}`);
  }
}
function closeTo(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-cli-'));
  execFileSync(findPython(), [path.join(__dirname, 'fixtures', 'make_jit.py'), dir]);
  expected = JSON.parse(fs.readFileSync(f('expected.json'), 'utf8'));
  expect(fs.existsSync(bin)).toBe(true); // built by `npm run build:ts` (scripts/setup.sh runs it)
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true }));

describe('torchnode CLI', () => {
  it('--help for the program and each command, exit code 0', () => {
    const top = cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['info', 'inspect', 'run', 'bench']) expect(top.stdout).toContain(c);
    const run = cli('run', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--input <file>');
    expect(run.stdout).toContain('--output <file>');
    expect(cli('bench', '--help').stdout).toContain('--concurrency <n>');
  });

  it('info, as text and JSON', () => {
    const text = cli('info');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^torchnode \d+\.\d+\.\d+/);
    expect(text.stdout).toContain(`LibTorch  ${torch.version.libtorch}`);
    const json = cliJson('info', '--json');
    expect(json.libtorch).toBe(torch.version.libtorch);
    expect(json.blas.name).toBe(torch.config().blas.name);
    expect(json.threads.intraOp).toBeGreaterThan(0);
    expect(json.cuda).toEqual(expect.objectContaining({ built: torch.cuda.isBuilt(), available: torch.cuda.isAvailable() }));
    expect(text.stdout).toContain(torch.cuda.isBuilt() ? `CUDA      ${torch.version.cuda}` : 'CUDA      none (a CPU-only build)');
    expect(cliJson('--threads', '1', 'info', '--json').threads.intraOp).toBe(1);
    expect(json.blas.notes).toEqual(blasNotes(torch.config()));
    for (const n of json.blas.notes) expect(text.stdout).toContain(`note: ${n}`);
  });

  it('info notes a BLAS that costs speed or correctness', () => {
    const blas = { name: 'OpenBLAS', library: 'libblas.so.3', detail: 'OpenBLAS 0.3.21 DYNAMIC_ARCH Zen MAX_THREADS=64', complexDotCorrected: false };
    expect(blasNotes({ numThreads: 2, blas })).toEqual([expect.stringContaining('libopenblas0-openmp')]);
    expect(blasNotes({ numThreads: 1, blas })).toEqual([]);
    expect(blasNotes({ numThreads: 2, blas: { ...blas, detail: blas.detail + ' USE_OPENMP' } })).toEqual([]);
    expect(blasNotes({ numThreads: 1, blas: { ...blas, complexDotCorrected: true } })).toEqual([expect.stringContaining('complex dot')]);
  });

  it('inspect: methods, parameters by dtype, module tree', () => {
    const text = cli('inspect', f('multi.pt'));
    expect(text.code).toBe(0);
    for (const schema of Object.values(expected.multi.schemas)) expect(text.stdout).toContain(schema as string);
    expect(text.stdout).toContain('parameters: 6 (24 B)');
    expect(text.stdout).toMatch(/lin: torch\.nn\.modules\.linear\.Linear \[6 params\]/);
    const json = cliJson('inspect', f('scripted.pt'), '--json');
    expect(json.parameters).toEqual({ count: 4 * 8 + 8 + 8 * 3 + 3, bytes: 4 * (4 * 8 + 8 + 8 * 3 + 3), byDtype: { float32: { count: 67, bytes: 268 } } });
    expect(json.tree.children.map((c: { name: string }) => c.name)).toEqual(['fc1', 'fc2']);
    expect(json.methods[0].name).toBe('forward');
  });

  it('run: inputs from .npy, .safetensors and .json; output to stdout, .npy, .safetensors, .json', () => {
    const want = expected.mlp.output.data as number[];
    for (const input of [f('x.npy'), f('input.safetensors'), f('input.safetensors:x')]) {
      const r = cli('run', f('scripted.pt'), '--input', input);
      expect([input, r.code, r.stderr]).toEqual([input, 0, '']);
      const out = JSON.parse(r.stdout);
      expect(out.dtype).toBe('float32');
      expect(out.shape).toEqual([2, 3]);
      closeTo(out.data.flat(), want);
    }
    const jsonIn = f('x.json');
    fs.writeFileSync(jsonIn, JSON.stringify(torch.tensor(expected.mlp.input.data).reshape(2, 4).toArray()));
    closeTo(cliJson('run', f('traced.pt'), '-i', jsonIn).data.flat(), want);

    closeTo(cliJson('run', f('scripted.pt'), '--optimize', '-i', f('x.npy')).data.flat(), want);
    expect(cli('run', f('scripted.pt'), '-i', f('x.npy'), '-o', f('out.npy')).code).toBe(0);
    closeTo(torch.npy.loadFile(f('out.npy')).reshape(-1).toArray() as number[], want);
    expect(cli('run', f('scripted.pt'), '-i', f('x.npy'), '--output', f('out.safetensors')).code).toBe(0);
    closeTo(torch.safetensors.loadFile(f('out.safetensors')).output.reshape(-1).toArray() as number[], want);
    expect(cli('run', f('scripted.pt'), '-i', f('x.npy'), '-o', f('out.json')).code).toBe(0);
    closeTo(JSON.parse(fs.readFileSync(f('out.json'), 'utf8')).data.flat(), want);

    // other methods, non-tensor inputs and results
    const word = f('word.json');
    fs.writeFileSync(word, '"four"');
    expect(cliJson('run', f('multi.pt'), '-m', 'count', '-i', word)).toBe(expected.multi.count);
    expect(cliJson('run', f('multi.pt'), '-m', 'big')).toBe(expected.multi.big); // int64 beyond 2^53 as a string
    const two = cli('run', f('multi.pt'), '-m', 'stats', '-i', f('x.npy'), '-o', f('stats.safetensors'));
    expect(two.code).toBe(1); // stats takes a list of tensors
    expect(two.stderr).toMatch(/Expected a value of type 'List\[Tensor\]' for argument 'xs'/);
  });

  it('errors: one line on stderr, exit 2 for usage and 1 for failures, stacks only with --verbose', () => {
    const missing = cli('run', f('nope.pt'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^torchnode: model file not found: .*nope.pt\n/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(cli('run', f('scripted.pt'), '--bogus').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('bench', f('scripted.pt')).stderr).toMatch(/required option '-s, --shape <dims>'/);
    expect(cli('bench', f('scripted.pt'), '--shape', 'a,b').code).toBe(2);
    expect(cli('bench', f('scripted.pt'), '--shape', '2,4', '--iters', '0').code).toBe(2);
    expect(cli('run', f('scripted.pt'), '-m', 'encode').stderr).toMatch(/has no method 'encode' \(it has: forward\)/);
    expect(cli('run', f('scripted.pt'), '-i', f('expected.txt')).code).toBe(2);
    fs.writeFileSync(f('bad.pt'), 'not a model');
    const bad = cli('run', f('bad.pt'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^torchnode: torch.jit.load\(\): cannot load '.*bad.pt'/);
    expect(bad.stderr.trim().split('\n').length).toBe(1);
    const verbose = cli('--verbose', 'run', f('bad.pt'));
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const notTensor = cli('run', f('multi.pt'), '-m', 'pair', '-o', f('p.npy'));
    expect(notTensor.code).toBe(1); // pair needs an argument
  });

  it('bench: latency percentiles and throughput, with concurrency', () => {
    const r = cli('bench', f('scripted.pt'), '--shape', '8,4', '--iters', '30', '--warmup', '2', '--concurrency', '3', '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ method: 'forward', iters: 30, concurrency: 3, shape: [8, 4], dtype: 'float32' });
    const l = out.latencyMs;
    expect(l.p50).toBeGreaterThan(0);
    expect(l.p50).toBeLessThanOrEqual(l.p90);
    expect(l.p90).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    expect(out.throughput).toBeGreaterThan(0);
    expect(cliJson('bench', f('scripted.pt'), '-s', '1,4', '-n', '5', '--optimize', '--json').optimized).toBe(true);
    const text = cli('bench', f('scripted.pt'), '-s', '1,4', '-n', '5', '--no-progress');
    expect(text.stdout).toMatch(/latency ms: p50 [\d.]+ {2}p90 [\d.]+ {2}p99/);
  });
});
