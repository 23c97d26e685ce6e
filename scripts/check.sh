#!/usr/bin/env bash
# Every check, in the order that fails fastest: formatting, the engine's
# dependency boundary, clippy (native and wasm32, warnings denied), API docs,
# native tests (engine, CLI, chart drawing, import corpus and properties), a
# bounded fuzzing run, browser-side tests in headless Chromium, the release
# build, and the end-to-end suite against it.
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all --check
# The engine-alone benchmark's module is a workspace of its own (only its
# script builds it), so it is checked here by name.
cargo fmt --manifest-path scripts/engine-wasm/Cargo.toml --check

step "engine dependency boundary"
scripts/check-engine-deps.sh

step "clippy, native"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy, wasm32"
# The engine's tests run natively only (proptest needs an OS RNG), so its
# library is linted for wasm32 and the app with all its targets.
cargo clippy -p xhs-roi-engine --lib --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy -p xhs-roi-web --all-targets --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --manifest-path scripts/engine-wasm/Cargo.toml --target wasm32-unknown-unknown --locked -- -D warnings

step "API docs of the engine and the CLI (broken links denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked -p xhs-roi-engine -p xhs-roi-cli

step "native tests: engine, CLI, chart drawing"
cargo test --workspace --locked

step "fuzzing the importer and the value parsers (bounded: 30 s a target)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" FUZZ_MINIMIZE=0 scripts/fuzz.sh

step "browser-side tests (wasm-bindgen-test in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p xhs-roi-web --target wasm32-unknown-unknown --locked

step "release build: CLI and web app"
cargo build --release --locked -p xhs-roi-cli
trunk build --release --locked

step "end-to-end tests (Playwright driving Chromium against dist/)"
npm run --silent e2e

printf '\n\033[1;32mall checks passed\033[0m\n'
