#!/usr/bin/env python3
"""Side-by-side benchmark of Eigenpair against SciPy eigsh, SLEPc Krylov-Schur and scikit-learn
spectral_embedding (issue 5, first slice).

    python3 bench/run.py [--quick] [--cases rmat16-k16,rmat18-k64 ...] [--repeats 3] --out out/bench

1. Installs what is missing (idempotent): pip scipy, scikit-learn, numpy for this Python; apt
   python3-slepc4py python3-mpi4py (SLEPc runs under Debian's /usr/bin/python3 with PETSC_DIR and
   SLEPC_DIR set, ANCHORS.md); builds Eigenpair release (.build-bench) and copies the binary to
   OUT/bin so every run uses one binary although the tree changes underneath.
2. Generates R-MAT graphs (`eigenpair generate rmat --scale S --seed 1`; scales 16, 18, 20, --quick
   16 and 18), extracts the largest connected component once and writes it as an edge list
   (`u v`, each undirected pair once, IDs 0..n-1): every tool reads that same file.
3. Per case (graph, K): Eigenpair P = 1 and P = 2 (`embed --loss simclr-degree --tol 1e-6 --dim K`),
   SciPy eigsh, SLEPc P = 1 and P = 2, scikit-learn (scale 16 only, arpack and lobpcg, with a timeout),
   alternated A B C ... per round, `--repeats` rounds (medians).
4. Every run's eigenvalues are compared with Eigenpair's (relative 1e-6); a disagreement marks the case.
5. The full (disconnected) scale-16 graph: how many copies of eigenvalue 1 of A_n each tool returns
   versus the number of components with edges.
6. Writes OUT/results.json; bench/report.py turns it into docs/benchmarks.md.

Every peer and every rank runs with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1.
"""
import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "bench", "peers")
SYS_PYTHON = "/usr/bin/python3"
PETSC_DIR = "/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real"
SLEPC_DIR = "/usr/lib/slepcdir/slepc3.18/x86_64-linux-gnu-real"
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
ROOT_MPI = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
AGREE = 1e-6
ONE_TOL = 1e-8


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ----------------------------------------------------------------------------------------------
# 1. Installation


def ensure_installed(skip_build):
    steps = []
    missing = []
    for mod, pkg in [("numpy", "numpy"), ("scipy", "scipy"), ("sklearn", "scikit-learn")]:
        try:
            __import__(mod)
        except ImportError:
            missing.append(pkg)
    if missing:
        log(f"pip install {' '.join(missing)} ({sys.executable})")
        subprocess.run([sys.executable, "-m", "pip", "install", *missing], check=True)
        steps.append(f"{sys.executable} -m pip install {' '.join(missing)}")
    apt_missing = []
    for pkg in ["python3-slepc4py", "python3-mpi4py"]:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            apt_missing.append(pkg)
    if apt_missing:
        log(f"apt-get install {' '.join(apt_missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *apt_missing], check=True, env=env)
        steps.append(f"apt-get install -y --no-install-recommends {' '.join(apt_missing)}")
    binary = os.path.join(ROOT, ".build-bench", "release", "eigenpair")
    if not skip_build or not os.path.exists(binary):
        log("swift build -c release --product eigenpair --scratch-path .build-bench")
        subprocess.run(["swift", "build", "-c", "release", "--product", "eigenpair", "--scratch-path", ".build-bench"],
                       cwd=ROOT, check=True)
    return steps, binary


def versions(env_slepc):
    import numpy
    import scipy
    import sklearn
    out = {"python": platform.python_version(), "python_executable": sys.executable,
           "numpy": numpy.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__}
    r = subprocess.run([SYS_PYTHON, "-c", "import sys, petsc4py; petsc4py.init(); import slepc4py; slepc4py.init(); "
                        "from petsc4py import PETSc; from slepc4py import SLEPc; import numpy, mpi4py; "
                        "print(PETSc.Sys.getVersion(), SLEPc.Sys.getVersion(), numpy.__version__, mpi4py.__version__)"],
                       capture_output=True, text=True, env=env_slepc)
    out["slepc_stack"] = r.stdout.strip() or r.stderr.strip()[-300:]
    out["slepc_python"] = SYS_PYTHON
    r = subprocess.run(["mpirun", "--version"], capture_output=True, text=True)
    out["mpirun"] = r.stdout.strip().splitlines()[0] if r.stdout else "?"
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    out["eigenpair_tree_head"] = r.stdout.strip()
    r = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                       capture_output=True, text=True)
    out["eigenpair_sources_modified"] = [l for l in r.stdout.splitlines() if l.strip()]
    r = subprocess.run(["swift", "--version"], capture_output=True, text=True)
    out["swift"] = (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr) else "?"
    return out


