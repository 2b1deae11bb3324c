// BAD CALLS: each gets a clear torchnode error, never a crash.
import * as torch from '../src-ts';

describe('bad calls', () => {
  it('shape mismatch: LibTorch message, no C++ backtrace in it, backtrace kept aside', () => {
    let err: torch.TorchError | undefined;
    try {
      torch.ones(3).add(torch.ones(4));
    } catch (e) {
      err = e as torch.TorchError;
    }
    expect(err).toBeInstanceOf(torch.TorchError);
    expect(err!.message).toBe('The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0');
    expect(err!.cppBacktrace).toContain('The size of tensor a (3)');
    expect(err!.stack).toContain('40.errors.test.ts'); // the JS stack points at the caller
  });
  it('index out of range is an IndexError', () => {
    expect(() => torch.ones(3).select(0, 5)).toThrow(torch.IndexError);
  });
  it('a disposed tensor names the operation', () => {
    const t = torch.ones(2);
    t.dispose();
    expect(() => t.add(1)).toThrow(/add\.Tensor\(\): argument 'self' is a tensor that was disposed/);
    expect(() => torch.ones(2).mul(t)).toThrow(/argument 'other' is a tensor that was disposed/);
    expect(() => t.shape).toThrow(torch.TorchError);
    expect(() => t.toArray()).toThrow(torch.TorchError);
    try {
      t.sum();
    } catch (e) {
      expect((e as torch.TorchError).code).toBe('ERR_TENSOR_DISPOSED');
    }
  });
  it('wrong argument types name the parameter', () => {
    expect(() => torch.ones(2).add('x' as never)).toThrow(/^Tensor\.add\(\): argument 'other' \(position 1\) must be Tensor or number, not string 'x'$/);
    expect(() => torch.ones(2).matmul(3 as never)).toThrow(torch.TypeError);
    expect(() => torch.ones(2, 'a' as never)).toThrow(/^ones\(\): argument 'size' must be int\[\] \(or separate ints\), got string 'a' at position 2$/);
    expect(() => torch.ones(2).reshape(1.5)).toThrow(/^Tensor\.reshape\(\): argument 'shape' \(position 1\) must be int\[\], not float$/);
    expect(() => torch.cat([torch.ones(1), 5 as never])).toThrow(/^cat\(\): argument 'tensors' \(position 1\) must be Tensor\[\], not \[Tensor, int\]$/);
    expect(() => torch.ones(2).sum({ dim: 'x' as never })).toThrow(/argument 'dim' must be int or int\[1\] or null, not string 'x'/);
    expect(() => torch.ones(2).sum({ foo: 1 } as never)).toThrow(/got an unexpected keyword argument 'foo'/);
    expect(() => torch.ones(2, 2).transpose(0 as never)).toThrow(/^Tensor\.transpose\(\): missing required argument 'dim1'$/);
    expect(() => torch.ones(2).max('x' as never)).toThrow(/Tensor\.max\(\) received an invalid combination of arguments - got \(string 'x'\), but expected one of:\n  Tensor\.max\(\)/);
  });
  it('wrong dtypes', () => {
    expect(() => torch.zeros(2, { dtype: 'float128' as never })).toThrow(/^zeros\(\): argument 'dtype' must be dtype or null, not string 'float128'$/);
    expect(() => torch.tensor(new Uint32Array(2))).toThrow(/Uint32Array has no matching dtype/);
    expect(() => torch.ones(2, { dtype: 'int64' }).mean()).toThrow(torch.TorchError);
  });
  it('ragged and invalid data', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(torch.ValueError);
    expect(() => torch.tensor([[1, 2], [3]])).toThrow('expected sequence of length 2 at dim 1 (got 1)');
    expect(() => torch.tensor(['a'] as never)).toThrow(torch.TypeError);
  });
  it('an operator LibTorch lacks is a NotImplementedError naming it', async () => {
    const { op, opId } = await import('../src-ts/ops');
    expect(() => opId(op('aten::no_such_op', ''))).toThrow(torch.NotImplementedError);
    expect(() => opId(op('aten::no_such_op', ''))).toThrow(/aten::no_such_op/);
  });
  it('impossible views and devices', () => {
    expect(() => torch.ones(2, 3).t().view(6)).toThrow(torch.TorchError);
    expect(() => torch.ones(2).to('nodevice')).toThrow(torch.TorchError);
    expect(() => torch.device('cuda:x')).toThrow(torch.TypeError);
  });
});
