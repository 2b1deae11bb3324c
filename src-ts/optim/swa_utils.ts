/**
 * Stochastic weight averaging and exponential moving averages of weights, as
 * torch.optim.swa_utils: `AveragedModel` keeps a running average of a model's parameters (or any
 * `avgFn`, e.g. an EMA), `SWALR` anneals each group's rate to a constant SWA rate, and `updateBn`
 * recomputes batch-norm statistics for the averaged weights.
 */
import { ValueError, TypeError as TorchTypeError } from '../errors';
import { tensor } from '../creation';
import { onesLike, zerosLike } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { Module } from '../nn/module';
import type { DeviceLike } from '../device';
import type { Optimizer } from './optimizer';
import { LRScheduler } from './lr_scheduler';

export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor) => Tensor;

/**
 * A copy of `model` whose parameters are the average of the values `updateParameters(model)` has
 * seen. State-dict keys are Python's (`module.<key>`, `n_averaged`).
 */
export class AveragedModel<M extends Module = Module> extends Module {
  readonly module: M;
  declare nAveraged: Tensor;
  readonly avgFn: AvgFn;
  readonly useBuffers: boolean;

  constructor(model: M, options: { device?: DeviceLike; avgFn?: AvgFn; useBuffers?: boolean } = {}) {
    super();
    if (!(model instanceof Module)) throw new TorchTypeError('AveragedModel: expected an nn.Module');
    const copy = model.deepCopy();
    if (options.device !== undefined) copy.to(options.device);
    this.module = copy;
    this.registerBuffer('nAveraged', tensor(0, { dtype: 'int64', device: options.device }));
    this.avgFn = options.avgFn ?? ((avg, cur, n) => avg.add(cur.sub(avg).div(n.add(1))));
    this.useBuffers = options.useBuffers ?? false;
  }

  forward(...args: unknown[]): ReturnType<M['forward']> {
    return this.module.call(...args) as ReturnType<M['forward']>;
  }

  /** Folds `model`'s current parameters (and buffers, with useBuffers) into the average. */
  updateParameters(model: Module): void {
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    if (mine.length !== theirs.length) throw new ValueError(`AveragedModel: the model has ${theirs.length} tensors to average, this one ${mine.length}`);
    scope(() =>
      noGrad(() => {
        const first = Number(this.nAveraged.item<number | bigint>()) === 0;
        mine.forEach((p, i) => {
          const cur = theirs[i].detach().to(p.device);
          p.detach().copy_(first ? cur : this.avgFn(p.detach(), cur, this.nAveraged.to(p.device)));
        });
        this.nAveraged.add_(1);
      }),
    );
  }
}

/**
 * Anneals each group's learning rate from its current value to `swaLr` over `annealEpochs` steps
 * (cosine or linear), then holds it: the SWA phase of training.
 */
export class SWALR extends LRScheduler {
  readonly annealEpochs: number;
  private readonly anneal: (t: number) => number;
  private stepCount = 0;

  constructor(optimizer: Optimizer, swaLr: number | number[], options: { annealEpochs?: number; annealStrategy?: 'cos' | 'linear'; lastEpoch?: number } = {}) {
    const lrs = Array.isArray(swaLr) ? swaLr : optimizer.paramGroups.map(() => swaLr);
    if (lrs.length !== optimizer.paramGroups.length) throw new ValueError(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${lrs.length}, optimizer.param_groups has ${optimizer.paramGroups.length}`);
    optimizer.paramGroups.forEach((g, i) => (g.swaLr = lrs[i]));
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    const epochs = options.annealEpochs ?? 10;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`anneal_epochs must be equal or greater than 0, got ${epochs}`);
    super(optimizer, options.lastEpoch ?? -1);
    this.annealEpochs = epochs;
    this.anneal = strategy === 'cos' ? (t) => (1 - Math.cos(Math.PI * t)) / 2 : (t) => t;
    this.initialStep();
  }

  step(epoch?: number): void {
    this.stepCount += 1;
    super.step(epoch);
  }

  protected getLr(): number[] {
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    const initial = (lr: number, swa: number, alpha: number): number => (alpha === 1 ? swa : (lr - alpha * swa) / (1 - alpha));
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(t);
    return this.optimizer.paramGroups.map((g) => {
      const prev = initial(g.lr as number, g.swaLr as number, prevAlpha);
      return (g.swaLr as number) * alpha + prev * (1 - alpha);
    });
  }
}

interface BatchNormLike extends Module {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  momentum: number | null;
}
const isBatchNorm = (m: Module): m is BatchNormLike => /^(Lazy)?BatchNorm[123]d$/.test(m.constructor.name) && (m as BatchNormLike).runningMean != null;

/**
 * Recomputes the running statistics of `model`'s batch norms over one pass of `loader` (the
 * averaged weights need their own), as Python's update_bn: a cumulative average, in training mode.
 */
export function updateBn(loader: Iterable<unknown>, model: Module, options: { device?: DeviceLike } = {}): void {
  const momenta = new Map<BatchNormLike, number | null>();
  noGrad(() => {
    for (const m of model.modules()) {
      if (!isBatchNorm(m)) continue;
      const mean = m.runningMean!;
      const variance = m.runningVar!;
      mean.copy_(zerosLike(mean));
      variance.copy_(onesLike(variance));
      momenta.set(m, m.momentum);
    }
  });
  if (momenta.size === 0) return;
  const wasTraining = model.training;
  model.train();
  for (const m of momenta.keys()) {
    (m as { momentum: number | null }).momentum = null;
    noGrad(() => m.numBatchesTracked?.mul_(0));
  }
  try {
    for (const batch of loader) {
      scope(() =>
        noGrad(() => {
          let input = Array.isArray(batch) ? batch[0] : batch;
          if (!(input instanceof Tensor)) throw new TorchTypeError('updateBn: each batch must be a Tensor or an array whose first item is one');
          if (options.device !== undefined) input = input.to(options.device);
          model.call(input);
        }),
      );
    }
  } finally {
    for (const [m, mom] of momenta) (m as { momentum: number | null }).momentum = mom;
    model.train(wasTraining);
  }
}
