#include "ivalue.h"

#include "jit.h"

#include <cmath>

#include "dispatch.h"
#include "errors.h"
#include "handles.h"

namespace torchnode {

namespace {

std::string JsTypeName(const Napi::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsUndefined()) return "undefined";
  if (v.IsBoolean()) return "boolean";
  if (v.IsNumber()) return "number";
  if (v.IsBigInt()) return "bigint";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "Array";
  if (v.IsObject()) {
    Napi::Object o = v.As<Napi::Object>();
    if (o.Has("_h")) return "Tensor";
    Napi::Value ctor = o.Get("constructor");
    if (ctor.IsFunction()) return ctor.As<Napi::Function>().Get("name").ToString().Utf8Value();
    return "Object";
  }
  return "value";
}

[[noreturn]] void Mismatch(const Napi::Value& v, const c10::TypePtr& type, const std::string& fn, const std::string& arg) {
  throw JsError(ErrorKind::Type, fn + "() Expected a value of type '" + type->annotation_str() + "' for argument '" + arg +
                                     "' but instead found type '" + JsTypeName(v) + "'.");
}

bool IsTensorObject(const Napi::Value& v) { return v.IsObject() && !v.IsArray() && v.As<Napi::Object>().Has("_h"); }

at::Tensor TensorOf(const Napi::Value& v, IValueContext& ctx, const std::string& fn, const std::string& arg) {
  Napi::Value h = v.As<Napi::Object>().Get("_h");
  const at::Tensor* t = h.IsNumber() ? ctx.handles->Get(h.As<Napi::Number>().Int64Value()) : nullptr;
  if (t == nullptr) throw JsError(ErrorKind::Type, fn + "(): argument '" + arg + "' is a disposed tensor", "ERR_TENSOR_DISPOSED");
  return *t;
}

int64_t IntOf(const Napi::Value& v, const c10::TypePtr& type, const std::string& fn, const std::string& arg) {
  if (v.IsBigInt()) {
    bool lossless = false;
    int64_t x = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw JsError(ErrorKind::Value, fn + "(): argument '" + arg + "' does not fit in int64");
    return x;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::trunc(d) != d || std::abs(d) > 9007199254740991.0) Mismatch(v, type, fn, arg);
    return static_cast<int64_t>(d);
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  Mismatch(v, type, fn, arg);
}

c10::IValue Infer(const Napi::Value& v, IValueContext& ctx, const std::string& fn, const std::string& arg) {
  if (v.IsNull() || v.IsUndefined()) return c10::IValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsBigInt()) return IntOf(v, c10::IntType::get(), fn, arg);
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::trunc(d) == d && std::abs(d) <= 9007199254740991.0) return static_cast<int64_t>(d);
    return d;
  }
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (IsTensorObject(v)) return TensorOf(v, ctx, fn, arg);
  throw JsError(ErrorKind::Type, fn + "(): cannot pass a " + JsTypeName(v) + " as 'Any' for argument '" + arg + "'");
}

}  // namespace

