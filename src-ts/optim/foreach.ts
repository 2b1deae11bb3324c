/**
 * LibTorch's `_foreach_*` ops, which apply one elementwise op to a list of tensors in one call:
 * an optimizer step crosses into native code a few times per step instead of a few times per
 * parameter. Element for element they compute what the per-tensor ops compute.
 */
import { binding } from '../binding';
import { op, opId } from '../ops';
import { Tensor, wrap } from '../tensor';

const OPS = {
  addScalar_: op('aten::_foreach_add_', 'Scalar'),
  addList_: op('aten::_foreach_add_', 'List'),
  addList: op('aten::_foreach_add', 'List'),
  addScalar: op('aten::_foreach_add', 'Scalar'),
  mulScalar_: op('aten::_foreach_mul_', 'Scalar'),
  addcmulScalar_: op('aten::_foreach_addcmul_', 'Scalar'),
  addcdivScalarList_: op('aten::_foreach_addcdiv_', 'ScalarList'),
  divScalarList_: op('aten::_foreach_div_', 'ScalarList'),
  sqrt: op('aten::_foreach_sqrt'),
  maximumList_: op('aten::_foreach_maximum_', 'List'),
  neg: op('aten::_foreach_neg'),
};

const hs = (ts: readonly Tensor[]): number[] => ts.map((t) => t._h);
const call = binding.call;

export const foreach = {
  addScalar_: (self: Tensor[], s: number): void => void call(opId(OPS.addScalar_), hs(self), s),
  add_: (self: Tensor[], other: Tensor[], alpha = 1): void => void call(opId(OPS.addList_), hs(self), hs(other), alpha),
  add: (self: Tensor[], other: Tensor[], alpha = 1): Tensor[] => (call(opId(OPS.addList), hs(self), hs(other), alpha) as number[]).map(wrap),
  addScalar: (self: Tensor[], s: number): Tensor[] => (call(opId(OPS.addScalar), hs(self), s) as number[]).map(wrap),
  mulScalar_: (self: Tensor[], s: number): void => void call(opId(OPS.mulScalar_), hs(self), s),
  addcmul_: (self: Tensor[], t1: Tensor[], t2: Tensor[], value: number): void => void call(opId(OPS.addcmulScalar_), hs(self), hs(t1), hs(t2), value),
  addcdiv_: (self: Tensor[], t1: Tensor[], t2: Tensor[], scalars: number[]): void => void call(opId(OPS.addcdivScalarList_), hs(self), hs(t1), hs(t2), scalars),
  div_: (self: Tensor[], scalars: number[]): void => void call(opId(OPS.divScalarList_), hs(self), scalars),
  sqrt: (self: Tensor[]): Tensor[] => (call(opId(OPS.sqrt), hs(self)) as number[]).map(wrap),
  maximum_: (self: Tensor[], other: Tensor[]): void => void call(opId(OPS.maximumList_), hs(self), hs(other)),
  neg: (self: Tensor[]): Tensor[] => (call(opId(OPS.neg), hs(self)) as number[]).map(wrap),
};
