/**
 * ASGD: SGD whose rate decays as lr / (1 + lambd * lr * t)^alpha, keeping a running average of
 * the parameters (`ax` in the state) from step `t0` on. eta and mu are float32 tensors in the
 * state, as Python keeps them.
 */
import { ValueError } from '../errors';
import { tensor } from '../creation';
import { Optimizer, type ParamGroup, type ParamsLike } from './optimizer';
import { gradsOf, zeros } from './rmsprop';
import type { Tensor } from '../tensor';

export interface ASGDOptions {
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  maximize?: boolean;
}

export class ASGD extends Optimizer {
  constructor(params: ParamsLike, options: ASGDOptions = {}) {
    const o = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, foreach: null, maximize: false, ...options };
    if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = g as unknown as Required<ASGDOptions>;
    for (const [p, g0] of gradsOf(g)) {
      let grad = maximize ? g0.neg() : g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = {
          step: this.keepState(tensor(0, { dtype: 'float32' })),
          eta: this.keepState(tensor(lr, { dtype: 'float32' })),
          mu: this.keepState(tensor(1, { dtype: 'float32' })),
          ax: this.keepState(zeros(p)),
        };
        this.state.set(p, st);
      }
      const stepT = st.step as Tensor;
      stepT.add_(1);
      const step = stepT.item<number>();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const eta = st.eta as Tensor;
      const mu = st.mu as Tensor;
      const ax = st.ax as Tensor;
      const etaValue = eta.item<number>();
      p.mul_(1 - lambd * etaValue);
      p.add_(grad, { alpha: -etaValue });
      if (mu.item<number>() !== 1) ax.add_(p.sub(ax).mul(mu));
      else ax.copy_(p);
      eta.fill_(lr / (1 + lambd * lr * step) ** alpha);
      mu.fill_(1 / Math.max(1, step - t0));
    }
  }
}
