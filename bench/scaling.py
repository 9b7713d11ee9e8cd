#!/usr/bin/env python3
"""Strong and weak scaling of `eigenpair embed` over MPI ranks.

    python3 bench/scaling.py --out out/scaling [--ranks 1,2] [--scale 18] [--dim 16] [--repeats 3]

Strong scaling: one R-MAT graph (scale --scale), P = each of --ranks; efficiency E(P) = T(1) / (P T(P))
for the solve phase (the Lanczos solves, `timings.solve_*`) and end to end (`timings.total`).
Weak scaling: R-MAT scale --scale + log2(P) for P ranks (fixed nodes per rank); efficiency
E(P) = T(1) / T(P). Runs alternate over P within each repeat; the median of --repeats is kept.
Ranks beyond the core count need --oversubscribe (added automatically) and then measure nothing
useful: on this 2-core machine use --ranks 1,2; on a 16-core node --ranks 1,2,4,8,16.
Writes OUT/scaling.json and prints a Markdown table. Needs only the Python standard library.

Options for a run elsewhere (defaults keep the behaviour above): --weak-scale S0 starts weak scaling
at scale S0 for P = 1 (S0 + log2 P for P ranks; default --scale), --graph-dir keeps the generated
graphs apart from --out, --timeout kills one embed (its whole process group) after that many
seconds, --budget starts no new repeat once the next one would end past that many seconds.
OUT/scaling.json is rewritten after every run (`complete` is false until the end), so a run cut
short still leaves the medians of what finished. Environment: EIGENPAIR (the binary),
SCALING_MPIRUN (the launcher, default `mpirun`), SCALING_MPIRUN_ARGS (extra launcher arguments,
shell-split, e.g. `--mca btl self,vader`), SCALING_BIND (`--bind-to` value for every P > 1 run
instead of core / none-with-oversubscribe), SCALING_ALWAYS_MPIRUN (launch P = 1 through it too).
"""
import argparse
import json
import math
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def eigenpair_binary():
    path = os.environ.get("EIGENPAIR", os.path.join(ROOT, ".build", "release", "eigenpair"))
    if not os.path.exists(path):
        subprocess.run(["swift", "build", "-c", "release", "--product", "eigenpair"], cwd=ROOT, check=True)
    return path


def environment():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def generate(binary, scale, directory):
    path = os.path.join(directory, f"rmat{scale}.tsv")
    if not os.path.exists(path):
        subprocess.run([binary, "generate", "rmat", "--scale", str(scale), "--seed", "1", "--out", path],
                       check=True, stdout=subprocess.DEVNULL, env=environment())
    return path


def launcher(ranks):
    """The mpirun prefix for a P-rank run (empty: run the binary directly as a singleton)."""
    if not (ranks > 1 or os.environ.get("SCALING_ALWAYS_MPIRUN")):
        return []
    launch = shlex.split(os.environ.get("SCALING_MPIRUN", "mpirun")) + ["-np", str(ranks)]
    launch += shlex.split(os.environ.get("SCALING_MPIRUN_ARGS", ""))
    oversubscribed = ranks > (os.cpu_count() or 1)
    bind = os.environ.get("SCALING_BIND")
    if bind:
        launch += (["--oversubscribe"] if oversubscribed and "--oversubscribe" not in launch else []) + ["--bind-to", bind]
    elif oversubscribed:
        launch += (["--oversubscribe"] if "--oversubscribe" not in launch else []) + ["--bind-to", "none"]
    else:
        launch += ["--bind-to", "core"]
    return launch


def execute(cmd, timeout):
    """subprocess.run(cmd, check=True) with stdout discarded; with a timeout, the command gets its own
    process group, which receives SIGTERM (mpirun then stops its ranks) and 10 s later SIGKILL."""
    if timeout is None:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=environment())
        return
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=environment(), start_new_session=True)
    try:
        rc = proc.wait(timeout=timeout)
    except BaseException:
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                pass
        raise
    if rc != 0:
        raise subprocess.CalledProcessError(rc, cmd)


def run(binary, graph, ranks, dim, out, loss, largest, timeout=None):
    # simclr (G) by default: on a full R-MAT graph A_n's and L's leading pairs come from the
    # components in closed form, so only G's solve exercises Lanczos there.
    cmd = [binary, "embed", graph, "--dim", str(dim), "--loss", loss, "--tol", "1e-6",
           "--out", out, "--force", "--quiet"] + (["--largest-component"] if largest else [])
    cmd = launcher(ranks) + cmd
    started = time.monotonic()
    execute(cmd, timeout)
    wall = time.monotonic() - started
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    timings = report["timings"]
    solve = sum(v for k, v in timings.items() if k.startswith("solve_"))
    peak = max(r["peak_memory_bytes"] for r in report["rank_details"])
    return {"total": timings["total"], "solve": solve, "peak_bytes_per_rank": peak,
            "nodes": report["graph"]["nodes"], "nonzeros": report["graph"]["nonzeros"], "wall": wall}


