#include "autograd.h"

#include <torch/csrc/autograd/autograd.h>

#include "dispatch.h"
#include "errors.h"
#include "handles.h"

namespace torchnode {

std::vector<at::Tensor> TensorList(const Napi::Value& v, HandleTable& handles, const char* fn, const char* arg,
                                   bool allowNull) {
  std::vector<at::Tensor> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  if (!v.IsArray()) throw JsError(ErrorKind::Type, std::string(fn) + "(): argument '" + arg + "' must be an array of tensors");
  Napi::Array a = v.As<Napi::Array>();
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    if (allowNull && (e.IsNull() || e.IsUndefined())) out.emplace_back();
    else out.push_back(TensorArg(e, handles, fn, arg));
  }
  return out;
}

static c10::optional<bool> OptBool(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return c10::nullopt;
  return v.As<Napi::Boolean>().Value();
}

void Backward(const Napi::CallbackInfo& info, HandleTable& handles) {
  auto tensors = TensorList(info[0], handles, "backward", "tensors", false);
  auto grads = TensorList(info[1], handles, "backward", "gradient", true);
  auto inputs = TensorList(info[4], handles, "backward", "inputs", false);
  torch::autograd::backward(tensors, grads, OptBool(info[2]), info[3].ToBoolean().Value(), inputs);
}

Napi::Value Grad(const Napi::CallbackInfo& info, HandleTable& handles) {
  auto outputs = TensorList(info[0], handles, "autograd.grad", "outputs", false);
  auto inputs = TensorList(info[1], handles, "autograd.grad", "inputs", false);
  auto gradOutputs = TensorList(info[2], handles, "autograd.grad", "gradOutputs", true);
  auto result = torch::autograd::grad(outputs, inputs, gradOutputs, OptBool(info[3]), info[4].ToBoolean().Value(),
                                      info[5].ToBoolean().Value());
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, result.size());
  for (size_t i = 0; i < result.size(); ++i) {
    if (result[i].defined()) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, handles.Add(result[i])));
    else out.Set(static_cast<uint32_t>(i), env.Null());
  }
  return out;
}

}  // namespace torchnode
