/**
 * torch.nn.functional: Python's functional forms with Python's arguments (`reduction: 'mean'`,
 * `training`, `inplace`), over the generated ops. Keyword arguments come as a trailing object.
 */
import * as ops from '../generated/ops';
import { binding } from '../binding';
import { NotImplementedError, TorchError, TypeError as TorchTypeError, ValueError } from '../errors';
import { hasOp, op, opId, schemaOf, type OpRef } from '../ops';
import { scope } from '../memory';
import { noGrad } from '../autograd';
import { wrap, type Tensor } from '../tensor';
import { finfo, type DTypeLike } from '../dtype';
import { tupleOf } from './module';

export type Reduction = 'none' | 'mean' | 'sum';
type Size = number | number[];

/** at::Reduction codes. */
function reductionCode(r: Reduction | undefined): number {
  switch (r ?? 'mean') {
    case 'none':
      return 0;
    case 'mean':
      return 1;
    case 'sum':
      return 2;
    default:
      throw new ValueError(`${String(r)} is not a valid value for reduction`);
  }
}

// ---- linear and convolution ---------------------------------------------------------------

export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return ops.linear(input, weight, bias);
}
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return ops.bilinear(input1, input2, weight, bias);
}

export interface ConvOptions {
  stride?: Size;
  padding?: Size | 'valid' | 'same';
  dilation?: Size;
  groups?: number;
}
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvOptions = {}): Tensor {
  return ops.conv1d(input, weight, { bias, stride: o.stride, padding: o.padding as never, dilation: o.dilation, groups: o.groups });
}
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvOptions = {}): Tensor {
  return ops.conv2d(input, weight, { bias, stride: o.stride, padding: o.padding as never, dilation: o.dilation, groups: o.groups });
}
export function conv3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvOptions = {}): Tensor {
  return ops.conv3d(input, weight, { bias, stride: o.stride, padding: o.padding as never, dilation: o.dilation, groups: o.groups });
}

export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeOptions = {}): Tensor {
  return ops.convTranspose1d(input, weight, { bias, stride: o.stride, padding: o.padding, outputPadding: o.outputPadding, groups: o.groups, dilation: o.dilation });
}
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeOptions = {}): Tensor {
  return ops.convTranspose2d(input, weight, { bias, stride: o.stride, padding: o.padding, outputPadding: o.outputPadding, groups: o.groups, dilation: o.dilation });
}
export function convTranspose3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeOptions = {}): Tensor {
  return ops.convTranspose3d(input, weight, { bias, stride: o.stride, padding: o.padding, outputPadding: o.outputPadding, groups: o.groups, dilation: o.dilation });
}

// ---- pooling -------------------------------------------------------------------------------

export interface PoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}
// Python's pooling takes stride=None to mean "the kernel size"; ATen's empty list means the same.
const strideOf = (s: Size | null | undefined): Size => (s === null || s === undefined ? [] : s);

/** The pooled values; with `{ returnIndices: true }`, `[values, indices]` (what maxUnpool takes). */
export function maxPool1d(input: Tensor, kernelSize: Size, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const a = { stride: strideOf(o.stride), padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode };
  return o.returnIndices ? ops.maxPool1dWithIndices(input, kernelSize, a) : ops.maxPool1d(input, kernelSize, a);
}
export function maxPool2d(input: Tensor, kernelSize: Size, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const a = { stride: strideOf(o.stride), padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode };
  return o.returnIndices ? ops.maxPool2dWithIndices(input, kernelSize, a) : ops.maxPool2d(input, kernelSize, a);
}
/** Python's max_pool*d_with_indices: [values, indices]. */
export const maxPool1dWithIndices = (input: Tensor, kernelSize: Size, o: PoolOptions = {}): [Tensor, Tensor] => maxPool1d(input, kernelSize, { ...o, returnIndices: true });
export const maxPool2dWithIndices = (input: Tensor, kernelSize: Size, o: PoolOptions = {}): [Tensor, Tensor] => maxPool2d(input, kernelSize, { ...o, returnIndices: true });
export const maxPool3dWithIndices = (input: Tensor, kernelSize: Size, o: PoolOptions = {}): [Tensor, Tensor] => maxPool3d(input, kernelSize, { ...o, returnIndices: true });
export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
export function avgPool1d(input: Tensor, kernelSize: Size, o: AvgPoolOptions = {}): Tensor {
  return ops.avgPool1d(input, kernelSize, { stride: strideOf(o.stride), padding: o.padding, ceilMode: o.ceilMode, countIncludePad: o.countIncludePad });
}
export function avgPool2d(input: Tensor, kernelSize: Size, o: AvgPoolOptions = {}): Tensor {
  return ops.avgPool2d(input, kernelSize, { stride: strideOf(o.stride), padding: o.padding, ceilMode: o.ceilMode, countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride });
}
export function adaptiveAvgPool1d(input: Tensor, outputSize: Size): Tensor {
  return ops.adaptiveAvgPool1d(input, outputSize);
}
export function adaptiveAvgPool2d(input: Tensor, outputSize: Size): Tensor {
  return ops.adaptiveAvgPool2d(input, outputSize);
}
export function maxPool3d(input: Tensor, kernelSize: Size, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: Size, o: PoolOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const a = { stride: strideOf(o.stride), padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode };
  return o.returnIndices ? ops.maxPool3dWithIndices(input, kernelSize, a) : ops.maxPool3d(input, kernelSize, a);
}

// Python's _unpool_output_size: the size max pooling came from, or the one asked for (checked).
function unpoolOutputSize(input: Tensor, kernel: number[], stride: number[], padding: number[], outputSize: number[] | null): number[] {
  const n = kernel.length;
  const size = input.shape;
  const def = kernel.map((k, d) => (size[size.length - n + d] - 1) * stride[d] + k - 2 * padding[d]);
  if (outputSize === null) return def;
  let out = outputSize;
  if (out.length === n + 2) out = out.slice(2);
  if (out.length !== n) throw new ValueError(`output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${out.length}'`);
  out.forEach((o, d) => {
    const [lo, hi] = [def[d] - stride[d], def[d] + stride[d]];
    if (!(lo < o && o < hi)) throw new ValueError(`invalid output_size "[${outputSize.join(', ')}]" (dim ${d} must be between ${lo} and ${hi})`);
  });
  return out;
}

export interface UnpoolOptions {
  stride?: Size | null;
  padding?: Size;
  /** The size before pooling (for odd sizes pooling rounded down), with or without (N, C). */
  outputSize?: number[] | null;
}

