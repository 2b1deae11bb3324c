// torchnode's fused operators, registered with LibTorch's dispatcher as `torchnode::*` so they
// are called like any ATen op (the generic `call` path, one error path) and pick their kernel
// by device: the CPU kernels here, the CUDA kernels in cuda/fused_kernels.cu when built with CUDA.
// Each replaces a chain of LibTorch ops that Node code would otherwise launch one by one:
//   normalize_images: uint8 HWC batch (as image decoders give it) -> normalized float NCHW
//   bias_gelu:        gelu(input + bias), differentiable in both
//   adam_:            Adam/AdamW over many parameters at once (one launch on CUDA)
#include <ATen/Parallel.h>
#include <ATen/Dispatch.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/autograd.h>
#include <torch/library.h>

#include <cmath>

#include "fused.h"

namespace torchnode {
namespace fused {

void CheckNormalizeImages(const at::Tensor& images, c10::ArrayRef<double> mean, c10::ArrayRef<double> std) {
  TORCH_CHECK_TYPE(images.scalar_type() == at::kByte,
                   "normalize_images(): expected a uint8 tensor of images (N, H, W, C), got ", images.scalar_type());
  TORCH_CHECK_VALUE(images.dim() == 4, "normalize_images(): expected images of shape (N, H, W, C), got ",
                    images.sizes());
  const int64_t c = images.size(3);
  TORCH_CHECK_VALUE(static_cast<int64_t>(mean.size()) == c && static_cast<int64_t>(std.size()) == c,
                    "normalize_images(): mean and std need one value per channel (", c, "), got ", mean.size(),
                    " and ", std.size());
  for (double s : std) TORCH_CHECK_VALUE(s != 0, "normalize_images(): std must not contain 0");
}

at::ScalarType ImagesOutDtype(c10::optional<at::ScalarType> dtype) {
  const at::ScalarType out = dtype.value_or(at::kFloat);
  TORCH_CHECK_TYPE(at::isFloatingType(out), "normalize_images(): dtype must be a floating type, got ", out);
  return out;
}

namespace {

// out[n][c][y][x] = (in[n][y][x][c] / 255 - mean[c]) / std[c], as scale * v + shift per channel.
at::Tensor NormalizeImagesCpu(const at::Tensor& images, c10::ArrayRef<double> mean, c10::ArrayRef<double> std,
                              c10::optional<at::ScalarType> dtype) {
  CheckNormalizeImages(images, mean, std);
  const at::Tensor in = images.contiguous();
  const int64_t n = in.size(0), h = in.size(1), w = in.size(2), c = in.size(3);
  at::Tensor out = at::empty({n, c, h, w}, in.options().dtype(ImagesOutDtype(dtype)));
  std::vector<float> scale(c), shift(c);
  for (int64_t k = 0; k < c; ++k) {
    scale[k] = static_cast<float>(1.0 / (255.0 * std[k]));
    shift[k] = static_cast<float>(-mean[k] / std[k]);
  }
  const uint8_t* src = in.data_ptr<uint8_t>();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "normalize_images", [&] {
    scalar_t* dst = out.data_ptr<scalar_t>();
    const int64_t plane = h * w;
    // One task per (image, row): reads a row of pixels once, writes C output rows.
    at::parallel_for(0, n * h, 16, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t img = r / h, y = r % h;
        const uint8_t* row = src + r * w * c;
        for (int64_t k = 0; k < c; ++k) {
          scalar_t* o = dst + (img * c + k) * plane + y * w;
          const float a = scale[k], b = shift[k];
          for (int64_t x = 0; x < w; ++x) o[x] = static_cast<scalar_t>(a * static_cast<float>(row[x * c + k]) + b);
        }
      }
    });
  });
  return out;
}

at::Tensor BiasGeluCpu(const at::Tensor& input, const at::Tensor& bias, c10::string_view approximate) {
  CheckBiasGelu(input, bias);
  return at::gelu(input + bias, approximate);
}

