// Autograd that calls back into JS: custom Functions written in TypeScript
// (torch.autograd.Function, a LibTorch CppNode whose backward calls JS) and tensor hooks
// (t.registerHook). JS runs only on the JS thread: LibTorch's engine runs a CPU graph on the
// thread that called backward(), so these work for CPU graphs; a node reached on one of the
// engine's device threads (CUDA) fails with a clear error instead of touching the JS engine.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace torchnode {

class HandleTable;

// Ids of JS callbacks whose native owner (a graph node, a hook) is gone; any thread may add.
struct ReleaseQueue {
  std::mutex mu;
  std::vector<int64_t> ids;
};

// Per environment: the one JS dispatcher (src-ts/autograd_function.ts) and what a callback hands back.
struct JsAutograd {
  Napi::FunctionReference dispatch;
  std::thread::id thread = std::this_thread::get_id();
  std::shared_ptr<ReleaseQueue> released = std::make_shared<ReleaseQueue>();
  std::vector<std::vector<at::Tensor>> stash;  // set by autogradStash() during a callback
  HandleTable* handles = nullptr;
};

// autogradInit(dispatch)
void AutogradInit(const Napi::CallbackInfo& info, JsAutograd& js, HandleTable& handles);
// autogradStash(list0, list1, ...): each an array of tensor handles (null = undefined tensor)
void AutogradStash(const Napi::CallbackInfo& info, JsAutograd& js);
// functionApply(id, name, inputHandles[]) -> output handles[]
Napi::Value FunctionApply(const Napi::CallbackInfo& info, JsAutograd& js);
// registerHook(handle, id) -> hook position; removeHook(handle, position)
Napi::Value RegisterHook(const Napi::CallbackInfo& info, JsAutograd& js);
void RemoveHook(const Napi::CallbackInfo& info, JsAutograd& js);
// autogradReleased() -> ids whose callbacks JS may forget
Napi::Value AutogradReleased(const Napi::CallbackInfo& info, JsAutograd& js);
// The name JS gave a custom Function's node (`MyFnBackward`), or "" when `fn` is not one.
std::string JsFunctionName(const torch::autograd::Node& fn);

}  // namespace torchnode
