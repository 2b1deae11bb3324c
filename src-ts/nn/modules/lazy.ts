/**
 * Lazy layers, as PyTorch's LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm* and
 * LazyInstanceNorm*: the input size (in_features, in_channels, num_features) is read from the first
 * input. Until then the parameters are empty; the first forward gives them their shapes, draws
 * their initial values (the same draws as PyTorch's, at the same moment), and the layer becomes the
 * plain layer (`LazyLinear` -> `Linear`, as Python's `cls_to_become`).
 *
 * The parameters keep their identity when they get their shapes, so an optimizer made before the
 * first forward updates the right tensors. Loading a state dict into a layer that has not run yet
 * gives it the saved shapes first.
 */
import { binding } from '../../binding';
import { empty } from '../../generated/ops';
import { noGrad } from '../../autograd';
import { TorchError } from '../../errors';
import { Module, type IncompatibleKeys, type StateDict } from '../module';
import { emptyParameter, type Parameter } from '../parameter';
import type { Tensor } from '../../tensor';
import { fields } from '../utils/reparametrized';
import { Linear, type FactoryOptions } from './linear';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvNdOptions, type ConvTransposeNdOptions } from './conv';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, type BatchNormOptions } from './normalization';


/** A parameter or buffer gets its shape in place (same tensor handle), uninitialized. */
function materialize(t: Tensor, shape: number[]): void {
  const fresh = empty(shape, { dtype: t.dtype, device: t.device });
  binding.setData(t._h, fresh._h);
  fresh.dispose();
}

interface LazySpec {
  /** The input size the first input gives (in_features / in_channels / num_features). */
  inputSize(input: Tensor): number;
  /** Gives every parameter and buffer its shape for `n`, sets the layer's size field. */
  materializeFor(n: number): void;
  /** The class the layer becomes. */
  becomes: abstract new (...args: never[]) => Module;
  /** The state-dict key whose shape tells the input size when loading. */
  sizeFromState(sd: StateDict): number | undefined;
}

const specs = new WeakMap<Module, LazySpec>();

// The first forward: shapes, initial values, then the plain class. A pre-hook, as in PyTorch, so
// the copies deepCopy makes before the first forward stay lazy too (hooks are copied).
function install(m: Module, spec: LazySpec): void {
  specs.set(m, spec);
  m.registerForwardPreHook((mod, args) => {
    const s = specs.get(mod) ?? spec;
    if (Object.getPrototypeOf(mod) !== s.becomes.prototype) {
      noGrad(() => s.materializeFor(s.inputSize(args[0] as Tensor)));
      (mod as unknown as { resetParameters(): void }).resetParameters();
      Object.setPrototypeOf(mod, s.becomes.prototype);
    }
  });
}

/** Loading before the first forward gives the parameters the saved shapes, then loads. */
function lazyLoad(m: Module, sd: StateDict | Map<string, Tensor>, options: { strict?: boolean } | undefined, load: (sd: StateDict | Map<string, Tensor>, o?: { strict?: boolean }) => IncompatibleKeys): IncompatibleKeys {
  const spec = specs.get(m);
  if (spec !== undefined && Object.getPrototypeOf(m) !== spec.becomes.prototype) {
    const plain = sd instanceof Map ? Object.fromEntries(sd) : sd;
    const n = spec.sizeFromState(plain);
    if (n !== undefined) {
      noGrad(() => spec.materializeFor(n));
      Object.setPrototypeOf(m, spec.becomes.prototype);
    }
  }
  return load.call(m, sd, options);
}

export class LazyLinear extends Linear {
  constructor(outFeatures: number, options: FactoryOptions & { bias?: boolean } = {}) {
    // Built empty, as Python's (no random draws until the first forward).
    super(0, 0, { ...options, bias: false });
    fields(this).outFeatures = outFeatures;
    if (options.bias !== false) this.bias = emptyParameter([0], { dtype: options.dtype, device: options.device });
    install(this, {
      inputSize: (x) => x.size(-1),
      materializeFor: (n) => {
        fields(this).inFeatures = n;
        materialize(this.weight, [outFeatures, n]);
        if (this.bias !== null) materialize(this.bias, [outFeatures]);
      },
      becomes: Linear,
      sizeFromState: (sd) => sd.weight?.size(1),
    });
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, Linear.prototype.loadStateDict);
  }
}

type ConvClass = typeof Conv1d | typeof Conv2d | typeof Conv3d | typeof ConvTranspose1d | typeof ConvTranspose2d | typeof ConvTranspose3d;

