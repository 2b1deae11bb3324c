/**
 * torch.fused: torchnode's fused operators, one kernel where LibTorch would launch several, each
 * with a CPU and a CUDA kernel behind the same call (src-cpp/fused.cc, src-cpp/cuda/fused_kernels.cu).
 * They are LibTorch operators (`torchnode::*`): they dispatch by device like ATen's, run on the
 * current CUDA stream, and are differentiable where noted.
 */
import { binding } from './binding';
import { dtypeCode, type DTypeLike } from './dtype';
import { argError, ValueError } from './errors';
import { op, opId } from './ops';
import { Tensor, tensorArg, wrap } from './tensor';

const OPS = {
  normalizeImages: op('torchnode::normalize_images'),
  biasGelu: op('torchnode::bias_gelu'),
  adam_: op('torchnode::adam_'),
};

function numbers(v: unknown, fn: string, param: string): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v;
  return argError(fn, param, 'a number or an array of numbers (one per channel)', v);
}

export interface NormalizeImagesOptions {
  /** Per-channel mean of the [0, 1] values, e.g. ImageNet's [0.485, 0.456, 0.406]. Default 0. */
  mean?: number | number[];
  /** Per-channel standard deviation, e.g. [0.229, 0.224, 0.225]. Default 1. */
  std?: number | number[];
  /** Output dtype: float32 (default), float16, bfloat16 or float64. */
  dtype?: DTypeLike;
}

/**
 * A uint8 batch of images in (N, H, W, C) layout, as image decoders produce them, to a float
 * (N, C, H, W) batch normalized per channel: `(x / 255 - mean[c]) / std[c]`. One pass over the
 * pixels; the same as `x.permute(0, 3, 1, 2).float().div(255).sub(mean).div(std)`.
 */
export function normalizeImages(images: Tensor, options: NormalizeImagesOptions = {}): Tensor {
  tensorArg(images, 'normalizeImages', 'images');
  const c = images.dim() === 4 ? images.shape[3] : 0;
  const perChannel = (v: number[]): number[] => (v.length === 1 && c > 1 ? new Array<number>(c).fill(v[0]) : v);
  const mean = perChannel(numbers(options.mean ?? 0, 'normalizeImages', 'mean'));
  const std = perChannel(numbers(options.std ?? 1, 'normalizeImages', 'std'));
  const dtype = options.dtype === undefined ? undefined : dtypeCode(options.dtype, 'normalizeImages');
  return wrap(binding.call(opId(OPS.normalizeImages), images._h, mean, std, dtype));
}

export type GeluApproximate = 'none' | 'tanh';

/**
 * `gelu(input + bias)` in one kernel, differentiable in both (bias broadcasts over the last
 * dimension, as a Linear layer's output and bias). `approximate` as `nn.functional.gelu`.
 */
export function biasGelu(input: Tensor, bias: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  tensorArg(input, 'biasGelu', 'input');
  tensorArg(bias, 'biasGelu', 'bias');
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`biasGelu(): approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return wrap(binding.call(opId(OPS.biasGelu), input._h, bias._h, approximate));
}

export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay?: number;
  eps?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** AdamW's weight decay (applied to the weights) rather than Adam's (added to the gradient). */
  decoupledWeightDecay?: boolean;
}

/**
 * One Adam/AdamW step for many parameters at once, in place: PyTorch's update rule per element,
 * one launch for up to 24 tensors on CUDA. `steps[i]` is parameter i's step count including this
 * step (bias corrections use it). `optim.Adam` / `optim.AdamW` use it with `{ fused: true }`.
 */
export function adam_(params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], maxExpAvgSqs: Tensor[], steps: number[], o: AdamStepOptions): void {
  const hs = (ts: Tensor[], name: string): number[] => {
    if (!Array.isArray(ts)) argError('adam_', name, 'an array of Tensors', ts);
    return ts.map((t, i) => tensorArg(t, 'adam_', `${name}[${i}]`)._h);
  };
  if (!Array.isArray(steps) || !steps.every((s) => Number.isInteger(s))) argError('adam_', 'steps', 'an array of integers', steps);
  binding.call(opId(OPS.adam_), hs(params, 'params'), hs(grads, 'grads'), hs(expAvgs, 'expAvgs'), hs(expAvgSqs, 'expAvgSqs'), hs(maxExpAvgSqs, 'maxExpAvgSqs'), steps, o.lr, o.beta1, o.beta2, o.weightDecay ?? 0, o.eps ?? 1e-8, o.amsgrad ?? false, o.maximize ?? false, o.decoupledWeightDecay ?? false);
}