std::tuple<at::Tensor, at::Tensor> BiasGeluBackwardCpu(const at::Tensor& grad, const at::Tensor& input,
                                                       const at::Tensor& bias, c10::string_view approximate) {
  at::Tensor grad_input = at::gelu_backward(grad, input + bias, approximate);
  return {grad_input, BiasGrad(grad_input, bias)};
}

// PyTorch's Adam/AdamW step (torch/optim/adam.py, single-tensor form) fused per element, in the
// parameter's precision with scalars in that precision, in the op-by-op version's order of
// operations (so the two agree to rounding; ATen's vectorized add may use an FMA).
// The options are template parameters and the scalars plain values so the inner loop has no
// branches or loads through references, and vectorizes.
template <typename T, bool kMaximize, int kDecay, bool kAmsgrad>
void AdamRange(T* __restrict__ p, const T* __restrict__ g, T* __restrict__ m, T* __restrict__ v,
               T* __restrict__ vmax, int64_t begin, int64_t end, T b1, T b2, T one_minus_b1, T one_minus_b2,
               T decay, T wd, T bc2, T eps, T step) {
  for (int64_t i = begin; i < end; ++i) {
    T grad = kMaximize ? -g[i] : g[i];
    T param = p[i];
    if (kDecay == 1) param = param * decay;   // AdamW: decoupled
    if (kDecay == 2) grad = grad + wd * param;  // Adam: L2 in the gradient
    const T mi = m[i] * b1 + grad * one_minus_b1;
    const T vi = v[i] * b2 + one_minus_b2 * (grad * grad);
    m[i] = mi;
    v[i] = vi;
    T second = vi;
    if (kAmsgrad) {
      second = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = second;
    }
    const T denom = std::sqrt(second) / bc2 + eps;
    p[i] = param + step * (mi / denom);
  }
}

template <typename T, bool kMaximize, int kDecay, bool kAmsgrad>
void AdamTensorAs(T* p, const T* g, T* m, T* v, T* vmax, int64_t n, const AdamScalars& s) {
  const T b1 = static_cast<T>(s.beta1), b2 = static_cast<T>(s.beta2);
  const T one_minus_b1 = static_cast<T>(1 - s.beta1), one_minus_b2 = static_cast<T>(1 - s.beta2);
  const T decay = static_cast<T>(1 - s.lr * s.weight_decay), wd = static_cast<T>(s.weight_decay);
  const T bc2 = static_cast<T>(s.bias_correction2_sqrt), eps = static_cast<T>(s.eps);
  const T step = static_cast<T>(-s.step_size);
  at::parallel_for(0, n, 32768, [=](int64_t begin, int64_t end) {
    AdamRange<T, kMaximize, kDecay, kAmsgrad>(p, g, m, v, vmax, begin, end, b1, b2, one_minus_b1, one_minus_b2, decay,
                                              wd, bc2, eps, step);
  });
}

template <typename T>
void AdamTensor(T* p, const T* g, T* m, T* v, T* vmax, int64_t n, const AdamScalars& s) {
  const int decay = s.weight_decay == 0 ? 0 : s.decoupled ? 1 : 2;
  const bool ams = vmax != nullptr;
#define TORCHNODE_ADAM_CASE(MAX, DECAY, AMS) \
  if (s.maximize == MAX && decay == DECAY && ams == AMS) return AdamTensorAs<T, MAX, DECAY, AMS>(p, g, m, v, vmax, n, s);
  TORCHNODE_ADAM_CASE(false, 0, false)
  TORCHNODE_ADAM_CASE(false, 1, false)
  TORCHNODE_ADAM_CASE(false, 2, false)
  TORCHNODE_ADAM_CASE(false, 0, true)
  TORCHNODE_ADAM_CASE(false, 1, true)
  TORCHNODE_ADAM_CASE(false, 2, true)
  TORCHNODE_ADAM_CASE(true, 0, false)
  TORCHNODE_ADAM_CASE(true, 1, false)
  TORCHNODE_ADAM_CASE(true, 2, false)
  TORCHNODE_ADAM_CASE(true, 0, true)
  TORCHNODE_ADAM_CASE(true, 1, true)
  TORCHNODE_ADAM_CASE(true, 2, true)
#undef TORCHNODE_ADAM_CASE
}