def machine():
    info = {}
    r = subprocess.run(["lscpu"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        k, _, v = line.partition(":")
        if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "L2 cache", "L3 cache"):
            info[k.strip()] = v.strip()
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                info["MemTotal"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    info["kernel"] = platform.release()
    try:
        with open("/etc/debian_version") as f:
            info["debian"] = f.read().strip()
    except OSError:
        pass
    return info


# ----------------------------------------------------------------------------------------------
# Child processes


def run_child(cmd, env, timeout, log_path, mem_limit=None):
    """Runs cmd in its own session; returns (rc or 'timeout', wall seconds, child's max RSS bytes,
    stdout text). On timeout the child's process group is killed (only what we started)."""
    def preexec():
        if mem_limit:
            resource.setrlimit(resource.RLIMIT_AS, (mem_limit, mem_limit))
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log_path, "w") as out:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                             preexec_fn=preexec)
        status, ru, timed_out = None, None, False
        while True:
            pid, st, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                status, ru = st, usage
                break
            if timeout and time.perf_counter() - t0 > timeout:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                pid, st, usage = os.wait4(p.pid, 0)
                status, ru = st, usage
                break
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    with open(log_path) as f:
        text = f.read()
    rc = "timeout" if timed_out else p.returncode
    return rc, wall, ru.ru_maxrss * 1024, text, load


def parse_result(text):
    for line in text.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return None


