'use strict';
// What the op-surface generator leaves to hand-written code, and Python's binding rules it mirrors.

// Tensor members written by hand in src-ts/tensor.ts (JS-friendly forms of these ops, or members
// that are not ops). The generator makes no method with these names.
const HAND_METHODS = new Set([
  'size', 'dim', 'numel', 'item', 'to', 'requiresGrad_', 'float', 'double', 'half', 'long', 'int', 'bool', 'cpu',
  'toString', 'dispose', 'keep', 'shape', 'dtype', 'device', 'isCuda', 'requiresGrad', 'ndim', 'T', 'data',
  'grad', 'gradFn', 'backward',
  // src-ts/indexing.ts: Python's t[...] and t[...] = v (aten::index / index_put_ take only tensors).
  'index', 'indexPut_',
  // stride() with no argument gives all strides (Python's Tensor.stride).
  'stride',
]);

// torch.* functions written by hand: `tensor` (dtype inference from JS values, src-ts/creation.ts),
// `slice` (src-ts/indexing.ts), and Python-level wrappers (src-ts/functional.ts).
const HAND_FUNCTIONS = new Set(['tensor', 'slice', 'tensordot', 'uniqueConsecutive']);

// Python lets a number stand for a Tensor argument of these ops only (python_arg_parser's
// should_allow_numbers_as_tensors); it becomes a 0-d "wrapped number" tensor, which type promotion
// treats as a scalar.
const NUMBERS_AS_TENSORS = new Set([
  'add', 'add_', 'div', 'div_', 'divide', 'divide_', 'mul', 'mul_', 'multiply', 'multiply_', 'sub', 'sub_',
  'subtract', 'subtract_', 'true_divide', 'true_divide_', 'floor_divide', 'floor_divide_', 'copy_',
]);

// Overloads Python's binding leaves out (gen_python_functions' SKIP_PYTHON_BINDINGS_SIGNATURES): the
// `.Tensor` overload with a wrapped number covers them.
const SKIP_OVERLOADS = new Set([
  'add.Scalar', 'add_.Scalar', 'sub.Scalar', 'sub_.Scalar', 'mul.Scalar', 'mul_.Scalar', 'div.Scalar', 'div_.Scalar',
  'div.Scalar_mode', 'div_.Scalar_mode',
]);

// Ops whose names start with these prefixes live in a namespace, as in Python (`torch.linalg.solve`).
const NAMESPACES = ['linalg', 'special', 'fft'];

// Argument types the op path passes (see src-ts/argparse.ts for the codes). Overloads with any
// other type (Dimname for named tensors, Storage, Stream) are left out and listed by
// `npm run ops:coverage`.
const TYPE_CODES = {
  Tensor: 'T', Scalar: 'S', int: 'i', SymInt: 'i', float: 'f', bool: 'b', str: 's', ScalarType: 'D', Layout: 'Y',
  Device: 'V', MemoryFormat: 'M', Generator: 'G',
};
const LIST_CODES = { int: 'I', SymInt: 'I', float: 'F', bool: 'B', Tensor: 'L', Scalar: 'N' };
const RETURN_CODES = { Tensor: 'T', int: 'i', SymInt: 'i', float: 'f', bool: 'b', Scalar: 'S', ScalarType: 'D', QScheme: 'i' };

module.exports = { HAND_METHODS, HAND_FUNCTIONS, NUMBERS_AS_TENSORS, SKIP_OVERLOADS, NAMESPACES, TYPE_CODES, LIST_CODES, RETURN_CODES };
