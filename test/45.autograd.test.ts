// Autograd API behaviour (values are checked against Python in 10.reference: the grad_* cases).
import * as torch from '../src-ts';

describe('autograd', () => {
  it('backward accumulates into .grad, which can be reset', () => {
    torch.scope(() => {
      const x = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
      x.mul(x).sum().backward();
      expect(x.grad!.toArray()).toEqual([2, 4, 6]);
      x.sum().backward();
      expect(x.grad!.toArray()).toEqual([3, 5, 7]);
      x.grad = null;
      expect(x.grad).toBeNull();
      x.grad = torch.ones(3);
      expect(x.grad!.toArray()).toEqual([1, 1, 1]);
      expect(x.isLeaf()).toBe(true);
      expect(x.mul(2).gradFn!.name()).toBe('MulBackward0');
      expect(x.gradFn).toBeNull();
    });
  });

  it('backward with a gradient, retainGraph and inputs', () => {
    torch.scope(() => {
      const x = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
      const w = torch.tensor([3, 4], { dtype: 'float32', requiresGrad: true });
      const y = x.mul(w);
      y.backward(torch.tensor([1, 10], { dtype: 'float32' }), { retainGraph: true, inputs: [x] });
      expect(x.grad!.toArray()).toEqual([3, 40]);
      expect(w.grad).toBeNull();
      y.sum().backward();
      expect(w.grad!.toArray()).toEqual([1, 2]);
    });
  });

  it('grad mode: noGrad, enableGrad, setGradEnabled and a guard restore what they found', () => {
    torch.scope(() => {
      const x = torch.ones([2], { requiresGrad: true });
      expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
      expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2)))).toHaveProperty('requiresGrad', true);
      expect(torch.isGradEnabled()).toBe(true);
      {
        using _guard = torch.noGradGuard();
        expect(torch.isGradEnabled()).toBe(false);
        expect(x.add(1).requiresGrad).toBe(false);
      }
      expect(torch.isGradEnabled()).toBe(true);
      torch.setGradEnabled(false);
      expect(x.add(1).requiresGrad).toBe(false);
      torch.setGradEnabled(true);
      expect(() => torch.noGrad(() => {
        throw new Error('boom');
      })).toThrow('boom');
      expect(torch.isGradEnabled()).toBe(true);
    });
  });

  it('bad calls give clear errors and leave grad mode alone', () => {
    torch.scope(() => {
      const x = torch.ones([2], { requiresGrad: true });
      expect(() => x.mul(2).backward()).toThrow(new torch.TorchError('grad can be implicitly created only for scalar outputs'));
      const y = x.mul(x).sum();
      y.backward();
      expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time/);
      expect(() => torch.ones(2).sum().backward()).toThrow(/element 0 of tensors does not require grad and does not have a grad_fn/);
      expect(() => torch.autograd.grad(x.sum(), torch.ones(2))).toThrow(/(One of the differentiated Tensors|element 0 of the input tensors) does not require grad/);
      expect(torch.autograd.grad(x.sum(), [x, torch.ones([1], { requiresGrad: true })], { allowUnused: true })[1]).toBeNull();
      expect(() => {
        x.grad = torch.ones(3);
      }).toThrow(/assigned grad has data of a different size/);
      expect(() => torch.noGrad((async () => 1) as never)).toThrow(/takes a synchronous function/);
      expect(() => x.backward('x' as never)).toThrow(torch.TypeError);
      const d = torch.ones([1], { requiresGrad: true });
      const z = d.mul(2);
      d.dispose();
      expect(() => z.backward()).not.toThrow(); // the graph keeps what it needs
      expect(torch.isGradEnabled()).toBe(true);
    });
  });

  it('a training loop leaves no tensors behind', () => {
    const w = torch.randn([8, 4], { requiresGrad: true });
    const before = torch.memory().tensors;
    for (let i = 0; i < 200; i++) {
      torch.scope(() => {
        const loss = torch.randn(16, 8).matmul(w).relu().pow(2).mean();
        loss.backward();
        torch.noGrad(() => {
          const g = w.grad!;
          w.sub_(g.mul(0.01));
          g.zero_();
        });
      });
    }
    expect(torch.memory().tensors).toBe(before);
    w.dispose();
  });
});

describe('torch.autograd.functional (values: 10.reference autograd_functional)', () => {
  const F = torch.autograd.functional;
  it('results are plain tensors unless createGraph; nothing else is left behind; grad mode is restored', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float32' });
    const before = torch.memory().tensors;
    const j = F.jacobian((a: torch.Tensor) => a.pow(2), x) as torch.Tensor;
    expect(j.toArray()).toEqual([[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
    expect(j.requiresGrad).toBe(false);
    const v = torch.ones(3);
    const [out, hv] = F.hvp((a: torch.Tensor) => a.pow(3).sum(), x, v) as torch.Tensor[];
    expect(hv.toArray()).toEqual([6, 12, 18]);
    expect(torch.memory().tensors).toBe(before + 4); // v and the three results
    [j, v, out, hv].forEach((t) => t.dispose());
    torch.noGrad(() => {
      const [, vj] = F.vjp((a: torch.Tensor) => a.sum(), x) as torch.Tensor[];
      expect(vj.toArray()).toEqual([1, 1, 1]);
      expect(torch.isGradEnabled()).toBe(false);
    });
    expect(x.requiresGrad).toBe(false); // the caller's inputs are not touched
  });

  it('strict mode, bad inputs and vectors are Python\'s errors', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32' });
    const y = torch.tensor([3], { dtype: 'float32' });
    expect(() => F.jacobian((a: torch.Tensor, b: torch.Tensor) => (void b, a.mul(2)), [x, y], { strict: true })).toThrow('Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode.');
    expect(() => F.vjp(() => torch.ones(1), x, null, { strict: true })).toThrow('Output 0 of the user-provided function does not require gradients.');
    expect(() => F.hessian((a: torch.Tensor) => a.sum(), x, { strict: true })).toThrow(/the jacobian of the user-provided function with respect to input 0 is independent of the input/);
    expect(() => F.jacobian((a: torch.Tensor) => a, 3 as never)).toThrow('The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs has type number.');
    expect(() => F.jacobian((a: torch.Tensor) => a, [x, 'y'] as never)).toThrow('but the value at index 1 has type string.');
    expect(() => F.jacobian(() => 5 as never, x)).toThrow('The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of Tensors');
    expect(() => F.vjp((a: torch.Tensor) => a.mul(2), x)).toThrow('The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    expect(() => F.vjp((a: torch.Tensor) => a.mul(2), x, torch.ones(3))).toThrow('v has invalid size: should be torch.Size([2]) but got torch.Size([3]).');
    expect(() => F.jvp((a: torch.Tensor, b: torch.Tensor) => a.add(b), [x, x], [torch.ones(2)])).toThrow('v is a tuple of invalid length: should be 2 but got 1.');
    expect(() => F.hessian((a: torch.Tensor) => a, x)).toThrow('The Tensor returned by the function given to hessian should contain a single element');
    expect(() => F.hvp((a: torch.Tensor) => [a.sum()], x, torch.ones(2))).toThrow('The function given to hvp should return a single Tensor');
    expect(() => F.jacobian((a: torch.Tensor) => a, x, { vectorize: true })).toThrow(torch.NotImplementedError);
    expect(() => F.jacobian((a: torch.Tensor) => a, x, { strategy: 'sideways' as never })).toThrow('Expected strategy to be either "forward-mode" or "reverse-mode".');
  });
});
