// Custom autograd Functions and tensor hooks written in TypeScript: LibTorch's graph calls back
// into JS during backward(). Gradients are checked against LibTorch's own ops and by finite
// differences; errors thrown in JS come out of backward() unchanged.
import * as torch from '../src-ts';
import { liveCallbacks } from '../src-ts/autograd_function';

const { Function } = torch.autograd;
type Ctx = torch.autograd.FunctionCtx;

class Exp extends Function {
  static forward(ctx: Ctx, x: torch.Tensor): torch.Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static backward(ctx: Ctx, grad: torch.Tensor): torch.Tensor {
    return grad.mul(ctx.savedTensors[0]);
  }
}

// Two tensor inputs, a number, two outputs; backward written with differentiable ops.
class ScaleMix extends Function {
  static forward(ctx: Ctx, a: torch.Tensor, b: torch.Tensor, k: number): torch.Tensor[] {
    ctx.k = k;
    ctx.saveForBackward(a, b);
    return [a.mul(b).mul(k), a.sub(b)];
  }
  static backward(ctx: Ctx, g1: torch.Tensor, g2: torch.Tensor): (torch.Tensor | null)[] {
    const [a, b] = ctx.savedTensors;
    const k = ctx.k as number;
    return [g1.mul(b).mul(k).add(g2), g1.mul(a).mul(k).sub(g2), null];
  }
}

class Cube extends Function {
  static forward(ctx: Ctx, x: torch.Tensor): torch.Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static backward(ctx: Ctx, g: torch.Tensor): torch.Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x.pow(2)).mul(3);
  }
}

// Central differences against the analytical gradient, in float64 (Python's gradcheck, small).
function gradcheck(fn: (x: torch.Tensor) => torch.Tensor, x0: number[]): void {
  torch.scope(() => {
    const x = torch.tensor(x0, { dtype: 'float64', requiresGrad: true });
    fn(x).sum().backward();
    const analytic = x.grad!.toArray() as number[];
    const eps = 1e-6;
    x0.forEach((_, i) => {
      const at = (d: number) => torch.noGrad(() => fn(torch.tensor(x0.map((v, j) => (j === i ? v + d : v)), { dtype: 'float64' })).sum().item() as number);
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(numeric - analytic[i])).toBeLessThan(1e-6 * (1 + Math.abs(numeric)));
    });
  });
}

