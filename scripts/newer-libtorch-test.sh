#!/usr/bin/env bash
# Builds torchnode and runs its whole test suite against the newest LibTorch Debian packages
# (suite "unstable" by default), inside a debootstrap chroot, so behaviour that changed in later
# LibTorch releases shows without touching this machine's own LibTorch. Needs root, debootstrap
# (installed if missing), about 2 GB and 15-25 minutes on 2 cores the first time. Not part of CI
# (scripts/header-check.sh is CI's cheap guard).
# The fixtures are made again there by that suite's Python PyTorch, so every case compares with
# the reference on the same LibTorch, as CI does with 1.13 (the files that changed are listed);
# KEEP_FIXTURES=1 runs against the committed 1.13 fixtures instead.
#   sudo bash scripts/newer-libtorch-test.sh [suite]      (CHROOT=dir picks where it lives)
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE=${1:-unstable}
ROOT=${CHROOT:-/srv/torchnode-$SUITE}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Mirrors frozen at a date serve Release files past their Valid-Until.
APT=(-o Acquire::Check-Valid-Until=false)

if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$MIRROR"
fi
for d in proc dev sys; do mountpoint -q "$ROOT/$d" || mount --bind "/$d" "$ROOT/$d"; done
trap 'for d in proc dev sys; do umount "$ROOT/$d" 2>/dev/null || true; done' EXIT
cp /etc/resolv.conf "$ROOT/etc/"

echo "== packages ($SUITE): LibTorch, Python PyTorch and torchvision for fixtures, Fashion-MNIST, a compiler"
chroot "$ROOT" apt-get "${APT[@]}" update -q >/dev/null
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get "${APT[@]}" install -y -q --no-install-recommends \
  libtorch-dev python3-torch python3-torchvision dataset-fashion-mnist libopenblas0-openmp cmake g++ make >/dev/null

echo "== this checkout (committed state) with this machine's node and node_modules"
cp "$(command -v node)" "$ROOT/usr/local/bin/node"
NODE_INC=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
mkdir -p "$ROOT/opt/node/include" && cp -a "$NODE_INC" "$ROOT/opt/node/include/"
rm -rf "$ROOT/root/torchnode"
git clone -q . "$ROOT/root/torchnode"
cp -a node_modules "$ROOT/root/torchnode/"

echo "== build and test against $(chroot "$ROOT" dpkg-query -W -f '${Version}' libtorch-dev)"
chroot "$ROOT" bash -c 'cd /root/torchnode &&
  npm_config_nodedir=/opt/node node_modules/.bin/cmake-js compile --out build >build-native.log 2>&1 ||
    { tail -40 build-native.log; exit 1; }
  node_modules/.bin/tsc -p tsconfig.build.json && node scripts/write-esm-entry.js &&
  node -e "console.log(\"torch.version\", JSON.stringify(require(\"./dist\").version))" &&
  if [ -z "${KEEP_FIXTURES:-}" ]; then
    echo "== fixtures from this suite'"'"'s Python PyTorch" &&
    for f in make_fixtures make_op_cases make_nn_cases make_safetensors make_npy make_torch_save; do
      node scripts/python.js test/fixtures/$f.py >/dev/null 2>>fixtures.log || { tail -20 fixtures.log; exit 1; }
    done
  fi &&
  node_modules/.bin/jest 2>&1 | tee test-output.log | grep -E "^(PASS|FAIL|Tests:|Test Suites:)|^  ● "'
if [ -z "${KEEP_FIXTURES:-}" ]; then
  echo "== fixtures that differ from the committed (LibTorch 1.13) ones"
  git -C "$ROOT/root/torchnode" diff --stat -- test/fixtures/ | tail -20
fi
