// Tensor data across the boundary: TypedArray in (one copy, straight into the tensor), copies
// out, and zero-copy views that keep the storage alive for as long as the ArrayBuffer lives.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

namespace torchnode {

class HandleTable;

// Builds a tensor of `dst` dtype from a TypedArray read as `src` elements (exactly one copy).
at::Tensor TensorFromTypedArray(const Napi::TypedArray& data, const std::vector<int64_t>& shape,
                                at::ScalarType src, at::ScalarType dst);

// A fresh ArrayBuffer holding the tensor's elements, contiguous, in the dtype ToJsDtype() gives.
Napi::ArrayBuffer CopyToArrayBuffer(Napi::Env env, const at::Tensor& t);

struct ErrorClasses;
// A promise of CopyToArrayBuffer's result, the copy made on libuv's pool (the tensor is held
// until it is done, even if JS disposes it meanwhile).
Napi::Value CopyToArrayBufferAsync(Napi::Env env, const at::Tensor& t, const ErrorClasses& errors);

// An ArrayBuffer over the tensor's own memory (contiguous CPU tensors only).
Napi::ArrayBuffer ViewAsArrayBuffer(Napi::Env env, const at::Tensor& t);

// The dtype data comes out as: float16/bfloat16 widen to float32 (JS has no 16-bit float array).
at::ScalarType ToJsDtype(at::ScalarType t);

Napi::Value ScalarToJs(Napi::Env env, const c10::Scalar& s);

}  // namespace torchnode
