#include "dispatch.h"

#include <ATen/core/function_schema.h>
#include <ATen/ScalarOps.h>
#include <ATen/core/jit_type.h>
#include <torch/version.h>

#include <cmath>

#include "errors.h"
#include "handles.h"

namespace torchnode {

namespace {

constexpr double kMaxSafeInt = 9007199254740991.0;

ArgKind KindOf(const c10::TypePtr& type, const c10::TypePtr& real, bool* optional) {
  c10::TypePtr t = type;
  c10::TypePtr r = real;
  *optional = false;
  if (t->kind() == c10::TypeKind::OptionalType) {
    *optional = true;
    t = t->expectRef<c10::OptionalType>().getElementType();
    if (r->kind() == c10::TypeKind::OptionalType) r = r->expectRef<c10::OptionalType>().getElementType();
  }
  switch (r->kind()) {
    case c10::TypeKind::ScalarTypeType: return ArgKind::ScalarType;
    case c10::TypeKind::LayoutType: return ArgKind::Layout;
    case c10::TypeKind::MemoryFormatType: return ArgKind::MemoryFormat;
    default: break;
  }
  switch (t->kind()) {
    case c10::TypeKind::TensorType: return ArgKind::Tensor;
    case c10::TypeKind::IntType: return ArgKind::Int;
    case c10::TypeKind::SymIntType: return ArgKind::Int;
    case c10::TypeKind::FloatType: return ArgKind::Float;
    case c10::TypeKind::BoolType: return ArgKind::Bool;
    case c10::TypeKind::NumberType: return ArgKind::Scalar;
    case c10::TypeKind::StringType: return ArgKind::String;
    case c10::TypeKind::DeviceObjType: return ArgKind::Device;
    case c10::TypeKind::GeneratorType: return ArgKind::Generator;
    case c10::TypeKind::ListType: {
      auto elem = t->expectRef<c10::ListType>().getElementType();
      switch (elem->kind()) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: return ArgKind::IntList;
        case c10::TypeKind::FloatType: return ArgKind::FloatList;
        case c10::TypeKind::NumberType: return ArgKind::ScalarList;
        case c10::TypeKind::BoolType: return ArgKind::BoolList;
        case c10::TypeKind::TensorType: return ArgKind::TensorList;
        case c10::TypeKind::OptionalType:
          if (elem->expectRef<c10::OptionalType>().getElementType()->kind() == c10::TypeKind::TensorType)
            return ArgKind::OptTensorList;
          return ArgKind::Unsupported;
        default: return ArgKind::Unsupported;
      }
    }
    default: return ArgKind::Unsupported;
  }
}

[[noreturn]] void BadArg(const OpEntry& op, const ArgInfo& arg, const char* expected) {
  throw JsError(ErrorKind::Type, op.displayName + "(): argument '" + arg.name + "' must be " + expected);
}

int64_t ToInt(const Napi::Value& v, const OpEntry& op, const ArgInfo& arg) {
  napi_valuetype type = v.Type();
  if (type == napi_number) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::trunc(d) != d || std::fabs(d) > kMaxSafeInt) BadArg(op, arg, "an integer");
    return static_cast<int64_t>(d);
  }
  if (type == napi_bigint) {
    bool lossless = true;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) BadArg(op, arg, "an integer that fits in int64");
    return i;
  }
  if (type == napi_boolean) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  BadArg(op, arg, "an integer");
}

// A JS number is an int Scalar when it holds an integer, else a float Scalar: JS cannot tell
// 2 from 2.0, so `intTensor.add(2.0)` stays int64 (documented in the README).
c10::Scalar ToScalar(const Napi::Value& v, const OpEntry& op, const ArgInfo& arg) {
  napi_valuetype type = v.Type();
  if (type == napi_number) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::trunc(d) == d && std::fabs(d) <= kMaxSafeInt) return c10::Scalar(static_cast<int64_t>(d));
    return c10::Scalar(d);
  }
  if (type == napi_boolean) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (type == napi_bigint) return c10::Scalar(ToInt(v, op, arg));
  BadArg(op, arg, "a number, bigint or boolean");
}

