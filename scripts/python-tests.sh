#!/usr/bin/env bash
# Installs ./python into a fresh virtual environment and runs its pytest suite against the debug
# binary `swift build` made (EIGENPAIR_BIN). numpy, scipy, pytest and networkx come from the
# interpreter's own site-packages when it has them (Debian: python3-numpy, python3-scipy,
# python3-pytest, python3-networkx, python3-jsonschema from scripts/install-deps.sh), else from PyPI;
# if neither has one, the script fails (jsonschema validates every report, never skipped).
# Fails unless pytest ran, passed and printed its summary line: exit status 5 ("no tests ran")
# is a failure like any other.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
bin="$(swift build --show-bin-path)/eigenpair"
[ -x "$bin" ] || { echo "error: $bin not built; run swift build first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv --system-site-packages "$work/venv"
py="$work/venv/bin/python"
"$py" -c 'import numpy, scipy, pytest, networkx, jsonschema' 2>/dev/null ||
    "$py" -m pip install -q numpy scipy pytest networkx jsonschema
# Without build isolation when setuptools is at hand, so the install needs no network.
if "$py" -c 'import setuptools, wheel' 2>/dev/null; then isolation=--no-build-isolation; else isolation=; fi
"$py" -m pip install -q $isolation ./python
echo "pytest: python/tests against $bin, and bench/tests (the benchmark reports)"
set +e
# From inside the venv's directory, so `import eigenpair` is the installed package, not ./python.
(cd "$work" && EIGENPAIR_BIN="$bin" "$py" -m pytest -p no:cacheprovider -rfEs \
    "$OLDPWD/python/tests" "$OLDPWD/bench/tests") 2>&1 | tee "$work/pytest.log"
status=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^=+ .*(passed|failed|error|no tests ran).* in [0-9.]+s' "$work/pytest.log" | tail -1 || true)"
if [ "$status" -ne 0 ] || [ -z "$summary" ] || ! grep -qE '[0-9]+ passed' <<<"$summary"; then
    echo "error: python tests failed (pytest exit status $status): ${summary:-no summary line}" >&2
    exit 1
fi