/** Puts each pooled value back where maxPool found it (the `indices` of returnIndices); zeros elsewhere. */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: Size, o: UnpoolOptions = {}): Tensor {
  const k = tupleOf(kernelSize, 1);
  const out = unpoolOutputSize(input, k, o.stride == null ? k : tupleOf(o.stride, 1), tupleOf(o.padding ?? 0, 1), o.outputSize ?? null);
  return scope(() => ops.maxUnpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), [...out, 1]).squeeze(-1));
}
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: Size, o: UnpoolOptions = {}): Tensor {
  const k = tupleOf(kernelSize, 2);
  return ops.maxUnpool2d(input, indices, unpoolOutputSize(input, k, o.stride == null ? k : tupleOf(o.stride, 2), tupleOf(o.padding ?? 0, 2), o.outputSize ?? null));
}
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: Size, o: UnpoolOptions = {}): Tensor {
  const k = tupleOf(kernelSize, 3);
  const stride = o.stride == null ? k : tupleOf(o.stride, 3);
  const padding = tupleOf(o.padding ?? 0, 3);
  return ops.maxUnpool3d(input, indices, unpoolOutputSize(input, k, stride, padding, o.outputSize ?? null), stride, padding);
}

export interface FractionalMaxPoolOptions {
  /** The output's spatial size, or ... */
  outputSize?: Size | null;
  /** ... its ratio to the input's, in (0, 1). */
  outputRatio?: number | number[] | null;
  returnIndices?: boolean;
  /** The pseudo-random window offsets in [0, 1) (N, C, dims); drawn with torch.rand when absent. */
  randomSamples?: Tensor | null;
}
function fractionalMaxPool(input: Tensor, kernelSize: Size, o: FractionalMaxPoolOptions, n: 2 | 3): Tensor | [Tensor, Tensor] {
  if ((o.outputSize ?? null) === null && (o.outputRatio ?? null) === null) {
    throw new ValueError(`fractional_max_pool${n}d requires specifying either an output_size or an output_ratio`);
  }
  let outputSize = o.outputSize ?? null;
  if (outputSize === null) {
    const ratio = tupleOf(o.outputRatio as number | number[], n);
    const size = input.shape;
    outputSize = ratio.map((r, d) => Math.trunc(size[size.length - n + d] * r));
  }
  return scope(() => {
    const samples = o.randomSamples ?? ops.rand([input.dim() === n + 1 ? 1 : input.size(0), input.size(-n - 1), n], { dtype: input.dtype, device: input.device });
    const fn = n === 2 ? ops.fractionalMaxPool2d : ops.fractionalMaxPool3d;
    const [values, indices] = fn(input, tupleOf(kernelSize, n), tupleOf(outputSize!, n), samples);
    return o.returnIndices ? ([values, indices] as [Tensor, Tensor]) : values;
  });
}
/** Max pooling over pseudo-randomly sized windows (Graham, 2014): outputSize or outputRatio. */
export function fractionalMaxPool2d(input: Tensor, kernelSize: Size, o?: FractionalMaxPoolOptions & { returnIndices?: false }): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: Size, o: FractionalMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool2d(input: Tensor, kernelSize: Size, o: FractionalMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool(input, kernelSize, o, 2);
}
export function fractionalMaxPool3d(input: Tensor, kernelSize: Size, o?: FractionalMaxPoolOptions & { returnIndices?: false }): Tensor;
export function fractionalMaxPool3d(input: Tensor, kernelSize: Size, o: FractionalMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool3d(input: Tensor, kernelSize: Size, o: FractionalMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool(input, kernelSize, o, 3);
}
export function avgPool3d(input: Tensor, kernelSize: Size, o: AvgPoolOptions = {}): Tensor {
  return ops.avgPool3d(input, kernelSize, { stride: strideOf(o.stride), padding: o.padding, ceilMode: o.ceilMode, countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride });
}
export function adaptiveAvgPool3d(input: Tensor, outputSize: Size): Tensor {
  return ops.adaptiveAvgPool3d(input, outputSize);
}
/** The pooled values; with `{ returnIndices: true }`, `[values, indices]` as Python's. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size, o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size, o: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  return valuesOrBoth(ops.adaptiveMaxPool1d(input, outputSize), o.returnIndices);
}
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size, o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size, o: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  return valuesOrBoth(ops.adaptiveMaxPool2d(input, outputSize), o.returnIndices);
}
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size, o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size, o: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  return valuesOrBoth(ops.adaptiveMaxPool3d(input, outputSize), o.returnIndices);
}
export const adaptiveMaxPool1dWithIndices = (input: Tensor, outputSize: Size): [Tensor, Tensor] => adaptiveMaxPool1d(input, outputSize, { returnIndices: true });
export const adaptiveMaxPool2dWithIndices = (input: Tensor, outputSize: Size): [Tensor, Tensor] => adaptiveMaxPool2d(input, outputSize, { returnIndices: true });
export const adaptiveMaxPool3dWithIndices = (input: Tensor, outputSize: Size): [Tensor, Tensor] => adaptiveMaxPool3d(input, outputSize, { returnIndices: true });
function valuesOrBoth([values, indices]: [Tensor, Tensor], both = false): Tensor | [Tensor, Tensor] {
  if (both) return [values, indices];
  indices.dispose();
  return values;
}
export function lpPool1d(input: Tensor, normType: number, kernelSize: number, o: { stride?: number | null; ceilMode?: boolean } = {}): Tensor {
  return lpPool(input, normType, [kernelSize], o.stride ?? null, o.ceilMode ?? false);
}
export function lpPool2d(input: Tensor, normType: number, kernelSize: Size, o: { stride?: Size | null; ceilMode?: boolean } = {}): Tensor {
  return lpPool(input, normType, typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize, o.stride ?? null, o.ceilMode ?? false);
}
// Python's lp_pool: (sum over the window of x^p)^(1/p), as avg_pool of x^p times the window size.
function lpPool(input: Tensor, p: number, k: number[], stride: Size | null, ceilMode: boolean): Tensor {
  return scope(() => {
    const pooled = k.length === 1
      ? avgPool1d(input.pow(p), k[0], { stride, ceilMode })
      : avgPool2d(input.pow(p), k, { stride, ceilMode });
    const n = k.reduce((a, b) => a * b, 1);
    return pooled.sign().mul(pooled.abs().relu()).mul(n).pow(1 / p);
  });
}

// ---- normalization -------------------------------------------------------------------------

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o: BatchNormOptions = {}): Tensor {
  return ops.batchNorm(input, o.weight ?? null, o.bias ?? null, runningMean, runningVar, o.training ?? false, o.momentum ?? 0.1, o.eps ?? 1e-5, true);
}
export function layerNorm(input: Tensor, normalizedShape: number[], o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  return ops.layerNorm(input, normalizedShape, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5, true);
}

// Ops LibTorch added after 1.13: the running LibTorch's kernel where it has one (on CUDA,
// scaled_dot_product_attention picks flash or memory-efficient attention), else the same math
// composed from older ops, so the API is one on every LibTorch.
const RMS_NORM = op('aten::rms_norm');
const SDPA = op('aten::scaled_dot_product_attention');


/**
 * Python's `F.rms_norm` (PyTorch 2.4): `x / sqrt(mean(x^2 over the normalized dims) + eps) * weight`,
 * eps defaulting to the dtype's machine epsilon; float16/bfloat16 are computed in float32.
 */
export function rmsNorm(input: Tensor, normalizedShape: number[], o: { weight?: Tensor | null; eps?: number | null } = {}): Tensor {
  const n = normalizedShape.length;
  const tail = input.shape.slice(input.dim() - n);
  if (n === 0 || input.dim() < n || tail.join() !== normalizedShape.join()) {
    throw new TorchError(`Given normalized_shape=[${normalizedShape}], expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size [${input.shape}]`);
  }
  if (hasOp(RMS_NORM)) return wrap(binding.call(opId(RMS_NORM), input._h, normalizedShape, o.weight?._h ?? null, o.eps ?? null) as number);
  const eps = o.eps ?? finfo(input.dtype).eps;
  if (eps === undefined) throw new TorchError(`rms_norm: expected a floating point input, got ${input.dtype}`);
  return scope(() => {
    const half = input.dtype === 'float16' || input.dtype === 'bfloat16';
    const x = half ? input.to('float32') : input;
    const dims = Array.from({ length: n }, (_, i) => -1 - i);
    let y = x.mul(x.pow(2).mean(dims, true).add(eps).rsqrt());
    if (half) y = y.to(input.dtype);
    return o.weight ? y.mul(o.weight) : y;
  });
}

export function groupNorm(input: Tensor, numGroups: number, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  return ops.groupNorm(input, numGroups, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5, true);
}
export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}
export function instanceNorm(input: Tensor, o: InstanceNormOptions = {}): Tensor {
  if (o.useInputStats ?? true) {
    if (input.shape.slice(2).reduce((a, b) => a * b, 1) === 1) {
      throw new ValueError(`Expected more than 1 spatial element when training, got input size [${input.shape.join(', ')}]`);
    }
  }
  return ops.instanceNorm(input, o.weight ?? null, o.bias ?? null, o.runningMean ?? null, o.runningVar ?? null,
    o.useInputStats ?? true, o.momentum ?? 0.1, o.eps ?? 1e-5, true);
}
/** Python's local_response_norm: each value over the mean of squares of `size` neighbouring channels. */
export function localResponseNorm(input: Tensor, size: number, o: { alpha?: number; beta?: number; k?: number } = {}): Tensor {
  const dim = input.dim();
  if (dim < 3) throw new ValueError(`Expected 3D or higher dimensionality input (got ${dim} dimensions)`);
  if (input.numel() === 0) return input.clone();
  return scope(() => {
    let div = input.mul(input).unsqueeze(1);
    if (dim === 3) {
      div = avgPool2d(pad(div, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]), [size, 1], { stride: 1 }).squeeze(1);
    } else {
      const sizes = input.shape;
      div = div.view(sizes[0], 1, sizes[1], sizes[2], -1);
      div = avgPool3d(pad(div, [0, 0, 0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]), [size, 1, 1], { stride: 1 }).squeeze(1).view(sizes);
    }
    return input.div(div.mul(o.alpha ?? 1e-4).add(o.k ?? 1.0).pow(o.beta ?? 0.75));
  });
}
/** Python's normalize: input / max(||input||_p over dim, eps). */
export function normalize(input: Tensor, o: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  return scope(() => input.div(input.norm(o.p ?? 2, o.dim ?? 1, true).clampMin(o.eps ?? 1e-12).expandAs(input)));
}

