/** Distances between paired rows: CosineSimilarity and PairwiseDistance. */
import { Module } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

export class CosineSimilarity extends Module {
  constructor(readonly options: { dim?: number; eps?: number } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.options);
  }
}
export class PairwiseDistance extends Module {
  constructor(readonly options: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.options);
  }
}
