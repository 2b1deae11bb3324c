/**
 * torch.autograd.functional: derivatives of whole functions, as Python's: `vjp` and `jvp`
 * (vector-Jacobian and Jacobian-vector products), `jacobian`, `hessian`, `vhp` and `hvp`.
 * `func` takes the inputs as arguments and returns a Tensor or an array of Tensors; `inputs` is
 * a Tensor or an array of them (a Python tuple), and results nest the same way: `jacobian` of a
 * function with outputs [a, b] of inputs [x, y] is [[da/dx, da/dy], [db/dx, db/dy]], each of
 * shape output.shape + input.shape.
 *
 * Reverse mode (LibTorch's autograd), one backward pass per output element for `jacobian`, and
 * the double-backward trick for the forward products (`jvp`, `hvp`), as Python's defaults.
 * Options: `createGraph` (the results are differentiable), `strict` (an output or derivative
 * that does not depend on an input is an error, not zeros). Python's `vectorize` and
 * forward-mode strategies need vmap, which LibTorch's C++ API does not offer.
 *
 * Memory: what the functions make along the way is freed; the results are the caller's.
 */
import { autograd, enableGrad, isGradEnabled, noGrad } from './autograd';
import { NotImplementedError, TorchError, TypeError as TorchTypeError } from './errors';
import { scope } from './memory';
import { stack, zerosLike } from './generated/ops';
import { Tensor } from './tensor';

type Inputs = Tensor | Tensor[];
type Func = (...inputs: Tensor[]) => Tensor | Tensor[];

export interface FunctionalOptions {
  /** Make the results differentiable (higher-order derivatives). */
  createGraph?: boolean;
  /** Throw when an output does not depend on an input, instead of giving zeros. */
  strict?: boolean;
}

export interface JacobianOptions extends FunctionalOptions {
  /** Python's batched computation through vmap: not available. */
  vectorize?: boolean;
  /** 'reverse-mode' (the only one available). */
  strategy?: 'reverse-mode' | 'forward-mode';
}

export interface HessianOptions extends FunctionalOptions {
  vectorize?: boolean;
  outerJacobianStrategy?: 'reverse-mode' | 'forward-mode';
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v);

// Python's _as_tuple: [was it a tuple, the tensors].
function asTuple(v: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(v);
  const items = isTuple ? (v as unknown[]) : [v];
  items.forEach((el, i) => {
    if (!(el instanceof Tensor)) {
      throw new TorchTypeError(
        `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the ` +
          (isTuple ? `value at index ${i} has type ${typeName(el)}.` : `given ${argName} has type ${typeName(el)}.`),
      );
    }
  });
  return [isTuple, items as Tensor[]];
}

// Python's _tuple_postprocess: unwrap what was not a tuple.
function unpack<T>(res: T[], isTuple: boolean): T | T[] {
  return isTuple ? res : res[0];
}
function unpack2(res: Tensor[][], outTuple: boolean, inTuple: boolean): Tensor | Tensor[] | Tensor[][] {
  const rows = inTuple ? res : res.map((r) => r[0]);
  return outTuple ? rows : rows[0];
}

// Inputs as the function sees them: fresh leaves that require grad, or (building a graph for
// higher derivatives) views that keep the caller's graph.
function gradPreprocess(inputs: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((x) => (createGraph && x.requiresGrad ? x.viewAs(x) : x.detach().requiresGrad_(needGraph)));
}
function gradPostprocess(ts: Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? ts : ts.map((t) => t.detach());
}

function validateV(v: Tensor[], other: Tensor[], otherIsTuple: boolean): void {
  if (v.length !== other.length) {
    throw new TorchError(otherIsTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : 'The given v should contain a single Tensor.');
  }
  v.forEach((el, i) => {
    if (el.shape.join() !== other[i].shape.join()) {
      const size = (s: number[]): string => `torch.Size([${s.join(', ')}])`;
      throw new TorchError(`${otherIsTuple ? `Entry ${i} in ` : ''}v has invalid size: should be ${size(other[i].shape)} but got ${size(el.shape)}.`);
    }
  });
}

