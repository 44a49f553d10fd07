#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian package bpfnic needs, when missing. Idempotent; run as root (or via sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang llvm lld libclang-rt-14-dev          # IO modules (clang -target bpf), libFuzzer, sanitizers
  libbpf-dev libelf-dev zlib1g-dev linux-libc-dev bpftool
  libasmjit-dev                              # x86-64 JIT (1.9-era API)
  verilator libsystemc-dev                   # RTL simulation, SystemC/TLM-2.0 NIC model
  yosys                                      # synthesis report
  libgtest-dev libgmock-dev                  # tests
  libboost-program-options-dev               # CLI
  libpcap-dev tcpdump                        # pcap in/out
  nlohmann-json3-dev                         # JSON reports
  gnuplot-nox                                # bench plots
  slurm-wlm munge                            # regressions on Slurm (tests start a one-node cluster)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
