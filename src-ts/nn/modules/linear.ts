/** Linear layers: Identity, Linear, Bilinear (PyTorch's initialization, same random draws). */
import { Module } from '../module';
import { emptyParameter, Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { Tensor } from '../../tensor';
import type { DTypeLike } from '../../dtype';
import type { DeviceLike } from '../../device';

export interface FactoryOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
}

export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/** y = x W^T + b. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: FactoryOptions & { bias?: boolean } = {}) {
    super();
    const f = { dtype: options.dtype, device: options.device };
    this.weight = emptyParameter([outFeatures, inFeatures], f);
    this.bias = options.bias === false ? null : emptyParameter([outFeatures], f);
    this.resetParameters();
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }
  extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** y = x1^T A x2 + b. */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: FactoryOptions & { bias?: boolean } = {}) {
    super();
    const f = { dtype: options.dtype, device: options.device };
    this.weight = emptyParameter([outFeatures, in1Features, in2Features], f);
    this.bias = options.bias === false ? null : emptyParameter([outFeatures], f);
    this.resetParameters();
  }
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.size(1));
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }
  forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }
  extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
