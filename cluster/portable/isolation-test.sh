#!/usr/bin/env bash
# Local check that the bundle needs nothing from this machine's OpenMPI/PMIx/ARPACK/OpenBLAS/SuiteSparse/
# Swift: in a private mount namespace, hides them (empty tmpfs over their directories, /dev/null over
# every system copy of a library the bundle carries, over mpirun/orted/... and, with NO_XZ=1, over xz),
# then unpacks afresh and runs the given command (default: a scaled-down run-scaling.sh).
#   sudo unshare -m bash cluster/portable/isolation-test.sh [CMD...]
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -m)"; exit 1; }
if [ -z "${EPB_IN_NS:-}" ]; then
    exec env EPB_IN_NS=1 unshare -m bash "$0" "$@"
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ML=/usr/lib/x86_64-linux-gnu
mount --make-rprivate /
hidden=0
for d in $ML/openmpi $ML/pmix2 $ML/openblas-pthread $ML/hwloc /etc/openmpi /usr/share/openmpi /opt/swift; do
    [ -d "$d" ] && mount -t tmpfs none "$d" && hidden=$((hidden + 1))
done
# every system file with the soname of a library in the bundle, and what its links point to
[ -d /tmp/epb-stage/epb ] || { echo "needs /tmp/epb-stage/epb (make-bundle.sh) for the list of sonames"; exit 1; }
for so in $(cd /tmp/epb-stage/epb && ls lib ompi/lib pmix/lib | grep '\.so'); do
    for f in $ML/$so /lib/x86_64-linux-gnu/$so; do
        [ -e "$f" ] || continue
        real=$(readlink -f "$f")
        [ -f "$real" ] && mount --bind /dev/null "$real" && hidden=$((hidden + 1))
    done
done
for b in /usr/bin/mpirun.openmpi /usr/bin/orterun /usr/bin/orted /usr/bin/ompi_info /usr/bin/swift; do
    real=$(readlink -f "$b" 2>/dev/null || true)
    [ -n "$real" ] && [ -f "$real" ] && mount --bind /dev/null "$real" && hidden=$((hidden + 1))
done
if [ "${NO_XZ:-0}" = 1 ]; then mount --bind /dev/null "$(readlink -f "$(command -v xz)")"; hidden=$((hidden + 1)); fi
echo "isolation: $hidden paths hidden; mpirun on PATH now: $(command -v mpirun || echo none), $(ls $ML/openmpi | wc -l) entries in $ML/openmpi"
ls -laL $ML/libmpi.so.40 $ML/libopenblas.so.0 /usr/bin/mpirun 2>&1 | sed "s/^/  /" || true
rm -rf /tmp/epb
cd "$ROOT"
if [ $# -gt 0 ]; then
    "$@"
else
    OUT=${OUT:-/tmp/epb-out-iso} EPB_STRONG_SCALE=13 EPB_WEAK_SCALE=12 EPB_RANKS=1,2,4 EPB_REPEATS=2 bash cluster/portable/run-scaling.sh
fi
