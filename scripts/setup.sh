#!/usr/bin/env bash
# Sets up torchnode on a fresh Debian/Ubuntu machine: system packages that are missing, npm
# dependencies, the native addon and the TypeScript build. Each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# libtorch-dev: LibTorch itself. libopenblas0-openmp: without an optimized BLAS Debian's LibTorch
# runs the reference BLAS (32x slower matmul, measured); OpenBLAS's OpenMP build shares LibTorch's
# OpenMP threads, where the pthread build brings a second pool that fights them for the cores (an
# MLP 784-1024-1024-10 batch-512 training step: 126 ms with pthread, 53-63 ms with openmp, 2 threads). python3-torch: the same LibTorch for Python, the
# reference that test fixtures and benchmarks compare against (python3-torchvision: resnet18 for the
# TorchScript tests and benchmarks). dataset-fashion-mnist: the training
# example's data (and a dataset test). cmake/g++/make: the build.
PKGS=(libtorch-dev libopenblas0-openmp python3-torch python3-torchvision dataset-fashion-mnist cmake g++ make)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(none); fi
  if [ "${SUDO[0]:-}" = none ]; then
    say "missing system packages: ${missing[*]}"
    say "install them as root: apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing system packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "system packages present: ${PKGS[*]}"
fi

# Where another alternative outranks it (the pthread OpenBLAS, installed before), make the OpenMP
# OpenBLAS the live libblas.so.3, liblapack.so.3 and libopenblas.so.0 (LibTorch links all three,
# and any one of them brings the whole OpenBLAS). Needs root; otherwise say how.
ARCH=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  alt=$lib-$ARCH
  want=$(update-alternatives --list "$alt" 2>/dev/null | grep openblas-openmp || true)
  [ -n "$want" ] && [ "$(readlink -f "/etc/alternatives/$alt")" != "$(readlink -f "$want")" ] || continue
  if [ "$(id -u)" = 0 ]; then
    say "selecting the OpenMP OpenBLAS as $lib (update-alternatives)"
    update-alternatives --quiet --set "$alt" "$want"
  else
    say "another $lib is live; for full speed run: sudo update-alternatives --set $alt $want"
  fi
done

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  # --ignore-scripts: the addon is built below with cmake-js, not by the install hook.
  npm ci --ignore-scripts --no-audit --no-fund
else
  say "npm dependencies up to date"
fi

say "building the native addon (cmake-js; incremental)"
npx cmake-js compile --out build >build-native.log 2>&1 || { tail -50 build-native.log; exit 1; }
say "building TypeScript (dist/)"
npm run --silent build:ts
node -e "const t=require('./dist');const c=t.config();console.log('[setup] torchnode '+t.version.torchnode+' on LibTorch '+t.version.libtorch+', BLAS: '+c.blas.name+', threads: '+c.numThreads)"
