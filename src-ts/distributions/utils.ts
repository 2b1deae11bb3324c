/** Conversions between probabilities and logits, as torch.distributions.utils. */
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { finfo } from '../dtype';


/** Probabilities clamped into [eps, 1 - eps], so their logs stay finite. */
export function clampProbs(probs: Tensor): Tensor {
  const eps = finfo(probs.dtype).eps;
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
