#include "tensor_data.h"

#include <cmath>
#include <cstring>

#include "errors.h"
#include "promise_worker.h"

namespace torchnode {

at::ScalarType ToJsDtype(at::ScalarType t) {
  return (t == at::kHalf || t == at::kBFloat16) ? at::kFloat : t;
}

at::Tensor TensorFromTypedArray(const Napi::TypedArray& data, const std::vector<int64_t>& shape,
                                at::ScalarType src, at::ScalarType dst) {
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) throw JsError(ErrorKind::Value, "tensor(): negative dimension in shape");
    numel *= d;
  }
  const size_t need = static_cast<size_t>(numel) * c10::elementSize(src);
  if (data.ByteLength() != need) {
    throw JsError(ErrorKind::Value, "tensor(): data holds " + std::to_string(data.ByteLength()) +
                                        " bytes but the shape needs " + std::to_string(need));
  }
  auto* ptr = static_cast<uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
  // from_blob borrows the JS memory only for this call; to()/clone() make the one copy we keep.
  at::Tensor borrowed = at::from_blob(ptr, shape, at::TensorOptions().dtype(src));
  if (src == dst) return borrowed.clone();
  return borrowed.to(dst, /*non_blocking=*/false, /*copy=*/true);
}

Napi::ArrayBuffer CopyToArrayBuffer(Napi::Env env, const at::Tensor& t) {
  at::Tensor c = t.detach();
  if (!c.device().is_cpu()) c = c.cpu();
  c = c.to(ToJsDtype(c.scalar_type())).resolve_conj().resolve_neg().contiguous();
  const size_t bytes = static_cast<size_t>(c.numel()) * c.element_size();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(buf.Data(), c.data_ptr(), bytes);
  return buf;
}

Napi::ArrayBuffer ViewAsArrayBuffer(Napi::Env env, const at::Tensor& t) {
  if (!t.device().is_cpu() || !t.is_contiguous() || ToJsDtype(t.scalar_type()) != t.scalar_type() ||
      t.is_conj() || t.is_neg()) {
    throw JsError(ErrorKind::Value,
                  "toTypedArray({ view: true }) needs a contiguous CPU tensor whose dtype has a TypedArray "
                  "(not float16/bfloat16); use toTypedArray() for a copy");
  }
  const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  // The ArrayBuffer holds its own reference to the tensor, so the memory stays valid even after
  // the JS Tensor is disposed; the reference drops when V8 collects the buffer.
  auto* keep = new at::Tensor(t);
  return Napi::ArrayBuffer::New(env, t.data_ptr(), bytes, [](Napi::Env, void*, at::Tensor* k) { delete k; },
                                keep);
}

Napi::Value ScalarToJs(Napi::Env env, const c10::Scalar& s) {
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) {
    int64_t i = s.toLong();
    if (std::fabs(static_cast<double>(i)) <= 9007199254740991.0) return Napi::Number::New(env, static_cast<double>(i));
    return Napi::BigInt::New(env, i);
  }
  if (s.isComplex()) {
    auto c = s.toComplexDouble();
    Napi::Object o = Napi::Object::New(env);
    o.Set("real", c.real());
    o.Set("imag", c.imag());
    return o;
  }
  return Napi::Number::New(env, s.toDouble());
}

}  // namespace torchnode

namespace torchnode {

namespace {

// Copies a tensor's elements off the main thread; the ArrayBuffer then owns the copy's memory.
class CopyWorker : public PromiseWorker {
 public:
  CopyWorker(Napi::Env env, at::Tensor t, const ErrorClasses& errors) : PromiseWorker(env, errors), t_(std::move(t)) {}

 private:
  void Work() override {
    at::Tensor c = t_.detach();
    // A fresh tensor always (copy=true): the buffer must not alias the tensor's own memory.
    out_ = c.to(at::kCPU, ToJsDtype(c.scalar_type()), /*non_blocking=*/false, /*copy=*/true).resolve_conj().resolve_neg().contiguous();
  }
  Napi::Value Result(Napi::Env env) override {
    const size_t bytes = static_cast<size_t>(out_.numel()) * out_.element_size();
    if (bytes == 0) return Napi::ArrayBuffer::New(env, 0);
    auto* keep = new at::Tensor(out_);
    return Napi::ArrayBuffer::New(env, out_.data_ptr(), bytes, [](Napi::Env, void*, at::Tensor* k) { delete k; }, keep);
  }

  at::Tensor t_;
  at::Tensor out_;
};

}  // namespace

Napi::Value CopyToArrayBufferAsync(Napi::Env env, const at::Tensor& t, const ErrorClasses& errors) {
  auto* w = new CopyWorker(env, t, errors);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace torchnode
