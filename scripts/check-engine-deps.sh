#!/usr/bin/env bash
# The engine is the pure core: no browser or UI crate may enter its
# dependency tree, on any target. Fails naming the crate and the path to it.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(leptos|leptos_[a-z_]+|reactive_graph|tachys|web-sys|js-sys|wasm-bindgen|wasm-bindgen-[a-z-]+|gloo|gloo-[a-z-]+|plotters-canvas)$'
tree=$(cargo tree -p xhs-roi-engine --edges normal,build --target all --prefix none --format '{p}' | awk '{print $1}' | sort -u)
bad=$(echo "$tree" | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
  echo "check-engine-deps: the engine must not depend on: $bad" >&2
  for crate in $bad; do
    cargo tree -p xhs-roi-engine --edges normal,build --target all -i "$crate" >&2 || true
  done
  exit 1
fi
echo "check-engine-deps: ok ($(echo "$tree" | wc -l) crates, none of them browser or UI crates)"
