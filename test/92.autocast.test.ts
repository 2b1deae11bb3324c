/**
 * torch.autocast on the CPU (bfloat16), which every build has; the CUDA form is in
 * test/cuda/cases.js. Which ops change precision is LibTorch's own policy, as in PyTorch.
 */
import * as torch from '../src-ts';

describe('torch.autocast', () => {
  const a = torch.randn(8, 8);
  const b = torch.randn(8, 8);

  it("runs matmuls in bfloat16 inside 'cpu' autocast, as the explicit casts would", () => {
    const y = torch.autocast('cpu', () => a.matmul(b));
    expect(y.dtype).toBe('bfloat16');
    expect(y.equal(a.bfloat16().matmul(b.bfloat16()))).toBe(true);
    const lin = new torch.nn.Linear(8, 4);
    expect(torch.autocast('cpu', () => lin.call(a) as torch.Tensor).dtype).toBe('bfloat16');
    // Ops outside the lower-precision list keep their input's dtype.
    expect(torch.autocast('cpu', () => a.relu()).dtype).toBe('float32');
    expect(a.matmul(b).dtype).toBe('float32');
    lin.dispose();
  });

  it('reports and restores its state, also after a throw, and nests', () => {
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    expect(torch.autocast('cpu', () => torch.isAutocastEnabled('cpu'))).toBe(true);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    expect(() =>
      torch.autocast('cpu', () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    const inner = torch.autocast('cpu', () => torch.autocast('cpu', () => a.matmul(b), { enabled: false }));
    expect(inner.dtype).toBe('float32');
    const outer = torch.autocast('cpu', () => {
      torch.autocast('cpu', () => a.matmul(b), { enabled: false });
      return a.matmul(b);
    });
    expect(outer.dtype).toBe('bfloat16');
    expect(torch.isAutocastEnabled('cuda')).toBe(false);
  });

  it('bad calls are clear errors', () => {
    expect(() => torch.autocast('tpu' as 'cpu', () => 1)).toThrow(/argument 'deviceType' must be 'cuda' or 'cpu'/);
    expect(() => torch.autocast('cpu', () => 1, { dtype: 'float32' })).toThrow(/dtype must be float16 or bfloat16/);
    expect(() => torch.autocast('cpu', () => 1, { dtype: 'nonsense' as 'float16' })).toThrow(torch.TypeError);
    expect(() => torch.autocast('cpu', async () => 1)).toThrow(/synchronous function/);
    expect(() => torch.autocast('cpu', () => Promise.resolve(1))).toThrow(/returned a promise/);
    expect(() => torch.autocast('cpu', 3 as unknown as () => number)).toThrow(/argument 'fn' must be a function/);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
  });
});

describe('torch.amp.GradScaler', () => {
  const { nn, optim } = torch;
  // One training step of y = Linear(x), scaled or not; returns the loss.
  function stepWith(model: torch.nn.Linear, opt: torch.optim.Optimizer, scaler: torch.amp.GradScaler | null, x: torch.Tensor, blowUp = false): void {
    torch.scope(() => {
      opt.zeroGrad();
      let loss = model.call(x).pow(2).mean();
      if (blowUp) loss = loss.mul(Infinity);
      (scaler ? scaler.scale(loss) : loss).backward();
      if (scaler) {
        scaler.step(opt);
        scaler.update();
      } else {
        opt.step();
      }
    });
  }

  it('scaled steps land where unscaled ones do; an inf gradient skips the step and halves the scale; clean steps grow it', () => {
    torch.manualSeed(0);
    const a = new nn.Linear(3, 2);
    const b = a.deepCopy();
    const oa = new optim.SGD(a.parameters(), { lr: 0.1 });
    const ob = new optim.SGD(b.parameters(), { lr: 0.1 });
    const scaler = new torch.amp.GradScaler('cpu', { initScale: 1024, growthInterval: 2 });
    const x = torch.randn(4, 3);
    stepWith(a, oa, null, x);
    stepWith(b, ob, scaler, x);
    expect(b.weight.allclose(a.weight, { rtol: 0, atol: 1e-7 })).toBe(true); // a power-of-two scale divides back exactly
    expect(scaler.getScale()).toBe(1024);
    stepWith(a, oa, null, x);
    stepWith(b, ob, scaler, x);
    expect(scaler.getScale()).toBe(2048); // grown after 2 clean steps
    const before = b.weight.clone();
    stepWith(b, ob, scaler, x, true);
    expect(b.weight.equal(before)).toBe(true); // skipped
    expect(scaler.getScale()).toBe(1024);
    expect(scaler.stateDict()).toEqual({ scale: 1024, growth_factor: 2, backoff_factor: 0.5, growth_interval: 2, _growth_tracker: 0 });
    const restored = new torch.amp.GradScaler('cpu');
    restored.loadStateDict(scaler.stateDict() as torch.amp.GradScalerState);
    expect([restored.getScale(), restored.getGrowthInterval()]).toEqual([1024, 2]);
    scaler.update(4096);
    expect(scaler.getScale()).toBe(4096);
    for (const o of [oa, ob]) o.dispose();
    a.dispose();
    b.dispose();
  });

  it('unscale_ before clipping; calls out of order are clear errors; fp16 gradients are refused', () => {
    const lin = new nn.Linear(2, 1);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const scaler = new torch.amp.GradScaler('cpu', { initScale: 8 });
    torch.scope(() => {
      opt.zeroGrad();
      scaler.scale(lin.call(torch.ones(1, 2)).sum()).backward();
      expect(lin.bias!.grad!.item()).toBe(8);
      scaler.unscale_(opt);
      expect(lin.bias!.grad!.item()).toBe(1);
      expect(() => scaler.unscale_(opt)).toThrow('unscale_() has already been called on this optimizer since the last update().');
      scaler.step(opt);
      expect(() => scaler.step(opt)).toThrow('step() has already been called since the last update().');
      expect(() => scaler.unscale_(opt)).toThrow('unscale_() is being called after step().');
      expect(() => scaler.step(opt, () => 0)).toThrow('Closure use is not currently supported if GradScaler is enabled.');
      scaler.update();
      expect(() => scaler.update()).toThrow('No inf checks were recorded prior to update.');
      const [s1, s2] = scaler.scale([torch.ones(1), torch.ones(2)]);
      expect([s1.item(), s2.sum().item()]).toEqual([8, 16]);
      const half = new nn.Parameter(torch.ones(2, { dtype: 'float16' }));
      half.grad = torch.ones(2, { dtype: 'float16' });
      const hopt = new optim.SGD([half], { lr: 0.1 });
      expect(() => scaler.unscale_(hopt)).toThrow('Attempting to unscale FP16 gradients.');
      expect(() => new torch.amp.GradScaler('cpu', { growthFactor: 1 })).toThrow('The growth factor must be > 1.0.');
    });
    opt.dispose();
    lin.dispose();
  });

  it("'cuda' without a GPU turns itself off with a warning, as PyTorch does", () => {
    if (torch.cuda.isAvailable()) {
      expect(new torch.cuda.amp.GradScaler().isEnabled()).toBe(true); // the training path runs in test/cuda/cases.js
      return;
    }
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const scaler = new torch.cuda.amp.GradScaler();
      expect(warn).toHaveBeenCalledWith('torch.amp.GradScaler is enabled, but CUDA is not available. Disabling.', 'UserWarning');
      expect(scaler.isEnabled()).toBe(false);
      const t = torch.ones(2);
      expect(scaler.scale(t)).toBe(t);
      expect(scaler.getScale()).toBe(1);
      expect(scaler.stateDict()).toEqual({});
    } finally {
      warn.mockRestore();
    }
  });
});
