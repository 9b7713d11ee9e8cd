#!/usr/bin/env bash
# 16-rank strong/weak scaling of `eigenpair embed` with the bundled binary + OpenMPI, on a machine
# without OpenMPI/ARPACK/OpenBLAS/SuiteSparse/Swift. From the repo root:
#
#   bash cluster/portable/run-scaling.sh
#
# Steps (each under its own `timeout`; the whole script stops by EPB_DEADLINE_S, default 540 s):
#   1. unpack + environment (setup.sh), machine facts, mpirun --version
#   2. smoke tests on R-MAT 14: a 1-rank (singleton) generate + embed; then `mpirun -np 2 embed`
#      with each transport until one works and agrees with the 1-rank spectrum:
#        vader  = --mca pml ob1 --mca btl self,vader --mca btl_vader_single_copy_mechanism none
#        vader-tmp (same, backing files in /tmp instead of /dev/shm)
#        tcp    = --mca pml ob1 --mca btl self,tcp --mca btl_tcp_if_include lo
#        tcp-any= --mca pml ob1 --mca btl self,tcp
#      (if none works, the whole round again with PMIX_MCA_gds=hash); EPB_TRANSPORTS reorders/limits
#      the list; then placement at P = 16 (bench/scaling.py's own launcher line): --bind-to core, else
#      --use-hwthread-cpus --bind-to hwthread, else --use-hwthread-cpus --bind-to none, else
#      --oversubscribe --bind-to none (first that runs, matches the 1-rank spectrum and gives every
#      bound rank its own cpu set)
#   3. R-MAT graphs 16..20 (seed 1)
#   4. bench/scaling.py: strong scaling at scale 20 and weak scaling 16 (P=1) .. 20 (P=16),
#      --ranks 1,2,4,8,16 --repeats 3; a repeat is only started if it can end before the deadline
#      (--budget), one embed is killed after EPB_RUN_TIMEOUT_S (default 150 s)
# Results: $OUT/scaling.json (rewritten after every run, `complete` says whether all repeats ran),
# $OUT/run-scaling.log (everything printed), $OUT/ompi_info.txt, $OUT/choice.env (what was picked).
set -u
T0=$(date +%s)
DEADLINE=$((T0 + ${EPB_DEADLINE_S:-540}))
RUN_TIMEOUT=${EPB_RUN_TIMEOUT_S:-150}
# for a scaled-down test elsewhere: EPB_STRONG_SCALE, EPB_WEAK_SCALE, EPB_RANKS, EPB_REPEATS
STRONG=${EPB_STRONG_SCALE:-20}
WEAK=${EPB_WEAK_SCALE:-16}
RANKS=${EPB_RANKS:-1,2,4,8,16}
REPEATS=${EPB_REPEATS:-3}
NPMAX=${RANKS##*,}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
OUT=${OUT:-/tmp/epb-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run-scaling.log") 2>&1
TEE_PID=$!
export PYTHONUNBUFFERED=1

ts() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - T0 ))s] $*"; }
left() { echo $(( DEADLINE - $(date +%s) )); }
# limited SECONDS CMD...: CMD under timeout, capped by the time left
limited() {
    local want=$1; shift
    local l; l=$(left)
    [ "$want" -gt $((l - 5)) ] && want=$((l - 5))
    if [ "$want" -lt 5 ]; then ts "no time left for: $*"; return 124; fi
    timeout -k 20 "$want" "$@"
}
finish() {
    [ -f "$W/scaling/scaling.json" ] && cp "$W/scaling/scaling.json" "$OUT/scaling.json"
    ts "done (exit $1); files in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
    exec >&- 2>&-   # let tee finish the log before the files are collected (at most 5 s)
    for _ in $(seq 50); do kill -0 "$TEE_PID" 2>/dev/null || break; sleep 0.1; done
    exit "$1"
}

ts "run-scaling.sh in $ROOT, OUT=$OUT, deadline in $(left) s"
W=/tmp/epb-work
rm -rf "$W"; mkdir -p "$W/graphs"

# ---- 1. environment ----------------------------------------------------------------------------
ts "unpacking the bundle"
. "$ROOT/cluster/portable/setup.sh" || { ts "setup.sh failed"; finish 1; }
ts "bundle in $EPB ($(du -sh "$EPB" | cut -f1)); $(head -1 "$EPB/MANIFEST.txt")"
echo "nproc: $(nproc)   os.cpu_count: $(python3 -c 'import os; print(os.cpu_count())')"
echo "kernel: $(uname -r) $(uname -v)"
grep -m1 'model name' /proc/cpuinfo
grep -E 'MemTotal|MemAvailable' /proc/meminfo
df -h /tmp /dev/shm 2>&1 | sed 's/^/  /'
echo "network interfaces: $(ls /sys/class/net 2>/dev/null | tr '\n' ' ')"
echo "ptrace_scope: $(cat /proc/sys/kernel/yama/ptrace_scope 2>&1)"
ls /sys/devices/system/cpu/cpu0/topology 2>&1 | head -3 | sed 's/^/  cpu0 topology: /'
echo "python3: $(python3 --version 2>&1)"
limited 30 mpirun --version
limited 30 ompi_info > "$OUT/ompi_info.txt" 2>&1
echo "ompi_info: $(grep -c . "$OUT/ompi_info.txt") lines; MCA btl: $(grep 'MCA btl' "$OUT/ompi_info.txt" | awk '{print $3}' | tr '\n' ' ')"

