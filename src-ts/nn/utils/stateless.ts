/**
 * Calling a module with other tensors in place of its parameters and buffers, as Python's
 * torch.func.functional_call (torch.nn.utils.stateless.functional_call): meta-learning, ensembles,
 * per-sample gradients. Keys are state-dict keys; the module is restored afterwards, also when the
 * call throws.
 */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { Tensor } from '../../tensor';
import { keyOf, type Module } from '../module';
import { fields } from './reparametrized';


// The module that owns `key` (a.b.weight -> module a.b) and the field name in it.
function locate(root: Module, key: string): [Module, string] {
  const parts = key.split('.');
  const leaf = parts.pop()!;
  let m = root;
  for (const p of parts) {
    const child = m.namedChildren().find(([k]) => k === p)?.[1];
    if (child === undefined) throw new ValueError(`functionalCall: ${root.constructor.name} has no submodule '${parts.join('.')}' (key '${key}')`);
    m = child;
  }
  const field = Object.keys(fields(m)).find((f) => f === leaf || keyOf(f) === leaf);
  if (field === undefined || !(fields(m)[field] instanceof Tensor || fields(m)[field] === null)) {
    throw new ValueError(`functionalCall: '${key}' is not a parameter or buffer of ${root.constructor.name}`);
  }
  return [m, field];
}

/** `module.call(...args)` with `parametersAndBuffers` (a state-dict-like object or Map) swapped in. */
export function functionalCall(module: Module, parametersAndBuffers: Record<string, Tensor> | Map<string, Tensor>, args: unknown[] | unknown = []): unknown {
  const entries = parametersAndBuffers instanceof Map ? [...parametersAndBuffers] : Object.entries(parametersAndBuffers);
  const swapped: [Module, string, unknown][] = [];
  try {
    for (const [key, t] of entries) {
      if (!(t instanceof Tensor)) throw new TorchTypeError(`functionalCall: '${key}' must be a Tensor`);
      const [m, field] = locate(module, key);
      swapped.push([m, field, fields(m)[field]]);
      fields(m)[field] = t;
    }
    return module.call(...(Array.isArray(args) ? args : [args]));
  } finally {
    for (const [m, field, orig] of swapped.reverse()) fields(m)[field] = orig;
  }
}
