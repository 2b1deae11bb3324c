/**
 * Autograd that runs TypeScript: custom Functions (`torch.autograd.Function`, Python's
 * `torch.autograd.Function` with static `forward(ctx, ...)` / `backward(ctx, ...)`) and tensor
 * hooks (`t.registerHook(grad => ...)`). LibTorch owns the graph: a custom Function is a LibTorch
 * node whose backward calls back here, and a hook is a LibTorch tensor hook that does the same
 * (src-cpp/js_autograd.h).
 *
 * They run on the main thread, inside `backward()`: LibTorch runs a CPU graph on the thread that
 * calls backward. Temporaries a forward, backward or hook makes are freed when it returns.
 */
import { binding, type Handle } from './binding';
import { NotImplementedError, TorchError, TypeError as TorchTypeError } from './errors';
import { isGradEnabled } from './autograd';
import { scope } from './memory';
import { Tensor, wrap } from './tensor';

/** What forward and backward share: saved tensors, flags, and any fields the Function sets. */
export class FunctionCtx {
  /** Per forward argument: is it a tensor whose gradient is needed? */
  readonly needsInputGrad: boolean[];
  /** @internal */ _toSave: Tensor[] = [];
  /** @internal */ _nonDifferentiable: Tensor[] = [];
  /** @internal */ _dirty: Tensor[] = [];
  /** @internal */ _saved: Tensor[] | undefined;
  [field: string]: unknown;

  constructor(needsInputGrad: boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }
  /** Keeps tensors (inputs or outputs) for backward; LibTorch checks they are not modified in place. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    for (const t of tensors) if (t !== null && !(t instanceof Tensor)) throw new TorchTypeError('saveForBackward(): expected tensors');
    this._toSave = tensors.filter((t): t is Tensor => t !== null);
  }
  /** The tensors saved in forward (in backward only). */
  get savedTensors(): Tensor[] {
    if (this._saved === undefined) throw new TorchError('savedTensors can only be read in backward');
    return this._saved;
  }
  /** Outputs that have no gradient (indices, masks). */
  markNonDifferentiable(...tensors: Tensor[]): void {
    this._nonDifferentiable = tensors;
  }
  /** Inputs that forward modified in place (they must be returned as outputs). */
  markDirty(...tensors: Tensor[]): void {
    this._dirty = tensors;
  }
}

interface Pending {
  cls: typeof Function;
  ctx: FunctionCtx;
  args: unknown[] | undefined;
  tensorPositions: number[];
  returnsArray: boolean;
}
const functions = new Map<number, Pending>();
const hooks = new Map<number, (grad: Tensor) => Tensor | null | undefined | void>();
let nextId = 1;

// Forgets callbacks whose LibTorch owner (a graph node, a hook) is gone.
function forgetReleased(): void {
  for (const id of binding.autogradReleased()) {
    functions.delete(id);
    hooks.delete(id);
  }
}

const handleOf = (t: Tensor | null | undefined): Handle | null => (t === null || t === undefined ? null : t._h);

