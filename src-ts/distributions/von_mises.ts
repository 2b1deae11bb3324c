/**
 * The von Mises distribution on the circle, with mean direction `loc` and `concentration` κ
 * (angles in radians, any real, read modulo 2π). Sampling is Python's rejection sampler (Best &
 * Fisher), draw for draw; densities use Python's polynomial log-Bessel approximations.
 */
import { empty, rand, where, zeros } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';

const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

// c0 + y (c1 + y (c2 + ...)), evaluated from the last coefficient as Python's _eval_poly.
function evalPoly(y: Tensor, coef: number[]): Tensor {
  let result: Tensor | number = coef[coef.length - 1];
  for (let i = coef.length - 2; i >= 0; i--) result = y.mul(result).add(coef[i]);
  return result as Tensor;
}

/** log I_order(x) for x > 0 and order 0 or 1 (Python's _log_modified_bessel_fn). */
function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  return scope(() => {
    const yS = x.div(3.75);
    let small = evalPoly(yS.mul(yS), order === 0 ? I0_SMALL : I1_SMALL);
    if (order === 1) small = x.abs().mul(small);
    const yL = x.reciprocal().mul(3.75); // Python's 3.75 / x
    const large = x.sub(x.log().mul(0.5)).add(evalPoly(yL, order === 0 ? I0_LARGE : I1_LARGE).log());
    return where(x.lt(3.75), small.log(), large);
  });
}

export class VonMises extends Distribution {
  readonly loc: Tensor;
  readonly concentration: Tensor;
  private readonly proposalR: Tensor;

  constructor(loc: number | Tensor, concentration: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[l, c]] = broadcastAll(loc, concentration);
    super(l.shape, [], options.validateArgs);
    this.loc = l;
    this.concentration = c;
    this.proposalR = scope(() => {
      const tau = c.pow(2).mul(4).add(1).sqrt().add(1);
      const rho = tau.sub(tau.mul(2).sqrt()).div(c.mul(2));
      return rho.pow(2).add(1).div(rho.mul(2));
    });
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, concentration: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.real;
  }
  get mean(): Tensor {
    return this.loc.alias();
  }
  get mode(): Tensor {
    return this.loc.alias();
  }
  get variance(): Tensor {
    return scope(() => logModifiedBessel(this.concentration, 1).sub(logModifiedBessel(this.concentration, 0)).exp().neg().add(1));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() =>
      this.concentration.mul(value.sub(this.loc).cos()).sub(Math.log(2 * Math.PI)).sub(logModifiedBessel(this.concentration, 0)),
    );
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() =>
      scope(() => {
        const r = this.proposalR;
        let x = empty(shape, { dtype: this.loc.dtype, device: this.loc.device });
        let done = zeros(shape, { dtype: 'bool', device: this.loc.device });
        while (!done.all().item<boolean>()) {
          const [u1, u2, u3] = rand([3, ...shape], { dtype: this.loc.dtype, device: this.loc.device }).unbind();
          const z = u1.mul(Math.PI).cos();
          const f = r.mul(z).add(1).div(r.add(z));
          const c = this.concentration.mul(r.sub(f));
          const accept = c.mul(c.neg().add(2)).sub(u2).gt(0).logicalOr(c.div(u2).log().add(1).sub(c).ge(0));
          if (accept.any().item<boolean>()) {
            x = where(accept, u3.sub(0.5).sign().mul(f.acos()), x);
            done = done.logicalOr(accept);
          }
        }
        return x.add(Math.PI).add(this.loc).remainder(2 * Math.PI).sub(Math.PI);
      }),
    );
  }
  protected ownedTensors(): Tensor[] {
    return [this.loc, this.concentration, this.proposalR];
  }
}
