/**
 * Spectral normalization (Miyato et al., 2018), as Python's torch.nn.utils.spectral_norm: the
 * parameter `name` is divided by its largest singular value, estimated by power iteration (one
 * step per training forward, updating the `name_u` / `name_v` buffers in place). State-dict keys
 * are Python's (`weight_orig`, `weight_u`, `weight_v`), and so are the random start vectors.
 */
import { ValueError } from '../../errors';
import { dot, mv } from '../../generated/ops';
import { noGrad } from '../../autograd';
import { pin, scope } from '../../memory';
import type { Tensor } from '../../tensor';
import { Module, camelOf, keyOf } from '../module';
import { Parameter } from '../parameter';
import { fields, findReparametrization, registerReparametrization, setComputed } from './reparametrized';
import { normalize } from '../functional';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../modules/conv';

interface Spec {
  dim: number;
  iterations: number;
  eps: number;
}
const KIND = 'spectral_norm';

// The weight as a matrix with `dim` as its rows.
function asMatrix(w: Tensor, dim: number): Tensor {
  const m = dim === 0 ? w : w.permute([dim, ...Array.from({ length: w.dim() }, (_, d) => d).filter((d) => d !== dim)]);
  return m.reshape(m.size(0), -1);
}

function computeWeight(m: Module, field: string, s: Spec, powerIteration: boolean): Tensor {
  const f = fields(m);
  const weight = f[`${field}Orig`] as Tensor;
  return scope(() => {
    let u = f[`${field}U`] as Tensor;
    let v = f[`${field}V`] as Tensor;
    const mat = asMatrix(weight, s.dim);
    if (powerIteration) {
      noGrad(() => {
        for (let i = 0; i < s.iterations; i++) {
          v.copy_(normalize(mv(mat.t(), u), { dim: 0, eps: s.eps }));
          u.copy_(normalize(mv(mat, v), { dim: 0, eps: s.eps }));
        }
        // Clones, so the backward of this forward sees the vectors as they were used.
        u = u.clone();
        v = v.clone();
      });
    }
    return weight.div(dot(u, mv(mat, v)));
  });
}


/**
 * Applies spectral normalization to `module`'s parameter `name`. `dim` is the dimension of output
 * units (default 0, or 1 for transposed convolutions, as in PyTorch).
 */
export function spectralNorm<M extends Module>(module: M, name = 'weight', options: { nPowerIterations?: number; eps?: number; dim?: number | null } = {}): M {
  const field = camelOf(name);
  const iterations = options.nPowerIterations ?? 1;
  if (!(iterations > 0)) throw new ValueError(`Expected n_power_iterations to be positive, but got n_power_iterations=${iterations}`);
  if (findReparametrization(module, KIND, field) !== undefined) throw new ValueError(`Cannot register two spectral_norm hooks on the same parameter ${keyOf(field)}`);
  const weight = fields(module)[field];
  if (!(weight instanceof Parameter)) throw new ValueError(`\`SpectralNorm\` cannot be applied as parameter \`${keyOf(field)}\` is None`);
  const transposed = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d;
  const spec = { dim: options.dim ?? (transposed ? 1 : 0), iterations, eps: options.eps ?? 1e-12 };
  // The random start vectors, drawn as Python draws them (u first).
  const [u, v] = noGrad(() =>
    scope(() => {
      const [h, w] = asMatrix(weight, spec.dim).shape;
      return [normalize(weight.newEmpty([h]).normal_(0, 1), { dim: 0, eps: spec.eps }), normalize(weight.newEmpty([w]).normal_(0, 1), { dim: 0, eps: spec.eps })];
    }),
  );
  delete fields(module)[field];
  module.registerParameter(`${field}Orig`, weight);
  fields(module)[field] = pin(weight.detach());
  module.registerBuffer(`${field}U`, u);
  module.registerBuffer(`${field}V`, v);
  registerReparametrization(module, KIND, field, spec, (m) => setComputed(m, field, computeWeight(m, field, spec, m.training)));
  return module;
}

/** Undoes spectralNorm: `name` is one parameter again, holding the normalized weight. */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const field = camelOf(name);
  const reg = findReparametrization<Spec>(module, KIND, field);
  if (reg === undefined) throw new ValueError(`spectral_norm of '${keyOf(field)}' not found in ${module.constructor.name}`);
  reg.remove();
  const w = noGrad(() => scope(() => new Parameter(computeWeight(module, field, reg.spec, false).detach())));
  const f = fields(module);
  for (const k of [field, `${field}U`, `${field}V`, `${field}Orig`]) {
    (f[k] as Tensor | undefined)?.dispose();
    delete f[k];
  }
  module.registerParameter(field, w);
  return module;
}
