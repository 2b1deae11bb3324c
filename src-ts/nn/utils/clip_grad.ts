/** nn.utils: gradient clipping, as PyTorch's `clip_grad_norm_` and `clip_grad_value_`. */
import { noGrad } from '../../autograd';
import { TorchError } from '../../errors';
import { tensor } from '../../creation';
import { stack } from '../../generated/ops';
import { scope, keep } from '../../memory';
import { Tensor } from '../../tensor';

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const ps = parameters instanceof Tensor ? [parameters] : [...parameters];
  const gs: Tensor[] = [];
  for (const p of ps) {
    const g = p.grad;
    if (g !== null) gs.push(g);
  }
  return gs;
}

/**
 * Scales the gradients so their total norm (over all of them, as one vector) is at most
 * `maxNorm`; returns that total norm before clipping.
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: { normType?: number; errorIfNonfinite?: boolean } = {}): Tensor {
  const normType = options.normType ?? 2;
  return scope(() =>
    noGrad(() => {
      const grads = gradsOf(parameters);
      if (grads.length === 0) return keep(tensor(0, { dtype: 'float32' }));
      const total =
        normType === Infinity
          ? grads.length === 1
            ? grads[0].abs().max()
            : stack(grads.map((g) => g.abs().max())).max()
          : stack(grads.map((g) => g.norm(normType))).norm(normType);
      if (options.errorIfNonfinite && (total.isnan().item() || total.isinf().item())) {
        throw new TorchError(`The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``);
      }
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1.0 });
      for (const g of grads) g.mul_(coef);
      return keep(total);
    }),
  );
}

/** Clamps every gradient to [-clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  scope(() =>
    noGrad(() => {
      for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
    }),
  );
}
