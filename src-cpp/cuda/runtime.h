// What the N-API layer (../cuda_api.cc) needs of CUDA, in plain C++ types. Defined in
// runtime.cc and nvrtc.cc, which only the CUDA build compiles; in a CPU build the inline
// versions below say so, and this header is the one place that tells the two builds apart.
#pragma once
#include <c10/core/Stream.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace torchnode {
namespace cuda {

struct DeviceProperties {
  std::string name;
  int major = 0, minor = 0;
  int64_t totalMemory = 0;
  int multiProcessorCount = 0;
  int maxThreadsPerBlock = 0;
  int64_t sharedMemoryPerBlock = 0;
  int warpSize = 0;
  std::string uuid;
};

struct MemoryStats {
  int64_t allocated = 0, reserved = 0, maxAllocated = 0, maxReserved = 0;
};

class Event;   // a CUDA event
class Kernel;  // a kernel compiled by NVRTC

// One argument of Kernel::Launch, already checked: a device pointer or a scalar's bytes.
struct KernelArg {
  std::vector<uint8_t> bytes;
};

struct LaunchConfig {
  uint32_t grid[3] = {1, 1, 1};
  uint32_t block[3] = {1, 1, 1};
  uint32_t sharedMemBytes = 0;
};

[[noreturn]] inline void NotBuilt() {
  throw std::runtime_error(
      "CUDA is not available: this torchnode was built against a CPU-only LibTorch. Build against a CUDA "
      "LibTorch (LIBTORCH=/path/to/libtorch or a CUDA PyTorch in python3, then npm run build:native)");
}

#ifdef TORCHNODE_WITH_CUDA
constexpr bool kBuilt = true;
int CurrentDevice();
void SetDevice(int device);
void BindThread(int device);
DeviceProperties Properties(int device);
void Synchronize(int device);
MemoryStats Memory(int device);
void ResetPeakStats(int device);
void EmptyCache();
c10::Stream NewStream(int device, int priority);
c10::Stream CurrentStream(int device);
c10::Stream DefaultStream(int device);
void SetCurrentStream(const c10::Stream& stream);
std::shared_ptr<Event> NewEvent(bool enableTiming, bool blocking, bool interprocess);
void RecordEvent(Event& event, const c10::Stream& stream);
void WaitEvent(Event& event, const c10::Stream& stream);
void SynchronizeEvent(Event& event);
bool QueryEvent(Event& event);
double ElapsedTime(Event& start, Event& end);
std::shared_ptr<Kernel> CompileKernel(const std::string& source, const std::string& name,
                                      const std::vector<std::string>& options, int device);
void LaunchKernel(Kernel& kernel, const LaunchConfig& config, const c10::Stream& stream, std::vector<KernelArg>& args);
int KernelDevice(const Kernel& kernel);
#else
constexpr bool kBuilt = false;
inline int CurrentDevice() { NotBuilt(); }
inline void SetDevice(int) { NotBuilt(); }
inline void BindThread(int) { NotBuilt(); }
inline DeviceProperties Properties(int) { NotBuilt(); }
inline void Synchronize(int) { NotBuilt(); }
inline MemoryStats Memory(int) { NotBuilt(); }
inline void ResetPeakStats(int) { NotBuilt(); }
inline void EmptyCache() { NotBuilt(); }
inline c10::Stream NewStream(int, int) { NotBuilt(); }
inline c10::Stream CurrentStream(int) { NotBuilt(); }
inline c10::Stream DefaultStream(int) { NotBuilt(); }
inline void SetCurrentStream(const c10::Stream&) { NotBuilt(); }
inline std::shared_ptr<Event> NewEvent(bool, bool, bool) { NotBuilt(); }
inline void RecordEvent(Event&, const c10::Stream&) { NotBuilt(); }
inline void WaitEvent(Event&, const c10::Stream&) { NotBuilt(); }
inline void SynchronizeEvent(Event&) { NotBuilt(); }
inline bool QueryEvent(Event&) { NotBuilt(); }
inline double ElapsedTime(Event&, Event&) { NotBuilt(); }
inline std::shared_ptr<Kernel> CompileKernel(const std::string&, const std::string&, const std::vector<std::string>&,
                                             int) {
  NotBuilt();
}
inline void LaunchKernel(Kernel&, const LaunchConfig&, const c10::Stream&, std::vector<KernelArg>&) { NotBuilt(); }
inline int KernelDevice(const Kernel&) { NotBuilt(); }
#endif

}  // namespace cuda
}  // namespace torchnode
