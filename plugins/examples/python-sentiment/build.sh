#!/usr/bin/env bash
# Builds app.py into a WebAssembly component for the `sentiment-scorer` world.
#
#   ./build.sh [OUT.wasm]    (default: <repo>/target/plugin-examples/python-sentiment.wasm)
#
# Needs componentize-py (`pip install componentize-py==0.25.1`) on PATH, or its path in
# COMPONENTIZE_PY; ../build-examples.sh installs it in a venv under target/ and sets that.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/target/plugin-examples/python-sentiment.wasm}"
mkdir -p "$(dirname "$out")"

# componentize-py leaves a __pycache__ beside the module it compiles: build from a copy so
# that this folder stays as committed (cargo watches plugins/ for the host's build script).
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$here/app.py" "$stage/"

# -d/-w name the WIT package and world; `componentize app` wraps the module app.py, found
# through -p. The bindings (wit_world) are generated on the fly and bundled.
"${COMPONENTIZE_PY:-componentize-py}" -d "$repo/wit/v0.1" -w sentiment-scorer \
    componentize app -p "$stage" -o "$out"
