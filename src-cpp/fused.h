// Shared by the CPU and CUDA kernels of torchnode's fused operators (fused.cc, cuda/fused_kernels.cu):
// argument checks, so both devices report a bad call with the same words, and the Adam scalars.
#pragma once
#include <ATen/ATen.h>

namespace torchnode {
namespace fused {

void CheckNormalizeImages(const at::Tensor& images, c10::ArrayRef<double> mean, c10::ArrayRef<double> std);
at::ScalarType ImagesOutDtype(c10::optional<at::ScalarType> dtype);

void CheckBiasGelu(const at::Tensor& input, const at::Tensor& bias);
// d(loss)/d(bias): the input gradient summed over every dimension but the last.
at::Tensor BiasGrad(const at::Tensor& grad_input, const at::Tensor& bias);

void CheckAdam(at::TensorList params, at::TensorList grads, at::TensorList exp_avgs, at::TensorList exp_avg_sqs,
               at::TensorList max_exp_avg_sqs, c10::ArrayRef<int64_t> steps, bool amsgrad, at::DeviceType device);

// One parameter's step: the hyper-parameters plus its bias corrections at `step`.
struct AdamScalars {
  double lr, beta1, beta2, weight_decay, eps, step_size, bias_correction2_sqrt;
  bool maximize, decoupled;
};
AdamScalars MakeAdamScalars(int64_t step, double lr, double beta1, double beta2, double weight_decay, double eps,
                            bool maximize, bool decoupled);

}  // namespace fused
}  // namespace torchnode
