#!/usr/bin/env bash
# Builds cluster/portable/bundle.tar.xz: the eigenpair binary (static Swift stdlib) with every shared library
# it needs except glibc's own, and a relocatable copy of Debian 12's OpenMPI 4.1.4 runtime + external
# PMIx 4.2.2, for a machine that has none of them (see setup.sh / run-scaling.sh).
#
#   bash cluster/portable/make-bundle.sh [BINARY]
#
# BINARY defaults to .build-devbundle/release/eigenpair, built from a snapshot of HEAD with
#   git archive HEAD | tar -x -C /tmp/epb-src && cp Package.resolved /tmp/epb-src/
#   cd /tmp/epb-src && swift build -c release --scratch-path /work/main/.build-devbundle \
#       --product eigenpair --static-swift-stdlib
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/.build-devbundle/release/eigenpair}
STAGE=${STAGE:-/tmp/epb-stage}
E=$STAGE/epb
ML=/usr/lib/x86_64-linux-gnu
OMPI_PLUGINS=$ML/openmpi/lib/openmpi3
PMIX=$ML/pmix2

rm -rf "$STAGE"
mkdir -p "$E"/{bin,libexec,lib,hwloc-plugins} "$E"/ompi/{bin,lib/openmpi3,share/openmpi,etc} "$E"/pmix/{lib/pmix,etc}

# 1. the program (stripped: the static Swift stdlib + ICU make it ~80 MB with symbols)
cp "$BIN" "$E/libexec/eigenpair"
strip "$E/libexec/eigenpair"

# 2. OpenMPI: launcher binaries, libraries, plugins (minus those for fabrics absent there: UCX,
#    libfabric, verbs, PSM/PSM2; minus OpenSHMEM), help texts, config
for b in orterun orted ompi_info; do cp /usr/bin/$b "$E/ompi/bin/"; done
for l in libmpi.so.40 libopen-rte.so.40 libopen-pal.so.40 libmpi_mpifh.so.40 \
         libmca_common_sm.so.40 libmca_common_ompio.so.41 libmca_common_monitoring.so.50; do
    cp -L $ML/$l "$E/ompi/lib/$l"
done
for f in "$OMPI_PLUGINS"/mca_*.so; do
    n=$(basename "$f")
    case $n in
        *ucx*|*ofi*|*openib*|*psm*|mca_mtl_*|mca_atomic_*|mca_memheap_*|mca_scoll_*|mca_spml_*|mca_sshmem_*) continue ;;
    esac
    cp "$f" "$E/ompi/lib/openmpi3/"
done
cp -a /usr/share/openmpi/help-*.txt /usr/share/openmpi/mca-btl-openib-device-params.ini \
      /usr/share/openmpi/amca-param-sets "$E/ompi/share/openmpi/"
cp /etc/openmpi/openmpi-default-hostfile "$E/ompi/etc/"
cp /etc/openmpi/openmpi-mca-params.conf "$E/ompi/etc/"   # Debian's: btl = ^uct,openib,ofi, pml = ^ucx ...

