/**
 * torch.nn.functional: Python's functional forms with Python's arguments (`reduction: 'mean'`,
 * `training`, `inplace`), over the generated ops. Keyword arguments come as a trailing object.
 */
import * as ops from '../generated/ops';
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';
import type { DTypeLike } from '../dtype';

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

// ---- pooling -------------------------------------------------------------------------------

export interface PoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}
// Python's pooling takes stride=None to mean "the kernel size"; ATen's empty list means the same.
const strideOf = (s: Size | null | undefined): Size => (s === null || s === undefined ? [] : s);

export function maxPool1d(input: Tensor, kernelSize: Size, o: PoolOptions = {}): Tensor {
  return ops.maxPool1d(input, kernelSize, { stride: strideOf(o.stride), padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode });
}
export function maxPool2d(input: Tensor, kernelSize: Size, o: PoolOptions = {}): Tensor {
  return ops.maxPool2d(input, kernelSize, { stride: strideOf(o.stride), padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode });
}
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
export function groupNorm(input: Tensor, numGroups: number, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  return ops.groupNorm(input, numGroups, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5, true);
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
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, o: LossOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {}): Tensor {
  return ops.tripletMarginLoss(anchor, positive, negative, o.margin ?? 1.0, o.p ?? 2, o.eps ?? 1e-6, o.swap ?? false, reductionCode(o.reduction));
}
