// torch.cuda's native surface (devices, memory, streams, events, run-time compiled kernels) and
// autocast. Every function works in both builds: a CPU build answers "not available" through
// cuda/runtime.h.
#pragma once
#include <c10/core/Stream.h>
#include <c10/util/Optional.h>
#include <napi.h>

#include "handles.h"

namespace torchnode {

Napi::Value CudaCurrentDevice(const Napi::CallbackInfo& info);
Napi::Value CudaSetDevice(const Napi::CallbackInfo& info);
Napi::Value CudaDeviceProperties(const Napi::CallbackInfo& info);
Napi::Value CudaSynchronize(const Napi::CallbackInfo& info);
Napi::Value CudaManualSeed(const Napi::CallbackInfo& info);
Napi::Value CudaMemoryStats(const Napi::CallbackInfo& info);
Napi::Value CudaResetPeakStats(const Napi::CallbackInfo& info);
Napi::Value CudaEmptyCache(const Napi::CallbackInfo& info);
Napi::Value CudaStreamNew(const Napi::CallbackInfo& info);
Napi::Value CudaStreamCurrent(const Napi::CallbackInfo& info);
Napi::Value CudaStreamDefault(const Napi::CallbackInfo& info);
Napi::Value CudaStreamSet(const Napi::CallbackInfo& info);
Napi::Value CudaStreamInfo(const Napi::CallbackInfo& info);
Napi::Value CudaStreamSynchronize(const Napi::CallbackInfo& info);
Napi::Value CudaStreamQuery(const Napi::CallbackInfo& info);
Napi::Value CudaEventNew(const Napi::CallbackInfo& info);
Napi::Value CudaEventRecord(const Napi::CallbackInfo& info);
Napi::Value CudaEventWait(const Napi::CallbackInfo& info);
Napi::Value CudaEventSynchronize(const Napi::CallbackInfo& info);
Napi::Value CudaEventQuery(const Napi::CallbackInfo& info);
Napi::Value CudaEventElapsed(const Napi::CallbackInfo& info);
Napi::Value CudaKernelCompile(const Napi::CallbackInfo& info);
Napi::Value CudaKernelLaunch(const Napi::CallbackInfo& info, HandleTable& handles);
// autocastSet(deviceType, enabled, dtype | null) -> the previous [enabled, dtype]
Napi::Value AutocastSet(const Napi::CallbackInfo& info);

// The stream torchnode made current on this thread (torch.cuda.withStream / setStream), which
// async calls carry to the thread that runs them; none when the default stream is current.
c10::optional<c10::Stream> CallerStream();

// The CUDA device current on this thread, which async calls carry too; -1 where there is no CUDA.
int CallerCudaDevice();

// On the thread that runs an async call: the caller's device made current, with its context.
void BindCudaDevice(int device);

}  // namespace torchnode