# ---- 2. smoke tests --------------------------------------------------------------------------------
SMOKE=$W/graphs/smoke-rmat14.tsv
EMBED_ARGS="--dim 16 --loss simclr --tol 1e-6 --force --quiet"
same_spectrum() {  # same_spectrum DIR_A DIR_B: the spectra agree to 1e-4 (numpy if there, else trust exit status)
    python3 - "$1" "$2" <<'PY'
import sys
try:
    import numpy as np
except Exception as e:
    print(f"  (numpy unusable, spectra not compared: {str(e).strip().splitlines()[0]})"); sys.exit(0)
import glob, os
fa = sorted(glob.glob(os.path.join(sys.argv[1], "spectrum-*.npy")))
ok = True
for a in fa:
    b = os.path.join(sys.argv[2], os.path.basename(a))
    x, y = np.load(a), np.load(b)
    err = float(np.max(np.abs(x - y)) / max(1e-300, float(np.max(np.abs(x)))))
    print(f"  {os.path.basename(a)}: max relative difference {err:.2e}")
    ok &= x.shape == y.shape and err < 1e-4  # --tol 1e-6 bounds the Ritz values; P = 1 vs P agree ~1e-15
sys.exit(0 if ok and fa else 1)
PY
}

smoke_round() {  # under the current PMIx settings: sets SINGLETON, TRANSPORT, SCALING_MPIRUN_ARGS
    if [ ! -s "$SMOKE" ]; then
        ts "smoke: 1-rank generate R-MAT 14"
        if limited 45 eigenpair generate rmat --scale 14 --seed 1 --out "$SMOKE" >/dev/null; then
            ts "  ok: $(wc -l < "$SMOKE") lines"
        else
            ts "  singleton generate failed; trying it under mpirun -np 1"
            limited 45 mpirun -np 1 eigenpair generate rmat --scale 14 --seed 1 --out "$SMOKE" >/dev/null \
                || { ts "  generate failed under mpirun too"; return 1; }
        fi
    fi
    SINGLETON=1
    unset SCALING_ALWAYS_MPIRUN
    ts "smoke: 1-rank embed (singleton, no mpirun)"
    rm -rf "$W/smoke1"
    if limited 45 eigenpair embed "$SMOKE" --out "$W/smoke1" $EMBED_ARGS; then
        ts "  ok"
    else
        ts "  singleton embed failed: P = 1 runs will go through mpirun -np 1 (SCALING_ALWAYS_MPIRUN=1)"
        SINGLETON=0
        export SCALING_ALWAYS_MPIRUN=1
        limited 45 mpirun -np 1 eigenpair embed "$SMOKE" --out "$W/smoke1" $EMBED_ARGS \
            || { ts "  mpirun -np 1 embed failed too"; return 1; }
    fi
    for t in ${EPB_TRANSPORTS:-vader vader-tmp tcp tcp-any}; do
        case $t in
            broken)    args="--mca pml ob1 --mca btl self" ;;  # for testing the fallbacks
            vader)     args="--mca pml ob1 --mca btl self,vader --mca btl_vader_single_copy_mechanism none" ;;
            vader-tmp) args="--mca pml ob1 --mca btl self,vader --mca btl_vader_single_copy_mechanism none --mca btl_vader_backing_directory /tmp" ;;
            tcp)       args="--mca pml ob1 --mca btl self,tcp --mca btl_tcp_if_include lo" ;;
            tcp-any)   args="--mca pml ob1 --mca btl self,tcp" ;;
            *)         ts "unknown transport $t"; continue ;;
        esac
        ts "smoke: mpirun -np 2 embed, transport $t: $args"
        rm -rf "$W/smoke2"
        if limited 45 mpirun -np 2 --bind-to none $args eigenpair embed "$SMOKE" --out "$W/smoke2" $EMBED_ARGS \
            && same_spectrum "$W/smoke1" "$W/smoke2"; then
            TRANSPORT=$t; export SCALING_MPIRUN_ARGS="$args"; ts "  ok: transport $t"; return 0
        fi
        ts "  transport $t failed"
    done
    return 1
}

