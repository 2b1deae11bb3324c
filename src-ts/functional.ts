/** `torch.<op>(tensor, ...)` forms of the tensor methods, and ops over several tensors. */
import { binding } from './binding';
import { argError } from './errors';
import { ATEN, opId, UNARY, type UnaryName } from './ops';
import { ensureTensor, handleOf, Tensor, wrap, type Scalar } from './tensor';

function tensors(list: unknown, fn: string): number[] {
  if (!Array.isArray(list)) return argError(fn, 'tensors', 'an array of Tensors', list);
  return list.map((t, i) => handleOf(t, fn, `tensors[${i}]`));
}

/** Concatenates along an existing dim. */
export function cat(list: Tensor[], dim = 0): Tensor {
  return wrap(binding.call(opId(ATEN.cat), tensors(list, 'cat'), dim));
}
/** Stacks along a new dim. */
export function stack(list: Tensor[], dim = 0): Tensor {
  return wrap(binding.call(opId(ATEN.stack), tensors(list, 'stack'), dim));
}

/** A complex tensor from real and imaginary parts (float32 -> complex64). */
export function complex(real: Tensor, imag: Tensor): Tensor {
  return wrap(binding.call(opId(ATEN.complex), handleOf(real, 'complex', 'real'), handleOf(imag, 'complex', 'imag')));
}

export const add = (input: Tensor, other: Tensor | Scalar, options?: { alpha?: Scalar }): Tensor => ensureTensor(input, 'add').add(other, options);
export const sub = (input: Tensor, other: Tensor | Scalar, options?: { alpha?: Scalar }): Tensor => ensureTensor(input, 'sub').sub(other, options);
export const mul = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'mul').mul(other);
export const div = (input: Tensor, other: Tensor | Scalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor =>
  ensureTensor(input, 'div').div(other, options);
export const pow = (input: Tensor, exponent: Tensor | Scalar): Tensor => ensureTensor(input, 'pow').pow(exponent);
export const remainder = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'remainder').remainder(other);
export const matmul = (input: Tensor, other: Tensor): Tensor => ensureTensor(input, 'matmul').matmul(other);
export const mm = (input: Tensor, other: Tensor): Tensor => ensureTensor(input, 'mm').mm(other);
export const eq = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'eq').eq(other);
export const ne = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'ne').ne(other);
export const lt = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'lt').lt(other);
export const le = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'le').le(other);
export const gt = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'gt').gt(other);
export const ge = (input: Tensor, other: Tensor | Scalar): Tensor => ensureTensor(input, 'ge').ge(other);
export const maximum = (input: Tensor, other: Tensor): Tensor => ensureTensor(input, 'maximum').maximum(other);
export const minimum = (input: Tensor, other: Tensor): Tensor => ensureTensor(input, 'minimum').minimum(other);
export const clamp = (input: Tensor, min?: Scalar | Tensor | null, max?: Scalar | Tensor | null): Tensor => ensureTensor(input, 'clamp').clamp(min, max);
export const reshape = (input: Tensor, shape: number[]): Tensor => ensureTensor(input, 'reshape').reshape(shape);
export const permute = (input: Tensor, dims: number[]): Tensor => ensureTensor(input, 'permute').permute(dims);
export const transpose = (input: Tensor, dim0: number, dim1: number): Tensor => ensureTensor(input, 'transpose').transpose(dim0, dim1);
export const flatten = (input: Tensor, startDim?: number, endDim?: number): Tensor => ensureTensor(input, 'flatten').flatten(startDim, endDim);
export const squeeze = (input: Tensor, dim?: number): Tensor => ensureTensor(input, 'squeeze').squeeze(dim);
export const unsqueeze = (input: Tensor, dim: number): Tensor => ensureTensor(input, 'unsqueeze').unsqueeze(dim);
export const clone = (input: Tensor): Tensor => ensureTensor(input, 'clone').clone();
export const sum = (input: Tensor, ...args: Parameters<Tensor['sum']>): Tensor => ensureTensor(input, 'sum').sum(...args);
export const mean = (input: Tensor, ...args: Parameters<Tensor['mean']>): Tensor => ensureTensor(input, 'mean').mean(...args);
export const prod = (input: Tensor, ...args: Parameters<Tensor['prod']>): Tensor => ensureTensor(input, 'prod').prod(...args);
export const argmax = (input: Tensor, ...args: Parameters<Tensor['argmax']>): Tensor => ensureTensor(input, 'argmax').argmax(...args);
export const argmin = (input: Tensor, ...args: Parameters<Tensor['argmin']>): Tensor => ensureTensor(input, 'argmin').argmin(...args);
export const std = (input: Tensor, ...args: Parameters<Tensor['std']>): Tensor => ensureTensor(input, 'std').std(...args);
export const variance = (input: Tensor, ...args: Parameters<Tensor['var']>): Tensor => ensureTensor(input, 'var').var(...args);
export const all = (input: Tensor, ...args: Parameters<Tensor['all']>): Tensor => ensureTensor(input, 'all').all(...args);
export const any = (input: Tensor, ...args: Parameters<Tensor['any']>): Tensor => ensureTensor(input, 'any').any(...args);
export const equal = (input: Tensor, other: Tensor): boolean => ensureTensor(input, 'equal').equal(other);
export const allclose = (input: Tensor, other: Tensor, options?: Parameters<Tensor['allclose']>[1]): boolean =>
  ensureTensor(input, 'allclose').allclose(other, options);

/** `torch.max(t)`, `torch.max(t, dim, keepdim?)` -> [values, indices], `torch.max(a, b)`. */
export function max(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return (ensureTensor(input, 'max').max as (...a: unknown[]) => Tensor | [Tensor, Tensor])(...args);
}
/** `torch.min(t)`, `torch.min(t, dim, keepdim?)` -> [values, indices], `torch.min(a, b)`. */
export function min(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return (ensureTensor(input, 'min').min as (...a: unknown[]) => Tensor | [Tensor, Tensor])(...args);
}

type UnaryFns = { [K in UnaryName]: (input: Tensor) => Tensor };
/** `torch.exp(t)`, `torch.relu(t)`, ...: the one-argument ops of ops.ts's UNARY table. */
export const unary = Object.fromEntries(
  Object.keys(UNARY).map((name) => [name, (input: Tensor) => (ensureTensor(input, name) as unknown as Record<string, () => Tensor>)[name]()]),
) as UnaryFns;