// ---- dropout and embedding -----------------------------------------------------------------

function checkP(p: number): void {
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
}
export function dropout(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  checkP(p);
  return inplace ? input.dropout_(p, training) : ops.dropout(input, p, training);
}
export function dropout2d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  checkP(p);
  return inplace ? input.featureDropout_(p, training) : ops.featureDropout(input, p, training);
}
/** Whole channels of (N, C, L) or (C, L) input zeroed together. */
export function dropout1d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return channelDropout(input, p, training, inplace, 1);
}
/** Whole channels of (N, C, D, H, W) or (C, D, H, W) input zeroed together. */
export function dropout3d(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  return channelDropout(input, p, training, inplace, 3);
}
function channelDropout(input: Tensor, p: number, training: boolean, inplace: boolean, spatial: number): Tensor {
  checkP(p);
  const d = input.dim();
  if (d !== spatial + 1 && d !== spatial + 2) {
    throw new TorchError(`dropout${spatial}d: Expected ${spatial + 1}D or ${spatial + 2}D input, but received a ${d}D input`);
  }
  if (d === spatial + 2) return dropout2d(input, p, training, inplace);
  // Unbatched: one sample's channels (Python adds and removes the batch dim around the same op).
  const batched = input.unsqueeze(0);
  const out = dropout2d(batched, p, training, inplace);
  if (inplace) {
    batched.dispose();
    return input;
  }
  const y = out.squeeze(0);
  batched.dispose();
  out.dispose();
  return y;
}
/** SELU-preserving dropout: keeps mean and variance of self-normalizing activations. */
export function alphaDropout(input: Tensor, p = 0.5, training = false, inplace = false): Tensor {
  checkP(p);
  return inplace ? input.alphaDropout_(p, training) : ops.alphaDropout(input, p, training);
}
export function featureAlphaDropout(input: Tensor, p = 0.5, training = false, inplace = false): Tensor {
  checkP(p);
  return inplace ? input.featureAlphaDropout_(p, training) : ops.featureAlphaDropout(input, p, training);
}
export function embedding(input: Tensor, weight: Tensor, o: { paddingIdx?: number | null } = {}): Tensor {
  return ops.embedding(weight, input, o.paddingIdx ?? -1);
}

// ---- activations ---------------------------------------------------------------------------

export const relu = (input: Tensor, inplace = false): Tensor => (inplace ? input.relu_() : ops.relu(input));
export const leakyRelu = (input: Tensor, negativeSlope = 0.01, inplace = false): Tensor =>
  inplace ? input.leakyRelu_(negativeSlope) : ops.leakyRelu(input, negativeSlope);
export const gelu = (input: Tensor, o: { approximate?: 'none' | 'tanh' } = {}): Tensor => ops.gelu(input, { approximate: o.approximate ?? 'none' });
export const silu = (input: Tensor, inplace = false): Tensor => (inplace ? input.silu_() : ops.silu(input));
export const elu = (input: Tensor, alpha = 1.0, inplace = false): Tensor => (inplace ? input.elu_(alpha) : ops.elu(input, alpha));
export const tanh = (input: Tensor): Tensor => ops.tanh(input);
export const sigmoid = (input: Tensor): Tensor => ops.sigmoid(input);
export const softplus = (input: Tensor, beta = 1, threshold = 20): Tensor => ops.softplus(input, beta, threshold);
export const mish = (input: Tensor, inplace = false): Tensor => (inplace ? input.mish_() : ops.mish(input));
export const hardswish = (input: Tensor, inplace = false): Tensor => (inplace ? input.hardswish_() : ops.hardswish(input));
export const softmax = (input: Tensor, dim: number, o: { dtype?: DTypeLike } = {}): Tensor => ops.softmax(input, dim, o.dtype ?? null);
export const logSoftmax = (input: Tensor, dim: number, o: { dtype?: DTypeLike } = {}): Tensor => ops.logSoftmax(input, dim, o.dtype ?? null);
export const relu6 = (input: Tensor, inplace = false): Tensor => (inplace ? input.relu6_() : ops.relu6(input));
export const hardtanh = (input: Tensor, minVal = -1.0, maxVal = 1.0, inplace = false): Tensor =>
  inplace ? input.hardtanh_(minVal, maxVal) : ops.hardtanh(input, minVal, maxVal);
