#!/usr/bin/env python3
"""Roofline of an Eigenpair solve against the machine's memory bandwidth (issue 5).

    bench/roofline.py --stream STREAM.json REPORT.json [REPORT.json ...] [--json OUT.json]
    bench/roofline.py --stream STREAM.json --bench RESULTS.json [--bench ...] [--json OUT.json]

STREAM.json is what bench/stream/run.sh writes; each REPORT.json is an `eigenpair embed` report
(plain run or `mpirun -np P`), which carries per-rank `rank_details` (rows, nonzeros, ghosts,
matvecs, spmv_seconds, halo_seconds) and per-solve `seconds` and `matvecs`.

Per rank it computes:
  * bytes per matvec, compulsory traffic: the CSR arrays 8 (rows + 1) + 12 nnz (4 nnz when the
    graph is unweighted: the pattern-only kernel reads no values, `spmv_value_bytes_per_nonzero`
    in rank_details), x read once 8 (rows + ghosts), y written once 8 rows (the model the
    bandwidth-bound time uses), and the issue's model 20 nnz + 8 rows (12 nnz + 8 rows
    unweighted; 8 bytes per x access, row pointers not counted);
  * achieved local SpMV bandwidth = bytes per matvec / (spmv_seconds / matvecs), as % of the
    single-core STREAM triad;
  * the bandwidth-bound time of the solve = solve matvecs x compulsory bytes / bandwidth per rank,
    where bandwidth per rank = min(1-thread STREAM, P-thread STREAM / P) (ranks share the bus);
  * the solve's time as a multiple of it, split into SpMV, halo exchange and the eigensolver's
    own work (solve seconds - SpMV - halo).
The rank counters cover every matvec of the run (Lanczos, residual checks, loss values); the
solve's share is taken as solve matvecs / rank matvecs of the rank's SpMV and halo seconds.
Solves whose pairs all come from components (closed form, 0 matvecs) have no roofline: they are
listed with their time only.
"""
import argparse
import json
import os
import sys


def load_stream(path):
    with open(path) as f:
        s = json.load(f)
    by_threads = {r["threads"]: r["best_gbs"] * 1e9 for r in s["runs"]}
    return s, by_threads


def per_rank_bandwidth(by_threads, ranks):
    one = by_threads.get(1)
    if one is None:
        raise SystemExit("the STREAM file has no 1-thread run")
    shared = by_threads.get(ranks)
    if shared is None:
        shared = max(by_threads.values())
    return min(one, shared / ranks)


def compulsory_bytes(d):
    """Compulsory bytes of one local product of a rank (`rank_details` entry): the CSR arrays, x read
    once, y written once. Unweighted graphs run the pattern-only kernel (no value array read): 4 bytes
    per nonzero."""
    rows, nnz, ghosts = d["rows"], d["nonzeros"], d["ghosts"]
    value_bytes = d.get("spmv_value_bytes_per_nonzero", 8)
    return 8 * (rows + 1) + (4 + value_bytes) * nnz + 8 * (rows + ghosts) + 8 * rows


