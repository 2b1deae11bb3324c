/**
 * Folding an eval-mode BatchNorm into the convolution before it, as Python's
 * torch.nn.utils.fuse_conv_bn_eval: one convolution that computes conv then batch norm (with its
 * running statistics), for faster inference.
 */
import { TorchError } from '../../errors';
import { noGrad } from '../../autograd';
import { scope } from '../../memory';
import { zerosLike, onesLike } from '../../generated/ops';
import type { Tensor } from '../../tensor';
import { Parameter } from '../parameter';
import type { Module } from '../module';

/** The fused [weight, bias] of a convolution followed by batch norm. */
export function fuseConvBnWeights(
  convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false,
): [Parameter, Parameter] {
  return noGrad(() =>
    scope(() => {
      const b = convB ?? zerosLike(bnRm);
      const w = bnW ?? onesLike(bnRm);
      const bb = bnB ?? zerosLike(bnRm);
      const varRsqrt = bnRv.add(bnEps).rsqrt();
      const shape = transpose ? [1, -1, ...convW.shape.slice(2).map(() => 1)] : [-1, 1, ...convW.shape.slice(2).map(() => 1)];
      const fusedW = convW.mul(w.mul(varRsqrt).reshape(shape)).to(convW.dtype);
      const fusedB = b.sub(bnRm).mul(varRsqrt).mul(w).add(bb).to(convW.dtype);
      return [new Parameter(fusedW, convW.requiresGrad), new Parameter(fusedB, convW.requiresGrad)] as [Parameter, Parameter];
    }),
  );
}

interface ConvLike extends Module {
  weight: Parameter;
  bias: Parameter | null;
  transposed?: boolean;
}
interface BnLike extends Module {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  eps: number;
  weight: Parameter | null;
  bias: Parameter | null;
}

/** A copy of `conv` that computes conv then `bn` (both in eval mode) in one convolution. */
export function fuseConvBnEval<C extends Module>(conv: C, bn: Module, transpose = false): C {
  if (conv.training || bn.training) throw new TorchError('Fusion only for eval!');
  const c = conv as unknown as ConvLike;
  const n = bn as unknown as BnLike;
  if (n.runningMean === null || n.runningVar === null) throw new TorchError('fuseConvBnEval: the batch norm must track running statistics');
  const fused = conv.deepCopy() as unknown as ConvLike;
  const [w, b] = fuseConvBnWeights(c.weight, c.bias, n.runningMean, n.runningVar, n.eps, n.weight, n.bias, transpose || c.transposed === true);
  fused.weight.dispose();
  fused.bias?.dispose();
  fused.weight = w;
  fused.bias = b;
  return fused as unknown as C;
}
