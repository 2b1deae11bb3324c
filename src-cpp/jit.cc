#include "jit.h"

#include <ATen/core/grad_mode.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/jit.h>

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "handles.h"
#include "promise_worker.h"

namespace torchnode {

namespace {

torch::jit::Module& ModuleArg(const Napi::Value& v) {
  if (!v.IsExternal()) throw JsError(ErrorKind::Type, "expected a ScriptModule");
  auto* h = v.As<Napi::External<ModuleHolder>>().Data();
  if (!h->module.has_value()) throw JsError(ErrorKind::Value, "the ScriptModule was disposed", "ERR_MODULE_DISPOSED");
  return *h->module;
}

std::string StrArg(const Napi::Value& v, const char* what) {
  if (!v.IsString()) throw JsError(ErrorKind::Type, std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

c10::optional<c10::Device> DeviceArg(const Napi::Value& v) {
  if (v.IsNull() || v.IsUndefined()) return c10::nullopt;
  return c10::Device(StrArg(v, "device"));
}

// A call ready to run anywhere: the function, its full stack, and owners that keep both alive.
struct PreparedCall {
  torch::jit::Function* fn = nullptr;
  torch::jit::Stack stack;
  c10::optional<torch::jit::Module> owner;
  std::shared_ptr<torch::jit::CompilationUnit> unit;
  bool grad = true;
};

std::string Declaration(const c10::FunctionSchema& s) {
  std::ostringstream o;
  o << s;
  return o.str();
}

PreparedCall Prepare(const Napi::Value& target, const std::string& name, const Napi::Array& args, JitContext& jit) {
  PreparedCall call;
  size_t first = 0;
  // Both holders are Externals: JS passes a compilation unit wrapped in an array to tell them apart.
  if (target.IsArray()) {
    auto* u = target.As<Napi::Array>().Get(0u).As<Napi::External<UnitHolder>>().Data();
    call.unit = u->unit;
    if (!call.unit->find_function(name)) throw JsError(ErrorKind::Value, "the compilation unit has no function '" + name + "'");
    call.fn = &call.unit->get_function(name);
  } else {
    torch::jit::Module& m = ModuleArg(target);
    auto method = m.find_method(name);
    if (!method) throw JsError(ErrorKind::Value, "ScriptModule has no method '" + name + "'");
    call.owner = m;
    call.fn = &method->function();
    call.stack.emplace_back(m._ivalue());
    first = 1;
  }
  const c10::FunctionSchema& schema = call.fn->getSchema();
  const auto& params = schema.arguments();
  size_t given = args.Length();
  if (given > params.size() - first) {
    throw JsError(ErrorKind::Type, name + "() expected at most " + std::to_string(params.size() - first) +
                                       " argument(s) but received " + std::to_string(given) +
                                       " argument(s). Declaration: " + Declaration(schema));
  }
  for (size_t i = first; i < params.size(); ++i) {
    const auto& p = params[i];
    size_t j = i - first;
    if (j < given && !args.Get(j).IsUndefined()) {
      call.stack.push_back(JsToIValue(args.Get(j), p.type(), jit.ivalues, name, p.name()));
    } else if (p.default_value()) {
      call.stack.push_back(*p.default_value());
    } else {
      throw JsError(ErrorKind::Type, name + "() is missing value for argument '" + p.name() + "'. Declaration: " + Declaration(schema));
    }
  }
  call.grad = at::GradMode::is_enabled();
  return call;
}

c10::IValue Run(PreparedCall& call) {
  at::AutoGradMode mode(call.grad);
  call.fn->run(call.stack);
  c10::IValue out = call.stack.empty() ? c10::IValue() : call.stack.back();
  call.stack.clear();
  return out;
}

class CallWorker : public PromiseWorker {
 public:
  CallWorker(Napi::Env env, PreparedCall call, JitContext& jit, const Napi::Value& cancel)
      : PromiseWorker(env, *jit.errors), call_(std::move(call)), jit_(jit) {
    // An Int32Array over shared memory: JS sets [0] = 1 to drop the call if it has not started.
    if (cancel.IsTypedArray()) {
      cancelRef_ = Napi::Persistent(cancel.As<Napi::Int32Array>());
      cancel_ = cancel.As<Napi::Int32Array>().Data();
    }
  }

 private:
  void Work() override {
    if (cancel_ != nullptr && __atomic_load_n(cancel_, __ATOMIC_ACQUIRE) != 0) {
      throw JsError(ErrorKind::Torch, "the call was aborted before it started");
    }
    result_ = Run(call_);
  }
  Napi::Value Result(Napi::Env env) override { return IValueToJs(env, result_, jit_.ivalues); }

  PreparedCall call_;
  JitContext& jit_;
  c10::IValue result_;
  Napi::Reference<Napi::Int32Array> cancelRef_;
  int32_t* cancel_ = nullptr;
};

struct LoadSource {
  std::string path;
  std::string bytes;
  bool fromBytes = false;
  c10::optional<c10::Device> device;
};

LoadSource SourceArg(const Napi::CallbackInfo& info) {
  LoadSource s;
  if (info[0].IsString()) {
    s.path = info[0].As<Napi::String>().Utf8Value();
  } else if (info[0].IsTypedArray()) {
    auto b = info[0].As<Napi::Uint8Array>();
    s.bytes.assign(reinterpret_cast<const char*>(b.Data()), b.ByteLength());
    s.fromBytes = true;
  } else {
    throw JsError(ErrorKind::Type, "torch.jit.load(): expected a path or a Uint8Array");
  }
  s.device = DeviceArg(info[1]);
  return s;
}

torch::jit::Module LoadFrom(const LoadSource& s) {
  if (s.fromBytes) {
    std::istringstream in(s.bytes);
    return torch::jit::load(in, s.device);
  }
  return torch::jit::load(s.path, s.device);
}

class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, LoadSource source, JitContext& jit) : PromiseWorker(env, *jit.errors), source_(std::move(source)) {}

 private:
  void Work() override { module_ = LoadFrom(source_); }
  Napi::Value Result(Napi::Env env) override { return NewModuleHolder(env, *module_); }

  LoadSource source_;
  c10::optional<torch::jit::Module> module_;
};

Napi::Array Pairs(Napi::Env env, const std::vector<std::pair<std::string, Napi::Value>>& items) {
  Napi::Array a = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Napi::Array kv = Napi::Array::New(env, 2);
    kv.Set(0u, items[i].first);
    kv.Set(1u, items[i].second);
    a.Set(static_cast<uint32_t>(i), kv);
  }
  return a;
}

}  // namespace

