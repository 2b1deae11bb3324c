#include "js_autograd.h"

#include <torch/csrc/autograd/custom_function.h>

#include "dispatch.h"
#include "errors.h"
#include "handles.h"

namespace torchnode {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

// Owns one JS callback id on the native side; when the last owner goes (the graph node is
// freed, the hook removed or its tensor freed) the id is queued for JS to forget.
struct Callback : torch::CustomClassHolder {
  Callback(JsAutograd* js, int64_t id, std::string name)
      : js(js), id(id), name(std::move(name)), released(js->released) {}
  ~Callback() override {
    std::lock_guard<std::mutex> lock(released->mu);
    released->ids.push_back(id);
  }
  JsAutograd* js;
  int64_t id;
  std::string name;
  std::shared_ptr<ReleaseQueue> released;
};

void CheckThread(const Callback& cb, const char* what) {
  if (std::this_thread::get_id() != cb.js->thread) {
    TORCH_CHECK(false, what, " '", cb.name,
                "' is written in JS and can only run when backward() runs on the JS thread, which LibTorch does "
                "for CPU graphs; this one was reached on an autograd device thread");
  }
}

Napi::Array Handles(Napi::Env env, HandleTable& handles, const std::vector<at::Tensor>& ts) {
  Napi::Array a = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].defined()) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, handles.Add(ts[i])));
    else a.Set(static_cast<uint32_t>(i), env.Null());
  }
  return a;
}

// Calls the JS dispatcher and takes what it stashed.
std::vector<std::vector<at::Tensor>> Dispatch(JsAutograd& js, std::initializer_list<napi_value> args) {
  js.stash.clear();
  js.dispatch.Call(args);  // a JS exception becomes a Napi::Error here and unwinds to the caller
  auto out = std::move(js.stash);
  js.stash.clear();
  return out;
}

}  // namespace

struct JsFunction : torch::autograd::Function<JsFunction> {
  static variable_list forward(AutogradContext* ctx, at::TensorList inputs, c10::intrusive_ptr<Callback> cb) {
    JsAutograd& js = *cb->js;
    Napi::Env env = js.dispatch.Env();
    ctx->saved_data["js"] = c10::IValue::make_capsule(cb);
    auto got = Dispatch(js, {Napi::String::New(env, "forward"), Napi::Number::New(env, static_cast<double>(cb->id))});
    if (got.size() != 4) throw JsError(ErrorKind::Torch, "custom Function '" + cb->name + "': forward returned nothing");
    if (!got[1].empty()) ctx->save_for_backward(got[1]);
    if (!got[2].empty()) ctx->mark_non_differentiable(got[2]);
    if (!got[3].empty()) ctx->mark_dirty(got[3]);
    for (const auto& t : got[0]) {
      if (!t.defined()) throw JsError(ErrorKind::Type, "custom Function '" + cb->name + "': forward must return tensors");
    }
    (void)inputs;
    return got[0];
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto cb = c10::static_intrusive_pointer_cast<Callback>(ctx->saved_data["js"].toCapsule());
    CheckThread(*cb, "custom Function");
    JsAutograd& js = *cb->js;
    Napi::Env env = js.dispatch.Env();
    auto saved = ctx->get_saved_variables();
    auto got = Dispatch(js, {Napi::String::New(env, "backward"), Napi::Number::New(env, static_cast<double>(cb->id)),
                             Handles(env, *js.handles, grads), Handles(env, *js.handles, saved)});
    if (got.size() != 1) throw JsError(ErrorKind::Torch, "custom Function '" + cb->name + "': backward returned nothing");
    variable_list out = std::move(got[0]);
    out.emplace_back();  // the callback argument of forward has no gradient
    return out;
  }
};

std::string JsFunctionName(const torch::autograd::Node& fn) {
  auto* node = dynamic_cast<const torch::autograd::CppNode<JsFunction>*>(&fn);
  if (node == nullptr) return "";
  auto it = node->ctx_.saved_data.find("js");
  if (it == node->ctx_.saved_data.end()) return "";
  return c10::static_intrusive_pointer_cast<Callback>(it->second.toCapsule())->name;
}

void AutogradInit(const Napi::CallbackInfo& info, JsAutograd& js, HandleTable& handles) {
  js.dispatch = Napi::Persistent(info[0].As<Napi::Function>());
  js.handles = &handles;
  js.thread = std::this_thread::get_id();
}

void AutogradStash(const Napi::CallbackInfo& info, JsAutograd& js) {
  js.stash.clear();
  for (size_t i = 0; i < info.Length(); ++i) {
    std::vector<at::Tensor> list;
    if (info[i].IsArray()) {
      Napi::Array a = info[i].As<Napi::Array>();
      for (uint32_t j = 0; j < a.Length(); ++j) {
        Napi::Value v = a.Get(j);
        if (v.IsNull() || v.IsUndefined()) list.emplace_back();
        else list.push_back(TensorArg(v, *js.handles, "autograd.Function", "result"));
      }
    }
    js.stash.push_back(std::move(list));
  }
}

Napi::Value FunctionApply(const Napi::CallbackInfo& info, JsAutograd& js) {
  if (js.dispatch.IsEmpty()) throw JsError(ErrorKind::Torch, "autograd callbacks are not initialized");
  int64_t id = info[0].As<Napi::Number>().Int64Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  std::vector<at::Tensor> inputs;
  Napi::Array a = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) inputs.push_back(TensorArg(a.Get(i), *js.handles, name.c_str(), "input"));
  auto cb = c10::make_intrusive<Callback>(&js, id, name);
  auto outputs = JsFunction::apply(at::TensorList(inputs), cb);
  return Handles(info.Env(), *js.handles, outputs);
}

Napi::Value RegisterHook(const Napi::CallbackInfo& info, JsAutograd& js) {
  at::Tensor t = TensorArg(info[0], *js.handles, "registerHook", "self");
  int64_t id = info[1].As<Napi::Number>().Int64Value();
  auto cb = c10::make_intrusive<Callback>(&js, id, "tensor hook");
  unsigned pos = t.register_hook([cb](const at::Tensor& grad) -> at::Tensor {
    CheckThread(*cb, "tensor hook");
    JsAutograd& js = *cb->js;
    Napi::Env env = js.dispatch.Env();
    auto got = Dispatch(js, {Napi::String::New(env, "hook"), Napi::Number::New(env, static_cast<double>(cb->id)),
                             Handles(env, *js.handles, {grad})});
    return got.empty() || got[0].empty() ? at::Tensor() : got[0][0];
  });
  return Napi::Number::New(info.Env(), pos);
}

void RemoveHook(const Napi::CallbackInfo& info, JsAutograd& js) {
  at::Tensor t = TensorArg(info[0], *js.handles, "removeHook", "self");
  t.remove_hook(info[1].As<Napi::Number>().Uint32Value());
}

Napi::Value AutogradReleased(const Napi::CallbackInfo& info, JsAutograd& js) {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(js.released->mu);
    ids.swap(js.released->ids);
  }
  Napi::Array a = Napi::Array::New(info.Env(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) a.Set(static_cast<uint32_t>(i), static_cast<double>(ids[i]));
  return a;
}

}  // namespace torchnode
