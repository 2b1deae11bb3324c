import * as torch from '../src-ts';

describe('creation', () => {
  it('infers dtypes from TypedArrays and copies the data once', () => {
    const cases: [ArrayBufferView, string][] = [
      [new Float32Array([1, 2]), 'float32'],
      [new Float64Array([1, 2]), 'float64'],
      [new Int32Array([1, 2]), 'int32'],
      [new BigInt64Array([1n, 2n]), 'int64'],
      [new Uint8Array([1, 2]), 'uint8'],
      [new Int8Array([1, 2]), 'int8'],
      [new Int16Array([1, 2]), 'int16'],
    ];
    for (const [data, dtype] of cases) {
      const t = torch.tensor(data);
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([2]);
    }
    const src = new Float32Array([1, 2, 3]);
    const t = torch.tensor(src);
    src[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });
  it('takes bigints and keeps int64 exact', () => {
    const big = 2n ** 60n + 1n;
    const t = torch.tensor([big, 1n]);
    expect(t.dtype).toBe('int64');
    expect(t.toArray()).toEqual([big, 1]);
    expect(t.select(0, 0).item()).toBe(big);
    expect(t.toTypedArray()).toEqual(new BigInt64Array([big, 1n]));
  });
  it('accepts sizes as an array or as numbers', () => {
    expect(torch.ones([2, 3]).shape).toEqual([2, 3]);
    expect(torch.ones(2, 3).shape).toEqual([2, 3]);
    expect(torch.zeros(2, 3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(torch.empty(4).shape).toEqual([4]);
    expect(torch.randn([2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
  it('has the *Like factories', () => {
    const x = torch.ones([2, 3], { dtype: 'float64' });
    expect(torch.zerosLike(x).dtype).toBe('float64');
    expect(torch.onesLike(x, { dtype: 'int64' }).dtype).toBe('int64');
    expect(torch.fullLike(x, 3).toArray()).toEqual([[3, 3, 3], [3, 3, 3]]);
    expect(torch.emptyLike(x).shape).toEqual([2, 3]);
    expect(torch.randLike(x).shape).toEqual([2, 3]);
    expect(torch.randnLike(x).shape).toEqual([2, 3]);
    const r = torch.randintLike(x, 5, 7);
    expect(r.ge(5).all().item()).toBe(true);
    expect(r.lt(7).all().item()).toBe(true);
  });
  it('gives the same random numbers for the same seed', () => {
    torch.manualSeed(42);
    const a = torch.randn(5).toArray();
    torch.manualSeed(42);
    expect(torch.randn(5).toArray()).toEqual(a);
  });
});

describe('data out', () => {
  it('item() returns numbers, booleans and complex parts', () => {
    expect(torch.tensor(2.5).item()).toBe(2.5);
    expect(torch.tensor(7).item()).toBe(7);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.complex(torch.tensor(1.5), torch.tensor(-2.5)).item()).toEqual({ real: 1.5, imag: -2.5 });
  });
  it('toTypedArray() copies; { view: true } shares memory and outlives dispose()', () => {
    const t = torch.zeros(3);
    const copy = t.toTypedArray() as Float32Array;
    const view = t.toTypedArray({ view: true }) as Float32Array;
    view[1] = 5;
    expect(t.toArray()).toEqual([0, 5, 0]);
    expect(copy[1]).toBe(0);
    t.dispose();
    expect(view[1]).toBe(5); // the view holds its own reference to the storage
  });
  it('widens float16 and bfloat16 to Float32Array', () => {
    const t = torch.tensor([1.5, 2.25]).to('float16');
    expect(t.toTypedArray()).toEqual(new Float32Array([1.5, 2.25]));
  });
  it('views of non-contiguous tensors are refused with a clear error', () => {
    expect(() => torch.ones(2, 3).t().toTypedArray({ view: true })).toThrow(torch.ValueError);
  });
});

describe('conversion and shape', () => {
  it('to() takes a dtype, device, tensor or options', () => {
    const x = torch.ones(2);
    expect(x.to('float64').dtype).toBe('float64');
    expect(x.to('cpu').device.type).toBe('cpu');
    expect(x.to(torch.ones(1, { dtype: 'int32' })).dtype).toBe('int32');
    expect(x.to({ dtype: 'int64', copy: true }).dtype).toBe('int64');
    expect(x.long().dtype).toBe('int64');
    expect(x.double().dtype).toBe('float64');
  });
  it('in-place ops return the same tensor', () => {
    const x = torch.ones(2);
    expect(x.add_(1)).toBe(x);
    expect(x.mul_(torch.full([2], 3)).toArray()).toEqual([6, 6]);
    expect(x.zero_().toArray()).toEqual([0, 0]);
  });
  it('size(), dim(), numel() and T', () => {
    const x = torch.zeros(2, 3, 4);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.dim()).toBe(3);
    expect(x.numel()).toBe(24);
    expect(x.T.shape).toEqual([4, 3, 2]);
  });
  it('prints through util.inspect', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('util');
    expect(util.inspect(torch.tensor([1, 2]))).toBe('tensor([1, 2])');
    const t = torch.ones(1);
    t.dispose();
    expect(util.inspect(t)).toBe('tensor(<disposed>)');
    expect(util.inspect(torch.device('cuda:1'))).toBe("device(type='cuda', index=1)");
  });
});
