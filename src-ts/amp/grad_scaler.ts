/**
 * GradScaler, as torch.amp.GradScaler: loss scaling for float16 training. The loss is multiplied
 * by a large factor before backward so small gradients survive float16; `step()` divides the
 * gradients back (`unscale_`) and skips the optimizer step when any of them is inf or NaN; `update()`
 * halves the scale after such a step and doubles it after `growthInterval` clean ones.
 *
 *   const scaler = new torch.amp.GradScaler('cuda');
 *   torch.autocast('cuda', () => scaler.scale(lossFn.call(model.call(x), y))).backward();
 *   scaler.step(optimizer);
 *   scaler.update();
 *
 * 'cuda' with no GPU turns itself off with a warning, as PyTorch does; 'cpu' works everywhere
 * (PyTorch 2.3's CPU scaler).
 */
import { TorchError, ValueError, TypeError as TorchTypeError } from '../errors';
import { stack } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { isAvailable } from '../cuda/device';
import type { Optimizer } from '../optim/optimizer';

export interface GradScalerOptions {
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  growthInterval?: number;
  enabled?: boolean;
}

/** Python's state_dict keys. */
export interface GradScalerState {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

type Stage = 'ready' | 'unscaled' | 'stepped';
interface PerOptimizer {
  stage: Stage;
  foundInf: boolean | null;
}

/** Tensors, or arrays / plain objects of them, each multiplied by `f`. */
type Scaled<T> = T extends Tensor ? Tensor : T extends readonly unknown[] ? { [K in keyof T]: Scaled<T[K]> } : T;

export class GradScaler {
  readonly device: 'cuda' | 'cpu';
  private enabled: boolean;
  private scaleValue: number;
  private growthFactor: number;
  private backoffFactor: number;
  private growthInterval: number;
  private growthTracker = 0;
  private readonly perOptimizer = new Map<Optimizer, PerOptimizer>();