void AdamCpu(at::TensorList params, at::TensorList grads, at::TensorList exp_avgs, at::TensorList exp_avg_sqs,
             at::TensorList max_exp_avg_sqs, c10::ArrayRef<int64_t> steps, double lr, double beta1, double beta2,
             double weight_decay, double eps, bool amsgrad, bool maximize, bool decoupled) {
  CheckAdam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, amsgrad, at::kCPU);
  for (size_t i = 0; i < params.size(); ++i) {
    const AdamScalars s = MakeAdamScalars(steps[i], lr, beta1, beta2, weight_decay, eps, maximize, decoupled);
    const at::Tensor g = grads[i].contiguous();
    AT_DISPATCH_FLOATING_TYPES(params[i].scalar_type(), "adam_", [&] {
      AdamTensor<scalar_t>(params[i].data_ptr<scalar_t>(), g.data_ptr<scalar_t>(), exp_avgs[i].data_ptr<scalar_t>(),
                           exp_avg_sqs[i].data_ptr<scalar_t>(),
                           amsgrad ? max_exp_avg_sqs[i].data_ptr<scalar_t>() : nullptr, params[i].numel(), s);
    });
  }
}

// Autograd for bias_gelu: forward runs the device kernel below autograd, backward calls
// bias_gelu_backward through the dispatcher (so it too runs fused on CUDA).
class BiasGeluFunction : public torch::autograd::Function<BiasGeluFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& bias,
                            c10::string_view approximate) {
    ctx->save_for_backward({input, bias});
    ctx->saved_data["approximate"] = std::string(approximate);
    at::AutoDispatchBelowADInplaceOrView guard;
    static auto op = c10::Dispatcher::singleton()
                         .findSchemaOrThrow("torchnode::bias_gelu", "")
                         .typed<at::Tensor(const at::Tensor&, const at::Tensor&, c10::string_view)>();
    return op.call(input, bias, approximate);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const std::string approximate = ctx->saved_data["approximate"].toStringRef();
    static auto op = c10::Dispatcher::singleton()
                         .findSchemaOrThrow("torchnode::bias_gelu_backward", "")
                         .typed<std::tuple<at::Tensor, at::Tensor>(const at::Tensor&, const at::Tensor&,
                                                                   const at::Tensor&, c10::string_view)>();
    auto [grad_input, grad_bias] = op.call(grads[0], saved[0], saved[1], approximate);
    return {grad_input, grad_bias, at::Tensor()};
  }
};

at::Tensor BiasGeluAutograd(const at::Tensor& input, const at::Tensor& bias, c10::string_view approximate) {
  return BiasGeluFunction::apply(input, bias, approximate);
}

}  // namespace

void CheckBiasGelu(const at::Tensor& input, const at::Tensor& bias) {
  TORCH_CHECK_VALUE(bias.dim() == 1, "bias_gelu(): bias must be 1-D, got shape ", bias.sizes());
  TORCH_CHECK_VALUE(input.dim() >= 1 && input.size(-1) == bias.size(0), "bias_gelu(): input's last dimension (",
                    input.dim() >= 1 ? input.size(-1) : 0, ") must match bias (", bias.size(0), ")");
  TORCH_CHECK_TYPE(input.scalar_type() == bias.scalar_type(), "bias_gelu(): input is ", input.scalar_type(),
                   " but bias is ", bias.scalar_type());
  TORCH_CHECK(input.device() == bias.device(), "bias_gelu(): input is on ", input.device(), " but bias is on ",
              bias.device());
}

at::Tensor BiasGrad(const at::Tensor& grad_input, const at::Tensor& bias) {
  return grad_input.reshape({-1, bias.size(0)}).sum(0);
}

