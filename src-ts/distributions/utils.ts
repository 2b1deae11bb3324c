/** Conversions between probabilities and logits, as torch.distributions.utils, and the samplers. */
import { binding, type Handle } from '../binding';
import { op, opId } from '../ops';
import { scope } from '../memory';
import { type Tensor, wrap } from '../tensor';
import { finfo } from '../dtype';
import { ValueError } from '../errors';
import { threadGenerator } from '../generator';
import { broadcastAll } from './distribution';
import { tensor } from '../creation';

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

/**
 * A binary distribution's parameters from exactly one of `probs` and `logits` (Bernoulli,
 * Geometric): both forms are made now (Python makes the other lazily), so they live as long as
 * the distribution; `given` says which one the caller passed (the repr and the checks use it).
 */
export function binaryParams(options: { probs?: number | Tensor; logits?: number | Tensor }): {
  given: 'probs' | 'logits';
  probs: Tensor;
  logits: Tensor;
  batchShape: number[];
} {
  const { probs, logits } = options;
  if ((probs === undefined) === (logits === undefined)) throw new ValueError('Either `probs` or `logits` must be specified, but not both.');
  const [[param], scalar] = broadcastAll((probs ?? logits)!);
  const batchShape = scalar ? [] : param.shape;
  return probs !== undefined
    ? { given: 'probs', probs: param, logits: probsToLogits(param, true), batchShape }
    : { given: 'logits', logits: param, probs: logitsToProbs(param, true), batchShape };
}

/**
 * A count distribution's parameters (Binomial, NegativeBinomial): `totalCount` broadcast with
 * exactly one of `probs` and `logits`, in their dtype; both probability forms are made now.
 */
export function countParams(totalCount: number | Tensor, options: { probs?: number | Tensor; logits?: number | Tensor }): {
  given: 'probs' | 'logits';
  totalCount: Tensor;
  probs: Tensor;
  logits: Tensor;
} {
  const { probs, logits } = options;
  if ((probs === undefined) === (logits === undefined)) throw new ValueError('Either `probs` or `logits` must be specified, but not both.');
  const [[count, param]] = broadcastAll(totalCount, (probs ?? logits)!);
  const n = count.typeAs(param);
  count.dispose();
  return probs !== undefined
    ? { given: 'probs', totalCount: n, probs: param, logits: probsToLogits(param, true) }
    : { given: 'logits', totalCount: n, logits: param, probs: logitsToProbs(param, true) };
}

/** The shape two or more shapes broadcast to (torch.broadcast_shapes). */
export function broadcastShapes(...shapes: number[][]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = new Array(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = n - s.length + i;
      if (s[i] === 1) continue;
      if (out[k] !== 1 && out[k] !== s[i]) throw new ValueError(`Shape mismatch: objects cannot be broadcast to a single shape: [${shapes.map((x) => x.join(', ')).join('], [')}]`);
      out[k] = s[i];
    }
  }
  return out;
}

/** Sums out the `dim` rightmost dimensions (Python's _sum_rightmost). */
export function sumRightmost(t: Tensor, dim: number): Tensor {
  return dim === 0 ? t : t.reshape([...t.shape.slice(0, t.dim() - dim), -1]).sum(-1);
}

// LibTorch's samplers behind Gamma and Dirichlet (private aten ops, which the generated surface
// leaves out), called by schema as every op is.
const OPS = {
  standardGamma: op('aten::_standard_gamma'),
  sampleDirichlet: op('aten::_sample_dirichlet'),
  dirichletGrad: op('aten::_dirichlet_grad'),
};

/** Gamma(concentration, 1) draws; differentiable in concentration (LibTorch's implicit gradient). */
export function standardGamma(concentration: Tensor): Tensor {
  return wrap(drawCall(OPS.standardGamma, concentration));
}

/** Dirichlet draws over the last dimension (no gradient: Dirichlet.rsample adds it). */
export function sampleDirichlet(concentration: Tensor): Tensor {
  return wrap(drawCall(OPS.sampleDirichlet, concentration));
}

// A thread with its own default generator (a DataLoader worker) passes it; elsewhere LibTorch's.
function drawCall(op: (typeof OPS)['standardGamma'], t: Tensor): Handle {
  const own = threadGenerator();
  return (own === null ? binding.call(opId(op), t._h) : binding.call(opId(op), t._h, own._g)) as Handle;
}

/** The implicit reparameterization gradient of Dirichlet draws x with respect to alpha. */
export function dirichletGrad(x: Tensor, alpha: Tensor, total: Tensor): Tensor {
  return wrap(binding.call(opId(OPS.dirichletGrad), x._h, alpha._h, total._h) as Handle);
}

// Row-major flat positions of a size x size matrix's entries on or below diagonal `diag`.
function trilPositions(size: number, diag: number, device: Tensor['device']): Tensor {
  const pos: number[] = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (c < r + diag + 1) pos.push(r * size + c);
  return tensor(pos, { dtype: 'int64', device });
}

/** The entries of (batches of) square matrices on or below diagonal `diag`, row by row (Python's tril_matrix_to_vec). */
export function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
  const n = mat.size(-1);
  if (diag < -n || diag >= n) throw new ValueError(`diag (${diag}) provided is outside [${-n}, ${n - 1}].`);
  return scope(() => mat.flatten(-2).indexSelect(-1, trilPositions(n, diag, mat.device)));
}

/** The inverse: vectors laid out row by row below diagonal `diag` of zero matrices (Python's vec_to_tril_matrix). */
export function vecToTrilMatrix(vec: Tensor, diag = 0): Tensor {
  const m = vec.size(-1);
  // The positive root of D^2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 m = 0.
  const n = (-(1 + 2 * diag) + Math.sqrt((1 + 2 * diag) ** 2 + 8 * m + 4 * Math.abs(diag) * (diag + 1))) / 2;
  if (Math.round(n) - n > finfo(vec.dtype).eps) {
    throw new ValueError(`The size of last dimension is ${m} which cannot be expressed as the lower triangular part of a square D x D matrix.`);
  }
  const size = Math.round(n);
  const batch = vec.shape.slice(0, -1);
  return scope(() => vec.newZeros([...batch, size * size]).indexCopy(-1, trilPositions(size, diag, vec.device), vec).view([...batch, size, size]));
}
