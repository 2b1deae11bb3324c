/** Resampling layers: PixelShuffle/PixelUnshuffle, Upsample (and its fixed-mode forms), Fold/Unfold. */
import { ValueError } from '../../errors';
import { Module, pyFloat, pySize } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

type Size = number | number[];

/** Splits the channels into `groups` and interleaves them (ShuffleNet). */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.channelShuffle(input, this.groups);
  }
  extraRepr(): string {
    return `groups=${this.groups}`;
  }
}

/** (N, C * r^2, H, W) -> (N, C, H * r, W * r). */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }
  extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}
/** (N, C, H * r, W * r) -> (N, C * r^2, H, W). */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.pixelUnshuffle(input, this.downscaleFactor);
  }
  extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

export interface UpsampleOptions {
  size?: Size | null;
  scaleFactor?: number | number[] | null;
  mode?: F.InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}
/** F.interpolate as a layer. */
export class Upsample extends Module {
  readonly size: Size | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: F.InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(o: UpsampleOptions = {}) {
    super();
    this.size = o.size ?? null;
    // Python keeps a scale factor of 0 as None (it tests truthiness).
    this.scaleFactor = o.scaleFactor || null;
    if (this.size === null && this.scaleFactor === null) throw new ValueError('either size or scale_factor should be defined');
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
    this.recomputeScaleFactor = o.recomputeScaleFactor ?? null;
  }
  forward(input: Tensor): Tensor {
    return F.interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }
  extraRepr(): string {
    const f = this.scaleFactor;
    const info = f !== null ? `scale_factor=${Array.isArray(f) ? `(${f.map(pyFloat).join(', ')})` : pyFloat(f)}` : `size=${pySize(this.size!)}`;
    return `${info}, mode=${this.mode}`;
  }
}
export class UpsamplingNearest2d extends Upsample {
  constructor(o: { size?: Size | null; scaleFactor?: number | number[] | null } = {}) {
    super({ ...o, mode: 'nearest' });
  }
}
export class UpsamplingBilinear2d extends Upsample {
  constructor(o: { size?: Size | null; scaleFactor?: number | number[] | null } = {}) {
    super({ ...o, mode: 'bilinear', alignCorners: true });
  }
}

/** Sliding blocks of (N, C, H, W) -> (N, C * prod(kernelSize), L). */
export class Unfold extends Module {
  constructor(readonly kernelSize: Size, readonly options: F.FoldOptions = {}) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, this.options);
  }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(o.dilation ?? 1)}, padding=${pySize(o.padding ?? 0)}, stride=${pySize(o.stride ?? 1)}`;
  }
}
/** Blocks (N, C * prod(kernelSize), L) summed back into (N, C, *outputSize). */
export class Fold extends Module {
  constructor(readonly outputSize: Size, readonly kernelSize: Size, readonly options: F.FoldOptions = {}) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, this.options);
  }
  extraRepr(): string {
    const o = this.options;
    return `output_size=${pySize(this.outputSize)}, kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(o.dilation ?? 1)}, padding=${pySize(o.padding ?? 0)}, stride=${pySize(o.stride ?? 1)}`;
  }
}
