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
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

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


def run(binary, graph, ranks, dim, out, loss, largest):
    # simclr (G) by default: on a full R-MAT graph A_n's and L's leading pairs come from the
    # components in closed form, so only G's solve exercises Lanczos there.
    cmd = [binary, "embed", graph, "--dim", str(dim), "--loss", loss, "--tol", "1e-6",
           "--out", out, "--force", "--quiet"] + (["--largest-component"] if largest else [])
    if ranks > 1 or os.environ.get("SCALING_ALWAYS_MPIRUN"):
        launch = ["mpirun", "-np", str(ranks)]
        launch += ["--oversubscribe", "--bind-to", "none"] if ranks > (os.cpu_count() or 1) else ["--bind-to", "core"]
        cmd = launch + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=environment())
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    timings = report["timings"]
    solve = sum(v for k, v in timings.items() if k.startswith("solve_"))
    peak = max(r["peak_memory_bytes"] for r in report["rank_details"])
    return {"total": timings["total"], "solve": solve, "peak_bytes_per_rank": peak,
            "nodes": report["graph"]["nodes"], "nonzeros": report["graph"]["nonzeros"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--scale", type=int, default=18)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--loss", default="simclr", help="embed --loss (default simclr: the Lanczos solve of G)")
    ap.add_argument("--largest-component", action="store_true", help="embed --largest-component")
    args = ap.parse_args()
    ranks = [int(p) for p in args.ranks.split(",")]
    os.makedirs(args.out, exist_ok=True)
    binary = eigenpair_binary()

    strong_graph = generate(binary, args.scale, args.out)
    weak_graphs = {p: generate(binary, args.scale + int(round(math.log2(p))), args.out) for p in ranks}
    runs = {"strong": {p: [] for p in ranks}, "weak": {p: [] for p in ranks}}
    for repeat in range(args.repeats):
        for p in ranks:  # alternate P inside each repeat
            runs["strong"][p].append(run(binary, strong_graph, p, args.dim, os.path.join(args.out, "o"), args.loss,
                                         args.largest_component))
            runs["weak"][p].append(run(binary, weak_graphs[p], p, args.dim, os.path.join(args.out, "o"), args.loss,
                                       args.largest_component))
            print(f"repeat {repeat + 1}/{args.repeats}, P = {p} done", file=sys.stderr)

    def median(rows, key):
        return statistics.median(r[key] for r in rows)

    result = {"scale": args.scale, "dim": args.dim, "loss": args.loss, "largest_component": args.largest_component, "repeats": args.repeats, "cpu_count": os.cpu_count(),
              "strong": [], "weak": []}
    base = {kind: {k: median(runs[kind][ranks[0]], k) * ranks[0] for k in ("solve", "total")}
            for kind in ("strong", "weak")}
    for p in ranks:
        for kind in ("strong", "weak"):
            rows = runs[kind][p]
            entry = {"ranks": p, "nodes": rows[0]["nodes"], "nonzeros": rows[0]["nonzeros"],
                     "solve": median(rows, "solve"), "total": median(rows, "total"),
                     "peak_bytes_per_rank": median(rows, "peak_bytes_per_rank")}
            for k in ("solve", "total"):
                if kind == "strong":
                    entry[f"efficiency_{k}"] = base[kind][k] / (p * entry[k])
                else:
                    entry[f"efficiency_{k}"] = base[kind][k] / ranks[0] / entry[k]
            result[kind].append(entry)
    with open(os.path.join(args.out, "scaling.json"), "w") as f:
        json.dump(result, f, indent=2)

    print(f"| scaling | P | nodes | nonzeros | solve s | E(solve) | total s | E(total) | peak MiB/rank |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in ("strong", "weak"):
        for e in result[kind]:
            print(f"| {kind} | {e['ranks']} | {e['nodes']:,} | {e['nonzeros']:,} | {e['solve']:.2f} | "
                  f"{e['efficiency_solve']:.0%} | {e['total']:.2f} | {e['efficiency_total']:.0%} | "
                  f"{e['peak_bytes_per_rank'] / 2**20:.0f} |")


if __name__ == "__main__":
    main()