function dispatch(kind: 'forward' | 'backward' | 'hook', id: number, a?: (Handle | null)[], b?: Handle[]): void {
  if (kind === 'hook') {
    const fn = hooks.get(id);
    if (fn === undefined) throw new TorchError('tensor hook called after it was released');
    scope(() => {
      const r = fn(wrap(a![0] as Handle));
      if (r !== undefined && r !== null && !(r instanceof Tensor)) throw new TorchTypeError(`a tensor hook must return a Tensor or nothing, got ${typeof r}`);
      binding.autogradStash(r instanceof Tensor ? [r._h] : []);
    });
    return;
  }
  const e = functions.get(id);
  if (e === undefined) throw new TorchError('custom Function called after it was released');
  const name = e.cls.name;
  if (kind === 'forward') {
    try {
      scope(() => {
        const r = e.cls.forward(e.ctx, ...(e.args ?? []));
        e.returnsArray = Array.isArray(r);
        const outs = Array.isArray(r) ? r : [r];
        outs.forEach((t, i) => {
          if (!(t instanceof Tensor)) throw new TorchTypeError(`${name}.forward must return a Tensor or an array of Tensors (output ${i} is ${t === null ? 'null' : typeof t})`);
        });
        binding.autogradStash(outs.map(handleOf), e.ctx._toSave.map(handleOf), e.ctx._nonDifferentiable.map(handleOf), e.ctx._dirty.map(handleOf));
      });
    } finally {
      e.ctx._toSave = [];
      e.ctx._nonDifferentiable = [];
      e.ctx._dirty = [];
    }
    return;
  }
  try {
    scope(() => {
      const grads = a!.map((h) => (h === null ? null : wrap(h)));
      e.ctx._saved = b!.map((h) => wrap(h));
      const r = e.cls.backward(e.ctx, ...grads);
      const rs = Array.isArray(r) ? r : [r];
      const nargs = e.ctx.needsInputGrad.length;
      // Python's rule: one gradient per forward argument; extra trailing nulls are fine.
      if (rs.length !== nargs && !(rs.length > nargs && rs.slice(nargs).every((x) => x === null || x === undefined))) {
        throw new TorchError(`function ${name}Backward returned an incorrect number of gradients (expected ${nargs}, got ${rs.length})`);
      }
      rs.slice(0, nargs).forEach((g, i) => {
        if (g !== null && g !== undefined && !(g instanceof Tensor)) throw new TorchTypeError(`${name}.backward: gradient ${i} must be a Tensor or null, got ${typeof g}`);
        if (g instanceof Tensor && !e.tensorPositions.includes(i)) {
          throw new TorchError(`function ${name}Backward returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
        }
      });
      binding.autogradStash(e.tensorPositions.map((p) => handleOf(rs[p] as Tensor | null | undefined)));
    });
  } finally {
    e.ctx._saved = undefined;
  }
}

binding.autogradInit(dispatch);

/**
 * A custom differentiable operation, as Python's:
 *
 *     class Exp extends torch.autograd.Function {
 *       static forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
 *         const y = x.exp();
 *         ctx.saveForBackward(y);
 *         return y;
 *       }
 *       static backward(ctx: torch.autograd.FunctionCtx, grad: torch.Tensor) {
 *         return grad.mul(ctx.savedTensors[0]);
 *       }
 *     }
 *     const y = Exp.apply(x) as torch.Tensor;
 *
 * forward runs with gradients off; backward returns one gradient (or null) per forward argument.
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new NotImplementedError(`${this.name} must implement static forward(ctx, ...args)`);
  }
  static backward(_ctx: FunctionCtx, ..._gradOutputs: (Tensor | null)[]): Tensor | null | (Tensor | null)[] {
    throw new NotImplementedError(`${this.name} must implement static backward(ctx, ...gradOutputs)`);
  }
  /** Runs forward and records the node; returns what forward returned (a Tensor or an array). */
  static apply(...args: unknown[]): Tensor | Tensor[] {
    forgetReleased();
    const tensorPositions: number[] = [];
    const tensors: Tensor[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) {
        if (a._h < 0) throw new TorchTypeError(`${this.name}.apply(): argument ${i} is a disposed tensor`);
        tensorPositions.push(i);
        tensors.push(a);
      }
    });
    const grad = isGradEnabled();
    const ctx = new FunctionCtx(args.map((a) => grad && a instanceof Tensor && a.requiresGrad));
    const id = nextId++;
    const pending: Pending = { cls: this, ctx, args, tensorPositions, returnsArray: false };
    functions.set(id, pending);
    let handles: (Handle | null)[];
    try {
      handles = binding.functionApply(id, `${this.name}Backward`, tensors.map((t) => t._h));
    } finally {
      pending.args = undefined; // the graph holds what backward needs; JS need not keep the inputs
    }
    const outs = handles.map((h) => wrap(h as Handle));
    return pending.returnsArray ? outs : outs[0];
  }
}

export interface RemovableHandle {
  remove(): void;
}

/** `t.registerHook(fn)`: see Tensor.registerHook. */
export function registerHook(t: Tensor, fn: (grad: Tensor) => Tensor | null | undefined | void): RemovableHandle {
  if (typeof fn !== 'function') throw new TorchTypeError('registerHook(): argument must be a function');
  forgetReleased();
  const id = nextId++;
  hooks.set(id, fn);
  let pos: number;
  try {
    pos = binding.registerHook(t._h, id);
  } catch (e) {
    hooks.delete(id);
    throw e;
  }
  let removed = false;
  return {
    remove: () => {
      if (removed || t._h < 0) return;
      removed = true;
      binding.removeHook(t._h, pos);
    },
  };
}

/** Callbacks JS still holds for live graph nodes and hooks (for tests). */
export function liveCallbacks(): number {
  forgetReleased();
  return functions.size + hooks.size;
}

declare module './tensor' {
  interface Tensor {
    /**
     * Calls `fn(grad)` when this tensor's gradient is computed; a returned tensor replaces the
     * gradient (Python's `register_hook`). Returns a handle whose `remove()` unregisters it.
     */
    registerHook(fn: (grad: Tensor) => Tensor | null | undefined | void): RemovableHandle;
  }
}
Tensor.prototype.registerHook = function (this: Tensor, fn: (grad: Tensor) => Tensor | null | undefined | void): RemovableHandle {
  return registerHook(this, fn);
};
