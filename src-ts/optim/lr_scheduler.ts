/**
 * Learning-rate schedulers (torch.optim.lr_scheduler): call `scheduler.step()` once per epoch (or
 * per batch, for per-step schedules) after `optimizer.step()`, as in PyTorch.
 */
import { ValueError } from '../errors';
import type { Optimizer } from './optimizer';

export abstract class LRScheduler {
  readonly baseLrs: number[];
  lastEpoch: number;
  private lastLrs: number[];

  constructor(readonly optimizer: Optimizer, lastEpoch = -1) {
    if (lastEpoch === -1) for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Subclasses call this at the end of their constructor (their settings exist by then). */
  protected initialStep(): void {
    this.step();
  }

  /** The learning rates for `lastEpoch` (closed form). */
  protected abstract lrAt(epoch: number, baseLr: number): number;

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.lastLrs = this.baseLrs.map((b) => this.lrAt(this.lastEpoch, b));
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
  protected lrAt(epoch: number, baseLr: number): number {
    return baseLr * (this.options.gamma ?? 0.1) ** Math.floor(epoch / this.stepSize);
  }
}