void CheckAdam(at::TensorList params, at::TensorList grads, at::TensorList exp_avgs, at::TensorList exp_avg_sqs,
               at::TensorList max_exp_avg_sqs, c10::ArrayRef<int64_t> steps, bool amsgrad, at::DeviceType device) {
  const size_t n = params.size();
  TORCH_CHECK_VALUE(grads.size() == n && exp_avgs.size() == n && exp_avg_sqs.size() == n && steps.size() == n,
                    "adam_(): params, grads, exp_avgs, exp_avg_sqs and steps must have the same length");
  TORCH_CHECK_VALUE(!amsgrad || max_exp_avg_sqs.size() == n,
                    "adam_(): amsgrad needs one max_exp_avg_sqs tensor per parameter");
  for (size_t i = 0; i < n; ++i) {
    const at::Tensor& p = params[i];
    TORCH_CHECK(p.device().type() == device, "adam_(): parameter ", i, " is on ", p.device());
    TORCH_CHECK_TYPE(at::isFloatingType(p.scalar_type()), "adam_(): parameter ", i, " is ", p.scalar_type(),
                     "; only floating-point parameters can be updated");
    TORCH_CHECK(p.is_contiguous() && exp_avgs[i].is_contiguous() && exp_avg_sqs[i].is_contiguous(),
                "adam_(): parameter ", i, " and its state must be contiguous");
    for (const at::Tensor* t : {&grads[i], &exp_avgs[i], &exp_avg_sqs[i]}) {
      TORCH_CHECK_VALUE(t->sizes() == p.sizes(), "adam_(): tensor for parameter ", i, " has shape ", t->sizes(),
                        ", expected ", p.sizes());
      TORCH_CHECK_TYPE(t->scalar_type() == p.scalar_type(), "adam_(): tensor for parameter ", i, " is ",
                       t->scalar_type(), ", expected ", p.scalar_type());
      TORCH_CHECK(t->device() == p.device(), "adam_(): tensor for parameter ", i, " is on ", t->device());
    }
    if (amsgrad) {
      const at::Tensor& mx = max_exp_avg_sqs[i];
      TORCH_CHECK_VALUE(mx.sizes() == p.sizes() && mx.scalar_type() == p.scalar_type() && mx.is_contiguous() &&
                            mx.device() == p.device(),
                        "adam_(): max_exp_avg_sqs[", i, "] must match its parameter");
    }
    TORCH_CHECK_VALUE(steps[i] >= 1, "adam_(): steps must be >= 1 (the step being taken), got ", steps[i]);
  }
}

AdamScalars MakeAdamScalars(int64_t step, double lr, double beta1, double beta2, double weight_decay, double eps,
                            bool maximize, bool decoupled) {
  AdamScalars s;
  s.lr = lr;
  s.beta1 = beta1;
  s.beta2 = beta2;
  s.weight_decay = weight_decay;
  s.eps = eps;
  s.maximize = maximize;
  s.decoupled = decoupled;
  s.step_size = lr / (1 - std::pow(beta1, static_cast<double>(step)));
  s.bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(step)));
  return s;
}

}  // namespace fused
}  // namespace torchnode

TORCH_LIBRARY(torchnode, m) {
  m.def("normalize_images(Tensor images, float[] mean, float[] std, ScalarType? dtype=None) -> Tensor");
  m.def("bias_gelu(Tensor input, Tensor bias, str approximate='none') -> Tensor");
  m.def("bias_gelu_backward(Tensor grad, Tensor input, Tensor bias, str approximate='none') -> (Tensor, Tensor)");
  m.def(
      "adam_(Tensor(a!)[] params, Tensor[] grads, Tensor(b!)[] exp_avgs, Tensor(c!)[] exp_avg_sqs, "
      "Tensor(d!)[] max_exp_avg_sqs, int[] steps, float lr, float beta1, float beta2, float weight_decay, "
      "float eps, bool amsgrad=False, bool maximize=False, bool decoupled_weight_decay=False) -> ()");
}

TORCH_LIBRARY_IMPL(torchnode, CPU, m) {
  m.impl("normalize_images", &torchnode::fused::NormalizeImagesCpu);
  m.impl("bias_gelu", &torchnode::fused::BiasGeluCpu);
  m.impl("bias_gelu_backward", &torchnode::fused::BiasGeluBackwardCpu);
  m.impl("adam_", &torchnode::fused::AdamCpu);
}

TORCH_LIBRARY_IMPL(torchnode, Autograd, m) {
  m.impl("bias_gelu", &torchnode::fused::BiasGeluAutograd);
}