export const hardsigmoid = (input: Tensor, inplace = false): Tensor => (inplace ? input.hardsigmoid_() : ops.hardsigmoid(input));
export const selu = (input: Tensor, inplace = false): Tensor => (inplace ? input.selu_() : ops.selu(input));
export const celu = (input: Tensor, alpha = 1.0, inplace = false): Tensor => (inplace ? input.celu_(alpha) : ops.celu(input, alpha));
export const prelu = (input: Tensor, weight: Tensor): Tensor => ops.prelu(input, weight);
export const threshold = (input: Tensor, threshold: number, value: number, inplace = false): Tensor =>
  inplace ? input.threshold_(threshold, value) : ops.threshold(input, threshold, value);
export const softshrink = (input: Tensor, lambd = 0.5): Tensor => ops.softshrink(input, lambd);
export const hardshrink = (input: Tensor, lambd = 0.5): Tensor => ops.hardshrink(input, lambd);
export const logsigmoid = (input: Tensor): Tensor => ops.logSigmoid(input);
export const softsign = (input: Tensor): Tensor => scope(() => input.div(input.abs().add(1)));
export const tanhshrink = (input: Tensor): Tensor => scope(() => input.sub(input.tanh()));
export const softmin = (input: Tensor, dim: number, o: { dtype?: DTypeLike } = {}): Tensor => scope(() => ops.softmax(input.neg(), dim, o.dtype ?? null));
/** Randomized leaky ReLU: in training, each negative slope is drawn from U(lower, upper); else their mean. */
export const rrelu = (input: Tensor, lower = 1 / 8, upper = 1 / 3, training = false, inplace = false): Tensor =>
  inplace ? input.rrelu_(lower, upper, training) : ops.rrelu(input, lower, upper, training);
