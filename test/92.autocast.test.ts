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
