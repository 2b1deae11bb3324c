/** The `torch.autograd` namespace: grad, backward, custom Functions, functional derivatives. */
import { autograd } from './autograd';

export { Function, FunctionCtx } from './autograd_function';
export type { RemovableHandle } from './autograd_function';
export type { BackwardOptions, GradOptions } from './autograd';
/** Python's `torch.autograd.grad`: gradients returned, not accumulated into `.grad`. */
export const grad = autograd.grad;
/** Python's `torch.autograd.backward`. */
export const backward = autograd.backward;
/** Python's `torch.autograd.functional`: jacobian, hessian, vjp, jvp, vhp, hvp. */
export * as functional from './autograd_functional';
export type { FunctionalOptions, JacobianOptions, HessianOptions } from './autograd_functional';
