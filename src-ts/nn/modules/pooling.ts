/** Pooling layers. `stride` defaults to the kernel size, as in PyTorch. */
import { Module, pyFloat, pySize } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

type Size = number | number[];

abstract class MaxPoolNd extends Module {
  constructor(readonly kernelSize: Size, readonly options: F.PoolOptions = {}) {
    super();
  }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride ?? this.kernelSize)}, padding=${pySize(o.padding ?? 0)}, dilation=${pySize(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
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
export class MaxPool3d extends MaxPoolNd {
  forward(input: Tensor): Tensor {
    return F.maxPool3d(input, this.kernelSize, this.options);
  }
}

abstract class AvgPoolNd extends Module {
  constructor(readonly kernelSize: Size, readonly options: F.AvgPoolOptions = {}) {
    super();
  }
  extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.options.stride ?? this.kernelSize)}, padding=${pySize(this.options.padding ?? 0)}`;
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
export class AvgPool3d extends AvgPoolNd {
  forward(input: Tensor): Tensor {
    return F.avgPool3d(input, this.kernelSize, this.options);
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
    return `output_size=${pySize(this.outputSize)}`;
  }
}
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool3d(input, this.outputSize);
  }
  extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}

/** The pooled values, or `[values, indices]` with `{ returnIndices: true }`. */
abstract class AdaptiveMaxPoolNd<R extends boolean> extends Module {
  readonly returnIndices: R;
  constructor(readonly outputSize: Size, o: { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (o.returnIndices ?? false) as R;
  }
  extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return (this.returnIndices ? F.adaptiveMaxPool1d(input, this.outputSize, { returnIndices: true }) : F.adaptiveMaxPool1d(input, this.outputSize)) as never;
  }
}
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return (this.returnIndices ? F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices: true }) : F.adaptiveMaxPool2d(input, this.outputSize)) as never;
  }
}

/** Power-average pooling: (sum of x^p over the window)^(1/p). */
abstract class LPPoolNd extends Module {
  constructor(readonly normType: number, readonly kernelSize: Size, readonly options: { stride?: Size | null; ceilMode?: boolean } = {}) {
    super();
  }
  extraRepr(): string {
    const o = this.options;
    return `norm_type=${pyFloat(this.normType)}, kernel_size=${pySize(this.kernelSize)}, stride=${o.stride === undefined || o.stride === null ? 'None' : pySize(o.stride)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}
export class LPPool1d extends LPPoolNd {
  forward(input: Tensor): Tensor {
    return F.lpPool1d(input, this.normType, this.kernelSize as number, this.options as { stride?: number | null; ceilMode?: boolean });
  }
}
export class LPPool2d extends LPPoolNd {
  forward(input: Tensor): Tensor {
    return F.lpPool2d(input, this.normType, this.kernelSize, this.options);
  }
}