def summarise(args, ranks, runs, complete, failure):
    """The result dictionary from the runs so far (P with no finished run yet are left out)."""
    def median(rows, key):
        return statistics.median(r[key] for r in rows)

    result = {"scale": args.scale, "weak_scale": args.weak_scale, "dim": args.dim, "loss": args.loss,
              "largest_component": args.largest_component, "repeats": args.repeats, "cpu_count": os.cpu_count(),
              "launcher": {str(p): launcher(p) for p in ranks}, "complete": complete,
              "repeats_done": {kind: {str(p): len(runs[kind][p]) for p in ranks} for kind in runs},
              "strong": [], "weak": []}
    if failure:
        result["failure"] = failure
    for kind in ("strong", "weak"):
        base_rows = runs[kind][ranks[0]]
        base = {k: median(base_rows, k) * ranks[0] for k in ("solve", "total")} if base_rows else None
        for p in ranks:
            rows = runs[kind][p]
            if not rows:
                continue
            entry = {"ranks": p, "nodes": rows[0]["nodes"], "nonzeros": rows[0]["nonzeros"],
                     "solve": median(rows, "solve"), "total": median(rows, "total"), "wall": median(rows, "wall"),
                     "peak_bytes_per_rank": median(rows, "peak_bytes_per_rank"), "runs": len(rows)}
            for k in ("solve", "total"):
                if base is None:
                    entry[f"efficiency_{k}"] = None
                elif kind == "strong":
                    entry[f"efficiency_{k}"] = base[k] / (p * entry[k])
                else:
                    entry[f"efficiency_{k}"] = base[k] / ranks[0] / entry[k]
            result[kind].append(entry)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--scale", type=int, default=18, help="R-MAT scale of the strong-scaling graph")
    ap.add_argument("--weak-scale", type=int, default=None,
                    help="R-MAT scale of the weak-scaling graph at P = 1 (S + log2 P at P ranks; default --scale)")
    ap.add_argument("--graph-dir", default=None, help="where the generated graphs go (default --out)")
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--loss", default="simclr", help="embed --loss (default simclr: the Lanczos solve of G)")
    ap.add_argument("--largest-component", action="store_true", help="embed --largest-component")
    ap.add_argument("--timeout", type=float, default=None, help="seconds one embed may run (default: no limit)")
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds: start no repeat that would end later (judged by the slowest repeat so far)")
    args = ap.parse_args()
    if args.weak_scale is None:
        args.weak_scale = args.scale
    ranks = [int(p) for p in args.ranks.split(",")]
    os.makedirs(args.out, exist_ok=True)
    graph_dir = args.graph_dir or args.out
    os.makedirs(graph_dir, exist_ok=True)
    binary = eigenpair_binary()
    started = time.monotonic()
    if args.timeout is not None or args.budget is not None:
        # under `timeout`: SIGTERM unwinds, so that the running embed's process group is stopped
        # and what finished is kept in scaling.json
        def terminate(signum, frame):
            raise SystemExit(128 + signum)
        signal.signal(signal.SIGTERM, terminate)

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')} +{time.monotonic() - started:.0f}s] {message}", file=sys.stderr, flush=True)

    strong_graph = generate(binary, args.scale, graph_dir)
    weak_graphs = {p: generate(binary, args.weak_scale + int(round(math.log2(p))), graph_dir) for p in ranks}
    log(f"graphs ready in {graph_dir}")
    runs = {"strong": {p: [] for p in ranks}, "weak": {p: [] for p in ranks}}

    def write(complete, failure=None):
        result = summarise(args, ranks, runs, complete, failure)
        with open(os.path.join(args.out, "scaling.json"), "w") as f:
            json.dump(result, f, indent=2)
        return result

    failure = None
    slowest_repeat = 0.0
    try:
        for repeat in range(args.repeats):
            if args.budget is not None and repeat > 0 and time.monotonic() - started + slowest_repeat > args.budget:
                log(f"budget of {args.budget:.0f} s reached: stopping after {repeat} repeat(s)")
                break
            repeat_started = time.monotonic()
            for p in ranks:  # alternate P inside each repeat
                for kind, graph in (("strong", strong_graph), ("weak", weak_graphs[p])):
                    failure = f"{kind} P = {p}, repeat {repeat + 1}"
                    runs[kind][p].append(run(binary, graph, p, args.dim, os.path.join(args.out, "o"), args.loss,
                                             args.largest_component, args.timeout))
                    failure = None
                    write(False)
                print(f"repeat {repeat + 1}/{args.repeats}, P = {p} done", file=sys.stderr)
                log(f"  strong {runs['strong'][p][-1]['wall']:.1f} s wall ({runs['strong'][p][-1]['total']:.2f} s total), "
                    f"weak {runs['weak'][p][-1]['wall']:.1f} s wall ({runs['weak'][p][-1]['total']:.2f} s total)")
            slowest_repeat = max(slowest_repeat, time.monotonic() - repeat_started)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, SystemExit, KeyboardInterrupt) as e:
        reason = f"{failure or 'between runs'}: {type(e).__name__} {e}"
        log(f"failed: {reason}")
        write(False, reason)
        sys.exit(1)
    result = write(True)

    print(f"| scaling | P | nodes | nonzeros | solve s | E(solve) | total s | E(total) | peak MiB/rank |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in ("strong", "weak"):
        for e in result[kind]:
            print(f"| {kind} | {e['ranks']} | {e['nodes']:,} | {e['nonzeros']:,} | {e['solve']:.2f} | "
                  f"{e['efficiency_solve']:.0%} | {e['total']:.2f} | {e['efficiency_total']:.0%} | "
                  f"{e['peak_bytes_per_rank'] / 2**20:.0f} |")


if __name__ == "__main__":
    main()
