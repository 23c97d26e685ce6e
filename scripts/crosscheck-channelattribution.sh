#!/usr/bin/env bash
# Cross-checks xhs-roi attribution against ChannelAttribution 2.2.5 (PyPI).
# Creates the Python venv on first use (ChannelAttribution builds C++ from
# source: needs g++), then runs scripts/crosscheck-channelattribution.py with
# the given arguments. Not part of the default test run.
#
#   scripts/crosscheck-channelattribution.sh [--journeys 50000] [--runs 3] ...
#
# XHS_ROI_VENV overrides the venv folder (default bench-data/venv);
# XHS_ROI_BIN points at an xhs-roi binary (default target/release/xhs-roi, or
# the engine example when the CLI lacks `attribute`).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${XHS_ROI_VENV:-bench-data/venv}"
if ! "$venv/bin/python" -c 'import ChannelAttribution, pandas, numpy' >/dev/null 2>&1; then
  echo "creating $venv (ChannelAttribution 2.2.5 compiles C++; a minute or two)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip wheel setuptools
  # matplotlib: ChannelAttribution imports it at load time.
  "$venv/bin/pip" install --quiet "ChannelAttribution==2.2.5" pandas numpy matplotlib
fi
exec "$venv/bin/python" scripts/crosscheck-channelattribution.py "$@"
