/**
 * torch.jit.trace: runs a function or an nn.Module once on example inputs, records the LibTorch
 * ops it runs, and returns a ScriptModule whose `forward` replays them. Save it (`save(path)`)
 * and Python's `torch.jit.load` runs it, as do LibTorch in C++ and `torch.jit.load` here: the
 * way to take a model trained in Node to a TorchScript service.
 *
 *     const traced = torch.jit.trace(model.eval(), torch.randn(1, 3, 32, 32));
 *     traced.save('model.pt');
 *
 * As Python's trace:
 * - A module's parameters and buffers become the traced module's, under the same names (the
 *   same tensors: training the original changes the traced one); submodules stay submodules.
 * - What is not a tensor input is fixed at the example's value: shapes read in JS, `.item()`,
 *   `if` branches, loop counts, tensors made inside from JS data (constants). A model whose
 *   control flow depends on its input needs TorchScript source (`torch.jit.compile`) instead.
 * - `checkTrace` (default true) runs the trace on the example inputs again and warns
 *   (a 'TracerWarning') when its outputs differ from the function's, e.g. dropout in training.
 *
 * Inputs are tensors; the result a tensor or a (nested) array of tensors, which becomes a tuple.
 */
import { binding, type Handle, type TraceSpec } from '../binding';
import { TypeError as TorchTypeError } from '../errors';
import { scope } from '../memory';
import { noGrad } from '../autograd';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { ScriptModule } from './script_module';

export interface TraceOptions {
  /** Refuse mutable containers (lists, dicts) as outputs, as Python's strict mode (default true). */
  strict?: boolean;
  /** Compare the trace's outputs with the function's on the example inputs (default true). */
  checkTrace?: boolean;
  /** Relative and absolute tolerance of that check (default 1e-5, as Python's). */
  checkTolerance?: number;
}

type Traced = Tensor | Traced[];

function spec(m: Module): TraceSpec {
  return {
    name: m.constructor.name,
    training: m.training,
    parameters: m.namedParameters({ recurse: false }).map(([k, p]) => [k, p._h]),
    buffers: m.namedBuffers({ recurse: false }).map(([k, b]) => [k, b._h]),
    children: m.namedChildren().map(([k, c]) => [k, spec(c)]),
  };
}

// The inputs' names in the graph, from the function's parameter list as Python's trace takes
// them from the signature; none (argument_1 ...) when the list is not plain names.
function parameterNames(f: unknown, n: number): string[] {
  if (typeof f !== 'function') return [];
  const src = f.toString();
  const m = /^(?:async\s+)?(?:function\b[^(]*)?\(([^)]*)\)|^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>|^[A-Za-z_$][\w$]*\s*\(([^)]*)\)/.exec(src);
  if (!m) return [];
  const list = (m[1] ?? m[2] ?? m[3] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (list.length !== n || !list.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return [];
  return list;
}

function handlesOf(v: unknown, what: string): Handle | Handle[] {
  if (v instanceof Tensor) return v._h;
  if (Array.isArray(v)) return v.map((x) => handlesOf(x, what)) as Handle[];
  throw new TorchTypeError(`torch.jit.trace(): ${what} must be a Tensor or an array of Tensors, got ${v === null ? 'null' : typeof v}`);
}

function flat(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  return Array.isArray(v) ? v.flatMap(flat) : [];
}

function exampleList(exampleInputs: unknown, what: string): Tensor[] {
  const inputs = exampleInputs instanceof Tensor ? [exampleInputs] : exampleInputs;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => x instanceof Tensor)) {
    throw new TorchTypeError(`torch.jit.trace(): ${what} must be a Tensor or a non-empty array of Tensors`);
  }
  return inputs;
}

// Records fn on the inputs as method `name` of a module built from `root`, or of `into`.
function record(target: TraceSpec | ScriptModule, name: string, fn: (...xs: Tensor[]) => unknown, inputs: Tensor[], names: string[], options: TraceOptions): ScriptModule {
  // What the traced call returns stays alive until the native side has read it.
  let outputs: Tensor[] = [];
  const native = binding.jitTrace(
    target instanceof ScriptModule ? target._m : target,
    inputs.map((x) => x._h),
    (hs) => {
      const out = scope(() => fn(...hs.map((h) => new Tensor(h))));
      outputs = flat(out);
      return handlesOf(out, "the traced function's result");
    },
    options.strict ?? true,
    names,
    name,
  );
  for (const t of outputs) t.dispose();
  const traced = target instanceof ScriptModule ? target : new ScriptModule(native);
  if (options.checkTrace ?? true) check(traced, name, fn, inputs, options.checkTolerance ?? 1e-5);
  return traced;
}

export function trace(target: Module | ((...inputs: Tensor[]) => Traced), exampleInputs: Tensor | Tensor[], options: TraceOptions = {}): ScriptModule {
  if (target instanceof Module) return traceModule(target, { forward: exampleInputs }, options);
  const inputs = exampleList(exampleInputs, 'exampleInputs');
  if (typeof target !== 'function') throw new TorchTypeError('torch.jit.trace(): expected an nn.Module or a function');
  const root: TraceSpec = { name: target.name || 'TracedFunction', training: false, parameters: [], buffers: [], children: [] };
  return record(root, 'forward', target, inputs, parameterNames(target, inputs.length), options);
}

/**
 * Python's `trace_module`: several methods of one module, each on its example inputs, into one
 * ScriptModule (`{ forward: x, encode: [tokens] }`). `forward` runs as `module.call` (hooks
 * included), the others as the module's methods of those names.
 */
export function traceModule(module: Module, inputs: Record<string, Tensor | Tensor[]>, options: TraceOptions = {}): ScriptModule {
  if (!(module instanceof Module)) throw new TorchTypeError('torch.jit.traceModule(): expected an nn.Module');
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs) || Object.keys(inputs).length === 0) {
    throw new TorchTypeError("torch.jit.traceModule(): inputs must map method names to example inputs, e.g. { forward: x }");
  }
  let traced: ScriptModule | null = null;
  for (const [name, example] of Object.entries(inputs)) {
    const method = (module as unknown as Record<string, unknown>)[name];
    if (typeof method !== 'function') throw new TorchTypeError(`torch.jit.traceModule(): ${module.constructor.name} has no method '${name}'`);
    const xs = exampleList(example, `the example inputs of '${name}'`);
    const fn = name === 'forward' ? (...a: Tensor[]) => module.call(...a) : (...a: Tensor[]) => (method as (...b: Tensor[]) => unknown).apply(module, a);
    traced = record(traced ?? spec(module), name, fn, xs, parameterNames(method, xs.length), options);
  }
  return traced!;
}

// Python's check_trace, for outputs: the trace run on the example inputs against the function.
function check(traced: ScriptModule, name: string, fn: (...xs: Tensor[]) => unknown, inputs: Tensor[], tol: number): void {
  noGrad(() =>
    scope(() => {
      const ours = flat(traced.callMethod(name, ...inputs));
      const theirs = flat(fn(...inputs));
      ours.forEach((t, i) => {
        const expected = theirs[i];
        if (expected !== undefined && t.shape.join() === expected.shape.join() && t.dtype === expected.dtype && t.allclose(expected, tol, tol, true)) return;
        process.emitWarning(
          `Output nr ${i + 1}. of the traced function does not match the corresponding output of the JS function: ` +
            'the trace fixed something that varies between calls (dropout or another random op, a value read in JS).',
          'TracerWarning',
        );
      });
    }),
  );
}
