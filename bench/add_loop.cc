// The floor for per-op cost: the same adds in a C++ loop over the same LibTorch.
//   torchnode-add-loop [threads] [device]     (device: cpu or cuda; prints one JSON line)
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

static double PerOp(const at::TensorOptions& options, int64_t n, int iters) {
  at::Tensor a = at::ones({n}, options), b = at::ones({n}, options);
  for (int i = 0; i < 1000 && i < iters; ++i) at::add(a, b);
  (void)a.sum().item<float>();  // on a GPU, the warm-up has run before the clock starts
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iters; ++i) at::add(a, b);
  (void)a.sum().item<float>();  // ... and the timed adds have finished before it stops
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / iters;
}

int main(int argc, char** argv) {
  at::set_num_threads(argc > 1 ? std::atoi(argv[1]) : 1);
  const at::TensorOptions options = at::TensorOptions().device(at::Device(argc > 2 ? argv[2] : "cpu"));
  std::printf("{\"add1\": %f, \"add1k\": %f, \"add1m\": %f}\n", PerOp(options, 1, 300000), PerOp(options, 1000, 200000),
              PerOp(options, 1000000, 300));
}
