#!/bin/bash
# A distributed run over plain TCP (no InfiniBand, no shared-memory transport between ranks):
#   cluster/run-tcp.sh NP GRAPH OUTDIR [embed options...]
# Set HOSTFILE=cluster/hostfile.example-like file to spread the ranks over machines; without it
# all ranks start here. Root needs OMPI_ALLOW_RUN_AS_ROOT*, set below when running as root.
set -euo pipefail
np=${1:?usage: run-tcp.sh NP GRAPH OUTDIR [options]}
graph=${2:?usage: run-tcp.sh NP GRAPH OUTDIR [options]}
out=${3:?usage: run-tcp.sh NP GRAPH OUTDIR [options]}
shift 3
bin=${EIGENPAIR:-$(cd "$(dirname "$0")/.." && pwd)/.build/release/eigenpair}
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
hosts=()
if [ -n "${HOSTFILE:-}" ]; then hosts=(--hostfile "$HOSTFILE"); fi
# EIGENPAIR_TCP_IF=eth0 (or a CIDR) pins the network OpenMPI uses when machines have several.
if [ -n "${EIGENPAIR_TCP_IF:-}" ]; then hosts+=(--mca btl_tcp_if_include "$EIGENPAIR_TCP_IF"); fi
# btl tcp,self: byte transfer over TCP only (self for a rank's messages to itself); pml ob1 so
# that UCX (which would pick shared memory or RDMA) stays out; --oversubscribe lets NP exceed
# the core count on one machine (slower, for testing).
exec mpirun -np "$np" "${hosts[@]}" --oversubscribe --mca pml ob1 --mca btl tcp,self \
    -x OPENBLAS_NUM_THREADS=1 "$bin" embed "$graph" --out "$out" "$@"