std::vector<int64_t> ToIntList(const Napi::Value& v, const OpEntry& op, const ArgInfo& arg) {
  std::vector<int64_t> out;
  if (v.IsArray()) {
    Napi::Array a = v.As<Napi::Array>();
    uint32_t n = a.Length();
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) out.push_back(ToInt(a.Get(i), op, arg));
    return out;
  }
  if (v.IsNumber() || v.IsBigInt()) {
    // int[N] takes one int for all N (Python's `stride=2`); plain int[] takes it as [x].
    int64_t x = ToInt(v, op, arg);
    out.assign(arg.fixedListSize > 0 ? arg.fixedListSize : 1, x);
    return out;
  }
  BadArg(op, arg, "an array of integers");
}

// Python passes a number where a Tensor is expected as a 0-d "wrapped number" tensor, which
// type promotion treats like a scalar; doing the same gives Python's dtypes and grad_fn names.
at::Tensor WrappedNumber(const c10::Scalar& s) {
  at::Tensor t = c10::scalar_to_tensor(s);
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

c10::IValue ToIValue(const Napi::Value& v, const OpEntry& op, const ArgInfo& arg, HandleTable& handles) {
  switch (arg.kind) {
    case ArgKind::Tensor: {
      // A number here is a handle (one napi call on the hot path); a scalar for a Tensor slot
      // comes boxed as [value].
      int32_t h;
      if (napi_get_value_int32(v.Env(), v, &h) == napi_ok) {
        const at::Tensor* t = handles.Get(h);
        if (t != nullptr) return *t;
      }
      if (v.IsArray()) return WrappedNumber(ToScalar(v.As<Napi::Array>().Get(0u), op, arg));
      return TensorArg(v, handles, op.displayName.c_str(), arg.name.c_str());
    }
    case ArgKind::Int: return ToInt(v, op, arg);
    case ArgKind::Float:
      if (!v.IsNumber()) BadArg(op, arg, "a number");
      return v.As<Napi::Number>().DoubleValue();
    case ArgKind::Bool:
      if (!v.IsBoolean()) BadArg(op, arg, "a boolean");
      return v.As<Napi::Boolean>().Value();
    case ArgKind::Scalar: return ToScalar(v, op, arg);
    case ArgKind::String:
      if (!v.IsString()) BadArg(op, arg, "a string");
      return v.As<Napi::String>().Utf8Value();
    case ArgKind::Device:
      if (!v.IsString()) BadArg(op, arg, "a device string such as 'cpu' or 'cuda:0'");
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case ArgKind::ScalarType:
    case ArgKind::Layout:
    case ArgKind::MemoryFormat:
      // Enum codes come from the TS tables (dtype.ts), which mirror c10's values.
      if (!v.IsNumber()) BadArg(op, arg, "an enum code");
      return static_cast<int64_t>(v.As<Napi::Number>().Int32Value());
    case ArgKind::Generator: {
      int32_t g;
      if (napi_get_value_int32(v.Env(), v, &g) == napi_ok) {
        const at::Generator* gen = handles.GetGenerator(g);
        if (gen != nullptr) return *gen;
      }
      BadArg(op, arg, "a torch.Generator that is not disposed");
    }
    case ArgKind::IntList: return ToIntList(v, op, arg);
    case ArgKind::FloatList: {
      if (!v.IsArray()) BadArg(op, arg, "an array of numbers");
      Napi::Array a = v.As<Napi::Array>();
      std::vector<double> out(a.Length());
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (!e.IsNumber()) BadArg(op, arg, "an array of numbers");
        out[i] = e.As<Napi::Number>().DoubleValue();
      }
      return out;
    }
    case ArgKind::ScalarList: {
      // Scalar[]: a generic list of numbers; kernels read each element as a Scalar.
      if (!v.IsArray()) BadArg(op, arg, "an array of numbers");
      Napi::Array a = v.As<Napi::Array>();
      c10::impl::GenericList out(c10::NumberType::get());
      out.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); ++i) {
        c10::Scalar s = ToScalar(a.Get(i), op, arg);
        if (s.isIntegral(false)) out.push_back(s.toLong());
        else if (s.isBoolean()) out.push_back(s.toBool());
        else out.push_back(s.toDouble());
      }
      return out;
    }
    case ArgKind::BoolList: {
      if (!v.IsArray()) BadArg(op, arg, "an array of booleans");
      Napi::Array a = v.As<Napi::Array>();
      c10::List<bool> out;
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (!e.IsBoolean()) BadArg(op, arg, "an array of booleans");
        out.push_back(e.As<Napi::Boolean>().Value());
      }
      return out;
    }
    case ArgKind::TensorList: {
      if (!v.IsArray()) BadArg(op, arg, "an array of tensors");
      Napi::Array a = v.As<Napi::Array>();
      std::vector<at::Tensor> out;
      out.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); ++i)
        out.push_back(TensorArg(a.Get(i), handles, op.displayName.c_str(), arg.name.c_str()));
      return out;
    }
    case ArgKind::OptTensorList: {
      if (!v.IsArray()) BadArg(op, arg, "an array of tensors or nulls");
      Napi::Array a = v.As<Napi::Array>();
      c10::List<c10::optional<at::Tensor>> out;
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (e.IsNull() || e.IsUndefined()) out.push_back(c10::nullopt);
        else out.push_back(TensorArg(e, handles, op.displayName.c_str(), arg.name.c_str()));
      }
      return out;
    }
    case ArgKind::Unsupported: break;
  }
  BadArg(op, arg, "of a type torchnode cannot pass yet");
}

