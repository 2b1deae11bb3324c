/**
 * Learning-rate schedulers (torch.optim.lr_scheduler): call `scheduler.step()` once per epoch (or
 * per batch, for per-step schedules) after `optimizer.step()`, as in PyTorch. Each computes the
 * next rate from the current one with PyTorch's formulas, so the rates match Python's.
 */
import { TypeError as TorchTypeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
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

  /** The rates for `lastEpoch` from the base rates alone, where a closed form exists. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  protected get groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /**
   * Advances one epoch and sets each group's lr. With `epoch` (deprecated in PyTorch, used by
   * SequentialLR), jumps to that epoch, using the closed form where the scheduler has one.
   */
  step(epoch?: number): void {
    if (epoch === undefined) {
      this.lastEpoch += 1;
      this.lastLrs = this.getLr();
    } else {
      this.lastEpoch = epoch;
      this.lastLrs = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lastLrs[i]));
  }

  protected setLastLrs(lrs: number[]): void {
    this.lastLrs = [...lrs];
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
  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (this.options.gamma ?? 0.1) ** Math.floor(this.lastEpoch / this.stepSize));
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
  protected closedFormLr(): number[] {
    const passed = [...this.milestones].sort((a, b) => a - b).filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * (this.options.gamma ?? 0.1) ** passed);
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
  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
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
  protected closedFormLr(): number[] {
    const etaMin = this.options.etaMin ?? 0;
    return this.baseLrs.map((lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
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
  protected closedFormLr(): number[] {
    const f = this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters;
    return this.baseLrs.map((lr) => lr * f);
  }
}

export interface OneCycleOptions {
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function perGroup(optimizer: Optimizer, name: string, v: number | number[]): number[] {
  if (Array.isArray(v)) {
    if (v.length !== optimizer.paramGroups.length) throw new ValueError(`expected ${optimizer.paramGroups.length} values for ${name}, got ${v.length}`);
    return v;
  }
  return optimizer.paramGroups.map(() => v);
}

export interface CyclicLROptions {
  /** Steps in the rising half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Steps in the falling half (default: stepSizeUp). */
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** exp_range's decay per step. */
  gamma?: number;
  /** A custom amplitude scale (replaces `mode`): x is the cycle number or the step, per `scaleMode`. */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * Cyclical learning rates (call `step()` after every batch): the rate goes from baseLr up to maxLr
 * over `stepSizeUp` steps and back over `stepSizeDown`; 'triangular2' halves the amplitude each
 * cycle, 'exp_range' scales it by gamma^step. Momentum (SGD's `momentum`, Adam's first beta)
 * cycles the opposite way between maxMomentum and baseMomentum.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: string;
  readonly gamma: number;
  readonly scaleMode: 'cycle' | 'iterations';
  private readonly scale: (x: number) => number;
  private readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;
  private readonly baseMomentums: number[] = [];
  private readonly maxMomentums: number[] = [];
  private readonly cyclicBaseLrs: number[];

  constructor(optimizer: Optimizer, baseLr: number | number[], maxLr: number | number[], options: CyclicLROptions = {}) {
    const lastEpoch = options.lastEpoch ?? -1;
    const baseLrs = perGroup(optimizer, 'base_lr', baseLr);
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    if (!(up > 0) || !(down >= 0)) throw new ValueError(`step sizes must be positive, got stepSizeUp=${up}, stepSizeDown=${down}`);
    const mode = options.mode ?? 'triangular';
    const custom = options.scaleFn ?? null;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && custom === null) throw new ValueError('mode is invalid and scale_fn is None');
    const cycle = options.cycleMomentum ?? true;
    const hasBetas = 'betas' in optimizer.defaults;
    let baseMs: number[] = [];
    let maxMs: number[] = [];
    if (cycle) {
      if (!('momentum' in optimizer.defaults) && !hasBetas) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const base = perGroup(optimizer, 'base_momentum', options.baseMomentum ?? 0.8);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          if (hasBetas) g.betas = [base[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = base[i];
        });
      }
      baseMs = optimizer.paramGroups.map((g) => (hasBetas ? (g.betas as number[])[0] : (g.momentum as number)));
      maxMs = perGroup(optimizer, 'max_momentum', options.maxMomentum ?? 0.9);
    }
    super(optimizer, lastEpoch);
    this.cyclicBaseLrs = baseLrs;
    this.maxLrs = perGroup(optimizer, 'max_lr', maxLr);
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = options.gamma ?? 1;
    if (custom !== null) {
      this.scale = custom;
      this.scaleMode = options.scaleMode ?? 'cycle';
    } else if (mode === 'triangular') {
      this.scale = () => 1;
      this.scaleMode = 'cycle';
    } else if (mode === 'triangular2') {
      this.scale = (x) => 1 / 2 ** (x - 1);
      this.scaleMode = 'cycle';
    } else {
      this.scale = (x) => this.gamma ** x;
      this.scaleMode = 'iterations';
    }
    this.cycleMomentum = cycle;
    this.useBeta1 = hasBetas;
    this.baseMomentums = baseMs;
    this.maxMomentums = maxMs;
    this.initialStep();
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const m = this.maxMomentums[i] - (this.maxMomentums[i] - this.baseMomentums[i]) * factor * s;
        if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
        else g.momentum = m;
      });
    }
    return this.cyclicBaseLrs.map((base, i) => base + (this.maxLrs[i] - base) * factor * s);
  }
}

