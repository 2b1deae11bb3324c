// TorchScript: load (from a file or bytes, on the main thread or a worker), call methods and
// compiled functions with values converted by their schemas (src-cpp/ivalue.h), read and write
// attributes, move, save, freeze, optimize for inference. Async calls run on libuv's pool with
// the caller's grad mode; the values they hold keep their tensors alive until they finish.
#pragma once
#include <napi.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/api/module.h>

#include "errors.h"
#include "ivalue.h"

namespace torchnode {

// What JS holds for a ScriptModule (an External); dispose() empties it.
struct ModuleHolder {
  c10::optional<torch::jit::Module> module;
};
// What JS holds for torch.jit.compile's result.
struct UnitHolder {
  std::shared_ptr<torch::jit::CompilationUnit> unit;
};

Napi::Value NewModuleHolder(Napi::Env env, torch::jit::Module m);

struct JitContext {
  IValueContext ivalues;
  const ErrorClasses* errors = nullptr;
};

// jitInit(wrapTensor, wrapModule, makeMap)
void JitInit(const Napi::CallbackInfo& info, JitContext& jit, HandleTable& handles, const ErrorClasses& errors);
// jitLoad(pathOrBytes, device | null) / jitLoadAsync(...) -> Promise
Napi::Value JitLoad(const Napi::CallbackInfo& info, JitContext& jit);
Napi::Value JitLoadAsync(const Napi::CallbackInfo& info, JitContext& jit);
// jitCall(target, name, args[]) / jitCallAsync(..., cancelFlag?): target a module or a compilation
// unit; cancelFlag an Int32Array over shared memory, [0] = 1 drops a call that has not started
Napi::Value JitCall(const Napi::CallbackInfo& info, JitContext& jit);
Napi::Value JitCallAsync(const Napi::CallbackInfo& info, JitContext& jit);
// jitMethods(target) -> [name, schema][]
Napi::Value JitMethods(const Napi::CallbackInfo& info, JitContext& jit);
// jitNamed(module, kind: 'parameters' | 'buffers' | 'children', recurse) -> [name, value][]
Napi::Value JitNamed(const Napi::CallbackInfo& info, JitContext& jit);
// jitAttr(module, name), jitSetAttr(module, name, value), jitAttrNames(module)
Napi::Value JitAttr(const Napi::CallbackInfo& info, JitContext& jit);
Napi::Value JitSetAttr(const Napi::CallbackInfo& info, JitContext& jit);
Napi::Value JitAttrNames(const Napi::CallbackInfo& info, JitContext& jit);
// jitTrain(module, mode | undefined) -> training
Napi::Value JitTrain(const Napi::CallbackInfo& info, JitContext& jit);
// jitTo(module, device | null, dtypeCode | null)
Napi::Value JitTo(const Napi::CallbackInfo& info, JitContext& jit);
// jitSave(module, path | null) -> undefined | Buffer
Napi::Value JitSave(const Napi::CallbackInfo& info, JitContext& jit);
// jitFreeze(module, preservedAttrs[] | null), jitOptimizeForInference(module) -> new module
Napi::Value JitFreeze(const Napi::CallbackInfo& info, JitContext& jit);
Napi::Value JitOptimizeForInference(const Napi::CallbackInfo& info, JitContext& jit);
// jitCompile(source) -> unit
Napi::Value JitCompile(const Napi::CallbackInfo& info, JitContext& jit);
// jitTypeName(module) -> the TorchScript class name (`__torch__.torchvision.models.resnet.ResNet`)
Napi::Value JitTypeName(const Napi::CallbackInfo& info, JitContext& jit);
// jitDispose(module)
Napi::Value JitDispose(const Napi::CallbackInfo& info, JitContext& jit);

}  // namespace torchnode
