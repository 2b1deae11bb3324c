/**
 * torch.Generator: a random number generator state that random ops take as `{ generator }`,
 * giving the same numbers as Python's `torch.Generator().manual_seed(n)` for the same calls.
 */
import { binding } from './binding';
import { deviceString, Device, type DeviceLike } from './device';
import { TorchError } from './errors';
import { wrap, type Tensor } from './tensor';

// Generators hold little native memory; the GC frees the ones users drop.
const registry = new FinalizationRegistry<number>((g) => binding.generatorFree(g));

export class Generator {
  /** @internal The native generator index; -1 once disposed. */
  _g: number;
  readonly device: Device;

  /** A new generator on `device` (CPU). */
  constructor(device: DeviceLike = 'cpu') {
    this.device = new Device(deviceString(device));
    this._g = binding.generatorNew(this.device.toString(), false);
    registry.register(this, this._g, this);
  }

  /** @internal The device's default generator (what `torch.manualSeed` seeds). */
  static _default(device: string): Generator {
    const g = Object.create(Generator.prototype) as Generator;
    (g as { device: Device }).device = new Device(device);
    g._g = binding.generatorNew(device, true);
    registry.register(g, g._g, g);
    return g;
  }

  private id(): number {
    if (this._g < 0) throw new TorchError('Generator: used after dispose()');
    return this._g;
  }

  /** Sets the seed and returns this (Python's `manual_seed`). */
  manualSeed(seed: number | bigint): this {
    binding.generatorManualSeed(this.id(), seed);
    return this;
  }
  /** Seeds from a non-deterministic source; returns the seed. */
  seed(): number | bigint {
    return binding.generatorSeed(this.id());
  }
  /** The seed in use (Python's `initial_seed`). */
  initialSeed(): number | bigint {
    return binding.generatorInitialSeed(this.id());
  }
  /** The generator's state as a uint8 tensor. */
  getState(): Tensor {
    return wrap(binding.generatorGetState(this.id()));
  }
  /** Restores a state from `getState()`; returns this. */
  setState(state: Tensor): this {
    binding.generatorSetState(this.id(), state._h);
    return this;
  }
  /** Frees the native generator now. */
  dispose(): void {
    if (this._g < 0) return;
    registry.unregister(this);
    binding.generatorFree(this._g);
    this._g = -1;
  }
}

/**
 * torch.default_generator: the CPU generator that ops use when none is given. In a DataLoader
 * worker thread, that worker's own generator (see threadGenerator).
 */
let defaultGen: Generator | undefined;
export function defaultGenerator(): Generator {
  if (threadDefault !== null) return threadDefault;
  defaultGen ??= Generator._default('cpu');
  return defaultGen;
}

/**
 * LibTorch has one default CPU generator per process, which every thread shares. A DataLoader
 * worker thread gets a generator of its own instead (as a Python worker process has its own
 * default generator): random ops on that thread use it when given no `{ generator }`, and
 * `torch.manualSeed` there seeds it, so workers neither draw from nor reseed the main thread's
 * stream. Null on every other thread.
 */
let threadDefault: Generator | null = null;
export function threadGenerator(): Generator | null {
  return threadDefault;
}

/** @internal Gives this thread its own default generator (a DataLoader worker, before its first op). */
export function useThreadGenerator(seed: number | bigint): void {
  threadDefault = new Generator('cpu').manualSeed(seed);
}
