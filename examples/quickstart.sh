#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running local Bucket cluster:
# installs what is missing, builds (Release), starts 1 master + 3 chunkservers
# on loopback with their data under one folder, and opens the `bucket` shell.
# Leaving the shell (exit, Ctrl-D or Ctrl-C) stops the cluster cleanly; its
# data stays for next time.
#
#   examples/quickstart.sh [CLUSTER_DIR]     (default: ./quickstart-cluster)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${1:-$PWD/quickstart-cluster}")
bin="$root/build/release"

"$root/examples/install-deps.sh"
echo "quickstart: building (Release) in $bin"
cmake -S "$root" -B "$bin" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$bin" -j2 >/dev/null

if [ ! -f "$dir/cluster.toml" ]; then
  "$bin/bucket-cluster" init "$dir" --chunkservers 3
fi
"$bin/bucket-cluster" up "$dir" --detach
trap '"$bin/bucket-cluster" down "$dir"; echo "quickstart: cluster stopped; its data is in $dir"' EXIT

echo
echo "quickstart: the cluster's data and logs are in $dir"
echo "quickstart: watch it live from another terminal with:"
echo "    $bin/bucket-monitor --config $dir/client.toml"
echo "quickstart: leaving the shell stops the cluster"
echo
"$bin/bucket" --config "$dir/client.toml" || true
