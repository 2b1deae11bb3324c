// torch.cuda.compileKernel: CUDA C++ compiled at run time with NVRTC, loaded and launched with the
// CUDA runtime's library API (cudaLibraryLoadData, CUDA 12+), so no driver API is needed.
// LibTorch's own NVRTC binding (ATen/cuda/nvrtc_stub) is not among the headers PyTorch ships, so
// NVRTC is opened here with dlopen on first use: torchnode does not link libnvrtc, the addon loads
// where it is missing, and compileKernel() then says what it looked for.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <mutex>

#include "runtime.h"

#if CUDART_VERSION < 12000
#error "torchnode's compileKernel needs CUDA 12 or newer (cudaLibraryLoadData)"
#endif

namespace torchnode {
namespace cuda {

class Kernel {
 public:
  // Libraries stay loaded for the life of the process, as compiled kernels are cached by source.
  cudaLibrary_t library = nullptr;
  cudaKernel_t function = nullptr;
  int device = 0;
};

namespace {

// The part of NVRTC's C API used here (nvrtc.h, a stable ABI; declared here because the CUDA
// runtime headers LibTorch builds with do not always include NVRTC's).
using nvrtcResult = int;  // NVRTC_SUCCESS is 0
struct NvrtcProgramImpl;
using nvrtcProgram = NvrtcProgramImpl*;

struct Nvrtc {
  const char* (*GetErrorString)(nvrtcResult);
  nvrtcResult (*CreateProgram)(nvrtcProgram*, const char*, const char*, int, const char* const*, const char* const*);
  nvrtcResult (*DestroyProgram)(nvrtcProgram*);
  nvrtcResult (*CompileProgram)(nvrtcProgram, int, const char* const*);
  nvrtcResult (*AddNameExpression)(nvrtcProgram, const char*);
  nvrtcResult (*GetLoweredName)(nvrtcProgram, const char*, const char**);
  nvrtcResult (*GetPTXSize)(nvrtcProgram, size_t*);
  nvrtcResult (*GetPTX)(nvrtcProgram, char*);
  nvrtcResult (*GetProgramLogSize)(nvrtcProgram, size_t*);
  nvrtcResult (*GetProgramLog)(nvrtcProgram, char*);
};

template <typename F>
void Bind(void* lib, F& fn, const char* name) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  TORCH_CHECK(fn != nullptr, "compileKernel(): the NVRTC library found lacks ", name);
}

// NVRTC of the CUDA major version torchnode was built with: by soname (found if LibTorch already
// loaded it, or on the library path), then in the CUDA toolkit and the PyTorch wheel's CUDA
// libraries that the build saw (TORCHNODE_NVRTC_DIRS).
const Nvrtc& LoadNvrtc() {
  static Nvrtc nvrtc;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    const std::string soname = "libnvrtc.so." + std::to_string(CUDART_VERSION / 1000);
    std::vector<std::string> candidates = {soname};
#ifdef TORCHNODE_NVRTC_DIRS
    std::string dirs = TORCHNODE_NVRTC_DIRS;
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      if (end > start) candidates.push_back(dirs.substr(start, end - start) + "/" + soname);
      start = end + 1;
    }
#endif
    candidates.push_back("libnvrtc.so");
    void* lib = nullptr;
    std::string tried;
    for (const auto& c : candidates) {
      lib = dlopen(c.c_str(), RTLD_NOW | RTLD_GLOBAL);
      if (lib != nullptr) break;
      tried += "\n  " + c + ": " + dlerror();
    }
    if (lib == nullptr) {
      failure = "compileKernel(): NVRTC could not be loaded. Tried:" + tried +
                "\nPut the CUDA toolkit's lib64 (or PyTorch's nvidia/cu*/lib) on LD_LIBRARY_PATH.";
      return;
    }
    Bind(lib, nvrtc.GetErrorString, "nvrtcGetErrorString");
    Bind(lib, nvrtc.CreateProgram, "nvrtcCreateProgram");
    Bind(lib, nvrtc.DestroyProgram, "nvrtcDestroyProgram");
    Bind(lib, nvrtc.CompileProgram, "nvrtcCompileProgram");
    Bind(lib, nvrtc.AddNameExpression, "nvrtcAddNameExpression");
    Bind(lib, nvrtc.GetLoweredName, "nvrtcGetLoweredName");
    Bind(lib, nvrtc.GetPTXSize, "nvrtcGetPTXSize");
    Bind(lib, nvrtc.GetPTX, "nvrtcGetPTX");
    Bind(lib, nvrtc.GetProgramLogSize, "nvrtcGetProgramLogSize");
    Bind(lib, nvrtc.GetProgramLog, "nvrtcGetProgramLog");
  });
  TORCH_CHECK(failure.empty(), failure);
  return nvrtc;
}

