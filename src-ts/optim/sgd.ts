/** SGD with momentum, dampening, Nesterov momentum and weight decay (PyTorch's update rule). */
import { ValueError } from '../errors';
import { Optimizer, type ParamGroup, type ParamsLike } from './optimizer';
import { foreach } from './foreach';
import type { Tensor } from '../tensor';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: ParamsLike, options: SGDOptions) {
    const o = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, ...options };
    if (o.lr === undefined || o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
    if (o.momentum < 0) throw new ValueError(`Invalid momentum value: ${o.momentum}`);
    if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g as unknown as Required<SGDOptions>;
    const params: Tensor[] = [];
    let grads: Tensor[] = [];
    for (const p of g.params) {
      const grad = p.grad;
      if (grad === null) continue;
      params.push(p);
      grads.push(grad);
    }
    if (params.length === 0) return;
    if (maximize) grads = foreach.neg(grads);
    if (weightDecay !== 0) grads = foreach.add(grads, params, weightDecay);
    if (momentum !== 0) {
      const bufs: Tensor[] = [];
      const fresh: boolean[] = [];
      params.forEach((p, i) => {
        const st = this.state.get(p);
        if (st === undefined || !st.momentumBuffer) {
          // First step: the buffer starts as a copy of the gradient.
          this.state.set(p, { momentumBuffer: this.keepState(grads[i].clone().detach()) });
          fresh.push(true);
        } else fresh.push(false);
        bufs.push(this.state.get(p)!.momentumBuffer as Tensor);
      });
      const old = bufs.filter((_, i) => !fresh[i]);
      const oldGrads = grads.filter((_, i) => !fresh[i]);
      if (old.length) {
        foreach.mulScalar_(old, momentum);
        foreach.add_(old, oldGrads, 1 - dampening);
      }
      grads = nesterov ? foreach.add(grads, bufs, momentum) : bufs;
    }
    foreach.add_(params, grads, -lr);
  }
}
