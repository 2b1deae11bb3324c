/**
 * The generic op path: every operator is called by schema through one native entry point,
 * `binding.call(id, ...args)`, with arguments in the schema's order (undefined = the schema's
 * default). Ids are looked up on first use, so an operator the running LibTorch lacks only
 * fails (with NotImplementedError) when it is called. This is the pattern generated wrappers use.
 */
import { binding } from './binding';

export interface OpRef {
  readonly name: string;
  readonly overload: string;
  id: number;
}

/** Declares an operator by its schema name and overload, e.g. `op('aten::add', 'Tensor')`. */
export function op(name: string, overload = ''): OpRef {
  return { name, overload, id: -1 };
}

/** The native id of an operator (looked up once, then cached on the ref). */
export function opId(o: OpRef): number {
  if (o.id < 0) o.id = binding.opId(o.name, o.overload);
  return o.id;
}

/** The schema string LibTorch has for an operator (for docs and error messages). */
export function schemaOf(o: OpRef): string {
  return binding.opSchema(opId(o));
}

/** Operators the hand-written core uses (the op-surface generator will produce the rest). */
export const ATEN = {
  add: op('aten::add', 'Tensor'),
  add_: op('aten::add_', 'Tensor'),
  add_Scalar: op('aten::add_', 'Scalar'),
  sub: op('aten::sub', 'Tensor'),
  sub_: op('aten::sub_', 'Tensor'),
  sub_Scalar: op('aten::sub_', 'Scalar'),
  mul: op('aten::mul', 'Tensor'),
  mul_: op('aten::mul_', 'Tensor'),
  mul_Scalar: op('aten::mul_', 'Scalar'),
  div: op('aten::div', 'Tensor'),
  divMode: op('aten::div', 'Tensor_mode'),
  div_: op('aten::div_', 'Tensor'),
  div_Scalar: op('aten::div_', 'Scalar'),
  remainder: op('aten::remainder', 'Tensor'),
  remainderScalar: op('aten::remainder', 'Scalar'),
  pow: op('aten::pow', 'Tensor_Tensor'),
  powScalar: op('aten::pow', 'Tensor_Scalar'),
  maximum: op('aten::maximum'),
  minimum: op('aten::minimum'),
  clamp: op('aten::clamp'),
  clampTensor: op('aten::clamp', 'Tensor'),
  zero_: op('aten::zero_'),
  fill_: op('aten::fill_', 'Scalar'),
  eq: op('aten::eq', 'Tensor'),
  eqScalar: op('aten::eq', 'Scalar'),
  ne: op('aten::ne', 'Tensor'),
  neScalar: op('aten::ne', 'Scalar'),
  lt: op('aten::lt', 'Tensor'),
  ltScalar: op('aten::lt', 'Scalar'),
  le: op('aten::le', 'Tensor'),
  leScalar: op('aten::le', 'Scalar'),
  gt: op('aten::gt', 'Tensor'),
  gtScalar: op('aten::gt', 'Scalar'),
  ge: op('aten::ge', 'Tensor'),
  geScalar: op('aten::ge', 'Scalar'),
  equal: op('aten::equal'),
  allclose: op('aten::allclose'),
  matmul: op('aten::matmul'),
  mm: op('aten::mm'),
  sum: op('aten::sum'),
  sumDim: op('aten::sum', 'dim_IntList'),
  mean: op('aten::mean'),
  meanDim: op('aten::mean', 'dim'),
  prod: op('aten::prod'),
  prodDim: op('aten::prod', 'dim_int'),
  max: op('aten::max'),
  maxDim: op('aten::max', 'dim'),
  min: op('aten::min'),
  minDim: op('aten::min', 'dim'),
  argmax: op('aten::argmax'),
  argmin: op('aten::argmin'),
  std: op('aten::std', 'correction'),
  var: op('aten::var', 'correction'),
  all: op('aten::all'),
  allDim: op('aten::all', 'dim'),
  any: op('aten::any'),
  anyDim: op('aten::any', 'dim'),
  reshape: op('aten::reshape'),
  view: op('aten::view'),
  permute: op('aten::permute'),
  transpose: op('aten::transpose', 'int'),
  t: op('aten::t'),
  contiguous: op('aten::contiguous'),
  clone: op('aten::clone'),
  detach: op('aten::detach'),
  flatten: op('aten::flatten', 'using_ints'),
  squeeze: op('aten::squeeze'),
  squeezeDim: op('aten::squeeze', 'dim'),
  unsqueeze: op('aten::unsqueeze'),
  expand: op('aten::expand'),
  slice: op('aten::slice', 'Tensor'),
  select: op('aten::select', 'int'),
  to: op('aten::to', 'dtype_layout'),
  cat: op('aten::cat'),
  stack: op('aten::stack'),
  complex: op('aten::complex'),
  isfinite: op('aten::isfinite'),
  maskedSelect: op('aten::masked_select'),
  zeros: op('aten::zeros'),
  ones: op('aten::ones'),
  empty: op('aten::empty', 'memory_format'),
  full: op('aten::full'),
  arange: op('aten::arange'),
  arangeStart: op('aten::arange', 'start_step'),
  linspace: op('aten::linspace'),
  eye: op('aten::eye'),
  eyeM: op('aten::eye', 'm'),
  rand: op('aten::rand'),
  randn: op('aten::randn'),
  randint: op('aten::randint'),
  randintLow: op('aten::randint', 'low'),
  randperm: op('aten::randperm'),
  zerosLike: op('aten::zeros_like'),
  onesLike: op('aten::ones_like'),
  emptyLike: op('aten::empty_like'),
  fullLike: op('aten::full_like'),
  randLike: op('aten::rand_like'),
  randnLike: op('aten::randn_like'),
  randintLike: op('aten::randint_like'),
  randintLikeLow: op('aten::randint_like', 'low_dtype'),
} as const;

/** One-argument elementwise ops exposed as `t.name()` and `torch.name(t)`. */
export const UNARY = {
  neg: op('aten::neg'),
  abs: op('aten::abs'),
  sqrt: op('aten::sqrt'),
  rsqrt: op('aten::rsqrt'),
  exp: op('aten::exp'),
  log: op('aten::log'),
  sin: op('aten::sin'),
  cos: op('aten::cos'),
  tanh: op('aten::tanh'),
  sigmoid: op('aten::sigmoid'),
  relu: op('aten::relu'),
  floor: op('aten::floor'),
  ceil: op('aten::ceil'),
  round: op('aten::round'),
  sign: op('aten::sign'),
  reciprocal: op('aten::reciprocal'),
  logicalNot: op('aten::logical_not'),
} as const;
export type UnaryName = keyof typeof UNARY;