// Python's in-place forms (`F.relu_`): the input is changed and returned.
export const relu_ = (input: Tensor): Tensor => input.relu_();
export const elu_ = (input: Tensor, alpha = 1.0): Tensor => input.elu_(alpha);
export const celu_ = (input: Tensor, alpha = 1.0): Tensor => input.celu_(alpha);
export const selu_ = (input: Tensor): Tensor => input.selu_();
export const leakyRelu_ = (input: Tensor, negativeSlope = 0.01): Tensor => input.leakyRelu_(negativeSlope);
export const hardtanh_ = (input: Tensor, minVal = -1.0, maxVal = 1.0): Tensor => input.hardtanh_(minVal, maxVal);
export const threshold_ = (input: Tensor, threshold: number, value: number): Tensor => input.threshold_(threshold, value);
export const rrelu_ = (input: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor => input.rrelu_(lower, upper, training);

/**
 * Samples from the Gumbel-softmax distribution: softmax((logits + Gumbel noise) / tau). With
 * `hard`, the result is one-hot in the forward pass and has the soft sample's gradient.
 */
export function gumbelSoftmax(logits: Tensor, o: { tau?: number; hard?: boolean; dim?: number } = {}): Tensor {
  const dim = o.dim ?? -1;
  return scope(() => {
    const gumbels = ops.emptyLike(logits).exponential_().log().neg();
    const ySoft = logits.add(gumbels).div(o.tau ?? 1).softmax(dim);
    if (!o.hard) return ySoft;
    const index = ySoft.max(dim, true)[1];
    const yHard = ops.zerosLike(logits).scatter_(dim, index, 1.0);
    return yHard.sub(ySoft.detach()).add(ySoft);
  });
}

export function glu(input: Tensor, dim = -1): Tensor {
  if (input.dim() === 0) throw new TorchError('glu does not support scalars because halving size must be even');
  return ops.glu(input, dim);
}

// ---- shape and vision ----------------------------------------------------------------------

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
/** Pads the last dims: `pad` is [left, right, top, bottom, front, back] as far as given. */
export function pad(input: Tensor, padding: number[], o: { mode?: PadMode; value?: number | null } = {}): Tensor {
  return ops.pad(input, padding, o.mode ?? 'constant', o.value ?? null);
}
export const pixelShuffle = (input: Tensor, upscaleFactor: number): Tensor => ops.pixelShuffle(input, upscaleFactor);
export const pixelUnshuffle = (input: Tensor, downscaleFactor: number): Tensor => ops.pixelUnshuffle(input, downscaleFactor);
export const oneHot = (tensor: Tensor, numClasses = -1): Tensor => ops.oneHot(tensor, numClasses);
export const cosineSimilarity = (x1: Tensor, x2: Tensor, o: { dim?: number; eps?: number } = {}): Tensor =>
  ops.cosineSimilarity(x1, x2, o.dim ?? 1, o.eps ?? 1e-8);
export const pairwiseDistance = (x1: Tensor, x2: Tensor, o: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor =>
  ops.pairwiseDistance(x1, x2, o.p ?? 2.0, o.eps ?? 1e-6, o.keepdim ?? false);

export interface FoldOptions {
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}
/** Sliding local blocks of a batched image (N, C, H, W) -> (N, C * prod(kernel), L), Python's unfold. */
export function unfold(input: Tensor, kernelSize: Size, o: FoldOptions = {}): Tensor {
  return ops.im2col(input, kernelSize, o.dilation ?? 1, o.padding ?? 0, o.stride ?? 1);
}
/** Sums blocks (N, C * prod(kernel), L) back into an image of `outputSize`, Python's fold. */
export function fold(input: Tensor, outputSize: Size, kernelSize: Size, o: FoldOptions = {}): Tensor {
  return ops.col2im(input, outputSize, kernelSize, o.dilation ?? 1, o.padding ?? 0, o.stride ?? 1);
}

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
/** Pairwise p-norm distances between the rows of (N, M): the upper triangle, N(N-1)/2 values. */
export const pdist = (input: Tensor, p = 2): Tensor => ops.pdist(input, p);

/** Splits the channels into `groups` and interleaves them (ShuffleNet). */
export const channelShuffle = (input: Tensor, groups: number): Tensor => ops.channelShuffle(input, groups);
export const nativeChannelShuffle = channelShuffle;

/**
 * The sampling grid of a batch of affine transforms `theta` (N, 2, 3) or (N, 3, 4) over an output
 * of `size` [N, C, H, W] (or [N, C, D, H, W]), for gridSample: spatial transformer networks.
 */
export function affineGrid(theta: Tensor, size: number[], o: { alignCorners?: boolean | null } = {}): Tensor {
  if (!['float16', 'bfloat16', 'float32', 'float64'].includes(theta.dtype)) throw new ValueError(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  const shape = `torch.Size([${theta.shape.join(', ')}])`;
  if (size.length === 4) {
    if (theta.dim() !== 3 || theta.size(-2) !== 2 || theta.size(-1) !== 3) throw new ValueError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size [${size.join(', ')}]. Got ${shape}.`);
  } else if (size.length === 5) {
    if (theta.dim() !== 3 || theta.size(-2) !== 3 || theta.size(-1) !== 4) throw new ValueError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size [${size.join(', ')}]. Got ${shape}.`);
  } else {
    throw new NotImplementedError(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [${size.join(', ')}].`);
  }
  if (Math.min(...size) <= 0) throw new ValueError(`Expected non-zero, positive output size. Got [${size.join(', ')}]`);
  return ops.affineGridGenerator(theta, size, o.alignCorners ?? false);
}

export interface GridSampleOptions {
  mode?: 'bilinear' | 'nearest' | 'bicubic';
  paddingMode?: 'zeros' | 'border' | 'reflection';
  alignCorners?: boolean | null;
}
/** Samples `input` at the (x, y[, z]) locations of `grid` in [-1, 1] (N, H_out, W_out, 2), interpolating. */
export function gridSample(input: Tensor, grid: Tensor, o: GridSampleOptions = {}): Tensor {
  const mode = o.mode ?? 'bilinear';
  const padding = o.paddingMode ?? 'zeros';
  const modeCode = { bilinear: 0, nearest: 1, bicubic: 2 }[mode];
  const paddingCode = { zeros: 0, border: 1, reflection: 2 }[padding];
  if (modeCode === undefined) throw new ValueError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${String(mode)}'`);
  if (paddingCode === undefined) throw new ValueError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${String(padding)}'`);
  return ops.gridSampler(input, grid, modeCode, paddingCode, o.alignCorners ?? false);
}

export interface InterpolateOptions {
  size?: Size | null;
  scaleFactor?: number | number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}
const UPSAMPLE: Record<string, string> = {
  'nearest-3': 'upsample_nearest1d', 'nearest-4': 'upsample_nearest2d', 'nearest-5': 'upsample_nearest3d',
  'nearest-exact-3': '_upsample_nearest_exact1d', 'nearest-exact-4': '_upsample_nearest_exact2d', 'nearest-exact-5': '_upsample_nearest_exact3d',
  'linear-3': 'upsample_linear1d', 'bilinear-4': 'upsample_bilinear2d', 'trilinear-5': 'upsample_trilinear3d', 'bicubic-4': 'upsample_bicubic2d',
};
const upsampleOps = new Map<string, OpRef>();
function upsampleOp(name: string): OpRef {
  let o = upsampleOps.get(name);
  if (!o) upsampleOps.set(name, (o = op(`aten::${name}`, 'vec')));
  return o;
}
/** Python's F.interpolate: resizes the spatial dims of (N, C, ...) input by `size` or `scaleFactor`. */
export function interpolate(input: Tensor, o: InterpolateOptions = {}): Tensor {
  const mode = o.mode ?? 'nearest';
  const exact = mode === 'nearest' || mode === 'area' || mode === 'nearest-exact';
  if (exact && o.alignCorners !== undefined && o.alignCorners !== null) {
    throw new ValueError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const alignCorners = o.alignCorners ?? false;
  const dim = input.dim() - 2;
  const size = o.size ?? null;
  const scale = o.scaleFactor ?? null;
  let outputSize: number[] | null = null;
  let scales: number[] | null = null;
  if (size !== null && scale !== null) throw new ValueError('only one of size or scale_factor should be defined');
  if (size !== null) {
    if (Array.isArray(size) && size.length !== dim) {
      throw new ValueError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${input.shape.slice(2)}] and output size of [${size}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
    outputSize = Array.isArray(size) ? size : Array(dim).fill(size);
  } else if (scale !== null) {
    if (Array.isArray(scale) && scale.length !== dim) {
      throw new ValueError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${input.shape.slice(2)}] and scale_factor of shape [${scale}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
    scales = Array.isArray(scale) ? scale : Array(dim).fill(scale);
  } else {
    throw new ValueError('either size or scale_factor should be defined');
  }
  if (o.recomputeScaleFactor && size !== null) throw new ValueError('recompute_scale_factor is not meaningful with an explicit size.');
  // "area" always takes an explicit size; recomputing drops the scales for floor(in * scale).
  if (scales && (o.recomputeScaleFactor || mode === 'area')) {
    outputSize = scales.map((f, i) => Math.floor(input.size(i + 2) * f));
    scales = null;
  }
  if (o.antialias && !((mode === 'bilinear' || mode === 'bicubic') && input.dim() === 4)) {
    throw new ValueError('Anti-alias option is only supported for bilinear and bicubic modes');
  }
  if (mode === 'area') {
    if (dim === 1) return ops.adaptiveAvgPool1d(input, outputSize!);
    if (dim === 2) return ops.adaptiveAvgPool2d(input, outputSize!);
    if (dim === 3) return ops.adaptiveAvgPool3d(input, outputSize!);
  }
  const name = UPSAMPLE[`${mode}-${input.dim()}`];
  if (name === undefined) {
    const needs: Record<string, number> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };
    if (needs[mode] !== undefined && input.dim() >= 3 && input.dim() <= 5) {
      throw new NotImplementedError(`Got ${input.dim()}D input, but ${mode} mode needs ${needs[mode]}D input`);
    }
    throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  const ref = upsampleOp(o.antialias ? `_${name}_aa` : name);
  const h = exact
    ? binding.call(opId(ref), input._h, outputSize, scales)
    : binding.call(opId(ref), input._h, outputSize, alignCorners, scales);
  return wrap(h as number);
}
/** Python's deprecated `F.upsample`: interpolate with the same options. */
export const upsample = (input: Tensor, o: InterpolateOptions = {}): Tensor => interpolate(input, o);
/** Python's deprecated `F.upsample_nearest`. */
export const upsampleNearest = (input: Tensor, o: { size?: Size | null; scaleFactor?: number | number[] | null } = {}): Tensor => interpolate(input, { ...o, mode: 'nearest' });
/** Python's deprecated `F.upsample_bilinear`: bilinear with corners aligned. */
export const upsampleBilinear = (input: Tensor, o: { size?: Size | null; scaleFactor?: number | number[] | null } = {}): Tensor =>
  interpolate(input, { ...o, mode: 'bilinear', alignCorners: true });

// ---- losses --------------------------------------------------------------------------------

export interface LossOptions {
  reduction?: Reduction;
}
export interface WeightedLossOptions extends LossOptions {
  weight?: Tensor | null;
}

export function mseLoss(input: Tensor, target: Tensor, o: LossOptions = {}): Tensor {
  return ops.mseLoss(input, target, reductionCode(o.reduction));
}
export function l1Loss(input: Tensor, target: Tensor, o: LossOptions = {}): Tensor {
  return ops.l1Loss(input, target, reductionCode(o.reduction));
}
export function smoothL1Loss(input: Tensor, target: Tensor, o: LossOptions & { beta?: number } = {}): Tensor {
  return ops.smoothL1Loss(input, target, reductionCode(o.reduction), o.beta ?? 1.0);
}
export function huberLoss(input: Tensor, target: Tensor, o: LossOptions & { delta?: number } = {}): Tensor {
  return ops.huberLoss(input, target, reductionCode(o.reduction), o.delta ?? 1.0);
}
export function crossEntropy(input: Tensor, target: Tensor, o: WeightedLossOptions & { ignoreIndex?: number; labelSmoothing?: number } = {}): Tensor {
  return ops.crossEntropyLoss(input, target, o.weight ?? null, reductionCode(o.reduction), o.ignoreIndex ?? -100, o.labelSmoothing ?? 0.0);
}
export function nllLoss(input: Tensor, target: Tensor, o: WeightedLossOptions & { ignoreIndex?: number } = {}): Tensor {
  return ops.nllLossNd(input, target, o.weight ?? null, reductionCode(o.reduction), o.ignoreIndex ?? -100);
}
export function binaryCrossEntropy(input: Tensor, target: Tensor, o: WeightedLossOptions = {}): Tensor {
  return ops.binaryCrossEntropy(input, target, o.weight ?? null, reductionCode(o.reduction));
}
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, o: WeightedLossOptions & { posWeight?: Tensor | null } = {}): Tensor {
  return ops.binaryCrossEntropyWithLogits(input, target, o.weight ?? null, o.posWeight ?? null, reductionCode(o.reduction));
}
export function klDiv(input: Tensor, target: Tensor, o: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const r = o.reduction ?? 'mean';
  if (r === 'batchmean') {
    const sum = ops.klDiv(input, target, 2, { logTarget: o.logTarget ?? false });
    const out = input.dim() !== 0 ? sum.div(input.size(0)) : sum;
    if (out !== sum) sum.dispose();
    return out;
  }
  return ops.klDiv(input, target, reductionCode(r), { logTarget: o.logTarget ?? false });
}
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, o: LossOptions & { margin?: number } = {}): Tensor {
  return ops.cosineEmbeddingLoss(input1, input2, target, o.margin ?? 0, reductionCode(o.reduction));
}
/**
 * The triplet loss with any distance (default: pairwise L2): mean/sum/none of
 * max(margin + d(anchor, positive) - d(anchor, negative), 0); `swap` also uses d(positive, negative).
 */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor, positive: Tensor, negative: Tensor,
  o: LossOptions & { distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null; margin?: number; swap?: boolean } = {},
): Tensor {
  const reduction = o.reduction ?? 'mean';
  reductionCode(reduction);
  const margin = o.margin ?? 1.0;
  if (margin <= 0) throw new ValueError(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${margin} instead`);
  const [a, p, n] = [anchor.dim(), positive.dim(), negative.dim()];
  if (!(a === p && p === n)) {
    throw new TorchError(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a}D, positive ${p}D, and negative ${n}D inputs`);
  }
  const dist = o.distanceFunction ?? ((x: Tensor, y: Tensor) => pairwiseDistance(x, y));
  return scope(() => {
    const dPos = dist(anchor, positive);
    let dNeg = dist(anchor, negative);
    if (o.swap) dNeg = ops.minimum(dNeg, dist(positive, negative));
    const loss = dPos.sub(dNeg).add(margin).clampMin(0);
    return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
  });
}
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, o: LossOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {}): Tensor {
  return ops.tripletMarginLoss(anchor, positive, negative, o.margin ?? 1.0, o.p ?? 2, o.eps ?? 1e-6, o.swap ?? false, reductionCode(o.reduction));
}

export function poissonNllLoss(input: Tensor, target: Tensor, o: LossOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}): Tensor {
  return ops.poissonNllLoss(input, target, o.logInput ?? true, o.full ?? false, o.eps ?? 1e-8, reductionCode(o.reduction));
}
/** Negative log likelihood of a Gaussian with predicted mean `input` and variance `var`. */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, o: LossOptions & { full?: boolean; eps?: number } = {}): Tensor {
  const reduction = o.reduction ?? 'mean';
  reductionCode(reduction);
  const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const inShape = input.shape;
  const vShape = variance.shape;
  let unsqueeze = false;
  if (!same(vShape, inShape)) {
    if (same(inShape.slice(0, -1), vShape)) unsqueeze = true;
    else if (!(same(inShape.slice(0, -1), vShape.slice(0, -1)) && vShape[vShape.length - 1] === 1)) throw new ValueError('var is of incorrect size');
  }
  return scope(() => {
    const v = unsqueeze ? variance.unsqueeze(-1) : variance;
    if (v.lt(0).any().item()) throw new ValueError('var has negative entry/entries');
    // The clamp does not take part in the gradient (Python clamps a clone under no_grad).
    const clamped = v.clone();
    noGrad(() => clamped.clampMin_(o.eps ?? 1e-6));
    let loss = clamped.log().add(input.sub(target).pow(2).div(clamped)).mul(0.5);
    if (o.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
  });
}
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, o: LossOptions & { margin?: number } = {}): Tensor {
  if (input1.dim() !== input2.dim() || input1.dim() !== target.dim()) {
    throw new TorchError(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: [${input1.shape}], input2: [${input2.shape}], target: [${target.shape}] `);
  }
  return ops.marginRankingLoss(input1, input2, target, o.margin ?? 0, reductionCode(o.reduction));
}
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, o: LossOptions & { margin?: number } = {}): Tensor {
  return ops.hingeEmbeddingLoss(input, target, o.margin ?? 1.0, reductionCode(o.reduction));
}
export function softMarginLoss(input: Tensor, target: Tensor, o: LossOptions = {}): Tensor {
  return ops.softMarginLoss(input, target, reductionCode(o.reduction));
}
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, o: WeightedLossOptions = {}): Tensor {
  const reduction = o.reduction ?? 'mean';
  reductionCode(reduction);
  return scope(() => {
    let loss = target.mul(logsigmoid(input)).add(target.neg().add(1).mul(logsigmoid(input.neg()))).neg();
    if (o.weight) loss = loss.mul(o.weight);
    const classDim = input.dim() - 1;
    loss = loss.sum(classDim).div(input.size(classDim));
    return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
  });
}
export function multiMarginLoss(input: Tensor, target: Tensor, o: WeightedLossOptions & { p?: number; margin?: number } = {}): Tensor {
  const p = o.p ?? 1;
  if (p !== 1 && p !== 2) throw new ValueError('only p == 1 and p == 2 supported');
  if (o.weight && o.weight.dim() !== 1) throw new ValueError('weight must be one-dimensional');
  return ops.multiMarginLoss(input, target, p, o.margin ?? 1.0, o.weight ?? null, reductionCode(o.reduction));
}
export function multilabelMarginLoss(input: Tensor, target: Tensor, o: LossOptions = {}): Tensor {
  return ops.multilabelMarginLoss(input, target, reductionCode(o.reduction));
}
/** Connectionist temporal classification: log_probs (T, N, C), targets, and the lengths of each. */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | number[], targetLengths: Tensor | number[],
  o: LossOptions & { blank?: number; zeroInfinity?: boolean } = {}): Tensor {
  const rest = { blank: o.blank ?? 0, reduction: reductionCode(o.reduction), zeroInfinity: o.zeroInfinity ?? false };
  if (Array.isArray(inputLengths) && Array.isArray(targetLengths)) return ops.ctcLoss(logProbs, targets, inputLengths, targetLengths, rest);
  if (Array.isArray(inputLengths) || Array.isArray(targetLengths)) {
    throw new TorchTypeError('ctc_loss: inputLengths and targetLengths must both be tensors or both be arrays of numbers');
  }
  return ops.ctcLoss(logProbs, targets, inputLengths, targetLengths, rest);
}

// ---- attention ----------------------------------------------------------------------------

export interface ScaledDotProductAttentionOptions {
  /** Boolean (true = take part) or float (added to the scores), broadcastable to (..., L, S). */
  attnMask?: Tensor | null;
  /** Applied whenever > 0, as in Python (pass 0 when not training). */
  dropoutP?: number;
  /** A lower-triangular mask; not together with attnMask. */
  isCausal?: boolean;
  /** Defaults to 1 / sqrt(E). */
  scale?: number | null;
  /** Grouped-query attention: key and value have fewer heads (dim -3), repeated to the query's. */
  enableGqa?: boolean;
}

// What the running LibTorch's scaled_dot_product_attention takes (null: it has none), read once:
// scale arrived in LibTorch 2.1 and enable_gqa in 2.5; older ones compose what they lack.
let sdpa: { scale: boolean; gqa: boolean } | null | undefined;
function sdpaNative(): { scale: boolean; gqa: boolean } | null {
  if (sdpa === undefined) {
    const schema = hasOp(SDPA) ? schemaOf(SDPA) : null;
    sdpa = schema === null ? null : { scale: schema.includes(' scale'), gqa: schema.includes('enable_gqa') };
  }
  return sdpa;
}

/**
 * Python's `F.scaled_dot_product_attention` (PyTorch 2.0): softmax(Q K^T * scale + mask) V for
 * query (..., L, E), key (..., S, E), value (..., S, Ev).
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, o: ScaledDotProductAttentionOptions = {}): Tensor {
  const mask = o.attnMask ?? null;
  const p = o.dropoutP ?? 0;
  const causal = o.isCausal ?? false;
  const scale = o.scale ?? null;
  const gqa = o.enableGqa ?? false;
  if (causal && mask !== null) throw new TorchError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
  const native = sdpaNative();
  if (native !== null && (scale === null || native.scale) && (!gqa || native.gqa)) {
    const args: unknown[] = [query._h, key._h, value._h, mask?._h ?? null, p, causal];
    if (scale !== null || gqa) args.push(scale);
    if (gqa) args.push(true);
    return wrap(binding.call(opId(SDPA), ...args) as number);
  }
  return scope(() => {
    let k = key;
    let v = value;
    if (gqa) {
      const heads = query.size(-3);
      if (heads % k.size(-3) !== 0 || heads % v.size(-3) !== 0) throw new TorchError(`enable_gqa: the query's ${heads} heads are not a multiple of the key's ${k.size(-3)} or value's ${v.size(-3)}`);
      k = k.repeatInterleave(heads / k.size(-3), { dim: -3 });
      v = v.repeatInterleave(heads / v.size(-3), { dim: -3 });
    }
    const [L, S] = [query.size(-2), k.size(-2)];
    let scores = query.matmul(k.transpose(-2, -1)).mul(scale ?? 1 / Math.sqrt(query.size(-1)));
    if (causal) scores = scores.maskedFill(ops.ones([L, S], { dtype: 'bool', device: query.device }).tril().logicalNot(), -Infinity);
    if (mask !== null) scores = mask.dtype === 'bool' ? scores.maskedFill(mask.logicalNot(), -Infinity) : scores.add(mask);
    let attn = ops.softmax(scores, -1);
    if (p > 0) attn = ops.dropout(attn, p, true);
    return attn.matmul(v);
  });
}

