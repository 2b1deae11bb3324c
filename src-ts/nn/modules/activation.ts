/** Activation modules (PyTorch's names and arguments). */
import { ValueError } from '../../errors';
import { Module, pyFloat } from '../module';
import { emptyParameter, type Parameter } from '../parameter';
import * as initFns from '../init';
import * as F from '../functional';
import type { FactoryOptions } from './linear';
import type { Tensor } from '../../tensor';
import type { DTypeLike } from '../../dtype';

export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }
  extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, this.inplace);
  }
  extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
export class SiLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
}
export class ELU extends Module {
  constructor(readonly alpha = 1.0, readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }
  extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}
export class Softmax extends Module {
  constructor(readonly dim: number, readonly options: { dtype?: DTypeLike } = {}) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim, this.options);
  }
  extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
/** Randomized leaky ReLU: negative slopes drawn from U(lower, upper) in training, their mean in eval. */
export class RReLU extends Module {
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3, readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** Softmax over the channels of each spatial location: (C, H, W) or (N, C, H, W). */
export class Softmax2d extends Module {
  forward(input: Tensor): Tensor {
    if (input.dim() !== 3 && input.dim() !== 4) throw new ValueError(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return F.softmax(input, -3);
  }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
export class Mish extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
}
export class Hardswish extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }
}
const inplaceTail = (inplace: boolean): string => (inplace ? ', inplace=True' : '');

export class Hardtanh extends Module {
  constructor(readonly minVal = -1.0, readonly maxVal = 1.0, readonly inplace = false) {
    super();
    if (!(maxVal > minVal)) throw new ValueError(`Hardtanh: maxVal (${maxVal}) must be greater than minVal (${minVal})`);
  }
  forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal, this.inplace);
  }
  extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceTail(this.inplace)}`;
  }
}
export class ReLU6 extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.relu6(input, this.inplace);
  }
  extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
export class Hardsigmoid extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }
}
export class SELU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
  extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
export class CELU extends Module {
  constructor(readonly alpha = 1.0, readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
  extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this.inplace)}`;
  }
}
/** Gated linear unit: the first half of `dim` times the sigmoid of the second half. */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
/** y = x if x > threshold, else value. */
export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number, readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, this.inplace);
  }
  extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceTail(this.inplace)}`;
  }
}
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  extraRepr(): string {
    return pyFloat(this.lambd);
  }
}
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  extraRepr(): string {
    return pyFloat(this.lambd);
  }
}
export class LogSigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}
export class Softsign extends Module {
  forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}
export class Tanhshrink extends Module {
  forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
  extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
/** Leaky ReLU with a learned slope: one per channel (`numParameters` = C) or one shared. */
export class PReLU extends Module {
  readonly weight: Parameter;
  constructor(readonly numParameters = 1, readonly init = 0.25, options: FactoryOptions = {}) {
    super();
    this.weight = emptyParameter([numParameters], options);
    this.resetParameters();
  }
  resetParameters(): void {
    initFns.constant_(this.weight, this.init);
  }
  forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
