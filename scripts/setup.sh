#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; a no-op
# (a few seconds) when everything is there. Safe to run again at any time.
#
#   wasm32 target, clippy, rustfmt          rustup
#   trunk 0.21.14                           cargo install (~7 min once)
#   wasm-bindgen-cli = Cargo.lock's version cargo install (~3 min once)
#   cargo-fuzz                              cargo install (~2 min once)
#   chromium, chromium-driver               apt (Debian)
#   playwright-core, wasm-opt 123 (binaryen) npm ci (package-lock.json)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Rust pieces.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

TRUNK_VERSION=0.21.14
if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (takes several minutes once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly. Installed
# without --locked: its own lock file names a crate version the registry lacks.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi
if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "setup: Trunk.toml pins a wasm-bindgen other than Cargo.lock's $WASM_BINDGEN_VERSION; update [tools]" >&2
  exit 1
fi

# cargo-fuzz for the bounded fuzzing run of the test command.
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# A browser for the end-to-end and browser-side tests (never a downloaded one).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# CJK glyphs, so Chinese screens render (and screenshot) as users see them.
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# npm packages: playwright-core for the tests, binaryen for wasm-opt 123.
# Reinstalled whenever package-lock.json changes (stamp in node_modules).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.xhs-roi-lock 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.xhs-roi-lock
fi
