/** Dropout layers: active in training mode, the identity in eval mode. */
import { ValueError } from '../../errors';
import { Module, pyFloat } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
    if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
  extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}
export class Dropout2d extends Dropout {
  forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}
/** Zeroes whole channels of (N, C, L) or (C, L) input. */
export class Dropout1d extends Dropout {
  forward(input: Tensor): Tensor {
    return F.dropout1d(input, this.p, this.training, this.inplace);
  }
}
/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input. */
export class Dropout3d extends Dropout {
  forward(input: Tensor): Tensor {
    return F.dropout3d(input, this.p, this.training, this.inplace);
  }
}
/** Dropout that keeps SELU activations' mean and variance. */
export class AlphaDropout extends Dropout {
  forward(input: Tensor): Tensor {
    return F.alphaDropout(input, this.p, this.training);
  }
}
export class FeatureAlphaDropout extends Dropout {
  forward(input: Tensor): Tensor {
    return F.featureAlphaDropout(input, this.p, this.training);
  }
}
