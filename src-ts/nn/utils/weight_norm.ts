/**
 * Weight normalization (Salimans & Kingma, 2016), as Python's torch.nn.utils.weight_norm: the
 * parameter `name` is replaced by a magnitude `name_g` and a direction `name_v`, and a forward
 * pre-hook recomputes `name = v * (g / ||v||)` before every forward. State-dict keys are
 * Python's (`weight_g`, `weight_v`), so checkpoints of weight-normed PyTorch models load as they are.
 */
import { ValueError } from '../../errors';
import { normExceptDim } from '../../generated/ops';
import { noGrad } from '../../autograd';
import { scope } from '../../memory';
import type { Tensor } from '../../tensor';
import { type Module, camelOf, keyOf } from '../module';
import { Parameter } from '../parameter';
import { fields, findReparametrization, registerReparametrization, setComputed } from './reparametrized';

const KIND = 'weight_norm';


// v * (g / ||v|| over every dimension but `dim`): the computed weight, kept until the next one.
function computeWeight(m: Module, name: string, dim: number): Tensor {
  const f = fields(m);
  const g = f[`${name}G`] as Tensor;
  const v = f[`${name}V`] as Tensor;
  return scope(() => v.mul(g.div(normExceptDim(v, 2, dim))));
}

/**
 * Applies weight normalization to `module`'s parameter `name` (camelCase field or Python's key).
 * `dim` is the dimension kept separate (0: one magnitude per output unit; null: one for all).
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  const field = camelOf(name);
  if (findReparametrization(module, KIND, field) !== undefined) throw new ValueError(`Cannot register two weight_norm hooks on the same parameter ${keyOf(field)}`);
  const weight = fields(module)[field];
  if (!(weight instanceof Parameter)) throw new ValueError(`weight_norm: ${module.constructor.name} has no parameter '${keyOf(field)}'`);
  const d = dim ?? -1;
  const g = noGrad(() => scope(() => new Parameter(normExceptDim(weight, 2, d))));
  const v = new Parameter(weight);
  // Registration order is key order: Python deletes the parameter, then adds _g and _v last.
  delete fields(module)[field];
  module.registerParameter(`${field}G`, g);
  module.registerParameter(`${field}V`, v);
  weight.dispose();
  setComputed(module, field, computeWeight(module, field, d));
  // The hook works on the module it is called for, so a deepCopy's hook updates the copy.
  registerReparametrization(module, KIND, field, { dim: d }, (m) => setComputed(m, field, computeWeight(m, field, d)));
  return module;
}

/** Undoes weightNorm: `name` becomes one parameter again, with the current normalized value. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const field = camelOf(name);
  const reg = findReparametrization<{ dim: number }>(module, KIND, field);
  if (reg === undefined) throw new ValueError(`weight_norm of '${keyOf(field)}' not found in ${module.constructor.name}`);
  reg.remove();
  const w = noGrad(() => scope(() => new Parameter(computeWeight(module, field, reg.spec.dim))));
  const f = fields(module);
  const old = f[field] as Tensor | undefined;
  delete f[field];
  for (const k of [`${field}G`, `${field}V`]) {
    (f[k] as Tensor).dispose();
    delete f[k];
  }
  old?.dispose();
  module.registerParameter(field, w);
  return module;
}
