#!/usr/bin/env bash
# Fuzzes the importer with cargo-fuzz (libFuzzer) for a bounded time per
# target, then shrinks each corpus to the inputs that add coverage and keeps
# it in fuzz/corpus/<target>/ (commit it: it seeds the next run).
#
#   scripts/fuzz.sh                 # every target, 30 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh import
#   FUZZ_SANITIZER=address scripts/fuzz.sh
#
# Works on the stable toolchain. The default sanitizer is none: the engine's
# few unsafe blocks (SIMD loads, unchecked slicing with debug assertions)
# are small, and AddressSanitizer runs ~3x slower.
# FUZZ_SANITIZER=address needs nightly-only -Z flags; RUSTC_BOOTSTRAP=1
# unlocks them on stable (set below). A crash leaves its input in
# fuzz/artifacts/<target>/ and makes this script exit non-zero; replay it
# with `cargo fuzz run <target> <file>` in fuzz/, then add it as a fixture
# case (docs/testing-import.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

seconds="${FUZZ_SECONDS:-30}"
sanitizer="${FUZZ_SANITIZER:-none}"
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=(import values)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
if [ "$sanitizer" != none ]; then
  export RUSTC_BOOTSTRAP=1
fi
build=(--sanitizer "$sanitizer" --debug-assertions)

cd fuzz
failed=()
for target in "${targets[@]}"; do
  printf '\n\033[1;34m== fuzz %s for %ss (sanitizer: %s)\033[0m\n' "$target" "$seconds" "$sanitizer"
  mkdir -p "corpus/$target"
  if ! cargo fuzz run "${build[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict="dict/$target.dict" -print_final_stats=1; then
    failed+=("$target")
    continue
  fi
  # Keep only the inputs that add coverage, so the committed corpus stays
  # small. The test command skips this (FUZZ_MINIMIZE=0): it must not
  # rewrite committed files on every run.
  if [ "${FUZZ_MINIMIZE:-1}" = 1 ]; then
    cargo fuzz cmin "${build[@]}" "$target" "corpus/$target" >/dev/null 2>&1 ||
      echo "cmin failed; the corpus is kept unminimised"
  fi
done

size_kb=$(($(find corpus -type f -exec cat {} + | wc -c) / 1024))
echo "corpus: $(find corpus -type f | wc -l) files, ${size_kb} KB"
if [ "$size_kb" -gt 4096 ]; then
  echo "warning: the corpus is over 4 MB; run a longer cmin or prune it before committing"
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found a crash in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "fuzzing found nothing"