TRANSPORT=""
PMIX_SETTING=default
if ! smoke_round; then
    # PMIx's shared-memory data store (gds ds21/ds12: process-shared pthread locks in mmapped files)
    # is the usual suspect in containers; its plain hash store needs nothing special
    ts "smoke: nothing worked with PMIx defaults; again with PMIX_MCA_gds=hash"
    export PMIX_MCA_gds=hash
    PMIX_SETTING=gds-hash
    smoke_round || { ts "no transport worked: giving up"; finish 1; }
fi

launch_line() {  # what bench/scaling.py will run for P ranks, as one shell-quoted line
    python3 -c 'import shlex, sys; sys.path.insert(0, "bench"); import scaling; print(shlex.join(scaling.launcher(int(sys.argv[1]))))' "$1"
}
distinct_bindings() {  # each rank bound to its own cpu set, or none bound at all (--report-bindings output)
    python3 - "$1" <<'PY'
import re, sys
masks = re.findall(r"MCW rank \d+ bound to .*?: (\S+)", open(sys.argv[1], errors="replace").read())
if masks and len(set(masks)) < len(masks):
    print(f"  {len(masks)} ranks share {len(set(masks))} cpu sets: overlapping placement"); sys.exit(1)
print(f"  {len(masks)} ranks bound, each to its own cpu set" if masks else "  ranks not bound")
PY
}

PLACEMENT=""
base_args=$SCALING_MPIRUN_ARGS
for pl in core hwthread hwthread-none oversubscribe-none; do
    case $pl in
        core)               export SCALING_MPIRUN_ARGS="$base_args"; unset SCALING_BIND ;;
        hwthread)           export SCALING_MPIRUN_ARGS="$base_args --use-hwthread-cpus"; export SCALING_BIND=hwthread ;;
        hwthread-none)      export SCALING_MPIRUN_ARGS="$base_args --use-hwthread-cpus"; export SCALING_BIND=none ;;
        oversubscribe-none) export SCALING_MPIRUN_ARGS="$base_args --oversubscribe"; export SCALING_BIND=none ;;
    esac
    line=$(launch_line $NPMAX)
    ts "smoke: P = $NPMAX placement $pl: $line --report-bindings eigenpair embed R-MAT 14"
    rm -rf "$W/smoke16"
    # shellcheck disable=SC2086
    if eval "limited 60 $line --report-bindings eigenpair embed \"\$SMOKE\" --out \"\$W/smoke16\" $EMBED_ARGS" 2> "$W/bindings.txt" \
        && same_spectrum "$W/smoke1" "$W/smoke16" && distinct_bindings "$W/bindings.txt"; then
        PLACEMENT=$pl; ts "  ok: placement $pl"; head -n 20 "$W/bindings.txt" | sed 's/^/  /'; break
    fi
    head -n 30 "$W/bindings.txt" | sed 's/^/  /'
    ts "  placement $pl failed"
done
[ -n "$PLACEMENT" ] || { ts "no placement worked at P = $NPMAX: giving up"; finish 1; }
{
    echo "TRANSPORT=$TRANSPORT"; echo "PLACEMENT=$PLACEMENT"; echo "SINGLETON=$SINGLETON"; echo "PMIX=$PMIX_SETTING"
    echo "SCALING_MPIRUN_ARGS='$SCALING_MPIRUN_ARGS'"; echo "SCALING_BIND='${SCALING_BIND-}'"
    for p in ${RANKS//,/ }; do echo "# P=$p: $(launch_line $p)"; done
} | tee "$OUT/choice.env"

# ---- 3. graphs ---------------------------------------------------------------------------------------
SCALES=$(python3 -c 'import math, sys; w, s = int(sys.argv[1]), int(sys.argv[2]); print(*sorted({s} | {w + round(math.log2(int(p))) for p in sys.argv[3].split(",")}))' "$WEAK" "$STRONG" "$RANKS")
for s in $SCALES; do
    ts "generate R-MAT $s"
    if [ "$SINGLETON" = 1 ]; then
        limited 120 eigenpair generate rmat --scale $s --seed 1 --out "$W/graphs/rmat$s.tsv" >/dev/null
    else
        limited 120 mpirun -np 1 eigenpair generate rmat --scale $s --seed 1 --out "$W/graphs/rmat$s.tsv" >/dev/null
    fi || { ts "generating R-MAT $s failed"; finish 1; }
done
ls -la "$W/graphs" | sed 's/^/  /'

# ---- 4. scaling ----------------------------------------------------------------------------------
L=$(left)
ts "bench/scaling.py: strong R-MAT $STRONG, weak from R-MAT $WEAK, P = $RANKS, $REPEATS repeats; $L s left"
limited $((L - 10)) python3 bench/scaling.py --out "$W/scaling" --graph-dir "$W/graphs" \
    --ranks "$RANKS" --scale "$STRONG" --weak-scale "$WEAK" --repeats "$REPEATS" \
    --timeout "$RUN_TIMEOUT" --budget $((L - 25))
rc=$?
ts "bench/scaling.py exit $rc"
finish $rc
