#!/usr/bin/env bash
# Installs what the benchmark's PyTorch anchors need on a Debian machine:
# PyTorch itself, the threaded OpenBLAS it needs for a fair GEMM (without it
# Debian's PyTorch falls back to the reference BLAS), and Fashion-MNIST.
# Idempotent: it installs only what is missing and says what it did.
set -euo pipefail

packages=(python3-torch libopenblas0-pthread dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    echo "bench:setup: $p is already installed"
  else
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  # A fresh machine may have no package lists yet.
  if [[ -z $(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true) ]]; then
    echo 'bench:setup: apt-get update'
    "${sudo[@]}" apt-get update
  fi
  echo "bench:setup: apt-get install -y ${missing[*]}"
  if ! "${sudo[@]}" apt-get install -y "${missing[@]}"; then
    echo 'bench:setup: install failed; refreshing the package lists and trying once more'
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y "${missing[@]}"
  fi
fi

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench:setup: PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') is ready for /usr/bin/python3"
else
  echo 'bench:setup: PyTorch still does not import with /usr/bin/python3' >&2
  exit 1
fi
