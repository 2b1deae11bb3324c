// Correct complex dot products on BLAS libraries whose complex-returning functions use the other
// calling convention than the one LibTorch was compiled for.
#pragma once

namespace torchnode {

// Probes LibTorch's complex dot once per process; when it is wrong (Debian's LibTorch 1.13 calls
// the Fortran cdotu_/zdotc_ expecting the result through a hidden first argument, while
// OpenBLAS and the reference BLAS return it in registers, so every complex torch.dot, vdot and
// 1-D @ 1-D gave 0), replaces the CPU kernels of aten::dot and aten::vdot with ones that compute
// complex inputs by definition. Every caller then gets the right value: torchnode's ops, matmul,
// autograd and TorchScript models alike.
void CorrectComplexDot();

// Whether CorrectComplexDot found the BLAS path wrong and replaced it.
bool ComplexDotCorrected();

}  // namespace torchnode
