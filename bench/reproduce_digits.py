#!/usr/bin/env python3
"""Reproduce the two practical claims of Balestriero & LeCun (NeurIPS 2022, arXiv 2205.11508) on the
1,797 8x8 handwritten digits, with `eigenpair linear` computing every closed-form W*.

    python3 bench/reproduce_digits.py --out out/reproduction

Needs NumPy (and matplotlib for the plots; without it the plots are skipped and said so). Reads
bench/data/digits/{X,y}.npy only. For each repetition r and each number n of training images:

  1. a stratified held-out test split (--test images, seed r) that never enters a graph, and a
     stratified random subset of n training images from the rest;
  2. V augmented views per training image (shift by -1/0/+1 pixel in x and y, rotation in
     [-15, 15] degrees, Gaussian pixel noise): the node features X (n V x 64 pixels);
  3. two pair graphs over the same views:
       aligned     views of the same image form a clique (the usual SSL positive pairs);
       misaligned  each view is paired with --degree random views of OTHER images that received the
                   same translation (dx, dy): the relation encodes only the position nuisance, which
                   is independent of the digit by construction;
  4. `eigenpair linear GRAPH --features X.npy --dim K --loss all --gamma G_high` (VICReg high gamma,
     SimCLR, BarlowTwins) and `--loss vicreg --gamma G_low` (VICReg low gamma), and the supervised
     baseline `eigenpair linear --pairs-from-labels y.npy --features X.npy --dim 9 --loss vicreg`
     (the label graph 1/n_c: Fisher LDA) on the same views;
  5. the clean (un-augmented) training and test images are embedded with each W (Z = X W) and a
     ridge linear probe is trained on the n training images and scored on the test images; the
     fraction of the LDA test embedding captured by span(Z) ("LDA overlap") is recorded too.

Writes OUT/results.json (every run), OUT/summary.md (the tables) and OUT/reproduction-*.png.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data", "digits")

SSL = ["vicreg-high", "vicreg-mid", "vicreg-low", "simclr", "barlow"]
METHODS = ["pixels", "lda"] + SSL
LABELS = {
    "pixels": "raw pixels (64-d, reference)",
    "lda": "LDA (label graph, K = 9)",
    "vicreg-high": "VICReg, high gamma",
    "vicreg-mid": "VICReg, default gamma",
    "vicreg-low": "VICReg, low gamma",
    "simclr": "SimCLR",
    "barlow": "BarlowTwins",
}


# ----------------------------------------------------------------------------------------------
# The tool

def find_eigenpair(explicit):
    """The first candidate binary that has the `linear` subcommand."""
    candidates = [explicit] if explicit else [
        os.environ.get("EIGENPAIR"),
        os.path.join(ROOT, ".build", "release", "eigenpair"),
        os.path.join(ROOT, ".build-repro", "release", "eigenpair"),
    ]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            r = subprocess.run([c, "linear", "--help"], capture_output=True, text=True)
            if r.returncode == 0:
                return c
    sys.exit("error: no eigenpair binary with the `linear` subcommand; build one with\n"
             "  swift build -c release --product eigenpair --scratch-path .build-repro\n"
             "and pass --eigenpair .build-repro/release/eigenpair")


class ToolFailure(Exception):
    pass


def run_tool(binary, args, log):
    cmd = [binary] + args + ["--quiet", "--force"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    log.append({"command": " ".join(cmd), "status": r.returncode, "seconds": round(dt, 3)})
    if r.returncode != 0:
        raise ToolFailure(f"{' '.join(cmd)}\nexit {r.returncode}\n{r.stdout}{r.stderr}")
    return dt


def load_weights(out_dir, loss):
    """W* of `loss` and its report entry (W is None when the closed form was unavailable)."""
    with open(os.path.join(out_dir, "report.json")) as f:
        report = json.load(f)
    entry = report["losses"].get(loss, {})
    path = os.path.join(out_dir, f"{loss}-W.npy")
    w = np.load(path) if os.path.exists(path) else None
    return w, entry


# ----------------------------------------------------------------------------------------------
# Augmentations (8x8 images, pixel values 0..16)

def shift(img, dx, dy):
    """Translate by (dx, dy) pixels (x = column, y = row), zero fill."""
    out = np.zeros_like(img)
    h, w = img.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = img[ys, xs]
    return out


def rotate(img, degrees):
    """Rotate about the image centre, bilinear interpolation, zero outside."""
    h, w = img.shape
    t = np.deg2rad(degrees)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    # inverse map: source coordinates of each output pixel
    sx = np.cos(t) * (xx - cx) + np.sin(t) * (yy - cy) + cx
    sy = -np.sin(t) * (xx - cx) + np.cos(t) * (yy - cy) + cy
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = sx - x0, sy - y0
    pad = np.zeros((h + 2, w + 2))
    pad[1:-1, 1:-1] = img

    def at(yi, xi):
        yi, xi = np.clip(yi + 1, 0, h + 1), np.clip(xi + 1, 0, w + 1)
        return pad[yi, xi]

    return ((1 - fy) * (1 - fx) * at(y0, x0) + (1 - fy) * fx * at(y0, x0 + 1)
            + fy * (1 - fx) * at(y0 + 1, x0) + fy * fx * at(y0 + 1, x0 + 1))


def augment(images, views, rng, max_degrees, noise):
    """views augmented copies of each image: (n V, 64) features, the shift index (0..8) of each."""
    n = images.shape[0]
    feats = np.empty((n * views, 64))
    shift_id = np.empty(n * views, dtype=np.int64)
    for i in range(n):
        img = images[i].reshape(8, 8)
        for v in range(views):
            dx, dy = rng.integers(-1, 2, size=2)
            a = rotate(img, rng.uniform(-max_degrees, max_degrees))
            a = shift(a, int(dx), int(dy))
            a = a + rng.normal(0.0, noise, size=a.shape)
            feats[i * views + v] = a.ravel()
            shift_id[i * views + v] = (dy + 1) * 3 + (dx + 1)
    return feats, shift_id


# ----------------------------------------------------------------------------------------------
# Graphs

def aligned_edges(n, views):
    """Views of the same image: a clique of V per image (weight 1)."""
    edges = []
    for i in range(n):
        base = i * views
        for a in range(views):
            for b in range(a + 1, views):
                edges.append((base + a, base + b))
    return np.array(edges, dtype=np.int64)


def misaligned_edges(shift_id, image_of, degree, rng):
    """Each view paired with `degree` random views of other images that got the same shift."""
    edges = set()
    for s in np.unique(shift_id):
        members = np.flatnonzero(shift_id == s)
        for u in members:
            others = members[image_of[members] != image_of[u]]
            if others.size == 0:
                continue
            for v in rng.choice(others, size=min(degree, others.size), replace=False):
                edges.add((min(u, v), max(u, v)))
    return np.array(sorted(edges), dtype=np.int64)


def write_edges(path, edges):
    with open(path, "w") as f:
        f.write("# id id weight\n")
        f.write("".join(f"{u} {v} 1\n" for u, v in edges))


def within_class_fraction(edges, labels):
    return float(np.mean(labels[edges[:, 0]] == labels[edges[:, 1]]))


# ----------------------------------------------------------------------------------------------
# Evaluation

def ridge_probe(z_train, y_train, z_test, y_test, classes, alpha):
    """One-hot ridge regression with an intercept; the penalty is alpha times the mean column
    variance of z_train times n, so that an isotropic rescaling of Z does not change the probe
    (columns far smaller than the others, a near-collapse, are still shrunk away)."""
    mu = z_train.mean(axis=0)
    a, b = z_train - mu, z_test - mu
    n, k = a.shape
    scale = max(float(np.mean(np.var(a, axis=0))), 1e-300)
    onehot = (y_train[:, None] == classes[None, :]).astype(float)
    t = onehot - onehot.mean(axis=0)
    coef = np.linalg.solve(a.T @ a + alpha * scale * n * np.eye(k), a.T @ t)
    pred = classes[np.argmax(b @ coef + onehot.mean(axis=0), axis=1)]
    return float(np.mean(pred == y_test))


def captured_fraction(z, ref):
    """||P_span(Hz) Q_ref||_F^2 / dim(ref): share of span(H ref) inside span(H z) (1 = contains)."""
    def basis(m):
        m = m - m.mean(axis=0)
        u, s, _ = np.linalg.svd(m, full_matrices=False)
        return u[:, s > s[0] * 1e-10] if s.size and s[0] > 0 else u[:, :0]
    qz, qr = basis(z), basis(ref)
    if qz.shape[1] == 0 or qr.shape[1] == 0:
        return 0.0
    return float(np.sum((qz.T @ qr) ** 2) / qr.shape[1])


def stratified(indices, labels, count, rng):
    """count indices from `indices`, as equal per class as possible (random within class)."""
    classes = np.unique(labels[indices])
    per = {c: rng.permutation(indices[labels[indices] == c]) for c in classes}
    base, extra = divmod(count, classes.size)
    order = rng.permutation(classes)
    chosen = []
    for j, c in enumerate(order):
        chosen.extend(per[c][:base + (1 if j < extra else 0)])
    if len(chosen) < count:  # some class ran short: fill from the rest
        rest = np.setdiff1d(indices, chosen)
        chosen.extend(rng.choice(rest, size=count - len(chosen), replace=False))
    return np.sort(np.array(chosen, dtype=np.int64))


# ----------------------------------------------------------------------------------------------

def one_run(binary, X, y, n, rep, args, work, log):
    rng = np.random.default_rng([args.seed, rep, n])
    split_rng = np.random.default_rng([args.seed, rep])
    all_idx = np.arange(X.shape[0])
    test = stratified(all_idx, y, args.test, split_rng)
    pool = np.setdiff1d(all_idx, test)
    train = pool if n >= pool.size else stratified(pool, y, n, rng)
    n = train.size
    V = args.views

    feats, shift_id = augment(X[train], V, rng, args.rotation, args.noise)
    image_of = np.repeat(np.arange(n), V)
    view_labels = np.repeat(y[train], V).astype(np.int64)
    run_dir = os.path.join(work, f"n{n}-r{rep}")
    os.makedirs(run_dir, exist_ok=True)
    fpath = os.path.join(run_dir, "X.npy")
    np.save(fpath, np.ascontiguousarray(feats))
    lpath = os.path.join(run_dir, "labels.npy")
    np.save(lpath, view_labels)

    graphs = {
        "aligned": aligned_edges(n, V),
        "misaligned": misaligned_edges(shift_id, image_of, args.degree, rng),
    }
    x_tr, x_te = X[train], X[test]
    classes = np.arange(10)
    result = {"n": int(n), "rep": rep, "views": V, "nodes": int(n * V), "graphs": {}}
    timings = 0.0

    # supervised baseline: the label graph on the same views
    out = os.path.join(run_dir, "lda")
    timings += run_tool(binary, ["linear", "--pairs-from-labels", lpath, "--features", fpath,
                                 "--out", out, "--dim", "9", "--loss", "vicreg"], log)
    w_lda, e_lda = load_weights(out, "vicreg")
    z_lda_te = x_te @ w_lda
    lda = {"acc": ridge_probe(x_tr @ w_lda, y[train], z_lda_te, y[test], classes, args.alpha),
           "rank": e_lda.get("rank"), "lda_overlap": 1.0}
    pixels = {"acc": ridge_probe(x_tr, y[train], x_te, y[test], classes, args.alpha),
              "rank": 64, "lda_overlap": captured_fraction(x_te, z_lda_te)}

    for gname, edges in graphs.items():
        gpath = os.path.join(run_dir, f"{gname}.tsv")
        write_edges(gpath, edges)
        N = n * V
        S = 2.0 * edges.shape[0]  # ordered pairs, weight 1
        gamma0 = N / S            # the tool's default beta N / S with beta = 1
        gammas = {"vicreg-high": args.gamma_high * gamma0, "vicreg-mid": args.gamma_mid * gamma0,
                  "vicreg-low": args.gamma_low * gamma0}
        info = {"edges": int(edges.shape[0]), "within_class_edge_fraction":
                within_class_fraction(edges, view_labels), "gamma_default": gamma0,
                "gammas": gammas, "dims": {}}
        for K in args.dims:
            methods = {"pixels": pixels, "lda": lda}
            outs = {}
            for j, (m, g) in enumerate(gammas.items()):
                outs[m] = os.path.join(run_dir, f"{gname}-K{K}-{m}")
                loss = "all" if j == 0 else "vicreg"
                timings += run_tool(binary, ["linear", gpath, "--features", fpath, "--out", outs[m],
                                             "--dim", str(K), "--loss", loss, "--gamma", repr(g)], log)
            first = outs["vicreg-high"]
            for method in SSL:
                d, loss = (outs[method], "vicreg") if method.startswith("vicreg") else (first, method)
                w, entry = load_weights(d, loss)
                rec = {"rank": entry.get("rank"), "numerical_rank": entry.get("numerical_rank"),
                       "available": w is not None}
                if w is None:
                    rec.update(acc=None, lda_overlap=None, notes=entry.get("notes"))
                else:
                    z_te = x_te @ w
                    rec["acc"] = ridge_probe(x_tr @ w, y[train], z_te, y[test], classes, args.alpha)
                    rec["lda_overlap"] = captured_fraction(z_te, z_lda_te)
                    # The closed form's per-direction levels, named in report.json for what
                    # they are: VICReg variances, SimCLR second moments, BarlowTwins water levels.
                    for key in ("variances", "second_moments", "water_levels"):
                        if entry.get(key):
                            rec[key] = entry[key]
                methods[method] = rec
            info["dims"][str(K)] = methods
        result["graphs"][gname] = info
    if not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    result["tool_seconds"] = timings
    return result


def summarise(results, sizes, graphs, K, key):
    """{graph: {method: {n: (mean, std, count)}}} of the runs' `key` at dimension K."""
    table = {}
    for g in graphs:
        table[g] = {}
        for m in METHODS:
            table[g][m] = {}
            for n in sizes:
                vals = [r["graphs"][g]["dims"][str(K)][m][key] for r in results
                        if r["n"] == n and r["graphs"][g]["dims"][str(K)][m].get(key) is not None]
                table[g][m][n] = (float(np.mean(vals)), float(np.std(vals)), len(vals)) if vals else None
    return table


