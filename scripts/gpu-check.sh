#!/usr/bin/env bash
# The GPU check: builds torchnode against the machine's CUDA PyTorch (plain cmake; the GPU machine
# has no npm), runs the CUDA cases (test/cuda/run.js) and the GPU benchmarks side by side with
# that machine's Python PyTorch (bench/gpu.js). Results go to $OUT (or ./gpu-out).
#
#   bash scripts/gpu-check.sh pack     here: build dist/ and pack node into .gpu/ (both ignored)
#   then run on the GPU machine, carrying: .gpu dist node_modules/node-addon-api
#     node_modules/node-api-headers node_modules/node-gyp-build node_modules/fflate
#   bash scripts/gpu-check.sh          there: build, test, bench (a few minutes on an H100)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = pack ]; then
  npm run -s build:ts
  mkdir -p .gpu
  xz -T2 -c "$(command -v node)" >.gpu/node.xz
  echo "packed: .gpu/node.xz ($(du -h .gpu/node.xz | cut -f1)), dist/ built"
  exit 0
fi

OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu-check.log") 2>&1

# A node for this machine: the packed one, unless one is installed.
if ! command -v node >/dev/null; then
  mkdir -p /tmp/torchnode-node
  xz -dc .gpu/node.xz >/tmp/torchnode-node/node
  chmod +x /tmp/torchnode-node/node
  export PATH=/tmp/torchnode-node:$PATH
fi
echo "== $(node --version), $(python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null || echo 'no PyTorch in python3')"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'

# CMake finds nvcc on PATH or through CUDACXX.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH CUDACXX=/usr/local/cuda/bin/nvcc
fi

echo "== build (cmake against the Python PyTorch's LibTorch; CUDA on when it has CUDA)"
start=$(date +%s)
NAPI_INC=$(node -p "require('path').join(require.resolve('node-api-headers/package.json'), '..', 'include')")
# With ninja, -k 0 reports every failing file in one run (a device run is too short to iterate).
GEN=(); KEEP=(); command -v ninja >/dev/null && GEN=(-G Ninja) && KEEP=(-- -k 0)
cmake -S . -B build-gpu "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_JS_INC="$NAPI_INC" \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$PWD/build/Release" >"$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
cmake --build build-gpu -j "$(nproc)" "${KEEP[@]}" >>"$OUT/build.log" 2>&1 || { grep -E "error|Error" -A5 "$OUT/build.log" | head -150; exit 1; }
grep -E "torchnode: LibTorch" "$OUT/build.log" || true
echo "built in $(($(date +%s) - start)) s"
node -e "const t=require('./dist'); console.log('torch.version', JSON.stringify(t.version), 'cuda available', t.cuda.isAvailable(), t.cuda.deviceCount() ? t.cuda.getDeviceName() : '')"

echo "== CUDA cases"
status=0
timeout 180 node test/cuda/run.js || status=1  # a hung case must not eat the device time

echo "== GPU benchmarks (torchnode vs Python PyTorch, same machine)"
timeout 330 node bench/gpu.js --json "$OUT/gpu-bench.json" || status=1
exit $status
