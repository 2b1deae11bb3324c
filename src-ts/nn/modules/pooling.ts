/** Pooling layers. `stride` defaults to the kernel size, as in PyTorch. */
import { ValueError } from '../../errors';
import { Module, pyFloat, pySize, pyTuple, tupleOf } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

type Size = number | number[];

/** The pooled values, or `[values, indices]` with `{ returnIndices: true }` (for MaxUnpool). */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly returnIndices: R;
  readonly options: F.PoolOptions;
  constructor(readonly kernelSize: Size, options: F.PoolOptions & { returnIndices?: R } = {}) {
    super();
    const { returnIndices, ...rest } = options;
    this.returnIndices = (returnIndices ?? false) as R;
    this.options = rest;
  }
  protected pool(fn: typeof F.maxPool2d, input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return (this.returnIndices ? fn(input, this.kernelSize, { ...this.options, returnIndices: true }) : fn(input, this.kernelSize, this.options)) as never;
  }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride ?? this.kernelSize)}, padding=${pySize(o.padding ?? 0)}, dilation=${pySize(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return this.pool(F.maxPool1d as typeof F.maxPool2d, input);
  }
}
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return this.pool(F.maxPool2d, input);
  }
}
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return this.pool(F.maxPool3d as typeof F.maxPool2d, input);
  }
}

/** The inverse of MaxPool with `returnIndices`: each value back at its index, zeros elsewhere. */
abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  constructor(kernelSize: Size, n: number, o: { stride?: Size | null; padding?: Size } = {}) {
    super();
    this.kernelSize = tupleOf(kernelSize, n);
    this.stride = tupleOf(o.stride ?? kernelSize, n);
    this.padding = tupleOf(o.padding ?? 0, n);
  }
  protected args(outputSize: number[] | null): F.UnpoolOptions {
    return { stride: this.stride, padding: this.padding, outputSize };
  }
  extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: Size, o: { stride?: Size | null; padding?: Size } = {}) {
    super(kernelSize, 1, o);
  }
  forward(input: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return F.maxUnpool1d(input, indices, this.kernelSize, this.args(outputSize));
  }
}
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: Size, o: { stride?: Size | null; padding?: Size } = {}) {
    super(kernelSize, 2, o);
  }
  forward(input: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return F.maxUnpool2d(input, indices, this.kernelSize, this.args(outputSize));
  }
}
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: Size, o: { stride?: Size | null; padding?: Size } = {}) {
    super(kernelSize, 3, o);
  }
  forward(input: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return F.maxUnpool3d(input, indices, this.kernelSize, this.args(outputSize));
  }
}

/** Fractional max pooling: outputSize or outputRatio; `[values, indices]` with returnIndices. */
abstract class FractionalMaxPoolNd<R extends boolean> extends Module {
  readonly returnIndices: R;
  constructor(readonly kernelSize: Size, readonly options: Omit<F.FractionalMaxPoolOptions, 'returnIndices'> & { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
    const ratio = options.outputRatio ?? null;
    if ((options.outputSize ?? null) === null && ratio === null) {
      throw new ValueError(`${this.constructor.name} requires specifying either an output size, or a pooling ratio`);
    }
    if ((options.outputSize ?? null) !== null && ratio !== null) throw new ValueError('only one of output_size and output_ratio may be specified');
    for (const r of ratio === null ? [] : Array.isArray(ratio) ? ratio : [ratio]) {
      if (!(r > 0 && r < 1)) throw new ValueError(`output_ratio must be between 0 and 1 (got ${pySize(ratio as number | number[])})`);
    }
  }
}
export class FractionalMaxPool2d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.fractionalMaxPool2d(input, this.kernelSize, { ...this.options, returnIndices: this.returnIndices } as never) as never;
  }
}
export class FractionalMaxPool3d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.fractionalMaxPool3d(input, this.kernelSize, { ...this.options, returnIndices: this.returnIndices } as never) as never;
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
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return (this.returnIndices ? F.adaptiveMaxPool3d(input, this.outputSize, { returnIndices: true }) : F.adaptiveMaxPool3d(input, this.outputSize)) as never;
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
