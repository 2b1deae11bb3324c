/** The `torch.autograd` namespace: grad, backward, custom Functions. */
import { autograd } from './autograd';

export { Function, FunctionCtx } from './autograd_function';
export type { RemovableHandle } from './autograd_function';
export type { BackwardOptions, GradOptions } from './autograd';
/** Python's `torch.autograd.grad`: gradients returned, not accumulated into `.grad`. */
export const grad = autograd.grad;
/** Python's `torch.autograd.backward`. */
export const backward = autograd.backward;
