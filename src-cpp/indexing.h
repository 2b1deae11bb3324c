// Python's `t[...]` and `t[...] = v`, through LibTorch's own C++ indexing (at::indexing), which
// implements the same rules as Python's binding: ints, slices, None (new axis), Ellipsis,
// booleans, and integer / boolean tensors (advanced indexing).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

namespace torchnode {

class HandleTable;

// `spec` holds one JS value per index: a number (int), null (new axis), a boolean, the string
// "..." (Ellipsis), [start, stop, step] (a slice; null parts take Python's defaults), or
// {h: handle} (an index tensor).
at::Tensor IndexGet(const at::Tensor& self, const Napi::Array& spec, HandleTable& handles);

// In place; `value` is a tensor handle as {h: handle}, or a number/boolean/bigint.
void IndexPut(at::Tensor& self, const Napi::Array& spec, const Napi::Value& value, HandleTable& handles);

}  // namespace torchnode
