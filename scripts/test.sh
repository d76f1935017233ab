#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test; ends with ctest's
# summary. Extra arguments go to ctest (e.g. -R subarray).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cd "$root/build"
ctest --output-on-failure -j 2 "$@"