std::string ProgramLog(const Nvrtc& nvrtc, nvrtcProgram prog) {
  size_t size = 0;
  if (nvrtc.GetProgramLogSize(prog, &size) != 0 || size <= 1) return "";
  std::string log(size, '\0');
  nvrtc.GetProgramLog(prog, log.data());
  log.resize(size - 1);
  return log;
}

// Destroys the program however compilation ends.
struct Program {
  const Nvrtc& nvrtc;
  nvrtcProgram prog = nullptr;
  ~Program() {
    if (prog != nullptr) nvrtc.DestroyProgram(&prog);
  }
};

void CheckNvrtc(const Nvrtc& nvrtc, nvrtcResult r, const char* what) {
  TORCH_CHECK(r == 0, "compileKernel(): ", what, " failed: ", nvrtc.GetErrorString(r));
}

void CheckRuntime(cudaError_t r, const char* what) {
  if (r == cudaSuccess) return;
  (void)cudaGetLastError();  // these errors are not sticky: clear them so the next call starts clean
  TORCH_CHECK(false, what, ": CUDA error: ", cudaGetErrorString(r));
}

}  // namespace

std::shared_ptr<Kernel> CompileKernel(const std::string& source, const std::string& name,
                                      const std::vector<std::string>& options, int device) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
  const Nvrtc& nvrtc = LoadNvrtc();
  int major = 0, minor = 0;
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));

  Program p{nvrtc};
  CheckNvrtc(nvrtc, nvrtc.CreateProgram(&p.prog, source.c_str(), (name + ".cu").c_str(), 0, nullptr, nullptr),
             "nvrtcCreateProgram");
  CheckNvrtc(nvrtc, nvrtc.AddNameExpression(p.prog, name.c_str()), "nvrtcAddNameExpression");
  std::vector<std::string> args = {"--gpu-architecture=compute_" + std::to_string(major) + std::to_string(minor)};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const nvrtcResult compiled = nvrtc.CompileProgram(p.prog, static_cast<int>(argv.size()), argv.data());
  if (compiled != 0) {
    TORCH_CHECK(false, "compileKernel(): NVRTC could not compile '", name, "' (", nvrtc.GetErrorString(compiled),
                "):\n", ProgramLog(nvrtc, p.prog));
  }
  const char* lowered = nullptr;
  CheckNvrtc(nvrtc, nvrtc.GetLoweredName(p.prog, name.c_str(), &lowered),
             ("finding kernel '" + name + "' (is it a __global__ function in the source?)").c_str());
  const std::string symbol = lowered;
  size_t ptx_size = 0;
  CheckNvrtc(nvrtc, nvrtc.GetPTXSize(p.prog, &ptx_size), "nvrtcGetPTXSize");
  std::string ptx(ptx_size, '\0');
  CheckNvrtc(nvrtc, nvrtc.GetPTX(p.prog, ptx.data()), "nvrtcGetPTX");

  auto kernel = std::make_shared<Kernel>();
  kernel->device = device;
  CheckRuntime(cudaLibraryLoadData(&kernel->library, ptx.c_str(), nullptr, nullptr, 0, nullptr, nullptr, 0),
               "compileKernel(): loading the compiled code");
  CheckRuntime(cudaLibraryGetKernel(&kernel->function, kernel->library, symbol.c_str()),
               "compileKernel(): finding the kernel");
  return kernel;
}

void LaunchKernel(Kernel& kernel, const LaunchConfig& c, const c10::Stream& stream, std::vector<KernelArg>& args) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(kernel.device));
  std::vector<void*> params;
  params.reserve(args.size());
  for (auto& a : args) params.push_back(a.bytes.data());
  // cudaLaunchKernel takes a library's cudaKernel_t in place of a __global__ function's address.
  CheckRuntime(cudaLaunchKernel(reinterpret_cast<const void*>(kernel.function), dim3(c.grid[0], c.grid[1], c.grid[2]),
                                dim3(c.block[0], c.block[1], c.block[2]), params.data(), c.sharedMemBytes,
                                c10::cuda::CUDAStream(stream).stream()),
               "launch()");
}

int KernelDevice(const Kernel& kernel) { return kernel.device; }

}  // namespace cuda
}  // namespace torchnode
