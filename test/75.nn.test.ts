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
  input3: Enc | null;
  call: string | null;
  outputs: Enc[];
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

// A forward's tensors in order (tuples and nested arrays flattened, nulls skipped), as the fixture.
function flat(y: unknown): torch.Tensor[] {
  if (y instanceof torch.Tensor) return [y];
  return Array.isArray(y) ? y.filter((v) => v !== null).flatMap(flat) : [];
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
      const [x, x2, x3] = [c.input, c.input2, c.input3].map((e) => (e === null ? null : build(e)));
      const y = c.call !== null
        ? new Function('m', 'x', 'x2', 'x3', 'torch', `return ${c.call}`)(m, x, x2, x3, torch)
        : x2 !== null ? m.call(x, x2) : m.call(x);
      const outs = flat(y);
      expect(outs.length).toBe(c.outputs.length);
      outs.forEach((t, i) => expectTensor(t, c.outputs[i], `output ${i}`));
      const after = m.stateDict();
      for (const k of c.keys) expectTensor(after[k], c.stateAfter[k], `after forward ${k}`);
      m.dispose();
    });
  });
});

describe('recurrent, attention and transformer layers: bad calls and copies', () => {
  const { nn } = torch;
  it('wrong shapes and options are clear errors', () => {
    torch.scope(() => {
      const lstm = new nn.LSTM(3, 4);
      expect(() => lstm.call(torch.zeros(5, 2, 7))).toThrow(/input.size\(-1\) must be equal to input_size. Expected 3, got 7/);
      expect(() => lstm.call(torch.zeros(5))).toThrow(/Expected input to be 2D or 3D, got 1D tensor instead/);
      expect(() => lstm.call(torch.zeros(5, 2, 3), [torch.zeros(1, 3, 4), torch.zeros(1, 2, 4)])).toThrow(/Expected hidden\[0\] size \(1, 2, 4\), got \[1, 3, 4\]/);
      expect(() => new nn.GRU(3, 4, { projSize: 2 } as never)).toThrow(/proj_size argument is only supported for LSTM/);
      expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow(/proj_size has to be smaller than hidden_size/);
      expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow(/Unknown nonlinearity 'sigmoid'/);
      expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embed_dim must be divisible by num_heads/);
      const mha = new nn.MultiheadAttention(8, 2);
      const x = torch.zeros(3, 2, 8);
      expect(() => mha.call(x, x, x, { attnMask: torch.zeros(2, 2) })).toThrow(/The shape of the 2D attn_mask is \[2,2\], but should be \(3, 3\)/);
      expect(() => mha.call(x, x, x, { keyPaddingMask: torch.zeros(2, 4, { dtype: 'bool' }) })).toThrow(/expecting key_padding_mask shape of \(2, 3\)/);
      expect(() => mha.call(torch.zeros(3, 2, 6), torch.zeros(3, 2, 6), torch.zeros(3, 2, 6))).toThrow(/was expecting embedding dimension of 8, but got 6/);
      const bag = new nn.EmbeddingBag(5, 2);
      expect(() => bag.call(torch.tensor([1, 2]))).toThrow(/offsets has to be a 1D Tensor but got None/);
      expect(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 0)).toThrow(/numLayers must be a positive integer/);
      for (const m of [lstm, mha, bag]) m.dispose();
    });
  });

  it('the stacks deep-copy their layer: same start, separate memory', () => {
    torch.scope(() => {
      const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
      const enc = new nn.TransformerEncoder(layer, 2);
      const sd = enc.stateDict();
      expect(sd['layers.0.linear1.weight'].equal(sd['layers.1.linear1.weight'])).toBe(true);
      expect(sd['layers.0.linear1.weight'].equal(layer.linear1.weight)).toBe(true);
      torch.noGrad(() => (enc.layers.at(0) as torch.nn.TransformerEncoderLayer).linear1.weight.fill_(0));
      expect(sd['layers.1.linear1.weight'].abs().sum().item()).toBeGreaterThan(0);
      expect(layer.linear1.weight.abs().sum().item()).toBeGreaterThan(0);
      expect(enc.parameters().length).toBe(2 * layer.parameters().length);
      enc.dispose();
      layer.dispose();
    });
  });

  it('an LSTM trains: gradients reach every parameter', () => {
    torch.scope(() => {
      torch.manualSeed(0);
      const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
      const [out] = lstm.call(torch.randn(5, 2, 3));
      out.sum().backward();
      for (const [name, p] of lstm.namedParameters()) expect([name, p.grad !== null && p.grad.abs().sum().item() > 0]).toEqual([name, true]);
      expect(lstm.allWeights.length).toBe(4);
      lstm.dispose();
    });
  });

  it('scaledDotProductAttention and rmsNorm: bad calls, gradients, nothing left behind', () => {
    const F = nn.functional;
    torch.scope(() => {
      const q = torch.randn(2, 4, 8);
      expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: torch.ones(4, 4, { dtype: 'bool' }) })).toThrow(/attn_mask should not be set when is_causal=True/);
      expect(() => F.scaledDotProductAttention(q, torch.randn(2, 4, 7), q)).toThrow(torch.TorchError);
      expect(() => F.rmsNorm(q, [4])).toThrow(/expected input with shape \[\*, 4\], but got input of size \[2,4,8\]/);
      expect(() => F.rmsNorm(q, [])).toThrow(torch.TorchError);
      expect(() => new nn.RMSNorm(8).call(torch.ones(2, 8, { dtype: 'int64' }))).toThrow(torch.TorchError);
      // The composed forms (older LibTorch) free their temporaries: only the result is new.
      const before = torch.memory().tensors;
      const y = F.scaledDotProductAttention(q, q, q, { isCausal: true });
      const z = F.rmsNorm(q, [8]);
      expect(torch.memory().tensors).toBe(before + 2);
      expect(y.shape).toEqual([2, 4, 8]);
      expect(z.shape).toEqual([2, 4, 8]);
      // Gradients flow to query, key, value and the RMSNorm scale.
      const [a, b, c] = [torch.randn(1, 3, 4), torch.randn(1, 5, 4), torch.randn(1, 5, 4)].map((t) => t.requiresGrad_());
      const norm = new nn.RMSNorm(4);
      norm.call(F.scaledDotProductAttention(a, b, c, { attnMask: torch.randn(3, 5) })).sum().backward();
      for (const t of [a, b, c, norm.weight!]) expect(t.grad!.abs().sum().item()).toBeGreaterThan(0);
      // float16 is normalized in float32 and comes back as float16.
      const h = F.rmsNorm(q.to('float16'), [8]);
      expect(h.dtype).toBe('float16');
      expect(h.to('float32').sub(z).abs().max().item()).toBeLessThan(1e-2); // float16 rounding of values up to ~3
      norm.dispose();
    });
  });
});
