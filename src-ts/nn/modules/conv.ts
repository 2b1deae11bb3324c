/** Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d (PyTorch's shapes, initialization, padding modes). */
import { ValueError } from '../../errors';
import { Module, tupleOf as tuple } from '../module';
import { emptyParameter, Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { Tensor } from '../../tensor';
import type { FactoryOptions } from './linear';

type Size = number | number[];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvNdOptions extends FactoryOptions {
  stride?: Size;
  padding?: Size | 'valid' | 'same';
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}


abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'valid' | 'same';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  readonly outputPadding: number[];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    n: number,
    readonly transposed: boolean,
    o: ConvNdOptions & { outputPadding?: Size },
  ) {
    super();
    this.groups = o.groups ?? 1;
    if (inChannels % this.groups !== 0) throw new ValueError('in_channels must be divisible by groups');
    if (outChannels % this.groups !== 0) throw new ValueError('out_channels must be divisible by groups');
    this.kernelSize = tuple(kernelSize, n);
    this.stride = tuple(o.stride ?? 1, n);
    this.padding = typeof o.padding === 'string' ? o.padding : tuple(o.padding ?? 0, n);
    this.dilation = tuple(o.dilation ?? 1, n);
    this.outputPadding = tuple(o.outputPadding ?? 0, n);
    this.paddingMode = o.paddingMode ?? 'zeros';
    const f = { dtype: o.dtype, device: o.device };
    const shape = transposed ? [inChannels, outChannels / this.groups, ...this.kernelSize] : [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = emptyParameter(shape, f);
    this.bias = o.bias === false ? null : emptyParameter([outChannels], f);
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  // Non-zero padding modes pad explicitly first, as PyTorch does; the padded copy is freed after.
  protected convolve(input: Tensor, conv: typeof F.conv2d): Tensor {
    const o = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros' || typeof this.padding === 'string') return conv(input, this.weight, this.bias, { ...o, padding: this.padding });
    const padded = input.pad([...this.padding].reverse().flatMap((p) => [p, p]), { mode: this.paddingMode });
    try {
      return conv(padded, this.weight, this.bias, { ...o, padding: 0 });
    } finally {
      padded.dispose();
    }
  }

  extraRepr(): string {
    const t = (a: number[]): string => `(${a.join(', ')}${a.length === 1 ? ',' : ''})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.outputPadding.some((d) => d !== 0)) s += `, output_padding=${t(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, false, options);
  }
  forward(input: Tensor): Tensor {
    return this.convolve(input, F.conv1d);
  }
}
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, false, options);
  }
  forward(input: Tensor): Tensor {
    return this.convolve(input, F.conv2d);
  }
}
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 3, false, options);
  }
  forward(input: Tensor): Tensor {
    return this.convolve(input, F.conv3d);
  }
}

export interface ConvTransposeNdOptions extends Omit<ConvNdOptions, 'padding' | 'paddingMode'> {
  padding?: Size;
  outputPadding?: Size;
}
export class ConvTranspose1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, true, options);
  }
  forward(input: Tensor): Tensor {
    return F.convTranspose1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation });
  }
}
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, true, options);
  }
  forward(input: Tensor): Tensor {
    return F.convTranspose2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation });
  }
}
export class ConvTranspose3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, 3, true, options);
  }
  forward(input: Tensor): Tensor {
    return F.convTranspose3d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation });
  }
}
