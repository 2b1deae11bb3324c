// Stand-in for the header a CUDA LibTorch build generates (a CPU LibTorch ships c10/cuda/* without
// it). Used only by scripts/cuda-check.sh to compile-check src-cpp/cuda/ against CPU LibTorch headers.
#pragma once
