// Generic op call by schema: JS names an operator once ("aten::add", "Tensor") and gets an
// integer id; every later call passes that id and the arguments in schema order. Arguments are
// converted by the kinds precomputed here, so the hot path does no string work.
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <napi.h>

#include <string>
#include <vector>

namespace torchnode {

class HandleTable;

enum class ArgKind : uint8_t {
  Tensor,
  Int,
  Float,
  Bool,
  Scalar,
  String,
  Device,
  ScalarType,
  Layout,
  MemoryFormat,
  Generator,
  IntList,
  FloatList,
  ScalarList,
  BoolList,
  TensorList,
  OptTensorList,
  Unsupported,
};

struct ArgInfo {
  std::string name;
  ArgKind kind;
  bool optional;
  bool hasDefault;
  c10::IValue defaultValue;
  int32_t fixedListSize;  // int[2] accepts a single int, repeated (as Python does)
};

struct ReturnInfo {
  int32_t aliasOfArg;  // index of the argument a write-alias return is (in-place / out=), or -1
};

// Schemas with these exact C++ signatures are called unboxed (through the dispatcher's typed
// path, the same as at::add): no IValue stack, about 100 ns less per call than callBoxed. Every
// other schema goes through the boxed path.
enum class FastShape : uint8_t { None, T_T, T_TT, T_TTS };
using FnT_T = at::Tensor(const at::Tensor&);
using FnT_TT = at::Tensor(const at::Tensor&, const at::Tensor&);
using FnT_TTS = at::Tensor(const at::Tensor&, const at::Tensor&, const c10::Scalar&);

struct OpEntry {
  c10::OperatorHandle handle;
  FastShape fast = FastShape::None;
  // The typed handle for `fast` (typed() checks the signature; doing it once keeps it off the hot path).
  c10::optional<c10::TypedOperatorHandle<FnT_T>> t_t;
  c10::optional<c10::TypedOperatorHandle<FnT_TT>> t_tt;
  c10::optional<c10::TypedOperatorHandle<FnT_TTS>> t_tts;
  std::string displayName;  // "add.Tensor", used in error messages
  std::vector<ArgInfo> args;
  std::vector<ReturnInfo> returns;
};

class OpRegistry {
 public:
  // Returns the id of an operator, or throws NotImplementedError naming the op and LibTorch version.
  int32_t Lookup(const std::string& name, const std::string& overload);
  const OpEntry& Get(int32_t id) const;
  // Calls op `id` with JS arguments info[first...]; returns its result converted for JS.
  Napi::Value Call(const Napi::CallbackInfo& info, size_t first, int32_t id, HandleTable& handles);
  // "aten::add.Tensor" for every operator the running LibTorch registered (for the coverage report).
  static std::vector<std::string> AllOpNames();

 private:
  // The unboxed path for ops with a FastShape; an empty Value means "take the boxed path".
  static Napi::Value CallFast(const Napi::CallbackInfo& info, size_t first, size_t given, const OpEntry& op,
                              HandleTable& handles);
  // Marks the shared stack busy for one call and leaves it empty (capacity kept) afterwards.
  struct StackUse {
    StackUse(bool* flag, torch::jit::Stack& s) : flag(flag), stack(s) {
      if (flag != nullptr) *flag = true;
    }
    ~StackUse() {
      stack.clear();
      if (flag != nullptr) *flag = false;
    }
    bool* flag;
    torch::jit::Stack& stack;
  };
  torch::jit::Stack stack_;
  bool stackInUse_ = false;
  std::vector<OpEntry> ops_;
  std::unordered_map<std::string, int32_t> ids_;
};

// None, int (bigint beyond 2^53), float, bool, str, device, complex -> JS; an empty Value for
// anything else. The one scalar conversion for op results (ToJs) and TorchScript values (ivalue.cc).
Napi::Value ScalarToJs(Napi::Env env, const c10::IValue& v);

// IValue -> JS (tensors become new handles). Exposed for jit and other callers later.
Napi::Value ToJs(Napi::Env env, const c10::IValue& v, HandleTable& handles);

// Resolves a JS tensor handle; throws a TorchError naming the op and the argument when disposed.
const at::Tensor& TensorArg(const Napi::Value& v, HandleTable& handles, const char* op, const char* arg);

}  // namespace torchnode