export interface MultiHeadAttentionOptions {
  /** (E_q, E) / (E, E_k) / (E, E_v) projections when key/value widths differ from the query's. */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  training?: boolean;
}

/**
 * Python's `F.multi_head_attention_forward` for sequence-first inputs (L, N, E), or unbatched
 * (L, E): in-projection, optional bias_k/bias_v and zero attention, boolean or float masks
 * (key padding merged in), scaled dot-product attention per head, out-projection. Returns
 * [output, weights averaged over heads (or per head), or null without needWeights].
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  o: MultiHeadAttentionOptions = {},
): [Tensor, Tensor | null] {
  return scope(() => {
    const batched = query.dim() === 3;
    if (!batched && query.dim() !== 2) throw new ValueError(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
    if (key.dim() !== query.dim() || value.dim() !== query.dim()) {
      throw new ValueError(`For ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} \`query\`, expected \`key\` and \`value\` to be ${batched ? 3 : 2}-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    }
    let q = batched ? query : query.unsqueeze(1);
    let k = batched ? key : key.unsqueeze(1);
    let v = batched ? value : value.unsqueeze(1);
    let keyPaddingMask = o.keyPaddingMask ?? null;
    if (keyPaddingMask !== null && !batched) keyPaddingMask = keyPaddingMask.unsqueeze(0);
    let attnMask = o.attnMask ?? null;
    const [tgtLen, bsz, embedDim] = q.shape;
    if (embedDim !== embedDimToCheck) throw new ValueError(`was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
    const headDim = Math.floor(embedDim / numHeads);
    if (headDim * numHeads !== embedDim) throw new ValueError(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
    if (o.useSeparateProjWeight) {
      if (k.shape[0] !== v.shape[0] || k.shape[1] !== v.shape[1]) throw new ValueError(`key's sequence and batch dims (${k.shape.slice(0, 2)}) do not match value's (${v.shape.slice(0, 2)})`);
    } else if (k.shape.join() !== v.shape.join()) {
      throw new ValueError(`key shape [${k.shape}] does not match value shape [${v.shape}]`);
    }

    // in-projection, with Python's sharing rules (one matmul for self-attention)
    if (!o.useSeparateProjWeight) {
      const w = inProjWeight!;
      const b = inProjBias;
      if (key === value && query === key) {
        [q, k, v] = ops.linear(q, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
      } else {
        const [wq, wkv] = w.split([embedDim, embedDim * 2]) as [Tensor, Tensor];
        const [bq, bkv] = b === null ? [null, null] : (b.split([embedDim, embedDim * 2]) as [Tensor, Tensor]);
        if (key === value) {
          q = ops.linear(q, wq, bq);
          [k, v] = ops.linear(k, wkv, bkv).chunk(2, -1) as [Tensor, Tensor];
        } else {
          const [wk, wv] = wkv.chunk(2) as [Tensor, Tensor];
          const [bk, bv] = bkv === null ? [null, null] : (bkv.chunk(2) as [Tensor, Tensor]);
          q = ops.linear(q, wq, bq);
          k = ops.linear(k, wk, bk);
          v = ops.linear(v, wv, bv);
        }
      }
    } else {
      const [bq, bk, bv] = inProjBias === null ? [null, null, null] : (inProjBias.chunk(3) as [Tensor, Tensor, Tensor]);
      q = ops.linear(q, o.qProjWeight!, bq);
      k = ops.linear(k, o.kProjWeight!, bk);
      v = ops.linear(v, o.vProjWeight!, bv);
    }

    if (attnMask !== null) {
      if (attnMask.dtype === 'uint8') attnMask = attnMask.to('bool');
      else if (!attnMask.isFloatingPoint() && attnMask.dtype !== 'bool') throw new ValueError(`Only float, byte, and bool types are supported for attn_mask, not ${attnMask.dtype}`);
      if (attnMask.dim() === 2) {
        if (attnMask.size(0) !== tgtLen || attnMask.size(1) !== k.size(0)) {
          throw new ValueError(`The shape of the 2D attn_mask is [${attnMask.shape}], but should be (${tgtLen}, ${k.size(0)}).`);
        }
        attnMask = attnMask.unsqueeze(0);
      } else if (attnMask.dim() === 3) {
        const want = [bsz * numHeads, tgtLen, k.size(0)];
        if (attnMask.shape.join() !== want.join()) throw new ValueError(`The shape of the 3D attn_mask is [${attnMask.shape}], but should be (${want.join(', ')}).`);
      } else {
        throw new ValueError(`attn_mask's dimension ${attnMask.dim()} is not supported`);
      }
    }
    if (keyPaddingMask !== null && keyPaddingMask.dtype === 'uint8') keyPaddingMask = keyPaddingMask.to('bool');

    if (biasK !== null && biasV !== null) {
      k = ops.cat([k, biasK.repeat(1, bsz, 1)]);
      v = ops.cat([v, biasV.repeat(1, bsz, 1)]);
      if (attnMask !== null) attnMask = ops.pad(attnMask, [0, 1]);
      if (keyPaddingMask !== null) keyPaddingMask = ops.pad(keyPaddingMask, [0, 1]);
    }

    // (L, N, E) -> (N * heads, L, head_dim)
    q = q.contiguous().view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
    k = k.contiguous().view(k.size(0), bsz * numHeads, headDim).transpose(0, 1);
    v = v.contiguous().view(v.size(0), bsz * numHeads, headDim).transpose(0, 1);

    if (addZeroAttn) {
      k = ops.cat([k, ops.zeros([bsz * numHeads, 1, headDim], { dtype: k.dtype, device: k.device })], 1);
      v = ops.cat([v, ops.zeros([bsz * numHeads, 1, headDim], { dtype: v.dtype, device: v.device })], 1);
      if (attnMask !== null) attnMask = ops.pad(attnMask, [0, 1]);
      if (keyPaddingMask !== null) keyPaddingMask = ops.pad(keyPaddingMask, [0, 1]);
    }
    const srcLen = k.size(1);

    if (keyPaddingMask !== null) {
      if (keyPaddingMask.shape.join() !== [bsz, srcLen].join()) {
        throw new ValueError(`expecting key_padding_mask shape of (${bsz}, ${srcLen}), but got [${keyPaddingMask.shape}]`);
      }
      const kpm = keyPaddingMask.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
      if (attnMask === null) attnMask = kpm;
      else if (attnMask.dtype === 'bool') attnMask = attnMask.logicalOr(kpm);
      else attnMask = attnMask.maskedFill(kpm, -Infinity);
    }
    if (attnMask !== null && attnMask.dtype === 'bool') {
      attnMask = ops.zerosLike(attnMask, { dtype: q.dtype }).maskedFill_(attnMask, -Infinity);
    }
    const p = o.training === false ? 0 : dropoutP;

    if (o.needWeights === false) {
      // As PyTorch 2.x: without weights to return, one fused scaled_dot_product_attention call
      // (flash or memory-efficient attention on CUDA where the running LibTorch has it).
      const mask = attnMask === null ? null : attnMask.size(0) === 1 ? attnMask.unsqueeze(0) : attnMask.view(bsz, numHeads, -1, srcLen);
      const heads = (t: Tensor, len: number): Tensor => t.view(bsz, numHeads, len, headDim);
      let out = scaledDotProductAttention(heads(q, tgtLen), heads(k, srcLen), heads(v, srcLen), { attnMask: mask, dropoutP: p });
      out = out.permute(2, 0, 1, 3).contiguous().view(bsz * tgtLen, embedDim);
      out = ops.linear(out, outProjWeight, outProjBias).view(tgtLen, bsz, out.size(1));
      return [batched ? out : out.squeeze(1), null];
    }

    // scaled dot-product attention
    const qs = q.div(Math.sqrt(headDim));
    let attn = attnMask !== null ? ops.baddbmm(attnMask, qs, k.transpose(-2, -1)) : ops.bmm(qs, k.transpose(-2, -1));
    attn = ops.softmax(attn, -1);
    if (p > 0) attn = ops.dropout(attn, p, true);
    let out = ops.bmm(attn, v);
    out = out.transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
    out = ops.linear(out, outProjWeight, outProjBias).view(tgtLen, bsz, out.size(1));

    let weights = attn.view(bsz, numHeads, tgtLen, srcLen);
    if (o.averageAttnWeights !== false) weights = weights.sum(1).div(numHeads);
    return batched ? [out, weights] : [out.squeeze(1), weights.squeeze(0)];
  });
}

export interface EmbeddingBagOptions {
  offsets?: Tensor | null;
  mode?: 'sum' | 'mean' | 'max';
  perSampleWeights?: Tensor | null;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
  scaleGradByFreq?: boolean;
}

/** Python's `F.embedding_bag`: 2-D input is one bag per row; 1-D input needs `offsets`. */
export function embeddingBag(input: Tensor, weight: Tensor, o: EmbeddingBagOptions = {}): Tensor {
  return scope(() => {
    const mode = o.mode ?? 'mean';
    const code = { sum: 0, mean: 1, max: 2 }[mode];
    if (code === undefined) throw new ValueError(`mode has to be one of sum, mean or max, got ${String(mode)}`);
    let offsets = o.offsets ?? null;
    let psw = o.perSampleWeights ?? null;
    if (psw !== null && psw.shape.join() !== input.shape.join()) {
      throw new ValueError(`embedding_bag: If per_sample_weights (${psw.shape}) is not None, then it must have the same shape as the input (${input.shape})`);
    }
    if (psw !== null && mode !== 'sum') throw new ValueError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on the PyTorch GitHub.`);
    if (input.dim() === 2) {
      if (offsets !== null) throw new ValueError('if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.');
      offsets = ops.arange(0, input.numel(), input.size(1), { dtype: input.dtype, device: input.device });
      input = input.reshape(-1);
      if (psw !== null) psw = psw.reshape(-1);
    } else if (input.dim() === 1) {
      if (offsets === null) throw new ValueError('offsets has to be a 1D Tensor but got None');
      if (offsets.dim() !== 1) throw new ValueError('offsets has to be a 1D Tensor');
    } else {
      throw new ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
    }
    const [out] = ops.embeddingBag(weight, input, offsets, o.scaleGradByFreq ?? false, code, false, psw, o.includeLastOffset ?? false, o.paddingIdx ?? null);
    return out;
  });
}
