/** BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, RMSNorm, GroupNorm, LocalResponseNorm: PyTorch's parameters, buffers and running statistics. */
import { ones, zeros } from '../../generated/ops';
import { tensor } from '../../creation';
import { ValueError } from '../../errors';
import { noGrad } from '../../autograd';
import { Module, pyFloat, pyTuple } from '../module';
import { emptyParameter, Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { Tensor } from '../../tensor';
import type { FactoryOptions } from './linear';

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** null: a cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  /** With affine: false keeps the scale and drops the shift (PyTorch 2.x's `bias=False`). */
  bias?: boolean;
  trackRunningStats?: boolean;
}

// PyTorch 2.x's repr says `bias=False` when a layer keeps its scale without a shift.
const noBias = (weight: Tensor | null, bias: Tensor | null): string => (weight !== null && bias === null ? ', bias=False' : '');

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, o: BatchNormOptions = {}) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? true;
    this.trackRunningStats = o.trackRunningStats ?? true;
    const f = { dtype: o.dtype, device: o.device };
    this.weight = this.affine ? emptyParameter([numFeatures], f) : null;
    this.bias = this.affine && (o.bias ?? true) ? emptyParameter([numFeatures], f) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures], f));
      this.registerBuffer('runningVar', ones([numFeatures], f));
      this.registerBuffer('numBatchesTracked', tensor(0, { dtype: 'int64', device: o.device }));
    } else {
      this.registerBuffer('runningMean', null);
      this.registerBuffer('runningVar', null);
      this.registerBuffer('numBatchesTracked', null);
    }
    this.resetParameters();
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean!.zero_();
      this.runningVar!.fill_(1);
      this.numBatchesTracked!.zero_();
    });
  }
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  protected abstract checkInputDim(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0.0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked !== null) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) factor = 1.0 / this.numBatchesTracked.item<number>();
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useStats = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useStats ? this.runningMean : null, useStats ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }

  extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${this.affine ? 'True' : 'False'}${noBias(this.weight, this.bias)}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}

export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    const d = input.dim();
    if (d !== 2 && d !== 3) throw new ValueError(`expected 2D or 3D input (got ${d}D input)`);
  }
}
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    const d = input.dim();
    if (d !== 4) throw new ValueError(`expected 4D input (got ${d}D input)`);
  }
}
export class BatchNorm3d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    const d = input.dim();
    if (d !== 5) throw new ValueError(`expected 5D input (got ${d}D input)`);
  }
}

/**
 * InstanceNorm1d/2d/3d: each sample's channels normalized over their own spatial values. As in
 * PyTorch, no affine parameters and no running statistics unless asked for; unbatched input works.
 */
abstract class InstanceNormBase extends BatchNormBase {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super(numFeatures, { affine: false, trackRunningStats: false, ...o });
  }
  /** Spatial dims this layer normalizes over (1, 2 or 3). */
  protected abstract readonly spatial: number;

  protected checkInputDim(input: Tensor): void {
    const d = input.dim();
    if (d !== this.spatial + 1 && d !== this.spatial + 2) {
      throw new ValueError(`expected ${this.spatial + 1}D or ${this.spatial + 2}D input (got ${d}D input)`);
    }
  }

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    const unbatched = input.dim() === this.spatial + 1;
    const featureDim = unbatched ? 0 : 1;
    if (input.size(featureDim) !== this.numFeatures && this.affine) {
      throw new ValueError(`expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${input.size(featureDim)}.`);
    }
    const x = unbatched ? input.unsqueeze(0) : input;
    const y = F.instanceNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    if (!unbatched) return y;
    x.dispose();
    const out = y.squeeze(0);
    y.dispose();
    return out;
  }
}
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly spatial = 1;
}
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly spatial = 2;
}
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly spatial = 3;
}

/** Each value divided by a power of the mean of squares over `size` neighbouring channels. */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(readonly size: number, o: { alpha?: number; beta?: number; k?: number } = {}) {
    super();
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1.0;
  }
  forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
  extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | number[], readonly options: FactoryOptions & { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = Array.isArray(normalizedShape) ? normalizedShape : [normalizedShape];
    const f = { dtype: options.dtype, device: options.device };
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? emptyParameter(this.normalizedShape, f) : null;
    this.bias = affine && (options.bias ?? true) ? emptyParameter(this.normalizedShape, f) : null;
    this.resetParameters();
  }
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }
  forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
  extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.options.eps ?? 1e-5)}, elementwise_affine=${this.weight !== null ? 'True' : 'False'}${noBias(this.weight, this.bias)}`;
  }
}

/** Python's `nn.RMSNorm` (PyTorch 2.4): RMS normalization over the last dims, a scale and no bias. */
export class RMSNorm extends Module {
  weight: Parameter | null;
  readonly normalizedShape: number[];
  /** null: the dtype's machine epsilon. */
  readonly eps: number | null;
  constructor(normalizedShape: number | number[], options: FactoryOptions & { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = Array.isArray(normalizedShape) ? normalizedShape : [normalizedShape];
    this.eps = options.eps ?? null;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? emptyParameter(this.normalizedShape, { dtype: options.dtype, device: options.device }) : null;
    this.resetParameters();
  }
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
  }
  forward(input: Tensor): Tensor {
    return F.rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }
  extraRepr(): string {
    const eps = this.eps === null ? 'None' : pyFloat(this.eps);
    return `${pyTuple(this.normalizedShape)}, eps=${eps}, elementwise_affine=${this.weight !== null ? 'True' : 'False'}`;
  }
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: FactoryOptions & { eps?: number; affine?: boolean; bias?: boolean } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new ValueError('num_channels must be divisible by num_groups');
    const f = { dtype: options.dtype, device: options.device };
    const affine = options.affine ?? true;
    this.weight = affine ? emptyParameter([numChannels], f) : null;
    this.bias = affine && (options.bias ?? true) ? emptyParameter([numChannels], f) : null;
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }
  forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
  extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.options.eps ?? 1e-5)}, affine=${this.weight !== null ? 'True' : 'False'}${noBias(this.weight, this.bias)}`;
  }
}
