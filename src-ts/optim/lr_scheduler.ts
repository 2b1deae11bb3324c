/**
 * Learning-rate schedulers (torch.optim.lr_scheduler): call `scheduler.step()` once per epoch (or
 * per batch, for per-step schedules) after `optimizer.step()`, as in PyTorch. Each computes the
 * next rate from the current one with PyTorch's formulas, so the rates match Python's.
 */
import { ValueError } from '../errors';
import type { Optimizer } from './optimizer';

export abstract class LRScheduler {
  readonly baseLrs: number[];
  lastEpoch: number;
  private lastLrs: number[] = [];

  constructor(readonly optimizer: Optimizer, lastEpoch = -1) {
    if (lastEpoch === -1) for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (their settings exist by then). */
  protected initialStep(): void {
    this.step();
  }

  /** The rates for `lastEpoch`, from the groups' current rates (PyTorch's `get_lr`). */
  protected abstract getLr(): number[];

  protected get groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.lastLrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lastLrs[i]));
  }

  /** The learning rates set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): Record<string, unknown> {
    return { last_epoch: this.lastEpoch, base_lrs: this.baseLrs, _last_lr: this.lastLrs };
  }
  loadStateDict(sd: Record<string, unknown>): void {
    this.lastEpoch = sd.last_epoch as number;
    this.lastLrs = sd._last_lr as number[];
  }
}

/** Multiplies the learning rate by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly options: { gamma?: number; lastEpoch?: number } = {}) {
    if (!Number.isInteger(stepSize) || stepSize <= 0) throw new ValueError(`step_size must be a positive integer, got ${stepSize}`);
    super(optimizer, options.lastEpoch ?? -1);
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * (this.options.gamma ?? 0.1));
  }
}

/** Multiplies the learning rate by `gamma` at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  private readonly counts = new Map<number, number>();
  constructor(optimizer: Optimizer, readonly milestones: number[], readonly options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.initialStep();
  }
  protected getLr(): number[] {
    const n = this.counts.get(this.lastEpoch);
    if (n === undefined) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * (this.options.gamma ?? 0.1) ** n);
  }
}

/** Multiplies the learning rate by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly gamma: number, options: { lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * this.gamma);
  }
}

/** Cosine annealing from the base rate to `etaMin` over `tMax` epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly options: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    const etaMin = this.options.etaMin ?? 0;
    if (e === 0) return this.groupLrs;
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groupLrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groupLrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
}

/** Scales the rate linearly from `startFactor` to `endFactor` over `totalIters` epochs. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.startFactor = options.startFactor ?? 1.0 / 3;
    this.endFactor = options.endFactor ?? 1.0;
    this.totalIters = options.totalIters ?? 5;
    if (this.startFactor > 1.0 || this.startFactor <= 0) throw new ValueError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (this.endFactor > 1.0 || this.endFactor < 0) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0) return this.groupLrs.map((lr) => lr * this.startFactor);
    if (e > this.totalIters) return this.groupLrs;
    const d = this.endFactor - this.startFactor;
    return this.groupLrs.map((lr) => lr * (1.0 + d / (this.totalIters * this.startFactor + (e - 1) * d)));
  }
}
