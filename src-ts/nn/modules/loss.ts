/** Loss modules over nn.functional (reduction 'mean' by default, as in PyTorch). */
import { ValueError } from '../../errors';
import { PairwiseDistance } from './distance';
import { Module } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

abstract class Loss<O extends F.LossOptions = F.LossOptions> extends Module {
  constructor(readonly options: O = {} as O) {
    super();
  }
  abstract forward(input: Tensor, target: Tensor, ...rest: Tensor[]): Tensor;
  extraRepr(): string {
    return '';
  }
}

export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}
export class SmoothL1Loss extends Loss<F.LossOptions & { beta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}
export class HuberLoss extends Loss<F.LossOptions & { delta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}
/**
 * A loss with per-class weights: as in PyTorch, `weight` is a buffer (in the state dict, moved by
 * `to()`), and forward uses the buffer. The buffer is the module's own handle on the caller's
 * storage, so disposing the module leaves the caller's tensor usable.
 */
abstract class WeightedLoss<O extends F.WeightedLossOptions = F.WeightedLossOptions> extends Loss<O> {
  declare weight: Tensor | null;
  constructor(options: O = {} as O) {
    super(options);
    this.registerBuffer('weight', options.weight ? options.weight.detach() : null);
  }
  protected get opts(): O {
    return { ...this.options, weight: this.weight };
  }
}
export class CrossEntropyLoss extends WeightedLoss<F.WeightedLossOptions & { ignoreIndex?: number; labelSmoothing?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.opts);
  }
}
export class NLLLoss extends WeightedLoss<F.WeightedLossOptions & { ignoreIndex?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.opts);
  }
}
export class BCELoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.opts);
  }
}
export class BCEWithLogitsLoss extends WeightedLoss<F.WeightedLossOptions & { posWeight?: Tensor | null }> {
  declare posWeight: Tensor | null;
  constructor(options: F.WeightedLossOptions & { posWeight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('posWeight', options.posWeight ? options.posWeight.detach() : null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { ...this.opts, posWeight: this.posWeight });
  }
}
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, this.opts);
  }
}
export class MultiMarginLoss extends WeightedLoss<F.WeightedLossOptions & { p?: number; margin?: number }> {
  constructor(options: F.WeightedLossOptions & { p?: number; margin?: number } = {}) {
    super(options);
    const p = options.p ?? 1;
    if (p !== 1 && p !== 2) throw new ValueError('only p == 1 and p == 2 supported');
    if (options.weight && options.weight.dim() !== 1) throw new ValueError('weight must be one-dimensional');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, this.opts);
  }
}
export class PoissonNLLLoss extends Loss<F.LossOptions & { logInput?: boolean; full?: boolean; eps?: number }> {
  forward(logInput: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(logInput, target, this.options);
  }
}
export class GaussianNLLLoss extends Loss<F.LossOptions & { full?: boolean; eps?: number }> {
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, this.options);
  }
}
export class MarginRankingLoss extends Loss<F.LossOptions & { margin?: number }> {
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, this.options);
  }
}
export class HingeEmbeddingLoss extends Loss<F.LossOptions & { margin?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this.options);
  }
}
export class SoftMarginLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, this.options);
  }
}
export class MultiLabelMarginLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelMarginLoss(input, target, this.options);
  }
}
/** forward(logProbs (T, N, C), targets, inputLengths, targetLengths). */
export class CTCLoss extends Module {
  constructor(readonly options: F.LossOptions & { blank?: number; zeroInfinity?: boolean } = {}) {
    super();
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | number[], targetLengths: Tensor | number[]): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
export class KLDivLoss extends Module {
  constructor(readonly options: { reduction?: F.Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}
export class CosineEmbeddingLoss extends Loss<F.LossOptions & { margin?: number }> {
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}
/**
 * The triplet loss with any distance function (default: a PairwiseDistance child module, as in
 * Python, so it shows in the repr).
 */
export class TripletMarginWithDistanceLoss extends Module {
  distanceFunction: ((a: Tensor, b: Tensor) => Tensor) | PairwiseDistance;
  constructor(readonly options: F.LossOptions & { distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null; margin?: number; swap?: boolean } = {}) {
    super();
    this.distanceFunction = options.distanceFunction ?? new PairwiseDistance();
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const d = this.distanceFunction;
    const fn = d instanceof Module ? (a: Tensor, b: Tensor): Tensor => d.call(a, b) : d;
    return F.tripletMarginWithDistanceLoss(anchor, positive, negative, { ...this.options, distanceFunction: fn });
  }
}
export class TripletMarginLoss extends Loss<F.LossOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }> {
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, this.options);
  }
}