// The fast shape of an op: plain Tensor arguments (then at most one Scalar), one Tensor result
// that aliases nothing written. typed() checks the C++ signature against the kernel's; an op
// whose kernel disagrees stays on the boxed path.
FastShape FastShapeOf(OpEntry& e) {
  if (e.returns.size() != 1 || e.returns[0].aliasOfArg >= 0) return FastShape::None;
  const auto& schema = e.handle.schema();
  if (schema.returns()[0].type()->kind() != c10::TypeKind::TensorType || schema.is_mutable()) return FastShape::None;
  auto plainTensor = [&](size_t i) { return e.args[i].kind == ArgKind::Tensor && !e.args[i].optional; };
  try {
    if (e.args.size() == 1 && plainTensor(0)) {
      e.t_t = e.handle.typed<FnT_T>();
      return FastShape::T_T;
    }
    if (e.args.size() == 2 && plainTensor(0) && plainTensor(1)) {
      e.t_tt = e.handle.typed<FnT_TT>();
      return FastShape::T_TT;
    }
    if (e.args.size() == 3 && plainTensor(0) && plainTensor(1) && e.args[2].kind == ArgKind::Scalar &&
        !e.args[2].optional) {
      e.t_tts = e.handle.typed<FnT_TTS>();
      return FastShape::T_TTS;
    }
  } catch (const std::exception&) {
    // Kernel registered with another C++ signature: keep the boxed path.
  }
  return FastShape::None;
}

// A tensor handle passed as a plain number, or null when the argument is anything else (a
// wrapped-number array, a disposed handle): the caller then takes the boxed path, which reports.
const at::Tensor* PlainTensor(napi_env env, napi_value v, HandleTable& handles) {
  int32_t h;
  if (napi_get_value_int32(env, v, &h) != napi_ok) return nullptr;
  return handles.Get(h);
}

}  // namespace

const at::Tensor& TensorArg(const Napi::Value& v, HandleTable& handles, const char* op, const char* arg) {
  if (v.IsNumber()) {
    const at::Tensor* t = handles.Get(v.As<Napi::Number>().Int32Value());
    if (t != nullptr) return *t;
    throw JsError(ErrorKind::Torch,
                  std::string(op) + "(): argument '" + arg + "' is a tensor that was disposed",
                  "ERR_TENSOR_DISPOSED");
  }
  throw JsError(ErrorKind::Type, std::string(op) + "(): argument '" + arg + "' must be a Tensor");
}