Napi::Value NewModuleHolder(Napi::Env env, torch::jit::Module m) {
  auto* h = new ModuleHolder{std::move(m)};
  return Napi::External<ModuleHolder>::New(env, h, [](Napi::Env, ModuleHolder* p) { delete p; });
}

void JitInit(const Napi::CallbackInfo& info, JitContext& jit, HandleTable& handles, const ErrorClasses& errors) {
  jit.ivalues.handles = &handles;
  jit.ivalues.wrapTensor = Napi::Persistent(info[0].As<Napi::Function>());
  jit.ivalues.wrapModule = Napi::Persistent(info[1].As<Napi::Function>());
  jit.ivalues.makeMap = Napi::Persistent(info[2].As<Napi::Function>());
  jit.errors = &errors;
}

Napi::Value JitLoad(const Napi::CallbackInfo& info, JitContext&) {
  return NewModuleHolder(info.Env(), LoadFrom(SourceArg(info)));
}

Napi::Value JitLoadAsync(const Napi::CallbackInfo& info, JitContext& jit) {
  auto* w = new LoadWorker(info.Env(), SourceArg(info), jit);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value JitCall(const Napi::CallbackInfo& info, JitContext& jit) {
  PreparedCall call = Prepare(info[0], StrArg(info[1], "method name"), info[2].As<Napi::Array>(), jit);
  return IValueToJs(info.Env(), Run(call), jit.ivalues);
}

Napi::Value JitCallAsync(const Napi::CallbackInfo& info, JitContext& jit) {
  auto* w = new CallWorker(info.Env(), Prepare(info[0], StrArg(info[1], "method name"), info[2].As<Napi::Array>(), jit), jit, info[3]);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value JitMethods(const Napi::CallbackInfo& info, JitContext&) {
  Napi::Env env = info.Env();
  std::vector<std::pair<std::string, Napi::Value>> out;
  if (info[0].IsArray()) {
    auto* u = info[0].As<Napi::Array>().Get(0u).As<Napi::External<UnitHolder>>().Data();
    for (auto* f : u->unit->get_functions()) out.emplace_back(f->name(), Napi::String::New(env, Declaration(f->getSchema())));
  } else {
    for (const auto& m : ModuleArg(info[0]).get_methods()) {
      out.emplace_back(m.name(), Napi::String::New(env, Declaration(m.function().getSchema())));
    }
  }
  return Pairs(env, out);
}

Napi::Value JitNamed(const Napi::CallbackInfo& info, JitContext& jit) {
  Napi::Env env = info.Env();
  torch::jit::Module& m = ModuleArg(info[0]);
  std::string kind = StrArg(info[1], "kind");
  bool recurse = info[2].ToBoolean().Value();
  std::vector<std::pair<std::string, Napi::Value>> out;
  // A tensor held under two names (tied weights) is listed once, as Python's named_parameters.
  std::unordered_set<const void*> seen;
  auto add = [&](const std::string& name, const at::Tensor& t) {
    if (seen.insert(t.unsafeGetTensorImpl()).second) out.emplace_back(name, IValueToJs(env, t, jit.ivalues));
  };
  if (kind == "parameters") {
    for (const auto& p : m.named_parameters(recurse)) add(p.name, p.value);
  } else if (kind == "buffers") {
    for (const auto& b : m.named_buffers(recurse)) add(b.name, b.value);
  } else {
    for (const auto& c : m.named_children()) out.emplace_back(c.name, jit.ivalues.wrapModule.Call({NewModuleHolder(env, c.value)}));
  }
  return Pairs(env, out);
}

Napi::Value JitAttr(const Napi::CallbackInfo& info, JitContext& jit) {
  torch::jit::Module& m = ModuleArg(info[0]);
  std::string name = StrArg(info[1], "attribute name");
  if (!m.hasattr(name)) throw JsError(ErrorKind::Value, "ScriptModule has no attribute '" + name + "'");
  return IValueToJs(info.Env(), m.attr(name), jit.ivalues);
}

Napi::Value JitSetAttr(const Napi::CallbackInfo& info, JitContext& jit) {
  torch::jit::Module& m = ModuleArg(info[0]);
  std::string name = StrArg(info[1], "attribute name");
  c10::TypePtr type = m.type()->findAttribute(name);
  if (!type) {
    throw JsError(ErrorKind::Value, "ScriptModule has no attribute '" + name + "' (constants and methods cannot be set)");
  }
  if (type->is_module()) throw JsError(ErrorKind::Type, "cannot replace submodule '" + name + "' from JS");
  m.setattr(name, JsToIValue(info[2], type, jit.ivalues, "setattr", name));
  return info.Env().Undefined();
}

Napi::Value JitAttrNames(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module& m = ModuleArg(info[0]);
  const auto& type = m.type();
  Napi::Array a = Napi::Array::New(info.Env(), type->numAttributes());
  for (size_t i = 0; i < type->numAttributes(); ++i) a.Set(static_cast<uint32_t>(i), type->getAttributeName(i));
  return a;
}

Napi::Value JitTrain(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module& m = ModuleArg(info[0]);
  if (info[1].IsBoolean()) m.train(info[1].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), m.is_training());
}

Napi::Value JitTo(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module& m = ModuleArg(info[0]);
  auto device = DeviceArg(info[1]);
  if (info[2].IsNumber()) {
    auto dtype = static_cast<at::ScalarType>(info[2].As<Napi::Number>().Int32Value());
    if (device) m.to(*device, dtype);
    else m.to(dtype);
  } else if (device) {
    m.to(*device);
  }
  return info.Env().Undefined();
}

Napi::Value JitSave(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module& m = ModuleArg(info[0]);
  if (info[1].IsString()) {
    m.save(info[1].As<Napi::String>().Utf8Value());
    return info.Env().Undefined();
  }
  std::ostringstream out;
  m.save(out);
  std::string s = out.str();
  return Napi::Buffer<char>::Copy(info.Env(), s.data(), s.size());
}

Napi::Value JitFreeze(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module& m = ModuleArg(info[0]);
  c10::optional<std::vector<std::string>> keep;
  if (info[1].IsArray()) {
    keep.emplace();
    Napi::Array a = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) keep->push_back(StrArg(a.Get(i), "preserved attribute"));
  }
  return NewModuleHolder(info.Env(), torch::jit::freeze(m, keep));
}

Napi::Value JitOptimizeForInference(const Napi::CallbackInfo& info, JitContext&) {
  torch::jit::Module m = ModuleArg(info[0]).clone();
  return NewModuleHolder(info.Env(), torch::jit::optimize_for_inference(m));
}

Napi::Value JitCompile(const Napi::CallbackInfo& info, JitContext&) {
  auto* h = new UnitHolder{torch::jit::compile(StrArg(info[0], "source"))};
  return Napi::External<UnitHolder>::New(info.Env(), h, [](Napi::Env, UnitHolder* p) { delete p; });
}

Napi::Value JitTypeName(const Napi::CallbackInfo& info, JitContext&) {
  const auto& name = ModuleArg(info[0]).type()->name();
  return Napi::String::New(info.Env(), name ? name->qualifiedName() : "");
}

Napi::Value JitDispose(const Napi::CallbackInfo& info, JitContext&) {
  if (info[0].IsExternal()) info[0].As<Napi::External<ModuleHolder>>().Data()->module.reset();
  return info.Env().Undefined();
}

}  // namespace torchnode