def tail(text, n=600):
    """The last lines of a log (a Python traceback's last line is the exception)."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return " / ".join(lines[-3:])[-n:]


# ----------------------------------------------------------------------------------------------
# 2. Graphs


def prepare_graph(binary, scale, gdir, env):
    raw = os.path.join(gdir, f"rmat{scale}.tsv")
    lcc = os.path.join(gdir, f"rmat{scale}-lcc.tsv")
    meta_path = os.path.join(gdir, f"rmat{scale}.json")
    if os.path.exists(meta_path) and os.path.exists(lcc) and os.path.exists(raw):
        with open(meta_path) as f:
            return json.load(f)
    cmd = [binary, "generate", "rmat", "--scale", str(scale), "--edge-factor", "16", "--seed", "1", "--out", raw]
    log(" ".join(cmd))
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    gen_s = time.perf_counter() - t0
    sys.path.insert(0, PEERS)
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse import csgraph
    from common import adjacency_rows, compact, read_edges
    u, v = read_edges(raw)
    entries = len(u)
    n, a, b = compact(u, v)
    del u, v
    indptr, indices = adjacency_rows(n, a, b, 0, n)
    del a, b
    g = sp.csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(n, n))
    ncomp, labels = csgraph.connected_components(g, directed=False)
    sizes = np.bincount(labels)
    big = int(np.argmax(sizes))
    rows = np.flatnonzero(labels == big)
    h = g[rows][:, rows].tocoo()
    m = h.row < h.col
    lo, hi = h.row[m].astype(np.int64), h.col[m].astype(np.int64)
    order = np.lexsort((hi, lo))
    lo, hi = lo[order], hi[order]
    tmp = lcc + ".partial"
    with open(tmp, "w") as f:
        step = 1 << 20
        for i in range(0, len(lo), step):
            f.write("\n".join(f"{x} {y}" for x, y in zip(lo[i:i + step].tolist(), hi[i:i + step].tolist())))
            f.write("\n")
    os.replace(tmp, lcc)
    meta = {"scale": scale, "raw": raw, "lcc": lcc, "generate_command": " ".join(cmd[:1] + ["generate"] + cmd[2:]),
            "generate_seconds": gen_s, "entries": entries, "nodes": int(n), "nonzeros": int(g.nnz),
            "components_with_edges": int(ncomp), "lcc_nodes": int(len(rows)), "lcc_nonzeros": int(2 * len(lo)),
            "lcc_edges": int(len(lo)), "lcc_bytes": os.path.getsize(lcc)}
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    log(f"rmat{scale}: {n} nodes, {g.nnz} nonzeros, {ncomp} components with edges; "
        f"largest {len(rows)} nodes, {2 * len(lo)} nonzeros -> {lcc}")
    return meta


# ----------------------------------------------------------------------------------------------
# 3. Tools


class Ctx:
    pass


def eigenpair_cmd(ctx, ranks, edges, k, outdir):
    cmd = [ctx.binary, "embed", edges, "--out", outdir, "--dim", str(k), "--loss", "simclr-degree",
           "--tol", str(ctx.tol), "--force", "--quiet"]
    if ranks > 1:
        cmd = ["mpirun", "--bind-to", "none", "-np", str(ranks), "-x", "OPENBLAS_NUM_THREADS", "-x", "OMP_NUM_THREADS"] + cmd
    return cmd


def run_eigenpair(ctx, ranks, edges, k, tag, timeout):
    outdir = os.path.join(ctx.scratch, f"ep-{tag}")
    cmd = eigenpair_cmd(ctx, ranks, edges, k, outdir)
    rc, wall, rss, text, load = run_child(cmd, ctx.env, timeout, os.path.join(ctx.logs, f"{tag}.log"))
    rec = {"command": " ".join(cmd), "rc": rc, "process_wall_seconds": wall, "load_before": load}
    rpath = os.path.join(outdir, "report.json")
    if rc != 0 or not os.path.exists(rpath):
        rec["error"] = tail(text)
        return rec
    with open(rpath) as f:
        rep = json.load(f)
    solve = [s for s in rep["solves"] if s["operator"] == "A_n"][0]
    t = rep.get("timings", {})
    rec.update({
        "eigenvalues": solve["eigenvalues"][:k], "max_rel_residual": solve.get("max_residual"),
        "matvecs": solve["matvecs"], "matvec_source": "report.json solves[A_n].matvecs",
        "restarts": solve.get("restarts"), "sources": solve.get("sources"),
        "solve_seconds": solve["seconds"], "timings": t,
        "end_to_end_seconds": wall,
        "report_total_seconds": t.get("total"),
        "to_spectrum_seconds": (t.get("read") or 0) + (t.get("restrict") or 0) + (t.get("solve_An") or 0),
        "peak_rss_bytes": rep.get("peak_memory_bytes"),
        "peak_rss_bytes_per_rank": [r["peak_memory_bytes"] for r in rep.get("rank_details", [])],
        "rank_details": rep.get("rank_details"),
        "peak_memory_after_phase": rep.get("peak_memory_after_phase"),
        "graph": {k2: rep["graph"].get(k2) for k2 in ("nodes", "nonzeros", "components", "components_with_edges",
                                                       "largest_component", "isolated_nodes") if k2 in rep["graph"]},
    })
    shutil.rmtree(outdir, ignore_errors=True)
    return rec


def run_peer(ctx, tool, edges, k, tag, timeout):
    if tool == "scipy":
        cmd = [sys.executable, os.path.join(PEERS, "scipy_eigsh.py"), edges, "--k", str(k), "--tol", str(ctx.tol)]
        env, mem = ctx.env, None
    elif tool.startswith("slepc"):
        p = int(tool.split("-p")[1])
        cmd = ["mpirun", "--bind-to", "none", "-np", str(p), "-x", "OPENBLAS_NUM_THREADS", "-x", "OMP_NUM_THREADS",
               "-x", "PETSC_DIR", "-x", "SLEPC_DIR",
               SYS_PYTHON, os.path.join(PEERS, "slepc_ks.py"), edges, "--k", str(k), "--tol", str(ctx.tol)]
        env, mem = ctx.env_slepc, None
    elif tool.startswith("sklearn"):
        solver = tool.split("-", 1)[1]
        cmd = [sys.executable, os.path.join(PEERS, "sklearn_se.py"), edges, "--k", str(k), "--solver", solver,
               "--tol", str(ctx.tol)]
        env, mem = ctx.env, ctx.sklearn_mem
    else:
        raise ValueError(tool)
    rc, wall, rss, text, load = run_child(cmd, env, timeout, os.path.join(ctx.logs, f"{tag}.log"), mem)
    rec = {"command": " ".join(cmd), "rc": rc, "process_wall_seconds": wall, "load_before": load,
           "child_max_rss_bytes": rss}
    res = parse_result(text) if rc == 0 else None
    if res is None:
        if rc == "timeout":
            rec["error"] = f"timed out after {timeout} s (killed)" + (f"; log tail: {tail(text, 300)}" if text.strip() else "")
        else:
            rec["error"] = f"exit {rc}: {tail(text)}"
        return rec
    rec.update(res)
    if "peak_rss_bytes_per_rank" not in rec:
        rec["peak_rss_bytes_per_rank"] = [rec["peak_rss_bytes"]]
    return rec


def run_tool(ctx, tool, edges, k, tag, timeout):
    if tool.startswith("eigenpair"):
        return run_eigenpair(ctx, int(tool.split("-p")[1]), edges, k, tag, timeout)
    return run_peer(ctx, tool, edges, k, tag, timeout)


# ----------------------------------------------------------------------------------------------
# 4. Agreement, medians


def compare(reference, values, k):
    if reference is None or values is None:
        return None
    if len(values) < k or len(reference) < k:
        return {"ok": False, "max_rel_diff": None, "why": f"returned {len(values)} of {k} eigenvalues"}
    ref = sorted(reference, reverse=True)[:k]
    got = sorted(values, reverse=True)[:k]
    d = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(got, ref))
    return {"ok": d <= AGREE, "max_rel_diff": d}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarise(runs):
    ok = [r for r in runs if r.get("eigenvalues") is not None]
    s = {"runs": len(runs), "succeeded": len(ok)}
    if not ok:
        s["errors"] = sorted({str(r.get("error"))[:400] for r in runs})
        return s
    for key in ("solve_seconds", "end_to_end_seconds", "process_wall_seconds", "read_seconds", "build_seconds",
                "matvecs", "max_rel_residual", "to_spectrum_seconds"):
        s[key] = median([r.get(key) for r in ok])
    per_rank = [r.get("peak_rss_bytes_per_rank") or [r.get("peak_rss_bytes")] for r in ok]
    s["peak_rss_bytes_per_rank"] = [max(x[i] for x in per_rank if i < len(x) and x[i] is not None)
                                    for i in range(max(len(x) for x in per_rank))]
    s["agreement"] = [r.get("agreement") for r in ok]
    s["all_agree"] = all(a is not None and a["ok"] for a in s["agreement"])
    s["max_rel_diff"] = max((a["max_rel_diff"] for a in s["agreement"] if a and a["max_rel_diff"] is not None),
                            default=None)
    if ok[0].get("timings"):
        s["timings_median"] = {k: median([r["timings"].get(k) for r in ok]) for k in ok[0]["timings"]}
    s["matvec_source"] = ok[0].get("matvec_source")
    if any(r.get("warnings") for r in ok):
        s["warnings"] = sorted({w for r in ok for w in (r.get("warnings") or [])})
    if len(ok) < len(runs):
        s["errors"] = sorted({str(r.get("error"))[:400] for r in runs if r.get("eigenvalues") is None})
    return s


def run_case(ctx, meta, k, repeats):
    name = f"rmat{meta['scale']}-k{k}"
    tools = ["eigenpair-p1", "scipy", "slepc-p1", "eigenpair-p2", "slepc-p2"]
    if meta["scale"] == 16 and not ctx.no_sklearn:
        tools += ["sklearn-arpack", "sklearn-lobpcg", "sklearn-amg"]
    if ctx.only_tools:
        tools = [t for t in tools if t in ctx.only_tools]
    runs = {t: [] for t in tools}
    skipped = {}
    reference = None
    log(f"case {name}: {meta['lcc_nodes']} nodes, {meta['lcc_nonzeros']} nonzeros, tools {', '.join(tools)}, "
        f"{repeats} round(s)")
    for rnd in range(repeats):
        for tool in tools:
            if tool in skipped:
                continue
            if tool.startswith("sklearn") and ctx.sklearn_failed.get(tool):
                skipped[tool] = f"not run: {ctx.sklearn_failed[tool]}"
                continue
            tag = f"{name}-{tool}-r{rnd}"
            timeout = ctx.sklearn_timeout if tool.startswith("sklearn") else ctx.timeout
            rec = run_tool(ctx, tool, meta["lcc"], k, tag, timeout)
            rec["round"] = rnd
            if tool.startswith("eigenpair") and reference is None and rec.get("eigenvalues"):
                reference = rec["eigenvalues"]
            rec["agreement"] = compare(reference, rec.get("eigenvalues"), k)
            runs[tool].append(rec)
            a = rec["agreement"]
            log(f"  {tag}: " + (f"solve {rec['solve_seconds']:.2f} s, end to end {rec['end_to_end_seconds']:.2f} s, "
                                f"matvecs {rec.get('matvecs')}, agree {a['max_rel_diff'] if a else None}"
                                if rec.get("eigenvalues") else f"FAILED {str(rec.get('error'))[:200]}")
                + f" (load {rec['load_before']:.1f})")
            if tool.startswith("sklearn") and rec.get("eigenvalues") is None:
                ctx.sklearn_failed[tool] = f"failed in {name} round {rnd}: {str(rec.get('error'))[:200]}"
                skipped[tool] = "not repeated after a failure"
    summary = {t: summarise(r) for t, r in runs.items() if r}
    ep = {1: summary.get("eigenpair-p1", {}), 2: summary.get("eigenpair-p2", {})}
    ratios = {}
    for t, s in summary.items():
        if t.startswith("eigenpair") or s.get("solve_seconds") is None:
            continue
        p = int(t.split("-p")[1]) if "-p" in t else 1
        e = ep[p]
        if e.get("solve_seconds"):
            ratios[t] = {"matched_eigenpair": f"eigenpair-p{p}",
                         "solve": s["solve_seconds"] / e["solve_seconds"],
                         "end_to_end": s["end_to_end_seconds"] / e["end_to_end_seconds"]}
    disagreements = [t for t, s in summary.items() if s.get("succeeded") and not s.get("all_agree")]
    return {"name": name, "scale": meta["scale"], "k": k, "graph": meta, "tools": tools, "rounds": repeats,
            "runs": runs, "summary": summary, "ratios": ratios, "skipped": skipped,
            "reference_eigenvalues": reference, "disagreements": disagreements}


# ----------------------------------------------------------------------------------------------
# 5. The disconnected graph


def run_disconnected(ctx, meta, k):
    log(f"disconnected table: full rmat{meta['scale']} ({meta['components_with_edges']} components with edges), K = {k}")
    out = {"scale": meta["scale"], "k": k, "edges_file": meta["raw"],
           "components_with_edges": meta["components_with_edges"], "tools": {}}
    tools = ["eigenpair-p1", "eigenpair-p2", "scipy", "slepc-p1", "slepc-p2", "sklearn-arpack", "sklearn-lobpcg"]
    for tool in tools:
        tag = f"full{meta['scale']}-k{k}-{tool}"
        if tool.startswith("sklearn") and ctx.sklearn_failed.get(tool):
            out["tools"][tool] = {"error": f"not run: {ctx.sklearn_failed[tool]}"}
            continue
        timeout = ctx.sklearn_timeout if tool.startswith("sklearn") else ctx.timeout
        rec = run_tool(ctx, tool, meta["raw"], k, tag, timeout)
        vals = rec.get("eigenvalues")
        entry = {"command": rec["command"], "rc": rec["rc"], "solve_seconds": rec.get("solve_seconds"),
                 "process_wall_seconds": rec.get("process_wall_seconds"), "child_max_rss_bytes": rec.get("child_max_rss_bytes"),
                 "max_rel_residual": rec.get("max_rel_residual"), "matvecs": rec.get("matvecs")}
        if vals is None:
            entry["error"] = rec.get("error")
        else:
            entry["eigenvalues"] = vals
            entry["returned"] = len(vals)
            entry["copies_of_one"] = sum(1 for x in vals if abs(x - 1) <= ONE_TOL)
            entry["sources"] = rec.get("sources")
            if rec.get("graph"):
                entry["graph"] = rec["graph"]
        out["tools"][tool] = entry
        log(f"  {tag}: " + (f"{entry['copies_of_one']} eigenvalues within 1e-8 of 1 out of {entry['returned']}"
                            if vals is not None else f"FAILED {str(entry['error'])[:200]}"))
    return out


# ----------------------------------------------------------------------------------------------
# 6. Targets


def targets(cases):
    by = {(c["scale"], c["k"]): c for c in cases}
    scale = max((c["scale"] for c in cases), default=None)
    res = {"evaluated_at_scale": scale, "intended_scale": 20, "items": []}
    if scale is None:
        return res

    def med(case, tool, key):
        return case["summary"].get(tool, {}).get(key) if case else None

    c16, c64 = by.get((scale, 16)), by.get((scale, 64))

    def item(name, value, goal, detail):
        res["items"].append({"target": name, "measured": value, "goal": goal,
                             "met": (value >= goal) if value is not None else None, "detail": detail})

    ep2, sc = med(c16, "eigenpair-p2", "end_to_end_seconds"), med(c16, "scipy", "end_to_end_seconds")
    item("K=16: SciPy (load + build + eigsh) / Eigenpair P=2 end to end (process wall)",
         sc / ep2 if ep2 and sc else None, 2.0, {"scipy": sc, "eigenpair_p2": ep2})
    s2, e2 = med(c16, "slepc-p2", "solve_seconds"), med(c16, "eigenpair-p2", "solve_seconds")
    item("K=16: SLEPc P=2 solve / Eigenpair P=2 solve", s2 / e2 if s2 and e2 else None, 1.5,
         {"slepc_p2": s2, "eigenpair_p2": e2})
    s2, e2 = med(c64, "slepc-p2", "solve_seconds"), med(c64, "eigenpair-p2", "solve_seconds")
    item("K=64: SLEPc P=2 solve / Eigenpair P=2 solve", s2 / e2 if s2 and e2 else None, 2.0,
         {"slepc_p2": s2, "eigenpair_p2": e2})
    e1, e2 = med(c16, "eigenpair-p1", "solve_seconds"), med(c16, "eigenpair-p2", "solve_seconds")
    item("K=16: Eigenpair strong-scaling efficiency 1 -> 2 ranks on the solve, T1 / (2 T2)",
         e1 / (2 * e2) if e1 and e2 else None, 0.8, {"eigenpair_p1": e1, "eigenpair_p2": e2})
    return res


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="scales 16 and 18 only; default 1 round")
    ap.add_argument("--cases", nargs="*", help="e.g. rmat16-k16 rmat18-k64 (default: all of the mode)")
    ap.add_argument("--repeats", type=int, default=None, help="rounds per case (default 3; --quick 1)")
    ap.add_argument("--out", default="out/bench")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per Eigenpair/SciPy/SLEPc run")
    ap.add_argument("--sklearn-timeout", type=int, default=None, help="seconds per scikit-learn run (default 300; --quick 120)")
    ap.add_argument("--sklearn-memory-gb", type=float, default=12.0, help="address-space limit of a scikit-learn run")
    ap.add_argument("--no-sklearn", action="store_true")
    ap.add_argument("--tools", nargs="*", help="only these tools (eigenpair-p1 scipy slepc-p1 eigenpair-p2 slepc-p2 "
                    "sklearn-arpack sklearn-lobpcg sklearn-amg); default all")
    ap.add_argument("--disconnected-k", type=int, default=32)
    ap.add_argument("--skip-disconnected", action="store_true")
    ap.add_argument("--skip-build", action="store_true", help="use the existing .build-bench binary if present")
    ap.add_argument("--report", default=os.path.join(ROOT, "docs", "benchmarks.md"),
                    help="Markdown written by bench/report.py ('' to skip)")
    args = ap.parse_args()

    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    scales = [16, 18] if args.quick else [16, 18, 20]
    all_cases = [(s, k) for s in scales for k in (16, 64)]
    if args.cases:
        wanted = {c for arg in args.cases for c in arg.split(",") if c}
        all_cases = [(s, k) for s in (16, 18, 20) for k in (16, 64) if f"rmat{s}-k{k}" in wanted]
        unknown = wanted - {f"rmat{s}-k{k}" for s, k in all_cases}
        if unknown:
            sys.exit(f"unknown cases: {sorted(unknown)} (names: rmat16-k16 ... rmat20-k64)")

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    steps, built = ensure_installed(args.skip_build)
    ctx = Ctx()
    os.makedirs(os.path.join(out, "bin"), exist_ok=True)
    ctx.binary = os.path.join(out, "bin", "eigenpair")
    shutil.copy2(built, ctx.binary)
    ctx.tol = args.tol
    ctx.timeout = args.timeout
    ctx.sklearn_timeout = args.sklearn_timeout or (120 if args.quick else 300)
    ctx.sklearn_mem = int(args.sklearn_memory_gb * 2**30)
    ctx.no_sklearn = args.no_sklearn
    ctx.only_tools = {t for arg in (args.tools or []) for t in arg.split(",") if t}
    ctx.sklearn_failed = {}
    ctx.env = dict(os.environ, **THREADS, **ROOT_MPI)
    ctx.env_slepc = dict(ctx.env, PETSC_DIR=PETSC_DIR, SLEPC_DIR=SLEPC_DIR)
    ctx.logs = os.path.join(out, "logs")
    ctx.scratch = os.path.join(out, "scratch")
    os.makedirs(ctx.logs, exist_ok=True)
    os.makedirs(ctx.scratch, exist_ok=True)
    gdir = os.path.join(out, "graphs")
    os.makedirs(gdir, exist_ok=True)

    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results = {"started": started, "mode": "quick" if args.quick else "full", "repeats": repeats,
               "command": "python3 " + shlex.join([os.path.relpath(sys.argv[0], ROOT) if os.path.isabs(sys.argv[0])
                                                   else sys.argv[0]] + sys.argv[1:]),
               "tol": args.tol, "agree_relative": AGREE, "one_tolerance": ONE_TOL,
               "threads": THREADS, "mpirun": "mpirun --bind-to none -np P -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS",
               "install_steps": steps, "machine": machine(), "versions": versions(ctx.env_slepc),
               "load_average_at_start": os.getloadavg(),
               "sklearn_timeout_seconds": ctx.sklearn_timeout, "sklearn_memory_limit_bytes": ctx.sklearn_mem,
               "graphs": {}, "cases": [], "disconnected": None}
    results_path = os.path.join(out, "results.json")

    def save():
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        results["targets"] = targets(results["cases"])
        with open(results_path + ".partial", "w") as f:
            json.dump(results, f, indent=1)
        os.replace(results_path + ".partial", results_path)

    need_scales = sorted({s for s, _ in all_cases} | ({16} if not args.skip_disconnected else set()))
    metas = {}
    for s in need_scales:
        metas[s] = prepare_graph(ctx.binary, s, gdir, ctx.env)
        results["graphs"][f"rmat{s}"] = metas[s]
    save()
    if not args.skip_disconnected:
        results["disconnected"] = run_disconnected(ctx, metas[16], args.disconnected_k)
        save()
    for s, k in all_cases:
        results["cases"].append(run_case(ctx, metas[s], k, repeats))
        save()
    shutil.rmtree(ctx.scratch, ignore_errors=True)
    log(f"wrote {results_path}")
    if args.report:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"), results_path, "--out", args.report],
                       check=True)


if __name__ == "__main__":
    main()
