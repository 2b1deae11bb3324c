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
  if (y instanceof torch.nn.utils.rnn.PackedSequence) return flat([y.data, y.batchSizes, y.sortedIndices, y.unsortedIndices]);
  return Array.isArray(y) ? y.filter((v) => v !== null).flatMap(flat) : [];
}

describe(`nn layers against Python torch ${fixture.torch}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    torch.scope(() => {
      torch.manualSeed(0);
      const m = new Function('nn', 'torch', `return ${c.js}`)(torch.nn, torch) as torch.nn.Module;
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(c.keys);
      for (const k of c.keys) expectTensor(sd[k], c.stateDict[k], `initial ${k}`);
      expect(m.toString()).toBe(c.repr);
      const [x, x2, x3] = [c.input, c.input2, c.input3].map((e) => (e === null ? null : build(e)));
      // The forward leaves only its results behind: its temporaries are freed, not left to the GC.
      // Counted from just before to just after forward (targets the call builds are not counted).
      let leftBehind: string | null = null;
      let before = 0;
      m.registerForwardPreHook(() => void (before = torch.memory().tensors));
      m.registerForwardHook((_m, args, out) => {
        const made = new Set(flat(out).filter((t) => !flat(args).includes(t))).size;
        leftBehind = `${torch.memory().tensors - before - made} left behind`;
      });
      const y = c.call !== null
        ? new Function('m', 'x', 'x2', 'x3', 'torch', `return ${c.call}`)(m, x, x2, x3, torch)
        : x2 !== null ? m.call(x, x2) : m.call(x);
      if (leftBehind !== null) expect(leftBehind).toBe('0 left behind');
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
      const tf = new nn.Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
      expect(() => tf.call(torch.zeros(5, 2, 8), torch.zeros(4, 3, 8))).toThrow(/the batch number of src and tgt must be equal/);
      expect(() => tf.call(torch.zeros(5, 2, 8), torch.zeros(4, 2, 6))).toThrow(/the feature number of src and tgt must be equal to d_model/);
      expect(tf.call(torch.zeros(5, 8), torch.zeros(4, 8)).shape).toEqual([4, 8]); // unbatched
      expect(nn.Transformer.generateSquareSubsequentMask(3).toArray()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
      expect(() => new nn.Softmax2d().call(torch.zeros(2, 3))).toThrow(/Softmax2d: expected input to be 3D or 4D, got 2D instead/);
      for (const m of [lstm, mha, bag, tf]) m.dispose();
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

  it('RNN, LSTM and GRU leave only their results behind (zero state and unbatched views freed)', () => {
    const layers = [new nn.RNN(3, 4), new nn.LSTM(3, 4, { projSize: 2 }), new nn.GRU(3, 4, { batchFirst: true })];
    const x = torch.randn(5, 3); // unbatched: unsqueezed and squeezed inside
    const xb = torch.randn(5, 2, 3);
    for (const layer of layers) {
      for (const input of [x, xb]) {
        const before = torch.memory().tensors;
        const out = (layer as torch.nn.Module).call(input) as [torch.Tensor, torch.Tensor | [torch.Tensor, torch.Tensor]];
        const results = [out[0], ...(Array.isArray(out[1]) ? out[1] : [out[1]])];
        expect([layer.constructor.name, input.dim(), torch.memory().tensors]).toEqual([layer.constructor.name, input.dim(), before + results.length]);
        for (const r of results) r.dispose();
      }
      layer.dispose();
    }
    x.dispose();
    xb.dispose();
  });

  it('packed sequences: gradients skip the padding, scopes keep what a PackedSequence carries, bad calls', () => {
    const R = nn.utils.rnn;
    torch.scope(() => {
      const x = torch.randn(5, 3, 2).requiresGrad_();
      const lstm = new nn.LSTM(2, 4);
      const packed = R.packPaddedSequence(x, [2, 5, 3], { enforceSorted: false });
      expect(packed.batchSizes.toArray()).toEqual([3, 3, 2, 1, 1]);
      expect(packed.sortedIndices!.toArray()).toEqual([1, 2, 0]);
      expect(packed.unsortedIndices!.toArray()).toEqual([2, 0, 1]);
      const [out, [h]] = lstm.call(packed);
      const [padded, lengths] = R.padPackedSequence(out);
      expect(lengths.toArray()).toEqual([2, 5, 3]);
      expect(padded.shape).toEqual([5, 3, 4]);
      // h_n is each sequence's own last step, in the caller's order.
      expect(h.index(0).index(0).allclose(padded.index(1).index(0))).toBe(true);
      expect(h.index(0).index(2).allclose(padded.index(2).index(2))).toBe(true);
      expect(padded.index(2).index(0).abs().sum().item()).toBe(0); // past sequence 0's length
      padded.sum().backward();
      const g = x.grad!;
      expect(g.slice(0, 2, 5).select(1, 0).abs().sum().item()).toBe(0); // padding gets no gradient
      expect(g.slice(0, 0, 2).select(1, 0).abs().sum().item()).toBeGreaterThan(0);

      // A PackedSequence returned from a scope keeps its tensors; dispose() frees them.
      const kept = torch.scope(() => R.packSequence([torch.ones(3, 2), torch.ones(1, 2)]));
      expect(kept.data.isDisposed).toBe(false);
      expect(kept.batchSizes.toArray()).toEqual([2, 1, 1]);
      const cast = kept.to('float64');
      expect([cast.data.dtype, cast.batchSizes.dtype]).toEqual(['float64', 'int64']);
      kept.dispose();
      expect(kept.data.isDisposed).toBe(true);
      expect(cast.batchSizes.toArray()).toEqual([2, 1, 1]); // its own handles
      expect(R.unpackSequence(cast).map((t) => t.shape)).toEqual([[3, 2], [1, 2]]);
      expect(R.unpadSequence(torch.zeros(4, 2, 3), [4, 1]).map((t) => t.shape)).toEqual([[4, 3], [1, 3]]);

      expect(() => R.packPaddedSequence(x, [2, 5, 3])).toThrow(/`lengths` array must be sorted in decreasing order when `enforceSorted` is true/);
      expect(() => R.packPaddedSequence(x, [5, 3, 0])).toThrow(/Length of all samples has to be greater than 0/);
      expect(() => R.packPaddedSequence(x, [5, 3])).toThrow(/Expected `len\(lengths\)` to be equal to batch_size, but got 2 \(batch_size=3\)/);
      expect(() => R.packPaddedSequence(x, [6, 3, 1])).toThrow(/a length of 6 is longer than the 5 steps/);
      expect(() => R.padPackedSequence(packed, { totalLength: 3 })).toThrow(/Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 5/);
      expect(() => R.padSequence([])).toThrow(/received an empty list of sequences/);
      expect(() => lstm.call(R.packSequence([torch.ones(2, 3)]))).toThrow(/input.size\(-1\) must be equal to input_size. Expected 2, got 3/);
      expect(() => lstm.call(packed, [torch.zeros(1, 2, 4), torch.zeros(1, 3, 4)])).toThrow(/Expected hidden\[0\] size \(1, 3, 4\), got \[1, 2, 4\]/);
      expect(() => new R.PackedSequence(torch.ones(2, 2), torch.ones(2))).toThrow(/batchSizes must be a 1-D int64 CPU tensor/);

      // Parameters as one vector and back.
      const lin = new nn.Linear(3, 2);
      const vec = nn.utils.parametersToVector(lin.parameters());
      expect(vec.shape).toEqual([8]);
      nn.utils.vectorToParameters(vec.mul(0).add(1), lin.parameters());
      expect(lin.weight.sum().item()).toBe(6);
      expect(() => nn.utils.vectorToParameters(torch.ones(7), lin.parameters())).toThrow(/expected a vector of 8 elements, got shape \[7\]/);
      lstm.dispose();
      lin.dispose();
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

  it('unpooling, fractional pooling, sampling grids, Gumbel-softmax: bad calls, gradients, nothing left behind', () => {
    const F = nn.functional;
    torch.scope(() => {
      const x = torch.randn(1, 2, 5, 5);
      const [values, indices] = F.maxPool2d(x, 2, { returnIndices: true });
      expect(() => F.maxUnpool2d(values, indices, 2, { outputSize: [7, 7] })).toThrow(/invalid output_size "\[7, 7\]" \(dim 0 must be between 2 and 6\)/);
      expect(() => F.maxUnpool2d(values, indices, 2, { outputSize: [5] })).toThrow(/output_size should be a sequence containing 2 or 4 elements, but it has a length of '1'/);
      expect(F.maxUnpool2d(values, indices, 2, { outputSize: [1, 2, 5, 5] }).shape).toEqual([1, 2, 5, 5]);
      expect(() => new nn.FractionalMaxPool2d(2)).toThrow(/FractionalMaxPool2d requires specifying either an output size, or a pooling ratio/);
      expect(() => new nn.FractionalMaxPool2d(2, { outputRatio: 1.5 })).toThrow(/output_ratio must be between 0 and 1 \(got 1.5\)/);
      expect(() => F.fractionalMaxPool2d(x, 2)).toThrow(/fractional_max_pool2d requires specifying either an output_size or an output_ratio/);
      const theta = torch.tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: 'float32' });
      expect(() => F.affineGrid(theta, [1, 2, 3])).toThrow(/affine_grid only supports 4D and 5D sizes/);
      expect(() => F.affineGrid(theta, [1, 2, 3, 3, 3])).toThrow(/Expected a batch of 3D affine matrices of shape Nx3x4 for size \[1, 2, 3, 3, 3\]. Got torch.Size\(\[1, 2, 3\]\)./);
      expect(() => F.affineGrid(theta.long(), [1, 2, 3, 3])).toThrow(/Expected theta to have floating point type, but got torch.int64/);
      expect(() => F.affineGrid(theta, [1, 2, 0, 3])).toThrow(/Expected non-zero, positive output size/);
      expect(() => F.gridSample(x, torch.zeros(1, 2, 2, 2), { mode: 'area' as never })).toThrow(/expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'/);
      expect(() => F.gridSample(x, torch.zeros(1, 2, 2, 2), { paddingMode: 'wrap' as never })).toThrow(/expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'wrap'/);
      expect(() => F.tripletMarginWithDistanceLoss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(3))).toThrow(/expected to have the same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs/);
      // The identity grid samples the input back; gradients reach the input and the transform.
      const img = torch.randn(1, 1, 4, 4).requiresGrad_();
      const t = theta.clone().requiresGrad_();
      const out = F.gridSample(img, F.affineGrid(t, [1, 1, 4, 4], { alignCorners: false }), { alignCorners: false });
      expect(out.allclose(img, { atol: 1e-6 })).toBe(true);
      out.pow(2).sum().backward();
      expect([img.grad!.abs().sum().item() > 0, t.grad!.abs().sum().item() > 0]).toEqual([true, true]);
      // Hard Gumbel-softmax: one-hot values, the soft sample's gradient.
      const logits = torch.randn(4, 6).requiresGrad_();
      const y = F.gumbelSoftmax(logits, { hard: true });
      expect(y.sum(-1).toArray()).toEqual([1, 1, 1, 1]);
      expect(y.eq(1).sum().item()).toBe(4);
      y.mul(torch.arange(6)).sum().backward();
      expect(logits.grad!.abs().sum().item()).toBeGreaterThan(0);
      // The composed ones free their temporaries.
      const pooled = F.maxPool1d(x.reshape(2, 5, 5), 2, { returnIndices: true });
      const before = torch.memory().tensors;
      const r = [F.gumbelSoftmax(logits), F.maxUnpool1d(...pooled, 2), F.fractionalMaxPool2d(x, 2, { outputSize: 2 }), F.tripletMarginWithDistanceLoss(x, x, x, { swap: true })];
      expect(torch.memory().tensors - before).toBe(r.length);
    });
  });

  it('activation, padding, resampling, pooling, norm, dropout and cell layers: bad calls are clear errors', () => {
    const F = nn.functional;
    torch.scope(() => {
      const img = torch.randn(1, 2, 3, 3);
      expect(() => F.glu(torch.tensor(1.0))).toThrow(/glu does not support scalars/);
      expect(() => new nn.GLU().call(torch.randn(2, 5))).toThrow(/Halving dimension must be even/);
      expect(() => new nn.Hardtanh(1, -1)).toThrow(/maxVal \(-1\) must be greater than minVal \(1\)/);
      expect(() => new nn.PReLU(3).call(torch.randn(2, 4))).toThrow(torch.TorchError);
      expect(() => new nn.ConstantPad2d([1, 2, 3], 0)).toThrow(/ConstantPad2d: padding must be an integer or 4 integers/);
      expect(() => new nn.ReflectionPad2d(3).call(img)).toThrow(/Padding size should be less than the corresponding input dimension/);
      expect(() => F.pad(img, [1, 1], { mode: 'wrap' as never })).toThrow(torch.TorchError);
      expect(() => F.interpolate(img, { size: 4, scaleFactor: 2 })).toThrow(/only one of size or scale_factor should be defined/);
      expect(() => F.interpolate(img)).toThrow(/either size or scale_factor should be defined/);
      expect(() => F.interpolate(img, { size: 4, alignCorners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
      expect(() => F.interpolate(img, { size: [4, 4, 4] })).toThrow(/Input and output must have the same number of spatial dimensions/);
      expect(() => F.interpolate(torch.randn(1, 2, 3), { size: 4, mode: 'bilinear' })).toThrow(torch.NotImplementedError);
      expect(() => F.interpolate(torch.randn(1, 2, 3), { size: 4, mode: 'bilinear' })).toThrow(/Got 3D input, but bilinear mode needs 4D input/);
      expect(() => F.interpolate(torch.randn(2, 3), { size: 4 })).toThrow(/Only 3D, 4D and 5D input Tensors supported \(got 2D\)/);
      expect(() => F.interpolate(img, { scaleFactor: 2, antialias: true })).toThrow(/Anti-alias option is only supported for bilinear and bicubic modes/);
      expect(() => F.interpolate(img, { size: 4, recomputeScaleFactor: true })).toThrow(/recompute_scale_factor is not meaningful with an explicit size/);
      expect(() => new nn.Upsample()).toThrow(/either size or scale_factor should be defined/);
      expect(() => new nn.Fold([4, 5], 2).call(torch.randn(1, 7, 12))).toThrow(torch.TorchError);
      expect(() => new nn.InstanceNorm2d(2).call(torch.randn(2, 3))).toThrow(/expected 3D or 4D input \(got 2D input\)/);
      expect(() => new nn.InstanceNorm1d(3, { affine: true }).call(torch.randn(2, 4, 5))).toThrow(/expected input's size at dim=1 to match num_features \(3\), but got: 4/);
      expect(() => new nn.InstanceNorm2d(2).call(torch.randn(3, 2, 1, 1))).toThrow(/Expected more than 1 spatial element when training, got input size \[3, 2, 1, 1\]/);
      expect(() => new nn.BatchNorm3d(2).call(img)).toThrow(/expected 5D input \(got 4D input\)/);
      expect(() => new nn.LocalResponseNorm(2).call(torch.randn(2, 3))).toThrow(/Expected 3D or higher dimensionality input \(got 2 dimensions\)/);
      expect(() => new nn.Dropout1d().call(img)).toThrow(/dropout1d: Expected 2D or 3D input, but received a 4D input/);
      expect(() => new nn.Dropout3d(1.5)).toThrow(/dropout probability has to be between 0 and 1, but got 1.5/);
      expect(() => new nn.RNNCell(3, 4).call(torch.randn(2, 2, 3))).toThrow(/RNNCell: Expected input to be 1-D or 2-D but received 3-D tensor/);
      expect(() => new nn.GRUCell(3, 4).call(torch.randn(2, 5))).toThrow(/input has inconsistent input_size: got 5 expected 3/);
      expect(() => new nn.GRUCell(3, 4).call(torch.randn(2, 3), torch.randn(3, 4))).toThrow(/GRUCell: expected hidden state of size \(2, 4\), got \[3, 4\]/);
      expect(() => new nn.LSTMCell(3, 4).call(torch.randn(2, 3), torch.randn(2, 4) as never)).toThrow(/LSTMCell: hx must be \[h_0, c_0\]/);
      expect(() => new nn.RNNCell(3, 4, { nonlinearity: 'gelu' as never })).toThrow(/Unknown nonlinearity: gelu/);
      const gone = torch.randn(1, 2, 4, 4);
      gone.dispose();
      expect(() => new nn.PixelShuffle(2).call(gone)).toThrow(/disposed/);
      expect(() => F.interpolate(gone, { scaleFactor: 2 })).toThrow(/disposed/);
    });
  });

  it('the composed layers free their temporaries, train through their cells, and give indices on request', () => {
    const F = nn.functional;
    torch.scope(() => {
      torch.manualSeed(0);
      const x = torch.randn(2, 4, 6, 6);
      const layers: [torch.nn.Module, torch.Tensor[]][] = [
        [new nn.Softsign(), [x]], [new nn.Tanhshrink(), [x]], [new nn.Softmin(1), [x]], [new nn.LocalResponseNorm(3), [x]],
        [new nn.LPPool2d(2, 2), [x]], [new nn.InstanceNorm3d(4), [x]], [new nn.Dropout1d(), [x.reshape(2, 4, 36)]],
        [new nn.Upsample({ scaleFactor: 0.5, mode: 'area' }), [x]], [new nn.AdaptiveMaxPool2d(2), [x]], [new nn.RNNCell(6, 3), [x.reshape(-1, 6)]],
      ];
      const before = torch.memory().tensors;
      for (const [m, args] of layers) m.call(...args);
      expect(torch.memory().tensors).toBe(before + layers.length); // one result each
      expect(F.normalize(x).shape).toEqual([2, 4, 6, 6]);
      expect(torch.memory().tensors).toBe(before + layers.length + 1);
      const [values, indices] = F.adaptiveMaxPool2d(x, 3, { returnIndices: true });
      expect([values.shape, indices.dtype]).toEqual([[2, 4, 3, 3], 'int64']);
      // A cell unrolled by hand trains: gradients reach its weights.
      const cell = new nn.LSTMCell(6, 3);
      let hc: [torch.Tensor, torch.Tensor] | null = null;
      for (let t = 0; t < 4; t++) hc = cell.call(x.select(1, t).select(1, 0), hc);
      hc![0].sum().backward();
      for (const [name, p] of cell.namedParameters()) expect([name, p.grad!.abs().sum().item() > 0]).toEqual([name, true]);
      for (const [m] of layers) m.dispose();
      cell.dispose();
    });
  });

  it('losses: bad calls, composed forms free their temporaries, weights are buffers the caller keeps', () => {
    const F = nn.functional;
    torch.scope(() => {
      const x = torch.randn(3, 4);
      const t = torch.randn(3, 4);
      expect(() => F.gaussianNllLoss(x, t, torch.ones(2))).toThrow(/var is of incorrect size/);
      expect(() => F.gaussianNllLoss(x, t, torch.ones(3, 4).neg())).toThrow(/var has negative entry\/entries/);
      expect(() => F.gaussianNllLoss(x, t, torch.ones(3, 4), { reduction: 'avg' as never })).toThrow(/avg is not a valid value for reduction/);
      expect(() => F.marginRankingLoss(x, t, torch.ones(3))).toThrow(/All input tensors should have same dimension/);
      expect(() => new nn.MultiMarginLoss({ p: 3 })).toThrow(/only p == 1 and p == 2 supported/);
      expect(() => F.multiMarginLoss(x, torch.tensor([0, 1, 2]), { weight: torch.ones(2, 2) })).toThrow(/weight must be one-dimensional/);
      expect(() => F.ctcLoss(x.reshape(3, 1, 4), torch.tensor([[1]]), [3], torch.tensor([1]))).toThrow(/both be tensors or both be arrays/);
      expect(() => new nn.CrossEntropyLoss().call(x, torch.tensor([0, 1, 9]))).toThrow(torch.TorchError);
      const variance = torch.ones(3);
      const labels = t.gt(0).to('float32');
      const before = torch.memory().tensors;
      F.gaussianNllLoss(x, t, variance);
      F.multilabelSoftMarginLoss(x, labels);
      expect(torch.memory().tensors).toBe(before + 2); // one result each
      const w = torch.tensor([1, 2, 3, 4], { dtype: 'float32' });
      const ce = new nn.CrossEntropyLoss({ weight: w });
      expect(Object.keys(ce.stateDict())).toEqual(['weight']);
      ce.to('float64');
      expect([ce.weight!.dtype, w.dtype]).toEqual(['float64', 'float32']);
      ce.dispose();
      expect(w.sum().item()).toBe(10); // the caller's tensor outlives the module
    });
  });
});
