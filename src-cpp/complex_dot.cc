#include "complex_dot.h"

#include <ATen/ATen.h>
#include <ATen/ops/dot_native.h>
#include <ATen/ops/vdot_native.h>
#include <c10/util/Exception.h>
#include <torch/library.h>
#include <torch/version.h>

#include <memory>
#include <mutex>

namespace torchnode {

namespace {

bool corrected = false;

// Inputs the BLAS path would take: two complex CPU vectors of one dtype and length. Anything else
// goes to LibTorch's own kernel, which also raises LibTorch's errors for bad calls.
bool TakesBlasPath(const at::Tensor& a, const at::Tensor& b) {
  const c10::ScalarType t = a.scalar_type();
  return (t == at::kComplexFloat || t == at::kComplexDouble) && t == b.scalar_type() && a.dim() == 1 &&
         b.dim() == 1 && a.numel() == b.numel() && a.device().is_cpu() && b.device().is_cpu();
}

at::Tensor Dot(const at::Tensor& self, const at::Tensor& other) {
  if (TakesBlasPath(self, other)) return at::sum(at::mul(self, other));
  return at::native::dot(self, other);
}

at::Tensor Vdot(const at::Tensor& self, const at::Tensor& other) {
  if (TakesBlasPath(self, other)) return at::sum(at::mul(self.conj(), other));
  return at::native::vdot(self, other);
}

bool BlasDotRight(c10::ScalarType dtype) {
  at::Tensor one = at::full({1}, c10::complex<double>(1.0, 1.0), at::TensorOptions().dtype(dtype));
  // (1+i)(1+i) = 2i
  c10::complex<double> r = at::native::dot(one, one).item<c10::complex<double>>();
  return r == c10::complex<double>(0.0, 2.0);
}

// Replacing a kernel makes the dispatcher warn "Overriding a previously registered kernel";
// here that is the intent, so the warning is dropped instead of reaching stderr.
// (The handler's interface changed in LibTorch 2.0.)
struct SilentWarnings : c10::WarningHandler {
#if TORCH_VERSION_MAJOR >= 2
  void process(const c10::Warning&) override {}
#else
  void process(const c10::SourceLocation&, const std::string&, const bool) override {}
#endif
};
#if TORCH_VERSION_MAJOR >= 2
using WarningHandlerGuard = c10::WarningUtils::WarningHandlerGuard;
#else
using WarningHandlerGuard = c10::Warning::WarningHandlerGuard;
#endif

}  // namespace

void CorrectComplexDot() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (BlasDotRight(at::kComplexFloat) && BlasDotRight(at::kComplexDouble)) return;
    SilentWarnings silent;
    WarningHandlerGuard guard(&silent);
    // Kept for the life of the process: destroying a Library unregisters its kernels.
    static auto* lib = new torch::Library(torch::Library::IMPL, "aten", c10::DispatchKey::CPU, __FILE__, __LINE__);
    lib->impl("dot", &Dot);
    lib->impl("vdot", &Vdot);
    corrected = true;
  });
}

bool ComplexDotCorrected() { return corrected; }

}  // namespace torchnode