describe('torch.autograd.Function', () => {
  it('computes the same gradient as the built-in op, and names its node', () => {
    torch.scope(() => {
      const x = torch.tensor([0.5, -1, 2], { dtype: 'float32', requiresGrad: true });
      const y = Exp.apply(x) as torch.Tensor;
      expect(y.gradFn!.name()).toBe('ExpBackward');
      expect(y.requiresGrad).toBe(true);
      y.mul(torch.tensor([1, 2, 3])).sum().backward();
      const ref = torch.tensor([0.5, -1, 2], { dtype: 'float32', requiresGrad: true });
      ref.exp().mul(torch.tensor([1, 2, 3])).sum().backward();
      expect(x.grad!.allclose(ref.grad!)).toBe(true);
      expect(y.allclose(ref.exp())).toBe(true);
    });
  });

  it('several inputs and outputs, non-tensor arguments, needsInputGrad, double backward', () => {
    torch.scope(() => {
      const a = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
      const b = torch.tensor([3, -1], { dtype: 'float64' });
      let seen: boolean[] = [];
      class Spy extends ScaleMix {
        static forward(ctx: Ctx, a: torch.Tensor, b: torch.Tensor, k: number): torch.Tensor[] {
          seen = ctx.needsInputGrad;
          return super.forward(ctx, a, b, k);
        }
      }
      const [p, q] = Spy.apply(a, b, 2) as torch.Tensor[];
      expect(seen).toEqual([true, false, false]);
      expect(p.toArray()).toEqual([6, -4]);
      const [ga] = torch.autograd.grad(p.add(q).sum(), a, { createGraph: true });
      expect(ga!.toArray()).toEqual([2 * 3 + 1, 2 * -1 + 1]); // k*b + 1
      // d/da of sum(ga * a) = k*b + 1 (ga does not depend on a)
      const [gga] = torch.autograd.grad(ga!.mul(a).sum(), a);
      expect(gga!.toArray()).toEqual([7, -1]);
    });
  });

  it('matches finite differences', () => {
    gradcheck((x) => Cube.apply(x) as torch.Tensor, [0.3, -1.2, 2.5]);
    gradcheck((x) => (ScaleMix.apply(x, x.mul(0.5), 3) as torch.Tensor[])[0], [0.7, -0.4]);
  });

  it('returns an input as-is, marks outputs non-differentiable', () => {
    torch.scope(() => {
      class PassAndIndex extends Function {
        static forward(ctx: Ctx, x: torch.Tensor): torch.Tensor[] {
          const idx = x.argmax();
          ctx.markNonDifferentiable(idx);
          return [x, idx];
        }
        static backward(_ctx: Ctx, g: torch.Tensor): torch.Tensor {
          return g;
        }
      }
      const x = torch.tensor([1, 5, 2], { dtype: 'float32', requiresGrad: true });
      const [y, idx] = PassAndIndex.apply(x) as torch.Tensor[];
      expect(idx.requiresGrad).toBe(false);
      expect(idx.item()).toBe(1);
      y.sum().backward();
      expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    });
  });

  it('without gradients it is a plain call', () => {
    torch.scope(() => {
      const y = torch.noGrad(() => Exp.apply(torch.tensor([0], { dtype: 'float32', requiresGrad: true })) as torch.Tensor);
      expect(y.requiresGrad).toBe(false);
      expect(y.item()).toBe(1);
    });
  });

  it('errors: thrown in backward, wrong gradient counts, bad returns, modified saved tensors', () => {
    torch.scope(() => {
      class Boom extends Function {
        static forward(_ctx: Ctx, x: torch.Tensor): torch.Tensor {
          return x.mul(2);
        }
        static backward(): torch.Tensor {
          throw new RangeError('boom in backward');
        }
      }
      const x = torch.ones(2, { requiresGrad: true });
      expect(() => (Boom.apply(x) as torch.Tensor).sum().backward()).toThrow(RangeError);
      expect(() => (Boom.apply(x) as torch.Tensor).sum().backward()).toThrow('boom in backward');

      class TooMany extends Function {
        static forward(_ctx: Ctx, x: torch.Tensor): torch.Tensor {
          return x.mul(2);
        }
        static backward(_ctx: Ctx, g: torch.Tensor): torch.Tensor[] {
          return [g, g];
        }
      }
      expect(() => (TooMany.apply(x) as torch.Tensor).sum().backward()).toThrow(/function TooManyBackward returned an incorrect number of gradients \(expected 1, got 2\)/);

      class GradForNumber extends Function {
        static forward(_ctx: Ctx, x: torch.Tensor, _k: number): torch.Tensor {
          return x.mul(2);
        }
        static backward(_ctx: Ctx, g: torch.Tensor): torch.Tensor[] {
          return [g, g];
        }
      }
      expect(() => (GradForNumber.apply(x, 3) as torch.Tensor).sum().backward()).toThrow(/returned a gradient different than None at position 2/);

      class NotATensor extends Function {
        static forward(): torch.Tensor {
          return 3 as unknown as torch.Tensor;
        }
      }
      expect(() => NotATensor.apply(x)).toThrow(/NotATensor.forward must return a Tensor or an array of Tensors \(output 0 is number\)/);
      expect(() => Function.apply(x)).toThrow(torch.NotImplementedError);

      const z = torch.ones(2, { requiresGrad: true }).mul(1);
      const y = Exp.apply(z) as torch.Tensor;
      torch.noGrad(() => y.add_(1)); // the saved output changes under the node's feet
      expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
      const disposed = torch.ones(1);
      disposed.dispose();
      expect(() => Exp.apply(disposed)).toThrow(/argument 0 is a disposed tensor/);
    });
    // after all of that, the graph machinery still works
    gradcheck((x) => Cube.apply(x) as torch.Tensor, [1.5]);
  });

  it('frees what it makes: no tensors or callbacks left once the graph is gone', () => {
    torch.scope(() => void (Exp.apply(torch.ones(1, { requiresGrad: true })) as torch.Tensor).sum().backward());
    const tensors = torch.memory().tensors;
    const callbacks = liveCallbacks();
    for (let i = 0; i < 50; i++) {
      torch.scope(() => {
        const x = torch.randn(4, { requiresGrad: true });
        const [p, q] = ScaleMix.apply(x, torch.randn(4), 0.5) as torch.Tensor[];
        (Exp.apply(p.add(q)) as torch.Tensor).sum().backward();
      });
    }
    expect(torch.memory().tensors).toBe(tensors);
    expect(liveCallbacks()).toBe(callbacks);
  });
});

describe('tensor hooks', () => {
  it('observe and replace gradients, on leaves and intermediates; remove() stops them', () => {
    torch.scope(() => {
      const x = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
      const seen: number[][] = [];
      const h1 = x.registerHook((g) => void seen.push(g.toArray() as number[]));
      const mid = x.mul(2);
      const h2 = mid.registerHook((g) => g.mul(10));
      mid.sum().backward();
      expect(seen).toEqual([[20, 20, 20]]);
      expect(x.grad!.toArray()).toEqual([20, 20, 20]);
      h2.remove();
      h1.remove();
      h1.remove(); // twice is harmless
      x.grad = null;
      x.mul(2).sum().backward();
      expect(x.grad!.toArray()).toEqual([2, 2, 2]);
      expect(seen.length).toBe(1);
    });
  });

  it('errors: no grad, a throwing hook, a bad return value', () => {
    torch.scope(() => {
      expect(() => torch.ones(2).registerHook(() => undefined)).toThrow(/cannot register a hook on a (tensor|variable) that doesn't require gradient/);
      expect(() => torch.ones(2, { requiresGrad: true }).registerHook(3 as never)).toThrow(/argument must be a function/);
      const x = torch.ones(2, { requiresGrad: true });
      const h = x.registerHook(() => {
        throw new SyntaxError('hook failed');
      });
      expect(() => x.mul(3).sum().backward()).toThrow(SyntaxError);
      h.remove();
      const bad = x.registerHook(() => 'nope' as never);
      expect(() => x.mul(3).sum().backward()).toThrow(/a tensor hook must return a Tensor or nothing, got string/);
      bad.remove();
      x.grad = null;
      x.mul(3).sum().backward();
      expect(x.grad!.toArray()).toEqual([3, 3]);
    });
  });

  it('forgets hooks whose tensor is gone', () => {
    const before = liveCallbacks();
    torch.scope(() => {
      for (let i = 0; i < 20; i++) torch.ones(1, { requiresGrad: true }).registerHook((g) => g);
    });
    expect(liveCallbacks()).toBe(before);
  });
});
