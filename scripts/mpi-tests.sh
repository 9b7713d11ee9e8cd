#!/usr/bin/env bash
# Runs the test suites that exercise real multi-rank MPI (halo exchange, collectives, PARPACK on
# the world communicator) under `mpirun -np 3`, on the test binary `swift test` built. `swift test`
# itself runs them on one rank only, where rank-offset bugs cannot show.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/EigenpairPackageTests.xctest"
[ -x "$bin" ] || { echo "error: $bin not built; run swift build --build-tests first" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
echo "mpirun -np 3: MPI suites"
mpirun -np 3 --oversubscribe "$bin" --testing-library swift-testing --filter MPIHaloTests
