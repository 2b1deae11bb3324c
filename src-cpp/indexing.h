// Python's `t[...]` and `t[...] = v`, through LibTorch's own C++ indexing (at::indexing), which
// implements the same rules as Python's binding: ints, slices, None (new axis), Ellipsis,
// booleans, and integer / boolean tensors (advanced indexing).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

namespace torchnode {

class HandleTable;

// `spec` holds four doubles per index, [kind, a, b, c] (src-ts/indexing.ts writes them):
// 0 int a; 1 slice a:b:c (NaN = omitted); 2 None (new axis); 3 Ellipsis; 4 bool a; 5 tensor
// handle a. One typed array crosses instead of a JS value per index.
at::Tensor IndexGet(const at::Tensor& self, const Napi::Float64Array& spec, size_t count, HandleTable& handles);

// In place; `value` is a tensor handle as {h: handle}, or a number/boolean/bigint.
void IndexPut(at::Tensor& self, const Napi::Float64Array& spec, size_t count, const Napi::Value& value,
              HandleTable& handles);

}  // namespace torchnode
