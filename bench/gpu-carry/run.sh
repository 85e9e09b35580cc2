#!/usr/bin/env bash
# Runs the WebGPU benchmark on the machine it was carried to (see README.md).
# Uses the carried Node binary (../bin/node next to the repo) if present.
# Usage: bench/gpu-carry/run.sh [bench:gpu options, e.g. --cases b1l128,b8l512 --reps 10]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
node="$repo/../bin/node"
[ -x "$node" ] || node="$(command -v node)"
cd "$repo"
# A real GPU: let Dawn pick its native backend (Vulkan/Metal/D3D12) instead of OpenGL.
export CONVSPEC_WEBGPU_BACKEND="${CONVSPEC_WEBGPU_BACKEND:-vulkan}"
"$node" --version
"$node" bin/run-ts.mjs bench/gpu.ts "$@"
echo "results: $repo/docs/bench-gpu.md"