// LazyConv*d and LazyConvTranspose*d: in_channels from dim 1 (dim 0 when unbatched).
function lazyConv(self: Module, outChannels: number, spatial: number, transposed: boolean, becomes: ConvClass, bias: boolean, f: FactoryOptions): void {
  const m = fields(self);
  m.outChannels = outChannels;
  if (bias) m.bias = emptyParameter([0], f);
  install(self, {
    inputSize: (x) => x.size(x.dim() === spatial + 1 ? 0 : 1),
    materializeFor: (n) => {
      const groups = m.groups as number;
      if (n % groups !== 0) throw new TorchError('in_channels must be divisible by groups');
      m.inChannels = n;
      const k = m.kernelSize as number[];
      materialize(m.weight as Parameter, transposed ? [n, outChannels / groups, ...k] : [outChannels, n / groups, ...k]);
      if (m.bias !== null) materialize(m.bias as Parameter, [outChannels]);
    },
    becomes,
    sizeFromState: (sd) => (sd.weight === undefined ? undefined : transposed ? sd.weight.size(0) : sd.weight.size(1) * (m.groups as number)),
  });
}

type Size = number | number[];
const convBase = <O extends ConvNdOptions | ConvTransposeNdOptions>(o: O): O => ({ ...o, bias: false });

export class LazyConv1d extends Conv1d {
  constructor(outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 1, false, Conv1d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, Conv1d.prototype.loadStateDict);
  }
}
export class LazyConv2d extends Conv2d {
  constructor(outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 2, false, Conv2d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, Conv2d.prototype.loadStateDict);
  }
}
export class LazyConv3d extends Conv3d {
  constructor(outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 3, false, Conv3d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, Conv3d.prototype.loadStateDict);
  }
}
export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 1, true, ConvTranspose1d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, ConvTranspose1d.prototype.loadStateDict);
  }
}
export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 2, true, ConvTranspose2d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, ConvTranspose2d.prototype.loadStateDict);
  }
}
export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(0, 0, kernelSize, convBase(options));
    lazyConv(this, outChannels, 3, true, ConvTranspose3d, options.bias !== false, options);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, ConvTranspose3d.prototype.loadStateDict);
  }
}

type NormClass = typeof BatchNorm1d | typeof BatchNorm2d | typeof BatchNorm3d | typeof InstanceNorm1d | typeof InstanceNorm2d | typeof InstanceNorm3d;

// LazyBatchNorm*d / LazyInstanceNorm*d: num_features from dim 1; instance norms also take unbatched
// input, (C, ...) with `spatial` dims after C, where it is dim 0 (batch norms have no such form).
function lazyNorm(self: Module, spatial: number | null, becomes: NormClass): void {
  const m = fields(self);
  install(self, {
    inputSize: (x) => x.size(spatial !== null && x.dim() === spatial + 1 ? 0 : 1),
    materializeFor: (n) => {
      m.numFeatures = n;
      for (const k of ['weight', 'bias']) if (m[k] !== null) materialize(m[k] as Tensor, [n]);
      for (const k of ['runningMean', 'runningVar']) if (m[k] !== null) materialize(m[k] as Tensor, [n]);
    },
    becomes,
    sizeFromState: (sd) => (sd.weight ?? sd.running_mean)?.size(0),
  });
}

export class LazyBatchNorm1d extends BatchNorm1d {
  constructor(options: BatchNormOptions = {}) {
    super(0, options);
    lazyNorm(this, null, BatchNorm1d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, BatchNorm1d.prototype.loadStateDict);
  }
}
export class LazyBatchNorm2d extends BatchNorm2d {
  constructor(options: BatchNormOptions = {}) {
    super(0, options);
    lazyNorm(this, null, BatchNorm2d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, BatchNorm2d.prototype.loadStateDict);
  }
}
export class LazyBatchNorm3d extends BatchNorm3d {
  constructor(options: BatchNormOptions = {}) {
    super(0, options);
    lazyNorm(this, null, BatchNorm3d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, BatchNorm3d.prototype.loadStateDict);
  }
}
export class LazyInstanceNorm1d extends InstanceNorm1d {
  /** PyTorch's lazy instance norms default to affine and tracked statistics (unlike InstanceNorm1d). */
  constructor(options: BatchNormOptions = {}) {
    super(0, { affine: true, trackRunningStats: true, ...options });
    lazyNorm(this, 1, InstanceNorm1d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, InstanceNorm1d.prototype.loadStateDict);
  }
}
export class LazyInstanceNorm2d extends InstanceNorm2d {
  /** PyTorch's lazy instance norms default to affine and tracked statistics (unlike InstanceNorm2d). */
  constructor(options: BatchNormOptions = {}) {
    super(0, { affine: true, trackRunningStats: true, ...options });
    lazyNorm(this, 2, InstanceNorm2d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, InstanceNorm2d.prototype.loadStateDict);
  }
}
export class LazyInstanceNorm3d extends InstanceNorm3d {
  /** PyTorch's lazy instance norms default to affine and tracked statistics (unlike InstanceNorm3d). */
  constructor(options: BatchNormOptions = {}) {
    super(0, { affine: true, trackRunningStats: true, ...options });
    lazyNorm(this, 3, InstanceNorm3d);
  }
  loadStateDict(sd: StateDict | Map<string, Tensor>, options?: { strict?: boolean }): IncompatibleKeys {
    return lazyLoad(this, sd, options, InstanceNorm3d.prototype.loadStateDict);
  }
}
