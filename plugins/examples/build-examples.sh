#!/usr/bin/env bash
# Builds the example plugins into OUTDIR:
#   OUTDIR/python-sentiment.wasm   (python-sentiment/, world sentiment-scorer)
#   OUTDIR/js-alerts.wasm          (js-alerts/, world alert-rules)
#
#   plugins/examples/build-examples.sh OUTDIR
#
# Needs python3 (3.10+, with venv) and node 20+ with npm; installs the rest, pinned, into
# target/plugin-tools/ (or $CARGO_TARGET_DIR/plugin-tools): a venv with componentize-py and
# an npm install of componentize-js. Nothing is written into the source tree. A second run
# reuses the tools, and copies a component from the same cache when its sources, the WIT and
# the tool version are unchanged, so it takes well under a second.
set -euo pipefail

COMPONENTIZE_PY_VERSION=0.25.1
# The componentize-js version is pinned in js-alerts/package.json and package-lock.json.

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
examples="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$examples/../.." && pwd)"
mkdir -p "$1"
outdir="$(cd "$1" && pwd)"
tools="${CARGO_TARGET_DIR:-$repo/target}/plugin-tools"
mkdir -p "$tools/built"

need() {
    command -v "$1" >/dev/null || { echo "error: $1 is needed to build the example plugins ($2)" >&2; exit 1; }
}
need python3 "Python 3.10 or newer"
need node "Node.js 20 or newer"
need npm "comes with Node.js"
need sha256sum "coreutils"
need flock "util-linux"

# Concurrent runs (two test binaries, a developer and a test) would race on the installs.
exec 9>"$tools/.lock"
flock 9

# --- tools ---------------------------------------------------------------------------------

py_tool="$tools/py/bin/componentize-py"
if [[ "$("$py_tool" --version 2>/dev/null)" != "componentize-py $COMPONENTIZE_PY_VERSION" ]]; then
    echo "installing componentize-py $COMPONENTIZE_PY_VERSION into $tools/py" >&2
    rm -rf "$tools/py"
    python3 -m venv "$tools/py"
    "$tools/py/bin/pip" install --quiet --disable-pip-version-check \
        "componentize-py==$COMPONENTIZE_PY_VERSION"
fi

# npm installs from js-alerts/'s manifest and lock, copied out so that node_modules (some
# 400 MB) lands under target/; a stamp of both files says whether the install is current.
js_tools="$tools/js"
js_stamp="$(cat "$examples/js-alerts/package.json" "$examples/js-alerts/package-lock.json" | sha256sum | cut -c1-16)"
if [[ "$(cat "$js_tools/.installed" 2>/dev/null)" != "$js_stamp" ]]; then
    echo "installing componentize-js into $js_tools" >&2
    mkdir -p "$js_tools"
    cp "$examples/js-alerts/package.json" "$examples/js-alerts/package-lock.json" "$js_tools/"
    (cd "$js_tools" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$js_stamp" >"$js_tools/.installed"
fi
js_entry="$js_tools/node_modules/@bytecodealliance/componentize-js/src/componentize.js"
js_version="$(node -p "require('$js_tools/node_modules/@bytecodealliance/componentize-js/package.json').version")"

# --- components ----------------------------------------------------------------------------

build_python() { COMPONENTIZE_PY="$py_tool" "$examples/python-sentiment/build.sh" "$1"; }
build_js() { COMPONENTIZE_JS="$js_entry" node "$examples/js-alerts/build.mjs" "$1"; }

# cached NAME BUILDER INPUT...: copies NAME.wasm into OUTDIR from the cache, running BUILDER
# first unless a component built from the same INPUTs (sources, WIT, tool version) is there.
cached() {
    local name="$1" builder="$2" key built started=$SECONDS
    shift 2
    key="$(cat "$@" | sha256sum | cut -c1-16)"
    built="$tools/built/$name-$key.wasm"
    if [[ ! -f "$built" ]]; then
        rm -f "$tools/built/$name-"*.wasm
        "$builder" "$built.partial" >&2
        mv "$built.partial" "$built" # only a finished build is ever found in the cache
        echo "built $name in $((SECONDS - started)) s" >&2
    fi
    cp "$built" "$outdir/$name.wasm"
}

cached python-sentiment build_python <(echo "componentize-py $COMPONENTIZE_PY_VERSION") \
    "$examples/python-sentiment/"{app.py,build.sh} "$repo/wit/v0.1/hashtrack.wit"
cached js-alerts build_js <(echo "componentize-js $js_version") \
    "$examples/js-alerts/"{alerts.js,build.mjs,package-lock.json} "$repo/wit/v0.1/hashtrack.wit"

echo "componentize-py $COMPONENTIZE_PY_VERSION, componentize-js $js_version:" >&2
ls -l "$outdir"/{python-sentiment,js-alerts}.wasm >&2
