#!/usr/bin/env bash
# The whole device call: convspec's WGSL beside Hugging Face PyTorch on this
# machine's GPU, from the folder `npm run device:pack` built (see README.md).
# Needs bash, coreutils (timeout) and Python 3 with torch + transformers +
# safetensors; no Node, no network. Each step is capped so the default run
# ends inside 480 s; every step leaves JSON under $OUT and rewrites
# $OUT/summary.md, so a timeout keeps what was measured.
#
#   OUT=/results bash run-device.sh [--model conv-bert-base] [--cases b1l128,b8l128,b1l512,b8l512] [--reps 20] [--profile]
#
# Environment: OUT (default ./out), WORK (unpacked binaries, HF weights; default ./work),
# PYTHON (default python3), CAP_SETUP CAP_INFO CAP_GOLDEN CAP_HF CAP_BENCH (seconds per step),
# DEVICE_BUNDLED_LOADERS=1 (use the packed Vulkan/EGL loaders even where the system has its own).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$HERE/out}"
WORK="${WORK:-$HERE/work}"
PYTHON="${PYTHON:-python3}"
CAP_SETUP="${CAP_SETUP:-30}" CAP_INFO="${CAP_INFO:-20}" CAP_GOLDEN="${CAP_GOLDEN:-40}" CAP_HF="${CAP_HF:-160}" CAP_BENCH="${CAP_BENCH:-180}"
MODEL=conv-bert-base CASES=b1l128,b8l128,b1l512,b8l512 REPS=20 PROFILE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --profile) PROFILE=(--profile); shift ;;
    *) echo "run-device.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[ -f "$HERE/models/$MODEL/config.json" ] || { echo "run-device.sh: no model '$MODEL' in $HERE/models ($(ls "$HERE/models" | tr '\n' ' '))" >&2; exit 2; }
mkdir -p "$OUT/steps" "$OUT/logs" "$WORK"
SETUP_JSON="$OUT/setup.json"
NODE="$WORK/node"
APP="$WORK/app/convspec-device.mjs"
record() { "$PYTHON" "$HERE/python/device_setup.py" record "$SETUP_JSON" "$@"; }
summary() { [ -x "$NODE" ] && "$NODE" "$APP" summary --out "$OUT" --model "$HERE/models/$MODEL/config.json" > /dev/null 2>&1; return 0; }

STEP=0 FAILED=0
# step NAME CAP COMMAND...: runs COMMAND under `timeout CAP`, logs it, records its exit code and seconds.
step() {
  local name=$1 cap=$2 start=$SECONDS rc note=""
  shift 2
  STEP=$((STEP + 1))
  local log="$OUT/logs/$STEP-$name.log"
  echo "== step $STEP: $name (cap ${cap}s)"
  timeout --kill-after=5 "$cap" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  case $rc in 0) ;; 124 | 137) note="timed out after ${cap}s" ;; 3) note="no adapter" ;; *) note="exit $rc, see logs/$STEP-$name.log" ;; esac
  [ "$rc" = 0 ] || FAILED=1
  printf '{"step":"%s","rc":%d,"seconds":%d,"note":"%s"}\n' "$name" "$rc" $((SECONDS - start)) "$note" > "$OUT/steps/$(printf %02d "$STEP")-$name.json"
  summary
  return "$rc"
}

