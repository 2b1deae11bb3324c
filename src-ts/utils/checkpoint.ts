/**
 * Activation checkpointing, as torch.utils.checkpoint (the reentrant form): `checkpoint(fn, ...args)`
 * runs `fn` without keeping its intermediate activations, and runs it again during backward to
 * get them. Memory for compute: a deep model's activations need not all be alive at once.
 *
 * Gradients reach the inputs that require them and the parameters `fn` uses (at least one input
 * must require grad, as in PyTorch, or nothing inside gets a gradient). The random state is
 * replayed for the second run by default, so dropout drops the same elements.
 */
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { Function, type FunctionCtx } from '../autograd_function';
import { autograd, enableGrad, noGrad } from '../autograd';
import { defaultGenerator } from '../generator';
import { tensor } from '../creation';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import type { Module } from '../nn/module';

export interface CheckpointOptions {
  /** Replay the CPU random state when recomputing (default true). */
  preserveRngState?: boolean;
  /** Only the reentrant form is implemented; `false` is refused rather than silently ignored. */
  useReentrant?: boolean;
}

const OPTION_KEYS = new Set(['preserveRngState', 'useReentrant']);
function isOptions(x: unknown): x is CheckpointOptions {
  if (typeof x !== 'object' || x === null || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k));
}

class CheckpointFunction extends Function {
  static forward(ctx: FunctionCtx, run: (...a: unknown[]) => unknown, preserve: boolean, ...args: unknown[]): Tensor | Tensor[] {
    ctx.run = run;
    ctx.preserve = preserve;
    // A copy in JS: tensors forward makes are freed when it returns.
    if (preserve) ctx.rngState = scope(() => defaultGenerator().getState().toTypedArray() as Uint8Array).slice();
    ctx.inputs = args.map((a) => (a instanceof Tensor ? null : a));
    ctx.tensorIndices = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    ctx.saveForBackward(...args.filter((a): a is Tensor => a instanceof Tensor));
    const out = noGrad(() => run(...args));
    if (!(out instanceof Tensor) && !(Array.isArray(out) && out.every((t) => t instanceof Tensor))) {
      throw new TorchTypeError('checkpoint: the function must return a Tensor or an array of Tensors');
    }
    return out as Tensor | Tensor[];
  }

  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const inputs = [...(ctx.inputs as unknown[])];
    (ctx.tensorIndices as number[]).forEach((idx, i) => (inputs[idx] = ctx.savedTensors[i]));
    const detached = inputs.map((a) => (a instanceof Tensor ? a.detach().requiresGrad_(a.requiresGrad) : a));
    // Run again with the forward's random state, then put the current one back (fork_rng).
    const saved = ctx.preserve ? defaultGenerator().getState() : null;
    let outputs: unknown;
    try {
      if (ctx.preserve) defaultGenerator().setState(tensor(ctx.rngState as Uint8Array));
      outputs = enableGrad(() => (ctx.run as (...a: unknown[]) => unknown)(...detached));
    } finally {
      if (saved !== null) defaultGenerator().setState(saved);
    }
    const outs = outputs instanceof Tensor ? [outputs] : (outputs as Tensor[]);
    const withGrad = outs.flatMap((o, i) => (o.requiresGrad && grads[i] ? [[o, grads[i]!] as const] : []));
    if (withGrad.length === 0) throw new TorchError('none of output has requires_grad=True, this checkpoint() is not necessary');
    autograd.backward(withGrad.map(([o]) => o), withGrad.map(([, g]) => g));
    return [null, null, ...detached.map((d) => (d instanceof Tensor ? d.grad : null))];
  }
}

/**
 * `fn(...args)`, its activations recomputed in backward instead of kept. A trailing
 * `{ preserveRngState }` object is taken as options.
 */
export function checkpoint<R extends Tensor | Tensor[]>(fn: (...args: never[]) => R, ...args: unknown[]): R {
  if (typeof fn !== 'function') throw new TorchTypeError(`checkpoint: expected a function, got ${typeof fn}`);
  const options: CheckpointOptions = args.length > 0 && isOptions(args[args.length - 1]) ? (args.pop() as CheckpointOptions) : {};
  if (options.useReentrant === false) throw new TorchError('checkpoint: only the reentrant form (useReentrant: true) is implemented');
  if (!args.some((a) => a instanceof Tensor && a.requiresGrad)) {
    process.emitWarning('None of the inputs have requires_grad=True. Gradients will be None', 'UserWarning');
  }
  return CheckpointFunction.apply(fn, options.preserveRngState ?? true, ...args) as R;
}

/**
 * Runs a Sequential (or a list of modules) in `segments` chunks, checkpointing all but the last,
 * as Python's checkpoint_sequential.
 */
export function checkpointSequential(functions: Module | Module[], segments: number, input: Tensor, options: CheckpointOptions = {}): Tensor {
  const mods = Array.isArray(functions) ? functions : functions.children();
  if (!Number.isInteger(segments) || segments < 1) throw new TorchTypeError(`checkpointSequential: segments must be a positive integer, got ${segments}`);
  const runRange = (start: number, end: number) => (x: Tensor): Tensor => {
    let y: unknown = x;
    for (let j = start; j <= end; j++) y = mods[j].call(y);
    return y as Tensor;
  };
  const size = Math.floor(mods.length / segments);
  let end = -1;
  let x = input;
  return scope(() => {
    for (let start = 0; start < size * (segments - 1); start += size) {
      end = start + size - 1;
      x = checkpoint(runRange(start, end), x, { preserveRngState: options.preserveRngState ?? true });
    }
    return runRange(end + 1, mods.length - 1)(x);
  });
}
