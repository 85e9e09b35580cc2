#!/usr/bin/env bash
# Packs what bench:gpu needs to run on a GPU machine with no network: this
# repo (sources + node_modules, which hold Dawn's prebuilt binary in
# node_modules/webgpu/dist/) and the Node binary that runs it.
# Usage: bench/gpu-carry/pack.sh [out.tar.gz]   (run from anywhere in the repo)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$repo/../convspec-gpu-carry.tar.gz}"
node_bin="$(command -v node)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
cp "$node_bin" "$stage/bin/node"
# Dawn's prebuilt for this platform must be present: the GPU machine cannot npm install.
ls "$repo"/node_modules/webgpu/dist/*.node >/dev/null
tar -C "$(dirname "$repo")" -czf "$out" \
  --exclude="$(basename "$repo")/.git" --exclude="$(basename "$repo")/tmp" \
  "$(basename "$repo")" -C "$stage" bin
echo "wrote $out ($(du -h "$out" | cut -f1)); on the GPU machine: tar xzf it, then bench/gpu-carry/run.sh"
