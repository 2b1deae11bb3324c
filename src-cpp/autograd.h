// Autograd entry points: backward, torch.autograd.grad, .grad access and grad mode. LibTorch's
// engine runs a CPU graph on the calling thread, so these are plain synchronous calls.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <vector>

namespace torchnode {

class HandleTable;

// Tensors from a JS array of handles; null/undefined entries become undefined tensors when
// `allowNull` (a gradient that LibTorch may fill in itself).
std::vector<at::Tensor> TensorList(const Napi::Value& v, HandleTable& handles, const char* fn, const char* arg,
                                   bool allowNull);

// backward(tensors, grads, retainGraph (undefined = createGraph), createGraph, inputs)
void Backward(const Napi::CallbackInfo& info, HandleTable& handles);

// grad(outputs, inputs, gradOutputs, retainGraph, createGraph, allowUnused) -> (handle | null)[]
Napi::Value Grad(const Napi::CallbackInfo& info, HandleTable& handles);

}  // namespace torchnode
