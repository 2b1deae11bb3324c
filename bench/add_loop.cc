// The floor for per-op cost: the same adds in a C++ loop over the same LibTorch.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

static double PerOp(int64_t n, int iters) {
  at::Tensor a = at::ones({n}), b = at::ones({n});
  for (int i = 0; i < 1000 && i < iters; ++i) at::add(a, b);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iters; ++i) at::add(a, b);
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / iters;
}

int main(int argc, char** argv) {
  at::set_num_threads(argc > 1 ? std::atoi(argv[1]) : 1);
  std::printf("{\"add1\": %f, \"add1k\": %f, \"add1m\": %f}\n", PerOp(1, 300000), PerOp(1000, 200000), PerOp(1000000, 300));
}