// The vector of a product: prepared as inputs are (no graph of its own) and checked against
// `other`; null when left out, which only a single 1-element `other` allows.
const V_FROM_OUTPUT = 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.';
const V_FROM_INPUT = 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.';
function vectorArg(v: Inputs | null | undefined, fnName: string, createGraph: boolean, other: Tensor[], otherIsTuple: boolean, missing: string): Tensor[] | null {
  if (v === undefined || v === null) {
    if (other.length !== 1 || other[0].numel() !== 1) throw new TorchError(missing);
    return null;
  }
  const vs = gradPreprocess(asTuple(v, 'v', fnName)[1], createGraph, false);
  validateV(vs, other, otherIsTuple);
  return vs;
}

type CheckKind = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';
function checkRequiresGrad(ts: (Tensor | null)[], kind: CheckKind, strict: boolean): void {
  if (!strict) return;
  ts.forEach((t, i) => {
    if (t === null) throw new TorchError(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requiresGrad) return;
    const messages: Record<CheckKind, string> = {
      hessian:
        `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. ` +
        'You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.',
      jacobian:
        `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. ` +
        'This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs ' +
        '(this would be violated by a linear function for example).',
      grad_inputs: `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
      outputs: `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
    };
    throw new TorchError(messages[kind]);
  });
}

// torch.autograd.grad over the outputs that exist and require grad (none: all null), unused
// inputs null (Python's _autograd_grad).
function autogradGrad(outputs: (Tensor | null)[], inputs: Tensor[], gradOutputs: (Tensor | null)[] | null, createGraph: boolean, retainGraph?: boolean): (Tensor | null)[] {
  const outs: Tensor[] = [];
  const gos: (Tensor | null)[] = [];
  outputs.forEach((o, i) => {
    if (o !== null && o.requiresGrad) {
      outs.push(o);
      gos.push(gradOutputs?.[i] ?? null);
    }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return autograd.grad(outs, inputs, { gradOutputs: gos, allowUnused: true, createGraph, retainGraph });
}

type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';
function fillInZeros(grads: (Tensor | null)[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const messages: Record<Stage, string> = {
          back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          back_trick:
            `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute ` +
            'forward mode gradients. This is not allowed in strict mode.',
          double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          double_back_trick:
            `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it ` +
            'prevents from using the double backward trick to replace forward mode AD.',
        };
        throw new TorchError(messages[stage]);
      }
      return zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      throw new TorchError(
        stage.includes('double')
          ? `The hessian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`
          : `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`,
      );
    }
    return g;
  });
}

function callFunc(func: Func, inputs: Tensor[], fnName: string): [boolean, Tensor[]] {
  if (typeof func !== 'function') throw new TorchTypeError(`${fnName}(): func must be a function`);
  return asTuple(func(...inputs), 'outputs of the user-provided function', fnName);
}

// The grad mode of the last step: on when building a graph, else the caller's.
function withGradMode<T>(createGraph: boolean, fn: () => T): T {
  return createGraph || isGradEnabled() ? enableGrad(fn) : noGrad(fn);
}

/** Python's `vjp`: [func(inputs), vᵀJ]. `v` may be left out when func gives one 1-element tensor. */
export function vjp(func: Func, inputs: Inputs, v?: Inputs | null, options: FunctionalOptions = {}): [Tensor | Tensor[], Tensor | Tensor[]] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  return scope(() => {
    const [inTuple, ins0] = asTuple(inputs, 'inputs', 'vjp');
    const [outTuple, outputs, ins, vs] = enableGrad(() => {
      const ins = gradPreprocess(ins0, createGraph, true);
      const [outTuple, outputs] = callFunc(func, ins, 'vjp');
      checkRequiresGrad(outputs, 'outputs', strict);
      return [outTuple, outputs, ins, vectorArg(v, 'vjp', createGraph, outputs, outTuple, V_FROM_OUTPUT)] as const;
    });
    const res = withGradMode(createGraph, () => fillInZeros(autogradGrad(outputs, ins, vs, createGraph), ins, strict, createGraph, 'back'));
    return [unpack(gradPostprocess(outputs, createGraph), outTuple), unpack(gradPostprocess(res, createGraph), inTuple)];
  }) as [Tensor | Tensor[], Tensor | Tensor[]];
}

