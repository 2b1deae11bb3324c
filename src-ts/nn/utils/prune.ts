/**
 * torch.nn.utils.prune: masks a parameter's entries (or channels) to zero. Pruning `name`
 * replaces the parameter with `name_orig` (the parameter, still trained) and a buffer `name_mask`;
 * a forward pre-hook recomputes `name = name_mask * name_orig` before every forward. Keys are
 * Python's (`weight_orig`, `weight_mask`), so pruned checkpoints move between torchnode and
 * PyTorch. Pruning the same parameter again prunes among the entries still unpruned (a
 * PruningContainer); `remove` makes it permanent.
 *
 * `amount` is a count when it is an integer and a fraction of the entries (or channels) when it
 * is not (Python tells `1` from `1.0`; JS cannot, so `1` is one entry: to prune all, give the count).
 */
import { TypeError as TorchTypeError, ValueError, IndexError, TorchError } from '../../errors';
import { noGrad } from '../../autograd';
import { keep, scope } from '../../memory';
import { Tensor } from '../../tensor';
import { kthvalue, norm, onesLike, rand, randLike, topk, zerosLike } from '../../generated/ops';
import { Module, camelOf, forwardPreHooks, keyOf, type ForwardPreHook } from '../module';
import { Parameter } from '../parameter';
import { parametersToVector } from './convert_parameters';
import { fields, setComputed } from './reparametrized';

type PruningType = 'unstructured' | 'structured' | 'global';
const pyShape = (s: number[]): string => `torch.Size([${s.join(', ')}])`;

