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