c10::IValue JsToIValue(const Napi::Value& v, const c10::TypePtr& type, IValueContext& ctx, const std::string& fn,
                       const std::string& arg) {
  using K = c10::TypeKind;
  switch (type->kind()) {
    case K::TensorType:
      if (!IsTensorObject(v)) Mismatch(v, type, fn, arg);
      return TensorOf(v, ctx, fn, arg);
    case K::IntType:
      return IntOf(v, type, fn, arg);
    case K::FloatType:
      if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
      if (v.IsBigInt()) return static_cast<double>(IntOf(v, type, fn, arg));
      Mismatch(v, type, fn, arg);
    case K::NumberType:
      if (v.IsNumber() || v.IsBigInt()) return Infer(v, ctx, fn, arg);
      Mismatch(v, type, fn, arg);
    case K::BoolType:
      if (!v.IsBoolean()) Mismatch(v, type, fn, arg);
      return v.As<Napi::Boolean>().Value();
    case K::StringType:
      if (!v.IsString()) Mismatch(v, type, fn, arg);
      return v.As<Napi::String>().Utf8Value();
    case K::NoneType:
      if (!v.IsNull() && !v.IsUndefined()) Mismatch(v, type, fn, arg);
      return c10::IValue();
    case K::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return JsToIValue(v, type->expectRef<c10::OptionalType>().getElementType(), ctx, fn, arg);
    case K::UnionType: {
      for (const auto& t : type->expectRef<c10::UnionType>().containedTypes()) {
        try {
          return JsToIValue(v, t, ctx, fn, arg);
        } catch (const JsError&) {
        }
      }
      Mismatch(v, type, fn, arg);
    }
    case K::ListType: {
      if (!v.IsArray()) Mismatch(v, type, fn, arg);
      const auto& elem = type->expectRef<c10::ListType>().getElementType();
      c10::impl::GenericList list(elem);
      Napi::Array a = v.As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); ++i) list.push_back(JsToIValue(a.Get(i), elem, ctx, fn, arg + "[" + std::to_string(i) + "]"));
      return list;
    }
    case K::TupleType: {
      const auto& elems = type->expectRef<c10::TupleType>().elements();
      if (!v.IsArray() || v.As<Napi::Array>().Length() != elems.size()) Mismatch(v, type, fn, arg);
      Napi::Array a = v.As<Napi::Array>();
      std::vector<c10::IValue> items;
      for (uint32_t i = 0; i < elems.size(); ++i) items.push_back(JsToIValue(a.Get(i), elems[i], ctx, fn, arg + "[" + std::to_string(i) + "]"));
      return c10::ivalue::Tuple::create(std::move(items));
    }
    case K::DictType: {
      const auto& dt = type->expectRef<c10::DictType>();
      if (!v.IsObject() || v.IsArray() || IsTensorObject(v)) Mismatch(v, type, fn, arg);
      c10::impl::GenericDict dict(dt.getKeyType(), dt.getValueType());
      Napi::Object o = v.As<Napi::Object>();
      Napi::Env env = v.Env();
      // Not instanceof: a Map from another realm (a vm context) must count too.
      Napi::Function toString = env.Global().Get("Object").As<Napi::Object>().Get("prototype").As<Napi::Object>().Get("toString").As<Napi::Function>();
      bool isMap = toString.Call(o, {}).As<Napi::String>().Utf8Value() == "[object Map]";
      auto put = [&](const Napi::Value& k, const Napi::Value& val) {
        c10::IValue key;
        if (dt.getKeyType()->kind() == K::IntType && k.IsString()) {
          // plain-object keys are strings: take "3" as the int 3
          std::string s = k.As<Napi::String>().Utf8Value();
          char* end = nullptr;
          long long x = std::strtoll(s.c_str(), &end, 10);
          if (s.empty() || *end != '\0') Mismatch(k, dt.getKeyType(), fn, arg + " key");
          key = static_cast<int64_t>(x);
        } else {
          key = JsToIValue(k, dt.getKeyType(), ctx, fn, arg + " key");
        }
        dict.insert_or_assign(key, JsToIValue(val, dt.getValueType(), ctx, fn, arg + "[" + k.ToString().Utf8Value() + "]"));
      };
      if (isMap) {
        Napi::Array entries = env.Global().Get("Array").As<Napi::Object>().Get("from").As<Napi::Function>().Call({o}).As<Napi::Array>();
        for (uint32_t i = 0; i < entries.Length(); ++i) {
          Napi::Array kv = entries.Get(i).As<Napi::Array>();
          put(kv.Get(0u), kv.Get(1u));
        }
      } else {
        Napi::Array keys = o.GetPropertyNames();
        for (uint32_t i = 0; i < keys.Length(); ++i) put(keys.Get(i), o.Get(keys.Get(i)));
      }
      return dict;
    }
    case K::DeviceObjType:
      if (!v.IsString()) Mismatch(v, type, fn, arg);
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case K::AnyType:
      return Infer(v, ctx, fn, arg);
    default:
      throw JsError(ErrorKind::NotImplemented,
                    fn + "(): argument '" + arg + "' has TorchScript type '" + type->annotation_str() + "', which torchnode cannot pass from JS");
  }
}

Napi::Value IValueToJs(Napi::Env env, const c10::IValue& v, IValueContext& ctx) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    return ctx.wrapTensor.Call({Napi::Number::New(env, ctx.handles->Add(t))});
  }
  Napi::Value scalar = ScalarToJs(env, v);
  if (!scalar.IsEmpty()) return scalar;
  if (v.isList()) {
    auto list = v.toListRef();
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(static_cast<uint32_t>(i), IValueToJs(env, list[i], ctx));
    return a;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    Napi::Array a = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) a.Set(static_cast<uint32_t>(i), IValueToJs(env, elems[i], ctx));
    return a;
  }
  if (v.isGenericDict()) {
    auto dict = v.toGenericDict();
    bool stringKeys = dict.keyType()->kind() == c10::TypeKind::StringType;
    if (stringKeys) {
      Napi::Object o = Napi::Object::New(env);
      Napi::Function define = env.Global().Get("Object").As<Napi::Object>().Get("defineProperty").As<Napi::Function>();
      for (const auto& kv : dict) {
        Napi::Object desc = Napi::Object::New(env);
        desc.Set("value", IValueToJs(env, kv.value(), ctx));
        desc.Set("enumerable", true);
        desc.Set("writable", true);
        desc.Set("configurable", true);
        define.Call({o, Napi::String::New(env, kv.key().toStringRef()), desc});
      }
      return o;
    }
    Napi::Array entries = Napi::Array::New(env, dict.size());
    uint32_t i = 0;
    for (const auto& kv : dict) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, IValueToJs(env, kv.key(), ctx));
      pair.Set(1u, IValueToJs(env, kv.value(), ctx));
      entries.Set(i++, pair);
    }
    return ctx.makeMap.Call({entries});
  }
  if (v.isObject() && v.toObjectRef().type()->is_module()) {
    return ctx.wrapModule.Call({NewModuleHolder(env, torch::jit::Module(v.toObject()))});
  }
  throw JsError(ErrorKind::NotImplemented, std::string("cannot convert a TorchScript value of type '") + v.type()->annotation_str() + "' to JS");
}

}  // namespace torchnode