# 3. PMIx (the external one Debian's OpenMPI uses through mca_pmix_ext3x)
cp -L $PMIX/lib/libpmix.so.2 "$E/pmix/lib/libpmix.so.2"
cp $PMIX/lib/pmix/*.so "$E/pmix/lib/pmix/"

# 4. every other library the above need (ldd is transitive), glibc's own excepted; the
#    libblas/liblapack alternatives become their real targets (OpenBLAS pthread)
is_glibc() { case $1 in linux-vdso.so.*|ld-linux-x86-64.so.*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libutil.so.*|libresolv.so.*|libanl.so.*|libnsl.so.*|libmvec.so.*) return 0;; esac; return 1; }
objs=("$E/libexec/eigenpair" "$E"/ompi/bin/* "$E"/ompi/lib/*.so* "$E"/ompi/lib/openmpi3/*.so "$E"/pmix/lib/*.so* "$E"/pmix/lib/pmix/*.so)
ldd "${objs[@]}" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u | while read -r soname path; do
    is_glibc "$soname" && continue
    [ -e "$E/ompi/lib/$soname" ] || [ -e "$E/pmix/lib/$soname" ] || [ -e "$E/lib/$soname" ] && continue
    cp -L "$path" "$E/lib/$soname"
done
missing=$(ldd "${objs[@]}" 2>/dev/null | grep 'not found' || true)
[ -z "$missing" ] || { echo "unresolved libraries:"; echo "$missing"; exit 1; }

# 5. wrappers: LD_LIBRARY_PATH and the OPAL_/PMIX_ relocation variables only for the bundle's own
#    programs (python3, tar etc. keep the system's libraries)
cat > "$E/env.sh" <<'EOF'
# sourced (POSIX sh) by the wrappers in bin/ and by cluster/portable/setup.sh, with EPB = this directory
export EPB
export OPAL_PREFIX="$EPB/ompi" OPAL_EXEC_PREFIX="$EPB/ompi" OPAL_BINDIR="$EPB/ompi/bin" OPAL_SBINDIR="$EPB/ompi/bin"
export OPAL_LIBDIR="$EPB/ompi/lib" OPAL_PKGLIBDIR="$EPB/ompi/lib/openmpi3" OPAL_LIBEXECDIR="$EPB/ompi/bin"
export OPAL_DATAROOTDIR="$EPB/ompi/share" OPAL_DATADIR="$EPB/ompi/share" OPAL_PKGDATADIR="$EPB/ompi/share/openmpi"
export OPAL_SYSCONFDIR="$EPB/ompi/etc" OPAL_INCLUDEDIR="$EPB/ompi/include" OPAL_PKGINCLUDEDIR="$EPB/ompi/include"
export OMPI_MCA_mca_base_component_path="$EPB/ompi/lib/openmpi3"
export PMIX_PREFIX="$EPB/pmix" PMIX_EXEC_PREFIX="$EPB/pmix" PMIX_LIBDIR="$EPB/pmix/lib" PMIX_PKGLIBDIR="$EPB/pmix/lib/pmix"
export PMIX_SYSCONFDIR="$EPB/pmix/etc" PMIX_DATADIR="$EPB/pmix/share" PMIX_PKGDATADIR="$EPB/pmix/share/pmix"
export PMIX_MCA_mca_base_component_path="$EPB/pmix/lib/pmix"
export HWLOC_PLUGINS_PATH="$EPB/hwloc-plugins"
case ":${LD_LIBRARY_PATH:-}:" in
    *":$EPB/lib:"*) ;;
    *) export LD_LIBRARY_PATH="$EPB/lib:$EPB/ompi/lib:$EPB/pmix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
esac
EOF
wrap() {  # wrap NAME TARGET (TARGET relative to $EPB)
    cat > "$E/bin/$1" <<EOF
#!/bin/sh
EPB=\$(cd "\$(dirname "\$0")/.." && pwd)
. "\$EPB/env.sh"
exec "\$EPB/$2" "\$@"
EOF
    chmod +x "$E/bin/$1"
}
wrap eigenpair libexec/eigenpair
wrap mpirun ompi/bin/orterun
wrap mpiexec ompi/bin/orterun
wrap orterun ompi/bin/orterun
wrap ompi_info ompi/bin/ompi_info

# 6. what went in
{
    echo "built $(date -u +%FT%TZ) on $(. /etc/os-release; echo "$PRETTY_NAME"), glibc $(ldd --version | head -1 | awk '{print $NF}')"
    echo "eigenpair from $BIN ($(sha256sum "$BIN" | cut -c1-16)), source: ${EPB_SOURCE:-see cluster/portable/README}"
    echo "packages: $(dpkg-query -W -f='${Package}=${Version} ' openmpi-bin libopenmpi3 libpmix2 libarpack2 libparpack2 libopenblas0-pthread liblapacke libcholmod3 libhwloc15 libevent-core-2.1-7 libgfortran5 2>/dev/null)"
    echo
    (cd "$STAGE" && find epb -type f -printf '%10s %p\n' | sort -k2)
} > "$E/MANIFEST.txt"

# 7. the archive (top directory epb/: setup.sh unpacks it into /tmp)
tar -C "$STAGE" -cf - epb | nice -n 10 xz -T2 -9 > "$ROOT/cluster/portable/bundle.tar.xz.tmp"
mv "$ROOT/cluster/portable/bundle.tar.xz.tmp" "$ROOT/cluster/portable/bundle.tar.xz"
du -sh "$E" "$ROOT/cluster/portable/bundle.tar.xz"
