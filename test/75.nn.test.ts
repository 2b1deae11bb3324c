/**
 * nn layers against Python: after torch.manualSeed(0) a layer must hold exactly the weights
 * Python's holds, under PyTorch's state-dict keys and order; its repr and a training-mode
 * forward pass (output and state afterwards, e.g. batch-norm statistics) must match too.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../src-ts';

interface Enc {
  dtype: string;
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  js: string;
  repr: string;
  keys: string[];
  stateDict: Record<string, Enc>;
  input: Enc;
  input2: Enc | null;
  output: Enc;
  stateAfter: Record<string, Enc>;
}
const fixture: { torch: string; cases: Case[] } = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'nn.json'), 'utf8'));

const build = (e: Enc): torch.Tensor => torch.tensor(e.data, { dtype: e.dtype as torch.DType }).reshape(e.shape);

function expectTensor(actual: torch.Tensor, e: Enc, what: string): void {
  expect([what, actual.dtype, actual.shape]).toEqual([what, e.dtype, e.shape]);
  const got = Array.from(actual.reshape(-1).toTypedArray() as ArrayLike<number | bigint>, Number);
  e.data.forEach((v, i) => {
    if (Math.abs(got[i] - v) > 1e-5 + 1e-5 * Math.abs(v)) throw new Error(`${what}[${i}]: expected ${v}, got ${got[i]}`);
  });
}

describe(`nn layers against Python torch ${fixture.torch}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    torch.scope(() => {
      torch.manualSeed(0);
      const m = new Function('nn', `return ${c.js}`)(torch.nn) as torch.nn.Module;
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(c.keys);
      for (const k of c.keys) expectTensor(sd[k], c.stateDict[k], `initial ${k}`);
      expect(m.toString()).toBe(c.repr);
      const y = c.input2 ? m.call(build(c.input), build(c.input2)) : m.call(build(c.input));
      expectTensor(y as torch.Tensor, c.output, 'output');
      const after = m.stateDict();
      for (const k of c.keys) expectTensor(after[k], c.stateAfter[k], `after forward ${k}`);
      m.dispose();
    });
  });
});
