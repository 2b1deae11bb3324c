#include "indexing.h"

#include <ATen/TensorIndexing.h>

#include <cmath>
#include <string>
#include <vector>

#include "dispatch.h"
#include "errors.h"
#include "handles.h"

namespace torchnode {

namespace {

using at::indexing::TensorIndex;

[[noreturn]] void BadIndex(uint32_t i, const std::string& what) {
  throw JsError(ErrorKind::Type, "index(): index " + std::to_string(i) + " " + what);
}

int64_t IntOf(const Napi::Value& v, uint32_t i) {
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t x = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) BadIndex(i, "does not fit in int64");
    return x;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::trunc(d) != d) BadIndex(i, "must be an integer, got " + std::to_string(d));
  return static_cast<int64_t>(d);
}

c10::optional<int64_t> SlicePart(const Napi::Value& v, uint32_t i) {
  if (v.IsNull() || v.IsUndefined()) return c10::nullopt;
  if (!v.IsNumber() && !v.IsBigInt()) BadIndex(i, "has a slice bound that is not an integer");
  return IntOf(v, i);
}

std::vector<TensorIndex> ToIndices(const Napi::Array& spec, HandleTable& handles) {
  std::vector<TensorIndex> out;
  out.reserve(spec.Length());
  for (uint32_t i = 0; i < spec.Length(); ++i) {
    Napi::Value v = spec.Get(i);
    if (v.IsNumber() || v.IsBigInt()) {
      out.emplace_back(IntOf(v, i));
    } else if (v.IsNull()) {
      out.emplace_back(c10::nullopt);
    } else if (v.IsBoolean()) {
      out.emplace_back(v.As<Napi::Boolean>().Value());
    } else if (v.IsString()) {
      if (v.As<Napi::String>().Utf8Value() != "...") BadIndex(i, "is a string that is not '...'");
      out.emplace_back(at::indexing::Ellipsis);
    } else if (v.IsArray()) {
      Napi::Array s = v.As<Napi::Array>();
      auto start = SlicePart(s.Get(0u), i);
      auto stop = SlicePart(s.Get(1u), i);
      auto step = SlicePart(s.Get(2u), i);
      if (step.has_value() && *step == 0) throw JsError(ErrorKind::Value, "index(): slice step cannot be zero");
      out.emplace_back(at::indexing::Slice(start, stop, step));
    } else if (v.IsObject()) {
      out.emplace_back(TensorArg(v.As<Napi::Object>().Get("h"), handles, "index", "indices"));
    } else {
      BadIndex(i, "has an unsupported type");
    }
  }
  return out;
}

}  // namespace

at::Tensor IndexGet(const at::Tensor& self, const Napi::Array& spec, HandleTable& handles) {
  return self.index(ToIndices(spec, handles));
}

void IndexPut(at::Tensor& self, const Napi::Array& spec, const Napi::Value& value, HandleTable& handles) {
  auto indices = ToIndices(spec, handles);
  if (value.IsObject()) {
    self.index_put_(indices, TensorArg(value.As<Napi::Object>().Get("h"), handles, "indexPut_", "value"));
  } else if (value.IsBoolean()) {
    self.index_put_(indices, c10::Scalar(value.As<Napi::Boolean>().Value()));
  } else if (value.IsBigInt()) {
    self.index_put_(indices, c10::Scalar(IntOf(value, 0)));
  } else if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    // An integral JS number is an int Scalar (as Python's int), else a float one.
    if (std::trunc(d) == d && std::fabs(d) <= 9007199254740991.0) self.index_put_(indices, c10::Scalar(static_cast<int64_t>(d)));
    else self.index_put_(indices, c10::Scalar(d));
  } else {
    throw JsError(ErrorKind::Type, "indexPut_(): argument 'value' must be a Tensor or a number");
  }
}

}  // namespace torchnode
