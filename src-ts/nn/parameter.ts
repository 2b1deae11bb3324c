/**
 * nn.Parameter: a Tensor that a Module registers as a parameter (it requires grad by default).
 * Like Python's, it shares the data of the tensor it is made from. Its lifetime is the module's:
 * scopes never free it (memory.pin); `module.dispose()` or the GC does.
 */
import { binding } from '../binding';
import { argError } from '../errors';
import { pin } from '../memory';
import { op, opId } from '../ops';
import { Tensor } from '../tensor';
import { empty } from '../generated/ops';
import type { DTypeLike } from '../dtype';
import type { DeviceLike } from '../device';

const DETACH = op('aten::detach');

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) argError('Parameter', 'data', 'a Tensor', data);
    super(binding.call(opId(DETACH), data._h) as number);
    binding.setRequiresGrad(this._h, requiresGrad);
    pin(this);
  }
  /** Python's repr: `Parameter containing:` above the tensor. */
  toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * A Parameter of uninitialized memory, for layers that initialize it next. Frees the temporary it
 * is made from, so building a module outside a scope leaves nothing for the GC.
 */
export function emptyParameter(shape: number[], options: { dtype?: DTypeLike; device?: DeviceLike } = {}): Parameter {
  const t = empty(shape, { dtype: options.dtype, device: options.device });
  try {
    return new Parameter(t);
  } finally {
    t.dispose();
  }
}
