/**
 * The Dirichlet distribution over the probability simplex, with `concentration` α (the last
 * dimension is the event): density Γ(Σα) / ΠΓ(α_i) · Π x_i^(α_i - 1).
 */
import { ValueError } from '../errors';
import { Function as AutogradFunction, type FunctionCtx } from '../autograd_function';
import { oneHot, where } from '../generated/ops';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { Distribution } from './distribution';
import * as constraints from './constraints';
import { dirichletGrad, sampleDirichlet } from './utils';

/**
 * Dirichlet draws with a gradient: LibTorch samples, and backward applies the implicit
 * reparameterization gradient (Python's torch.distributions.dirichlet._Dirichlet).
 */
class DirichletSample extends AutogradFunction {
  static forward(ctx: FunctionCtx, concentration: Tensor): Tensor {
    const x = sampleDirichlet(concentration);
    ctx.saveForBackward(x, concentration);
    return x;
  }
  static backward(ctx: FunctionCtx, gradOutput: Tensor | null): Tensor | null {
    if (gradOutput === null) return null;
    const [x, concentration] = ctx.savedTensors;
    const total = concentration.sum(-1, true).expandAs(concentration);
    const grad = dirichletGrad(x, concentration, total);
    return grad.mul(gradOutput.sub(x.mul(gradOutput).sum(-1, true)));
  }
}

export class Dirichlet extends Distribution {
  readonly concentration: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(concentration: Tensor, options: { validateArgs?: boolean } = {}) {
    if (!(concentration instanceof Tensor)) throw new ValueError('Dirichlet(): concentration must be a Tensor');
    if (concentration.dim() < 1) throw new ValueError('`concentration` parameter must be at least one-dimensional.');
    const shape = concentration.shape;
    super(shape.slice(0, -1), shape.slice(-1), options.validateArgs);
    this.concentration = concentration.alias();
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.independent(constraints.positive, 1) };
  }
  get support(): constraints.Constraint {
    return constraints.simplex;
  }
  get mean(): Tensor {
    return scope(() => this.concentration.div(this.concentration.sum(-1, true)));
  }
  get mode(): Tensor {
    return scope(() => {
      const cm1 = this.concentration.sub(1).clamp(0);
      const mode = cm1.div(cm1.sum(-1, true));
      // Where every α < 1 the density peaks at a vertex: Python puts all mass on the argmax.
      const vertex = this.concentration.lt(1).all(-1, true);
      return where(vertex, oneHot(mode.argmax(-1), cm1.shape[cm1.dim() - 1]).to(mode.dtype), mode);
    });
  }
  get variance(): Tensor {
    return scope(() => {
      const c = this.concentration;
      const c0 = c.sum(-1, true);
      return c.mul(c0.sub(c)).div(c0.pow(2).mul(c0.add(1)));
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => DirichletSample.apply(this.concentration.expand(shape)) as Tensor);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const c = this.concentration;
      return c.sub(1).xlogy(value).sum(-1).add(c.sum(-1).lgamma()).sub(c.lgamma().sum(-1));
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const c = this.concentration;
      const k = c.shape[c.dim() - 1];
      const a0 = c.sum(-1);
      return c.lgamma().sum(-1).sub(a0.lgamma()).sub(a0.neg().add(k).mul(a0.digamma())).sub(c.sub(1).mul(c.digamma()).sum(-1));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.concentration];
  }
}
