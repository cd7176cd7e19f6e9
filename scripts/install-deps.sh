#!/usr/bin/env bash
# Installs the Debian 12 packages capsim needs to build, test and benchmark.
# Idempotent: packages already present are left alone; apt-get runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config
  libboost-dev            # Boost (headers: math distributions, container)
  libtbb-dev              # oneTBB
  libhdf5-dev             # HDF5 C library + high-level (dimension scales)
  libbenchmark-dev        # Google Benchmark
  libgtest-dev libgmock-dev  # GoogleTest
  libyaml-cpp-dev         # yaml-cpp (scenario loader)
  nlohmann-json3-dev      # JSON (Google Benchmark output read by capsim calibrate)
  librandom123-dev        # Random123 (Philox counter-based RNG)
  python3 python3-h5py python3-numpy python3-pandas python3-xarray python3-h5netcdf
  python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel  # reports/ notebooks, capsim report
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: missing packages and not root (no sudo): ${missing[*]}" >&2; exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