def analyse(report_path, by_threads, report=None):
    """The roofline of one run: `report` (a report.json's content) when given, else the file at
    `report_path`, which then only names the run."""
    if report is None:
        with open(report_path) as f:
            report = json.load(f)
    r = report
    details = r.get("rank_details") or []
    if not details:
        raise SystemExit(f"{report_path}: no rank_details (an older report?)")
    ranks = len(details)
    bw_one = by_threads[1]
    bw_rank = per_rank_bandwidth(by_threads, ranks)
    solves = [s for s in r.get("solves", []) if s.get("matvecs", 0) > 0]
    solve_seconds = sum(s["seconds"] for s in solves)
    solve_matvecs = max((s["matvecs"] for s in solves), default=0)
    graph = r.get("graph", {})
    out = {
        "report": report_path,
        # schema 1.0: argv is "arguments" ("command" is the subcommand name).
        "command": " ".join(r.get("arguments", [])),
        "ranks": ranks,
        "nodes": graph.get("nodes"),
        "operators": [s["operator"] for s in solves],
        "closed_form_solves": [{"operator": s["operator"], "seconds": s["seconds"]}
                               for s in r.get("solves", []) if s.get("matvecs", 0) == 0],
        "solve_seconds": solve_seconds,
        "solve_matvecs": solve_matvecs,
        "stream_1_thread_gbs": bw_one / 1e9,
        "bandwidth_per_rank_gbs": bw_rank / 1e9,
        "total_seconds": r.get("timings", {}).get("total"),
        "per_rank": [],
    }
    worst = None
    for d in details:
        rows, nnz, ghosts, mv = d["rows"], d["nonzeros"], d["ghosts"], d["matvecs"]
        value_bytes = d.get("spmv_value_bytes_per_nonzero", 8)
        compulsory = compulsory_bytes(d)
        issue = (12 + value_bytes) * nnz + 8 * rows
        per_mv = d["spmv_seconds"] / mv if mv else float("nan")
        halo_per_mv = d["halo_seconds"] / mv if mv else float("nan")
        share = solve_matvecs / mv if mv else 0.0
        spmv_solve = d["spmv_seconds"] * share
        halo_solve = d["halo_seconds"] * share
        bound = solve_matvecs * compulsory / bw_rank
        entry = {
            "rank": d["rank"], "rows": rows, "nonzeros": nnz, "ghosts": ghosts, "matvecs": mv,
            "bytes_per_matvec_compulsory": compulsory, "bytes_per_matvec_issue_model": issue,
            "halo_bytes_per_matvec": d.get("halo_bytes_per_matvec", 0),
            "spmv_ms_per_matvec": per_mv * 1e3, "halo_ms_per_matvec": halo_per_mv * 1e3,
            "spmv_gbs_compulsory": compulsory / per_mv / 1e9 if mv else None,
            "spmv_gbs_issue_model": issue / per_mv / 1e9 if mv else None,
            "spmv_pct_of_1_thread_stream": 100 * compulsory / per_mv / bw_one if mv else None,
            "spmv_pct_of_1_thread_stream_issue_model": 100 * issue / per_mv / bw_one if mv else None,
            "bandwidth_bound_solve_seconds": bound,
            "solve_spmv_seconds": spmv_solve,
            "solve_halo_seconds": halo_solve,
            "solve_eigensolver_seconds": solve_seconds - spmv_solve - halo_solve,
            "solve_over_bound": solve_seconds / bound if bound > 0 else None,
            "spmv_over_bound": spmv_solve / bound if bound > 0 else None,
            "halo_over_bound": halo_solve / bound if bound > 0 else None,
            "eigensolver_over_bound": (solve_seconds - spmv_solve - halo_solve) / bound if bound > 0 else None,
        }
        out["per_rank"].append(entry)
        if bound > 0 and (worst is None or bound > worst["bandwidth_bound_solve_seconds"]):
            worst = entry
    out["bandwidth_bound_solve_seconds"] = worst["bandwidth_bound_solve_seconds"] if worst else None
    out["solve_over_bound"] = solve_seconds / worst["bandwidth_bound_solve_seconds"] if worst else None
    return out


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def markdown(results):
    lines = [
        "| run | P | rank | solve matvecs | MB/matvec | SpMV ms/matvec | SpMV GB/s (% 1-core STREAM) "
        "| halo ms/matvec | bound s | solve s | solve / bound | = SpMV + halo + eigensolver |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for res in results:
        name = res.get("name") or os.path.basename(os.path.dirname(os.path.abspath(res["report"])))
        ops = ",".join(res["operators"]) or "(closed form only)"
        for e in res["per_rank"]:
            lines.append(
                f"| {name} ({ops}) | {res['ranks']} | {e['rank']} | {res['solve_matvecs']} "
                f"| {e['bytes_per_matvec_compulsory'] / 1e6:.0f} | {e['spmv_ms_per_matvec']:.1f} "
                f"| {fmt(e['spmv_gbs_compulsory'], '.2f')} ({fmt(e['spmv_pct_of_1_thread_stream'], '.0f')}%) "
                f"| {e['halo_ms_per_matvec']:.2f} | {e['bandwidth_bound_solve_seconds']:.2f} "
                f"| {res['solve_seconds']:.2f} | {fmt(e['solve_over_bound'], '.2f')}x "
                f"| {fmt(e['spmv_over_bound'], '.2f')} + {fmt(e['halo_over_bound'], '.2f')} + "
                f"{fmt(e['eigensolver_over_bound'], '.2f')} |")
    return "\n".join(lines)


def bench_runs(path):
    """(name, report-like dict) for the median-solve run of every Eigenpair tool of every case in a
    bench/run.py results file: the per-rank counters and the solve it recorded from each report.json."""
    with open(path) as f:
        results = json.load(f)
    op = "L" if results.get("operator") == "L" else "A_n"
    out = []
    for case in results["cases"]:
        for tool, runs in case["runs"].items():
            ok = sorted((r for r in runs if tool.startswith("eigenpair") and r.get("rank_details")),
                        key=lambda r: r["solve_seconds"])
            if not ok:
                continue
            r = ok[(len(ok) - 1) // 2]
            out.append((f"{case['name']} {tool}", {
                "arguments": r["command"].split(), "rank_details": r["rank_details"], "timings": r.get("timings", {}),
                "graph": {"nodes": case["graph"].get("lcc_nodes")},
                "solves": [{"operator": op, "seconds": r["solve_seconds"], "matvecs": r["matvecs"]}]}))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", nargs="*", help="report.json of eigenpair embed runs")
    ap.add_argument("--bench", action="append", default=[],
                    help="a bench/run.py results file: the median-solve run of each Eigenpair tool in each case")
    ap.add_argument("--stream", required=True, help="JSON written by bench/stream/run.sh")
    ap.add_argument("--json", help="write the full analysis here")
    args = ap.parse_args()
    _, by_threads = load_stream(args.stream)
    results = [analyse(p, by_threads) for p in args.reports]
    for path in args.bench:
        for name, rep in bench_runs(path):
            res = analyse(path, by_threads, report=rep)
            res["name"] = name
            results.append(res)
    print(f"STREAM triad: " + ", ".join(f"{t} thread(s) {b / 1e9:.2f} GB/s" for t, b in sorted(by_threads.items())))
    print(markdown(results))
    for res in results:
        for c in res["closed_form_solves"]:
            print(f"{res['report']}: solve {c['operator']} from components (no matvecs), {c['seconds']:.2f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"stream_gbs": {str(k): v / 1e9 for k, v in by_threads.items()}, "runs": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
