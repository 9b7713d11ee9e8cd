#!/usr/bin/env bash
# Runs the test suites that exercise real multi-rank MPI (halo exchange, collectives, MPI-IO writes,
# PARPACK on the world communicator) under `mpirun -np 3`, on the test binary `swift test` built.
# `swift test` itself runs them on one rank only, where rank-offset bugs cannot show.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/EigenpairPackageTests.xctest"
[ -x "$bin" ] || { echo "error: $bin not built; run swift build --build-tests first" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
# The MPI suites are the ones declared with the `mpi` tag (`@Suite(..., .tags(.mpi)) struct Name`,
# Tag.mpi in Tests/EigenpairTestSupport). Swift Testing's --filter matches test IDs only (Swift 6.3
# has no tag filter on the command line: `--filter tag:mpi` selects nothing), so the suite names
# are read from those declarations: the tag stays the one place the list is written.
suites=$(grep -rhE '@Suite\(.*\.tags\(\.mpi\)' Tests --include='*.swift' \
         | sed -nE 's/.*struct ([A-Za-z0-9_]+).*/\1/p' | sort -u | paste -sd'|' -)
[ -n "$suites" ] || { echo "error: no suite under Tests/ carries .tags(.mpi)" >&2; exit 1; }
echo "mpirun -np 3: MPI suites ($suites)"
# --no-parallel: Swift Testing otherwise starts the suites concurrently, and which one takes the
# solver lock first differs between ranks, so two ranks enter different collectives and the job
# hangs. Serially, every rank runs the same tests in the same order.
mpirun -np 3 --oversubscribe "$bin" --testing-library swift-testing --no-parallel --filter "$suites"
