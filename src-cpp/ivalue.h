// TorchScript values <-> JS values, converted by the schema's declared types (a JS number becomes
// an int or a float as the schema says). Tensors cross as torchnode Tensor objects: read by their
// `_h` handle, made by the `wrap` function JS hands over at start-up.
#pragma once
#include <ATen/core/ivalue.h>
#include <ATen/core/jit_type.h>
#include <napi.h>

#include <string>

namespace torchnode {

class HandleTable;

struct IValueContext {
  HandleTable* handles = nullptr;
  Napi::FunctionReference wrapTensor;  // (handle) => Tensor
  Napi::FunctionReference wrapModule;  // (External<Module>) => ScriptModule
  Napi::FunctionReference makeMap;     // (entries) => new Map(entries), in the caller's realm
};

// Throws JsError(Type) naming `fn` and `arg` when `v` does not fit `type`.
c10::IValue JsToIValue(const Napi::Value& v, const c10::TypePtr& type, IValueContext& ctx, const std::string& fn,
                       const std::string& arg);

Napi::Value IValueToJs(Napi::Env env, const c10::IValue& v, IValueContext& ctx);

}  // namespace torchnode
