// torch.cuda.compileKernel: CUDA C++ compiled at run time with NVRTC and launched with the
// driver API, both through LibTorch's lazily loaded binding (at::globalContext().getNVRTC()),
// so torchnode links neither libnvrtc nor libcuda itself.
#include <ATen/Context.h>
#include <ATen/cuda/nvrtc_stub/ATenNVRTC.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "runtime.h"

namespace torchnode {
namespace cuda {

class Kernel {
 public:
  // Modules stay loaded for the life of the process, as compiled kernels are cached by source.
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  int device = 0;
};

namespace {

std::string ProgramLog(const at::cuda::NVRTC& nvrtc, nvrtcProgram prog) {
  size_t size = 0;
  if (nvrtc.nvrtcGetProgramLogSize(prog, &size) != NVRTC_SUCCESS || size <= 1) return "";
  std::string log(size, '\0');
  nvrtc.nvrtcGetProgramLog(prog, log.data());
  log.resize(size - 1);
  return log;
}

// Destroys the program however compilation ends.
struct Program {
  const at::cuda::NVRTC& nvrtc;
  nvrtcProgram prog = nullptr;
  ~Program() {
    if (prog != nullptr) nvrtc.nvrtcDestroyProgram(&prog);
  }
};

void CheckDriver(const at::cuda::NVRTC& nvrtc, CUresult r, const char* what) {
  if (r == CUDA_SUCCESS) return;
  const char* msg = nullptr;
  if (nvrtc.cuGetErrorString(r, &msg) != CUDA_SUCCESS || msg == nullptr) msg = "unknown error";
  TORCH_CHECK(false, what, ": CUDA driver error: ", msg);
}

void CheckNvrtc(const at::cuda::NVRTC& nvrtc, nvrtcResult r, const char* what) {
  TORCH_CHECK(r == NVRTC_SUCCESS, "compileKernel(): ", what, " failed: ", nvrtc.nvrtcGetErrorString(r));
}

}  // namespace

std::shared_ptr<Kernel> CompileKernel(const std::string& source, const std::string& name,
                                      const std::vector<std::string>& options, int device) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
  // The driver API needs the device's primary context current on this thread; any runtime call
  // makes it so.
  C10_CUDA_CHECK(cudaFree(nullptr));
  const at::cuda::NVRTC& nvrtc = at::globalContext().getNVRTC();
  int major = 0, minor = 0;
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));

  Program p{nvrtc};
  CheckNvrtc(nvrtc, nvrtc.nvrtcCreateProgram(&p.prog, source.c_str(), (name + ".cu").c_str(), 0, nullptr, nullptr),
             "nvrtcCreateProgram");
  CheckNvrtc(nvrtc, nvrtc.nvrtcAddNameExpression(p.prog, name.c_str()), "nvrtcAddNameExpression");
  std::vector<std::string> args = {"--gpu-architecture=compute_" + std::to_string(major) + std::to_string(minor)};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const nvrtcResult compiled = nvrtc.nvrtcCompileProgram(p.prog, static_cast<int>(argv.size()), argv.data());
  if (compiled != NVRTC_SUCCESS) {
    TORCH_CHECK(false, "compileKernel(): NVRTC could not compile '", name, "' (", nvrtc.nvrtcGetErrorString(compiled),
                "):\n", ProgramLog(nvrtc, p.prog));
  }
  const char* lowered = nullptr;
  CheckNvrtc(nvrtc, nvrtc.nvrtcGetLoweredName(p.prog, name.c_str(), &lowered),
             ("finding kernel '" + name + "' (is it a __global__ function in the source?)").c_str());
  const std::string symbol = lowered;
  size_t ptx_size = 0;
  CheckNvrtc(nvrtc, nvrtc.nvrtcGetPTXSize(p.prog, &ptx_size), "nvrtcGetPTXSize");
  std::string ptx(ptx_size, '\0');
  CheckNvrtc(nvrtc, nvrtc.nvrtcGetPTX(p.prog, ptx.data()), "nvrtcGetPTX");

  auto kernel = std::make_shared<Kernel>();
  kernel->device = device;
  CheckDriver(nvrtc, nvrtc.cuModuleLoadData(&kernel->module, ptx.c_str()), "compileKernel(): loading the module");
  CheckDriver(nvrtc, nvrtc.cuModuleGetFunction(&kernel->function, kernel->module, symbol.c_str()),
              "compileKernel(): finding the kernel");
  return kernel;
}

void LaunchKernel(Kernel& kernel, const LaunchConfig& c, const c10::Stream& stream, std::vector<KernelArg>& args) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(kernel.device));
  std::vector<void*> params;
  params.reserve(args.size());
  for (auto& a : args) params.push_back(a.bytes.data());
  const at::cuda::NVRTC& nvrtc = at::globalContext().getNVRTC();
  CheckDriver(nvrtc,
              nvrtc.cuLaunchKernel(kernel.function, c.grid[0], c.grid[1], c.grid[2], c.block[0], c.block[1],
                                   c.block[2], c.sharedMemBytes, c10::cuda::CUDAStream(stream).stream(), params.data(),
                                   nullptr),
              "launch()");
}

int KernelDevice(const Kernel& kernel) { return kernel.device; }

}  // namespace cuda
}  // namespace torchnode