std::vector<std::string> OpRegistry::AllOpNames() {
  std::vector<std::string> out;
  for (const auto& n : c10::Dispatcher::singleton().getAllOpNames()) {
    out.push_back(n.overload_name.empty() ? n.name : n.name + "." + n.overload_name);
  }
  return out;
}

int32_t OpRegistry::Lookup(const std::string& name, const std::string& overload) {
  std::string key = name + "." + overload;
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) {
    throw JsError(ErrorKind::NotImplemented, "operator " + (overload.empty() ? name : key) +
                                                 " is not available in the running LibTorch " TORCH_VERSION);
  }
  const c10::FunctionSchema& schema = handle->schema();
  OpEntry entry{*handle, FastShape::None, c10::nullopt, c10::nullopt, c10::nullopt,
                name.substr(name.find("::") == std::string::npos ? 0 : name.find("::") + 2) +
                    (overload.empty() ? "" : "." + overload),
                {}, {}};
  for (const auto& a : schema.arguments()) {
    ArgInfo info;
    info.name = a.name();
    info.kind = KindOf(a.type(), a.real_type(), &info.optional);
    info.hasDefault = a.default_value().has_value();
    if (info.hasDefault) info.defaultValue = *a.default_value();
    info.fixedListSize = a.N() ? static_cast<int32_t>(*a.N()) : 0;
    entry.args.push_back(std::move(info));
  }
  for (const auto& r : schema.returns()) {
    ReturnInfo ri{-1};
    if (r.alias_info() != nullptr && r.alias_info()->isWrite()) {
      const auto& rsets = r.alias_info()->afterSets();
      for (size_t i = 0; i < schema.arguments().size(); ++i) {
        const auto* ai = schema.arguments()[i].alias_info();
        if (ai != nullptr && ai->isWrite() && ai->afterSets() == rsets) {
          ri.aliasOfArg = static_cast<int32_t>(i);
          break;
        }
      }
    }
    entry.returns.push_back(ri);
  }
  entry.fast = FastShapeOf(entry);
  int32_t id = static_cast<int32_t>(ops_.size());
  ops_.push_back(std::move(entry));
  ids_.emplace(std::move(key), id);
  return id;
}

const OpEntry& OpRegistry::Get(int32_t id) const {
  if (id < 0 || id >= static_cast<int32_t>(ops_.size())) throw JsError(ErrorKind::Value, "unknown operator id");
  return ops_[id];
}

Napi::Value OpRegistry::Call(const Napi::CallbackInfo& info, size_t first, int32_t id, HandleTable& handles) {
  const OpEntry& op = Get(id);
  const size_t given = info.Length() - first;
  if (given > op.args.size()) {
    throw JsError(ErrorKind::Type, op.displayName + "() takes " + std::to_string(op.args.size()) +
                                       " arguments but " + std::to_string(given) + " were given");
  }
  if (op.fast != FastShape::None) {
    Napi::Value r = CallFast(info, first, given, op, handles);
    if (!r.IsEmpty()) return r;
  }
  // One stack reused across calls saves an allocation per op; a re-entrant call (a JS hook run
  // from inside an op) gets its own.
  torch::jit::Stack local;
  const bool shared = !stackInUse_;
  torch::jit::Stack& stack = shared ? stack_ : local;
  StackUse use(shared ? &stackInUse_ : nullptr, stack);
  stack.reserve(op.args.size());
  for (size_t i = 0; i < op.args.size(); ++i) {
    const ArgInfo& arg = op.args[i];
    Napi::Value v = i < given ? info[first + i] : info.Env().Undefined();
    napi_valuetype t = v.Type();
    if (t == napi_undefined || (t == napi_null && arg.optional)) {
      if (arg.hasDefault) stack.push_back(arg.defaultValue);
      else if (arg.optional) stack.emplace_back();
      else throw JsError(ErrorKind::Type, op.displayName + "(): missing required argument '" + arg.name + "'");
      continue;
    }
    stack.push_back(ToIValue(v, op, arg, handles));
  }
  op.handle.callBoxed(stack);

  Napi::Env env = info.Env();
  const size_t nret = op.returns.size();
  auto one = [&](size_t r) -> Napi::Value {
    int32_t alias = op.returns[r].aliasOfArg;
    // In-place and out= results are an argument itself: hand back the caller's handle.
    if (alias >= 0 && static_cast<size_t>(alias) < given) return info[first + alias];
    return ToJs(env, stack[r], handles);
  };
  if (nret == 0) return env.Undefined();
  if (nret == 1) {
    if (op.returns[0].aliasOfArg < 0 && stack[0].isTensor() && stack[0].toTensor().defined()) {
      return Napi::Number::New(env, handles.Add(std::move(stack[0]).toTensor()));
    }
    return one(0);
  }
  Napi::Array out = Napi::Array::New(env, nret);
  for (size_t r = 0; r < nret; ++r) out.Set(static_cast<uint32_t>(r), one(r));
  return out;
}

