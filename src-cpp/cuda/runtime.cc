// CUDA devices, the caching allocator's statistics, streams and events, over LibTorch's c10::cuda
// (so torchnode shares LibTorch's allocator, streams and device state) and the CUDA runtime.
#include "runtime.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdio>

namespace torchnode {
namespace cuda {

// A cudaEvent_t made on first record, on the recording stream's device (as PyTorch's events).
class Event {
 public:
  explicit Event(unsigned flags) : flags(flags) {}
  ~Event() {
    if (event != nullptr) {
      c10::cuda::CUDAGuard guard(device);
      cudaEventDestroy(event);
    }
  }
  void Record(const c10::cuda::CUDAStream& stream) {
    c10::cuda::CUDAGuard guard(stream.device_index());
    if (event == nullptr) {
      C10_CUDA_CHECK(cudaEventCreateWithFlags(&event, flags));
      device = stream.device_index();
    }
    TORCH_CHECK(device == stream.device_index(), "Event.record(): the event was recorded on cuda:", device,
                " and cannot record a stream of cuda:", stream.device_index());
    C10_CUDA_CHECK(cudaEventRecord(event, stream.stream()));
  }
  cudaEvent_t event = nullptr;
  c10::DeviceIndex device = 0;
  unsigned flags;
};

int CurrentDevice() { return c10::cuda::current_device(); }

void SetDevice(int device) { c10::cuda::set_device(static_cast<c10::DeviceIndex>(device)); }

void BindThread(int device) {
  // A libuv pool thread starts with no current CUDA context, and c10's device guard skips
  // cudaSetDevice when the device number already matches (0 on a new thread), so cuBLAS found
  // none (and warned). Make the device's primary context current, only where it exists: an
  // async call from a process that never used CUDA must not create one.
  if (!at::detail::getCUDAHooks().hasPrimaryContext(static_cast<c10::DeviceIndex>(device))) return;
  C10_CUDA_CHECK(cudaSetDevice(device));
}

DeviceProperties Properties(int device) {
  cudaDeviceProp prop;
  C10_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  const cudaDeviceProp* p = &prop;
  DeviceProperties out;
  out.name = p->name;
  out.major = p->major;
  out.minor = p->minor;
  out.totalMemory = static_cast<int64_t>(p->totalGlobalMem);
  out.multiProcessorCount = p->multiProcessorCount;
  out.maxThreadsPerBlock = p->maxThreadsPerBlock;
  out.sharedMemoryPerBlock = static_cast<int64_t>(p->sharedMemPerBlock);
  out.warpSize = p->warpSize;
  // Formatted as PyTorch prints it: 8-4-4-4-12 hex digits.
  char uuid[37];
  const auto* b = reinterpret_cast<const unsigned char*>(p->uuid.bytes);
  std::snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  out.uuid = uuid;
  return out;
}

void Synchronize(int device) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
  C10_CUDA_CHECK(cudaDeviceSynchronize());
}

MemoryStats Memory(int device) {
  // Index 0 of each statistic is the aggregate over pool types in every LibTorch version.
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
  MemoryStats out;
  out.allocated = stats.allocated_bytes[0].current;
  out.maxAllocated = stats.allocated_bytes[0].peak;
  out.reserved = stats.reserved_bytes[0].current;
  out.maxReserved = stats.reserved_bytes[0].peak;
  return out;
}

void ResetPeakStats(int device) {
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
}

void EmptyCache() { c10::cuda::CUDACachingAllocator::emptyCache(); }

c10::Stream NewStream(int device, int priority) {
  // PyTorch's convention: a lower number is a higher priority; LibTorch's pools offer two levels.
  return c10::cuda::getStreamFromPool(priority < 0, static_cast<c10::DeviceIndex>(device)).unwrap();
}

c10::Stream CurrentStream(int device) {
  return c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device)).unwrap();
}

c10::Stream DefaultStream(int device) {
  return c10::cuda::getDefaultCUDAStream(static_cast<c10::DeviceIndex>(device)).unwrap();
}

void SetCurrentStream(const c10::Stream& stream) { c10::cuda::setCurrentCUDAStream(c10::cuda::CUDAStream(stream)); }

std::shared_ptr<Event> NewEvent(bool enableTiming, bool blocking, bool interprocess) {
  unsigned flags = enableTiming ? cudaEventDefault : cudaEventDisableTiming;
  if (blocking) flags |= cudaEventBlockingSync;
  if (interprocess) flags |= cudaEventInterprocess | cudaEventDisableTiming;
  return std::make_shared<Event>(flags);
}

void RecordEvent(Event& event, const c10::Stream& stream) { event.Record(c10::cuda::CUDAStream(stream)); }

void WaitEvent(Event& event, const c10::Stream& stream) {
  if (event.event == nullptr) return;  // never recorded: nothing to wait for (as PyTorch)
  const c10::cuda::CUDAStream s(stream);
  c10::cuda::CUDAGuard guard(s.device_index());
  C10_CUDA_CHECK(cudaStreamWaitEvent(s.stream(), event.event, 0));
}

void SynchronizeEvent(Event& event) {
  if (event.event != nullptr) C10_CUDA_CHECK(cudaEventSynchronize(event.event));
}

bool QueryEvent(Event& event) {
  if (event.event == nullptr) return true;
  const cudaError_t r = cudaEventQuery(event.event);
  if (r == cudaErrorNotReady) {
    (void)cudaGetLastError();  // clear the sticky "not ready"
    return false;
  }
  C10_CUDA_CHECK(r);
  return true;
}

double ElapsedTime(Event& start, Event& end) {
  TORCH_CHECK(start.event != nullptr && end.event != nullptr,
              "elapsedTime(): both events must be recorded before measuring time between them");
  TORCH_CHECK(!(start.flags & cudaEventDisableTiming) && !(end.flags & cudaEventDisableTiming),
              "elapsedTime(): both events must be created with enableTiming: true");
  c10::cuda::CUDAGuard guard(start.device);
  float ms = 0;
  C10_CUDA_CHECK(cudaEventElapsedTime(&ms, start.event, end.event));
  return ms;
}

}  // namespace cuda
}  // namespace torchnode
