// Tensors handed between worker_threads without a copy. All environments of a process share one
// LibTorch heap, so a tensor can be used from any thread: share() parks a reference under a
// one-time ticket (process-wide), and the receiving environment claims it. A ticket never
// claimed holds its memory until release() or process exit.
#pragma once
#include <napi.h>

namespace torchnode {

class HandleTable;

// shareTensor(handle) -> ticket (a safe integer)
Napi::Value ShareTensor(const Napi::CallbackInfo& info, HandleTable& handles);
// claimTensor(ticket) -> handle; each ticket once
Napi::Value ClaimTensor(const Napi::CallbackInfo& info, HandleTable& handles);
// releaseShared(ticket) -> whether it was still parked
Napi::Value ReleaseShared(const Napi::CallbackInfo& info);
// sharedCount() -> tickets parked (for tests)
Napi::Value SharedCount(const Napi::CallbackInfo& info);

}  // namespace torchnode
