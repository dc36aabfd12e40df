#!/usr/bin/env bash
# Installs the Debian 12 packages Bucket builds and runs with, and nothing else.
# Idempotent: when every package is present it prints nothing and returns at once.
set -euo pipefail

packages=(
  g++ cmake make pkg-config clang libclang-rt-14-dev
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libboost-dev
  libspdlog-dev libtomlplusplus-dev catch2
  libisal-dev libedit-dev libncurses-dev
  tmux iproute2 nftables procps fiu-utils
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
