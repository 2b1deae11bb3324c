// torch.jit.trace: records the ops a JS function (or an nn.Module's forward) runs into a
// TorchScript graph, as a ScriptModule that holds the module's parameters and buffers.
#pragma once
#include <napi.h>

#include "jit.h"

namespace torchnode {

// jitTrace(spec | module, inputs, fn, strict, argumentNames, methodName) -> module. spec: { name,
// training, parameters: [name, h][], buffers: [name, h][], children: [name, spec][] } builds the
// module; a traced module (from an earlier call) gets another method. inputs: example tensor
// handles; fn(handles) -> a handle, or an array of them (a tuple). methodName: 'forward' by default.
Napi::Value JitTrace(const Napi::CallbackInfo& info, JitContext& jit);

}  // namespace torchnode
