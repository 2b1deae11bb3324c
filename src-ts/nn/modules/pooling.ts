/** Pooling layers. `stride` defaults to the kernel size, as in PyTorch. */
import { Module } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

type Size = number | number[];

abstract class MaxPoolNd extends Module {
  constructor(readonly kernelSize: Size, readonly options: F.PoolOptions = {}) {
    super();
  }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${this.kernelSize}, stride=${o.stride ?? this.kernelSize}, padding=${o.padding ?? 0}, dilation=${o.dilation ?? 1}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}
export class MaxPool1d extends MaxPoolNd {
  forward(input: Tensor): Tensor {
    return F.maxPool1d(input, this.kernelSize, this.options);
  }
}
export class MaxPool2d extends MaxPoolNd {
  forward(input: Tensor): Tensor {
    return F.maxPool2d(input, this.kernelSize, this.options);
  }
}

abstract class AvgPoolNd extends Module {
  constructor(readonly kernelSize: Size, readonly options: F.AvgPoolOptions = {}) {
    super();
  }
  extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.options.stride ?? this.kernelSize}, padding=${this.options.padding ?? 0}`;
  }
}
export class AvgPool1d extends AvgPoolNd {
  forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.options);
  }
  // PyTorch's AvgPool1d keeps its sizes as 1-tuples.
  extraRepr(): string {
    const t = (x: number | number[]): string => `(${Array.isArray(x) ? x.join(', ') : x},)`;
    return `kernel_size=${t(this.kernelSize)}, stride=${t(this.options.stride ?? this.kernelSize)}, padding=${t(this.options.padding ?? 0)}`;
  }
}
export class AvgPool2d extends AvgPoolNd {
  forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, this.options);
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
  extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
  extraRepr(): string {
    return `output_size=${Array.isArray(this.outputSize) ? `(${this.outputSize.join(', ')})` : this.outputSize}`;
  }
}