/** Python's `jvp`: [func(inputs), Jv], by the double-backward trick. */
export function jvp(func: Func, inputs: Inputs, v?: Inputs | null, options: FunctionalOptions = {}): [Tensor | Tensor[], Tensor | Tensor[]] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  return scope(() => {
    const [inTuple, ins0] = asTuple(inputs, 'inputs', 'jvp');
    const [outTuple, outputs, gradOutputs, gradInputs, vs] = enableGrad(() => {
      const ins = gradPreprocess(ins0, createGraph, true);
      const vs = vectorArg(v, 'jvp', createGraph, ins, inTuple, V_FROM_INPUT);
      const [outTuple, outputs] = callFunc(func, ins, 'jvp');
      checkRequiresGrad(outputs, 'outputs', strict);
      const gradOutputs = outputs.map((o) => zerosLike(o).requiresGrad_(true));
      const gradInputs = autogradGrad(outputs, ins, gradOutputs, true);
      checkRequiresGrad(gradInputs, 'grad_inputs', strict);
      return [outTuple, outputs, gradOutputs, gradInputs, vs] as const;
    });
    const step = (): Tensor[] => fillInZeros(autogradGrad(gradInputs, gradOutputs, vs, createGraph), outputs, strict, createGraph, 'back_trick');
    const res = createGraph ? enableGrad(step) : step();
    return [unpack(gradPostprocess(outputs, createGraph), outTuple), unpack(gradPostprocess(res, createGraph), outTuple)];
  }) as [Tensor | Tensor[], Tensor | Tensor[]];
}

function reverseJacobian(func: Func, inputs: Inputs, createGraph: boolean, strict: boolean): Tensor | Tensor[] | Tensor[][] {
  const [inTuple, ins0] = asTuple(inputs, 'inputs', 'jacobian');
  const jac = enableGrad(() => {
    const ins = gradPreprocess(ins0, createGraph, true);
    const [outTuple, outputs] = callFunc(func, ins, 'jacobian');
    checkRequiresGrad(outputs, 'outputs', strict);
    const rows = outputs.map((out, i) => {
      const perInput: Tensor[][] = ins.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([flat.select(0, j)], ins, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g !== null) {
            if (strict && createGraph && !g.requiresGrad) {
              throw new TorchError(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
            }
            perInput[k].push(g);
          } else {
            if (strict) throw new TorchError(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            perInput[k].push(zerosLike(ins[k]));
          }
        });
      }
      return perInput.map((gs, k) => gradPostprocess([stack(gs, 0).view([...out.shape, ...ins[k].shape])], createGraph)[0]);
    });
    return [outTuple, rows] as const;
  });
  return unpack2(jac[1], jac[0], inTuple);
}

/**
 * Python's `jacobian`: d func / d inputs, of shape output.shape + input.shape for each pair
 * (nested as [output][input] when they are arrays).
 */
export function jacobian(func: Func, inputs: Inputs, options: JacobianOptions = {}): Tensor | Tensor[] | Tensor[][] {
  const strategy = options.strategy ?? 'reverse-mode';
  if (strategy !== 'reverse-mode' && strategy !== 'forward-mode') throw new TorchError('Expected strategy to be either "forward-mode" or "reverse-mode".');
  if (strategy === 'forward-mode' || options.vectorize) {
    throw new NotImplementedError(`jacobian(): ${options.vectorize ? 'vectorize' : 'strategy "forward-mode"'} needs vmap, which LibTorch's C++ API does not offer; use the default reverse mode`);
  }
  return scope(() => reverseJacobian(func, inputs, options.createGraph ?? false, options.strict ?? false));
}

