/**
 * torch.fused on the CPU (the CUDA kernels are checked in test/cuda/cases.js): each fused op
 * against the LibTorch composition it replaces, the fused Adam/AdamW against Python's
 * trajectories, and bad calls.
 */
import * as torch from '../src-ts';
import { fixture, replay } from './optim_cases';
const { nn } = torch;

const maxDiff = (a: torch.Tensor, b: torch.Tensor): number => a.sub(b).abs().max().item() as number;

describe('fused.normalizeImages', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const composition = (imgs: torch.Tensor, m: number[], s: number[]): torch.Tensor =>
    imgs.permute(0, 3, 1, 2).float().div(255).sub(torch.tensor(m).view(1, -1, 1, 1)).div(torch.tensor(s).view(1, -1, 1, 1));

  it('uint8 NHWC to normalized float NCHW, as the composition', () => {
    torch.manualSeed(0);
    const imgs = torch.randint(0, 256, [3, 31, 17, 3], { dtype: 'uint8' });
    const out = torch.fused.normalizeImages(imgs, { mean, std });
    expect(out.shape).toEqual([3, 3, 31, 17]);
    expect(out.dtype).toBe('float32');
    expect(maxDiff(out, composition(imgs, mean, std))).toBeLessThan(1e-5);
    // Extremes land where the formula says.
    const white = torch.fused.normalizeImages(torch.full([1, 1, 1, 3], 255, { dtype: 'uint8' }), { mean, std });
    expect(Array.from(white.reshape(-1).toTypedArray() as Float32Array).map((v) => Number(v.toFixed(4)))).toEqual(mean.map((m, i) => Number(((1 - m) / std[i]).toFixed(4))));
  });

  it('defaults to [0, 1] scaling; one mean/std for all channels; other dtypes; non-contiguous input', () => {
    const imgs = torch.randint(0, 256, [2, 4, 5, 1], { dtype: 'uint8' });
    expect(maxDiff(torch.fused.normalizeImages(imgs), imgs.permute(0, 3, 1, 2).float().div(255))).toBeLessThan(1e-6);
    const rgba = torch.randint(0, 256, [2, 4, 5, 4], { dtype: 'uint8' });
    expect(maxDiff(torch.fused.normalizeImages(rgba, { mean: 0.5, std: 0.5 }), composition(rgba, [0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]))).toBeLessThan(1e-5);
    const half = torch.fused.normalizeImages(rgba, { mean: 0.5, std: 0.5, dtype: 'float16' });
    expect(half.dtype).toBe('float16');
    expect(maxDiff(half.float(), composition(rgba, [0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]))).toBeLessThan(2e-3);
    expect(torch.fused.normalizeImages(rgba, { dtype: 'float64' }).dtype).toBe('float64');
    const nchw = torch.randint(0, 256, [2, 3, 6, 7], { dtype: 'uint8' });
    const view = nchw.permute(0, 2, 3, 1); // NHWC view of NCHW memory
    expect(maxDiff(torch.fused.normalizeImages(view, { mean, std }), composition(view, mean, std))).toBeLessThan(1e-5);
    expect(torch.fused.normalizeImages(torch.empty([0, 4, 4, 3], { dtype: 'uint8' })).shape).toEqual([0, 3, 4, 4]);
  });

  it('bad calls are clear errors', () => {
    const imgs = torch.zeros([1, 2, 2, 3], { dtype: 'uint8' });
    expect(() => torch.fused.normalizeImages(imgs.float())).toThrow(/expected a uint8 tensor/);
    expect(() => torch.fused.normalizeImages(torch.zeros([2, 2, 3], { dtype: 'uint8' }))).toThrow(/shape \(N, H, W, C\)/);
    expect(() => torch.fused.normalizeImages(imgs, { mean: [0.5, 0.5] })).toThrow(/one value per channel \(3\)/);
    expect(() => torch.fused.normalizeImages(imgs, { std: [1, 0, 1] })).toThrow(/std must not contain 0/);
    expect(() => torch.fused.normalizeImages(imgs, { dtype: 'int32' })).toThrow(/floating type/);
    expect(() => torch.fused.normalizeImages(imgs, { mean: 'x' as unknown as number })).toThrow(torch.TypeError);
    expect(() => torch.fused.normalizeImages([1, 2] as unknown as torch.Tensor)).toThrow(/argument 'images' must be a Tensor/);
    const d = torch.zeros([1, 1, 1, 3], { dtype: 'uint8' });
    d.dispose();
    expect(() => torch.fused.normalizeImages(d)).toThrow(/disposed/);
  });
});