# --- setup: Node, Dawn, the Vulkan/EGL loaders and NVIDIA's driver files --------------------------
setup() {
  rm -rf "$WORK/app" && cp -r "$HERE/app" "$WORK/app" || return 1
  local dawn="$WORK/app/node_modules/webgpu/dist/linux-x64"
  timeout "$CAP_SETUP" "$PYTHON" "$HERE/python/device_setup.py" unpack "$(ls "$dawn"/dawn.node.*)" "$dawn/dawn.node" || return 1
  rm -f "$dawn"/dawn.node.xz "$dawn"/dawn.node.gz
  timeout "$CAP_SETUP" "$PYTHON" "$HERE/python/device_setup.py" unpack "$(ls "$HERE"/node/node.*)" "$NODE" || return 1
  echo "node $("$NODE" --version)" || return 1

  # NVIDIA's libraries where containers mount them.
  local d
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  done
  # The loaders (libvulkan1, glvnd's libEGL...): the system's where present, else the packed .debs.
  local has="" missing="" soname
  for soname in libvulkan.so.1 libEGL.so.1 libGLESv2.so.2 libGLdispatch.so.0; do
    if [ "${DEVICE_BUNDLED_LOADERS:-0}" != 1 ] && { ldconfig -p 2> /dev/null | grep -q "$soname" || ls /usr/lib/x86_64-linux-gnu/"$soname" > /dev/null 2>&1; }; then has="$has $soname"; else missing="$missing $soname"; fi
  done
  if [ -n "$missing" ]; then
    local deb
    for deb in "$HERE"/debs/*.deb; do timeout "$CAP_SETUP" "$PYTHON" "$HERE/python/device_setup.py" deb "$deb" "$WORK/sys" || return 1; done
    export LD_LIBRARY_PATH="$WORK/sys/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  record "loaders from the system=${has# }" "loaders from the bundle=${missing# }"

  # Vulkan ICD and EGL vendor files: NVIDIA's where present; written here when only the driver libraries are.
  local f icd="" egl=""
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$f" ] && { icd=$f; break; }
  done
  for f in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json /etc/glvnd/egl_vendor.d/10_nvidia.json; do
    [ -f "$f" ] && { egl=$f; break; }
  done
  local libs
  libs="$(ldconfig -p 2> /dev/null; ls /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu 2> /dev/null)"
  if [ -z "$icd" ] && grep -q libGLX_nvidia.so.0 <<< "$libs"; then
    icd="$WORK/nvidia_icd.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' > "$icd"
  fi
  if [ -z "$egl" ] && grep -q libEGL_nvidia.so.0 <<< "$libs"; then
    egl="$WORK/10_nvidia.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libEGL_nvidia.so.0"}}\n' > "$egl"
  fi
  if [ -n "$icd" ] && [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; fi
  if [ -n "$egl" ] && [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"; fi
  if nvidia-smi -L > /dev/null 2>&1 && ! grep -q -e libGLX_nvidia -e libEGL_nvidia <<< "$libs"; then
    record "warning=an NVIDIA GPU but no libGLX_nvidia/libEGL_nvidia: without the driver's graphics libraries neither Vulkan nor EGL reaches the GPU"
  fi
  record "vulkan driver files=${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-system default}}" "egl vendor files=${__EGL_VENDOR_LIBRARY_FILENAMES:-system default}" \
    "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
}

rm -f "$SETUP_JSON" "$OUT"/steps/*.json
record "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "host=$(uname -srm)" "glibc=$(ldd --version 2> /dev/null | head -1)" \
  "gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2> /dev/null | head -1)" \
  "python=$("$PYTHON" --version 2>&1)" "model=$MODEL" "cases=$CASES"
# Setup exports what the later steps need, so it runs in this shell (its slow commands are capped one by one).
echo "== step 0: setup"
start=$SECONDS
setup > "$OUT/logs/0-setup.log" 2>&1
rc=$?
cat "$OUT/logs/0-setup.log"
[ "$rc" = 0 ] || FAILED=1
printf '{"step":"setup","rc":%d,"seconds":%d,"note":"%s"}\n' "$rc" $((SECONDS - start)) "$([ "$rc" = 0 ] || echo "see logs/0-setup.log")" > "$OUT/steps/00-setup.json"
summary

# --- the adapter: Vulkan first, OpenGL (NVIDIA's EGL) as the fallback ----------------------------
BACKEND=""
if [ "$rc" = 0 ]; then
  failed_before=$FAILED # a backend without an adapter is a finding, not a failure; finding none is (below)
  for b in vulkan opengl; do
    if step "info-$b" "$CAP_INFO" "$NODE" "$APP" info --backend "$b" --out "$OUT"; then BACKEND=$b; break; fi
  done
  FAILED=$failed_before
fi
record "backend=${BACKEND:-none found}"
[ -n "$BACKEND" ] && step golden "$CAP_GOLDEN" "$NODE" "$APP" golden --golden "$HERE/golden" --backend "$BACKEND" --out "$OUT"

# --- Hugging Face: weights, float64 references, PyTorch timings ----------------------------------
step hf "$CAP_HF" "$PYTHON" "$HERE/python/hf_reference.py" --config "$HERE/models/$MODEL/config.json" --work "$WORK/hf" --out "$OUT" \
  --cases "$CASES" --reps "$REPS" --seconds $((CAP_HF * 3 / 4))

# --- convspec's WGSL on the same inputs and weights ---------------------------------------------
[ -n "$BACKEND" ] && step bench "$CAP_BENCH" "$NODE" "$APP" bench --model "$HERE/models/$MODEL/config.json" --reference "$WORK/hf/reference.json" \
  --backend "$BACKEND" --cases "$CASES" --reps "$REPS" --seconds $((CAP_BENCH * 3 / 4)) --out "$OUT" ${PROFILE[@]+"${PROFILE[@]}"}

summary
echo "== summary ($OUT/summary.md)"
cat "$OUT/summary.md" 2> /dev/null || cat "$SETUP_JSON"
[ -n "$BACKEND" ] || FAILED=1
exit "$FAILED"
