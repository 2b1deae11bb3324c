/**
 * Module full backward hooks (Python's `register_full_backward_hook`): `hook(module, gradInput,
 * gradOutput)` runs when the gradients with respect to the module's inputs are computed, and may
 * return replacements for gradInput. As in Python (torch.utils.hooks.BackwardHook), the module's
 * tensor inputs and outputs pass through identity autograd nodes: the output node records the
 * gradients arriving from above, the input node calls the hooks with the gradients leaving below.
 *
 * The gradients a hook is given outlive the backward pass (they move to the scope that called
 * `backward()`, or the GC's care), so a hook can keep them, as Grad-CAM does.
 */
import { Function as AutogradFunction, type FunctionCtx } from '../autograd_function';
import { isGradEnabled } from '../autograd';
import { TorchError } from '../errors';
import { keep } from '../memory';
import { Tensor } from '../tensor';
import type { Module } from './module';

export type FullBackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | null | undefined;

// One module call's bookkeeping, shared by its input and output nodes.
interface CallState {
  module: Module;
  hooks: FullBackwardHook[];
  nInputs: number;
  inputIndex: number[] | null; // positions of the tensor arguments; null when none needs a gradient
  nOutputs: number;
  outputIndex: number[];
  gradOutputs: (Tensor | null)[] | null;
}

// Values at `index` in a list of `size`, the other places null (Python's _pack_with_none).
function packWithNull(index: number[], values: (Tensor | null)[], size: number): (Tensor | null)[] {
  const out: (Tensor | null)[] = new Array(size).fill(null);
  index.forEach((p, i) => (out[p] = values[i] ?? null));
  return out;
}

const kept = (ts: (Tensor | null)[]): (Tensor | null)[] => ts.map((t) => (t === null ? null : keep(t)));

class BackwardHookInput extends AutogradFunction {
  static forward(ctx: FunctionCtx, state: CallState, ...tensors: Tensor[]): Tensor[] {
    ctx.state = state;
    const outs = tensors.map((t) => t.alias());
    ctx.markNonDifferentiable(...outs.filter((_, i) => !tensors[i].requiresGrad));
    return outs;
  }
  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const st = ctx.state as CallState;
    // Gradients that reach the inputs without passing through the outputs (double backward).
    if (st.gradOutputs === null) return [null, ...grads];
    const index = st.inputIndex as number[];
    // An input that needs no gradient gets none (LibTorch hands its node zeros).
    const given = grads.map((g, k) => (ctx.needsInputGrad[k + 1] ? g : null));
    let res = kept(packWithNull(index, given, st.nInputs));
    for (const hook of st.hooks) {
      const out = hook(st.module, res, st.gradOutputs);
      if (out === undefined || out === null) continue;
      if (!Array.isArray(out) || out.length !== res.length) {
        throw new TorchError(`Backward hook returned an invalid number of grad_input, got ${Array.isArray(out) ? out.length : typeof out}, but expected ${res.length}`);
      }
      res = out;
    }
    st.gradOutputs = null;
    return [null, ...index.map((p) => res[p] ?? null)];
  }
}

class BackwardHookOutput extends AutogradFunction {
  static forward(ctx: FunctionCtx, state: CallState, ...tensors: Tensor[]): Tensor[] {
    ctx.state = state;
    return tensors.map((t) => t.alias());
  }
  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const st = ctx.state as CallState;
    st.gradOutputs = kept(packWithNull(st.outputIndex, grads, st.nOutputs));
    if (st.inputIndex === null) {
      // No input needs a gradient: the hooks run now, with no gradInput to change.
      const gradInputs = new Array(st.nInputs).fill(null);
      for (const hook of st.hooks) {
        const r = hook(st.module, gradInputs, st.gradOutputs);
        if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
          throw new TorchError('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
        }
      }
      st.gradOutputs = null;
    }
    return [null, ...grads];
  }
}

/**
 * Runs `forward(args)` with the module's backward hooks attached: returns the output with its
 * tensors passed through the output node (the same structure: a Tensor or an array).
 */
export function withBackwardHooks(module: Module, hooks: FullBackwardHook[], args: unknown[], forward: (args: unknown[]) => unknown): unknown {
  if (!isGradEnabled()) return forward(args);
  const state: CallState = { module, hooks, nInputs: args.length, inputIndex: null, nOutputs: 0, outputIndex: [], gradOutputs: null };
  const inputIndex = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
  if (inputIndex.some((i) => (args[i] as Tensor).requiresGrad)) {
    state.inputIndex = inputIndex;
    const aliased = BackwardHookInput.apply(state, ...inputIndex.map((i) => args[i])) as Tensor[];
    args = args.slice();
    inputIndex.forEach((p, k) => (args[p] = aliased[k]));
  }
  const out = forward(args);
  const outs = out instanceof Tensor ? [out] : Array.isArray(out) ? out : [];
  const outputIndex = outs.flatMap((o, i) => (o instanceof Tensor ? [i] : []));
  if (!outputIndex.some((i) => (outs[i] as Tensor).requiresGrad)) return out;
  state.nOutputs = outs.length;
  state.outputIndex = outputIndex;
  const wrapped = BackwardHookOutput.apply(state, ...outputIndex.map((i) => outs[i])) as Tensor[];
  if (out instanceof Tensor) return wrapped[0];
  const result = (out as unknown[]).slice();
  outputIndex.forEach((p, k) => (result[p] = wrapped[k]));
  return result;
}
