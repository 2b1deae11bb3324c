/**
 * Adamax, NAdam and RAdam: PyTorch's single-tensor update rules, op for op (step counts and
 * NAdam's momentum product are float32 tensors in the state, as Python keeps them, so the
 * rounding matches too).
 */
import { ValueError } from '../errors';
import { tensor } from '../creation';
import { amax, cat } from '../generated/ops';
import { binding } from '../binding';
import { Optimizer, type ParamGroup, type ParamsLike } from './optimizer';
import { gradsOf, zeros } from './rmsprop';
import type { Tensor } from '../tensor';

interface BetaOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

function checkBetas(o: Required<BetaOptions>): void {
  if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${o.lr}`);
  if (o.eps < 0) throw new ValueError(`Invalid epsilon value: ${o.eps}`);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1)) throw new ValueError(`Invalid beta parameter at index 0: ${o.betas[0]}`);
  if (!(o.betas[1] >= 0 && o.betas[1] < 1)) throw new ValueError(`Invalid beta parameter at index 1: ${o.betas[1]}`);
  if (o.weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${o.weightDecay}`);
}

/** The step counter, a float32 tensor as in Python: incremented, then read. */
function nextStep(st: Record<string, unknown>): number {
  const t = st.step as Tensor;
  t.add_(1);
  return t.item<number>();
}

export interface AdamaxOptions extends BetaOptions {
  maximize?: boolean;
}

/** Adam with the infinity norm: exp_inf = max(beta2 * exp_inf, |grad| + eps). */
export class Adamax extends Optimizer {
  constructor(params: ParamsLike, options: AdamaxOptions = {}) {
    const o = { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, foreach: null, maximize: false, ...options };
    checkBetas(o);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, betas, eps, weightDecay, maximize } = g as unknown as Required<AdamaxOptions>;
    const [beta1, beta2] = betas;
    for (const [p, g0] of gradsOf(g)) {
      let grad = maximize ? g0.neg() : g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = { step: this.keepState(tensor(0, { dtype: 'float32' })), expAvg: this.keepState(zeros(p)), expInf: this.keepState(zeros(p)) };
        this.state.set(p, st);
      }
      const step = nextStep(st);
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const expAvg = st.expAvg as Tensor;
      const expInf = st.expInf as Tensor;
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      const normBuf = cat([expInf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0);
      amax(normBuf, { dim: 0, keepdim: false, out: expInf });
      p.addcdiv_(expAvg, expInf, { value: -lr / (1 - beta1 ** step) });
    }
  }
}

export interface NAdamOptions extends BetaOptions {
  momentumDecay?: number;
}

// PyTorch 1.x multiplied mu into the next step's momentum product twice; 2.0 fixed it. torchnode
// follows the release of the LibTorch it runs on, so trajectories match that Python's.
const NADAM_1X = Number(binding.version().libtorch.split('.')[0]) < 2;

/** Adam with Nesterov momentum, its momentum warming up by `momentumDecay`. */
export class NAdam extends Optimizer {
  constructor(params: ParamsLike, options: NAdamOptions = {}) {
    const o = { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, foreach: null, ...options };
    checkBetas(o);
    if (o.momentumDecay < 0) throw new ValueError(`Invalid momentum_decay value: ${o.momentumDecay}`);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, betas, eps, weightDecay, momentumDecay } = g as unknown as Required<NAdamOptions>;
    const [beta1, beta2] = betas;
    for (const [p, g0] of gradsOf(g)) {
      let grad = g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = {
          step: this.keepState(tensor(0, { dtype: 'float32' })),
          muProduct: this.keepState(tensor(1, { dtype: 'float32' })),
          expAvg: this.keepState(zeros(p)),
          expAvgSq: this.keepState(zeros(p)),
        };
        this.state.set(p, st);
      }
      const step = nextStep(st);
      const biasCorrection2 = 1 - beta2 ** step;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      const muProduct = st.muProduct as Tensor;
      muProduct.mul_(mu);
      const muProductNext = (NADAM_1X ? muProduct.mul(mu) : muProduct).mul(muNext).item<number>();
      const expAvg = st.expAvg as Tensor;
      const expAvgSq = st.expAvgSq as Tensor;
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const denom = expAvgSq.div(biasCorrection2).sqrt().add_(eps);
      p.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - muProduct.item<number>()) });
      p.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
    }
  }
}

export type RAdamOptions = BetaOptions;

/** Adam with the variance of the adaptive rate rectified (plain momentum SGD for the first steps). */
export class RAdam extends Optimizer {
  constructor(params: ParamsLike, options: RAdamOptions = {}) {
    const o = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, foreach: null, ...options };
    checkBetas(o);
    super(params, o);
  }

  protected updateGroup(g: ParamGroup): void {
    const { lr, betas, eps, weightDecay } = g as unknown as Required<RAdamOptions>;
    const [beta1, beta2] = betas;
    for (const [p, g0] of gradsOf(g)) {
      let grad = g0;
      let st = this.state.get(p);
      if (st === undefined) {
        st = { step: this.keepState(tensor(0, { dtype: 'float32' })), expAvg: this.keepState(zeros(p)), expAvgSq: this.keepState(zeros(p)) };
        this.state.set(p, st);
      }
      const step = nextStep(st);
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const expAvg = st.expAvg as Tensor;
      const expAvgSq = st.expAvgSq as Tensor;
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const corrected = expAvg.div(biasCorrection1);
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        // Python's `number / tensor` is the tensor's reciprocal times the number.
        const adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(biasCorrection2));
        p.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
      } else {
        p.add_(corrected.mul(lr), { alpha: -1 });
      }
    }
  }
}
