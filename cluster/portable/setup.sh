# Source me (bash): . cluster/portable/setup.sh
# Unpacks cluster/portable/bundle.tar.xz into /tmp/epb (never over /) once, then exports what the bundled
# eigenpair + OpenMPI 4.1.4 + PMIx 4.2.2 need on a machine that has none of them.
#
# PATH gets /tmp/epb/bin first: eigenpair, mpirun, mpiexec, orterun, ompi_info there are small
# wrappers that set LD_LIBRARY_PATH (bundle first) and the OPAL_*/PMIX_* relocation variables for
# their own process tree only, so python3, tar etc. keep the system's libraries. Set
# EPB_EXPORT_LD_LIBRARY_PATH=1 to export LD_LIBRARY_PATH into this shell as well (for ldd checks).
# Exports: EPB, EIGENPAIR, SCALING_MPIRUN (for bench/scaling.py), OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM),
# OMPI_MCA_plm_rsh_agent=false (no ssh: everything is local), OMPI_MCA_btl_vader_single_copy_mechanism=none
# (no CMA / process_vm_readv needed, gVisor may lack it), OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1.
# The transport itself (vader or tcp) is chosen by run-scaling.sh with a smoke test.

_epb_bundle_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EPB=${EPB:-/tmp/epb}
_epb_tarball=$_epb_bundle_dir/bundle.tar.xz
_epb_stamp=$(cksum < "$_epb_tarball" | cut -d' ' -f1)

if [ ! -f "$EPB/.unpacked-$_epb_stamp" ]; then
    case $EPB in /tmp/*) ;; *) echo "setup.sh: EPB must be under /tmp (is $EPB)" >&2; return 1 2>/dev/null || exit 1;; esac
    _epb_parent=$(dirname "$EPB")
    _epb_tmp=$(mktemp -d "$_epb_parent/epb-unpack.XXXXXX")
    _epb_ok=0
    if xz --version >/dev/null 2>&1 && timeout 180 tar -xJf "$_epb_tarball" -C "$_epb_tmp"; then
        _epb_ok=1
    else  # minimal images often lack xz: Python's lzma + tarfile do the same
        rm -rf "$_epb_tmp"/*
        timeout 180 python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1], "r:xz") as t:
    if hasattr(tarfile, "fully_trusted_filter"):
        t.extractall(sys.argv[2], filter="fully_trusted")
    else:
        t.extractall(sys.argv[2])
' "$_epb_tarball" "$_epb_tmp" && _epb_ok=1
    fi
    if [ "$_epb_ok" != 1 ] || [ ! -x "$_epb_tmp/epb/libexec/eigenpair" ]; then
        echo "setup.sh: unpacking $_epb_tarball failed" >&2; rm -rf "$_epb_tmp"; return 1 2>/dev/null || exit 1
    fi
    rm -rf "$EPB"
    mv "$_epb_tmp/epb" "$EPB"
    rmdir "$_epb_tmp"
    touch "$EPB/.unpacked-$_epb_stamp"
fi

_epb_saved_ld=${LD_LIBRARY_PATH-}
_epb_had_ld=${LD_LIBRARY_PATH+set}
export EPB
. "$EPB/env.sh"
EPB_LD_LIBRARY_PATH=$EPB/lib:$EPB/ompi/lib:$EPB/pmix/lib
export EPB_LD_LIBRARY_PATH
if [ "${EPB_EXPORT_LD_LIBRARY_PATH:-0}" != 1 ]; then
    if [ -n "$_epb_had_ld" ]; then export LD_LIBRARY_PATH=$_epb_saved_ld; else unset LD_LIBRARY_PATH; fi
fi

case ":$PATH:" in *":$EPB/bin:"*) ;; *) export PATH="$EPB/bin:$PATH";; esac
export EIGENPAIR=$EPB/bin/eigenpair
export SCALING_MPIRUN=$EPB/bin/mpirun
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_plm_rsh_agent=false
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
unset _epb_bundle_dir _epb_tarball _epb_stamp _epb_parent _epb_tmp _epb_saved_ld _epb_had_ld _epb_ok