/**
 * The 1cycle policy (call `step()` after every batch): the rate rises from maxLr/divFactor to
 * maxLr over `pctStart` of the steps, then anneals to initialLr/finalDivFactor; momentum (SGD's
 * `momentum`, Adam's first beta) cycles the opposite way between maxMomentum and baseMomentum.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, maxLr: number | number[], options: OneCycleOptions = {}) {
    let total: number;
    if (options.totalSteps !== undefined) {
      if (!Number.isInteger(options.totalSteps) || options.totalSteps <= 0) throw new ValueError(`Expected positive integer total_steps, but got ${options.totalSteps}`);
      total = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      if (!Number.isInteger(options.epochs) || options.epochs <= 0) throw new ValueError(`Expected positive integer epochs, but got ${options.epochs}`);
      if (!Number.isInteger(options.stepsPerEpoch) || options.stepsPerEpoch <= 0) throw new ValueError(`Expected positive integer steps_per_epoch, but got ${options.stepsPerEpoch}`);
      total = options.epochs * options.stepsPerEpoch;
    } else {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const pct = options.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    const lastEpoch = options.lastEpoch ?? -1;
    const maxLrs = perGroup(optimizer, 'max_lr', maxLr);
    const div = options.divFactor ?? 25;
    const finalDiv = options.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / div;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDiv;
      });
    }
    const cycle = options.cycleMomentum ?? true;
    const hasBetas = 'betas' in optimizer.defaults;
    if (cycle) {
      if (!('momentum' in optimizer.defaults) && !hasBetas) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const maxM = perGroup(optimizer, 'max_momentum', options.maxMomentum ?? 0.95);
      const baseM = perGroup(optimizer, 'base_momentum', options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          if (hasBetas) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.phases = options.threePhase
      ? [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.anneal = strategy === 'cos'
      ? (start, end, p) => end + ((start - end) / 2.0) * (Math.cos(Math.PI * p) + 1)
      : (start, end, p) => (end - start) * p + start;
    this.cycleMomentum = cycle;
    this.useBeta1 = hasBetas;
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new ValueError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((g) => {
      let start = 0;
      let lr = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
            else g.momentum = m;
          }
          break;
        }
        start = ph.endStep;
      }
      return lr;
    });
  }
}

/**
 * Runs schedulers one after another: `schedulers[i]` from `milestones[i - 1]` on (each restarts
 * from epoch 0 when its turn comes).
 */