/** Python's `hessian`: the second derivatives of a function with one 1-element output. */
export function hessian(func: Func, inputs: Inputs, options: HessianOptions = {}): Tensor | Tensor[] | Tensor[][] {
  const strict = options.strict ?? false;
  if ((options.outerJacobianStrategy ?? 'reverse-mode') !== 'reverse-mode' || options.vectorize) {
    throw new NotImplementedError('hessian(): vectorize and the forward-mode outer jacobian need vmap, which LibTorch\'s C++ API does not offer; use the default reverse mode');
  }
  const [inTuple, ins] = asTuple(inputs, 'inputs', 'hessian');
  const single = (...inp: Tensor[]): Tensor => {
    const [outTuple, ts] = asTuple(func(...inp), 'outputs of the user-provided function', 'hessian');
    checkRequiresGrad(ts, 'outputs', strict);
    if (outTuple) throw new TorchError('The function given to hessian should return a single Tensor');
    if (ts[0].numel() !== 1) throw new TorchError('The Tensor returned by the function given to hessian should contain a single element');
    return ts[0].squeeze();
  };
  // The first derivatives, as a graph: one per input.
  const jacFunc = (...inp: Tensor[]): Tensor[] => {
    const jac = reverseJacobian(single, inp, true, false) as Tensor[];
    checkRequiresGrad(jac, 'jacobian', strict);
    return jac;
  };
  // Their jacobian with respect to the inputs, always as [input][input], then unwrapped as given.
  return scope(() => unpack2(reverseJacobian(jacFunc, ins, options.createGraph ?? false, strict) as Tensor[][], inTuple, inTuple));
}

function secondOrder(name: 'vhp' | 'hvp', func: Func, inputs: Inputs, v: Inputs | null | undefined, options: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  const createGraph = options.createGraph ?? false;
  const strict = options.strict ?? false;
  return scope(() => {
    const [inTuple, ins0] = asTuple(inputs, 'inputs', name);
    const prepared = enableGrad(() => {
      const ins = gradPreprocess(ins0, createGraph, true);
      const vs = vectorArg(v, name, createGraph, ins, inTuple, V_FROM_INPUT);
      const [outTuple, outputs] = callFunc(func, ins, name);
      checkRequiresGrad(outputs, 'outputs', strict);
      if (outTuple) throw new TorchError(`The function given to ${name} should return a single Tensor`);
      if (outputs[0].numel() !== 1) throw new TorchError(`The Tensor returned by the function given to ${name} should contain a single element`);
      const jac = autogradGrad(outputs, ins, null, true);
      checkRequiresGrad(jac, 'jacobian', strict);
      if (name === 'vhp') return { ins, vs, outputs, jac, gradJac: null, doubleBack: null };
      const gradJac = ins.map((x) => zerosLike(x).requiresGrad_(true));
      const doubleBack = autogradGrad(jac, ins, gradJac, true);
      checkRequiresGrad(jac, 'hessian', strict); // Python checks the jacobian here too
      return { ins, vs, outputs, jac, gradJac, doubleBack };
    });
    const { ins, vs, outputs, jac, gradJac, doubleBack } = prepared;
    const res = withGradMode(createGraph, () =>
      name === 'vhp'
        ? fillInZeros(autogradGrad(jac, ins, vs, createGraph), ins, strict, createGraph, 'double_back')
        : fillInZeros(autogradGrad(doubleBack!, gradJac!, vs, createGraph), ins, strict, createGraph, 'double_back_trick'),
    );
    return [gradPostprocess(outputs, createGraph)[0], unpack(gradPostprocess(res, createGraph), inTuple)];
  }) as [Tensor, Tensor | Tensor[]];
}

/** Python's `vhp`: [func(inputs), vᵀH] for a function with one 1-element output. */
export function vhp(func: Func, inputs: Inputs, v?: Inputs | null, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  return secondOrder('vhp', func, inputs, v, options);
}

/** Python's `hvp`: [func(inputs), Hv], by the double-backward trick. */
export function hvp(func: Func, inputs: Inputs, v?: Inputs | null, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  return secondOrder('hvp', func, inputs, v, options);
}
