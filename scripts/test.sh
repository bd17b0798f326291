#!/usr/bin/env bash
# README command 2: installs what is missing, builds everything and runs the
# whole test suite (check-qc: lit, then ctest with the unit tests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/build.sh" check-qc