Napi::Value OpRegistry::CallFast(const Napi::CallbackInfo& info, size_t first, size_t given, const OpEntry& op,
                                  HandleTable& handles) {
  napi_env env = info.Env();
  auto tensorAt = [&](size_t i) -> const at::Tensor* {
    return i < given ? PlainTensor(env, info[first + i], handles) : nullptr;
  };
  at::Tensor r;
  switch (op.fast) {
    case FastShape::T_T: {
      const at::Tensor* a = tensorAt(0);
      if (a == nullptr) return Napi::Value();
      r = op.t_t->call(*a);
      break;
    }
    case FastShape::T_TT: {
      const at::Tensor* a = tensorAt(0);
      const at::Tensor* b = tensorAt(1);
      if (a == nullptr || b == nullptr) return Napi::Value();
      r = op.t_tt->call(*a, *b);
      break;
    }
    case FastShape::T_TTS: {
      const at::Tensor* a = tensorAt(0);
      const at::Tensor* b = tensorAt(1);
      if (a == nullptr || b == nullptr) return Napi::Value();
      // Only the schema's default Scalar (alpha=1) on this path; an explicit one goes boxed.
      if (given > 2 && !info[first + 2].IsUndefined()) return Napi::Value();
      if (!op.args[2].hasDefault) return Napi::Value();
      r = op.t_tts->call(*a, *b, op.args[2].defaultValue.toScalar());
      break;
    }
    case FastShape::None: return Napi::Value();
  }
  return Napi::Number::New(env, handles.Add(std::move(r)));
}

Napi::Value ScalarToJs(Napi::Env env, const c10::IValue& v) {
  if (v.isNone()) return env.Null();
  if (v.isInt()) {
    int64_t i = v.toInt();
    if (std::fabs(static_cast<double>(i)) <= kMaxSafeInt) return Napi::Number::New(env, static_cast<double>(i));
    return Napi::BigInt::New(env, i);
  }
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  if (v.isComplexDouble()) {
    auto c = v.toComplexDouble();
    Napi::Object o = Napi::Object::New(env);
    o.Set("real", c.real());
    o.Set("imag", c.imag());
    return o;
  }
  return Napi::Value();
}

Napi::Value ToJs(Napi::Env env, const c10::IValue& v, HandleTable& handles) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    return Napi::Number::New(env, handles.Add(t));
  }
  Napi::Value scalar = ScalarToJs(env, v);
  if (!scalar.IsEmpty()) return scalar;
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(static_cast<uint32_t>(i), ToJs(env, list.get(i), handles));
    return a;
  }
  if (v.isList()) {
    auto list = v.toListRef();
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(static_cast<uint32_t>(i), ToJs(env, list[i], handles));
    return a;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    Napi::Array a = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) a.Set(static_cast<uint32_t>(i), ToJs(env, elems[i], handles));
    return a;
  }
  throw JsError(ErrorKind::NotImplemented, std::string("cannot return a value of type ") + v.tagKind() + " to JS yet");
}

}  // namespace torchnode
