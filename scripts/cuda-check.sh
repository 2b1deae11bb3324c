#!/usr/bin/env bash
# Compile-checks torchnode's CUDA sources without a GPU or a CUDA LibTorch: every file in
# src-cpp/cuda/, plus the files that change under TORCHNODE_WITH_CUDA, compiled (not linked) by
# nvcc against the LibTorch headers found, with a stand-in (scripts/cuda-stand-in/) for the
# generated header only a CUDA LibTorch ships. Skips, and says so, where there is no nvcc.
#   bash scripts/cuda-check.sh [files]   (CI runs it; under a minute per file on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

NVCC=${NVCC:-$(command -v nvcc || true)}
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
if [ -z "$NVCC" ]; then
  echo "cuda-check: skipped (no nvcc on this machine)"
  exit 0
fi
CUDA_HOME=${CUDA_HOME:-$(cd "$(dirname "$(readlink -f "$NVCC")")/.." && pwd)}

# TORCH_INCLUDE_DIRS / TORCH_CXX_STANDARD check against other headers (scripts/header-check.sh).
read -r -a INC <<<"${TORCH_INCLUDE_DIRS:-$(node scripts/build-config.js include-dirs)}"
read -r -a DEFS <<<"$(node scripts/build-config.js defines)"
STD=${TORCH_CXX_STANDARD:-$(node scripts/find-libtorch.js --cxx-standard)}
FLAGS=(-std=c++"$STD" --expt-relaxed-constexpr -c -o /dev/null -DTORCHNODE_WITH_CUDA '-DTORCHNODE_CUDA_VERSION="check"' -Iscripts/cuda-stand-in
  -I"$CUDA_HOME/include" -Xcompiler -Wno-deprecated-declarations)
for i in "${INC[@]}"; do FLAGS+=(-I"$i"); done
for d in "${DEFS[@]}"; do FLAGS+=(-D"$d"); done

# Node's headers, for the N-API files that include cuda/runtime.h.
FLAGS+=(-I"$(node -p "require('path').join(require.resolve('node-api-headers/package.json'), '..', 'include')")")

FILES=("$@")
[ ${#FILES[@]} -eq 0 ] && FILES=(src-cpp/cuda/*.cu src-cpp/cuda/*.cc $(grep -l 'TORCHNODE_WITH_CUDA\|cuda/runtime.h' src-cpp/*.cc || true))
echo "cuda-check: $("$NVCC" --version | tail -1) against ${TORCH_HEADERS_NAME:-LibTorch $(node scripts/find-libtorch.js --version)} headers (C++$STD)"
for f in "${FILES[@]}"; do
  start=$(date +%s)
  if [[ $f == *.cu ]]; then "$NVCC" "${FLAGS[@]}" "$f"; else "$NVCC" -x cu "${FLAGS[@]}" "$f"; fi
  echo "  ok  $f ($(($(date +%s) - start)) s)"
done
