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
python="$(scripts/channelattribution-venv.sh)"
exec "$python" scripts/crosscheck-channelattribution.py "$@"