describe('fused.biasGelu', () => {
  for (const approximate of ['none', 'tanh'] as const) {
    it(`gelu(x + bias) with approximate='${approximate}': forward and gradients as the composition`, () => {
      torch.manualSeed(1);
      const x0 = torch.randn(4, 5, 6, { dtype: 'float64' });
      const b0 = torch.randn(6, { dtype: 'float64' });
      const [x1, b1, x2, b2] = [x0, b0, x0, b0].map((t) => t.clone().requiresGrad_(true));
      const y1 = torch.fused.biasGelu(x1, b1, { approximate });
      const y2 = nn.functional.gelu(x2.add(b2), { approximate });
      expect(maxDiff(y1, y2)).toBeLessThan(1e-12);
      const g = torch.randn(4, 5, 6, { dtype: 'float64' });
      y1.backward(g);
      y2.backward(g);
      expect(maxDiff(x1.grad!, x2.grad!)).toBeLessThan(1e-12);
      expect(maxDiff(b1.grad!, b2.grad!)).toBeLessThan(1e-12);
    });
  }

  it('gradients agree with finite differences', () => {
    torch.manualSeed(2);
    const x = torch.randn(3, 4, { dtype: 'float64' }).requiresGrad_(true);
    const b = torch.randn(4, { dtype: 'float64' }).requiresGrad_(true);
    torch.fused.biasGelu(x, b).sum().backward();
    const eps = 1e-6;
    const f = (xx: torch.Tensor, bb: torch.Tensor): number => torch.noGrad(() => torch.fused.biasGelu(xx, bb).sum().item() as number);
    const xs = x.detach();
    const bs = b.detach();
    const basis = torch.eye(4, { dtype: 'float64' }).mul(eps);
    for (let j = 0; j < 4; j++) {
      const e = basis.select(0, j);
      const numeric = (f(xs, bs.add(e)) - f(xs, bs.sub(e))) / (2 * eps);
      expect(Math.abs(numeric - (b.grad!.select(0, j).item() as number))).toBeLessThan(1e-6);
    }
    // and for one input element
    const dx = torch.tensor([[0, 0, 0, 0], [0, eps, 0, 0], [0, 0, 0, 0]], { dtype: 'float64' });
    const numericX = (f(xs.add(dx), bs) - f(xs.sub(dx), bs)) / (2 * eps);
    expect(Math.abs(numericX - (x.grad!.select(0, 1).select(0, 1).item() as number))).toBeLessThan(1e-6);
  });

  it('float32 and no-grad inputs; bad calls are clear errors', () => {
    const x = torch.randn(2, 3);
    const b = torch.randn(3);
    expect(maxDiff(torch.fused.biasGelu(x, b), nn.functional.gelu(x.add(b)))).toBeLessThan(1e-6);
    expect(torch.fused.biasGelu(x, b).requiresGrad).toBe(false);
    expect(() => torch.fused.biasGelu(x, torch.randn(4))).toThrow(/last dimension \(3\) must match bias \(4\)/);
    expect(() => torch.fused.biasGelu(x, torch.randn(1, 3))).toThrow(/bias must be 1-D/);
    expect(() => torch.fused.biasGelu(x, b.double())).toThrow(/input is Float but bias is Double/);
    expect(() => torch.fused.biasGelu(x, b, { approximate: 'fast' as 'tanh' })).toThrow(/approximate must be 'none' or 'tanh'/);
    expect(() => torch.fused.biasGelu(x, 3 as unknown as torch.Tensor)).toThrow(/argument 'bias' must be a Tensor/);
  });
});

describe('fused Adam/AdamW', () => {
  const adamCases = fixture.optim.filter((c) => /new optim\.Adam/.test(c.js));
  it('has Python trajectories to check against', () => expect(adamCases.length).toBeGreaterThanOrEqual(4));

  it.each(adamCases.map((c) => [c.name, c] as const))('%s with fused: true follows Python', (_n, c) => {
    // The same optimizer expression as the fixture, with fused: true added to its options.
    const js = c.js.replace(/\{ lr: ([^}]*)\}\)$/, '{ lr: $1, fused: true })');
    expect(js).toContain('fused: true');
    const { model, opt, before } = replay(c, js);
    // Only the optimizer's state stays behind.
    const state = opt.stateDict().state as Map<number, Record<string, unknown>>;
    const stateTensors = [...state.values()].reduce((n, s) => n + Object.keys(s).length, 0);
    expect(torch.memory().tensors - before).toBeLessThanOrEqual(stateTensors);
    expect(opt.stateDict().param_groups[0].fused).toBe(true);
    opt.dispose();
    model.dispose();
  });

  it('adam_ checks its lists', () => {
    const p = [torch.zeros(3)];
    const g = [torch.ones(3)];
    const m = [torch.zeros(3)];
    const v = [torch.zeros(3)];
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.999 };
    expect(() => torch.fused.adam_(p, g, m, [], [], [1], o)).toThrow(/must have the same length/);
    expect(() => torch.fused.adam_(p, [torch.ones(4)], m, v, [], [1], o)).toThrow(/has shape \[4\], expected \[3\]/);
    expect(() => torch.fused.adam_(p, [torch.ones(3, { dtype: 'float64' })], m, v, [], [1], o)).toThrow(/is Double, expected Float/);
    expect(() => torch.fused.adam_(p, g, m, v, [], [0], o)).toThrow(/steps must be >= 1/);
    expect(() => torch.fused.adam_(p, g, m, v, [], [1], { ...o, amsgrad: true })).toThrow(/amsgrad needs one max_exp_avg_sqs/);
    expect(() => torch.fused.adam_([torch.zeros(3, { dtype: 'int64' })], [torch.zeros(3, { dtype: 'int64' })], [torch.zeros(3, { dtype: 'int64' })], [torch.zeros(3, { dtype: 'int64' })], [], [1], o)).toThrow(/only floating-point parameters/);
    expect(() => torch.fused.adam_(p, g, m, v, [], [1.5], o)).toThrow(/argument 'steps' must be an array of integers/);
    expect(() => torch.fused.adam_(p, [3 as unknown as torch.Tensor], m, v, [], [1], o)).toThrow(/argument 'grads\[0\]' must be a Tensor/);
    // A failed check changes nothing.
    expect(p[0].toArray()).toEqual([0, 0, 0]);
  });
});
