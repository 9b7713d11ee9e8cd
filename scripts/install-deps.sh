#!/usr/bin/env bash
# Installs the Debian packages Eigenpair builds against, only those missing. Idempotent.
set -euo pipefail
packages=(libsuitesparse-dev libarpack2-dev libparpack2-dev libopenmpi-dev openmpi-bin
          liblapacke-dev libopenblas-dev zlib1g-dev pkg-config libhypre-dev)
# The Python package's tests (scripts/python-tests.sh): Debian's Python stack, unless the python3 on
# PATH already has venv, NumPy, SciPy and pytest (then the rest comes from PyPI if missing).
if ! python3 -c 'import ensurepip, numpy, scipy, pytest' 2>/dev/null; then
    packages+=(python3-venv python3-numpy python3-scipy python3-pytest python3-networkx python3-setuptools python3-wheel)
fi
# The JSON Schema validator of python/tests/test_report_schema.py (docs/report.schema.json).
python3 -c 'import jsonschema' 2>/dev/null || packages+=(python3-jsonschema)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: swift (6.1 or newer) is not on PATH" >&2; exit 1; }
