#include "trace.h"

#include <torch/csrc/jit/frontend/tracer.h>

#include <cctype>

#include "dispatch.h"
#include "handles.h"

namespace torchnode {

namespace {

// TorchScript class names are Python identifiers; a JS class name may hold `$`.
std::string ClassName(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "Module" + out;
  return "__torch__.torchnode." + out;
}

// A torch::jit::Module mirroring the nn.Module tree JS describes. Its parameters and buffers are
// the very tensors the JS module holds, so the tracer turns each use of them into an attribute
// read of the traced module (as Python's trace does), and the two keep sharing them.
torch::jit::Module Build(const Napi::Object& spec, HandleTable& handles, const std::shared_ptr<torch::jit::CompilationUnit>& cu) {
  torch::jit::Module m(c10::QualifiedName(ClassName(spec.Get("name").As<Napi::String>().Utf8Value())), cu, /*shouldMangle=*/true);
  auto each = [&](const char* key, auto&& fn) {
    Napi::Array list = spec.Get(key).As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Array kv = list.Get(i).As<Napi::Array>();
      fn(kv.Get(0u).As<Napi::String>().Utf8Value(), kv.Get(1u));
    }
  };
  each("parameters", [&](const std::string& name, Napi::Value h) {
    m.register_parameter(name, TensorArg(h, handles, "torch.jit.trace", name.c_str()), /*is_buffer=*/false);
  });
  each("buffers", [&](const std::string& name, Napi::Value h) { m.register_buffer(name, TensorArg(h, handles, "torch.jit.trace", name.c_str())); });
  each("children", [&](const std::string& name, Napi::Value child) { m.register_module(name, Build(child.As<Napi::Object>(), handles, cu)); });
  m.train(spec.Get("training").ToBoolean().Value());
  return m;
}

// What the traced JS function returned (a handle, or an array of them for a tuple) as the
// tracer's output stack.
c10::IValue Output(const Napi::Value& v, HandleTable& handles) {
  if (v.IsArray()) {
    Napi::Array a = v.As<Napi::Array>();
    std::vector<c10::IValue> items;
    for (uint32_t i = 0; i < a.Length(); ++i) items.push_back(Output(a.Get(i), handles));
    return c10::ivalue::Tuple::create(std::move(items));
  }
  return TensorArg(v, handles, "torch.jit.trace", "the traced function's result");
}

}  // namespace

Napi::Value JitTrace(const Napi::CallbackInfo& info, JitContext& jit) {
  Napi::Env env = info.Env();
  HandleTable& handles = *jit.ivalues.handles;
  // A module tree to build, or a traced module that gets one more method.
  torch::jit::Module self;
  if (info[0].IsExternal()) {
    auto* holder = info[0].As<Napi::External<ModuleHolder>>().Data();
    if (!holder->module.has_value()) throw JsError(ErrorKind::Value, "the ScriptModule was disposed", "ERR_MODULE_DISPOSED");
    self = *holder->module;
  } else {
    self = Build(info[0].As<Napi::Object>(), handles, std::make_shared<torch::jit::CompilationUnit>());
  }
  std::string methodName = info[5].IsString() ? info[5].As<Napi::String>().Utf8Value() : "forward";
  if (self.find_method(methodName).has_value()) throw JsError(ErrorKind::Value, "torch.jit.trace: the module already has a method '" + methodName + "'");
  Napi::Array inputArray = info[1].As<Napi::Array>();
  torch::jit::Stack inputs;
  for (uint32_t i = 0; i < inputArray.Length(); ++i) inputs.emplace_back(TensorArg(inputArray.Get(i), handles, "torch.jit.trace", "example input"));
  Napi::Function fn = info[2].As<Napi::Function>();
  bool strict = info[3].ToBoolean().Value();
  std::vector<std::string> names;  // the inputs' names in the graph (else argument_1 ...)
  if (info[4].IsArray()) {
    Napi::Array a = info[4].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) names.push_back(a.Get(i).As<Napi::String>().Utf8Value());
  }

  // The tracer records every op the dispatcher runs on this thread while `traced` runs: the JS
  // function, given the inputs the tracer registered, runs torchnode's ops as usual.
  auto traced = [&](torch::jit::Stack in) -> torch::jit::Stack {
    Napi::Array args = Napi::Array::New(env, in.size());
    for (size_t i = 0; i < in.size(); ++i) args.Set(static_cast<uint32_t>(i), Napi::Number::New(env, handles.Add(in[i].toTensor())));
    Napi::Value out = fn.Call({args});  // a JS exception arrives as Napi::Error; the tracer abandons
    return {Output(out, handles)};
  };
  auto result = torch::jit::tracer::trace(std::move(inputs), traced, [](const at::Tensor&) { return std::string(); }, strict, /*force_outplace=*/false, &self, names);
  auto method = self._ivalue()->compilation_unit()->create_function(c10::QualifiedName(*self.type()->name(), methodName), result.first->graph);
  self.type()->addMethod(method);
  return NewModuleHolder(env, self);
}

}  // namespace torchnode
