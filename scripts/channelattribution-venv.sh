#!/usr/bin/env bash
# Makes sure the Python venv with ChannelAttribution 2.2.5 (PyPI) exists and
# prints its python. ChannelAttribution builds C++ from source (needs g++), so
# the first run takes a minute or two. XHS_ROI_VENV overrides the folder
# (default bench-data/venv).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${XHS_ROI_VENV:-bench-data/venv}"
if ! "$venv/bin/python" -c 'import ChannelAttribution, pandas, numpy' >/dev/null 2>&1; then
  echo "creating $venv (ChannelAttribution 2.2.5 compiles C++; a minute or two)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip wheel setuptools >&2
  # matplotlib: ChannelAttribution imports it at load time.
  "$venv/bin/pip" install --quiet "ChannelAttribution==2.2.5" pandas numpy matplotlib >&2
fi
echo "$PWD/$venv/bin/python"