export class SequentialLR extends LRScheduler {
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];

  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], options: { lastEpoch?: number } = {}) {
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TorchTypeError(`SequentialLR: schedulers[${i}] is not a learning-rate scheduler`);
      if (s.optimizer !== optimizer) {
        throw new ValueError(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    super(optimizer, options.lastEpoch ?? -1);
    this.schedulers = schedulers;
    this.milestones = milestones;
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    // Back to the initial rates, and undo the first step each scheduler took when it was made.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].step();
    this.setLastLrs(schedulers[0].getLastLr());
  }

  protected getLr(): number[] {
    return this.groupLrs;
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.setLastLrs(s.getLastLr());
  }
}

type LrLambda = (epoch: number) => number;
function lambdas(optimizer: Optimizer, f: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(f)) {
    if (typeof f !== 'function') throw new TorchTypeError('lrLambda must be a function or an array of functions, one per param group');
    return Array(n).fill(f);
  }
  if (f.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${f.length}`);
  return [...f];
}

/** A schedule from user functions of the epoch: one, or one per param group. */
abstract class LambdaScheduler extends LRScheduler {
  readonly lrLambdas: LrLambda[];
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], options: { lastEpoch?: number } = {}) {
    const fs = lambdas(optimizer, lrLambda);
    super(optimizer, options.lastEpoch ?? -1);
    this.lrLambdas = fs;
    this.initialStep();
  }
}

/** lr = base lr * lrLambda(epoch). */
export class LambdaLR extends LambdaScheduler {
  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/** Each epoch after the first, lr *= lrLambda(epoch). */
export class MultiplicativeLR extends LambdaScheduler {
  protected getLr(): number[] {
    if (this.lastEpoch <= 0) return this.groupLrs;
    return this.groupLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/** The rate times `factor` until epoch `totalIters`, then the base rate. */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, options: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    const factor = options.factor ?? 1.0 / 3;
    if (factor > 1.0 || factor < 0) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options.lastEpoch ?? -1);
    this.factor = factor;
    this.totalIters = options.totalIters ?? 5;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * (1.0 / this.factor));
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

/** Decays the rate to 0 over `totalIters` epochs as (1 - epoch / totalIters) ^ power. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;
  constructor(optimizer: Optimizer, options: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch ?? -1);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1.0;
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.totalIters;
    if (e === 0 || e > T) return this.groupLrs;
    const decay = ((1.0 - e / T) / (1.0 - (e - 1) / T)) ** this.power;
    return this.groupLrs.map((lr) => lr * decay);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * SGDR: cosine annealing from the base rate to `etaMin` over `t0` epochs, then restarts, each
 * period `tMult` times longer. `step(epoch)` may take a fractional epoch (per-batch schedules).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  tI: number;
  tCur: number;
  constructor(optimizer: Optimizer, t0: number, options: { tMult?: number; etaMin?: number; lastEpoch?: number } = {}) {
    if (!Number.isInteger(t0) || t0 <= 0) throw new ValueError(`Expected positive integer T_0, but got ${t0}`);
    const tMult = options.tMult ?? 1;
    if (!Number.isInteger(tMult) || tMult < 1) throw new ValueError(`Expected integer T_mult >= 1, but got ${tMult}`);
    super(optimizer, options.lastEpoch ?? -1);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = options.etaMin ?? 0;
    this.tCur = this.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (e < 0) throw new ValueError(`Expected non-negative epoch, but got ${e}`);
      if (e >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = e % this.t0;
        } else {
          const n = Math.trunc(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = e - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.setLastLrs(lrs);
  }
}

/** Steps every scheduler in turn each epoch, so their factors compound. */
export class ChainedScheduler {
  readonly optimizer: Optimizer;
  private readonly schedulers: LRScheduler[];
  private lastLrs: number[];
  constructor(schedulers: LRScheduler[]) {
    if (schedulers.length === 0) throw new ValueError('ChainedScheduler needs at least one scheduler');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TorchTypeError(`ChainedScheduler: schedulers[${i}] is not a learning-rate scheduler`);
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new ValueError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0].optimizer;
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr as number);
  }
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr as number);
  }
  getLastLr(): number[] {
    return [...this.lastLrs];
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/**
 * Cuts the rate by `factor` when a metric stops improving for `patience` epochs:
 * `scheduler.step(valLoss)` once per epoch.
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLrs: number[];

  constructor(readonly optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.factor = options.factor ?? 0.1;
    if (this.factor >= 1.0) throw new ValueError('Factor should be < 1.0.');
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(`mode ${String(this.mode)} is unknown!`);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new ValueError(`threshold mode ${String(this.thresholdMode)} is unknown!`);
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLrs = perGroup(optimizer, 'min_lr', options.minLr ?? 0);
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Records this epoch's metric (a number or a one-element tensor) and cuts the rate if it stalled. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? Number(metric.item()) : metric;
    if (typeof current !== 'number') throw new TorchTypeError(`ReduceLROnPlateau.step(): metric must be a number or a tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const next = Math.max(old * this.factor, this.minLrs[i]);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  private isBetter(a: number): boolean {
    const b = this.best;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < b * (1 - this.threshold) : a < b - this.threshold;
    return this.thresholdMode === 'rel' ? a > b * (this.threshold + 1) : a > b + this.threshold;
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }
}
