/** Rprop: per-element step sizes that grow while the gradient keeps its sign and shrink when it flips. */
import { ValueError } from '../errors';
import { fullLike } from '../generated/ops';
import { Optimizer, type ParamGroup, type ParamsLike } from './optimizer';
import { gradsOf, zeros } from './rmsprop';
import type { Tensor } from '../tensor';

export interface RpropOptions {
  lr?: number;
  /** [etaminus, etaplus]: how a step size shrinks and grows. */
  etas?: [number, number];
  /** [min, max] step size. */
  stepSizes?: [number, number];
  maximize?: boolean;
}

export class Rprop extends Optimizer {
  constructor(params: ParamsLike, options: RpropOptions = {}) {
    const o = { lr: 1e-2, etas: [0.5, 1.2] as [number, number], stepSizes: [1e-6, 50] as [number, number], foreach: null, maximize: false, ...options };
    if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (!(o.etas[0] > 0 && o.etas[0] < 1 && o.etas[1] > 1)) throw new ValueError(`Invalid eta values: ${o.etas[0]}, ${o.etas[1]}`);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, etas, stepSizes, maximize } = g as unknown as Required<RpropOptions>;
    const [etaminus, etaplus] = etas;
    const [stepSizeMin, stepSizeMax] = stepSizes;
    for (const [p, g0] of gradsOf(g)) {
      let grad = maximize ? g0.neg() : g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = { step: 0, prev: this.keepState(zeros(p)), stepSize: this.keepState(fullLike(grad, lr)) };
        this.state.set(p, st);
      }
      st.step = (st.step as number) + 1;
      const prev = st.prev as Tensor;
      const stepSize = st.stepSize as Tensor;
      const sign = grad.mul(prev).sign();
      sign.maskedFill_(sign.gt(0), etaplus);
      sign.maskedFill_(sign.lt(0), etaminus);
      sign.maskedFill_(sign.eq(0), 1);
      stepSize.mul_(sign).clamp_(stepSizeMin, stepSizeMax);
      grad = grad.clone({ memoryFormat: 'preserve_format' });
      grad.maskedFill_(sign.eq(etaminus), 0);
      p.addcmul_(grad.sign(), stepSize, { value: -1 });
      prev.copy_(grad);
    }
  }
}
