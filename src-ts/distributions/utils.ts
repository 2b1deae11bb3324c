/** Conversions between probabilities and logits, as torch.distributions.utils. */
import { scope } from '../memory';
import type { Tensor } from '../tensor';

// Machine epsilon per floating dtype (torch.finfo(dtype).eps).
const EPS: Record<string, number> = { float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16, float16: 0.0009765625, bfloat16: 0.0078125 };

/** Probabilities clamped into [eps, 1 - eps], so their logs stay finite. */
export function clampProbs(probs: Tensor): Tensor {
  const eps = EPS[probs.dtype] ?? EPS.float32;
  return probs.clamp(eps, 1 - eps);
}

/** Log-odds (binary) or log-probabilities (last dimension) of probabilities. */
export function probsToLogits(probs: Tensor, isBinary = false): Tensor {
  return scope(() => {
    const p = clampProbs(probs);
    return isBinary ? p.log().sub(p.neg().log1p()) : p.log();
  });
}

/** Probabilities from log-odds (sigmoid, binary) or from logits over the last dimension (softmax). */
export function logitsToProbs(logits: Tensor, isBinary = false): Tensor {
  return isBinary ? logits.sigmoid() : logits.softmax(-1);
}

/** The lowest finite value of a floating dtype (torch.finfo(dtype).min). */
export function finfoMin(dtype: string): number {
  return ({ float64: -Number.MAX_VALUE, float16: -65504, bfloat16: -3.3895313892515355e38 } as Record<string, number>)[dtype] ?? -3.4028234663852886e38;
}
