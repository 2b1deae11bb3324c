/**
 * Differential op suite: every case in fixtures/ops.json (made by fixtures/make_op_cases.py in
 * Python torch on the same LibTorch) runs through torchnode's generated surface and must give the
 * same dtype, shape and values, or raise the same kind of error (with LibTorch's own message).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../src-ts';
import { decode } from './helpers';

interface EncTensor {
  $tensor: { dtype: string; shape: number[]; data: unknown[] };
}
interface Case {
  op: string;
  method: boolean;
  args: unknown[];
  kwargs: Record<string, unknown>;
  result?: unknown;
  error?: { type: string; message: string };
  skipValues?: boolean;
}
const fixture: { torch: string; ops: string[]; cases: Case[] } = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'ops.json'), 'utf8'));

const camel = (s: string): string => s.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
const isTensorEnc = (v: unknown): v is EncTensor => v !== null && typeof v === 'object' && '$tensor' in (v as object);

function build(v: unknown): unknown {
  if (isTensorEnc(v)) {
    const { dtype, shape, data } = v.$tensor;
    const flat = decode(data) as number[];
    if (dtype === 'complex64' || dtype === 'complex128') {
      const re = torch.tensor(flat.length ? flat : [], { dtype: dtype === 'complex64' ? 'float32' : 'float64' });
      return torch.viewAsComplex(re.reshape([...shape, 2])).clone();
    }
    if (dtype === 'float16' || dtype === 'bfloat16') return torch.tensor(flat, { dtype: 'float32' }).reshape(shape).to(dtype as torch.DType);
    return torch.tensor(flat, { dtype: dtype as torch.DType }).reshape(shape);
  }
  if (Array.isArray(v)) return v.map(build);
  if (v !== null && typeof v === 'object' && '$dtype' in (v as object)) return (v as { $dtype: string }).$dtype;
  if (v !== null && typeof v === 'object' && '$slice' in (v as object)) {
    const [a, b, c] = (v as { $slice: (number | null)[] }).$slice;
    return torch.slice(a, b, c);
  }
  return decode(v);
}

function resolve(op: string): (...a: unknown[]) => unknown {
  let obj: unknown = torch;
  for (const part of op.split('.')) obj = (obj as Record<string, unknown>)[camel(part)];
  if (typeof obj !== 'function') throw new Error(`torchnode has no torch.${op}`);
  return obj as (...a: unknown[]) => unknown;
}

function run(c: Case): unknown {
  const args = build(c.args) as unknown[];
  const kw = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), build(v)]));
  const hasKw = Object.keys(kw).length > 0;
  // Python's x[idx] and x[idx] = v
  if (c.op === '__getitem__') return (args[0] as torch.Tensor).index(...(args[1] as torch.Index[]));
  if (c.op === '__setitem__') {
    const x = (args[0] as torch.Tensor).clone();
    return x.indexPut_(args[1] as torch.Index[], args[2] as torch.Tensor);
  }
  if (c.method) {
    const self = args[0] as torch.Tensor;
    const fn = (self as unknown as Record<string, (...a: unknown[]) => unknown>)[camel(c.op).replace(/([^_])$/, '$1')];
    if (typeof fn !== 'function') throw new Error(`torchnode has no Tensor.${camel(c.op)}`);
    const r = fn.apply(self, hasKw ? [...args.slice(1), kw] : args.slice(1));
    return c.op.endsWith('_') ? self : r;
  }
  return resolve(c.op)(...(hasKw ? [...args, kw] : args));
}

const TOL: Record<string, [number, number]> = {
  float16: [1e-2, 1e-3],
  bfloat16: [2e-2, 1e-2],
  float32: [1e-5, 1e-6],
  complex64: [1e-5, 1e-6],
  float64: [1e-10, 1e-12],
  complex128: [1e-10, 1e-12],
};

function compare(actual: unknown, expected: unknown, where: string, skipValues: boolean): void {
  if (isTensorEnc(expected)) {
    if (!(actual instanceof torch.Tensor)) throw new Error(`${where}: expected a Tensor, got ${String(actual)}`);
    const { dtype, shape, data } = expected.$tensor;
    expect([where, actual.dtype, actual.shape]).toEqual([where, dtype, shape]);
    if (skipValues) return;
    const isComplex = dtype.startsWith('complex');
    const flat = isComplex ? torch.viewAsReal(actual.resolveConj()).toTypedArray() : actual.reshape(-1).toTypedArray();
    const want = decode(data) as (number | boolean | bigint)[];
    const [rtol, atol] = TOL[dtype] ?? [0, 0];
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      const a = flat[i];
      if (typeof w === 'boolean') {
        if ((a !== 0) !== w) throw new Error(`${where}[${i}]: expected ${w}, got ${a}`);
      } else if (typeof a === 'bigint') {
        if (a !== BigInt(w as number)) throw new Error(`${where}[${i}]: expected ${w}, got ${a}`);
      } else {
        const x = a as number;
        const y = w as number;
        const ok = Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
        if (!ok) throw new Error(`${where}[${i}]: expected ${y}, got ${x} (${dtype})`);
      }
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${where}: expected ${expected.length} results, got ${String(actual)}`);
    expected.forEach((e, i) => compare(actual[i], e, `${where}[${i}]`, skipValues));
    return;
  }
  if (expected !== null && typeof expected === 'object' && '$dtype' in expected) {
    expect(actual).toBe((expected as { $dtype: string }).$dtype);
    return;
  }
  const e = decode(expected);
  if (typeof e === 'number' && typeof actual === 'number') {
    if (!(actual === e || Math.abs(actual - e) <= 1e-6 * Math.max(1, Math.abs(e)))) throw new Error(`${where}: expected ${e}, got ${actual}`);
    return;
  }
  expect(actual).toEqual(e);
}

const ERROR_CLASS: Record<string, new (...a: never[]) => Error> = {
  RuntimeError: torch.TorchError,
  _LinAlgError: torch.TorchError,
  IndexError: torch.IndexError,
  TypeError: torch.TypeError,
  ValueError: torch.ValueError,
  NotImplementedError: torch.NotImplementedError,
};

describe(`ops against Python torch ${fixture.torch}`, () => {
  it(`covers at least 300 distinct ops (${fixture.ops.length})`, () => {
    expect(fixture.ops.length).toBeGreaterThanOrEqual(300);
  });

  const byOp = new Map<string, Case[]>();
  for (const c of fixture.cases) {
    const key = c.method ? `Tensor.${c.op}` : c.op;
    if (!byOp.has(key)) byOp.set(key, []);
    byOp.get(key)!.push(c);
  }
  it.each([...byOp.keys()])('%s', (key) => {
    torch.scope(() => {
      byOp.get(key)!.forEach((c, i) => {
        const where = `${key} case ${i + 1}`;
        if (c.error) {
          let thrown: unknown;
          try {
            run(c);
          } catch (e) {
            thrown = e;
          }
          if (thrown === undefined) throw new Error(`${where}: Python raised ${c.error.type}: ${c.error.message}; torchnode did not`);
          // An op a newer LibTorch removed (Python keeps a stub that raises): torchnode names it.
          if (thrown instanceof torch.NotImplementedError && /is not available in the running LibTorch/.test(thrown.message)) return;
          expect(thrown).toBeInstanceOf(ERROR_CLASS[c.error.type] ?? torch.TorchError);
          // LibTorch's own errors carry LibTorch's message; argument errors are worded by each binding.
          if (c.error.type !== 'TypeError') expect((thrown as Error).message.split('\n')[0]).toBe(c.error.message);
          return;
        }
        compare(run(c), c.result, where, c.skipValues ?? false);
      });
    });
  });
});

// Complex dot products by every route, against the same products composed from mul and sum
// (elementwise kernels, no BLAS): on a LibTorch whose BLAS returns complex results by another
// convention (Debian's 1.13 with OpenBLAS gave 0 for all of these), torchnode corrects them.
describe('complex dot products', () => {
  const c = (pairs: number[][], dtype: 'float32' | 'float64' = 'float32'): torch.Tensor => torch.viewAsComplex(torch.tensor(pairs, { dtype }));
  const close = (a: torch.Tensor, b: torch.Tensor): void => {
    expect(torch.viewAsReal(a.resolveConj()).reshape([-1]).toArray()).toEqual(
      (torch.viewAsReal(b.resolveConj()).reshape([-1]).toArray() as number[]).map((v) => expect.closeTo(v, 5)),
    );
  };

  it('dot, vdot, matmul and conjugate views agree with the definition', () => {
    torch.scope(() => {
      const a = c([[1, 1], [2, -1], [0.5, 3]]);
      const b = c([[3, 0.5], [0, 1], [-2, 0.25]]);
      const byDef = a.mul(b).sum();
      close(torch.dot(a, b), byDef);
      close(a.matmul(b), byDef);
      close(torch.vdot(a, b), a.conj().mul(b).sum());
      close(torch.dot(a.conj(), b), a.conj().mul(b).sum());
      close(torch.dot(a.conj(), b.conj()), a.conj().mul(b.conj()).sum());
      close(torch.dot(a.to('complex128'), b.to('complex128')), byDef.to('complex128'));
      // Not zero: the value Debian's LibTorch 1.13 BLAS path returned.
      expect(torch.viewAsReal(torch.dot(a, b)).abs().sum().item()).toBeGreaterThan(1);
      expect(typeof torch.config().blas.complexDotCorrected).toBe('boolean');
    });
  });

  it('gradients and TorchScript take the same path', () => {
    torch.scope(() => {
      const a = c([[1, 1], [2, -1]]).requiresGrad_();
      const b = c([[3, 0.5], [0, 1]]);
      torch.viewAsReal(torch.vdot(a, b)).sum().backward();
      const a2 = a.detach().clone().requiresGrad_();
      torch.viewAsReal(a2.conj().mul(b).sum()).sum().backward();
      close(a.grad!, a2.grad!);
      const cu = torch.jit.compile('def f(x: Tensor, y: Tensor):\n    return torch.dot(x, y)\n');
      close(cu.call('f', a.detach(), b) as torch.Tensor, a.detach().mul(b).sum());
    });
  });

  it('bad calls keep LibTorch’s errors', () => {
    torch.scope(() => {
      const a = c([[1, 1], [2, -1]]);
      expect(() => torch.dot(a, a.to('complex128'))).toThrow(/expected both vectors to have same dtype/);
      expect(() => torch.dot(a, c([[1, 1]]))).toThrow(/inconsistent tensor size/);
      expect(() => torch.vdot(a.reshape([1, 2]), a)).toThrow(/1D tensors expected/);
    });
  });
});
