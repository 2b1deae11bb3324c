/**
 * Autograd: grad mode (`torch.noGrad`, `torch.enableGrad`, guards), `torch.autograd.grad` and
 * `torch.autograd.backward`. `t.backward()` and `t.grad` are on Tensor (tensor.ts).
 *
 * Grad mode is per thread, as in Python. The function forms take synchronous functions only
 * (thread_setting.ts says why).
 */
import { binding } from './binding';
import { TypeError as TorchTypeError } from './errors';
import { withThreadSetting } from './thread_setting';
import { Tensor, wrap } from './tensor';

function withGradMode<T>(enabled: boolean, fn: () => T, name: string): T {
  let before = true;
  return withThreadSetting(name, 'grad mode', fn, () => void (before = binding.gradEnabled(enabled)), () => void binding.gradEnabled(before));
}

/** Runs `fn` with gradient tracking off (Python's `with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn, 'noGrad');
}

/** Runs `fn` with gradient tracking on, e.g. inside `noGrad` (Python's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn, 'enableGrad');
}

/** Turns gradient tracking on or off for this thread (Python's `torch.set_grad_enabled`). */
export function setGradEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new TorchTypeError(`setGradEnabled(): argument 'enabled' must be a boolean`);
  binding.gradEnabled(enabled);
}

export function isGradEnabled(): boolean {
  const before = binding.gradEnabled();
  return before;
}

/**
 * Turns gradient tracking off until the guard is disposed: `using _ = torch.noGradGuard();`.
 * Restores the mode it found.
 */
export function noGradGuard(): Disposable & { dispose(): void } {
  const before = binding.gradEnabled(false);
  let done = false;
  const dispose = (): void => {
    if (done) return;
    done = true;
    binding.gradEnabled(before);
  };
  return { dispose, [Symbol.dispose]: dispose };
}

/**
 * Resets the gradients of `params`: to null (PyTorch 2's default, set_to_none) or to zeros in
 * place. What Module.zeroGrad and Optimizer.zeroGrad do.
 */
export function zeroGrads(params: Iterable<Tensor>, setToNone = true): void {
  for (const p of params) {
    if (setToNone) {
      p.grad = null;
      continue;
    }
    const g = p.grad;
    if (g !== null) {
      noGrad(() => g.zero_());
      g.dispose();
    }
  }
}

function tensors(v: Tensor | readonly Tensor[], fn: string, arg: string): Tensor[] {
  const list = Array.isArray(v) ? (v as Tensor[]) : [v as Tensor];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument '${arg}' must be a Tensor or an array of Tensors (item ${i} is not)`);
  });
  return list;
}

function optTensors(v: Tensor | readonly (Tensor | null)[] | null | undefined, fn: string, arg: string): (number | null)[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? (v as (Tensor | null)[]) : [v as Tensor];
  return list.map((t, i) => {
    if (t === null || t === undefined) return null;
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument '${arg}' item ${i} must be a Tensor or null`);
    return t._h;
  });
}

export interface BackwardOptions {
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Build a graph of the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Accumulate only into these leaves' `.grad`. */
  inputs?: Tensor | Tensor[];
}

export interface GradOptions {
  /** The "vector" of the vector-Jacobian product, one per output (null for scalars). */
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Give null for inputs the outputs do not depend on, instead of an error. */
  allowUnused?: boolean;
}

/** torch.autograd */
export const autograd = {
  /**
   * The gradients of `outputs` with respect to `inputs`, returned (not accumulated into `.grad`).
   * Python's `torch.autograd.grad`.
   */
  grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
    const out = tensors(outputs, 'autograd.grad', 'outputs').map((t) => t._h);
    const inp = tensors(inputs, 'autograd.grad', 'inputs').map((t) => t._h);
    const r = binding.autogradGrad(out, inp, optTensors(options.gradOutputs, 'autograd.grad', 'gradOutputs'), options.retainGraph, options.createGraph ?? false, options.allowUnused ?? false);
    return r.map((h) => (h === null ? null : wrap(h)));
  },
  /** Accumulates the gradients of `tensors` into the leaves' `.grad` (Python's `torch.autograd.backward`). */
  backward(tensorsArg: Tensor | Tensor[], gradTensors?: Tensor | (Tensor | null)[] | null, options: BackwardOptions = {}): void {
    const ts = tensors(tensorsArg, 'autograd.backward', 'tensors').map((t) => t._h);
    const inputs = options.inputs === undefined ? [] : tensors(options.inputs, 'autograd.backward', 'inputs').map((t) => t._h);
    binding.backward(ts, optTensors(gradTensors, 'autograd.backward', 'gradTensors'), options.retainGraph, options.createGraph ?? false, inputs);
  },
};
