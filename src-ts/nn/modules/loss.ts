/** Loss modules over nn.functional (reduction 'mean' by default, as in PyTorch). */
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
export class CrossEntropyLoss extends Loss<F.WeightedLossOptions & { ignoreIndex?: number; labelSmoothing?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}
export class NLLLoss extends Loss<F.WeightedLossOptions & { ignoreIndex?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}
export class BCELoss extends Loss<F.WeightedLossOptions> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}
export class BCEWithLogitsLoss extends Loss<F.WeightedLossOptions & { posWeight?: Tensor | null }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
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
export class TripletMarginLoss extends Loss<F.LossOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }> {
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, this.options);
  }
}
