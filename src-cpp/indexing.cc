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

[[noreturn]] void BadIndex(size_t i, const std::string& what) {
  throw JsError(ErrorKind::Type, "index(): index " + std::to_string(i) + " " + what);
}

c10::optional<int64_t> SlicePart(double v) {
  if (std::isnan(v)) return c10::nullopt;
  return static_cast<int64_t>(v);
}

std::vector<TensorIndex> ToIndices(const Napi::Float64Array& spec, size_t count, HandleTable& handles) {
  if (spec.ElementLength() < count * 4) throw JsError(ErrorKind::Value, "index(): malformed index spec");
  const double* d = spec.Data();
  std::vector<TensorIndex> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const double* q = d + i * 4;
    switch (static_cast<int>(q[0])) {
      case 0: out.emplace_back(static_cast<int64_t>(q[1])); break;
      case 1: {
        auto step = SlicePart(q[3]);
        if (step.has_value() && *step == 0) throw JsError(ErrorKind::Value, "slice step cannot be zero");
        out.emplace_back(at::indexing::Slice(SlicePart(q[1]), SlicePart(q[2]), step));
        break;
      }
      case 2: out.emplace_back(c10::nullopt); break;
      case 3: out.emplace_back(at::indexing::Ellipsis); break;
      case 4: out.emplace_back(q[1] != 0); break;
      case 5: {
        const at::Tensor* t = handles.Get(static_cast<int64_t>(q[1]));
        if (t == nullptr) {
          throw JsError(ErrorKind::Torch, "index(): index " + std::to_string(i) + " is a tensor that was disposed",
                        "ERR_TENSOR_DISPOSED");
        }
        out.emplace_back(*t);
        break;
      }
      default: BadIndex(i, "has an unknown kind");
    }
  }
  return out;
}

int64_t IntOf(const Napi::Value& v) {
  bool lossless = true;
  int64_t x = v.As<Napi::BigInt>().Int64Value(&lossless);
  if (!lossless) throw JsError(ErrorKind::Value, "indexPut_(): value does not fit in int64");
  return x;
}

}  // namespace

at::Tensor IndexGet(const at::Tensor& self, const Napi::Float64Array& spec, size_t count, HandleTable& handles) {
  return self.index(ToIndices(spec, count, handles));
}

void IndexPut(at::Tensor& self, const Napi::Float64Array& spec, size_t count, const Napi::Value& value,
              HandleTable& handles) {
  auto indices = ToIndices(spec, count, handles);
  if (value.IsObject()) {
    self.index_put_(indices, TensorArg(value.As<Napi::Object>().Get("h"), handles, "indexPut_", "value"));
  } else if (value.IsBoolean()) {
    self.index_put_(indices, c10::Scalar(value.As<Napi::Boolean>().Value()));
  } else if (value.IsBigInt()) {
    self.index_put_(indices, c10::Scalar(IntOf(value)));
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