  constructor(device: 'cuda' | 'cpu' = 'cuda', options: GradScalerOptions = {}) {
    if (device !== 'cuda' && device !== 'cpu') throw new TorchTypeError(`GradScaler: device must be 'cuda' or 'cpu', got ${String(device)}`);
    this.device = device;
    this.enabled = options.enabled ?? true;
    if (this.enabled && device === 'cuda' && !isAvailable()) {
      process.emitWarning('torch.amp.GradScaler is enabled, but CUDA is not available. Disabling.', 'UserWarning');
      this.enabled = false;
    }
    this.scaleValue = options.initScale ?? 2 ** 16;
    this.growthFactor = options.growthFactor ?? 2.0;
    this.backoffFactor = options.backoffFactor ?? 0.5;
    this.growthInterval = options.growthInterval ?? 2000;
    if (!(this.growthFactor > 1)) throw new ValueError('The growth factor must be > 1.0.');
    if (!(this.backoffFactor < 1)) throw new ValueError('The backoff factor must be < 1.0.');
    if (!Number.isInteger(this.growthInterval) || this.growthInterval <= 0) throw new ValueError('growth_interval must be a positive integer');
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  /** Multiplies outputs (a tensor, or arrays of them) by the scale; unchanged when disabled. */
  scale<T extends Tensor | readonly unknown[]>(outputs: T): Scaled<T> {
    if (!this.enabled) return outputs as unknown as Scaled<T>;
    const apply = (v: unknown): unknown => {
      if (v instanceof Tensor) return v.mul(this.scaleValue);
      if (Array.isArray(v)) return v.map(apply);
      throw new ValueError('outputs must be a Tensor or an iterable of Tensors');
    };
    return apply(outputs) as Scaled<T>;
  }

  private state(optimizer: Optimizer): PerOptimizer {
    let s = this.perOptimizer.get(optimizer);
    if (s === undefined) {
      s = { stage: 'ready', foundInf: null };
      this.perOptimizer.set(optimizer, s);
    }
    return s;
  }

  /**
   * Divides the optimizer's gradients by the scale, in place, and notes whether any is inf or
   * NaN. Call it before clipping gradients; `step()` calls it when you have not.
   */
  unscale_(optimizer: Optimizer): void {
    if (!this.enabled) return;
    const s = this.state(optimizer);
    if (s.stage === 'unscaled') throw new TorchError('unscale_() has already been called on this optimizer since the last update().');
    if (s.stage === 'stepped') throw new TorchError('unscale_() is being called after step().');
    // float32 as PyTorch keeps it, so a scale that is not a power of two unscales the same way.
    const inv = Math.fround(1 / this.scaleValue);
    s.foundInf = scope(() =>
      noGrad(() => {
        const peaks: Tensor[] = [];
        for (const g of optimizer.paramGroups.flatMap((grp) => grp.params)) {
          const grad = g.grad;
          if (grad === null) continue;
          if (grad.dtype === 'float16') throw new ValueError('Attempting to unscale FP16 gradients.');
          if (grad.numel() > 0) peaks.push(grad.abs().max());
          grad.mul_(inv);
        }
        // max |g| is finite exactly when every element is (max carries NaN along).
        return peaks.length > 0 && !stack(peaks.map((p) => p.to('cpu'))).isfinite().all().item<boolean>();
      }),
    );
    s.stage = 'unscaled';
  }

  /** Unscales (if not done yet) and runs `optimizer.step()` unless a gradient was inf or NaN. */
  step(optimizer: Optimizer, closure?: () => number | Tensor): number | Tensor | undefined {
    if (!this.enabled) return optimizer.step(closure);
    if (closure !== undefined) throw new TorchError('Closure use is not currently supported if GradScaler is enabled.');
    const s = this.state(optimizer);
    if (s.stage === 'stepped') throw new TorchError('step() has already been called since the last update().');
    if (s.stage === 'ready') this.unscale_(optimizer);
    if (s.foundInf === null) throw new TorchError('No inf checks were recorded for this optimizer.');
    const result = s.foundInf ? undefined : optimizer.step();
    s.stage = 'stepped';
    return result;
  }

  /**
   * Adjusts the scale for the next iteration: backs off after a step with inf/NaN gradients,
   * grows after `growthInterval` clean ones. `newScale` sets it directly instead.
   */
  update(newScale?: number | Tensor): void {
    if (!this.enabled) return;
    if (newScale !== undefined) {
      const v = newScale instanceof Tensor ? Number(newScale.item()) : newScale;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError('new_scale should be a float or a 1-element tensor');
      this.scaleValue = Math.fround(v);
    } else {
      const checks = [...this.perOptimizer.values()].filter((s) => s.foundInf !== null);
      if (checks.length === 0) throw new TorchError('No inf checks were recorded prior to update.');
      if (checks.some((s) => s.foundInf)) {
        this.scaleValue = Math.fround(this.scaleValue * this.backoffFactor);
        this.growthTracker = 0;
      } else if (this.growthTracker + 1 === this.growthInterval) {
        const grown = Math.fround(this.scaleValue * this.growthFactor);
        if (Number.isFinite(grown)) this.scaleValue = grown;
        this.growthTracker = 0;
      } else {
        this.growthTracker += 1;
      }
    }
    this.perOptimizer.clear();
  }

  /** The current scale (1.0 when disabled). */
  getScale(): number {
    return this.enabled ? this.scaleValue : 1.0;
  }
  getGrowthFactor(): number {
    return this.growthFactor;
  }
  setGrowthFactor(v: number): void {
    this.growthFactor = v;
  }
  getBackoffFactor(): number {
    return this.backoffFactor;
  }
  setBackoffFactor(v: number): void {
    this.backoffFactor = v;
  }
  getGrowthInterval(): number {
    return this.growthInterval;
  }
  setGrowthInterval(v: number): void {
    this.growthInterval = v;
  }

  /** Python's layout (empty when disabled), so a checkpoint moves between torchnode and PyTorch. */
  stateDict(): GradScalerState | Record<string, never> {
    if (!this.enabled) return {};
    return { scale: this.scaleValue, growth_factor: this.growthFactor, backoff_factor: this.backoffFactor, growth_interval: this.growthInterval, _growth_tracker: this.growthTracker };
  }
  loadStateDict(sd: Partial<GradScalerState>): void {
    if (!this.enabled) return;
    if (Object.keys(sd).length === 0) throw new TorchError('The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.');
    this.scaleValue = Math.fround(Number(sd.scale));
    this.growthFactor = Number(sd.growth_factor);
    this.backoffFactor = Number(sd.backoff_factor);
    this.growthInterval = Number(sd.growth_interval);
    this.growthTracker = Number(sd._growth_tracker);
  }
}

/** torch.cuda.amp.GradScaler: a GradScaler for 'cuda'. */
export class CudaGradScaler extends GradScaler {
  constructor(options: GradScalerOptions = {}) {
    super('cuda', options);
  }
}
