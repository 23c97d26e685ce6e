#!/usr/bin/env bash
# Attribution speed against ChannelAttribution, natively and in the browser,
# in one run (see scripts/bench-attribution.py). Needs the release builds:
#   trunk build --release && cargo build --release -p xhs-roi-cli
#
#   scripts/bench-attribution.sh [--journeys 1000000] [--runs 3] [--no-browser]
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(scripts/channelattribution-venv.sh)"
exec "$python" scripts/bench-attribution.py "$@"
