#!/usr/bin/env bash
# Compile-checks torchnode's C++ (and, with nvcc, its CUDA code) against a newer LibTorch's
# headers than the one it is built with, so an API that a later release changed or removed shows
# before anyone builds against it (the GPU machine's PyTorch, a user's LibTorch zip). The headers
# come from Debian's libtorch-dev package of the given suite (default: unstable, the newest
# LibTorch Debian has), fetched from deb.debian.org and unpacked under $TMPDIR; nothing is
# installed. Without network access, or if the package cannot be found, it says so and skips.
#   bash scripts/header-check.sh [suite]     (CI runs it; a few minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE=${1:-unstable}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${TMPDIR:-/tmp}/torchnode-headers
mkdir -p "$CACHE"

skip() {
  echo "header-check: skipped ($1)"
  exit 0
}

# The suite's package index names the current libtorch-dev .deb.
index=$(curl -fsSL --max-time 120 "$MIRROR/dists/$SUITE/main/binary-amd64/Packages.xz" | xz -dc 2>/dev/null |
  awk '/^Package: /{p=$2} p=="libtorch-dev" && /^(Version|Filename): /{print $2}') ||
  skip "could not read $MIRROR/dists/$SUITE"
read -r VERSION FILE <<<"$(echo $index)"
[ -n "${FILE:-}" ] || skip "no libtorch-dev in $SUITE"
PREFIX=$CACHE/$VERSION
if [ ! -d "$PREFIX/usr/include/torch" ]; then
  curl -fsSL --max-time 300 -o "$CACHE/libtorch-dev.deb" "$MIRROR/$FILE" || skip "could not download $FILE"
  rm -rf "$PREFIX" && mkdir -p "$PREFIX"
  dpkg-deb -x "$CACHE/libtorch-dev.deb" "$PREFIX"
  rm -f "$CACHE/libtorch-dev.deb"
fi
INCLUDE=$PREFIX/usr/include
CONFIG=$(find "$PREFIX" -name TorchConfig.cmake | head -1)
# The language level as the builds read it (scripts/find-libtorch.js).
STD=$(node -e "const fs = require('fs'); process.stdout.write(String(require('./scripts/find-libtorch').cxxStandardOf(fs.readFileSync(process.argv[1], 'utf8'))))" "$CONFIG")
echo "header-check: LibTorch $VERSION headers ($SUITE), C++$STD"

# Every LibTorch header torchnode includes must exist there: the compiler would otherwise fall back
# on the system LibTorch's copy in /usr/include and hide the difference.
missing=0
for h in $(grep -ohE '#include <(ATen|c10|torch|caffe2)/[^>]+>' src-cpp/*.cc src-cpp/*.h src-cpp/cuda/* | sort -u |
  sed -E 's/#include <(.*)>/\1/'); do
  if [ ! -f "$INCLUDE/$h" ] && [ ! -f "$INCLUDE/torch/csrc/api/include/$h" ] && [ ! -f "scripts/cuda-stand-in/$h" ]; then
    # CUDA-only headers (c10/cuda, ATen/cuda) ship with a CUDA LibTorch; only the CPU ones must be here.
    case $h in c10/cuda/* | ATen/cuda/*) [ -d "$INCLUDE/c10/cuda" ] || continue ;; esac
    echo "  missing: <$h>"
    missing=1
  fi
done
[ $missing = 0 ] || exit 1

NAPI_INC=$(node -p "require('path').join(require.resolve('node-api-headers/package.json'), '..', 'include')")
ADDON_API=$(node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))")
read -r -a DEFS <<<"$(node scripts/build-config.js defines)"
FLAGS=(-std=c++"$STD" -fsyntax-only -Wno-deprecated-declarations -I"$ADDON_API" -I"$NAPI_INC" -I"$INCLUDE"
  -I"$INCLUDE/torch/csrc/api/include")
for d in "${DEFS[@]}"; do FLAGS+=(-D"$d"); done

# One compiler per core; each file's result goes to its own log.
check() {
  local f=$1 log=$CACHE/$(basename "$1").log start=$(date +%s)
  if g++ "${FLAGS[@]}" "$f" >"$log" 2>&1; then
    echo "  ok  $f ($(($(date +%s) - start)) s)"
    rm -f "$log"
  else
    echo "  FAILED  $f"
    grep -E 'error' "$log" | head -20
  fi
}
rm -f "$CACHE"/*.cc.log
for f in src-cpp/*.cc; do
  check "$f" &
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
done
wait
ls "$CACHE"/*.cc.log >/dev/null 2>&1 && exit 1

# The CUDA sources (and the files that change with TORCHNODE_WITH_CUDA), with nvcc where present.
TORCH_INCLUDE_DIRS="$ADDON_API $INCLUDE $INCLUDE/torch/csrc/api/include" TORCH_CXX_STANDARD=$STD \
  TORCH_HEADERS_NAME="LibTorch $VERSION" bash scripts/cuda-check.sh
