#!/bin/sh
# STREAM triad on 1 and 2 threads (best of 10, 3 x 256 MiB arrays, 24 bytes per element).
# Usage: bench/stream/run.sh [OUT.json]   (prints the JSON; writes it to OUT.json too when given)
# Env: STREAM_N (elements per array, default 33554432), THREADS (default "1 2"), CC (default gcc).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${STREAM_BUILD_DIR:-${TMPDIR:-/tmp}/eigenpair-stream}
mkdir -p "$build"
n=${STREAM_N:-33554432}
${CC:-gcc} -O3 -march=native -fopenmp -DSTREAM_N="${n}L" -o "$build/stream_triad" "$here/stream_triad.c"
runs=""
for t in ${THREADS:-1 2}; do
    r=$(OMP_NUM_THREADS=$t OMP_PROC_BIND=spread OMP_PLACES=cores "$build/stream_triad")
    runs="${runs:+$runs,
    }$r"
done
json=$(printf '{"machine": "%s", "cpu": "%s", "date": "%s",\n  "runs": [\n    %s\n  ]}\n' \
    "$(uname -n)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(date -u +%FT%TZ)" "$runs")
printf '%s\n' "$json"
if [ $# -ge 1 ]; then printf '%s\n' "$json" > "$1"; fi
