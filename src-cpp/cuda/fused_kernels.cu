// CUDA kernels of torchnode's fused operators (schemas, checks and CPU kernels: ../fused.cc).
// Every launch goes to the current stream, so torch.cuda.withStream() and streams in general
// order them like any LibTorch op. Only c10/cuda headers (not ATen/cuda, which needs cuBLAS and
// cuSPARSE headers), so scripts/cuda-check.sh compiles this with nvcc alone.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/library.h>

#include <cmath>
#include <map>

#include "../fused.h"

namespace torchnode {
namespace fused {
namespace {

constexpr int kThreads = 256;

int64_t Blocks(int64_t n) { return std::max<int64_t>(1, std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

// Elementwise kernels index with 32-bit unsigned arithmetic when the tensor allows: a 64-bit
// division or remainder is a long instruction sequence on the GPU, and these kernels take one
// per element (pixel -> image and position, element -> bias column).
template <typename F>
void WithIndexType(int64_t n, F&& launch) {
  if (n <= static_cast<int64_t>(UINT32_MAX) / 2) {
    launch(uint32_t{});
  } else {
    launch(int64_t{});
  }
}

// V elements moved as one aligned load or store (16 bytes for float32 x 4).
template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

bool Aligned(const void* p, size_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

// ---- normalize_images: each thread takes V consecutive pixels of one image row-major plane,
// reading their C*V bytes once and writing V values to each of the C planes.
constexpr int kMaxImageChannels = 16;
struct ChannelAffine {
  float scale[kMaxImageChannels];
  float shift[kMaxImageChannels];
};

template <typename T, int V, typename Index>
__global__ void NormalizeImagesKernel(const uint8_t* __restrict__ src, T* __restrict__ dst, Index groups,
                                      Index plane, int channels, ChannelAffine affine) {
  // plane % V == 0, so a group of V pixels never straddles two images.
  for (Index g = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; g < groups;
       g += static_cast<Index>(gridDim.x) * blockDim.x) {
    const Index i = g * V;
    const Index img = i / plane, pos = i - img * plane;
    const uint8_t* px = src + static_cast<int64_t>(i) * channels;
    T* out = dst + static_cast<int64_t>(img) * channels * plane + pos;
    for (int k = 0; k < channels; ++k) {
      Pack<T, V> o;
#pragma unroll
      for (int j = 0; j < V; ++j) {
        o.v[j] = static_cast<T>(affine.scale[k] * static_cast<float>(px[j * channels + k]) + affine.shift[k]);
      }
      *reinterpret_cast<Pack<T, V>*>(out + static_cast<int64_t>(k) * plane) = o;
    }
  }
}

at::Tensor NormalizeImagesCuda(const at::Tensor& images, c10::ArrayRef<double> mean, c10::ArrayRef<double> std,
                               c10::optional<at::ScalarType> dtype) {
  CheckNormalizeImages(images, mean, std);
  const int64_t c = images.size(3);
  TORCH_CHECK_VALUE(c <= kMaxImageChannels, "normalize_images(): at most ", kMaxImageChannels,
                    " channels on CUDA, got ", c);
  c10::cuda::CUDAGuard guard(images.device());
  const at::Tensor in = images.contiguous();
  const int64_t n = in.size(0), h = in.size(1), w = in.size(2);
  at::Tensor out = at::empty({n, c, h, w}, in.options().dtype(ImagesOutDtype(dtype)));
  if (out.numel() == 0) return out;
  ChannelAffine affine{};
  for (int64_t k = 0; k < c; ++k) {
    affine.scale[k] = static_cast<float>(1.0 / (255.0 * std[k]));
    affine.shift[k] = static_cast<float>(-mean[k] / std[k]);
  }
  const int64_t pixels = n * h * w, plane = h * w;
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "normalize_images", [&] {
    constexpr int V = 4;
    const bool packed = plane % V == 0 && Aligned(out.data_ptr(), sizeof(scalar_t) * V);
    WithIndexType(out.numel(), [&](auto index) {
      using Index = decltype(index);
      if (packed) {
        NormalizeImagesKernel<scalar_t, V, Index><<<Blocks(pixels / V), kThreads, 0, stream>>>(
            in.data_ptr<uint8_t>(), out.data_ptr<scalar_t>(), pixels / V, plane, static_cast<int>(c), affine);
      } else {
        NormalizeImagesKernel<scalar_t, 1, Index><<<Blocks(pixels), kThreads, 0, stream>>>(
            in.data_ptr<uint8_t>(), out.data_ptr<scalar_t>(), pixels, plane, static_cast<int>(c), affine);
      }
    });
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

// ---- bias_gelu: gelu(x + bias[i % C]) and its derivative, as ATen's GeLU kernels compute them.
template <typename T>
__device__ T GeluForward(T v, bool tanh_approx) {
  if (tanh_approx) {
    const T kBeta = static_cast<T>(M_SQRT2 * M_2_SQRTPI * 0.5);
    const T kKappa = static_cast<T>(0.044715);
    const T inner = kBeta * (v + kKappa * v * v * v);
    return static_cast<T>(0.5) * v * (static_cast<T>(1) + tanh(inner));
  }
  return v * static_cast<T>(0.5) * (static_cast<T>(1) + erf(v * static_cast<T>(M_SQRT1_2)));
}

template <typename T>
__device__ T GeluDerivative(T v, bool tanh_approx) {
  if (tanh_approx) {
    const T kBeta = static_cast<T>(M_SQRT2 * M_2_SQRTPI * 0.5);
    const T kKappa = static_cast<T>(0.044715);
    const T x_sq = v * v;
    const T tanh_inner = tanh(kBeta * (v + kKappa * x_sq * v));
    const T left = static_cast<T>(0.5) * v;
    const T right = static_cast<T>(1) + tanh_inner;
    return static_cast<T>(0.5) * right +
           left * (static_cast<T>(1) - tanh_inner * tanh_inner) * kBeta * (static_cast<T>(1) + static_cast<T>(3) * kKappa * x_sq);
  }
  const T cdf = static_cast<T>(0.5) * (static_cast<T>(1) + erf(v * static_cast<T>(M_SQRT1_2)));
  const T pdf = exp(static_cast<T>(-0.5) * v * v) * static_cast<T>(M_2_SQRTPI * M_SQRT1_2 * 0.5);
  return cdf + v * pdf;
}

// Both directions in one kernel: V elements per thread, one remainder per V (C % V == 0, so the
// V elements share a row and read V consecutive bias values). grad == nullptr is the forward.
template <typename T, int V, typename Index>
__global__ void BiasGeluKernel(const T* __restrict__ grad, const T* __restrict__ x, const T* __restrict__ bias,
                               T* __restrict__ out, Index groups, Index c, bool tanh_approx) {
  using acc_t = at::opmath_type<T>;
  using P = Pack<T, V>;
  for (Index g = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; g < groups;
       g += static_cast<Index>(gridDim.x) * blockDim.x) {
    const P xv = reinterpret_cast<const P*>(x)[g];
    const P bv = *reinterpret_cast<const P*>(bias + (g * V) % c);
    P o;
    if (grad == nullptr) {
#pragma unroll
      for (int j = 0; j < V; ++j) {
        o.v[j] = static_cast<T>(GeluForward<acc_t>(static_cast<acc_t>(xv.v[j]) + static_cast<acc_t>(bv.v[j]), tanh_approx));
      }
    } else {
      const P gv = reinterpret_cast<const P*>(grad)[g];
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const acc_t v = static_cast<acc_t>(xv.v[j]) + static_cast<acc_t>(bv.v[j]);
        o.v[j] = static_cast<T>(static_cast<acc_t>(gv.v[j]) * GeluDerivative<acc_t>(v, tanh_approx));
      }
    }
    reinterpret_cast<P*>(out)[g] = o;
  }
}

bool TanhApprox(c10::string_view approximate) {
  TORCH_CHECK_VALUE(approximate == "none" || approximate == "tanh",
                    "bias_gelu(): approximate must be 'none' or 'tanh', got '", std::string(approximate), "'");
  return approximate == "tanh";
}

// Launches BiasGeluKernel on contiguous tensors: 16-byte packs where the row length and the
// pointers allow, one element per step otherwise.
void LaunchBiasGelu(const at::Tensor* grad, const at::Tensor& x, const at::Tensor& b, at::Tensor& out,
                    bool tanh_approx) {
  const int64_t n = x.numel(), c = b.numel();
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "bias_gelu", [&] {
    constexpr int V = 16 / sizeof(scalar_t) > 0 ? 16 / sizeof(scalar_t) : 1;
    const scalar_t* g = grad == nullptr ? nullptr : grad->data_ptr<scalar_t>();
    constexpr size_t kPack = sizeof(scalar_t) * V;
    const bool packed = c % V == 0 && Aligned(x.data_ptr(), kPack) && Aligned(b.data_ptr(), kPack) &&
                        Aligned(out.data_ptr(), kPack) && (g == nullptr || Aligned(g, kPack));
    WithIndexType(n, [&](auto index) {
      using Index = decltype(index);
      if (packed) {
        BiasGeluKernel<scalar_t, V, Index><<<Blocks(n / V), kThreads, 0, stream>>>(
            g, x.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), n / V, c, tanh_approx);
      } else {
        BiasGeluKernel<scalar_t, 1, Index><<<Blocks(n), kThreads, 0, stream>>>(
            g, x.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), n, c, tanh_approx);
      }
    });
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

at::Tensor BiasGeluCuda(const at::Tensor& input, const at::Tensor& bias, c10::string_view approximate) {
  CheckBiasGelu(input, bias);
  const bool tanh_approx = TanhApprox(approximate);
  c10::cuda::CUDAGuard guard(input.device());
  const at::Tensor x = input.contiguous(), b = bias.contiguous();
  at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous);
  if (x.numel() > 0) LaunchBiasGelu(nullptr, x, b, out, tanh_approx);
  return out;
}

std::tuple<at::Tensor, at::Tensor> BiasGeluBackwardCuda(const at::Tensor& grad, const at::Tensor& input,
                                                        const at::Tensor& bias, c10::string_view approximate) {
  CheckBiasGelu(input, bias);
  const bool tanh_approx = TanhApprox(approximate);
  c10::cuda::CUDAGuard guard(input.device());
  const at::Tensor g = grad.contiguous(), x = input.contiguous(), b = bias.contiguous();
  at::Tensor grad_in = at::empty_like(x, at::MemoryFormat::Contiguous);
  if (x.numel() > 0) LaunchBiasGelu(&g, x, b, grad_in, tanh_approx);
  return {grad_in, BiasGrad(grad_in, bias)};
}

// ---- adam_: many parameters per launch. The tensor table travels in the kernel's arguments
// (under CUDA's 4 KB limit), each block takes one chunk of one tensor; a list longer than the
// table takes a few launches.
constexpr int kAdamTensors = 24;
constexpr int kAdamBlocks = 320;
constexpr int64_t kAdamChunk = 16384;

struct AdamTable {
  void* p[kAdamTensors];
  const void* g[kAdamTensors];
  void* m[kAdamTensors];
  void* v[kAdamTensors];
  void* vmax[kAdamTensors];
  int64_t n[kAdamTensors];
  double step_size[kAdamTensors];
  double bias_correction2_sqrt[kAdamTensors];
  uint8_t tensor_of_block[kAdamBlocks];
  int32_t chunk_of_block[kAdamBlocks];
};

struct AdamHyper {
  double lr, beta1, beta2, weight_decay, eps;
  bool amsgrad, maximize, decoupled;
};

template <typename T>
__global__ void AdamKernel(AdamTable table, AdamHyper hp) {
  using acc_t = at::opmath_type<T>;
  const int t = table.tensor_of_block[blockIdx.x];
  const int64_t begin = static_cast<int64_t>(table.chunk_of_block[blockIdx.x]) * kAdamChunk;
  const int64_t end = min(begin + kAdamChunk, table.n[t]);
  T* p = static_cast<T*>(table.p[t]);
  const T* g = static_cast<const T*>(table.g[t]);
  T* m = static_cast<T*>(table.m[t]);
  T* v = static_cast<T*>(table.v[t]);
  T* vmax = static_cast<T*>(table.vmax[t]);
  const acc_t b1 = hp.beta1, b2 = hp.beta2, decay = 1 - hp.lr * hp.weight_decay, wd = hp.weight_decay;
  const acc_t one_minus_b1 = 1 - hp.beta1, one_minus_b2 = 1 - hp.beta2, eps = hp.eps;
  const acc_t bc2 = table.bias_correction2_sqrt[t], step = -table.step_size[t];
  for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
    acc_t grad = static_cast<acc_t>(g[i]);
    if (hp.maximize) grad = -grad;
    acc_t param = static_cast<acc_t>(p[i]);
    if (hp.weight_decay != 0) {
      if (hp.decoupled) param = param * decay;
      else grad = grad + wd * param;
    }
    const acc_t mi = static_cast<acc_t>(m[i]) * b1 + grad * one_minus_b1;
    const acc_t vi = static_cast<acc_t>(v[i]) * b2 + one_minus_b2 * (grad * grad);
    m[i] = static_cast<T>(mi);
    v[i] = static_cast<T>(vi);
    acc_t second = vi;
    if (hp.amsgrad) {
      second = max(static_cast<acc_t>(vmax[i]), vi);
      vmax[i] = static_cast<T>(second);
    }
    const acc_t denom = sqrt(second) / bc2 + eps;
    p[i] = static_cast<T>(param + step * (mi / denom));
  }
}

template <typename T>
void LaunchAdam(const std::vector<size_t>& idx, at::TensorList params, at::TensorList grads, at::TensorList exp_avgs,
                at::TensorList exp_avg_sqs, at::TensorList max_exp_avg_sqs, c10::ArrayRef<int64_t> steps,
                const AdamHyper& hp, cudaStream_t stream) {
  AdamTable table{};
  int tensors = 0, blocks = 0;
  auto flush = [&] {
    if (blocks > 0) {
      AdamKernel<T><<<blocks, kThreads, 0, stream>>>(table, hp);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    }
    tensors = 0;
    blocks = 0;
  };
  for (size_t i : idx) {
    const int64_t n = params[i].numel();
    if (n == 0) continue;
    const AdamScalars s =
        MakeAdamScalars(steps[i], hp.lr, hp.beta1, hp.beta2, hp.weight_decay, hp.eps, hp.maximize, hp.decoupled);
    int slot = -1;
    for (int64_t c = 0, chunks = (n + kAdamChunk - 1) / kAdamChunk; c < chunks; ++c) {
      if (blocks == kAdamBlocks) flush();
      // A new tensor, or the rest of this one after a full table went out: take a slot.
      if (slot < 0 || tensors == 0) {
        if (tensors == kAdamTensors) flush();
        slot = tensors++;
        table.p[slot] = params[i].data_ptr();
        table.g[slot] = grads[i].data_ptr();
        table.m[slot] = exp_avgs[i].data_ptr();
        table.v[slot] = exp_avg_sqs[i].data_ptr();
        table.vmax[slot] = hp.amsgrad ? max_exp_avg_sqs[i].data_ptr() : nullptr;
        table.n[slot] = n;
        table.step_size[slot] = s.step_size;
        table.bias_correction2_sqrt[slot] = s.bias_correction2_sqrt;
      }
      table.tensor_of_block[blocks] = static_cast<uint8_t>(slot);
      table.chunk_of_block[blocks] = static_cast<int32_t>(c);
      ++blocks;
    }
  }
  flush();
}

void AdamCuda(at::TensorList params, at::TensorList grads, at::TensorList exp_avgs, at::TensorList exp_avg_sqs,
              at::TensorList max_exp_avg_sqs, c10::ArrayRef<int64_t> steps, double lr, double beta1, double beta2,
              double weight_decay, double eps, bool amsgrad, bool maximize, bool decoupled) {
  CheckAdam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, amsgrad, at::kCUDA);
  if (params.empty()) return;
  const AdamHyper hp{lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, decoupled};
  // One launch series per (device, dtype), as PyTorch's foreach/fused optimizers group them.
  std::map<std::pair<int, int>, std::vector<size_t>> groups;
  for (size_t i = 0; i < params.size(); ++i) {
    TORCH_CHECK(grads[i].is_contiguous(), "adam_(): gradient ", i, " must be contiguous on CUDA");
    groups[{params[i].get_device(), static_cast<int>(params[i].scalar_type())}].push_back(i);
  }
  for (const auto& group : groups) {
    const std::vector<size_t>& idx = group.second;
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(group.first.first));
    cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, static_cast<at::ScalarType>(group.first.second), "adam_", [&] {
      LaunchAdam<scalar_t>(idx, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, hp, stream);
    });
  }
}

}  // namespace
}  // namespace fused
}  // namespace torchnode

TORCH_LIBRARY_IMPL(torchnode, CUDA, m) {
  m.impl("normalize_images", &torchnode::fused::NormalizeImagesCuda);
  m.impl("bias_gelu", &torchnode::fused::BiasGeluCuda);
  m.impl("bias_gelu_backward", &torchnode::fused::BiasGeluBackwardCuda);
  m.impl("adam_", &torchnode::fused::AdamCuda);
}
