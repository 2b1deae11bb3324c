// Stand-in for LibTorch's at::cuda::NVRTC (the table of lazily loaded NVRTC and driver functions),
// which a CPU LibTorch does not ship. It declares the members torchnode uses, with the real
// functions' types, so scripts/cuda-check.sh can compile-check src-cpp/cuda/nvrtc.cc; real builds
// use LibTorch's own header, which declares these members (and more) the same way.
#pragma once
#include <cuda.h>

#if __has_include(<nvrtc.h>)
#include <nvrtc.h>
#else
// A CUDA install without NVRTC's development header: the declarations used, from NVRTC's API.
#include <cstddef>
extern "C" {
typedef enum { NVRTC_SUCCESS = 0 } nvrtcResult;
typedef struct _nvrtcProgram* nvrtcProgram;
nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name, int numHeaders,
                               const char* const* headers, const char* const* includeNames);
nvrtcResult nvrtcAddNameExpression(nvrtcProgram prog, const char* const name_expression);
nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char* const* options);
nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog);
const char* nvrtcGetErrorString(nvrtcResult result);
nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t* logSizeRet);
nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char* log);
nvrtcResult nvrtcGetLoweredName(nvrtcProgram prog, const char* const name_expression, const char** lowered_name);
nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t* ptxSizeRet);
nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char* ptx);
}
#endif

namespace at {
namespace cuda {
struct NVRTC {
#define TORCHNODE_NVRTC_MEMBER(f) decltype(&::f) f;
  TORCHNODE_NVRTC_MEMBER(nvrtcCreateProgram)
  TORCHNODE_NVRTC_MEMBER(nvrtcAddNameExpression)
  TORCHNODE_NVRTC_MEMBER(nvrtcCompileProgram)
  TORCHNODE_NVRTC_MEMBER(nvrtcDestroyProgram)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetErrorString)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetProgramLogSize)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetProgramLog)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetLoweredName)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetPTXSize)
  TORCHNODE_NVRTC_MEMBER(nvrtcGetPTX)
  TORCHNODE_NVRTC_MEMBER(cuModuleLoadData)
  TORCHNODE_NVRTC_MEMBER(cuModuleGetFunction)
  TORCHNODE_NVRTC_MEMBER(cuLaunchKernel)
  TORCHNODE_NVRTC_MEMBER(cuGetErrorString)
#undef TORCHNODE_NVRTC_MEMBER
};
}  // namespace cuda
}  // namespace at
