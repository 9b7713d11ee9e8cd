"""embed, linear, sweep and compare: the subcommands of the binary as Python functions.

Each writes its in-memory inputs into a temporary directory, runs the binary there (``out=None``:
also into a temporary directory, removed once the results are read), and returns the results as
NumPy arrays and dicts.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import _binary
from ._inputs import GraphInput, array_file, graph_input, labels_file

#: The losses of `embed`, `sweep` and `compare`, in the binary's order.
LOSSES = ("vicreg", "simclr", "simclr-degree", "barlow")
#: The losses with a linear closed form (`linear`).
LINEAR_LOSSES = ("vicreg", "simclr", "barlow")
#: Operator names of the spectrum-<operator>.npy files.
OPERATORS = ("L", "G", "An")


@dataclass
class Embedding:
    """What `embed` returns.

    ``Z[loss]``: the closed-form optimum Z*, an N x K float64 array whose row i is ``nodes[i]``;
    losses whose closed form does not exist at this K are absent (``report["losses"][loss]`` says
    why). ``nodes``: the node of each row (matrix inputs: the matrix row, so row i of Z is row i of
    the matrix; networkx inputs: the networkx node; edge arrays and files: the node ID).
    ``spectra[op]``: eigenvalues used, op in "L", "G", "An". ``report``: report.json as a dict.
    ``summary``: the table the binary printed. ``out``: the output directory (None when temporary).
    """

    Z: dict
    nodes: np.ndarray
    spectra: dict
    report: dict
    summary: str = ""
    out: str | None = None


@dataclass
class LinearResult:
    """What `linear` returns: ``W[loss]`` (P x K), ``Z[loss]`` = X W (rows in ``nodes`` order)."""

    W: dict
    Z: dict
    nodes: np.ndarray
    report: dict
    summary: str = ""
    out: str | None = None


@dataclass
class SweepResult:
    """What `sweep` returns: ``report`` (sweep.json), ``spectra``, ``plots`` {file name: SVG text}."""

    report: dict
    spectra: dict
    plots: dict = field(default_factory=dict)
    summary: str = ""
    out: str | None = None


@dataclass
class CompareResult:
    """What `compare` returns: ``report`` (report.json) and ``plots`` {file name: SVG text}."""

    report: dict
    plots: dict = field(default_factory=dict)
    summary: str = ""
    out: str | None = None


def _loss_argument(loss) -> str:
    if isinstance(loss, str):
        return loss
    names = list(loss)
    if not names:
        raise ValueError("loss: name at least one loss")
    return ",".join(names)


def _number(x) -> str:
    """A float exactly as Python holds it (repr round-trips)."""
    return repr(float(x))


def _solver_arguments(*, largest_component=False, tol=None, ncv=None, max_restarts=None,
                      laplacian_method=None, factor_budget=None, merge=None) -> list[str]:
    a = []
    if largest_component:
        a.append("--largest-component")
    if tol is not None:
        a.append(f"--tol={_number(tol)}")
    if ncv is not None:
        a.append(f"--ncv={int(ncv)}")
    if max_restarts is not None:
        a.append(f"--max-restarts={int(max_restarts)}")
    if laplacian_method is not None:
        a.append(f"--laplacian-method={laplacian_method}")
    if factor_budget is not None:
        a.append(f"--factor-budget={_number(factor_budget)}")
    if merge is not None:
        a.append(f"--merge={merge}")
    return a


class _Workspace:
    """A temporary directory for the inputs, and the output directory (``out`` or a temporary one)."""

    def __init__(self, out, force: bool):
        self._tmp = tempfile.TemporaryDirectory(prefix="eigenpair-")
        self.inputs = self._tmp.name
        if out is None:
            self.out = os.path.join(self._tmp.name, "out")
            self.kept = None
        else:
            self.out = os.fspath(out)
            self.kept = self.out
        self.force = force

    def output_arguments(self) -> list[str]:
        return [f"--out={self.out}"] + (["--force"] if self.force else [])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._tmp.cleanup()


def _load(path: Path) -> np.ndarray:
    return np.load(path, allow_pickle=False)


def _spectra(out: Path) -> dict:
    return {op: _load(out / f"spectrum-{op}.npy") for op in OPERATORS if (out / f"spectrum-{op}.npy").is_file()}


def _plots(out: Path) -> dict:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.svg"))}


def _common(graph: GraphInput, labels, ws: _Workspace) -> list[str]:
    a = [graph.path]
    if labels is not None:
        a.append(f"--labels={labels_file(labels, graph, ws.inputs)}")
    return a


def embed(graph, dim: int = 16, loss="all", *, labels=None, gamma=None, beta=1.0, lam=1.0,
          largest_component: bool = False, tol=None, ranks: int = 1, out=None, force: bool = False,
          ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None, merge=None,
          weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
          extra_args: Sequence[str] = ()) -> Embedding:
    """The closed-form optimal representation Z* of each loss for the pair graph ``graph``.

    ``graph``: a scipy.sparse matrix or array (node i = row i; isolated nodes kept), an (m, 2) or
    (m, 3) array of `u v [w]` rows, a networkx graph (edge attribute ``weight``), or a path to a
    file the binary reads. ``loss``: "all", one name, a comma list or a list of names from
    vicreg, simclr, simclr-degree, barlow. ``labels``: a path, a dict {node: label} or a sequence
    (entry i labels node i). ``lam`` is BarlowTwins' lambda. ``ranks > 1`` runs under mpirun
    (same results). ``out``: keep the binary's output directory there (``force`` replaces an
    existing one); None uses a temporary directory. The remaining options are the command line's
    (``eigenpair embed --help``); ``extra_args`` are appended to it verbatim.

    Raises EigenpairError (bad input: exit status 2) or NotConverged (exit status 3).
    """
    with _Workspace(out, force) as ws:
        g = graph_input(graph, ws.inputs, weight=weight)
        arguments = ["embed"] + _common(g, labels, ws) + ws.output_arguments()
        arguments += [f"--dim={int(dim)}", f"--loss={_loss_argument(loss)}", f"--beta={_number(beta)}",
                      f"--lambda={_number(lam)}"]
        if gamma is not None:
            arguments.append(f"--gamma={_number(gamma)}")
        arguments += _solver_arguments(largest_component=largest_component, tol=tol, ncv=ncv,
                                       max_restarts=max_restarts, laplacian_method=laplacian_method,
                                       factor_budget=factor_budget, merge=merge)
        arguments += ([] if verbose else ["--quiet"]) + list(extra_args)
        summary = _binary.run(arguments, ranks=ranks, mpirun=mpirun, verbose=verbose)
        o = Path(ws.out)
        Z = {name: _load(o / f"{name}.npy") for name in LOSSES if (o / f"{name}.npy").is_file()}
        report = json.loads((o / "report.json").read_text(encoding="utf-8"))
        return Embedding(Z=Z, nodes=g.node_names(_load(o / "nodes.npy")), spectra=_spectra(o),
                         report=report, summary=summary, out=ws.kept)


def linear(graph=None, features=None, dim: int | None = None, loss="all", *, gamma=None, beta=1.0,
           pairs_from_labels=None, label_weighting: str | None = None, nodes=None, merge=None,
           ranks: int = 1, out=None, force: bool = False, weight: str = "weight", verbose: bool = False,
           mpirun: str | None = None, extra_args: Sequence[str] = ()) -> LinearResult:
    """The closed-form optimal linear network W* (Z = X W) of each loss.

    ``features``: X, an N x P float array (row i = node i, as for ``labels`` in `embed`) or a .npy
    path; ``nodes``: the node ID of each row of X (array or .npy path). Give either ``graph`` or
    ``pairs_from_labels`` (labels as in `embed`; the label graph, Fisher LDA with the default
    ``label_weighting`` "inverse-size"). Options as ``eigenpair linear --help``.
    """
    if features is None:
        raise ValueError("linear: features are required")
    with _Workspace(out, force) as ws:
        arguments = ["linear"]
        g = None
        if graph is not None:
            g = graph_input(graph, ws.inputs, weight=weight)
            arguments.append(g.path)
        if pairs_from_labels is not None:
            base = g or GraphInput(path="", kind="edges")
            arguments.append(f"--pairs-from-labels={labels_file(pairs_from_labels, base, ws.inputs, 'pairs.txt')}")
        arguments.append(f"--features={array_file(features, ws.inputs, 'features.npy', np.float64)}")
        if nodes is not None:
            arguments.append(f"--nodes={array_file(nodes, ws.inputs, 'nodes.npy', np.int64)}")
        arguments += ws.output_arguments() + [f"--loss={_loss_argument(loss)}", f"--beta={_number(beta)}"]
        if dim is not None:
            arguments.append(f"--dim={int(dim)}")
        if gamma is not None:
            arguments.append(f"--gamma={_number(gamma)}")
        if label_weighting is not None:
            arguments.append(f"--label-weighting={label_weighting}")
        if merge is not None:
            arguments.append(f"--merge={merge}")
        arguments += ([] if verbose else ["--quiet"]) + list(extra_args)
        summary = _binary.run(arguments, ranks=ranks, mpirun=mpirun, verbose=verbose)
        o = Path(ws.out)
        W = {n: _load(o / f"{n}-W.npy") for n in LINEAR_LOSSES if (o / f"{n}-W.npy").is_file()}
        Z = {n: _load(o / f"{n}.npy") for n in LINEAR_LOSSES if (o / f"{n}.npy").is_file()}
        ids = _load(o / "nodes.npy")
        report = json.loads((o / "report.json").read_text(encoding="utf-8"))
        return LinearResult(W=W, Z=Z, nodes=g.node_names(ids) if g else ids, report=report,
                            summary=summary, out=ws.kept)


def _list_argument(values: Iterable, convert) -> str:
    return ",".join(convert(v) for v in values)


def sweep(graph, *, dims=None, gammas=None, loss="all", beta=1.0, lam=1.0, labels=None,
          largest_component: bool = False, tol=None, ranks: int = 1, out=None, force: bool = False,
          ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None, merge=None,
          weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
          extra_args: Sequence[str] = ()) -> SweepResult:
    """The closed forms over a grid of ``gammas`` (VICReg) and ``dims`` (K) from one eigen-solve per
    operator: ``report["points"]`` holds one entry per (loss, K[, gamma]). Options as `embed` and
    ``eigenpair sweep --help`` (None: the binary's default grids)."""
    with _Workspace(out, force) as ws:
        g = graph_input(graph, ws.inputs, weight=weight)
        arguments = ["sweep"] + _common(g, labels, ws) + ws.output_arguments()
        arguments += [f"--loss={_loss_argument(loss)}", f"--beta={_number(beta)}", f"--lambda={_number(lam)}"]
        if dims is not None:
            arguments.append(f"--dims={_list_argument(dims, lambda k: str(int(k)))}")
        if gammas is not None:
            arguments.append(f"--gammas={_list_argument(gammas, _number)}")
        arguments += _solver_arguments(largest_component=largest_component, tol=tol, ncv=ncv,
                                       max_restarts=max_restarts, laplacian_method=laplacian_method,
                                       factor_budget=factor_budget, merge=merge)
        arguments += ([] if verbose else ["--quiet"]) + list(extra_args)
        summary = _binary.run(arguments, ranks=ranks, mpirun=mpirun, verbose=verbose)
        o = Path(ws.out)
        report = json.loads((o / "sweep.json").read_text(encoding="utf-8"))
        return SweepResult(report=report, spectra=_spectra(o), plots=_plots(o), summary=summary, out=ws.kept)


def compare(graph, embedding, *, nodes=None, labels=None, dim=None, loss="all", gamma=None, beta=1.0,
            lam=1.0, largest_component: bool = False, tol=None, ranks: int = 1, out=None,
            force: bool = False, ncv=None, max_restarts=None, laplacian_method=None, factor_budget=None,
            merge=None, weight: str = "weight", verbose: bool = False, mpirun: str | None = None,
            extra_args: Sequence[str] = ()) -> CompareResult:
    """A trained ``embedding`` (N x K array or .npy path; row i = node i unless ``nodes`` gives the
    node ID of each row) against the closed-form optimum of each loss: ``report["losses"][loss]``
    has loss_at_embedding, min_loss, gap and principal angles. Options as ``eigenpair compare --help``."""
    with _Workspace(out, force) as ws:
        g = graph_input(graph, ws.inputs, weight=weight)
        arguments = ["compare"] + _common(g, labels, ws) + ws.output_arguments()
        arguments.append(f"--embedding={array_file(embedding, ws.inputs, 'embedding.npy', np.float64)}")
        if nodes is not None:
            arguments.append(f"--nodes={array_file(nodes, ws.inputs, 'nodes.npy', np.int64)}")
        arguments += [f"--loss={_loss_argument(loss)}", f"--beta={_number(beta)}", f"--lambda={_number(lam)}"]
        if dim is not None:
            arguments.append(f"--dim={int(dim)}")
        if gamma is not None:
            arguments.append(f"--gamma={_number(gamma)}")
        arguments += _solver_arguments(largest_component=largest_component, tol=tol, ncv=ncv,
                                       max_restarts=max_restarts, laplacian_method=laplacian_method,
                                       factor_budget=factor_budget, merge=merge)
        arguments += ([] if verbose else ["--quiet"]) + list(extra_args)
        summary = _binary.run(arguments, ranks=ranks, mpirun=mpirun, verbose=verbose)
        o = Path(ws.out)
        report = json.loads((o / "report.json").read_text(encoding="utf-8"))
        return CompareResult(report=report, plots=_plots(o), summary=summary, out=ws.kept)
