#include "info.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <dlfcn.h>
#include <torch/cuda.h>

#include "complex_dot.h"
#include "cuda/runtime.h"
#include <torch/version.h>

#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace torchnode {

// Read from the .node file by src-ts/binding.ts when loading fails, so the loader can say which
// LibTorch the binary expects without being able to run it.
extern "C" __attribute__((used, visibility("default"))) const char torchnode_built_against[] =
    "TORCHNODE_LIBTORCH_VERSION=" TORCH_VERSION ";";

const char* BuiltAgainstVersion() { return TORCH_VERSION; }

std::string RuntimeLibTorchVersion() {
  // at::show_config() is compiled into libtorch_cpu itself, so it reports the loaded library.
  const std::string cfg = at::show_config();
  const std::string key = "TORCH_VERSION=";
  auto pos = cfg.find(key);
  if (pos == std::string::npos) return "unknown";
  auto end = cfg.find_first_of(", \n", pos + key.size());
  return cfg.substr(pos + key.size(), end - pos - key.size());
}

namespace {
std::string MajorMinor(const std::string& v) {
  auto first = v.find('.');
  if (first == std::string::npos) return v;
  auto second = v.find('.', first + 1);
  return v.substr(0, second);
}

struct BlasInfo {
  std::string library;
  std::string name;
  std::string detail;
};

BlasInfo DetectBlas() {
  BlasInfo info{"", "none found", ""};
  void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info dl{};
  if (sym != nullptr && dladdr(sym, &dl) != 0 && dl.dli_fname != nullptr) {
    char resolved[PATH_MAX];
    info.library = realpath(dl.dli_fname, resolved) != nullptr ? resolved : dl.dli_fname;
  }
  using ConfigFn = char* (*)();
  if (auto cfg = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    info.name = "OpenBLAS";
    info.detail = cfg();
  } else if (dlsym(RTLD_DEFAULT, "mkl_get_version_string") != nullptr) {
    info.name = "MKL";
  } else if (info.library.find("blis") != std::string::npos) {
    info.name = "BLIS";
  } else if (!info.library.empty()) {
    // Debian's libblas.so.3 with no optimized alternative installed: the slow reference BLAS.
    info.name = "reference BLAS (slow: install an optimized BLAS, e.g. apt-get install libopenblas0-openmp)";
  }
  return info;
}
}  // namespace

void CheckRuntimeVersion() {
  // TORCHNODE_TEST_RUNTIME_LIBTORCH stands in for the loaded LibTorch's version, so the refusal
  // below can be tested without a second LibTorch (test/60.package.test.ts).
  const char* fake = std::getenv("TORCHNODE_TEST_RUNTIME_LIBTORCH");
  const std::string runtime = fake != nullptr ? fake : RuntimeLibTorchVersion();
  if (runtime == "unknown") return;
  if (MajorMinor(runtime) != MajorMinor(TORCH_VERSION)) {
    throw std::runtime_error(std::string("torchnode was built against LibTorch ") + TORCH_VERSION +
                             " but the LibTorch loaded at run time is " + runtime +
                             ". Rebuild torchnode against the LibTorch you run (npm run compile), or point "
                             "LIBTORCH / LD_LIBRARY_PATH at LibTorch " + TORCH_VERSION + ".");
  }
}

Napi::Object VersionInfo(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("libtorch", RuntimeLibTorchVersion());
  o.Set("builtAgainst", TORCH_VERSION);
#ifdef TORCHNODE_CUDA_VERSION
  o.Set("cuda", TORCHNODE_CUDA_VERSION);
#else
  o.Set("cuda", env.Null());
#endif
  return o;
}

Napi::Object ConfigInfo(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("numThreads", at::get_num_threads());
  o.Set("numInteropThreads", at::get_num_interop_threads());
  BlasInfo blas = DetectBlas();
  Napi::Object b = Napi::Object::New(env);
  b.Set("name", blas.name);
  b.Set("library", blas.library);
  b.Set("detail", blas.detail);
  b.Set("complexDotCorrected", ComplexDotCorrected());
  o.Set("blas", b);
  o.Set("cudaBuilt", cuda::kBuilt);
  o.Set("cudaAvailable", torch::cuda::is_available());
  o.Set("cudaDeviceCount", static_cast<double>(torch::cuda::device_count()));
  o.Set("parallelInfo", at::get_parallel_info());
  o.Set("buildConfig", at::show_config());
  return o;
}

}  // namespace torchnode