def markdown_table(table, sizes, graph, fmt, methods=METHODS):
    lines = ["| method | " + " | ".join(f"n = {n}" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for m in methods:
        cells = []
        for n in sizes:
            v = table[graph][m][n]
            if v is None:
                cells.append("n/a")
            elif fmt == "pct":
                cells.append(f"{100 * v[0]:.1f} ± {100 * v[1]:.1f}")
            elif fmt == "int":
                cells.append(f"{v[0]:.1f}" if v[1] > 0 else f"{v[0]:.0f}")
            else:
                cells.append(f"{v[0]:.2f} ± {v[1]:.2f}")
        lines.append(f"| {LABELS[m]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


PAIRS = [  # (graph, a, b): accuracy of a minus b on the same subset, test split and views
    ("aligned", "vicreg-high", "vicreg-low"),
    ("aligned", "vicreg-high", "simclr"),
    ("aligned", "vicreg-high", "barlow"),
    ("aligned", "vicreg-low", "lda"),
    ("aligned", "simclr", "lda"),
    ("aligned", "barlow", "lda"),
    ("misaligned", "vicreg-low", "simclr"),
    ("misaligned", "vicreg-low", "barlow"),
    ("misaligned", "vicreg-high", "simclr"),
]


def paired_table(results, sizes, K):
    """Paired differences of test accuracy (points): mean ± std over subsets, and wins of a over b."""
    lines = ["| G | a − b | " + " | ".join(f"n = {n}" for n in sizes) + " |",
             "|---|---|" + "---|" * len(sizes)]
    out = {}
    for g, a, b in PAIRS:
        cells = []
        for n in sizes:
            diffs = [100 * (r["graphs"][g]["dims"][str(K)][a]["acc"] - r["graphs"][g]["dims"][str(K)][b]["acc"])
                     for r in results if r["n"] == n
                     and r["graphs"][g]["dims"][str(K)][a]["acc"] is not None
                     and r["graphs"][g]["dims"][str(K)][b]["acc"] is not None]
            if not diffs:
                cells.append("n/a")
                continue
            wins = sum(d > 0 for d in diffs)
            out[f"{g}:{a}-{b}:{n}"] = (float(np.mean(diffs)), float(np.std(diffs)), wins, len(diffs))
            cells.append(f"{np.mean(diffs):+.1f} ± {np.std(diffs):.1f} ({wins}/{len(diffs)})")
        lines.append(f"| {g} | {LABELS[a]} − {LABELS[b]} | " + " | ".join(cells) + " |")
    return "\n".join(lines), out


def plot(table, sizes, graphs, path, ylabel, title, methods=METHODS):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"matplotlib not installed: {path} not written (pip install matplotlib)")
        return False
    style = {"pixels": ("0.6", "x", ":"), "lda": ("k", "s", "--"), "vicreg-high": ("tab:blue", "o", "-"),
             "vicreg-mid": ("tab:purple", "P", "-"), "vicreg-low": ("tab:cyan", "v", "-"),
             "simclr": ("tab:red", "^", "-"), "barlow": ("tab:green", "D", "-")}
    fig, axes = plt.subplots(1, len(graphs), figsize=(5.4 * len(graphs), 4.8), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, g in zip(axes, graphs):
        for m in methods:
            pts = [(n, table[g][m][n]) for n in sizes if table[g][m][n] is not None]
            if not pts:
                continue
            xs = np.array([p[0] for p in pts], dtype=float)
            mu = np.array([p[1][0] for p in pts])
            sd = np.array([p[1][1] for p in pts])
            c, mk, ls = style[m]
            ax.errorbar(xs, mu, yerr=sd, color=c, marker=mk, linestyle=ls, capsize=3, label=LABELS[m])
        ax.set_xscale("log")
        ax.set_xticks(sizes)
        ax.set_xticklabels([str(n) for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("training images n (the graph has n x V views)")
        ax.set_title(f"{g} G")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(ylabel)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, loc="lower center", ncol=4, frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory (results.json, summary.md, plots)")
    p.add_argument("--eigenpair", help="path of the eigenpair binary (default: EIGENPAIR, "
                   ".build/release/eigenpair, .build-repro/release/eigenpair: the first with `linear`)")
    p.add_argument("--sizes", default="50,100,200,500,0",
                   help="training images per run, comma-separated; 0 = the whole pool (default %(default)s)")
    p.add_argument("--reps", type=int, default=8, help="random subsets (and test splits) per size")
    p.add_argument("--test", type=int, default=497, help="held-out test images (stratified)")
    p.add_argument("--views", type=int, default=4, help="augmented views per image (V)")
    p.add_argument("--dims", default="16,9", help="K of the SSL closed forms, comma-separated (LDA: C - 1 = 9)")
    p.add_argument("--gamma-high", type=float, default=2.0, help="high gamma, in units of the default beta N / S")
    p.add_argument("--gamma-mid", type=float, default=1.0, help="middle gamma (1 = the tool's default beta N / S)")
    p.add_argument("--gamma-low", type=float, default=0.01, help="low gamma, in units of the default beta N / S")
    p.add_argument("--degree", type=int, default=3, help="partners per view in the misaligned graph")
    p.add_argument("--rotation", type=float, default=10.0, help="max rotation in degrees")
    p.add_argument("--noise", type=float, default=0.5, help="pixel noise std (pixels are 0..16)")
    p.add_argument("--alpha", type=float, default=1e-2, help="relative ridge penalty of the probe")
    p.add_argument("--seed", type=int, default=2205)
    p.add_argument("--keep", action="store_true", help="keep the graphs, features and tool outputs")
    args = p.parse_args()
    args.dims = [int(k) for k in args.dims.split(",")]

    binary = find_eigenpair(args.eigenpair)
    X = np.load(os.path.join(DATA, "X.npy"))
    y = np.load(os.path.join(DATA, "y.npy"))
    pool_size = X.shape[0] - args.test
    sizes = sorted({pool_size if int(s) <= 0 or int(s) >= pool_size else int(s) for s in args.sizes.split(",")})
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(args.out, "work")
    os.makedirs(work, exist_ok=True)

    t0 = time.perf_counter()
    results, log = [], []
    try:
        for n in sizes:
            for rep in range(args.reps):
                r = one_run(binary, X, y, n, rep, args, work, log)
                results.append(r)
                K = str(args.dims[0])
                accs = "  ".join(f"{g[:3]}:" + ",".join(
                    f"{m}={100 * r['graphs'][g]['dims'][K][m]['acc']:.1f}"
                    if r['graphs'][g]['dims'][K][m]['acc'] is not None else f"{m}=n/a"
                    for m in SSL) for g in r["graphs"])
                print(f"n={n:5d} rep={rep} K={K} lda={100 * r['graphs']['aligned']['dims'][K]['lda']['acc']:.1f}"
                      f"  {accs}  ({r['tool_seconds']:.1f}s in eigenpair)", flush=True)
    except ToolFailure as e:
        print(f"eigenpair failed:\n{e}", file=sys.stderr)
        sys.exit(1)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - t0

    graphs = ["aligned", "misaligned"]
    wcf = {g: float(np.mean([r["graphs"][g]["within_class_edge_fraction"] for r in results])) for g in graphs}
    tool_s = sum(c["seconds"] for c in log)
    summary = {}
    parts = [f"Runs: {len(results)} ({args.reps} per size, sizes {sizes}), {len(log)} eigenpair calls, "
             f"{elapsed:.0f} s in all ({tool_s:.0f} s in eigenpair). Within-class edge fraction: "
             + ", ".join(f"{g} {wcf[g]:.3f}" for g in graphs) + ".", ""]
    for K in args.dims:
        acc = summarise(results, sizes, graphs, K, "acc")
        ovl = summarise(results, sizes, graphs, K, "lda_overlap")
        rank = summarise(results, sizes, graphs, K, "rank")
        summary[str(K)] = {"accuracy": acc, "lda_overlap": ovl, "rank": rank}
        for g in graphs:
            parts += [f"### K = {K}: test accuracy (%), {g} G", "", markdown_table(acc, sizes, g, "pct"), ""]
        ptable, pvals = paired_table(results, sizes, K)
        summary[str(K)]["paired_differences"] = pvals
        parts += [f"### K = {K}: paired accuracy differences (points; wins of a over b)", "", ptable, ""]
        for g in graphs:
            parts += [f"### K = {K}: LDA overlap (share of span of the LDA test embedding inside span Z), {g} G",
                      "", markdown_table(ovl, sizes, g, "frac", SSL), ""]
        for g in graphs:
            parts += [f"### K = {K}: closed-form rank (nonzero scale factors), {g} G", "",
                      markdown_table(rank, sizes, g, "int", SSL), ""]
        plot(acc, sizes, graphs, os.path.join(args.out, f"reproduction-accuracy-K{K}.png"),
             "test accuracy (ridge probe on held-out images)",
             f"Digits: V = {args.views} views, K = {K} (LDA: 9); mean ± std over {args.reps} subsets")
        plot(ovl, sizes, graphs, os.path.join(args.out, f"reproduction-lda-overlap-K{K}.png"),
             "share of the LDA subspace inside span Z (test)",
             f"Recovery of the supervised (LDA) subspace, K = {K}", SSL)

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"settings": vars(args) | {"eigenpair": binary, "sizes": sizes, "pool": pool_size},
                   "seconds": elapsed, "tool_seconds": tool_s, "tool_calls": len(log),
                   "within_class_edge_fraction": wcf, "summary": summary,
                   "runs": results, "commands": log}, f, indent=1)
    text = "\n".join(parts)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    print(f"wrote {args.out}/results.json, summary.md and the plots; {elapsed:.0f} s")


if __name__ == "__main__":
    main()
