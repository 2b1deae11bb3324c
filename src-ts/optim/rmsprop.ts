/** RMSprop, Adagrad and Adadelta: PyTorch's single-tensor update rules, op for op. */
import { ValueError } from '../errors';
import { tensor } from '../creation';
import { fullLike, zerosLike } from '../generated/ops';
import { Optimizer, type ParamGroup, type ParamsLike } from './optimizer';
import type { Tensor } from '../tensor';

export const zeros = (p: Tensor): Tensor => zerosLike(p, { memoryFormat: 'preserve_format' });

export function gradsOf(g: ParamGroup): [Tensor, Tensor][] {
  const out: [Tensor, Tensor][] = [];
  for (const p of g.params) {
    const grad = p.grad;
    if (grad !== null) out.push([p, grad]);
  }
  return out;
}

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

export class RMSprop extends Optimizer {
  constructor(params: ParamsLike, options: RMSpropOptions = {}) {
    const o = { lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, foreach: null, maximize: false, differentiable: false, ...options };
    if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (o.eps < 0) throw new ValueError(`Invalid epsilon value: ${o.eps}`);
    if (o.momentum < 0) throw new ValueError(`Invalid momentum value: ${o.momentum}`);
    if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
    if (o.alpha < 0) throw new ValueError(`Invalid alpha value: ${o.alpha}`);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g as unknown as Required<RMSpropOptions>;
    for (const [p, g0] of gradsOf(g)) {
      let grad = g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = { step: 0, squareAvg: this.keepState(zeros(p)) };
        if (momentum > 0) st.momentumBuffer = this.keepState(zeros(p));
        if (centered) st.gradAvg = this.keepState(zeros(p));
        this.state.set(p, st);
      }
      st.step = (st.step as number) + 1;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const squareAvg = st.squareAvg as Tensor;
      squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const gradAvg = st.gradAvg as Tensor;
        gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        const buf = st.momentumBuffer as Tensor;
        buf.mul_(momentum).addcdiv_(grad, avg);
        p.add_(buf, { alpha: -lr });
      } else {
        p.addcdiv_(grad, avg, { value: -lr });
      }
    }
  }
}

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

export class Adagrad extends Optimizer {
  constructor(params: ParamsLike, options: AdagradOptions = {}) {
    const o = { lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0, foreach: null, maximize: false, ...options };
    if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (o.lrDecay < 0) throw new ValueError(`Invalid lr_decay value: ${o.lrDecay}`);
    if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
    if (o.initialAccumulatorValue < 0) throw new ValueError(`Invalid initial_accumulator_value value: ${o.initialAccumulatorValue}`);
    if (o.eps < 0) throw new ValueError(`Invalid epsilon value: ${o.eps}`);
    super(params, o);
    // Python creates Adagrad's state with the optimizer, not on the first step.
    for (const grp of this.paramGroups) {
      for (const p of grp.params) {
        this.state.set(p, { step: this.keepState(tensor(0, { dtype: 'float32' })), sum: this.keepState(fullLike(p, grp.initialAccumulatorValue as number, { memoryFormat: 'preserve_format' })) });
      }
    }
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = g as unknown as Required<AdagradOptions>;
    for (const [p, g0] of gradsOf(g)) {
      let grad = g0;
      const st = this.state.get(p)!;
      const stepT = st.step as Tensor;
      stepT.add_(1);
      const step = stepT.item<number>();
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = st.sum as Tensor;
      sum.addcmul_(grad, grad, { value: 1 });
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(grad, std, { value: -clr });
    }
  }
}

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

export class Adadelta extends Optimizer {
  constructor(params: ParamsLike, options: AdadeltaOptions = {}) {
    const o = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, foreach: null, ...options };
    if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (o.rho < 0 || o.rho > 1) throw new ValueError(`Invalid rho value: ${o.rho}`);
    if (o.eps < 0) throw new ValueError(`Invalid epsilon value: ${o.eps}`);
    if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, rho, eps, weightDecay, maximize } = g as unknown as Required<AdadeltaOptions>;
    for (const [p, g0] of gradsOf(g)) {
      let grad = g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = { step: 0, squareAvg: this.keepState(zeros(p)), accDelta: this.keepState(zeros(p)) };
        this.state.set(p, st);
      }
      st.step = (st.step as number) + 1;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const squareAvg = st.squareAvg as Tensor;
      const accDelta = st.accDelta as Tensor;
      squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
      const std = squareAvg.add(eps).sqrt_();
      const delta = accDelta.add(eps).sqrt_();
      delta.div_(std).mul_(grad);
      accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
      p.add_(delta, { alpha: -lr });
    }
  }
}