// Python's round(): halves go to the even neighbour.
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function validateAmountInit(amount: number): void {
  if (typeof amount !== 'number' || Number.isNaN(amount)) throw new TorchTypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new ValueError(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
}
const nparamsToPrune = (amount: number, size: number): number => (Number.isInteger(amount) ? amount : pyRound(amount * size));
function validateAmount(n: number, size: number): void {
  if (n > size) throw new ValueError(`amount=${n} should be smaller than the number of parameters to prune=${size}`);
}
function validateStructured(t: Tensor): void {
  if (t.dim() <= 1) throw new ValueError(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${pyShape(t.shape)} with ${t.dim()} dims`);
}
function validateDim(t: Tensor, dim: number): void {
  if (dim >= t.dim()) throw new IndexError(`Invalid index ${dim} for tensor of size ${pyShape(t.shape)}`);
}
// Indices selecting `sel` along `dim` (a boolean or index tensor), every entry elsewhere.
const along = (n: number, dim: number, sel: Tensor): (string | Tensor)[] => Array.from({ length: n }, (_, d) => (d === (dim < 0 ? n + dim : dim) ? sel : ':'));

/** A way to compute a pruning mask; applied to a module by the functions below. */
export abstract class BasePruningMethod {
  abstract readonly pruningType: PruningType;
  /** The parameter this method prunes (its field name). */
  tensorName = '';
  /** The mask for `t`, starting from `defaultMask` (1 = kept). */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;
  /** `mask * orig`, the pruned value of the parameter. */
  applyMask(module: Module): Tensor {
    const f = fields(module);
    const mask = f[`${this.tensorName}Mask`] as Tensor;
    const orig = f[`${this.tensorName}Orig`] as Tensor;
    return scope(() => mask.to(orig.dtype).mul(orig));
  }
  /** `t` with this method's mask applied (no module involved). */
  prune(t: Tensor, options: { defaultMask?: Tensor; importanceScores?: Tensor } = {}): Tensor {
    const scores = options.importanceScores ?? t;
    if (scores.shape.join() !== t.shape.join()) throw new ValueError('importance_scores should have the same shape as tensor t');
    return scope(() => t.mul(this.computeMask(scores, options.defaultMask ?? onesLike(t))));
  }
  /** Makes the pruning permanent: `name` becomes the parameter again, holding the masked values. */
  remove(module: Module): void {
    const field = this.tensorName;
    const f = fields(module);
    const weight = this.applyMask(module);
    const orig = f[`${field}Orig`] as Parameter;
    noGrad(() => orig.copy_(weight));
    weight.dispose();
    (f[field] as Tensor | undefined)?.dispose();
    delete f[field];
    delete f[`${field}Orig`];
    (f[`${field}Mask`] as Tensor).dispose();
    delete f[`${field}Mask`];
    module.registerParameter(field, orig);
  }
}

/** Several methods on one parameter, each pruning among what the earlier ones left. */
export class PruningContainer extends BasePruningMethod {
  readonly pruningType = 'unstructured' as const;
  readonly methods: BasePruningMethod[] = [];
  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this.tensorName = methods[0].tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }
  addPruningMethod(method: BasePruningMethod): void {
    if (!(method instanceof BasePruningMethod)) throw new TorchTypeError(`${String(method)} is not a BasePruningMethod subclass`);
    if (this.tensorName !== method.tensorName) {
      throw new ValueError(`Can only add pruning methods acting on the parameter named '${keyOf(this.tensorName)}' to PruningContainer. Found '${keyOf(method.tensorName)}'`);
    }
    this.methods.push(method);
  }
  get length(): number {
    return this.methods.length;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this.methods[this.methods.length - 1];
    return scope(() => {
      const newMask = defaultMask.to(t.dtype);
      let slc: (string | Tensor)[];
      if (method.pruningType === 'unstructured') {
        slc = [defaultMask.eq(1)];
      } else if (method.pruningType === 'structured') {
        const dim = (method as { dim?: number }).dim;
        if (dim === undefined) throw new TorchError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
        const n = t.dim();
        const d = dim < 0 ? n + dim : dim;
        if (d < 0) throw new IndexError(`Index is out of bounds for tensor with dimensions ${n}`);
        const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== d);
        slc = along(n, d, defaultMask.sum(others).ne(0));
      } else {
        slc = Array.from({ length: t.dim() }, () => ':');
      }
      const partial = method.computeMask(t.index(...slc), defaultMask.index(...slc));
      newMask.indexPut_(slc, partial.to(newMask.dtype));
      return newMask;
    });
  }
}

/** Keeps everything (a mask of ones): the parameter becomes `weight_orig` and `weight_mask`. */
export class Identity extends BasePruningMethod {
  readonly pruningType = 'unstructured' as const;
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask.alias();
  }
}

// Unstructured pruning: zeroes the `amount` entries that `pick(t, n)` indexes in the flat mask.
abstract class UnstructuredMethod extends BasePruningMethod {
  readonly pruningType = 'unstructured' as const;
  constructor(readonly amount: number) {
    super();
    validateAmountInit(amount);
  }
  protected abstract pick(t: Tensor, n: number): Tensor;
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const size = t.numel();
    const n = nparamsToPrune(this.amount, size);
    validateAmount(n, size);
    return scope(() => {
      const mask = defaultMask.clone({ memoryFormat: 'contiguous_format' });
      if (n !== 0) mask.view(-1).indexPut_(this.pick(t, n), 0);
      return mask;
    });
  }
}

/** Prunes `amount` entries at random. */
export class RandomUnstructured extends UnstructuredMethod {
  protected pick(t: Tensor, n: number): Tensor {
    return topk(randLike(t).view(-1), n)[1];
  }
}

/** Prunes the `amount` entries of smallest absolute value (or importance score). */
export class L1Unstructured extends UnstructuredMethod {
  protected pick(t: Tensor, n: number): Tensor {
    return topk(t.abs().view(-1), n, { largest: false })[1];
  }
}

// Structured pruning: keeps the channels along `dim` that `keep(t, size, n)` selects (a boolean
// or index tensor), with n of the `size` channels to prune.
abstract class StructuredMethod extends BasePruningMethod {
  readonly pruningType = 'structured' as const;
  constructor(readonly amount: number, readonly dim = -1) {
    super();
    validateAmountInit(amount);
  }
  protected abstract keep(t: Tensor, size: number, n: number): Tensor;
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t);
    validateDim(t, this.dim);
    const size = t.size(this.dim);
    const n = nparamsToPrune(this.amount, size);
    validateAmount(n, size);
    if (n === 0) return defaultMask.alias();
    return scope(() => {
      const mask = zerosLike(t);
      mask.indexPut_(along(t.dim(), this.dim, this.keep(t, size, n)), 1);
      return mask.mul_(defaultMask.to(mask.dtype));
    });
  }
}

/** Prunes `amount` channels along `dim` at random. */
export class RandomStructured extends StructuredMethod {
  protected keep(t: Tensor, size: number, n: number): Tensor {
    const prob = rand(size);
    return prob.gt(kthvalue(prob, n)[0]);
  }
}

/** Prunes the `amount` channels along `dim` of smallest L`n` norm. */
export class LnStructured extends StructuredMethod {
  constructor(amount: number, readonly n: number, dim = -1) {
    super(amount, dim);
  }
  protected keep(t: Tensor, size: number, n: number): Tensor {
    const d = this.dim < 0 ? t.dim() + this.dim : this.dim;
    const others = Array.from({ length: t.dim() }, (_, i) => i).filter((i) => i !== d);
    return topk(norm(t, this.n, others), size - n, { largest: true })[1];
  }
}

/** Prunes where a given mask is 0. */
export class CustomFromMask extends BasePruningMethod {
  readonly pruningType = 'global' as const;
  constructor(readonly mask: Tensor) {
    super();
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    if (defaultMask.shape.join() !== this.mask.shape.join()) throw new ValueError(`custom_from_mask: the mask's shape ${pyShape(this.mask.shape)} is not the parameter's ${pyShape(defaultMask.shape)}`);
    return scope(() => defaultMask.mul(this.mask.to(defaultMask.dtype)));
  }
}

type PruneHook = ForwardPreHook & { pruningMethod: BasePruningMethod };
const isPruneHook = (h: ForwardPreHook): h is PruneHook => (h as Partial<PruneHook>).pruningMethod instanceof BasePruningMethod;

// Python's BasePruningMethod.apply: combines with an earlier pruning of the same parameter,
// moves the parameter to `_orig`, computes and registers the mask and the pruned value, and
// registers the hook; a failure puts the parameter back.
function applyMethod(module: Module, name: string, fresh: BasePruningMethod, importanceScores?: Tensor): BasePruningMethod {
  if (!(module instanceof Module)) throw new TorchTypeError('prune: expected an nn.Module');
  const field = camelOf(name);
  const f = fields(module);
  const hooks = forwardPreHooks(module);
  let old: [number, PruneHook] | undefined;
  for (const [id, h] of hooks) if (isPruneHook(h) && h.pruningMethod.tensorName === field) old = [id, h];
  // The parameter, or (pruned before) the masked value the last forward used, as Python's getattr.
  const current = f[field];
  if (old === undefined ? !(current instanceof Parameter) : !(current instanceof Tensor)) {
    throw new ValueError(`prune: ${module.constructor.name} has no parameter '${keyOf(field)}'`);
  }
  const scores = importanceScores ?? (current as Tensor);
  if (!(scores instanceof Tensor) || scores.shape.join() !== (current as Tensor).shape.join()) {
    throw new ValueError(`importance_scores should have the same shape as parameter ${keyOf(field)} of ${module.constructor.name}`);
  }
  fresh.tensorName = field;
  let method = fresh;
  if (old !== undefined) {
    hooks.delete(old[0]);
    const prev = old[1].pruningMethod;
    const container = prev instanceof PruningContainer ? prev : new PruningContainer(prev);
    container.addPruningMethod(fresh);
    method = container;
  }
  const orig = (old === undefined ? current : f[`${field}Orig`]) as Parameter;
  const first = old === undefined;
  if (first) {
    delete f[field];
    module.registerParameter(`${field}Orig`, orig);
  }
  try {
    const mask = noGrad(() =>
      scope(() => {
        const defaultMask = first ? onesLike(orig) : (f[`${field}Mask`] as Tensor).detach().clone({ memoryFormat: 'contiguous_format' });
        return keep(method.computeMask(scores, defaultMask));
      }),
    );
    const previous = f[`${field}Mask`] as Tensor | undefined;
    if (previous !== undefined) delete f[`${field}Mask`];
    module.registerBuffer(`${field}Mask`, mask);
    previous?.dispose();
    setComputed(module, field, method.applyMask(module));
    const hook = Object.assign((m: Module) => void setComputed(m, field, hook.pruningMethod.applyMask(m)), { pruningMethod: method });
    module.registerForwardPreHook(hook);
  } catch (e) {
    if (first) {
      delete f[`${field}Orig`];
      module.registerParameter(field, orig as Parameter);
    }
    throw e;
  }
  return method;
}

/** Prunes nothing: the parameter is reparametrized as `_orig` times a mask of ones. */
export function identity<M extends Module>(module: M, name: string): M {
  applyMethod(module, name, new Identity());
  return module;
}
/** Prunes `amount` entries of `name` at random. */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: number): M {
  applyMethod(module, name, new RandomUnstructured(amount));
  return module;
}
/** Prunes the `amount` entries of `name` with the smallest absolute values (or `importanceScores`). */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: number, options: { importanceScores?: Tensor } = {}): M {
  applyMethod(module, name, new L1Unstructured(amount), options.importanceScores);
  return module;
}
/** Prunes `amount` channels of `name` along `dim` at random. */
export function randomStructured<M extends Module>(module: M, name: string, amount: number, dim: number): M {
  applyMethod(module, name, new RandomStructured(amount, dim));
  return module;
}
/** Prunes the `amount` channels of `name` along `dim` with the smallest L`n` norm. */
export function lnStructured<M extends Module>(module: M, name: string, amount: number, n: number, dim: number, options: { importanceScores?: Tensor } = {}): M {
  applyMethod(module, name, new LnStructured(amount, n, dim), options.importanceScores);
  return module;
}
/** Prunes `name` where `mask` is 0. */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M {
  applyMethod(module, name, new CustomFromMask(mask));
  return module;
}

/**
 * Prunes across several parameters at once (the smallest entries over all of them), e.g.
 * `globalUnstructured([[conv, 'weight'], [fc, 'weight']], L1Unstructured, { amount: 0.2 })`.
 */
export function globalUnstructured(
  parameters: [Module, string][],
  pruningMethod: new (amount: number) => BasePruningMethod,
  options: { amount: number; importanceScores?: Map<[Module, string], Tensor> },
): void {
  if (!Array.isArray(parameters)) throw new TorchTypeError('global_unstructured(): parameters is not an Iterable');
  const scoresOf = (m: Module, name: string): Tensor | undefined => {
    for (const [[sm, sn], t] of options.importanceScores ?? []) if (sm === m && camelOf(sn) === camelOf(name)) return t;
    return undefined;
  };
  const method = new pruningMethod(options.amount);
  if (method.pruningType !== 'unstructured') {
    throw new TorchTypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${method.pruningType}`);
  }
  const finalMask = noGrad(() =>
    scope(() => {
      const current = (m: Module, name: string): Tensor => fields(m)[camelOf(name)] as Tensor;
      const scores = parametersToVector(parameters.map(([m, name]) => scoresOf(m, name) ?? current(m, name)));
      const defaultMask = parametersToVector(parameters.map(([m, name]) => (fields(m)[`${camelOf(name)}Mask`] as Tensor | undefined) ?? onesLike(current(m, name))));
      method.tensorName = 'temp';
      const container = new PruningContainer();
      container.tensorName = 'temp';
      container.addPruningMethod(method);
      return container.computeMask(scores, defaultMask);
    }),
  );
  let pointer = 0;
  for (const [m, name] of parameters) {
    const param = fields(m)[camelOf(name)] as Tensor;
    const n = param.numel();
    const mask = finalMask.narrow(0, pointer, n).viewAs(param);
    customFromMask(m, name, mask);
    mask.dispose();
    pointer += n;
  }
  finalMask.dispose();
}

/** Makes the pruning of `name` permanent and removes its hook. */
export function remove<M extends Module>(module: M, name: string): M {
  const field = camelOf(name);
  const hooks = forwardPreHooks(module);
  for (const [id, h] of hooks) {
    if (isPruneHook(h) && h.pruningMethod.tensorName === field) {
      h.pruningMethod.remove(module);
      hooks.delete(id);
      return module;
    }
  }
  throw new ValueError(`Parameter '${keyOf(field)}' of module ${String(module)} has to be pruned before pruning can be removed`);
}

/** Whether any module in `module` has a pruning hook. */
export function isPruned(module: Module): boolean {
  return module.modules().some((m) => [...forwardPreHooks(m).values()].some(isPruneHook));
}
