#!/usr/bin/env bash
# README command 1: installs what is missing, builds quant-opt and runs the
# bundled example (scripts/run-example.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" quant-opt
bash "$root/scripts/run-example.sh"
